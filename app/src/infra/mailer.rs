//! The mail transport: SMTP (STARTTLS or TLS, with authentication) through
//! `lettre`, or — with no mail server configured — `.eml` files in a folder.

use entity::mail_outbox;
use lettre::{
    AsyncFileTransport, AsyncSmtpTransport, AsyncTransport as _, Message, Tokio1Executor,
    message::{Mailbox, MultiPart, header},
};
use std::{path::PathBuf, time::Duration};

/// Where mail goes.
#[derive(Clone)]
pub enum Mailer {
    /// A mail server.
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// `.eml` files in this folder.
    Files(AsyncFileTransport<Tokio1Executor>, PathBuf),
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            // The transport holds the credentials: never print it.
            Self::Smtp(_) => f.write_str("Mailer::Smtp"),
            Self::Files(_, dir) => write!(f, "Mailer::Files({})", dir.display()),
        }
    }
}

/// Why a mail transport could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum MailerError {
    /// The `smtp_url` setting makes no sense (the message never holds the password).
    #[error("{0}")]
    Url(String),
    /// The mail folder cannot be created.
    #[error("cannot create the mail folder {0}: {1}")]
    Folder(PathBuf, std::io::Error),
}

/// How one delivery attempt failed.
#[derive(Debug)]
pub struct SendError {
    /// What went wrong (the server's answer; never the mail's content).
    pub message: String,
    /// Retrying cannot help (a permanent refusal, an address that cannot be).
    pub permanent: bool,
}

impl Mailer {
    /// SMTP from a URL: `smtp://user:password@host:587` speaks STARTTLS (required),
    /// `smtps://user:password@host:465` TLS from the start; `?tls=none` sends in the
    /// clear and is accepted only for a server on this machine (a local relay).
    ///
    /// # Errors
    /// [`MailerError::Url`] naming what is wrong.
    pub fn smtp(url: &str, timeout: Duration) -> Result<Self, MailerError> {
        let lettre_url = lettre_url(url)?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&lettre_url)
            .map_err(|e| MailerError::Url(format!("smtp_url: {e}")))?
            .timeout(Some(timeout))
            .build();
        Ok(Self::Smtp(transport))
    }

    /// Checks an `smtp_url` without building the transport (building starts its
    /// connection pool, which needs the runtime).
    ///
    /// # Errors
    /// [`MailerError::Url`] naming what is wrong.
    pub fn check_smtp_url(url: &str) -> Result<(), MailerError> {
        let lettre_url = lettre_url(url)?;
        AsyncSmtpTransport::<Tokio1Executor>::from_url(&lettre_url)
            .map(drop)
            .map_err(|e| MailerError::Url(format!("smtp_url: {e}")))
    }

    /// `.eml` files in `dir`, created if missing.
    ///
    /// # Errors
    /// [`MailerError::Folder`].
    pub fn files(dir: PathBuf) -> Result<Self, MailerError> {
        std::fs::create_dir_all(&dir).map_err(|e| MailerError::Folder(dir.clone(), e))?;
        Ok(Self::Files(AsyncFileTransport::<Tokio1Executor>::new(&dir), dir))
    }

    /// Where mail goes, for the start-up log (no credentials).
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            Self::Smtp(_) => "an SMTP server (smtp_url)".to_owned(),
            Self::Files(_, dir) => format!(".eml files in {}", dir.display()),
        }
    }

    /// Sends one outbox row from `from`.
    ///
    /// # Errors
    /// [`SendError`], permanent or not.
    pub async fn send(&self, from: &str, row: &mail_outbox::Model) -> Result<(), SendError> {
        let message = build(from, row)?;
        match self {
            Self::Smtp(transport) => transport.send(message).await.map(drop).map_err(|e| SendError {
                permanent: e.is_permanent(),
                message: e.to_string(),
            }),
            Self::Files(transport, _) => transport.send(message).await.map(drop).map_err(|e| SendError {
                permanent: false,
                message: e.to_string(),
            }),
        }
    }
}

