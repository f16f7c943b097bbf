//! What each mail says, as a plain-text and an HTML alternative.
//!
//! The words come from the same translation layer as the pages: the
//! `mail_text` keys of `locales/*.json`, read with `td_string!`, which takes the
//! locale as an argument and so works outside a reactive context. Values are
//! interpolated with the `interpolate_display` option, turned on in
//! `build.rs`. Each template takes the recipient's `Locale`: the language
//! their account chose ([`locale_of`]), English when it chose none.
//!
//! No mail carries confidential need details or message bodies: they link back.
//! Values are interpolated raw into the plain text; each paragraph of the HTML
//! alternative is escaped as a whole, so every value put into it is escaped.

use crate::{
    domain::codes::{MailKind, NotificationKind, Severity},
    html::escape,
    i18n::{I18nLocaleTrait as _, Locale, td_string},
    infra::outbox::NewMail,
};

/// One paragraph, a link or a block of Markdown in a mail's body.
enum Part<'a> {
    Text(&'a str),
    Link(&'a str, &'a str),
    /// Markdown: as written in the plain text, rendered and sanitised (the
    /// same allow-list as the pages) in the HTML.
    Markdown(&'a str),
}

/// Both alternatives from the same parts.
/// The language an account reads its mail in: the one it last chose (with the
/// footer's language form, or when it registered); English otherwise.
#[must_use]
pub fn locale_of(account: &entity::account::Model) -> Locale {
    account
        .locale
        .as_deref()
        .and_then(|l| l.parse().ok())
        .unwrap_or(Locale::en)
}

fn render(locale: Locale, kind: MailKind, to: &str, subject: String, parts: &[Part<'_>]) -> NewMail {
    let footer = td_string!(locale, mail_text.footer);
    let mut text = String::new();
    let mut html = String::from("<!doctype html><html lang=\"");
    html.push_str(locale.as_str());
    html.push_str("\"><head><meta charset=\"utf-8\"><title>");
    html.push_str(&escape(&subject));
    html.push_str("</title></head><body style=\"font-family:sans-serif;line-height:1.5\">");
    for part in parts {
        match part {
            Part::Text(p) => {
                text.push_str(p);
                html.push_str("<p>");
                html.push_str(&escape(p));
                html.push_str("</p>");
            }
            Part::Link(label, url) => {
                text.push_str(label);
                text.push_str(":\n");
                text.push_str(url);
                html.push_str("<p><a href=\"");
                html.push_str(&escape(url));
                html.push_str("\">");
                html.push_str(&escape(label));
                html.push_str("</a></p>");
            }
            Part::Markdown(md) => {
                text.push_str(md.trim_end());
                html.push_str(&crate::services::guidance::render(md));
            }
        }
        text.push_str("\n\n");
    }
    text.push_str("-- \n");
    text.push_str(footer);
    text.push('\n');
    html.push_str("<hr><p style=\"color:#555;font-size:0.9em\">");
    html.push_str(&escape(footer));
    html.push_str("</p></body></html>");
    NewMail {
        kind,
        to: to.to_owned(),
        subject,
        text,
        html,
        unsubscribe: None,
        advisory_id: None,
    }
}

/// "Hello {name},".
fn greeting(locale: Locale, name: &str) -> String {
    td_string!(locale, mail_text.hello, name = name)
}

/// A test of the mail set-up.
#[must_use]
pub fn test(locale: Locale, to: &str, note: &str) -> NewMail {
    render(
        locale,
        MailKind::Test,
        to,
        td_string!(locale, mail_text.test.subject).to_owned(),
        &[
            Part::Text(td_string!(locale, mail_text.test.lead)),
            Part::Text(note),
        ],
    )
}

/// Someone tried to register with `to`, which already has an account.
#[must_use]
pub fn registration_repeated(locale: Locale, to: &str, public_url: &str) -> NewMail {
    let sign_in = format!("{public_url}/login");
    let reset = format!("{public_url}/reset");
    render(
        locale,
        MailKind::RegistrationRepeated,
        to,
        td_string!(locale, mail_text.registration_repeated.subject).to_owned(),
        &[
            Part::Text(td_string!(locale, mail_text.registration_repeated.lead)),
            Part::Text(td_string!(locale, mail_text.registration_repeated.if_you)),
            Part::Link(
                td_string!(locale, mail_text.registration_repeated.sign_in),
                &sign_in,
            ),
            Part::Text(td_string!(locale, mail_text.forgot_password)),
            Part::Link(td_string!(locale, mail_text.reset_password), &reset),
            Part::Text(td_string!(locale, mail_text.registration_repeated.if_not_you)),
        ],
    )
}

/// Someone signed in to another account asked to move it to `to`, which already
/// has an account.
#[must_use]
pub fn address_taken(locale: Locale, to: &str, public_url: &str) -> NewMail {
    let reset = format!("{public_url}/reset");
    render(
        locale,
        MailKind::RegistrationRepeated,
        to,
        td_string!(locale, mail_text.address_taken.subject).to_owned(),
        &[
            Part::Text(td_string!(locale, mail_text.address_taken.lead)),
            Part::Text(td_string!(locale, mail_text.forgot_password)),
            Part::Link(td_string!(locale, mail_text.reset_password), &reset),
            Part::Text(td_string!(locale, mail_text.address_taken.otherwise)),
        ],
    )
}

/// The link that verifies `to` for a new account.
#[must_use]
pub fn verify_address(locale: Locale, to: &str, name: &str, link: &str, days: u64) -> NewMail {
    let greeting = greeting(locale, name);
    let lead = td_string!(locale, mail_text.verify_address.lead, days = days);
    render(
        locale,
        MailKind::VerifyAddress,
        to,
        td_string!(locale, mail_text.verify_address.subject).to_owned(),
        &[
            Part::Text(&greeting),
            Part::Text(&lead),
            Part::Link(td_string!(locale, mail_text.verify_address.action), link),
            Part::Text(td_string!(locale, mail_text.verify_address.ignore)),
        ],
    )
}

/// A password reset link the owner of `to` asked for.
#[must_use]
pub fn password_reset(locale: Locale, to: &str, name: &str, link: &str, minutes: u64) -> NewMail {
    let greeting = greeting(locale, name);
    let expiry = td_string!(locale, mail_text.password_reset.lead, minutes = minutes);
    render(
        locale,
        MailKind::PasswordReset,
        to,
        td_string!(locale, mail_text.password_reset.subject).to_owned(),
        &[
            Part::Text(&greeting),
            Part::Text(&expiry),
            Part::Link(td_string!(locale, mail_text.password_reset.action), link),
            Part::Text(td_string!(locale, mail_text.password_reset.ignore)),
        ],
    )
}

/// What a notification's mail needs to say, beyond its kind.
#[derive(Debug, Clone)]
pub struct Notice<'a> {
    /// The recipient's display name.
    pub name: &'a str,
    /// What it is about: the need's title, or the organisation's or volunteer's
    /// name for a vetting decision (never confidential details).
    pub subject: &'a str,
    /// The organisation asking for help, when the notice is about a need.
    pub organisation: Option<&'a str>,
    /// When the proposal must be answered (UTC, as text), for proposals.
    pub answer_by: Option<String>,
    /// Whether the recipient is the engagement's volunteer (or, when false, on
    /// the organisation's or the programme's side).
    pub to_volunteer: bool,
    /// Where to act or read more.
    pub link: String,
    /// The mail page, where the recipient chooses which mail they get.
    pub settings_link: String,
    /// The signed one-click unsubscribe link for this topic.
    pub unsubscribe: String,
}

/// The subject line's start, the lead sentence and the link's label.
type Words = (&'static str, &'static str, &'static str);

/// A kind's words as the organisation's side reads them, where they differ.
fn organisation_words(locale: Locale, kind: NotificationKind) -> Option<Words> {
    match kind {
        NotificationKind::Proposed => Some((
            td_string!(locale, mail_text.organisation_kinds.proposed.headline),
            td_string!(locale, mail_text.organisation_kinds.proposed.lead),
            td_string!(locale, mail_text.organisation_kinds.proposed.action),
        )),
        NotificationKind::Reminder => Some((
            td_string!(locale, mail_text.organisation_kinds.reminder.headline),
            td_string!(locale, mail_text.organisation_kinds.reminder.lead),
            td_string!(locale, mail_text.organisation_kinds.reminder.action),
        )),
        _ => None,
    }
}

/// A kind's words.
fn notice_words(locale: Locale, kind: NotificationKind) -> Words {
    match kind {
        NotificationKind::Proposed => (
            td_string!(locale, mail_text.kinds.proposed.headline),
            td_string!(locale, mail_text.kinds.proposed.lead),
            td_string!(locale, mail_text.kinds.proposed.action),
        ),
        NotificationKind::Reminder => (
            td_string!(locale, mail_text.kinds.reminder.headline),
            td_string!(locale, mail_text.kinds.reminder.lead),
            td_string!(locale, mail_text.kinds.reminder.action),
        ),
        NotificationKind::Offered => (
            td_string!(locale, mail_text.kinds.offered.headline),
            td_string!(locale, mail_text.kinds.offered.lead),
            td_string!(locale, mail_text.kinds.offered.action),
        ),
        NotificationKind::Accepted => (
            td_string!(locale, mail_text.kinds.accepted.headline),
            td_string!(locale, mail_text.kinds.accepted.lead),
            td_string!(locale, mail_text.kinds.accepted.action),
        ),
        NotificationKind::Declined => (
            td_string!(locale, mail_text.kinds.declined.headline),
            td_string!(locale, mail_text.kinds.declined.lead),
            td_string!(locale, mail_text.kinds.declined.action),
        ),
        NotificationKind::Confirmed => (
            td_string!(locale, mail_text.kinds.confirmed.headline),
            td_string!(locale, mail_text.kinds.confirmed.lead),
            td_string!(locale, mail_text.kinds.confirmed.action),
        ),
        NotificationKind::Completed => (
            td_string!(locale, mail_text.kinds.completed.headline),
            td_string!(locale, mail_text.kinds.completed.lead),
            td_string!(locale, mail_text.kinds.completed.action),
        ),
        NotificationKind::Cancelled => (
            td_string!(locale, mail_text.kinds.cancelled.headline),
            td_string!(locale, mail_text.kinds.cancelled.lead),
            td_string!(locale, mail_text.kinds.cancelled.action),
        ),
        NotificationKind::Expired => (
            td_string!(locale, mail_text.kinds.expired.headline),
            td_string!(locale, mail_text.kinds.expired.lead),
            td_string!(locale, mail_text.kinds.expired.action),
        ),
        NotificationKind::Message => (
            td_string!(locale, mail_text.kinds.message.headline),
            td_string!(locale, mail_text.kinds.message.lead),
            td_string!(locale, mail_text.kinds.message.action),
        ),
        NotificationKind::TakenByAnother => (
            td_string!(locale, mail_text.kinds.taken_by_another.headline),
            td_string!(locale, mail_text.kinds.taken_by_another.lead),
            td_string!(locale, mail_text.kinds.taken_by_another.action),
        ),
        NotificationKind::Withdrawn => (
            td_string!(locale, mail_text.kinds.withdrawn.headline),
            td_string!(locale, mail_text.kinds.withdrawn.lead),
            td_string!(locale, mail_text.kinds.withdrawn.action),
        ),
        NotificationKind::OnHold => (
            td_string!(locale, mail_text.kinds.on_hold.headline),
            td_string!(locale, mail_text.kinds.on_hold.lead),
            td_string!(locale, mail_text.kinds.on_hold.action),
        ),
        NotificationKind::NeedsReassignment => (
            td_string!(locale, mail_text.kinds.needs_reassignment.headline),
            td_string!(locale, mail_text.kinds.needs_reassignment.lead),
            td_string!(locale, mail_text.kinds.needs_reassignment.action),
        ),
        NotificationKind::FailedSignIns => (
            td_string!(locale, mail_text.kinds.failed_sign_ins.headline),
            td_string!(locale, mail_text.kinds.failed_sign_ins.lead),
            td_string!(locale, mail_text.kinds.failed_sign_ins.action),
        ),
        NotificationKind::VettingApproved => (
            td_string!(locale, mail_text.kinds.vetting_approved.headline),
            td_string!(locale, mail_text.kinds.vetting_approved.lead),
            td_string!(locale, mail_text.kinds.vetting_approved.action),
        ),
        NotificationKind::VettingRejected => (
            td_string!(locale, mail_text.kinds.vetting_rejected.headline),
            td_string!(locale, mail_text.kinds.vetting_rejected.lead),
            td_string!(locale, mail_text.kinds.vetting_rejected.action),
        ),
        NotificationKind::VettingSuspended => (
            td_string!(locale, mail_text.kinds.vetting_suspended.headline),
            td_string!(locale, mail_text.kinds.vetting_suspended.lead),
            td_string!(locale, mail_text.kinds.vetting_suspended.action),
        ),
        NotificationKind::AdvisoryPublished => (
            td_string!(locale, mail_text.kinds.advisory_published.headline),
            td_string!(locale, mail_text.kinds.advisory_published.lead),
            td_string!(locale, mail_text.kinds.advisory_published.action),
        ),
        NotificationKind::AdvisoryReminder => (
            td_string!(locale, mail_text.kinds.advisory_reminder.headline),
            td_string!(locale, mail_text.kinds.advisory_reminder.lead),
            td_string!(locale, mail_text.kinds.advisory_reminder.action),
        ),
    }
}

/// The translated name of a severity.
#[must_use]
pub fn severity_name(locale: Locale, severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => td_string!(locale, mail_text.advisory.severities.critical),
        Severity::High => td_string!(locale, mail_text.advisory.severities.high),
        Severity::Medium => td_string!(locale, mail_text.advisory.severities.medium),
        Severity::Information => td_string!(locale, mail_text.advisory.severities.information),
    }
}

/// What an advisory's mail says.
#[derive(Debug, Clone)]
pub struct AdvisoryMail<'a> {
    /// The advisory.
    pub id: i64,
    /// Its title.
    pub title: &'a str,
    /// Its severity.
    pub severity: Severity,
    /// Its summary.
    pub summary: &'a str,
    /// Its recommended actions (Markdown: as written in the text, rendered in the HTML).
    pub actions: &'a str,
    /// The recipient's organisation.
    pub organisation: &'a str,
    /// The recipient's display name.
    pub name: &'a str,
    /// The advisory's page.
    pub link: String,
    /// The mail page.
    pub settings_link: String,
    /// The signed one-click unsubscribe link for advisories.
    pub unsubscribe: String,
    /// A reminder (a critical advisory not acknowledged after a day).
    pub reminder: bool,
}

