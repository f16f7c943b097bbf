//! Coordinators' pages, all under `/coordinator`. Every one of them (and every
//! server function behind them) requires a coordinator whose session passed a
//! second factor.

pub mod accounts;
pub mod audit;
pub mod catalogue;
pub mod home;
pub mod insight;
pub mod mail;
pub mod needs;
pub mod organisation;
pub mod organisations;
pub mod volunteer;
pub mod volunteers;
