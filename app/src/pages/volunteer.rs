//! A volunteer's own pages.

pub mod history;
pub mod profile;
