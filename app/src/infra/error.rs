//! The services' error type (its one mapping to what the user sees is in `api`).

use super::db::{self, Failure};
use crate::validate::{FieldError, Message};
use sea_orm::{DbErr, TransactionError};
use std::time::Duration;

/// Why a service call failed.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// Input failed validation.
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// Sign-in failed (unknown account, wrong password or disabled account alike).
    #[error("invalid credentials")]
    InvalidCredentials,
    /// Not signed in.
    #[error("unauthenticated")]
    Unauthenticated,
    /// Signed in, but not allowed.
    #[error("forbidden")]
    Forbidden,
    /// A coordinator without a second factor asked for an admin page.
    #[error("MFA enrolment required")]
    MfaEnrolmentRequired,
    /// Throttled: retry after this long.
    #[error("rate limited for {0:?}")]
    RateLimited(Duration),
    /// The object does not exist (or is not visible to the caller).
    #[error("not found")]
    NotFound,
    /// The object is not in a state that allows this.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// The database failed.
    #[error("database error")]
    Db(#[from] DbErr),
    /// The database cannot be reached or cannot store anything more right now
    /// (reported by the session store).
    #[error("database unavailable")]
    Unavailable,
    /// Something else failed on the server (a task, the session store…).
    #[error("{0}")]
    Internal(String),
}

impl ServiceError {
    /// A validation error on a single field.
    #[must_use]
    pub fn field(field: &str, message: Message) -> Self {
        Self::Validation(vec![FieldError::new(field, message)])
    }

    /// True when the database could not be reached or cannot write, as opposed
    /// to a query that failed: the user gets "try again later" (503) rather than
    /// an error.
    #[must_use]
    pub fn is_unavailable(&self) -> bool {
        match self {
            Self::Unavailable => true,
            Self::Db(e) => db::failure(e) != Failure::Other,
            _ => false,
        }
    }

    /// True when the database could not be reached at all.
    #[must_use]
    pub fn is_unreachable(&self) -> bool {
        matches!(self, Self::Db(e) if db::failure(e) == Failure::Unreachable)
    }
}

impl From<TransactionError<ServiceError>> for ServiceError {
    fn from(err: TransactionError<ServiceError>) -> Self {
        match err {
            TransactionError::Connection(e) => Self::Db(e),
            TransactionError::Transaction(e) => e,
        }
    }
}

impl From<tower_sessions::session::Error> for ServiceError {
    fn from(err: tower_sessions::session::Error) -> Self {
        use tower_sessions::{session::Error as Session, session_store::Error as Store};
        match &err {
            // The store says so in words of its own (its error type carries a string).
            Session::Store(Store::Backend(why)) if why == db::UNAVAILABLE => Self::Unavailable,
            _ => Self::Internal(format!("session store: {err}")),
        }
    }
}
