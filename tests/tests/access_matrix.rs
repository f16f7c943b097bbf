//! SECURITY.md, Access control (V8), as a matrix: each role × each server
//! function and page × objects of organisation A. B's member gets nothing of
//! A's; volunteers never get confidential details; only coordinators vet.

use frontline_tests::{DbKind, TestApp, TestClient, db_tests, world};
use std::collections::BTreeMap;

/// What a role may get from one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    /// 2xx.
    Ok,
    /// 401 (not signed in).
    SignIn,
    /// 403 (wrong role).
    Forbidden,
    /// 404 (may not know it exists).
    Hidden,
    /// 409 (allowed to ask, not in this state: the lifecycle refuses).
    Conflict,
    /// 422 (allowed to ask; the input is refused).
    Invalid,
}

impl Expect {
    fn matches(self, status: u16) -> bool {
        match self {
            Self::Ok => (200..300).contains(&status),
            Self::SignIn => status == 401,
            Self::Forbidden => status == 403,
            Self::Hidden => status == 404,
            Self::Conflict => status == 409,
            Self::Invalid => status == 422,
        }
    }
}

struct World {
    clients: BTreeMap<&'static str, TestClient>,
    org_a: i64,
    open_need: i64,
    draft_need: i64,
    volunteer_id: i64,
    engagement: i64,
    /// Published to everyone (A and B).
    advisory: i64,
    /// A draft.
    advisory_draft: i64,
}

async fn world(app: &TestApp) -> World {
    let (coordinator, _) = app.signed_in_coordinator("coord@example.org").await;
    let member_a = app.client();
    let (_, org_a) =
        world::member_with_organisation(app, &member_a, "a@hospital-a.example", "Hospital A").await;
    let member_b = app.client();
    let (_, org_b) =
        world::member_with_organisation(app, &member_b, "b@hospital-b.example", "Hospital B").await;
    world::vet_organisation(&coordinator, org_a, "approve").await;
    world::vet_organisation(&coordinator, org_b, "approve").await;
    let category = world::category(app, "email_security").await;
    let skill = world::skill(app, "dmarc").await;
    let open_need = world::draft_need(&member_a, &world::need_form("A's open need", category, skill)).await;
    member_a
        .call_json("/api/needs/submit", &[("id", &open_need.to_string())])
        .await;
    coordinator
        .call_json(
            "/api/vetting/triage",
            &[("id", &open_need.to_string()), ("decision", "open"), ("note", "")],
        )
        .await;
    let draft_need = world::draft_need(&member_a, &world::need_form("A's draft", category, skill)).await;
    let approved = app.client();
    let volunteer = world::volunteer(app, &approved, "approved@example.org", Some(&coordinator)).await;
    let pending = app.client();
    world::volunteer(app, &pending, "pending@example.org", None).await;
    let engagement = world::propose(&coordinator, open_need, "approved@example.org").await;
    let advisory = world::draft_advisory(
        &coordinator,
        &world::advisory_form("Fake rota portal", "critical", &[("input[everyone]", "on")]),
    )
    .await;
    world::publish_advisory(&coordinator, advisory).await;
    let advisory_draft = world::draft_advisory(
        &coordinator,
        &world::advisory_form("Not yet", "high", &[("input[regions][Africa]", "on")]),
    )
    .await;
    let mut clients = BTreeMap::new();
    clients.insert("anonymous", app.client());
    clients.insert("volunteer_pending", pending);
    clients.insert("volunteer_approved", approved);
    clients.insert("member_a", member_a);
    clients.insert("member_b", member_b);
    clients.insert("coordinator", coordinator);
    World {
        clients,
        org_a,
        open_need,
        draft_need,
        volunteer_id: volunteer.id,
        engagement,
        advisory,
        advisory_draft,
    }
}

/// One row of the matrix: a server function, its fields, and what each role gets.
type Row<'a> = (&'a str, Vec<(&'a str, &'a str)>, [Expect; 6]);

const ROLES: [&str; 6] = [
    "anonymous",
    "volunteer_pending",
    "volunteer_approved",
    "member_a",
    "member_b",
    "coordinator",
];

