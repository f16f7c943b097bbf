//! Registering, signing in (both factors) and resetting a password.

pub mod login;
pub mod register;
pub mod reset;
pub mod second_factor;
