//! Needs that fit a volunteer.

use crate::services::ServiceError;
use crate::session::CurrentUser;
use crate::{
    domain::views::{FitView, FitsView},
    matcher::{NeedProfile, rank_needs},
    services::deps::Deps,
};
use entity::account::Role;

use super::{explain::*, refresh::*};

/// Needs shown to a volunteer.
pub const FITS_SHOWN: usize = 20;

/// The open needs that fit the volunteer best, with their factors.
///
/// # Errors
/// [`ServiceError::Forbidden`] unless a volunteer; database errors.
#[tracing::instrument(skip_all, fields(user = user.id))]
pub async fn fits(state: &Deps, user: &CurrentUser) -> Result<FitsView, ServiceError> {
    if user.role != Role::Volunteer {
        return Err(ServiceError::Forbidden);
    }
    let pool = open_needs(state).await?;
    let me = volunteers(state).await?;
    let Some(position) = me.index.position(user.id) else {
        return Ok(FitsView {
            needs: Vec::new(),
            open_needs: u32::try_from(pool.profiles.len()).unwrap_or(u32::MAX),
            free_hours: 0,
            free_slots: 0,
            approved: false,
        });
    };
    let profile = &me.index.volunteers()[position];
    // Needs they are already proposed for or working on are not offered again.
    let candidates: Vec<NeedProfile> = pool
        .profiles
        .iter()
        .filter(|n| !pool.engaged.get(&n.id).is_some_and(|e| e.contains(&user.id)))
        .cloned()
        .collect();
    let ranked = rank_needs(&state.config.matcher, profile, &candidates, FITS_SHOWN)
        .map_err(|e| ServiceError::Internal(format!("matcher configuration refused: {e}")))?;
    Ok(FitsView {
        needs: ranked
            .iter()
            .filter_map(|c| {
                Some(FitView {
                    need: pool.summaries.get(&c.need_id)?.clone(),
                    fit: c.fit,
                    factors: factor_views(c),
                    weekly_hours: pool.profile(c.need_id).map_or(0, |n| n.weekly_hours),
                })
            })
            .collect(),
        open_needs: u32::try_from(pool.profiles.len()).unwrap_or(u32::MAX),
        free_hours: profile.free_hours(),
        free_slots: profile.free_slots(),
        approved: true,
    })
}
