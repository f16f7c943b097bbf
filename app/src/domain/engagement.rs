//! Engagements: the lifecycle, who may move it, decline reasons, and the weekly
//! hours a need asks of a volunteer.

use serde::{Deserialize, Serialize};

/// Where an engagement stands (DESIGN.md §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EngagementStatus {
    /// Waiting for the volunteer.
    Proposed,
    /// Waiting for the organisation.
    Accepted,
    /// Work on.
    Active,
    /// Done.
    Completed,
    /// Turned down.
    Declined,
    /// Not answered in time.
    Expired,
    /// Called off.
    Cancelled,
}

impl EngagementStatus {
    /// Every status.
    pub const ALL: [Self; 7] = [
        Self::Proposed,
        Self::Accepted,
        Self::Active,
        Self::Completed,
        Self::Declined,
        Self::Expired,
        Self::Cancelled,
    ];

    /// The stored code.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Proposed => "proposed",
            Self::Accepted => "accepted",
            Self::Active => "active",
            Self::Completed => "completed",
            Self::Declined => "declined",
            Self::Expired => "expired",
            Self::Cancelled => "cancelled",
        }
    }

    /// The status of a code, if it is one.
    #[must_use]
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == raw)
    }

    /// Whether the engagement is still going (a live proposal or the work itself).
    #[must_use]
    pub fn is_live(self) -> bool {
        matches!(self, Self::Proposed | Self::Accepted | Self::Active)
    }
}

impl std::fmt::Display for EngagementStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// Who acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Party {
    /// The volunteer of the engagement.
    Volunteer,
    /// A member of the need's organisation.
    Organisation,
    /// A coordinator.
    Coordinator,
    /// The periodic job.
    System,
}

/// What is done to an engagement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EngagementAction {
    /// The volunteer says yes.
    Accept,
    /// One side says no.
    Decline,
    /// The organisation confirms: the work starts.
    Confirm,
    /// The organisation says the work is done.
    Complete,
    /// Called off.
    Cancel,
    /// The answer did not come in time.
    Expire,
}

/// The lifecycle: the status after `party` does `action`, or `None` when that is
/// not allowed.
#[must_use]
pub fn transition(
    from: EngagementStatus,
    action: EngagementAction,
    party: Party,
) -> Option<EngagementStatus> {
    use EngagementAction as A;
    use EngagementStatus as S;
    use Party as P;
    match (from, action, party) {
        (S::Proposed, A::Accept, P::Volunteer) => Some(S::Accepted),
        (S::Proposed | S::Accepted, A::Decline, P::Volunteer | P::Organisation) => Some(S::Declined),
        (S::Accepted, A::Confirm, P::Organisation) => Some(S::Active),
        (S::Proposed | S::Accepted, A::Expire, P::System) => Some(S::Expired),
        (S::Proposed | S::Accepted | S::Active, A::Cancel, P::Coordinator) => Some(S::Cancelled),
        (S::Active, A::Cancel, P::Volunteer | P::Organisation) => Some(S::Cancelled),
        (S::Active, A::Complete, P::Organisation) => Some(S::Completed),
        _ => None,
    }
}

/// Why a volunteer may decline.
pub const VOLUNTEER_DECLINE_REASONS: [&str; 4] =
    ["no_time", "skills_mismatch", "conflict_of_interest", "other"];
/// Why an organisation may decline (kept for the matcher, never shown to the volunteer).
pub const ORGANISATION_DECLINE_REASONS: [&str; 5] = [
    "skills_mismatch",
    "language",
    "availability",
    "prefer_other",
    "other",
];

/// The weekly hours a need asks of a volunteer: its effort spread over the weeks
/// to its deadline (four weeks without one), at least 1 and at most 20.
#[must_use]
pub fn weekly_hours(effort_hours: i32, days_to_deadline: Option<i64>) -> i16 {
    let weeks = days_to_deadline.map_or(4, |d| (d / 7).max(1));
    let effort = i64::from(effort_hours.max(1));
    let per_week = (effort + weeks - 1) / weeks;
    i16::try_from(per_week.clamp(1, 20)).unwrap_or(20)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const ACTIONS: [EngagementAction; 6] = [
        EngagementAction::Accept,
        EngagementAction::Decline,
        EngagementAction::Confirm,
        EngagementAction::Complete,
        EngagementAction::Cancel,
        EngagementAction::Expire,
    ];
    const PARTIES: [Party; 4] = [
        Party::Volunteer,
        Party::Organisation,
        Party::Coordinator,
        Party::System,
    ];

    #[test]
    fn the_happy_path() {
        let s = transition(
            EngagementStatus::Proposed,
            EngagementAction::Accept,
            Party::Volunteer,
        );
        assert_eq!(s, Some(EngagementStatus::Accepted));
        let s = transition(
            EngagementStatus::Accepted,
            EngagementAction::Confirm,
            Party::Organisation,
        );
        assert_eq!(s, Some(EngagementStatus::Active));
        let s = transition(
            EngagementStatus::Active,
            EngagementAction::Complete,
            Party::Organisation,
        );
        assert_eq!(s, Some(EngagementStatus::Completed));
    }

    #[test]
    fn nobody_answers_for_someone_else() {
        assert_eq!(
            transition(
                EngagementStatus::Proposed,
                EngagementAction::Accept,
                Party::Organisation
            ),
            None
        );
        assert_eq!(
            transition(
                EngagementStatus::Proposed,
                EngagementAction::Accept,
                Party::Coordinator
            ),
            None
        );
        assert_eq!(
            transition(
                EngagementStatus::Accepted,
                EngagementAction::Confirm,
                Party::Volunteer
            ),
            None
        );
        assert_eq!(
            transition(
                EngagementStatus::Active,
                EngagementAction::Complete,
                Party::Volunteer
            ),
            None
        );
    }

    #[test]
    fn weekly_hours_spread_effort_to_the_deadline() {
        assert_eq!(weekly_hours(40, None), 10);
        assert_eq!(weekly_hours(40, Some(70)), 4);
        assert_eq!(weekly_hours(40, Some(2)), 20, "capped");
        assert_eq!(weekly_hours(1, None), 1);
    }

    proptest! {
        #[test]
        fn finished_engagements_never_move(action in 0usize..6, party in 0usize..4, finished in 3usize..7) {
            let from = EngagementStatus::ALL[finished];
            prop_assert_eq!(transition(from, ACTIONS[action], PARTIES[party]), None);
        }

        #[test]
        fn weekly_hours_are_bounded(effort in 1i32..2000, days in proptest::option::of(0i64..400)) {
            let h = weekly_hours(effort, days);
            prop_assert!((1..=20).contains(&h));
        }
    }
}
