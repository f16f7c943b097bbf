//! A volunteer's own pages.

pub mod profile;
