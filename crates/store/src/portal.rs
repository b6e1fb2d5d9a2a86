//! The portal's people and the service's own e-mail (issue 19): members of organisations, the
//! one-time codes they sign in with, their sessions, and each e-mail sent by the service on its
//! own, claimed once so that however many instances share the database one of them sends it.

use crate::{AuditEvent, Store, StoreError, Work, audit};
use sqlx::Row as _;
use sqlx::any::AnyRow;

/// A member of an organisation, who signs in at the portal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub organisation_id: String,
    pub email: String,
    /// The organisation's own admin: adds and removes its members.
    pub is_admin: bool,
    pub added_by: String,
    pub added_at: String,
}

fn member_of(row: &AnyRow) -> Result<Member, StoreError> {
    Ok(Member {
        organisation_id: row.try_get(0)?,
        email: row.try_get(1)?,
        is_admin: row.try_get::<i64, _>(2)? != 0,
        added_by: row.try_get(3)?,
        added_at: row.try_get(4)?,
    })
}

const MEMBER_COLUMNS: &str = "organisation_id, email, is_admin, added_by, added_at";

/// An e-mail the service sends on its own: queued once under its key, then sent by one
/// instance. Its text holds references and dates only.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Mail {
    pub mail_id: String,
    /// `digest` (an organisation's inbox), `week` (a caseworker's), `notice`.
    pub kind: String,
    pub inbox: String,
    /// Whom it is to, in words for the chronology: an organisation's name, "the caseworker".
    pub to_whom: String,
    pub day: String,
    pub subject: String,
    pub body: String,
    /// The children it concerns (their ids).
    pub children: Vec<String>,
    /// The child's contact it is to (a family member), when it is to one.
    pub contact_id: Option<String>,
    /// `queued`, `sending`, `sent` or `failed`.
    pub status: String,
    pub attempts: i64,
    /// Why the last attempt failed.
    pub error: Option<String>,
    pub queued_at: String,
    pub claimed_at: Option<String>,
    pub sent_at: Option<String>,
}

const MAIL_COLUMNS: &str = "mail_id, kind, inbox, to_whom, day, subject, body, children, status, attempts, error, queued_at, \
     claimed_at, sent_at, contact_id";

fn mail_of(row: &AnyRow) -> Result<Mail, StoreError> {
    let children: String = row.try_get(7)?;
    Ok(Mail {
        mail_id: row.try_get(0)?,
        kind: row.try_get(1)?,
        inbox: row.try_get(2)?,
        to_whom: row.try_get(3)?,
        day: row.try_get(4)?,
        subject: row.try_get(5)?,
        body: row.try_get(6)?,
        children: children.split(',').filter(|c| !c.is_empty()).map(str::to_string).collect(),
        status: row.try_get(8)?,
        attempts: row.try_get(9)?,
        error: row.try_get(10)?,
        queued_at: row.try_get(11)?,
        claimed_at: row.try_get(12)?,
        sent_at: row.try_get(13)?,
        contact_id: row.try_get(14)?,
    })
}

/// Wrong guesses a one-time code survives: at the third it is gone.
pub const CODE_GUESSES: i64 = 3;

/// The key a portal sign-in's failures are counted under, apart from the same address's staff
/// sign-ins (a wrong code never locks a staff account, nor a right one forgives wrong passwords).
pub fn portal_key(email: &str) -> String {
    format!("portal:{email}")
}

/// How many times an e-mail is tried before it is left for an admin to see.
pub const MAIL_ATTEMPTS: i64 = 5;

