//! The child's case file (issue 18): documents (upload, versions, download), the statutory
//! letters (preview, then filed as a document and logged in the chronology), the register of
//! schools and settings, and the admin's letter templates. Every upload, view and download is
//! audited; a document is reached only through its child, by a random id.

use crate::AppState;
use crate::auth::{CSRF_FIELD, Session, SignedIn};
use crate::error::{Answer, AppError};
use crate::govuk::{Caption, cell, heading, table};
use crate::layout::{csrf_field, page};
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use sendtrack_domain::letters::{Asked, LetterKind};
use sendtrack_domain::records::Casework;
use sendtrack_domain::validation::RecordFile;
use sendtrack_store::documents::Document;
use std::sync::Arc;

/// The setting holding the largest upload, in megabytes.
pub const MAX_MB_SETTING: &str = "documents_max_mb";
/// The largest upload when the admin has not said: 20 MB.
pub const DEFAULT_MAX_MB: u64 = 20;
/// The most an admin may allow (and what the router accepts): 100 MB.
pub const CEILING_MB: u64 = 100;

/// The types a document may be, found from its first bytes (never from its name).
pub fn sniff(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    if bytes.starts_with(b"%PDF-") {
        return Some(("application/pdf", "pdf"));
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some(("image/png", "png"));
    }
    if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        return Some(("image/jpeg", "jpg"));
    }
    if bytes.starts_with(b"PK\x03\x04") {
        let archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
        let has = |name: &str| archive.file_names().any(|n| n.is_ok_and(|n| n == name));
        if !has("[Content_Types].xml") {
            return None;
        }
        if has("word/document.xml") {
            return Some(("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"));
        }
        if has("xl/workbook.xml") {
            return Some(("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"));
        }
        return None;
    }
    let text = std::str::from_utf8(bytes).ok()?;
    let plain = !text.is_empty() && text.chars().all(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t' | '\u{c}'));
    plain.then_some(("text/plain; charset=utf-8", "txt"))
}

/// A new document's random id: 32 hexadecimal digits (128 bits), never guessable.
pub(crate) fn new_document_id() -> Option<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).ok()?;
    Some(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// SHA-256 of the content, in hex.
pub(crate) fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// What a document is attached to, as the upload form's `attach` value names it
/// (`requests:R1`, `advice:A1`, `plans:P1`, `reviews:V1`), checked against the child's own.
fn attachments(own: &Casework) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for r in &own.requests {
        found.push((format!("requests:{}", r.request_id), format!("Request {}", r.request_id)));
        for a in own.advice.iter().filter(|a| a.request_id == r.request_id) {
            let received = if a.received_on.is_some() { "" } else { " (marks it received)" };
            found.push((
                format!("advice:{}", a.advice_id),
                format!("{} advice {}{received}", a.kind.label(), a.advice_id),
            ));
        }
    }
    for p in &own.plans {
        found.push((format!("plans:{}", p.plan_id), format!("EHC plan {}", p.plan_id)));
        for v in own.reviews.iter().filter(|v| v.plan_id == p.plan_id) {
            found.push((format!("reviews:{}", v.review_id), format!("Annual review {}", v.review_id)));
        }
    }
    found
}