/// The message of an outbox row: its `Message-ID`, plain text and HTML alternatives.
fn build(from: &str, row: &mail_outbox::Model) -> Result<Message, SendError> {
    let permanent = |what: &str, e: &dyn std::fmt::Display| SendError {
        message: format!("{what}: {e}"),
        permanent: true,
    };
    let from: Mailbox = from.parse().map_err(|e| permanent("mail_from", &e))?;
    let to: Mailbox = row.recipient.parse().map_err(|e| permanent("recipient", &e))?;
    let mut builder = Message::builder()
        .from(from)
        .to(to)
        .subject(row.subject.clone())
        .message_id(Some(row.message_id.clone()))
        .header(header::Date::new(row.created_at.into()));
    if let Some(url) = &row.unsubscribe_url {
        builder = builder
            .header(ListUnsubscribe(format!("<{url}>")))
            .header(ListUnsubscribePost);
    }
    builder
        .multipart(MultiPart::alternative_plain_html(
            row.body_text.clone(),
            row.body_html.clone(),
        ))
        .map_err(|e| permanent("message", &e))
}

/// `List-Unsubscribe: <https://…>` (RFC 2369), the signed one-click link.
#[derive(Clone, Debug)]
struct ListUnsubscribe(String);

impl header::Header for ListUnsubscribe {
    fn name() -> header::HeaderName {
        header::HeaderName::new_from_ascii_str("List-Unsubscribe")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(s.to_owned()))
    }

    fn display(&self) -> header::HeaderValue {
        header::HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058): the link
/// unsubscribes on a POST, with no further step.
#[derive(Clone, Debug)]
struct ListUnsubscribePost;

impl header::Header for ListUnsubscribePost {
    fn name() -> header::HeaderName {
        header::HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }

    fn display(&self) -> header::HeaderValue {
        header::HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_owned())
    }
}

/// Checks a `mail_from` setting.
///
/// # Errors
/// Why it is not a mailbox.
pub fn check_from(from: &str) -> Result<(), String> {
    from.parse::<Mailbox>().map(drop).map_err(|e| e.to_string())
}

/// Our `smtp_url` in lettre's terms: STARTTLS is required unless `tls=none` on a
/// loopback host.
fn lettre_url(url: &str) -> Result<String, MailerError> {
    let bad = |reason: &str| MailerError::Url(format!("smtp_url: {reason}"));
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| bad("must start with smtp:// or smtps://"))?;
    let (authority_path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let mut tls = None;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some(("tls", value)) => tls = Some(value),
            _ => return Err(bad("the only query parameter is tls=none")),
        }
    }
    let authority = authority_path.split('/').next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(bracketed) = host_port.strip_prefix('[') {
        bracketed.split(']').next().unwrap_or("")
    } else {
        host_port.split(':').next().unwrap_or("")
    };
    if host.is_empty() {
        return Err(bad("no host"));
    }
    match (scheme, tls) {
        ("smtp", None) => Ok(format!("smtp://{authority_path}?tls=required")),
        ("smtp", Some("none")) => {
            let loopback =
                host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
            if loopback {
                Ok(format!("smtp://{authority_path}"))
            } else {
                Err(bad("tls=none is only accepted for a server on this machine"))
            }
        }
        ("smtps", None) => Ok(format!("smtps://{authority_path}")),
        ("smtp" | "smtps", Some(_)) => Err(bad("tls may only be none (smtp:// on loopback)")),
        _ => Err(bad("must start with smtp:// or smtps://")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_urls_require_tls_except_on_loopback() {
        assert_eq!(
            lettre_url("smtp://u:p@mail.example.org:587").ok(),
            Some("smtp://u:p@mail.example.org:587?tls=required".to_owned())
        );
        assert_eq!(
            lettre_url("smtps://u:p@mail.example.org").ok(),
            Some("smtps://u:p@mail.example.org".to_owned())
        );
        assert_eq!(
            lettre_url("smtp://127.0.0.1:2525?tls=none").ok(),
            Some("smtp://127.0.0.1:2525".to_owned())
        );
        assert!(lettre_url("smtp://[::1]:25?tls=none").is_ok());
        assert!(lettre_url("smtp://mail.example.org?tls=none").is_err());
        assert!(lettre_url("smtp://u:p@127.0.0.1.evil.example?tls=none").is_err());
        assert!(lettre_url("http://mail.example.org").is_err());
        assert!(lettre_url("smtp://mail.example.org?tls=opportunistic").is_err());
        assert!(lettre_url("smtp://").is_err());
    }

    #[test]
    fn url_errors_never_show_the_password() {
        let Err(e) = Mailer::check_smtp_url("smtp://user:s3cret@mail.example.org?x=1") else {
            panic!("accepted an unknown parameter");
        };
        assert!(!e.to_string().contains("s3cret"), "{e}");
    }
}
