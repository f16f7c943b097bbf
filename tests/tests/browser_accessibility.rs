//! Accessibility and finish, checked in Chromium on every page for every role,
//! with and without JavaScript, in English and in Arabic:
//! - axe-core (the npm package, injected into the page) finds no violation of
//!   the rules it runs by default (WCAG 2.x A and AA, and its best practices);
//!   "without JavaScript" is the page as the server sent it, with the site's
//!   scripts blocked (axe itself needs a page that runs scripts);
//! - `<html lang dir>` follow the language (Arabic right to left);
//! - no page scrolls sideways at 360, 768 or 1 280 px, and at 1 280 px the
//!   header stays one band (it was a ~200 px vertical list).
//!
//! Screenshots of every page at the three widths in both languages are kept in
//! `target/screenshots/pages/`, for people to look at.

use frontline_tests::{
    DbKind, TestApp,
    browser::{Browser, keys},
    journeys::{browser, coordinator_signs_in, open, sign_in},
    users::{PASSWORD, TestUser},
    world::{self, Ids, concrete_paths},
};
use std::collections::BTreeSet;

/// Who looks at the pages.
#[derive(Debug, Clone, Copy)]
enum Role {
    Anonymous,
    Member,
    Volunteer,
    Coordinator,
}

/// Widths (with heights) the pages are looked at: phone, tablet, desktop.
const WIDTHS: [(u32, u32); 3] = [(360, 780), (768, 1024), (1280, 900)];

/// The tallest the header may be at desktop width: one band of navigation.
const DESKTOP_HEADER_MAX_PX: f64 = 120.0;

/// What makes a page scroll sideways: the elements that stick out of the
/// window (outside any box that scrolls or clips them), then the boxes that
/// hold more than their width (an absolutely positioned element escapes the
/// clipping of a scrolling box that is not positioned).
const WIDER_THAN_THE_WINDOW: &str = "(() => {
    const w = document.documentElement.clientWidth, out = [];
    for (const e of document.querySelectorAll('body *')) {
        const r = e.getBoundingClientRect();
        if (r.right <= w + 1 && r.left >= -1) continue;
        let p = e.parentElement, clipped = false;
        while (p && !clipped) {
            clipped = ['auto', 'hidden', 'scroll'].includes(getComputedStyle(p).overflowX);
            p = p.parentElement;
        }
        if (!clipped) out.push(e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).trim().split(/ +/).join('.') : '') + ' ' + Math.round(r.left) + '..' + Math.round(r.right));
    }
    for (const e of document.querySelectorAll('body, body *')) {
        if (e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0) out.push('holds ' + e.tagName.toLowerCase() + '.' + String(e.className) + ' ' + e.clientWidth + '<' + e.scrollWidth + ' ' + getComputedStyle(e).overflowX);
    }
    return out.slice(0, 10).join(', ');
})()";

/// A running server with every kind of thing a page can show, and who can sign in.
struct Site {
    app: TestApp,
    paths: Vec<String>,
    member: TestUser,
    volunteer: TestUser,
    coordinator: TestUser,
}

async fn site() -> Site {
    let app = TestApp::spawn(DbKind::Sqlite).await;
    let cast = world::cast(&app).await;
    let engagement = world::propose(&cast.coordinator, cast.need, "ada@volunteers.example").await;
    let advisory = world::draft_advisory(
        &cast.coordinator,
        &world::advisory_form("Fake rota portal phishing", "high", &[("input[everyone]", "on")]),
    )
    .await;
    world::publish_advisory(&cast.coordinator, advisory).await;
    let paths = concrete_paths(&Ids {
        need: cast.need,
        engagement,
        organisation: cast.organisation,
        volunteer: app.account_id("ada@volunteers.example").await,
        advisory: Some(advisory),
    });
    let mut coordinator = cast.coordinator_user;
    coordinator.password = PASSWORD.into();
    let member = TestUser {
        id: app.account_id("it@stluc.example").await,
        email: "it@stluc.example".into(),
        password: PASSWORD.into(),
        totp_secret: None,
    };
    Site {
        app,
        paths,
        member,
        volunteer: cast.volunteer_user,
        coordinator,
    }
}

