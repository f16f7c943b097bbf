//! The services' error type and its one mapping to what the user sees.

use crate::error::AppError;
use sea_orm::DbErr;

/// Why a service call failed.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The object does not exist (or is not visible to the caller).
    #[error("not found")]
    NotFound,
    /// The database failed.
    #[error("database error")]
    Db(#[from] DbErr),
}

impl ServiceError {
    /// True when the database could not be reached at all, as opposed to a query
    /// that failed: the user gets "try again later" (503) rather than an error.
    #[must_use]
    pub fn is_unavailable(&self) -> bool {
        matches!(self, Self::Db(DbErr::ConnectionAcquire(_) | DbErr::Conn(_)))
    }
}

impl From<ServiceError> for AppError {
    /// Maps a service error to the user-facing error, logging the cause once.
    fn from(err: ServiceError) -> Self {
        match err {
            ServiceError::NotFound => Self::NotFound,
            ref db if db.is_unavailable() => {
                tracing::warn!(error = %sources(&err), "database unavailable");
                Self::Unavailable
            }
            ServiceError::Db(_) => {
                tracing::error!(error = %sources(&err), "service failed");
                Self::Internal
            }
        }
    }
}

/// The error and its chain of causes on one line.
fn sources(err: &dyn std::error::Error) -> String {
    let mut out = err.to_string();
    let mut cause = err.source();
    while let Some(c) = cause {
        out.push_str(": ");
        out.push_str(&c.to_string());
        cause = c.source();
    }
    out
}
