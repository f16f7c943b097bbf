//! The signed-in user's own account.

pub mod mail;
pub mod overview;
pub mod password;
pub mod sessions;
pub mod two_factor;
