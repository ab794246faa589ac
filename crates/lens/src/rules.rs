//! The nine rules. A cheap multi-pattern scan marks the sentences that contain any cue word; only
//! those are tokenised and read closely, by who the subject is (a person, a role, a team, an
//! activity or a system), negation, quotation, and whether an action is described or judged.

use std::cell::{OnceCell, RefCell};
use std::collections::HashSet;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::Config;
use crate::Rule;
use crate::cues::CueScanner;
use crate::lexicon::*;
use crate::text::{Kind, Token, sentences, tokenize};

pub(crate) struct Hit {
    pub rule: Rule,
    pub start: usize,
    pub end: usize,
    pub suggestion: &'static str,
}

pub(crate) fn why(rule: Rule) -> &'static str {
    match rule {
        Rule::HumanError => {
            "\"Human error\" names an outcome to be explained, not a cause (Etsy, \"Blameless PostMortems and a Just Culture\", 2012; PagerDuty's postmortem guide: \"an individual's action should never be considered a root cause\")."
        }
        Rule::RootCause => {
            "A single root cause hides the other contributing factors: PagerDuty's postmortem guide (citing Richard Cook) and Etsy's Debriefing Facilitation Guide (2016), which calls the urge to find one \"seductive\"."
        }
        Rule::Counterfactual => {
            "Counterfactuals describe what did not happen and judge people against knowledge they only had afterwards (Dekker, The Field Guide to Understanding 'Human Error', ch. 5 \"They should have...\"; Etsy 2012)."
        }
        Rule::Judgement => {
            "Labels for a person's care or character commit the fundamental attribution error (PagerDuty) and the bad-apple theory (Dekker; Etsy's \"those careless humans\")."
        }
        Rule::Minimizing => {
            "Words like \"simply\", \"just\" and \"obviously\" make the work sound easy, implying people should have seen it (Google developer documentation style guide, \"Voice and tone\": avoid \"simple\", \"simply\", \"just\" and \"easy\"; the condescending-words list of retext-equality, used by alex)."
        }
        Rule::BlameNaming => {
            "Naming a person or a singled-out role as the subject of the failure puts the person, not the system, under review: a blameless postmortem identifies contributing causes \"without indicting any individual or team\" (Beyer et al., Site Reliability Engineering, O'Reilly 2016, ch. 15 \"Postmortem Culture\"); PagerDuty's postmortem guide abstracts to an unspecific responder."
        }
        Rule::WhyQuestion => {
            "\"Why did you...\" asks a person to justify themselves; PagerDuty's blameless guidance, after Allspaw's \"The Infinite Hows\", asks \"what\" and \"how\" instead."
        }
        Rule::Hindsight => {
            "Certainty and awareness that were only available afterwards hide how the situation looked at the time (Dekker, \"The danger of losing situation awareness\", 2015; the NHS LRRIT evaluators)."
        }
        Rule::Punitive => {
            "Sanctions and the allocation of blame are what a blameless review leaves out, so that people keep telling what happened (Etsy, \"Blameless PostMortems and a Just Culture\", 2012; PagerDuty)."
        }
    }
}

const S_HUMAN_ERROR: &str = "Describe the action, what the person expected to happen, and what in the system made this outcome possible, instead of calling it an error.";
const S_ROOT_CAUSE: &str =
    "Say \"contributing factors\" (or name the factor itself) instead of a single root cause.";
const S_COUNTERFACTUAL: &str = "Describe what people saw and knew at that moment, and ask what would have helped then (e.g. \"the replica lag was not visible when the decision was made\").";
const S_JUDGEMENT: &str = "Describe the conditions people worked in (time pressure, tooling, the signals available) instead of judging their care or character.";
const S_MINIMIZING: &str =
    "Drop the minimizing word and describe what made this hard to see or do at the time.";
const S_BLAME_NAMING: &str = "Describe the action without singling anyone out: say what was done and what in the system allowed it (\"the orders table was dropped during the clean-up\", \"a change to the retry policy\"), or name an unspecific responder (\"an engineer\", \"a responder\").";
const S_WHY: &str = "Ask \"what did you see at that point?\" or \"how did it make sense at the time?\" instead of asking why.";
const S_HINDSIGHT: &str =
    "Describe what was visible and known at the time, separately from what is known now.";
const S_PUNITIVE: &str = "Keep the review on learning and on changes to the system; leave out sanctions and who is to blame.";

pub(crate) fn suggestion_for(rule: Rule) -> &'static str {
    match rule {
        Rule::HumanError => S_HUMAN_ERROR,
        Rule::RootCause => S_ROOT_CAUSE,
        Rule::Counterfactual => S_COUNTERFACTUAL,
        Rule::Judgement => S_JUDGEMENT,
        Rule::Minimizing => S_MINIMIZING,
        Rule::BlameNaming => S_BLAME_NAMING,
        Rule::WhyQuestion => S_WHY,
        Rule::Hindsight => S_HINDSIGHT,
        Rule::Punitive => S_PUNITIVE,
    }
}

/// Word beginnings each rule needs; a sentence is read only by the rules whose cues it contains.
/// The extra rules listed for a cue are those that fire from inside another rule's reading
/// (a counterfactual "failed to notice" is also hindsight, for example).
#[rustfmt::skip]
const CUES: &[(u16, &[&str])] = &[
    (bit(Rule::RootCause), &["root", "rca"]),
    (
        bit(Rule::HumanError),
        &[
            "human error", "operator error", "user error", "pilot error", "people error",
            "personnel error", "human mistake", "operator mistake", "user mistake", "mistake",
            "typo", "fat-f", "fat f", "misc", "mist", "misj", "misr", "misu", "misi", "misl",
            "misn", "missp", "mis-", "blunder", "oversight", "slip-up", "accident", "inadvertent",
            "unintention", "erroneous", "incorrect", "wrongly", "unknowing", "unwitting",
            "copy-paste", "copy/paste", "copy-and-paste", "cut-and-paste", "keying error",
            "typing error", "data-entry", "clerical", "manual error", "keyboard error",
            "transcription error", "slip of", "wrong assumption", "false assumption",
            "faulty assumption", "wrong belief", "false belief", "misapp",
        ],
    ),
    (
        bit(Rule::Counterfactual) | bit(Rule::Hindsight) | bit(Rule::HumanError) | bit(Rule::Minimizing),
        &[
            "should", "could have", "could've", "couldn't have", "could not have",
            "could never have", "would have", "would've", "wouldn't have", "would not have",
            "would never have", "ought", "failed to", "fail to", "fails to", "failing to",
            "failure to", "neglect", "omit", "forg", "overlook", "had ", "despite", "in spite",
            "yet no", "yet nobody", "though", "did nothing", "took no action", "thought to",
            "think to", "shoulda", "coulda", "woulda", "might have", "might've", "mightn't",
            "and didn't", "and did not", "and never", "but didn't", "but did not", "but never",
        ],
    ),
    (
        bit(Rule::Judgement),
        &[
            "careless", "sloppi", "sloppy", "neglig", "complacen", "lazy", "lazi", "incompeten",
            "reckless", "irresponsib", "inattent", "thoughtless", "cavalier", "lackadaisical",
            "unprofessional", "slapdash", "slipshod", "amateurish", "clueless", "idiot", "stupid",
            "dumb", "foolish", "cowboy", "bad apple", "careful", "more aware", "attentive",
            "diligen", "vigilan", "disciplined", "cautious", "mindful", "conscientious",
            "attention", "know better", "known better", "knew better", "closely", "properly",
            "thoroughly", "bother", "lack of", "asleep at", "the ball", "corners", "phoned it",
            "winging it", "half-hearted", "half-assed", "halfhearted", "their job", "his job",
            "her job",
        ],
    ),
    (
        bit(Rule::Minimizing),
        &[
            "just had", "just needed", "just did", "just didn't", "just forgot", "just ignored",
            "just failed", "just neglected", "just missed", "just overlooked", "just skipped",
            "just never", "just chose", "just decided", "just assumed", "simply", "only had",
            "only needed", "merely", "obvious", "clearly", "evident", "plainly", "naturally",
            "of course", "needless", "trivial", "easy for", "simple for", "straightforward for",
            "clear for", "apparent for", "everyone know", "everybody know", "anyone know",
            "without saying", "all we", "all they", "all you", "all he", "all she", "just need",
            "just has", "just have", "just a matter", "to just", "to simply", "common sense",
            "all the", "all our", "all that",
            "no-brainer", "anybody know",
        ],
    ),
    (bit(Rule::WhyQuestion), &["why", "thinking"]),
    (
        bit(Rule::Hindsight),
        &[
            "situational", "situation aware", "ignor", "disregard", "dismiss", "signs were",
            "accident waiting", "plain as day", "to see", "lost track", "lost sight", "losing track",
            "losing sight", "lose track", "lose sight", "predictabl", "foreseeabl",
            "unmistakabl", "doubt", "coming", "heed", "brushed off", "shrugged off", "waved off",
            "laughed off", "wrote off", "written off", "brush off", "shrug off", "downplay",
            "discounted", "anyway", "regardless", "nonetheless", "nevertheless", "went ahead",
            "pushed ahead", "pressed on", "ploughed on", "retrospect", "hindsight", "looking back",
            "signs was", "warnings were", "flags were", "writing was", "inevitab", "going to",
            "bound to", "matter of time", "was clear", "was obvious", "was apparent",
            "was evident", "despite", "everyone", "everybody", "anyone", "anybody",
        ],
    ),
    (
        bit(Rule::Punitive),
        &[
            "disciplin", "reprimand", "punish", "punitive", "performance review",
            "performance improvement", "written warning", "fired", "sacked", "terminated",
            "blame", "fault", "is responsible", "was responsible", "are responsible",
            "were responsible", "accountable", "answer for", "owns", "owned", "own the",
            "own this", "is on ", "was on ", "falls on", "fell on", "rests on", "lies on",
            "revoked", "consequences", "responsible for", "who's responsible", "scapegoat",
            "unpunished", "formal warning", "final warning", "verbal warning", "official warning",
            "first warning", "second warning", "written up", "write him up", "write her up",
            "write them up", "let go", "docked", "dock ", "personnel file", "hr file",
            "hr record", "disciplinary record", "permanent record", "heads will", "heads would",
            "heads are", "heads must", "heads rolled", "heads roll", "a name", "names",
            "suspended", "demoted", "censured", "lose ", "loses ", "lost ", "losing ", "forfeit",
            "penalty", "punishment", "as a consequence", "as a sanction", "improvement plan",
            "accountability", "responsibility", "culpability", "liable", "culpable",
            "to account", "held responsible", "hold responsible",
        ],
    ),
    (
        bit(Rule::BlameNaming),
        &[
            "the one who", "the one that", "deleted", "dropped", "removed", "broke", "disabled",
            "wiped", "truncated", "overwrote", "destroyed", "corrupted", "crashed", "killed",
            "erased", "purged", "caused", "took down", "brought down", "knocked", "let ",
            "merged", "pushed", "deployed", "shipped", "committed", "applied", "approved",
            "released", "ran ",
        ],
    ),
];

const EXTRA_TERMS: u16 = 1 << 15;
/// A role word ("the DBA", "the on-call"): someone a sentence can single out.
const ROLE_CUE: u16 = 1 << 14;

const fn bit(rule: Rule) -> u16 {
    1 << rule as u16
}

#[derive(Debug, Clone)]
pub(crate) struct Engine {
    /// Finds the cue words; each match carries the rules to read its sentence with.
    cues: Option<CueScanner>,
    names: HashSet<String>,
    extra: Vec<(Rule, Vec<String>)>,
}

impl Engine {
    pub fn new(config: &Config) -> Engine {
        let mut names = HashSet::new();
        for n in &config.names {
            for part in n.split_whitespace() {
                let p = part.trim_start_matches('@').to_lowercase();
                if p.chars().count() > 1 {
                    names.insert(p);
                }
            }
        }
        let mut patterns: Vec<String> = Vec::new();
        let mut masks: Vec<u16> = Vec::new();
        for (mask, words) in CUES {
            for w in *words {
                patterns.push(w.to_string());
                masks.push(*mask);
            }
        }
        // Blame-naming reads every sentence with an act in it (a singled-out person doing harm).
        // Followed by a space (an act has an object or an adverbial after it): "ran " is not
        // "transaction", "set " not "settings".
        for list in [HARM_ACTS, DESTRUCTIVE_ACTS, CARRIER_ACTS, OTHER_ACTS] {
            for w in list.words() {
                patterns.push(format!("{w} "));
                masks.push(bit(Rule::BlameNaming));
            }
        }
        for w in [
            "because of",
            "due to",
            "caused by",
            "triggered",
            "introduced by",
            "started by",
            "result of",
            "traced",
            "came down",
            "comes down",
            "took",
            "takes",
            "brought",
            "brings",
            "knocks",
        ] {
            patterns.push(w.to_string());
            masks.push(bit(Rule::BlameNaming));
        }
        // Short role words as whole words only ("dev" is not "device").
        for w in role_words() {
            if w.len() > 4 {
                patterns.push(w.to_string());
                masks.push(ROLE_CUE);
            } else {
                for end in [" ", "'", ",", ".", "s ", "\u{2019}", ")", ":", ";"] {
                    patterns.push(format!("{w}{end}"));
                    masks.push(ROLE_CUE);
                }
            }
        }
        let mut extra = Vec::new();
        for rule in Rule::ALL {
            for term in &config.rule(rule).terms {
                let lower = term.to_lowercase();
                let words: Vec<String> = tokenize(&lower, &lower, 0..lower.len())
                    .into_iter()
                    .map(|t| t.lower.into_owned())
                    .collect();
                if let Some(first) = words.first() {
                    patterns.push(first.clone());
                    masks.push(EXTRA_TERMS);
                    extra.push((rule, words));
                }
            }
        }
        // The scan reports non-overlapping matches, the earliest ending first, so a cue that lies
        // inside a longer one ("everyone" in "everyone know"), or that runs into its start,
        // hides it: such a cue reads its sentence with the longer cue's rules as well.
        let masks = widen_masks(&patterns, &masks);
        // Matching runs on the ASCII-lower-cased text, so a case-sensitive automaton suffices.
        let cues = CueScanner::new(&patterns, &masks);
        Engine { cues, names, extra }
    }

    /// Whether `text` may name someone: an @handle, or a capitalised word that is a given name
    /// (built in or configured; "Kevin's" too). Reads bytes only.
    fn may_name(&self, text: &str) -> bool {
        let b = text.as_bytes();
        if memchr::memchr(b'@', b).is_some() {
            return true;
        }
        let mut i = 0;
        while i < b.len() {
            let start_of_word = i == 0 || !b[i - 1].is_ascii_alphanumeric();
            if start_of_word && b[i].is_ascii_uppercase() {
                let mut e = i + 1;
                while e < b.len() && (b[e].is_ascii_alphabetic() || b[e] == b'-') {
                    e += 1;
                }
                // Lower-cased into a small buffer: no allocation per capitalised word.
                let mut buf = [0u8; 24];
                if e - i <= buf.len() {
                    for (d, c) in buf.iter_mut().zip(&b[i..e]) {
                        *d = c.to_ascii_lowercase();
                    }
                    let word = std::str::from_utf8(&buf[..e - i]).unwrap_or_default();
                    if GIVEN.contains(word) || self.names.contains(word) {
                        return true;
                    }
                }
                i = e;
            } else if !b[i].is_ascii() {
                // Names with accents ("Zoë") are looked up by the tokeniser: read the sentence.
                return true;
            } else {
                i += 1;
            }
        }
        false
    }

    /// The hits in `masked`; stops early (with the hits so far) once `cancel` is set.
    pub fn run(&self, masked: &str, breaks: &[usize], cancel: &AtomicBool) -> Vec<Hit> {
        // ASCII lower-casing keeps byte offsets, so tokens can borrow their lower-case form.
        let lower = masked.to_ascii_lowercase();
        let mut hits = Vec::new();
        let read = |range: Range<usize>, mask: u16, hits: &mut Vec<Hit>| {
            if cancel.load(Ordering::Relaxed) {
                return;
            }
            // A sentence whose only cues are acts (and role words) matters only if someone can be
            // singled out in it: a role word, an @handle, a possessive or a given name. Most
            // sentences have none, and are not even tokenised.
            if mask & !(bit(Rule::BlameNaming) | ROLE_CUE) == 0
                && (mask & bit(Rule::BlameNaming) == 0
                    || (mask & ROLE_CUE == 0 && !self.may_name(&masked[range.clone()])))
            {
                return;
            }
            let s = Sentence {
                src: masked,
                t: tokenize(masked, &lower, range),
                names: &self.names,
                hits: RefCell::new(Vec::new()),
                faults: RefCell::new(Vec::new()),
                quotes: OnceCell::new(),
                first_causal: OnceCell::new(),
                system_condition: OnceCell::new(),
            };
            s.run(mask, &self.extra);
            hits.append(&mut s.hits.into_inner());
        };
        // Blocks (between consecutive breaks) are split into sentences only when a cue falls in
        // them: most text has none, and splitting is a good part of the cost.
        let block_of = |at: usize| -> Range<usize> {
            let k = breaks.partition_point(|b| *b <= at);
            let start = if k == 0 { 0 } else { breaks[k - 1] };
            let end = breaks.get(k).copied().unwrap_or(masked.len());
            start..end
        };
        let Some(ac) = &self.cues else {
            let mut sents = Vec::new();
            let mut prev = 0;
            for &b in breaks.iter().chain(std::iter::once(&masked.len())) {
                if b > prev {
                    sentences(masked, prev..b, &mut sents);
                    prev = b;
                }
            }
            for r in sents {
                read(r, u16::MAX, &mut hits);
            }
            return hits;
        };
        let mut block: Range<usize> = 0..0;
        let mut sents: Vec<Range<usize>> = Vec::new();
        let mut current: Option<(Range<usize>, u16)> = None;
        for (at, mask) in ac.find_all(lower.as_bytes()) {
            if cancel.load(Ordering::Relaxed) {
                break;
            }
            if !(block.start <= at && at < block.end) {
                block = block_of(at);
                sents.clear();
                sentences(masked, block.clone(), &mut sents);
            }
            let idx = sents.partition_point(|r| r.end <= at);
            let Some(range) = sents.get(idx).filter(|r| r.start <= at) else {
                continue;
            };
            match &mut current {
                Some((r, m)) if r.start == range.start => *m |= mask,
                _ => {
                    if let Some((r, m)) = current.take() {
                        read(r, m, &mut hits);
                    }
                    current = Some((range.clone(), mask));
                }
            }
        }
        if let Some((r, m)) = current {
            read(r, m, &mut hits);
        }
        hits
    }
}

/// Each cue's mask, widened by the masks of the cues its match can hide: those containing it,
/// and those that start inside it (a suffix of it, three characters or more, is their prefix).
fn widen_masks(patterns: &[String], masks: &[u16]) -> Vec<u16> {
    let mut out = masks.to_vec();
    for (p, pat) in patterns.iter().enumerate() {
        for (q, other) in patterns.iter().enumerate() {
            if p == q || masks[q] & !out[p] == 0 {
                continue;
            }
            // An overlap of one or two characters ("s", "e ") would tie nearly every cue to
            // every other; a cue that shares only that much with the next is rare.
            let hides = other.contains(pat.as_str())
                || (1..pat.len().saturating_sub(2))
                    .filter(|&k| pat.is_char_boundary(k))
                    .any(|k| other.starts_with(&pat[k..]));
            if hides {
                out[p] |= masks[q];
            }
        }
    }
    out
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    Person,
    Activity,
    Thing,
    Elided,
}

#[derive(Clone, Copy, Debug)]
struct Subject {
    who: Who,
    /// Token range of the subject phrase, when there is one.
    span: Option<(usize, usize)>,
    /// A named person, an @handle or a definite singular role ("the DBA").
    singled: bool,
    /// The phrase is owned by people ("our overcommit"): a decision, not a property of a system.
    owned: bool,
    /// The head names a practice people carry out ("code review", "a staged rollout").
    practice: bool,
}

const ELIDED: Subject = Subject {
    who: Who::Elided,
    span: None,
    singled: false,
    owned: false,
    practice: false,
};

struct Sentence<'a> {
    /// The text the tokens' byte offsets point into.
    src: &'a str,
    t: Vec<Token<'a>>,
    names: &'a HashSet<String>,
    hits: RefCell<Vec<Hit>>,
    /// Subjects of faults found by other rules, for blame-naming.
    faults: RefCell<Vec<Subject>>,
    /// Whether each token (and, last, the end) is inside quotation marks: worked out once, in
    /// one pass, the first time it is asked.
    quotes: OnceCell<Vec<bool>>,
    /// Where the first causal phrase ("came down to", "due to") is, if any.
    first_causal: OnceCell<Option<usize>>,
    /// Whether a condition in the sentence has a system as its subject (`system_condition`).
    system_condition: OnceCell<bool>,
}

