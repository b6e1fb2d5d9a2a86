//! Data protection chores: `sendtrack erase --child ID` removes a child's personal data while
//! keeping the anonymous counts past scorecards need; `sendtrack subject-access --child ID`
//! writes everything held about one child. Both are recorded in the audit trail, attributed to
//! the person running the command.

use anyhow::{Context, bail};
use sendtrack_domain::records::Casework;
use sendtrack_domain::timeline::ChildIndex;
use sendtrack_store::{AuditEvent, AuditQuery, Store, StoreError};
use std::path::Path;
use std::process::ExitCode;

/// Who runs the command, for the audit trail: `--by`, else the operating-system user.
fn operator(by: Option<&str>) -> String {
    by.map(str::to_string)
        .or_else(|| std::env::var("USER").ok())
        .map_or_else(|| "cli:unknown".to_string(), |u| if u.contains('@') { u } else { format!("cli:{u}") })
}

fn event(by: Option<&str>, action: &str, child: &str) -> AuditEvent {
    AuditEvent { child_id: Some(child.to_string()), ..command_event(by, action) }
}

/// An audit row for something done from the command line, by `by` or the operating-system user.
pub fn command_event(by: Option<&str>, action: &str) -> AuditEvent {
    AuditEvent {
        at: jiff::Timestamp::now().strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
        email: operator(by),
        action: action.to_string(),
        child_id: None,
        detail: None,
        address: Some("command line".to_string()),
    }
}

/// Records an export from the command line in the database's audit trail.
pub async fn audit_export(store: &Store, action: &str) -> anyhow::Result<()> {
    store.audit_batch(&[command_event(None, action)]).await.context("cannot write the audit trail")
}

pub async fn erase(db: &str, child: &str, by: Option<&str>) -> anyhow::Result<ExitCode> {
    let store = Store::open(db).await?;
    match store.erase_child(child, &event(by, "erase child", child)).await {
        Ok(()) => {}
        Err(StoreError::NotFound { .. }) => bail!("there is no child {child} in {db}"),
        Err(e) => return Err(e.into()),
    }
    println!(
        "Erased the personal data of child {child}: names, UPN, ULN, postcode and ethnicity. Their casework stays, under the opaque id, so the measures of past months do not change."
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn subject_access(db: &str, child: &str, out: &Path, by: Option<&str>) -> anyhow::Result<ExitCode> {
    let store = Store::open(db).await?;
    let cw = store.load().await?;
    let index = ChildIndex::new(&cw);
    if index.child(&cw, child).is_none() {
        bail!("there is no child {child} in {db}");
    }
    let own = Casework {
        feedback: cw.feedback.iter().filter(|f| f.child_id.as_deref() == Some(child)).cloned().collect(),
        ..index.own(&cw, child)
    };
    sendtrack_interchange::write_folder_for_people(out, &own)
        .with_context(|| format!("cannot write {}", out.display()))?;
    // Who has read or changed the record, and when.
    let rows = store
        .audit_search(&AuditQuery { child_id: Some(child.to_string()), ..AuditQuery::default() }, i64::MAX)
        .await?;
    let path = out.join("audit.csv");
    let mut writer = csv::Writer::from_path(&path).with_context(|| format!("cannot write {}", path.display()))?;
    writer.write_record(["at", "email", "action", "address", "detail"])?;
    for r in rows.iter().rev() {
        sendtrack_interchange::for_people::write_row(
            &mut writer,
            [
                r.at.as_str(),
                r.email.as_str(),
                r.action.as_str(),
                r.address.as_deref().unwrap_or(""),
                r.detail.as_deref().unwrap_or(""),
            ],
        )?;
    }
    writer.flush()?;
    store.audit_batch(&[event(by, "subject access export", child)]).await?;
    println!(
        "Wrote everything held about child {child} to {}: {} records as interchange files, and {} audit rows in audit.csv.",
        out.display(),
        own.counts().total(),
        rows.len()
    );
    Ok(ExitCode::SUCCESS)
}
