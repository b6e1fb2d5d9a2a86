//! The people who sign in, their sessions, failed sign-ins and the service's settings.

use crate::{Store, StoreError, Work};
use sendtrack_domain::access::Role;
use sendtrack_domain::establishment::Establishment;
use sqlx::Row as _;
use sqlx::any::AnyRow;

/// A person who can sign in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub email: String,
    pub role: Role,
    /// The Argon2id hash of the password (PHC string).
    pub password_hash: String,
    /// The staff id their casework is recorded under (`requests.caseworker`), if they have one.
    pub staff_id: Option<String>,
    /// A caseworker a manager has let edit any case, not only their own caseload.
    pub edits_any_case: bool,
    /// The base32 secret of their second factor (TOTP), once they have set one up.
    pub totp_secret: Option<String>,
    pub disabled: bool,
    /// An analyst an admin has let download the SEN2 return, which holds personal data.
    pub submits_sen2: bool,
}

/// How far a session has got through signing in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionStage {
    /// Signed in.
    Full,
    /// The password was right; the one-time code is awaited.
    SecondFactorPending,
}

/// A live session and its person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub user: User,
    pub stage: SessionStage,
    /// Whether the person's role must sign in with a second factor (the
    /// `totp_required_roles` setting), read with the session.
    pub second_factor_required: bool,
}

const USER_COLUMNS: &str = "email, role, password_hash, staff_id, edits_any_case, totp_secret, disabled, submits_sen2";

fn user_of(row: &AnyRow) -> Result<User, StoreError> {
    let role: String = row.try_get(1)?;
    Ok(User {
        email: row.try_get(0)?,
        role: Role::parse(&role).map_err(|message| StoreError::Corrupt { table: "users", column: "role", message })?,
        password_hash: row.try_get(2)?,
        staff_id: row.try_get(3)?,
        edits_any_case: row.try_get::<i64, _>(4)? != 0,
        totp_secret: row.try_get(5)?,
        disabled: row.try_get::<i64, _>(6)? != 0,
        submits_sen2: row.try_get::<i64, _>(7)? != 0,
    })
}

impl Store {
    /// Adds a person who can sign in. Fails when the email is taken.
    pub async fn add_user(
        &self,
        email: &str,
        role: Role,
        password_hash: &str,
        staff_id: Option<&str>,
        created_on: &str,
    ) -> Result<(), StoreError> {
        let mut work = self.begin().await?;
        let exists: Option<String> = sqlx::query_scalar("SELECT email FROM users WHERE email = $1")
            .bind(email.to_string())
            .fetch_optional(work.conn())
            .await?;
        if exists.is_some() {
            return Err(StoreError::Duplicate { record: "user", id: email.to_string() });
        }
        sqlx::query("INSERT INTO users (email, role, password_hash, staff_id, created_on) VALUES ($1, $2, $3, $4, $5)")
            .bind(email.to_string())
            .bind(role.code())
            .bind(password_hash.to_string())
            .bind(staff_id.map(str::to_string))
            .bind(created_on.to_string())
            .execute(work.conn())
            .await?;
        work.commit().await
    }

