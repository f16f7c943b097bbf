//! The languages people can say they work in (ISO 639-1 codes).

/// Code and English name, in the order forms show them.
pub const LANGUAGES: [(&str, &str); 36] = [
    ("en", "English"),
    ("fr", "French"),
    ("es", "Spanish"),
    ("pt", "Portuguese"),
    ("ar", "Arabic"),
    ("ru", "Russian"),
    ("zh", "Chinese"),
    ("hi", "Hindi"),
    ("bn", "Bengali"),
    ("ur", "Urdu"),
    ("id", "Indonesian"),
    ("ms", "Malay"),
    ("sw", "Swahili"),
    ("am", "Amharic"),
    ("ha", "Hausa"),
    ("yo", "Yoruba"),
    ("ig", "Igbo"),
    ("zu", "Zulu"),
    ("de", "German"),
    ("it", "Italian"),
    ("nl", "Dutch"),
    ("pl", "Polish"),
    ("uk", "Ukrainian"),
    ("ro", "Romanian"),
    ("tr", "Turkish"),
    ("fa", "Persian"),
    ("ps", "Pashto"),
    ("he", "Hebrew"),
    ("th", "Thai"),
    ("vi", "Vietnamese"),
    ("tl", "Tagalog"),
    ("ja", "Japanese"),
    ("ko", "Korean"),
    ("ne", "Nepali"),
    ("si", "Sinhala"),
    ("ta", "Tamil"),
];

/// Whether `code` is one of [`LANGUAGES`].
#[must_use]
pub fn is_known(code: &str) -> bool {
    LANGUAGES.iter().any(|(c, _)| *c == code)
}

/// The English name of a language code.
#[must_use]
pub fn name(code: &str) -> &str {
    LANGUAGES
        .iter()
        .find(|(c, _)| *c == code)
        .map_or(code, |(_, n)| n)
}

/// Parses a stored comma-separated list.
#[must_use]
pub fn split(stored: &str) -> Vec<String> {
    stored
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(ToOwned::to_owned)
        .collect()
}
