//! Threat advisories' shared shapes: the form a coordinator types, its checks
//! (indicators of compromise, targets), who an advisory is for, and what the
//! pages show. Pure: the same in the browser and on the server.

use crate::domain::codes::{Acknowledgement, AdvisoryStatus, IndicatorKind, OrganisationKind, Severity};
use crate::domain::guidance::body;
use crate::domain::organisation::text;
use crate::validate::{FieldError, Message};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::net::{Ipv4Addr, Ipv6Addr};

/// Longest title.
pub const TITLE_MAX: usize = 200;
/// Longest summary (it goes into the mail and the lists).
pub const SUMMARY_MAX: usize = 600;
/// Longest recommended actions (Markdown).
pub const ACTIONS_MAX: usize = 20_000;
/// Most indicators on one advisory.
pub const INDICATORS_MAX: usize = 500;
/// Most need categories or guidance articles chosen.
pub const CHOICES_MAX: usize = 100;
/// Longest URL indicator.
pub const URL_MAX: usize = 2_048;
/// The regions organisations can be targeted by (the UN M49 regions of the
/// country data).
pub const REGIONS: [&str; 5] = ["Africa", "Americas", "Asia", "Europe", "Oceania"];
/// The World Bank income groups, poorest first.
pub const INCOME_GROUPS: [&str; 4] = ["low", "lower_middle", "upper_middle", "high"];

/// One indicator of compromise.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Indicator {
    /// What it is.
    pub kind: IndicatorKind,
    /// Its value, normalised (lower-case hosts and hashes).
    pub value: String,
}

/// Who an advisory is for: everyone, or the organisations that match every
/// dimension chosen (any value within a dimension).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Targets {
    /// Every approved organisation.
    pub everyone: bool,
    /// M49 regions.
    pub regions: BTreeSet<String>,
    /// ISO 3166 alpha-2 codes.
    pub countries: BTreeSet<String>,
    /// Income group codes.
    pub income_groups: BTreeSet<String>,
    /// Organisation kinds.
    pub kinds: BTreeSet<OrganisationKind>,
    /// Need category ids: organisations that have posted a need in one of them.
    pub categories: BTreeSet<i64>,
}

/// What targeting looks at of an organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganisationFacts {
    /// M49 region of its country.
    pub region: String,
    /// ISO 3166 alpha-2.
    pub country: String,
    /// Income group code of its country.
    pub income_group: String,
    /// Kind.
    pub kind: OrganisationKind,
    /// The categories of the needs it has posted.
    pub categories: BTreeSet<i64>,
}

impl Targets {
    /// Whether nothing at all is chosen.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        !self.everyone
            && self.regions.is_empty()
            && self.countries.is_empty()
            && self.income_groups.is_empty()
            && self.kinds.is_empty()
            && self.categories.is_empty()
    }

    /// Whether an organisation is told: everyone, or it matches each chosen
    /// dimension (its region is one of the regions, and its country one of
    /// the countries, …). Nothing chosen matches no one.
    #[must_use]
    pub fn matches(&self, o: &OrganisationFacts) -> bool {
        if self.everyone {
            return true;
        }
        !self.is_empty()
            && (self.regions.is_empty() || self.regions.contains(&o.region))
            && (self.countries.is_empty() || self.countries.contains(&o.country))
            && (self.income_groups.is_empty() || self.income_groups.contains(&o.income_group))
            && (self.kinds.is_empty() || self.kinds.contains(&o.kind))
            && (self.categories.is_empty() || !self.categories.is_disjoint(&o.categories))
    }
}

/// Undoes the usual defanging of shared indicators (`hxxp://`, `[.]`, `(.)`).
fn refang(raw: &str) -> String {
    let mut s = raw
        .trim()
        .replace("[.]", ".")
        .replace("(.)", ".")
        .replace("[:]", ":");
    for (from, to) in [("hxxps://", "https://"), ("hxxp://", "http://")] {
        if s.get(..from.len()).is_some_and(|p| p.eq_ignore_ascii_case(from)) {
            s = format!("{to}{}", &s[from.len()..]);
        }
    }
    s
}

