//! Needs: lists, one need, and the need form.

pub mod detail;
pub mod edit;
pub mod form;
pub mod list;
pub mod new;
pub mod table;