/// The mail of a threat advisory, or its reminder: the summary and the
/// actions in the mail itself, so it helps even before anyone signs in.
#[must_use]
pub fn advisory(locale: Locale, to: &str, a: &AdvisoryMail<'_>) -> NewMail {
    let severity = severity_name(locale, a.severity);
    let greeting = greeting(locale, a.name);
    let lead = if a.reminder {
        td_string!(
            locale,
            mail_text.advisory.reminder_lead,
            organisation = a.organisation
        )
    } else {
        td_string!(locale, mail_text.advisory.lead, organisation = a.organisation)
    };
    let severity_line = td_string!(locale, mail_text.advisory.severity, severity = severity);
    let mut parts = vec![
        Part::Text(&greeting),
        Part::Text(&lead),
        Part::Text(a.title),
        Part::Text(&severity_line),
        Part::Text(a.summary),
    ];
    if !a.actions.trim().is_empty() {
        parts.push(Part::Text(td_string!(locale, mail_text.advisory.actions)));
        parts.push(Part::Markdown(a.actions));
    }
    parts.push(Part::Link(td_string!(locale, mail_text.advisory.action), &a.link));
    let footer = non_essential_footer(locale, &a.settings_link);
    parts.push(Part::Text(&footer));
    parts.push(Part::Link(
        td_string!(locale, mail_text.notice.stop),
        &a.unsubscribe,
    ));
    let subject = if a.reminder {
        td_string!(
            locale,
            mail_text.advisory.reminder_subject,
            severity = severity,
            title = a.title
        )
    } else {
        td_string!(
            locale,
            mail_text.advisory.subject,
            severity = severity,
            title = a.title
        )
    };
    let mut mail = render(locale, MailKind::Advisory, to, subject, &parts);
    mail.unsubscribe = Some(a.unsubscribe.clone());
    mail.advisory_id = Some(a.id);
    mail
}