    /// The person with this email, if there is one and they are not disabled.
    pub async fn user(&self, email: &str) -> Result<Option<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1 AND disabled = 0");
        let row: Option<AnyRow> =
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(email.to_string()).fetch_optional(self.pool()).await?;
        row.map(|r| user_of(&r)).transpose()
    }

    /// Everyone who can or could sign in, by email.
    pub async fn users(&self) -> Result<Vec<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY email");
        let rows: Vec<AnyRow> = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(self.pool()).await?;
        rows.iter().map(user_of).collect()
    }

    /// Changes a person's row (`set`: an assignment list whose one parameter is `$1`) and,
    /// given `end_sessions`, ends their sessions but the one of that token hash (`""` ends them
    /// all), in one transaction. An unknown email is [`StoreError::NotFound`].
    async fn change_user<T>(
        &self,
        email: &str,
        set: &str,
        value: T,
        end_sessions: Option<&str>,
    ) -> Result<(), StoreError>
    where
        T: 'static + Send + sqlx::Encode<'static, sqlx::Any> + sqlx::Type<sqlx::Any>,
    {
        let mut work = self.begin().await?;
        let sql = format!("UPDATE users SET {set} WHERE email = $2");
        let done =
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(value).bind(email.to_string()).execute(work.conn()).await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound { record: "user", id: email.to_string() });
        }
        if let Some(keep) = end_sessions {
            sqlx::query("DELETE FROM sessions WHERE email = $1 AND token_hash <> $2")
                .bind(email.to_string())
                .bind(keep.to_string())
                .execute(work.conn())
                .await?;
        }
        work.commit().await
    }

    /// Disables (or enables again) an account. Disabling ends its sessions at once.
    pub async fn set_disabled(&self, email: &str, disabled: bool) -> Result<(), StoreError> {
        self.change_user(email, "disabled = $1", i64::from(disabled), disabled.then_some("")).await
    }

    /// Gives a person another role; their sessions end, so the new role applies at once.
    pub async fn set_role(&self, email: &str, role: Role) -> Result<(), StoreError> {
        // A grant belongs to the role it was given in (an analyst's SEN2 download): it ends.
        self.change_user(email, "role = $1, submits_sen2 = 0", role.code().to_string(), Some("")).await
    }

    /// Lets a caseworker edit any case (or only their own caseload again).
    pub async fn set_edits_any_case(&self, email: &str, allowed: bool) -> Result<(), StoreError> {
        self.change_user(email, "edits_any_case = $1", i64::from(allowed), None).await
    }

    /// Links the person's sign-in account to their staff record (issue 17): the staff id that
    /// the caseworker columns hold, which makes a caseworker's own caseload theirs.
    pub async fn set_staff_id(&self, email: &str, staff_id: &str) -> Result<(), StoreError> {
        self.change_user(email, "staff_id = $1", staff_id.to_string(), None).await
    }

    /// Lets the person download the SEN2 return, or stops them.
    pub async fn set_submits_sen2(&self, email: &str, allowed: bool) -> Result<(), StoreError> {
        self.change_user(email, "submits_sen2 = $1", i64::from(allowed), None).await
    }

    /// Sets a new password hash and ends every session of the person but `keep_session` (the
    /// hash of the session that changed it; `""` to end them all).
    pub async fn set_password(&self, email: &str, password_hash: &str, keep_session: &str) -> Result<(), StoreError> {
        self.change_user(email, "password_hash = $1", password_hash.to_string(), Some(keep_session)).await
    }

    /// Sets (or removes) the person's second-factor secret; the codes of the old one no longer
    /// count as used.
    pub async fn set_totp_secret(&self, email: &str, secret: Option<&str>) -> Result<(), StoreError> {
        self.change_user(email, "totp_secret = $1, totp_last_step = NULL", secret.map(str::to_string), None).await
    }

    /// Accepts the one-time code of time step `step` for `email` if no code of this or a later
    /// step was accepted before; returns whether it was accepted.
    pub async fn use_totp_step(&self, email: &str, step: i64) -> Result<bool, StoreError> {
        let _turn = self.write_turn().await;
        let done = sqlx::query(
            "UPDATE users SET totp_last_step = $1 WHERE email = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
        )
        .bind(step)
        .bind(email.to_string())
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Starts a session for `email` (see [`create_session`]).
    pub async fn create_session(
        &self,
        token_hash: &str,
        email: &str,
        stage: SessionStage,
        now: &str,
    ) -> Result<(), StoreError> {
        let mut work = self.begin().await?;
        create_session(&mut work, token_hash, email, stage, now).await?;
        work.commit().await
    }

    /// The session with this token hash and its person, if the session exists, was used at or
    /// after `idle_since` and the person is not disabled. A session idle for longer is ended.
    /// The session's last use is moved to `now` when it is more than a minute old (so a burst
    /// of requests writes once).
    pub async fn session(&self, token_hash: &str, idle_since: &str, now: &str) -> Result<Option<Session>, StoreError> {
        let sql = format!(
            "SELECT {}, s.last_seen_at, s.pending_second_factor, (SELECT value FROM settings WHERE name = 'totp_required_roles') FROM sessions s JOIN users u ON u.email = s.email WHERE s.token_hash = $1 AND u.disabled = 0",
            USER_COLUMNS.split(", ").map(|c| format!("u.{c}")).collect::<Vec<_>>().join(", ")
        );
        let row: Option<AnyRow> =
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(token_hash.to_string()).fetch_optional(self.pool()).await?;
        let Some(row) = row else { return Ok(None) };
        let user = user_of(&row)?;
        // The session's columns follow the person's.
        let first = USER_COLUMNS.split(", ").count();
        let last_seen: String = row.try_get(first)?;
        let pending: i64 = row.try_get(first + 1)?;
        let required_roles: Option<String> = row.try_get(first + 2)?;
        let second_factor_required =
            required_roles.is_some_and(|roles| roles.split(',').any(|r| r.trim() == user.role.code()));
        if last_seen.as_str() < idle_since {
            self.delete_session(token_hash).await?;
            return Ok(None);
        }
        if last_seen.get(..16) != now.get(..16) {
            let _turn = self.write_turn().await;
            let touched = sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
                .bind(now.to_string())
                .bind(token_hash.to_string())
                .execute(self.pool())
                .await;
            // The session is valid either way: a busy database (another process writing)
            // only leaves its last use a minute behind.
            match touched.map_err(StoreError::from) {
                Ok(_) => {}
                Err(e) if e.is_busy() => tracing::warn!("a session's last use was not updated: the database is busy"),
                Err(e) => return Err(e),
            }
        }
        let stage = if pending != 0 { SessionStage::SecondFactorPending } else { SessionStage::Full };
        Ok(Some(Session { user, stage, second_factor_required }))
    }

    /// Marks a session's second factor as given (see [`complete_session`]).
    pub async fn complete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        let mut work = self.begin().await?;
        complete_session(&mut work, token_hash).await?;
        work.commit().await
    }

    /// Ends a session (see [`delete_session`]).
    pub async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        let mut work = self.begin().await?;
        delete_session(&mut work, token_hash).await?;
        work.commit().await
    }

    /// Records a failed sign-in (see [`record_failed_sign_in`]).
    pub async fn record_failed_sign_in(
        &self,
        email: &str,
        address: &str,
        at: &str,
        forget_before: &str,
    ) -> Result<(), StoreError> {
        let mut work = self.begin().await?;
        record_failed_sign_in(&mut work, email, address, at, forget_before).await?;
        work.commit().await
    }

    /// How many sign-ins failed since `since` for `email`, and from `address`.
    pub async fn failed_sign_ins(&self, email: &str, address: &str, since: &str) -> Result<(i64, i64), StoreError> {
        let by_email: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM failed_sign_ins WHERE email = $1 AND at >= $2")
            .bind(email.to_string())
            .bind(since.to_string())
            .fetch_one(self.pool())
            .await?;
        let by_address: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM failed_sign_ins WHERE address = $1 AND at >= $2")
                .bind(address.to_string())
                .bind(since.to_string())
                .fetch_one(self.pool())
                .await?;
        Ok((by_email, by_address))
    }

    /// Forgets an account's failed sign-ins (see [`clear_failed_sign_ins`]).
    pub async fn clear_failed_sign_ins(&self, email: &str) -> Result<(), StoreError> {
        let mut work = self.begin().await?;
        clear_failed_sign_ins(&mut work, email).await?;
        work.commit().await
    }

    /// A setting's value, if set.
    pub async fn setting(&self, name: &str) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query_scalar("SELECT value FROM settings WHERE name = $1")
            .bind(name.to_string())
            .fetch_optional(self.pool())
            .await?)
    }

    /// Sets a setting.
    pub async fn set_setting(&self, name: &str, value: &str) -> Result<(), StoreError> {
        self.set_settings(&[(name, value)]).await
    }

    /// Sets several settings in one transaction: all of them, or none.
    pub async fn set_settings(&self, settings: &[(&str, &str)]) -> Result<(), StoreError> {
        let mut work = self.begin().await?;
        for (name, value) in settings {
            sqlx::query("DELETE FROM settings WHERE name = $1").bind(name.to_string()).execute(work.conn()).await?;
            sqlx::query("INSERT INTO settings (name, value) VALUES ($1, $2)")
                .bind(name.to_string())
                .bind(value.to_string())
                .execute(work.conn())
                .await?;
        }
        work.commit().await
    }
}

