//! `sendtrack serve` runs the web app; `sendtrack user add` adds a person who can sign in.

use anyhow::{Context, bail};
use sendtrack_domain::access::Role;
use sendtrack_store::Store;
use sendtrack_web::{AppState, hash_password, serve};
use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;
use std::sync::Arc;

pub async fn run_server(
    db: &str,
    addr: &str,
    authority: &str,
    today: Option<jiff::civil::Date>,
) -> anyhow::Result<ExitCode> {
    let store = Store::open(db).await?;
    let state = Arc::new(AppState::new(store, authority.to_string(), today));
    serve(state, addr, |bound| println!("sendtrack is serving {authority} on http://{bound}/ (press Ctrl+C to stop)"))
        .await
        .with_context(|| format!("cannot serve on {addr}"))?;
    Ok(ExitCode::SUCCESS)
}

/// Reads the new user's password: from a hidden prompt on a terminal, else the first line of
/// standard input. Never from a flag, where it would be kept in the shell's history.
fn read_password() -> anyhow::Result<String> {
    let password = if std::io::stdin().is_terminal() {
        rpassword::prompt_password("Password: ")?
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        line.trim_end_matches(['\r', '\n']).to_string()
    };
    if password.chars().count() < 12 {
        bail!("the password must have at least 12 characters");
    }
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
    let email = email.trim().to_lowercase();
    if !email.contains('@') {
        bail!("'{email}' is not an email address");
    }
    let password = read_password()?;
    let hash = tokio::task::spawn_blocking(move || hash_password(&password)).await?;
    let store = Store::open(db).await?;
    let staff_id = staff_id.map(str::trim).filter(|s| !s.is_empty());
    store.add_user(&email, role, &hash, staff_id, &today.to_string()).await?;
    println!("Added {email} as {}.", role.code());
    Ok(ExitCode::SUCCESS)
}
