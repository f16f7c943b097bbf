//! A need's dates as the forms and pages write them.

/// A form's `(year, month, day)` as a date, if it is one.
pub(super) fn to_date((y, m, d): (i32, u8, u8)) -> Option<time::Date> {
    time::Month::try_from(m)
        .ok()
        .and_then(|m| time::Date::from_calendar_date(y, m, d).ok())
}

/// A date as `YYYY-MM-DD`, or nothing.
pub(super) fn date_text(date: Option<time::Date>) -> String {
    date.map(crate::model::day).unwrap_or_default()
}
