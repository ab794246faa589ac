use super::*;
use proptest::prelude::*;

const MINIMAL: &str = r#"
id = "our-measure"
name = "Our measure"
scoring = "mean"
higher_is = "worse"

[scale]
min = 1
max = 5
labels = [{ value = 1, label = "Not at all" }, { value = 5, label = "Very much" }]

[[items]]
id = "one"
text = "How much?"

[source]
citation = "Our team, 2026"

[terms]
summary = "Ours"
commercial_use = "allowed"

[reading]
first = "First answer."
lower = "Lower than last time."
similar = "About the same."
higher = "Higher than last time."
"#;

fn answers(pairs: &[(&str, i64)]) -> BTreeMap<String, i64> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()
}

fn field_of(text: &str) -> String {
    match Instrument::parse(text) {
        Err(InstrumentError::Invalid { field, .. }) => field,
        other => panic!("expected an invalid field, got {other:?}"),
    }
}

#[test]
fn builtin_files_are_named_by_their_ids() {
    for ((file, _), i) in BUILTIN_SOURCES.iter().zip(builtin()) {
        assert_eq!(*file, format!("{}.toml", i.id()));
    }
}

#[test]
fn builtins_parse_and_are_the_four_measures() {
    let ids: Vec<&str> = builtin().iter().map(|i| i.id()).collect();
    assert_eq!(
        ids,
        [
            "post-incident-stress",
            "state-rumination",
            "sleep-quality",
            "state-self-compassion-sf"
        ]
    );
    for (file, text) in BUILTIN_SOURCES {
        assert!(Instrument::parse(text).is_ok(), "{file}");
    }
}

#[test]
fn builtin_wording_is_as_published() {
    let r = builtin_by_id("state-rumination").unwrap();
    assert_eq!(r.items().len(), 3);
    assert_eq!(
        r.items()[0].text(),
        "Did you find it hard to stop thinking about the problem afterward?"
    );
    assert!(r.source().citation.contains("Mosewich"));
    assert_eq!(r.source().year, Some(2013));
    let s = builtin_by_id("state-self-compassion-sf").unwrap();
    let reversed: Vec<&str> = s
        .items
        .iter()
        .filter(|i| i.reversed)
        .map(|i| i.id())
        .collect();
    assert_eq!(reversed, ["obsessing", "struggling-more", "intolerant"]);
    assert_eq!(s.terms().commercial_use, CommercialUse::Unconfirmed);
    assert_eq!(s.scoring(), Scoring::MeanAfterReversing);
    let sleep = builtin_by_id("sleep-quality").unwrap();
    assert_eq!((sleep.scale().min(), sleep.scale().max()), (0, 10));
    assert_eq!(sleep.scale().points().count(), 11);
    // Neither of the measures that must not ship by default is there.
    assert!(
        builtin()
            .iter()
            .all(|i| !i.name().contains("Burnout") && !i.name().contains("Perceived"))
    );
}

#[test]
fn scoring_reverses_reversed_items() {
    let s = builtin_by_id("state-self-compassion-sf").unwrap();
    // All 5s: three plain 5s and three reversed 5s (counted as 1): mean 3.
    let all5 = answers(&[
        ("caring", 5),
        ("obsessing", 5),
        ("others-like-me", 5),
        ("struggling-more", 5),
        ("intolerant", 5),
        ("perspective", 5),
    ]);
    assert_eq!(s.score(&all5).unwrap().value(), 3.0);
    let kind = answers(&[
        ("caring", 5),
        ("obsessing", 1),
        ("others-like-me", 5),
        ("struggling-more", 1),
        ("intolerant", 1),
        ("perspective", 5),
    ]);
    assert_eq!(s.score(&kind).unwrap().value(), 5.0);
}

