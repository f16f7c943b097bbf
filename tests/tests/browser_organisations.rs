//! Browser journeys for organisations, needs and volunteers, with and without
//! JavaScript: an organisation registers, is approved, posts a need and a
//! coordinator opens it; a volunteer registers, fills a profile and is approved.

use frontline_tests::{
    DbKind, TestApp,
    browser::Browser,
    db_tests,
    journeys::{browser, coordinator_signs_in},
    users::PASSWORD,
    world,
};

async fn register(app: &TestApp, b: &Browser, javascript: bool, role: &str, name: &str, email: &str) {
    b.goto(&app.url("/register"))
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    b.settle(javascript).await;
    b.click_on(&format!("input[name=role][value={role}]")).await;
    b.fill("#field-display_name", name).await;
    b.fill("#field-email", email).await;
    b.fill("#field-password", PASSWORD).await;
    b.click_on("form[action='/api/register'] button[type=submit]")
        .await;
    // Registering does not sign in (its answer must not tell whether the
    // address had an account): the sign-in page follows, the address filled in.
    b.wait_for_path("/login").await;
    b.wait_for_text("Thank you for registering").await;
    b.settle(javascript).await;
    // The address is kept: only the password is typed again.
    b.fill("#field-password", PASSWORD).await;
    b.click_on("form[action='/api/login'] button[type=submit]").await;
    // Arrange shortcut: the address counts as verified (vetting waits for it);
    // the mailed link is tested in tests/tests/mail.rs.
    let id = app.account_id(email).await;
    app.mark_verified(id).await;
}

async fn organisation_journey(app: &TestApp, javascript: bool) {
    let (_, mut coordinator) = app.signed_in_coordinator("coord@example.org").await;
    coordinator.password = PASSWORD.into();

    // The organisation registers.
    let member = browser(javascript).await;
    register(
        app,
        &member,
        javascript,
        "organisation_member",
        "Dr. Mbuyi",
        "it@stluc.example",
    )
    .await;
    member.wait_for_path("/organisation").await;
    member.wait_for_text("Register your organisation").await;
    member.settle(javascript).await;
    member.fill("#field-name", "Hôpital Saint-Luc").await;
    member.click_on("#field-kind option[value=hospital]").await;
    member.click_on("#field-country option[value=CD]").await;
    member.fill("#field-city", "Kinshasa").await;
    member.click_on("#field-size option[value=from_250]").await;
    member.click_on("input[name='input[languages][fr]']").await;
    member.fill("#field-contact_name", "Dr. Mbuyi").await;
    member.fill("#field-contact_email", "it@stluc.example").await;
    member
        .click_on("form[action='/api/organisation/create'] button[type=submit]")
        .await;
    member
        .wait_for_text("A coordinator will review your organisation soon")
        .await;

    // A coordinator approves it.
    let coord = browser(javascript).await;
    coordinator_signs_in(app, &coord, javascript, &coordinator).await;
    coord
        .goto(&app.url("/coordinator/organisations"))
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    coord.wait_for_text("Hôpital Saint-Luc").await;
    coord.settle(javascript).await;
    coord.click_on("tr[data-organisation] a").await;
    coord.wait_for_text("data-vetting-status=\"pending\"").await;
    coord.settle(javascript).await;
    coord
        .click_on("form[action='/api/vetting/organisation_decide'] button[value=approve]")
        .await;
    coord.wait_for_text("data-vetting-status=\"approved\"").await;

    // The organisation posts a need and submits it.
    member
        .goto(&app.url("/needs/new"))
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    member.settle(javascript).await;
    member.fill("#field-title", "DMARC for stluc.example").await;
    let category = world::category(app, "email_security").await;
    member
        .click_on(&format!("#field-category option[value='{category}']"))
        .await;
    member.click_on("#field-urgency option[value=high]").await;
    member.fill("#field-effort_hours", "12").await;
    member.click_on("input[name='input[languages][fr]']").await;
    member
        .fill(
            "#field-public_summary",
            "Spoofed emails in our name reach patients.",
        )
        .await;
    member
        .fill(
            "#field-confidential_details",
            "Domain stluc.example at registrar X.",
        )
        .await;
    member
        .click_on("details[data-category=email_security] summary")
        .await;
    let skill = world::skill(app, "dmarc").await;
    member
        .click_on(&format!(
            "select[name='input[skill_level][{skill}]'] option[value='2']"
        ))
        .await;
    member
        .click_on(&format!(
            "select[name='input[skill_weight][{skill}]'] option[value=must]"
        ))
        .await;
    member
        .click_on("form[action='/api/needs/create'] button[type=submit]")
        .await;
    member.wait_for_text("data-need-status=\"draft\"").await;
    member.settle(javascript).await;
    member.click_on("form[action='/api/needs/submit'] button").await;
    member.wait_for_text("data-need-status=\"submitted\"").await;

    // The coordinator opens it.
    coord
        .goto(&app.url("/coordinator/needs"))
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    coord.wait_for_text("DMARC for stluc.example").await;
    coord.settle(javascript).await;
    coord.click_on("tr[data-need] a").await;
    coord.wait_for_text("data-need-status=\"submitted\"").await;
    coord.wait_for_text("Domain stluc.example at registrar X.").await;
    coord.settle(javascript).await;
    coord
        .click_on("form[action='/api/vetting/triage'] button[value=open]")
        .await;
    coord.wait_for_text("data-need-status=\"open\"").await;

    if javascript {
        for b in [&member, &coord] {
            let errors = b.console_errors().await.unwrap_or_else(|e| panic!("{e:#}"));
            assert!(errors.is_empty(), "console errors: {errors:#?}");
        }
    }
}