const MODALS: &Words = words![
    "should",
    "could",
    "would",
    "might",
    "ought",
    "should've",
    "could've",
    "would've",
    "might've",
    "shouldn't",
    "couldn't",
    "wouldn't",
    "mightn't",
    "oughtn't",
    "shouldn't've",
    "couldn't've",
    "wouldn't've",
    "mightn't've",
    "shoulda",
    "coulda",
    "woulda",
];
/// Modals of obligation: negated, they still say what people should have done ("should not
/// have gone out"); "would not have" and "could not have" weigh a measure instead.
const DEONTIC: &Words = words![
    "should",
    "ought",
    "should've",
    "shouldn't",
    "oughtn't",
    "shouldn't've",
    "shoulda",
];
/// Nouns for practices people carry out (reviewing, testing, rolling out): as the subject of
/// "would have caught", a missed chance of people's, not a tool's.
const PRACTICES: &Words = words![
    "review",
    "reviews",
    "code-review",
    "test",
    "tests",
    "check",
    "checks",
    "deploy",
    "deploys",
    "deployment",
    "deployments",
    "rollout",
    "rollouts",
    "rollback",
    "rollbacks",
    "release",
    "releases",
    "escalation",
    "escalations",
    "communication",
    "communications",
    "coordination",
    "planning",
    "validation",
    "verification",
    "approval",
    "approvals",
    "sign-off",
    "qa",
    "canary",
    "canaries",
    "audit",
    "audits",
    "inspection",
    "investigation",
    "response",
    "diligence",
    "rehearsal",
    "rehearsals",
    "drill",
    "drills",
    "handover",
    "handoff",
    "triage",
    "analysis",
    "reviewer",
    "pairing",
];
/// Steps of a human process that a change or an artefact "should have gone through".
const PROCESS_STEPS: &Words = words![
    "staging",
    "review",
    "reviews",
    "canary",
    "approval",
    "approvals",
    "qa",
    "testing",
    "tests",
    "sign-off",
    "change-management",
    "checklist",
    "cab",
];
/// Verbs of knowing and foreseeing: "should have known" judges awareness (hindsight too).
const KNOWING: &Words = words![
    "known",
    "realised",
    "realized",
    "foreseen",
    "anticipated",
    "predicted",
    "recognised",
    "recognized",
    "understood",
    "seen",
    "expected",
];
/// What people do in running and changing systems, after "failure to" or a subjectless
/// "Failed to": "a failure to follow the process", "- Failed to escalate".
const HUMAN_VERBS: &Words = words![
    "follow",
    "check",
    "test",
    "notice",
    "escalate",
    "communicate",
    "review",
    "update",
    "verify",
    "validate",
    "consider",
    "anticipate",
    "act",
    "respond",
    "read",
    "plan",
    "coordinate",
    "renew",
    "document",
    "report",
    "inform",
    "notify",
    "warn",
    "page",
    "investigate",
    "prioritise",
    "prioritize",
    "monitor",
    "confirm",
    "ask",
    "tell",
    "heed",
    "appreciate",
    "realise",
    "realize",
    "recognise",
    "recognize",
    "foresee",
    "account",
    "ensure",
    "double-check",
    "roll",
    "revert",
    "announce",
    "engage",
    "involve",
    "consult",
    "adhere",
    "apply",
    "implement",
    "address",
    "fix",
    "patch",
    "upgrade",
    "rotate",
    "train",
    "learn",
];
/// What a practice or an activity "failed to" do that names a missed chance of people's
/// ("testing failed to catch the regression"), as against what a process or a metric failed to
/// do ("metrics that failed to reflect host health").
const DETECTION_VERBS: &Words = words![
    "catch",
    "detect",
    "find",
    "flag",
    "spot",
    "stop",
    "prevent",
    "surface",
    "reveal",
    "cover",
    "exercise",
    "reproduce",
    "identify",
    "include",
    "consider",
];
/// Passive participles of things people do in review and response ("should have been caught").
const HUMAN_PASSIVE: &Words = words![
    "caught",
    "addressed",
    "done",
    "rushed",
    "avoided",
    "prevented",
    "tested",
    "checked",
    "verified",
    "reviewed",
    "validated",
    "considered",
    "followed",
    "escalated",
    "communicated",
    "handled",
    "investigated",
    "noticed",
    "spotted",
    "flagged",
    "raised",
    "reported",
    "fixed",
    "planned",
    "prioritised",
    "prioritized",
    "documented",
    "announced",
    "coordinated",
    "approved",
    "paged",
    "alerted",
    "informed",
    "notified",
    "consulted",
    "discussed",
    "asked",
    "halted",
    "paused",
    "postponed",
    "delayed",
    "performed",
    "anticipated",
    "foreseen",
    "mitigated",
    "questioned",
    "read",
    "rejected",
    "blocked",
    "double-checked",
    "caught",
];
/// Verbs whose counterfactual names a missed chance to stop the incident, whatever the subject.
/// "sloppy" in terms of art, not about people.
const SLOPPY_TERMS: &Words = words![
    "quorum",
    "quorums",
    "counter",
    "counters",
    "counting",
    "matching",
    "parsing",
    "parser",
    "mode",
    "comparison",
    "comparisons",
    "equality",
];
/// Slips a thing can be easy to make: "easy to miss", "easy for maintainers to overlook".
const SLIP_VERBS: &Words = words![
    "miss",
    "overlook",
    "forget",
    "skip",
    "confuse",
    "misread",
    "mistype",
    "mix",
    "lose",
    "misconfigure",
    "misunderstand",
    "get",
    "break",
    "trip",
];
const MINIMIZING_ADJ: &Words = words![
    "obvious",
    "clear",
    "evident",
    "apparent",
    "trivial",
    "easy",
    "simple",
    "straightforward",
    "self-evident",
];
const MANUAL_PARTICIPLES: &Words = words![
    "set",
    "changed",
    "deleted",
    "removed",
    "dropped",
    "configured",
    "misconfigured",
    "edited",
    "modified",
    "merged",
    "pushed",
    "committed",
    "applied",
    "typed",
    "entered",
    "deployed",
    "disabled",
    "enabled",
    "killed",
    "overwritten",
    "renamed",
    "moved",
    "copied",
    "pasted",
    "added",
    "introduced",
    "turned",
    "switched",
    "left",
    "run",
    "rerun",
    "released",
    "published",
    "shipped",
    "truncated",
    "wiped",
    "rebooted",
    "restarted",
    "shut",
    "stopped",
    "scaled",
    "revoked",
    "rotated",
    "approved",
    "closed",
    "reverted",
    "selected",
    "chosen",
    "clicked",
];
/// Participles of how systems classify and build things, or of what was concluded while
/// diagnosing: after "was mistakenly ..." they report a system's behaviour or a first guess,
/// not a slip ("requests were mistakenly treated as duplicates", "the crashes were mistakenly
/// attributed to the CDN", "the image was inadvertently built without the patch"). Acts that
/// people also do by hand (sent, deleted, marked, detached) are not here: "the newsletter was
/// accidentally sent to every customer" stays a slip.
const SYSTEM_PARTICIPLES: &Words = words![
    "treated",
    "classified",
    "categorised",
    "categorized",
    "identified",
    "misidentified",
    "detected",
    "flagged",
    "matched",
    "parsed",
    "interpreted",
    "evaluated",
    "counted",
    "cached",
    "reported",
    "attributed",
    "linked",
    "blamed",
    "thought",
    "believed",
    "suspected",
    "assumed",
    "considered",
    "diagnosed",
    "indexed",
    "rendered",
    "built",
    "rebuilt",
    "compiled",
    "generated",
    "packaged",
    "evicted",
    "rescheduled",
    "recycled",
];
const WARN_NOUNS: &Words = words![
    "warning",
    "warnings",
    "alert",
    "alerts",
    "sign",
    "signs",
    "signal",
    "signals",
    "alarm",
    "alarms",
    "risk",
    "risks",
    "advice",
    "concern",
    "concerns",
    "flag",
    "flags",
    "feedback",
    "report",
    "reports",
    "notification",
    "notifications",
    "caution",
    "symptoms",
    "indicators",
    "pages",
    "page",
];
/// How far (in tokens) a rule looks for the edge of a clause.
const REACH: usize = 40;
const QUOTES_OPEN: &Words = words!["\u{201c}", "\u{2018}"];
const QUOTES_CLOSE: &Words = words!["\u{201d}", "\u{2019}"];
const CLAUSE_PUNCT: &Words = words![
    ",", ";", ":", "(", ")", "\u{2014}", "\u{2013}", "\"", "\u{201c}", "\u{201d}", "?", "!", "[",
    "]",
];

#[derive(Clone, Copy)]
enum Act {
    /// Harm in itself: broke, leaked, bypassed, corrupted.
    Harm,
    /// Destroys or stops something: deleted, dropped, killed, turned off.
    Destructive,
    /// Brings something in: pushed, merged, deployed, approved.
    Carrier,
    /// Any other operation: restarted, scaled, restored, flushed.
    Other,
}

const HARM_ACTS: &Words = words![
    "broke",
    "breaks",
    "wiped",
    "wipes",
    "overwrote",
    "overwrites",
    "overwritten",
    "destroyed",
    "destroys",
    "corrupted",
    "corrupts",
    "crashed",
    "crashes",
    "erased",
    "erases",
    "purged",
    "purges",
    "caused",
    "causes",
    "leaked",
    "leaks",
    "exposed",
    "exposes",
    "bypassed",
    "bypasses",
    "circumvented",
    "circumvents",
    "overrode",
    "overrides",
    "skipped",
    "skips",
    "force-pushed",
    "force-pushes",
    "misconfigured",
    "clobbered",
    "nuked",
    "trashed",
];
const DESTRUCTIVE_ACTS: &Words = words![
    "deleted",
    "deletes",
    "dropped",
    "drops",
    "removed",
    "removes",
    "disabled",
    "disables",
    "truncated",
    "truncates",
    "emptied",
    "empties",
    "flushed",
    "flushes",
    "revoked",
    "revokes",
    "reset",
    "resets",
    "unplugged",
    "decommissioned",
];
const CARRIER_ACTS: &Words = words![
    "merged",
    "merges",
    "pushed",
    "pushes",
    "deployed",
    "deploys",
    "shipped",
    "ships",
    "committed",
    "commits",
    "applied",
    "applies",
    "approved",
    "approves",
    "released",
    "releases",
    "ran",
    "runs",
    "introduced",
    "introduces",
    "slipped",
    "slips",
    "added",
    "adds",
    "sent",
    "sends",
    "published",
    "publishes",
    "uploaded",
    "uploads",
    "promoted",
    "promotes",
    "configured",
    "configures",
    "set",
    "sets",
    "enabled",
    "enables",
    "wrote",
    "writes",
    "executed",
    "executes",
    "triggered",
    "triggers",
    "changed",
    "changes",
    "edited",
    "edits",
    "rolled",
    "rolls",
];
const OTHER_ACTS: &Words = words![
    "killed",
    "kills",
    "terminated",
    "terminates",
    "restarted",
    "restarts",
    "rebooted",
    "reboots",
    "scaled",
    "scales",
    "restored",
    "restores",
    "migrated",
    "migrates",
    "rotated",
    "rotates",
    "moved",
    "moves",
    "renamed",
    "renames",
    "replaced",
    "replaces",
    "upgraded",
    "upgrades",
    "updated",
    "updates",
    "started",
    "starts",
    "stopped",
    "stops",
    "failed",
    "drained",
    "drains",
    "reverted",
    "reverts",
    "switched",
    "switches",
    "turned",
    "turns",
    "shut",
    "shuts",
    "left",
    "leaves",
    "opened",
    "closed",
    "cleared",
    "clears",
];
/// Every word an act can start at (a filter for the scan).
const ACT_STARTS: &Filter = &Filter::of(&[
    HARM_ACTS,
    DESTRUCTIVE_ACTS,
    CARRIER_ACTS,
    OTHER_ACTS,
    words![
        "took", "takes", "brought", "brings", "knocked", "knocks", "let", "lets", "one"
    ],
]);
/// Every word a punitive branch starts at (with `SANCTIONED`).
const PUNITIVE_STARTS: &Words = words![
    "disciplinary",
    "reprimand",
    "reprimanded",
    "punish",
    "punished",
    "punishment",
    "punishing",
    "punitive",
    "scapegoat",
    "scapegoats",
    "scapegoating",
    "scapegoated",
    "unpunished",
    "performance",
    "written",
    "formal",
    "final",
    "verbal",
    "official",
    "first",
    "second",
    "write",
    "writes",
    "wrote",
    "writing",
    "let",
    "docked",
    "dock",
    "docking",
    "personnel",
    "hr",
    "permanent",
    "heads",
    "name",
    "names",
    "face",
    "faces",
    "facing",
    "faced",
    "lose",
    "loses",
    "lost",
    "losing",
    "forfeit",
    "forfeits",
    "revoked",
    "removed",
    "stripped",
    "withdrawn",
    "suspended",
    "taken",
    "blame",
    "blamed",
    "blaming",
    "blames",
    "fault",
    "accountability",
    "responsibility",
    "culpability",
    "liable",
    "culpable",
    "responsible",
    "accountable",
    "account",
    "answer",
    "owns",
    "own",
    "owned",
    "on",
];
/// What was brought in was faulty.
const BAD_THINGS: &Words = words![
    "bad",
    "broken",
    "faulty",
    "buggy",
    "wrong",
    "untested",
    "unreviewed",
    "unapproved",
    "incorrect",
    "malformed",
    "breaking",
    "invalid",
    "corrupt",
    "corrupted",
    "problematic",
    "dangerous",
    "risky",
    "unvetted",
    "erroneous",
    "defective",
];
/// What an act was done without: "without approval", "without a review".
const SAFEGUARDS: &Words = words![
    "approval",
    "approvals",
    "review",
    "reviews",
    "reviewing",
    "testing",
    "tests",
    "test",
    "checking",
    "second",
    "sign-off",
    "asking",
    "telling",
    "notice",
    "warning",
    "confirmation",
    "canary",
    "backup",
    "backups",
    "authorisation",
    "authorization",
    "permission",
    "consent",
];
/// Harm that follows an act.
const OUTCOMES: &Words = words![
    "corrupting",
    "corrupted",
    "corrupts",
    "crashed",
    "crashing",
    "crashes",
    "broke",
    "breaking",
    "breaks",
    "lost",
    "loses",
    "losing",
    "flooded",
    "flooding",
    "overloaded",
    "overloading",
    "exhausted",
    "exhausting",
    "double-charged",
    "double-charging",
    "double-billed",
    "duplicated",
    "duplicating",
    "unavailable",
    "caused",
    "causing",
    "wiping",
    "deleting",
    "dropping",
    "overwriting",
    "stalled",
    "stalling",
    "deadlocked",
    "failing",
    "quorum",
    "leaking",
    "exposing",
];
/// Signs that what followed the act was recovery, not harm.
const RECOVERY_WORDS: &Words = words![
    "recovered",
    "recovery",
    "recovering",
    "resolved",
    "resolving",
    "restoring",
    "ending",
    "ended",
    "stopping",
    "fixing",
    "fixed",
    "mitigating",
    "mitigated",
];
/// "to fix ...", "to restore ...": an act done for recovery.
const PURPOSE_VERBS: &Words = words![
    "prevent", "fix", "restore", "mitigate", "test", "recover", "unblock", "free", "clean",
    "resolve", "stop", "repair", "contain", "limit", "protect", "drain", "relieve", "reduce",
];
const DISPOSABLE: &Words = words![
    "affected",
    "exposed",
    "stale",
    "old",
    "unused",
    "test",
    "temporary",
    "obsolete",
    "orphaned",
    "spurious",
    "duplicate",
    "broken",
    "faulty",
    "bad",
    "leftover",
    "expired",
    "stuck",
    "failed",
    "failing",
    "dangling",
    "dead",
    "extra",
    "runaway",
    "hung",
    "blocking",
    "rogue",
    "zombie",
    "looping",
    "unhealthy",
    "crashed",
    "crashing",
    "misbehaving",
    "offending",
    "problematic",
    "malicious",
    "compromised",
    "leaked",
    "stray",
    "noisy",
    "flapping",
    "false",
];
/// What is stopped or cleared in response work ("deletes the stuck pods", "kills the job"):
/// destroying it is no fault in itself.
const RESPONSE_OBJECTS: &Words = words![
    "job",
    "jobs",
    "pod",
    "pods",
    "process",
    "processes",
    "query",
    "queries",
    "container",
    "containers",
    "task",
    "tasks",
    "worker",
    "workers",
    "session",
    "sessions",
    "lock",
    "locks",
    "connection",
    "connections",
    "thread",
    "threads",
    "request",
    "requests",
    "build",
    "builds",
    "run",
    "runs",
    "cache",
    "caches",
    "lease",
    "leases",
    "consumer",
    "consumers",
    "runner",
    "runners",
    "pipeline",
    "pipelines",
    "instance",
    "instances",
    "vm",
    "vms",
];

impl<'a> Sentence<'a> {
    fn n(&self) -> usize {
        self.t.len()
    }
    fn w(&self, i: usize) -> &str {
        self.t.get(i).map_or("", |t| &*t.lower)
    }
    fn wb(&self, i: usize, back: usize) -> &str {
        i.checked_sub(back).map_or("", |j| self.w(j))
    }
    fn any(&self, i: usize, list: &Words) -> bool {
        in_list(self.w(i), list)
    }
    fn punct(&self, i: usize) -> bool {
        self.t.get(i).is_some_and(|t| t.kind == Kind::Punct)
    }
    /// Reports `rule` on tokens `a..b`, unless the words are quoted (a mention, not a use).
    fn push(&self, rule: Rule, a: usize, b: usize) {
        let (Some(s), Some(e)) = (self.t.get(a), self.t.get(b.max(a + 1) - 1)) else {
            return;
        };
        if self.quoted(a) {
            return;
        }
        self.hits.borrow_mut().push(Hit {
            rule,
            start: s.start,
            end: e.end,
            suggestion: suggestion_for(rule),
        });
    }
    fn fault(&self, s: Subject) {
        if s.singled {
            self.faults.borrow_mut().push(s);
        }
    }

    /// Inside quotation marks: the words are mentioned (discussed, or a rule quoted), not used.
    /// Straight and typographic double quotes, typographic single quotes, and straight single
    /// quotes that open before a word and close after one ('human error'; an apostrophe inside
    /// a word is part of the word, and a plural possessive "engineers'" closes nothing).
    fn quoted(&self, i: usize) -> bool {
        let q = self.quotes.get_or_init(|| {
            let mut out = Vec::with_capacity(self.n() + 1);
            let (mut straight, mut open, mut single) = (0usize, 0i32, false);
            for (k, t) in self.t.iter().enumerate() {
                out.push(straight % 2 == 1 || open > 0 || single);
                if t.kind != Kind::Punct {
                    continue;
                }
                if t.lower == "\"" {
                    straight += 1;
                } else if in_list(&t.lower, QUOTES_OPEN) {
                    open += 1;
                } else if in_list(&t.lower, QUOTES_CLOSE) && open > 0 {
                    open -= 1;
                } else if t.lower == "'" {
                    let word = |x: Option<&Token>| x.is_some_and(|x| x.kind != Kind::Punct);
                    let next = word(self.t.get(k + 1)) && self.t[k + 1].start == t.end;
                    let prev = k > 0 && word(self.t.get(k - 1)) && self.t[k - 1].end == t.start;
                    if !single && next && !prev {
                        single = true;
                    } else if single && prev && !next {
                        single = false;
                    }
                }
            }
            out.push(straight % 2 == 1 || open > 0 || single);
            out
        });
        q[i.min(self.n())]
    }

    /// Token range of the punctuation-delimited clause around `i`, at most `REACH` tokens
    /// either side: a clause is rarely longer, and the bound keeps a run-on sentence with many
    /// cues linear in its length.
    fn clause(&self, i: usize) -> (usize, usize) {
        let mut a = i;
        let floor = i.saturating_sub(REACH);
        while a > floor && !(self.punct(a - 1) && in_list(self.w(a - 1), CLAUSE_PUNCT)) {
            a -= 1;
        }
        let mut b = i;
        let ceil = (i + REACH).min(self.n());
        while b < ceil && !(self.punct(b) && in_list(self.w(b), CLAUSE_PUNCT)) {
            b += 1;
        }
        (a, b)
    }

    /// The clause left of `i`, also stopping at clause words ("that catches typos").
    fn left_clause_start(&self, i: usize) -> usize {
        let mut a = i;
        let floor = i.saturating_sub(REACH);
        while a > floor {
            let k = a - 1;
            if (self.punct(k) && in_list(self.w(k), CLAUSE_PUNCT))
                || self.any(k, CLAUSE_WORDS)
                || self.any(k, RELATIVES)
            {
                break;
            }
            a -= 1;
        }
        a
    }

    /// Start of the clause around `i` for voice: stops at punctuation, relatives and
    /// subordinators, but not at "as" or prepositions.
    fn sub_clause_start(&self, i: usize) -> usize {
        const SUB: &Words = words![
            "because", "since", "although", "though", "while", "whilst", "whereas", "when",
            "after", "before", "if", "unless", "until", "so", "but", "yet", "and", "or",
        ];
        let mut a = i;
        let floor = i.saturating_sub(REACH);
        while a > floor {
            let k = a - 1;
            if (self.punct(k) && in_list(self.w(k), CLAUSE_PUNCT))
                || self.any(k, SUB)
                || self.any(k, RELATIVES)
            {
                break;
            }
            a -= 1;
        }
        a
    }

    fn has_between(&self, a: usize, b: usize, list: &Words) -> bool {
        (a..b.min(self.n())).any(|k| self.any(k, list))
    }

    /// "not human error", "X is never a root cause", "no blame".
    fn negated_mention(&self, a: usize, b: usize) -> bool {
        const NEG: &Words = words!["no", "not", "never", "without", "nor"];
        if self.any(a.wrapping_sub(1), NEG)
            || (in_list(self.wb(a, 1), words!["a", "an", "any"]) && in_list(self.wb(a, 2), NEG))
        {
            return true;
        }
        if self.any(b, BE)
            && in_list(
                self.w(b + 1),
                words!["never", "not", "no", "rarely", "seldom"],
            )
        {
            return true;
        }
        in_list(self.w(b), words!["isn't", "wasn't", "aren't", "weren't"])
    }

    fn name_token(&self, i: usize) -> bool {
        let Some(t) = self.t.get(i) else {
            return false;
        };
        if !t.cap || t.kind != Kind::Word {
            return false;
        }
        let w = t.lower.strip_suffix("'s").unwrap_or(&t.lower);
        GIVEN.contains(w) || self.names.contains(w)
    }
    fn handle(&self, i: usize) -> bool {
        self.t.get(i).is_some_and(|t| t.kind == Kind::Handle)
    }
    fn base(&self, i: usize) -> &str {
        let w = self.w(i);
        w.strip_suffix("'s").unwrap_or(w)
    }
    fn person_token(&self, i: usize) -> bool {
        let w = self.base(i);
        if w.starts_with("operator") && self.software_operator(i) {
            return false;
        }
        if self.component_name(i) {
            return false;
        }
        // "This lead to a backlog" (a misspelt "led"), "leads to": the verb, not a team lead.
        if in_list(w, words!["lead", "leads"]) && self.w(i + 1) == "to" {
            return false;
        }
        in_list(w, PERSON_PRONOUNS)
            || self.handle(i)
            || self.name_token(i)
            || is_role(w)
            || is_group(w)
            || (w == "one" && self.wb(i, 1) == "no")
    }

    /// "the NodeLifecycle Manager", "the DropletWorkflow Manager (DWFM)", "the Lease Manager2":
    /// a role word after a CamelCase or alphanumeric identifier names a software component.
    fn component_name(&self, i: usize) -> bool {
        let Some(prev) = i.checked_sub(1).and_then(|k| self.t.get(k)) else {
            return false;
        };
        if prev.kind != Kind::Word {
            return false;
        }
        // Role words that also name components; "the DevOps engineer" stays a person.
        const COMPONENT_HEADS: &Words = words![
            "manager",
            "managers",
            "operator",
            "operators",
            "agent",
            "agents",
            "supervisor",
            "coordinator",
            "administrator",
            "admin",
            "controller",
            "owner",
            "provisioner",
            "scheduler",
        ];
        if !self.any(i, COMPONENT_HEADS) {
            return false;
        }
        let raw = &self.src[prev.start..prev.end];
        let camel = raw.chars().next().is_some_and(char::is_uppercase)
            && raw
                .char_indices()
                .skip(1)
                .any(|(k, c)| c.is_uppercase() && raw[..k].ends_with(char::is_lowercase));
        let digits =
            raw.chars().any(|c| c.is_ascii_digit()) && raw.chars().any(char::is_alphabetic);
        (camel && !raw.ends_with("Ops")) || digits
    }

    /// "the Kubernetes operator", "a Postgres operator": software, not a person. A person who
    /// operates is "the operator", "a human operator", "the on-call operator".
    fn software_operator(&self, i: usize) -> bool {
        const HUMAN_MODIFIERS: &Words = words![
            "human",
            "primary",
            "secondary",
            "first",
            "second",
            "on-call",
            "oncall",
            "senior",
            "junior",
            "night",
            "new",
            "system",
            "network",
            "console",
            "shift",
        ];
        let prev = self.wb(i, 1);
        i > 0
            && !self.punct(i - 1)
            && !in_list(prev, DETERMINERS)
            && !in_list(prev, HUMAN_MODIFIERS)
            && !in_list(prev, CLAUSE_WORDS)
            && !in_list(prev, AUX)
    }

    fn skippable(&self, i: usize) -> bool {
        let w = self.w(i);
        !self.punct(i) && (in_list(w, AUX) || in_list(w, NEGATORS) || is_adverb(w))
    }

    /// Who does the verb (or modal, or adverb) at `v`?
    fn subject(&self, v: usize) -> Subject {
        const CONTROL: &Words = words![
            "chose",
            "choose",
            "chooses",
            "decided",
            "decide",
            "decides",
            "opted",
            "tried",
            "tries",
            "try",
            "attempted",
            "wanted",
            "want",
            "wants",
            "elected",
            "preferred",
            "planned",
            "meant",
            "intended",
            "needed",
            "need",
            "needs",
            "refused",
            "seemed",
            "appeared",
            "continued",
            "began",
            "started",
            "happened",
            "used",
            "got",
            "had",
            "has",
            "have",
            "went",
            "agreed",
            "managed",
            "neglected",
            "forgot",
            "bothered",
            "bother",
            "thought",
            "think",
            "expected",
        ];
        let mut j = v;
        // Auxiliaries, negators and adverbs between subject and verb; a few at most in English,
        // so the walk is bounded (a pathological run of adverbs costs no more than this).
        let floor = v.saturating_sub(12);
        loop {
            while j > floor && self.skippable(j - 1) {
                j -= 1;
            }
            // "chose to ignore", "decided not to roll back": the subject of the verb that governs
            // the infinitive.
            if j >= floor + 2 && self.w(j - 1) == "to" && self.any(j - 2, CONTROL) {
                j -= 2;
                continue;
            }
            if j >= floor + 3
                && self.w(j - 1) == "to"
                && self.w(j - 2) == "not"
                && self.any(j - 3, CONTROL)
            {
                j -= 3;
                continue;
            }
            break;
        }
        if j == 0 {
            return ELIDED;
        }
        let k = j - 1;
        if self.punct(k) || self.any(k, CLAUSE_WORDS) {
            return ELIDED;
        }
        if self.any(k, RELATIVES) {
            let mut e = k;
            if e > 0 && self.w(e - 1) == "," {
                e -= 1;
            }
            let ante = self.np(e);
            if self.w(k) == "who" || self.w(k) == "whom" {
                return Subject {
                    who: Who::Person,
                    ..ante
                };
            }
            if ante.who == Who::Elided {
                return Subject {
                    who: Who::Thing,
                    ..ante
                };
            }
            return ante;
        }
        self.np(j)
    }

