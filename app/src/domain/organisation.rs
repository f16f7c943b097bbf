//! Organisations: what the registration form accepts.

use crate::{
    domain::{
        codes::{OrganisationKind, OrganisationSize},
        languages,
    },
    validate::{self, FieldError, Message},
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The organisation form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationInput {
    /// Name.
    pub name: String,
    /// An [`OrganisationKind`] code.
    pub kind: String,
    /// ISO alpha-2.
    pub country: String,
    /// City.
    pub city: String,
    /// An [`OrganisationSize`] code.
    pub size: String,
    /// Checked languages: code → "on".
    #[serde(default)]
    pub languages: BTreeMap<String, String>,
    /// Website (optional).
    #[serde(default)]
    pub website: String,
    /// Contact person.
    pub contact_name: String,
    /// Contact email.
    pub contact_email: String,
    /// Contact phone (optional).
    #[serde(default)]
    pub contact_phone: String,
}

/// A validated organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidOrganisation {
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: OrganisationKind,
    /// Country (format checked; existence is the server's to check).
    pub country: String,
    /// City.
    pub city: String,
    /// Size band.
    pub size: OrganisationSize,
    /// Language codes.
    pub languages: Vec<String>,
    /// Website, http(s) only, or empty.
    pub website: String,
    /// Contact person.
    pub contact_name: String,
    /// Contact email (normalised).
    pub contact_email: String,
    /// Contact phone.
    pub contact_phone: String,
}

/// Trimmed text of 1..=`max` characters without control characters (newlines
/// allowed when `multiline`); one-line text (names, titles) also without
/// invisible characters ([`crate::validate::is_spoofing_char`]).
///
/// # Errors
/// [`Message::Required`], [`Message::TooLong`], [`Message::NameInvalid`].
pub fn text(raw: &str, max: usize, multiline: bool) -> Result<String, Message> {
    let value = raw.trim();
    if value.is_empty() {
        return Err(Message::Required);
    }
    optional_text(value, max, multiline)
}

/// Like [`text`], but may be empty.
///
/// # Errors
/// [`Message::TooLong`], [`Message::NameInvalid`].
pub fn optional_text(raw: &str, max: usize, multiline: bool) -> Result<String, Message> {
    let value = raw.trim();
    if value.chars().count() > max {
        return Err(Message::TooLong);
    }
    // One-line fields are names and titles: no invisible characters that make
    // one look like another. Longer texts may need a joiner or a mark.
    if value.chars().any(|c| {
        (c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t')))
            || (!multiline && validate::is_spoofing_char(c))
    }) {
        return Err(Message::NameInvalid);
    }
    Ok(value.to_owned())
}

/// A web address: empty, or `http(s)://host…` with no spaces — never
/// `javascript:` or any other scheme.
///
/// # Errors
/// [`Message::UrlInvalid`], [`Message::TooLong`].
pub fn website(raw: &str) -> Result<String, Message> {
    let url = raw.trim();
    if url.is_empty() {
        return Ok(String::new());
    }
    if url.len() > 300 {
        return Err(Message::TooLong);
    }
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .ok_or(Message::UrlInvalid)?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let ok = host.contains('.')
        && !host.starts_with('.')
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'))
        && !url
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | '\''));
    if ok {
        Ok(url.to_owned())
    } else {
        Err(Message::UrlInvalid)
    }
}

/// Checked language codes from a form's `languages[code]=on` fields.
///
/// # Errors
/// [`Message::Required`] when none, [`Message::InvalidChoice`] for an unknown code.
pub fn language_set(checked: &BTreeMap<String, String>) -> Result<Vec<String>, Message> {
    let codes: Vec<String> = checked.keys().map(|k| k.trim().to_owned()).collect();
    if codes.is_empty() {
        return Err(Message::Required);
    }
    if codes.len() > 12 || !codes.iter().all(|c| languages::is_known(c)) {
        return Err(Message::InvalidChoice);
    }
    Ok(codes)
}

/// An ISO alpha-2 code's shape.
///
/// # Errors
/// [`Message::Required`], [`Message::InvalidChoice`].
pub fn country_code(raw: &str) -> Result<String, Message> {
    let code = raw.trim().to_ascii_uppercase();
    if code.is_empty() {
        Err(Message::Required)
    } else if code.len() == 2 && code.chars().all(|c| c.is_ascii_uppercase()) {
        Ok(code)
    } else {
        Err(Message::InvalidChoice)
    }
}