/// Checks a domain name: ASCII (IDNs in their `xn--` form), 2 to 127 labels of
/// letters, digits and inner hyphens, at most 253 characters, a top-level
/// label that is not all digits.
fn domain(raw: &str) -> Option<String> {
    let d = raw.trim_end_matches('.').to_ascii_lowercase();
    if d.is_empty() || d.len() > 253 || !d.is_ascii() {
        return None;
    }
    let labels: Vec<&str> = d.split('.').collect();
    let label_ok = |l: &&str| {
        (1..=63).contains(&l.len())
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    let tld = labels.last()?;
    (labels.len() >= 2 && labels.iter().all(label_ok) && !tld.chars().all(|c| c.is_ascii_digit()))
        .then_some(d)
}

/// Checks a URL: `http`, `https` or `ftp`, a host, no spaces or control
/// characters, at most [`URL_MAX`] characters.
fn url(raw: &str) -> Option<String> {
    if raw.len() > URL_MAX || raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let (scheme, rest) = raw.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if !matches!(scheme.as_str(), "http" | "https" | "ftp") {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit('@').next()?;
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        let (inner, _) = v6.split_once(']')?;
        inner.parse::<Ipv6Addr>().ok()?;
        return Some(format!("{scheme}://{rest}"));
    } else {
        host_port.split(':').next()?
    };
    if host.parse::<Ipv4Addr>().is_err() {
        domain(host)?;
    }
    Some(format!("{scheme}://{rest}"))
}

/// A hash of `len` hexadecimal digits, lower-cased.
fn hex(raw: &str, len: usize) -> Option<String> {
    (raw.len() == len && raw.chars().all(|c| c.is_ascii_hexdigit())).then(|| raw.to_ascii_lowercase())
}

/// Checks one indicator of a known kind.
#[must_use]
pub fn indicator_of(kind: IndicatorKind, raw: &str) -> Option<Indicator> {
    let raw = refang(raw);
    let value = match kind {
        IndicatorKind::Domain => domain(&raw),
        IndicatorKind::Url => url(&raw),
        IndicatorKind::Ipv4 => raw.parse::<Ipv4Addr>().ok().map(|a| a.to_string()),
        IndicatorKind::Ipv6 => raw.parse::<Ipv6Addr>().ok().map(|a| a.to_string()),
        IndicatorKind::Md5 => hex(&raw, 32),
        IndicatorKind::Sha1 => hex(&raw, 40),
        IndicatorKind::Sha256 => hex(&raw, 64),
    }?;
    Some(Indicator { kind, value })
}

/// Reads one line: `kind: value`, `kind value`, or a value whose kind is
/// plain from its shape (an IP address, a hash by its length, a URL by its
/// scheme, else a domain).
#[must_use]
pub fn indicator(line: &str) -> Option<Indicator> {
    let line = line.trim();
    let split = line
        .split_once(':')
        .filter(|(k, rest)| !rest.starts_with("//") && IndicatorKind::parse(k.trim()).is_some())
        .or_else(|| line.split_once(char::is_whitespace));
    if let Some((k, rest)) = split
        && let Some(kind) = IndicatorKind::parse(&k.trim().to_ascii_lowercase())
    {
        return indicator_of(kind, rest.trim());
    }
    let v = refang(line);
    let kind = if v.parse::<Ipv4Addr>().is_ok() {
        IndicatorKind::Ipv4
    } else if v.parse::<Ipv6Addr>().is_ok() {
        IndicatorKind::Ipv6
    } else if v.contains("://") {
        IndicatorKind::Url
    } else if v.chars().all(|c| c.is_ascii_hexdigit()) && [32, 40, 64].contains(&v.len()) {
        match v.len() {
            32 => IndicatorKind::Md5,
            40 => IndicatorKind::Sha1,
            _ => IndicatorKind::Sha256,
        }
    } else {
        IndicatorKind::Domain
    };
    indicator_of(kind, &v)
}

/// Reads the indicators field: one a line, blank lines and `#` comments left
/// out, duplicates dropped, order kept.
///
/// # Errors
/// The first line (1-based) that is not an indicator, or [`Message::TooMany`].
pub fn indicators(raw: &str) -> Result<Vec<Indicator>, (usize, Message)> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (n, line) in raw.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let i = indicator(line).ok_or((n + 1, Message::IndicatorInvalid))?;
        if seen.insert(i.clone()) {
            out.push(i);
        }
        if out.len() > INDICATORS_MAX {
            return Err((n + 1, Message::TooMany));
        }
    }
    Ok(out)
}