    /// The subject of the verb at `v`, also when it is the second of two coordinated verbs
    /// ("The extension held its locks and ignored the signals": the extension; "The on-call
    /// paused the job and accidentally deleted the queue": the on-call). A person anywhere
    /// before the "and" in the clause is taken as the subject; otherwise a noun phrase opening
    /// the clause is a thing.
    fn subject_of(&self, v: usize) -> Subject {
        let s = self.subject(v);
        if s.who != Who::Elided {
            return s;
        }
        let mut j = v;
        let floor = v.saturating_sub(12);
        while j > floor && self.skippable(j - 1) {
            j -= 1;
        }
        let Some(k) = j.checked_sub(1) else {
            return s;
        };
        if !in_list(self.w(k), words!["and", "but", "or", "then"]) {
            return s;
        }
        let (a, _) = self.clause(k);
        if a >= k {
            return s;
        }
        if let Some(p) = (a..k).find(|&p| self.person_token(p)) {
            return self.np_in(a, p + 1);
        }
        if self.any(a, DETERMINERS) || self.t.get(a).is_some_and(|t| t.cap) {
            return Subject {
                who: Who::Thing,
                span: Some((a, a + 1)),
                ..ELIDED
            };
        }
        s
    }

    /// Classifies the noun phrase that ends just before token `end`.
    fn np(&self, end: usize) -> Subject {
        let mut a = end;
        let mut len = 0;
        while a > 0 && len < 10 {
            let k = a - 1;
            if self.punct(k)
                || self.any(k, CLAUSE_WORDS)
                || self.any(k, RELATIVES)
                || self.any(k, AUX)
            {
                break;
            }
            a -= 1;
            len += 1;
        }
        // "... Github is making to the behaviour": after an auxiliary, an -ing word is a verb
        // of a clause, not an activity heading a noun phrase.
        if a > 0 && a < end && self.any(a - 1, AUX) && self.w(a).ends_with("ing") {
            return Subject {
                who: Who::Thing,
                span: Some((a, end)),
                ..ELIDED
            };
        }
        self.np_in(a, end)
    }

    /// Classifies the noun phrase of tokens `a..end`.
    fn np_in(&self, a: usize, end: usize) -> Subject {
        if a >= end {
            return ELIDED;
        }
        let last = end - 1;
        let owned = (a..end).any(|k| self.any(k, POSSESSIVE_DETERMINERS));
        if self.person_token(last) {
            return Subject {
                who: Who::Person,
                span: Some((self.np_start(a, last), end)),
                singled: self.singled(a, last),
                owned,
                practice: false,
            };
        }
        let mut head = last;
        for p in a + 1..end {
            if self.any(p, PREPOSITIONS) {
                head = p - 1;
                break;
            }
        }
        if self.person_token(head) {
            return Subject {
                who: Who::Person,
                span: Some((self.np_start(a, head), head + 1)),
                singled: self.singled(a, head),
                owned,
                practice: false,
            };
        }
        // "Tom's apply", "the DBA's migration": a person's action (but "the vendor's API" is
        // a system that a role or a group runs).
        const INFRA: &Words = words![
            "api",
            "apis",
            "service",
            "services",
            "server",
            "servers",
            "system",
            "systems",
            "endpoint",
            "endpoints",
            "cluster",
            "clusters",
            "database",
            "databases",
            "network",
            "platform",
            "cdn",
            "infrastructure",
            "website",
            "site",
            "backend",
            "datacenter",
            "region",
            "regions",
            "app",
            "application",
            "status",
            "storage",
            "gateway",
            "resolver",
            "resolvers",
        ];
        let infra = self.any(head, INFRA);
        if let Some(p) = (a..head).find(|&k| {
            self.w(k).ends_with("'s")
                && self.person_token(k)
                && !(infra && !self.name_token(k) && !self.handle(k))
        }) {
            return Subject {
                who: Who::Person,
                span: Some((self.np_start(a, p), p + 1)),
                singled: self.singled(a, p),
                owned,
                practice: false,
            };
        }
        // "Reading the release notes would have ...", "testing the upgrade": an activity named by
        // the gerund it starts with (not "failing requests", a gerund used as an adjective).
        let first = (a..end)
            .find(|&k| !self.any(k, DETERMINERS) && !is_adverb(self.w(k)))
            .unwrap_or(head);
        let gerund_phrase = first < head
            && is_activity(self.w(first))
            && (self.any(first + 1, DETERMINERS) || self.any(first + 1, PREPOSITIONS));
        if is_activity(self.w(head)) || gerund_phrase {
            return Subject {
                who: Who::Activity,
                span: Some((a, head + 1)),
                singled: false,
                owned,
                practice: true,
            };
        }
        Subject {
            who: Who::Thing,
            span: Some((a, head + 1)),
            singled: false,
            owned,
            practice: in_list(self.w(head), PRACTICES),
        }
    }

    /// Where the noun phrase headed at `head` starts: its nearest determiner.
    fn np_start(&self, a: usize, head: usize) -> usize {
        (a..head)
            .rev()
            .take_while(|&k| !self.any(k, PREPOSITIONS))
            .find(|&k| self.any(k, DETERMINERS))
            .unwrap_or(head)
    }

    fn singled(&self, a: usize, head: usize) -> bool {
        if self.handle(head) || self.name_token(head) {
            return true;
        }
        if !is_singular_role(self.base(head)) {
            return false;
        }
        // The determiner of the head's own phrase ("a case for the engineer": "the").
        match (a..head)
            .rev()
            .take_while(|&k| !self.any(k, PREPOSITIONS))
            .find(|&k| self.any(k, DETERMINERS))
        {
            Some(d) => in_list(self.w(d), DEFINITE),
            None => false,
        }
    }

    fn run(&self, mask: u16, extra: &[(Rule, Vec<String>)]) {
        let on = |r: Rule| mask & bit(r) != 0;
        if on(Rule::RootCause) {
            self.root_cause();
        }
        if on(Rule::HumanError) {
            self.human_error();
        }
        if on(Rule::Counterfactual) {
            self.counterfactual();
        }
        if on(Rule::Judgement) {
            self.judgement();
        }
        if on(Rule::Minimizing) {
            self.minimizing();
        }
        if on(Rule::WhyQuestion) {
            self.why_question();
        }
        if on(Rule::Hindsight) {
            self.hindsight();
        }
        if on(Rule::Punitive) {
            self.punitive();
        }
        // Always: faults other rules found with a singled-out subject are reported here.
        self.blame_naming(on(Rule::BlameNaming), mask & ROLE_CUE != 0);
        if mask & EXTRA_TERMS != 0 {
            self.extra_terms(extra);
        }
    }

    fn root_cause(&self) {
        for i in 0..self.n() {
            let w = self.w(i);
            let span = if w == "root"
                && in_list(
                    self.w(i + 1),
                    words!["cause", "causes", "caused", "causing"],
                ) {
                Some(i + 2)
            } else if w.starts_with("root-caus") || ((w == "rca" || w == "rcas") && self.t[i].cap) {
                Some(i + 1)
            } else {
                None
            };
            // "We did not find a single root cause", "there is no root cause in the singular":
            // the framing rejected, not used.
            let rejected = in_list(self.wb(i, 1), words!["single", "one", "sole"])
                && (i.saturating_sub(5)..i).any(|k| self.any(k, NEGATORS))
                || (self.wb(i, 1) == "no" && (self.wb(i, 2) == "is" || self.wb(i, 2) == "was"));
            if let Some(e) = span
                && !self.quoted(i)
                && !rejected
            {
                self.push(Rule::RootCause, i, e);
            }
        }
    }

    fn preventive(&self, i: usize) -> bool {
        const PREVENT: &Words = words![
            "resistant",
            "resilient",
            "tolerant",
            "prone",
            "proof",
            "against",
            "prevent",
            "prevents",
            "preventing",
            "reduce",
            "reduces",
            "reducing",
            "avoid",
            "avoids",
            "avoiding",
            "minimize",
            "minimise",
            "minimizes",
            "minimises",
            "minimizing",
            "minimising",
            "mitigating",
            "eliminating",
            "guard",
            "guards",
            "protect",
            "protects",
            "catch",
            "catches",
            "catching",
            "mitigate",
            "mitigates",
            "eliminate",
            "eliminates",
            "fewer",
            "less",
            "susceptible",
            "detect",
            "detects",
            "flag",
            "flags",
            "lint",
            "linter",
            "linters",
            "spot",
            "spots",
            "surface",
            "surfaces",
            "handle",
            "handles",
            "forgiving",
            "room",
            "risk",
            "chance",
            "chances",
            "likelihood",
        ];
        // A tool that meets, finds or handles slips: "the CLI suggests ... when it sees a typo",
        // "the spell-check job flagged 14 typos" (but a person who "finds and fixes the typo
        // causing ..." is reporting a slip).
        const HANDLE: &Words = words![
            "sees",
            "see",
            "saw",
            "flagged",
            "finds",
            "found",
            "highlights",
            "highlighted",
            "suggests",
            "corrects",
            "corrected",
            "fix",
            "fixes",
            "fixed",
            "rejects",
            "rejected",
            "tolerates",
            "warns",
            "reported",
            "lists",
            "listed",
            "counts",
            "counted",
            "checks",
            "validates",
            "ignores",
            "accepts",
            "allows",
        ];
        let a = self.left_clause_start(i);
        if self.has_between(a, i, PREVENT) {
            return true;
        }
        // "reduces the risk of data loss through malice or operator error": the clause reaches
        // back over a coordinated noun to the measure that guards against both.
        if a > 0 && in_list(self.w(a - 1), words!["or", "and"]) {
            let b = self.left_clause_start(a - 1).max(i.saturating_sub(14));
            if self.has_between(b, a - 1, PREVENT) {
                return true;
            }
        }
        // "... so that human error in typing it is caught early".
        let caught_after = (i + 1..(i + 8).min(self.n())).any(|k| {
            self.any(k, BE)
                && in_list(
                    self.w(k + 1),
                    words![
                        "caught",
                        "prevented",
                        "avoided",
                        "detected",
                        "flagged",
                        "reduced",
                        "rejected",
                        "blocked"
                    ],
                )
        });
        // "... to make operator error less likely", "typos are now impossible to ship".
        let made_rarer = (i + 1..(i + 6).min(self.n()))
            .take_while(|&k| !self.punct(k) || self.w(k) == "-")
            .any(|k| {
                (self.w(k) == "less"
                    && in_list(
                        self.w(k + 1),
                        words!["likely", "common", "frequent", "probable", "prone", "often"],
                    ))
                    || in_list(
                        self.w(k),
                        words!["unlikely", "impossible", "harder", "rarer"],
                    )
            });
        if caught_after || made_rarer {
            return true;
        }
        if in_list(
            self.w(i + 1),
            words!["causing", "caused", "that", "which", "led"],
        ) {
            return false;
        }
        // "We fixed a typo in the alert description": repair, by anyone (a slip that "caused"
        // something was returned above).
        const REPAIR: &Words = words![
            "fix",
            "fixes",
            "fixed",
            "fixing",
            "rectify",
            "rectifies",
            "rectified",
            "rectifying",
            "corrects",
            "corrected",
            "correcting",
        ];
        // "correct" as the verb ("- Correct typo in ...", "we correct typos"), not "the correct
        // namespace".
        let correct_verb = |k: usize| {
            self.w(k) == "correct"
                && (k == 0
                    || self.punct(k - 1)
                    || in_list(self.w(k - 1), words!["to", "we", "i", "please", "and"]))
        };
        (a.max(i.saturating_sub(8))..i).any(|k| {
            self.any(k, REPAIR)
                || correct_verb(k)
                || (self.any(k, HANDLE) && self.subject(k).who == Who::Thing)
        }) || ((i.saturating_sub(3)..i).any(|k| self.w(k) == "as")
            && (i.saturating_sub(8)..i).any(|k| {
                self.any(
                    k,
                    words![
                        "reported",
                        "described",
                        "classified",
                        "dismissed",
                        "treated"
                    ],
                )
            }))
    }

    /// The sentence's condition ("if the test suite had included ...", "had the disk been
    /// larger") has a system as its subject: what "would have been caught" then weighs a design.
    fn system_condition(&self) -> bool {
        *self
            .system_condition
            .get_or_init(|| self.find_system_condition())
    }

    fn find_system_condition(&self) -> bool {
        let n = self.n();
        (0..n).any(|i| {
            let h = if self.w(i) == "if" {
                (i + 1..(i + 9).min(n))
                    .take_while(|&k| !self.punct(k))
                    .find(|&k| self.w(k) == "had" || self.w(k) == "hadn't")
                    .map(|h| (i + 1, h))
            } else if self.w(i) == "had" && (i == 0 || self.punct(i - 1)) {
                (i + 2..(i + 7).min(n))
                    .take_while(|&k| !self.punct(k))
                    .find(|&k| is_participle(self.w(k)) || self.w(k) == "been")
                    .map(|p| (i + 1, p))
            } else {
                None
            };
            h.is_some_and(|(a, e)| e > a && self.np_in(a, e).who == Who::Thing)
        })
    }

    /// The unit is a timeline entry ("14:10 — warnings are ignored and ..."): its present tense
    /// narrates what happened then.
    fn timeline_entry(&self) -> bool {
        let digits = |k: usize| self.w(k).chars().next().is_some_and(|c| c.is_ascii_digit());
        (0..self.n().min(4)).any(|k| digits(k) && self.w(k + 1) == ":" && digits(k + 2))
    }

    /// The subject phrase names the service's users in the plural ("users", "customers"): the
    /// people a review describes as affected, not those who operated the system.
    fn end_users(&self, s: Subject) -> bool {
        s.span.is_some_and(|(_, e)| {
            e > 0
                && in_list(
                    self.w(e - 1),
                    words![
                        "users",
                        "customers",
                        "clients",
                        "visitors",
                        "players",
                        "subscribers"
                    ],
                )
        })
    }

    /// A passive's agent is a system or a tool, not people or a practice of theirs: "should have
    /// been caught by the retry wrapper", "rejected by the schema validator" state what the
    /// system was meant to do ("... caught in code review", "... by the reviewer" still fire).
    fn by_system(&self, from: usize) -> bool {
        if self
            .by_agent(from)
            .is_some_and(|g| g.who == Who::Thing && !g.practice)
        {
            return true;
        }
        // "could have been avoided with a rate limit", "... using a circuit breaker": a tool
        // weighed (but "... with more careful review" is a practice of people's).
        let n = self.n();
        let Some(w) = (from..(from + 4).min(n))
            .take_while(|&k| !self.punct(k) && !self.any(k, CLAUSE_WORDS))
            .find(|&k| in_list(self.w(k), words!["with", "using", "through", "via"]))
        else {
            return false;
        };
        let mut e = w + 1;
        while e < n.min(w + 7)
            && !self.punct(e)
            && !self.any(e, PREPOSITIONS)
            && !self.any(e, CLAUSE_WORDS)
            && !self.any(e, RELATIVES)
        {
            e += 1;
        }
        e > w + 1 && {
            let g = self.np_in(w + 1, e);
            g.who == Who::Thing && !g.practice
        }
    }

    /// "an incorrect assumption in the parser", "a misconception baked into the client": a
    /// belief held by an artefact (a design flaw), not one a person is said to have acted on.
    fn held_by_artefact(&self, from: usize) -> bool {
        let mut k = from;
        if in_list(
            self.w(k),
            words!["baked", "built", "hard-coded", "hardcoded", "encoded"],
        ) {
            k += 1;
        }
        if !in_list(self.w(k), words!["in", "within", "into", "inside"]) {
            return false;
        }
        let a = k + 1;
        let mut e = a;
        while e < self.n().min(a + 8)
            && !self.punct(e)
            && !self.any(e, PREPOSITIONS)
            && !self.any(e, CLAUSE_WORDS)
            && !self.any(e, RELATIVES)
        {
            e += 1;
        }
        e > a && self.np_in(a, e).who == Who::Thing
    }

    /// The agent of a passive: "by <noun phrase>" within a few words after `from`.
    fn by_agent(&self, from: usize) -> Option<Subject> {
        let n = self.n();
        let by = (from..(from + 8).min(n))
            .take_while(|&k| !self.punct(k) && !self.any(k, CLAUSE_WORDS))
            .find(|&k| self.w(k) == "by")?;
        // The noun phrase runs to the next punctuation, preposition, verb-like word or clause.
        let mut e = by + 1;
        while e < n.min(by + 8)
            && !self.punct(e)
            && !self.any(e, PREPOSITIONS)
            && !self.any(e, CLAUSE_WORDS)
            && !self.any(e, RELATIVES)
            && !(e > by + 1 && (is_participle(self.w(e)) || self.any(e, AUX)))
        {
            e += 1;
        }
        (e > by + 1).then(|| self.np_in(by + 1, e))
    }

    /// `i` follows "was" and adverbs only ("was then misconfigured").
    fn skippable_be(&self, i: usize) -> bool {
        let mut k = i;
        while k > 0 && k + 3 > i && is_adverb(self.w(k - 1)) && !self.any(k - 1, NEGATORS) {
            k -= 1;
        }
        k < i && k > 0 && self.any(k - 1, BE)
    }

    /// "Retrain staff to reduce operator error": the remedy is to change the people.
    fn retrain_people(&self, i: usize) -> bool {
        const RETRAIN: &Words = words![
            "retrain",
            "train",
            "training",
            "remind",
            "educate",
            "coach",
            "re-train",
            "retraining",
            "discipline",
        ];
        let a = i.saturating_sub(8);
        (a..i).any(|k| self.any(k, RETRAIN)) && (a..i).any(|k| self.person_token(k))
    }