/// The documents of a child on their page: each document's latest version with its earlier
/// ones, the upload form, and the letters that can be written now.
pub fn documents_section(
    documents: &[Document],
    own: &Casework,
    child_id: &str,
    can_record: bool,
    user: &Session,
    letters: &[(LetterKind, String)],
) -> Markup {
    let attach = attachments(own);
    let attached = |d: &Document| -> String {
        let pairs =
            [("requests", &d.request_id), ("advice", &d.advice_id), ("plans", &d.plan_id), ("reviews", &d.review_id)];
        pairs
            .iter()
            .find_map(|(k, v)| v.as_ref().map(|id| format!("{k}:{id}")))
            .and_then(|key| attach.iter().find(|(k, _)| *k == key).map(|(_, w)| w.replace(" (marks it received)", "")))
            .unwrap_or_default()
    };
    let latest: Vec<&Document> = documents
        .iter()
        .filter(|d| !documents.iter().any(|e| e.series_id == d.series_id && e.version > d.version))
        .collect();
    html! {
        h2 class="govuk-heading-m" id="documents" { "Documents" }
        @if latest.is_empty() {
            p class="govuk-body" { "No documents yet." }
        } @else {
            (table(
                (Caption::Small, "The child's documents, latest version first; earlier versions are listed under each"),
                &[heading("Document"), heading("Filed")],
                latest.iter().map(|d| {
                    let earlier: Vec<&Document> = documents.iter().filter(|e| e.series_id == d.series_id && e.version < d.version).collect();
                    let about = attached(d);
                    vec![
                        cell(html! {
                            a class="govuk-link" href=(format!("/children/{child_id}/documents/{}", d.document_id)) { (d.title) " (download)" }
                            br;
                            span class="govuk-body-s" {
                                "Version " (d.version)
                                @if !about.is_empty() { " · " (about) }
                            }
                            @for e in &earlier {
                                br; a class="govuk-link govuk-body-s" href=(format!("/children/{child_id}/documents/{}", e.document_id)) { "Version " (e.version) " (download)" }
                            }
                        }),
                        cell(html! {
                            span class="st-nowrap" { (filed_on(&d.uploaded_at)) }
                            @if can_record { (super::family::share_form(d, child_id, user)) }
                            @else if d.shared_with_family { br; (crate::govuk::tag("Shared with the family", crate::govuk::Colour::Green)) }
                        }),
                    ]
                }),
            ))
        }
        @if can_record {
            details class="govuk-details" {
                summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "Upload a document" } }
                div class="govuk-details__text" {
                    form method="post" action=(format!("/children/{child_id}/documents")) enctype="multipart/form-data" novalidate {
                        input type="hidden" name=(CSRF_FIELD) value=(user.csrf);
                        div class="govuk-form-group" {
                            label class="govuk-label govuk-label--s" for="title" { "Title" }
                            div id="title-hint" class="govuk-hint" { "For example, Educational psychology advice" }
                            input class="govuk-input" id="title" name="title" type="text" aria-describedby="title-hint";
                        }
                        div class="govuk-form-group" {
                            label class="govuk-label govuk-label--s" for="attach" { "About (optional)" }
                            div id="attach-hint" class="govuk-hint" { "An advice document filed against advice not yet received marks it received today" }
                            select class="govuk-select" id="attach" name="attach" aria-describedby="attach-hint" {
                                option value="" { "The child generally" }
                                @for (value, words) in &attach { option value=(value) { (words) } }
                            }
                        }
                        @if !latest.is_empty() {
                            div class="govuk-form-group" {
                                label class="govuk-label govuk-label--s" for="series" { "A new version of (optional)" }
                                select class="govuk-select" id="series" name="series" {
                                    option value="" { "No: a new document" }
                                    @for d in &latest { option value=(d.series_id) { (d.title) " (version " (d.version) ")" } }
                                }
                            }
                        }
                        div class="govuk-form-group" {
                            label class="govuk-label govuk-label--s" for="file" { "The file" }
                            div id="file-hint" class="govuk-hint" { "PDF, Word (DOCX), Excel (XLSX), JPEG, PNG or plain text" }
                            input class="govuk-file-upload" id="file" name="file" type="file" aria-describedby="file-hint";
                        }
                        button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button" { "Upload" }
                    }
                }
            }
            @if !letters.is_empty() {
                h3 class="govuk-heading-s" { "Letters you can write now" }
                ul class="govuk-list" {
                    @for (kind, request) in letters {
                        li { a class="govuk-link" href=(format!("/children/{child_id}/letters?{}", serde_urlencoded::to_string([("kind", kind.code()), ("request", request.as_str())]).unwrap_or_default())) { (kind.label()) " (request " (request) ")" } }
                    }
                }
            }
        }
    }
}

/// The day a document was filed, in words (from its UTC time stamp).
fn filed_on(at: &str) -> String {
    at.get(..10)
        .and_then(|day| sendtrack_domain::dates::parse_date(day).ok())
        .map_or_else(|| at.to_string(), sendtrack_domain::dates::in_words)
}

/// The letters the child's records allow now: (kind, the request).
pub fn writable_letters(
    own: &Casework,
    settings: &sendtrack_domain::letters::Settings,
    today: jiff::civil::Date,
) -> Vec<(LetterKind, String)> {
    let mut found = Vec::new();
    for r in &own.requests {
        for kind in LetterKind::ALL {
            let asked = Asked { kind: *kind, request_id: &r.request_id, advice_id: None, review_id: None };
            let template = sendtrack_domain::letters::default_template(*kind);
            if sendtrack_domain::letters::write(own, &asked, &template, settings, today).is_ok() {
                found.push((*kind, r.request_id.to_string()));
            }
        }
    }
    found
}

/// A page saying what is wrong with an upload: 400 (or 413), nothing stored.
fn upload_refused(state: &AppState, user: &Session, child_id: &str, status: StatusCode, why: &str) -> Response {
    let mut response = super::message(
        status,
        &state.authority,
        Some(user),
        "The document was not uploaded",
        &[
            html! { (why) },
            html! { a class="govuk-link" href=(format!("/children/{child_id}#documents")) { "Go back to the child's record" } },
        ],
    );
    *response.status_mut() = status;
    response
}

