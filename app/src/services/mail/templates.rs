//! What each mail says, as a plain-text and an HTML alternative.
//!
//! A plain template module rather than `leptos_i18n`: its `td_string!` works
//! outside a reactive context, but interpolating values needs the
//! `interpolate_display` option, which the `load_locales!` set-up cannot turn
//! on. English only for now; a `Locale` argument comes with the other languages.
//!
//! No mail carries confidential need details or message bodies: they link back.
//! Every value put into the HTML alternative is escaped.

use crate::{domain::codes::MailKind, html::escape, infra::outbox::NewMail};

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
}
