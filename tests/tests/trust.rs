//! Trust hardening, tried as an attacker would, on both databases: throttles
//! that hold under a concurrent burst, an owner who is never kept out by
//! failures elsewhere, registration that tells nobody which addresses have
//! accounts, names that cannot impersonate, and malformed numbers and ids that
//! get a 4xx rather than a 500.

use app::infra::throttle::{LEAK, STRICT_FREE};
use entity::notification;
use frontline_tests::facts::audited;
use frontline_tests::{DbKind, TestApp, TestClient, db_tests, users::PASSWORD, world};
use sea_orm::{ColumnTrait as _, EntityTrait as _, PaginatorTrait as _, QueryFilter as _};
use std::time::Duration;

/// Sends the same call 30 times at once; returns the statuses, checking that
/// every 429 says when to come back.
async fn burst(client: &TestClient, path: &str, fields: &[(&str, &str)]) -> Vec<u16> {
    let mut tasks = Vec::new();
    for _ in 0..30 {
        let client = client.clone();
        let path = path.to_owned();
        let fields: Vec<(String, String)> = fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        tasks.push(tokio::spawn(async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let res = client.call(&path, &fields).await;
            let status = res.status().as_u16();
            if status == 429 {
                let wait = res
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse::<u64>().ok());
                assert!(
                    wait.is_some_and(|w| w >= 1),
                    "429 carries Retry-After: {:?}",
                    res.headers()
                );
            }
            status
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap_or_else(|e| panic!("{e}")));
    }
    statuses
}

/// At most the allowed number of a burst were checked (`checked` is the status
/// a checked wrong secret gets); all the others were refused unchecked.
fn at_most_allowed_checked(statuses: &[u16], checked: u16, what: &str) {
    let evaluated = statuses.iter().filter(|s| **s == checked).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert!(
        evaluated <= usize::try_from(STRICT_FREE).unwrap_or(0),
        "{what}: {evaluated} of 30 concurrent guesses were checked: {statuses:?}"
    );
    assert_eq!(
        evaluated + refused,
        30,
        "{what}: only checks and refusals: {statuses:?}"
    );
}

async fn login(client: &TestClient, email: &str, password: &str) -> u16 {
    client
        .call("/api/login", &[("email", email), ("password", password)])
        .await
        .status()
        .as_u16()
}