/// The mail telling `to` of a notification (the in-app notification's twin).
#[must_use]
pub fn notice(locale: Locale, kind: NotificationKind, to: &str, notice: &Notice<'_>) -> NewMail {
    let (headline, lead, action) = if notice.to_volunteer {
        notice_words(locale, kind)
    } else {
        organisation_words(locale, kind).unwrap_or_else(|| notice_words(locale, kind))
    };
    let greeting = greeting(locale, notice.name);
    let about = match notice.organisation {
        Some(organisation) => td_string!(
            locale,
            mail_text.notice.about_for,
            about = notice.subject,
            organisation = organisation
        ),
        None => notice.subject.to_owned(),
    };
    let answer_by = notice.answer_by.as_ref().map(|at| {
        if notice.to_volunteer {
            td_string!(locale, mail_text.notice.answer_by_volunteer, at = at)
        } else {
            td_string!(locale, mail_text.notice.answer_by_organisation, at = at)
        }
    });
    let mut parts = vec![Part::Text(&greeting), Part::Text(lead), Part::Text(&about)];
    if let Some(answer_by) = &answer_by {
        parts.push(Part::Text(answer_by));
    }
    parts.push(Part::Link(action, &notice.link));
    let footer = non_essential_footer(locale, &notice.settings_link);
    if kind.topic().is_some() {
        parts.push(Part::Text(&footer));
        parts.push(Part::Link(
            td_string!(locale, mail_text.notice.stop),
            &notice.unsubscribe,
        ));
    }
    let subject = td_string!(
        locale,
        mail_text.notice.subject,
        headline = headline,
        about = notice.subject
    );
    let mut mail = render(locale, kind.mail_kind(), to, subject, &parts);
    if kind.topic().is_some() {
        mail.unsubscribe = Some(notice.unsubscribe.clone());
    }
    mail
}

