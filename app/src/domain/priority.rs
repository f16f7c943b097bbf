//! Emerging-economy priority, from the World Bank income group of the
//! organisation's country, unless a coordinator overrode it.

/// Priority 0 (high income) to 3 (low income).
pub type Priority = u8;

/// The priority an income group gives (`low`, `lower_middle`, `upper_middle`,
/// `high`; unclassified economies get the middle value 1).
#[must_use]
pub fn from_income_group(group: &str) -> Priority {
    match group {
        "low" => 3,
        "lower_middle" => 2,
        "high" => 0,
        _ => 1,
    }
}

/// The effective priority: the override when a coordinator set one.
#[must_use]
pub fn effective(income_group: &str, overridden: Option<i16>) -> Priority {
    overridden
        .and_then(|p| u8::try_from(p).ok())
        .map_or_else(|| from_income_group(income_group), |p| p.min(3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poorer_economies_come_first() {
        let order: Vec<Priority> = ["high", "upper_middle", "lower_middle", "low"]
            .iter()
            .map(|g| from_income_group(g))
            .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
        assert_eq!(effective("high", Some(3)), 3);
        assert_eq!(effective("low", None), 3);
        assert_eq!(effective("low", Some(9)), 3, "bounded");
    }
}
