//! The coded values every layer shares: each with its one stored code (what the
//! database, URLs, JSON and CSS classes carry), its parser, and — in the pages —
//! one exhaustive label function, so a new value cannot silently show as another.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Declares a coded enum: the variants with their codes, `ALL`, `code()`,
/// `parse()`, `Display` (the code) and serde as the code.
macro_rules! coded {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $code)] $variant,)+
        }

        impl $name {
            /// Every value, in order.
            pub const ALL: &'static [Self] = &[$(Self::$variant,)+];

            /// The code.
            #[must_use]
            pub fn code(self) -> &'static str {
                match self {
                    $(Self::$variant => $code,)+
                }
            }

            /// The value of a code, if it is one.
            #[must_use]
            pub fn parse(raw: &str) -> Option<Self> {
                match raw {
                    $($code => Some(Self::$variant),)+
                    _ => None,
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

coded! {
    /// How soon a need must be met.
    Urgency {
        /// Active incident, patient care affected.
        Critical = "critical",
        /// Incident contained, or exposure known.
        High = "high",
        /// Ordinary need.
        Normal = "normal",
        /// Planning.
        Low = "low",
    }
}

coded! {
    /// Where a coordinator's vetting of an organisation or a volunteer stands.
    VettingStatus {
        /// Waiting for a coordinator.
        Pending = "pending",
        /// Vetted.
        Approved = "approved",
        /// Turned down.
        Rejected = "rejected",
        /// Was approved, is not any more.
        Suspended = "suspended",
    }
}

coded! {
    /// What kind of organisation.
    OrganisationKind {
        /// A hospital.
        Hospital = "hospital",
        /// A clinic or health centre.
        Clinic = "clinic",
        /// A medical laboratory.
        Laboratory = "laboratory",
        /// A health NGO.
        HealthNgo = "health_ngo",
        /// Anything else in health care.
        Other = "other",
    }
}

coded! {
    /// How many people an organisation employs.
    OrganisationSize {
        /// Fewer than 50.
        Under50 = "under_50",
        /// 50 to 249.
        From50 = "from_50",
        /// 250 to 999.
        From250 = "from_250",
        /// 1 000 or more.
        From1000 = "from_1000",
    }
}

coded! {
    /// How much a need's skill matters.
    SkillWeight {
        /// Volunteers without it are excluded.
        Must = "must",
        /// Counts strongly.
        Should = "should",
        /// Counts a little.
        Nice = "nice",
    }
}

coded! {
    /// Where a batch run stands.
    RunStatus {
        /// Computing in the background.
        Running = "running",
        /// Its preview waits to be applied.
        Ready = "ready",
        /// Its proposals were made.
        Applied = "applied",
        /// It failed or was interrupted.
        Failed = "failed",
    }
}

coded! {
    /// The step a batch run is at.
    RunStage {
        /// Not started yet.
        Queued = "queued",
        /// Reading the pools.
        Loading = "loading",
        /// Indexing the volunteers (no longer a stage of its own: the pools are
        /// read at once; kept for runs recorded with it).
        Indexing = "indexing",
        /// Solving the assignment.
        Solving = "solving",
        /// Explaining the result.
        Explaining = "explaining",
        /// Finished.
        Done = "done",
    }
}

coded! {
    /// What a notification is about.
    NotificationKind {
        /// A volunteer was proposed for a need.
        Proposed = "engagement.proposed",
        /// A volunteer offered to help.
        Offered = "engagement.offered",
        /// The volunteer accepted.
        Accepted = "engagement.accepted",
        /// Someone declined.
        Declined = "engagement.declined",
        /// The organisation confirmed.
        Confirmed = "engagement.confirmed",
        /// The work is done.
        Completed = "engagement.completed",
        /// The engagement was called off.
        Cancelled = "engagement.cancelled",
        /// A proposal was not answered in time.
        Expired = "engagement.expired",
        /// A new message in a thread.
        Message = "message.posted",
        /// A proposal was withdrawn: the other side lost its standing.
        Withdrawn = "engagement.withdrawn",
        /// The work is on hold: the other side lost its standing, a coordinator
        /// will follow up.
        OnHold = "engagement.on_hold",
        /// (Coordinators) an active engagement needs reassignment: one of its
        /// sides lost its standing.
        NeedsReassignment = "engagement.needs_reassignment",
        /// Sign-ins to the account failed since its owner last signed in.
        FailedSignIns = "account.failed_sign_ins",
        /// A critical need's fast-path proposal was withdrawn: another volunteer
        /// accepted the need first.
        TakenByAnother = "engagement.taken_by_another",
        /// A proposal waiting for the volunteer's answer expires within a day.
        Reminder = "engagement.reminder",
        /// The organisation or volunteer profile was approved.
        VettingApproved = "vetting.approved",
        /// The organisation or volunteer profile was turned down.
        VettingRejected = "vetting.rejected",
        /// The organisation or volunteer profile was suspended.
        VettingSuspended = "vetting.suspended",
        /// A threat advisory for the organisation was published.
        AdvisoryPublished = "advisory.published",
        /// A critical advisory is still not acknowledged after a day.
        AdvisoryReminder = "advisory.reminder",
    }
}

impl NotificationKind {
    /// The topic of mail this notification is sent under, or `None` for
    /// security mail, which always goes at once.
    #[must_use]
    pub const fn topic(self) -> Option<MailTopic> {
        match self {
            Self::Proposed
            | Self::Offered
            | Self::Expired
            | Self::Withdrawn
            | Self::Reminder
            | Self::TakenByAnother => Some(MailTopic::Proposals),
            Self::Accepted
            | Self::Declined
            | Self::Confirmed
            | Self::Completed
            | Self::Cancelled
            | Self::OnHold
            | Self::NeedsReassignment => Some(MailTopic::Engagements),
            Self::Message => Some(MailTopic::Messages),
            Self::VettingApproved | Self::VettingRejected | Self::VettingSuspended => {
                Some(MailTopic::Vetting)
            }
            Self::AdvisoryPublished | Self::AdvisoryReminder => Some(MailTopic::Advisories),
            Self::FailedSignIns => None,
        }
    }

    /// The kind of mail that tells of it.
    #[must_use]
    pub const fn mail_kind(self) -> MailKind {
        match self.topic() {
            Some(MailTopic::Proposals) => MailKind::Proposal,
            Some(MailTopic::Engagements) => MailKind::EngagementUpdate,
            Some(MailTopic::Messages) => MailKind::MessageNotice,
            Some(MailTopic::Vetting) => MailKind::Vetting,
            Some(MailTopic::Advisories) => MailKind::Advisory,
            None => MailKind::SignInNotice,
        }
    }
}

coded! {
    /// A topic of non-essential mail, each chosen separately.
    MailTopic {
        /// Proposals to answer, offers, reminders, expiries.
        Proposals = "proposals",
        /// What the other side did on an engagement.
        Engagements = "engagements",
        /// New messages (a notice only, never the text).
        Messages = "messages",
        /// Vetting decisions on one's organisation or profile.
        Vetting = "vetting",
        /// Threat advisories for one's organisation (critical ones never wait
        /// for the digest).
        Advisories = "advisories",
    }
}

coded! {
    /// How an account wants a topic of mail.
    MailMode {
        /// One mail per event, at once.
        Immediately = "immediately",
        /// One mail a day listing the day's events.
        Daily = "daily",
        /// No mail (the events stay on the notifications page).
        Never = "never",
    }
}

coded! {
    /// A factor of the matcher's fit (the matcher's own `FactorKind`, as the
    /// pages show it).
    Factor {
        /// Skill coverage.
        Skill = "skill",
        /// Language.
        Language = "language",
        /// Time-zone overlap.
        Timezone = "timezone",
        /// Region affinity.
        Region = "region",
        /// Current load.
        Load = "load",
        /// Track record.
        TrackRecord = "track_record",
    }
}

coded! {
    /// A matcher gate that stops a volunteer (the matcher's own `GateKind`, as
    /// the pages show it).
    Gate {
        /// Not approved.
        Approved = "approved",
        /// No free slot or not enough free hours.
        Capacity = "capacity",
        /// No language in common.
        Language = "language",
        /// A must skill missing or below its level.
        MustSkills = "must_skills",
        /// A conflict of interest.
        ConflictOfInterest = "conflict_of_interest",
        /// Outside the on-site range.
        OnsiteRange = "onsite_range",
    }
}

coded! {
    /// Who proposed an engagement.
    Proposer {
        /// A coordinator, by hand.
        Coordinator = "coordinator",
        /// The volunteer, offering to help.
        Volunteer = "volunteer",
        /// The matcher, in a batch run.
        Matcher = "matcher",
    }
}

coded! {
    /// What an audit log entry is about.
    AuditObject {
        /// An account.
        Account = "account",
        /// An engagement.
        Engagement = "engagement",
        /// A batch run.
        MatchRun = "match_run",
        /// A need.
        Need = "need",
        /// An organisation.
        Organisation = "organisation",
        /// A volunteer's profile.
        Volunteer = "volunteer",
        /// A skill of the catalogue.
        Skill = "skill",
        /// A need category of the catalogue.
        NeedCategory = "need_category",
        /// A mail in the outbox.
        Mail = "mail",
        /// A guidance article.
        GuidanceArticle = "guidance_article",
        /// A threat advisory.
        Advisory = "advisory",
    }
}

coded! {
    /// How serious a threat advisory is (most serious first).
    Severity {
        /// Under way against healthcare now: act today.
        Critical = "critical",
        /// Likely to be used against you soon.
        High = "high",
        /// Worth a planned response.
        Medium = "medium",
        /// For information.
        Information = "information",
    }
}

coded! {
    /// Where an advisory stands.
    AdvisoryStatus {
        /// Being written; only coordinators see it.
        Draft = "draft",
        /// Sent to its targets.
        Published = "published",
        /// Taken back (it was wrong, or no longer matters).
        Withdrawn = "withdrawn",
        /// Replaced by a newer advisory.
        Superseded = "superseded",
    }
}

coded! {
    /// What an indicator of compromise is.
    IndicatorKind {
        /// A domain name.
        Domain = "domain",
        /// A URL.
        Url = "url",
        /// An IPv4 address.
        Ipv4 = "ipv4",
        /// An IPv6 address.
        Ipv6 = "ipv6",
        /// An MD5 file hash.
        Md5 = "md5",
        /// A SHA-1 file hash.
        Sha1 = "sha1",
        /// A SHA-256 file hash.
        Sha256 = "sha256",
    }
}

coded! {
    /// How an organisation acknowledged an advisory.
    Acknowledgement {
        /// Read it.
        Read = "read",
        /// Acted on it.
        Acted = "acted",
    }
}

coded! {
    /// What a guidance article is about (the library is listed by topic, in this order).
    GuidanceTopic {
        /// Accounts: passwords, multi-factor authentication.
        Accounts = "accounts",
        /// Recognising phishing and other tricks.
        Awareness = "awareness",
        /// Email: spoofing, SPF, DKIM, DMARC.
        Email = "email",
        /// Backups and ransomware.
        Backups = "backups",
        /// Patching and updates.
        Patching = "patching",
        /// The network and remote access.
        Network = "network",
        /// Medical devices.
        Devices = "devices",
        /// Incidents: what to do when it happens.
        Incidents = "incidents",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_parse_back_and_serialise_as_themselves() {
        for u in Urgency::ALL {
            assert_eq!(Urgency::parse(u.code()), Some(*u));
            assert_eq!(serde_json::to_string(u).ok(), Some(format!("\"{}\"", u.code())));
        }
        for k in NotificationKind::ALL {
            assert_eq!(NotificationKind::parse(&k.to_string()), Some(*k));
        }
        assert_eq!(
            OrganisationSize::parse("from_1000"),
            Some(OrganisationSize::From1000)
        );
        assert_eq!(VettingStatus::parse("Approved"), None, "codes are exact");
    }
}

coded! {
    /// What an email is about (the outbox's `kind`).
    MailKind {
        /// A test of the mail set-up (outbox tests, operators' checks).
        Test = "test",
        /// Someone tried to register with an address that has an account.
        RegistrationRepeated = "registration_repeated",
        /// A password reset link the owner of the address asked for.
        PasswordReset = "password_reset",
        /// A link that verifies a new account's address.
        VerifyAddress = "verify_address",
        /// A link that confirms a new address for an account.
        ChangeAddress = "change_address",
        /// A notice to the old address that the account's address is changing.
        AddressChanging = "address_changing",
        /// A proposal, offer, reminder or expiry (topic `proposals`).
        Proposal = "proposal",
        /// What the other side did on an engagement (topic `engagements`).
        EngagementUpdate = "engagement_update",
        /// A new message, as a notice (topic `messages`).
        MessageNotice = "message_notice",
        /// A vetting decision (topic `vetting`).
        Vetting = "vetting",
        /// Failed sign-ins since the owner last signed in.
        SignInNotice = "sign_in_notice",
        /// The day's events in one mail.
        Digest = "digest",
        /// An invitation to join an organisation.
        Invitation = "invitation",
        /// An invitation to coordinate the programme (with a set-password link).
        CoordinatorInvitation = "coordinator_invitation",
        /// A threat advisory, or a reminder of one (topic `advisories`).
        Advisory = "advisory",
    }
}

coded! {
    /// Where an email stands in the outbox.
    MailState {
        /// Waiting for its next attempt.
        Pending = "pending",
        /// Claimed by a worker that is sending it.
        Sending = "sending",
        /// Accepted by the mail server.
        Sent = "sent",
        /// Given up after too many attempts or a permanent refusal; a coordinator
        /// may retry it.
        Dead = "dead",
    }
}
