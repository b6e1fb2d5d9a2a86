//! Families in the portal (issue 20). A parent or carer with parental responsibility, or the
//! young person over compulsory school age, invited by the caseworker from the child's
//! contacts, signs in at /portal with a one-time code and sees where their child's case stands
//! in plain English (the stage, what happens next and by when, "late" when it is, who the
//! caseworker is), the documents shared with them, and the draft plan's 15 days; they comment
//! on the draft, send documents and messages, and ask for an assessment. Everything they send
//! goes into the chronology as a portal message and the caseworker is told. They reach only
//! their own children, by any id, and every view is audited.
//!
//! The staff side is here too: inviting and ending access, sharing documents, and the e-mails
//! that tell the family something happened (never what, nor whose: a link to sign in).

use crate::AppState;
use crate::auth::{CSRF_FIELD, Portal, PortalSession, Session, SignedIn, now, stored};
use crate::error::{Answer, AppError};
use crate::govuk::{Caption, Colour, cell, heading, success_banner, summary_card, table, tag};
use crate::layout::portal_page;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use sendtrack_domain::codes::{AssessmentOutcome, ContactKind, ContactRole, Direction, RequestSource};
use sendtrack_domain::dates::in_words;
use sendtrack_domain::family::{Standing, comments_end, plan_standing, request_standing};
use sendtrack_domain::identifiers::StaffId;
use sendtrack_domain::records::{CaseLogEntry, Casework, Contact, Request};
use sendtrack_domain::validation::RecordFile;
use sendtrack_store::portal::FamilyAccess;
use std::sync::Arc;

/// The most a message or comment may hold.
const MAX_TEXT: usize = 4000;

/// The most messages, comments, documents and requests one family member sends in a day.
const SENT_PER_DAY: usize = 20;

/// Who holds a child's case: the caseworker of their latest request that names one, else the
/// holder of their latest plan.
fn holder(own: &Casework) -> Option<StaffId> {
    let request = own.requests.iter().filter(|r| r.caseworker.is_some()).max_by_key(|r| r.received_on);
    if let Some(r) = request {
        return r.caseworker.clone();
    }
    let plan = own.plans.iter().max_by_key(|p| p.issued_on)?;
    let requests =
        |r: &str| own.requests.iter().find(|q| q.request_id.as_str() == r).and_then(|q| q.caseworker.as_deref());
    plan.holder(requests).map(StaffId::from)
}

/// Whether `access` still stands by the contact it was given to: the contact is still the
/// child's parent or carer with parental responsibility, or the young person, with the same
/// e-mail address. A contact corrected since (another address, no parental responsibility)
/// no longer opens the child's case, whatever the access row says.
pub fn still_stands(own: &Casework, access: &FamilyAccess) -> bool {
    own.contacts.iter().any(|c| {
        c.contact_id.as_str() == access.contact_id
            && c.email.as_deref().is_some_and(|e| e.trim().eq_ignore_ascii_case(&access.email))
            && (c.role == ContactRole::YoungPerson || (c.role.is_family() && c.parental_responsibility))
    })
}

/// The children of the person's family access, for the portal's home page.
pub fn children_section(cw: &Casework, index: &sendtrack_domain::timeline::ChildIndex, me: &PortalSession) -> Markup {
    let standing: Vec<&FamilyAccess> =
        me.family.iter().filter(|a| still_stands(&index.own(cw, &a.child_id), a)).collect();
    html! {
        h1 class="govuk-heading-l" { "Your children" }
        @if standing.is_empty() { p class="govuk-body" { "You have no children's cases to see. Contact the SEND team if you think you should." } }
        ul class="govuk-list" {
            @for a in &standing {
                li { a class="govuk-link govuk-!-font-size-24" href=(format!("/portal/children/{}", a.child_id)) { (super::child_name(cw, index, &a.child_id)) } }
            }
        }
    }
}

/// The person's access to the child, and the child's records, or 404: another child's case
/// answers as if it did not exist.
async fn open_case(
    state: &AppState,
    me: &PortalSession,
    child_id: &str,
) -> Result<(FamilyAccess, Arc<Casework>, Casework), AppError> {
    let access = me.access_to(child_id).cloned().ok_or(AppError::NotFound)?;
    let (cw, index) = state.children().await?;
    index.child(&cw, child_id).ok_or(AppError::NotFound)?;
    let own = index.own(&cw, child_id);
    if !still_stands(&own, &access) {
        return Err(AppError::NotFound);
    }
    Ok((access, cw, own))
}

#[derive(serde::Deserialize, Default)]
pub struct Sent {
    sent: Option<String>,
}

fn standing_card(s: &Standing, today: jiff::civil::Date) -> Markup {
    html! {
        div class="govuk-summary-card" {
            div class="govuk-summary-card__title-wrapper" { h2 class="govuk-summary-card__title" { (s.title) } }
            div class="govuk-summary-card__content" {
                p class="govuk-body govuk-!-font-weight-bold" { (s.stage) }
                @if !s.next.is_empty() {
                    h3 class="govuk-heading-s" { "What happens next" }
                    ul class="govuk-list" {
                        @for n in &s.next {
                            li {
                                (n.what) " By " strong { (in_words(n.by)) } "."
                                @if n.late { " " (tag("Late", Colour::Red)) " We are sorry: this is later than the law allows." }
                            }
                        }
                    }
                }
                details class="govuk-details" {
                    summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "What has happened so far" } }
                    div class="govuk-details__text" {
                        ul class="govuk-list" {
                            @for (on, what) in &s.history { @if *on <= today { li { strong { (in_words(*on)) } ": " (what) } } }
                        }
                    }
                }
            }
        }
    }
}

