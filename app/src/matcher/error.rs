//! The matcher's error type.

use std::fmt;

use super::config::ConfigError;

/// Why the matcher refused its input.
#[derive(Debug, Clone, PartialEq)]
pub enum MatchError {
    /// The configuration is out of range.
    Config(ConfigError),
    /// Two volunteers share an id.
    DuplicateVolunteer {
        /// The id.
        id: i64,
    },
    /// Two needs share an id.
    DuplicateNeed {
        /// The id.
        id: i64,
    },
    /// More volunteers or needs than 32-bit indices hold, or too many needs for the
    /// lexicographic tier encoding to fit the solver's integer range.
    TooLarge,
}

impl fmt::Display for MatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Config(e) => write!(f, "matcher configuration: {e}"),
            Self::DuplicateVolunteer { id } => write!(f, "volunteer {id} appears twice"),
            Self::DuplicateNeed { id } => write!(f, "need {id} appears twice"),
            Self::TooLarge => f.write_str("problem too large for the matcher"),
        }
    }
}

impl std::error::Error for MatchError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Config(e) => Some(e),
            _ => None,
        }
    }
}

impl From<ConfigError> for MatchError {
    fn from(e: ConfigError) -> Self {
        Self::Config(e)
    }
}
