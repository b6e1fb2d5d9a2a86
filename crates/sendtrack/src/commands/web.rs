//! `sendtrack serve` runs the web app; `sendtrack user add` adds a person who can sign in.

use anyhow::{Context, bail};
use sendtrack_domain::access::Role;
use sendtrack_store::Store;
use sendtrack_web::{AppState, Protection, hash_password, serve, serve_tls};
use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

/// How `sendtrack serve` serves.
pub struct ServeOptions<'a> {
    pub addr: &'a str,
    pub authority: &'a str,
    pub session_minutes: i64,
    /// The certificate chain and private key (PEM files) to serve HTTPS with.
    pub tls: Option<(PathBuf, PathBuf)>,
    pub behind_tls_proxy: bool,
    /// The proxies trusted to set X-Forwarded-For (with `behind_tls_proxy`).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Where documents are kept, when not in the database.
    pub documents: Option<PathBuf>,
    /// How e-mail is sent, if it is.
    pub mail: super::mail::MailOptions,
}

pub async fn run_server(
    db: &str,
    options: &ServeOptions<'_>,
    today: Option<jiff::civil::Date>,
) -> anyhow::Result<ExitCode> {
    if options.session_minutes < 1 {
        bail!("--session-minutes must be at least 1");
    }
    let secret_key = sendtrack_web::SecretKey::from_environment().map_err(anyhow::Error::msg)?;
    if secret_key.is_none() {
        eprintln!(
            "warning: {} is not set, so nobody can set up a second factor; see the README's Security section",
            sendtrack_web::KEY_VARIABLE
        );
    }
    let store = Store::open_existing(db).await?;
    let protection = Protection {
        secret_key,
        idle_minutes: options.session_minutes,
        secure_cookies: options.tls.is_some() || options.behind_tls_proxy,
        trusted_proxies: if options.behind_tls_proxy { options.trusted_proxies.clone() } else { Vec::new() },
        ..Protection::default()
    };
    if let Some(dir) = &options.documents {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the documents directory {}", dir.display()))?;
    }
    let scheme = if options.tls.is_some() || options.behind_tls_proxy { "https" } else { "http" };
    let mail = options.mail.mailer(&format!("{scheme}://{}", options.addr))?;
    let state = Arc::new(
        AppState::new(store, options.authority.to_string(), today)
            .with_protection(protection)
            .with_documents(options.documents.clone())
            .with_mail(mail)
            .with_scorecard_patience(Some(sendtrack_web::SCORECARD_PATIENCE)),
    );
    sendtrack_web::start_mail_job(state.clone());
    let authority = options.authority;
    let addr = options.addr;
    match &options.tls {
        Some((cert, key)) => serve_tls(state, addr, cert, key, |bound| {
            println!("sendtrack is serving {authority} on https://{bound}/ (press Ctrl+C to stop)")
        })
        .await
        .with_context(|| format!("cannot serve HTTPS on {addr} with {} and {}", cert.display(), key.display()))?,
        None => serve(state, addr, |bound| {
            println!("sendtrack is serving {authority} on http://{bound}/ (press Ctrl+C to stop)")
        })
        .await
        .with_context(|| format!("cannot serve on {addr}"))?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads the new user's password: from a hidden prompt on a terminal, asked twice; else the
/// first line of standard input, and the second when there is one, which must be the same (a
/// confirmation). Never from a flag, where it would be kept in the shell's history. The
/// password must meet the same rule as in the web app.
fn read_password(email: &str) -> anyhow::Result<String> {
    let (password, confirmation) = if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")?;
        (first, Some(rpassword::prompt_password("The same password again: ")?))
    } else {
        let mut lines = std::io::stdin().lock().lines();
        let first = lines.next().transpose()?.unwrap_or_default();
        let second = lines.next().transpose()?;
        (first, second)
    };
    let clean = |line: &str| line.trim_end_matches(['\r', '\n']).to_string();
    let password = clean(&password);
    if let Some(again) = confirmation.map(|c| clean(&c))
        && again != password
    {
        bail!("the two passwords are not the same; nothing was added");
    }
    sendtrack_domain::access::check_password(&password, email).map_err(anyhow::Error::msg)?;
    Ok(password)
}

pub async fn add_user(
    db: &str,
    email: &str,
    role: &str,
    staff_id: Option<&str>,
    today: jiff::civil::Date,
) -> anyhow::Result<ExitCode> {
    let role = Role::parse(role).map_err(anyhow::Error::msg)?;
    let email = sendtrack_domain::access::check_email(email).map_err(anyhow::Error::msg)?;
    let password = read_password(&email)?;
    let hash = tokio::task::spawn_blocking(move || hash_password(&password)).await?;
    let store = Store::open_existing(db).await?;
    let staff_id = staff_id.map(str::trim).filter(|s| !s.is_empty());
    store.add_user(&email, role, &hash, staff_id, &today.to_string()).await?;
    println!("Added {email} as {}.", role.code());
    Ok(ExitCode::SUCCESS)
}
