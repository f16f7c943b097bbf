//! Middleware around every request.

pub mod request_id;
pub mod security_headers;