/// Starts a session for `email`, found later by the hash of its token.
pub async fn create_session(
    work: &mut Work<'_>,
    token_hash: &str,
    email: &str,
    stage: SessionStage,
    now: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, email, created_at, last_seen_at, pending_second_factor) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash.to_string())
    .bind(email.to_string())
    .bind(now.to_string())
    .bind(now.to_string())
    .bind(i64::from(stage == SessionStage::SecondFactorPending))
    .execute(work.conn())
    .await?;
    Ok(())
}

/// Marks a session's second factor as given.
pub async fn complete_session(work: &mut Work<'_>, token_hash: &str) -> Result<(), StoreError> {
    sqlx::query("UPDATE sessions SET pending_second_factor = 0 WHERE token_hash = $1")
        .bind(token_hash.to_string())
        .execute(work.conn())
        .await?;
    Ok(())
}

/// Ends a session.
pub async fn delete_session(work: &mut Work<'_>, token_hash: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash.to_string()).execute(work.conn()).await?;
    Ok(())
}

/// Records a failed sign-in for `email` from `address`, and forgets failures from before
/// `forget_before` (they no longer count towards a lock).
pub async fn record_failed_sign_in(
    work: &mut Work<'_>,
    email: &str,
    address: &str,
    at: &str,
    forget_before: &str,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM failed_sign_ins WHERE at < $1")
        .bind(forget_before.to_string())
        .execute(work.conn())
        .await?;
    sqlx::query("INSERT INTO failed_sign_ins (email, address, at) VALUES ($1, $2, $3)")
        .bind(email.to_string())
        .bind(address.to_string())
        .bind(at.to_string())
        .execute(work.conn())
        .await?;
    Ok(())
}

