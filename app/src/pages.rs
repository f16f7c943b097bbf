//! Pages, by area.

pub mod about;
pub mod account;
pub mod advisories;
pub mod auth;
pub mod coordinator;
pub mod engagements;
pub mod guidance;
pub mod home;
pub mod impact;
pub mod matching;
pub mod needs;
pub mod not_found;
pub mod organisation;
pub mod volunteer;
