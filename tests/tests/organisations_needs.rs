//! Organisations, needs and volunteers over HTTP on both databases: the
//! lifecycle enforced on the server, vetting, invitations, the catalogue, the
//! priority override and confidentiality.

use entity::{audit_log, need, organisation, vetting::VettingStatus};
use frontline_tests::{DbKind, TestApp, TestClient, db_tests, world};
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
use std::time::Duration;

fn pairs(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

async fn need_status(app: &TestApp, id: i64) -> need::Status {
    need::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("no need {id}"))
        .status
}

async fn body(res: reqwest::Response) -> serde_json::Value {
    serde_json::from_str(&res.text().await.unwrap_or_default()).unwrap_or_default()
}

fn field_error(v: &serde_json::Value, field: &str) -> Option<String> {
    v["Validation"].as_array()?.iter().find(|e| e["field"] == field)?["message"]
        .as_str()
        .map(ToOwned::to_owned)
}

async fn dmarc_need(app: &TestApp, member: &TestClient, title: &str) -> i64 {
    let category = world::category(app, "email_security").await;
    let skill = world::skill(app, "dmarc").await;
    world::draft_need(member, &world::need_form(title, category, skill)).await
}

db_tests! {
    async fn a_pending_organisation_drafts_but_submits_only_once_approved(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let (coordinator, _) = app.signed_in_coordinator("coord@example.org").await;
        let member = app.client();
        let (_, org) = world::member_with_organisation(&app, &member, "it@stluc.example", "Hôpital Saint-Luc").await;
        let status = organisation::Entity::find_by_id(org).one(&app.db).await.ok().flatten().map(|o| o.status);
        assert_eq!(status, Some(VettingStatus::Pending));

        let id = dmarc_need(&app, &member, "DMARC for stluc.example").await;
        assert_eq!(need_status(&app, id).await, need::Status::Draft);
        let res = member.call("/api/needs/submit", &[("id", &id.to_string())]).await;
        assert_eq!(res.status(), 422);
        assert_eq!(field_error(&body(res).await, "submit").as_deref(), Some("OrganisationNotApproved"));
        // The page does not offer what would be refused; it says why.
        let page = member.get_text(&format!("/needs/{id}"), 200).await;
        assert!(!page.contains("action=\"/api/needs/submit\""), "submit offered before approval");
        assert!(page.contains("/edit"), "the draft stays editable");
        // The deadline is picked from a calendar, not typed free-hand.
        let form = member.get_text(&format!("/needs/{id}/edit"), 200).await;
        let deadline = form
            .split("<input")
            .find(|tag| tag.contains("name=\"input[deadline]\""))
            .and_then(|tag| tag.split('>').next())
            .unwrap_or_else(|| panic!("no deadline input: {form}"));
        assert!(deadline.contains("type=\"date\""), "{deadline}");

        world::vet_organisation(&coordinator, org, "approve").await;
        let page = member.get_text(&format!("/needs/{id}"), 200).await;
        assert!(page.contains("action=\"/api/needs/submit\""), "submit not offered once approved");
        member.call_json("/api/needs/submit", &[("id", &id.to_string())]).await;
        assert_eq!(need_status(&app, id).await, need::Status::Submitted);

        coordinator.call_json("/api/vetting/triage", &[("id", &id.to_string()), ("decision", "open"), ("note", "")]).await;
        assert_eq!(need_status(&app, id).await, need::Status::Open);

        let transitions = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq("need.transition"))
            .filter(audit_log::Column::ObjectId.eq(id))
            .all(&app.db)
            .await
            .unwrap_or_default();
        assert_eq!(transitions.len(), 2, "submit and open are audited");
    }

    async fn illegal_transitions_are_refused(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let (coordinator, _) = app.signed_in_coordinator("coord@example.org").await;
        let member = app.client();
        let (_, org) = world::member_with_organisation(&app, &member, "it@stluc.example", "Hôpital Saint-Luc").await;
        world::vet_organisation(&coordinator, org, "approve").await;
        let id = dmarc_need(&app, &member, "DMARC").await;
        let id_s = id.to_string();
        // A draft cannot be opened by triage.
        let res = coordinator.call("/api/vetting/triage", &[("id", &id_s), ("decision", "open"), ("note", "")]).await;
        assert_eq!(res.status(), 409);
        member.call_json("/api/needs/submit", &[("id", &id_s)]).await;
        // Submitted twice: refused.
        assert_eq!(member.call("/api/needs/submit", &[("id", &id_s)]).await.status(), 409);
        // Only drafts are edited.
        let category = world::category(&app, "email_security").await;
        let skill = world::skill(&app, "dmarc").await;
        let mut fields = world::need_form("Changed", category, skill);
        fields.push(("id".into(), id_s.clone()));
        assert_eq!(member.call("/api/needs/update", &pairs(&fields)).await.status(), 409);
        // Sent back with a note: a draft again, with the note.
        assert_eq!(
            coordinator.call("/api/vetting/triage", &[("id", &id_s), ("decision", "return"), ("note", "")]).await.status(),
            422,
            "a note is required to send back"
        );
        coordinator
            .call_json("/api/vetting/triage", &[("id", &id_s), ("decision", "return"), ("note", "Add the domain name")])
            .await;
        assert_eq!(need_status(&app, id).await, need::Status::Draft);
        let detail = member.call_json("/api/needs/detail", &[("id", &id_s)]).await;
        assert_eq!(detail["following"]["triage_note"], "Add the domain name");
        member.call_json("/api/needs/update", &pairs(&fields)).await;
        member.call_json("/api/needs/withdraw", &[("id", &id_s)]).await;
        assert_eq!(need_status(&app, id).await, need::Status::Cancelled);
        assert_eq!(member.call("/api/needs/withdraw", &[("id", &id_s)]).await.status(), 409, "withdrawn is final");
    }

    async fn assessments_need_a_written_authorisation(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let (coordinator, _) = app.signed_in_coordinator("coord@example.org").await;
        let member = app.client();
        let (_, org) = world::member_with_organisation(&app, &member, "it@stluc.example", "Hôpital Saint-Luc").await;
        world::vet_organisation(&coordinator, org, "approve").await;
        let category = world::category(&app, "vulnerability_assessment").await;
        let skill = world::skill(&app, "external_scanning").await;
        let mut fields = world::need_form("Scan our public services", category, skill);
        let id = world::draft_need(&member, &fields).await;
        let res = member.call("/api/needs/submit", &[("id", &id.to_string())]).await;
        assert_eq!(res.status(), 422);
        assert_eq!(field_error(&body(res).await, "authorisation").as_deref(), Some("AuthorisationRequired"));
        fields.extend([
            ("input[authorisation_name]".into(), "Dr. Mbuyi".into()),
            ("input[authorisation_role]".into(), "Director".into()),
            ("input[authorisation_scope]".into(), "203.0.113.0/28, no denial of service".into()),
            ("input[authorisation_date]".into(), "2026-11-20".into()),
            ("id".into(), id.to_string()),
        ]);
        member.call_json("/api/needs/update", &pairs(&fields)).await;
        member.call_json("/api/needs/submit", &[("id", &id.to_string())]).await;
        assert_eq!(need_status(&app, id).await, need::Status::Submitted);
    }

    async fn invitations_work_once_and_expire(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let admin = app.client();
        let (_, org) = world::member_with_organisation(&app, &admin, "admin@stluc.example", "Hôpital Saint-Luc").await;
        let link = admin.call_json("/api/organisation/invite", &[]).await;
        let token = link.as_str().unwrap_or_default().rsplit('/').next().unwrap_or_default().to_owned();
        assert!(token.len() >= 43);

        let colleague = app.client();
        app.register(&colleague, "organisation_member", "nurse@stluc.example").await;
        colleague.call_json("/api/organisation/join", &[("token", &token)]).await;
        let mine = colleague.call_json("/api/organisation/mine", &[]).await;
        assert_eq!(mine["organisation"]["id"].as_i64(), Some(org));
        assert_eq!(mine["is_admin"], false);
        // Only administrators invite.
        assert_eq!(colleague.call("/api/organisation/invite", &[]).await.status(), 403);

        let third = app.client();
        app.register(&third, "organisation_member", "third@stluc.example").await;
        assert_eq!(third.call("/api/organisation/join", &[("token", &token)]).await.status(), 404, "single use");
        let link = admin.call_json("/api/organisation/invite", &[]).await;
        let token = link.as_str().unwrap_or_default().rsplit('/').next().unwrap_or_default().to_owned();
        app.clock.advance(Duration::from_secs(8 * 24 * 3600));
        let third_user = frontline_tests::users::TestUser {
            id: app.account_id("third@stluc.example").await,
            email: "third@stluc.example".into(),
            password: frontline_tests::users::PASSWORD.into(),
            totp_secret: None,
        };
        app.sign_in(&third, &third_user).await;
        assert_eq!(third.call("/api/organisation/join", &[("token", &token)]).await.status(), 404, "expired");
    }

    async fn suspension_ends_the_sessions_of_those_concerned(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let (coordinator, _) = app.signed_in_coordinator("coord@example.org").await;
        let member = app.client();
        let (_, org) = world::member_with_organisation(&app, &member, "it@stluc.example", "Hôpital Saint-Luc").await;
        let volunteer_client = app.client();
        let volunteer = world::volunteer(&app, &volunteer_client, "vol@example.org", Some(&coordinator)).await;
        world::vet_organisation(&coordinator, org, "suspend").await;
        assert_eq!(member.whoami().await, None);
        coordinator
            .call_json("/api/vetting/volunteer_decide", &[("id", &volunteer.id.to_string()), ("decision", "suspend"), ("note", "")])
            .await;
        assert_eq!(volunteer_client.whoami().await, None);
        let decisions = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq("vetting.decided"))
            .all(&app.db)
            .await
            .unwrap_or_default();
        assert!(decisions.len() >= 3);
    }

    async fn volunteers_are_pending_until_vetted_and_accept_the_code_of_conduct(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let (coordinator, _) = app.signed_in_coordinator("coord@example.org").await;
        let client = app.client();
        let user = app.register(&client, "volunteer", "vol@example.org").await;
        let skill = world::skill(&app, "dmarc").await;
        let res = client.call("/api/volunteer/save", &pairs(&world::profile_form(skill, false))).await;
        assert_eq!(res.status(), 422);
        assert_eq!(field_error(&body(res).await, "accept_code_of_conduct").as_deref(), Some("MustAccept"));
        client.call_json("/api/volunteer/save", &pairs(&world::profile_form(skill, true))).await;
        let mine = client.call_json("/api/volunteer/mine", &[]).await;
        assert_eq!(mine["status"], "pending");
        assert_eq!(mine["code_of_conduct_current"], true);
        assert_eq!(client.call("/api/needs/open", &[]).await.status(), 403, "pending volunteers see no needs");
        // Saving again does not ask for the code of conduct again.
        client.call_json("/api/volunteer/save", &pairs(&world::profile_form(skill, false))).await;
        coordinator
            .call_json("/api/vetting/volunteer_decide", &[("id", &user.id.to_string()), ("decision", "approve"), ("note", "")])
            .await;
        assert_eq!(client.call("/api/needs/open", &[]).await.status(), 200);
    }

    async fn the_priority_override_needs_a_reason_and_changes_the_priority(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let (coordinator, _) = app.signed_in_coordinator("coord@example.org").await;
        let member = app.client();
        let (_, org) = world::member_with_organisation(&app, &member, "it@stluc.example", "Hôpital Saint-Luc").await;
        let detail = coordinator.call_json("/api/vetting/organisation", &[("id", &org.to_string())]).await;
        assert_eq!(detail["triage"]["priority"], 3, "DR Congo is a low-income economy");
        let res = coordinator.call("/api/vetting/priority", &[("id", &org.to_string()), ("priority", "1"), ("reason", "")]).await;
        assert_eq!(res.status(), 422);
        coordinator
            .call_json("/api/vetting/priority", &[("id", &org.to_string()), ("priority", "1"), ("reason", "Funded by a large donor")])
            .await;
        let detail = coordinator.call_json("/api/vetting/organisation", &[("id", &org.to_string())]).await;
        assert_eq!(detail["triage"]["priority"], 1);
        assert_eq!(detail["triage"]["priority_override_reason"], "Funded by a large donor");
        let audited = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq("organisation.priority_overridden"))
            .one(&app.db)
            .await
            .ok()
            .flatten();
        assert!(audited.is_some_and(|a| a.details.contains("Funded by a large donor")));
    }

    async fn retired_skills_stay_on_old_needs_but_are_not_offered(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let (coordinator, _) = app.signed_in_coordinator("coord@example.org").await;
        let member = app.client();
        world::member_with_organisation(&app, &member, "it@stluc.example", "Hôpital Saint-Luc").await;
        let category = world::category(&app, "email_security").await;
        // The catalogue the forms offer is cached; each change shows at once.
        let offered = |name: &'static str| {
            let member = &member;
            async move {
                let catalogue = member.call_json("/api/catalogue", &[]).await;
                catalogue["skills"].as_array().and_then(|s| s.iter().find(|x| x["name"] == name).cloned())
            }
        };
        assert_eq!(offered("BIMI logos").await, None);
        coordinator
            .call_json("/api/vetting/catalogue", &[("kind", "skill"), ("operation", "add"), ("name", "BIMI logos"), ("category", &category.to_string())])
            .await;
        let skill = world::skill(&app, "bimi_logos").await;
        assert_eq!(offered("BIMI logos").await.map(|e| e["id"].clone()), Some(skill.into()), "added");
        let id = world::draft_need(&member, &world::need_form("Brand our email", category, skill)).await;
        coordinator
            .call_json("/api/vetting/catalogue", &[("kind", "skill"), ("operation", "rename"), ("id", &skill.to_string()), ("name", "BIMI brand logos")])
            .await;
        assert_eq!(offered("BIMI logos").await, None, "renamed");
        assert_eq!(offered("BIMI brand logos").await.map(|e| e["retired"].clone()), Some(false.into()));
        coordinator
            .call_json("/api/vetting/catalogue", &[("kind", "skill"), ("operation", "retire"), ("id", &skill.to_string())])
            .await;
        let detail = member.call_json("/api/needs/detail", &[("id", &id.to_string())]).await;
        assert_eq!(detail["skills"][0]["name"], "BIMI brand logos", "the old need keeps it, renamed");
        let res = member.call("/api/needs/create", &pairs(&world::need_form("Another", category, skill))).await;
        assert_eq!(res.status(), 422, "a retired skill is not offered for new needs");
        let catalogue = member.call_json("/api/catalogue", &[]).await;
        let entry = catalogue["skills"].as_array().and_then(|s| s.iter().find(|x| x["id"] == skill).cloned());
        assert_eq!(entry.map(|e| e["retired"].clone()), Some(serde_json::Value::Bool(true)));
    }

    async fn confidential_details_reach_only_those_allowed_and_coordinator_reads_are_audited(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let (coordinator, _) = app.signed_in_coordinator("coord@example.org").await;
        let member = app.client();
        let (_, org) = world::member_with_organisation(&app, &member, "it@stluc.example", "Hôpital Saint-Luc").await;
        world::vet_organisation(&coordinator, org, "approve").await;
        let id = dmarc_need(&app, &member, "DMARC").await;
        let id_s = id.to_string();
        member.call_json("/api/needs/submit", &[("id", &id_s)]).await;
        coordinator.call_json("/api/vetting/triage", &[("id", &id_s), ("decision", "open"), ("note", "")]).await;

        let volunteer = app.client();
        world::volunteer(&app, &volunteer, "vol@example.org", Some(&coordinator)).await;
        let seen = volunteer.call("/api/needs/detail", &[("id", &id_s)]).await;
        assert_eq!(seen.status(), 200);
        let text = seen.text().await.unwrap_or_default();
        assert!(!text.contains("registrar login"), "no confidential details for volunteers: {text}");
        assert!(text.contains("\"following\":null") && !text.contains("\"confidential\""), "{text}");
        let page = volunteer.get_text(&format!("/needs/{id}"), 200).await;
        assert!(!page.contains("registrar login"));

        let full = member.call_json("/api/needs/detail", &[("id", &id_s)]).await;
        assert!(full["following"]["confidential"]["details"].as_str().unwrap_or_default().contains("registrar login"));

        let reads = || async {
            audit_log::Entity::find()
                .filter(audit_log::Column::Action.eq("need.confidential_read"))
                .all(&app.db)
                .await
                .unwrap_or_default()
                .len()
        };
        let before = reads().await;
        let full = coordinator.call_json("/api/needs/detail", &[("id", &id_s)]).await;
        assert!(full["following"]["confidential"]["details"].as_str().unwrap_or_default().contains("registrar login"));
        assert_eq!(reads().await, before + 1, "each coordinator read is audited");
    }

    async fn typed_markup_is_shown_as_text_everywhere(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let member = app.client();
        world::member_with_organisation(&app, &member, "it@stluc.example", "Hôpital </textarea><script>alert(1)</script>").await;
        let category = world::category(&app, "email_security").await;
        let skill = world::skill(&app, "dmarc").await;
        let payload = "</textarea><script>alert(1)</script>";
        let mut fields = world::need_form(payload, category, skill);
        for (k, v) in &mut fields {
            if k == "input[public_summary]" || k == "input[confidential_details]" {
                *v = format!("before {payload} after");
            }
        }
        let id = world::draft_need(&member, &fields).await;
        for path in [format!("/needs/{id}"), format!("/needs/{id}/edit"), "/needs".to_owned(), "/organisation".to_owned(), "/organisation/edit".to_owned()] {
            let html = member.get_text(&path, 200).await;
            let main = html.split("<main").nth(1).unwrap_or_default();
            assert!(!html.contains("<script>alert(1)</script>"), "{path} renders the payload as markup:\n{main}");
            assert!(html.contains("&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;"), "{path} shows it as text");
        }
        let edit = member.get_text(&format!("/needs/{id}/edit"), 200).await;
        assert!(edit.contains("before &lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt; after</textarea>"), "{edit}");
    }

    async fn a_failed_need_form_without_javascript_keeps_everything_typed(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let member = app.client();
        world::member_with_organisation(&app, &member, "it@stluc.example", "Hôpital Saint-Luc").await;
        let category = world::category(&app, "email_security").await;
        let skill = world::skill(&app, "dmarc").await;
        let mut fields = world::need_form("", category, skill);
        for (k, v) in &mut fields {
            if k == "input[confidential_details]" {
                *v = "keep this confidential text".into();
            }
            if k == "input[effort_hours]" {
                *v = "lots".into();
            }
        }
        let res = member.submit("/needs/new", "/api/needs/create", &pairs(&fields)).await;
        assert_eq!(res.status(), 302);
        let location = res.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        assert!(!location.contains("confidential"), "nothing typed in the URL: {location}");
        let page = member.get_text(location.trim_start_matches(&member.url("")), 200).await;
        assert!(page.contains("This field is required."), "{page}");
        assert!(page.contains("Enter a whole number"), "{page}");
        assert!(page.contains("keep this confidential text"), "the typed text is kept: {page}");
        assert!(page.contains(&format!("name=\"input[skill_level][{skill}]\"")));
    }

    async fn an_organisations_page_lists_all_its_needs_however_many_others_are_newer(db: DbKind) {
        use frontline_tests::fixtures;
        let app = TestApp::spawn(db).await;
        let (coordinator, _) = app.signed_in_coordinator("coord@example.org").await;
        let old = fixtures::organisation(&app.db, "Hôpital ancien", "CD", VettingStatus::Approved).await;
        let busy = fixtures::organisation(&app.db, "Hôpital occupé", "NG", VettingStatus::Approved).await;
        let author = fixtures::account(&app.db, "member@example.org", entity::account::Role::OrganisationMember).await;
        let mut mine = Vec::new();
        for status in [need::Status::Open, need::Status::Draft, need::Status::Resolved] {
            mine.push(fixtures::need(&app.db, old, author, status).await);
        }
        for _ in 0..41 {
            fixtures::need(&app.db, busy, author, need::Status::Open).await;
        }
        let ids = |detail: &serde_json::Value| -> Vec<i64> {
            let mut ids: Vec<i64> = detail["needs"]["rows"]
                .as_array()
                .unwrap_or_else(|| panic!("no rows: {detail}"))
                .iter()
                .filter_map(|n| n["id"].as_i64())
                .collect();
            ids.sort_unstable();
            ids
        };
        let detail = coordinator.call_json("/api/vetting/organisation", &[("id", &old.to_string())]).await;
        assert_eq!(ids(&detail), mine, "every need of the organisation, though 41 others are newer");
        assert_eq!(detail["needs"]["total"], 3);

        // The busy organisation's needs come a page at a time.
        let first = coordinator.call_json("/api/vetting/organisation", &[("id", &busy.to_string())]).await;
        let second = coordinator
            .call_json("/api/vetting/organisation", &[("id", &busy.to_string()), ("page", "1")])
            .await;
        assert_eq!(first["needs"]["total"], 41);
        let (a, b) = (ids(&first), ids(&second));
        assert_eq!(a.len() + b.len(), 41, "{} + {}", a.len(), b.len());
        assert!(a.iter().all(|id| !b.contains(id)), "pages overlap");
        assert!(a.iter().chain(&b).all(|id| !mine.contains(id)), "another organisation's needs listed");
        // And the page shows them too.
        let html = coordinator.get_text(&format!("/coordinator/organisations/{busy}?page=1"), 200).await;
        assert!(html.contains("rel=\"prev\""), "no pager on the second page");
    }
}
