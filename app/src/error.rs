//! The error type every server function returns, shared by server and browser.
//!
//! It carries no internal detail: the server logs the cause once, where the error
//! is mapped, and the browser only ever sees one of these variants, which the
//! server turns into an HTTP status in one place (`server::api`).

use crate::validate::FieldError;
use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

/// What went wrong, as far as the user needs to know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The request was malformed: a missing or unparsable argument.
    #[error("the request was not understood")]
    BadRequest,
    /// Some fields are invalid; each error names its field.
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    /// Sign-in failed. The same answer whether the account exists or not.
    #[error("email or password is incorrect")]
    InvalidCredentials,
    /// The caller must sign in first.
    #[error("sign-in required")]
    Unauthenticated,
    /// The caller may not do this.
    #[error("forbidden")]
    Forbidden,
    /// Coordinators must enrol a second factor before any admin page opens.
    #[error("two-factor authentication required")]
    MfaEnrolmentRequired,
    /// Too many attempts; try again after the given number of seconds.
    #[error("too many attempts")]
    RateLimited {
        /// Seconds to wait.
        retry_after_secs: u64,
    },
    /// The object changed meanwhile, or is not in a state that allows this.
    #[error("conflict")]
    Conflict,
    /// The object does not exist, or the caller may not know that it exists.
    #[error("not found")]
    NotFound,
    /// The service cannot reach its database; try again later.
    #[error("temporarily unavailable")]
    Unavailable,
    /// Something failed on the server; the cause is in the server's log.
    #[error("internal error")]
    Internal,
    /// The browser could not reach the server or read its answer.
    #[error("network error")]
    Network,
}

impl AppError {
    /// The errors for one form field, if this is a validation error.
    #[must_use]
    pub fn field(&self, field: &str) -> Option<crate::validate::Message> {
        match self {
            Self::Validation(errors) => errors.iter().find(|e| e.field == field).map(|e| e.message),
            _ => None,
        }
    }

    /// The HTTP status this error is sent with.
    #[must_use]
    pub fn status(&self) -> u16 {
        match self {
            Self::BadRequest => 400,
            Self::InvalidCredentials | Self::Unauthenticated => 401,
            Self::Forbidden | Self::MfaEnrolmentRequired => 403,
            Self::NotFound => 404,
            Self::Conflict => 409,
            Self::Validation(_) => 422,
            Self::RateLimited { .. } => 429,
            Self::Unavailable => 503,
            Self::Internal | Self::Network => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => Self::BadRequest,
            // On the server these come from reading the request (a body that is
            // not UTF-8, or cut short): the client's fault. In the browser, from
            // reading the server's answer: the network's.
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Deserialization(_) => Self::BadRequest,
            #[cfg(not(feature = "ssr"))]
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Deserialization(_) => Self::Network,
            ServerFnErrorErr::Registration(_)
            | ServerFnErrorErr::UnsupportedRequestMethod(_)
            | ServerFnErrorErr::ServerError(_)
            | ServerFnErrorErr::MiddlewareError(_)
            | ServerFnErrorErr::Serialization(_)
            | ServerFnErrorErr::Response(_) => Self::Internal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_arguments_are_a_client_error() {
        let err = AppError::from_server_fn_error(ServerFnErrorErr::Args("x".into()));
        assert_eq!(err, AppError::BadRequest);
        assert_eq!(err.status(), 400);
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn an_unreadable_request_body_is_a_client_error_on_the_server() {
        for err in [
            ServerFnErrorErr::Deserialization("invalid utf-8".into()),
            ServerFnErrorErr::Request("body cut short".into()),
        ] {
            assert_eq!(AppError::from_server_fn_error(err).status(), 400);
        }
    }

    #[test]
    fn errors_survive_the_wire_encoding() {
        for err in [
            AppError::NotFound,
            AppError::Unavailable,
            AppError::Internal,
            AppError::RateLimited { retry_after_secs: 7 },
            AppError::Validation(vec![FieldError::new(
                "email",
                crate::validate::Message::EmailInvalid,
            )]),
        ] {
            assert_eq!(AppError::de(err.ser()), err);
        }
    }
}