    fn human_error(&self) {
        const WHO: &Words = words!["human", "operator", "user", "pilot", "personnel", "people"];
        const ERR: &Words = words!["error", "errors", "mistake", "mistakes"];
        const COMPOUND: &Words = words![
            "message",
            "messages",
            "code",
            "codes",
            "handling",
            "handler",
            "rate",
            "rates",
            "page",
            "pages",
            "response",
            "responses",
            "class",
            "classes",
            "type",
            "types",
            "status",
            "log",
            "logs",
            "text",
            "string",
            "dialog",
            "output",
            "budget",
            "path",
            "paths",
            "case",
            "cases",
            "condition",
            "conditions",
            "screen",
            "banner",
            "reporting",
        ];
        const EMIT: &Words = words![
            "return", "returns", "returned", "raise", "raises", "raised", "throw", "throws",
            "threw", "show", "shows", "showed", "display", "displays", "emit", "emits",
        ];
        // "a copy-paste error", "a keying error": a slip by its kind.
        const SLIP_KINDS: &Words = words![
            "copy-paste",
            "copy-and-paste",
            "cut-and-paste",
            "paste",
            "keying",
            "typing",
            "data-entry",
            "clerical",
            "manual",
            "keyboard",
            "transcription",
        ];
        // Beliefs the text itself calls mistaken: "a dangerous misconception".
        const MISBELIEFS: &Words = words![
            "misconception",
            "misconceptions",
            "misjudgement",
            "misjudgment",
            "misjudgements",
            "misjudgments",
            "misapprehension",
        ];
        const SLIPS: &Words = words![
            "typo",
            "typos",
            "typo'd",
            "typoed",
            "mistyping",
            "fat-fingering",
            "mis-typing",
            "fat-finger",
            "fat-fingering",
            "mis-click",
            "misclick",
            "slip-up",
            "blunder",
            "blunders",
            "mistake",
            "mistakes",
        ];
        const MIS_VERBS: &Words = words![
            "misconfigured",
            "mistyped",
            "misread",
            "misjudged",
            "misunderstood",
            "misinterpreted",
            "mislabeled",
            "mislabelled",
            "miscalculated",
            "misclicked",
            "fat-fingered",
            "misremembered",
            "misnamed",
            "misspelled",
            "misspelt",
            "mis-configured",
            "mis-typed",
            "mis-clicked",
        ];
        const SLIP_ADV: &Words = words![
            "accidentally",
            "accidently",
            "mistakenly",
            "inadvertently",
            "unintentionally",
            "erroneously",
            "incorrectly",
            "wrongly",
            "unknowingly",
            "unwittingly",
        ];
        // Every branch below starts at one of these words; most tokens are none of them.
        const STARTS: &Filter = &Filter::of(&[
            WHO,
            SLIPS,
            words!["fat", "oversight", "slip", "copy"],
            MIS_VERBS,
            SLIP_ADV,
            SLIP_KINDS,
            MISBELIEFS,
            ASSUMPTION_ADJ,
        ]);
        const ASSUMPTION_ADJ: &Words = words![
            "incorrect",
            "wrong",
            "false",
            "mistaken",
            "faulty",
            "erroneous",
            "invalid",
            "bad"
        ];
        for i in 0..self.n() {
            let w = self.w(i);
            if !STARTS.may_contain(w) {
                continue;
            }
            // "a copy-paste error", "a keying error", "copy/paste error".
            let kind_len = if in_list(w, SLIP_KINDS) {
                Some(1)
            } else if w == "copy" && self.w(i + 1) == "/" && self.w(i + 2) == "paste" {
                Some(3)
            } else {
                None
            };
            if let Some(len) = kind_len
                && self.any(i + len, ERR)
            {
                // "the copy/paste error message": a message the software shows.
                if !self.preventive(i)
                    && !self.negated_mention(i, i + len + 1)
                    && !self.any(i + len + 1, COMPOUND)
                {
                    self.push(Rule::HumanError, i, i + len + 1);
                }
                continue;
            }
            // "A slip of the keyboard", "a slip of the finger".
            if w == "slip"
                && self.w(i + 1) == "of"
                && in_list(
                    self.w(i + 3),
                    words![
                        "keyboard", "finger", "fingers", "mouse", "pen", "hand", "trackpad"
                    ],
                )
            {
                self.push(Rule::HumanError, i, i + 4);
                continue;
            }
            // "An incorrect value typed by an operator": a wrong input, and who gave it.
            if in_list(
                w,
                words!["incorrect", "wrong", "erroneous", "invalid", "bad"],
            ) {
                let input = (i + 1..(i + 5).min(self.n())).find(|&k| {
                    in_list(
                        self.w(k),
                        words![
                            "typed",
                            "entered",
                            "pasted",
                            "keyed",
                            "supplied",
                            "provided",
                            "chosen",
                            "selected",
                            "input",
                            "inputted",
                            "specified",
                        ],
                    )
                });
                if let Some(k) = input
                    && self.w(k + 1) == "by"
                    && let Some(agent) = self.by_agent(k + 1)
                    && agent.who == Who::Person
                {
                    self.push(Rule::HumanError, i, k + 1);
                    self.fault(agent);
                    continue;
                }
            }
            // "a dangerous misconception", "an incorrect assumption".
            let misbelief = in_list(w, MISBELIEFS)
                || (in_list(w, ASSUMPTION_ADJ)
                    && in_list(
                        self.w(i + 1),
                        words!["assumption", "assumptions", "belief", "beliefs"],
                    ));
            if misbelief {
                let len = if in_list(w, MISBELIEFS) { 1 } else { 2 };
                if !self.negated_mention(i, i + 1)
                    && !self.preventive(i)
                    && !self.held_by_artefact(i + len)
                {
                    self.push(Rule::HumanError, i, i + len);
                }
                continue;
            }
            // "Retrain staff to reduce operator error": prevention that blames the people.
            if in_list(w, WHO) && self.any(i + 1, ERR) && self.retrain_people(i) {
                self.push(Rule::HumanError, i, i + 2);
                continue;
            }
            if in_list(w, WHO) && self.any(i + 1, ERR) {
                // "Customers saw user errors", "user errors rose to 4%": errors a service
                // returned to its users (plural), not a slip a user made.
                let served = w == "user" && in_list(self.w(i + 1), words!["errors", "mistakes"]);
                // "a Postgres operator error": the software operator's, not a person's.
                let software = w == "operator"
                    && self.software_operator(i)
                    && !self.any(i.wrapping_sub(1), PREPOSITIONS)
                    && self.t.get(i.wrapping_sub(1)).is_some_and(|t| t.cap);
                let generic =
                    served || software || in_list(self.wb(i, 1), words!["any", "every", "all"]);
                let typed = self.any(i + 2, COMPOUND)
                    || (i.saturating_sub(3)..i).any(|k| {
                        self.any(k, EMIT) || self.w(k).chars().all(|c| c.is_ascii_digit())
                    });
                // "Human error is where an investigation starts": the concept discussed in the
                // present tense, not a cause given for this incident.
                const DEFINITIONAL: &Words = words![
                    "symptom",
                    "label",
                    "outcome",
                    "consequence",
                    "result",
                    "starting",
                    "category",
                    "term",
                    "explanation",
                    "conclusion",
                    "myth",
                    "description",
                    "judgement",
                    "judgment",
                    "placeholder",
                ];
                let concept = (i == 0 || self.punct(i - 1))
                    && in_list(self.w(i + 2), words!["is", "isn't"])
                    && (!in_list(
                        self.w(i + 3),
                        words!["the", "our", "what", "why", "to", "responsible", "a", "one"],
                    ) || (in_list(self.w(i + 3), words!["a", "an"])
                        && (i + 4..(i + 6).min(self.n())).any(|k| self.any(k, DEFINITIONAL))));
                // "We do not consider this human error", "nobody would call it operator error".
                let judged_not = (i.saturating_sub(6)..i).any(|k| {
                    in_list(
                        self.w(k),
                        words![
                            "consider",
                            "call",
                            "see",
                            "treat",
                            "regard",
                            "think",
                            "classify",
                            "attribute",
                            "label",
                            "view",
                            "put",
                            "chalk",
                            "blame",
                            "dismiss",
                        ],
                    ) && (k.saturating_sub(3)..k).any(|j| {
                        self.any(j, NEGATORS) || in_list(self.w(j), words!["nobody", "never"])
                    })
                });
                if !generic
                    && !typed
                    && !concept
                    && !judged_not
                    && !self.preventive(i)
                    && !self.negated_mention(i, i + 2)
                    && !self.quoted(i)
                {
                    self.push(Rule::HumanError, i, i + 2);
                }
                continue;
            }
            let slip = in_list(w, SLIPS)
                || (w == "fat" && self.w(i + 1).starts_with("finger"))
                || (w == "oversight" && in_list(self.wb(i, 1), words!["an", "the", "simple"]));
            // "The parser mistakes a trailing comma for ...": the verb, with a system as subject.
            let verb = in_list(w, words!["mistake", "mistakes"])
                && !self.any(i.wrapping_sub(1), DETERMINERS)
                && (self.any(i + 1, DETERMINERS) || in_list(self.w(i + 1), words!["it", "them"]))
                && self.subject(i).who == Who::Thing;
            // "feel safe making mistakes", "client libraries keep making the same mistakes",
            // "even a careful registry could make a mistake": mistakes in general or as a
            // possibility, in the present; not a slip that explains this incident ("made a
            // typo").
            // "can often lead to mistakes if not used with caution": what a design invites.
            let generic = in_list(w, words!["mistake", "mistakes"])
                && (i.saturating_sub(4)..i).any(|q| {
                    in_list(
                        self.w(q),
                        words![
                            "make",
                            "makes",
                            "lead",
                            "leads",
                            "invite",
                            "invites",
                            "encourage",
                            "encourages",
                            "cause",
                            "causes"
                        ],
                    ) || (self.w(q) == "making" && w == "mistakes")
                });
            // "Let us know if we've made a mistake", "mistakes happen", "all moderation mistakes
            // are harm done", "we will take ownership for our mistakes": a possibility, a
            // general claim or a commitment, not a slip that explains this incident.
            let generic = generic
                || (in_list(w, words!["mistake", "mistakes"])
                    && ((i.saturating_sub(8)..i)
                        .any(|q| in_list(self.w(q), words!["if", "whether", "unless"]))
                        || (w == "mistakes"
                            && in_list(
                                self.w(i + 1),
                                words!["happen", "happens", "are", "will", "can", "do", "occur"],
                            ))
                        || (w == "mistakes" && in_list(self.wb(i, 1), words!["our", "my"]))));
            // "typo corrections", "typo fixes": the slip names what is being repaired.
            let compound = self.any(
                i + 1,
                words![
                    "correction",
                    "corrections",
                    "fix",
                    "fixes",
                    "checker",
                    "checkers",
                    "check",
                    "checks",
                    "detection"
                ],
            );
            if slip && !verb && !generic && !compound && !in_list(self.wb(i, 1), WHO) {
                if !self.preventive(i) && !self.negated_mention(i, i + 1) && !self.quoted(i) {
                    self.push(Rule::HumanError, i, i + 1);
                }
                continue;
            }
            if in_list(w, MIS_VERBS) {
                let prev = self.wb(i, 1);
                // "was misconfigured by a member of the networking team": a person's act.
                if in_list(prev, BE) || self.skippable_be(i) {
                    if let Some(agent) = self.by_agent(i + 1)
                        && agent.who == Who::Person
                    {
                        self.push(Rule::HumanError, i, i + 1);
                        self.fault(agent);
                    }
                    continue;
                }
                // "requests coming from misconfigured instances": a state, after a preposition.
                if in_list(prev, DETERMINERS)
                    || self.any(i.wrapping_sub(1), PREPOSITIONS)
                    || self.quoted(i)
                {
                    continue;
                }
                let s = self.subject_of(i);
                // "Users who mistyped their password were locked out": the service's users, in
                // a description of how it behaves, not a responder's slip.
                if matches!(s.who, Who::Person | Who::Activity) && !self.end_users(s) {
                    self.push(Rule::HumanError, i, i + 1);
                    self.fault(s);
                }
                continue;
            }
            if in_list(w, SLIP_ADV) {
                // "We cannot accidentally deploy an unsigned image": a slip denied or ruled out;
                // "the previously incorrectly computed offset": a state, like "a misconfigured
                // load balancer".
                let mut d = i;
                while d > 0 && self.skip_adv(d - 1) {
                    d -= 1;
                }
                let ruled_out = (i.saturating_sub(3)..i).any(|q| self.any(q, NEGATORS));
                let attributive = d > 0
                    && self.any(d - 1, DETERMINERS)
                    && is_participle(self.w(i + 1))
                    && !self.punct(i + 2);
                let guarded = {
                    const GUARD: &Words = words![
                        "prevent",
                        "prevents",
                        "preventing",
                        "avoid",
                        "avoids",
                        "avoiding",
                        "guard",
                        "guards",
                        "protect",
                        "protects",
                        "harder",
                        "impossible",
                        "risk",
                    ];
                    // Close by: "prevent anyone from accidentally deleting", not a mechanism
                    // "designed to prevent X" that was then "mistakenly removed".
                    self.has_between(self.left_clause_start(i).max(i.saturating_sub(4)), i, GUARD)
                };
                if ruled_out || attributive || guarded {
                    continue;
                }
                // "We accidentally discovered a second bug": luck, not a slip.
                if self.quoted(i)
                    || in_list(
                        self.w(i + 1),
                        words![
                            "discovered",
                            "found",
                            "noticed",
                            "learned",
                            "learnt",
                            "stumbled",
                            "realised",
                            "realized",
                            "spotted",
                            "uncovered",
                            "caught",
                            "fixed",
                            "solved",
                            "resolved",
                            "helped",
                        ],
                    )
                {
                    continue;
                }
                let s = self.subject_of(i);
                // "Data was inadvertently exposed through a caching bug": a defect's doing.
                let (_, b) = self.clause(i);
                let by_defect = (i + 1..b).any(|k| {
                    in_list(
                        self.w(k),
                        words!["bug", "bugs", "defect", "regression", "flaw", "glitch"],
                    ) && (k.saturating_sub(5)..k).any(|j| {
                        in_list(
                            self.w(j),
                            words!["through", "via", "due", "because", "by", "owing"],
                        )
                    })
                });
                // "Requests were unintentionally sent to the old endpoint": traffic is moved by
                // systems; nobody handles it by hand.
                let traffic = s.span.is_some_and(|(_, e)| {
                    e > 0
                        && in_list(
                            self.w(e - 1),
                            words![
                                "requests",
                                "traffic",
                                "packets",
                                "queries",
                                "connections",
                                "responses",
                                "calls",
                                "writes",
                                "reads",
                                "lookups",
                                "retries",
                            ],
                        )
                });
                // "a fix in libuv that was mistakenly detecting epoll": ongoing behaviour, in the
                // progressive, is a system's.
                let progressive = self.any(i.wrapping_sub(1), BE) && is_activity(self.w(i + 1));
                let fire = match s.who {
                    // "Some users accidentally deleted their projects, since the button sat
                    // next to Save": the service's users, in a description of its design.
                    Who::Person if self.end_users(s) => false,
                    Who::Activity if progressive => false,
                    Who::Person | Who::Activity => true,
                    _ if by_defect || traffic => false,
                    // "..., accidentally overwriting X": a consequence, not an act.
                    _ if self.w(i + 1).ends_with("ing") => false,
                    _ if in_list(w, words!["incorrectly", "wrongly", "erroneously"]) => false,
                    _ => {
                        let (_, b) = self.clause(i);
                        let a = self.sub_clause_start(i);
                        let before = (a..i)
                            .any(|k| self.any(k, BE) && in_list(self.w(k + 1), MANUAL_PARTICIPLES));
                        // "was accidentally restored over the live volume": a passive of an
                        // act people do to systems, whose agent, if it is named, is a person
                        // ("... by the deploy hook" is not). What systems do to data ("were
                        // mistakenly treated as duplicates", "was mistakenly classified") and
                        // what was believed while diagnosing ("were mistakenly attributed to
                        // the CDN") are no slip of anyone's.
                        // "were mistakenly put down to the CDN": attributed, while diagnosing.
                        let attributed = in_list(self.w(i + 1), words!["put", "chalked"])
                            && in_list(self.w(i + 2), words!["down", "up"])
                            && self.w(i + 3) == "to";
                        let after = self.any(i.wrapping_sub(1), BE)
                            && is_participle(self.w(i + 1))
                            && !self.any(i + 1, SYSTEM_PARTICIPLES)
                            && !attributed
                            && i + 1 < b
                            && self.by_agent(i + 2).is_none_or(|g| g.who == Who::Person);
                        before || after
                    }
                };
                if fire {
                    self.push(Rule::HumanError, i, i + 1);
                    self.fault(s);
                }
            }
        }
    }

    fn counterfactual(&self) {
        // Every branch below starts at one of these words; most tokens are none of them.
        const STARTS: &Filter = &Filter::of(&[
            MODALS,
            words![
                "if", "had", "failed", "fail", "fails", "failing", "failure", "thought", "think"
            ],
            words![
                "neglected",
                "neglecting",
                "neglect",
                "neglects",
                "omitted",
                "omitting",
                "omit",
                "omits",
                "overlooked",
                "overlooking",
                "overlook"
            ],
            words!["forgot", "forgetting", "forget", "forgets"],
        ]);
        let n = self.n();
        for i in 0..n {
            let w = self.w(i);
            if !STARTS.may_contain(w) {
                continue;
            }
            if in_list(w, MODALS) {
                self.modal_perfect(i);
                continue;
            }
            match w {
                "if" => self.conditional(i),
                "had" if i == 0 || self.punct(i - 1) => self.inverted_conditional(i),
                "failed" | "fail" | "fails" | "failing" if self.w(i + 1) == "to" => {
                    if self.unrealised_lapse(i) {
                        continue;
                    }
                    let s = self.subject_of(i);
                    let mut v = i + 2;
                    while v < n && self.skip_adv(v) {
                        v += 1;
                    }
                    let human_verb = self.any(v, HUMAN_VERBS) || self.any(v, DETECTION_VERBS);
                    // "- Failed to escalate" (a timeline entry, its subject left out) but not
                    // "..., the cart badge, failing to update" (a system's, after a list).
                    let unit_start = (0..i).all(|k| {
                        self.punct(k) || self.w(k).chars().all(|c| c.is_ascii_digit() || c == ':')
                    });
                    // "Many users failed to log in": what the service's users met, not a lapse.
                    if (s.who == Who::Person && !self.end_users(s))
                        || (s.who == Who::Activity && human_verb)
                        || (s.who == Who::Elided && human_verb && unit_start)
                    {
                        self.push(Rule::Counterfactual, i, i + 3);
                        self.fault(s);
                    }
                }
                "failure" if self.w(i + 1) == "to" => {
                    // "the engineer's failure to ...", "a failure to follow the process" (but not
                    // "the service's failure to start").
                    let p = i.checked_sub(1).filter(|&p| self.w(p).ends_with("'s"));
                    match p {
                        Some(p) if self.person_token(p) => {
                            self.push(Rule::Counterfactual, p, i + 3);
                            let s = self.np(p + 1);
                            self.fault(s);
                        }
                        None if self.any(i + 2, HUMAN_VERBS) => {
                            self.push(Rule::Counterfactual, i, i + 3);
                        }
                        _ => {}
                    }
                }
                "thought" | "think" if self.w(i + 1) == "to" => {
                    // "didn't think to check", "nobody thought to ask".
                    let back = i.saturating_sub(3)..i;
                    let neg = back.clone().any(|k| {
                        self.any(k, NEGATORS) || in_list(self.w(k), words!["nobody", "none"])
                    }) || (self.wb(i, 1) == "one" && self.wb(i, 2) == "no");
                    if neg {
                        let s = self.subject(i);
                        if s.who != Who::Thing {
                            self.push(Rule::Counterfactual, i.saturating_sub(1), i + 3);
                            self.fault(s);
                        }
                    }
                }
                "neglected" | "neglecting" | "neglect" | "neglects" | "omitted" | "omitting"
                | "omit" | "omits" | "overlooked" | "overlooking" | "overlook" => {
                    if w.starts_with("omit") && self.w(i + 1) != "to" {
                        continue;
                    }
                    // "We overlooked nothing in the checklist".
                    if in_list(self.w(i + 1), words!["nothing", "none"]) || self.unrealised_lapse(i)
                    {
                        continue;
                    }
                    // "where `--allow-net` is intentionally omitted": a choice, not a lapse.
                    if (i.saturating_sub(2)..i).any(|k| {
                        in_list(
                            self.w(k),
                            words![
                                "intentionally",
                                "deliberately",
                                "purposely",
                                "purposefully",
                                "explicitly",
                                "consciously"
                            ],
                        )
                    }) {
                        continue;
                    }
                    let passive = self.any(i.wrapping_sub(1), BE);
                    let s = self.subject(i);
                    if passive || s.who != Who::Thing {
                        self.push(Rule::Counterfactual, i, i + 1);
                        self.fault(s);
                        self.caused_slip(i, s);
                    }
                }
                "forgot" | "forgetting" | "forget" | "forgets" => {
                    let next = self.w(i + 1);
                    if !(next == "to"
                        || next == "about"
                        || (next.ends_with("ing") && next.len() > 4))
                        || self.unrealised_lapse(i)
                    {
                        continue;
                    }
                    let s = self.subject(i);
                    if s.who != Who::Thing {
                        self.push(Rule::Counterfactual, i, i + 1);
                        self.fault(s);
                        self.caused_slip(i, s);
                    }
                }
                _ => {}
            }
        }
        self.negated_despite();
    }

    /// A lapse verb in the present that no one has committed: a risk ("maintainers may
    /// overlook the transfer", "you could fail to renew"), advice ("don't forget to set a
    /// timeout") or a condition ("even if subscribers forget to remove old domains").
    fn unrealised_lapse(&self, i: usize) -> bool {
        const MAYBE: &Words = words![
            "may", "might", "can", "could", "will", "'ll", "would", "must", "should", "shall",
        ];
        let w = self.w(i);
        if !in_list(
            w,
            words![
                "fail",
                "fails",
                "forget",
                "forgets",
                "overlook",
                "overlooks",
                "neglect",
                "neglects"
            ],
        ) {
            return false;
        }
        let a = self.left_clause_start(i).max(i.saturating_sub(6));
        let before = |q: usize| self.w(q);
        let modal = (i.saturating_sub(4)..i).any(|q| self.any(q, MAYBE))
            && !(i.saturating_sub(4)..i).any(|q| before(q) == "have");
        let imperative = (i.saturating_sub(2)..i).any(|q| {
            in_list(before(q), words!["don't", "never", "dont"])
                || (before(q) == "do" && before(q + 1) == "not")
        });
        let condition = (a.saturating_sub(3)..i).any(|q| {
            in_list(
                before(q),
                words!["if", "unless", "when", "whenever", "once"],
            )
        });
        modal || imperative || condition
    }

    /// "came down to someone forgetting": the slip is offered as the explanation.
    fn caused_slip(&self, i: usize, s: Subject) {
        if s.who != Who::Person {
            return;
        }
        // The first causal phrase in the sentence, found once.
        let first = *self.first_causal.get_or_init(|| {
            (0..self.n()).find(|&k| {
                (self.w(k) == "down" && self.w(k + 1) == "to")
                    || (self.w(k) == "caused" && self.w(k + 1) == "by")
                    || (self.w(k) == "due" && self.w(k + 1) == "to")
                    || (self.w(k) == "because" && self.w(k + 1) == "of")
                    || (self.w(k) == "result" && self.w(k + 1) == "of")
            })
        });
        if first.is_some_and(|k| k < i) {
            self.push(Rule::HumanError, i, i + 1);
        }
    }

    fn modal_perfect(&self, i: usize) {
        const CERTAIN: &Words = words!["clear", "obvious", "evident", "apparent", "plain"];
        const EASE: &Words = words![
            "easy",
            "trivial",
            "simple",
            "straightforward",
            "self-evident"
        ];
        /// "It would have been useful to ...": a better course of action people did not take.
        const BETTER: &Words = words![
            "useful",
            "helpful",
            "better",
            "wise",
            "wiser",
            "prudent",
            "good",
            "best",
            "sensible",
            "preferable",
            "smarter",
            "safer",
            "nice",
            "advisable",
            "appropriate",
        ];
        /// What a practice or an activity people skipped "would have" done: a missed chance
        /// ("code review should have flagged it"), not a forecast ("the release would have
        /// taken hours").
        const MISSED_CHANCE: &Words = words![
            "caught",
            "prevented",
            "avoided",
            "averted",
            "stopped",
            "detected",
            "found",
            "flagged",
            "spotted",
            "surfaced",
            "revealed",
            "shown",
            "exposed",
            "shortened",
            "limited",
            "reduced",
            "helped",
            "saved",
            "spared",
            "mitigated",
            "allowed",
            "enabled",
            "identified",
            "noticed",
            "highlighted",
            "contained",
            "minimised",
            "minimized",
            "protected",
            "warned",
            "told",
            "uncovered",
            "made",
        ];
        const AUTOMATIC: &Words = words!["automatically", "itself", "themselves"];
        let n = self.n();
        let m = self.w(i);
        // "What would have helped?" is the question the rule asks reviewers to put instead;
        // so is "Was there anything the team could have done if they had known ...?".
        if in_list(self.wb(i, 1), words!["what", "how"]) {
            return;
        }
        let asks_options = (i.saturating_sub(8)..i).any(|k| {
            in_list(self.w(k), words!["anything", "something"])
                && k >= 2
                && in_list(self.w(k - 2), words!["was", "is", "were", "are"])
                && self.w(k - 1) == "there"
        });
        if asks_options {
            return;
        }
        let mut k = i + 1;
        if !m.ends_with("'ve") && !in_list(m, words!["shoulda", "coulda", "woulda"]) {
            while k < n && (self.w(k) == "not" || self.w(k) == "to" || self.skip_adv(k)) {
                k += 1;
            }
            if self.w(k) != "have" {
                return;
            }
            k += 1;
        }
        while k < n && self.skip_adv(k) {
            k += 1;
        }
        let negated = m.contains("n't") || (i..k).any(|j| self.any(j, NEGATORS));
        // "would not have prevented it" weighs a measure; "should not have gone out" still says
        // what people should have done.
        let weighing = negated && !in_list(m, DEONTIC);
        let x = self.w(k);
        if x == "been" || x == "be" {
            let mut y = k + 1;
            while y < n && self.skip_adv(y) {
                y += 1;
            }
            let yw = self.w(y);
            let s = self.subject_of(i);
            if in_list(yw, CERTAIN) {
                // "It should have been clear that ...": awareness, after the fact; "... obvious
                // to the responders" says who should have seen it, a counterfactual too. But
                // "failed submissions would have been apparent to users" says what the service's
                // users would have noticed: no one's foresight is judged.
                let to_users = !in_list(m, DEONTIC)
                    && self.w(y + 1) == "to"
                    && (y + 2..(y + 4).min(n)).any(|k| {
                        in_list(
                            self.base(k),
                            words![
                                "users",
                                "user",
                                "customers",
                                "customer",
                                "clients",
                                "client",
                                "visitors",
                                "readers",
                                "players",
                                "subscribers",
                                "buyers",
                                "members",
                            ],
                        )
                    });
                if !negated && !to_users {
                    self.push(Rule::Hindsight, i, y + 1);
                    if self.w(y + 1) == "to" {
                        let who = (y + 2..(y + 5).min(n)).find(|&k| self.person_token(k));
                        if let Some(p) = who {
                            self.push(Rule::Counterfactual, i, y + 1);
                            let s = self.np(p + 1);
                            self.fault(s);
                        }
                    }
                }
            } else if in_list(yw, EASE) {
                // "It would have been easy for the on-call to ...": the work made to sound easy.
                if !negated {
                    self.push(Rule::Minimizing, y, y + 1);
                    self.ease_for(y);
                }
            } else if yw == "to" && !negated {
                // "The first step should have been to check the deploy log."
                self.push(Rule::Counterfactual, i, y + 1);
            } else if in_list(yw, BETTER)
                && !negated
                && self.w(y + 1) == "to"
                && s.who != Who::Person
            {
                self.push(Rule::Counterfactual, i, y + 2);
            } else if !weighing
                && (in_list(yw, HUMAN_PASSIVE)
                    || (s.owned && s.who != Who::Person && is_participle(yw)))
                && !self.by_system(y + 1)
                && (in_list(m, DEONTIC) || !self.system_condition())
            {
                self.push(Rule::Counterfactual, i, y + 1);
                // "should have been caught by the reviewer": the one charged is the agent.
                if let Some(agent) = self.by_agent(y + 1)
                    && agent.who == Who::Person
                {
                    self.fault(agent);
                }
            }
        } else if x != "had" && is_participle(x) {
            // "should have known better" judges a person's diligence (judgement's phrase).
            if x == "known" && self.w(k + 1) == "better" {
                return;
            }
            let s = self.subject_of(i);
            let generic = s.span.is_some_and(|(a, e)| {
                (a..e).any(|j| {
                    in_list(
                        self.w(j),
                        words!["anyone", "anybody", "everyone", "everybody"],
                    )
                })
            });
            // "Any engineer could have made the same change": what anyone might have done, said
            // to take the blame away from the one who did.
            let anyone_could = in_list(m, words!["could", "might", "would"])
                && s.span.is_some_and(|(a, e)| {
                    (a..e).any(|j| {
                        in_list(
                            self.w(j),
                            words!["anyone", "anybody", "any", "everyone", "everybody"],
                        )
                    })
                });
            // "..., nobody would have noticed": a hypothetical about what could be seen.
            let nobody_would = in_list(m, words!["could", "might", "would"])
                && s.span.is_some_and(|(a, e)| {
                    (a..e).any(|j| in_list(self.w(j), words!["nobody", "noone", "none"]))
                        || (a + 1 < e && self.w(a) == "no" && self.w(a + 1) == "one")
                });
            if (anyone_could || nobody_would) && s.who == Who::Person {
                return;
            }
            if s.who == Who::Person && self.unjudged_person_modal(i, k, s, weighing) {
                return;
            }
            let fire = match s.who {
                // "Users could have lost unsaved work": what the service's users risked.
                Who::Person => !self.end_users(s),
                Who::Activity => !weighing && self.any(k, MISSED_CHANCE),
                // "The deploy should not have gone out": what people should have done; "a
                // review would have caught it": a chance they missed.
                _ if s.practice => {
                    !weighing
                        && (in_list(m, DEONTIC) || self.any(k, MISSED_CHANCE))
                        && !self.any(k + 1, AUTOMATIC)
                }
                // "The change ought to have gone through staging first."
                _ if in_list(m, DEONTIC) && s.who == Who::Thing => {
                    (k + 1..(k + 6).min(n)).any(|j| self.any(j, PROCESS_STEPS))
                }
                _ => false,
            };
            if generic && in_list(x, words!["seen", "known", "told", "guessed", "predicted"]) {
                // "Anyone could have seen ...": hindsight's, not a counterfactual about someone.
                return;
            }
            if fire {
                self.push(Rule::Counterfactual, i, k + 1);
                if s.who == Who::Person {
                    self.fault(s);
                    if in_list(x, KNOWING) && !weighing {
                        self.push(Rule::Hindsight, i, k + 1);
                    }
                }
            }
        }
    }

