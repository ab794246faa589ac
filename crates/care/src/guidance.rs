//! What a lead, a supporter and a journalling person are given after an incident, as data: each item in
//! our own words, with where it comes from in words a person can follow up.
//!
//! The item ids are stable: the store records which checklist items a lead marked done by id, and the
//! team pulse counts them ([`crate::pulse`]). Change the wording freely; do not reuse an id for another
//! meaning.

use serde::Serialize;

/// One piece of guidance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct GuidanceItem {
    pub id: &'static str,
    pub text: &'static str,
    /// Where it comes from, so that anyone can look it up.
    pub source: &'static str,
}

/// The full references behind the items, for a page that lists them.
pub const SOURCE_SEED_000: &str = "Jessica DeVita, \"Reckoning with the harm we do: In search of Restorative Just Culture in software and web operations\", QCon 2022";
pub const SOURCE_RJC_CHECKLIST: &str = "Sidney Dekker, the restorative just culture checklist, safetydifferently.com/restorative-just-culture-checklist";
pub const SOURCE_SCOTT: &str = "Susan Scott's three-tier model of support for clinicians after adverse events, as used by forYOU at the University of Missouri since 2007";
pub const SOURCE_WATERMAN: &str = "Waterman et al. (2007), \"The emotional impact of medical errors on practicing physicians in the United States and Canada\", Joint Commission Journal on Quality and Patient Safety 33(8):467-476";

/// The private checklist the lead of each team involved gets when an incident resolves (issue 7,
/// item 6). Only the lead sees it; the pulse shows only how often items were done, over 5 or more leads.
pub const LEAD_CHECKLIST: &[GuidanceItem] = &[
    GuidanceItem {
        id: "reach-out",
        text: "Reach out to each person who was in the incident, one to one, and ask how they are doing. Ask about them, not about what went wrong.",
        source: "Seed 000: \"Personal outreach and giving people an opportunity to talk through things afterwards is very helpful, but also quite rare\" (a participant in Jessica DeVita's research, QCon 2022); tier 1 of Scott's three-tier model (forYOU)",
    },
    GuidanceItem {
        id: "no-why-questions",
        text: "Leave out why-questions such as \"Why did you release it?\". Ask what they saw, what they expected, and what made sense at the time.",
        source: "Seed 000: a participant was asked \"Why did you release the software?\" three times in one hour-long meeting and \"definitely felt blamed\" (Jessica DeVita, QCon 2022); the restorative just culture checklist (Sidney Dekker, safetydifferently.com)",
    },
    GuidanceItem {
        id: "protect-rest",
        text: "Protect their rest. If they were up in the night or ran on adrenaline for hours, take work off them today, move their next shift if they need it, and say plainly that stepping away is fine.",
        source: "Seed 000: lost sleep and \"the amount of adrenaline I'd been running on for the past 36 hours\" (Jessica DeVita, QCon 2022); Waterman et al. (2007): 42% of physicians had sleeping difficulties after errors",
    },
    GuidanceItem {
        id: "support-investigators",
        text: "Make sure the people investigating the incident or facilitating its review are supported too, not only the responders.",
        source: "Seed 000: investigators as \"third victims\" reporting \"an almost complete lack of emotional support\" (Holden & Card 2019, quoted by Jessica DeVita, QCon 2022)",
    },
    GuidanceItem {
        id: "review-language",
        text: "In the review, do not name a person as the cause, do not stop at \"human error\", and do not ask who is to blame. Ask who was hurt, what they need, and what in the system made this easy to get wrong.",
        source: "Seed 000: reviews that end in \"human error\" and \"recrimination meetings\" (Jessica DeVita, QCon 2022); the restorative just culture checklist (Sidney Dekker, safetydifferently.com)",
    },
    GuidanceItem {
        id: "offer-support",
        text: "Tell them peer support and the organisation's professional support are there, and that whether they use them is their own business: you will not be told.",
        source: "Scott's three-tier model (tiers 2 and 3; forYOU); Waterman et al. (2007): 82% of physicians felt peer support and counselling could help",
    },
];

/// The guidance a peer supporter gets with their nudge (issue 7, item 3).
pub const SUPPORTER_GUIDANCE: &[GuidanceItem] = &[
    GuidanceItem {
        id: "listen",
        text: "Listen more than you talk. You are there for the person, not for the incident.",
        source: SOURCE_SCOTT,
    },
    GuidanceItem {
        id: "ask-how-they-are",
        text: "Ask how they are, and how they are sleeping. Do not ask what went wrong or whose change it was.",
        source: "Tier 2 of Scott's model is about the person's reaction, not the details of the event (forYOU); seed 000 (Jessica DeVita, QCon 2022)",
    },
    GuidanceItem {
        id: "not-alone",
        text: "If you have felt the same after an incident, say so. Hearing that others have been there helps.",
        source: "Seed 001 (Jaime Woo): \"value in realizing that they are not alone\", after Waterman et al. (2007)",
    },
    GuidanceItem {
        id: "keep-it-between-you",
        text: "Keep what they tell you between the two of you. Nothing goes to their lead or anyone else unless they ask you to pass it on.",
        source: "Tier 2 of Scott's model is confidential (forYOU); Aftercare's privacy model, docs/privacy.md",
    },
    GuidanceItem {
        id: "short-is-fine",
        text: "A short conversation is enough: 15 to 45 minutes, once or a few times.",
        source: "Tier 2 of Scott's model: one to three contacts of 15 to 45 minutes (forYOU)",
    },
    GuidanceItem {
        id: "point-to-professionals",
        text: "If they are struggling more than a conversation can help with, point them to the professional support their organisation offers. Every check-in lists it.",
        source: "Tier 3 of Scott's model: referral to employee assistance or a psychologist (forYOU)",
    },
];

