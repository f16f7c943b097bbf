//! An organisation's own pages.

pub mod edit;
pub mod form;
pub mod invite;
pub mod overview;
