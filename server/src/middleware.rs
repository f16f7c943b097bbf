//! Middleware around every request.

pub mod availability;
pub mod body;
pub mod csrf;
pub mod detach;
pub mod form_errors;
pub mod panic;
pub mod paths;
pub mod request_id;
pub mod security_headers;