/// The textarea of a form, with its label and hint.
fn textarea(id: &str, label: &str, hint: &str) -> Markup {
    html! {
        div class="govuk-form-group" {
            label class="govuk-label govuk-label--s" for=(id) { (label) }
            div id=(format!("{id}-hint")) class="govuk-hint" { (hint) }
            textarea class="govuk-textarea" id=(id) name=(id) rows="4" aria-describedby=(format!("{id}-hint")) {}
        }
    }
}

/// `GET /portal/children/{id}`: where the child's case stands, for their family; audited.
pub async fn child(
    State(state): State<Arc<AppState>>,
    Portal(me): Portal,
    Path(child_id): Path<String>,
    Query(sent): Query<Sent>,
) -> Answer {
    let (access, cw, own) = open_case(&state, &me, &child_id).await?;
    state.audit().event(state.portal_event(&me, "portal view child", Some(&child_id))).await?;
    let today = state.today();
    let Some(child) = own.children.front() else { return Err(AppError::NotFound) };
    let caseworker = holder(&own).and_then(|h| cw.staff.iter().find(|m| m.staff_id.as_str() == h).cloned());
    let mut requests: Vec<&Request> = own.requests.iter().filter(|r| r.received_on <= today).collect();
    requests.sort_by_key(|r| std::cmp::Reverse(r.received_on));
    let mut plans: Vec<_> = own.plans.iter().filter(|p| p.issued_on <= today).collect();
    plans.sort_by_key(|p| std::cmp::Reverse(p.issued_on));
    let open_request = requests.iter().find(|r| {
        r.outcome.is_none_or(|o| o.on > today)
            && r.decision.is_none_or(|d| d.on > today || d.value == sendtrack_domain::codes::AssessmentDecision::Assess)
    });
    let drafts: Vec<&&Request> = requests
        .iter()
        .filter(|r| r.draft_issued_on.is_some_and(|d| d <= today) && r.outcome.is_none_or(|o| o.on > today))
        .collect();
    let documents = state.store.documents_of(&child_id).await?;
    let shared: Vec<_> = documents.iter().filter(|d| d.shared_with_family).collect();
    let mine: Vec<&CaseLogEntry> = {
        // Only what passed between them and us through the portal and the service's e-mails to
        // them: a caseworker's notes of calls and meetings are written for the case file.
        let shown = |e: &&CaseLogEntry| {
            e.kind == ContactKind::Portal
                || (e.kind == ContactKind::Email && e.by.is_none() && e.summary.starts_with("E-mail sent to"))
        };
        let mut entries: Vec<&CaseLogEntry> = own
            .case_log
            .iter()
            .filter(|e| e.contact_id.as_deref() == Some(access.contact_id.as_str()))
            .filter(shown)
            .collect();
        entries.sort_by(|a, b| (b.on, &b.time).cmp(&(a.on, &a.time)));
        entries
    };
    let banner = match sent.sent.as_deref() {
        Some("message") => Some("Your message was sent to the caseworker."),
        Some("comment") => Some("Your comments on the draft plan were sent to the caseworker."),
        Some("document") => Some("Your document was sent to the caseworker."),
        Some("request") => {
            Some("Your request for an EHC needs assessment was received. We have e-mailed you to confirm it.")
        }
        _ => None,
    };
    let base = format!("/portal/children/{child_id}");
    // The young person reads about their own case.
    let young_person =
        own.contacts.iter().any(|c| c.contact_id.as_str() == access.contact_id && c.role == ContactRole::YoungPerson);
    let content = html! {
        @if let Some(b) = banner { (success_banner(b)) }
        span class="govuk-caption-l" { "EHC needs assessment and plan" }
        h1 class="govuk-heading-l" { (child.forename) " " (child.surname) }
        h2 class="govuk-heading-m" { "Your caseworker" }
        @match &caseworker {
            Some(m) => p class="govuk-body" {
                (m.name)
                @if let Some(e) = &m.email { ", " a class="govuk-link" href=(format!("mailto:{e}")) { (e) } }
                ". You can also send a message below."
            },
            None => p class="govuk-body" { "Nobody has been given your case yet. Send a message below and the SEND team will answer." },
        }
        h2 class="govuk-heading-m" { "Where things stand" }
        @if requests.is_empty() && plans.is_empty() {
            p class="govuk-body" { "There is no request for an assessment or EHC plan yet." }
        }
        @for r in &requests { (standing_card(&request_standing(&own, r, today), today)) }
        @for p in &plans { (standing_card(&plan_standing(&own, p, today), today)) }

        @for r in &drafts {
            @let (sent_on, end) = (r.draft_issued_on.unwrap_or(today), comments_end(r.draft_issued_on.unwrap_or(today)));
            h2 class="govuk-heading-m" id="draft" { "Your comments on the draft plan" }
            @if today <= end {
                p class="govuk-body" { "We sent the draft EHC plan on " (in_words(sent_on)) ". You have until " strong { (in_words(end)) } " to comment (15 days, counting the day we sent it)." }
            } @else {
                div class="govuk-inset-text" { "The 15 days for comments ended on " (in_words(end)) ". You can still send comments: we will read them, and note that they came late." }
            }
            form method="post" action=(format!("{base}/comments")) novalidate {
                input type="hidden" name=(CSRF_FIELD) value=(me.csrf);
                input type="hidden" name="request" value=(r.request_id);
                (textarea("comment", "Your comments", "What is right or wrong in the draft, and what is missing"))
                div class="govuk-form-group" {
                    label class="govuk-label govuk-label--s" for="school" { "A school or college you would like named in the plan (optional)" }
                    input class="govuk-input" id="school" name="school" type="text" autocomplete="off";
                }
                div class="govuk-checkboxes govuk-checkboxes--small govuk-!-margin-bottom-4" data-module="govuk-checkboxes" {
                    div class="govuk-checkboxes__item" {
                        input class="govuk-checkboxes__input" id="meeting" name="meeting" type="checkbox" value="yes";
                        label class="govuk-label govuk-checkboxes__label" for="meeting" { "I would like a meeting to talk about the draft" }
                    }
                }
                button type="submit" class="govuk-button" data-module="govuk-button" { "Send your comments" }
            }
        }

        h2 class="govuk-heading-m" { "Letters and documents" }
        @if shared.is_empty() {
            p class="govuk-body" { "We have not shared any documents with you yet." }
        } @else {
            ul class="govuk-list" {
                @for d in &shared {
                    @let on = d.uploaded_at.get(..10).and_then(|t| t.parse::<jiff::civil::Date>().ok());
                    li {
                        a class="govuk-link" href=(format!("{base}/documents/{}", d.document_id)) { (d.title) }
                        @if let Some(on) = on { " (shared with you, filed " (in_words(on)) ")" }
                    }
                }
            }
        }
        details class="govuk-details" {
            summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "Send us a document" } }
            div class="govuk-details__text" {
                form method="post" action=(format!("{base}/documents")) enctype="multipart/form-data" novalidate {
                    input type="hidden" name=(CSRF_FIELD) value=(me.csrf);
                    div class="govuk-form-group" {
                        label class="govuk-label govuk-label--s" for="title" { "What it is" }
                        div id="title-hint" class="govuk-hint" { "For example, All about me, or a report from a therapist" }
                        input class="govuk-input" id="title" name="title" type="text" aria-describedby="title-hint";
                    }
                    div class="govuk-form-group" {
                        label class="govuk-label govuk-label--s" for="file" { "The file" }
                        div id="file-hint" class="govuk-hint" { "A PDF, Word, Excel, photo (JPEG or PNG) or text file" }
                        input class="govuk-file-upload" id="file" name="file" type="file" aria-describedby="file-hint";
                    }
                    button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button" { "Send the document" }
                }
            }
        }

        h2 class="govuk-heading-m" { "Send a message to your caseworker" }
        form method="post" action=(format!("{base}/messages")) novalidate {
            input type="hidden" name=(CSRF_FIELD) value=(me.csrf);
            (textarea("message", "Your message", "We aim to answer within the time we promised you"))
            button type="submit" class="govuk-button" data-module="govuk-button" { "Send the message" }
        }

        @if open_request.is_none() {
            h2 class="govuk-heading-m" { "Ask for an EHC needs assessment" }
            @if young_person {
                p class="govuk-body" { "If you think you need more help than your school or college can give, you can ask us to assess your needs. We must tell you within 6 weeks whether we will." }
            } @else {
                p class="govuk-body" { "If you think your child needs more help than their school or college can give, you can ask us to assess their needs. We must tell you within 6 weeks whether we will." }
            }
            form method="post" action=(format!("{base}/request")) novalidate {
                input type="hidden" name=(CSRF_FIELD) value=(me.csrf);
                (textarea("why", "Why you are asking (optional)", "You can send reports and other documents above"))
                button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button" { "Ask for an assessment" }
            }
        }

        @if !mine.is_empty() {
            h2 class="govuk-heading-m" { "Your contact with us" }
            (table(
                (Caption::Small, "Newest first"),
                &[heading("Date"), heading("What")],
                mine.iter().map(|e| vec![
                    cell(html! { span class="st-nowrap" { (in_words(e.on)) } }),
                    cell(html! {
                        (if e.direction == Some(Direction::In) { "You: " } else { "Us: " }) (e.kind.label()) br;
                        span class="govuk-body-s" { (e.summary) }
                    }),
                ]),
            ))
        }
    };
    Ok(portal_page(&format!("{} {}", child.forename, child.surname), &state.authority, Some(&me), content)
        .into_response())
}

