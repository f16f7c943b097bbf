//! Small domain types shared by the server and the browser.

use serde::{Deserialize, Serialize};

/// What an account may do (mirrors the database's roles).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    /// Staff of a healthcare organisation.
    OrganisationMember,
    /// A volunteer cybersecurity expert.
    Volunteer,
    /// Program staff.
    Coordinator,
}

impl Role {
    /// The form value.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OrganisationMember => "organisation_member",
            Self::Volunteer => "volunteer",
            Self::Coordinator => "coordinator",
        }
    }

    /// Parses a form value.
    #[must_use]
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "organisation_member" => Some(Self::OrganisationMember),
            "volunteer" => Some(Self::Volunteer),
            "coordinator" => Some(Self::Coordinator),
            _ => None,
        }
    }
}

#[cfg(feature = "ssr")]
impl From<entity::account::Role> for Role {
    fn from(role: entity::account::Role) -> Self {
        use entity::account::Role as R;
        match role {
            R::OrganisationMember => Self::OrganisationMember,
            R::Volunteer => Self::Volunteer,
            R::Coordinator => Self::Coordinator,
        }
    }
}

#[cfg(feature = "ssr")]
impl From<Role> for entity::account::Role {
    fn from(role: Role) -> Self {
        match role {
            Role::OrganisationMember => Self::OrganisationMember,
            Role::Volunteer => Self::Volunteer,
            Role::Coordinator => Self::Coordinator,
        }
    }
}

/// The signed-in user, as the pages see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    /// Account id.
    pub id: i64,
    /// Display name.
    pub display_name: String,
    /// Email.
    pub email: String,
    /// Role.
    pub role: Role,
    /// TOTP enrolled.
    pub mfa_enabled: bool,
    /// This session passed the second factor.
    pub mfa_verified: bool,
    /// Notifications not read yet.
    pub unread: u64,
}

/// One of the user's sessions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    /// A handle for ending it (the hash of its id, not the id).
    pub handle: String,
    /// Signed in (UTC).
    pub created: String,
    /// Last used (UTC, to the minute).
    pub last_seen: String,
    /// Browser and system.
    pub browser: String,
    /// Coarse address.
    pub address: String,
    /// The session making this request.
    pub current: bool,
}

/// "Browser on system" from a `User-Agent`.
#[must_use]
pub fn describe_browser(user_agent: &str) -> String {
    let browser = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ]
    .iter()
    .find(|(needle, _)| user_agent.contains(needle))
    .map_or("Unknown browser", |(_, name)| *name);
    let system = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(needle, _)| user_agent.contains(needle))
    .map_or("unknown system", |(_, name)| *name);
    format!("{browser} · {system}")
}

/// A UTC time as the pages print it.
#[cfg(feature = "ssr")]
#[must_use]
pub fn utc(t: time::OffsetDateTime) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    t.to_offset(time::UtcOffset::UTC)
        .format(&format)
        .unwrap_or_default()
}

/// A UTC time to the second, as the dashboard prints when its figures were read.
#[cfg(feature = "ssr")]
#[must_use]
pub fn utc_seconds(t: time::OffsetDateTime) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second] UTC");
    t.to_offset(time::UtcOffset::UTC)
        .format(&format)
        .unwrap_or_default()
}

/// A UTC time as files carry it: RFC 3339, to the second (`2026-12-02T09:30:00Z`).
#[cfg(feature = "ssr")]
#[must_use]
pub fn iso(t: time::OffsetDateTime) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    t.to_offset(time::UtcOffset::UTC)
        .format(&format)
        .unwrap_or_default()
}

/// A date as `YYYY-MM-DD`.
#[cfg(feature = "ssr")]
#[must_use]
pub fn day(d: time::Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

#[cfg(test)]
mod tests {
    use super::describe_browser;

    #[test]
    fn browsers_are_named() {
        let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36";
        assert_eq!(describe_browser(chrome), "Chrome · Linux");
        assert_eq!(describe_browser(""), "Unknown browser · unknown system");
    }
}
