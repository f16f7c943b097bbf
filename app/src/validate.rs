//! Input validation shared by the server and the browser.
//!
//! The server always validates (it is the only check that counts); after
//! hydration the browser runs the same functions to show messages as the user
//! types. Validators parse: they return the normalised value or a [`Message`].

use serde::{Deserialize, Serialize};

/// Why a field was refused. Each variant is one translated message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Message {
    /// The field is empty.
    Required,
    /// The field is longer than allowed.
    TooLong,
    /// Not an email address.
    EmailInvalid,
    /// Another account uses this email address.
    EmailTaken,
    /// The display name has characters we do not accept.
    NameInvalid,
    /// Shorter than [`PASSWORD_MIN`] characters.
    PasswordTooShort,
    /// Longer than [`PASSWORD_MAX`] characters.
    PasswordTooLong,
    /// Too easy to guess (common, or made of the user's own details).
    PasswordWeak,
    /// The two new passwords differ.
    PasswordsDiffer,
    /// The current password is wrong.
    CurrentPasswordWrong,
    /// Not a valid (or no longer valid) authentication code.
    CodeInvalid,
    /// Not one of the allowed choices.
    InvalidChoice,
    /// Not an http(s) web address.
    UrlInvalid,
    /// Not a whole number in the allowed range.
    NumberInvalid,
    /// Not a date (YYYY-MM-DD), or not an allowed one.
    DateInvalid,
    /// The same thing chosen twice, or too many chosen.
    TooMany,
    /// Needed for this category: a written authorisation.
    AuthorisationRequired,
    /// The code of conduct must be accepted.
    MustAccept,
    /// The organisation must be approved by a coordinator first.
    OrganisationNotApproved,
    /// The volunteer has no engagement slot or weekly hours left.
    NoCapacity,
    /// This volunteer is already proposed for (or working on) this need.
    AlreadyProposed,
    /// Lower than what is already committed.
    BelowCommitted,
    /// Vetting waits for a confirmed email address.
    AddressNotVerified,
    /// Not a usable address part (lower-case letters, digits, hyphens).
    SlugInvalid,
    /// Another article already has this address.
    SlugTaken,
    /// A line of the indicators is not a domain, URL, IP address or file hash.
    IndicatorInvalid,
    /// An advisory needs someone to tell: everyone, or at least one target.
    TargetsRequired,
    /// Only a draft can be changed or published.
    NotADraft,
    /// A date range that ends before it starts, or spans too long.
    RangeInvalid,
}

/// One field's error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The form field's `name`.
    pub field: String,
    /// What is wrong with it.
    pub message: Message,
}

impl FieldError {
    /// An error on `field`.
    #[must_use]
    pub fn new(field: &str, message: Message) -> Self {
        Self {
            field: field.to_owned(),
            message,
        }
    }
}

/// Shortest password accepted (ASVS 6.2.1).
pub const PASSWORD_MIN: usize = 12;
/// Longest password accepted: well above the 64 ASVS asks (6.2.9).
pub const PASSWORD_MAX: usize = 256;
/// Longest email address (RFC 5321 path limit).
pub const EMAIL_MAX: usize = 254;
/// Longest display name.
pub const NAME_MAX: usize = 100;

/// Normalises and checks an email address: trimmed, lower-cased, one `@`, a
/// plausible local part and a domain with a dot and no spaces.
///
/// # Errors
/// [`Message::Required`], [`Message::TooLong`] or [`Message::EmailInvalid`].
pub fn email(raw: &str) -> Result<String, Message> {
    let email = raw.trim().to_lowercase();
    if email.is_empty() {
        return Err(Message::Required);
    }
    if email.chars().count() > EMAIL_MAX {
        return Err(Message::TooLong);
    }
    let (local, domain) = email.split_once('@').ok_or(Message::EmailInvalid)?;
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
    let domain_ok = domain.contains('.')
        && !domain.starts_with(['.', '-'])
        && !domain.ends_with(['.', '-'])
        && !domain.contains("..")
        && domain
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
    if local_ok && domain_ok {
        Ok(email)
    } else {
        Err(Message::EmailInvalid)
    }
}