impl Store {
    /// Adds `email` to an organisation's members, with its audit row. An existing member is
    /// [`StoreError::Duplicate`]; an organisation not in the register is refused by the database.
    pub async fn add_member(&self, member: &Member, event: &AuditEvent) -> Result<(), StoreError> {
        let mut work = self.begin().await?;
        let exists: Option<String> =
            sqlx::query_scalar("SELECT email FROM portal_members WHERE organisation_id = $1 AND email = $2")
                .bind(member.organisation_id.clone())
                .bind(member.email.clone())
                .fetch_optional(work.conn())
                .await?;
        if exists.is_some() {
            return Err(StoreError::Duplicate { record: "member", id: member.email.clone() });
        }
        let known: Option<String> =
            sqlx::query_scalar("SELECT organisation_id FROM organisations WHERE organisation_id = $1")
                .bind(member.organisation_id.clone())
                .fetch_optional(work.conn())
                .await?;
        if known.is_none() {
            return Err(StoreError::NotFound { record: "organisation", id: member.organisation_id.clone() });
        }
        sqlx::query(
            "INSERT INTO portal_members (organisation_id, email, is_admin, added_by, added_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(member.organisation_id.clone())
        .bind(member.email.clone())
        .bind(i64::from(member.is_admin))
        .bind(member.added_by.clone())
        .bind(member.added_at.clone())
        .execute(work.conn())
        .await?;
        audit::record(&mut work, event).await?;
        work.commit().await
    }

    /// Removes a member, with its audit row; their sessions end when they belong nowhere else.
    pub async fn remove_member(
        &self,
        organisation_id: &str,
        email: &str,
        event: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut work = self.begin().await?;
        let done = sqlx::query("DELETE FROM portal_members WHERE organisation_id = $1 AND email = $2")
            .bind(organisation_id.to_string())
            .bind(email.to_string())
            .execute(work.conn())
            .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::NotFound { record: "member", id: email.to_string() });
        }
        let elsewhere: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM portal_members WHERE email = $1")
            .bind(email.to_string())
            .fetch_one(work.conn())
            .await?;
        if elsewhere == 0 {
            sqlx::query("DELETE FROM portal_sessions WHERE email = $1")
                .bind(email.to_string())
                .execute(work.conn())
                .await?;
        }
        audit::record(&mut work, event).await?;
        work.commit().await
    }

    /// An organisation's members, by e-mail.
    pub async fn members_of(&self, organisation_id: &str) -> Result<Vec<Member>, StoreError> {
        let sql = format!("SELECT {MEMBER_COLUMNS} FROM portal_members WHERE organisation_id = $1 ORDER BY email");
        let rows: Vec<AnyRow> =
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(organisation_id.to_string()).fetch_all(self.pool()).await?;
        rows.iter().map(member_of).collect()
    }

    /// The organisations `email` is a member of.
    pub async fn memberships(&self, email: &str) -> Result<Vec<Member>, StoreError> {
        let sql = format!("SELECT {MEMBER_COLUMNS} FROM portal_members WHERE email = $1 ORDER BY organisation_id");
        let rows: Vec<AnyRow> =
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(email.to_string()).fetch_all(self.pool()).await?;
        rows.iter().map(member_of).collect()
    }

    /// Keeps a new one-time code for `email` (its hash; any earlier code is replaced) and
    /// counts the request, with its audit row, in one transaction.
    pub async fn set_code(
        &self,
        email: &str,
        code_hash: &str,
        expires_at: &str,
        address: &str,
        at: &str,
        event: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut work = self.begin().await?;
        sqlx::query("DELETE FROM portal_codes WHERE email = $1").bind(email.to_string()).execute(work.conn()).await?;
        sqlx::query("INSERT INTO portal_codes (email, code_hash, expires_at) VALUES ($1, $2, $3)")
            .bind(email.to_string())
            .bind(code_hash.to_string())
            .bind(expires_at.to_string())
            .execute(work.conn())
            .await?;
        sqlx::query("INSERT INTO portal_code_requests (email, address, at) VALUES ($1, $2, $3)")
            .bind(email.to_string())
            .bind(address.to_string())
            .bind(at.to_string())
            .execute(work.conn())
            .await?;
        audit::record(&mut work, event).await?;
        work.commit().await
    }

    /// How many codes were asked for since `since` for `email`, and from `address`.
    pub async fn code_requests(&self, email: &str, address: &str, since: &str) -> Result<(i64, i64), StoreError> {
        let count = |column: &'static str, value: &str| {
            let sql = format!("SELECT COUNT(*) FROM portal_code_requests WHERE {column} = $1 AND at >= $2");
            sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql))
                .bind(value.to_string())
                .bind(since.to_string())
                .fetch_one(self.pool())
        };
        Ok((count("email", email).await?, count("address", address).await?))
    }

    /// Uses `email`'s code if its hash is `code_hash` and it has not expired by `now`: true
    /// once, and the code is gone (single use). When it matches, the portal session of
    /// `token_hash` is started (ending the browser's earlier one, `ending`), the address's
    /// failed portal sign-ins (kept as `portal:EMAIL`, apart from staff sign-ins) are forgotten
    /// and the audit row written, in one transaction. A wrong code counts against it: after
    /// [`CODE_GUESSES`] wrong ones it is gone, and a new one must be asked for.
    pub async fn use_code(
        &self,
        email: &str,
        code_hash: &str,
        now: &str,
        (token_hash, ending): (&str, Option<&str>),
        event: &AuditEvent,
    ) -> Result<bool, StoreError> {
        let mut work = self.begin().await?;
        let done = sqlx::query("DELETE FROM portal_codes WHERE email = $1 AND code_hash = $2 AND expires_at >= $3")
            .bind(email.to_string())
            .bind(code_hash.to_string())
            .bind(now.to_string())
            .execute(work.conn())
            .await?;
        if done.rows_affected() != 1 {
            sqlx::query("UPDATE portal_codes SET wrong = wrong + 1 WHERE email = $1")
                .bind(email.to_string())
                .execute(work.conn())
                .await?;
            sqlx::query("DELETE FROM portal_codes WHERE email = $1 AND wrong >= $2")
                .bind(email.to_string())
                .bind(CODE_GUESSES)
                .execute(work.conn())
                .await?;
            work.commit().await?;
            return Ok(false);
        }
        if let Some(old) = ending {
            end_portal_session(&mut work, old).await?;
        }
        sqlx::query(
            "INSERT INTO portal_sessions (token_hash, email, created_at, last_seen_at) VALUES ($1, $2, $3, $3)",
        )
        .bind(token_hash.to_string())
        .bind(email.to_string())
        .bind(now.to_string())
        .execute(work.conn())
        .await?;
        crate::people::clear_failed_sign_ins(&mut work, &portal_key(email)).await?;
        audit::record(&mut work, event).await?;
        work.commit().await?;
        Ok(true)
    }

    /// The e-mail of the live portal session of `token_hash` (used since `idle_since`, and
    /// begun since `begun_since`), marked used `now`; a session idle or too old is ended.
    pub async fn portal_session(
        &self,
        token_hash: &str,
        (idle_since, begun_since): (&str, &str),
        now: &str,
    ) -> Result<Option<String>, StoreError> {
        let mut work = self.begin().await?;
        let found: Option<(String, String, String)> =
            sqlx::query_as("SELECT email, last_seen_at, created_at FROM portal_sessions WHERE token_hash = $1")
                .bind(token_hash.to_string())
                .fetch_optional(work.conn())
                .await?;
        let live = match found {
            Some((email, seen, begun)) if seen.as_str() >= idle_since && begun.as_str() >= begun_since => {
                // Its last use kept to the minute: a page a second does not write a second.
                if seen.get(..16) != now.get(..16) {
                    sqlx::query("UPDATE portal_sessions SET last_seen_at = $1 WHERE token_hash = $2")
                        .bind(now.to_string())
                        .bind(token_hash.to_string())
                        .execute(work.conn())
                        .await?;
                }
                Some(email)
            }
            Some(_) => {
                end_portal_session(&mut work, token_hash).await?;
                None
            }
            None => None,
        };
        work.commit().await?;
        Ok(live)
    }

    /// Ends a portal session (signing out), with its audit row.
    pub async fn end_portal_session(&self, token_hash: &str, event: &AuditEvent) -> Result<(), StoreError> {
        let mut work = self.begin().await?;
        end_portal_session(&mut work, token_hash).await?;
        audit::record(&mut work, event).await?;
        work.commit().await
    }

    /// Queues `mail` under its key, once: false when an e-mail of that key was queued before
    /// (by this instance or another sharing the database), which is then left as it is.
    pub async fn queue_mail(&self, mail: &Mail) -> Result<bool, StoreError> {
        // Through a unit of work: on SQLite it takes this store's turn to write, so that no
        // other transaction of this process finds the database changed under it.
        let mut work = self.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO mail (mail_id, kind, inbox, to_whom, day, subject, body, children, status, attempts, queued_at, \
             contact_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'queued', 0, $9, $10) ON CONFLICT (mail_id) DO NOTHING",
        )
        .bind(mail.mail_id.clone())
        .bind(mail.kind.clone())
        .bind(mail.inbox.clone())
        .bind(mail.to_whom.clone())
        .bind(mail.day.clone())
        .bind(mail.subject.clone())
        .bind(mail.body.clone())
        .bind(mail.children.join(","))
        .bind(mail.queued_at.clone())
        .bind(mail.contact_id.clone())
        .execute(work.conn())
        .await?;
        work.commit().await?;
        Ok(inserted.rows_affected() == 1)
    }

    /// The e-mails waiting to be sent: queued, failed fewer than [`MAIL_ATTEMPTS`] times, or
    /// claimed before `stale_before` by a sender that never finished.
    pub async fn mail_to_send(&self, stale_before: &str) -> Result<Vec<Mail>, StoreError> {
        let sql = format!(
            "SELECT {MAIL_COLUMNS} FROM mail WHERE status = 'queued' OR (status = 'failed' AND attempts < $1) \
             OR (status = 'sending' AND claimed_at < $2) ORDER BY queued_at, mail_id"
        );
        let rows: Vec<AnyRow> = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(MAIL_ATTEMPTS)
            .bind(stale_before.to_string())
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(mail_of).collect()
    }

    /// Claims a waiting e-mail for sending: true for exactly one caller however many ask at
    /// once (the database's update decides), which then sends it and says how it went.
    pub async fn claim_mail(&self, mail_id: &str, now: &str, stale_before: &str) -> Result<bool, StoreError> {
        let mut work = self.begin().await?;
        let claimed = sqlx::query(
            "UPDATE mail SET status = 'sending', attempts = attempts + 1, claimed_at = $1 WHERE mail_id = $2 \
             AND (status = 'queued' OR (status = 'failed' AND attempts < $3) OR (status = 'sending' AND claimed_at < $4))",
        )
        .bind(now.to_string())
        .bind(mail_id.to_string())
        .bind(MAIL_ATTEMPTS)
        .bind(stale_before.to_string())
        .execute(work.conn())
        .await?;
        work.commit().await?;
        Ok(claimed.rows_affected() == 1)
    }

    /// Marks a claimed e-mail sent at `at`, with the chronology entries that record it
    /// (`entries`: case log records) and its audit row, in one transaction; returns the
    /// casework version when entries were written.
    pub async fn mail_sent(
        &self,
        mail_id: &str,
        at: &str,
        entries: &sendtrack_domain::records::Casework,
        event: &AuditEvent,
    ) -> Result<Option<i64>, StoreError> {
        use sendtrack_domain::validation::RecordFile;
        let mut work = self.begin().await?;
        sqlx::query("UPDATE mail SET status = 'sent', sent_at = $1, error = NULL WHERE mail_id = $2")
            .bind(at.to_string())
            .bind(mail_id.to_string())
            .execute(work.conn())
            .await?;
        let mut version = None;
        for i in 0..entries.case_log.len() {
            let one = sendtrack_domain::records::Casework {
                case_log: std::iter::once(entries.case_log[i].clone()).collect(),
                ..Default::default()
            };
            crate::casework::write_record(&mut work, RecordFile::CaseLog, &one, None).await?;
        }
        if !entries.case_log.is_empty() {
            version = Some(crate::casework::raise_version(&mut work).await?);
        }
        audit::record(&mut work, event).await?;
        work.commit().await?;
        Ok(version)
    }

    /// Marks a claimed e-mail failed, with why (shown to admins; tried again later).
    pub async fn mail_failed(&self, mail_id: &str, why: &str) -> Result<(), StoreError> {
        let mut work = self.begin().await?;
        sqlx::query("UPDATE mail SET status = 'failed', error = $1 WHERE mail_id = $2")
            .bind(why.chars().take(500).collect::<String>())
            .bind(mail_id.to_string())
            .execute(work.conn())
            .await?;
        work.commit().await
    }

    /// The e-mails that failed (to be tried again, or tried too often), for admins.
    pub async fn failed_mail(&self) -> Result<Vec<Mail>, StoreError> {
        let sql = format!("SELECT {MAIL_COLUMNS} FROM mail WHERE status = 'failed' ORDER BY queued_at DESC, mail_id");
        let rows: Vec<AnyRow> = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(self.pool()).await?;
        rows.iter().map(mail_of).collect()
    }

    /// The latest e-mails, newest first (for admins).
    pub async fn recent_mail(&self, limit: i64) -> Result<Vec<Mail>, StoreError> {
        let sql = format!("SELECT {MAIL_COLUMNS} FROM mail ORDER BY queued_at DESC, mail_id LIMIT $1");
        let rows: Vec<AnyRow> = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(limit).fetch_all(self.pool()).await?;
        rows.iter().map(mail_of).collect()
    }
}

