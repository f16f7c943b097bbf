//! What the matcher's profiles are placed and checked with, read apart from
//! the profiles themselves: the countries' regions (the same until a
//! migration) and the organisations' names a volunteer's employer is compared
//! with. A leaf: the matching cache keeps both.

use crate::infra::error::ServiceError;
use entity::{country, organisation};
use sea_orm::{ConnectionTrait, EntityTrait as _, QuerySelect as _};
use std::collections::HashMap;

/// Countries with numeric region codes for the matcher.
pub(super) struct Geography {
    pub(super) by_iso: HashMap<String, Place>,
    /// Countries by region name and by local (intermediate or sub-) region name.
    pub(super) members: HashMap<String, Vec<[u8; 2]>>,
}

#[derive(Debug, Clone, Default)]
pub(super) struct Place {
    pub(super) region: String,
    pub(super) local: String,
    pub(super) region_code: u16,
    pub(super) local_code: u16,
    pub(super) income: String,
}

pub(super) fn code(iso: &str) -> [u8; 2] {
    let b = iso.as_bytes();
    [
        b.first().copied().unwrap_or(b'?'),
        b.get(1).copied().unwrap_or(b'?'),
    ]
}

pub(super) async fn geography<C: ConnectionTrait>(db: &C) -> Result<Geography, ServiceError> {
    let countries = country::Entity::find().all(db).await?;
    let mut names: Vec<&str> = countries
        .iter()
        .flat_map(|c| [c.region.as_str(), local_region(c)])
        .filter(|n| !n.is_empty())
        .collect();
    names.sort_unstable();
    names.dedup();
    let number = |name: &str| -> u16 {
        names
            .binary_search(&name)
            .ok()
            .and_then(|i| u16::try_from(i + 1).ok())
            .unwrap_or(0)
    };
    let mut by_iso = HashMap::new();
    let mut members: HashMap<String, Vec<[u8; 2]>> = HashMap::new();
    for c in &countries {
        let local = local_region(c);
        by_iso.insert(
            c.iso2.clone(),
            Place {
                region: c.region.clone(),
                local: local.to_owned(),
                region_code: number(&c.region),
                local_code: number(local),
                income: c.income_group.clone(),
            },
        );
        for name in [format!("r:{}", c.region), format!("l:{local}")] {
            members.entry(name).or_default().push(code(&c.iso2));
        }
    }
    Ok(Geography { by_iso, members })
}

/// The finest UN M49 grouping of a country: intermediate region, else sub-region.
pub(super) fn local_region(c: &country::Model) -> &str {
    if c.intermediate_region.is_empty() {
        &c.sub_region
    } else {
        &c.intermediate_region
    }
}

/// Organisations by name as a volunteer names an employer (trimmed, in
/// lower case): working for one is a conflict of interest with it.
pub(super) type Employers = HashMap<String, i64>;

/// Every organisation, by name, as [`Employers`].
pub(super) async fn employers<C: ConnectionTrait>(db: &C) -> Result<Employers, ServiceError> {
    Ok(organisation::Entity::find()
        .select_only()
        .columns([organisation::Column::Id, organisation::Column::Name])
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, name)| (name.trim().to_lowercase(), id))
        .collect())
}