async fn volunteer_journey(app: &TestApp, javascript: bool) {
    let (_, mut coordinator) = app.signed_in_coordinator("coord@example.org").await;
    coordinator.password = PASSWORD.into();

    let v = browser(javascript).await;
    register(
        app,
        &v,
        javascript,
        "volunteer",
        "Grace Hopper",
        "grace@example.org",
    )
    .await;
    v.wait_for_path("/volunteer").await;
    v.settle(javascript).await;
    v.click_on("#field-country option[value=KE]").await;
    v.click_on("#field-utc_offset option[value='180']").await;
    v.click_on("#field-onsite_scope option[value=own_country]").await;
    v.click_on("input[name='input[languages][en]']").await;
    v.click_on("input[name='input[languages][sw]']").await;
    v.click_on("details[data-category=incident_response] summary")
        .await;
    let skill = world::skill(app, "incident_handling").await;
    v.click_on(&format!(
        "select[name='input[skill_level][{skill}]'] option[value='3']"
    ))
    .await;
    v.fill("#field-employer", "Independent").await;
    v.click_on("input[name='input[accept_code_of_conduct]']").await;
    v.click_on("form[action='/api/volunteer/save'] button[type=submit]")
        .await;
    v.wait_for_text("data-volunteer-status=\"pending\"").await;

    let coord = browser(javascript).await;
    coordinator_signs_in(app, &coord, javascript, &coordinator).await;
    coord
        .goto(&app.url("/coordinator/volunteers"))
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    coord.wait_for_text("Grace Hopper").await;
    coord.settle(javascript).await;
    coord.click_on("tr[data-volunteer] a").await;
    coord.wait_for_text("Live incident handling").await;
    coord.settle(javascript).await;
    coord
        .click_on("form[action='/api/vetting/volunteer_decide'] button[value=approve]")
        .await;
    coord.wait_for_text("data-vetting-status=\"approved\"").await;

    v.goto(&app.url("/volunteer"))
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    v.wait_for_text("data-volunteer-status=\"approved\"").await;
    v.goto(&app.url("/needs"))
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    v.wait_for_text("No needs here yet.").await;

    if javascript {
        for b in [&v, &coord] {
            let errors = b.console_errors().await.unwrap_or_else(|e| panic!("{e:#}"));
            assert!(errors.is_empty(), "console errors: {errors:#?}");
        }
    }
}

db_tests! {
    async fn an_organisation_is_approved_posts_a_need_and_it_is_opened_with_javascript(db: DbKind) {
        organisation_journey(&TestApp::spawn(db).await, true).await;
    }

    async fn an_organisation_is_approved_posts_a_need_and_it_is_opened_without_javascript(db: DbKind) {
        organisation_journey(&TestApp::spawn(db).await, false).await;
    }

    async fn a_volunteer_fills_a_profile_and_is_approved_with_javascript(db: DbKind) {
        volunteer_journey(&TestApp::spawn(db).await, true).await;
    }

    async fn a_volunteer_fills_a_profile_and_is_approved_without_javascript(db: DbKind) {
        volunteer_journey(&TestApp::spawn(db).await, false).await;
    }
}