fn non_essential_footer(locale: Locale, settings_link: &str) -> String {
    td_string!(locale, mail_text.settings_footer, link = settings_link)
}

/// One line of a digest.
#[derive(Debug, Clone)]
pub struct DigestLine {
    /// What happened.
    pub kind: NotificationKind,
    /// About what (a need's title, an organisation's name).
    pub subject: String,
    /// When (UTC, as text).
    pub at: String,
}

/// The day's notifications in one mail.
#[must_use]
#[expect(
    clippy::too_many_arguments,
    reason = "the recipient, the lines and the three links"
)]
pub fn digest(
    locale: Locale,
    to: &str,
    name: &str,
    lines: &[DigestLine],
    more: u64,
    notifications_link: &str,
    settings_link: &str,
    unsubscribe: &str,
) -> NewMail {
    let greeting = greeting(locale, name);
    let lead = if lines.len() == 1 {
        td_string!(locale, mail_text.digest.lead_single).to_owned()
    } else {
        td_string!(
            locale,
            mail_text.digest.lead_several,
            count = lines.len() as u64 + more
        )
    };
    let items: Vec<String> = lines
        .iter()
        .map(|line| {
            td_string!(
                locale,
                mail_text.digest.item,
                at = &line.at,
                headline = notice_words(locale, line.kind).0,
                about = &line.subject
            )
        })
        .collect();
    let rest = (more > 0).then(|| td_string!(locale, mail_text.digest.more, more = more));
    let mut parts = vec![Part::Text(&greeting), Part::Text(&lead)];
    parts.extend(items.iter().map(|item| Part::Text(item)));
    if let Some(rest) = &rest {
        parts.push(Part::Text(rest));
    }
    parts.push(Part::Link(
        td_string!(locale, mail_text.digest.see),
        notifications_link,
    ));
    let footer = non_essential_footer(locale, settings_link);
    parts.push(Part::Text(&footer));
    parts.push(Part::Link(td_string!(locale, mail_text.digest.stop), unsubscribe));
    let mut mail = render(
        locale,
        MailKind::Digest,
        to,
        td_string!(locale, mail_text.digest.subject).to_owned(),
        &parts,
    );
    mail.unsubscribe = Some(unsubscribe.to_owned());
    mail
}

