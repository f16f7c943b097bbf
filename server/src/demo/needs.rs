//! Demo needs: in every category and urgency; open ones belong to approved
//! organisations.

use super::{
    base::{Ctx, Reference, insert_chunks},
    organisations::Organisations,
    texts::need_texts,
};
use entity::{need, need_skill, skill, vetting::VettingStatus};
use sea_orm::{ActiveValue::Set, DatabaseTransaction};
use time::{Duration, OffsetDateTime};

/// A need as the engagement generator needs it.
pub(super) struct DemoNeed {
    pub(super) id: i64,
    pub(super) organisation: usize,
    pub(super) status: need::Status,
    pub(super) effort: i32,
    pub(super) created: OffsetDateTime,
}

/// Inserts `count` needs with two to four skills each.
///
/// # Errors
/// Database errors.
pub(super) async fn needs(
    ctx: &mut Ctx,
    txn: &DatabaseTransaction,
    count: usize,
    reference: &Reference,
    orgs: &Organisations,
) -> anyhow::Result<Vec<DemoNeed>> {
    // Needs: in every category and urgency; open ones belong to approved organisations.
    let mut need_rows = Vec::new();
    let mut need_skill_rows = Vec::new();
    let mut demo_needs = Vec::new();
    for n in 0..count {
        let org = ctx.rng.below(orgs.places.len().max(1));
        let (org_status, lang) = orgs.places[org];
        let category = &reference.categories[n % reference.categories.len()];
        let (titles, summary, confidential) = need_texts(&category.code);
        let urgency = match ctx.rng.below(100) {
            0..=9 => need::Urgency::Critical,
            10..=29 => need::Urgency::High,
            30..=79 => need::Urgency::Normal,
            _ => need::Urgency::Low,
        };
        let status = if org_status == VettingStatus::Approved {
            match ctx.rng.below(100) {
                0..=59 => need::Status::Open,
                60..=63 => need::Status::Matched,
                64..=69 => need::Status::InProgress,
                70..=77 => need::Status::Submitted,
                78..=85 => need::Status::Draft,
                86..=93 => need::Status::Resolved,
                _ => need::Status::Cancelled,
            }
        } else {
            need::Status::Draft
        };
        let created = ctx.now - Duration::days(i64::try_from(ctx.rng.below(120)).unwrap_or(0) + 1);
        let authorised = category.requires_authorisation;
        let id = i64::try_from(n).unwrap_or(0) + 1;
        let effort = i32::try_from(4 + ctx.rng.below(60)).unwrap_or(8);
        demo_needs.push(DemoNeed {
            id,
            organisation: org,
            status,
            effort,
            created,
        });
        need_rows.push(need::ActiveModel {
            id: Set(id),
            organisation_id: Set(i64::try_from(org).unwrap_or(0) + 1),
            title: Set(ctx.rng.pick(titles).to_string()),
            category_id: Set(category.id),
            urgency: Set(urgency),
            effort_hours: Set(effort),
            deadline: Set(None),
            languages: Set(if lang == "en" || ctx.rng.chance(40) {
                "en".to_owned()
            } else {
                format!("{lang},en")
            }),
            onsite: Set(ctx.rng.chance(15)),
            public_summary: Set(summary.to_owned()),
            confidential_details: Set(confidential.to_owned()),
            status: Set(status),
            authorisation_name: Set(if authorised {
                "Dr. A. Director".into()
            } else {
                String::new()
            }),
            authorisation_role: Set(if authorised {
                "Hospital director".into()
            } else {
                String::new()
            }),
            authorisation_scope: Set(if authorised {
                "Public IP range and patient portal; no denial of service.".into()
            } else {
                String::new()
            }),
            authorisation_date: Set(authorised.then(|| created.date())),
            triage_note: Set(String::new()),
            created_by: Set(*orgs.first_member.get(&org).unwrap_or(&1)),
            created_at: Set(created),
            updated_at: Set(created),
            submitted_at: Set((status != need::Status::Draft).then_some(created)),
            opened_at: Set(matches!(
                status,
                need::Status::Open
                    | need::Status::Matched
                    | need::Status::InProgress
                    | need::Status::Resolved
            )
            .then_some(created + Duration::hours(6))),
            // Resolved three weeks after the engagement began (see
            // `engagements`), cancelled after a few days; never in the future.
            closed_at: Set(match status {
                need::Status::Resolved => Some((created + Duration::days(23)).min(ctx.now)),
                need::Status::Cancelled => Some((created + Duration::days(4)).min(ctx.now)),
                _ => None,
            }),
        });
        // Two to four skills: mostly from the category, sometimes another.
        let own: Vec<&skill::Model> = reference
            .skills
            .iter()
            .filter(|s| s.category_id == category.id)
            .collect();
        let mut chosen: Vec<i64> = Vec::new();
        for k in 0..2 + ctx.rng.below(3) {
            let s = if k > 0 && ctx.rng.chance(25) || own.is_empty() {
                ctx.rng.pick(&reference.skills).id
            } else {
                ctx.rng.pick(&own).id
            };
            if !chosen.contains(&s) {
                chosen.push(s);
                need_skill_rows.push(need_skill::ActiveModel {
                    need_id: Set(id),
                    skill_id: Set(s),
                    min_level: Set(i16::try_from(1 + ctx.rng.below(3)).unwrap_or(2)),
                    weight: Set(match (k, ctx.rng.below(3)) {
                        (0, _) | (_, 0) => need_skill::Weight::Must,
                        (_, 1) => need_skill::Weight::Should,
                        _ => need_skill::Weight::Nice,
                    }),
                });
            }
        }
    }
    insert_chunks(txn, need_rows, 500).await?;
    insert_chunks(txn, need_skill_rows, 2000).await?;
    Ok(demo_needs)
}
