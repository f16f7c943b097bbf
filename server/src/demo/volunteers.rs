//! Demo volunteers with believable skill mixes (common skills common, rare
//! skills rare), in batches of their own transactions.

use super::{
    base::{Ctx, Reference, insert_chunks},
    texts::{EMPLOYERS, FIRST_NAMES, LAST_NAMES, VOLUNTEER_COUNTRIES, utc_offset},
};
use entity::{account, vetting::VettingStatus, volunteer, volunteer_skill};
use sea_orm::{ActiveValue::Set, DatabaseConnection, TransactionTrait as _};
use time::Duration;

/// `volunteer1` and `volunteer2`, whom the README names: approved, with every skill.
const SHOWCASE_VOLUNTEERS: usize = 2;

/// An approved volunteer's capacity left.
pub(super) struct Capacity {
    pub(super) id: i64,
    pub(super) slots: i16,
    pub(super) hours: i16,
}

/// Inserts `count` volunteers; returns the approved ones' capacity.
///
/// # Errors
/// Database errors.
pub(super) async fn volunteers(
    ctx: &mut Ctx,
    db: &DatabaseConnection,
    count: usize,
    reference: &Reference,
) -> anyhow::Result<Vec<Capacity>> {
    // Volunteers, in batches of their own transactions.
    let total_weight: u64 = VOLUNTEER_COUNTRIES.iter().map(|c| c.2).sum();
    let batch = 10_000;
    let mut v = 0;
    let mut approved = Vec::new();
    while v < count {
        let end = (v + batch).min(count);
        let txn = db.begin().await?;
        let mut accounts = Vec::new();
        let mut profiles = Vec::new();
        let mut vskills = Vec::new();
        for i in v..end {
            let mut roll = ctx.rng.next() % total_weight;
            let (country, lang, _) = *VOLUNTEER_COUNTRIES
                .iter()
                .find(|c| {
                    if roll < c.2 {
                        true
                    } else {
                        roll -= c.2;
                        false
                    }
                })
                .unwrap_or(&VOLUNTEER_COUNTRIES[0]);
            let first = *ctx.rng.pick(&FIRST_NAMES);
            let last = *ctx.rng.pick(&LAST_NAMES);
            let id = ctx.take_id();
            accounts.push(ctx.account(
                id,
                format!("volunteer{}@demo.frontline.example", i + 1),
                format!("{first} {last}"),
                account::Role::Volunteer,
            ));
            let mut languages = vec![lang.to_owned()];
            if lang != "en" && ctx.rng.chance(80) {
                languages.push("en".into());
            }
            if ctx.rng.chance(20) {
                let extra = *ctx.rng.pick(&["fr", "es", "pt", "ar", "sw"]);
                if !languages.iter().any(|l| l == extra) {
                    languages.push(extra.into());
                }
            }
            let status = match ctx.rng.below(100) {
                0..=84 => VettingStatus::Approved,
                85..=95 => VettingStatus::Pending,
                96..=97 => VettingStatus::Rejected,
                _ => VettingStatus::Suspended,
            };
            // The accounts the README names are approved, speak English and
            // French, and hold every skill (added below), so a newcomer signed in
            // as one of them sees open needs and needs that fit. The draws above
            // still happen: the rest of the data set stays as the seed makes it.
            let showcase = i < SHOWCASE_VOLUNTEERS;
            let status = if showcase { VettingStatus::Approved } else { status };
            if showcase {
                for lang in ["en", "fr"] {
                    if !languages.iter().any(|l| l == lang) {
                        languages.push(lang.into());
                    }
                }
            }
            let created = ctx.now - Duration::days(i64::try_from(ctx.rng.below(500)).unwrap_or(0) + 1);
            let region_known = reference.countries.contains_key(country);
            let hours_per_week = i16::try_from(2 + ctx.rng.skewed(12, 1.8)).unwrap_or(4);
            let max_concurrent = i16::try_from(1 + ctx.rng.skewed(3, 2.0)).unwrap_or(1);
            if status == VettingStatus::Approved {
                approved.push(Capacity {
                    id,
                    slots: max_concurrent,
                    hours: hours_per_week,
                });
            }
            profiles.push(volunteer::ActiveModel {
                account_id: Set(id),
                ecsf_role_id: Set(reference
                    .roles
                    .get(ctx.rng.below(reference.roles.len() + 3))
                    .map(|r| r.id)),
                country_iso2: Set(if region_known {
                    country.to_owned()
                } else {
                    "FR".to_owned()
                }),
                utc_offset_minutes: Set(utc_offset(country)),
                hours_per_week: Set(hours_per_week),
                max_concurrent: Set(max_concurrent),
                onsite_scope: Set((*ctx.rng.pick(&[
                    "remote_only",
                    "remote_only",
                    "own_country",
                    "sub_region",
                    "region",
                ]))
                .to_owned()),
                languages: Set(languages.join(",")),
                certifications: Set((*ctx.rng.pick(&[
                    "",
                    "",
                    "CISSP",
                    "OSCP",
                    "CISM",
                    "GCIH",
                    "ISO 27001 Lead Auditor",
                    "CEH",
                ]))
                .to_owned()),
                employer: Set((*ctx.rng.pick(&EMPLOYERS)).to_owned()),
                bio: Set(String::new()),
                status: Set(status),
                vetting_note: Set(String::new()),
                coc_version: Set(app::domain::volunteer::CODE_OF_CONDUCT_VERSION),
                coc_accepted_at: Set(Some(created)),
                active_engagements: Set(0),
                committed_hours: Set(0),
                created_at: Set(created),
                updated_at: Set(created),
                approved_at: Set((status == VettingStatus::Approved).then_some(created + Duration::days(1))),
            });
            // 4–10 skills, common ones common (skewed towards the start of the list).
            let mut held: Vec<i64> = Vec::new();
            for _ in 0..4 + ctx.rng.below(7) {
                let s = reference.skills[ctx.rng.skewed(reference.skills.len(), 2.2)].id;
                if !held.contains(&s) {
                    held.push(s);
                    vskills.push(volunteer_skill::ActiveModel {
                        account_id: Set(id),
                        skill_id: Set(s),
                        level: Set(i16::try_from(1 + ctx.rng.skewed(4, 1.3)).unwrap_or(2)),
                    });
                }
            }
            if showcase {
                for s in &reference.skills {
                    if !held.contains(&s.id) {
                        vskills.push(volunteer_skill::ActiveModel {
                            account_id: Set(id),
                            skill_id: Set(s.id),
                            level: Set(3),
                        });
                    }
                }
            }
        }
        insert_chunks(&txn, accounts, 1000).await?;
        insert_chunks(&txn, profiles, 1000).await?;
        insert_chunks(&txn, vskills, 5000).await?;
        txn.commit().await?;
        v = end;
    }
    Ok(approved)
}
