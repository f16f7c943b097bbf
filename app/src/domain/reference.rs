//! Reference data as the forms need it.

use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// A country for a select box.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountryOption {
    /// ISO alpha-2.
    pub iso2: String,
    /// English name.
    pub name: String,
}

/// A need category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryOption {
    /// Id.
    pub id: i64,
    /// Stable code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Needs a written authorisation before it can be submitted.
    pub requires_authorisation: bool,
    /// No longer offered for new needs.
    pub retired: bool,
}

/// A skill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkillOption {
    /// Id.
    pub id: i64,
    /// Stable code.
    pub code: String,
    /// Name.
    pub name: String,
    /// The category it belongs to.
    pub category_id: i64,
    /// No longer offered.
    pub retired: bool,
}

/// An ECSF role profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleOption {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
}

/// Everything forms choose from. Each list is shared: the server keeps one
/// catalogue per instance, and a page's copy of it costs four pointers, not
/// some 600 strings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Catalogue {
    /// Countries, by name.
    pub countries: Arc<[CountryOption]>,
    /// Need categories, in their order.
    pub categories: Arc<[CategoryOption]>,
    /// Skills, by category then name.
    pub skills: Arc<[SkillOption]>,
    /// ECSF roles.
    pub roles: Arc<[RoleOption]>,
}

impl Catalogue {
    /// The category with this id.
    #[must_use]
    pub fn category(&self, id: i64) -> Option<&CategoryOption> {
        self.categories.iter().find(|c| c.id == id)
    }

    /// The skill with this id.
    #[must_use]
    pub fn skill(&self, id: i64) -> Option<&SkillOption> {
        self.skills.iter().find(|s| s.id == id)
    }

    /// The country with this code.
    #[must_use]
    pub fn country(&self, iso2: &str) -> Option<&CountryOption> {
        self.countries.iter().find(|c| c.iso2 == iso2)
    }
}
