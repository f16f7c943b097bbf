//! The guidance library's shared shapes: the article form as a coordinator
//! types it, its checks (the same in the browser and on the server), and what
//! the pages show.

use crate::domain::codes::GuidanceTopic;
use crate::domain::need::date;
use crate::domain::organisation::{optional_text, text, website};
use crate::validate::{FieldError, Message};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Longest title.
pub const TITLE_MAX: usize = 200;
/// Longest summary.
pub const SUMMARY_MAX: usize = 400;
/// Longest body (Markdown).
pub const BODY_MAX: usize = 60_000;
/// Most sources.
pub const SOURCES_MAX: usize = 12;
/// Longest slug.
pub const SLUG_MAX: usize = 80;

/// Public guidance an article draws on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// Who published it, and what (`CISA: More than a Password`).
    pub name: String,
    /// Where (http or https).
    pub url: String,
}

/// The article form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleInput {
    /// The slug of the article being edited; empty for a new one.
    #[serde(default)]
    pub original: String,
    /// Its address: `/guidance/SLUG`.
    pub slug: String,
    /// Title.
    pub title: String,
    /// A [`GuidanceTopic`] code.
    pub topic: String,
    /// One or two sentences, shown in lists.
    pub summary: String,
    /// Markdown.
    pub body: String,
    /// One source a line: `Name | https://…`.
    #[serde(default)]
    pub sources: String,
    /// Last reviewed, `YYYY-MM-DD`.
    pub reviewed: String,
    /// Checked need categories: id → "on".
    #[serde(default)]
    pub categories: BTreeMap<String, String>,
}

/// A checked article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidArticle {
    /// Address.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Topic.
    pub topic: GuidanceTopic,
    /// Summary.
    pub summary: String,
    /// Markdown (line ends as typed, trailing space trimmed).
    pub body: String,
    /// Sources.
    pub sources: Vec<Source>,
    /// Last reviewed (year, month, day).
    pub reviewed: (i32, u8, u8),
    /// Need category ids.
    pub categories: Vec<i64>,
}

/// Checks an address: 3 to [`SLUG_MAX`] of `a-z`, `0-9` and `-`, starting with a
/// letter, no double or trailing hyphen.
///
/// # Errors
/// [`Message::Required`], [`Message::SlugInvalid`].
pub fn slug(raw: &str) -> Result<String, Message> {
    let slug = raw.trim();
    if slug.is_empty() {
        return Err(Message::Required);
    }
    let ok = (3..=SLUG_MAX).contains(&slug.len())
        && slug.starts_with(|c: char| c.is_ascii_lowercase())
        && !slug.ends_with('-')
        && !slug.contains("--")
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(slug.to_owned())
    } else {
        Err(Message::SlugInvalid)
    }
}

/// Parses the sources field: one `Name | URL` a line, blank lines ignored.
///
/// # Errors
/// [`Message::UrlInvalid`] (a line without a usable address),
/// [`Message::NameInvalid`], [`Message::TooLong`], [`Message::TooMany`].
pub fn sources(raw: &str) -> Result<Vec<Source>, Message> {
    let mut out = Vec::new();
    for line in raw.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (name, url) = line.rsplit_once('|').ok_or(Message::UrlInvalid)?;
        let name = text(name, 200, false)?;
        let url = website(url)?;
        if url.is_empty() {
            return Err(Message::UrlInvalid);
        }
        out.push(Source { name, url });
        if out.len() > SOURCES_MAX {
            return Err(Message::TooMany);
        }
    }
    Ok(out)
}

/// The sources as the form shows them.
#[must_use]
pub fn sources_text(sources: &[Source]) -> String {
    sources
        .iter()
        .map(|s| format!("{} | {}", s.name, s.url))
        .collect::<Vec<_>>()
        .join("\n")
}

impl ArticleInput {
    /// Checks every field, reporting each one that is wrong.
    ///
    /// # Errors
    /// One [`FieldError`] per refused field.
    pub fn validate(&self) -> Result<ValidArticle, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut check = |field: &str, result: Result<String, Message>| match result {
            Ok(v) => v,
            Err(m) => {
                errors.push(FieldError::new(field, m));
                String::new()
            }
        };
        let slug = check("slug", slug(&self.slug));
        let title = check("title", text(&self.title, TITLE_MAX, false));
        let summary = check("summary", text(&self.summary, SUMMARY_MAX, true));
        let body = check("body", body(&self.body));
        let topic = GuidanceTopic::parse(self.topic.trim());
        if topic.is_none() {
            errors.push(FieldError::new("topic", Message::InvalidChoice));
        }
        let sources = sources(&self.sources).unwrap_or_else(|m| {
            errors.push(FieldError::new("sources", m));
            Vec::new()
        });
        let reviewed = match date(&self.reviewed) {
            Ok(Some(d)) => Some(d),
            Ok(None) => {
                errors.push(FieldError::new("reviewed", Message::Required));
                None
            }
            Err(m) => {
                errors.push(FieldError::new("reviewed", m));
                None
            }
        };
        let mut categories = Vec::new();
        for (id, value) in &self.categories {
            if value.is_empty() {
                continue;
            }
            match crate::validate::choice_id(id) {
                Ok(id) => categories.push(id),
                Err(m) => {
                    errors.push(FieldError::new("categories", m));
                    break;
                }
            }
        }
        categories.sort_unstable();
        categories.dedup();
        match (topic, reviewed) {
            (Some(topic), Some(reviewed)) if errors.is_empty() => Ok(ValidArticle {
                slug,
                title,
                topic,
                summary,
                body,
                sources,
                reviewed,
                categories,
            }),
            _ => Err(errors),
        }
    }
}