#[test]
fn scoring_refuses_missing_out_of_range_and_stray_answers() {
    let r = builtin_by_id("state-rumination").unwrap();
    assert_eq!(
        r.score(&answers(&[("hard-to-stop", 3), ("dwell-negative", 3)])),
        Err(ScoreError::Missing {
            item: "seem-worse".into()
        })
    );
    assert_eq!(
        r.score(&answers(&[
            ("hard-to-stop", 3),
            ("dwell-negative", 6),
            ("seem-worse", 1)
        ])),
        Err(ScoreError::OutOfRange {
            item: "dwell-negative".into(),
            value: 6,
            min: 1,
            max: 5
        })
    );
    assert!(matches!(
        r.score(&answers(&[
            ("hard-to-stop", 3),
            ("dwell-negative", 3),
            ("seem-worse", 3),
            ("x", 1)
        ])),
        Err(ScoreError::UnknownItem { .. })
    ));
    let ok = r
        .score(&answers(&[
            ("hard-to-stop", 1),
            ("dwell-negative", 2),
            ("seem-worse", 3),
        ]))
        .unwrap();
    assert_eq!(ok.value(), 2.0);
}

#[test]
fn sum_scoring_and_stored_scores() {
    let text = MINIMAL
        .replace("scoring = \"mean\"", "scoring = \"sum\"")
        .replace(
            "[source]",
            "[[items]]\nid = \"two\"\ntext = \"And how much now?\"\n\n[source]",
        );
    let i = Instrument::parse(&text).unwrap();
    assert_eq!(i.score_range(), (2.0, 10.0));
    assert_eq!(
        i.score(&answers(&[("one", 4), ("two", 5)]))
            .unwrap()
            .value(),
        9.0
    );
    assert!(i.stored_score(10.0).is_some());
    assert!(i.stored_score(10.5).is_none());
    assert!(i.stored_score(f64::NAN).is_none());
}

#[test]
fn stressed_share_is_the_top_two_points() {
    let s = builtin_by_id(POST_INCIDENT_STRESS).unwrap();
    let at = |v| {
        s.score(&answers(&[("stress", v)]))
            .unwrap()
            .stressed_or_very_stressed()
    };
    assert_eq!(
        [at(1), at(3), at(4), at(5)],
        [Some(false), Some(false), Some(true), Some(true)]
    );
}

#[test]
fn a_team_cannot_reuse_a_shipped_id() {
    let text = MINIMAL.replace("\"our-measure\"", "\"state-rumination\"");
    assert!(Instrument::parse(&text).is_ok());
    assert_eq!(
        Instrument::parse_custom(&text).unwrap_err(),
        InstrumentError::Invalid {
            field: "id".into(),
            reason: "\"state-rumination\" is the id of a measure Aftercare ships; choose another"
                .into()
        }
    );
    assert!(Instrument::parse_custom(MINIMAL).is_ok());
}

#[test]
fn a_teams_own_instrument_parses() {
    let i = Instrument::parse(MINIMAL).unwrap();
    assert_eq!(i.id(), "our-measure");
    assert_eq!(i.scale().points().filter(|(_, l)| l.is_some()).count(), 2);
}

#[test]
fn format_errors_show_the_line_and_field() {
    let e = |t: String| Instrument::parse(&t).unwrap_err().to_string();
    assert!(e(MINIMAL.replace("name = \"Our measure\"\n", "")).contains("missing field `name`"));
    let wrong_type = e(MINIMAL.replace("min = 1", "min = \"one\""));
    assert!(
        wrong_type.contains("line 8") && wrong_type.contains("min = \"one\""),
        "{wrong_type}"
    );
    assert!(e(MINIMAL.replace("\"mean\"", "\"median\"")).contains("unknown variant `median`"));
}

#[test]
fn format_errors_name_the_field() {
    let e = Instrument::parse(&MINIMAL.replace("name = ", "title = ")).unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("title") || msg.contains("name"), "{msg}");
    let e = Instrument::parse(&MINIMAL.replace("\"mean\"", "\"median\"")).unwrap_err();
    assert!(e.to_string().contains("median"), "{e}");
    assert!(matches!(
        Instrument::parse("not toml ["),
        Err(InstrumentError::Format(_))
    ));
}