async fn signed_in(site: &Site, role: Role, javascript: bool) -> Browser {
    // axe-core needs a page that runs scripts (its own). Without JavaScript
    // the page is what the server sent (Frontline has no `<noscript>`
    // content), so the browser runs scripts but never gets the site's own:
    // nothing hydrates, forms post as plain forms.
    let b = browser(true).await;
    if !javascript {
        for (cmd, params) in [
            ("Network.enable", serde_json::json!({})),
            (
                "Network.setBlockedURLs",
                serde_json::json!({ "urls": ["*.js", "*.wasm"] }),
            ),
        ] {
            b.cdp(cmd, params)
                .await
                .unwrap_or_else(|e| panic!("{cmd}: {e:#}"));
        }
    }
    let app = &site.app;
    match role {
        Role::Anonymous => open(app, &b, javascript, "/").await,
        Role::Member | Role::Volunteer => {
            let user = if matches!(role, Role::Member) {
                &site.member
            } else {
                &site.volunteer
            };
            sign_in(app, &b, javascript, user).await;
            b.wait_for_text("data-viewer=").await;
        }
        Role::Coordinator => coordinator_signs_in(app, &b, javascript, &site.coordinator).await,
    }
    b
}

/// Evaluates `script` (an expression) in the page.
async fn eval(b: &Browser, script: &str) -> serde_json::Value {
    b.execute(&format!("return {script};"), vec![])
        .await
        .unwrap_or_else(|e| panic!("{script}: {e:#}"))
}

async fn audit(role: Role, javascript: bool) {
    let site = site().await;
    let b = signed_in(&site, role, javascript).await;
    let shots = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/screenshots/pages");
    let base = site.app.url("");
    let mut problems = Vec::new();
    let mut checked = 0;
    for locale in ["en", "ar"] {
        b.set_cookie(app::api::language::COOKIE, locale)
            .await
            .unwrap_or_else(|e| panic!("{e:#}"));
        let mut seen = BTreeSet::new();
        for path in &site.paths {
            open(&site.app, &b, javascript, path).await;
            let url = b.current_url().await.unwrap_or_else(|e| panic!("{e:#}"));
            let landed = url.strip_prefix(&base).unwrap_or(&url);
            // Redirects to the sign-in page differ only in `?next=`.
            let landed = landed.split('?').next().unwrap_or(landed).to_owned();
            if !seen.insert(landed.clone()) {
                continue;
            }
            checked += 1;
            let at = format!("{role:?} {locale} javascript={javascript} {landed}");
            let (lang, dir) = (
                eval(&b, "document.documentElement.lang").await,
                eval(&b, "document.documentElement.dir").await,
            );
            let want_dir = if locale == "ar" { "rtl" } else { "ltr" };
            if lang != locale || dir != want_dir {
                problems.push(format!("{at}: <html lang={lang} dir={dir}>"));
            }
            for v in b.axe().await.unwrap_or_else(|e| panic!("{at}: {e:#}")) {
                problems.push(format!(
                    "{at}: axe {} ({}): {} — {:?}",
                    v.id, v.impact, v.help, v.nodes
                ));
            }
            if !javascript {
                continue;
            }
            let slug = landed.trim_start_matches('/').replace(['/', '?', '&', '='], "_");
            let slug = if slug.is_empty() { "home".to_owned() } else { slug };
            for (width, height) in WIDTHS {
                b.resize(width, height).await.unwrap_or_else(|e| panic!("{e:#}"));
                let overflow = eval(
                    &b,
                    "document.documentElement.scrollWidth - document.documentElement.clientWidth",
                )
                .await;
                if overflow.as_f64().unwrap_or(0.0) > 0.0 {
                    let culprits = eval(&b, WIDER_THAN_THE_WINDOW).await;
                    problems.push(format!(
                        "{at}: scrolls sideways by {overflow} px at {width} px ({culprits})"
                    ));
                }
                if width == 1280 {
                    let header = eval(
                        &b,
                        "document.querySelector('header.site-header').getBoundingClientRect().height",
                    )
                    .await
                    .as_f64()
                    .unwrap_or(f64::MAX);
                    if header > DESKTOP_HEADER_MAX_PX {
                        problems.push(format!("{at}: the header is {header} px tall at {width} px"));
                    }
                }
                let role = format!("{role:?}").to_lowercase();
                b.screenshot(&shots.join(format!("{role}-{locale}-{slug}-{width}.png")))
                    .await
                    .unwrap_or_else(|e| panic!("{e:#}"));
            }
            b.resize(1280, 900).await.unwrap_or_else(|e| panic!("{e:#}"));
        }
    }
    println!(
        "{role:?}, javascript={javascript}: {checked} pages checked, {} problems",
        problems.len()
    );
    let least = if matches!(role, Role::Anonymous) {
        2 * 8
    } else {
        2 * 20
    };
    assert!(checked >= least, "only {checked} pages were checked");
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    site.app.stop().await;
}

