//! The matcher's pools: approved volunteers and open needs, profiled.

use crate::{
    domain::{codes::Urgency, views::NeedSummary},
    matcher::{NeedProfile, VolunteerIndex},
};
use std::{collections::HashMap, sync::Arc};
use time::OffsetDateTime;

/// Approved volunteers, indexed, with what the pages show of them.
#[derive(Clone)]
pub struct VolunteerPool {
    /// The index the matcher ranks and assigns over.
    pub index: VolunteerIndex,
    /// Names and facts, by id.
    pub people: People,
    /// The organisations' names the profiles' employer conflicts were read
    /// with: any change to an organisation reads the whole pool again, so a
    /// volunteer read again alone is read with these.
    pub(super) employers: Arc<super::places::Employers>,
}

impl VolunteerPool {
    /// A volunteer's display name (empty when not in the pool).
    #[must_use]
    pub fn name(&self, volunteer_id: i64) -> String {
        self.people
            .get(&volunteer_id)
            .map(|p| p.name.to_string())
            .unwrap_or_default()
    }
}

/// What the pages show of each volunteer, by id: shared, so that bringing the
/// pool up to date after a change copies pointers, not 85 000 names.
pub type People = HashMap<i64, Arc<Person>>;

/// What the pages show of a volunteer beyond the index's profile (whose
/// country and languages they show): 85 000 of these are held, so the name is
/// a boxed string and the role one of the few roles' shared names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Person {
    /// Display name.
    pub name: Box<str>,
    /// ECSF role (shared by every volunteer in it).
    pub role: Arc<str>,
}

/// Open needs of approved organisations, profiled.
pub struct NeedPool {
    /// Profiles, in need id order.
    pub profiles: Vec<NeedProfile>,
    /// Where each need is in `profiles`.
    pub position: HashMap<i64, usize>,
    /// Their summaries.
    pub summaries: HashMap<i64, NeedSummary>,
    /// (region, income group) of each need's organisation.
    pub places: HashMap<i64, (String, String)>,
    /// When each opened.
    pub opened: HashMap<i64, OffsetDateTime>,
    /// Volunteers with a live engagement on each need.
    pub engaged: HashMap<i64, Vec<i64>>,
    /// Skill names, for explanations.
    pub skill_names: HashMap<u32, String>,
    /// Positions in `profiles` in the triage board's order (most urgent, most
    /// emerging, longest waiting first), sorted once per pool, not per page.
    pub triage_order: Vec<usize>,
    /// The regions the needs are in, sorted, for the board's filter.
    pub regions: Vec<String>,
    /// What the volunteers' list filters and orders each need by.
    pub listed: HashMap<i64, Listed>,
    /// The same, in the volunteers' list order: last changed first, then the
    /// highest id first (a page of the unfiltered list is a slice of it).
    pub recent: Vec<Listed>,
}

/// What the volunteers' list of open needs filters and orders a need by
/// (languages and places are looked up only when a filter names them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Listed {
    /// The need.
    pub id: i64,
    /// Its category.
    pub category_id: i64,
    /// Its urgency.
    pub urgency: Urgency,
    /// Its last change.
    pub updated_at: OffsetDateTime,
}

impl NeedPool {
    /// The profile of an open need.
    #[must_use]
    pub fn profile(&self, need_id: i64) -> Option<&NeedProfile> {
        self.position.get(&need_id).map(|&i| &self.profiles[i])
    }
}
