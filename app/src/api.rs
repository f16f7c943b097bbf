//! Server functions: the only door from the browser to the services.
//!
//! Each one is thin: find the request's [`AppState`](crate::state::AppState), check
//! who is asking (from the accounts issue on), call one service and map its error.

mod figures;

pub use figures::*;

#[cfg(feature = "ssr")]
pub(crate) use ssr::*;

#[cfg(feature = "ssr")]
mod ssr {
    use crate::{error::AppError, state::AppState};
    use leptos::prelude::use_context;

    /// The application state the server provides to every request.
    ///
    /// # Errors
    /// [`AppError::Internal`] when called outside a request, which is a bug.
    pub(crate) fn state() -> Result<AppState, AppError> {
        use_context::<AppState>().ok_or_else(|| {
            tracing::error!("server function called without AppState in context");
            AppError::Internal
        })
    }
}