/// What comes with a portal message from the family.
enum Along<'a> {
    Nothing,
    /// A new record (a request for an assessment).
    Record(RecordFile, &'a Casework),
    /// A document and its content.
    Document(&'a sendtrack_store::documents::Document, &'a [u8]),
}

/// A portal message from the family into the child's chronology (kind `portal`), with what
/// comes with it, in one transaction; then the caseworker is told.
async fn file_from_family(
    state: &Arc<AppState>,
    me: &PortalSession,
    (access, own, all): (&FamilyAccess, &Casework, &Casework),
    summary: String,
    request_id: Option<String>,
    along: Along<'_>,
) -> Result<(), AppError> {
    // However it is sent, no more than a day's worth: the caseworker is e-mailed each time.
    let today = state.today();
    let sent_today = own
        .case_log
        .iter()
        .filter(|e| {
            e.kind == ContactKind::Portal
                && e.on == today
                && e.contact_id.as_deref() == Some(access.contact_id.as_str())
        })
        .count();
    if sent_today >= SENT_PER_DAY {
        return Err(AppError::refused(refused_text(
            state,
            me,
            &access.child_id,
            "You have sent us a lot today. Your caseworker will read it all; send more tomorrow, or call the SEND team if it is urgent.",
        )));
    }
    let contact: Option<&Contact> = own.contacts.iter().find(|c| c.contact_id.as_str() == access.contact_id);
    let Some(entry_id) = super::records::new_id(RecordFile::CaseLog) else {
        return Err(AppError::internal("no random id"));
    };
    let today = state.today();
    let entry = Casework {
        case_log: std::iter::once(CaseLogEntry {
            entry_id: entry_id.clone().into(),
            child_id: access.child_id.as_str().into(),
            on: today,
            time: Some(jiff::ZonedDateTime::now().strftime("%H:%M").to_string()),
            kind: ContactKind::Portal,
            direction: Some(Direction::In),
            with_whom: contact.map(|c| c.name.clone()),
            contact_id: Some(access.contact_id.as_str().into()),
            summary,
            request_id: request_id.map(Into::into),
            plan_id: None,
            review_id: None,
            by: None,
        })
        .collect(),
        ..Casework::default()
    };
    let mut records: Vec<(RecordFile, &Casework, Option<i64>)> = Vec::new();
    if let Along::Record(file, record) = along {
        records.push((file, record, None));
    }
    records.push((RecordFile::CaseLog, &entry, None));
    let event = sendtrack_store::AuditEvent {
        detail: Some(format!("case log {entry_id}")),
        ..state.portal_event(me, "portal family sends", Some(&access.child_id))
    };
    match along {
        Along::Document(d, content) => state.file_document(d, content, &records, &event).await?,
        _ => state.write_records(&records, &event).await?,
    }
    let notice = super::portal::Notice {
        mail_id: format!("notice:family:{entry_id}"),
        subject: "A message from a family through the portal".into(),
        line: format!("The family of child {} sent something through the SEND portal on {today}.", access.child_id),
    };
    super::portal::tell_holder(state, all, holder(own).map(String::from), &access.child_id, notice, &me.email);
    Ok(())
}