    /// A person's "would/could/might have" that judges no course of action: a wish ("we would
    /// have liked the update sooner"), a guess about the reader ("you might have noticed"), a
    /// denial or a debt ("we couldn't have known", "could not have done it without them"), a
    /// superlative ("the most useful feedback we could have asked for"), or what the writers
    /// would have done had someone else acted ("if the auditors had asked, we would have handed
    /// them over": the condition is judged on its own).
    fn unjudged_person_modal(&self, i: usize, k: usize, s: Subject, weighing: bool) -> bool {
        const WISHES: &Words = words![
            "liked",
            "loved",
            "preferred",
            "wanted",
            "wished",
            "hoped",
            "enjoyed",
            "appreciated",
            "welcomed",
        ];
        /// What only things do: "they could have occurred on any platform" ("they" being bugs).
        const NON_AGENTIVE: &Words = words![
            "occurred", "happened", "resulted", "arisen", "existed", "appeared", "emerged",
            "surfaced", "recurred",
        ];
        let m = self.w(i);
        let x = self.w(k);
        if in_list(m, words!["would", "'d"]) && in_list(x, WISHES) {
            return true;
        }
        if in_list(x, NON_AGENTIVE) {
            return true;
        }
        // "more than I would have ever imagined", "than I could have hoped": a comparison.
        if (i.saturating_sub(3)..i).any(|q| self.w(q) == "than") {
            return true;
        }
        let has = |p: &str| s.span.is_some_and(|(a, e)| (a..e).any(|q| self.w(q) == p));
        if in_list(m, words!["might", "may"]) && has("you") {
            return true;
        }
        if weighing && !in_list(m, DEONTIC) {
            return true;
        }
        if in_list(m, words!["could", "might"])
            && let Some((a, e)) = s.span
            && (a.saturating_sub(6)..e).any(|q| {
                let w = self.w(q);
                in_list(w, words!["most", "best", "least", "only"])
                    || (w.len() > 5 && w.ends_with("est") && !w.ends_with("rest"))
            })
        {
            return true;
        }
        if m == "would" {
            let cond = (i.saturating_sub(24)..i).find(|&q| self.w(q) == "if");
            if let Some(c) = cond
                && (c + 1..i).any(|q| in_list(self.w(q), words!["had", "hadn't"]))
            {
                return true;
            }
        }
        false
    }

    /// "easy for the on-call to ...": a singled-out person whose work is made to sound easy.
    fn ease_for(&self, adj: usize) {
        if self.w(adj + 1) != "for" {
            return;
        }
        let end = (adj + 2..(adj + 7).min(self.n()))
            .find(|&k| self.w(k) == "to" || self.punct(k))
            .unwrap_or((adj + 7).min(self.n()));
        if end > adj + 2 {
            let s = self.np(end);
            self.fault(s);
        }
    }

    fn skip_adv(&self, k: usize) -> bool {
        let w = self.w(k);
        w != "been" && !self.punct(k) && is_adverb(w)
    }

    /// "if (only) the team had followed ...", with a person or activity as subject.
    fn conditional(&self, i: usize) {
        let mut a = i + 1;
        if self.w(a) == "only" {
            a += 1;
        }
        let Some(h) = (a..(a + 8).min(self.n()))
            .take_while(|&k| !self.punct(k))
            .find(|&k| self.w(k) == "had" || self.w(k) == "hadn't")
        else {
            return;
        };
        if h == a {
            return;
        }
        let mut p = h + 1;
        // "If you had previously set X, please unset it": a state the reader may be in, told
        // before an instruction, not a course of action that was not taken.
        if (h + 1..(h + 3).min(self.n())).any(|k| {
            in_list(
                self.w(k),
                words!["previously", "already", "ever", "earlier"],
            )
        }) {
            return;
        }
        while p < self.n() && self.skip_adv(p) {
            p += 1;
        }
        if !is_participle(self.w(p)) || self.w(p) == "been" || self.as_designed(p + 1) {
            return;
        }
        let s = self.np(h);
        if matches!(s.who, Who::Person | Who::Activity) {
            self.push(Rule::Counterfactual, i, p + 1);
            self.fault(s);
        }
    }

    /// "... performed as intended", "worked as designed": what a system was built to do.
    fn as_designed(&self, k: usize) -> bool {
        self.w(k) == "as"
            && in_list(
                self.w(k + 1),
                words![
                    "intended",
                    "designed",
                    "expected",
                    "documented",
                    "specified"
                ],
            )
    }

    /// "Had we waited, ..."
    fn inverted_conditional(&self, i: usize) {
        let Some(p) = (i + 1..(i + 6).min(self.n()))
            .take_while(|&k| !self.punct(k))
            .find(|&k| is_participle(self.w(k)))
        else {
            return;
        };
        if p == i + 1 || self.w(p) == "been" || self.as_designed(p + 1) {
            return;
        }
        let s = self.np(p);
        if s.who == Who::Person {
            self.push(Rule::Counterfactual, i, p + 1);
            self.fault(s);
        }
    }

    /// "did not disable the pipeline despite being aware", "could see it, yet no one acted",
    /// "knew the certificate would expire and did nothing", "didn't roll back, even though they
    /// knew": a person's inaction set against what they are said to have known. When the
    /// sentence says the people knew (not only that it could be seen), that is hindsight too.
    fn negated_despite(&self) {
        const CONTRAST: &Words = words!["despite", "yet", "although", "though", "spite", "but"];
        const AWARE: &Words = words![
            "aware", "knew", "known", "knowing", "warned", "warning", "warnings", "see", "saw",
            "seen", "visible", "obvious", "clear", "risk", "risks",
        ];
        const KNEW: &Words = words!["aware", "knew", "known", "knowing", "warned"];
        const LAPSE: &Words = words!["lapse", "expire", "slide", "slip", "rot", "linger"];
        let n = self.n();
        // "**WARNING**: ..." labels a note; it says nothing of what anyone knew.
        let aware = |k: usize| {
            self.any(k, AWARE)
                && !(k + 1..(k + 4).min(n))
                    .take_while(|&q| self.punct(q))
                    .any(|q| self.w(q) == ":")
        };
        // Inaction at `g`: its length, and whether it names its own (human) subject. Not knowing
        // ("didn't know anyone who ...") is a gap in knowledge, not something left undone.
        let inaction = |g: usize| -> Option<(usize, bool)> {
            let w = self.w(g);
            let knowing_next = |k: usize| {
                in_list(
                    self.w(k),
                    words![
                        "know",
                        "understand",
                        "realise",
                        "realize",
                        "imagine",
                        "expect"
                    ],
                )
            };
            if (w == "didn't" || w == "never") && knowing_next(g + 1)
                || (w == "did" && self.w(g + 1) == "not" && knowing_next(g + 2))
            {
                return None;
            }
            if w == "didn't" || w == "never" {
                Some((2, false))
            } else if w == "did" && self.w(g + 1) == "not" {
                Some((3, false))
            } else if w == "did" && self.w(g + 1) == "nothing" {
                Some((2, false))
            } else if w == "took" && self.w(g + 1) == "no" && self.w(g + 2) == "action" {
                Some((3, false))
            } else if w == "no" && self.w(g + 1) == "one" {
                Some((3, true))
            } else if w == "nobody" {
                Some((2, true))
            } else if in_list(w, words!["let", "allowed"])
                && (g + 1..(g + 6).min(n)).any(|k| self.any(k, LAPSE))
            {
                Some((1, false))
            } else {
                None
            }
        };
        // The first awareness word, and the first contrast after it ("and" counts only right
        // before the inaction: "knew ... and did nothing").
        let Some(first_aware) = (0..n).find(|&k| aware(k)) else {
            return;
        };
        let first_knew = (0..n).find(|&k| self.any(k, KNEW));
        let contrast_after = (first_aware + 1..n).find(|&k| {
            self.any(k, CONTRAST)
                || (in_list(self.w(k), words!["and", "still", "anyway"])
                    && inaction(k + 1).is_some())
        });
        // A "despite ..." or "even though they knew" after the inaction.
        let despite_later = (0..n).find(|&c| {
            in_list(self.w(c), words!["despite", "spite", "though", "although"])
                && (c + 1..(c + 6).min(n)).any(&aware)
        });
        for g in 0..n {
            let Some((len, person)) = inaction(g) else {
                continue;
            };
            let (framed, knew_at) = match (contrast_after, despite_later) {
                (Some(c), _) if g > c => (true, first_knew.filter(|&k| k < g)),
                (_, Some(d)) if g < d => {
                    (true, (d + 1..(d + 6).min(n)).find(|&k| self.any(k, KNEW)))
                }
                _ => (false, None),
            };
            if framed && (person || matches!(self.subject(g).who, Who::Person | Who::Elided)) {
                self.push(Rule::Counterfactual, g, g + len);
                if let Some(k) = knew_at {
                    let s = self.subject(k);
                    if s.who != Who::Thing {
                        self.push(Rule::Hindsight, k, k + 1);
                        self.fault(s);
                    }
                }
                return;
            }
        }
    }

    fn judgement(&self) {
        const CHARACTER: &Words = words![
            "careless",
            "carelessly",
            "carelessness",
            "sloppy",
            "sloppily",
            "sloppiness",
            "negligent",
            "negligently",
            "negligence",
            "complacent",
            "complacency",
            "lazy",
            "lazily",
            "laziness",
            "incompetent",
            "incompetence",
            "incompetently",
            "reckless",
            "recklessly",
            "recklessness",
            "irresponsible",
            "irresponsibly",
            "inattentive",
            "inattention",
            "thoughtless",
            "thoughtlessly",
            "cavalier",
            "lackadaisical",
            "unprofessional",
            "slapdash",
            "slipshod",
            "amateurish",
            "clueless",
            "idiotic",
            "stupid",
            "dumb",
            "foolish",
            "foolishly",
            "cowboy",
        ];
        const QUALITIES: &Words = words![
            "careful",
            "aware",
            "attentive",
            "diligent",
            "vigilant",
            "disciplined",
            "cautious",
            "mindful",
            "conscientious",
        ];
        const QUALITY_ADV: &Words = words![
            "carefully",
            "attentively",
            "diligently",
            "cautiously",
            "mindfully",
            "vigilantly",
        ];
        const CARE_NOUNS: &Words = words![
            "attention",
            "care",
            "diligence",
            "discipline",
            "rigour",
            "rigor",
            "ownership",
            "focus",
            "professionalism",
            "awareness",
        ];
        // Every branch below starts at one of these words; most tokens are none of them.
        const STARTS: &Filter = &Filter::of(&[
            CHARACTER,
            QUALITIES,
            QUALITY_ADV,
            words![
                "bad",
                "more",
                "paying",
                "pay",
                "paid",
                "lack",
                "better",
                "bother",
                "bothered",
                "closely",
                "properly",
                "thoroughly",
                "asleep",
                "dropped",
                "dropping",
                "drop",
                "drops",
                "cut",
                "cutting",
                "cuts",
                "phoned",
                "phoning",
                "winging",
                "half-hearted",
                "half-assed",
                "halfhearted",
                "doing",
                "do",
                "did",
            ],
        ]);
        let n = self.n();
        for i in 0..n {
            let w = self.w(i);
            if !STARTS.may_contain(w) {
                continue;
            }
            if in_list(w, CHARACTER) || (w == "bad" && self.w(i + 1).starts_with("apple")) {
                if w.starts_with("laz") && !self.lazy_about_people(i) {
                    continue;
                }
                // "sloppy quorum", "sloppy counters": terms of art.
                if w.starts_with("slopp") && self.any(i + 1, SLOPPY_TERMS) {
                    continue;
                }
                // "TERM=dumb", "dumb terminals", "a dumb pipe": terms of art for devices.
                if w == "dumb"
                    && (self.wb(i, 1) == "="
                        || self.any(
                            i + 1,
                            words![
                                "terminal",
                                "terminals",
                                "pipe",
                                "pipes",
                                "client",
                                "clients",
                                "device",
                                "devices",
                                "switch",
                                "switches"
                            ],
                        ))
                {
                    continue;
                }
                if !self.quoted(i) && !self.negated_mention(i, i + 1) && !self.nobody_before(i) {
                    self.push(Rule::Judgement, i, i + 1);
                    let s = self.subject(i);
                    self.fault(s);
                }
                continue;
            }
            if w == "more" && self.any(i + 1, QUALITIES) {
                let back = (i.saturating_sub(2)..i).any(|k| {
                    self.any(k, BE)
                        || in_list(
                            self.w(k),
                            words![
                                "get", "become", "became", "becomes", "grow", "stay", "remain",
                                "act", "seem", "behave",
                            ],
                        )
                });
                if back {
                    self.push(Rule::Judgement, i, i + 2);
                }
                continue;
            }
            if w == "more" && self.any(i + 1, QUALITY_ADV) {
                // "changes are more carefully reviewed as they are pulled in": how a process
                // treats things, in a passive; not a call for people to take more care.
                let process = is_participle(self.w(i + 2))
                    && (i.saturating_sub(2)..i).any(|k| self.any(k, BE))
                    && self.subject(i.saturating_sub(1)).who == Who::Thing;
                if !process {
                    self.push(Rule::Judgement, i, i + 2);
                }
                continue;
            }
            if in_list(w, QUALITIES)
                && !in_list(w, words!["aware", "disciplined"])
                && ((i.saturating_sub(2)..i).any(|k| self.any(k, NEGATORS))
                    || self.w(i + 1) == "enough" && self.wb(i, 1) == "not")
            {
                let s = self.subject(i);
                if matches!(s.who, Who::Person | Who::Elided) {
                    self.push(Rule::Judgement, i.saturating_sub(1), i + 1);
                    self.fault(s);
                }
                continue;
            }
            if in_list(w, words!["paying", "pay", "paid"]) && self.w(i + 1) == "attention" {
                if (i.saturating_sub(3)..i).any(|k| self.any(k, NEGATORS)) {
                    let s = self.subject(i);
                    self.push(Rule::Judgement, i, i + 2);
                    self.fault(s);
                }
                continue;
            }
            if w == "lack" && self.w(i + 1) == "of" && self.any(i + 2, CARE_NOUNS) {
                if self.w(i + 2) == "awareness" || self.w(i + 3) == "awareness" {
                    continue; // situational awareness: hindsight
                }
                self.push(Rule::Judgement, i, i + 3);
                continue;
            }
            if w == "better" && in_list(self.wb(i, 1), words!["know", "known", "knew"]) {
                self.push(Rule::Judgement, i - 1, i + 1);
                continue;
            }
            if in_list(w, words!["bother", "bothered"])
                && (i.saturating_sub(3)..i).any(|k| self.any(k, NEGATORS) || self.w(k) == "nobody")
            {
                self.push(Rule::Judgement, i, i + 1);
                continue;
            }
            if let Some(len) = self.diligence_idiom(i) {
                let s = self.subject(i);
                if s.who != Who::Thing && !self.nobody_before(i) {
                    self.push(Rule::Judgement, i, i + len);
                    self.fault(s);
                }
                continue;
            }
            if in_list(w, words!["closely", "carefully", "properly", "thoroughly"]) {
                let (a, _) = self.clause(i);
                let Some(neg) = (a.max(i.saturating_sub(5))..i).find(|&k| self.any(k, NEGATORS))
                else {
                    continue;
                };
                let s = self.subject(neg);
                // "users who haven't properly activated their domain get a reminder": the
                // service's users, in a description of how it behaves.
                if s.who == Who::Person && !self.end_users(s) {
                    self.push(Rule::Judgement, neg, i + 1);
                    self.fault(s);
                }
            }
        }
    }

    /// Idioms for a lack of care: "asleep at the wheel", "dropped the ball", "cut corners",
    /// "phoned it in", "wasn't doing their job". The length in tokens, when one starts at `i`.
    fn diligence_idiom(&self, i: usize) -> Option<usize> {
        let w = self.w(i);
        let w1 = self.w(i + 1);
        let w2 = self.w(i + 2);
        let w3 = self.w(i + 3);
        match w {
            "asleep" if w1 == "at" && in_list(w3, words!["wheel", "switch"]) => Some(4),
            "dropped" | "dropping" | "drop" | "drops" if w1 == "the" && w2 == "ball" => Some(3),
            "cut" | "cutting" | "cuts" if w1 == "corners" => Some(2),
            "phoned" | "phoning" if w1 == "it" && w2 == "in" => Some(3),
            "winging" if w1 == "it" => Some(2),
            "half-hearted" | "half-assed" | "halfhearted" => Some(1),
            "doing" | "do" | "did"
                if in_list(w1, words!["their", "his", "her", "your", "its"])
                    && in_list(w2, words!["job", "jobs"])
                    && (i.saturating_sub(3)..i).any(|k| self.any(k, NEGATORS)) =>
            {
                Some(3)
            }
            _ => None,
        }
    }

    /// "Nobody was careless", "no one cut corners": the subject denies the judgement.
    fn nobody_before(&self, i: usize) -> bool {
        let (a, _) = self.clause(i);
        (a.max(i.saturating_sub(6))..i).any(|k| {
            in_list(self.w(k), words!["nobody", "none", "neither"])
                || (self.w(k) == "no" && self.w(k + 1) == "one")
        })
    }

    /// "lazy" is mostly technical (lazy loading, lazy lookups); it judges only people or their
    /// habits: "lazy testing habits", "the team was lazy".
    fn lazy_about_people(&self, i: usize) -> bool {
        const HABITS: &Words = words![
            "habit",
            "habits",
            "attitude",
            "attitudes",
            "approach",
            "work",
            "culture",
            "practice",
            "practices",
            "review",
            "reviews",
            "engineering",
            "mindset",
        ];
        let next = self.w(i + 1);
        if self.person_token(i + 1) || in_list(next, HABITS) || is_activity(next) {
            return true;
        }
        // "Engineers lazily copied the config": people doing something lazily.
        if self.w(i).ends_with("ly") && self.subject(i).who == Who::Person {
            return true;
        }
        self.any(i.wrapping_sub(1), BE) && self.subject(i).who == Who::Person
    }

    /// Whether the sentence judges what people did: a counterfactual, "hard to justify", "no
    /// excuse", "yet nobody acted", certainty that something was coming.
    fn has_blame_cue(&self) -> bool {
        let n = self.n();
        (0..n).any(|k| {
            let w = self.w(k);
            let nx = self.w(k + 1);
            (in_list(w, words!["hard", "difficult", "impossible"])
                && nx == "to"
                && in_list(
                    self.w(k + 2),
                    words!["justify", "explain", "excuse", "understand", "accept"],
                ))
                || (w == "no" && in_list(nx, words!["reason", "excuse"]))
                || in_list(
                    w,
                    words![
                        "inexcusable",
                        "unacceptable",
                        "unjustifiable",
                        "surprising",
                        "baffling"
                    ],
                )
                || (w == "right" && nx == "there")
                || (w == "plain" && nx == "sight")
                || (in_list(w, words!["was", "were"])
                    && (nx == "going"
                        || (in_list(nx, words!["always", "never"]) && self.w(k + 2) == "going")))
                || (w == "bound" && nx == "to")
                || (in_list(w, MODALS)
                    && (nx == "have"
                        || (in_list(nx, words!["not", "never"]) && self.w(k + 2) == "have")))
                || w.ends_with("'ve")
                || (in_list(w, words!["yet", "but", "still"])
                    && (in_list(nx, words!["nobody", "no", "none"])
                        || in_list(nx, words!["didn't", "never"])))
                || (w == "nobody" && in_list(nx, words!["acted", "reacted", "noticed", "looked"]))
        })
    }