/// The indicators as the form shows them: `kind: value` a line.
#[must_use]
pub fn indicators_text(indicators: &[Indicator]) -> String {
    indicators
        .iter()
        .map(|i| format!("{}: {}", i.kind, i.value))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The advisory form as typed. Checkbox groups arrive as `name[value] = "on"`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdvisoryInput {
    /// The draft being edited; 0 for a new one.
    #[serde(default)]
    pub id: i64,
    /// Title.
    pub title: String,
    /// A [`Severity`] code.
    pub severity: String,
    /// Two or three sentences: what is happening, to whom.
    pub summary: String,
    /// Markdown.
    pub body: String,
    /// Recommended actions (Markdown).
    #[serde(default)]
    pub actions: String,
    /// Indicators, one a line.
    #[serde(default)]
    pub indicators: String,
    /// Guidance article slugs: slug → "on".
    #[serde(default)]
    pub guidance: BTreeMap<String, String>,
    /// "on" to tell everyone.
    #[serde(default)]
    pub everyone: Option<String>,
    /// Regions: name → "on".
    #[serde(default)]
    pub regions: BTreeMap<String, String>,
    /// Country codes, separated by commas or spaces.
    #[serde(default)]
    pub countries: String,
    /// Income groups: code → "on".
    #[serde(default)]
    pub income_groups: BTreeMap<String, String>,
    /// Organisation kinds: code → "on".
    #[serde(default)]
    pub kinds: BTreeMap<String, String>,
    /// Need categories: id → "on".
    #[serde(default)]
    pub categories: BTreeMap<String, String>,
    /// The published advisory this one replaces, if any (its id; empty for none).
    #[serde(default)]
    pub supersedes: String,
}

/// A checked advisory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidAdvisory {
    /// Title.
    pub title: String,
    /// Severity.
    pub severity: Severity,
    /// Summary.
    pub summary: String,
    /// Markdown.
    pub body: String,
    /// Markdown (may be empty).
    pub actions: String,
    /// Indicators.
    pub indicators: Vec<Indicator>,
    /// Guidance slugs (checked against the library by the service).
    pub guidance: Vec<String>,
    /// Targets (countries and categories checked against the database by the service).
    pub targets: Targets,
    /// The advisory it replaces.
    pub supersedes: Option<i64>,
}

/// The keys of a checkbox group that are on.
fn checked(group: &BTreeMap<String, String>) -> impl Iterator<Item = &str> {
    group
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, _)| k.as_str())
}