/// Whether `c` is an invisible character that can make one name look like
/// another: the bidirectional controls (U+202E turns `exe.pdf` into `fdp.exe`),
/// the zero-width and other default-ignorable characters (soft hyphen, fillers,
/// tags, variation selectors). Refused in names and titles.
#[must_use]
pub fn is_spoofing_char(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'                 // soft hyphen
            | '\u{034F}'           // combining grapheme joiner
            | '\u{061C}'           // Arabic letter mark
            | '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' // Hangul fillers
            | '\u{17B4}' | '\u{17B5}' // Khmer inherent vowels
            | '\u{180B}'..='\u{180F}' // Mongolian selectors and vowel separator
            | '\u{200B}'..='\u{200F}' // zero-width space, (non-)joiner, LRM, RLM
            | '\u{202A}'..='\u{202E}' // embeddings and overrides
            | '\u{2060}'..='\u{206F}' // word joiner, invisible operators, deprecated formats
            | '\u{FE00}'..='\u{FE0F}' // variation selectors
            | '\u{FEFF}'           // zero-width no-break space
            | '\u{FFF9}'..='\u{FFFB}' // interlinear annotation
            | '\u{1D173}'..='\u{1D17A}' // musical formatting
            | '\u{E0000}'..='\u{E0FFF}' // tags, variation selectors supplement
    )
}

/// The id of a choice in a form (a skill, a category): plain decimal digits as
/// the page writes them, so `+4`, `04` and ` 4` can never name the same
/// choice twice.
///
/// # Errors
/// [`Message::InvalidChoice`].
pub fn choice_id(raw: &str) -> Result<i64, Message> {
    let canonical =
        !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit()) && (raw == "0" || !raw.starts_with('0'));
    if !canonical {
        return Err(Message::InvalidChoice);
    }
    raw.parse().map_err(|_| Message::InvalidChoice)
}

/// A display name: trimmed, 1–100 characters, no control characters and no
/// invisible ones ([`is_spoofing_char`]).
///
/// # Errors
/// [`Message::Required`], [`Message::TooLong`] or [`Message::NameInvalid`].
pub fn display_name(raw: &str) -> Result<String, Message> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(Message::Required);
    }
    if name.chars().count() > NAME_MAX {
        return Err(Message::TooLong);
    }
    if name.chars().any(|c| c.is_control() || is_spoofing_char(c)) {
        return Err(Message::NameInvalid);
    }
    Ok(name.to_owned())
}

/// A new password's length: 12 to 256 characters, taken exactly as typed (no
/// trimming, no composition rules). Strength is checked on the server.
///
/// # Errors
/// [`Message::PasswordTooShort`] or [`Message::PasswordTooLong`].
pub fn new_password(password: &str) -> Result<(), Message> {
    let len = password.chars().count();
    if len < PASSWORD_MIN {
        Err(Message::PasswordTooShort)
    } else if len > PASSWORD_MAX {
        Err(Message::PasswordTooLong)
    } else {
        Ok(())
    }
}

/// A six-digit authentication code; spaces are ignored.
///
/// # Errors
/// [`Message::Required`] or [`Message::CodeInvalid`].
pub fn totp_code(raw: &str) -> Result<String, Message> {
    let code: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    if code.is_empty() {
        Err(Message::Required)
    } else if code.len() == 6 && code.chars().all(|c| c.is_ascii_digit()) {
        Ok(code)
    } else {
        Err(Message::CodeInvalid)
    }
}

/// A recovery code (`xxxxx-xxxxx`, letters and digits): lower-cased, spaces and
/// dashes ignored.
///
/// # Errors
/// [`Message::Required`] or [`Message::CodeInvalid`].
pub fn recovery_code(raw: &str) -> Result<String, Message> {
    let code: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if code.is_empty() {
        Err(Message::Required)
    } else if code.len() == 10 && code.chars().all(|c| c.is_ascii_alphanumeric()) {
        Ok(code)
    } else {
        Err(Message::CodeInvalid)
    }
}