    fn minimizing(&self) {
        const MIN_ADV: &Words = words!["just", "simply", "only", "merely"];
        const SENT_ADV: &Words =
            words!["obviously", "clearly", "evidently", "plainly", "naturally"];
        const FAULT_VERBS: &Words = words![
            "didn't",
            "did",
            "forgot",
            "ignored",
            "failed",
            "neglected",
            "missed",
            "overlooked",
            "skipped",
            "never",
            "chose",
            "decided",
            "assumed",
            "hadn't",
        ];
        const NEED: &Words = words!["had", "needed", "need", "needs", "has", "have", "got"];
        /// What a source of evidence does: "the graph clearly showed the queue growing".
        const SHOWED: &Words = words![
            "showed",
            "shown",
            "shows",
            "pointed",
            "points",
            "said",
            "says",
            "indicated",
            "indicates",
            "stated",
            "states",
            "warned",
            "displayed",
            "flagged",
            "marked",
            "documented",
            "listed",
            "told",
            "spelled",
            "spelt",
        ];
        /// Generic people: "Obviously, you check ...", "Of course, anyone would ...".
        const GENERIC: &Words = words![
            "you",
            "anyone",
            "anybody",
            "everyone",
            "everybody",
            "nobody",
            "any",
            "every",
            "no",
        ];
        let n = self.n();
        // Whether the sentence holds a blame cue is worked out once, where first needed.
        let cue = OnceCell::new();
        let blame = || *cue.get_or_init(|| self.has_blame_cue());
        // Every branch below starts at one of these words; most tokens are none of them.
        const STARTS: &Filter = &Filter::of(&[
            MIN_ADV,
            MINIMIZING_ADJ,
            SENT_ADV,
            words![
                "all",
                "of",
                "everyone",
                "everybody",
                "anyone",
                "anybody",
                "any",
                "needless",
                "without",
                "common",
                "no-brainer",
                "brainer"
            ],
        ]);
        for i in 0..n {
            let w = self.w(i);
            if !STARTS.may_contain(w) {
                continue;
            }
            if in_list(w, MIN_ADV) {
                let nx = self.w(i + 1);
                let had_to = in_list(nx, NEED) && self.w(i + 2) == "to";
                // "simply did not read the warning" (but "simply did not have monitoring" or
                // "didn't know" is what was missing, not what people failed to do).
                let lacked = |k: usize| in_list(self.w(k), words!["have", "know", "exist"]);
                let did_not = match nx {
                    "did" => self.w(i + 2) == "not" && !lacked(i + 3),
                    "didn't" => !lacked(i + 2),
                    _ => true,
                };
                let fault_verb = w != "only" && in_list(nx, FAULT_VERBS) && did_not;
                let s = self.subject(i);
                // "If you were affected, you just need to re-run the export": instructions to
                // the reader, in the present, not a judgement of what people had to do.
                // Likewise the team's own plan in the present ("we simply need to bump the
                // version"); but "engineers just need to read the alert" tells others how to
                // behave.
                let pronoun = |p: &str| s.span.is_some_and(|(a, e)| (a..e).any(|k| self.w(k) == p));
                let advice = in_list(nx, words!["need", "needs", "have", "has"])
                    && (pronoun("you") || (pronoun("we") && nx == "need"));
                if (had_to || fault_verb) && !advice {
                    if matches!(s.who, Who::Person | Who::Elided) {
                        self.push(Rule::Minimizing, i, i + 1);
                        self.fault(s);
                    }
                    continue;
                }
                if w == "only" {
                    continue;
                }
                // "Recovery was just a matter of the on-call restarting the pod."
                if nx == "a"
                    && self.w(i + 2) == "matter"
                    && self.w(i + 3) == "of"
                    && in_list(self.wb(i, 1), words!["was", "were", "been"])
                {
                    let who = (i + 4..(i + 8).min(n))
                        .take_while(|&k| !self.punct(k))
                        .find(|&k| self.person_token(k) || is_activity(self.w(k)));
                    if let Some(k) = who {
                        self.push(Rule::Minimizing, i, i + 4);
                        if self.person_token(k) {
                            let s = self.np(k + 1);
                            self.fault(s);
                        }
                    }
                    continue;
                }
                // "Simply reading the release notes would have revealed ...", "It would have
                // taken two minutes to just read the diff": the easy step people did not take.
                let before_gerund = is_activity(nx) && (i == 0 || self.punct(i - 1));
                // "cut down to just the two calls", "shortened to just “E5”": "to" is a
                // preposition there and "just" means only.
                let split_infinitive = self.wb(i, 1) == "to"
                    && !self.any(i + 1, DETERMINERS)
                    && !self.punct(i + 1)
                    && !in_list(nx, QUOTES_OPEN)
                    && !nx.starts_with(|c: char| c.is_ascii_digit() || c == '"')
                    && !self.t.get(i + 1).is_some_and(|t| t.cap);
                if (before_gerund || split_infinitive) && blame() {
                    self.push(Rule::Minimizing, i, i + 1);
                }
                continue;
            }
            // "All we had to do was ...", "All the on-call needed to do was ...".
            if w == "all" {
                let who_end = (i + 1..(i + 5).min(n))
                    .take_while(|&k| !self.punct(k))
                    .find(|&k| {
                        in_list(
                            self.w(k),
                            words!["had", "needed", "has", "have", "need", "needs"],
                        )
                    });
                // "All the on-call needed to do", not "all the time they need to set up ...".
                if let Some(h) = who_end
                    && h > i + 1
                    && self.person_token(h - 1)
                    && self.w(h + 1) == "to"
                    && (i + 1..h - 1).all(|k| {
                        self.any(k, DETERMINERS) || self.person_token(k) || is_role(self.base(k))
                    })
                {
                    self.push(Rule::Minimizing, i, h + 2);
                    let s = self.np_in(i + 1, h);
                    self.fault(s);
                }
                continue;
            }
            if in_list(w, MINIMIZING_ADJ) {
                let negated = (i.saturating_sub(3)..i).any(|k| self.any(k, NEGATORS));
                if negated {
                    continue;
                }
                if self.w(i + 1) == "for" {
                    // "trivial for the on-call to ...", "should be trivial for any engineer"; but
                    // "easy for maintainers to miss" says the thing is a trap, not that the work
                    // was easy.
                    let end = (i + 2..(i + 7).min(n))
                        .find(|&k| self.w(k) == "to" || self.punct(k))
                        .unwrap_or((i + 7).min(n));
                    let trap = self.w(end) == "to" && self.any(end + 1, SLIP_VERBS);
                    // "fleet makes it really easy for anyone to push code": a tool's doing.
                    let made_easy = (i.saturating_sub(4)..i)
                        .any(|k| in_list(self.w(k), words!["make", "makes", "made", "making"]));
                    // "in a way that is easy for newcomers to ...": a design goal, in the present.
                    // Likewise a plan: "it will be easy for us to add a region".
                    let design = (in_list(self.wb(i, 1), words!["is", "are"])
                        && in_list(self.wb(i, 2), words!["that", "which"]))
                        || (self.wb(i, 1) == "be"
                            && in_list(self.wb(i, 2), words!["will", "'ll", "would"]));
                    let trap = trap || made_easy || design;
                    if !trap && (i + 2..end).any(|k| self.person_token(k)) {
                        self.push(Rule::Minimizing, i, i + 1);
                    }
                    continue;
                }
                // "Rolling back is trivial, so the forty-minute delay is hard to explain."
                if (in_list(w, words!["trivial", "easy", "simple"])
                    || (w == "obvious" && i > 0 && self.remedy_subject(i - 1)))
                    && self.any(i.wrapping_sub(1), BE)
                    && blame()
                {
                    self.push(Rule::Minimizing, i, i + 1);
                }
                continue;
            }
            let course = w == "of" && self.w(i + 1) == "course";
            if in_list(w, SENT_ADV) || course {
                let end = if course { i + 2 } else { i + 1 };
                if self.sentence_adverb_judges(i, end, SHOWED, GENERIC, FAULT_VERBS, &blame) {
                    self.push(Rule::Minimizing, i, end);
                }
                continue;
            }
            if in_list(
                w,
                words!["everyone", "everybody", "anyone", "anybody", "any"],
            ) {
                // "Everyone knows ...", "Everyone on the team knows ...", "Anyone who has worked
                // on billing knows ...", "any engineer on the rotation knows ...".
                if w == "any" && !is_role(self.base(i + 1)) {
                    continue;
                }
                let know = (i + 1..(i + 9).min(n))
                    .take_while(|&k| !self.punct(k))
                    .find(|&k| in_list(self.w(k), words!["knows", "know"]));
                // "everyone I know in operations": a relative clause, not what all know; "secure
                // even if everyone knows how it works": a condition.
                if let Some(k) = know
                    && !in_list(self.wb(k, 1), words!["i", "we", "you", "they"])
                    && !(i.saturating_sub(3)..i).any(|q| in_list(self.w(q), words!["if", "unless"]))
                    && !(i + 1..k).any(|j| self.any(j, NEGATORS))
                    && !self.negated_mention(i, i + 1)
                {
                    self.push(Rule::Minimizing, i, k + 1);
                }
                continue;
            }
            if (w == "needless" && self.w(i + 1) == "to")
                || (w == "without" && self.w(i + 1) == "saying")
            {
                self.push(Rule::Minimizing, i, i + 2);
                continue;
            }
            // "It's common sense to check ...", "a no-brainer".
            if (w == "common" && self.w(i + 1) == "sense") || w == "no-brainer" {
                let len = if w == "common" { 2 } else { 1 };
                if !self.negated_mention(i, i + len)
                    && !(i.saturating_sub(3)..i).any(|k| self.any(k, NEGATORS))
                {
                    self.push(Rule::Minimizing, i, i + len);
                }
            }
        }
    }

    /// The subject of the verb at `v` is a remedy ("the fix was obvious"): ease of doing, not
    /// certainty about what was coming.
    fn remedy_subject(&self, v: usize) -> bool {
        self.subject(v).span.is_some_and(|(a, e)| {
            (a..e).any(|k| {
                in_list(
                    self.w(k),
                    words![
                        "fix",
                        "solution",
                        "answer",
                        "remedy",
                        "workaround",
                        "step",
                        "action",
                        "choice",
                        "mitigation",
                        "rollback",
                        "change",
                    ],
                )
            })
        })
    }

    /// "obviously", "clearly", "of course" at `i..end`: do they make people's work sound easy?
    /// Yes when the sentence also judges (a blame cue), when people are the subject of a
    /// negated or faulty act ("Clearly the team didn't read ..."), when they open a sentence
    /// about what anyone does ("Obviously, you check ..."), or when evidence was plain and people
    /// then did otherwise ("The alert obviously pointed at X, but the team ...").
    fn sentence_adverb_judges(
        &self,
        i: usize,
        end: usize,
        showed: &Words,
        generic: &Words,
        fault_verbs: &Words,
        blame: &dyn Fn() -> bool,
    ) -> bool {
        if blame() {
            return true;
        }
        let n = self.n();
        let opens = i == 0 || self.punct(i - 1);
        // A negated act is a lapse ("Clearly the on-call didn't read the alert"), but not a
        // negated wish or outcome ("Of course we did not want to fail over blindly", "Of course
        // we didn't lose any data").
        let lapse = |j: usize| {
            let mut q = j + 1;
            while in_list(self.w(q), words!["not", "n't"]) {
                q += 1;
            }
            (self.any(j, NEGATORS) || self.any(j, fault_verbs))
                && !in_list(
                    self.w(q),
                    words![
                        "want",
                        "wish",
                        "intend",
                        "expect",
                        "mean",
                        "lose",
                        "plan",
                        "need",
                        "like",
                        "anticipate",
                    ],
                )
        };
        // The subject after a sentence-opening adverb ("Clearly(,) the team ...").
        let mut k = end;
        if self.w(k) == "," {
            k += 1;
        }
        let window = |from: usize| {
            (from..(from + 8).min(n)).take_while(|&j| !self.punct(j) || self.w(j) == "'")
        };
        if opens {
            // "Of course, anyone would ...", "Obviously, every engineer knows ..." (but "Of
            // course, any data written ..." is about data).
            let determiner = in_list(self.w(k), words!["any", "every", "no"]);
            let people = !determiner || self.person_token(k + 1) || self.w(k + 1) == "one";
            if (self.any(k, generic) && people) || (self.w(k) == "no" && self.w(k + 1) == "one") {
                return true;
            }
            let person = window(k).find(|&j| self.person_token(j));
            if let Some(p) = person
                && window(p + 1).take(3).any(lapse)
            {
                // "Clearly the on-call didn't read the alert": the one whose lapse it is.
                let s = self.np(p + 1);
                self.fault(s);
                return true;
            }
        } else {
            let s = self.subject(i);
            if s.who == Who::Person && (end..(end + 3).min(n)).any(lapse) {
                return true;
            }
        }
        // Evidence shown, then a contrast with what people did.
        let shown = (end..(end + 2).min(n)).any(|j| self.any(j, showed));
        if shown {
            let (_, clause_end) = self.clause(i);
            let later = (clause_end..n).take(12);
            for j in later {
                // "... clearly showed the retries, so the problem was obvious".
                if self.w(j) == "so"
                    && (j + 1..(j + 6).min(n)).any(|q| {
                        in_list(
                            self.w(q),
                            words!["obvious", "clear", "evident", "apparent", "plain"],
                        )
                    })
                {
                    return true;
                }
                if in_list(self.w(j), words!["but", "yet"]) || self.w(j) == ";" {
                    let mut q = j + 1;
                    if self.w(q) == "the" {
                        q += 1;
                    }
                    if self.person_token(q) || in_list(self.w(q), words!["nobody", "no"]) {
                        return true;
                    }
                }
            }
        }
        false
    }

    fn why_question(&self) {
        const MODIFIED: &Words = words![
            "rotation",
            "rotations",
            "schedule",
            "schedules",
            "shift",
            "shifts",
            "handbook",
            "channel",
            "runbook",
            "runbooks",
            "tool",
            "tools",
            "tooling",
            "page",
            "pages",
            "pager",
            "load",
            "burden",
            "policy",
            "process",
            "guide",
            "docs",
            "week",
            "queue",
            "alias",
            "group",
            "list",
            "rota",
            "handoff",
            "handover",
            "phone",
            "laptop",
            "account",
            "accounts",
            "dashboard",
            "calendar",
            "config",
            "machine",
            "terminal",
            "session",
            "browser",
            "shell",
            "screen",
            "credentials",
            "token",
            "permissions",
            "access",
            "prompt",
            "workstation",
            "computer",
            "kubeconfig",
        ];
        const PAST_AUX: &Words = words![
            "did", "didn't", "had", "hadn't", "were", "weren't", "was", "wasn't",
        ];
        const POSSIBLE: &Words = words![
            "may", "might", "can", "could", "will", "'ll", "would", "should", "'d"
        ];
        let n = self.n();
        for i in 0..n {
            let w = self.w(i);
            // "What were you thinking?", "What was the DBA thinking, running ... at noon?"
            if w == "what" && in_list(self.w(i + 1), words!["was", "were"]) {
                let thinking = (i + 2..(i + 7).min(n))
                    .take_while(|&k| !self.punct(k))
                    .find(|&k| self.w(k) == "thinking");
                if let Some(t) = thinking
                    && t > i + 2
                    && self.person_token(t - 1)
                {
                    self.push(Rule::WhyQuestion, i, t + 1);
                    let s = self.np(t);
                    self.fault(s);
                }
                continue;
            }
            // "Why'd you ...": why and a contracted "did".
            let contracted = w == "why'd";
            if w != "why" && !contracted {
                continue;
            }
            if in_list(self.wb(i, 1), words!["is", "that's", "five", "5", "the"])
                || in_list(
                    self.w(i + 1),
                    words!["question", "questions", "whys", "not"],
                )
            {
                continue;
            }
            let mut k = i + 1;
            let inverted = contracted || self.any(k, AUX);
            // "Knowing why rarely changes what you do": "why" as a noun, its verb next.
            if !inverted && self.skip_adv(k) && !self.person_token(k + 1) {
                continue;
            }
            let past = contracted || self.any(k, PAST_AUX);
            if self.any(k, AUX) {
                k += 1;
            }
            if self.w(k) == "not" {
                k += 1;
            }
            let mut fired = false;
            for j in k..(k + 5).min(n) {
                if self.punct(j) {
                    break;
                }
                let w = self.w(j);
                // "we" asks the team to justify what it did ("Why did we merge this ...?"), not
                // why a setting is as it is ("Why do we page at 80%?").
                // Nor what happened to the team ("Why did we lose the queue?", "Why didn't we get
                // an alert?"): a verb of undergoing asks about the system, not a choice.
                const UNDERGO: &Words = words![
                    "get",
                    "lose",
                    "see",
                    "experience",
                    "have",
                    "receive",
                    "hit",
                    "encounter",
                    "suffer",
                    "observe",
                    "incur",
                    "need",
                    "face",
                    "hear",
                ];
                let mut v = j + 1;
                while v < n && (self.w(v) == "not" || self.skip_adv(v)) {
                    v += 1;
                }
                // "run out of connections", "end up with two primaries".
                let undergoes = |v: usize| {
                    self.any(v, UNDERGO)
                        || (self.w(v) == "run" && in_list(self.w(v + 1), words!["out", "into"]))
                        || (self.w(v) == "end" && self.w(v + 1) == "up")
                };
                let undergo = w == "we" && undergoes(v);
                let us = in_list(w, words!["us", "me", "i"]) || (w == "we" && (!past || undergo));
                // "Why didn't our alerting page anyone?": "anyone" is the object; the subject (a
                // system) came first.
                let object = j > k
                    && in_list(
                        w,
                        words![
                            "anyone",
                            "anybody",
                            "everyone",
                            "everybody",
                            "someone",
                            "somebody",
                            "them",
                            "him",
                            "her",
                            "nobody",
                        ],
                    )
                    && (k..j).any(|q| !self.any(q, DETERMINERS) && !self.punct(q));
                if object {
                    break;
                }
                if self.person_token(j) && !us {
                    // "the team lead", "the database on-call": the phrase runs to its last role.
                    let mut j = j;
                    while j + 1 < n && is_role(self.base(j + 1)) {
                        j += 1;
                    }
                    if is_role(self.base(j)) && self.any(j + 1, MODIFIED) {
                        break;
                    }
                    // "Why didn't the on-call get paged?", "Why was the on-call not notified?",
                    // "Why did the developer get a permission error?": the person is the one
                    // things happened to; the question is about the system (but "Why didn't the
                    // responder see the alert?" asks about their attention).
                    let mut v = j + 1;
                    while v < n && (self.w(v) == "not" || self.skip_adv(v)) {
                        v += 1;
                    }
                    let negated =
                        (i + 1..v).any(|q| self.any(q, NEGATORS)) || self.w(i + 1).ends_with("n't");
                    let perceive = in_list(self.w(v), words!["see", "hear"]);
                    let undergoes = undergoes(v) && !(perceive && negated);
                    let passive = in_list(
                        self.w(i + 1),
                        words![
                            "was", "were", "wasn't", "weren't", "is", "are", "isn't", "aren't"
                        ],
                    ) && is_participle(self.w(v))
                        && !self.w(v).ends_with("ing");
                    if undergoes || passive {
                        break;
                    }
                    // "Why you may have received duplicate emails": an explanation to readers.
                    if !inverted
                        && self.any(j + 1, POSSIBLE)
                        && !(self.w(j + 1) == "should" && self.w(j + 2) == "have")
                    {
                        break;
                    }
                    if !inverted && !self.why_clause_charges(j + 1) {
                        break;
                    }
                    self.push(Rule::WhyQuestion, i, j + 1);
                    let s = self.np(j + 1);
                    self.fault(s);
                    fired = true;
                    break;
                }
                if is_participle(w) && j > k {
                    break;
                }
            }
            // "Can the on-call explain why they ...?": the one asked to justify themselves.
            if fired {
                let ask = (i.saturating_sub(4)..i).find(|&k| {
                    in_list(
                        self.w(k),
                        words!["explain", "justify", "tell", "say", "account"],
                    )
                });
                if let Some(k) = ask {
                    let s = self.subject(k);
                    self.fault(s);
                }
            }
            if !fired
                && inverted
                && (i + 1..(i + 12).min(n))
                    .take_while(|&j| self.w(j) != "?" || j == i + 1)
                    .any(|j| self.w(j) == "your")
            {
                self.push(Rule::WhyQuestion, i, i + 1);
            }
        }
    }

    /// An indirect "why" ("we need to ask why they skipped the canary") charges the person only
    /// when a verb follows them that is not a habit or a motive in the present ("asked sponsors
    /// why they renew"), nor what things did ("unclear why they resulted in a takedown"). A
    /// heading or an elliptical question with no verb after the person ("## Why every
    /// maintainer?", "Why only admins and not every user?") explains a policy to readers.
    fn why_clause_charges(&self, v: usize) -> bool {
        const NO_VERB: &Words = words![
            "and", "or", "instead", "rather", "but", "not", "versus", "vs", "than"
        ];
        /// What a pronoun for things does: "why they resulted in ...".
        const OUTCOME: &Words = words![
            "result", "resulted", "results", "lead", "led", "leads", "happen", "happened",
            "happens", "occur", "occurred", "occurs", "matter", "mattered", "matters", "expire",
            "expired", "expires", "work", "worked", "works",
        ];
        /// Lapses, also in the present ("why they skip staging"): still a question of
        /// justification.
        const LAPSES: &Words = words![
            "skip",
            "skips",
            "ignore",
            "ignores",
            "bypass",
            "bypasses",
            "forget",
            "forgets",
            "miss",
            "misses",
            "disable",
            "disables",
            "override",
            "overrides",
            "neglect",
            "neglects",
            "deploy",
            "deploys",
            "push",
            "pushes",
            "merge",
            "merges",
            "delete",
            "deletes",
            "restart",
            "restarts",
            "silence",
            "silences",
        ];
        let n = self.n();
        if v >= n || self.punct(v) || self.any(v, NO_VERB) {
            return false;
        }
        let mut k = v;
        while k < n && self.skip_adv(k) {
            k += 1;
        }
        let verb = self.w(k);
        if self.any(k, OUTCOME)
            || (k > v && self.any(k, words!["did", "do", "does"]) && self.any(k + 1, OUTCOME))
            || (in_list(verb, words!["did", "do", "does"]) && {
                let mut q = k + 1;
                while q < n && self.skip_adv(q) {
                    q += 1;
                }
                self.any(q, OUTCOME)
            })
        {
            return false;
        }
        // "why they chose to turn on CAA": the motive for a choice, unless what was chosen is a
        // lapse ("why they decided to skip staging").
        if in_list(
            verb,
            words![
                "chose", "choose", "chooses", "decided", "decide", "decides", "opted"
            ],
        ) && self.w(k + 1) == "to"
        {
            return self.any(k + 2, LAPSES) || self.any(k + 2, NEGATORS);
        }
        /// Past forms the participle test does not know ("why the engineers ran ...").
        const PAST: &Words = words![
            "ran", "went", "took", "made", "gave", "left", "sent", "wrote", "broke", "chose",
            "drove", "forgot", "froze", "got", "kept", "knew", "lost", "paid", "said", "saw",
            "shut", "spent", "threw", "told", "tore", "began", "brought", "caught", "found",
            "held", "thought", "overrode", "undid", "withdrew", "fell", "did", "let", "put", "set",
            "cut", "hit", "quit", "shipped", "rolled", "pulled",
        ];
        // "why they are making that decision": the present, unless negated.
        if in_list(verb, words!["is", "are", "am", "do", "does"]) {
            return self.any(k + 1, NEGATORS) || self.any(k + 1, LAPSES);
        }
        // A present-tense habit or motive, not negated and no lapse: "why they give".
        let past = is_participle(verb)
            || self.any(k, PAST)
            || self.any(k, AUX)
            || verb.ends_with("n't")
            || in_list(verb, words!["not", "never"]);
        past || self.any(k, LAPSES)
    }