#[derive(serde::Deserialize, Default)]
pub struct Message {
    #[serde(default)]
    message: String,
}

fn refused_text(state: &AppState, me: &PortalSession, child_id: &str, why: &str) -> Response {
    let content = html! {
        h1 class="govuk-heading-l" { "Nothing was sent" }
        p class="govuk-body" { (why) }
        p class="govuk-body" { a class="govuk-link" href=(format!("/portal/children/{child_id}")) { "Go back" } }
    };
    (StatusCode::BAD_REQUEST, portal_page("Nothing was sent", &state.authority, Some(me), content)).into_response()
}

/// `POST /portal/children/{id}/messages`.
pub async fn message(
    State(state): State<Arc<AppState>>,
    Portal(me): Portal,
    Path(child_id): Path<String>,
    Form(sent): Form<Message>,
) -> Answer {
    let (access, cw, own) = open_case(&state, &me, &child_id).await?;
    let text = sent.message.trim();
    if text.is_empty() || text.chars().count() > MAX_TEXT {
        return Ok(refused_text(&state, &me, &child_id, "Write a message of up to 4,000 characters."));
    }
    let summary = format!("Message through the portal: {text}");
    file_from_family(&state, &me, (&access, &own, &cw), summary, None, Along::Nothing).await?;
    Ok(Redirect::to(&format!("/portal/children/{child_id}?sent=message")).into_response())
}

#[derive(serde::Deserialize, Default)]
pub struct Comment {
    #[serde(default)]
    request: String,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    school: String,
    meeting: Option<String>,
}

