//! Domain types and validators shared by the server and the browser: what an
//! organisation, a need and a volunteer profile are, which values are allowed,
//! and the need lifecycle. Pure code: no database, no web types.

pub mod advisory;
pub mod codes;
pub mod engagement;
pub mod geo;
pub mod guidance;
pub mod insight;
pub mod languages;
pub mod need;
pub mod organisation;
pub mod priority;
pub mod reference;
pub mod views;
pub mod volunteer;