impl AdvisoryInput {
    /// Checks every field, reporting each one that is wrong.
    ///
    /// # Errors
    /// One [`FieldError`] per refused field.
    pub fn validate(&self) -> Result<ValidAdvisory, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut check = |field: &str, result: Result<String, Message>| match result {
            Ok(v) => v,
            Err(m) => {
                errors.push(FieldError::new(field, m));
                String::new()
            }
        };
        let title = check("title", text(&self.title, TITLE_MAX, false));
        let summary = check("summary", text(&self.summary, SUMMARY_MAX, true));
        let body = check("body", body(&self.body));
        let actions = if self.actions.trim().is_empty() {
            String::new()
        } else if self.actions.chars().count() > ACTIONS_MAX {
            check("actions", Err(Message::TooLong))
        } else {
            check("actions", crate::domain::guidance::body(&self.actions))
        };
        let severity = Severity::parse(self.severity.trim());
        if severity.is_none() {
            errors.push(FieldError::new("severity", Message::InvalidChoice));
        }
        let indicators = indicators(&self.indicators).unwrap_or_else(|(_, m)| {
            errors.push(FieldError::new("indicators", m));
            Vec::new()
        });
        let guidance: Vec<String> = checked(&self.guidance)
            .map(crate::domain::guidance::slug)
            .collect::<Result<_, _>>()
            .unwrap_or_else(|m| {
                errors.push(FieldError::new("guidance", m));
                Vec::new()
            });
        let mut targets = Targets {
            everyone: self.everyone.as_deref().is_some_and(|v| !v.is_empty()),
            ..Targets::default()
        };
        for region in checked(&self.regions) {
            if REGIONS.contains(&region) {
                targets.regions.insert(region.to_owned());
            } else {
                errors.push(FieldError::new("regions", Message::InvalidChoice));
                break;
            }
        }
        for group in checked(&self.income_groups) {
            if INCOME_GROUPS.contains(&group) {
                targets.income_groups.insert(group.to_owned());
            } else {
                errors.push(FieldError::new("income_groups", Message::InvalidChoice));
                break;
            }
        }
        for kind in checked(&self.kinds) {
            if let Some(k) = OrganisationKind::parse(kind) {
                targets.kinds.insert(k);
            } else {
                errors.push(FieldError::new("kinds", Message::InvalidChoice));
                break;
            }
        }
        for id in checked(&self.categories) {
            match crate::validate::choice_id(id) {
                Ok(id) => {
                    targets.categories.insert(id);
                }
                Err(m) => {
                    errors.push(FieldError::new("categories", m));
                    break;
                }
            }
        }
        for code in self
            .countries
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|c| !c.is_empty())
        {
            if code.len() == 2 && code.chars().all(|c| c.is_ascii_alphabetic()) {
                targets.countries.insert(code.to_ascii_uppercase());
            } else {
                errors.push(FieldError::new("countries", Message::InvalidChoice));
                break;
            }
        }
        // Bounded, so that no checked list outgrows a database query.
        if targets.countries.len() > 300 {
            errors.push(FieldError::new("countries", Message::TooMany));
        }
        if targets.categories.len() > CHOICES_MAX {
            errors.push(FieldError::new("categories", Message::TooMany));
        }
        if guidance.len() > CHOICES_MAX {
            errors.push(FieldError::new("guidance", Message::TooMany));
        }
        if targets.is_empty() {
            errors.push(FieldError::new("targets", Message::TargetsRequired));
        }
        let supersedes = match self.supersedes.trim() {
            "" | "0" => None,
            raw => match crate::validate::choice_id(raw) {
                Ok(id) => Some(id),
                Err(m) => {
                    errors.push(FieldError::new("supersedes", m));
                    None
                }
            },
        };
        match severity {
            Some(severity) if errors.is_empty() => Ok(ValidAdvisory {
                title,
                severity,
                summary,
                body,
                actions,
                indicators,
                guidance,
                targets,
                supersedes,
            }),
            _ => Err(errors),
        }
    }
}

/// An advisory in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdvisorySummary {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Severity.
    pub severity: Severity,
    /// Status.
    pub status: AdvisoryStatus,
    /// Summary.
    pub summary: String,
    /// Published (UTC), empty for a draft.
    pub published: String,
    /// (Members) how their organisation acknowledged it.
    pub acknowledged: Option<Acknowledgement>,
    /// (Coordinators) organisations told, and how many acknowledged.
    pub reach: Option<(u64, u64)>,
}

/// A guidance article linked from an advisory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkedArticle {
    /// Its address.
    pub slug: String,
    /// Its title.
    pub title: String,
}

/// One organisation's acknowledgement as coordinators see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetRow {
    /// Organisation id.
    pub organisation_id: i64,
    /// Its name.
    pub name: String,
    /// Its country code.
    pub country: String,
    /// How it acknowledged, if it did.
    pub acknowledged: Option<Acknowledgement>,
    /// The note it left.
    pub note: String,
    /// When (UTC).
    pub at: String,
    /// When members were reminded (UTC), if they were.
    pub reminded: String,
}

/// Who an advisory reached (coordinators).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reach {
    /// Organisations targeted (recorded at publishing).
    pub organisations: u64,
    /// Member accounts told in the app.
    pub members: u64,
    /// Mails accepted by the mail server.
    pub mails_sent: u64,
    /// Mails still waiting to be sent.
    pub mails_pending: u64,
    /// Mails given up on.
    pub mails_failed: u64,
    /// Organisations that read it.
    pub read: u64,
    /// Organisations that acted on it.
    pub acted: u64,
    /// Reminders sent.
    pub reminded: u64,
    /// Every targeted organisation, those that have not acknowledged first.
    pub targets: Vec<TargetRow>,
}

