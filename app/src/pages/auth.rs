//! Registering, signing in (both factors) and resetting a password.

pub mod login;
pub mod register;
pub mod reset;
pub mod reset_request;
pub mod second_factor;
pub mod unsubscribe;
pub mod verify;
