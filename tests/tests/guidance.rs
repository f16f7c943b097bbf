//! The guidance library over HTTP, on both databases:
//! - the eight shipped articles are there at start, once (a second start adds
//!   nothing and never overwrites an edited article);
//! - anyone, signed out, lists them by topic, searches by title and reads one,
//!   with its sources; the need page shows the articles of its category;
//! - coordinators write and edit articles (plain forms, no JavaScript needed):
//!   each save is a version in the history and an audit entry; bad input is a
//!   4xx naming the field and the typed text comes back; markup in any field
//!   never reaches a reader as markup;
//! - nobody else may open the editor or save.

use app::{clock::Clock as _, services::guidance};
use entity::{audit_log, guidance_article, guidance_revision};
use frontline_tests::{DbKind, TestApp, db_tests, world};
use sea_orm::{ColumnTrait as _, EntityTrait as _, PaginatorTrait as _, QueryFilter as _};
use serde_json::Value;

/// The slugs of a library answer, in order.
fn slugs(library: &Value) -> Vec<String> {
    library["articles"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|a| a["slug"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// The article form's fields for `slug`, as a plain form posts them.
fn form<'a>(
    original: &'a str,
    slug: &'a str,
    title: &'a str,
    body: &'a str,
    category: &'a str,
) -> Vec<(String, String)> {
    vec![
        ("input[original]".into(), original.into()),
        ("input[slug]".into(), slug.into()),
        ("input[title]".into(), title.into()),
        ("input[topic]".into(), "email".into()),
        ("input[summary]".into(), "What to check first.".into()),
        ("input[body]".into(), body.into()),
        ("input[sources]".into(), "NCSC | https://www.ncsc.gov.uk/".into()),
        ("input[reviewed]".into(), "2026-11-30".into()),
        (format!("input[categories][{category}]"), "on".into()),
    ]
}

fn pairs(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

db_tests! {
    async fn anyone_lists_searches_and_reads_the_shipped_articles(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let anon = app.client();
        let library = anon.call_json("/api/guidance/library", &[]).await;
        let all = slugs(&library);
        assert_eq!(all.len(), 8, "{library}");
        let topics: Vec<&str> = library["articles"].as_array().into_iter().flatten().filter_map(|a| a["topic"].as_str()).collect();
        assert_eq!(topics.first(), Some(&"accounts"), "topic order: {topics:?}");
        assert_eq!(topics.last(), Some(&"incidents"), "topic order: {topics:?}");

        // Search by title (any case), and by topic.
        assert_eq!(slugs(&anon.call_json("/api/guidance/library", &[("q", "dmarc")]).await), ["email-authentication"]);
        assert_eq!(slugs(&anon.call_json("/api/guidance/library", &[("topic", "devices")]).await), ["medical-devices-on-the-network"]);
        assert!(slugs(&anon.call_json("/api/guidance/library", &[("q", "no such words")]).await).is_empty());

        // The pages, signed out, without JavaScript.
        let html = anon.get_text("/guidance", 200).await;
        for slug in &all {
            assert!(html.contains(&format!("href=\"/guidance/{slug}\"")), "{slug} listed");
        }
        let html = anon.get_text("/guidance?q=phishing", 200).await;
        assert!(html.contains("/guidance/recognising-phishing") && !html.contains("/guidance/patching\""), "the search narrows the page");
        let html = anon.get_text("/guidance/first-hour-of-an-incident", 200).await;
        assert!(html.contains("<h2>"), "the Markdown is rendered");
        assert!(html.contains("Last reviewed") && html.contains("2026-12-01"), "the review date");
        assert!(html.contains("rel=\"noopener noreferrer\""), "sources open without the opener");
        assert!(!html.contains("href=\"/coordinator/guidance/"), "no edit link for a reader");
        anon.get_text("/guidance/no-such-article", 404).await;
        anon.get_text("/guidance/..%2F..%2Fetc%2Fpasswd", 404).await;
        assert_eq!(anon.call("/api/guidance/article", &[("slug", &"a".repeat(5000))]).await.status(), 404);

        // Starting again adds nothing.
        assert_eq!(guidance::install_shipped(&app.db, app.clock.now()).await.ok(), Some(0));
        assert_eq!(guidance_article::Entity::find().count(&app.db).await.ok(), Some(8));
    }

    async fn the_need_page_shows_the_guidance_of_its_category(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let c = world::cast(&app).await;
        // The cast's need is about email security.
        let html = c.volunteer.get_text(&format!("/needs/{}", c.need), 200).await;
        assert!(html.contains("data-guidance"), "a guidance box");
        assert!(html.contains("href=\"/guidance/email-authentication\""), "the email article");
        assert!(!html.contains("href=\"/guidance/patching\""), "not another category's");
    }

    async fn coordinators_write_and_edit_with_every_version_kept(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let c = world::cast(&app).await;
        let category = world::category(&app, "email_security").await.to_string();
        let editor = c.coordinator.get_text("/coordinator/guidance/new", 200).await;
        assert!(editor.contains("action=\"/api/guidance/save\""), "a plain form");

        // A new article, by plain form.
        let body = "## Check\n\n1. Look at `v=spf1`\n2. Then [DMARC](https://dmarc.org/)\n\n<script>alert(1)</script><img src=x onerror=alert(2)>[x](javascript:alert(3))";
        let fields = form("", "check-your-spf", "Check your <b>SPF</b>", body, &category);
        let res = c.coordinator.submit("/coordinator/guidance/new", "/api/guidance/save", &pairs(&fields)).await;
        assert_eq!(res.status().as_u16(), 302);
        assert_eq!(res.headers().get("location").and_then(|l| l.to_str().ok()), Some("/guidance/check-your-spf"));
        let page = app.client().get_text("/guidance/check-your-spf", 200).await;
        assert!(page.contains("Check your &lt;b&gt;SPF&lt;/b&gt;"), "the title is text");
        assert!(page.contains("<code>v=spf1</code>") && page.contains("<ol>"), "the body is rendered");
        // (What is left of a payload may show as text; never as markup or a link.)
        for bad in ["<script>alert(1)", "onerror", "href=\"javascript:", "<b>SPF</b>", "<img"] {
            assert!(!page.contains(bad), "{bad} reached the reader");
        }

        // Edited: a new title and address; the old address is gone; two versions.
        let fields = form("check-your-spf", "spf-first", "SPF first", "## Check\n\nOnly this now.", &category);
        let res = c.coordinator.call("/api/guidance/save", &pairs(&fields)).await;
        assert_eq!(res.status().as_u16(), 200, "{}", res.text().await.unwrap_or_default());
        app.client().get_text("/guidance/check-your-spf", 404).await;
        let page = app.client().get_text("/guidance/spf-first", 200).await;
        assert!(page.contains("Only this now."));
        let editor = c.coordinator.get_text("/coordinator/guidance/spf-first", 200).await;
        assert!(editor.contains("data-history"), "the history is shown");
        let id = guidance_article::Entity::find()
            .filter(guidance_article::Column::Slug.eq("spf-first"))
            .one(&app.db)
            .await
            .ok()
            .flatten()
            .map(|a| a.id)
            .unwrap_or_default();
        let versions = guidance_revision::Entity::find()
            .filter(guidance_revision::Column::ArticleId.eq(id))
            .count(&app.db)
            .await
            .ok();
        assert_eq!(versions, Some(2));
        let audited = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq("guidance.saved"))
            .count(&app.db)
            .await
            .ok();
        assert_eq!(audited, Some(2));
        // It is listed, and beside email needs.
        assert!(slugs(&app.client().call_json("/api/guidance/library", &[("q", "SPF")]).await).contains(&"spf-first".to_owned()));

        // A shipped article edited stays edited when the shipped ones are added again.
        let fields = form("email-authentication", "email-authentication", "Our own DMARC guide", "## Ours", &category);
        assert_eq!(c.coordinator.call("/api/guidance/save", &pairs(&fields)).await.status(), 200);
        assert_eq!(guidance::install_shipped(&app.db, app.clock.now()).await.ok(), Some(0));
        assert!(app.client().get_text("/guidance/email-authentication", 200).await.contains("Our own DMARC guide"));
    }

    async fn bad_articles_are_refused_by_field_and_the_typed_text_comes_back(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let c = world::cast(&app).await;
        let category = world::category(&app, "email_security").await.to_string();
        // Taken address (a shipped article's), bad date, bad source, spoofing title.
        let mut fields = form("", "patching", "Ad\u{202E}min", "Some text", &category);
        fields[6].1 = "CISA | javascript:alert(1)".into();
        fields[7].1 = "2026-13-01".into();
        let res = c.coordinator.call("/api/guidance/save", &pairs(&fields)).await;
        assert_eq!(res.status().as_u16(), 422);
        let body = res.text().await.unwrap_or_default();
        for field in ["title", "sources", "reviewed"] {
            assert!(body.contains(&format!("\"{field}\"")), "{field} named: {body}");
        }
        fields[2].1 = "Patching again".into();
        fields[6].1 = String::new();
        fields[7].1 = "2026-11-30".into();
        let res = c.coordinator.call("/api/guidance/save", &pairs(&fields)).await;
        assert_eq!(res.status().as_u16(), 422);
        assert!(res.text().await.unwrap_or_default().contains("SlugTaken"), "the address is taken");
        // An unknown category, a huge body.
        let mut odd = form("", "odd-one", "Odd", "Text", "999999");
        assert_eq!(c.coordinator.call("/api/guidance/save", &pairs(&odd)).await.status(), 422);
        odd[5].1 = "x".repeat(70_000);
        assert_eq!(c.coordinator.call("/api/guidance/save", &pairs(&odd)).await.status(), 422);
        // Editing an article that does not exist.
        let ghost = form("no-such-article", "no-such-article", "Ghost", "Text", &category);
        assert_eq!(c.coordinator.call("/api/guidance/save", &pairs(&ghost)).await.status(), 404);

        // Without JavaScript: back to the editor, with what was typed.
        let mut fields = form("", "a-new-guide", "A new guide", "Text that must not be lost", &category);
        fields[7].1 = "yesterday".into();
        let res = c.coordinator.submit("/coordinator/guidance/new", "/api/guidance/save", &pairs(&fields)).await;
        assert_eq!(res.status().as_u16(), 302);
        let location = res.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or_default().to_owned();
        let back = location.trim_start_matches(&c.coordinator.url("")).to_owned();
        assert!(back.starts_with("/coordinator/guidance/new"), "{location}");
        assert!(!back.contains("must"), "nothing typed in the address: {back}");
        let html = c.coordinator.get_text(&back, 200).await;
        assert!(html.contains("Text that must not be lost"), "the body came back");
        assert!(html.contains("field--invalid"), "the date is marked");
        assert_eq!(guidance_article::Entity::find().count(&app.db).await.ok(), Some(8), "nothing saved");
    }

    async fn only_coordinators_edit(db: DbKind) {
        let app = TestApp::spawn(db).await;
        let c = world::cast(&app).await;
        let category = world::category(&app, "email_security").await.to_string();
        let fields = form("patching", "patching", "Defaced", "Defaced", &category);
        for (who, client, status) in [("anonymous", &app.client(), 401), ("volunteer", &c.volunteer, 403), ("member", &c.member, 403)] {
            assert_eq!(client.call("/api/guidance/save", &pairs(&fields)).await.status().as_u16(), status, "{who} saves");
            assert_eq!(client.call("/api/guidance/form", &[("slug", "patching")]).await.status().as_u16(), status, "{who} opens the editor");
        }
        assert!(!app.client().get_text("/guidance/patching", 200).await.contains("Defaced"));
        let editor = c.volunteer.get_text("/coordinator/guidance/patching", 403).await;
        assert!(!editor.contains("input[body]"), "no editor for a volunteer");
    }
}