/// One advisory, as its viewer may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdvisoryView {
    /// The list facts.
    pub summary: AdvisorySummary,
    /// The body as sanitised HTML.
    pub body_html: String,
    /// The recommended actions as sanitised HTML (empty for none).
    pub actions_html: String,
    /// Indicators.
    pub indicators: Vec<Indicator>,
    /// Linked guidance.
    pub guidance: Vec<LinkedArticle>,
    /// (Coordinators) who it is for; `None` for members.
    pub targets: Option<Targets>,
    /// The advisory that replaced this one.
    pub superseded_by: Option<i64>,
    /// The advisory this one replaced.
    pub supersedes: Option<i64>,
    /// (Members) their organisation's note with the acknowledgement.
    pub note: String,
    /// (Members) they may acknowledge it and ask for help.
    pub acknowledgeable: bool,
    /// (Coordinators) who it reached; `None` for members.
    pub reach: Option<Reach>,
    /// (Coordinators) what may be done: edit and publish (draft), withdraw (published).
    pub editable: bool,
    /// (Coordinators) it may be withdrawn.
    pub withdrawable: bool,
}

/// The form's starting point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdvisoryForm {
    /// The fields.
    pub input: AdvisoryInput,
    /// Every need category: (id, name).
    pub categories: Vec<(i64, String)>,
    /// Every guidance article: (slug, title).
    pub articles: Vec<(String, String)>,
    /// Published advisories it could replace: (id, title).
    pub replaceable: Vec<(i64, String)>,
}