macro_rules! audits {
    ($($name:ident: $role:expr, $javascript:expr;)*) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            audit($role, $javascript).await;
        }
    )*};
}

audits! {
    every_page_signed_out_with_javascript: Role::Anonymous, true;
    every_page_signed_out_without_javascript: Role::Anonymous, false;
    every_page_of_a_member_with_javascript: Role::Member, true;
    every_page_of_a_member_without_javascript: Role::Member, false;
    every_page_of_a_volunteer_with_javascript: Role::Volunteer, true;
    every_page_of_a_volunteer_without_javascript: Role::Volunteer, false;
    every_page_of_a_coordinator_with_javascript: Role::Coordinator, true;
    every_page_of_a_coordinator_without_javascript: Role::Coordinator, false;
}

/// What has the focus: a short description, and whether it shows a visible
/// outline.
async fn focused(b: &Browser) -> (String, bool) {
    let v = eval(
        b,
        "(() => { const e = document.activeElement, s = getComputedStyle(e);\
           const what = e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +\
             (e.hasAttribute('data-error-summary') ? '[data-error-summary]' : '') +\
             (e.getAttribute('type') ? '[type=' + e.getAttribute('type') + ']' : '');\
           return [what, s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0]; })()",
    )
    .await;
    (v[0].as_str().unwrap_or_default().to_owned(), v[1] == true)
}

/// Presses Tab until the element matching the CSS selector `what` has the
/// focus (at most 120 times: a form may hold dozens of checkboxes), checking
/// that every element the focus lands on shows it.
async fn tab_to(b: &Browser, what: &str, unseen: &mut Vec<String>) {
    let test = format!(
        "document.activeElement !== null && document.activeElement.matches({})",
        serde_json::Value::from(what)
    );
    for _ in 0..120 {
        b.press(keys::TAB).await.unwrap_or_else(|e| panic!("{e:#}"));
        let (now, visible) = focused(b).await;
        if !visible {
            unseen.push(now.clone());
        }
        if eval(b, &test).await == true {
            return;
        }
    }
    panic!("Tab never reached {what}");
}

/// Tabs to `what` and types `text` there.
async fn tab_and_type(b: &Browser, what: &str, text: &str, unseen: &mut Vec<String>) {
    tab_to(b, what, unseen).await;
    b.press(text).await.unwrap_or_else(|e| panic!("{e:#}"));
}

