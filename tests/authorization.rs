//! The authorisation matrix: every route the server has, for every kind of
//! caller, with the answer policy says it must get. The routes come from the
//! server itself (`aftercare_server::route_paths`, built by the same calls
//! that build the router) and each path's methods are found by asking it, so a
//! route added without a row here fails this test, and so does a row for a
//! route that is gone. Writes carry valid bodies, so a refusal is the policy's
//! and not a validation error's.
//!
//! Each caller gets a fresh organisation (two teams, their leads, a member, a
//! subject whose data is asked for, an integration), so what one caller
//! changes or deletes never decides another's answer. Writes that destroy run
//! last, in the order of the table.

use std::collections::BTreeSet;

use aftercare_app::accounts;
use aftercare_store::{Backend, NewIntegration, PersonId, TeamId, TeamRole};
use reqwest::Method;

use crate::common::{TestApp, new_person, spawn_app};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    Anonymous,
    /// A member of team A, signed in (session cookie).
    Member,
    /// A personal token the member made for themselves: acts as them, own data included.
    MemberToken,
    /// A token made on the command line for the member: their work data only.
    CliToken,
    /// The lead of team B, signed in.
    OtherLead,
    /// The lead of team A, signed in.
    Lead,
    /// An admin, signed in.
    Admin,
    /// An admin token (belongs to nobody).
    AdminToken,
}

const CALLERS: [Caller; 8] = [
    Caller::Anonymous,
    Caller::Member,
    Caller::MemberToken,
    Caller::CliToken,
    Caller::OtherLead,
    Caller::Lead,
    Caller::Admin,
    Caller::AdminToken,
];

/// Who may do what a row does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    /// Everyone, signed in or not.
    Public,
    /// Nobody with these credentials: answered only with something this test
    /// does not hold (a signature, an unused link), or not configured here.
    Nobody,
    /// Anyone signed in.
    SignedIn,
    /// Only the person themselves, through their own session or a token they
    /// made: never an admin token, nor a token minted for them by an operator.
    Owner,
    /// Team A's people, its lead and admins.
    TeamA,
    /// Team A's lead and admins.
    LeadOfA,
    /// Whoever may see the subject's data: their team's lead and admins.
    SubjectViewers,
    /// Admins only.
    Admin,
    /// The member, who has a pending invitation to team B.
    Invitee,
    /// The member's own personal token: the member, by session or that token.
    TokenOwner,
    /// What belongs to team A's lead alone (their checklist): the lead, signed in.
    LeadOwner,
    /// The lead of any team, and admins (organisation-wide calendars).
    AnyLead,
}

impl Access {
    fn allows(self, c: Caller) -> bool {
        use Caller::*;
        match self {
            Access::Public => true,
            Access::Nobody => false,
            Access::SignedIn => c != Anonymous,
            Access::Owner => matches!(c, Member | MemberToken | OtherLead | Lead | Admin),
            Access::TeamA => !matches!(c, Anonymous | OtherLead),
            Access::LeadOfA => matches!(c, Lead | Admin | AdminToken),
            Access::SubjectViewers => matches!(c, Lead | Admin | AdminToken),
            Access::Admin => matches!(c, Admin | AdminToken),
            Access::Invitee => matches!(c, Member | MemberToken | CliToken),
            Access::TokenOwner => matches!(c, Member | MemberToken),
            Access::LeadOwner => matches!(c, Lead),
            Access::AnyLead => matches!(c, OtherLead | Lead | Admin | AdminToken),
        }
    }
}

/// One route and method: who may, and (for a page's form) a valid body, with
/// `{csrf}` for the session's token and `{subject}` for the subject's id.
struct Row {
    method: &'static str,
    path: &'static str,
    access: Access,
    form: &'static str,
    /// The JSON body of an API write (`{}` when empty), with the same
    /// placeholders and `{team}` for team A's id.
    json: &'static str,
    /// Destroys or ends something: runs after every other row.
    last: bool,
}

const fn row(method: &'static str, path: &'static str, access: Access) -> Row {
    Row {
        method,
        path,
        access,
        form: "",
        json: "",
        last: false,
    }
}

const fn api(method: &'static str, path: &'static str, access: Access, json: &'static str) -> Row {
    Row {
        method,
        path,
        access,
        form: "",
        json,
        last: false,
    }
}

const fn form(method: &'static str, path: &'static str, access: Access, body: &'static str) -> Row {
    Row {
        method,
        path,
        access,
        form: body,
        json: "",
        last: false,
    }
}

const fn last(r: Row) -> Row {
    Row { last: true, ..r }
}

use Access::*;