/// Why an upload's file could not be read whole.
pub(crate) enum FileRefused {
    /// Larger than the limit.
    TooLarge,
    /// The connection ended or the body was malformed, with why.
    CutShort(String),
}

/// Reads an upload's file field as it streams, refusing it as soon as it passes `limit` bytes
/// (the case file's, the portal's and the families' uploads alike).
pub(crate) async fn read_file(
    field: &mut axum::extract::multipart::Field<'_>,
    limit: u64,
) -> Result<Vec<u8>, FileRefused> {
    let mut content = Vec::new();
    loop {
        match field.chunk().await {
            Ok(Some(chunk)) if (content.len() + chunk.len()) as u64 <= limit => content.extend_from_slice(&chunk),
            Ok(Some(_)) => return Err(FileRefused::TooLarge),
            Ok(None) => return Ok(content),
            Err(e) => return Err(FileRefused::CutShort(e.to_string())),
        }
    }
}

/// The largest upload the admin allows, in bytes.
pub(crate) async fn max_bytes(state: &AppState) -> Result<u64, AppError> {
    let mb = state.store.setting(MAX_MB_SETTING).await?.and_then(|t| t.parse::<u64>().ok()).unwrap_or(DEFAULT_MAX_MB);
    Ok(mb.clamp(1, CEILING_MB) * 1024 * 1024)
}

