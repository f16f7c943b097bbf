//! What the database says now, for assertions: an engagement's or a need's
//! status, a volunteer's capacity, how many audit entries or notifications of a
//! kind there are, today on the test clock.

use crate::TestApp;
use entity::{audit_log, engagement, need, notification, volunteer};
use sea_orm::{ColumnTrait as _, EntityTrait as _, PaginatorTrait as _, QueryFilter as _};

/// An engagement's status.
///
/// # Panics
/// When there is no such engagement.
pub async fn status(app: &TestApp, id: i64) -> engagement::Status {
    engagement::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("no engagement {id}"))
        .status
}

/// A need's status.
///
/// # Panics
/// When there is no such need.
pub async fn need_status(app: &TestApp, id: i64) -> need::Status {
    need::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("no need {id}"))
        .status
}

/// (engagements held, weekly hours committed) of a volunteer.
///
/// # Panics
/// When there is no such volunteer.
pub async fn capacity(app: &TestApp, volunteer: i64) -> (i16, i16) {
    let v = volunteer::Entity::find_by_id(volunteer)
        .one(&app.db)
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("no volunteer {volunteer}"));
    (v.active_engagements, v.committed_hours)
}

/// Audit entries with this action.
///
/// # Panics
/// On database errors.
pub async fn audited(app: &TestApp, action: &str) -> u64 {
    audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq(action))
        .count(&app.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Notifications of `kind` for `account`.
///
/// # Panics
/// On database errors.
pub async fn notified(app: &TestApp, account: i64, kind: &str) -> u64 {
    notification::Entity::find()
        .filter(notification::Column::AccountId.eq(account))
        .filter(notification::Column::Kind.eq(kind))
        .count(&app.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Today on the test clock, as forms write dates.
#[must_use]
pub fn today(app: &TestApp) -> String {
    use app::clock::Clock as _;
    let d = app.clock.now().date();
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}
