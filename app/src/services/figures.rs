//! Public figures for the home page.

use super::{ServiceError, deps::Deps};
use crate::domain::views::Figures;
use entity::{need, organisation, vetting::VettingStatus, volunteer};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use std::time::Duration;

/// How old the home page's figures may be.
const FIGURES_PERIOD: Duration = Duration::from_secs(5);

/// The figures, counted at most once per [`FIGURES_PERIOD`] for the whole
/// instance: three counts over the large tables are most of what the home page
/// costs.
///
/// # Errors
/// Any database error.
pub async fn recent(state: &Deps) -> Result<Figures, ServiceError> {
    state
        .figures
        .get(FIGURES_PERIOD, async || figures(&state.db).await)
        .await
}

/// Counts approved organisations and volunteers and open needs.
///
/// # Errors
/// Any database error.
#[tracing::instrument(skip_all)]
pub async fn figures<C: ConnectionTrait>(db: &C) -> Result<Figures, ServiceError> {
    let organisations = organisation::Entity::find()
        .filter(organisation::Column::Status.eq(VettingStatus::Approved))
        .count(db)
        .await?;
    let volunteers = volunteer::Entity::find()
        .filter(volunteer::Column::Status.eq(VettingStatus::Approved))
        .count(db)
        .await?;
    let open_needs = need::Entity::find()
        .filter(need::Column::Status.eq(need::Status::Open))
        .count(db)
        .await?;
    Ok(Figures {
        organisations,
        volunteers,
        open_needs,
    })
}