/// A local path to go to after signing in: only `/something`, never another
/// site (`//evil.example`, `https://…`, `/\evil`).
#[must_use]
pub fn local_path(raw: &str) -> Option<&str> {
    let ok = raw.starts_with('/')
        && !raw.starts_with("//")
        && !raw.starts_with("/\\")
        && raw.len() <= 512
        && !raw.chars().any(|c| c.is_control() || c == '\\');
    ok.then_some(raw)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn choice_ids_have_one_spelling() {
        assert_eq!(choice_id("4"), Ok(4));
        assert_eq!(choice_id("1234"), Ok(1234));
        for other in [
            "+4",
            "04",
            " 4",
            "4 ",
            "-4",
            "",
            "4.0",
            "99999999999999999999",
            "٤",
        ] {
            assert_eq!(choice_id(other), Err(Message::InvalidChoice), "{other:?}");
        }
    }

    #[test]
    fn names_refuse_invisible_characters() {
        for spoof in [
            "Dr\u{202E}fdp.exe",
            "Ad\u{200B}min",
            "\u{2066}Bank\u{2069}",
            "a\u{FEFF}b",
            "x\u{200F}y",
            "Soft\u{00AD}hyphen",
            "\u{3164}",
            "Tag\u{E0041}ged",
            "Var\u{FE0F}",
            "Mongol\u{180B}ian",
        ] {
            assert_eq!(display_name(spoof), Err(Message::NameInvalid), "{spoof:?}");
            assert_eq!(
                crate::domain::organisation::text(spoof, 200, false),
                Err(Message::NameInvalid),
                "{spoof:?}"
            );
        }
        for fine in ["Amal Haddad", "أمل حداد", "Zoë Ñúñez", "李小龙"] {
            assert_eq!(display_name(fine).as_deref(), Ok(fine));
            assert_eq!(
                crate::domain::organisation::text(fine, 200, false).as_deref(),
                Ok(fine)
            );
        }
    }

    #[test]
    fn emails_are_normalised() {
        assert_eq!(
            email("  Ada.Lovelace@Example.ORG ").as_deref(),
            Ok("ada.lovelace@example.org")
        );
        assert_eq!(email(""), Err(Message::Required));
        for bad in [
            "ada",
            "ada@",
            "@example.org",
            "ada@example",
            "a b@example.org",
            "ada@exa mple.org",
            "ada@.org",
            "a..b@example.org",
        ] {
            assert_eq!(email(bad), Err(Message::EmailInvalid), "{bad}");
        }
        let long = format!("{}@example.org", "a".repeat(250));
        assert_eq!(email(&long), Err(Message::TooLong));
    }

    #[test]
    fn passwords_are_taken_as_typed() {
        assert_eq!(new_password("short"), Err(Message::PasswordTooShort));
        assert_eq!(new_password("  twelve chr "), Ok(()));
        assert_eq!(
            new_password(&"é".repeat(256)),
            Ok(()),
            "counted in characters, not bytes"
        );
        assert_eq!(new_password(&"x".repeat(257)), Err(Message::PasswordTooLong));
    }

    #[test]
    fn codes_ignore_spaces() {
        assert_eq!(totp_code(" 123 456 ").as_deref(), Ok("123456"));
        assert_eq!(totp_code("12345"), Err(Message::CodeInvalid));
        assert_eq!(totp_code("12345a"), Err(Message::CodeInvalid));
        assert_eq!(recovery_code("ABCDE-12345").as_deref(), Ok("abcde12345"));
    }

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(local_path("/account"), Some("/account"));
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "account",
            "/a\nb",
        ] {
            assert_eq!(local_path(bad), None, "{bad}");
        }
    }

    proptest! {
        #[test]
        fn email_normalisation_is_idempotent(raw in "\\PC{0,80}") {
            if let Ok(once) = email(&raw) {
                prop_assert_eq!(email(&once), Ok(once.clone()));
                prop_assert!(once.chars().count() <= EMAIL_MAX);
                prop_assert_eq!(once.matches('@').count(), 1);
            }
        }

        #[test]
        fn accepted_names_are_trimmed_and_bounded(raw in "\\PC{0,150}") {
            if let Ok(name) = display_name(&raw) {
                prop_assert_eq!(name.trim(), name.as_str());
                prop_assert!(!name.is_empty() && name.chars().count() <= NAME_MAX);
                prop_assert_eq!(display_name(&name), Ok(name.clone()));
            }
        }

        #[test]
        fn password_length_rule_matches_its_bounds(len in 0usize..300) {
            let pw = "p".repeat(len);
            prop_assert_eq!(new_password(&pw).is_ok(), (PASSWORD_MIN..=PASSWORD_MAX).contains(&len));
        }

        #[test]
        fn local_paths_never_leave_the_site(raw in "\\PC{0,40}") {
            if let Some(path) = local_path(&raw) {
                prop_assert!(path.starts_with('/') && !path.starts_with("//"));
                prop_assert!(!path.contains('\\'));
            }
        }
    }
}
