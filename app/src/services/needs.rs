//! Needs: drafting, editing, submitting, withdrawing and triaging them, and
//! reading them with exactly the visibility each viewer has.
//!
//! Visibility: coordinators and the organisation's own members see everything
//! (a coordinator's read of the confidential part is audited); approved
//! volunteers see the public part of open needs of approved organisations;
//! everyone else is told the need does not exist.

mod dates;
mod detail;
mod edit;
mod history;
mod lifecycle;
mod list;

pub use detail::detail;
pub use edit::{create, form, update};
pub use history::display_names;
pub use lifecycle::{submit, transition, withdraw};
pub use list::{
    Filter, PAGE_SIZE, approved_volunteer, list_all, list_open_in_database, list_own, organisation_detail,
    summaries, summaries_among, summary,
};
