//! Frontline in English, French, Spanish, Portuguese and Arabic: the first
//! visit follows `Accept-Language`, the footer's form (no JavaScript) changes the
//! language and a cookie remembers it, `<html lang dir>` follows, and counts
//! take the plural the language needs.

use frontline_tests::{TestApp, TestClient, world};

/// `GET path` with this `Accept-Language`.
async fn page_in(client: &TestClient, path: &str, accept_language: &str) -> String {
    let res = client
        .request(reqwest::Method::GET, path)
        .header("accept", "text/html")
        .header("accept-language", accept_language)
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {path}: {e}"));
    assert_eq!(res.status(), 200, "GET {path} in {accept_language}");
    res.text().await.unwrap_or_default()
}

/// The `<html …>` start tag of a page.
fn html_tag(page: &str) -> &str {
    let start = page
        .find("<html")
        .unwrap_or_else(|| panic!("no <html> in {page}"));
    let end = page[start..].find('>').map_or(page.len(), |e| start + e);
    &page[start..=end]
}

frontline_tests::db_tests! {
    async fn the_first_visit_follows_accept_language(db: frontline_tests::DbKind) {
        let app = TestApp::spawn(db).await;
        let visitor = app.client();
        for (header, lang, dir, sign_in) in [
            ("fr-FR,fr;q=0.9,en;q=0.5", "fr", "ltr", "Se connecter"),
            ("es-419,es;q=0.9", "es", "ltr", "Iniciar sesión"),
            ("pt-BR,pt;q=0.9", "pt", "ltr", "Iniciar sessão"),
            ("ar-EG,ar;q=0.9", "ar", "rtl", "تسجيل الدخول"),
            ("de-DE,de;q=0.9", "en", "ltr", "Sign in"),
            ("", "en", "ltr", "Sign in"),
        ] {
            let page = page_in(&visitor, "/", header).await;
            let tag = html_tag(&page);
            assert!(tag.contains(&format!("lang=\"{lang}\"")), "{header}: {tag}");
            assert!(tag.contains(&format!("dir=\"{dir}\"")), "{header}: {tag}");
            assert!(page.contains(sign_in), "{header}: the sign-in link is not {sign_in:?}");
        }
    }

    async fn the_footer_form_changes_the_language_and_a_cookie_keeps_it(db: frontline_tests::DbKind) {
        let app = TestApp::spawn(db).await;
        let visitor = app.client();
        let page = page_in(&visitor, "/about", "en").await;
        assert!(page.contains("name=\"locale\""), "no language switcher in the footer");
        assert!(page.contains("<option value=\"ar\" lang=\"ar\""), "Arabic is not offered");

        let res = visitor
            .submit("/about", "/api/language", &[("locale", "es"), ("next", "/about")])
            .await;
        assert!(res.status().is_redirection(), "{}", res.status());
        assert_eq!(res.headers()["location"], "/about");
        let cookie = res.headers()["set-cookie"].to_str().unwrap_or_default().to_owned();
        assert!(
            cookie.starts_with("i18n_pref_locale=es;") && cookie.contains("Max-Age=31536000") && cookie.contains("SameSite=Lax"),
            "{cookie}"
        );
        // The cookie outranks the browser's languages, on every page.
        for path in ["/about", "/", "/login"] {
            let page = page_in(&visitor, path, "fr").await;
            assert!(html_tag(&page).contains("lang=\"es\""), "{path}: {}", html_tag(&page));
        }

        // Somewhere else than this site: home instead.
        let res = visitor
            .submit("/about", "/api/language", &[("locale", "fr"), ("next", "//evil.example/")])
            .await;
        assert!(res.status().is_redirection(), "{}", res.status());
        assert_eq!(res.headers()["location"], "/");

        // A language Frontline does not ship: refused, the choice unchanged.
        let res = visitor
            .submit("/about", "/api/language", &[("locale", "xx"), ("next", "/about")])
            .await;
        assert!(res.status().is_client_error() || res.status().is_redirection(), "{}", res.status());
        assert!(res.headers().get("set-cookie").is_none_or(|c| !c.to_str().unwrap_or_default().contains("xx")));
        let page = page_in(&visitor, "/about", "en").await;
        assert!(html_tag(&page).contains("lang=\"fr\""), "{}", html_tag(&page));
    }

    async fn counts_take_the_plural_of_the_language(db: frontline_tests::DbKind) {
        let app = TestApp::spawn(db).await;
        let cast = world::cast(&app).await;
        // One open need: the singular in every language.
        for (lang, one) in [("en", ">1 need<"), ("fr", ">1 besoin<"), ("es", ">1 necesidad<"), ("pt", ">1 necessidade<")] {
            // Without Leptos's empty markers between the number and the words.
            let page = page_in(&cast.member, "/needs", lang).await.replace("<!>", "");
            let muted = page.split("class=\"muted\"").nth(1).unwrap_or_default().chars().take(80).collect::<String>();
            assert!(page.contains(one), "{lang}: no {one:?} on the needs list: {muted}");
        }
        world::open_need(&app, &cast.member, &cast.coordinator, "Backups for stluc.example").await;
        for (lang, two) in [("en", ">2 needs<"), ("fr", ">2 besoins<"), ("ar", "احتياجان")] {
            let page = page_in(&cast.member, "/needs", lang).await.replace("<!>", "");
            assert!(page.contains(two), "{lang}: no {two:?} on the needs list");
        }
    }

    async fn the_account_keeps_its_language_for_mail_and_other_devices(db: frontline_tests::DbKind) {
        use app::{i18n::Locale, services::mail::templates};
        use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _, QueryOrder as _};
        let app = TestApp::spawn(db).await;
        let subject_to = |to: &'static str| {
            let db = app.db.clone();
            async move {
                entity::mail_outbox::Entity::find()
                    .filter(entity::mail_outbox::Column::Recipient.eq(to))
                    .order_by_desc(entity::mail_outbox::Column::Id)
                    .one(&db)
                    .await
                    .ok()
                    .flatten()
                    .map(|m| m.subject)
                    .unwrap_or_else(|| panic!("no mail to {to}"))
            }
        };
        // Registered with the page in Arabic: the verification link comes in Arabic.
        let client = app.client();
        let res = client.submit("/", "/api/language", &[("locale", "ar"), ("next", "/")]).await;
        assert!(res.status().is_redirection(), "{}", res.status());
        let user = app.register(&client, "volunteer", "amal@example.org").await;
        let arabic = templates::verify_address(Locale::ar, "x", "x", "x", 1).subject;
        assert_ne!(arabic, templates::verify_address(Locale::en, "x", "x", "x", 1).subject);
        assert_eq!(subject_to("amal@example.org").await, arabic);

        // Signed in, she switches to French: the account remembers it, and the
        // next mail (a password reset) is in French.
        let res = client.submit("/", "/api/language", &[("locale", "fr"), ("next", "/")]).await;
        assert!(res.status().is_redirection(), "{}", res.status());
        let stored = entity::account::Entity::find_by_id(user.id)
            .one(&app.db)
            .await
            .ok()
            .flatten()
            .and_then(|a| a.locale);
        assert_eq!(stored.as_deref(), Some("fr"));
        let res = app.client().call("/api/request_reset", &[("email", "amal@example.org")]).await;
        assert!(res.status().is_success(), "{}", res.status());
        assert_eq!(
            subject_to("amal@example.org").await,
            templates::password_reset(Locale::fr, "x", "x", "x", 1).subject
        );

        // On another device (no cookie, an English browser), signing in brings French along.
        let other = app.client();
        let res = other
            .request(reqwest::Method::POST, "/api/login")
            .header("accept", "application/json")
            .header("sec-fetch-site", "same-origin")
            .header("accept-language", "en")
            .form(&[("email", user.email.as_str()), ("password", user.password.as_str())])
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(res.status().is_success(), "{}", res.status());
        let cookies: Vec<String> = res
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok().map(ToOwned::to_owned))
            .collect();
        assert!(cookies.iter().any(|c| c.starts_with("i18n_pref_locale=fr;")), "{cookies:?}");
        let page = page_in(&other, "/account", "en").await;
        assert!(html_tag(&page).contains("lang=\"fr\""), "{}", html_tag(&page));
    }

    async fn countries_are_named_in_the_language_of_the_page(db: frontline_tests::DbKind) {
        use app::{i18n::Locale, names::country_name};
        let app = TestApp::spawn(db).await;
        let cast = world::cast(&app).await;
        // The organisation is in the Democratic Republic of the Congo (CD).
        for (lang, locale) in [("en", Locale::en), ("fr", Locale::fr), ("es", Locale::es), ("pt", Locale::pt), ("ar", Locale::ar)] {
            let name = country_name(locale, "CD");
            assert_ne!(name, "CD");
            let page = page_in(&cast.member, "/organisation", lang).await.replace("<!>", "");
            assert!(page.contains(&name), "{lang} /organisation: no {name:?}");
            let page = page_in(&cast.coordinator, &format!("/needs/{}", cast.need), lang).await.replace("<!>", "");
            assert!(
                page.contains(&format!("Hôpital Saint-Luc ({name})")),
                "{lang}: the need names the organisation's country {name:?}: {}",
                page.split("Saint-Luc").nth(1).unwrap_or_default().chars().take(200).collect::<String>()
            );
            assert!(!page.contains("(CD)"), "{lang}: a bare code on the need");
        }
        // The country select lists names in the page's language.
        let page = page_in(&cast.volunteer, "/volunteer", "fr").await;
        assert!(page.contains(">Allemagne<"), "the volunteer's country select is in French");
    }

    async fn dates_are_written_in_the_language_of_the_page(db: frontline_tests::DbKind) {
        use app::{dates::localised, i18n::Locale};
        let app = TestApp::spawn(db).await;
        let client = app.client();
        app.register(&client, "volunteer", "ada@example.org").await;
        for (lang, locale) in [("en", Locale::en), ("fr", Locale::fr), ("es", Locale::es), ("pt", Locale::pt), ("ar", Locale::ar)] {
            let page = page_in(&client, "/account/sessions", lang).await.replace("<!>", "");
            // The session's start, as <time datetime="2026-12-02T22:34Z">.
            let machine = page
                .split("<time datetime=\"")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .unwrap_or_else(|| panic!("{lang}: no <time datetime> on the sessions page"))
                .to_owned();
            let raw = format!("{} UTC", machine.trim_end_matches('Z').replace('T', " "));
            let shown = localised(locale, &raw);
            assert_ne!(shown, raw, "{lang}: {raw} is not localised");
            assert!(page.contains(&format!(">{shown}</time>")), "{lang}: no {shown:?} on the sessions page");
            assert!(!page.contains(&raw), "{lang}: the services' own format {raw:?} is shown");
        }
        assert_ne!(
            localised(Locale::fr, "2026-12-02 22:34 UTC"),
            localised(Locale::en, "2026-12-02 22:34 UTC")
        );
    }

    async fn numbers_and_language_names_are_written_in_the_language_of_the_page(db: frontline_tests::DbKind) {
        use app::{i18n::Locale, names::language_name, numbers};
        let app = TestApp::spawn(db).await;
        let c = world::cast(&app).await;
        let id = world::propose(&c.coordinator, c.need, &c.volunteer_user.email).await.to_string();
        c.volunteer.call_json("/api/engagements/accept", &[("id", &id)]).await;
        c.member.call_json("/api/engagements/confirm", &[("id", &id)]).await;
        let today = frontline_tests::facts::today(&app);
        c.volunteer
            .call_json("/api/engagements/hours", &[("id", &id), ("on", &today), ("hours", "2.5"), ("hours_note", "")])
            .await;
        assert_eq!(numbers::hours(Locale::en, 150), "2.5 h");
        assert_eq!(numbers::hours(Locale::fr, 150), "2,5 h");
        assert_eq!(numbers::hours(Locale::ar, 150), "2.5 ساعة");
        for (lang, locale) in [("en", Locale::en), ("fr", Locale::fr), ("es", Locale::es), ("pt", Locale::pt), ("ar", Locale::ar)] {
            let hours = numbers::hours(locale, 150);
            let page = page_in(&c.volunteer, &format!("/engagements/{id}"), lang).await.replace("<!>", "");
            assert!(page.contains(&format!(">{hours}<")), "{lang}: the hours logged are not written {hours:?}");
            // The need asks for English, named in the page's language.
            let english = language_name(locale, "en");
            let page = page_in(&c.coordinator, &format!("/needs/{}", c.need), lang).await.replace("<!>", "");
            assert!(page.contains(&english), "{lang}: the need's language is not named {english:?}");
        }
        assert_eq!(language_name(Locale::fr, "en"), "anglais");
    }
}
