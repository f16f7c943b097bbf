//! Rows inserted straight into the database, for tests that need data but are
//! not about how it got there.

use entity::{account, need, need_category, organisation, vetting::VettingStatus, volunteer};
use sea_orm::{ActiveModelTrait as _, ActiveValue::Set, DatabaseConnection, EntityTrait as _};
use time::OffsetDateTime;

fn now() -> OffsetDateTime {
    app::clock::to_micros(OffsetDateTime::now_utc())
}

/// An account with an unusable password.
///
/// # Panics
/// On database errors.
pub async fn account(db: &DatabaseConnection, email: &str, role: account::Role) -> i64 {
    account::ActiveModel {
        email: Set(email.to_owned()),
        display_name: Set(email.split('@').next().unwrap_or("someone").to_owned()),
        role: Set(role),
        status: Set(account::Status::Active),
        password_hash: Set(
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$invalidinvalidinvalidinvalidinvalidinvalidxx"
                .into(),
        ),
        password_changed_at: Set(now()),
        failed_sign_ins: Set(0),
        created_at: Set(now()),
        updated_at: Set(now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap_or_else(|e| panic!("{e}"))
    .id
}

/// An organisation in `country` with the given status.
///
/// # Panics
/// On database errors.
pub async fn organisation(db: &DatabaseConnection, name: &str, country: &str, status: VettingStatus) -> i64 {
    organisation::ActiveModel {
        name: Set(name.to_owned()),
        kind: Set(organisation::Kind::Hospital),
        country_iso2: Set(country.to_owned()),
        city: Set("Capital".into()),
        size: Set(organisation::Size::From250),
        languages: Set("en,fr".into()),
        website: Set(String::new()),
        contact_name: Set("IT lead".into()),
        contact_email: Set("it@example.org".into()),
        contact_phone: Set(String::new()),
        status: Set(status),
        vetting_note: Set(String::new()),
        created_at: Set(now()),
        updated_at: Set(now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap_or_else(|e| panic!("{e}"))
    .id
}

/// A volunteer account and profile with the given status.
///
/// # Panics
/// On database errors.
pub async fn volunteer(db: &DatabaseConnection, email: &str, status: VettingStatus) -> i64 {
    let id = account(db, email, account::Role::Volunteer).await;
    volunteer::ActiveModel {
        account_id: Set(id),
        ecsf_role_id: Set(None),
        country_iso2: Set("FR".into()),
        utc_offset_minutes: Set(60),
        hours_per_week: Set(4),
        max_concurrent: Set(1),
        onsite_scope: Set("remote_only".into()),
        languages: Set("en,fr".into()),
        certifications: Set(String::new()),
        employer: Set(String::new()),
        bio: Set(String::new()),
        status: Set(status),
        vetting_note: Set(String::new()),
        coc_version: Set(1),
        created_at: Set(now()),
        updated_at: Set(now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    id
}

/// A need of `organisation` with the given status (created by `author`).
///
/// # Panics
/// On database errors.
pub async fn need(db: &DatabaseConnection, organisation: i64, author: i64, status: need::Status) -> i64 {
    let category = need_category::Entity::find()
        .one(db)
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("no need categories"));
    need::ActiveModel {
        organisation_id: Set(organisation),
        title: Set("DMARC for our domain".into()),
        category_id: Set(category.id),
        urgency: Set(need::Urgency::Normal),
        effort_hours: Set(8),
        languages: Set("en".into()),
        onsite: Set(false),
        public_summary: Set("Set up SPF, DKIM and DMARC.".into()),
        confidential_details: Set("Domain: hospital.example".into()),
        status: Set(status),
        authorisation_name: Set(String::new()),
        authorisation_role: Set(String::new()),
        authorisation_scope: Set(String::new()),
        triage_note: Set(String::new()),
        created_by: Set(author),
        created_at: Set(now()),
        updated_at: Set(now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap_or_else(|e| panic!("{e}"))
    .id
}
