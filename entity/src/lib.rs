//! sea-orm entities for Frontline's database.
//!
//! Entities only: no behaviour. The services in `app::services` hold the logic,
//! and the schema itself is defined by the migrations in the `migration` crate.

pub mod account;
pub mod advisory;
pub mod advisory_guidance;
pub mod advisory_indicator;
pub mod advisory_target;
pub mod audit_log;
pub mod country;
pub mod ecsf_role;
pub mod email_verification;
pub mod engagement;
pub mod guidance_article;
pub mod guidance_category;
pub mod guidance_revision;
pub mod hours_log;
pub mod invitation;
pub mod job_lease;
pub mod mail_outbox;
pub mod mail_preference;
pub mod match_run;
pub mod message;
pub mod need;
pub mod need_category;
pub mod need_skill;
pub mod notification;
pub mod organisation;
pub mod organisation_member;
pub mod recovery_code;
pub mod reset_token;
pub mod session;
pub mod site_key;
pub mod skill;
pub mod throttle;
pub mod vetting;
pub mod volunteer;
pub mod volunteer_skill;
