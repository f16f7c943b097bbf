//! Accounts for tests, created through the real services or the real HTTP API.

use crate::{TestApp, TestClient};
use app::services::{accounts, audit::Actor, mfa};
use entity::account;
use sea_orm::EntityTrait as _;

/// A strong password that passes the strength check.
pub const PASSWORD: &str = "correct horse battery staple orbit";

/// A user the test knows the secrets of.
#[derive(Debug, Clone)]
pub struct TestUser {
    /// Account id.
    pub id: i64,
    /// Email (normalised).
    pub email: String,
    /// Password.
    pub password: String,
    /// TOTP secret, once enrolled.
    pub totp_secret: Option<String>,
}

impl TestUser {
    /// The current TOTP code at the app's clock, offset by `steps` of 30 s.
    ///
    /// # Panics
    /// When the user has no second factor.
    #[must_use]
    pub fn code(&self, app: &TestApp, steps: i64) -> String {
        let secret = self
            .totp_secret
            .as_deref()
            .unwrap_or_else(|| panic!("{} has no TOTP", self.email));
        let totp = mfa::totp(secret, &self.email).unwrap_or_else(|e| panic!("{e}"));
        let at = app.clock.now_unix() + steps * 30;
        totp.generate(u64::try_from(at).unwrap_or(0))
    }
}

impl TestApp {
    /// Registers a volunteer (or an organisation member) through `POST /api/register`,
    /// then signs `client` in (registering does not).
    ///
    /// # Panics
    /// When registration fails.
    pub async fn register(&self, client: &TestClient, role: &str, email: &str) -> TestUser {
        let res = client
            .call(
                "/api/register",
                &[
                    ("email", email),
                    ("display_name", "Test User"),
                    ("password", PASSWORD),
                    ("role", role),
                ],
            )
            .await;
        assert!(res.status().is_success(), "register {email}: {}", res.status());
        let res = client
            .call("/api/login", &[("email", email), ("password", PASSWORD)])
            .await;
        assert!(
            res.status().is_success(),
            "sign in after registering {email}: {}",
            res.status()
        );
        let id = self.account_id(email).await;
        // Arrange shortcut: the address counts as verified (vetting waits for it).
        // The mailed link itself is tested in tests/tests/mail.rs.
        self.mark_verified(id).await;
        TestUser {
            id,
            email: email.to_lowercase(),
            password: PASSWORD.into(),
            totp_secret: None,
        }
    }

    /// Marks an account's address verified straight in the database, for tests
    /// that are not about verification.
    ///
    /// # Panics
    /// On database errors.
    pub async fn mark_verified(&self, id: i64) {
        use app::clock::Clock as _;
        use sea_orm::{ColumnTrait as _, QueryFilter as _, sea_query::Expr};
        account::Entity::update_many()
            .col_expr(account::Column::EmailVerifiedAt, Expr::value(self.clock.now()))
            .filter(account::Column::Id.eq(id))
            .exec(&self.db)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }

    /// Registers like [`Self::register`] but leaves the address unverified.
    ///
    /// # Panics
    /// When registration fails.
    pub async fn register_unverified(&self, client: &TestClient, role: &str, email: &str) -> TestUser {
        use sea_orm::{ColumnTrait as _, QueryFilter as _};
        let user = self.register(client, role, email).await;
        account::Entity::update_many()
            .col_expr(
                account::Column::EmailVerifiedAt,
                sea_orm::sea_query::Expr::value(Option::<time::OffsetDateTime>::None),
            )
            .filter(account::Column::Id.eq(user.id))
            .exec(&self.db)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        user
    }

    /// An account made by a fixture, given [`PASSWORD`] so that it can sign in.
    ///
    /// # Panics
    /// When there is no such account, or on database errors.
    pub async fn user_with_password(&self, email: &str) -> TestUser {
        use sea_orm::{ColumnTrait as _, QueryFilter as _, sea_query::Expr};
        let id = self.account_id(email).await;
        let hash = self
            .state
            .passwords
            .hash(PASSWORD.to_owned().into())
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
        account::Entity::update_many()
            .col_expr(account::Column::PasswordHash, Expr::value(hash))
            .filter(account::Column::Id.eq(id))
            .exec(&self.db)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        TestUser {
            id,
            email: email.to_lowercase(),
            password: PASSWORD.into(),
            totp_secret: None,
        }
    }

    /// The id of the account with this email.
    ///
    /// # Panics
    /// When there is none.
    pub async fn account_id(&self, email: &str) -> i64 {
        use sea_orm::{ColumnTrait as _, QueryFilter as _};
        account::Entity::find()
            .filter(account::Column::Email.eq(email.to_lowercase()))
            .one(&self.db)
            .await
            .ok()
            .flatten()
            .unwrap_or_else(|| panic!("no account {email}"))
            .id
    }

    /// Creates a coordinator with the service the command line uses.
    ///
    /// # Panics
    /// When creation fails.
    pub async fn coordinator(&self, email: &str) -> TestUser {
        let account = accounts::create_coordinator(
            &self.state,
            &Actor::default(),
            email,
            "Coordinator",
            PASSWORD.into(),
        )
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
        TestUser {
            id: account.id,
            email: account.email,
            password: PASSWORD.into(),
            totp_secret: None,
        }
    }

    /// Enrols TOTP for the signed-in `user` through the HTTP API; returns the
    /// recovery codes.
    ///
    /// # Panics
    /// When enrolment fails.
    pub async fn enrol_totp(&self, client: &TestClient, user: &mut TestUser) -> Vec<String> {
        let state: serde_json::Value = client.call_json("/api/mfa_state", &[]).await;
        let key = state["Enrolling"]["manual_key"]
            .as_str()
            .unwrap_or_else(|| panic!("not enrolling: {state}"))
            .replace(' ', "");
        user.totp_secret = Some(key);
        let code = user.code(self, 0);
        let codes: serde_json::Value = client.call_json("/api/confirm_mfa", &[("code", &code)]).await;
        codes
            .as_array()
            .unwrap_or_else(|| panic!("no recovery codes: {codes}"))
            .iter()
            .filter_map(|c| c.as_str().map(ToOwned::to_owned))
            .collect()
    }

    /// Signs `client` in as `user`, passing the second factor when enrolled.
    /// Moves the clock one TOTP step on first, so a code is never reused.
    ///
    /// # Panics
    /// When sign-in fails.
    pub async fn sign_in(&self, client: &TestClient, user: &TestUser) {
        let res = client
            .call(
                "/api/login",
                &[("email", &user.email), ("password", &user.password)],
            )
            .await;
        assert!(
            res.status().is_success(),
            "login {}: {}",
            user.email,
            res.status()
        );
        if user.totp_secret.is_some() {
            self.clock.advance(std::time::Duration::from_secs(30));
            let code = user.code(self, 0);
            let res = client.call("/api/login_second_factor", &[("code", &code)]).await;
            assert!(
                res.status().is_success(),
                "second factor {}: {}",
                user.email,
                res.status()
            );
        }
    }

    /// A coordinator with TOTP, signed in on a fresh client.
    ///
    /// # Panics
    /// When any step fails.
    pub async fn signed_in_coordinator(&self, email: &str) -> (TestClient, TestUser) {
        let mut user = self.coordinator(email).await;
        let client = self.client();
        self.sign_in(&client, &user).await;
        self.enrol_totp(&client, &mut user).await;
        (client, user)
    }
}