/// Forgets an account's failed sign-ins, after it signs in.
pub async fn clear_failed_sign_ins(work: &mut Work<'_>, email: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM failed_sign_ins WHERE email = $1").bind(email.to_string()).execute(work.conn()).await?;
    Ok(())
}

impl Store {
    /// Replaces the register of schools and settings with `establishments`, in one transaction.
    pub async fn replace_establishments(&self, establishments: &[Establishment]) -> Result<(), StoreError> {
        let mut work = self.begin().await?;
        sqlx::query("DELETE FROM establishments").execute(work.conn()).await?;
        for chunk in establishments.chunks(crate::ROWS_PER_STATEMENT / 8) {
            let mut insert = work.sql(
                "INSERT INTO establishments (urn, name, kind, phase, status, local_authority, town, postcode) VALUES ",
            );
            insert.list(chunk, ", ", |sql, e| {
                sql.push("(").bind(e.urn.clone()).push(", ").bind(e.name.clone()).push(", ");
                sql.bind(e.kind.clone()).push(", ").bind(e.phase.clone()).push(", ");
                sql.bind(e.status.clone()).push(", ").bind(e.local_authority.clone()).push(", ");
                sql.bind(e.town.clone()).push(", ").bind(e.postcode.clone()).push(")");
            });
            insert.push(" ON CONFLICT (urn) DO NOTHING");
            insert.query().execute(work.conn()).await?;
        }
        work.commit().await
    }

    /// Schools and settings whose URN is `query` or whose name holds it (case-insensitive),
    /// open ones first, at most `limit`.
    pub async fn find_establishments(&self, query: &str, limit: i64) -> Result<Vec<Establishment>, StoreError> {
        let words = format!("%{}%", query.trim().to_lowercase().replace(['%', '_', '\\'], ""));
        let rows: Vec<AnyRow> = sqlx::query(
            "SELECT urn, name, kind, phase, status, local_authority, town, postcode FROM establishments
             WHERE urn = $1 OR LOWER(name) LIKE $2
             ORDER BY CASE WHEN status LIKE 'Open%' THEN 0 ELSE 1 END, name, urn LIMIT $3",
        )
        .bind(query.trim().to_string())
        .bind(words)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(establishment_of).collect()
    }

    /// The school or setting with this URN, when the register holds it.
    pub async fn establishment(&self, urn: &str) -> Result<Option<Establishment>, StoreError> {
        let row: Option<AnyRow> = sqlx::query(
            "SELECT urn, name, kind, phase, status, local_authority, town, postcode FROM establishments WHERE urn = $1",
        )
        .bind(urn.to_string())
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(establishment_of).transpose()
    }
}

fn establishment_of(row: &AnyRow) -> Result<Establishment, StoreError> {
    Ok(Establishment {
        urn: row.try_get(0)?,
        name: row.try_get(1)?,
        kind: row.try_get(2)?,
        phase: row.try_get(3)?,
        status: row.try_get(4)?,
        local_authority: row.try_get(5)?,
        town: row.try_get(6)?,
        postcode: row.try_get(7)?,
    })
}
