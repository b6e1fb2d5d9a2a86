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
    let store = Store::open_existing(db).await?;
    match store.erase_child(child, &event(by, "erase child", child)).await {
        Ok(()) => {}
        Err(StoreError::NotFound { .. }) => bail!("there is no child {child} in {db}"),
        Err(e) => return Err(e.into()),
    }
    println!(
        "Erased the personal data of child {child}: names, UPN, ULN, postcode and ethnicity, their contacts' names and details, the words of their case log and their documents. Their casework stays, under the opaque id, so the measures of past months do not change."
    );
    Ok(ExitCode::SUCCESS)
}

pub async fn subject_access(db: &str, child: &str, out: &Path, by: Option<&str>) -> anyhow::Result<ExitCode> {
    let store = Store::open_existing(db).await?;
    let cw = store.load().await?;
    let index = ChildIndex::new(&cw);
    if index.child(&cw, child).is_none() {
        bail!("there is no child {child} in {db}");
    }
    let mine = index.own(&cw, child);
    let own = Casework {
        feedback: cw.feedback.iter().filter(|f| f.child_id.as_deref() == Some(child)).cloned().collect(),
        promises: mine.promises.iter().filter(|p| p.child_id.is_some()).cloned().collect(),
        organisations: Default::default(),
        // The board paper's records of the child (issue 22): audits of their plan or advice
        // with their answers, and the flags other services supplied.
        quality_audits: cw.quality_audits.iter().filter(|a| a.child_id == child).cloned().collect(),
        audit_answers: cw
            .audit_answers
            .iter()
            .filter(|x| cw.quality_audits.iter().any(|a| a.audit_id == x.audit_id && a.child_id == child))
            .cloned()
            .collect(),
        cohort_flags: cw.cohort_flags.iter().filter(|f| f.child_id == child).cloned().collect(),
        ..mine
    };
    sendtrack_interchange::write_folder_for_people(out, &own)
        .with_context(|| format!("cannot write {}", out.display()))?;
    // The child's documents, every version, with a list of them.
    let documents = store.documents_of(child).await?;
    if !documents.is_empty() {
        let folder = out.join("documents");
        std::fs::create_dir_all(&folder).with_context(|| format!("cannot write {}", folder.display()))?;
        let list = out.join("documents.csv");
        let mut writer = csv::Writer::from_path(&list).with_context(|| format!("cannot write {}", list.display()))?;
        writer.write_record(["file", "title", "version", "type", "filed_at", "filed_by", "about"])?;
        for d in &documents {
            let name = format!("{}-v{}-{}", &d.series_id[..8.min(d.series_id.len())], d.version, d.file_name);
            let content = store.document_content(d).await?;
            std::fs::write(folder.join(&name), content).with_context(|| format!("cannot write {name}"))?;
            let about = [&d.request_id, &d.advice_id, &d.plan_id, &d.review_id]
                .into_iter()
                .flatten()
                .next()
                .cloned()
                .unwrap_or_default();
            let version = d.version.to_string();
            sendtrack_interchange::for_people::write_row(
                &mut writer,
                [
                    format!("documents/{name}").as_str(),
                    d.title.as_str(),
                    version.as_str(),
                    d.content_type.as_str(),
                    d.uploaded_at.as_str(),
                    d.uploaded_by.as_str(),
                    about.as_str(),
                ],
            )?;
        }
        writer.flush()?;
    }
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
        "Wrote everything held about child {child} to {}: {} records as interchange files, {} documents, and {} audit rows in audit.csv.",
        out.display(),
        own.counts().total(),
        documents.len(),
        rows.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// The setting that holds the audit trail's retention period, in years.
const RETENTION_SETTING: &str = "audit_retention_years";

/// How long audit rows are kept by default: six years (the Limitation Act 1980's period for
/// most claims) and the current one, so that a complaint, an Ombudsman enquiry or a claim about
/// a case can still be answered from the trail. An authority may set longer (see the README).
pub const DEFAULT_RETENTION_YEARS: i16 = 7;

async fn retention_years(store: &Store) -> anyhow::Result<i16> {
    match store.setting(RETENTION_SETTING).await? {
        None => Ok(DEFAULT_RETENTION_YEARS),
        Some(text) => text.parse().with_context(|| format!("the {RETENTION_SETTING} setting '{text}' is not a number")),
    }
}

/// `sendtrack audit retention`: shows, or sets with `--years`, how long audit rows are kept.
pub async fn audit_retention(db: &str, years: Option<i16>, by: Option<&str>) -> anyhow::Result<ExitCode> {
    let store = Store::open_existing(db).await?;
    if let Some(years) = years {
        if !(1..=100).contains(&years) {
            bail!("--years must be from 1 to 100");
        }
        store.set_setting(RETENTION_SETTING, &years.to_string()).await?;
        store.audit_batch(&[command_event(by, &format!("set audit retention to {years} years"))]).await?;
    }
    println!("Audit rows are kept for {} years; older ones may be archived.", retention_years(&store).await?);
    Ok(ExitCode::SUCCESS)
}

/// `sendtrack audit archive`: writes the audit rows before `before` (at most today less the
/// retention period; that cut-off by default) to `out` as CSV and removes them from the trail,
/// in one audited transaction.
pub async fn audit_archive(
    db: &str,
    before: Option<jiff::civil::Date>,
    out: &Path,
    by: Option<&str>,
    today: jiff::civil::Date,
) -> anyhow::Result<ExitCode> {
    let store = Store::open_existing(db).await?;
    let years = retention_years(&store).await?;
    let latest = today.checked_sub(jiff::Span::new().years(years)).context("the retention period is too long")?;
    let before = before.unwrap_or(latest);
    if before > latest {
        bail!(
            "audit rows are kept for {years} years, so only rows before {latest} may be archived; give --before {latest} or earlier"
        );
    }
    if out.exists() {
        bail!("{} already exists; archive to a new file", out.display());
    }
    let cut = format!("{before}T00:00:00Z");
    let action = format!("archive audit trail before {before} to {}", out.display());
    let archived = store
        .archive_audit(&cut, &command_event(by, &action), |rows| write_archive(out, rows))
        .await?
        .with_context(|| format!("cannot write {}; nothing was archived", out.display()))?;
    println!(
        "Archived {archived} audit rows from before {before} to {}; they are no longer in the trail.",
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// The archive file: the rows as CSV (neutralised for opening in a spreadsheet), written and
/// synced to disk before the rows are removed.
fn write_archive(out: &Path, rows: &[AuditEvent]) -> anyhow::Result<()> {
    let file = std::fs::OpenOptions::new().write(true).create_new(true).open(out)?;
    let mut writer = csv::Writer::from_writer(file);
    writer.write_record(["at", "email", "action", "child_id", "address", "detail"])?;
    for r in rows {
        sendtrack_interchange::for_people::write_row(
            &mut writer,
            [
                r.at.as_str(),
                r.email.as_str(),
                r.action.as_str(),
                r.child_id.as_deref().unwrap_or(""),
                r.address.as_deref().unwrap_or(""),
                r.detail.as_deref().unwrap_or(""),
            ],
        )?;
    }
    let file = writer.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?;
    file.sync_all()?;
    Ok(())
}

/// `sendtrack backup`: a consistent copy of a SQLite database while it is in use.
pub async fn backup(db: &str, out: &Path, by: Option<&str>) -> anyhow::Result<ExitCode> {
    let store = Store::open_existing(db).await?;
    if out.exists() {
        bail!("{} already exists; back up to a new file", out.display());
    }
    store.backup(out).await.with_context(|| format!("cannot back up {db} to {}", out.display()))?;
    store.audit_batch(&[command_event(by, &format!("backup to {}", out.display()))]).await?;
    println!("Backed up {db} to {}: a complete, consistent copy (open it with --db).", out.display());
    Ok(ExitCode::SUCCESS)
}