#[test]
fn invalid_fields_are_named() {
    assert_eq!(
        field_of(&MINIMAL.replace("\"our-measure\"", "\"Our Measure\"")),
        "id"
    );
    assert_eq!(
        field_of(&MINIMAL.replace("\"Our measure\"", "\"  \"")),
        "name"
    );
    assert_eq!(field_of(&MINIMAL.replace("max = 5", "max = 1")), "scale");
    assert_eq!(
        field_of(&MINIMAL.replace(
            "{ value = 5, label = \"Very much\" }",
            "{ value = 4, label = \"Much\" }"
        )),
        "scale.labels"
    );
    assert_eq!(
        field_of(&MINIMAL.replace(
            "{ value = 5, label = \"Very much\" }",
            "{ value = 6, label = \"Much\" }"
        )),
        "scale.labels[1]"
    );
    assert_eq!(
        field_of(&MINIMAL.replace(
            "{ value = 5, label = \"Very much\" }",
            "{ value = 1, label = \"Much\" }"
        )),
        "scale.labels[1]"
    );
    assert_eq!(
        field_of(&MINIMAL.replace("\"How much?\"", "\"\"")),
        "items[0].text"
    );
    assert_eq!(
        field_of(&MINIMAL.replace(
            "text = \"How much?\"",
            "text = \"How much?\"\nreversed = true"
        )),
        "items[0].reversed"
    );
    assert_eq!(
        field_of(&MINIMAL.replace(
            "[source]",
            "[[items]]\nid = \"one\"\ntext = \"Again?\"\n\n[source]"
        )),
        "items[1].id"
    );
    assert_eq!(
        field_of(&MINIMAL.replace("\"Our team, 2026\"", "\"\"")),
        "source.citation"
    );
    assert_eq!(
        field_of(&MINIMAL.replace(
            "citation = \"Our team, 2026\"",
            "citation = \"x\"\nyear = 20"
        )),
        "source.year"
    );
}

#[test]
fn source_url_must_be_a_web_address() {
    let with = |u: &str| {
        MINIMAL.replace(
            "citation = \"Our team, 2026\"",
            &format!("citation = \"x\"\nurl = \"{u}\""),
        )
    };
    assert!(Instrument::parse(&with("https://doi.org/10.1123/jsep.35.5.514")).is_ok());
    assert_eq!(field_of(&with("javascript:alert(1)")), "source.url");
}

#[test]
fn diagnosing_readings_are_refused() {
    let e =
        Instrument::parse(&MINIMAL.replace("\"Higher than last time.\"", "\"You have Anxiety.\""))
            .unwrap_err();
    assert_eq!(
        e,
        InstrumentError::Invalid {
            field: "reading.higher".into(),
            reason: "reads like a diagnosis (\"anxiety\"); a reading compares the person with \
                     themselves, e.g. \"Lower than after your last incident.\""
                .into()
        }
    );
    // Plain statements about the person's own answers are fine.
    let plain = MINIMAL.replace(
        "\"Higher than last time.\"",
        "\"You have answered higher than last time.\"",
    );
    assert!(Instrument::parse(&plain).is_ok());
    assert_eq!(
        field_of(&MINIMAL.replace("\"About the same.\"", "\"Signs of burnout.\"")),
        "reading.similar"
    );
}

#[test]
fn no_items_is_refused() {
    let text = MINIMAL.replace(
        "[[items]]\nid = \"one\"\ntext = \"How much?\"\n",
        "items = []\n",
    );
    // `items = []` after the [scale] table would belong to it; put it at the top instead.
    let text = text.replacen(
        "id = \"our-measure\"",
        "id = \"our-measure\"\nitems = []",
        1,
    );
    let text = text.replace("\nitems = []\n\n[source]", "\n[source]");
    assert_eq!(field_of(&text), "items");
}

proptest! {
    /// Any complete in-range answers score within the range; any out-of-range answer is refused by name.
    #[test]
    fn scores_stay_in_range(which in 0usize..4, values in proptest::collection::vec(-3i64..14, 6)) {
        let i = &builtin()[which];
        let a: BTreeMap<String, i64> = i.items().iter().zip(&values).map(|(it, v)| (it.id().to_owned(), *v)).collect();
        let (min, max) = i.score_range();
        match i.score(&a) {
            Ok(s) => prop_assert!(min <= s.value() && s.value() <= max),
            Err(ScoreError::OutOfRange { item, value, .. }) => {
                prop_assert_eq!(a.get(&item), Some(&value));
                prop_assert!(value < i.scale().min() || value > i.scale().max());
            }
            Err(e) => prop_assert!(false, "unexpected {e}"),
        }
    }

    /// Parsing never panics on arbitrary text.
    #[test]
    fn parse_never_panics(text in "\\PC{0,400}") {
        let _ = Instrument::parse(&text);
    }
}
