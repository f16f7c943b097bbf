//! The volunteers' list of open needs, answered from the need pool: it holds
//! exactly the open needs of approved organisations, with their summaries,
//! and follows every change through the audit log, so a page costs no count
//! over every open need.

use crate::services::needs::{self, Filter, PAGE_SIZE, approved_volunteer};
use crate::session::CurrentUser;
use crate::{
    domain::{
        languages,
        views::{NeedSummary, Page},
    },
    services::{ServiceError, deps::Deps},
};

use super::{pools::*, refresh::open_needs};

/// Open needs of approved organisations (approved volunteers), from the
/// need pool. A search by words reads the database (the pool keeps no
/// summary text).
///
/// # Errors
/// [`ServiceError::Forbidden`] unless an approved volunteer; database errors.
#[tracing::instrument(skip_all, fields(user = user.id))]
pub async fn list_open(
    state: &Deps,
    user: &CurrentUser,
    filter: &Filter,
) -> Result<Page<NeedSummary>, ServiceError> {
    if !approved_volunteer(&state.db, user).await? {
        return Err(ServiceError::Forbidden);
    }
    if crate::infra::db::contains_pattern(filter.search.as_deref()).is_some() {
        return needs::list_open_in_database(state, filter).await;
    }
    let pool = open_needs(state).await?;
    Ok(open_page(&pool, filter))
}

/// A page of the open needs in `pool` passing `filter` (all of it but the
/// search words), in the list's order: last changed first. One pass over
/// the pool's order, looking up languages and places only when asked for.
fn open_page(pool: &NeedPool, filter: &Filter) -> Page<NeedSummary> {
    let language = filter.language.as_deref().filter(|l| languages::is_known(l));
    let placed = filter.region.is_some() || filter.income_group.is_some();
    // A region or income group matches only a need whose organisation's
    // country is known (as the database's join does).
    let place_matches = |id: &i64| {
        let Some((region, income)) = pool.places.get(id) else {
            return false;
        };
        let wanted = |value: &Option<String>, have: &String| {
            value.as_ref().is_none_or(|v| !have.is_empty() && v == have)
        };
        wanted(&filter.region, region) && wanted(&filter.income_group, income)
    };
    let passes = |l: &&Listed| {
        filter.category.is_none_or(|c| l.category_id == c)
            && filter.urgency.is_none_or(|u| l.urgency == u)
            && language.is_none_or(|wanted| {
                pool.summaries
                    .get(&l.id)
                    .is_some_and(|s| s.languages.iter().any(|have| have == wanted))
            })
            && (!placed || place_matches(&l.id))
    };
    // Counted first (the page asked for may be past the end), then one
    // page taken: no list of every match is built.
    let unfiltered = filter.category.is_none() && filter.urgency.is_none() && language.is_none() && !placed;
    let total = if unfiltered {
        pool.recent.len()
    } else {
        pool.recent.iter().filter(passes).count()
    } as u64;
    let page = crate::infra::db::existing_page(filter.page, total, PAGE_SIZE);
    let skip = usize::try_from(crate::infra::db::offset(page, PAGE_SIZE)).unwrap_or(usize::MAX);
    let shown = pool
        .recent
        .iter()
        .filter(passes)
        .skip(skip)
        .take(PAGE_SIZE as usize);
    Page {
        rows: shown.filter_map(|l| pool.summaries.get(&l.id).cloned()).collect(),
        total,
        page,
        page_size: PAGE_SIZE,
    }
}
