//! One-time values carried in the session from a form post to the next page.
//!
//! Without JavaScript a failed form post redirects back to its page; the error
//! travels in the URL (Leptos's `__err`), but the typed values must not (they may
//! be confidential): they wait here, in the server-side session, for one read.

use super::error::ServiceError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use tower_sessions::Session;

const KEY: &str = "flash";

/// Values kept for the form behind one server function.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flash {
    /// The server function's path (`/api/login`…).
    pub form: String,
    /// Field name → value. Never a password or a code.
    pub values: BTreeMap<String, String>,
}

/// Keeps `values` for the next render of `form`'s page.
///
/// # Errors
/// Session-store errors.
pub async fn keep(session: &Session, form: &str, values: &[(&str, &str)]) -> Result<(), ServiceError> {
    let flash = Flash {
        form: form.to_owned(),
        values: values
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    };
    session.insert(KEY, flash).await?;
    Ok(())
}

/// Takes (and forgets) the values kept for `form`.
///
/// # Errors
/// Session-store errors.
pub async fn take(session: &Session, form: &str) -> Result<BTreeMap<String, String>, ServiceError> {
    match session.get::<Flash>(KEY).await? {
        Some(flash) if flash.form == form => {
            session.remove_value(KEY).await?;
            Ok(flash.values)
        }
        _ => Ok(BTreeMap::new()),
    }
}