async fn end_portal_session(work: &mut Work<'_>, token_hash: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM portal_sessions WHERE token_hash = $1")
        .bind(token_hash.to_string())
        .execute(work.conn())
        .await?;
    Ok(())
}

/// A family member's access to a child's case in the portal (issue 20).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FamilyAccess {
    /// The child's contact invited (a parent, carer or the young person).
    pub contact_id: String,
    pub child_id: String,
    /// The address they sign in with (the contact's, when invited).
    pub email: String,
    pub invited_by: String,
    pub invited_at: String,
    pub ended_by: Option<String>,
    pub ended_at: Option<String>,
    /// A young person's own account: whether their parents keep access, with their consent.
    pub parents_keep_access: Option<bool>,
}

const ACCESS_COLUMNS: &str =
    "contact_id, child_id, email, invited_by, invited_at, ended_by, ended_at, parents_keep_access";

fn access_of(row: &AnyRow) -> Result<FamilyAccess, StoreError> {
    Ok(FamilyAccess {
        contact_id: row.try_get(0)?,
        child_id: row.try_get(1)?,
        email: row.try_get(2)?,
        invited_by: row.try_get(3)?,
        invited_at: row.try_get(4)?,
        ended_by: row.try_get(5)?,
        ended_at: row.try_get(6)?,
        parents_keep_access: row.try_get::<Option<i64>, _>(7)?.map(|v| v != 0),
    })
}

