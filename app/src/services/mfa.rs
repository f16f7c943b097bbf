//! Second factor: TOTP (RFC 6238, 30-second steps, six digits) and single-use
//! recovery codes.
//!
//! A code is accepted once: the last accepted time step is stored, and a code is
//! only accepted for a later step, by a conditional update, so two concurrent
//! requests with the same code cannot both pass (ASVS 6.5.1).

use super::{
    ServiceError,
    audit::{self, Action, Actor},
};
use crate::domain::codes::AuditObject;
use crate::infra::{
    db::begin_write,
    throttle::{self, Key},
    tokens,
};
use crate::session::{Client, CurrentUser};
use crate::{services::deps::Deps, validate};
use entity::{account, recovery_code};
use sea_orm::{
    ActiveModelTrait as _,
    ActiveValue::Set,
    ColumnTrait as _, ConnectionTrait, EntityTrait as _, QueryFilter as _,
    sea_query::{Condition, Expr},
};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::OffsetDateTime;
use totp_rs::{Algorithm, Secret, TOTP};
use tower_sessions::Session;

/// Session key: a secret shown to the user, not yet confirmed.
pub const ENROLMENT: &str = "mfa_enrolment";
/// Steps of clock drift tolerated each way.
const SKEW: i64 = 1;
/// Seconds per step.
const STEP: i64 = 30;
/// Recovery codes issued at enrolment.
pub const RECOVERY_CODES: usize = 10;

/// Throttling keys for second-factor codes, by account and by address.
#[must_use]
pub fn throttle_keys(account_id: i64, client: &Client) -> [Key; 2] {
    // Per account alone is right here: only someone who already knows the
    // password (or holds the session) reaches a second-factor check.
    [
        Key::strict(format!("mfa:account:{account_id}")),
        Key::shared(format!("mfa:address:{}", client.address)),
    ]
}

/// A new random TOTP secret (160 bits), base32.
#[must_use]
pub fn new_secret() -> String {
    match Secret::Raw(rand::random::<[u8; 20]>().to_vec()).to_encoded() {
        Secret::Encoded(text) => text,
        Secret::Raw(_) => String::new(),
    }
}

/// The TOTP generator for a base32 secret.
///
/// # Errors
/// When the secret is malformed.
pub fn totp(secret: &str, account_name: &str) -> Result<TOTP, ServiceError> {
    let bytes = Secret::Encoded(secret.to_owned())
        .to_bytes()
        .map_err(|e| ServiceError::Internal(format!("malformed TOTP secret: {e:?}")))?;
    TOTP::new(
        Algorithm::SHA1,
        6,
        0,
        30,
        bytes,
        Some("Frontline".to_owned()),
        account_name.to_owned(),
    )
    .map_err(|e| ServiceError::Internal(format!("TOTP: {e}")))
}

/// The step a code matches around `now`, if any (constant-time comparisons).
fn matching_step(totp: &TOTP, code: &str, now: OffsetDateTime) -> Option<i64> {
    let current = now.unix_timestamp().div_euclid(STEP);
    (current - SKEW..=current + SKEW).find(|step| {
        let at = u64::try_from(step * STEP).unwrap_or(0);
        tokens::hashes_equal(&totp.generate(at), code)
    })
}