/// `POST /children/{id}/documents`: an upload, checked for size and type before anything is
/// stored.
pub async fn upload(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Path(child_id): Path<String>,
    mut form: Multipart,
) -> Answer {
    if !crate::auth::upload_token_matches(&mut form, &user).await {
        tracing::warn!("an upload without a valid CSRF token was refused");
        return Err(AppError::refused(super::csrf_refused()));
    }
    let (cw, index) = state.children().await?;
    if index.child(&cw, &child_id).is_none() {
        return Err(AppError::NotFound);
    }
    let own = index.own(&cw, &child_id);
    if !super::records::may_edit(&user, &own) {
        return Err(AppError::Forbidden);
    }
    let limit = max_bytes(&state).await?;
    let (mut title, mut attach, mut series, mut content, mut file_name) =
        (String::new(), String::new(), String::new(), Vec::new(), String::new());
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => {
                let why = format!("The upload could not be read ({e}); choose the file and send it again.");
                return Ok(upload_refused(&state, &user, &child_id, StatusCode::BAD_REQUEST, &why));
            }
        };
        match field.name().unwrap_or_default().to_string().as_str() {
            "file" => {
                file_name =
                    field.file_name().unwrap_or_default().rsplit(['/', '\\']).next().unwrap_or_default().to_string();
                let mut field = field;
                match read_file(&mut field, limit).await {
                    Ok(read) => content = read,
                    Err(FileRefused::TooLarge) => {
                        let why = format!("The file is larger than {} MB, the most allowed.", limit / 1024 / 1024);
                        return Ok(upload_refused(&state, &user, &child_id, StatusCode::PAYLOAD_TOO_LARGE, &why));
                    }
                    Err(FileRefused::CutShort(e)) => {
                        let why = format!("The upload was cut short ({e}); send it again.");
                        return Ok(upload_refused(&state, &user, &child_id, StatusCode::BAD_REQUEST, &why));
                    }
                }
            }
            name @ ("title" | "attach" | "series") => {
                let name = name.to_string();
                let text = field.text().await.unwrap_or_default();
                match name.as_str() {
                    "title" => title = text.trim().to_string(),
                    "attach" => attach = text,
                    _ => series = text,
                }
            }
            _ => {}
        }
    }
    if content.is_empty() {
        return Ok(upload_refused(&state, &user, &child_id, StatusCode::BAD_REQUEST, "Choose a file to upload."));
    }
    // Up to 100 MB to look into and hash: off the threads that answer pages.
    let (content, found, digest) = tokio::task::spawn_blocking(move || {
        let found = sniff(&content);
        let digest = found.is_some().then(|| sha256(&content));
        (content, found, digest)
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?;
    let Some((content_type, extension)) = found else {
        let why = "The file is not a PDF, Word (DOCX), Excel (XLSX), JPEG, PNG or plain text file (its content was checked, not its name).";
        return Ok(upload_refused(&state, &user, &child_id, StatusCode::UNSUPPORTED_MEDIA_TYPE, why));
    };
    if title.is_empty() {
        title = file_name.rsplit_once('.').map_or(file_name.as_str(), |(stem, _)| stem).to_string();
    }
    if let Err(why) = sendtrack_domain::identifiers::check_name(&title)
        .map(|_| ())
        .and_then(|_| if title.is_empty() { Err("Give the document a title.".to_string()) } else { Ok(()) })
    {
        return Ok(upload_refused(&state, &user, &child_id, StatusCode::BAD_REQUEST, &why));
    }
    if !attach.is_empty() && !attachments(&own).iter().any(|(k, _)| *k == attach) {
        let why = "Choose one of this child's records for the document to be about.";
        return Ok(upload_refused(&state, &user, &child_id, StatusCode::BAD_REQUEST, why));
    }
    let documents = state.store.documents_of(&child_id).await?;
    let version = if series.is_empty() {
        1
    } else {
        match documents.iter().filter(|d| d.series_id == series).map(|d| d.version).max() {
            Some(v) => v + 1,
            None => {
                let why = "Choose one of this child's documents for the new version.";
                return Ok(upload_refused(&state, &user, &child_id, StatusCode::BAD_REQUEST, why));
            }
        }
    };
    let Some(document_id) = new_document_id() else { return Err(AppError::internal("no random document id")) };
    let stem: String = title.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    let stem = if stem.trim_matches('-').is_empty() { "document".to_string() } else { stem };
    let mut document = Document {
        series_id: if series.is_empty() { document_id.clone() } else { series },
        document_id,
        version,
        child_id: child_id.clone(),
        file_name: format!("{}.{extension}", stem.trim_matches('-')),
        title,
        content_type: content_type.to_string(),
        size: content.len() as i64,
        sha256: digest.unwrap_or_default(),
        uploaded_at: crate::auth::stored(crate::auth::now()),
        uploaded_by: user.email.clone(),
        request_id: None,
        advice_id: None,
        plan_id: None,
        review_id: None,
        file_path: None,
        shared_with_family: false,
    };
    // Advice filed before it was marked received is received today.
    let mut change: Option<(Casework, i64)> = None;
    if let Some((kind, id)) = attach.split_once(':') {
        let id = Some(id.to_string());
        match kind {
            "requests" => document.request_id = id,
            "advice" => {
                document.advice_id = id.clone();
                if let Some(a) = own.advice.iter().find(|a| Some(a.advice_id.to_string()) == id)
                    && a.received_on.is_none()
                {
                    let (mut after, version) =
                        state.store.record_with_version(RecordFile::Advice, &a.advice_id).await?;
                    after.advice[0].received_on = Some(state.today());
                    change = Some((after, version));
                }
            }
            "plans" => document.plan_id = id,
            _ => document.review_id = id,
        }
    }
    let event = sendtrack_store::AuditEvent {
        detail: Some(format!("document {} version {}", document.document_id, document.version)),
        ..state.event(&user, "upload document", Some(&child_id))
    };
    let with: Vec<_> = change.iter().map(|(after, version)| (RecordFile::Advice, after, Some(*version))).collect();
    state.file_document(&document, &content, &with, &event).await?;
    Ok(Redirect::to(&format!("/children/{child_id}?saved=document#documents")).into_response())
}

#[derive(serde::Deserialize, Default)]
pub struct Viewing {
    /// `1` to open it in the browser (PDF, images, text) instead of downloading it.
    view: Option<String>,
}

/// `GET /children/{id}/documents/{doc}`: the document, to a person who may read the child;
/// audited.
pub async fn download(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Path((child_id, document_id)): Path<(String, String)>,
    Query(viewing): Query<Viewing>,
) -> Answer {
    let Some(document) = state.store.document(&document_id).await?.filter(|d| d.child_id == child_id) else {
        return Err(AppError::NotFound);
    };
    let content = state.store.document_content(&document).await?;
    let inline = viewing.view.as_deref() == Some("1");
    let event = sendtrack_store::AuditEvent {
        detail: Some(format!("document {} version {}", document.document_id, document.version)),
        ..state.event(&user, if inline { "view document" } else { "download document" }, Some(&child_id))
    };
    state.audit().event(event).await?;
    let disposition = format!(
        "{}; filename=\"{}\"",
        if inline { "inline" } else { "attachment" },
        document.file_name.replace('"', "")
    );
    Ok((
        [
            (header::CONTENT_TYPE, document.content_type.clone()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CONTENT_SECURITY_POLICY, "sandbox; default-src 'none'; img-src 'self'".to_string()),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        content,
    )
        .into_response())
}

#[derive(serde::Deserialize, Default, Clone)]
pub struct LetterAsked {
    kind: String,
    request: String,
    advice: Option<String>,
    review: Option<String>,
    /// `pdf` or `docx`, when filing.
    format: Option<String>,
}

impl LetterAsked {
    fn asked(&self) -> Option<Asked<'_>> {
        Some(Asked {
            kind: LetterKind::parse(&self.kind).ok()?,
            request_id: &self.request,
            advice_id: self.advice.as_deref().filter(|a| !a.is_empty()),
            review_id: self.review.as_deref().filter(|r| !r.is_empty()),
        })
    }
}

/// The letter for a child's request, or the page saying why it cannot be written yet.
async fn child_letter(
    state: &AppState,
    user: &Session,
    child_id: &str,
    asked: &LetterAsked,
) -> Result<Result<(sendtrack_domain::letters::Letter, Casework), Response>, AppError> {
    let (cw, index) = state.children().await?;
    if index.child(&cw, child_id).is_none() {
        return Err(AppError::NotFound);
    }
    let own = index.own(&cw, child_id);
    if !super::records::may_edit(user, &own) {
        return Err(AppError::Forbidden);
    }
    let Some(wanted) = asked.asked() else { return Err(AppError::NotFound) };
    if !own.requests.iter().any(|r| r.request_id.as_str() == wanted.request_id) {
        return Err(AppError::NotFound);
    }
    match crate::letters::letter(&state.store, &cw, &index, &wanted, &state.authority, state.today()).await {
        Ok((letter, _)) => Ok(Ok((letter, own))),
        Err(crate::letters::LetterError::Refused(why)) => Ok(Err(super::message(
            StatusCode::UNPROCESSABLE_ENTITY,
            &state.authority,
            Some(user),
            "This letter cannot be written yet",
            &[
                html! { (why) "." },
                html! { a class="govuk-link" href=(format!("/children/{child_id}")) { "Go back to the child's record" } },
            ],
        ))),
        Err(crate::letters::LetterError::Store(e)) => Err(e.into()),
    }
}

/// `GET /children/{id}/letters?kind=K&request=R`: the letter as it will be sent, to check.
pub async fn preview(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Path(child_id): Path<String>,
    Query(asked): Query<LetterAsked>,
) -> Answer {
    let (letter, _) = match child_letter(&state, &user, &child_id, &asked).await? {
        Ok(found) => found,
        Err(refused) => return Ok(refused),
    };
    state.audit().record(&user, "preview letter", Some(&child_id)).await?;
    let title = letter.kind.label();
    Ok(page(
        title,
        &state.authority,
        Some(&user),
        html! {
            span class="govuk-caption-l" { "Request " (asked.request) }
            h1 class="govuk-heading-l" { (title) }
            p class="govuk-body" { "Check the letter. Filing it keeps it in the child's documents and logs it in the chronology as a letter sent." }
            div class="st-letter" { (sendtrack_report::letter::letter_body(&letter)) }
            form method="post" action=(format!("/children/{child_id}/letters")) novalidate {
                (csrf_field(&user))
                input type="hidden" name="kind" value=(asked.kind);
                input type="hidden" name="request" value=(asked.request);
                @if let Some(a) = &asked.advice { input type="hidden" name="advice" value=(a); }
                @if let Some(r) = &asked.review { input type="hidden" name="review" value=(r); }
                div class="govuk-form-group" {
                    fieldset class="govuk-fieldset" {
                        legend class="govuk-fieldset__legend govuk-fieldset__legend--s" { "File it as" }
                        div class="govuk-radios govuk-radios--small govuk-radios--inline" data-module="govuk-radios" {
                            div class="govuk-radios__item" {
                                input class="govuk-radios__input" id="format-pdf" name="format" type="radio" value="pdf" checked;
                                label class="govuk-label govuk-radios__label" for="format-pdf" { "PDF" }
                            }
                            div class="govuk-radios__item" {
                                input class="govuk-radios__input" id="format-docx" name="format" type="radio" value="docx";
                                label class="govuk-label govuk-radios__label" for="format-docx" { "Word (DOCX), to edit before sending" }
                            }
                        }
                    }
                }
                button type="submit" class="govuk-button" data-module="govuk-button" { "File and log the letter" }
            }
        },
    )
    .into_response())
}

/// `POST /children/{id}/letters`: writes the letter, files it in the child's documents and
/// logs it in the chronology, in one transaction.
pub async fn send(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Path(child_id): Path<String>,
    Form(asked): Form<LetterAsked>,
) -> Answer {
    let (letter, _) = match child_letter(&state, &user, &child_id, &asked).await? {
        Ok(found) => found,
        Err(refused) => return Ok(refused),
    };
    let docx = asked.format.as_deref() == Some("docx");
    let rendered = letter.clone();
    let content = tokio::task::spawn_blocking(move || {
        if docx {
            sendtrack_report::letter::letter_docx(&rendered).map_err(|e| e.to_string())
        } else {
            sendtrack_report::letter::letter_pdf(&rendered).map_err(|e| e.to_string())
        }
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
    .map_err(AppError::Internal)?;
    let filed = crate::letters::filing(
        &letter,
        &child_id,
        &content,
        &user.email,
        user.staff_id.clone(),
        state.today(),
        crate::auth::stored(crate::auth::now()),
    );
    let Some((document, record)) = filed else { return Err(AppError::internal("the letter could not be filed")) };
    let event = sendtrack_store::AuditEvent {
        detail: Some(format!(
            "{} for request {}, document {}",
            letter.kind.code(),
            letter.request_id,
            document.document_id
        )),
        ..state.event(&user, "file letter", Some(&child_id))
    };
    state.file_document(&document, &content, &[(RecordFile::CaseLog, &record, None)], &event).await?;
    Ok(Redirect::to(&format!("/children/{child_id}?saved=document#documents")).into_response())
}

#[derive(serde::Deserialize, Default)]
pub struct Find {
    #[serde(default)]
    q: String,
}

/// `GET /establishments?q=`: the register of schools and settings, by name or URN.
pub async fn establishments(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Query(find): Query<Find>,
) -> Answer {
    let query = find.q.trim();
    let found = if query.chars().count() >= 2 { state.store.find_establishments(query, 50).await? } else { Vec::new() };
    Ok(page(
        "Schools and settings",
        &state.authority,
        Some(&user),
        html! {
            h1 class="govuk-heading-l" { "Schools and settings" }
            p class="govuk-body" { "The register from Get Information About Schools, loaded with sendtrack establishments import. Use a URN on a placement or a SENCo's contact." }
            form method="get" action="/establishments" novalidate {
                div class="govuk-form-group" {
                    label class="govuk-label govuk-label--s" for="q" { "Name or URN" }
                    input class="govuk-input govuk-!-width-one-half" id="q" name="q" type="text" spellcheck="false" value=(query);
                }
                button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button" { "Search" }
            }
            @if query.chars().count() >= 2 {
                @if found.is_empty() {
                    p class="govuk-body" { "No school or setting matches." }
                } @else {
                    (table(
                        (Caption::Small, format!("{} found", found.len())),
                        &[heading("URN"), heading("Name"), heading("Type"), heading("Phase"), heading("Status"), heading("Town")],
                        found.iter().map(|e| vec![cell(&e.urn), cell(&e.name), cell(&e.kind), cell(&e.phase), cell(&e.status), cell(&e.town)]),
                    ))
                }
            }
        },
    )
    .into_response())
}

/// `GET /admin/letters`: the templates, the services letters name and the upload limit.
pub async fn admin_letters(State(state): State<Arc<AppState>>, SignedIn(user): SignedIn) -> Answer {
    let kept = |name: &'static str, default: String| {
        let state = state.clone();
        async move { state.store.setting(name).await.map(|v| v.unwrap_or(default)) }
    };
    let authority = kept(crate::letters::AUTHORITY_SETTING, state.authority.clone()).await?;
    let mediation = kept(crate::letters::MEDIATION_SETTING, crate::letters::DEFAULT_MEDIATION.into()).await?;
    let information = kept(crate::letters::INFORMATION_SETTING, crate::letters::DEFAULT_INFORMATION.into()).await?;
    let max_mb = kept(MAX_MB_SETTING, DEFAULT_MAX_MB.to_string()).await?;
    let cw = state.casework().await?;
    let standard =
        sendtrack_domain::records::promised_working_days(cw.promises.iter().filter(|p| p.child_id.is_none()), "");
    let mut changed = Vec::new();
    for kind in LetterKind::ALL {
        changed.push(state.store.setting(&crate::letters::template_setting(*kind)).await?.is_some());
    }
    let field = |id: &str, label: &str, value: &str| {
        html! {
            div class="govuk-form-group" {
                label class="govuk-label govuk-label--s" for=(id) { (label) }
                input class="govuk-input" id=(id) name=(id) type="text" value=(value);
            }
        }
    };
    Ok(page(
        "Letters and documents",
        &state.authority,
        Some(&user),
        html! {
            h1 class="govuk-heading-l" { "Letters and documents" }
            (table(
                (Caption::Medium, "The statutory letters"),
                &[heading("Letter"), heading("Template")],
                LetterKind::ALL.iter().zip(&changed).map(|(k, changed)| vec![
                    cell(html! { a class="govuk-link" href=(format!("/admin/letters/{}", k.code())) { (k.label()) } }),
                    cell(if *changed { "Changed by an admin" } else { "The default" }),
                ]),
            ))
            h2 class="govuk-heading-m" { "What every letter says" }
            form method="post" action="/admin/letters" novalidate {
                (csrf_field(&user))
                (field("authority", "The authority, as letters name it", &authority))
                (field("mediation", "The mediation service, with how to contact it", &mediation))
                (field("information", "The information, advice and support service (SENDIASS), with how to contact it", &information))
                div class="govuk-form-group" {
                    label class="govuk-label govuk-label--s" for="standard" { "Families are updated at least every (working days)" }
                    div id="standard-hint" class="govuk-hint" { "The authority's standard while a request is open, from 1 to 65; a caseworker can agree another for a child" }
                    input class="govuk-input govuk-input--width-3" id="standard" name="standard" type="text" inputmode="numeric" value=(standard) aria-describedby="standard-hint";
                }
                div class="govuk-form-group" {
                    label class="govuk-label govuk-label--s" for="max_mb" { "The largest document that may be uploaded, in MB" }
                    div id="max_mb-hint" class="govuk-hint" { "From 1 to " (CEILING_MB) }
                    input class="govuk-input govuk-input--width-3" id="max_mb" name="max_mb" type="text" inputmode="numeric" value=(max_mb) aria-describedby="max_mb-hint";
                }
                button type="submit" class="govuk-button" data-module="govuk-button" { "Save" }
            }
        },
    )
    .into_response())
}

#[derive(serde::Deserialize)]
pub struct LetterSettings {
    authority: String,
    mediation: String,
    information: String,
    max_mb: String,
    standard: String,
}

/// The id of the authority's standard promise in promises.csv.
const STANDARD_PROMISE: &str = "standard";

/// `POST /admin/letters`: the services letters name and the upload limit.
pub async fn admin_letters_save(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Form(form): Form<LetterSettings>,
) -> Answer {
    let mb = form.max_mb.trim().parse::<u64>().ok().filter(|m| (1..=CEILING_MB).contains(m));
    let standard = form.standard.trim().parse::<u32>().ok().filter(|d| (1..=65).contains(d));
    let mb = mb.filter(|_| standard.is_some());
    let texts = [form.authority.trim(), form.mediation.trim(), form.information.trim()];
    let fits = |t: &&str| !t.is_empty() && t.chars().count() <= 300 && !t.chars().any(char::is_control);
    let Some(mb) = mb.filter(|_| texts.iter().all(fits)) else {
        return Ok(super::message(
            StatusCode::BAD_REQUEST,
            &state.authority,
            Some(&user),
            "The settings were not saved",
            &[
                html! { "Fill in every field (at most 300 characters each), give the promise as a whole number of working days from 1 to 65, and the upload limit as a whole number of MB from 1 to " (CEILING_MB) "." },
            ],
        ));
    };
    let mb = mb.to_string();
    state
        .store
        .set_settings(&[
            (crate::letters::AUTHORITY_SETTING, texts[0]),
            (crate::letters::MEDIATION_SETTING, texts[1]),
            (crate::letters::INFORMATION_SETTING, texts[2]),
            (MAX_MB_SETTING, &mb),
        ])
        .await?;
    state.audit().record(&user, "change letter and document settings", None).await?;
    // The standard promise is a record (promises.csv), so the measures and worklists read it.
    let cw = state.casework().await?;
    let held = cw.promises.iter().find(|p| p.child_id.is_none());
    let days = standard.unwrap_or(sendtrack_domain::records::STANDARD_WORKING_DAYS);
    if held.is_none_or(|p| p.working_days != days) {
        let id = held.map_or(STANDARD_PROMISE.to_string(), |p| p.promise_id.to_string());
        let version = match state.store.record_with_version(RecordFile::Promises, &id).await {
            Ok((_, version)) => Some(version),
            Err(sendtrack_store::StoreError::NotFound { .. }) => None,
            Err(e) => return Err(e.into()),
        };
        let promise = sendtrack_domain::records::Promise { promise_id: id.into(), child_id: None, working_days: days };
        let record = Casework { promises: vec![promise].into(), ..Casework::default() };
        let event = state.event(&user, &format!("set the standard update promise to {days} working days"), None);
        state.write_record(RecordFile::Promises, &record, version, &event).await?;
    }
    Ok(Redirect::to("/admin/letters").into_response())
}

/// `GET /admin/letters/{kind}`: a template to change.
pub async fn admin_template(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Path(kind): Path<String>,
) -> Answer {
    let Ok(kind) = LetterKind::parse(&kind) else { return Err(AppError::NotFound) };
    let text = crate::letters::template(&state.store, kind).await?;
    Ok(template_page(&state, &user, kind, &text, None).into_response())
}

fn template_page(state: &AppState, user: &Session, kind: LetterKind, text: &str, error: Option<&str>) -> Markup {
    page(
        kind.label(),
        &state.authority,
        Some(user),
        html! {
            @if let Some(e) = error { (crate::govuk::error_summary(&[("template", e)])) }
            span class="govuk-caption-l" { "Letter template" }
            h1 class="govuk-heading-l" { (kind.label()) }
            form method="post" action=(format!("/admin/letters/{}", kind.code())) novalidate {
                (csrf_field(user))
                div class=(if error.is_some() { "govuk-form-group govuk-form-group--error" } else { "govuk-form-group" }) {
                    label class="govuk-label govuk-label--s" for="template" { "The letter's text" }
                    div id="template-hint" class="govuk-hint" { "A line starting '# ' is a heading, '- ' a bullet; a blank line ends a paragraph. Fields in braces are filled from the record." }
                    @if let Some(e) = error { p id="template-error" class="govuk-error-message" { span class="govuk-visually-hidden" { "Error:" } " " (e) } }
                    textarea class="govuk-textarea" id="template" name="template" rows="24" aria-describedby="template-hint" { (text) }
                }
                div class="govuk-button-group" {
                    button type="submit" class="govuk-button" data-module="govuk-button" { "Save the template" }
                    button type="submit" name="restore" value="yes" class="govuk-button govuk-button--secondary" data-module="govuk-button" { "Restore the default" }
                }
            }
            details class="govuk-details" {
                summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "The fields a letter can use" } }
                div class="govuk-details__text" {
                    dl class="govuk-summary-list" {
                        @for (name, what) in sendtrack_domain::letters::FIELDS {
                            div class="govuk-summary-list__row" { dt class="govuk-summary-list__key" { "{" (name) "}" } dd class="govuk-summary-list__value" { (what) } }
                        }
                    }
                }
            }
        },
    )
}