/// The organisations' ordering: most severe first, then newest.
#[must_use]
pub fn severity_rank(s: Severity) -> u8 {
    match s {
        Severity::Critical => 0,
        Severity::High => 1,
        Severity::Medium => 2,
        Severity::Information => 3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn indicators_are_typed_by_shape_or_by_name_and_normalised() {
        let got = indicators(
            "# from the CERT\n\
             evil-login.example\n\
             hxxps://evil-login[.]example/reset?u=1\n\
             203.0.113.7\n\
             2001:DB8::1\n\
             D41D8CD98F00B204E9800998ECF8427E\n\
             sha1: da39a3ee5e6b4b0d3255bfef95601890afd80709\n\
             sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n\
             domain: Update-Portal.EXAMPLE.\n\
             evil-login.example\n",
        );
        let kinds: Vec<(IndicatorKind, &str)> = got
            .as_ref()
            .map(|v| v.iter().map(|i| (i.kind, i.value.as_str())).collect())
            .unwrap_or_default();
        assert_eq!(
            kinds,
            vec![
                (IndicatorKind::Domain, "evil-login.example"),
                (IndicatorKind::Url, "https://evil-login.example/reset?u=1"),
                (IndicatorKind::Ipv4, "203.0.113.7"),
                (IndicatorKind::Ipv6, "2001:db8::1"),
                (IndicatorKind::Md5, "d41d8cd98f00b204e9800998ecf8427e"),
                (IndicatorKind::Sha1, "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
                (
                    IndicatorKind::Sha256,
                    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
                ),
                (IndicatorKind::Domain, "update-portal.example"),
            ]
        );
    }

    #[test]
    fn what_is_not_an_indicator_is_refused_with_its_line() {
        for bad in [
            "javascript:alert(1)",
            "ipv4: 300.1.1.1",
            "md5: abc",
            "sha256: zz",
            "localhost",
            "exa mple.org",
            "ex\u{202e}ample.org",
            "xn--.example",
            "-bad.example",
            "1.2.3.4.5",
            "data:text/html,<script>",
            "http://",
            "http://exa mple.org",
            "url: javascript://example.org/%0aalert(1)",
        ] {
            assert_eq!(
                indicators(&format!("good.example\n{bad}")),
                Err((2, Message::IndicatorInvalid)),
                "{bad:?}"
            );
        }
        let many: String = (0..=INDICATORS_MAX).map(|i| format!("h{i}.example\n")).collect();
        assert!(matches!(indicators(&many), Err((_, Message::TooMany))));
    }

    fn facts() -> impl Strategy<Value = OrganisationFacts> {
        (
            prop::sample::select(REGIONS.to_vec()),
            prop::sample::select(vec!["KE", "ML", "BR", "FR", "IN", "FJ"]),
            prop::sample::select(INCOME_GROUPS.to_vec()),
            prop::sample::select(OrganisationKind::ALL.to_vec()),
            prop::collection::btree_set(1_i64..6, 0..3),
        )
            .prop_map(|(r, c, g, k, cats)| OrganisationFacts {
                region: r.to_owned(),
                country: c.to_owned(),
                income_group: g.to_owned(),
                kind: k,
                categories: cats,
            })
    }

    fn targets() -> impl Strategy<Value = Targets> {
        (
            prop::bool::weighted(0.1),
            prop::collection::btree_set(prop::sample::select(REGIONS.to_vec()), 0..3),
            prop::collection::btree_set(
                prop::sample::select(vec!["KE", "ML", "BR", "FR", "IN", "FJ"]),
                0..3,
            ),
            prop::collection::btree_set(prop::sample::select(INCOME_GROUPS.to_vec()), 0..3),
            prop::collection::btree_set(prop::sample::select(OrganisationKind::ALL.to_vec()), 0..3),
            prop::collection::btree_set(1_i64..6, 0..3),
        )
            .prop_map(|(everyone, r, c, g, k, cats)| Targets {
                everyone,
                regions: r.into_iter().map(str::to_owned).collect(),
                countries: c.into_iter().map(str::to_owned).collect(),
                income_groups: g.into_iter().map(str::to_owned).collect(),
                kinds: k,
                categories: cats,
            })
    }

    proptest! {
        /// Told if and only if: everyone, or some target is chosen and no
        /// chosen dimension leaves the organisation out.
        #[test]
        fn an_organisation_is_told_iff_it_matches(t in targets(), o in facts()) {
            let left_out = |chosen: bool, has: bool| chosen && !has;
            let excluded = left_out(!t.regions.is_empty(), t.regions.contains(&o.region))
                || left_out(!t.countries.is_empty(), t.countries.contains(&o.country))
                || left_out(!t.income_groups.is_empty(), t.income_groups.contains(&o.income_group))
                || left_out(!t.kinds.is_empty(), t.kinds.contains(&o.kind))
                || left_out(!t.categories.is_empty(), o.categories.iter().any(|c| t.categories.contains(c)));
            let anything = t.everyone || !t.regions.is_empty() || !t.countries.is_empty()
                || !t.income_groups.is_empty() || !t.kinds.is_empty() || !t.categories.is_empty();
            prop_assert_eq!(t.matches(&o), t.everyone || (anything && !excluded));
        }

        /// Whatever is typed, reading indicators never panics, and what it
        /// accepts reads back the same from its own text.
        #[test]
        fn indicators_read_back_from_their_text(raw in "\\PC{0,200}") {
            if let Ok(found) = indicators(&raw) {
                prop_assert_eq!(indicators(&indicators_text(&found)), Ok(found));
            }
        }
    }

    #[test]
    fn a_form_needs_targets_and_a_known_severity() {
        let input = AdvisoryInput {
            title: "Phishing".into(),
            severity: "urgent".into(),
            summary: "Mails posing as the ministry.".into(),
            body: "Be careful.".into(),
            ..AdvisoryInput::default()
        };
        let failed = |input: &AdvisoryInput| -> Vec<String> {
            input
                .validate()
                .err()
                .unwrap_or_default()
                .into_iter()
                .map(|e| e.field)
                .collect()
        };
        assert_eq!(failed(&input), vec!["severity".to_owned(), "targets".to_owned()]);
        let mut ok = input;
        ok.severity = "critical".into();
        ok.regions.insert("Africa".into(), "on".into());
        ok.income_groups.insert("lower_middle".into(), "on".into());
        ok.countries = "ke, ug".into();
        let valid = ok.validate().unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            valid.targets.countries.iter().cloned().collect::<Vec<_>>(),
            vec!["KE", "UG"]
        );
        ok.regions.insert("Atlantis".into(), "on".into());
        assert!(ok.validate().is_err());
        ok.regions.remove("Atlantis");
        ok.categories = (1..=CHOICES_MAX + 1)
            .map(|i| (i.to_string(), "on".to_owned()))
            .collect();
        assert_eq!(failed(&ok), vec!["categories".to_owned()], "a bounded list");
    }
}
