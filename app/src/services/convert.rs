//! The one place where stored values (the entities' enums) and shared values
//! (the domain's, the matcher's) meet: `From` both ways, every match exhaustive,
//! so a value added on one side does not compile until it is mapped.

use crate::{
    domain::{
        codes::{
            Factor, Gate, OrganisationKind, OrganisationSize, Proposer, RunStatus, SkillWeight, Urgency,
            VettingStatus,
        },
        engagement::EngagementStatus,
        need::NeedStatus,
    },
    matcher,
};
use entity::{
    engagement::{ProposerKind as StoredProposer, Status as StoredEngagementStatus},
    match_run::Status as StoredRunStatus,
    need::{Status as StoredNeedStatus, Urgency as StoredUrgency},
    need_skill::Weight as StoredWeight,
    organisation::{Kind as StoredKind, Size as StoredSize},
    vetting::VettingStatus as StoredVetting,
};

/// `From` both ways between a stored enum and a shared one with the same variants.
macro_rules! both_ways {
    ($stored:ident, $shared:ident { $($variant:ident),+ $(,)? }) => {
        impl From<$stored> for $shared {
            fn from(value: $stored) -> Self {
                match value {
                    $($stored::$variant => Self::$variant,)+
                }
            }
        }

        impl From<$shared> for $stored {
            fn from(value: $shared) -> Self {
                match value {
                    $($shared::$variant => Self::$variant,)+
                }
            }
        }
    };
}

both_ways!(
    StoredNeedStatus,
    NeedStatus {
        Draft,
        Submitted,
        Open,
        Matched,
        InProgress,
        Resolved,
        Closed,
        Cancelled
    }
);
both_ways!(
    StoredEngagementStatus,
    EngagementStatus {
        Proposed,
        Accepted,
        Active,
        Completed,
        Declined,
        Expired,
        Cancelled
    }
);
both_ways!(
    StoredUrgency,
    Urgency {
        Critical,
        High,
        Normal,
        Low
    }
);
both_ways!(StoredWeight, SkillWeight { Must, Should, Nice });
both_ways!(
    StoredVetting,
    VettingStatus {
        Pending,
        Approved,
        Rejected,
        Suspended
    }
);
both_ways!(
    StoredKind,
    OrganisationKind {
        Hospital,
        Clinic,
        Laboratory,
        HealthNgo,
        Other
    }
);
both_ways!(
    StoredSize,
    OrganisationSize {
        Under50,
        From50,
        From250,
        From1000
    }
);
both_ways!(
    StoredRunStatus,
    RunStatus {
        Running,
        Ready,
        Applied,
        Failed
    }
);
both_ways!(
    StoredProposer,
    Proposer {
        Coordinator,
        Volunteer,
        Matcher
    }
);

impl From<StoredUrgency> for matcher::Urgency {
    fn from(value: StoredUrgency) -> Self {
        match value {
            StoredUrgency::Critical => Self::Critical,
            StoredUrgency::High => Self::High,
            StoredUrgency::Normal => Self::Normal,
            StoredUrgency::Low => Self::Low,
        }
    }
}

impl From<matcher::Urgency> for Urgency {
    fn from(value: matcher::Urgency) -> Self {
        match value {
            matcher::Urgency::Critical => Self::Critical,
            matcher::Urgency::High => Self::High,
            matcher::Urgency::Normal => Self::Normal,
            matcher::Urgency::Low => Self::Low,
        }
    }
}

impl From<matcher::FactorKind> for Factor {
    fn from(value: matcher::FactorKind) -> Self {
        match value {
            matcher::FactorKind::Skill => Self::Skill,
            matcher::FactorKind::Language => Self::Language,
            matcher::FactorKind::Timezone => Self::Timezone,
            matcher::FactorKind::Region => Self::Region,
            matcher::FactorKind::Load => Self::Load,
            matcher::FactorKind::TrackRecord => Self::TrackRecord,
        }
    }
}

impl From<matcher::GateKind> for Gate {
    fn from(value: matcher::GateKind) -> Self {
        match value {
            matcher::GateKind::Approved => Self::Approved,
            matcher::GateKind::Capacity => Self::Capacity,
            matcher::GateKind::Language => Self::Language,
            matcher::GateKind::MustSkills => Self::MustSkills,
            matcher::GateKind::ConflictOfInterest => Self::ConflictOfInterest,
            matcher::GateKind::OnsiteRange => Self::OnsiteRange,
        }
    }
}

impl From<StoredWeight> for matcher::SkillWeight {
    fn from(value: StoredWeight) -> Self {
        match value {
            StoredWeight::Must => Self::Must,
            StoredWeight::Should => Self::Should,
            StoredWeight::Nice => Self::Nice,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_and_shared_codes_agree() {
        // The shared code is what the entity stores, for every value.
        use sea_orm::ActiveEnum as _;
        for s in NeedStatus::ALL {
            assert_eq!(StoredNeedStatus::from(s).to_value(), s.code());
        }
        for s in EngagementStatus::ALL {
            assert_eq!(StoredEngagementStatus::from(s).to_value(), s.code());
        }
        for u in Urgency::ALL {
            assert_eq!(StoredUrgency::from(*u).to_value(), u.code());
        }
        for w in SkillWeight::ALL {
            assert_eq!(StoredWeight::from(*w).to_value(), w.code());
        }
        for v in VettingStatus::ALL {
            assert_eq!(StoredVetting::from(*v).to_value(), v.code());
        }
        for k in OrganisationKind::ALL {
            assert_eq!(StoredKind::from(*k).to_value(), k.code());
        }
        for s in OrganisationSize::ALL {
            assert_eq!(StoredSize::from(*s).to_value(), s.code());
        }
        for s in RunStatus::ALL {
            assert_eq!(StoredRunStatus::from(*s).to_value(), s.code());
        }
        for p in Proposer::ALL {
            assert_eq!(StoredProposer::from(*p).to_value(), p.code());
        }
    }
}