/// `POST /portal/children/{id}/comments`: comments on a draft plan, a school to be named, a
/// meeting asked for; after the 15 days still taken, and marked late.
pub async fn comment(
    State(state): State<Arc<AppState>>,
    Portal(me): Portal,
    Path(child_id): Path<String>,
    Form(sent): Form<Comment>,
) -> Answer {
    let (access, cw, own) = open_case(&state, &me, &child_id).await?;
    let today = state.today();
    let Some(request) = own
        .requests
        .iter()
        .find(|r| r.request_id.as_str() == sent.request && r.draft_issued_on.is_some_and(|d| d <= today))
    else {
        return Err(AppError::NotFound);
    };
    let (comment, school) = (sent.comment.trim(), sent.school.trim());
    let meeting = sent.meeting.as_deref() == Some("yes");
    if (comment.is_empty() && school.is_empty() && !meeting)
        || comment.chars().count() > MAX_TEXT
        || school.chars().count() > 200
    {
        return Ok(refused_text(
            &state,
            &me,
            &child_id,
            "Write your comments (up to 4,000 characters), name a school or college, or ask for a meeting.",
        ));
    }
    let end = comments_end(request.draft_issued_on.unwrap_or(today));
    let mut summary = if today > end {
        format!("Comments on the draft plan through the portal (late: the 15 days ended on {end})")
    } else {
        "Comments on the draft plan through the portal".to_string()
    };
    if !comment.is_empty() {
        summary.push_str(&format!(": {comment}"));
    }
    if !school.is_empty() {
        summary.push_str(&format!(" Asked for this school or college to be named: {school}."));
    }
    if meeting {
        summary.push_str(" Asked for a meeting about the draft.");
    }
    let request_id = Some(request.request_id.to_string());
    file_from_family(&state, &me, (&access, &own, &cw), summary, request_id, Along::Nothing).await?;
    Ok(Redirect::to(&format!("/portal/children/{child_id}?sent=comment")).into_response())
}

/// `POST /portal/children/{id}/documents`: a document from the family, checked as the case file
/// checks uploads.
pub async fn upload(
    State(state): State<Arc<AppState>>,
    Portal(me): Portal,
    Path(child_id): Path<String>,
    mut form: Multipart,
) -> Answer {
    if !crate::auth::upload_token_is(&mut form, &me.csrf).await {
        return Err(AppError::refused(super::csrf_refused()));
    }
    let (access, cw, own) = open_case(&state, &me, &child_id).await?;
    let limit = super::casefile::max_bytes(&state).await?;
    let (mut title, mut content) = (String::new(), Vec::new());
    while let Ok(Some(mut field)) = form.next_field().await {
        match field.name().unwrap_or_default() {
            "title" => title = field.text().await.unwrap_or_default().trim().chars().take(200).collect(),
            "file" => match super::casefile::read_file(&mut field, limit).await {
                Ok(read) => content = read,
                Err(super::casefile::FileRefused::TooLarge) => {
                    let why = format!("The file must be smaller than {} MB.", limit / 1024 / 1024);
                    return Ok(refused_text(&state, &me, &child_id, &why));
                }
                Err(super::casefile::FileRefused::CutShort(_)) => {
                    return Ok(refused_text(&state, &me, &child_id, "The upload was cut short: send it again."));
                }
            },
            _ => {}
        }
    }
    let Some((content_type, extension)) = super::casefile::sniff(&content) else {
        return Ok(refused_text(&state, &me, &child_id, "Choose a PDF, Word, Excel, JPEG, PNG or text file."));
    };
    if title.is_empty() {
        title = "A document from the family".into();
    }
    let Some(document_id) = super::casefile::new_document_id() else { return Err(AppError::internal("no random id")) };
    let document = sendtrack_store::documents::Document {
        series_id: document_id.clone(),
        document_id,
        version: 1,
        child_id: child_id.clone(),
        title: title.clone(),
        file_name: format!("from-the-family.{extension}"),
        content_type: content_type.to_string(),
        size: content.len() as i64,
        sha256: super::casefile::sha256(&content),
        uploaded_at: stored(now()),
        uploaded_by: me.email.clone(),
        request_id: None,
        advice_id: None,
        plan_id: None,
        review_id: None,
        file_path: None,
        // Not shown to the rest of the family (another parent, the young person) unless the
        // caseworker shares it.
        shared_with_family: false,
    };
    let summary = format!("Document sent through the portal: {title} (filed in documents).");
    file_from_family(&state, &me, (&access, &own, &cw), summary, None, Along::Document(&document, &content)).await?;
    Ok(Redirect::to(&format!("/portal/children/{child_id}?sent=document")).into_response())
}

#[derive(serde::Deserialize, Default)]
pub struct Ask {
    #[serde(default)]
    why: String,
}

