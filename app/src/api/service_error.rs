//! The one mapping from a service's error to what the user sees, logging the
//! cause (never sending it).

use crate::{error::AppError, services::ServiceError, state::AppState};
use leptos::prelude::use_context;

impl From<ServiceError> for AppError {
    /// Maps a service error to the user-facing error, logging the cause once.
    fn from(err: ServiceError) -> Self {
        match err {
            ServiceError::Validation(errors) => Self::Validation(errors),
            ServiceError::InvalidCredentials => Self::InvalidCredentials,
            ServiceError::Unauthenticated => Self::Unauthenticated,
            ServiceError::Forbidden => Self::Forbidden,
            ServiceError::MfaEnrolmentRequired => Self::MfaEnrolmentRequired,
            ServiceError::RateLimited(wait) => Self::RateLimited {
                retry_after_secs: wait.as_secs().max(1),
            },
            ServiceError::NotFound => Self::NotFound,
            ServiceError::Conflict(why) => {
                tracing::info!(reason = why, "conflict");
                Self::Conflict
            }
            ref db if db.is_unavailable() => {
                tracing::warn!(error = %sources(&err), "database unavailable");
                if let ServiceError::Db(e) = db
                    && db.is_unreachable()
                    && let Some(state) = use_context::<AppState>()
                {
                    // Later server functions of this request (and others) answer
                    // at once rather than wait for a connection again.
                    state.availability.found_unreachable(&state.db, e);
                }
                Self::Unavailable
            }
            ServiceError::Db(_) | ServiceError::Unavailable | ServiceError::Internal(_) => {
                tracing::error!(error = %sources(&err), "service failed");
                Self::Internal
            }
        }
    }
}

/// The error and its chain of causes on one line, with line breaks neutralised.
fn sources(err: &dyn std::error::Error) -> String {
    let mut out = err.to_string();
    let mut cause = err.source();
    while let Some(c) = cause {
        out.push_str(": ");
        out.push_str(&c.to_string());
        cause = c.source();
    }
    out.replace(['\n', '\r'], " ")
}
