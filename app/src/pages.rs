//! Pages, by area.

pub mod about;
pub mod account;
pub mod auth;
pub mod coordinator;
pub mod home;
pub mod not_found;