/// The table. Pages use sessions only: a token on a page is treated as no
/// credentials (the test applies that to every page row below).
const ROWS: &[Row] = &[
    // ---- health, metrics, the API's own description
    row("GET", "/healthz", Public),
    row("GET", "/metrics", Public),
    row("GET", "/api/v1/openapi.json", Public),
    // ---- one's own account
    // An admin token has no person: /me says so.
    row("GET", "/api/v1/me", SignedIn),
    api(
        "POST",
        "/api/v1/me/password",
        Owner,
        r#"{"current_password":"wrong","new_password":"x"}"#,
    ),
    row("GET", "/api/v1/me/tokens", Owner),
    api("POST", "/api/v1/me/tokens", Owner, r#"{"label":"authz"}"#),
    row("POST", "/api/v1/me/teams/{id}/accept", Invitee),
    row("POST", "/api/v1/me/teams/{id}/decline", Invitee),
    // What Aftercare tells a person, their pause and their channels: theirs alone.
    row("GET", "/api/v1/me/inbox", Owner),
    // No message with this id is anyone's here: the owner's answer is a 404 too.
    row("POST", "/api/v1/me/inbox/{id}/read", Nobody),
    row("GET", "/api/v1/me/pause", Owner),
    api("POST", "/api/v1/me/pause", Owner, "{}"),
    row("DELETE", "/api/v1/me/pause", Owner),
    row("GET", "/api/v1/me/channels", Owner),
    api("PUT", "/api/v1/me/channels", Owner, r#"{"email":true}"#),
    // ---- care: one's own check-ins, journal, support; the member holds one of each
    row("GET", "/api/v1/me/checkins", Owner),
    row("GET", "/api/v1/me/checkins/{id}", TokenOwner),
    api(
        "POST",
        "/api/v1/me/checkins/{id}",
        TokenOwner,
        r#"{"skip":true}"#,
    ),
    api(
        "POST",
        "/api/v1/me/checkins/{id}/talk",
        TokenOwner,
        r#"{"with":"professional"}"#,
    ),
    row("GET", "/api/v1/me/trends", Owner),
    // Without the passphrase header every owner gets a 400 naming it; nobody else gets that far.
    row("GET", "/api/v1/me/journal", Owner),
    api(
        "POST",
        "/api/v1/me/journal",
        Owner,
        r#"{"passphrase":"a long enough passphrase","text":"authz"}"#,
    ),
    row("GET", "/api/v1/me/journal/guide", Owner),
    // ---- calendar feeds: one's own; the feed itself answers only to its secret
    row("GET", "/api/v1/me/feeds", Owner),
    api("POST", "/api/v1/me/feeds", Owner, r#"{"kind":"person"}"#),
    row("GET", "/ical/{token}", Nobody),
    // ---- time off: one's own; the team sees spans, a rotation its collisions
    row("GET", "/api/v1/me/time-off", Owner),
    api(
        "POST",
        "/api/v1/me/time-off",
        Owner,
        r#"{"start":"2027-07-01","end":"2027-07-02","kind":"leave"}"#,
    ),
    api(
        "PUT",
        "/api/v1/me/time-off/{id}",
        TokenOwner,
        r#"{"start":"2027-07-01","end":"2027-07-03","kind":"family","note":"{caller}"}"#,
    ),
    row("GET", "/api/v1/teams/{id}/time-off", TeamA),
    row("GET", "/api/v1/rotations/{id}/collisions", TeamA),
    // Every owner has a journal by now (the row above): a wrong passphrase is a 400 naming it.
    api(
        "POST",
        "/api/v1/me/journal/open",
        Owner,
        r#"{"passphrase":"wrong"}"#,
    ),
    api(
        "POST",
        "/api/v1/me/journal/export",
        Owner,
        r#"{"passphrase":"wrong"}"#,
    ),
    api(
        "POST",
        "/api/v1/me/journal/passphrase",
        Owner,
        r#"{"passphrase":"wrong","new_passphrase":"another long passphrase"}"#,
    ),
    row("GET", "/api/v1/me/support", Owner),
    api(
        "PUT",
        "/api/v1/me/support",
        Owner,
        r#"{"declines_pairing":false}"#,
    ),
    row(
        "POST",
        "/api/v1/me/support/pairings/{id}/reached-out",
        TokenOwner,
    ),
    row("GET", "/api/v1/me/checklists", Owner),
    api(
        "POST",
        "/api/v1/me/checklists/{id}",
        LeadOwner,
        r#"{"item":"reach-out","done":true}"#,
    ),
    row("GET", "/api/v1/support-resources", SignedIn),
    api(
        "POST",
        "/api/v1/support-resources",
        Admin,
        r#"{"name":"EAP","contact":"0800 000 000"}"#,
    ),
    row("GET", "/api/v1/teams/{id}/care", TeamA),
    api(
        "PATCH",
        "/api/v1/teams/{id}/care",
        LeadOfA,
        r#"{"offsets":"1d"}"#,
    ),
    // An invalid file: the lead's 400 names it; others are refused before it is read.
    api(
        "POST",
        "/api/v1/teams/{id}/measures",
        LeadOfA,
        r#"{"source":"id = 1"}"#,
    ),
    row("GET", "/api/v1/teams/{id}/pulse", LeadOfA),
    row("GET", "/api/v1/people/{id}/record", SubjectViewers),
    // ---- people
    row("GET", "/api/v1/people", SignedIn),
    api(
        "POST",
        "/api/v1/people",
        Admin,
        r#"{"name":"N","email":"n-{caller}@example.com","time_zone":"UTC"}"#,
    ),
    row("GET", "/api/v1/people/{id}", SubjectViewers),
    // A person's hours are theirs: they or an admin change them, not a lead.
    api(
        "PATCH",
        "/api/v1/people/{id}",
        Admin,
        r#"{"sleep_start":"23:00"}"#,
    ),
    row("POST", "/api/v1/people/{id}/invite", SubjectViewers),
    row("POST", "/api/v1/people/{id}/reactivate", Admin),
    // Identities too: the person or an admin (a lead moving them would move pages).
    api(
        "POST",
        "/api/v1/people/{id}/identities",
        Admin,
        r#"{"kind":"pagerduty","external_id":"PAPI{caller}"}"#,
    ),
    api(
        "DELETE",
        "/api/v1/people/{id}/identities",
        Admin,
        r#"{"kind":"pagerduty","external_id":"PAPI{caller}"}"#,
    ),
    row("GET", "/api/v1/people/{id}/burden", SubjectViewers),
    row("GET", "/api/v1/people/{id}/pages", SubjectViewers),
    // ---- teams
    row("GET", "/api/v1/teams", SignedIn),
    api("POST", "/api/v1/teams", Admin, r#"{"name":"api-{caller}"}"#),
    row("GET", "/api/v1/teams/{id}", TeamA),
    api(
        "PATCH",
        "/api/v1/teams/{id}",
        LeadOfA,
        r#"{"name":"alpha-api-{caller}"}"#,
    ),
    api(
        "POST",
        "/api/v1/teams/{id}/members",
        LeadOfA,
        r#"{"email":"other@example.com","role":"member"}"#,
    ),
    row("GET", "/api/v1/teams/{id}/burden", LeadOfA),
    row("POST", "/api/v1/teams/{id}/schedule", LeadOfA),
    row("GET", "/api/v1/teams/{id}/shifts", TeamA),
    row("GET", "/api/v1/teams/{id}/unattributed", LeadOfA),
    row("GET", "/api/v1/teams/{id}/audit", LeadOfA),
    // What /teams shows: each team the caller sees (figures withheld by size, not role).
    row("GET", "/api/v1/overview", SignedIn),
    // Every team side by side and everyone's nights: admins.
    row("GET", "/api/v1/org", Admin),
    // "This is …" on an unattributed page: a lead of its team or an admin.
    api(
        "POST",
        "/api/v1/pages/{id}/claim",
        LeadOfA,
        r#"{"person_id":{other}}"#,
    ),
    // ---- incidents: work data of their team (and of the people in them)
    row("GET", "/api/v1/incidents", SignedIn),
    // Made for a team one is in (admins: any); an admin token names the team too.
    api(
        "POST",
        "/api/v1/incidents",
        TeamA,
        r#"{"title":"authz {caller}","team":{team}}"#,
    ),
    row("GET", "/api/v1/incidents/{id}", TeamA),
    api(
        "PATCH",
        "/api/v1/incidents/{id}",
        LeadOfA,
        r#"{"title":"renamed {caller}"}"#,
    ),
    // Anyone who sees it may add themselves (an admin token, being nobody, is told to
    // name the person).
    api(
        "POST",
        "/api/v1/incidents/{id}/participants",
        TeamA,
        r#"{"role":"investigator"}"#,
    ),
    // Removing someone else is for those who manage it.
    api(
        "DELETE",
        "/api/v1/incidents/{id}/participants",
        LeadOfA,
        r#"{"person_id":{other},"role":"responder"}"#,
    ),
    // ---- integrations
    // Lists only the integrations of teams the caller leads (all, for admins).
    row("GET", "/api/v1/integrations", SignedIn),
    api(
        "POST",
        "/api/v1/integrations",
        LeadOfA,
        r#"{"team":"{team}","source":"pagerduty","name":"api-{caller}"}"#,
    ),
    row("GET", "/api/v1/integrations/{id}", LeadOfA),
    api(
        "PATCH",
        "/api/v1/integrations/{id}",
        LeadOfA,
        r#"{"name":"renamed-{caller}"}"#,
    ),
    row("POST", "/api/v1/integrations/{id}/secret", LeadOfA),
    // ---- rotations: the team's people see them; its lead and admins change them
    api(
        "POST",
        "/api/v1/rotations",
        LeadOfA,
        r#"{"team":"{team}","name":"r-{caller}","time_zone":"Europe/London","start":"2027-01-04T09:00","shift_length":"1w","members":[{other}]}"#,
    ),
    row("GET", "/api/v1/teams/{id}/rotations", TeamA),
    row("GET", "/api/v1/rotations/{id}", TeamA),
    api(
        "PUT",
        "/api/v1/rotations/{id}",
        LeadOfA,
        r#"{"team":"{team}","name":"authz","time_zone":"Europe/London","start":"2027-01-04T09:00","shift_length":"12h","members":[{other}]}"#,
    ),
    row("GET", "/api/v1/rotations/{id}/oncall", TeamA),
    // The body is not a calendar: a lead's answer is the 400 saying so.
    row("POST", "/api/v1/rotations/{id}/import", LeadOfA),
    row("GET", "/api/v1/rotations/{id}/health", TeamA),
    // Cover: the world's rotation has the lead on call from 2027-01-04 and `other`
    // the week after. Naming someone else (the bodies do) takes a lead's right.
    api(
        "POST",
        "/api/v1/rotations/{id}/cover-requests",
        LeadOfA,
        r#"{"start":"2027-01-12T09:00","end":"2027-01-12T21:00","person":{other},"note":"{caller}"}"#,
    ),
    row("GET", "/api/v1/rotations/{id}/cover-requests", TeamA),
    api(
        "POST",
        "/api/v1/rotations/{id}/drills",
        LeadOfA,
        r#"{"at":"2027-02-01T10:00","scenario":"failover {caller}"}"#,
    ),
    row("GET", "/api/v1/rotations/{id}/drills", TeamA),
    api(
        "POST",
        "/api/v1/rotations/{id}/newcomers",
        LeadOfA,
        r#"{"person_id":{other},"buddy_id":{lead}}"#,
    ),
    row("GET", "/api/v1/rotations/{id}/newcomers", TeamA),
    api(
        "PATCH",
        "/api/v1/newcomers/{id}",
        LeadOfA,
        r#"{"ready":true}"#,
    ),
    api(
        "POST",
        "/api/v1/newcomers/{id}/shadow-shifts",
        LeadOfA,
        r#"{"from":"2027-01-11T09:00"}"#,
    ),
    api(
        "POST",
        "/api/v1/drills/{id}/held",
        LeadOfA,
        r#"{"participants":[{other}]}"#,
    ),
    row("POST", "/api/v1/rotations/{id}/proposals", LeadOfA),
    row("GET", "/api/v1/rotations/{id}/proposals", TeamA),
    row("GET", "/api/v1/proposals/{id}", TeamA),
    row("POST", "/api/v1/proposals/{id}/accept", LeadOfA),
    row("POST", "/api/v1/proposals/{id}/discard", LeadOfA),
    api(
        "POST",
        "/api/v1/cover-requests/{id}/take",
        LeadOfA,
        r#"{"person":{other}}"#,
    ),
    row("POST", "/api/v1/cover-requests/{id}/withdraw", LeadOfA),
    api(
        "POST",
        "/api/v1/rotations/{id}/overrides",
        LeadOfA,
        r#"{"person":{other},"start":"2027-01-05T09:00","end":"2027-01-05T12:00"}"#,
    ),
    row("GET", "/api/v1/rotations/{id}/overrides", TeamA),
    // ---- schedules: the team's people see them; its lead and admins change them
    api(
        "POST",
        "/api/v1/schedules",
        LeadOfA,
        r#"{"team":"{team}","name":"s-{caller}","layers":[{"rotation":{rotation}}]}"#,
    ),
    row("GET", "/api/v1/teams/{id}/schedules", TeamA),
    row("GET", "/api/v1/schedules/{id}", TeamA),
    api(
        "PUT",
        "/api/v1/schedules/{id}",
        LeadOfA,
        r#"{"team":"{team}","name":"authz","layers":[{"rotation":{rotation},"tier":"secondary"}]}"#,
    ),
    row("GET", "/api/v1/schedules/{id}/oncall", TeamA),
    row("GET", "/api/v1/schedules/{id}/spans", TeamA),
    // ---- what wakes people: the team's leads and admins, as its members' burden
    row("GET", "/api/v1/teams/{id}/what-wakes", LeadOfA),
    // ---- rest after bad nights: one's own rest; a team's policy
    row("GET", "/api/v1/me/rest", Owner),
    // The member's own rest: to anyone else it is not there (404).
    api(
        "PUT",
        "/api/v1/me/rest/{id}",
        TokenOwner,
        r#"{"taken":"taken"}"#,
    ),
    row("GET", "/api/v1/teams/{id}/rest-policy", TeamA),
    api(
        "PUT",
        "/api/v1/teams/{id}/rest-policy",
        LeadOfA,
        r#"{"hours_per_night":4}"#,
    ),
    // ---- holiday calendars: public dates anyone signed in reads; leads and admins import
    api(
        "POST",
        "/api/v1/holiday-calendars",
        AnyLead,
        r#"{"name":"h-{caller}","region":"Testland","ical":"BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20270101\nSUMMARY:New Year\nEND:VEVENT\nEND:VCALENDAR\n"}"#,
    ),
    row("GET", "/api/v1/holiday-calendars", SignedIn),
    row("GET", "/api/v1/holiday-calendars/{id}", SignedIn),
    api(
        "PUT",
        "/api/v1/holiday-calendars/{id}",
        AnyLead,
        r#"{"name":"r-{caller}","region":"Testland","ical":"BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20270101\nSUMMARY:New Year\nEND:VEVENT\nEND:VCALENDAR\n"}"#,
    ),
    row("GET", "/api/v1/rotations/{id}/holidays", TeamA),
    api(
        "PUT",
        "/api/v1/rotations/{id}/holidays",
        LeadOfA,
        r#"{"calendar":null}"#,
    ),
    last(row("DELETE", "/api/v1/overrides/{id}", LeadOfA)),
    last(row("DELETE", "/api/v1/drills/{id}", LeadOfA)),
    last(form("POST", "/drills/{id}/delete", LeadOfA, "csrf={csrf}")),
    last(row("DELETE", "/api/v1/shadow-shifts/{id}", LeadOfA)),
    last(form(
        "POST",
        "/shadow-shifts/{id}/delete",
        LeadOfA,
        "csrf={csrf}",
    )),
    last(row("DELETE", "/api/v1/newcomers/{id}", LeadOfA)),
    last(form(
        "POST",
        "/newcomers/{id}/delete",
        LeadOfA,
        "csrf={csrf}",
    )),
    // Overrides go before their rotation (deleting it deletes them).
    last(form(
        "POST",
        "/overrides/{id}/delete",
        LeadOfA,
        "csrf={csrf}",
    )),
    last(row("DELETE", "/api/v1/holiday-calendars/{id}", AnyLead)),
    last(form(
        "POST",
        "/holidays/{id}/delete",
        AnyLead,
        "csrf={csrf}",
    )),
    // Schedules go before their rotation (deleting it deletes their layers).
    last(row("DELETE", "/api/v1/schedules/{id}", LeadOfA)),
    last(form(
        "POST",
        "/schedules/{id}/delete",
        LeadOfA,
        "csrf={csrf}",
    )),
    last(row("DELETE", "/api/v1/rotations/{id}", LeadOfA)),
    // Deliveries prove themselves with the sender's signature, not a role.
    row("POST", "/api/v1/ingest/{integration}", Nobody),
    // ---- the language lens
    api(
        "POST",
        "/api/v1/lens",
        SignedIn,
        r#"{"text":"The deploy failed."}"#,
    ),
    // ---- pages: signing in
    // Anyone signed in lands on their own first page; others are sent to sign in.
    row("GET", "/", SignedIn),
    // Setup is done once; afterwards it sends everyone to sign in.
    row("GET", "/setup", Nobody),
    // Setup is done once; afterwards it refuses everyone.
    form(
        "POST",
        "/setup",
        Nobody,
        "name=X&email=x%40example.com&time_zone=UTC&password=x",
    ),
    row("GET", "/login", Public),
    // Without the sign-in page's cookie-and-field pair a sign-in is refused
    // (login CSRF; tests/accounts.rs signs in properly).
    form("POST", "/login", Nobody, "email=x%40example.com&password=x"),
    // No OpenID provider in this test: single sign-on is not here.
    row("GET", "/login/oidc/start", Nobody),
    row("GET", "/login/oidc/callback", Nobody),
    row("GET", "/password/forgot", Public),
    form("POST", "/password/forgot", Public, "email=x%40example.com"),
    // An unknown link is nobody's.
    row("GET", "/password/{token}", Nobody),
    form("POST", "/password/{token}", Nobody, "password=x"),
    // The page shows to anyone signed in; changing the password below it is the owner's.
    row("GET", "/account", SignedIn),
    form(
        "POST",
        "/account",
        Owner,
        "csrf={csrf}&current_password=wrong&new_password=x",
    ),
    row("GET", "/me", SignedIn),
    row("GET", "/inbox", Owner),
    form("POST", "/inbox/pause", Owner, "csrf={csrf}&for=1d"),
    form("POST", "/inbox/resume", Owner, "csrf={csrf}"),
    // A pause link answers only with its signed token, which this test lacks.
    row("GET", "/pause/{token}", Nobody),
    row("GET", "/checkins", Owner),
    row("GET", "/checkins/{id}", TokenOwner),
    form(
        "POST",
        "/checkins/{id}",
        TokenOwner,
        "csrf={csrf}&action=skip",
    ),
    form(
        "POST",
        "/checkins/{id}/talk",
        TokenOwner,
        "csrf={csrf}&with=professional",
    ),
    row("GET", "/journal", Owner),
    form(
        "POST",
        "/journal",
        Owner,
        "csrf={csrf}&passphrase=a+long+enough+passphrase&text=authz",
    ),
    // A page answers "no journal" and "wrong passphrase" alike, beside the field.
    form(
        "POST",
        "/journal/open",
        Owner,
        "csrf={csrf}&passphrase=wrong",
    ),
    row("GET", "/lens", SignedIn),
    form(
        "POST",
        "/lens",
        SignedIn,
        "csrf={csrf}&text=The+outage+was+human+error.",
    ),
    row("GET", "/support", Owner),
    form("POST", "/support/volunteer", Owner, "csrf={csrf}&on=yes"),
    form("POST", "/support/decline", Owner, "csrf={csrf}&on=no"),
    form(
        "POST",
        "/support/pairings/{id}/reached-out",
        TokenOwner,
        "csrf={csrf}",
    ),
    form(
        "POST",
        "/support/resources",
        Admin,
        "csrf={csrf}&name=EAP&contact=0800",
    ),
    row("GET", "/incidents/{id}/care", TeamA),
    form(
        "POST",
        "/incidents/{id}/care",
        LeadOwner,
        "csrf={csrf}&item=reach-out&done=yes",
    ),
    row("GET", "/teams/{id}/pulse", LeadOfA),
    form(
        "POST",
        "/teams/{id}/care",
        LeadOfA,
        "csrf={csrf}&checkins_on=yes&offsets=1d&measure=post-incident-stress",
    ),
    row("POST", "/pause/{token}", Nobody),
    // ---- pages: people
    row("GET", "/people", SignedIn),
    form(
        "POST",
        "/people",
        Admin,
        "csrf={csrf}&name=New+Person&email=new%40example.com&time_zone=UTC",
    ),
    row("GET", "/people/{id}", SubjectViewers),
    // The pages behind the figures: whoever sees the figures.
    row("GET", "/people/{id}/pages", SubjectViewers),
    row("GET", "/people/{id}/pages.csv", SubjectViewers),
    form(
        "POST",
        "/people/{id}/settings",
        Admin,
        "csrf={csrf}&time_zone=UTC&working_days=mon-fri&working_start=09:00&working_end=17:00&sleep_start=22:00&sleep_end=07:00",
    ),
    form(
        "POST",
        "/people/{id}/identities",
        Admin,
        "csrf={csrf}&kind=pagerduty&external_id=PAUTHZ{caller}",
    ),
    form(
        "POST",
        "/people/{id}/identities/remove",
        Admin,
        "csrf={csrf}&kind=pagerduty&external_id=PAUTHZ{caller}",
    ),
    form("POST", "/people/{id}/invite", SubjectViewers, "csrf={csrf}"),
    form("POST", "/people/{id}/reactivate", Admin, "csrf={csrf}"),
    // ---- pages: incidents
    row("GET", "/incidents", SignedIn),
    form(
        "POST",
        "/incidents",
        TeamA,
        "csrf={csrf}&title=web+{caller}&team={team}&severity=",
    ),
    row("GET", "/incidents/{id}", TeamA),
    form(
        "POST",
        "/incidents/{id}/participants",
        TeamA,
        "csrf={csrf}&person_id=me&role=review_facilitator",
    ),
    form(
        "POST",
        "/incidents/{id}/participants/remove",
        LeadOfA,
        "csrf={csrf}&person_id={other}&role=communications",
    ),
    form(
        "POST",
        "/incidents/{id}/edit",
        LeadOfA,
        "csrf={csrf}&title=web+{caller}&severity=&state=",
    ),
    // ---- pages: teams
    row("GET", "/teams", SignedIn),
    row("GET", "/teams.csv", SignedIn),
    row("GET", "/org", Admin),
    row("GET", "/org/teams.csv", Admin),
    row("GET", "/org/carriers.csv", Admin),
    form(
        "POST",
        "/teams",
        Admin,
        "csrf={csrf}&name=new-team-{caller}",
    ),
    row("GET", "/teams/{id}", TeamA),
    // The team table as CSV: whoever sees the table, its leads and admins.
    row("GET", "/teams/{id}/burden.csv", LeadOfA),
    row("GET", "/teams/{id}/unattributed.csv", LeadOfA),
    // "This is …" on an unattributed page: a lead of its team or an admin.
    form(
        "POST",
        "/teams/{id}/unattributed/claim",
        LeadOfA,
        "csrf={csrf}&page_id={page}&person_id={other}",
    ),
    form(
        "POST",
        "/teams/{id}/members",
        LeadOfA,
        "csrf={csrf}&email=other%40example.com&role=member",
    ),
    form(
        "POST",
        "/teams/{id}/answer",
        Invitee,
        "csrf={csrf}&accept=no",
    ),
    form(
        "POST",
        "/teams/{id}/rename",
        LeadOfA,
        "csrf={csrf}&name=alpha-{caller}",
    ),
    // ---- pages: rotations
    row("GET", "/teams/{id}/rotations", TeamA),
    form(
        "POST",
        "/teams/{id}/rotations",
        LeadOfA,
        "csrf={csrf}&name=web-{caller}&time_zone=UTC&start=2027-01-04T09%3A00&shift_length=1w&members={other}",
    ),
    row("GET", "/rotations/{id}", TeamA),
    // ---- pages: what wakes people
    row("GET", "/teams/{id}/what-wakes", LeadOfA),
    row("GET", "/teams/{id}/what-wakes.csv", LeadOfA),
    // ---- pages: rest
    row("GET", "/rest", Owner),
    form("POST", "/rest/{id}", TokenOwner, "csrf={csrf}&taken=taken"),
    form(
        "POST",
        "/teams/{id}/rest-policy",
        LeadOfA,
        "csrf={csrf}&hours_per_night=4&enabled=on",
    ),
    // ---- pages: holiday calendars
    row("GET", "/holidays", SignedIn),
    form(
        "POST",
        "/holidays",
        AnyLead,
        "csrf={csrf}&name=web-{caller}&region=Testland&ical=BEGIN%3AVCALENDAR%0D%0ABEGIN%3AVEVENT%0D%0ADTSTART%3BVALUE%3DDATE%3A20270101%0D%0AEND%3AVEVENT%0D%0AEND%3AVCALENDAR%0D%0A",
    ),
    row("GET", "/holidays/{id}", SignedIn),
    form(
        "POST",
        "/holidays/{id}/replace",
        AnyLead,
        "csrf={csrf}&name=wr-{caller}&region=Testland&ical=BEGIN%3AVCALENDAR%0D%0ABEGIN%3AVEVENT%0D%0ADTSTART%3BVALUE%3DDATE%3A20270101%0D%0AEND%3AVEVENT%0D%0AEND%3AVCALENDAR%0D%0A",
    ),
    form(
        "POST",
        "/rotations/{id}/holidays",
        LeadOfA,
        "csrf={csrf}&calendar=",
    ),
    // ---- pages: schedules
    row("GET", "/teams/{id}/schedules", TeamA),
    form(
        "POST",
        "/teams/{id}/schedules",
        LeadOfA,
        "csrf={csrf}&name=web-{caller}&layer_rotation={rotation}&layer_tier=primary",
    ),
    row("GET", "/schedules/{id}", TeamA),
    row("GET", "/schedules/{id}/spans.csv", TeamA),
    form(
        "POST",
        "/schedules/{id}/edit",
        LeadOfA,
        "csrf={csrf}&name=authz&layer_rotation={rotation}&layer_tier=secondary",
    ),
    form(
        "POST",
        "/rotations/{id}/proposals",
        LeadOfA,
        "csrf={csrf}&weeks=4",
    ),
    row("GET", "/proposals/{id}", TeamA),
    form(
        "POST",
        "/rotations/{id}/drills",
        LeadOfA,
        "csrf={csrf}&at=2027-02-01T10%3A00&scenario=failover",
    ),
    form(
        "POST",
        "/drills/{id}/held",
        LeadOfA,
        "csrf={csrf}&participants={other}",
    ),
    form(
        "POST",
        "/rotations/{id}/newcomers",
        LeadOfA,
        "csrf={csrf}&person_id={other}&buddy_id={lead}",
    ),
    form(
        "POST",
        "/newcomers/{id}/edit",
        LeadOfA,
        "csrf={csrf}&ready=yes",
    ),
    form(
        "POST",
        "/newcomers/{id}/shadow-shifts",
        LeadOfA,
        "csrf={csrf}&from=2027-01-11T09%3A00&until=",
    ),
    row("GET", "/time-off", Owner),
    row("GET", "/feeds", Owner),
    form("POST", "/feeds", Owner, "csrf={csrf}&kind=person"),
    form(
        "POST",
        "/time-off",
        Owner,
        "csrf={csrf}&start=2027-08-02&end=2027-08-03&kind=appointment",
    ),
    form("POST", "/proposals/{id}/accept", LeadOfA, "csrf={csrf}"),
    form("POST", "/proposals/{id}/discard", LeadOfA, "csrf={csrf}"),
    // Asking for oneself: only the lead is on call then; the others' answer is a
    // refusal with a reason (400), which is theirs to read, not a lack of right.
    form(
        "POST",
        "/rotations/{id}/cover",
        TeamA,
        "csrf={csrf}&start=2027-01-08T18%3A00&end=2027-01-08T20%3A00&note=web-{caller}",
    ),
    // Not a calendar: a lead's answer is the form shown again with why (400).
    form(
        "POST",
        "/rotations/{id}/edit",
        LeadOfA,
        "csrf={csrf}&name=authz&time_zone=Europe%2FLondon&start=2027-01-04T09%3A00&shift_length=1w&members={other}",
    ),
    form(
        "POST",
        "/rotations/{id}/import",
        LeadOfA,
        "csrf={csrf}&calendar=not+a+calendar",
    ),
    form(
        "POST",
        "/rotations/{id}/overrides",
        LeadOfA,
        "csrf={csrf}&person={other}&start=2027-01-05T13%3A00&end=2027-01-05T14%3A00",
    ),
    // Taking for oneself: the lead asked, so their own answer is a refusal with a
    // reason (400), not a lack of right; admins outside the team likewise.
    form("POST", "/cover-requests/{id}/take", TeamA, "csrf={csrf}"),
    form(
        "POST",
        "/cover-requests/{id}/withdraw",
        LeadOfA,
        "csrf={csrf}",
    ),
    // ---- pages: integrations
    // Lists only the integrations of teams the caller leads (all, for admins).
    row("GET", "/integrations", SignedIn),
    form(
        "POST",
        "/integrations",
        LeadOfA,
        "csrf={csrf}&team=alpha&source=pagerduty&name=web-{caller}",
    ),
    // ---- static files
    row("GET", "/static/htmx.min.js", Public),
    row("GET", "/static/app.css", Public),
    row("GET", "/static/app.js", Public),
    // ---- last: what destroys or ends something
    last(form(
        "POST",
        "/teams/{id}/members/remove",
        LeadOfA,
        "csrf={csrf}&person_id={other}",
    )),
    last(row(
        "DELETE",
        "/api/v1/teams/{id}/members/{person}",
        LeadOfA,
    )),
    last(form(
        "POST",
        "/people/{id}/deactivate",
        Admin,
        "csrf={csrf}",
    )),
    last(row("POST", "/api/v1/people/{id}/deactivate", Admin)),
    last(row("DELETE", "/api/v1/people/{id}", Admin)),
    last(row("DELETE", "/api/v1/integrations/{id}", LeadOfA)),
    last(row("DELETE", "/api/v1/incidents/{id}", LeadOfA)),
    last(form(
        "POST",
        "/rotations/{id}/delete",
        LeadOfA,
        "csrf={csrf}",
    )),
    last(form(
        "POST",
        "/incidents/{id}/delete",
        LeadOfA,
        "csrf={csrf}",
    )),
    last(row("DELETE", "/api/v1/me/journal/{id}", TokenOwner)),
    last(row("DELETE", "/api/v1/me/time-off/{id}", TokenOwner)),
    last(row("DELETE", "/api/v1/me/feeds/{id}", TokenOwner)),
    last(form(
        "POST",
        "/feeds/{id}/delete",
        TokenOwner,
        "csrf={csrf}",
    )),
    last(form(
        "POST",
        "/time-off/{id}/delete",
        TokenOwner,
        "csrf={csrf}",
    )),
    last(form(
        "POST",
        "/journal/{id}/delete",
        TokenOwner,
        "csrf={csrf}",
    )),
    last(row("DELETE", "/api/v1/me/journal", Owner)),
    last(form(
        "POST",
        "/journal/delete",
        Owner,
        "csrf={csrf}&confirm=delete",
    )),
    last(row("DELETE", "/api/v1/support-resources/{id}", Admin)),
    last(form(
        "POST",
        "/support/resources/{id}/delete",
        Admin,
        "csrf={csrf}",
    )),
    last(api(
        "DELETE",
        "/api/v1/teams/{id}/measures",
        LeadOfA,
        r#"{"id":"authz-measure"}"#,
    )),
    last(row("DELETE", "/api/v1/me/tokens/{id}", TokenOwner)),
    last(form("POST", "/teams/{id}/delete", Admin, "csrf={csrf}")),
    last(row("DELETE", "/api/v1/teams/{id}", Admin)),
    // Signing out always ends on the sign-in page, for anyone.
    last(form("POST", "/logout", Public, "csrf={csrf}")),
];

/// One caller's organisation and credentials.
struct World {
    app: TestApp,
    team_a: TeamId,
    team_b: TeamId,
    /// Teams with a pending invitation for the member: one to accept by the
    /// API, one to decline by the API, one to answer on the page.
    team_c: TeamId,
    team_d: TeamId,
    /// Like team A (same lead and member), deleted by the API's row.
    team_e: TeamId,
    subject: PersonId,
    other: PersonId,
    /// A member of team A whom the API's row removes.
    other2: PersonId,
    integration: String,
    /// An unattributed page of team A whose sender named `pagerduty:PCLAIM`.
    page: i64,
    /// An incident of team A with `other` as a responder and in communications.
    incident: i64,
    /// Another, which the page's delete row deletes.
    incident2: i64,
    member_token_id: i64,
    /// The member's check-in, journal entry and pairing (as supporter); a resource.
    checkin: i64,
    journal_entry: i64,
    /// A second entry and resource, for the pages' delete rows.
    journal_entry2: i64,
    pairing: i64,
    resource: i64,
    resource2: i64,
    /// A rotation of team A (the lead and `other`); the API's delete row deletes it.
    rotation: i64,
    /// Another, which the page's delete row deletes.
    rotation2: i64,
    /// Schedules of team A stacking `rotation`: the API's delete row deletes the first,
    /// the page's the second.
    schedules: [i64; 2],
    /// Holiday calendars: the API's rows use the first, the page's delete the second.
    calendars: [i64; 2],
    /// Rest the member earned.
    rest: i64,
    /// Open cover requests of the lead's first shift on `rotation`: one to take, one
    /// to withdraw, for the API's rows and the pages' each.
    cover: i64,
    cover2: i64,
    cover3: i64,
    cover4: i64,
    /// An override on `rotation`, for the API's delete row and the page's.
    override_id: i64,
    override2: i64,
    /// Past fire drills of `rotation`: to record and to delete, by the API and the pages.
    drills: [i64; 4],
    /// The lead of team A (a buddy in the newcomer rows).
    lead: PersonId,
    /// Newcomers to `rotation`: changed by the API, changed by the page, deleted by the
    /// API, deleted by the page; the first's two shadow shifts, deleted by each.
    newcomers: [i64; 4],
    shadows: [i64; 2],
    /// The member's calendar feeds: one for the API's revoke row, one for the page's.
    feeds: [i64; 2],
    /// The member's time off: one for the API's rows, one for the page's delete.
    time_off: [i64; 2],
    /// Proposals for `rotation`: one to read, and one each to accept and discard by the
    /// API and by the pages.
    plans: [i64; 5],
    cookie: Option<String>,
    csrf: String,
    bearer: Option<String>,
}

async fn person_in(
    app: &TestApp,
    team: TeamId,
    name: &str,
    email: &str,
    role: TeamRole,
) -> PersonId {
    let p = app
        .store
        .create_person(&new_person(name, email, "UTC"))
        .await
        .unwrap();
    app.store.set_membership(team, p.id, role).await.unwrap();
    p.id
}

async fn world(backend: Backend, caller: Caller) -> World {
    let app = spawn_app(backend).await;
    let s = &app.store;
    let team_a = s.create_team("alpha").await.unwrap().id;
    let team_b = s.create_team("beta").await.unwrap().id;
    let admin = s
        .create_admin(
            &new_person("Ada Admin", "admin@example.com", "UTC"),
            "not-a-usable-hash",
            false,
        )
        .await
        .unwrap()
        .id;
    let lead = person_in(&app, team_a, "Lee Lead", "lead@example.com", TeamRole::Lead).await;
    let other_lead = person_in(&app, team_b, "Olu Other", "olu@example.com", TeamRole::Lead).await;
    let member = person_in(
        &app,
        team_a,
        "Mo Member",
        "mo@example.com",
        TeamRole::Member,
    )
    .await;
    let subject = person_in(
        &app,
        team_a,
        "Sia Subject",
        "sia@example.com",
        TeamRole::Member,
    )
    .await;
    let other = person_in(
        &app,
        team_a,
        "Ode Other",
        "ode@example.com",
        TeamRole::Member,
    )
    .await;
    let other2 = person_in(
        &app,
        team_a,
        "Ona Other",
        "ona@example.com",
        TeamRole::Member,
    )
    .await;
    let team_c = s.create_team("gamma").await.unwrap().id;
    let team_d = s.create_team("delta").await.unwrap().id;
    let team_e = s.create_team("epsilon").await.unwrap().id;
    s.set_membership(team_e, lead, TeamRole::Lead)
        .await
        .unwrap();
    s.set_membership(team_e, member, TeamRole::Member)
        .await
        .unwrap();
    for t in [team_c, team_d] {
        s.propose_membership(t, member, TeamRole::Member, Some(admin))
            .await
            .unwrap();
    }
    s.create_person(&new_person("Outside", "other@example.com", "UTC"))
        .await
        .unwrap();
    s.propose_membership(team_b, member, TeamRole::Member, Some(other_lead))
        .await
        .unwrap();
    let integration = "authz-integration".to_string();
    let integration_id = s
        .create_integration(&NewIntegration {
            public_id: integration.clone(),
            team_id: team_a,
            source: "pagerduty".into(),
            name: "alpha pagerduty".into(),
            secret: "0123456789abcdef0123456789abcdef".into(),
        })
        .await
        .unwrap()
        .id;
    let page = crate::common::unattributed_page(s, integration_id, team_a, "PCLAIM").await;
    let incident = s
        .create_incident(&aftercare_store::NewIncident {
            team_id: Some(team_a),
            incident_key: "manual-authz".into(),
            title: "Authorisation incident".into(),
            severity: None,
            started_at: 1_700_000_000_000,
            resolved_at: None,
            created_by: None,
        })
        .await
        .unwrap()
        .id;
    for role in [
        aftercare_store::ParticipantRole::Responder,
        aftercare_store::ParticipantRole::Communications,
    ] {
        s.add_participant(
            incident,
            other,
            role,
            aftercare_store::ParticipantOrigin::Payload,
            1_700_000_000_000,
        )
        .await
        .unwrap();
    }
    let incident2 = s
        .create_incident(&aftercare_store::NewIncident {
            team_id: Some(team_a),
            incident_key: "manual-authz-2".into(),
            title: "Another".into(),
            severity: None,
            started_at: 1_700_000_000_000,
            resolved_at: None,
            created_by: None,
        })
        .await
        .unwrap()
        .id;
    // The member's personal token, made as the member would: through their session.
    let member_session = accounts::start_session(s, member).await.unwrap();
    let member_actor = accounts::by_session(s, &member_session.cookie)
        .await
        .unwrap()
        .unwrap();
    let own = accounts::create_own_token(s, &member_actor, "laptop")
        .await
        .unwrap();
    let checkin = s
        .create_checkins(&[aftercare_store::NewCheckin {
            person_id: member,
            incident_id: incident,
            team_id: Some(team_a),
            offset_label: "1d".into(),
            due_at: 1_700_000_000_000,
            measures: vec!["post-incident-stress".into()],
        }])
        .await
        .unwrap()[0]
        .0;
    let journal_entry = aftercare_app::journal::write(
        s,
        &member_actor,
        &aftercare_app::journal::NewEntry {
            passphrase: "the member's own passphrase".into(),
            text: "authz".into(),
            incident_id: None,
        },
    )
    .await
    .unwrap()
    .id;
    let journal_entry2 = aftercare_app::journal::write(
        s,
        &member_actor,
        &aftercare_app::journal::NewEntry {
            passphrase: "the member's own passphrase".into(),
            text: "authz 2".into(),
            incident_id: None,
        },
    )
    .await
    .unwrap()
    .id;
    let pairing = s
        .create_pairings(&[aftercare_store::NewPairing {
            incident_id: incident,
            team_id: Some(team_a),
            participant_id: other,
            supporter_id: Some(member),
            outcome: aftercare_store::PairingOutcome::Paired,
            overlap_minutes: 0,
        }])
        .await
        .unwrap()[0]
        .0;
    s.give_checklist(incident, Some(team_a), lead, &["reach-out"])
        .await
        .unwrap();
    let resource = s
        .add_support_resource("Counselling", "0800 111", "")
        .await
        .unwrap()
        .id;
    let resource2 = s
        .add_support_resource("Employee assistance", "0800 222", "")
        .await
        .unwrap()
        .id;
    s.put_team_measure(team_a, "authz-measure", "id = \"authz-measure\"")
        .await
        .unwrap();
    let rotation = s
        .create_rotation(&aftercare_store::NewRotation {
            team_id: team_a,
            name: "authz".into(),
            time_zone: "Europe/London".into(),
            starts_local: "2027-01-04T09:00".into(),
            shift_length: "1w".into(),
            members: vec![lead, other],
        })
        .await
        .unwrap()
        .rotation
        .id
        .0;
    let rotation2 = s
        .create_rotation(&aftercare_store::NewRotation {
            team_id: team_a,
            name: "authz 2".into(),
            time_zone: "UTC".into(),
            starts_local: "2027-01-04T09:00".into(),
            shift_length: "12h".into(),
            members: vec![other],
        })
        .await
        .unwrap()
        .rotation
        .id
        .0;
    let mut schedules = [0; 2];
    for (i, name) in ["authz", "authz 2"].into_iter().enumerate() {
        schedules[i] = s
            .create_schedule(&aftercare_store::NewSchedule {
                team_id: team_a,
                name: name.into(),
                layers: vec![aftercare_store::StoredLayer {
                    tier: "primary".into(),
                    rotation_id: aftercare_store::RotationId(rotation),
                    window_start: None,
                    window_end: None,
                    window_zone: None,
                }],
            })
            .await
            .unwrap()
            .schedule
            .id
            .0;
    }
    let mut calendars = [0; 2];
    for (i, name) in ["authz holidays", "authz holidays 2"]
        .into_iter()
        .enumerate()
    {
        calendars[i] = s
            .create_holiday_calendar(&aftercare_store::NewHolidayCalendar {
                name: name.into(),
                region: "Testland".into(),
                source: String::new(),
                days: vec![("2027-01-01".into(), "New Year".into())],
            })
            .await
            .unwrap()
            .id
            .0;
    }
    let mut covers = Vec::new();
    for hour in [9, 10, 11, 12] {
        let at = |h: i32| {
            format!("2027-01-05T{h:02}:00:00Z")
                .parse::<jiff::Timestamp>()
                .unwrap()
                .as_millisecond()
        };
        covers.push(
            s.create_cover_request(&aftercare_store::NewCoverRequest {
                rotation_id: aftercare_store::RotationId(rotation),
                person_id: lead,
                starts_at: at(hour),
                ends_at: at(hour + 1),
                note: String::new(),
                swap: None,
                created_by: Some(lead),
            })
            .await
            .unwrap()
            .id
            .0,
        );
    }
    let mut overrides = Vec::new();
    for day in [6, 7] {
        let at = |h: i32| {
            format!("2027-01-{day:02}T{h:02}:00:00Z")
                .parse::<jiff::Timestamp>()
                .unwrap()
                .as_millisecond()
        };
        overrides.push(
            s.create_override(&aftercare_store::NewOverride {
                rotation_id: aftercare_store::RotationId(rotation),
                person_id: other,
                starts_at: at(9),
                ends_at: at(17),
                replaces: Some(lead),
                note: String::new(),
                created_by: Some(lead),
            })
            .await
            .unwrap()
            .id
            .0,
        );
    }
    let mut drills = [0; 4];
    for slot in drills.iter_mut() {
        *slot = s
            .schedule_drill(
                aftercare_store::RotationId(rotation),
                1_793_000_000_000,
                "the database fails over",
                Some(lead),
            )
            .await
            .unwrap()
            .id
            .0;
    }
    let mut newcomers = [0; 4];
    for (slot, (who, buddy)) in newcomers.iter_mut().zip([
        (lead, other),
        (subject, lead),
        (other2, lead),
        (member, lead),
    ]) {
        *slot = s
            .add_newcomer(
                aftercare_store::RotationId(rotation),
                who,
                buddy,
                Some(lead),
            )
            .await
            .unwrap()
            .id
            .0;
    }
    let mut shadows = [0; 2];
    for (i, slot) in shadows.iter_mut().enumerate() {
        *slot = s
            .add_shadow_shift(
                aftercare_store::NewcomerId(newcomers[0]),
                1_800_000_000_000 + i as i64 * 86_400_000,
                1_800_000_000_000 + (i as i64 + 1) * 86_400_000,
                Some(lead),
            )
            .await
            .unwrap()
            .0;
    }
    let mut feeds = [0; 2];
    for (i, slot) in feeds.iter_mut().enumerate() {
        *slot = s
            .create_feed(&format!("authz-feed-{i}"), "person", member.0, member)
            .await
            .unwrap()
            .id
            .0;
    }
    // Rest the member earned: the API's row and the page's say whether it was taken.
    let rest = s
        .record_rest(
            &aftercare_store::NewRest {
                person_id: member,
                rotation_id: aftercare_store::RotationId(rotation),
                shift_start: 1_900_000_000_000,
                shift_end: 1_900_604_800_000,
                nights: 2,
                minutes: 480,
                late_start_day: "2030-03-19".into(),
                usual_start: 1_900_000_000_000,
                late_start: 1_900_028_800_000,
            },
            None,
        )
        .await
        .unwrap()
        .rest
        .id
        .0;
    let mut time_off = [0; 2];
    for (i, slot) in time_off.iter_mut().enumerate() {
        *slot = s
            .add_time_off(&aftercare_store::NewTimeOff {
                person_id: member,
                starts_at: 1_900_000_000_000 + i as i64 * 86_400_000,
                ends_at: 1_900_000_000_000 + (i as i64 + 1) * 86_400_000,
                kind: "leave".into(),
                note: "the member's own".into(),
            })
            .await
            .unwrap()
            .id
            .0;
    }
    // One real proposal from the generator, and copies of it to decide on.
    let first = aftercare_app::proposals::propose(
        s,
        &aftercare_app::Actor::command_line(),
        aftercare_store::RotationId(rotation),
        &aftercare_app::proposals::ProposeInput { weeks: Some(4) },
    )
    .await
    .unwrap();
    let stored = s.plan(first.id).await.unwrap().unwrap();
    let mut plans = [first.id.0; 5];
    for slot in plans.iter_mut().skip(1) {
        *slot = s
            .create_plan(&aftercare_store::NewPlan {
                rotation_id: stored.rotation_id,
                starts_at: stored.starts_at,
                ends_at: stored.ends_at,
                body: stored.body.clone(),
                created_by: None,
            })
            .await
            .unwrap()
            .id
            .0;
    }
    let session_of = |id: PersonId| async move { accounts::start_session(s, id).await.unwrap() };
    let (cookie, csrf, bearer) = match caller {
        Caller::Anonymous => (None, String::new(), None),
        Caller::Member => (
            Some(member_session.cookie.clone()),
            member_session.session.csrf_token.clone(),
            None,
        ),
        Caller::MemberToken => (None, String::new(), Some(own.token.clone())),
        Caller::CliToken => {
            let p = s.person(member).await.unwrap().unwrap();
            let t = accounts::create_token_for(s, Some(&p), false, "cli")
                .await
                .unwrap();
            (None, String::new(), Some(t.token))
        }
        Caller::OtherLead | Caller::Lead | Caller::Admin => {
            let id = match caller {
                Caller::OtherLead => other_lead,
                Caller::Lead => lead,
                _ => admin,
            };
            let n = session_of(id).await;
            (Some(n.cookie), n.session.csrf_token, None)
        }
        Caller::AdminToken => (None, String::new(), Some(app.admin_token.clone())),
    };
    World {
        team_a,
        team_b,
        team_c,
        team_d,
        team_e,
        subject,
        other,
        other2,
        integration,
        page: page.0,
        incident: incident.0,
        incident2: incident2.0,
        member_token_id: own.id.0,
        checkin: checkin.0,
        journal_entry: journal_entry.0,
        journal_entry2: journal_entry2.0,
        pairing: pairing.0,
        resource: resource.0,
        resource2: resource2.0,
        rotation,
        rotation2,
        schedules,
        calendars,
        rest,
        cover: covers[0],
        cover2: covers[1],
        cover3: covers[2],
        cover4: covers[3],
        override_id: overrides[0],
        override2: overrides[1],
        plans,
        time_off,
        feeds,
        drills,
        lead,
        newcomers,
        shadows,
        cookie,
        csrf,
        bearer,
        app,
    }
}

impl World {
    fn concrete(&self, method: &str, path: &str, caller: Caller) -> String {
        let id = if path == "/api/v1/me/teams/{id}/accept" {
            self.team_b.to_string()
        } else if path == "/api/v1/me/teams/{id}/decline" {
            self.team_c.to_string()
        } else if path == "/teams/{id}/answer" {
            self.team_d.to_string()
        } else if method == "DELETE" && path == "/api/v1/teams/{id}" {
            self.team_e.to_string()
        } else if path.starts_with("/api/v1/me/checkins/") || path.starts_with("/checkins/") {
            self.checkin.to_string()
        } else if path == "/api/v1/me/journal/{id}" {
            self.journal_entry.to_string()
        } else if path == "/journal/{id}/delete" {
            self.journal_entry2.to_string()
        } else if path.contains("/pairings/") {
            self.pairing.to_string()
        } else if path.starts_with("/api/v1/me/checklists/") {
            self.incident.to_string()
        } else if path.starts_with("/api/v1/support-resources/") {
            self.resource.to_string()
        } else if path.starts_with("/support/resources/") {
            self.resource2.to_string()
        } else if path == "/incidents/{id}/delete" {
            self.incident2.to_string()
        } else if path.starts_with("/api/v1/incidents/") || path.starts_with("/incidents/") {
            self.incident.to_string()
        } else if path.starts_with("/api/v1/pages/") {
            self.page.to_string()
        } else if path.starts_with("/api/v1/me/tokens/") {
            self.member_token_id.to_string()
        } else if path == "/api/v1/cover-requests/{id}/take" {
            self.cover.to_string()
        } else if path == "/api/v1/cover-requests/{id}/withdraw" {
            self.cover2.to_string()
        } else if path == "/cover-requests/{id}/take" {
            self.cover3.to_string()
        } else if path == "/cover-requests/{id}/withdraw" {
            self.cover4.to_string()
        } else if path == "/api/v1/overrides/{id}" {
            self.override_id.to_string()
        } else if path == "/overrides/{id}/delete" {
            self.override2.to_string()
        } else if method == "DELETE" && path == "/api/v1/newcomers/{id}" {
            self.newcomers[2].to_string()
        } else if path.starts_with("/api/v1/newcomers/") {
            self.newcomers[0].to_string()
        } else if path == "/newcomers/{id}/delete" {
            self.newcomers[3].to_string()
        } else if path.starts_with("/newcomers/") {
            self.newcomers[1].to_string()
        } else if path == "/api/v1/shadow-shifts/{id}" {
            self.shadows[0].to_string()
        } else if path == "/shadow-shifts/{id}/delete" {
            self.shadows[1].to_string()
        } else if path == "/api/v1/drills/{id}/held" {
            self.drills[0].to_string()
        } else if path == "/api/v1/drills/{id}" {
            self.drills[1].to_string()
        } else if path == "/drills/{id}/held" {
            self.drills[2].to_string()
        } else if path == "/drills/{id}/delete" {
            self.drills[3].to_string()
        } else if path == "/api/v1/me/feeds/{id}" {
            self.feeds[0].to_string()
        } else if path == "/feeds/{id}/delete" {
            self.feeds[1].to_string()
        } else if path == "/api/v1/me/time-off/{id}" {
            self.time_off[0].to_string()
        } else if path == "/time-off/{id}/delete" {
            self.time_off[1].to_string()
        } else if path == "/api/v1/proposals/{id}" || path == "/proposals/{id}" {
            self.plans[0].to_string()
        } else if path == "/api/v1/proposals/{id}/accept" {
            self.plans[1].to_string()
        } else if path == "/api/v1/proposals/{id}/discard" {
            self.plans[2].to_string()
        } else if path == "/proposals/{id}/accept" {
            self.plans[3].to_string()
        } else if path == "/proposals/{id}/discard" {
            self.plans[4].to_string()
        } else if path == "/rotations/{id}/delete" {
            self.rotation2.to_string()
        } else if path == "/api/v1/me/rest/{id}" || path == "/rest/{id}" {
            self.rest.to_string()
        } else if path == "/holidays/{id}/delete" {
            self.calendars[1].to_string()
        } else if path.starts_with("/api/v1/holiday-calendars/") || path.starts_with("/holidays/") {
            self.calendars[0].to_string()
        } else if path == "/schedules/{id}/delete" {
            self.schedules[1].to_string()
        } else if path.starts_with("/api/v1/schedules/") || path.starts_with("/schedules/") {
            self.schedules[0].to_string()
        } else if path.starts_with("/api/v1/rotations/") || path.starts_with("/rotations/") {
            self.rotation.to_string()
        } else if path.contains("/integrations/") {
            self.integration.clone()
        } else if path.starts_with("/api/v1/people/") || path.starts_with("/people/") {
            self.subject.to_string()
        } else {
            self.team_a.to_string()
        };
        path.replace("{id}", &id)
            .replace("{integration}", &self.integration)
            .replace("{person}", &self.other2.to_string())
            .replace("{token}", "0123456789abcdef")
            .replace("{caller}", &format!("{caller:?}").to_lowercase())
    }

    async fn ask(&self, row: &Row, caller: Caller) -> (u16, String) {
        let url = self.app.url(&self.concrete(row.method, row.path, caller));
        let fill = |text: &str| {
            text.replace("{csrf}", &self.csrf)
                .replace("{other}", &self.other.to_string())
                .replace("{lead}", &self.lead.to_string())
                .replace("{page}", &self.page.to_string())
                .replace("{team}", &self.team_a.to_string())
                .replace("{rotation}", &self.rotation.to_string())
                .replace("{caller}", &format!("{caller:?}").to_lowercase())
        };
        let method = Method::from_bytes(row.method.as_bytes()).unwrap();
        let mut req = self.app.client.request(method, &url);
        if let Some(c) = &self.cookie {
            req = req.header("cookie", format!("aftercare_session={c}"));
        }
        if let Some(b) = &self.bearer {
            req = req.bearer_auth(b);
        }
        if row.path.starts_with("/api/") {
            if row.method != "GET" {
                req = req
                    .header("x-csrf-token", &self.csrf)
                    .header("content-type", "application/json")
                    .body(if row.json.is_empty() {
                        "{}".to_string()
                    } else {
                        fill(row.json)
                    });
            }
        } else if row.method == "POST" {
            let body = fill(row.form);
            req = req
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body);
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        let to = res
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        (status, to)
    }
}

/// Whether an answer lets the caller through. Signing out answers with the
/// sign-in page whoever asks, so there a redirect to it is the answer itself.
fn let_through(row: &Row, status: u16, location: &str) -> bool {
    if row.path == "/logout" {
        return status == 303 && location == "/login";
    }
    !refused(status, location)
}

/// A refusal: not signed in, not allowed, hidden (404), or sent to sign in.
fn refused(status: u16, location: &str) -> bool {
    matches!(status, 401 | 403 | 404) || ((300..400).contains(&status) && location == "/login")
}

/// The (method, path) pairs the server routes: each registered path, with
/// every method it does not answer 405 to.
async fn routed(app: &TestApp) -> BTreeSet<(String, String)> {
    let mut found = BTreeSet::new();
    for path in aftercare_server::route_paths() {
        let probe = path
            .replace("{id}", "1")
            .replace("{person}", "1")
            .replace("{integration}", "x")
            .replace("{token}", "x");
        for method in ["GET", "POST", "PUT", "PATCH", "DELETE"] {
            // Anonymous and without a body: nothing is changed, and a method
            // the path does not have is a 405 before any handler runs.
            let res = app
                .client
                .request(
                    Method::from_bytes(method.as_bytes()).unwrap(),
                    app.url(&probe),
                )
                .send()
                .await
                .unwrap();
            if res.status() != 405 {
                found.insert((method.to_string(), path.clone()));
            }
        }
    }
    found
}

async fn every_route_answers_every_caller_as_policy_says(backend: Backend) {
    let probe = spawn_app(backend).await;
    let routes = routed(&probe).await;
    probe.stop().await;
    let table: BTreeSet<(String, String)> = ROWS
        .iter()
        .map(|r| (r.method.to_string(), r.path.to_string()))
        .collect();
    assert_eq!(
        table.len(),
        ROWS.len(),
        "a (method, path) is in the table twice"
    );
    let missing: Vec<_> = routes.difference(&table).collect();
    let stale: Vec<_> = table.difference(&routes).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "routes without a row in tests/authorization.rs: {missing:?}; rows for routes that are gone: {stale:?}"
    );

    let mut wrong = Vec::new();
    let ordered: Vec<&Row> = ROWS
        .iter()
        .filter(|r| !r.last)
        .chain(ROWS.iter().filter(|r| r.last))
        .collect();
    for caller in CALLERS {
        let w = world(backend, caller).await;
        for row in &ordered {
            // A token acts as its holder on pages too (browsers never send
            // one by themselves, so it needs no CSRF token).
            let expected = row.access.allows(caller);
            let (status, location) = w.ask(row, caller).await;
            let allowed = let_through(row, status, &location);
            if allowed != expected {
                wrong.push(format!(
                    "{caller:?} {} {} → {status} {location} (expected {})",
                    row.method,
                    row.path,
                    if expected { "allowed" } else { "refused" }
                ));
            }
        }
        w.app.stop().await;
    }
    assert!(
        wrong.is_empty(),
        "{} answers differ from policy:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

crate::on_both!(every_route_answers_every_caller_as_policy_says);
