//! Public figures for the home page.

use super::ServiceError;
use crate::domain::views::Figures;
use entity::{need, organisation, vetting::VettingStatus, volunteer};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};

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
