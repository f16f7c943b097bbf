//! Numbers in the reader's language: digits, decimal separator and grouping as
//! CLDR writes them (through ICU4X's compiled data, the formatter leptos_i18n
//! uses for `{{ count, number }}` in the translations) — "1,234.5" in English,
//! « 1 234,5 » in French; Arabic is written with Western digits, as CLDR
//! writes it for `ar`.
//!
//! Attributes meant for machines (`data-minutes`, `value`, `<meter>`) keep the
//! plain number; only the text people read goes through here.

use crate::i18n::{Locale, td_string};
use leptos_i18n::Locale as _;
use leptos_i18n::reexports::{
    fixed_decimal::{Decimal, FloatPrecision, SignedRoundingMode, UnsignedRoundingMode},
    icu::decimal::DecimalFormatter,
};
use std::sync::LazyLock;

/// The page's language where there is one; the default language elsewhere
/// (an island in the browser, which has no language context).
#[must_use]
pub fn page_locale() -> Locale {
    leptos::prelude::use_context::<leptos_i18n::I18nContext<Locale>>()
        .map_or_else(Locale::default, |i18n| i18n.get_locale_untracked())
}

/// One formatter per locale, made once.
static FORMATTERS: LazyLock<Vec<(Locale, Option<DecimalFormatter>)>> = LazyLock::new(|| {
    Locale::get_all()
        .iter()
        .map(|&locale| {
            let icu = locale.as_icu_locale();
            let formatter = DecimalFormatter::try_new(icu.into(), Default::default()).ok();
            (locale, formatter)
        })
        .collect()
});

fn format(locale: Locale, value: &Decimal) -> String {
    FORMATTERS
        .iter()
        .find(|(l, _)| *l == locale)
        .and_then(|(_, f)| f.as_ref())
        .map_or_else(|| value.to_string(), |f| f.format(value).to_string())
}

/// A whole number.
#[must_use]
pub fn whole(locale: Locale, n: i64) -> String {
    format(locale, &Decimal::from(n))
}

/// A number with exactly `digits` decimals (rounded half away from zero);
/// nothing for a value that is not finite.
#[must_use]
pub fn fixed(locale: Locale, value: f64, digits: u8) -> String {
    let Ok(decimal) = Decimal::try_from_f64(value, FloatPrecision::RoundTrip) else {
        return String::new();
    };
    let position = -i16::from(digits);
    let mut decimal = decimal.rounded_with_mode(
        position,
        SignedRoundingMode::Unsigned(UnsignedRoundingMode::HalfExpand),
    );
    decimal.absolute.pad_end(position);
    format(locale, &decimal)
}

/// A share (0 to 1) as a whole percentage, as the language writes one
/// ("83%", « 83 % »).
#[must_use]
pub fn percent(locale: Locale, share: f64) -> String {
    // Clamped to 0..=100 first, so the cast is exact.
    let n = (share * 100.0).clamp(0.0, 100.0).round() as i64;
    td_string!(locale, durations.percent, value = whole(locale, n)).to_string()
}

/// Minutes as hours with one decimal: "1.5 h", « 1,5 h », "1.5 ساعة".
#[must_use]
pub fn hours(locale: Locale, minutes: i64) -> String {
    let tenths = (minutes * 10 + 30).div_euclid(60);
    let mut decimal = Decimal::from(tenths);
    decimal.multiply_pow10(-1);
    decimal.absolute.pad_end(-1);
    td_string!(locale, durations.hours_decimal, hours = format(locale, &decimal)).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_language_writes_its_numbers() {
        assert_eq!(whole(Locale::en, 12345), "12,345");
        assert_eq!(whole(Locale::fr, 12345), "12\u{202f}345");
        assert_eq!(whole(Locale::es, 12345), "12.345");
        assert_eq!(whole(Locale::pt, 12345), "12.345");
        assert_eq!(whole(Locale::ar, 12345), "12,345");
        assert_eq!(fixed(Locale::en, 2.25, 1), "2.3");
        assert_eq!(fixed(Locale::fr, 2.0, 2), "2,00");
        assert_eq!(fixed(Locale::ar, 0.5, 1), "0.5");
        assert_eq!(fixed(Locale::en, f64::NAN, 1), "");
    }

    #[test]
    fn hours_keep_one_decimal() {
        assert_eq!(hours(Locale::en, 0), "0.0 h");
        assert_eq!(hours(Locale::en, 90), "1.5 h");
        assert_eq!(hours(Locale::en, 100), "1.7 h");
        assert_eq!(hours(Locale::en, 600), "10.0 h");
        assert_eq!(hours(Locale::fr, 90), "1,5 h");
        assert_eq!(hours(Locale::en, 60_000), "1,000.0 h");
        assert_eq!(hours(Locale::ar, 90), "1.5 ساعة");
    }

    #[test]
    fn shares_are_whole_percentages() {
        assert_eq!(percent(Locale::en, 0.826), "83%");
        assert_eq!(percent(Locale::en, 1.2), "100%");
        assert_eq!(percent(Locale::en, -0.1), "0%");
        assert_eq!(percent(Locale::fr, 0.5), "50\u{a0}%");
        assert_eq!(percent(Locale::ar, 0.5), "50%");
    }
}
