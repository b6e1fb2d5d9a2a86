//! The child's case file from the command line: the register of schools and settings
//! (`establishments import`) and the statutory letters (`letter`).

use anyhow::{Context, bail};
use sendtrack_interchange::gias::read_gias;
use sendtrack_store::Store;
use std::path::Path;
use std::process::ExitCode;

/// `sendtrack establishments import FILE`: replaces the register, all or nothing.
pub async fn import_establishments(db: &str, file: &Path) -> anyhow::Result<ExitCode> {
    let establishments = read_gias(file, &["EstablishmentName"])?;
    let store = Store::open_existing(db).await?;
    store
        .replace_establishments(&establishments)
        .await
        .with_context(|| format!("cannot store the establishments of {}", file.display()))?;
    println!("Loaded {} schools and settings from {}.", establishments.len(), file.display());
    Ok(ExitCode::SUCCESS)
}

/// What `sendtrack letter` is asked for.
pub struct LetterAsked {
    pub request: String,
    pub kind: String,
    pub advice: Option<String>,
    pub review: Option<String>,
    /// File it in the child's documents and log it in the chronology.
    pub file: bool,
}

/// `sendtrack letter`: writes the letter to `out` (.pdf or .docx), audited.
pub async fn letter(
    db: &str,
    asked: &LetterAsked,
    out: &Path,
    by: Option<&str>,
    today: jiff::civil::Date,
) -> anyhow::Result<ExitCode> {
    use sendtrack_domain::letters::{Asked, LetterKind};
    let kind = LetterKind::parse(&asked.kind).map_err(anyhow::Error::msg)?;
    let extension = out.extension().and_then(|e| e.to_str()).map(str::to_lowercase);
    if !matches!(extension.as_deref(), Some("pdf" | "docx")) {
        bail!("--out must name a .pdf or a .docx file");
    }
    let store = Store::open_existing(db).await?;
    let cw = store.load().await?;
    let index = sendtrack_domain::timeline::ChildIndex::new(&cw);
    let wanted = Asked {
        kind,
        request_id: &asked.request,
        advice_id: asked.advice.as_deref(),
        review_id: asked.review.as_deref(),
    };
    let (letter, child) =
        match sendtrack_web::letters::letter(&store, &cw, &index, &wanted, "Local authority SEND service", today).await
        {
            Ok(written) => written,
            Err(sendtrack_web::letters::LetterError::Refused(reason)) => bail!("cannot write the letter: {reason}"),
            Err(e) => return Err(e.into()),
        };
    let bytes = if extension.as_deref() == Some("pdf") {
        sendtrack_report::letter::letter_pdf(&letter)?
    } else {
        sendtrack_report::letter::letter_docx(&letter)?
    };
    std::fs::write(out, &bytes).with_context(|| format!("cannot write {}", out.display()))?;
    let event = super::protection::command_event(by, if asked.file { "file letter" } else { "write letter" });
    let event = sendtrack_store::AuditEvent {
        child_id: Some(child.clone()),
        detail: Some(format!("{} for request {}", kind.code(), asked.request)),
        ..event
    };
    if asked.file {
        // The case log names its author by staff id when the person is a member of staff.
        let staff =
            cw.staff.iter().find(|m| m.email.as_deref() == Some(event.email.as_str())).map(|m| m.staff_id.to_string());
        let (document, record) =
            sendtrack_web::letters::filing(&letter, &child, &bytes, &event.email, staff, today, event.at.clone())
                .context("cannot file the letter (no random id)")?;
        let with = [(sendtrack_domain::validation::RecordFile::CaseLog, &record, None)];
        store.file_document(&document, &bytes, None, &with, &event).await?;
    } else {
        store.audit_batch(&[event]).await?;
    }
    let filed = if asked.file { ", filed it in the child's documents and logged it" } else { "" };
    println!("Wrote the letter \"{}\" for request {} to {}{filed}.", kind.label(), asked.request, out.display());
    Ok(ExitCode::SUCCESS)
}

/// `sendtrack org add`: writes one organisation (new, or a change to the one with that id),
/// checked as a form's save is; audited.
pub async fn add_organisation(
    db: &str,
    cells: &[Option<&str>],
    by: Option<&str>,
    today: jiff::civil::Date,
) -> anyhow::Result<ExitCode> {
    use sendtrack_domain::records::Casework;
    use sendtrack_domain::validation::RecordFile;
    let store = Store::open_existing(db).await?;
    let cw = store.load().await?;
    let id = cells[0].unwrap_or_default();
    let held = cw.organisations.iter().any(|o| o.organisation_id.as_str() == id);
    let own = Casework { organisations: cw.organisations.clone(), ..Casework::default() };
    let cells: Vec<Option<&str>> = cells.iter().map(|c| c.filter(|t| !t.trim().is_empty())).collect();
    let record =
        match sendtrack_domain::editing::check_record(&own, RecordFile::Organisations, &cells, !held, today, &[]) {
            Ok(record) => record,
            Err(problems) => {
                let said: Vec<String> = problems
                    .iter()
                    .map(|p| format!("--{}: {}", p.column.unwrap_or("?").replace('_', "-"), p.message))
                    .collect();
                bail!("the organisation was not added:\n{}", said.join("\n"));
            }
        };
    let version = if held { Some(store.record_with_version(RecordFile::Organisations, id).await?.1) } else { None };
    let event =
        super::protection::command_event(by, &format!("{} organisation {id}", if held { "change" } else { "add" }));
    store.write_record(RecordFile::Organisations, &record, version, &event).await?;
    println!("{} organisation {id}.", if held { "Changed" } else { "Added" });
    Ok(ExitCode::SUCCESS)
}
