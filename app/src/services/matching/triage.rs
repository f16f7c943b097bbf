//! The triage board: open needs by priority.

use crate::domain::views::TRIAGE_PAGE;
use crate::services::ServiceError;
use crate::{
    domain::views::{NeedSummary, TriageBoard, TriageRow},
    matcher::NeedProfile,
    services::deps::Deps,
};
use sea_orm::EntityTrait as _;
use std::collections::HashMap;

use super::refresh::*;

/// Filters of the triage board.
#[derive(Debug, Clone, Default)]
pub struct TriageFilter {
    /// UN M49 region name.
    pub region: Option<String>,
    /// Income group code.
    pub income: Option<String>,
    /// Category id.
    pub category: Option<i64>,
    /// Urgency code.
    pub urgency: Option<crate::domain::codes::Urgency>,
    /// Zero-based page.
    pub page: u64,
}

/// Open needs by priority: urgency tier, then emerging-economy priority, then
/// the longest waiting.
///
/// # Errors
/// Database errors.
#[tracing::instrument(skip_all)]
pub async fn triage(state: &Deps, filter: &TriageFilter) -> Result<TriageBoard, ServiceError> {
    let pool = open_needs(state).await?;
    let now = state.clock.now();
    let category_names: HashMap<i64, String> = if filter.category.is_some() {
        entity::need_category::Entity::find()
            .all(&state.db)
            .await?
            .into_iter()
            .map(|c| (c.id, c.name))
            .collect()
    } else {
        HashMap::new()
    };
    let wanted_category = filter.category.and_then(|c| category_names.get(&c));
    // In the pool's triage order already: filter, count, and keep one page.
    let rows: Vec<(&NeedProfile, &NeedSummary, &(String, String))> = pool
        .triage_order
        .iter()
        .map(|&i| &pool.profiles[i])
        .filter_map(|p| Some((p, pool.summaries.get(&p.id)?, pool.places.get(&p.id)?)))
        .filter(|(_, s, (region, income))| {
            filter.region.as_ref().is_none_or(|r| r == region)
                && filter.income.as_ref().is_none_or(|i| i == income)
                && filter.urgency.is_none_or(|u| u == s.urgency)
                && wanted_category.is_none_or(|c| *c == s.category)
        })
        .collect();
    let total = rows.len() as u64;
    let regions = pool.regions.clone();
    let page = crate::infra::db::existing_page(filter.page, total, TRIAGE_PAGE);
    let start = usize::try_from(page.saturating_mul(TRIAGE_PAGE)).unwrap_or(usize::MAX);
    let rows = rows
        .into_iter()
        .skip(start)
        .take(usize::try_from(TRIAGE_PAGE).unwrap_or(50))
        .map(|(p, s, (region, income))| TriageRow {
            need: s.clone(),
            priority: p.emerging_priority,
            region: region.clone(),
            income_group: income.clone(),
            waiting_days: pool.opened.get(&p.id).map_or(0, |o| (now - *o).whole_days()),
            live_engagements: u32::try_from(pool.engaged.get(&p.id).map_or(0, Vec::len)).unwrap_or(0),
        })
        .collect();
    Ok(TriageBoard {
        rows,
        total,
        page,
        regions,
    })
}