fn choice<T>(raw: &str, parse: impl Fn(&str) -> Option<T>) -> Result<T, Message> {
    if raw.is_empty() {
        Err(Message::Required)
    } else {
        parse(raw).ok_or(Message::InvalidChoice)
    }
}

impl OrganisationInput {
    /// Validates every field, reporting all errors at once.
    ///
    /// # Errors
    /// One [`FieldError`] per bad field.
    pub fn validate(&self) -> Result<ValidOrganisation, Vec<FieldError>> {
        let mut errors = Vec::new();
        let kind = choice(&self.kind, OrganisationKind::parse).map_err(|m| FieldError::new("kind", m));
        let size = choice(&self.size, OrganisationSize::parse).map_err(|m| FieldError::new("size", m));
        let mut check = |field: &str, result: Result<String, Message>| {
            result
                .map_err(|m| errors.push(FieldError::new(field, m)))
                .unwrap_or_default()
        };
        let name = check("name", text(&self.name, 200, false));
        let country = check("country", country_code(&self.country));
        let city = check("city", text(&self.city, 100, false));
        let website = check("website", website(&self.website));
        let contact_name = check("contact_name", text(&self.contact_name, 100, false));
        let contact_email = check("contact_email", validate::email(&self.contact_email));
        let contact_phone = check("contact_phone", optional_text(&self.contact_phone, 40, false));
        let languages = language_set(&self.languages)
            .map_err(|m| errors.push(FieldError::new("languages", m)))
            .unwrap_or_default();
        let (kind, size) = match (kind, size) {
            (Ok(kind), Ok(size)) => (kind, size),
            (kind, size) => {
                errors.extend(kind.err());
                errors.extend(size.err());
                return Err(errors);
            }
        };
        if errors.is_empty() {
            Ok(ValidOrganisation {
                name,
                kind,
                country,
                city,
                size,
                languages,
                website,
                contact_name,
                contact_email,
                contact_phone,
            })
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn only_web_addresses_are_links() {
        assert_eq!(
            website("https://hospital.example.org/about").as_deref(),
            Ok("https://hospital.example.org/about")
        );
        assert_eq!(website(""), Ok(String::new()));
        for bad in [
            "javascript:alert(1)",
            "JAVASCRIPT:alert(1)",
            "data:text/html,<script>",
            "ftp://example.org",
            "https://exa mple.org",
            "https://\"onmouseover=alert(1)",
            "//evil.example",
        ] {
            assert_eq!(website(bad), Err(Message::UrlInvalid), "{bad}");
        }
    }

    #[test]
    fn a_complete_form_validates() {
        let mut languages = BTreeMap::new();
        languages.insert("fr".to_owned(), "on".to_owned());
        let input = OrganisationInput {
            name: "Hôpital Saint-Luc".into(),
            kind: "hospital".into(),
            country: "cd".into(),
            city: "Kinshasa".into(),
            size: "from_250".into(),
            languages,
            website: "https://stluc.example.cd".into(),
            contact_name: "Dr. Mbuyi".into(),
            contact_email: "it@stluc.example.cd".into(),
            contact_phone: String::new(),
        };
        let valid = input.validate().unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(valid.country, "CD");
        let errors = OrganisationInput::default().validate().err().unwrap_or_default();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        for field in [
            "name",
            "kind",
            "country",
            "city",
            "size",
            "contact_name",
            "contact_email",
            "languages",
        ] {
            assert!(fields.contains(&field), "{field} in {fields:?}");
        }
    }

    proptest! {
        #[test]
        fn accepted_websites_are_http_and_safe(raw in "\\PC{0,60}") {
            if let Ok(url) = website(&raw) {
                prop_assert!(url.is_empty() || url.to_ascii_lowercase().starts_with("http"));
                prop_assert!(!url.contains('<') && !url.contains('"') && !url.contains(' '));
            }
        }

        #[test]
        fn accepted_text_is_trimmed_and_bounded(raw in "\\PC{0,250}") {
            if let Ok(value) = text(&raw, 200, false) {
                prop_assert_eq!(value.trim(), value.as_str());
                prop_assert!(!value.is_empty() && value.chars().count() <= 200);
            }
        }
    }
}
