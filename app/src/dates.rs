//! Dates and times in the reader's language.
//!
//! Views carry times as the services write them: `2026-12-02 22:34 UTC` (to
//! the minute or the second) or a day, `2026-12-02`. The pages show them
//! through [`When`], which writes them as CLDR does for the page's language
//! (through ICU4X's compiled data) — « 2 déc. 2026, 22:34 UTC », "Dec 2, 2026,
//! 10:34 PM UTC" — inside `<time datetime>` with the exact value for machines.
//! The times stay in UTC (no account has a time zone), and say so.

use crate::i18n::Locale;
use leptos::prelude::*;

/// A time or a day as the services write it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Moment {
    Day {
        year: i32,
        month: u8,
        day: u8,
    },
    Time {
        year: i32,
        month: u8,
        day: u8,
        hour: u8,
        minute: u8,
    },
}

impl Moment {
    /// Reads `YYYY-MM-DD`, `YYYY-MM-DD HH:MM UTC` or `YYYY-MM-DD HH:MM:SS UTC`.
    fn parse(text: &str) -> Option<Self> {
        let (day_part, rest) = match text.split_once(' ') {
            Some((d, r)) => (d, Some(r)),
            None => (text, None),
        };
        let mut ymd = day_part.split('-');
        let year: i32 = ymd.next()?.parse().ok()?;
        let month: u8 = ymd.next()?.parse().ok()?;
        let day: u8 = ymd.next()?.parse().ok()?;
        if ymd.next().is_some() || day_part.len() != 10 {
            return None;
        }
        let Some(rest) = rest else {
            return Some(Self::Day { year, month, day });
        };
        let clock = rest.strip_suffix(" UTC")?;
        let mut hm = clock.split(':');
        let hour: u8 = hm.next()?.parse().ok()?;
        let minute: u8 = hm.next()?.parse().ok()?;
        if let Some(second) = hm.next() {
            second.parse::<u8>().ok()?;
        }
        Some(Self::Time {
            year,
            month,
            day,
            hour,
            minute,
        })
    }

    /// The value of `<time datetime>`.
    fn machine(self) -> String {
        match self {
            Self::Day { year, month, day } => format!("{year:04}-{month:02}-{day:02}"),
            Self::Time {
                year,
                month,
                day,
                hour,
                minute,
            } => {
                format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}Z")
            }
        }
    }
}

/// `text` (a time or a day as the services write it) as `locale` writes it;
/// `text` itself when it is neither.
#[must_use]
pub fn localised(locale: Locale, text: &str) -> String {
    Moment::parse(text)
        .and_then(|m| format(locale, m))
        .unwrap_or_else(|| text.to_owned())
}

/// A time or a day, in the page's language, as `<time datetime>` (any other
/// text as it is). In an island (a message that arrived while the page was
/// open) there is no language context and no date data: the time is written
/// as the service wrote it.
#[component]
pub fn When(#[prop(into)] at: String) -> impl IntoView {
    let locale = crate::numbers::page_locale();
    match Moment::parse(&at) {
        Some(moment) => {
            let shown = format(locale, moment).unwrap_or_else(|| at.clone());
            view! { <time datetime=moment.machine()>{shown}</time> }.into_any()
        }
        None => at.into_any(),
    }
}

#[cfg(feature = "ssr")]
fn format(locale: Locale, moment: Moment) -> Option<String> {
    use icu_calendar::{Date, Gregorian};
    use icu_datetime::{
        FixedCalendarDateTimeFormatter,
        fieldsets::{YMD, YMDT},
        input::{DateTime, Time},
        options::TimePrecision,
    };
    use leptos_i18n::Locale as _;
    use std::{str::FromStr as _, sync::LazyLock};
    type Formatters = (
        Option<FixedCalendarDateTimeFormatter<Gregorian, YMD>>,
        Option<FixedCalendarDateTimeFormatter<Gregorian, YMDT>>,
    );
    static FORMATTERS: LazyLock<Vec<(Locale, Formatters)>> = LazyLock::new(|| {
        Locale::get_all()
            .iter()
            .map(|&locale| {
                let icu = icu_locale_core::Locale::from_str(locale.as_str()).ok();
                let days = icu
                    .as_ref()
                    .and_then(|l| FixedCalendarDateTimeFormatter::try_new(l.into(), YMD::medium()).ok());
                let times = icu.as_ref().and_then(|l| {
                    FixedCalendarDateTimeFormatter::try_new(
                        l.into(),
                        YMDT::medium().with_time_precision(TimePrecision::Minute),
                    )
                    .ok()
                });
                (locale, (days, times))
            })
            .collect()
    });
    let (days, times) = &FORMATTERS.iter().find(|(l, _)| *l == locale)?.1;
    match moment {
        Moment::Day { year, month, day } => {
            let date = Date::try_new_gregorian(year, month, day).ok()?;
            Some(days.as_ref()?.format(&date).to_string())
        }
        Moment::Time {
            year,
            month,
            day,
            hour,
            minute,
        } => {
            let date = Date::try_new_gregorian(year, month, day).ok()?;
            let time = Time::try_new(hour, minute, 0, 0).ok()?;
            let shown = times.as_ref()?.format(&DateTime { date, time }).to_string();
            Some(format!("{shown} UTC"))
        }
    }
}

/// Pages render on the server; the browser build never writes a date.
#[cfg(not(feature = "ssr"))]
fn format(_: Locale, _: Moment) -> Option<String> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_services_formats_are_read_and_nothing_else() {
        assert_eq!(
            Moment::parse("2026-12-02 22:34 UTC"),
            Some(Moment::Time {
                year: 2026,
                month: 12,
                day: 2,
                hour: 22,
                minute: 34
            })
        );
        assert_eq!(
            Moment::parse("2026-12-02 22:34:56 UTC"),
            Some(Moment::Time {
                year: 2026,
                month: 12,
                day: 2,
                hour: 22,
                minute: 34
            })
        );
        assert_eq!(
            Moment::parse("2026-12-02"),
            Some(Moment::Day {
                year: 2026,
                month: 12,
                day: 2
            })
        );
        for other in [
            "",
            "—",
            "2026-12-2",
            "2026-12-02 22:34",
            "2026-12-02T22:34Z",
            "never",
            "2026-12-02-01",
        ] {
            assert_eq!(Moment::parse(other), None, "{other:?}");
        }
        assert_eq!(
            Moment::parse("2026-12-02 09:05 UTC")
                .map(Moment::machine)
                .as_deref(),
            Some("2026-12-02T09:05Z")
        );
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn each_language_writes_its_own_dates() {
        let at = "2026-12-02 22:34 UTC";
        assert_eq!(localised(Locale::en, at), "Dec 2, 2026, 10:34\u{202f}PM UTC");
        assert_eq!(localised(Locale::fr, at), "2 déc. 2026, 22:34 UTC");
        assert_eq!(localised(Locale::es, "2026-12-02"), "2 dic 2026");
        assert_eq!(localised(Locale::pt, "2026-12-02"), "2 de dez. de 2026");
        assert!(localised(Locale::ar, at).ends_with(" UTC"));
        assert_ne!(localised(Locale::ar, at), localised(Locale::en, at));
        assert_eq!(localised(Locale::fr, "—"), "—", "anything else is left as it is");
        assert_eq!(localised(Locale::fr, "2026-02-30"), "2026-02-30", "no such day");
    }
}
