//! Engagements: proposals (from a coordinator, a volunteer's offer, or the
//! matcher), answers, confirmation, the work, completion and ratings; messages
//! and logged hours; expiry of unanswered proposals.
//!
//! Every transition is one transaction: it checks the lifecycle rule, moves the
//! engagement only if it is still in the status it was read in, moves the need
//! with it, takes or gives back the volunteer's capacity, notifies the people
//! concerned and writes the audit log.
//!
//! Standing: every action on an engagement, and every read of one in detail,
//! goes through `lifecycle::side`, which refuses a side that lost its standing
//! (see [`crate::services::standing`]); when a side loses it, [`withdraw_for`]
//! withdraws its open proposals and flags its work under way to coordinators.
//! A finished engagement (completed, declined, expired, cancelled) is
//! read-only — a completed one still takes its ratings — and no longer shows
//! its volunteer the need's confidential part.
//!
//! Capacity (concurrent engagements and weekly hours) is taken when the
//! volunteer commits (accepting, or offering) with a single conditional
//! `UPDATE … WHERE active_engagements < max_concurrent AND committed_hours + h
//! <= hours_per_week`; a `CHECK` on the table backs it up. Of many concurrent
//! attempts on the last slot, exactly one matches.

mod answer;
pub mod lifecycle;
mod propose;
mod read;
mod thread;
mod withdraw;
mod work;

pub use answer::{accept, confirm, decline};
pub use lifecycle::{call_off, release_capacity, room_left, take_capacity};
pub use propose::{
    PairChecks, Proposal, offer, proposal_hours, propose, propose_all, propose_by_reference, propose_in,
};
pub use read::{detail, history, list, page};
pub use thread::{hours, messages, post_message};
pub use withdraw::{Withdrawal, withdraw_for};
pub use work::{REMIND_BEFORE, cancel, complete, expire_due, log_hours, rate, remind_due};
