//! Components shared by several pages.

pub mod chart;
pub mod choices;
pub mod error_view;
pub mod filters;
pub mod form;
pub mod guard;
pub mod hydrated;
pub mod layout;
pub mod params;