    fn hindsight(&self) {
        const IGNORE: &Words = words![
            "ignored",
            "ignoring",
            "ignore",
            "ignores",
            "disregarded",
            "disregarding",
            "disregard",
            "dismissed",
            "dismissing",
            "downplayed",
            "downplaying",
            "discounted",
        ];
        /// "brushed off the warnings", "shrugged off the alerts".
        const OFF: &Words = words![
            "brushed",
            "brushing",
            "shrugged",
            "shrugging",
            "waved",
            "waving",
            "laughed",
            "wrote",
            "written",
            "brush",
            "shrug",
        ];
        const CERTAIN: &Words = words![
            "obvious",
            "clear",
            "evident",
            "apparent",
            "plain",
            "unmistakable",
            "inevitable",
            "predictable",
            "foreseeable",
            "certain",
        ];
        // Every branch below starts at one of these words; most tokens are none of them.
        const STARTS: &Filter = &Filter::of(&[
            IGNORE,
            OFF,
            words![
                "accident",
                "plain",
                "for",
                "predictably",
                "foreseeably",
                "unmistakably",
                "unmistakable",
                "lost",
                "losing",
                "lose",
                "loses",
                "predictable",
                "foreseeable",
                "doubt",
                "coming",
                "heeded",
                "heed",
                "heeding",
                "unheeded",
                "aware",
                "knew",
                "known"
            ],
            words![
                "situational",
                "situation",
                "signs",
                "warnings",
                "flags",
                "writing"
            ],
            words![
                "inevitably",
                "inevitable",
                "was",
                "were",
                "matter",
                "despite"
            ],
            words!["everyone", "everybody", "anyone", "anybody"],
        ]);
        let n = self.n();
        // "In retrospect", "in hindsight", "looking back", "with hindsight" open a judgement
        // made afterwards: certainty after them is hindsight's.
        let retrospect = OnceCell::new();
        let retrospect = || {
            *retrospect.get_or_init(|| {
                (0..n).any(|k| {
                    let w = self.w(k);
                    (in_list(w, words!["in", "with"])
                        && in_list(self.w(k + 1), words!["retrospect", "hindsight"]))
                        || (w == "looking" && self.w(k + 1) == "back")
                        || w == "retrospectively"
                })
            })
        };
        // An outcome planned in advance ("the game-day scenario") is certain without hindsight.
        let planned = OnceCell::new();
        let planned = || {
            *planned.get_or_init(|| {
                (0..n).any(|k| {
                    in_list(
                        self.w(k),
                        words![
                            "scenario",
                            "planned",
                            "plan",
                            "drill",
                            "game",
                            "game-day",
                            "exercise",
                            "deliberately",
                            "intentionally",
                            "design",
                            "scheduled",
                            "rehearsal",
                        ],
                    )
                })
            })
        };
        // "Nobody saw this coming" denies the certainty too.
        let not_before = |i: usize| {
            (i.saturating_sub(3)..i).any(|k| {
                self.any(k, NEGATORS)
                    || self.w(k) == "nobody"
                    || (self.w(k) == "no" && self.w(k + 1) == "one")
            })
        };
        // Whether the sentence says it was certain ("obviously", "of course"): once.
        let sure = OnceCell::new();
        // Whether it says the outcome was expected ("as expected", "by design"): once.
        let expected = OnceCell::new();
        for i in 0..n {
            let w = self.w(i);
            if !STARTS.may_contain(w) {
                continue;
            }
            if let Some(len) = self.hindsight_idiom(i) {
                // "never any doubt" carries its own negation.
                if w == "doubt" || !not_before(i) {
                    self.push(Rule::Hindsight, i, i + len);
                }
                continue;
            }
            if in_list(
                w,
                words!["predictably", "foreseeably", "unmistakably", "unmistakable"],
            ) {
                // "spreads more evenly and predictably": how something behaves (a manner
                // adverb), not an outcome foreseen.
                let prev = self.wb(i, 1);
                let manner = in_list(
                    prev,
                    words![
                        "more", "less", "most", "least", "very", "fairly", "quite", "so"
                    ],
                ) || (in_list(prev, words!["and", "or"])
                    && i >= 2
                    && is_adverb(self.w(i - 2))
                    && w.ends_with("ly"));
                if !manner && !not_before(i) && !self.negated_mention(i, i + 1) {
                    self.push(Rule::Hindsight, i, i + 1);
                }
                continue;
            }
            if in_list(w, words!["predictable", "foreseeable"]) {
                let framed = self.any(i.wrapping_sub(1), BE)
                    || in_list(
                        self.wb(i, 1),
                        words![
                            "entirely",
                            "completely",
                            "totally",
                            "perfectly",
                            "wholly",
                            "very"
                        ],
                    );
                // "Latency is predictable": a property, not an outcome foreseen.
                let present = in_list(self.wb(i, 1), words!["is", "are"]);
                if framed && (!present || retrospect()) && !not_before(i) {
                    self.push(Rule::Hindsight, i, i + 1);
                }
                continue;
            }
            if in_list(w, words!["heeded", "heed", "heeding", "unheeded"]) {
                let denied = w == "unheeded"
                    || not_before(i)
                    || (i.saturating_sub(3)..i).any(|k| {
                        self.w(k) == "nobody" || (self.w(k) == "no" && self.w(k + 1) == "one")
                    });
                if denied {
                    self.push(Rule::Hindsight, i, i + 1);
                    let s = self.subject(i);
                    self.fault(s);
                }
                continue;
            }
            if in_list(w, OFF) && self.w(i + 1) == "off" {
                let object = (i + 2..(i + 8).min(n))
                    .take_while(|&k| !self.punct(k))
                    .any(|k| self.any(k, WARN_NOUNS));
                let s = self.subject_of(i);
                if object && s.who != Who::Thing {
                    self.push(Rule::Hindsight, i, i + 2);
                    self.fault(s);
                }
                continue;
            }
            // "They were aware the backups were untested and went ahead anyway": awareness set
            // against what was then done.
            if in_list(w, words!["aware", "knew", "known"]) {
                let s = self.subject(if w == "aware" { i.saturating_sub(1) } else { i });
                let anyway = (i + 1..(i + 25).min(n)).any(|k| {
                    in_list(
                        self.w(k),
                        words![
                            "anyway",
                            "regardless",
                            "nonetheless",
                            "nevertheless",
                            "anyhow"
                        ],
                    ) || (in_list(
                        self.w(k),
                        words!["went", "go", "pushed", "pressed", "ploughed", "plowed"],
                    ) && in_list(self.w(k + 1), words!["ahead", "on"]))
                });
                if anyway && s.who == Who::Person && !not_before(i) {
                    self.push(Rule::Hindsight, i, i + 1);
                    self.fault(s);
                }
                continue;
            }
            // "lost track of the situation", "lost sight of the error rate".
            if in_list(w, words!["lost", "losing", "lose", "loses"])
                && in_list(self.w(i + 1), words!["track", "sight"])
                && self.w(i + 2) == "of"
            {
                let s = self.subject_of(i);
                if s.who == Who::Person {
                    self.push(Rule::Hindsight, i, i + 3);
                    self.fault(s);
                }
                continue;
            }
            if in_list(w, words!["situational", "situation"]) && self.w(i + 1) == "awareness" {
                let a = (i.saturating_sub(3)..i).find(|&k| {
                    in_list(
                        self.w(k),
                        words![
                            "lost", "losing", "lose", "loss", "lack", "lacked", "lacking",
                        ],
                    )
                });
                if let Some(a) = a {
                    self.push(Rule::Hindsight, a, i + 2);
                    let s = self.subject(a);
                    self.fault(s);
                }
                continue;
            }
            if in_list(w, IGNORE) {
                let (_, b) = self.clause(i);
                let object = (i + 1..(i + 7).min(b))
                    .take_while(|&k| !self.any(k, CLAUSE_WORDS) && !self.any(k, RELATIVES))
                    .any(|k| {
                        self.any(k, WARN_NOUNS)
                            || (self.w(k) == "red" && self.w(k + 1).starts_with("flag"))
                    });
                // "Warnings are ignored for test files": a setting, in the present; a past
                // passive ("the warnings were ignored") tells what people did.
                let be = (i.saturating_sub(5)..i)
                    .rev()
                    .find(|&k| self.any(k, BE))
                    .filter(|&k| {
                        self.timeline_entry()
                            || !in_list(self.w(k), words!["is", "are", "be", "'s", "'re"])
                    });
                if object {
                    let s = self.subject_of(i);
                    if s.who != Who::Thing && !self.quoted(i) {
                        self.push(Rule::Hindsight, i, i + 1);
                        self.fault(s);
                    }
                } else if let Some(be) = be {
                    let s = self.subject(be);
                    let head_warn = s
                        .span
                        .is_some_and(|(a, e)| (a..e).any(|k| self.any(k, WARN_NOUNS)));
                    // "The warning was ignored by the build system": a tool's behaviour.
                    if head_warn && !self.quoted(i) && !self.by_system(i + 1) {
                        self.push(Rule::Hindsight, i, i + 1);
                    }
                }
                continue;
            }
            if in_list(w, words!["signs", "warnings", "flags", "writing"]) {
                let mut k = i + 1;
                if in_list(self.w(k), words!["were", "was"]) {
                    k += 1;
                    if self.w(k) == "all" {
                        k += 1;
                    }
                    if self.w(k) == "there"
                        || (w == "writing" && self.w(k) == "on" && self.w(k + 2) == "wall")
                    {
                        self.push(Rule::Hindsight, i, k + 1);
                    }
                }
                continue;
            }
            // "Some packet loss is inevitable on this link", "disk pressure inevitably builds on
            // busy nodes": a general claim in the present.
            let present_verb = |k: usize| {
                let v = self.w(k);
                !self.punct(k)
                    && v.len() > 3
                    && v.ends_with('s')
                    && !v.ends_with("ss")
                    && !v.ends_with("ous")
                    && !in_list(
                        v,
                        words!["was", "has", "is", "its", "this", "thus", "always"],
                    )
            };
            // "Inevitably, with a change this large, some clients have problems": the first
            // finite verb after it is in the present.
            let present_later = || {
                const NOW: &Words = words!["is", "are", "have", "has", "do", "does"];
                (i + 1..(i + 16).min(n))
                    .take_while(|&k| !in_list(self.w(k), words![".", ";", "?", "!"]))
                    .find(|&k| {
                        self.any(k, AUX)
                            || is_participle(self.w(k))
                            || in_list(self.w(k), words!["have", "has", "do", "does", "did", "had"])
                    })
                    .is_some_and(|k| self.any(k, NOW))
            };
            // "the inevitable solution is a one-off regular expression": a general claim.
            let attributive_now = w == "inevitable"
                && self.any(i.wrapping_sub(1), DETERMINERS)
                && (i + 2..(i + 4).min(n)).any(|k| in_list(self.w(k), words!["is", "are"]));
            let general = ((w == "inevitable"
                && (in_list(self.wb(i, 1), words!["is", "are", "seems", "seem"])
                    || attributive_now))
                || (w == "inevitably"
                    && (present_verb(i + 1)
                        || in_list(self.w(i + 1), words!["leads", "means", "comes", "grows"])
                        || present_later())))
                && !retrospect();
            // "Inevitably, some requests failed during the switchover, as expected": foreseen
            // and planned for, not certainty after the fact.
            // Worked out once, and only for these two words.
            let expected = || {
                *expected.get_or_init(|| {
                    (0..n).any(|k| {
                        (self.w(k) == "as"
                            && in_list(
                                self.w(k + 1),
                                words!["expected", "designed", "planned", "intended"],
                            ))
                            || (self.w(k) == "by" && self.w(k + 1) == "design")
                    })
                })
            };
            if (w == "inevitably" || w == "inevitable")
                && !general
                && !expected()
                && !self.negated_mention(i, i + 1)
                && !self.quoted(i)
            {
                self.push(Rule::Hindsight, i, i + 1);
                continue;
            }
            if in_list(w, words!["was", "were"]) {
                let mut k = i + 1;
                let certain = in_list(self.w(k), words!["always", "never"]);
                if certain {
                    k += 1;
                }
                let going = self.w(k) == "going" && self.w(k + 1) == "to";
                // "was bound to fail" (but "was bound to port 8080", "bound to the old
                // interface": tied to something).
                let bound = self.w(k) == "bound"
                    && self.w(k + 1) == "to"
                    && !self.any(k + 2, DETERMINERS)
                    && !self.punct(k + 2)
                    && !self.w(k + 2).starts_with(|c: char| c.is_ascii_digit())
                    && !in_list(
                        self.w(k + 2),
                        words!["port", "localhost", "address", "interface", "host", "ip"],
                    );
                let sure = *sure.get_or_init(|| {
                    (0..n).any(|j| {
                        in_list(
                            self.w(j),
                            words!["obviously", "clearly", "inevitably", "certainly", "surely"],
                        ) || (self.w(j) == "of" && self.w(j + 1) == "course")
                    })
                });
                // "was always going to take ten minutes": a known duration, not an outcome (but
                // "... going to take the rack down" is one).
                let amount = self.w(k + 3);
                let estimate = in_list(
                    self.w(k + 2),
                    words!["take", "require", "need", "cost", "last", "involve"],
                ) && (amount.starts_with(|c: char| c.is_ascii_digit())
                    || in_list(
                        amount,
                        words![
                            "at", "about", "around", "roughly", "several", "some", "hours",
                            "minutes", "days", "weeks", "longer", "over", "more", "a", "an", "one",
                            "two", "three", "ten",
                        ],
                    ))
                    && !(k + 3..(k + 8).min(n)).any(|j| in_list(self.w(j), words!["down", "out"]));
                if (bound || (going && (certain || sure))) && !planned() && !estimate {
                    self.push(Rule::Hindsight, i, k + 2);
                    continue;
                }
                let adj = self.w(i + 1);
                let after = self.w(i + 2);
                // "from the first page", "from the moment ...": it was plain all along.
                let all_along = after == "from"
                    && (i + 3..(i + 6).min(n)).any(|k| {
                        in_list(
                            self.w(k),
                            words![
                                "first",
                                "start",
                                "outset",
                                "beginning",
                                "moment",
                                "get-go",
                                "very",
                                "onset",
                            ],
                        )
                    });
                // "By 09:40 it was evident that ...", "Soon it was clear ...": learnt during the
                // incident, at a time the sentence gives.
                let dated = self.wb(i, 1) == "it"
                    && (i.saturating_sub(8)..i.saturating_sub(1)).any(|k| {
                        in_list(
                            self.w(k),
                            words![
                                "by",
                                "once",
                                "after",
                                "when",
                                "within",
                                "soon",
                                "then",
                                "later",
                                "eventually",
                                "finally",
                                "quickly",
                                "now",
                                "minutes",
                                "hours",
                            ],
                        ) || self.w(k).contains(':')
                    });
                // "From looking at the audit trail, it was clear ...": read off the evidence;
                // "... it was clear that small fixes would not be enough in the future": a lesson
                // drawn for what comes next, not certainty about what came.
                // Bounded look-arounds keep a run-on sentence linear.
                let evidence = self.wb(i, 1) == "it"
                    && (((2..24).contains(&i) && self.w(0) == "from")
                        || (i.saturating_sub(24)..i).any(|k| {
                            in_list(
                                self.w(k),
                                words![
                                    "looking",
                                    "reading",
                                    "reviewing",
                                    "examining",
                                    "inspecting",
                                    "analysing",
                                    "analyzing",
                                ],
                            )
                        }));
                let lesson = (i + 2..(i + 30).min(n)).any(|k| {
                    self.w(k) == "future" || (self.w(k) == "forward" && self.wb(k, 1) == "going")
                });
                if self.wb(i, 1) == "it"
                    && !dated
                    && !evidence
                    && !lesson
                    && in_list(adj, words!["clear", "obvious", "evident", "apparent"])
                    && (all_along
                        || !in_list(
                            after,
                            words![
                                "from", "in", "at", "after", "now", "today", "once", "by", "when",
                                "within", "soon",
                            ],
                        ))
                {
                    self.push(Rule::Hindsight, i - 1, i + 2);
                } else if in_list(adj, CERTAIN)
                    && (retrospect()
                        || all_along
                        || (w == "was"
                            && in_list(
                                adj,
                                words!["obvious", "evident", "apparent", "plain", "unmistakable"],
                            )
                            && self.wb(i, 1) != "it"
                            && !self.remedy_subject(i)
                            && !in_list(
                                after,
                                words![
                                    "in", "from", "at", "after", "once", "when", "by", "to",
                                    "only", "now", "on", "during", "as",
                                ],
                            )))
                    && !in_list(after, words!["once", "after", "when", "by"])
                {
                    // "In retrospect, the outcome was obvious from the moment ..."
                    self.push(Rule::Hindsight, i, i + 2);
                }
                continue;
            }
            if w == "matter" && self.w(i + 1) == "of" && self.w(i + 2) == "time" {
                // "only a matter of time before the disk filled" (but "the problem wasn't
                // solved, but it was a matter of time": it needed time).
                let foretold = in_list(self.w(i + 3), words!["before", "until", "till", "'til"])
                    || (i.saturating_sub(3)..i).any(|k| {
                        in_list(
                            self.w(k),
                            words!["only", "just", "always", "simply", "merely"],
                        )
                    });
                if !foretold {
                    continue;
                }
                self.push(Rule::Hindsight, i, i + 3);
                continue;
            }
            if w == "despite" {
                let mut k = i + 1;
                while k < n
                    && in_list(
                        self.w(k),
                        words![
                            "being", "having", "been", "the", "clear", "repeated", "several",
                            "many", "multiple", "all", "early",
                        ],
                    )
                {
                    k += 1;
                }
                // "Despite warnings from the linter, the build passed": what a tool let through,
                // when no person is in the clause; being aware, warned or knowing is people's.
                let about_people =
                    in_list(self.w(k), words!["aware", "warned", "knowing", "known"]) || {
                        let (a, b) = self.clause(i);
                        let next = if b < n && self.w(b) == "," {
                            self.clause(b + 1).1
                        } else {
                            b
                        };
                        (a..next.min(n)).any(|q| {
                            self.person_token(q)
                                || self.any(q, PRACTICES)
                                || in_list(
                                    self.w(q),
                                    words!["change", "changes", "migration", "decision", "upgrade"],
                                )
                        })
                    };
                if in_list(
                    self.w(k),
                    words![
                        "aware", "warned", "warning", "warnings", "knowing", "known", "signs",
                        "alerts",
                    ],
                ) && about_people
                {
                    self.push(Rule::Hindsight, i, k + 1);
                    // "The on-call restarted the primary despite repeated warnings".
                    let a = self.clause(i).0;
                    if let Some(q) = (a..i).find(|&q| self.person_token(q)) {
                        let s = self.np(q + 1);
                        self.fault(s);
                    }
                }
                continue;
            }
            if in_list(w, words!["everyone", "everybody", "anyone", "anybody"]) {
                let mut k = i + 1;
                // "Anyone can see the status page": access, in the present, not foresight.
                if self.w(k) == "can" {
                    continue;
                }
                if in_list(self.w(k), words!["could", "would"]) {
                    k += 1;
                    if self.w(k) == "have" {
                        k += 1;
                    }
                }
                if in_list(
                    self.w(k),
                    words!["see", "saw", "seen", "knew", "known", "tell", "told"],
                ) && k > i + 1
                    || in_list(self.w(k), words!["saw", "knew"])
                {
                    self.push(Rule::Hindsight, i, k + 1);
                }
            }
        }
    }

    /// Idioms of certainty after the fact: "an accident waiting to happen", "plain as day",
    /// "for anyone to see", "never any doubt that", "saw it coming". Their length in tokens.
    fn hindsight_idiom(&self, i: usize) -> Option<usize> {
        let w = self.w(i);
        let w1 = self.w(i + 1);
        let w2 = self.w(i + 2);
        let w3 = self.w(i + 3);
        match w {
            "accident" if w1 == "waiting" && w2 == "to" => Some(4),
            "plain" if w1 == "as" && w2 == "day" => Some(3),
            "for"
                if in_list(
                    w1,
                    words!["anyone", "everyone", "all", "anybody", "everybody"],
                ) && w2 == "to"
                    && in_list(w3, words!["see", "read"]) =>
            {
                Some(4)
            }
            "doubt"
                if (in_list(self.wb(i, 1), words!["never", "no"])
                    || (self.wb(i, 1) == "any" && self.wb(i, 2) == "never"))
                    && w1 == "that"
                    && (i.saturating_sub(4)..i)
                        .any(|k| in_list(self.w(k), words!["was", "were", "had"])) =>
            {
                Some(1)
            }
            "coming"
                if in_list(self.wb(i, 1), words!["it", "this", "that"])
                    && in_list(self.wb(i, 2), words!["saw", "seen", "see"]) =>
            {
                Some(1)
            }
            _ => None,
        }
    }