/// Checks a TOTP code for an enrolled account and consumes its time step.
///
/// # Errors
/// Database errors.
#[tracing::instrument(skip_all)]
pub async fn verify_totp<C: ConnectionTrait>(
    db: &C,
    account: &account::Model,
    code: &str,
    now: OffsetDateTime,
) -> Result<bool, ServiceError> {
    let (Some(secret), Ok(code)) = (&account.totp_secret, validate::totp_code(code)) else {
        return Ok(false);
    };
    let Some(step) = matching_step(&totp(secret, &account.email)?, &code, now) else {
        return Ok(false);
    };
    // Accept the step once: only if it is later than the last accepted one.
    let res = account::Entity::update_many()
        .col_expr(account::Column::TotpLastStep, Expr::value(step))
        .filter(account::Column::Id.eq(account.id))
        .filter(
            Condition::any()
                .add(account::Column::TotpLastStep.is_null())
                .add(account::Column::TotpLastStep.lt(step)),
        )
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Spends a recovery code if it is one of the account's unused codes.
///
/// # Errors
/// Database errors.
#[tracing::instrument(skip_all, fields(account_id = account_id))]
pub async fn spend_recovery_code<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    code: &str,
    now: OffsetDateTime,
) -> Result<bool, ServiceError> {
    let Ok(code) = validate::recovery_code(code) else {
        return Ok(false);
    };
    let hash = tokens::hash(&code);
    let res = recovery_code::Entity::update_many()
        .col_expr(recovery_code::Column::UsedAt, Expr::value(now))
        .filter(recovery_code::Column::AccountId.eq(account_id))
        .filter(recovery_code::Column::CodeHash.eq(hash))
        .filter(recovery_code::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// How many unused recovery codes the account has left.
///
/// # Errors
/// Database errors.
#[tracing::instrument(skip_all, fields(account_id = account_id))]
pub async fn recovery_codes_left<C: ConnectionTrait>(db: &C, account_id: i64) -> Result<u64, ServiceError> {
    use sea_orm::PaginatorTrait as _;
    Ok(recovery_code::Entity::find()
        .filter(recovery_code::Column::AccountId.eq(account_id))
        .filter(recovery_code::Column::UsedAt.is_null())
        .count(db)
        .await?)
}

/// What the enrolment page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrolment {
    /// The secret for manual entry, in groups of four.
    pub manual_key: String,
    /// The `otpauth://` URL the QR code encodes.
    pub otpauth_url: String,
    /// The QR code as an SVG document.
    pub qr_svg: String,
}

/// Starts (or resumes) enrolment: a secret kept in the session until confirmed.
///
/// # Errors
/// Session-store errors.
#[tracing::instrument(skip_all, fields(user = user.id))]
pub async fn begin_enrolment(session: &Session, user: &CurrentUser) -> Result<Enrolment, ServiceError> {
    let secret = match session.get::<String>(ENROLMENT).await? {
        Some(secret) => secret,
        None => {
            let secret = new_secret();
            session.insert(ENROLMENT, secret.clone()).await?;
            secret
        }
    };
    let totp = totp(&secret, &user.email)?;
    let otpauth_url = totp.get_url();
    let manual_key = secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    Ok(Enrolment {
        qr_svg: qr_svg(&otpauth_url)?,
        manual_key,
        otpauth_url,
    })
}

/// Confirms enrolment with a code from the authenticator; returns the recovery
/// codes, to be shown once (only their hashes are kept).
///
/// # Errors
/// [`ServiceError::Validation`] on a wrong code; [`ServiceError::Conflict`] when
/// no enrolment was started; database errors.
#[tracing::instrument(skip_all, fields(user = user.id))]
pub async fn confirm_enrolment(
    state: &Deps,
    session: &Session,
    client: &Client,
    user: &CurrentUser,
    code: &str,
) -> Result<Vec<String>, ServiceError> {
    let Some(secret) = session.get::<String>(ENROLMENT).await? else {
        return Err(ServiceError::Conflict("no enrolment in progress"));
    };
    let now = state.clock.now();
    let attempt = throttle::reserve(&state.db, &throttle_keys(user.id, client), now).await?;
    let code = validate::totp_code(code).map_err(|m| ServiceError::field("code", m))?;
    let Some(step) = matching_step(&totp(&secret, &user.email)?, &code, now) else {
        attempt.failed();
        return Err(ServiceError::field("code", validate::Message::CodeInvalid));
    };
    let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| tokens::recovery_code()).collect();
    let txn = begin_write(&state.db).await?;
    let account = account::Entity::find_by_id(user.id)
        .one(&txn)
        .await?
        .ok_or(ServiceError::Unauthenticated)?;
    let mut active: account::ActiveModel = account.into();
    active.totp_secret = Set(Some(secret));
    active.totp_enabled_at = Set(Some(now));
    active.totp_last_step = Set(Some(step));
    active.updated_at = Set(now);
    active.update(&txn).await?;
    recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::AccountId.eq(user.id))
        .exec(&txn)
        .await?;
    for code in &codes {
        let normalised =
            validate::recovery_code(code).map_err(|_| ServiceError::Internal("recovery code".into()))?;
        recovery_code::ActiveModel {
            account_id: Set(user.id),
            code_hash: Set(tokens::hash(&normalised)),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    audit::record(
        &txn,
        now,
        &Actor::of(client, Some(user.id)),
        Action::MfaEnabled,
        Some((AuditObject::Account, user.id)),
        json!({ "method": "totp" }),
    )
    .await?;
    txn.commit().await?;
    attempt.succeeded(&state.db, now).await?;
    session.remove_value(ENROLMENT).await?;
    crate::session::step_up(session, true).await?;
    Ok(codes)
}

/// Removes the second factor, after re-authentication with the password and a
/// current code (or a recovery code).
///
/// # Errors
/// [`ServiceError::Validation`] naming the wrong field; [`ServiceError::RateLimited`];
/// database errors.
#[tracing::instrument(skip_all, fields(user = user.id))]
pub async fn disable(
    state: &Deps,
    session: &Session,
    client: &Client,
    user: &CurrentUser,
    password: SecretString,
    code: &str,
) -> Result<(), ServiceError> {
    let now = state.clock.now();
    let keys = throttle_keys(user.id, client);
    let (account, attempt) =
        super::reauth::current_password(state, user.id, &keys, password, "password").await?;
    let accepted = verify_totp(&state.db, &account, code, now).await?
        || spend_recovery_code(&state.db, account.id, code, now).await?;
    if !accepted {
        attempt.failed();
        return Err(ServiceError::field("code", validate::Message::CodeInvalid));
    }
    let txn = begin_write(&state.db).await?;
    let mut active: account::ActiveModel = account.into();
    active.totp_secret = Set(None);
    active.totp_enabled_at = Set(None);
    active.totp_last_step = Set(None);
    active.updated_at = Set(now);
    active.update(&txn).await?;
    recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::AccountId.eq(user.id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        now,
        &Actor::of(client, Some(user.id)),
        Action::MfaDisabled,
        Some((AuditObject::Account, user.id)),
        json!({}),
    )
    .await?;
    txn.commit().await?;
    attempt.succeeded(&state.db, now).await?;
    crate::session::step_up(session, false).await?;
    Ok(())
}

/// Renders `text` as a QR code in SVG (medium error correction, quiet zone of 4).
///
/// # Errors
/// When the text is too long for a QR code.
pub fn qr_svg(text: &str) -> Result<String, ServiceError> {
    use qrcodegen::{QrCode, QrCodeEcc};
    let qr = QrCode::encode_text(text, QrCodeEcc::Medium)
        .map_err(|e| ServiceError::Internal(format!("QR code: {e:?}")))?;
    let border = 4;
    let size = qr.size() + border * 2;
    let mut path = String::new();
    for y in 0..qr.size() {
        for x in 0..qr.size() {
            if qr.get_module(x, y) {
                path.push_str(&format!("M{},{}h1v1h-1z", x + border, y + border));
            }
        }
    }
    Ok(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" shape-rendering=\"crispEdges\" \
         role=\"img\" aria-label=\"QR code\"><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\
         <path d=\"{path}\" fill=\"#000\"/></svg>"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn secrets_are_160_bits_of_base32() {
        let secret = new_secret();
        assert_eq!(secret.len(), 32);
        assert_ne!(secret, new_secret());
    }

    #[test]
    fn codes_match_their_step_and_its_neighbours_only() {
        let totp = totp(&new_secret(), "a@example.org").unwrap();
        let now = datetime!(2026-11-28 12:00:10 UTC);
        let step = now.unix_timestamp() / 30;
        let code = totp.generate(u64::try_from(now.unix_timestamp()).unwrap_or(0));
        assert_eq!(matching_step(&totp, &code, now), Some(step));
        let later = now + time::Duration::seconds(30);
        assert_eq!(
            matching_step(&totp, &code, later),
            Some(step),
            "one step of drift"
        );
        let much_later = now + time::Duration::seconds(90);
        assert_eq!(matching_step(&totp, &code, much_later), None);
    }

    #[test]
    fn the_qr_code_is_an_svg_with_no_script() {
        let svg = qr_svg("otpauth://totp/Frontline:a%40example.org?secret=ABC").unwrap();
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(!svg.contains("<script"));
    }
}
