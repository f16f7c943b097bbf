//! Demo organisations across many countries and every income group, and their
//! members.

use super::{
    base::{Ctx, insert_chunks},
    texts::{FIRST_NAMES, LAST_NAMES, PLACES},
};
use entity::{account, organisation, organisation_member, vetting::VettingStatus};
use sea_orm::{ActiveValue::Set, DatabaseTransaction};
use std::collections::HashMap;
use time::Duration;

/// What the later parts need of the organisations.
pub(super) struct Organisations {
    /// Each organisation's status and main language, by index (id − 1).
    pub(super) places: Vec<(VettingStatus, &'static str)>,
    /// Each organisation's first member (its admin), by index.
    pub(super) first_member: HashMap<usize, i64>,
    /// How many organisations were inserted.
    pub(super) count: usize,
    /// How many members.
    pub(super) members: usize,
}

/// Inserts `count` organisations with one to three members each.
///
/// # Errors
/// Database errors.
pub(super) async fn organisations(
    ctx: &mut Ctx,
    txn: &DatabaseTransaction,
    count: usize,
) -> anyhow::Result<Organisations> {
    // Organisations and their members.
    let mut orgs = Vec::new();
    let mut members = Vec::new();
    let mut org_places = Vec::new();
    let mut member_accounts = Vec::new();
    for i in 0..count {
        let (country, cities, lang) = *ctx.rng.pick(&PLACES);
        let city = *ctx.rng.pick(cities);
        let (kind, name) = match (ctx.rng.below(5), lang) {
            (0, "fr") => (organisation::Kind::Hospital, format!("Hôpital général de {city}")),
            (0, "es") => (
                organisation::Kind::Hospital,
                format!("Hospital General de {city}"),
            ),
            (0, "pt") => (organisation::Kind::Hospital, format!("Hospital Geral de {city}")),
            (0, _) => (organisation::Kind::Hospital, format!("{city} General Hospital")),
            (1, "fr") => (
                organisation::Kind::Clinic,
                format!("Centre de santé {}", ctx.rng.pick(&LAST_NAMES)),
            ),
            (1, "es" | "pt") => (
                organisation::Kind::Clinic,
                format!("Clínica {}", ctx.rng.pick(&LAST_NAMES)),
            ),
            (1, _) => (
                organisation::Kind::Clinic,
                format!("{} Community Clinic", ctx.rng.pick(&LAST_NAMES)),
            ),
            (2, _) => (
                organisation::Kind::Laboratory,
                format!("{city} Medical Laboratory"),
            ),
            (3, _) => (organisation::Kind::HealthNgo, format!("Health for All {city}")),
            _ => (
                organisation::Kind::Hospital,
                format!("{city} Children's Hospital"),
            ),
        };
        let name = format!("{name} #{}", i + 1);
        let status = match ctx.rng.below(100) {
            0..=77 => VettingStatus::Approved,
            78..=93 => VettingStatus::Pending,
            94..=97 => VettingStatus::Rejected,
            _ => VettingStatus::Suspended,
        };
        // The first organisation (member1.1's, whom the README names) is approved.
        let status = if i == 0 { VettingStatus::Approved } else { status };
        let created = ctx.now - Duration::days(i64::try_from(ctx.rng.below(400)).unwrap_or(0) + 5);
        let languages = if lang == "en" {
            "en".to_owned()
        } else {
            format!("{lang},en")
        };
        orgs.push(organisation::ActiveModel {
            id: Set(i64::try_from(i).unwrap_or(0) + 1),
            name: Set(name),
            kind: Set(kind),
            country_iso2: Set(country.to_owned()),
            city: Set(city.to_owned()),
            size: Set(*ctx.rng.pick(&[
                organisation::Size::Under50,
                organisation::Size::From50,
                organisation::Size::From250,
                organisation::Size::From1000,
            ])),
            languages: Set(languages),
            website: Set(format!("https://org{}.demo.frontline.example", i + 1)),
            contact_name: Set(format!(
                "{} {}",
                ctx.rng.pick(&FIRST_NAMES),
                ctx.rng.pick(&LAST_NAMES)
            )),
            contact_email: Set(format!("it@org{}.demo.frontline.example", i + 1)),
            contact_phone: Set(String::new()),
            status: Set(status),
            vetting_note: Set(String::new()),
            priority_override: Set(None),
            priority_override_reason: Set(None),
            created_at: Set(created),
            updated_at: Set(created),
            approved_at: Set((status == VettingStatus::Approved).then_some(created + Duration::days(2))),
        });
        org_places.push((status, lang));
        let count = 1 + ctx.rng.below(3);
        for m in 0..count {
            let first = *ctx.rng.pick(&FIRST_NAMES);
            let last = *ctx.rng.pick(&LAST_NAMES);
            let id = ctx.take_id();
            member_accounts.push(ctx.account(
                id,
                format!("member{}.{}@demo.frontline.example", i + 1, m + 1),
                format!("{first} {last}"),
                account::Role::OrganisationMember,
            ));
            members.push((i, id, m == 0));
        }
    }
    let organisations = orgs.len();
    insert_chunks(txn, orgs, 500).await?;
    insert_chunks(txn, member_accounts, 500).await?;
    let first_member: HashMap<usize, i64> = members
        .iter()
        .filter(|(_, _, admin)| *admin)
        .map(|(org, id, _)| (*org, *id))
        .collect();
    let member_rows: Vec<organisation_member::ActiveModel> = members
        .iter()
        .map(|(org, id, admin)| organisation_member::ActiveModel {
            account_id: Set(*id),
            organisation_id: Set(i64::try_from(*org).unwrap_or(0) + 1),
            is_admin: Set(*admin),
            joined_at: Set(ctx.now),
        })
        .collect();
    let member_count = member_rows.len();
    insert_chunks(txn, member_rows, 1000).await?;
    Ok(Organisations {
        places: org_places,
        first_member,
        count: organisations,
        members: member_count,
    })
}
