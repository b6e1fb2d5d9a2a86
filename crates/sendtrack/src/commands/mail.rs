//! E-mail from the command line (issue 19): `sendtrack notify` runs the daily job once, and
//! `sendtrack org member add|remove` manages who may sign in to the portal.

use anyhow::{Context, bail};
use sendtrack_mail::{Links, Mailer};
use sendtrack_store::Store;
use std::process::ExitCode;

/// How `serve`, `demo` and `notify` send e-mail: `--smtp`, `--mail-from` and `--public-url`.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct MailOptions {
    /// Send e-mail (portal sign-in codes, notices, the daily digests) through this SMTP server:
    /// smtp://host:25 (plain, a relay on the same network), smtp://user:pass@host:587?tls=required
    /// (STARTTLS), smtps://user:pass@host:465 (TLS).
    #[arg(long)]
    pub smtp: Option<String>,
    /// The address e-mail is sent from.
    #[arg(long, requires = "smtp")]
    pub mail_from: Option<String>,
    /// The service's address as people reach it, for links in e-mails (default: the address
    /// it serves on; for notify, http://localhost:8080).
    #[arg(long)]
    pub public_url: Option<String>,
}

impl MailOptions {
    /// The mailer and links, when `--smtp` was given.
    pub fn mailer(&self, default_url: &str) -> anyhow::Result<Option<(Mailer, Links)>> {
        let Some(url) = &self.smtp else { return Ok(None) };
        let from = self.mail_from.as_deref().unwrap_or("sendtrack@localhost");
        let mailer = Mailer::new(url, from)?;
        let base = self.public_url.clone().unwrap_or_else(|| default_url.to_string());
        if !base.starts_with("http://") && !base.starts_with("https://") {
            bail!("--public-url must start with http:// or https://, like https://send.example.gov.uk");
        }
        Ok(Some((mailer, Links { base: base.trim_end_matches('/').to_string() })))
    }
}

/// `sendtrack notify`: queues the day's digests and sends everything waiting, once.
pub async fn notify(
    db: &str,
    options: &MailOptions,
    by: Option<&str>,
    today: jiff::civil::Date,
) -> anyhow::Result<ExitCode> {
    let Some((mailer, links)) = options.mailer("http://localhost:8080")? else {
        bail!("give the SMTP server to send through with --smtp");
    };
    let store = Store::open_existing(db).await?;
    let cw = store.load().await?;
    let by = super::protection::command_event(by, "notify").email;
    let done = sendtrack_mail::notify(&store, &cw, &mailer, today, &links, &by).await?;
    println!(
        "E-mail on {today}: {} queued, {} sent, {} failed (tried again on the next run; see /admin/mail).",
        done.queued, done.sent, done.failed
    );
    Ok(if done.failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// `sendtrack org member add|remove`.
pub async fn member(
    db: &str,
    organisation: &str,
    email: &str,
    admin: bool,
    remove: bool,
    by: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let email = sendtrack_domain::access::check_email(email).map_err(anyhow::Error::msg)?;
    let store = Store::open_existing(db).await?;
    let event = super::protection::command_event(by, if remove { "remove portal member" } else { "add portal member" });
    let event = sendtrack_store::AuditEvent { detail: Some(format!("{organisation}: {email}")), ..event };
    if remove {
        store.remove_member(organisation, &email, &event).await.with_context(|| format!("cannot remove {email}"))?;
        println!("Removed {email} from {organisation}.");
    } else {
        let member = sendtrack_store::portal::Member {
            organisation_id: organisation.to_string(),
            email: email.clone(),
            is_admin: admin,
            added_by: event.email.clone(),
            added_at: event.at.clone(),
        };
        store.add_member(&member, &event).await.with_context(|| format!("cannot add {email} to {organisation}"))?;
        println!(
            "Added {email} to {organisation}{}. They sign in at /portal with a code e-mailed to them.",
            if admin { " as its administrator" } else { "" }
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `sendtrack family invite`.
pub async fn invite(
    db: &str,
    contact: &str,
    parents_keep_access: Option<bool>,
    options: &MailOptions,
    by: Option<&str>,
    today: jiff::civil::Date,
) -> anyhow::Result<ExitCode> {
    let Some((mailer, links)) = options.mailer("http://localhost:8080")? else {
        bail!("give the SMTP server to e-mail the invitation through with --smtp");
    };
    let store = Store::open_existing(db).await?;
    let cw = store.load().await?;
    let by = super::protection::command_event(by, "invite").email;
    let access =
        sendtrack_mail::invite_family(&store, &cw, contact, parents_keep_access, &by, Some((&mailer, &links)), today)
            .await?;
    println!(
        "Invited contact {contact} to see child {}'s case at {}; the invitation was e-mailed to them.",
        access.child_id,
        links.portal()
    );
    Ok(ExitCode::SUCCESS)
}