/// An invitation to join `organisation`, sent to a colleague's address.
#[must_use]
pub fn invitation(
    locale: Locale,
    to: &str,
    inviter: &str,
    organisation: &str,
    link: &str,
    days: u64,
) -> NewMail {
    let lead = td_string!(
        locale,
        mail_text.invitation.lead,
        inviter = inviter,
        organisation = organisation
    );
    let how = td_string!(locale, mail_text.invitation.how, days = days);
    render(
        locale,
        MailKind::Invitation,
        to,
        td_string!(
            locale,
            mail_text.invitation.subject,
            inviter = inviter,
            organisation = organisation
        ),
        &[
            Part::Text(&lead),
            Part::Text(&how),
            Part::Link(td_string!(locale, mail_text.invitation.action), link),
            Part::Text(td_string!(locale, mail_text.invitation.ignore)),
        ],
    )
}

/// An invitation to coordinate the programme: the link sets the password.
#[must_use]
pub fn coordinator_invitation(
    locale: Locale,
    to: &str,
    name: &str,
    inviter: &str,
    link: &str,
    hours: u64,
) -> NewMail {
    let greeting = greeting(locale, name);
    let lead = td_string!(
        locale,
        mail_text.coordinator_invitation.lead,
        inviter = inviter,
        hours = hours
    );
    render(
        locale,
        MailKind::CoordinatorInvitation,
        to,
        td_string!(locale, mail_text.coordinator_invitation.subject).to_owned(),
        &[
            Part::Text(&greeting),
            Part::Text(&lead),
            Part::Link(td_string!(locale, mail_text.coordinator_invitation.action), link),
        ],
    )
}