db_tests! {
    async fn a_burst_of_wrong_passwords_gets_only_the_allowed_checks(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let user = app.register(&app.client(), "volunteer", "ada@example.org").await;
        let attacker = app.client_from("127.0.0.2");
        let statuses = burst(&attacker, "/api/login", &[("email", &user.email), ("password", "guess guess guess")]).await;
        at_most_allowed_checked(&statuses, 401, "sign-in");
        assert!(audited(&app, "login.failed").await <= 3, "each check is audited, and only those");
    }

    async fn a_burst_of_wrong_second_factor_codes_gets_only_the_allowed_checks(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let client = app.client();
        let mut user = app.register(&client, "volunteer", "ada@example.org").await;
        app.enrol_totp(&client, &mut user).await;
        let pending = app.client_from("127.0.0.2");
        assert_eq!(login(&pending, &user.email, &user.password).await, 200);
        let statuses = burst(&pending, "/api/login_second_factor", &[("code", "000000")]).await;
        at_most_allowed_checked(&statuses, 422, "TOTP");

        let other = app.client_from("127.0.0.3");
        app.clock.advance(Duration::from_secs(20 * 60));
        assert_eq!(login(&other, &user.email, &user.password).await, 200);
        let statuses = burst(&other, "/api/login_second_factor", &[("recovery_code", "aaaaa-bbbbb")]).await;
        at_most_allowed_checked(&statuses, 422, "recovery code");
    }

    async fn a_burst_of_wrong_current_passwords_gets_only_the_allowed_checks(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let client = app.client();
        let mut user = app.register(&client, "volunteer", "ada@example.org").await;
        let fields = [("current_password", "wrong wrong wrong"), ("new_password", "a much better passphrase"), ("confirm_password", "a much better passphrase")];
        let statuses = burst(&client, "/api/change_password", &fields).await;
        at_most_allowed_checked(&statuses, 422, "change password");

        app.clock.advance(Duration::from_secs(20 * 60));
        app.enrol_totp(&client, &mut user).await;
        app.clock.advance(Duration::from_secs(20 * 60));
        let statuses = burst(&client, "/api/disable_mfa", &[("password", "wrong wrong wrong"), ("code", "000000")]).await;
        at_most_allowed_checked(&statuses, 422, "turning off the second factor");
    }

    async fn the_owner_signs_in_at_once_from_an_address_that_has_not_failed(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let user = app.register(&app.client(), "volunteer", "ada@example.org").await;
        // Someone who knows the address hammers it from elsewhere…
        let attacker = app.client_from("127.0.0.2");
        let statuses = burst(&attacker, "/api/login", &[("email", &user.email), ("password", "guess guess guess")]).await;
        assert!(statuses.contains(&429), "{statuses:?}");
        assert_eq!(login(&attacker, &user.email, &user.password).await, 429, "the attacker's address waits, even with the right password");
        // …and the owner, from their own address, signs in at once.
        let owner = app.client_from("127.0.0.3");
        assert_eq!(login(&owner, &user.email, &user.password).await, 200);
        // They are told how many attempts failed since their last sign-in.
        let told = notification::Entity::find()
            .filter(notification::Column::AccountId.eq(user.id))
            .filter(notification::Column::Kind.eq("account.failed_sign_ins"))
            .all(&app.db)
            .await
            .unwrap_or_default();
        assert_eq!(told.len(), 1, "{told:?}");
        let checked = statuses.iter().filter(|s| **s == 401).count();
        assert!(told[0].subject.starts_with(&format!("{checked} since your last sign-in")), "{}", told[0].subject);
        let page = owner.get("/notifications").await.text().await.unwrap_or_default();
        assert!(page.contains("Failed sign-in attempts on your account"), "shown on the notifications page");
        // Told once: the count starts again after a sign-in.
        let again = app.client_from("127.0.0.4");
        assert_eq!(login(&again, &user.email, &user.password).await, 200);
        let told = notification::Entity::find()
            .filter(notification::Column::AccountId.eq(user.id))
            .count(&app.db)
            .await
            .unwrap_or_default();
        assert_eq!(told, 1, "nothing new to tell");
    }

    async fn one_failing_client_does_not_keep_out_others_behind_its_address(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let grace = app.register(&app.client(), "volunteer", "grace@example.org").await;
        // A hospital's shared address: one person mistypes their password…
        let shared = app.client_from("127.0.0.5");
        for _ in 0..6 {
            login(&shared, "ada@example.org", "forgotten forgotten").await;
        }
        assert_eq!(login(&shared, "ada@example.org", "forgotten forgotten").await, 429);
        // …and a colleague behind the same address signs in all the same.
        let colleague = app.client_from("127.0.0.5");
        assert_eq!(login(&colleague, &grace.email, &grace.password).await, 200);
    }

    async fn counters_clear_on_success_and_leak_away(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let user = app.register(&app.client(), "volunteer", "ada@example.org").await;
        let client = app.client_from("127.0.0.6");
        // Two mistakes, then the right password: the slate is clean again…
        for _ in 0..2 {
            assert_eq!(login(&client, &user.email, "typo typo typo").await, 401);
        }
        assert_eq!(login(&client, &user.email, &user.password).await, 200);
        for _ in 0..2 {
            assert_eq!(login(&client, &user.email, "typo typo typo").await, 401, "cleared by the success");
        }
        // …and failures are forgotten with time: one leaks away per LEAK.
        let blocked = app.client_from("127.0.0.7");
        for _ in 0..3 {
            assert_eq!(login(&blocked, &user.email, "typo typo typo").await, 401);
        }
        assert_eq!(login(&blocked, &user.email, "typo typo typo").await, 429);
        app.clock.advance(LEAK * 6);
        for _ in 0..2 {
            assert_eq!(login(&blocked, &user.email, "typo typo typo").await, 401, "free attempts again after the leak");
        }
    }

    async fn registration_does_not_tell_whether_an_address_has_an_account(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let existing = app.register(&app.client(), "volunteer", "ada@example.org").await;
        let ask = |email: &'static str| {
            let client = app.client();
            async move {
                let res = client
                    .call("/api/register", &[("email", email), ("display_name", "Someone"), ("password", "another long passphrase here"), ("role", "organisation_member")])
                    .await;
                let status = res.status().as_u16();
                let location = res.headers().get("location").and_then(|l| l.to_str().ok()).map(ToOwned::to_owned);
                let redirect = res.headers().get("serverfnredirect").and_then(|l| l.to_str().ok()).map(ToOwned::to_owned);
                let body = res.text().await.unwrap_or_default();
                (status, location, redirect, body)
            }
        };
        let taken = ask("ada@example.org").await;
        let fresh = ask("new@example.org").await;
        assert_eq!(taken, fresh, "the same answer for a taken and a new address");
        assert_eq!(taken.0, 200, "{taken:?}");
        assert_eq!(audited(&app, "account.registration_repeated").await, 1);
        // Nothing changed for the owner of the taken address.
        let owner = app.client();
        assert_eq!(login(&owner, &existing.email, &existing.password).await, 200);
        assert_eq!(login(&app.client_from("127.0.0.8"), "ada@example.org", "another long passphrase here").await, 401);
        // The new account exists and is not signed in by registering.
        let newcomer = app.client();
        newcomer
            .call("/api/register", &[("email", "third@example.org"), ("display_name", "Third"), ("password", PASSWORD), ("role", "volunteer")])
            .await;
        assert_eq!(newcomer.get("/account").await.status().as_u16(), 302, "registering does not sign in");
        assert_eq!(login(&newcomer, "third@example.org", PASSWORD).await, 200);
    }

    async fn registration_is_throttled_per_address(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let client = app.client_from("127.0.0.9");
        let mut statuses = Vec::new();
        for i in 0..32 {
            let email = format!("bulk{i}@example.org");
            let res = client
                .call("/api/register", &[("email", email.as_str()), ("display_name", "Bulk"), ("password", PASSWORD), ("role", "volunteer")])
                .await;
            statuses.push(res.status().as_u16());
        }
        assert!(statuses[..30].iter().all(|s| *s == 200), "{statuses:?}");
        assert_eq!(&statuses[30..], &[429, 429], "{statuses:?}");
        // Another address is not slowed down.
        let other = app.client_from("127.0.0.10");
        let res = other
            .call("/api/register", &[("email", "fine@example.org"), ("display_name", "Fine"), ("password", PASSWORD), ("role", "volunteer")])
            .await;
        assert_eq!(res.status().as_u16(), 200);
    }

    async fn names_and_titles_refuse_invisible_characters(db: DbKind) {
        let app = TestApp::spawn(db).await;
        for spoof in ["Admin\u{202E}cod.exe", "Coor\u{200B}dinator", "\u{2066}Support\u{2069}"] {
            let res = app
                .client()
                .call("/api/register", &[("email", "spoof@example.org"), ("display_name", spoof), ("password", PASSWORD), ("role", "volunteer")])
                .await;
            assert_eq!(res.status().as_u16(), 422, "{spoof:?}");
            assert!(res.text().await.unwrap_or_default().contains("NameInvalid"));
        }
        let member = app.client();
        world::member_with_organisation(&app, &member, "it@stluc.example", "Hôpital Saint-Luc").await;
        let category = world::category(&app, "email_security").await;
        let skill = world::skill(&app, "dmarc").await;
        let form = world::need_form("Urgent\u{202E}txt.exe", category, skill);
        let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let res = member.call("/api/needs/create", &fields).await;
        assert_eq!(res.status().as_u16(), 422);
        let form = world::organisation_form("Saint\u{200D}Luc", "FR");
        let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let res = member.call("/api/organisation/update", &fields).await;
        assert_eq!(res.status().as_u16(), 422, "organisation names too");
    }

    async fn malformed_hours_and_skill_ids_get_a_clear_4xx(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let cast = world::cast(&app).await;
        let engagement = world::propose(&cast.coordinator, cast.need, "ada@volunteers.example").await;
        let id = engagement.to_string();
        cast.volunteer.call_json("/api/engagements/accept", &[("id", &id)]).await;
        cast.member.call_json("/api/engagements/confirm", &[("id", &id)]).await;
        let today = time::OffsetDateTime::from_unix_timestamp(app.clock.now_unix()).unwrap_or_else(|e| panic!("{e}")).date().to_string();
        for hours in ["0.001", "0.008", "24.01", "NaN", "inf", "-1", "1e9"] {
            let res = cast.volunteer.call("/api/engagements/hours", &[("id", &id), ("on", &today), ("hours", hours), ("hours_note", "")]).await;
            let status = res.status().as_u16();
            let body = res.text().await.unwrap_or_default();
            assert_eq!(status, 422, "{hours}: {body}");
            assert!(body.contains("NumberInvalid"), "{hours}: {body}");
        }
        let fine = cast.volunteer.call("/api/engagements/hours", &[("id", &id), ("on", &today), ("hours", "0.5"), ("hours_note", "")]).await;
        assert_eq!(fine.status().as_u16(), 200);

        let category = world::category(&app, "email_security").await;
        let skill = world::skill(&app, "dmarc").await;
        // The attacker's spelling: two keys that both read as one skill.
        let mut form = world::need_form("Twice the same skill", category, skill);
        form.retain(|(k, _)| !k.contains("[skill_"));
        form.push((format!("input[skill_level][+{skill}]"), "3".into()));
        form.push((format!("input[skill_level][+0{skill}]"), "3".into()));
        let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let res = cast.member.call("/api/needs/create", &fields).await;
        assert_eq!(res.status().as_u16(), 422, "a need");
        assert!(res.text().await.unwrap_or_default().contains("InvalidChoice"));
        let mut profile = world::profile_form(skill, true);
        profile.retain(|(k, _)| !k.contains("[skill_"));
        profile.push((format!("input[skill_level][+{skill}]"), "2".into()));
        profile.push((format!("input[skill_level][+0{skill}]"), "2".into()));
        let fields: Vec<(&str, &str)> = profile.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let res = cast.volunteer.call("/api/volunteer/save", &fields).await;
        assert_eq!(res.status().as_u16(), 422, "a volunteer profile");
        assert!(res.text().await.unwrap_or_default().contains("InvalidChoice"));
    }
}