/// `POST /portal/children/{id}/request`: a request for an EHC needs assessment, received today
/// (day 0 of the 6 weeks), from a parent or the young person; acknowledged by e-mail.
pub async fn request(
    State(state): State<Arc<AppState>>,
    Portal(me): Portal,
    Path(child_id): Path<String>,
    Form(ask): Form<Ask>,
) -> Answer {
    let (access, cw, own) = open_case(&state, &me, &child_id).await?;
    let today = state.today();
    let open = own.requests.iter().any(|r| {
        matches!(sendtrack_domain::clock::request_status(r, today), sendtrack_domain::clock::RequestStatus::Open { .. })
    });
    if open {
        return Ok(refused_text(&state, &me, &child_id, "There is already a request for an assessment under way."));
    }
    let why = ask.why.trim();
    if why.chars().count() > MAX_TEXT {
        return Ok(refused_text(&state, &me, &child_id, "Write up to 4,000 characters."));
    }
    let young_person =
        own.contacts.iter().any(|c| c.contact_id.as_str() == access.contact_id && c.role == ContactRole::YoungPerson);
    let Some(request_id) = super::records::new_id(RecordFile::Requests) else {
        return Err(AppError::internal("no random id"));
    };
    let record = Casework {
        requests: std::iter::once(Request {
            request_id: request_id.as_str().into(),
            child_id: child_id.as_str().into(),
            received_on: today,
            source: Some(if young_person { RequestSource::YoungPerson } else { RequestSource::Parent }),
            caseworker: holder(&own),
            decision: None,
            draft_issued_on: None,
            outcome: None,
            exception: None,
            in_youth_accommodation: None,
            // The need the family asks about is the child's, as recorded now.
            primary_need: own.children.iter().next().and_then(|c| c.primary_need),
        })
        .collect(),
        ..Casework::default()
    };
    let summary = if why.is_empty() {
        "Request for an EHC needs assessment made through the portal.".to_string()
    } else {
        format!("Request for an EHC needs assessment made through the portal: {why}")
    };
    let along = Along::Record(RecordFile::Requests, &record);
    file_from_family(&state, &me, (&access, &own, &cw), summary, Some(request_id.clone()), along).await?;
    let due = sendtrack_domain::clock::decision_due(today);
    let text = sendtrack_domain::portal::Mail {
        subject: "We received your request for an EHC needs assessment".into(),
        body: format!(
            "We received it on {}. We will tell you by {} whether we will carry out an assessment.",
            in_words(today),
            in_words(due)
        ),
    };
    tell_family(&state, &child_id, &format!("request:{request_id}"), text, &me.email);
    Ok(Redirect::to(&format!("/portal/children/{child_id}?sent=request")).into_response())
}

