//! The matcher: pairs healthcare organisations' needs with volunteer experts (DESIGN.md §3).
//!
//! A pure module — no database, no web types, no clock, no randomness, no threads, no I/O:
//! profiles in, ranked and explained pairs out. It depends on `std` and `serde` only and
//! compiles for `wasm32` as well as the server.
//!
//! # Pieces
//! - [`profile`]: the inputs, [`VolunteerProfile`] and [`NeedProfile`].
//! - [`config`]: [`MatchConfig`], the weights and bounds, with [`MatchConfig::validate`].
//! - [`gate`]: the hard gates and the [`GateFailure`] reason for each exclusion.
//! - [`fit`]: fit in `[0, 1]` from six explained factors; priority kept apart.
//! - [`index`]: [`VolunteerIndex`], bitsets over all volunteers so the gates are ANDs/ORs.
//! - [`rank`]: [`rank_volunteers`] (matching console), [`explain_volunteer`] (why one was
//!   excluded), [`rank_needs`] ("needs that fit you").
//! - [`assign`]: [`assign()`], the exact global assignment under capacities with a
//!   lexicographic objective (critical, high, normal, low counts, then utility, then
//!   waiting time), top-k pruning proven lossless with dual prices, and explanations.
//! - [`flow`]: the exact b-matching solver underneath (successive shortest paths with
//!   potentials), generic over `i64`/`i128` costs.
//! - [`dimacs`]: the benchmark format (`p min`) and a solver entry point for it.
//!
//! # Use from a service
//! ```text
//! let index = VolunteerIndex::build(config, volunteers)?;      // once per batch / cache it
//! let ranking = rank_volunteers(&index, &need, 20);             // console: top 20 + gate counts
//! let why = explain_volunteer(&index, &need, volunteer_id);     // one excluded volunteer
//! let plan = assign(&index, &open_needs)?;                      // batch run preview
//! let mine = rank_needs(&config, &volunteer, &open_needs, 10)?; // volunteer's dashboard
//! ```
//! The caller computes `conflicted_orgs`, `active_engagements`, `committed_hours` and the
//! lowered pairs from the database, and passes timestamps (`waiting_since`) in; nothing
//! here reads a clock.

mod bitset;

pub mod assign;
pub mod config;
pub mod dimacs;
pub mod error;
pub mod fit;
pub mod flow;
pub mod gate;
pub mod index;
pub mod profile;
pub mod rank;

pub use assign::{
    AssignStats, AssignedNeed, Assignment, LostReason, PairOutcome, RunnerUp, UnassignedNeed,
    UnassignedReason, assign,
};
pub use config::{ConfigError, FitWeights, MAX_EMERGING_BONUS, MatchConfig, SkillImportance};
pub use error::MatchError;
pub use fit::{Candidate, Factor, FactorKind, Priority};
pub use gate::{GateCounts, GateFailure, GateKind};
pub use index::VolunteerIndex;
pub use profile::{CountryCode, NeedProfile, RequiredSkill, SkillWeight, Urgency, VolunteerProfile};
pub use rank::{Exclusion, NeedRanking, explain_volunteer, rank_needs, rank_volunteers};
