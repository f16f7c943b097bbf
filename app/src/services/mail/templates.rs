//! What each mail says, as a plain-text and an HTML alternative.
//!
//! A plain template module rather than `leptos_i18n`: its `td_string!` works
//! outside a reactive context, but interpolating values needs the
//! `interpolate_display` option, which the `load_locales!` set-up cannot turn
//! on. English only for now; a `Locale` argument comes with the other languages.
//!
//! No mail carries confidential need details or message bodies: they link back.
//! Every value put into the HTML alternative is escaped.

use crate::{
    domain::codes::{MailKind, NotificationKind},
    html::escape,
    infra::outbox::NewMail,
};

/// The footer every mail ends with.
const FOOTER: &str = "Frontline — cybersecurity help for healthcare, from volunteer experts.";

/// One paragraph or a link in a mail's body.
enum Part<'a> {
    Text(&'a str),
    Link(&'a str, &'a str),
}

/// Both alternatives from the same parts.
fn render(kind: MailKind, to: &str, subject: String, parts: &[Part<'_>]) -> NewMail {
    let mut text = String::new();
    let mut html = String::from("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>");
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
        }
        text.push_str("\n\n");
    }
    text.push_str("-- \n");
    text.push_str(FOOTER);
    text.push('\n');
    html.push_str("<hr><p style=\"color:#555;font-size:0.9em\">");
    html.push_str(&escape(FOOTER));
    html.push_str("</p></body></html>");
    NewMail {
        kind,
        to: to.to_owned(),
        subject,
        text,
        html,
        unsubscribe: None,
    }
}

/// A test of the mail set-up.
#[must_use]
pub fn test(to: &str, note: &str) -> NewMail {
    render(
        MailKind::Test,
        to,
        "Frontline mail test".to_owned(),
        &[
            Part::Text("This is a test of Frontline's mail delivery."),
            Part::Text(note),
        ],
    )
}

/// Someone tried to register with `to`, which already has an account.
#[must_use]
pub fn registration_repeated(to: &str, public_url: &str) -> NewMail {
    let sign_in = format!("{public_url}/login");
    let reset = format!("{public_url}/reset");
    render(
        MailKind::RegistrationRepeated,
        to,
        "Someone tried to register with your address".to_owned(),
        &[
            Part::Text(
                "Someone just tried to register a new Frontline account with this email address. \
                 It already has an account, so nothing was created and nothing changed.",
            ),
            Part::Text("If it was you, sign in with your existing account:"),
            Part::Link("Sign in", &sign_in),
            Part::Text("If you forgot your password, you can choose a new one:"),
            Part::Link("Reset your password", &reset),
            Part::Text("If it was not you, you can ignore this mail."),
        ],
    )
}

/// Someone signed in to another account asked to move it to `to`, which already
/// has an account.
#[must_use]
pub fn address_taken(to: &str, public_url: &str) -> NewMail {
    let reset = format!("{public_url}/reset");
    render(
        MailKind::RegistrationRepeated,
        to,
        "Someone tried to use your address on Frontline".to_owned(),
        &[
            Part::Text(
                "Someone signed in to another Frontline account just asked to move it to this email \
                 address. This address already has an account, so nothing changed.",
            ),
            Part::Text("If you forgot your password, you can choose a new one:"),
            Part::Link("Reset your password", &reset),
            Part::Text("Otherwise you can ignore this mail."),
        ],
    )
}

/// The link that verifies `to` for a new account.
#[must_use]
pub fn verify_address(to: &str, name: &str, link: &str, days: u64) -> NewMail {
    let greeting = format!("Hello {name},");
    let lead = format!(
        "Welcome to Frontline. Please confirm that this is your email address: the link below \
         works once, within {days} days. Coordinators vet accounts only once their address is confirmed."
    );
    render(
        MailKind::VerifyAddress,
        to,
        "Confirm your email address for Frontline".to_owned(),
        &[
            Part::Text(&greeting),
            Part::Text(&lead),
            Part::Link("Confirm my address", link),
            Part::Text(
                "If you did not register on Frontline, ignore this mail: nothing happens without the link.",
            ),
        ],
    )
}

