//! A need's stored codes and their shared counterparts.

use crate::domain::need::NeedStatus;
use entity::{
    need::{Status, Urgency},
    need_skill,
};

/// The shared status of a stored status.
#[must_use]
pub fn to_domain(status: Status) -> NeedStatus {
    match status {
        Status::Draft => NeedStatus::Draft,
        Status::Submitted => NeedStatus::Submitted,
        Status::Open => NeedStatus::Open,
        Status::Matched => NeedStatus::Matched,
        Status::InProgress => NeedStatus::InProgress,
        Status::Resolved => NeedStatus::Resolved,
        Status::Closed => NeedStatus::Closed,
        Status::Cancelled => NeedStatus::Cancelled,
    }
}

/// The stored status of a shared status.
#[must_use]
pub fn to_stored(status: NeedStatus) -> Status {
    match status {
        NeedStatus::Draft => Status::Draft,
        NeedStatus::Submitted => Status::Submitted,
        NeedStatus::Open => Status::Open,
        NeedStatus::Matched => Status::Matched,
        NeedStatus::InProgress => Status::InProgress,
        NeedStatus::Resolved => Status::Resolved,
        NeedStatus::Closed => Status::Closed,
        NeedStatus::Cancelled => Status::Cancelled,
    }
}

/// The form code of a status.
#[must_use]
pub fn status_code(status: Status) -> &'static str {
    match status {
        Status::Draft => "draft",
        Status::Submitted => "submitted",
        Status::Open => "open",
        Status::Matched => "matched",
        Status::InProgress => "in_progress",
        Status::Resolved => "resolved",
        Status::Closed => "closed",
        Status::Cancelled => "cancelled",
    }
}

/// Parses a status filter.
#[must_use]
pub fn parse_status(raw: &str) -> Option<Status> {
    [
        Status::Draft,
        Status::Submitted,
        Status::Open,
        Status::Matched,
        Status::InProgress,
        Status::Resolved,
        Status::Closed,
        Status::Cancelled,
    ]
    .into_iter()
    .find(|s| status_code(*s) == raw)
}

/// The form code of an urgency.
#[must_use]
pub fn urgency_code(urgency: Urgency) -> &'static str {
    match urgency {
        Urgency::Critical => "critical",
        Urgency::High => "high",
        Urgency::Normal => "normal",
        Urgency::Low => "low",
    }
}

/// Parses an urgency code.
#[must_use]
pub fn parse_urgency(raw: &str) -> Option<Urgency> {
    [Urgency::Critical, Urgency::High, Urgency::Normal, Urgency::Low]
        .into_iter()
        .find(|u| urgency_code(*u) == raw)
}

pub(super) fn weight_of(index: u8) -> need_skill::Weight {
    match index {
        0 => need_skill::Weight::Must,
        1 => need_skill::Weight::Should,
        _ => need_skill::Weight::Nice,
    }
}

pub(super) fn weight_code(weight: need_skill::Weight) -> &'static str {
    match weight {
        need_skill::Weight::Must => "must",
        need_skill::Weight::Should => "should",
        need_skill::Weight::Nice => "nice",
    }
}

pub(super) fn to_date((y, m, d): (i32, u8, u8)) -> Option<time::Date> {
    time::Month::try_from(m)
        .ok()
        .and_then(|m| time::Date::from_calendar_date(y, m, d).ok())
}

pub(super) fn date_text(date: Option<time::Date>) -> String {
    date.map(|d| format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day()))
        .unwrap_or_default()
}
