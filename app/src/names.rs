//! Names of places in the reader's language: countries by their ISO 3166 code,
//! as CLDR writes them (through ICU4X's compiled data), so that no page shows
//! `KE` or `(ML)` where a reader expects "Kenya", « Mali » or «مالي».

use crate::i18n::{Locale, use_i18n};
use leptos::prelude::*;

/// The name of the country with ISO 3166-1 alpha-2 `code` in `locale`; the
/// code itself when CLDR has no name for it (or it is not a code).
#[must_use]
pub fn country_name(locale: Locale, code: &str) -> String {
    lookup(locale, code).unwrap_or_else(|| code.to_owned())
}

/// The country with `code`, named in the page's language.
#[component]
pub fn Country(#[prop(into)] code: String) -> impl IntoView {
    country_name(use_i18n().get_locale_untracked(), &code)
}

/// Options for a country select: `(code, name)` in the page's language,
/// sorted by name.
#[must_use]
pub fn country_options<'a>(codes: impl IntoIterator<Item = &'a str>) -> Vec<(String, String)> {
    let locale = use_i18n().get_locale_untracked();
    let mut options: Vec<(String, String)> = codes
        .into_iter()
        .map(|code| (code.to_owned(), country_name(locale, code)))
        .collect();
    options.sort_by_cached_key(|(_, name)| sort_key(name));
    options
}

/// A key that sorts names as a reader expects: letters without their accents
/// and case first ("Égypte" between "Équateur" and "Érythrée" goes with the
/// E's, not after "Zimbabwe").
fn sort_key(name: &str) -> (String, String) {
    let folded: String = name
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
            'ç' => 'c',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ñ' => 'n',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ý' | 'ÿ' => 'y',
            other => other,
        })
        .collect();
    (folded, name.to_owned())
}

#[cfg(feature = "ssr")]
fn lookup(locale: Locale, code: &str) -> Option<String> {
    use icu_experimental::displaynames::{DisplayNamesOptions, multi::RegionDisplayNames};
    use std::sync::LazyLock;
    static NAMES: LazyLock<Vec<(Locale, Option<RegionDisplayNames>)>> = LazyLock::new(|| {
        per_locale(|l| RegionDisplayNames::try_new(l.into(), DisplayNamesOptions::default()).ok())
    });
    let region = icu_locale_core::subtags::Region::try_from_str(code).ok()?;
    of_locale(&NAMES, locale)?.of(region).map(ToOwned::to_owned)
}

/// The name of the language with ISO 639-1 `code` in `locale`, as CLDR
/// writes it ("French", « français », «الفرنسية»); the English name of our
/// list when CLDR has none, else the code itself.
#[must_use]
pub fn language_name(locale: Locale, code: &str) -> String {
    language_lookup(locale, code).unwrap_or_else(|| crate::domain::languages::name(code).to_owned())
}

/// Languages by their codes, named in the page's language and listed as it
/// lists them ("French, Swahili", «الفرنسية، السواحلية»).
#[must_use]
pub fn language_list(codes: &[String]) -> String {
    let locale = crate::numbers::page_locale();
    let separator = if locale == Locale::ar { "، " } else { ", " };
    codes
        .iter()
        .map(|code| language_name(locale, code))
        .collect::<Vec<_>>()
        .join(separator)
}

/// Options for the languages people work in: `(code, name)`, named in the
/// page's language with a capital (a label, not a word inside a sentence), in
/// the order of [`crate::domain::languages::LANGUAGES`].
#[must_use]
pub fn language_options() -> Vec<(String, String)> {
    let locale = crate::numbers::page_locale();
    crate::domain::languages::LANGUAGES
        .iter()
        .map(|(code, _)| ((*code).to_owned(), capitalised(&language_name(locale, code))))
        .collect()
}

fn capitalised(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}