/// The three parts of self-compassion, in the order the writing goes through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    /// Name what you feel without judging it.
    Mindfulness,
    /// Others go through this too.
    CommonHumanity,
    /// What you would tell a friend.
    SelfKindness,
}

/// A journal prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Prompt {
    pub id: &'static str,
    pub part: Part,
    pub text: &'static str,
}

/// Where the journal's structure comes from.
pub const JOURNAL_SOURCE: &str = "Mosewich, Crocker, Kowalski & DeLongis (2013), \"Applying self-compassion in sport: An intervention with women athletes\", Journal of Sport & Exercise Psychology 35:514-524; Kristin Neff's self-compassion journal exercise. The prompts are Aftercare's own words.";

/// Shown before the first prompt.
pub const JOURNAL_INTRO: &str = "Take ten minutes to write about the incident, in three steps: notice what you feel, remember that others go through this too, and speak to yourself as you would to a friend. Only you can read what you write.";

/// The journal prompts, in the order they are shown: each part of self-compassion in turn, as in the
/// writing Mosewich et al. (2013) asked of athletes after a setback.
pub const JOURNAL_PROMPTS: &[Prompt] = &[
    Prompt {
        id: "name-it",
        part: Part::Mindfulness,
        text: "What are you feeling about the incident right now? Name it as plainly as you can (tired, embarrassed, worried, relieved) without deciding whether you should feel it.",
    },
    Prompt {
        id: "where-it-shows",
        part: Part::Mindfulness,
        text: "Where does it show up: in your thoughts, your body, your sleep? Just notice it.",
    },
    Prompt {
        id: "others-too",
        part: Part::CommonHumanity,
        text: "Who else has been through something like this? Anyone who has carried a pager has had an incident go badly.",
    },
    Prompt {
        id: "anyone-in-your-place",
        part: Part::CommonHumanity,
        text: "What about the situation would have made this hard for anyone in your place?",
    },
    Prompt {
        id: "to-a-friend",
        part: Part::SelfKindness,
        text: "If a friend had been through this incident, what would you say to them?",
    },
    Prompt {
        id: "to-yourself",
        part: Part::SelfKindness,
        text: "Now write those words to yourself. What do you need today: rest, a walk, a talk with someone?",
    },
];

/// A lead checklist item by id.
pub fn lead_item(id: &str) -> Option<&'static GuidanceItem> {
    LEAD_CHECKLIST.iter().find(|i| i.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn ids_unique(ids: impl Iterator<Item = &'static str>) -> bool {
        let v: Vec<&str> = ids.collect();
        v.iter().collect::<BTreeSet<_>>().len() == v.len()
    }

    #[test]
    fn every_item_has_text_and_a_source() {
        for i in LEAD_CHECKLIST.iter().chain(SUPPORTER_GUIDANCE) {
            assert!(!i.text.is_empty() && !i.source.is_empty(), "{}", i.id);
        }
        assert!(ids_unique(LEAD_CHECKLIST.iter().map(|i| i.id)));
        assert!(ids_unique(SUPPORTER_GUIDANCE.iter().map(|i| i.id)));
        assert!(ids_unique(JOURNAL_PROMPTS.iter().map(|p| p.id)));
    }

    #[test]
    fn the_lead_checklist_covers_the_issue() {
        for id in [
            "reach-out",
            "no-why-questions",
            "protect-rest",
            "support-investigators",
            "review-language",
        ] {
            assert!(lead_item(id).is_some(), "{id}");
        }
        // Named sources are the ones the issue cites.
        let all: String = LEAD_CHECKLIST
            .iter()
            .chain(SUPPORTER_GUIDANCE)
            .map(|i| i.source)
            .collect();
        for s in ["DeVita", "restorative just culture", "Scott", "Waterman"] {
            assert!(all.contains(s), "{s}");
        }
        assert!(
            SOURCE_SEED_000.contains("QCon")
                && SOURCE_RJC_CHECKLIST.contains("Dekker")
                && SOURCE_WATERMAN.contains("2007")
        );
    }

    #[test]
    fn prompts_go_through_the_three_parts_in_order() {
        let parts: Vec<Part> = JOURNAL_PROMPTS.iter().map(|p| p.part).collect();
        let mut sorted = parts.clone();
        sorted.sort();
        assert_eq!(parts, sorted);
        for part in [Part::Mindfulness, Part::CommonHumanity, Part::SelfKindness] {
            assert!(parts.contains(&part));
        }
    }
}