/// A password reset link the owner of `to` asked for.
#[must_use]
pub fn password_reset(to: &str, name: &str, link: &str, minutes: u64) -> NewMail {
    let greeting = format!("Hello {name},");
    let expiry = format!(
        "Someone (we hope you) asked to reset the password of your Frontline account. \
         The link below works once, within {minutes} minutes. Using it signs you out everywhere; \
         if you use a second factor, you will still need it to sign in."
    );
    render(
        MailKind::PasswordReset,
        to,
        "Reset your Frontline password".to_owned(),
        &[
            Part::Text(&greeting),
            Part::Text(&expiry),
            Part::Link("Choose a new password", link),
            Part::Text("If you did not ask for this, ignore this mail: your password stays as it is."),
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

/// The subject line's start, the lead sentence and the link's label for a
/// kind, as the organisation's side reads it where that differs.
fn organisation_words(kind: NotificationKind) -> Option<(&'static str, &'static str, &'static str)> {
    match kind {
        NotificationKind::Proposed => Some((
            "A volunteer was proposed",
            "A volunteer was proposed for this need. You will be told when they answer.",
            "Open the engagement",
        )),
        NotificationKind::Reminder => Some((
            "Reminder: a volunteer waits for your confirmation",
            "A volunteer accepted to help with this need and waits for your confirmation. The proposal expires within a day: please confirm or decline it before then.",
            "Confirm or decline",
        )),
        _ => None,
    }
}

/// The subject line's start, the lead sentence and the link's label for a kind.
fn notice_words(kind: NotificationKind) -> (&'static str, &'static str, &'static str) {
    match kind {
        NotificationKind::Proposed => (
            "New proposal",
            "You have been proposed as the volunteer for this need. Please read it and accept or decline.",
            "Answer the proposal",
        ),
        NotificationKind::Reminder => (
            "Reminder: a proposal waits for your answer",
            "A proposal still waits for your answer and expires within a day. Please answer it before then.",
            "Answer the proposal",
        ),
        NotificationKind::Offered => (
            "A volunteer offered to help",
            "A volunteer offered to help with your need. Please confirm or decline their offer.",
            "See the offer",
        ),
        NotificationKind::Accepted => (
            "Proposal accepted",
            "The volunteer accepted the proposal. The organisation confirms to start the work.",
            "Open the engagement",
        ),
        NotificationKind::Declined => (
            "Declined",
            "The proposal was declined. The need goes back to matching.",
            "Open the engagement",
        ),
        NotificationKind::Confirmed => (
            "Work confirmed",
            "The organisation confirmed the work: the engagement is active and its details are open to the volunteer.",
            "Open the engagement",
        ),
        NotificationKind::Completed => (
            "Completed: please rate it",
            "The work is marked as completed. Thank you. Please rate the engagement: ratings help the programme match well.",
            "Rate the engagement",
        ),
        NotificationKind::Cancelled => (
            "Cancelled",
            "The engagement was called off.",
            "Open the engagement",
        ),
        NotificationKind::Expired => (
            "Proposal expired",
            "The proposal expired without an answer.",
            "Open the engagement",
        ),
        NotificationKind::Message => (
            "New message",
            "There is a new message on this engagement. For your privacy it is not copied into this mail: read it on Frontline.",
            "Read the message",
        ),
        NotificationKind::TakenByAnother => (
            "Proposal withdrawn: another volunteer was first",
            "This critical need was proposed to several volunteers at once, and another volunteer accepted it first. Thank you for being ready to help: the proposal is withdrawn and nothing is asked of you.",
            "Open the engagement",
        ),
        NotificationKind::Withdrawn => (
            "Proposal withdrawn",
            "The programme withdrew this proposal.",
            "Open the engagement",
        ),
        NotificationKind::OnHold => (
            "On hold",
            "This engagement is on hold until a coordinator follows up.",
            "Open the engagement",
        ),
        NotificationKind::NeedsReassignment => (
            "Needs reassignment",
            "An active engagement needs reassignment: one of its participants was suspended or turned down.",
            "Open the engagement",
        ),
        NotificationKind::FailedSignIns => (
            "Failed sign-in attempts on your account",
            "There were failed attempts to sign in to your account since you last signed in. If they were not yours, consider changing your password and turning on two-factor authentication.",
            "Review your account",
        ),
        NotificationKind::VettingApproved => (
            "Approved",
            "A coordinator approved you on Frontline. You can now take part in matching.",
            "Open Frontline",
        ),
        NotificationKind::VettingRejected => (
            "Not approved",
            "A coordinator did not approve this registration. The note they left is on your page.",
            "Open Frontline",
        ),
        NotificationKind::VettingSuspended => (
            "Suspended",
            "A coordinator suspended this registration: proposals are withdrawn and active work is on hold.",
            "Open Frontline",
        ),
    }
}

/// The mail telling `to` of a notification (the in-app notification's twin).
#[must_use]
pub fn notice(kind: NotificationKind, to: &str, notice: &Notice<'_>) -> NewMail {
    let (headline, lead, action) = if notice.to_volunteer {
        notice_words(kind)
    } else {
        organisation_words(kind).unwrap_or_else(|| notice_words(kind))
    };
    let greeting = format!("Hello {},", notice.name);
    let about = match notice.organisation {
        Some(organisation) => format!("{} — for {organisation}", notice.subject),
        None => notice.subject.to_owned(),
    };
    let answer_by = notice.answer_by.as_ref().map(|at| {
        if notice.to_volunteer {
            format!("Please answer by {at}; after that the proposal expires.")
        } else {
            format!("The volunteer answers by {at}; after that the proposal expires.")
        }
    });
    let mut parts = vec![Part::Text(&greeting), Part::Text(lead), Part::Text(&about)];
    if let Some(answer_by) = &answer_by {
        parts.push(Part::Text(answer_by));
    }
    parts.push(Part::Link(action, &notice.link));
    let footer = non_essential_footer(&notice.settings_link);
    if kind.topic().is_some() {
        parts.push(Part::Text(&footer));
        parts.push(Part::Link("Stop these mails", &notice.unsubscribe));
    }
    let subject = format!("{headline}: {}", notice.subject);
    let mut mail = render(kind.mail_kind(), to, subject, &parts);
    if kind.topic().is_some() {
        mail.unsubscribe = Some(notice.unsubscribe.clone());
    }
    mail
}

fn non_essential_footer(settings_link: &str) -> String {
    format!(
        "You get this mail because of your mail settings on Frontline. Choose which mail you get, \
         at once, once a day or never: {settings_link}"
    )
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
pub fn digest(
    to: &str,
    name: &str,
    lines: &[DigestLine],
    more: u64,
    notifications_link: &str,
    settings_link: &str,
    unsubscribe: &str,
) -> NewMail {
    let greeting = format!("Hello {name},");
    let lead = if lines.len() == 1 {
        "Here is what happened on Frontline since your last digest: one update.".to_owned()
    } else {
        format!(
            "Here is what happened on Frontline since your last digest: {} updates.",
            lines.len() as u64 + more
        )
    };
    let items: Vec<String> = lines
        .iter()
        .map(|line| format!("{} — {}: {}", line.at, notice_words(line.kind).0, line.subject))
        .collect();
    let rest = (more > 0).then(|| format!("…and {more} more on your notifications page."));
    let mut parts = vec![Part::Text(&greeting), Part::Text(&lead)];
    parts.extend(items.iter().map(|item| Part::Text(item)));
    if let Some(rest) = &rest {
        parts.push(Part::Text(rest));
    }
    parts.push(Part::Link("See your notifications", notifications_link));
    let footer = non_essential_footer(settings_link);
    parts.push(Part::Text(&footer));
    parts.push(Part::Link("Stop the daily digest", unsubscribe));
    let mut mail = render(
        MailKind::Digest,
        to,
        "Your daily Frontline digest".to_owned(),
        &parts,
    );
    mail.unsubscribe = Some(unsubscribe.to_owned());
    mail
}

/// An invitation to join `organisation`, sent to a colleague's address.
#[must_use]
pub fn invitation(to: &str, inviter: &str, organisation: &str, link: &str, days: u64) -> NewMail {
    let lead = format!(
        "{inviter} invites you to join {organisation} on Frontline, where healthcare organisations \
         get cybersecurity help from vetted volunteer experts."
    );
    let how = format!(
        "Open the link below, then register (or sign in) as an organisation member and join. \
         The link works once, within {days} days."
    );
    render(
        MailKind::Invitation,
        to,
        format!("{inviter} invites you to {organisation} on Frontline"),
        &[
            Part::Text(&lead),
            Part::Text(&how),
            Part::Link("Join the organisation", link),
            Part::Text("If you do not know the sender, ignore this mail: nothing happens without the link."),
        ],
    )
}

/// An invitation to coordinate the programme: the link sets the password.
#[must_use]
pub fn coordinator_invitation(to: &str, name: &str, inviter: &str, link: &str, hours: u64) -> NewMail {
    let greeting = format!("Hello {name},");
    let lead = format!(
        "{inviter} made you a coordinator of Frontline. Choose your password with the link below: \
         it works once, within {hours} hours. You will then set up two-factor authentication, \
         which coordinators need."
    );
    render(
        MailKind::CoordinatorInvitation,
        to,
        "You are invited to coordinate Frontline".to_owned(),
        &[
            Part::Text(&greeting),
            Part::Text(&lead),
            Part::Link("Choose your password", link),
        ],
    )
}

/// The link that moves an account to the new address `to`.
#[must_use]
pub fn change_address(to: &str, name: &str, link: &str, days: u64) -> NewMail {
    let greeting = format!("Hello {name},");
    let lead = format!(
        "You asked to use this address for your Frontline account. Confirm it with the link below: \
         it works once, within {days} days. Until then your account keeps its current address."
    );
    render(
        MailKind::ChangeAddress,
        to,
        "Confirm your new address for Frontline".to_owned(),
        &[
            Part::Text(&greeting),
            Part::Text(&lead),
            Part::Link("Confirm my new address", link),
            Part::Text("If you did not ask for this, ignore this mail: nothing changes without the link."),
        ],
    )
}

/// A notice to the current address that someone signed in as its owner asked to
/// move the account to `new_address`.
#[must_use]
pub fn address_changing(to: &str, name: &str, new_address: &str, reset_link: &str) -> NewMail {
    let greeting = format!("Hello {name},");
    let lead = format!(
        "Someone signed in to your Frontline account asked to move it to the address {new_address}. \
         It moves only once the link sent there is followed."
    );
    render(
        MailKind::AddressChanging,
        to,
        "Your Frontline account's address is being changed".to_owned(),
        &[
            Part::Text(&greeting),
            Part::Text(&lead),
            Part::Text(
                "If this was not you, change your password now (this also signs everyone out), \
                 and tell a coordinator.",
            ),
            Part::Link("Reset your password", reset_link),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_what_people_type() {
        let mail = password_reset(
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
}