/// Registration with the keyboard alone: Tab from field to field, a failed
/// post (the focus goes to the error summary, whose links lead to the fields),
/// then the corrected form; the focus is visible on every stop.
async fn keyboard_registration(javascript: bool) {
    let app = TestApp::spawn(DbKind::Sqlite).await;
    let b = browser(javascript).await;
    open(&app, &b, javascript, "/register").await;
    let mut unseen = Vec::new();
    // The first stop is the skip link, shown when focused.
    b.press(keys::TAB).await.unwrap_or_else(|e| panic!("{e:#}"));
    let (first, _) = focused(&b).await;
    assert_eq!(first, "a", "the skip link comes first");
    let top = eval(&b, "document.activeElement.getBoundingClientRect().top").await;
    assert!(
        top.as_f64().unwrap_or(-1.0) >= 0.0,
        "the focused skip link is on screen: {top}"
    );

    tab_to(&b, "input#field-display_name[type=text]", &mut unseen).await;
    b.press("Ada Keyboard").await.unwrap_or_else(|e| panic!("{e:#}"));
    tab_to(&b, "input#field-email[type=email]", &mut unseen).await;
    b.press("ada@").await.unwrap_or_else(|e| panic!("{e:#}"));
    tab_to(&b, "input#field-password[type=password]", &mut unseen).await;
    b.press("short").await.unwrap_or_else(|e| panic!("{e:#}"));
    tab_to(&b, "button[type=submit]", &mut unseen).await;
    b.press(keys::ENTER).await.unwrap_or_else(|e| panic!("{e:#}"));

    // Back on the form: the error summary has the focus, and links to each field.
    b.wait_for_text("data-error-summary").await;
    b.settle(javascript).await;
    let (now, visible) = focused(&b).await;
    assert_eq!(
        now, "div[data-error-summary]",
        "the focus moved to the error summary"
    );
    assert!(visible, "the focused summary shows it");
    let links = eval(
        &b,
        "[...document.querySelectorAll('[data-error-summary] a')].map(a => a.getAttribute('href') + '=' + (document.querySelector(a.getAttribute('href')) !== null)).sort()",
    )
    .await;
    assert_eq!(
        links,
        serde_json::json!(["#field-email=true", "#field-password=true"]),
        "each message links to its field"
    );
    let described = eval(
        &b,
        "document.querySelector('#field-email').getAttribute('aria-describedby')",
    )
    .await;
    assert!(
        described
            .as_str()
            .unwrap_or_default()
            .contains("field-email-error"),
        "{described}"
    );

    // The kept address (selected as the focus arrives by Tab) is typed
    // again whole, a good password typed, and the form sent.
    tab_to(&b, "input#field-email[type=email]", &mut unseen).await;
    let kept = eval(&b, "document.activeElement.value").await;
    assert_eq!(kept, "ada@", "the address typed is kept");
    b.press("ada@example.org")
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    tab_to(&b, "input#field-password[type=password]", &mut unseen).await;
    b.press(PASSWORD).await.unwrap_or_else(|e| panic!("{e:#}"));
    tab_to(&b, "button[type=submit]", &mut unseen).await;
    b.press(keys::ENTER).await.unwrap_or_else(|e| panic!("{e:#}"));
    b.wait_for_path("/login").await;
    assert!(app.account_id("ada@example.org").await > 0, "registered");
    assert!(
        unseen.is_empty(),
        "focus without a visible outline on: {unseen:?}"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registration_with_the_keyboard_alone_with_javascript() {
    keyboard_registration(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registration_with_the_keyboard_alone_without_javascript() {
    keyboard_registration(false).await;
}

/// Posting a need with the keyboard alone: a member of an approved
/// organisation fills the whole form (selects by typing, a checkbox with the
/// space bar, a skill's group opened with Enter), saves the draft and submits
/// it for triage; the focus is visible on every stop.
async fn keyboard_need(javascript: bool) {
    let app = TestApp::spawn(DbKind::Sqlite).await;
    let coordinator = app.signed_in_coordinator("coord@example.org").await.0;
    let member = app.client();
    let (user, organisation) =
        world::member_with_organisation(&app, &member, "it@stluc.example", "Hôpital Saint-Luc").await;
    world::vet_organisation(&coordinator, organisation, "approve").await;
    let b = browser(javascript).await;
    sign_in(&app, &b, javascript, &user).await;
    b.wait_for_text("data-viewer=").await;
    open(&app, &b, javascript, "/needs/new").await;
    let skill = world::skill(&app, "dmarc").await;
    let category = world::category(&app, "email_security").await;
    let mut unseen = Vec::new();

    tab_and_type(&b, "#field-title", "DMARC for stluc.example", &mut unseen).await;
    tab_and_type(&b, "#field-category", "Email", &mut unseen).await;
    tab_and_type(&b, "#field-urgency", "High", &mut unseen).await;
    tab_and_type(&b, "#field-effort_hours", "12", &mut unseen).await;
    tab_and_type(&b, "input[name='input[languages][fr]']", keys::SPACE, &mut unseen).await;
    tab_and_type(
        &b,
        "#field-public_summary",
        "Spoofed emails in our name reach patients.",
        &mut unseen,
    )
    .await;
    tab_and_type(
        &b,
        "#field-confidential_details",
        "Domain stluc.example at registrar X.",
        &mut unseen,
    )
    .await;
    tab_and_type(
        &b,
        "details[data-category=email_security] summary",
        keys::ENTER,
        &mut unseen,
    )
    .await;
    tab_and_type(
        &b,
        &format!("select[name='input[skill_level][{skill}]']"),
        "Practitioner",
        &mut unseen,
    )
    .await;
    tab_and_type(
        &b,
        &format!("select[name='input[skill_weight][{skill}]']"),
        "Must",
        &mut unseen,
    )
    .await;
    let chosen = eval(
        &b,
        &format!(
            "[document.querySelector('#field-category').value, document.querySelector('#field-urgency').value, \
              document.querySelector(\"input[name='input[languages][fr]']\").checked, \
              document.querySelector(\"select[name='input[skill_level][{skill}]']\").value, \
              document.querySelector(\"select[name='input[skill_weight][{skill}]']\").value]"
        ),
    )
    .await;
    assert_eq!(
        chosen,
        serde_json::json!([category.to_string(), "high", true, "2", "must"]),
        "what the keys chose"
    );
    tab_and_type(
        &b,
        "form[action='/api/needs/create'] button[type=submit]",
        keys::ENTER,
        &mut unseen,
    )
    .await;
    b.wait_for_text("data-need-status=\"draft\"").await;
    b.settle(javascript).await;
    tab_and_type(
        &b,
        "form[action='/api/needs/submit'] button",
        keys::ENTER,
        &mut unseen,
    )
    .await;
    b.wait_for_text("data-need-status=\"submitted\"").await;
    assert!(
        unseen.is_empty(),
        "focus without a visible outline on: {unseen:?}"
    );
    app.stop().await;
}

/// Answering a proposal with the keyboard alone: the volunteer opens the
/// proposal from the notifications and accepts it.
async fn keyboard_answer(javascript: bool) {
    let app = TestApp::spawn(DbKind::Sqlite).await;
    let c = world::cast(&app).await;
    let id = world::propose(&c.coordinator, c.need, &c.volunteer_user.email).await;
    let b = browser(javascript).await;
    sign_in(&app, &b, javascript, &c.volunteer_user).await;
    b.wait_for_text("data-viewer=").await;
    open(&app, &b, javascript, "/notifications").await;
    let mut unseen = Vec::new();
    let page = format!("/engagements/{id}");
    tab_and_type(&b, &format!("main a[href='{page}']"), keys::ENTER, &mut unseen).await;
    b.wait_for_path(&page).await;
    b.settle(javascript).await;
    tab_and_type(&b, "button[data-action=accept]", keys::ENTER, &mut unseen).await;
    b.wait_for_text("data-engagement-status=\"accepted\"").await;
    assert!(
        unseen.is_empty(),
        "focus without a visible outline on: {unseen:?}"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posting_a_need_with_the_keyboard_alone_with_javascript() {
    keyboard_need(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posting_a_need_with_the_keyboard_alone_without_javascript() {
    keyboard_need(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answering_a_proposal_with_the_keyboard_alone_with_javascript() {
    keyboard_answer(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answering_a_proposal_with_the_keyboard_alone_without_javascript() {
    keyboard_answer(false).await;
}
