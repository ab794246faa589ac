//! Examples for every rule, written for this test (not taken from the evaluation data): each
//! `fires` sentence must produce its rule, each `passes` sentence must produce no finding at all.
//! docs/lens.md shows the same examples.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use aftercare_lens::{Config, Lens, Rule};

fn rules_of(lens: &Lens, text: &str) -> Vec<Rule> {
    lens.check(text).into_iter().map(|f| f.rule).collect()
}

#[track_caller]
fn check(rule: Rule, fires: &[&str], passes: &[&str]) {
    let lens = Lens::default();
    let mut wrong = Vec::new();
    for s in fires {
        let got = rules_of(&lens, s);
        if !got.contains(&rule) {
            wrong.push(format!("should fire {rule}: {s}  (got {got:?})"));
        }
    }
    for s in passes {
        let got = rules_of(&lens, s);
        if !got.is_empty() {
            wrong.push(format!("should pass: {s}  (got {got:?})"));
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}

#[test]
fn human_error() {
    check(
        Rule::HumanError,
        &[
            "The incident was caused by operator error while rotating the keys.",
            "A typo in the Helm values pointed the ingress at the wrong service.",
            "An SRE accidentally deleted the bucket that held the build cache.",
            "Human error during the migration left the replica without a primary.",
            "Our vendor misconfigured the firewall rule for the new subnet.",
            "The cluster was accidentally scaled to zero during the cleanup.",
            "A copy-paste error put the staging key in the production config.",
            "The replica was accidentally promoted during the drill.",
            "The team paused the job and accidentally deleted the queue.",
        ],
        &[
            "The pipeline was triggered unintentionally by a tag push.",
            "The new wizard makes the form less prone to human error.",
            "Human error is never the whole story, so we look at the system.",
            "The API returns a 422 user error when the token is expired.",
            "The job retried, accidentally overwriting the earlier results.",
            "We added a spell checker that flags typos in runbooks.",
            "The linter found a typo in the ingress values and blocked the merge.",
            "We accidentally discovered a second leak while profiling.",
            "Customers saw user errors for twelve minutes.",
            "Requests were mistakenly treated as duplicates by the idempotency layer.",
            "The image was inadvertently built without the patch.",
            "The timeouts were at first mistakenly attributed to the CDN.",
            "The retry logic rested on an incorrect assumption in the client library.",
            "We fixed a typo in the alert description.",
            "Users who mistyped their password were locked out.",
            "We do not consider this human error.",
            "Data was inadvertently exposed through a caching bug.",
            "Human error is a symptom, not a cause.",
            "The agent held its file handles and accidentally ignored the shutdown signals.",
            "We cannot accidentally deploy an unsigned image: the admission controller rejects it.",
            "Mistakes happen in any rota, and we fix them in the open.",
            "Alerts from misconfigured exporters flooded the channel.",
            "Write to us if you think our reviewers made a mistake.",
        ],
    );
}

#[test]
fn root_cause() {
    check(
        Rule::RootCause,
        &[
            "## Root cause",
            "The root cause was an expired intermediate certificate.",
            "We root-caused the memory growth to an unbounded cache.",
            "An RCA will be shared with customers next week.",
        ],
        &[
            "The root partition filled up on two nodes.",
            "We rotated the root CA and the underlying certificates.",
            "The underlying cause was a retry storm against the API.",
            "The doc asks teams to avoid the phrase \"root cause\" in headings.",
        ],
    );
}

#[test]
fn counterfactual() {
    check(
        Rule::Counterfactual,
        &[
            "The on-call engineer should have escalated to the database team.",
            "They failed to check the replica lag before promoting it.",
            "The team neglected to update the runbook after the migration.",
            "If the reviewer had run the tests locally, the bug would have been found.",
            "A canary deploy could have prevented the outage.",
            "This should have been caught in code review.",
            "Had we paused the rollout, fewer customers would have seen errors.",
            "The on-call shouldn't've restarted both brokers at once.",
            "Nobody thought to check the DNS TTL.",
            "There was a failure to follow the rollback runbook.",
            "An earlier rollback would have shortened the outage.",
            "The on-call acknowledged the page but failed to escalate.",
        ],
        &[
            "The pod failed to start because the image was missing.",
            "It could have been much worse without the read replica.",
            "The alert should have fired at 90% but the rule used the wrong metric.",
            "Every service should have an owner listed in the catalogue.",
            "Nobody noticed the dashboard because it was not linked from the alert.",
            "The scheduler would have retried the job if the lease had not expired.",
            "A rate limit would not have prevented this particular failure.",
            "Feature flags would have made the rollback faster.",
            "What would have helped the responders at 02:00?",
            "The exception should have been caught by the retry wrapper.",
            "The outage could have been avoided with a rate limit.",
            "If the test suite had included a multi-node case, the bug would have been caught.",
            "Many users failed to log in.",
            "Had the replicas performed as designed, the failover would have been invisible.",
            "Any engineer could have made the same change.",
            "If the replicas had worked as designed, nobody would have noticed.",
            "Several widgets, including the status banner, failing to update was the first symptom.",
            "We would have liked the status update to go out sooner.",
            "You might have noticed the new banner on the status page.",
            "The migration went better than we could have hoped.",
            "Admins may overlook the second approval step.",
            "Don't forget to pin the base image.",
            "If you had previously pinned the agent, remove the pin after upgrading.",
            "We could not have done it without the volunteers.",
            "If the auditors had asked, we would have handed the logs over.",
        ],
    );
}

#[test]
fn judgement() {
    check(
        Rule::Judgement,
        &[
            "The change was careless and rushed.",
            "We need to be more careful when editing production config.",
            "The reviewer was not paying attention to the diff.",
            "Complacency set in after a year without incidents.",
            "Engineers should know better than to skip the checklist.",
            "The reviewer was asleep at the wheel.",
        ],
        &[
            "The loader uses lazy initialisation for the plugin registry.",
            "The impact on latency was negligible.",
            "We did not know that the flag also controlled the cache.",
            "Please be careful: the staging and production contexts look alike.",
            "Nobody was careless: the two buttons looked the same.",
            "The console falls back to plain output on dumb terminals.",
            "Backports are more carefully tested before they reach the stable channel.",
        ],
    );
}

#[test]
fn minimizing() {
    check(
        Rule::Minimizing,
        &[
            "We simply had to restart the consumer, which took a minute.",
            "The responder just needed to run the failover script.",
            "The graph clearly showed the spike, so the slow response is hard to justify.",
            "It would have been easy for the on-call to roll back.",
            "The engineers simply did not read the warning.",
            "Of course, nobody read the deprecation notice.",
            "Everyone on the rotation knows the primary is in eu-west.",
        ],
        &[
            "The proxy simply forwards the header to the backend.",
            "Latency clearly improved after the index was added.",
            "The fix was just a one-line change to the timeout.",
            "Just before noon the queue started to back up.",
            "Rolling back is easy with the new deploy tool.",
            "It is simply a matter of raising the timeout.",
            "We simply did not have an alert on that queue.",
            "If you were affected, you just need to re-run the export.",
            "We simply need to bump the version.",
            "Of course, any data written during the window was replicated.",
            "The queue was renamed to just \"jobs\".",
            "The setting is easy for admins to miss.",
            "The new CLI makes it easy for support staff to replay a webhook.",
            "Everyone I know in operations started on a help desk.",
        ],
    );
}

#[test]
fn blame_naming() {
    check(
        Rule::BlameNaming,
        &[
            "Maria dropped the orders table while cleaning up test data.",
            "@jdoe pushed the bad config to all regions.",
            "The developer forgot to add the migration to the release.",
            "Kevin's deploy removed the feature flag for every tenant.",
            "Why did the on-call ignore the second page?",
            "@mchen pushed an untested config straight to production.",
            "It was the intern who dropped the users table.",
        ],
        &[
            "Maria restarted the service and confirmed recovery at 10:42.",
            "@jdoe opened the incident channel and paged the storage team.",
            "An engineer applied the change during the maintenance window.",
            "The developer experience team owns the CLI.",
            "Sarah deleted the stale branches after the release, as planned.",
            "The Kubernetes operator failed to reconcile the custom resource.",
            "Kevin killed the stuck export job, and the replica caught up.",
            "The admin employee's account was suspended by the provider.",
            "The NodeLifecycle Manager failed to evict the pods.",
            "This lead to a backlog.",
            "Harper overwrote the broken config with the last good version.",
            "Sam merged the fix and the deploy went out at 15:40.",
            "The vendor's API failed to respond.",
        ],
    );
}

#[test]
fn why_question() {
    check(
        Rule::WhyQuestion,
        &[
            "Why did you restart the primary instead of the replica?",
            "Why didn't the team roll back sooner?",
            "We need to ask why they skipped the staging deploy.",
            "Why'd you silence the alert?",
            "Why did we merge this without a second review?",
        ],
        &[
            "Why did the health check pass while the service was down?",
            "We used five whys to map the contributing factors.",
            "That is why the cache served stale data.",
            "It is unclear why the alert did not fire.",
            "Why do we page at 80% disk? The volume takes an hour to grow.",
            "Why did we lose the queue contents when the broker restarted?",
            "Why didn't we get an alert?",
            "Why didn't our alerting page anyone?",
            "## Why every repository admin?",
            "We asked our sponsors why they renew each year.",
        ],
    );
}

#[test]
fn hindsight() {
    check(
        Rule::Hindsight,
        &[
            "The on-call lost situational awareness during the failover.",
            "The team ignored the disk usage warnings for a week.",
            "The signs were there long before the outage.",
            "The outage was inevitable given the single NAT gateway.",
            "It was obvious that the queue would overflow.",
            "Predictably, the retry storm made the outage worse.",
            "The team brushed off the latency warnings.",
        ],
        &[
            "The node lost network connectivity for two minutes.",
            "The collector ignores metrics without a service label.",
            "We found no signs of data loss.",
            "It is clear from the traces that the pool was exhausted.",
            "Some packet loss is inevitable on a radio link.",
            "It was obvious by 14:30 that the fix was working.",
            "By 09:40 it was evident that the rollback had restored write throughput.",
            "Inevitably, some requests failed during the switchover, as expected.",
            "Disk pressure inevitably builds on busy nodes.",
            "The warning was ignored by the build system.",
            "Warnings are ignored for generated files.",
            "The agent held its file handles and ignored the shutdown signals.",
            "The socket was bound to port 8080.",
            "The failover was always going to take ten minutes.",
            "Anyone can see the status page.",
            "Failed submissions would have been apparent to users.",
            "Jobs now start more evenly and predictably across the week.",
            "From the load balancer logs it was clear that the traffic came from one client.",
            "It was clear that the runbook would need a named owner going forward.",
            "We thought the restart had failed, but it was a matter of time: the workers came back.",
        ],
    );
}

#[test]
fn punitive() {
    check(
        Rule::Punitive,
        &[
            "The engineer responsible will face disciplinary action.",
            "We need to decide who is to blame for the outage.",
            "The platform team will be held accountable for the missed SLO.",
            "Whose fault was the expired certificate?",
            "The DBA will be written up for the data loss.",
            "Two engineers were let go after the breach.",
        ],
        &[
            "Nobody will be blamed for this incident.",
            "The controller responsible for leader election restarted.",
            "We ran git blame to find the commit that changed the timeout.",
            "Each team is accountable for the SLOs of the services it owns.",
            "Who is responsible for rotating the signing keys?",
            "A faulty disk was at fault, not the deploy.",
            "The new index gave the expected performance improvement on the read path.",
            "We hold ourselves accountable for publishing the report within a week.",
            "A new caching header turned out to be to blame for the stale pages.",
            "The scribe is responsible for this timeline.",
            "The policy aims for repair rather than punishment.",
        ],
    );
}

#[test]
fn names_from_config_are_recognised() {
    let text = "Xiomara deleted the staging cluster.";
    assert!(rules_of(&Lens::default(), text).is_empty());
    let lens = Lens::new(Config::default().with_names(["Xiomara Quist"]));
    assert_eq!(rules_of(&lens, text), vec![Rule::BlameNaming]);
}

#[test]
fn positions_and_matched_text() {
    let text = "# Review\n\nLine two: the root cause was “DNS”.\n";
    let f = &Lens::default().check(text)[0];
    assert_eq!(f.rule, Rule::RootCause);
    assert_eq!((f.start.line, f.start.column), (3, 15));
    assert_eq!((f.end.line, f.end.column), (3, 25));
    assert_eq!(f.matched, "root cause");
    assert!(f.why.contains("PagerDuty"));
    assert!(f.suggestion.contains("contributing factors"));
    let json = serde_json::to_value(f).unwrap();
    assert_eq!(json["rule"], "root-cause");
    assert_eq!(json["severity"], "info");
    assert_eq!(json["start"]["column"], 15);
}

#[test]
fn overlapping_findings_of_one_rule_merge_into_one() {
    // "despite being aware" is hindsight twice over (the phrase itself, and the awareness set
    // against the inaction): one finding, over all of its words.
    let text = "The team did not disable the job despite being aware of the bug.";
    let findings = Lens::default().check(text);
    let hindsight: Vec<&str> = findings
        .iter()
        .filter(|f| f.rule == Rule::Hindsight)
        .map(|f| f.matched.as_str())
        .collect();
    assert_eq!(hindsight, ["despite being aware"]);
    assert!(findings.iter().any(|f| f.rule == Rule::Counterfactual));
}
