//! Geography the matcher needs beyond the country table: a typical time zone
//! for an organisation, from its UN M49 (intermediate or sub-) region.
//!
//! Organisations do not state a time zone; for matching, the usual offset of
//! their region is close enough (a country spanning many zones gets its
//! region's). Volunteers state their own offset.

/// The usual offset from UTC, in minutes, of a UN M49 intermediate region (or
/// sub-region when the country has no intermediate one); 0 when unknown.
#[must_use]
pub fn typical_utc_offset(region: &str) -> i16 {
    match region {
        "Eastern Africa" | "Western Asia" => 180,
        "Middle Africa" | "Northern Africa" | "Southern Europe" | "Western Europe" => 60,
        "Southern Africa" | "Eastern Europe" => 120,
        "Caribbean" => -240,
        "Central America" => -360,
        "South America" => -180,
        "Northern America" => -300,
        "Central Asia" => 300,
        "Southern Asia" => 330,
        "South-eastern Asia" => 420,
        "Eastern Asia" => 480,
        "Australia and New Zealand" | "Micronesia" => 600,
        "Melanesia" => 660,
        "Polynesia" => -600,
        // Western Africa, Northern Europe, Channel Islands, unknown.
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::typical_utc_offset;

    #[test]
    fn regions_get_their_usual_offset() {
        assert_eq!(typical_utc_offset("Eastern Africa"), 180);
        assert_eq!(typical_utc_offset("South America"), -180);
        assert_eq!(typical_utc_offset("Western Africa"), 0);
        assert_eq!(typical_utc_offset("nowhere"), 0);
    }
}