/// The link that moves an account to the new address `to`.
#[must_use]
pub fn change_address(locale: Locale, to: &str, name: &str, link: &str, days: u64) -> NewMail {
    let greeting = greeting(locale, name);
    let lead = td_string!(locale, mail_text.change_address.lead, days = days);
    render(
        locale,
        MailKind::ChangeAddress,
        to,
        td_string!(locale, mail_text.change_address.subject).to_owned(),
        &[
            Part::Text(&greeting),
            Part::Text(&lead),
            Part::Link(td_string!(locale, mail_text.change_address.action), link),
            Part::Text(td_string!(locale, mail_text.change_address.ignore)),
        ],
    )
}

/// A notice to the current address that someone signed in as its owner asked to
/// move the account to `new_address`.
#[must_use]
pub fn address_changing(
    locale: Locale,
    to: &str,
    name: &str,
    new_address: &str,
    reset_link: &str,
) -> NewMail {
    let greeting = greeting(locale, name);
    let lead = td_string!(locale, mail_text.address_changing.lead, address = new_address);
    render(
        locale,
        MailKind::AddressChanging,
        to,
        td_string!(locale, mail_text.address_changing.subject).to_owned(),
        &[
            Part::Text(&greeting),
            Part::Text(&lead),
            Part::Text(td_string!(locale, mail_text.address_changing.if_not_you)),
            Part::Link(td_string!(locale, mail_text.reset_password), reset_link),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_what_people_type() {
        let mail = password_reset(
            Locale::en,
            "a@example.org",
            "<script>alert(1)</script> & co",
            "https://f.example/reset/abc",
            30,
        );
        assert!(!mail.html.contains("<script>"), "{}", mail.html);
        assert!(
            mail.html
                .contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co")
        );
        assert!(
            mail.text.contains("<script>alert(1)</script> & co"),
            "plain text is plain"
        );
        assert!(mail.text.contains("https://f.example/reset/abc"));
        assert!(mail.html.contains("href=\"https://f.example/reset/abc\""));
    }

    #[test]
    fn every_notice_links_its_page_and_non_essential_ones_can_be_stopped() {
        for kind in NotificationKind::ALL {
            let mail = notice(
                Locale::en,
                *kind,
                "v@example.org",
                &Notice {
                    name: "Ada",
                    subject: "Ransomware <b>triage</b>",
                    organisation: Some("Clinic & co"),
                    answer_by: Some("2026-12-04 09:00".to_owned()),
                    to_volunteer: true,
                    link: "https://f.example/engagements/7".to_owned(),
                    settings_link: "https://f.example/account/mail".to_owned(),
                    unsubscribe: "https://f.example/unsubscribe/1.proposals.ab".to_owned(),
                },
            );
            assert!(mail.text.contains("https://f.example/engagements/7"), "{kind:?}");
            assert!(
                mail.html.contains("Ransomware &lt;b&gt;triage&lt;/b&gt;"),
                "{kind:?}"
            );
            assert!(!mail.html.contains("<b>"), "{kind:?}");
            assert_eq!(mail.unsubscribe.is_some(), kind.topic().is_some(), "{kind:?}");
            assert_eq!(
                mail.text.contains("/unsubscribe/"),
                kind.topic().is_some(),
                "{kind:?}"
            );
            assert_eq!(mail.kind, kind.mail_kind());
        }
    }

    #[test]
    fn values_are_interpolated_into_the_words() {
        let mail = invitation(
            Locale::en,
            "i@example.org",
            "Ada",
            "Clinic",
            "https://f.example/join/x",
            14,
        );
        assert_eq!(mail.subject, "Ada invites you to Clinic on Frontline");
        assert!(
            mail.text.contains("The link works once, within 14 days."),
            "{}",
            mail.text
        );
        let line = |subject: &str| DigestLine {
            kind: NotificationKind::Proposed,
            subject: subject.to_owned(),
            at: "2026-12-04 09:00".to_owned(),
        };
        let lines = [line("Triage"), line("Audit")];
        let mail = digest(Locale::en, "d@example.org", "Ada", &lines, 1, "n", "s", "u");
        assert!(mail.text.starts_with("Hello Ada,\n\n"), "{}", mail.text);
        assert!(
            mail.text.contains("since your last digest: 3 updates."),
            "{}",
            mail.text
        );
        assert!(
            mail.text.contains("2026-12-04 09:00 — New proposal: Triage"),
            "{}",
            mail.text
        );
        assert!(
            mail.text.contains("…and 1 more on your notifications page."),
            "{}",
            mail.text
        );
    }
}
