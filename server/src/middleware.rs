//! Middleware around every request.

pub mod csrf;
pub mod request_id;
pub mod security_headers;