/// `GET /portal/children/{id}/documents/{doc}`: a document shared with the family; audited.
/// Any other (not shared, another child's) answers as if it did not exist.
pub async fn download(
    State(state): State<Arc<AppState>>,
    Portal(me): Portal,
    Path((child_id, document_id)): Path<(String, String)>,
) -> Answer {
    open_case(&state, &me, &child_id).await?;
    let Some(document) =
        state.store.document(&document_id).await?.filter(|d| d.child_id == child_id && d.shared_with_family)
    else {
        return Err(AppError::NotFound);
    };
    let content = state.store.document_content(&document).await?;
    let event = sendtrack_store::AuditEvent {
        detail: Some(format!("document {} version {}", document.document_id, document.version)),
        ..state.portal_event(&me, "portal download document", Some(&child_id))
    };
    state.audit().event(event).await?;
    let disposition = format!("attachment; filename=\"{}\"", document.file_name.replace('"', ""));
    Ok((
        [
            (header::CONTENT_TYPE, document.content_type.clone()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CONTENT_SECURITY_POLICY, "sandbox; default-src 'none'".to_string()),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        content,
    )
        .into_response())
}

/// The child's page's section on the family's access to the portal: each parent, carer (with
/// parental responsibility) and the young person among the contacts, whether they have access,
/// and the forms to invite them or end it.
pub fn family_section(
    own: &Casework,
    accesses: &[FamilyAccess],
    child_id: &str,
    can_record: bool,
    user: &Session,
    today: jiff::civil::Date,
) -> Markup {
    // The family, and anyone whose access is still live though their contact has changed since
    // (another address, no parental responsibility): their access can be ended here.
    let live = |c: &Contact| accesses.iter().any(|a| a.contact_id == c.contact_id.as_str() && a.ended_at.is_none());
    let family: Vec<&Contact> = own
        .contacts
        .iter()
        .filter(|c| c.role == ContactRole::YoungPerson || (c.role.is_family() && c.parental_responsibility) || live(c))
        .collect();
    let born = own.children.front().map(|c| c.date_of_birth);
    let over_age = born.is_some_and(|b| sendtrack_domain::family::is_over_compulsory_school_age(b, today));
    let action = format!("/children/{child_id}/family");
    html! {
        h2 class="govuk-heading-m" id="family" { "The family's access to the portal" }
        @if family.is_empty() {
            p class="govuk-body" { "Add the parents or carers with parental responsibility, or the young person, as contacts with an e-mail address to invite them." }
        }
        @for c in &family {
            @let access = accesses.iter().find(|a| a.contact_id == c.contact_id.as_str());
            @let live = access.filter(|a| a.ended_at.is_none());
            @let stands = live.is_some_and(|a| still_stands(own, a));
            @let status = match (live, access) {
                (Some(a), _) if stands => format!("Has access since {}", a.invited_at.get(..10).unwrap_or_default()),
                (Some(a), _) => format!("Invited as {}: the contact has changed since, so this no longer opens the case; end it, then invite them again if need be", a.email),
                (None, Some(a)) => format!("Access ended {}", a.ended_at.as_deref().and_then(|t| t.get(..10)).unwrap_or_default()),
                (None, None) => "Not invited".to_string(),
            };
            (summary_card(&format!("{} ({})", c.name, c.role.label()), &[], &[
                crate::govuk::row("E-mail", c.email.clone().unwrap_or_else(|| "None: add one to invite them".into())),
                crate::govuk::row("Portal", html! {
                    (status)
                    @if let Some(keep) = live.and_then(|a| a.parents_keep_access) {
                        br; span class="govuk-body-s" { (if keep { "Their parents keep access, as they agreed." } else { "Their parents' access ended, as they asked." }) }
                    }
                }),
            ]))
            @if can_record && (c.email.is_some() || live.is_some()) {
                form method="post" action=(action) novalidate class="govuk-!-margin-bottom-6" {
                    input type="hidden" name=(CSRF_FIELD) value=(user.csrf);
                    input type="hidden" name="contact" value=(c.contact_id);
                    @if live.is_some() {
                        input type="hidden" name="action" value="end";
                        button type="submit" class="govuk-button govuk-button--warning" data-module="govuk-button" { "End " (c.name) "'s access" }
                    } @else if c.role == ContactRole::YoungPerson && !over_age {
                        p class="govuk-body" { "A young person can have their own account once they are over compulsory school age (after " (born.map(|b| in_words(sendtrack_domain::family::end_of_compulsory_school_age(b))).unwrap_or_default()) ")." }
                    } @else {
                        input type="hidden" name="action" value="invite";
                        @if c.role == ContactRole::YoungPerson {
                            div class="govuk-form-group" {
                                fieldset class="govuk-fieldset" {
                                    legend class="govuk-fieldset__legend govuk-fieldset__legend--s" { "Does the young person agree to their parents keeping access?" }
                                    div class="govuk-radios govuk-radios--small govuk-radios--inline" data-module="govuk-radios" {
                                        div class="govuk-radios__item" {
                                            input class="govuk-radios__input" id=(format!("keep-{}-yes", c.contact_id)) name="parents_keep" type="radio" value="yes";
                                            label class="govuk-label govuk-radios__label" for=(format!("keep-{}-yes", c.contact_id)) { "Yes" }
                                        }
                                        div class="govuk-radios__item" {
                                            input class="govuk-radios__input" id=(format!("keep-{}-no", c.contact_id)) name="parents_keep" type="radio" value="no";
                                            label class="govuk-label govuk-radios__label" for=(format!("keep-{}-no", c.contact_id)) { "No" }
                                        }
                                    }
                                }
                            }
                        }
                        button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button" { "Invite " (c.name) " to the portal" }
                    }
                }
            }
        }
    }
}

#[derive(serde::Deserialize, Default)]
pub struct Invite {
    #[serde(default)]
    action: String,
    #[serde(default)]
    contact: String,
    parents_keep: Option<String>,
}

/// `POST /children/{id}/family`: the caseworker invites a family member, or ends their access.
pub async fn invite(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Path(child_id): Path<String>,
    Form(form): Form<Invite>,
) -> Answer {
    let (cw, index) = state.children().await?;
    index.child(&cw, &child_id).ok_or(AppError::NotFound)?;
    let own = index.own(&cw, &child_id);
    if !super::records::may_edit(&user, &own) {
        return Err(AppError::Forbidden);
    }
    if !own.contacts.iter().any(|c| c.contact_id.as_str() == form.contact) {
        return Err(AppError::NotFound);
    }
    let back = |why: &str| {
        super::message(
            StatusCode::BAD_REQUEST,
            &state.authority,
            Some(&user),
            "The family's access was not changed",
            &[
                html! { (why) },
                html! { a class="govuk-link" href=(format!("/children/{child_id}#family")) { "Go back to the child's record" } },
            ],
        )
    };
    if form.action == "end" {
        let at = stored(now());
        let event = sendtrack_store::AuditEvent {
            detail: Some(format!("contact {}", form.contact)),
            ..state.event(&user, "end family access to the portal", Some(&child_id))
        };
        return match state.store.end_family_access(&form.contact, &user.email, &at, &event).await {
            Ok(()) => Ok(Redirect::to(&format!("/children/{child_id}#family")).into_response()),
            Err(sendtrack_store::StoreError::NotFound { .. }) => Ok(back("They had no access to end.")),
            Err(e) => Err(e.into()),
        };
    }
    let keep = form.parents_keep.as_deref().map(|k| k == "yes");
    let mail = state.mail.as_ref().map(|(m, l)| (m, l));
    let own_all = Casework { children: own.children.clone(), contacts: own.contacts.clone(), ..Casework::default() };
    match sendtrack_mail::invite_family(&state.store, &own_all, &form.contact, keep, &user.email, mail, state.today())
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/children/{child_id}?saved=invited#family")).into_response()),
        Err(sendtrack_mail::InviteError::Store(e)) => Err(e.into()),
        Err(sendtrack_mail::InviteError::Mail(_)) => {
            // The access is given; only the e-mail failed (shown to admins, tried again).
            tracing::warn!("an invitation could not be e-mailed");
            Ok(Redirect::to(&format!("/children/{child_id}?saved=invited#family")).into_response())
        }
        Err(why) => Ok(back(&why.to_string())),
    }
}

#[derive(serde::Deserialize, Default)]
pub struct Share {
    #[serde(default)]
    share: String,
}