#[derive(serde::Deserialize)]
pub struct TemplateForm {
    template: String,
    restore: Option<String>,
}

/// `POST /admin/letters/{kind}`: saves (or restores) a template; one naming an unknown field
/// is refused.
pub async fn admin_template_save(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Path(kind): Path<String>,
    Form(form): Form<TemplateForm>,
) -> Answer {
    let Ok(kind) = LetterKind::parse(&kind) else { return Err(AppError::NotFound) };
    let text = if form.restore.as_deref() == Some("yes") {
        sendtrack_domain::letters::default_template(kind)
    } else {
        form.template.replace("\r\n", "\n")
    };
    if let Err(e) = sendtrack_domain::letters::check_template(&text) {
        return Ok((StatusCode::BAD_REQUEST, template_page(&state, &user, kind, &text, Some(&e))).into_response());
    }
    state.store.set_setting(&crate::letters::template_setting(kind), &text).await?;
    state.audit().record(&user, &format!("change letter template {}", kind.code()), None).await?;
    Ok(Redirect::to("/admin/letters").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_type_is_found_from_the_content_not_the_name() {
        assert_eq!(sniff(b"%PDF-1.7\n...").map(|t| t.1), Some("pdf"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nxxxx").map(|t| t.1), Some("png"));
        assert_eq!(sniff(&[0xff, 0xd8, 0xff, 0xe0]).map(|t| t.1), Some("jpg"));
        assert_eq!(sniff("Notes from the call\r\n".as_bytes()).map(|t| t.1), Some("txt"));
        assert_eq!(sniff(b"MZ\x90\x00\x03"), None, "a Windows program");
        assert_eq!(sniff(b"text with a \x00 NUL"), None);
        assert_eq!(sniff(b""), None);
        let letter = sendtrack_domain::letters::Letter {
            kind: LetterKind::DraftPlan,
            authority: "A".into(),
            date: jiff::civil::date(2026, 1, 1),
            to: vec!["B".into()],
            salutation: "Dear B".into(),
            parts: vec![],
            sign_off: "C".into(),
            contact_id: None,
            request_id: "R1".into(),
            advice_id: None,
            plan_id: None,
            review_id: None,
        };
        let docx = sendtrack_report::letter::letter_docx(&letter).unwrap();
        assert_eq!(sniff(&docx).map(|t| t.1), Some("docx"));
        let xlsx = rust_xlsxwriter::Workbook::new().save_to_buffer().unwrap();
        assert_eq!(sniff(&xlsx).map(|t| t.1), Some("xlsx"));
        // A zip that is neither.
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        zip.start_file("a.txt", zip::write::SimpleFileOptions::default()).unwrap();
        std::io::Write::write_all(&mut zip, b"x").unwrap();
        assert_eq!(sniff(&zip.finish().unwrap().into_inner()), None);
    }
}