/// Checks a body: required, at most [`BODY_MAX`] characters, no control
/// characters but line breaks and tabs.
///
/// # Errors
/// [`Message::Required`], [`Message::TooLong`], [`Message::NameInvalid`].
pub fn body(raw: &str) -> Result<String, Message> {
    let body = raw.trim_end();
    if body.trim().is_empty() {
        return Err(Message::Required);
    }
    if body.chars().count() > BODY_MAX {
        return Err(Message::TooLong);
    }
    optional_text(body, BODY_MAX, true)?;
    Ok(body.replace("\r\n", "\n"))
}

/// An article in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleSummary {
    /// Address.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Topic.
    pub topic: GuidanceTopic,
    /// Summary.
    pub summary: String,
    /// Last reviewed, `YYYY-MM-DD`.
    pub reviewed: String,
}

/// The library page: the articles found, in topic order then by title.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Library {
    /// The articles.
    pub articles: Vec<ArticleSummary>,
    /// The search as understood (trimmed), empty for none.
    pub search: String,
    /// The topic chosen, if any.
    pub topic: Option<GuidanceTopic>,
}

/// One article, to read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleView {
    /// The list facts.
    pub summary: ArticleSummary,
    /// The body as sanitised HTML.
    pub body_html: String,
    /// Sources.
    pub sources: Vec<Source>,
    /// The need categories it serves: (id, name).
    pub categories: Vec<(i64, String)>,
    /// The viewer (a coordinator) may edit it.
    pub editable: bool,
}

/// The edit form's starting point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleForm {
    /// The fields.
    pub input: ArticleInput,
    /// Every need category: (id, name).
    pub categories: Vec<(i64, String)>,
    /// Its saved versions, newest first (empty for a new article).
    pub history: Vec<Revision>,
}

/// One saved version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revision {
    /// When (UTC, `YYYY-MM-DD HH:MM`).
    pub at: String,
    /// Who (a coordinator's name; empty for the shipped text).
    pub by: String,
    /// The title it had.
    pub title: String,
    /// Its reviewed date.
    pub reviewed: String,
    /// Characters of Markdown.
    pub length: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ArticleInput {
        ArticleInput {
            original: String::new(),
            slug: "turn-on-mfa".into(),
            title: "Turn on MFA".into(),
            topic: "accounts".into(),
            summary: "Why and how.".into(),
            body: "## Why\n\nBecause.\r\n".into(),
            sources: "CISA: MFA | https://www.cisa.gov/MFA\n\n NCSC | https://www.ncsc.gov.uk/ ".into(),
            reviewed: "2026-12-01".into(),
            categories: [
                ("3".to_owned(), "on".to_owned()),
                ("1".to_owned(), "on".to_owned()),
            ]
            .into(),
        }
    }

    #[test]
    fn a_good_article_passes_whole() {
        let valid = input().validate().unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(valid.topic, GuidanceTopic::Accounts);
        assert_eq!(valid.body, "## Why\n\nBecause.");
        assert_eq!(valid.sources.len(), 2);
        assert_eq!(valid.sources[1].url, "https://www.ncsc.gov.uk/");
        assert_eq!(valid.categories, vec![1, 3]);
        assert_eq!(valid.reviewed, (2026, 12, 1));
        assert_eq!(sources(&sources_text(&valid.sources)), Ok(valid.sources));
    }

    #[test]
    fn each_wrong_field_is_named() {
        let mut bad = input();
        bad.slug = "Turn On".into();
        bad.title = "Ad\u{202E}min".into();
        bad.topic = "gardening".into();
        bad.body = "  \n".into();
        bad.sources = "no address here".into();
        bad.reviewed = "2026-02-30".into();
        bad.categories = [("+4".to_owned(), "on".to_owned())].into();
        let errors = bad.validate().err().unwrap_or_default();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "slug",
                "title",
                "body",
                "topic",
                "sources",
                "reviewed",
                "categories"
            ]
        );
    }

    #[test]
    fn slugs_are_plain() {
        for good in ["mfa", "first-hour-of-an-incident", "dmarc2"] {
            assert_eq!(slug(good).as_deref(), Ok(good));
        }
        for bad in [
            "ab",
            "-mfa",
            "mfa-",
            "a--b",
            "MFA",
            "1mfa",
            "mfa/../x",
            "é-mail",
            &"a".repeat(81),
        ] {
            assert_eq!(slug(bad), Err(Message::SlugInvalid), "{bad}");
        }
        assert_eq!(slug(" "), Err(Message::Required));
    }

    #[test]
    fn sources_need_a_web_address() {
        for bad in [
            "CISA | javascript:alert(1)",
            "CISA | data:text/html,x",
            "CISA |",
            "| https://x.example",
        ] {
            assert!(sources(bad).is_err(), "{bad}");
        }
        let many = (0..=SOURCES_MAX)
            .map(|i| format!("S{i} | https://s{i}.example"))
            .collect::<Vec<_>>()
            .join("\n");
        assert_eq!(sources(&many), Err(Message::TooMany));
    }
}