#[cfg(feature = "ssr")]
fn language_lookup(locale: Locale, code: &str) -> Option<String> {
    use icu_experimental::displaynames::{DisplayNamesOptions, multi::LanguageDisplayNames};
    use std::sync::LazyLock;
    static NAMES: LazyLock<Vec<(Locale, Option<LanguageDisplayNames>)>> = LazyLock::new(|| {
        per_locale(|l| LanguageDisplayNames::try_new(l.into(), DisplayNamesOptions::default()).ok())
    });
    let language = icu_locale_core::subtags::Language::try_from_str(code).ok()?;
    of_locale(&NAMES, locale)?.of(language).map(ToOwned::to_owned)
}

/// One CLDR table per language we ship, made once (`None` where CLDR has
/// none for it).
#[cfg(feature = "ssr")]
fn per_locale<T>(make: impl Fn(&icu_locale_core::Locale) -> Option<T>) -> Vec<(Locale, Option<T>)> {
    use leptos_i18n::Locale as _;
    use std::str::FromStr as _;
    Locale::get_all()
        .iter()
        .map(|&locale| {
            let icu = icu_locale_core::Locale::from_str(locale.as_str()).ok();
            (locale, icu.as_ref().and_then(&make))
        })
        .collect()
}

/// The table of `locale` among those [`per_locale`] made.
#[cfg(feature = "ssr")]
fn of_locale<T>(tables: &[(Locale, Option<T>)], locale: Locale) -> Option<&T> {
    tables.iter().find(|(l, _)| *l == locale)?.1.as_ref()
}

/// Pages render on the server; the browser build never names a language.
#[cfg(not(feature = "ssr"))]
fn language_lookup(_: Locale, _: &str) -> Option<String> {
    None
}

/// Pages render on the server; the browser build never names a country.
#[cfg(not(feature = "ssr"))]
fn lookup(_: Locale, _: &str) -> Option<String> {
    None
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use leptos_i18n::Locale as _;

    #[test]
    fn countries_are_named_in_each_language() {
        assert_eq!(country_name(Locale::en, "KE"), "Kenya");
        assert_eq!(country_name(Locale::fr, "ML"), "Mali");
        assert_eq!(country_name(Locale::fr, "DE"), "Allemagne");
        assert_eq!(country_name(Locale::es, "DE"), "Alemania");
        assert_eq!(country_name(Locale::pt, "DE"), "Alemanha");
        assert_eq!(country_name(Locale::ar, "EG"), "مصر");
        assert_eq!(country_name(Locale::fr, "CD"), "Congo-Kinshasa");
    }

    #[test]
    fn languages_are_named_in_each_language() {
        assert_eq!(language_name(Locale::en, "fr"), "French");
        assert_eq!(language_name(Locale::fr, "sw"), "swahili");
        assert_eq!(language_name(Locale::es, "en"), "inglés");
        assert_eq!(language_name(Locale::pt, "ar"), "árabe");
        assert_eq!(language_name(Locale::ar, "fr"), "الفرنسية");
        assert_eq!(language_name(Locale::fr, "xx"), "xx");
        assert_eq!(capitalised("français"), "Français");
        assert_eq!(capitalised(""), "");
        for (code, _) in crate::domain::languages::LANGUAGES {
            for locale in Locale::get_all() {
                assert_ne!(language_name(*locale, code), code, "{code} in {locale:?}");
            }
        }
    }

    #[test]
    fn what_is_not_a_country_code_stays_as_it_is() {
        assert_eq!(country_name(Locale::fr, "ZZZ"), "ZZZ");
        assert_eq!(country_name(Locale::fr, ""), "");
    }

    #[test]
    fn names_sort_without_their_accents() {
        let mut names = vec!["Zimbabwe", "Égypte", "Équateur", "Espagne"];
        names.sort_by_cached_key(|n| sort_key(n));
        assert_eq!(names, ["Égypte", "Équateur", "Espagne", "Zimbabwe"]);
    }
}