    fn punitive(&self) {
        /// What a blame can be for: "who is responsible for the outage".
        const HARMS: &Words = words![
            "outage",
            "outages",
            "incident",
            "incidents",
            "failure",
            "failures",
            "mistake",
            "mistakes",
            "error",
            "errors",
            "breach",
            "loss",
            "downtime",
            "this",
            "that",
            "it",
            "mess",
            "damage",
            "disruption",
            "problem",
            "problems",
            "issue",
            "bug",
            "leak",
            "slo",
            "sla",
        ];
        /// Sanctions done to people when a person is their subject ("was let go").
        const SANCTIONED: &Words = words![
            "fired",
            "sacked",
            "terminated",
            "suspended",
            "demoted",
            "disciplined",
            "reprimanded",
            "dismissed",
            "censured",
        ];
        /// Losing something as a sanction: "will lose deploy rights".
        const PRIVILEGES: &Words = words![
            "rights",
            "privileges",
            "privilege",
            "bonus",
            "bonuses",
            "pay",
            "salary",
            "raise",
            "promotion",
            "stock",
            "equity",
            "access",
        ];
        let n = self.n();
        // "as a penalty", "as punishment", "as a consequence of the outage".
        let penalty = OnceCell::new();
        let penalty = || {
            *penalty.get_or_init(|| {
                (0..n).any(|k| {
                    self.w(k) == "as"
                        && (in_list(
                            self.w(k + 1),
                            words![
                                "punishment",
                                "penalty",
                                "sanction",
                                "consequence",
                                "discipline"
                            ],
                        ) || (in_list(self.w(k + 1), words!["a", "an"])
                            && in_list(
                                self.w(k + 2),
                                words![
                                    "punishment",
                                    "penalty",
                                    "sanction",
                                    "consequence",
                                    "lesson"
                                ],
                            )))
                })
            })
        };
        let person_subject = |k: usize| self.subject(k).who == Who::Person;
        let passive = |k: usize| {
            in_list(
                self.wb(k, 1),
                words![
                    "be", "been", "was", "were", "got", "get", "is", "being", "are", "gets"
                ],
            )
        };
        // Every branch below starts at one of these words; most tokens are none of them.
        const STARTS: &Filter = &Filter::of(&[SANCTIONED, PUNITIVE_STARTS]);
        let mut fired = false;
        for i in 0..n {
            let w = self.w(i);
            if !STARTS.may_contain(w) {
                continue;
            }
            let span: Option<(usize, usize)> = match w {
                "disciplinary" | "reprimand" | "reprimanded" | "punish" | "punished"
                | "punishment" | "punishing" | "punitive" | "scapegoat" | "scapegoats"
                | "scapegoating" | "scapegoated" => Some((i, i + 1)),
                // "We cannot let this go unpunished": the denial is the threat.
                "unpunished" => {
                    if self.quoted(i) {
                        None
                    } else {
                        self.push(Rule::Punitive, i, i + 1);
                        fired = true;
                        None
                    }
                }
                "performance"
                    if in_list(self.w(i + 1), words!["review", "reviews", "improvement"]) =>
                {
                    // "A performance review of the cache layer" reviews a system; "showed the
                    // expected performance improvement" is a system's gain: the sanction is an
                    // improvement *plan*.
                    let of_thing = self.w(i + 2) == "of"
                        && !(i + 3..(i + 6).min(n)).any(|k| self.person_token(k));
                    let gain = self.w(i + 1) == "improvement"
                        && !in_list(
                            self.w(i + 2),
                            words!["plan", "plans", "programme", "program", "process"],
                        );
                    (!of_thing && !gain).then_some((i, i + 2))
                }
                "written" if self.w(i + 1) == "warning" => Some((i, i + 2)),
                // "received a formal warning", "has been given a final warning".
                "formal" | "final" | "verbal" | "official" | "first" | "second"
                    if self.w(i + 1) == "warning" && self.warned_person(i) =>
                {
                    Some((i, i + 2))
                }
                "written" if self.w(i + 1) == "up" && passive(i) && person_subject(i) => {
                    Some((i, i + 2))
                }
                "write" | "writes" | "wrote" | "writing"
                    if self.w(i + 2) == "up" && self.person_token(i + 1) =>
                {
                    Some((i, i + 3))
                }
                "let" if self.w(i + 1) == "go" && passive(i) && person_subject(i) => {
                    Some((i, i + 2))
                }
                "docked" | "dock" | "docking"
                    if (i + 1..(i + 5).min(n)).any(|k| self.any(k, PRIVILEGES)) =>
                {
                    Some((i, i + 1))
                }
                "personnel" | "hr"
                    if in_list(self.w(i + 1), words!["file", "record", "files", "records"]) =>
                {
                    Some((i, i + 2))
                }
                "permanent" if self.w(i + 1) == "record" => Some((i, i + 2)),
                "heads"
                    if (i + 1..(i + 4).min(n))
                        .any(|k| in_list(self.w(k), words!["roll", "rolled", "rolling"])) =>
                {
                    Some((i, i + 1))
                }
                "name" | "names" if self.asked_for_a_name(i) => Some((i.saturating_sub(2), i + 1)),
                "face" | "faces" | "facing" | "faced" => (i + 1..(i + 3).min(n))
                    .find(|&k| self.w(k) == "consequences")
                    .map(|k| (i, k + 1)),
                _ if in_list(w, SANCTIONED) && passive(i) => {
                    // The person themselves, not "an employee's account".
                    let s = self.subject(i);
                    let own = s.span.is_some_and(|(_, e)| !self.w(e - 1).ends_with("'s"));
                    (s.who == Who::Person && own).then_some((i, i + 1))
                }
                "lose" | "loses" | "lost" | "losing" | "forfeit" | "forfeits"
                    if (i + 1..(i + 4).min(n)).any(|k| self.any(k, PRIVILEGES))
                        && (penalty()
                            || (i + 1..(i + 4).min(n)).any(|k| {
                                in_list(self.w(k), words!["rights", "privileges", "bonus"])
                            }) && in_list(
                                self.wb(i, 1),
                                words!["will", "would", "shall", "'ll"],
                            )) =>
                {
                    Some((i, i + 1))
                }
                "revoked" | "removed" | "stripped" | "withdrawn" | "suspended" | "taken"
                    if penalty()
                        && (i.saturating_sub(5)..(i + 5).min(n)).any(|k| {
                            in_list(
                                self.w(k),
                                words![
                                    "access",
                                    "rights",
                                    "privileges",
                                    "rotation",
                                    "on-call",
                                    "oncall"
                                ],
                            )
                        }) =>
                {
                    Some((i, i + 1))
                }
                "blame" | "blamed" | "blaming" | "blames" => {
                    // git blame, "the blame view": a tool.
                    let tool = self.wb(i, 1) == "git"
                        || in_list(
                            self.w(i + 1),
                            words![
                                "view",
                                "output",
                                "annotation",
                                "annotations",
                                "page",
                                "tool",
                                "layer",
                                "log",
                                "history",
                                "command",
                                "-ignore",
                                "ignore",
                                "data",
                                "info",
                                "blame",
                            ],
                        );
                    // "easy to blame the outage on the cloud provider": blame put on a thing.
                    let on_thing = (i + 1..(i + 7).min(n))
                        .take_while(|&k| !self.punct(k))
                        .find(|&k| self.w(k) == "on")
                        .is_some_and(|k| {
                            let end = (k + 1..(k + 6).min(n))
                                .take_while(|&q| !self.punct(q) && !self.any(q, CLAUSE_WORDS))
                                .last()
                                .map_or(k + 1, |q| q + 1);
                            end > k + 1 && self.np_in(k + 1, end).who == Who::Thing
                        });
                    // "Some of the recent changes appear to be to blame": a thing's part in it.
                    let thing_to_blame = self.wb(i, 1) == "to"
                        && self.wb(i, 2) == "be"
                        && (i.saturating_sub(6)..i.saturating_sub(2))
                            .rev()
                            .find(|&k| {
                                !self.skippable(k)
                                    && !self.any(
                                        k,
                                        words![
                                            "to", "appear", "appears", "appeared", "seem", "seems",
                                            "seemed"
                                        ],
                                    )
                            })
                            .is_some_and(|k| self.np(k + 1).who == Who::Thing);
                    let thing_to_blame = thing_to_blame
                        || (self.wb(i, 1) == "to"
                            && self.any(i.wrapping_sub(2), BE)
                            && self.subject(i - 2).who == Who::Thing);
                    (!tool && !on_thing && !thing_to_blame).then_some((i, i + 1))
                }
                "fault" => {
                    let p = self.wb(i, 1);
                    let by_thing = p == "at"
                        && (i.saturating_sub(5)..i)
                            .rev()
                            .find(|&k| self.any(k, BE))
                            .is_some_and(|be| self.subject(be).who == Who::Thing);
                    if by_thing {
                        None
                    } else if p == "at"
                        || p == "whose"
                        || in_list(p, POSSESSIVE_DETERMINERS)
                        || (p.ends_with("'s") && i > 0 && self.person_token(i - 1))
                        || in_list(self.w(i + 1), words!["lies"])
                    {
                        Some((i.saturating_sub(1), i + 1))
                    } else {
                        None
                    }
                }
                // "Accountability for the outage rests with the engineer who ...".
                "accountability" | "responsibility" | "culpability"
                    if (i + 1..(i + 8).min(n)).any(|k| {
                        in_list(
                            self.w(k),
                            words!["rests", "lies", "lay", "falls", "fell", "sits", "rested"],
                        ) && in_list(self.w(k + 1), words!["with", "on"])
                    }) =>
                {
                    Some((i, i + 1))
                }
                "liable" | "culpable" if self.w(i + 1) != "to" => Some((i, i + 1)),
                "responsible" | "accountable"
                    if (i.saturating_sub(3)..i).any(|k| {
                        in_list(self.w(k), words!["held", "hold", "holds", "holding"])
                    }) =>
                {
                    // "We hold ourselves accountable for ...", "our users holding us
                    // accountable": a commitment the writers make, not a sanction on anyone.
                    let own = in_list(self.wb(i, 1), words!["ourselves", "myself"])
                        || (self.wb(i, 1) == "us"
                            && in_list(self.wb(i, 2), words!["hold", "holds", "holding"])
                            && {
                                let h = self.subject(i - 2);
                                self.end_users(h)
                                    || h.who == Who::Thing
                                    || h.span.is_some_and(|(a, e)| {
                                        (a..e).any(|q| {
                                            in_list(
                                                self.w(q),
                                                words!["community", "users", "customers", "we"],
                                            )
                                        })
                                    })
                            });
                    (!own).then_some((i, i + 1))
                }
                "account"
                    if self.wb(i, 1) == "to"
                        && (i.saturating_sub(4)..i).any(|k| {
                            in_list(
                                self.w(k),
                                words!["held", "hold", "holds", "holding", "called", "call"],
                            )
                        }) =>
                {
                    Some((i - 1, i + 1))
                }
                "accountable" => {
                    let held = (i.saturating_sub(4)..i)
                        .any(|k| in_list(self.w(k), words!["held", "hold", "holds", "holding"]))
                        && !in_list(self.wb(i, 1), words!["ourselves", "myself"]);
                    let who = self.wb(i, 1) == "is" && self.wb(i, 2) == "who";
                    (held || who).then_some((i, i + 1))
                }
                "responsible" => {
                    // "who is responsible (for the outage)", "the DBA is responsible for the
                    // outage"; not a duty ("who is responsible for renewing the certificate").
                    let harm_gerund = in_list(
                        self.w(i + 2),
                        words![
                            "taking",
                            "breaking",
                            "causing",
                            "bringing",
                            "deleting",
                            "dropping",
                            "losing",
                            "leaking",
                            "crashing",
                            "knocking",
                            "corrupting",
                            "wiping",
                        ],
                    );
                    // "this"/"that" as a pronoun ("responsible for this"), not a determiner
                    // ("responsible for this checklist").
                    let harm_at = |k: usize| {
                        (self.any(k, HARMS)
                            && !(in_list(self.w(k), words!["this", "that"])
                                && k + 1 < n
                                && !self.punct(k + 1)
                                && !self.any(k + 1, HARMS)
                                && !self.any(k + 1, BAD_THINGS)))
                            || self.any(k, BAD_THINGS)
                    };
                    let for_harm = self.w(i + 1) == "for"
                        && (harm_gerund
                            || ((i + 2..(i + 5).min(n)).any(harm_at)
                                && !is_activity(self.w(i + 2))));
                    let duty = self.w(i + 1) == "for" && !for_harm;
                    let who = (in_list(self.wb(i, 1), words!["is", "was", "are", "were"])
                        && self.wb(i, 2) == "who")
                        || self.wb(i, 1) == "who's";
                    if who && !duty {
                        Some((i.saturating_sub(2), i + 1))
                    } else if for_harm
                        && self.any(i.wrapping_sub(1), BE)
                        && self.subject(i - 1).who == Who::Person
                    {
                        Some((i, i + 3))
                    } else {
                        None
                    }
                }
                "answer" if self.w(i + 1) == "for" && !self.punct(i + 2) => Some((i, i + 2)),
                "owns" | "own" | "owned"
                    if in_list(self.w(i + 1), words!["this", "the", "that"])
                        && in_list(
                            self.w(i + 2),
                            words!["failure", "outage", "incident", "mistake", "error"],
                        ) =>
                {
                    Some((i, i + 3))
                }
                "on" if in_list(
                    self.wb(i, 1),
                    words!["is", "was", "falls", "fell", "rests", "lies"],
                ) && (in_list(self.w(i + 1), words!["him", "her", "them", "you"])
                    || self.handle(i + 1)
                    || self.name_token(i + 1)) =>
                {
                    let s = self.subject(i - 1);
                    let about_failure = s.span.is_some_and(|(a, e)| {
                        (a..e).any(|k| {
                            in_list(
                                self.w(k),
                                words![
                                    "outage", "incident", "failure", "this", "that", "it", "blame",
                                    "fault", "mistake", "error",
                                ],
                            )
                        })
                    });
                    about_failure.then_some((i - 1, i + 2))
                }
                "revoked" => {
                    let access = (i.saturating_sub(4)..i).find(|&k| self.w(k) == "access");
                    access
                        .filter(|&a| {
                            (a.saturating_sub(3)..a)
                                .any(|k| in_list(self.w(k), words!["his", "her", "their"]))
                        })
                        .map(|a| (a, i + 1))
                }
                _ => None,
            };
            let Some((a, b)) = span else {
                continue;
            };
            let (c, _) = self.clause(i);
            // "avoids blame for the outage", "without blaming anyone".
            let negated = (c.max(i.saturating_sub(12))..i).any(|k| {
                self.any(k, NEGATORS)
                    || self.any(
                        k,
                        words!["nobody", "none", "avoid", "avoids", "avoided", "avoiding", "without"],
                    )
                    // "accountability rooted in relationship rather than punishment".
                    || (self.w(k) == "rather" && self.w(k + 1) == "than")
                    || (self.w(k) == "instead" && self.w(k + 1) == "of")
            })
                || self.w(i + 1).starts_with("less")
                || self.quoted(i);
            if !negated {
                self.push(Rule::Punitive, a, b);
                fired = true;
            }
        }
        if fired {
            // Whoever the sanction or the blame is for is singled out by it.
            self.singled_people();
        }
    }

    /// Every named person, @handle or definite singular role in the sentence, as a fault's
    /// subject (for a sentence that sanctions or allocates blame).
    fn singled_people(&self) {
        for j in 0..self.n() {
            let person = self.handle(j)
                || self.name_token(j)
                || (is_singular_role(self.base(j)) && self.person_token(j));
            if person {
                let s = self.np(j + 1);
                if s.singled {
                    self.faults.borrow_mut().push(s);
                }
            }
        }
    }

    /// "received a formal warning", "was given a final warning", "issued him a written
    /// warning", "a final warning to the on-call" (not "a formal warning to customers").
    fn warned_person(&self, i: usize) -> bool {
        let to = self.w(i + 2) == "to" || self.w(i + 2) == "for";
        if to && (i + 3..(i + 6).min(self.n())).any(|k| self.person_token(k)) {
            return true;
        }
        (i.saturating_sub(4)..i).any(|k| {
            let w = self.w(k);
            if in_list(
                w,
                words![
                    "received", "receive", "receives", "got", "get", "gets", "earned"
                ],
            ) {
                return self.subject(k).who == Who::Person;
            }
            if in_list(
                w,
                words!["given", "issued", "handed", "gave", "issue", "give"],
            ) {
                return self.person_token(k + 1)
                    || (self.any(k.wrapping_sub(1), BE) && self.subject(k).who == Who::Person);
            }
            false
        })
    }

    /// "Management has asked for a name", "they want names": a person to blame.
    fn asked_for_a_name(&self, i: usize) -> bool {
        const WANT: &Words = words![
            "asked",
            "ask",
            "asks",
            "asking",
            "want",
            "wants",
            "wanted",
            "demand",
            "demanded",
            "demands",
            "demanding",
            "need",
            "needs",
            "needed",
            "requested",
            "expects",
        ];
        let k = if self.wb(i, 1) == "a" { i - 1 } else { i };
        let at = if self.wb(k, 1) == "for" { k - 1 } else { k };
        if !self.any(at.wrapping_sub(1), WANT) {
            return false;
        }
        // The name of a person, not of a thing ("a name for the new service").
        self.punct(i + 1) || i + 1 >= self.n() || in_list(self.w(i + 1), words!["of", "from"])
    }

    fn blame_naming(&self, harm_cues: bool, roles: bool) {
        // Most sentences single nobody out: then there is no act to read.
        if harm_cues && self.may_single_out(roles) {
            self.harmful_acts();
            self.caused_by_someone();
        }
        // A set, not a list: a run-on sentence can hold tens of thousands of faults.
        let mut seen: HashSet<(usize, usize)> = HashSet::new();
        let faults = self.faults.take();
        for s in faults {
            if let Some(span) = s.span.filter(|_| s.singled)
                && seen.insert(span)
            {
                self.push(Rule::BlameNaming, span.0, span.1);
            }
        }
    }

    /// Whether any token could single a person out: an @handle, a capitalised given name, a
    /// possessive person, or a singular role after a definite determiner (`roles`: the cue
    /// scan saw a role word).
    fn may_single_out(&self, roles: bool) -> bool {
        let mut definite_at = None;
        self.t.iter().enumerate().any(|(k, t)| {
            if !roles {
                // No role word in the sentence (the cue scan saw none): names and handles only.
                return t.kind == Kind::Handle
                    || (t.cap && t.kind == Kind::Word && self.name_token(k));
            }
            if t.kind == Kind::Word && in_list(&t.lower, DEFINITE) {
                definite_at = Some(k);
            }
            t.kind == Kind::Handle
                || (t.cap && t.kind == Kind::Word && self.name_token(k))
                || (t.lower.ends_with("'s") && self.person_token(k))
                || (definite_at.is_some_and(|d| k > d && k <= d + 4)
                    && is_singular_role(self.base(k)))
        })
    }

    /// A singled-out person doing harm: an act that destroys or breaks ("Maria dropped the
    /// orders table"), or any act done in a faulty way ("pushed the unreviewed change to all
    /// regions at once", "restarted the wrong node") or followed by harm ("rebooted the
    /// primary mid-backup, corrupting the snapshot", "merged it without approval and it took
    /// down search"). Clearing away what was meant to go, acts done to restore or fix, and acts
    /// "as planned" are response work, not faults.
    fn harmful_acts(&self) {
        let n = self.n();
        // "as planned", "per the runbook": worked out once, at the first act that needs it.
        let intended = OnceCell::new();
        let intended = || {
            *intended.get_or_init(|| {
                (0..n).any(|k| {
                    (self.w(k) == "as"
                        && in_list(
                            self.w(k + 1),
                            words![
                                "planned",
                                "intended",
                                "agreed",
                                "expected",
                                "scheduled",
                                "designed",
                                "documented"
                            ],
                        ))
                        || (in_list(self.w(k), words!["per", "following"])
                            && in_list(self.w(k + 1), words!["the", "our"])
                            && in_list(
                                self.w(k + 2),
                                words!["runbook", "plan", "playbook", "procedure"],
                            ))
                })
            })
        };
        for v in 0..n {
            let w = self.w(v);
            if !ACT_STARTS.may_contain(w) || self.quoted(v) {
                continue;
            }
            let class = if in_list(w, HARM_ACTS) {
                Act::Harm
            } else if in_list(w, DESTRUCTIVE_ACTS)
                || (in_list(
                    w,
                    words!["turned", "turns", "switched", "switches", "shut", "shuts"],
                ) && in_list(self.w(v + 1), words!["off", "down"]))
            {
                Act::Destructive
            } else if in_list(w, CARRIER_ACTS) {
                Act::Carrier
            } else if in_list(w, OTHER_ACTS) {
                Act::Other
            } else if (in_list(
                w,
                words!["took", "takes", "brought", "brings", "knocked", "knocks"],
            ) && (v + 1..(v + 5).min(n))
                .any(|k| in_list(self.w(k), words!["down", "out", "over"])))
                || (in_list(w, words!["let", "lets"])
                    && (v + 1..(v + 7).min(n)).any(|k| {
                        in_list(
                            self.w(k),
                            words![
                                "expire", "lapse", "fill", "slip", "die", "rot", "break", "fail",
                                "overflow"
                            ],
                        )
                    }))
            {
                // "took down checkout", "let the certificate expire".
                Act::Harm
            } else if w == "one" && self.wb(v, 1) == "the" && self.any(v + 1, RELATIVES) {
                // "X was the one who changed it"
                if let Some(be) = v.checked_sub(2).filter(|&b| self.any(b, BE)) {
                    let s = self.subject(be);
                    self.fault(s);
                }
                continue;
            } else {
                continue;
            };
            // Who did it: the subject, or in a passive the "by ..." agent.
            let passive = self.any(v.wrapping_sub(1), BE) || self.skippable_be(v);
            let s = if passive {
                match self.by_agent(v + 1) {
                    Some(agent) => agent,
                    None => continue,
                }
            } else {
                self.subject(v)
            };
            if !s.singled {
                continue;
            }
            // "Maria didn't drop the table": no act.
            let from = s.span.map_or(v, |(_, e)| e);
            if !passive && (from..v).any(|k| self.any(k, NEGATORS)) {
                continue;
            }
            let (_, b) = self.clause(v);
            let purpose = (v + 1..b).any(|k| {
                (self.w(k) == "to" && self.any(k + 1, PURPOSE_VERBS)) || self.w(k) == "order"
            });
            if purpose || intended() {
                continue;
            }
            let harmful = match class {
                // "overwrote the broken config with the last good version": harm done to what
                // was already broken is repair, unless done badly or followed by harm.
                Act::Harm => {
                    let object = (v + 1..(v + 5).min(n))
                        .take_while(|&k| !self.punct(k) && !self.any(k, CLAUSE_WORDS));
                    let broken = object.clone().any(|k| {
                        in_list(
                            self.w(k),
                            words!["broken", "corrupt", "corrupted", "bad", "faulty", "stale"],
                        )
                    });
                    !broken || self.done_badly(v, b) || self.followed_by_harm(v)
                }
                Act::Destructive => {
                    // Clearing away what was meant to go, or stopping what runs, is response
                    // work; destroying data or turning off a safeguard is not.
                    let object = (v + 1..(v + 7).min(n))
                        .take_while(|&k| !self.punct(k) && !self.any(k, CLAUSE_WORDS));
                    let routine = object
                        .clone()
                        .any(|k| self.any(k, DISPOSABLE) || self.any(k, RESPONSE_OBJECTS));
                    !routine || self.done_badly(v, b) || self.followed_by_harm(v)
                }
                Act::Carrier => {
                    self.bad_object(v, b) || self.done_badly(v, b) || self.followed_by_harm(v)
                }
                Act::Other => self.done_badly(v, b) || self.followed_by_harm(v),
            };
            if harmful {
                self.fault(s);
            }
        }
    }

    /// What the act brought in is faulty: "pushed a malformed routing table", "slipped a
    /// breaking change into the release".
    fn bad_object(&self, v: usize, clause_end: usize) -> bool {
        (v + 1..clause_end.min(v + 8)).any(|k| self.any(k, BAD_THINGS) && !self.quoted(k))
    }

    /// The manner of the act is a fault: without review, at once, straight to production, the
    /// wrong target, over live data, mid-backup, instead of the intended one.
    fn done_badly(&self, v: usize, clause_end: usize) -> bool {
        let n = self.n();
        let end = clause_end.max((v + 14).min(n)).min(n);
        (v + 1..end).filter(|&k| !self.quoted(k)).any(|k| {
            let w = self.w(k);
            let nx = self.w(k + 1);
            w == "wrong"
                || in_list(
                    w,
                    words!["unreviewed", "untested", "unapproved", "unannounced"],
                )
                || (w == "without" && self.any(k + 1, SAFEGUARDS))
                || (w == "without"
                    && in_list(nx, words!["a", "any", "the"])
                    && self.any(k + 2, SAFEGUARDS))
                || (w == "at" && nx == "once")
                || (w == "straight" && in_list(nx, words!["to", "into"]))
                || (w == "directly"
                    && in_list(nx, words!["to", "into", "on"])
                    && in_list(
                        self.w(k + 2),
                        words!["production", "prod", "100%", "main", "master"],
                    ))
                || (w == "instead" && nx == "of")
                || (w == "rather" && nx == "than")
                || (w == "over"
                    && (in_list(nx, words!["live", "production", "prod"])
                        || (nx == "the"
                            && in_list(self.w(k + 2), words!["live", "production", "prod"]))))
                || (w.starts_with("mid-") && w.len() > 4)
                || (in_list(w, words!["bypassing", "skipping", "ignoring", "overriding"]))
                || (w == "during"
                    && in_list(nx, words!["the", "a"])
                    && in_list(
                        self.w(k + 2),
                        words!["freeze", "peak", "backup", "migration"],
                    ))
        })
    }

    /// Harm after the act: "..., corrupting the snapshot", "... and the cluster loses quorum",
    /// "... a migration that dropped the email column", "... and left the queue to pile up".
    fn followed_by_harm(&self, v: usize) -> bool {
        let n = self.n();
        let end = (v + 30).min(n);
        let mut after_link = false;
        let mut relative = false;
        for k in v + 1..end {
            let w = self.w(k);
            if self.quoted(k) {
                continue;
            }
            // "... after the outage": when, not what followed.
            if in_list(w, words!["after", "before", "during", "since"]) {
                return false;
            }
            if self.punct(k)
                || in_list(
                    w,
                    words![
                        "and", "so", "causing", "leaving", "which", "that", "then", "until"
                    ],
                )
            {
                after_link = true;
                relative |= in_list(w, words!["which", "that"]);
                if in_list(w, RECOVERY_WORDS) {
                    return false;
                }
            }
            if in_list(w, RECOVERY_WORDS) {
                return false;
            }
            if (after_link || w.ends_with("ing")) && self.any(k, OUTCOMES) {
                return true;
            }
            // "... and checkout went down"; but "... and the deploy went out at 15:40" is a
            // release shipping.
            let shipped = w == "out"
                && (k.saturating_sub(4)..k).any(|j| {
                    in_list(
                        self.w(j),
                        words![
                            "deploy",
                            "deployment",
                            "release",
                            "fix",
                            "hotfix",
                            "patch",
                            "update",
                            "build",
                            "version",
                            "change",
                            "email",
                            "emails",
                            "notice",
                            "message",
                            "announcement",
                            "rollout",
                        ],
                    )
                });
            if after_link
                && !shipped
                && in_list(w, words!["down", "out"])
                && in_list(
                    self.wb(k, 1),
                    words![
                        "took", "takes", "taking", "brought", "bringing", "knocked", "went",
                        "goes", "going", "come", "came"
                    ],
                )
            {
                return true;
            }
            if after_link
                && w == "up"
                && in_list(
                    self.wb(k, 1),
                    words!["pile", "piled", "piling", "back", "backed", "backing"],
                )
            {
                return true;
            }
            if relative && (in_list(w, HARM_ACTS) || in_list(w, DESTRUCTIVE_ACTS)) {
                return true;
            }
        }
        false
    }

    /// "Because of Nina's change ...", "caused by @dchen's push", "The outage was triggered when
    /// @dchen pushed ...": a singled-out person's act given as the cause.
    fn caused_by_someone(&self) {
        let n = self.n();
        for k in 0..n {
            let w = self.w(k);
            let nx = self.w(k + 1);
            let causal = (w == "because" && nx == "of")
                || (w == "due" && nx == "to")
                || (in_list(w, words!["caused", "triggered", "introduced", "started"])
                    && nx == "by")
                || (w == "result" && nx == "of")
                || (in_list(w, words!["traced", "came", "comes"])
                    && (nx == "to" || nx == "down" || nx == "back"));
            if causal {
                let mut a = k + 2;
                while a < n && in_list(self.w(a), words!["to", "back", "a", "an"]) {
                    a += 1;
                }
                // The phrase that follows: a singled-out person or their act.
                // Not across punctuation: "triggered by `.inspect()` (Ruben B.)" credits the
                // author of a changelog entry.
                let e = (a..(a + 4).min(n))
                    .take_while(|&j| !self.punct(j))
                    .find(|&j| self.handle(j) || self.name_token(j) || self.person_token(j));
                if let Some(j) = e {
                    let s = self.np_in(a, j + 1);
                    self.fault(s);
                }
                continue;
            }
            // "The outage was triggered when @dchen pushed ...".
            if in_list(w, words!["triggered", "caused", "began", "started"])
                && nx == "when"
                && let Some(j) = (k + 2..(k + 6).min(n)).find(|&j| self.person_token(j))
            {
                let s = self.np_in(k + 2, j + 1);
                self.fault(s);
            }
        }
    }

    fn extra_terms(&self, extra: &[(Rule, Vec<String>)]) {
        for (rule, words) in extra {
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            let n = self.n();
            if words.is_empty() || words.len() > n {
                continue;
            }
            for i in 0..=n - words.len() {
                if words.iter().enumerate().all(|(k, w)| self.w(i + k) == *w)
                    && !self.quoted(i)
                    && !self.negated_mention(i, i + words.len())
                {
                    self.push(*rule, i, i + words.len());
                }
            }
        }
    }
}