impl Store {
    /// Gives a family member access (again, if it had ended), with its audit row; when a young
    /// person's parents do not keep access, theirs ends in the same transaction.
    pub async fn invite_family(&self, access: &FamilyAccess, event: &AuditEvent) -> Result<(), StoreError> {
        let mut work = self.begin().await?;
        sqlx::query("DELETE FROM family_access WHERE contact_id = $1")
            .bind(access.contact_id.clone())
            .execute(work.conn())
            .await?;
        sqlx::query(
            "INSERT INTO family_access (contact_id, child_id, email, invited_by, invited_at, parents_keep_access) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(access.contact_id.clone())
        .bind(access.child_id.clone())
        .bind(access.email.clone())
        .bind(access.invited_by.clone())
        .bind(access.invited_at.clone())
        .bind(access.parents_keep_access.map(i64::from))
        .execute(work.conn())
        .await?;
        if access.parents_keep_access == Some(false) {
            sqlx::query(
                "UPDATE family_access SET ended_by = $1, ended_at = $2 \
                 WHERE child_id = $3 AND contact_id <> $4 AND ended_at IS NULL",
            )
            .bind(access.invited_by.clone())
            .bind(access.invited_at.clone())
            .bind(access.child_id.clone())
            .bind(access.contact_id.clone())
            .execute(work.conn())
            .await?;
        }
        audit::record(&mut work, event).await?;
        work.commit().await
    }

    /// Ends a family member's access, with its audit row: [`StoreError::NotFound`] when it has
    /// none live.
    pub async fn end_family_access(
        &self,
        contact_id: &str,
        by: &str,
        at: &str,
        event: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut work = self.begin().await?;
        let done = sqlx::query(
            "UPDATE family_access SET ended_by = $1, ended_at = $2 WHERE contact_id = $3 AND ended_at IS NULL",
        )
        .bind(by.to_string())
        .bind(at.to_string())
        .bind(contact_id.to_string())
        .execute(work.conn())
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::NotFound { record: "family access", id: contact_id.to_string() });
        }
        audit::record(&mut work, event).await?;
        work.commit().await
    }

    /// Every access, live or ended, to a child's case.
    pub async fn family_access_of_child(&self, child_id: &str) -> Result<Vec<FamilyAccess>, StoreError> {
        let sql = format!("SELECT {ACCESS_COLUMNS} FROM family_access WHERE child_id = $1 ORDER BY invited_at");
        let rows: Vec<AnyRow> =
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(child_id.to_string()).fetch_all(self.pool()).await?;
        rows.iter().map(access_of).collect()
    }

    /// The live accesses of the person signing in with `email`.
    pub async fn family_access_of(&self, email: &str) -> Result<Vec<FamilyAccess>, StoreError> {
        let sql = format!(
            "SELECT {ACCESS_COLUMNS} FROM family_access WHERE email = $1 AND ended_at IS NULL ORDER BY child_id"
        );
        let rows: Vec<AnyRow> =
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(email.to_string()).fetch_all(self.pool()).await?;
        rows.iter().map(access_of).collect()
    }
}

/// Removes a child's family access and the e-mail sent to their family (erasure): the
/// addresses are personal data.
pub(crate) async fn erase_family(work: &mut Work<'_>, child_id: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM mail WHERE contact_id IN (SELECT contact_id FROM contacts WHERE child_id = $1)")
        .bind(child_id.to_string())
        .execute(work.conn())
        .await?;
    sqlx::query("DELETE FROM family_access WHERE child_id = $1")
        .bind(child_id.to_string())
        .execute(work.conn())
        .await?;
    Ok(())
}