db_tests! {
    async fn every_role_gets_exactly_what_it_may_from_every_server_function(db: DbKind) {
        use Expect::{Conflict as C, Forbidden as F, Hidden as H, Invalid as I, Ok as O, SignIn as S};
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        let open = w.open_need.to_string();
        let draft = w.draft_need.to_string();
        let org = w.org_a.to_string();
        let volunteer = w.volunteer_id.to_string();
        let e = w.engagement.to_string();
        let adv = w.advisory.to_string();
        let adv_draft = w.advisory_draft.to_string();
        let category = world::category(&app, "email_security").await;
        let skill = world::skill(&app, "dmarc").await;
        let mut update = world::need_form("Changed by someone", category, skill);
        update.push(("id".into(), draft.clone()));
        let update: Vec<(&str, &str)> = update.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();

        // (path, fields, expectation for: anonymous, volunteer pending, volunteer approved, member A, member B, coordinator)
        let matrix: Vec<Row<'_>> = vec![
            ("/api/needs/detail", vec![("id", open.as_str())], [S, H, O, O, H, O]),
            ("/api/needs/detail", vec![("id", draft.as_str())], [S, H, H, O, H, O]),
            ("/api/needs/form", vec![("id", draft.as_str())], [S, F, F, O, H, F]),
            ("/api/needs/update", update.clone(), [S, F, F, O, H, F]),
            ("/api/needs/mine", vec![], [S, F, F, O, O, F]),
            ("/api/needs/open", vec![], [S, F, O, F, F, F]),
            ("/api/organisation/mine", vec![], [S, F, F, O, O, F]),
            ("/api/organisation/invite", vec![], [S, F, F, O, O, F]),
            ("/api/volunteer/mine", vec![], [S, O, O, F, F, F]),
            ("/api/catalogue", vec![], [S, O, O, O, O, O]),
            ("/api/vetting/organisations", vec![], [S, F, F, F, F, O]),
            ("/api/vetting/organisation", vec![("id", org.as_str())], [S, F, F, F, F, O]),
            ("/api/vetting/volunteers", vec![], [S, F, F, F, F, O]),
            ("/api/vetting/volunteer", vec![("id", volunteer.as_str())], [S, F, F, F, F, O]),
            ("/api/vetting/needs", vec![], [S, F, F, F, F, O]),
            ("/api/vetting/priority", vec![("id", org.as_str()), ("priority", ""), ("reason", "")], [S, F, F, F, F, O]),
            ("/api/admin/accounts", vec![], [S, F, F, F, F, O]),
            ("/api/admin/audit", vec![], [S, F, F, F, F, O]),
            ("/api/admin/mail", vec![], [S, F, F, F, F, O]),
            ("/api/admin/retry_mail", vec![("mail", "999999")], [S, F, F, F, F, H]),
            ("/api/engagements/page", vec![("id", e.as_str())], [S, H, O, O, H, O]),
            ("/api/engagements/messages", vec![("id", e.as_str()), ("after", "0")], [S, H, O, O, H, O]),
            ("/api/engagements/list", vec![], [S, O, O, O, O, O]),
            ("/api/engagements/history", vec![], [S, O, O, F, F, F]),
            ("/api/notifications/list", vec![], [S, O, O, O, O, O]),
            ("/api/mail/settings", vec![], [S, O, O, O, O, O]),
            ("/api/mail/save", vec![("messages", "daily")], [S, O, O, O, O, O]),
            ("/api/mail/change_email", vec![("email", "x@example.org"), ("password", "wrong password here")], [S, I, I, I, I, I]),
            ("/api/mail/unsubscribe_info", vec![("token", "1.messages.00")], [H, H, H, H, H, H]),
            ("/api/guidance/library", vec![("q", "backups")], [O, O, O, O, O, O]),
            ("/api/guidance/article", vec![("slug", "patching")], [O, O, O, O, O, O]),
            ("/api/guidance/article", vec![("slug", "no-such-article")], [H, H, H, H, H, H]),
            ("/api/guidance/for_category", vec![("category", "1")], [O, O, O, O, O, O]),
            ("/api/guidance/form", vec![("slug", "patching")], [S, F, F, F, F, O]),
            ("/api/guidance/form", vec![], [S, F, F, F, F, O]),
            (
                "/api/guidance/save",
                vec![
                    ("input[original]", "patching"),
                    ("input[slug]", "patching"),
                    ("input[title]", ""),
                    ("input[topic]", "patching"),
                    ("input[summary]", "S"),
                    ("input[body]", "B"),
                    ("input[reviewed]", "2026-12-01"),
                ],
                [S, F, F, F, F, I],
            ),
            ("/api/advisories/all", vec![], [S, F, F, F, F, O]),
            ("/api/advisories/mine", vec![], [S, O, O, O, O, O]),
            ("/api/advisories/view", vec![("id", adv.as_str())], [S, H, H, O, O, O]),
            ("/api/advisories/view", vec![("id", adv_draft.as_str())], [S, H, H, H, H, O]),
            ("/api/advisories/view", vec![("id", "999999")], [S, H, H, H, H, H]),
            ("/api/advisories/form", vec![("id", adv_draft.as_str())], [S, F, F, F, F, O]),
            ("/api/advisories/form", vec![("id", adv.as_str())], [S, F, F, F, F, I]),
            ("/api/advisories/form", vec![], [S, F, F, F, F, O]),
            ("/api/advisories/save", vec![("input[id]", adv_draft.as_str()), ("input[title]", ""), ("input[severity]", "high"), ("input[summary]", "s"), ("input[body]", "b")], [S, F, F, F, F, I]),
            ("/api/advisories/need_draft", vec![("id", adv.as_str())], [S, H, H, O, O, F]),
            ("/api/advisories/need_draft", vec![("id", adv_draft.as_str())], [S, H, H, H, H, F]),
            ("/api/advisories/acknowledge", vec![("id", adv.as_str()), ("acknowledgement", "read"), ("note", "")], [S, H, H, O, O, F]),
            ("/api/advisories/acknowledge", vec![("id", adv_draft.as_str()), ("acknowledgement", "read"), ("note", "")], [S, H, H, H, H, F]),
            ("/api/notifications/read", vec![], [S, O, O, O, O, O]),
            ("/api/engagements/message", vec![("id", e.as_str()), ("body", "Hello")], [S, H, O, O, H, O]),
            ("/api/engagements/offer", vec![("need", open.as_str()), ("note", "")], [S, F, I, F, F, F]),
            ("/api/engagements/propose", vec![("need", open.as_str()), ("volunteer", "pending@example.org"), ("reason", "r")], [S, F, F, F, F, I]),
            ("/api/insight/dashboard", vec![], [S, F, F, F, F, O]),
            ("/api/insight/dashboard", vec![("filters[region]", "Africa"), ("filters[from]", "2026-01-01")], [S, F, F, F, F, O]),
            ("/api/insight/dashboard", vec![("filters[to]", "2026-13-01")], [S, F, F, F, F, I]),
            ("/api/impact", vec![], [O, O, O, O, O, O]),
            ("/api/language", vec![("locale", "fr"), ("next", "/")], [O, O, O, O, O, O]),
            ("/api/matching/triage", vec![], [S, F, F, F, F, O]),
            ("/api/matching/console", vec![("need", open.as_str())], [S, F, F, F, F, O]),
            ("/api/matching/console", vec![("need", draft.as_str())], [S, F, F, F, F, O]),
            ("/api/matching/batches", vec![], [S, F, F, F, F, O]),
            ("/api/matching/batch", vec![("id", "999999")], [S, F, F, F, F, H]),
            ("/api/matching/fits", vec![], [S, O, O, F, F, F]),
            ("/api/matching/batch_apply", vec![("id", "999999")], [S, F, F, F, F, H]),
            ("/api/matching/batch_start", vec![], [S, F, F, F, F, O]),
            // Changes by the wrong person, last: they must not happen.
            ("/api/engagements/confirm", vec![("id", e.as_str())], [S, H, C, C, H, C]),
            ("/api/engagements/accept", vec![("id", e.as_str())], [S, H, O, C, H, C]),
            ("/api/engagements/complete", vec![("id", e.as_str()), ("rating", "5"), ("comment", ""), ("resolved", "on")], [S, H, C, C, H, C]),
            ("/api/needs/submit", vec![("id", draft.as_str())], [S, F, F, O, H, F]),
            ("/api/needs/withdraw", vec![("id", open.as_str())], [S, F, F, O, H, F]),
            ("/api/vetting/organisation_decide", vec![("id", org.as_str()), ("decision", "approve"), ("note", "")], [S, F, F, F, F, O]),
            ("/api/advisories/withdraw", vec![("id", adv_draft.as_str())], [S, F, F, F, F, I]),
            ("/api/advisories/publish", vec![("id", adv_draft.as_str())], [S, F, F, F, F, O]),
            ("/api/advisories/publish", vec![("id", adv.as_str())], [S, F, F, F, F, I]),
            ("/api/advisories/withdraw", vec![("id", adv.as_str())], [S, F, F, F, F, O]),
        ];
        let mut failures = Vec::new();
        for (path, fields, expected) in &matrix {
            for (role, expect) in ROLES.iter().zip(expected) {
                // The state-changing calls succeed only once: judge the others against
                // a fresh draft when the owner already changed it.
                let status = w.clients[role].call(path, fields).await.status().as_u16();
                let ok = expect.matches(status) || (*expect == Expect::Ok && status == 409);
                if !ok {
                    failures.push(format!("{role} {path} {fields:?}: expected {expect:?}, got {status}"));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    async fn volunteers_never_see_confidential_details_nor_others_drafts(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        let volunteer = &w.clients["volunteer_approved"];
        let open = volunteer.call_json("/api/needs/open", &[]).await;
        let rows = open["rows"].as_array().cloned().unwrap_or_default();
        assert_eq!(rows.len(), 1, "only the open need: {open}");
        assert_eq!(rows[0]["id"].as_i64(), Some(w.open_need));
        let text = volunteer.call("/api/needs/detail", &[("id", &w.open_need.to_string())]).await.text().await.unwrap_or_default();
        assert!(!text.contains("registrar login") && text.contains("\"following\":null"), "{text}");
        let mine_b = w.clients["member_b"].call_json("/api/needs/mine", &[]).await;
        assert_eq!(mine_b["total"], 0, "B sees none of A's needs");
    }

    async fn pages_follow_the_same_rules(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        let need = format!("/needs/{}", w.open_need);
        let edit = format!("/needs/{}/edit", w.draft_need);
        let org = format!("/coordinator/organisations/{}", w.org_a);
        let engagement = format!("/engagements/{}", w.engagement);
        let console = format!("/coordinator/match/{}", w.open_need);
        let advisory = format!("/advisories/{}", w.advisory);
        let advisory_draft = format!("/advisories/{}", w.advisory_draft);
        let advisory_edit = format!("/coordinator/advisories/{}", w.advisory_draft);
        let stix = format!("/advisories/{}/indicators.stix.json", w.advisory);
        let csv = format!("/advisories/{}/indicators.csv", w.advisory);
        let draft_csv = format!("/advisories/{}/indicators.csv", w.advisory_draft);
        let other_file = format!("/advisories/{}/secrets.txt", w.advisory);
        let cases: Vec<(&str, [u16; 6])> = vec![
            (need.as_str(), [302, 404, 200, 200, 404, 200]),
            (edit.as_str(), [302, 403, 403, 200, 404, 403]),
            ("/coordinator/organisations", [302, 403, 403, 403, 403, 200]),
            (org.as_str(), [302, 403, 403, 403, 403, 200]),
            ("/coordinator/volunteers", [302, 403, 403, 403, 403, 200]),
            ("/coordinator/needs", [302, 403, 403, 403, 403, 200]),
            ("/coordinator/catalogue", [302, 403, 403, 403, 403, 200]),
            (engagement.as_str(), [302, 404, 200, 200, 404, 200]),
            ("/engagements", [302, 200, 200, 200, 200, 200]),
            ("/notifications", [302, 200, 200, 200, 200, 200]),
            ("/volunteer/history", [302, 200, 200, 403, 403, 403]),
            ("/volunteer/matches", [302, 200, 200, 403, 403, 403]),
            ("/coordinator/triage", [302, 403, 403, 403, 403, 200]),
            (console.as_str(), [302, 403, 403, 403, 403, 200]),
            ("/coordinator/batch", [302, 403, 403, 403, 403, 200]),
            ("/coordinator/mail", [302, 403, 403, 403, 403, 200]),
            ("/account/mail", [302, 200, 200, 200, 200, 200]),
            ("/unsubscribe/1.messages.00", [404, 404, 404, 404, 404, 404]),
            ("/guidance", [200, 200, 200, 200, 200, 200]),
            ("/guidance/patching", [200, 200, 200, 200, 200, 200]),
            ("/guidance/no-such-article", [404, 404, 404, 404, 404, 404]),
            ("/coordinator/guidance/new", [302, 403, 403, 403, 403, 200]),
            ("/coordinator/guidance/patching", [302, 403, 403, 403, 403, 200]),
            ("/advisories", [302, 200, 200, 200, 200, 200]),
            (advisory.as_str(), [302, 404, 404, 200, 200, 200]),
            (advisory_draft.as_str(), [302, 404, 404, 404, 404, 200]),
            ("/coordinator/advisories", [302, 403, 403, 403, 403, 200]),
            ("/coordinator/advisories/new", [302, 403, 403, 403, 403, 200]),
            (advisory_edit.as_str(), [302, 403, 403, 403, 403, 200]),
            (stix.as_str(), [401, 404, 404, 200, 200, 200]),
            (csv.as_str(), [401, 404, 404, 200, 200, 200]),
            (draft_csv.as_str(), [401, 404, 404, 404, 404, 200]),
            (other_file.as_str(), [404, 404, 404, 404, 404, 404]),
            ("/impact", [200, 200, 200, 200, 200, 200]),
            ("/coordinator/insight", [302, 403, 403, 403, 403, 200]),
            ("/coordinator/insight?region=Europe&category=1", [302, 403, 403, 403, 403, 200]),
            ("/coordinator/insight/needs.csv", [401, 403, 403, 403, 403, 200]),
            ("/coordinator/insight/engagements.csv", [401, 403, 403, 403, 403, 200]),
            ("/coordinator/insight/hours.csv", [401, 403, 403, 403, 403, 200]),
            ("/coordinator/insight/volunteers.csv", [401, 403, 403, 403, 403, 200]),
            ("/coordinator/insight/organisations.csv", [401, 403, 403, 403, 403, 200]),
            ("/coordinator/insight/audit.csv?region=Africa", [401, 403, 403, 403, 403, 200]),
            ("/coordinator/insight/audit.csv?from=2026-13-01", [401, 403, 403, 403, 403, 422]),
            ("/coordinator/insight/accounts.csv", [404, 404, 404, 404, 404, 404]),
        ];
        let mut failures = Vec::new();
        for (path, expected) in &cases {
            for (role, status) in ROLES.iter().zip(expected) {
                let got = w.clients[role].get(path).await.status().as_u16();
                if got != *status {
                    failures.push(format!("{role} GET {path}: expected {status}, got {got}"));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}

db_tests! {
    async fn a_coordinator_sees_nothing_confidential_before_the_second_factor(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        let fresh = app.coordinator("new-coord@example.org").await;
        let client = app.client();
        app.sign_in(&client, &fresh).await;
        for (path, fields) in [
            ("/api/needs/detail", vec![("id", w.open_need.to_string())]),
            ("/api/engagements/page", vec![("id", w.engagement.to_string())]),
            ("/api/engagements/list", vec![]),
            // Until enrolment: only enrolment, the account pages and signing out.
            ("/api/notifications/list", vec![]),
            ("/api/notifications/read", vec![]),
            ("/api/catalogue", vec![]),
        ] {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let res = client.call(path, &fields).await;
            let status = res.status().as_u16();
            let body = res.text().await.unwrap_or_default();
            assert_eq!(status, 403, "{path}: {body}");
            assert!(body.contains("MfaEnrolmentRequired") && !body.contains("registrar"), "{path}: {body}");
        }
        let who = client.call_json("/api/whoami", &[]).await;
        assert_eq!(who["unread"], 0, "not even the count of notifications: {who}");
        for (path, fields) in [("/api/mfa_state", vec![]), ("/api/my_sessions", vec![]), ("/api/logout", vec![])] {
            let status = client.call(path, &fields).await.status().as_u16();
            assert!((200..400).contains(&status), "{path}: {status}");
        }
    }
}

/// Keys only coordinators' answers may hold.
const COORDINATOR_ONLY: [&str; 6] = [
    "triage",
    "priority",
    "priority_override",
    "priority_override_reason",
    // An advisory's targets and reach.
    "everyone",
    "mails_sent",
];

/// Keys only those who follow a need (its organisation, coordinators) may get:
/// never in a volunteer's answer.
const FOLLOWER_ONLY: [&str; 5] = [
    "following",
    "triage_note",
    "first_acceptance_secs",
    "history",
    "confidential_details",
];

/// Every path in `value` to a key of `forbidden`.
fn forbidden_keys(value: &serde_json::Value, forbidden: &[&str], path: &str, found: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, inner) in map {
                // A key that is there but empty (`null`) carries nothing.
                if forbidden.contains(&key.as_str()) && !inner.is_null() {
                    found.push(format!("{path}.{key}"));
                }
                forbidden_keys(inner, forbidden, &format!("{path}.{key}"), found);
            }
        }
        serde_json::Value::Array(items) => {
            for (i, inner) in items.iter().enumerate() {
                forbidden_keys(inner, forbidden, &format!("{path}[{i}]"), found);
            }
        }
        _ => {}
    }
}

db_tests! {
    async fn answers_carry_only_the_fields_of_the_role(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let w = world(&app).await;
        let org = w.org_a.to_string();
        let coordinator = &w.clients["coordinator"];
        let set = coordinator
            .call("/api/vetting/priority", &[("id", org.as_str()), ("priority", "3"), ("reason", "Ransomware last month")])
            .await;
        assert!(set.status().is_success(), "{}", set.status());
        let seen = coordinator.call_json("/api/vetting/organisation", &[("id", org.as_str())]).await;
        assert_eq!(seen["triage"]["priority_override_reason"], "Ransomware last month", "{seen}");
        let open = w.open_need.to_string();
        let e = w.engagement.to_string();
        let adv = w.advisory.to_string();
        let reads: Vec<(&str, Vec<(&str, &str)>)> = vec![
            ("/api/organisation/mine", vec![]),
            ("/api/needs/mine", vec![]),
            ("/api/needs/open", vec![]),
            ("/api/needs/detail", vec![("id", open.as_str())]),
            ("/api/engagements/page", vec![("id", e.as_str())]),
            ("/api/engagements/list", vec![]),
            ("/api/volunteer/mine", vec![]),
            ("/api/matching/fits", vec![]),
            ("/api/advisories/mine", vec![]),
            ("/api/advisories/view", vec![("id", adv.as_str())]),
        ];
        let mut found = Vec::new();
        let mut answered = 0;
        for role in ["volunteer_pending", "volunteer_approved", "member_a", "member_b"] {
            for (path, fields) in &reads {
                let res = w.clients[role].call(path, fields).await;
                if !res.status().is_success() {
                    continue;
                }
                answered += 1;
                let body: serde_json::Value = serde_json::from_str(&res.text().await.unwrap_or_default()).unwrap_or_default();
                forbidden_keys(&body, &COORDINATOR_ONLY, &format!("{role} {path}"), &mut found);
                if role.starts_with("volunteer") {
                    forbidden_keys(&body, &FOLLOWER_ONLY, &format!("{role} {path}"), &mut found);
                }
            }
        }
        assert!(answered >= 16, "the roles' own reads answered: {answered}");
        let coordinator_view = coordinator.call_json("/api/advisories/view", &[("id", adv.as_str())]).await;
        assert_eq!(coordinator_view["targets"]["everyone"], true, "{coordinator_view}");
        assert_eq!(coordinator_view["reach"]["organisations"], 2, "{coordinator_view}");
        assert!(found.is_empty(), "fields reached roles they are not for: {found:?}");
    }
}
