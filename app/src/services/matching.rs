//! Matching: the matcher's profiles built from the database, and what
//! coordinators and volunteers see of its results — the triage board, the
//! console for one need, batch runs, and "needs that fit you".
//!
//! Profiles are cached per instance and follow the data they come from through
//! the audit log: every change that matters to the matcher is audited in the
//! transaction that makes it, so before each use the cache looks for relevant
//! entries it has not seen (including late commits a little below the newest id
//! it saw) and reads again only the volunteers (or the organisations' open
//! needs) they touch — the whole pool only after a wide change such as an
//! applied batch. The look at the log runs without the lock; taking a change
//! is serialised, so concurrent requests after a change read once. The same
//! cache keeps the catalogue the forms choose from, and the need pool answers
//! the volunteers' list of open needs ([`list_open`]).
//!
//! What the database adds to the matcher's inputs:
//! - capacity: slots and hours held by accepted and active engagements, plus
//!   the proposals waiting for the volunteer's answer (so a batch never piles
//!   more proposals on someone than they could accept);
//! - conflicts of interest: an employer named like the organisation, or an
//!   earlier decline by the volunteer for that reason;
//! - earlier declines and expiries lower a pair: the same need declined by
//!   either side or by the organisation ×0.2, expired ×0.6, other needs of an
//!   organisation that declined the volunteer ×0.6;
//! - track record: the organisations' ratings of completed engagements.
//!
//! The critical needs' fast path ([`propose_at_once`]) proposes a critical need
//! the moment it opens to the first few candidates of the console's ranking.

mod apply;
mod batch;
pub mod cache;
mod console;
mod explain;
mod fast_path;
mod fits;
mod listing;
mod places;
mod pools;
mod profiles;
mod refresh;
mod triage;

pub use crate::domain::views::{PAIRS_PAGE, TRIAGE_PAGE};
pub use apply::apply;
pub use batch::{run, runs, start_batch};
pub use cache::{Cache, CacheStats};
pub use console::{CONSOLE_CANDIDATES, CONSOLE_NEAR_MISSES, console};
pub use fast_path::propose_at_once;
pub use fits::{FITS_SHOWN, fits};
pub use listing::list_open;
pub use pools::{Listed, NeedPool, Person, VolunteerPool};
pub use profiles::need_profile;
pub use refresh::{catalogue, open_needs, volunteers};
pub use triage::{TriageFilter, triage};
