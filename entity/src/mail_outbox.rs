//! One email in the outbox: written with the event that causes it, delivered by
//! the mail worker.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mail_outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// What the mail is about (`domain::codes::MailKind`).
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    /// The `Message-ID` header, the same on every attempt.
    #[sea_orm(unique)]
    pub message_id: String,
    /// `pending`, `sending` (leased by a worker), `sent` or `dead`
    /// (`domain::codes::MailState`).
    pub state: String,
    /// Delivery attempts so far.
    pub attempts: i32,
    /// When a worker may next try it.
    pub next_attempt_at: TimeDateTimeWithTimeZone,
    /// The worker that holds it while sending.
    pub lease_holder: Option<String>,
    /// Until when that worker holds it; afterwards another may take it over.
    pub lease_until: Option<TimeDateTimeWithTimeZone>,
    /// Why the last attempt failed (the mail server's answer, no mail content).
    pub last_error: Option<String>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub sent_at: Option<TimeDateTimeWithTimeZone>,
    /// The signed one-click unsubscribe link (RFC 8058) of non-essential mail.
    pub unsubscribe_url: Option<String>,
    /// The advisory it tells of, if any.
    pub advisory_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