/// `POST /children/{id}/documents/{doc}/share`: shares a document with the family (who are
/// told by e-mail), or stops sharing it.
pub async fn share(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Path((child_id, document_id)): Path<(String, String)>,
    Form(form): Form<Share>,
) -> Answer {
    let (cw, index) = state.children().await?;
    let own = index.own(&cw, &child_id);
    if !super::records::may_edit(&user, &own) {
        return Err(AppError::Forbidden);
    }
    let Some(document) = state.store.document(&document_id).await?.filter(|d| d.child_id == child_id) else {
        return Err(AppError::NotFound);
    };
    let shared = form.share == "yes";
    let event = sendtrack_store::AuditEvent {
        detail: Some(format!("document {}", document.document_id)),
        ..state.event(
            &user,
            if shared { "share document with the family" } else { "stop sharing document with the family" },
            Some(&child_id),
        )
    };
    state.store.share_document(&document_id, shared, &event).await?;
    if shared && !document.shared_with_family {
        tell_family(
            &state,
            &child_id,
            &format!("shared:{document_id}"),
            said("We have shared a document with you"),
            &user.email,
        );
    }
    Ok(Redirect::to(&format!("/children/{child_id}#documents")).into_response())
}

/// E-mails the child's family (each whose access still stands) that something happened, in
/// the background: `what` keys the event (each is told once), `text` says what kind of thing.
pub(crate) fn tell_family(
    state: &Arc<AppState>,
    child_id: &str,
    what: &str,
    text: sendtrack_domain::portal::Mail,
    by: &str,
) {
    let Some(mail) = state.mail.clone() else { return };
    let (state, child, what, by) = (state.clone(), child_id.to_string(), what.to_string(), by.to_string());
    tokio::spawn(async move {
        let today = state.today();
        let told = async {
            let accesses = state.store.family_access_of_child(&child).await?;
            let (cw, index) = state.children().await?;
            let own = index.own(&cw, &child);
            let standing: Vec<FamilyAccess> = accesses.into_iter().filter(|a| still_stands(&own, a)).collect();
            sendtrack_mail::tell_family(&state.store, &mail, &standing, (&what, &text), today, &by).await
        };
        if told.await.is_err() {
            tracing::warn!("the family could not be told by e-mail");
        }
    });
}

/// A family e-mail's words: what happened, and nothing more.
fn said(subject: &str) -> sendtrack_domain::portal::Mail {
    sendtrack_domain::portal::Mail { subject: subject.to_string(), body: String::new() }
}

/// After a caseworker's save: tells the family of what they would want to know (a decision
/// made, a draft sent, the final outcome, their message answered), by e-mail.
pub(crate) fn tell_family_of_change(
    state: &Arc<AppState>,
    file: RecordFile,
    before: Option<&Casework>,
    after: &Casework,
    own: &Casework,
    by: &str,
) {
    let mut events: Vec<(String, String, &'static str)> = Vec::new();
    if file == RecordFile::Requests
        && let Some(r) = after.requests.front()
    {
        let was = before.and_then(|b| b.requests.front());
        if r.decision.is_some() && was.is_none_or(|w| w.decision.is_none()) {
            events.push((
                r.child_id.to_string(),
                format!("decision:{}", r.request_id),
                "We have made a decision about the request for an assessment",
            ));
        }
        if r.draft_issued_on.is_some() && was.is_none_or(|w| w.draft_issued_on.is_none()) {
            events.push((
                r.child_id.to_string(),
                format!("draft:{}", r.request_id),
                "We have sent you the draft EHC plan: you have 15 days to comment",
            ));
        }
        if r.outcome.is_some() && was.is_none_or(|w| w.outcome.is_none()) {
            let words = match r.outcome.map(|o| o.value) {
                Some(AssessmentOutcome::Plan) => "We have issued the final EHC plan",
                _ => "We have finished the assessment",
            };
            events.push((r.child_id.to_string(), format!("outcome:{}", r.request_id), words));
        }
    }
    if file == RecordFile::CaseLog
        && before.is_none_or(|b| b.case_log.is_empty())
        && let Some(e) = after.case_log.front()
        && e.direction == Some(Direction::Out)
        && own.contacts.iter().any(|c| Some(c.contact_id.as_str()) == e.contact_id.as_deref() && c.role.is_family())
    {
        events.push((
            e.child_id.to_string(),
            format!("answer:{}", e.entry_id),
            "We have answered your message or been in touch",
        ));
    }
    for (child, what, subject) in events {
        tell_family(state, &child, &what, said(subject), by);
    }
}

/// The "shared with the family" mark and form of a document, on the child's page.
pub fn share_form(document: &sendtrack_store::documents::Document, child_id: &str, user: &Session) -> Markup {
    html! {
        @if document.shared_with_family { br; (tag("Shared with the family", Colour::Green)) }
        form method="post" action=(format!("/children/{child_id}/documents/{}/share", document.document_id)) class="govuk-!-margin-top-1" {
            input type="hidden" name=(CSRF_FIELD) value=(user.csrf);
            input type="hidden" name="share" value=(if document.shared_with_family { "no" } else { "yes" });
            button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" data-module="govuk-button" {
                (if document.shared_with_family { "Stop sharing" } else { "Share with the family" })
                span class="govuk-visually-hidden" { ": " (document.title) }
            }
        }
    }
}
