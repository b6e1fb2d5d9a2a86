//! The portal (issue 19): members of the organisations the authority asks for advice and
//! consults sign in with a one-time code e-mailed to them, see their organisation's open tasks,
//! and answer them: advice submitted as a document, a consultation answered, an annual review's
//! report sent. A child's name, date of birth and request are shown only on an open task of
//! the member's own organisation, and every view is audited. What a member sends goes into the
//! record in one transaction (the record, the chronology, the document) and the caseworker is
//! told by e-mail.

use crate::AppState;
use crate::auth::{CSRF_FIELD, PORTAL_COOKIE, Portal, PortalSession, client_address, minutes_before, now, stored};
use crate::error::{Answer, AppError};
use crate::govuk::{
    Caption, Colour, DateInput, Radios, Required, TextInput, cell, date_input, error_summary, heading, radios, row,
    success_banner, summary_list, table, tag, text_input,
};
use crate::layout::portal_page;
use crate::pages::sign_in::{SignInForm, Throttle, event as sign_in_event, throttle};
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header, request::Parts};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use sendtrack_domain::codes::{ConsultationResponse, ContactKind, Direction, ReviewDecision};
use sendtrack_domain::portal::{CODE_MINUTES, Mail as Text, Task, TaskKind, open_task, open_tasks};
use sendtrack_domain::records::{CaseLogEntry, Casework};
use sendtrack_domain::validation::RecordFile;
use sendtrack_store::documents::Document;
use sendtrack_store::portal::portal_key;
use std::sync::Arc;

/// Codes one address may ask for, and one client, within the protection window (15 minutes).
const CODES_PER_ADDRESS: i64 = 5;
const CODES_PER_CLIENT: i64 = 20;

/// The hash a one-time code is kept as (with the address, so a code is only good for it).
fn code_hash(email: &str, code: &str) -> String {
    crate::auth::token_hash(&format!("portal-code:{email}:{code}"))
}

/// A new one-time code: 6 random digits, uniformly drawn.
fn new_code() -> Option<String> {
    loop {
        let mut bytes = [0u8; 4];
        getrandom::fill(&mut bytes).ok()?;
        let n = u32::from_le_bytes(bytes);
        // Reject the top of the range, so that every code is equally likely.
        if n < 4_294_000_000 {
            return Some(format!("{:06}", n % 1_000_000));
        }
    }
}

fn sign_in_page(state: &AppState, form: &SignInForm, email: &str, error: Option<&str>) -> Markup {
    let errors: Vec<(&str, &str)> = error.map(|e| ("email", e)).into_iter().collect();
    portal_page(
        "Sign in to the SEND portal",
        &state.authority,
        None,
        html! {
            div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
                (error_summary(&errors))
                h1 class="govuk-heading-l" { "Sign in to the SEND portal" }
                p class="govuk-body" { "For schools, colleges and the services the council asks for advice about children with special educational needs and disabilities." }
                p class="govuk-body" { "We will e-mail you a 6-digit code to sign in. Your organisation's administrator or the council adds the people who can sign in." }
                form method="post" action="/portal/sign-in" novalidate {
                    input type="hidden" name=(CSRF_FIELD) value=(form.token());
                    (text_input(TextInput { id: "email", label: "Email address", kind: "email", autocomplete: Some("email"), value: email, error, ..TextInput::default() }))
                    button type="submit" class="govuk-button" data-module="govuk-button" { "Send me a code" }
                }
            } }
        },
    )
}

fn code_page(state: &AppState, form: &SignInForm, email: &str, error: Option<&str>) -> Markup {
    let errors: Vec<(&str, &str)> = error.map(|e| ("code", e)).into_iter().collect();
    portal_page(
        "Enter the code we sent you",
        &state.authority,
        None,
        html! {
            div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
                (error_summary(&errors))
                h1 class="govuk-heading-l" { "Enter the code we sent you" }
                p class="govuk-body" { "If " strong { (email) } " can sign in to the portal, we have e-mailed it a 6-digit code. The code works once, for " (CODE_MINUTES) " minutes." }
                form method="post" action="/portal/code" novalidate {
                    input type="hidden" name=(CSRF_FIELD) value=(form.token());
                    input type="hidden" name="email" value=(email);
                    (text_input(TextInput { id: "code", label: "Code", kind: "text", autocomplete: Some("one-time-code"), value: "", error, width: Some("5"), hint: Some("6 digits, for example 042917") }))
                    button type="submit" class="govuk-button" data-module="govuk-button" { "Sign in" }
                }
                p class="govuk-body" { a class="govuk-link" href="/portal/sign-in" { "Not received it? Ask for a new code" } }
            } }
        },
    )
}

/// `GET /portal/sign-in`.
pub async fn sign_in_form(State(state): State<Arc<AppState>>, parts: Parts) -> Response {
    let Some(form) = SignInForm::for_portal(&parts) else { return super::server_error() };
    form.respond(&state, sign_in_page(&state, &form, "", None))
}

#[derive(serde::Deserialize)]
pub struct CodeAsked {
    #[serde(default)]
    email: String,
    #[serde(default)]
    csrf_token: String,
}

/// `POST /portal/sign-in`: a code for the address, e-mailed when it belongs to a member. The
/// page is the same whether or not it does, so that nobody can learn who has an account.
pub async fn send_code(State(state): State<Arc<AppState>>, parts: Parts, Form(asked): Form<CodeAsked>) -> Answer {
    let Some(form) = SignInForm::for_portal(&parts) else { return Err(AppError::Internal("no sign-in form".into())) };
    let typed = asked.email.trim().to_string();
    if form.new || asked.csrf_token != form.token() {
        tracing::warn!("a portal code request without the form's token was refused");
        let why = "Sign in from this page. If you see this again, check that your browser accepts cookies.";
        return Ok(form.respond(&state, (StatusCode::BAD_REQUEST, sign_in_page(&state, &form, &typed, Some(why)))));
    }
    let email = match sendtrack_domain::access::check_email(&typed) {
        Ok(email) => email,
        Err(_) => {
            let why = "Enter an email address in the correct format, like name@example.org";
            return Ok((StatusCode::BAD_REQUEST, sign_in_page(&state, &form, &typed, Some(why))).into_response());
        }
    };
    let Some((mailer, _)) = &state.mail else {
        let why =
            "The portal cannot send codes yet: the council has not set up its e-mail. Contact the council's SEND team.";
        return Ok((StatusCode::SERVICE_UNAVAILABLE, sign_in_page(&state, &form, &email, Some(why))).into_response());
    };
    let address = client_address(&parts, &state.protection);
    let window = minutes_before(now(), state.protection.window_minutes);
    let (for_email, from_client) = state.store.code_requests(&email, &address, &window).await?;
    if throttle(&state, &portal_key(&email), &address).await? == Throttle::Locked
        || for_email >= CODES_PER_ADDRESS
        || from_client >= CODES_PER_CLIENT
    {
        let why = "Too many codes have been asked for. Wait 15 minutes, then try again.";
        return Ok((StatusCode::TOO_MANY_REQUESTS, sign_in_page(&state, &form, &email, Some(why))).into_response());
    }
    let member =
        !state.store.memberships(&email).await?.is_empty() || !state.store.family_access_of(&email).await?.is_empty();
    let Some(code) = new_code() else { return Err(AppError::internal("no random code")) };
    let at = now();
    let expires = stored(at.checked_add(jiff::SignedDuration::from_mins(CODE_MINUTES)).unwrap_or(at));
    let action = if member { "portal code sent" } else { "portal code asked for an address with no account" };
    // Counted either way (the limit holds for unknown addresses too); a code is kept and sent
    // only for a member.
    let kept = if member { code_hash(&email, &code) } else { String::new() };
    state
        .store
        .set_code(&email, &kept, &expires, &address, &stored(at), &sign_in_event(&email, action, &address))
        .await?;
    if member {
        let text = Text {
            subject: "Your sign-in code for the SEND portal".into(),
            body: format!(
                "Your code to sign in to the SEND portal is {code}.\n\nIt works once, for {CODE_MINUTES} minutes. \
                 If you did not ask for it, you can ignore this e-mail: nobody can sign in without it.\n"
            ),
        };
        // Sent after the answer, so that the page and its timing are the same whether or not
        // the address has an account; a code that does not arrive is asked for again.
        let (mailer, to) = (mailer.clone(), email.clone());
        tokio::spawn(async move {
            if mailer.send(&to, &text).await.is_err() {
                tracing::warn!("a portal sign-in code could not be e-mailed");
            }
        });
    }
    Ok(code_page(&state, &form, &email, None).into_response())
}

#[derive(serde::Deserialize)]
pub struct CodeGiven {
    #[serde(default)]
    email: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    csrf_token: String,
}

/// `POST /portal/code`: the code, used once; a wrong one counts towards the lock, as a wrong
/// password does.
pub async fn use_code(State(state): State<Arc<AppState>>, parts: Parts, Form(given): Form<CodeGiven>) -> Answer {
    let Some(form) = SignInForm::for_portal(&parts) else { return Err(AppError::Internal("no sign-in form".into())) };
    let email = given.email.trim().to_lowercase();
    if form.new || given.csrf_token != form.token() {
        let why = "Sign in from this page. If you see this again, check that your browser accepts cookies.";
        return Ok(form.respond(&state, (StatusCode::BAD_REQUEST, sign_in_page(&state, &form, &email, Some(why)))));
    }
    let Ok(email) = sendtrack_domain::access::check_email(&email) else {
        let why = "Enter the e-mail address you asked for the code with.";
        return Ok((StatusCode::BAD_REQUEST, sign_in_page(&state, &form, "", Some(why))).into_response());
    };
    let address = client_address(&parts, &state.protection);
    let key = portal_key(&email);
    if throttle(&state, &key, &address).await? == Throttle::Locked {
        let why = "There have been too many wrong codes. Wait 15 minutes, then ask for a new code.";
        return Ok((StatusCode::TOO_MANY_REQUESTS, code_page(&state, &form, &email, Some(why))).into_response());
    }
    let code: String = given.code.chars().filter(|c| !c.is_whitespace()).collect();
    let Some((token, hash)) = crate::auth::new_token() else { return Err(AppError::internal("no random token")) };
    let at = stored(now());
    let event = sign_in_event(&email, "portal sign in", &address);
    let valid = code.len() == 6 && code.chars().all(|c| c.is_ascii_digit());
    // The browser's earlier portal session, if any, ends with this sign-in.
    let earlier = crate::auth::cookie(&parts, PORTAL_COOKIE).map(|t| crate::auth::token_hash(&t));
    if valid
        && state.store.use_code(&email, &code_hash(&email, &code), &at, (&hash, earlier.as_deref()), &event).await?
    {
        let cookie = state.protection.cookie_named(PORTAL_COOKIE, &token, "/portal", cookie::SameSite::Lax);
        return Ok(([(header::SET_COOKIE, cookie.to_string())], Redirect::to("/portal")).into_response());
    }
    let forget = minutes_before(now(), state.protection.window_minutes);
    let mut work = state.store.begin().await?;
    sendtrack_store::people::record_failed_sign_in(&mut work, &key, &address, &at, &forget).await?;
    sendtrack_store::audit::record(&mut work, &sign_in_event(&email, "portal sign-in failed: wrong code", &address))
        .await?;
    work.commit().await?;
    let why = "Enter the code from the e-mail we sent. A code works once, for 10 minutes, and not after 3 wrong tries: then ask for a new one.";
    Ok((StatusCode::UNAUTHORIZED, code_page(&state, &form, &email, Some(why))).into_response())
}

/// `POST /portal/sign-out`.
pub async fn sign_out(State(state): State<Arc<AppState>>, Portal(me): Portal) -> Answer {
    state.store.end_portal_session(&me.token_hash, &state.portal_event(&me, "portal sign out", None)).await?;
    let mut cookie = state.protection.cookie_named(PORTAL_COOKIE, "", "/portal", cookie::SameSite::Lax);
    cookie.set_max_age(cookie::time::Duration::seconds(0));
    Ok(([(header::SET_COOKIE, cookie.to_string())], Redirect::to("/portal/sign-in")).into_response())
}

#[derive(serde::Deserialize, Default)]
pub struct Done {
    done: Option<String>,
}

/// The organisation names of the member's tasks, by id.
fn organisation_name(cw: &Casework, id: &str) -> String {
    cw.organisations
        .iter()
        .find(|o| o.organisation_id.as_str() == id)
        .map_or_else(|| id.to_string(), |o| o.name.clone())
}

/// `GET /portal`: the open tasks of the member's organisations, soonest due first. Each child
/// listed is an audited view.
pub async fn home(State(state): State<Arc<AppState>>, Portal(me): Portal, Query(done): Query<Done>) -> Answer {
    let (cw, index) = state.children().await?;
    let today = state.today();
    let mine = me.organisations();
    let tasks: Vec<Task> = open_tasks(&cw, today).into_iter().filter(|t| mine.contains(&t.organisation_id)).collect();
    for t in &tasks {
        let event = sendtrack_store::AuditEvent {
            detail: Some(format!("{} {}", t.kind.segment(), t.id)),
            ..state.portal_event(&me, "portal list task", Some(&t.child_id))
        };
        state.audit().event(event).await?;
    }
    for a in &me.family {
        state.audit().event(state.portal_event(&me, "portal list child", Some(&a.child_id))).await?;
    }
    let names: Vec<String> = me.memberships.iter().map(|m| organisation_name(&cw, &m.organisation_id)).collect();
    let banner = done.done.as_deref().and_then(|d| d.split_once(':')).and_then(|(kind, id)| {
        let kind = TaskKind::from_segment(kind)?;
        let id = Some(id)
            .filter(|i| i.len() <= 40 && i.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))?;
        Some(format!("Thank you: {} {id} is with the council, and the caseworker has been told.", kind.words()))
    });
    let content = html! {
        @if let Some(b) = &banner { (success_banner(b)) }
        @if !me.family.is_empty() { (super::family::children_section(&cw, &index, &me)) }
        @if !me.memberships.is_empty() {
        h1 class="govuk-heading-l" { "Your tasks" }
        p class="govuk-body" { "For " (names.join(", ")) ". Each task shows the child's details while it is open." }
        }
        @if me.memberships.is_empty() {
        } @else if tasks.is_empty() {
            p class="govuk-body" { "There are no open tasks." }
        } @else {
            (table(
                (Caption::Medium, format!("{} open task{}", tasks.len(), if tasks.len() == 1 { "" } else { "s" })),
                &[heading("Task"), heading("Child"), heading("Due")],
                tasks.iter().map(|t| {
                    vec![
                        cell(html! {
                            a class="govuk-link" href=(format!("/portal/{}/{}", t.kind.segment(), t.id)) {
                                (t.kind.short()) br; span class="st-nowrap" { (t.id) }
                            }
                        }),
                        cell(super::child_name(&cw, &index, &t.child_id)),
                        cell(html! {
                            span class="st-nowrap" { (sendtrack_domain::dates::in_words(t.due_on)) }
                            @if t.is_overdue(today) { " " (tag("Overdue", Colour::Red)) }
                        }),
                    ]
                }),
            ))
        }
    };
    let title = if me.memberships.is_empty() { "Your children" } else { "Your tasks" };
    Ok(portal_page(title, &state.authority, Some(&me), content).into_response())
}

/// The open task of the member's organisations at `kind`/`id`, or 404 (another organisation's,
/// closed, or no such task: the same answer).
async fn find_task(
    state: &AppState,
    me: &PortalSession,
    kind: &str,
    id: &str,
) -> Result<(Task, Arc<Casework>, Arc<sendtrack_domain::timeline::ChildIndex>), AppError> {
    let kind = TaskKind::from_segment(kind).ok_or(AppError::NotFound)?;
    let (cw, index) = state.children().await?;
    let task = open_task(&cw, state.today(), &me.organisations(), kind, id).ok_or(AppError::NotFound)?;
    Ok((task, cw, index))
}

/// The child's details an open task needs: name, date of birth, the request, what is asked
/// and by when.
fn task_details(
    cw: &Casework,
    index: &sendtrack_domain::timeline::ChildIndex,
    task: &Task,
    today: jiff::civil::Date,
) -> Markup {
    let child = index.child(cw, &task.child_id);
    let request = task.request_id.as_deref().and_then(|r| cw.requests.iter().find(|q| q.request_id.as_str() == r));
    let words = sendtrack_domain::dates::in_words;
    let mut rows = vec![
        row("Child", child.map(|c| format!("{} {}", c.forename, c.surname)).unwrap_or_default()),
        row("Date of birth", child.map(|c| words(c.date_of_birth)).unwrap_or_default()),
    ];
    if let Some(r) = request {
        rows.push(row("Request for assessment", format!("{} (received {})", r.request_id, words(r.received_on))));
    }
    if let Some(p) = &task.plan_id {
        rows.push(row("EHC plan", p.clone()));
    }
    rows.push(row("Asked for", words(task.asked_on)));
    let due = html! { (words(task.due_on)) @if task.is_overdue(today) { " " (tag("Overdue", Colour::Red)) } };
    rows.push(row("Due", due));
    summary_list(&rows)
}

/// Values a task's form was sent with, to show it again with what is wrong.
#[derive(Default)]
struct Entered {
    date: [String; 3],
    choice: String,
    notes: String,
    errors: Vec<(&'static str, String)>,
}

fn task_page(
    state: &AppState,
    me: &PortalSession,
    cw: &Casework,
    index: &sendtrack_domain::timeline::ChildIndex,
    task: &Task,
    entered: &Entered,
) -> Markup {
    let today = state.today();
    let action = format!("/portal/{}/{}", task.kind.segment(), task.id);
    let errors: Vec<(&str, &str)> = entered.errors.iter().map(|(f, m)| (*f, m.as_str())).collect();
    let error = |field: &str| entered.errors.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_str());
    let date = [entered.date[0].as_str(), entered.date[1].as_str(), entered.date[2].as_str()];
    let notes = |label: &str, hint: &str| {
        html! {
            div class=(if error("notes").is_some() { "govuk-form-group govuk-form-group--error" } else { "govuk-form-group" }) {
                label class="govuk-label govuk-label--s" for="notes" { (label) }
                div id="notes-hint" class="govuk-hint" { (hint) }
                @if let Some(e) = error("notes") { p id="notes-error" class="govuk-error-message" { span class="govuk-visually-hidden" { "Error:" } " " (e) } }
                textarea class="govuk-textarea" id="notes" name="notes" rows="4" aria-describedby="notes-hint" { (entered.notes) }
            }
        }
    };
    let file = |label: &str, hint: &str| {
        html! {
            div class=(if error("file").is_some() { "govuk-form-group govuk-form-group--error" } else { "govuk-form-group" }) {
                label class="govuk-label govuk-label--s" for="file" { (label) }
                div id="file-hint" class="govuk-hint" { (hint) }
                @if let Some(e) = error("file") { p id="file-error" class="govuk-error-message" { span class="govuk-visually-hidden" { "Error:" } " " (e) } }
                input class="govuk-file-upload" id="file" name="file" type="file" aria-describedby="file-hint";
            }
        }
    };
    let form = match task.kind {
        TaskKind::Advice => html! {
            form method="post" action=(action) enctype="multipart/form-data" novalidate {
                input type="hidden" name=(CSRF_FIELD) value=(me.csrf);
                (file("Your advice", "A PDF, Word (DOCX) or text file, up to the size the council allows"))
                (date_input(&DateInput { id: "given", legend: "Date of the advice", required: Required::Yes, hint: Some("For example, 27 11 2026. It cannot be in the future."), error: error("given"), value: date }))
                (notes("Notes for the caseworker (optional)", "Anything the caseworker should know; the advice itself goes in the document"))
                button type="submit" class="govuk-button" data-module="govuk-button" { "Submit the advice" }
            }
        },
        TaskKind::Consultation => html! {
            form method="post" action=(action) novalidate {
                input type="hidden" name=(CSRF_FIELD) value=(me.csrf);
                (radios(&Radios {
                    name: "response",
                    legend: "Can your setting meet the child's needs?",
                    required: Required::Yes,
                    hint: Some("Read the draft plan the council sent you. If you cannot, say why below: the council must consider it."),
                    error: error("response"),
                    options: ConsultationResponse::ALL.iter().map(|r| (r.code().to_string(), r.label().to_string())).collect(),
                    checked: &entered.choice,
                    inline: false,
                }))
                (notes("Why, or what more you need to know", "Needed when you cannot meet the needs"))
                button type="submit" class="govuk-button" data-module="govuk-button" { "Send the answer" }
            }
        },
        TaskKind::Review => html! {
            form method="post" action=(action) enctype="multipart/form-data" novalidate {
                input type="hidden" name=(CSRF_FIELD) value=(me.csrf);
                (date_input(&DateInput { id: "meeting", legend: "Date of the review meeting", required: Required::Yes, hint: Some("The council must decide within 4 weeks of the meeting"), error: error("meeting"), value: date }))
                (radios(&Radios {
                    name: "recommendation",
                    legend: "What the meeting recommends",
                    required: Required::Yes,
                    hint: None,
                    error: error("recommendation"),
                    options: ReviewDecision::ALL.iter().map(|r| (r.code().to_string(), r.label().to_string())).collect(),
                    checked: &entered.choice,
                    inline: false,
                }))
                (file("The review report and papers (optional)", "A PDF, Word (DOCX) or text file"))
                (notes("Notes for the caseworker (optional)", "For example, who attended"))
                button type="submit" class="govuk-button" data-module="govuk-button" { "Send the review report" }
            }
        },
    };
    let content = html! {
        a class="govuk-back-link" href="/portal" { "Your tasks" }
        div class="govuk-grid-row" { div class="govuk-grid-column-two-thirds" {
            (error_summary(&errors))
            span class="govuk-caption-l" { "Reference " (task.id) }
            h1 class="govuk-heading-l" { (task.kind.words()) }
            (task_details(cw, index, task, today))
            p class="govuk-body" { "Asked of " (organisation_name(cw, &task.organisation_id)) ". These details are shown only while the task is open." }
            (form)
        } }
    };
    portal_page(task.kind.words(), &state.authority, Some(me), content)
}

/// `GET /portal/{kind}/{id}`: an open task of the member's organisation, audited as a view of
/// the child.
pub async fn task(
    State(state): State<Arc<AppState>>,
    Portal(me): Portal,
    Path((kind, id)): Path<(String, String)>,
) -> Answer {
    let (task, cw, index) = find_task(&state, &me, &kind, &id).await?;
    let event = sendtrack_store::AuditEvent {
        detail: Some(format!("{} {}", task.kind.segment(), task.id)),
        ..state.portal_event(&me, "portal view task", Some(&task.child_id))
    };
    state.audit().event(event).await?;
    let today = state.today();
    let entered = Entered {
        date: [today.day().to_string(), today.month().to_string(), today.year().to_string()],
        ..Entered::default()
    };
    Ok(task_page(&state, &me, &cw, &index, &task, &entered).into_response())
}

/// A date entered as day, month and year.
fn entered_date(date: &[String; 3]) -> Option<jiff::civil::Date> {
    let [d, m, y] = date.each_ref().map(|p| p.trim().parse::<i16>().ok());
    jiff::civil::Date::new(y?, i8::try_from(m?).ok()?, i8::try_from(d?).ok()?).ok()
}

/// What a task's form sent.
#[derive(Default)]
struct Sent {
    entered: Entered,
    file: Option<(Vec<u8>, String)>,
}

/// Reads a task's form (multipart for advice and reviews, the token first; URL-encoded for a
/// consultation), keeping the file within the council's size limit.
async fn read_form(
    state: &AppState,
    me: &PortalSession,
    kind: TaskKind,
    request: axum::extract::Request,
) -> Result<Sent, AppError> {
    let mut sent = Sent::default();
    let date_field = if kind == TaskKind::Review { "meeting" } else { "given" };
    let choice_field = if kind == TaskKind::Review { "recommendation" } else { "response" };
    let put = |sent: &mut Sent, name: &str, value: String| {
        if let Some(part) = name.strip_prefix(date_field).and_then(|p| p.strip_prefix('-')) {
            let i = match part {
                "day" => 0,
                "month" => 1,
                _ => 2,
            };
            sent.entered.date[i] = value;
        } else if name == choice_field {
            sent.entered.choice = value;
        } else if name == "notes" {
            sent.entered.notes = value.chars().take(4000).collect();
        }
    };
    if kind == TaskKind::Consultation {
        let Form(pairs): Form<Vec<(String, String)>> =
            Form::from_request(request, &()).await.map_err(|_| AppError::internal("an unreadable form"))?;
        for (name, value) in pairs {
            put(&mut sent, &name, value);
        }
        return Ok(sent);
    }
    let Ok(mut form) = Multipart::from_request(request, &()).await else {
        let page = (StatusCode::BAD_REQUEST, "Send the form from its page: it carries a file.").into_response();
        return Err(AppError::refused(page));
    };
    if !crate::auth::upload_token_is(&mut form, &me.csrf).await {
        tracing::warn!("a portal upload without a valid CSRF token was refused");
        return Err(AppError::refused(super::csrf_refused()));
    }
    let limit = super::casefile::max_bytes(state).await?;
    while let Ok(Some(mut field)) = form.next_field().await {
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            let file_name =
                field.file_name().unwrap_or_default().rsplit(['/', '\\']).next().unwrap_or_default().to_string();
            let content = match super::casefile::read_file(&mut field, limit).await {
                Ok(read) => read,
                Err(super::casefile::FileRefused::TooLarge) => {
                    let why = format!("The file must be smaller than {} MB", limit / 1024 / 1024);
                    sent.entered.errors.push(("file", why));
                    Vec::new()
                }
                Err(super::casefile::FileRefused::CutShort(_)) => {
                    sent.entered.errors.push(("file", "The upload was cut short: choose the file again".into()));
                    Vec::new()
                }
            };
            if !content.is_empty() {
                sent.file = Some((content, file_name));
            }
        } else {
            let value = field.text().await.unwrap_or_default();
            put(&mut sent, &name, value);
        }
    }
    Ok(sent)
}

use axum::extract::FromRequest as _;

/// A document sent through the portal, checked by its content, as the case file takes it.
fn portal_document(
    me: &PortalSession,
    task: &Task,
    title: String,
    content: &[u8],
) -> Result<Option<Document>, &'static str> {
    let Some((content_type, extension)) = super::casefile::sniff(content) else {
        return Err("The file must be a PDF, Word (DOCX), Excel (XLSX), JPEG, PNG or plain text file");
    };
    let Some(document_id) = super::casefile::new_document_id() else { return Ok(None) };
    Ok(Some(Document {
        series_id: document_id.clone(),
        document_id,
        version: 1,
        child_id: task.child_id.clone(),
        file_name: format!("{}-{}.{extension}", task.kind.segment(), task.id),
        title,
        content_type: content_type.to_string(),
        size: content.len() as i64,
        sha256: super::casefile::sha256(content),
        uploaded_at: stored(now()),
        uploaded_by: me.email.clone(),
        request_id: task.request_id.clone().filter(|_| task.kind == TaskKind::Consultation),
        advice_id: (task.kind == TaskKind::Advice).then(|| task.id.clone()),
        plan_id: None,
        review_id: (task.kind == TaskKind::Review).then(|| task.id.clone()),
        file_path: None,
        shared_with_family: false,
    }))
}

/// `POST /portal/{kind}/{id}`: the answer to an open task, into the record in one transaction
/// (the record, its chronology entry, the document); then the caseworker is e-mailed.
pub async fn answer(
    State(state): State<Arc<AppState>>,
    Portal(me): Portal,
    Path((kind, id)): Path<(String, String)>,
    request: axum::extract::Request,
) -> Answer {
    let (task, cw, index) = find_task(&state, &me, &kind, &id).await?;
    let mut sent = read_form(&state, &me, task.kind, request).await?;
    let today = state.today();
    let organisation = organisation_name(&cw, &task.organisation_id);
    let errors = &mut sent.entered.errors;
    let date = entered_date(&sent.entered.date);
    let date_field = if task.kind == TaskKind::Review { "meeting" } else { "given" };
    if task.kind != TaskKind::Consultation {
        match date {
            None => errors.push((date_field, "Enter a real date, as day, month and year".into())),
            Some(d) if d > today => errors.push((date_field, "The date cannot be in the future".into())),
            Some(d) if d < task.asked_on => errors.push((
                date_field,
                format!(
                    "The date must be on or after {}, when this was asked for",
                    sendtrack_domain::dates::in_words(task.asked_on)
                ),
            )),
            Some(_) => {}
        }
    }
    let choice_ok = match task.kind {
        TaskKind::Advice => true,
        TaskKind::Consultation => ConsultationResponse::parse(&sent.entered.choice).is_ok(),
        TaskKind::Review => ReviewDecision::parse(&sent.entered.choice).is_ok(),
    };
    if !choice_ok {
        let (field, why) = if task.kind == TaskKind::Review {
            ("recommendation", "Choose what the meeting recommends")
        } else {
            ("response", "Choose whether your setting can meet the needs")
        };
        errors.push((field, why.into()));
    }
    if task.kind == TaskKind::Consultation
        && sent.entered.choice == ConsultationResponse::CannotMeet.code()
        && sent.entered.notes.trim().is_empty()
    {
        errors.push(("notes", "Say why your setting cannot meet the needs".into()));
    }
    if task.kind == TaskKind::Advice && sent.file.is_none() && !errors.iter().any(|(f, _)| *f == "file") {
        errors.push(("file", "Choose the file with your advice".into()));
    }
    let title = match task.kind {
        TaskKind::Advice => format!("Advice {} from {organisation}", task.id),
        TaskKind::Review => format!("Annual review report {} from {organisation}", task.id),
        TaskKind::Consultation => format!("Consultation answer {} from {organisation}", task.id),
    };
    let document = match &sent.file {
        Some((content, _)) => match portal_document(&me, &task, title, content) {
            Ok(Some(d)) => Some(d),
            Ok(None) => return Err(AppError::internal("no random document id")),
            Err(why) => {
                sent.entered.errors.push(("file", why.into()));
                None
            }
        },
        None => None,
    };
    if !sent.entered.errors.is_empty() {
        let event = sendtrack_store::AuditEvent {
            detail: Some(format!("{} {} (an answer to correct)", task.kind.segment(), task.id)),
            ..state.portal_event(&me, "portal view task", Some(&task.child_id))
        };
        state.audit().event(event).await?;
        let page = task_page(&state, &me, &cw, &index, &task, &sent.entered);
        return Ok((StatusCode::BAD_REQUEST, page).into_response());
    }
    let on = date.unwrap_or(today);
    // The record the answer changes, read with its version so that a change made meanwhile is
    // not overwritten.
    let (file, after, version) = match task.kind {
        TaskKind::Advice => {
            let (mut r, v) = state.store.record_with_version(RecordFile::Advice, &task.id).await?;
            r.advice[0].received_on = Some(on);
            (RecordFile::Advice, r, v)
        }
        TaskKind::Consultation => {
            let (mut r, v) = state.store.record_with_version(RecordFile::Consultations, &task.id).await?;
            r.consultations[0].responded_on = Some(today);
            r.consultations[0].response = ConsultationResponse::parse(&sent.entered.choice).ok();
            (RecordFile::Consultations, r, v)
        }
        TaskKind::Review => {
            let (mut r, v) = state.store.record_with_version(RecordFile::Reviews, &task.id).await?;
            r.reviews[0].meeting_on = Some(on);
            (RecordFile::Reviews, r, v)
        }
    };
    let what = match task.kind {
        TaskKind::Advice => format!("Advice {} (dated {on}) submitted through the portal", task.id),
        TaskKind::Consultation => format!(
            "Consultation {} answered through the portal: {}",
            task.id,
            ConsultationResponse::parse(&sent.entered.choice).map(|r| r.label()).unwrap_or_default()
        ),
        TaskKind::Review => format!(
            "Annual review {} meeting held on {on}, reported through the portal; recommended: {}",
            task.id,
            ReviewDecision::parse(&sent.entered.choice).map(|r| r.label()).unwrap_or_default()
        ),
    };
    let notes = sent.entered.notes.trim();
    let summary = if notes.is_empty() { format!("{what}.") } else { format!("{what}. {notes}") };
    let Some(entry_id) = super::records::new_id(RecordFile::CaseLog) else {
        return Err(AppError::internal("no random id"));
    };
    let entry = Casework {
        case_log: std::iter::once(CaseLogEntry {
            entry_id: entry_id.into(),
            child_id: task.child_id.as_str().into(),
            on: today,
            time: None,
            kind: ContactKind::Email,
            direction: Some(Direction::In),
            with_whom: Some(format!("{organisation} ({})", me.email)),
            contact_id: None,
            summary,
            request_id: task.request_id.as_deref().map(Into::into),
            plan_id: task.plan_id.as_deref().map(Into::into),
            review_id: (task.kind == TaskKind::Review).then(|| task.id.as_str().into()),
            by: None,
        })
        .collect(),
        ..Casework::default()
    };
    let event = sendtrack_store::AuditEvent {
        detail: Some(format!("{} {}", task.kind.segment(), task.id)),
        ..state.portal_event(&me, "portal answer task", Some(&task.child_id))
    };
    let records = [(file, &after, Some(version)), (RecordFile::CaseLog, &entry, None)];
    match (&document, &sent.file) {
        (Some(document), Some((content, _))) => state.file_document(document, content, &records, &event).await?,
        _ => state.write_records(&records, &event).await?,
    }
    tell_caseworker(&state, &cw, &task, &organisation, &me.email);
    Ok(Redirect::to(&format!("/portal?done={}:{}", task.kind.segment(), task.id)).into_response())
}

/// E-mails the caseworker who holds the task's case that it was answered (a notice queued once
/// per task, sent in the background): references and a link only.
fn tell_caseworker(state: &Arc<AppState>, cw: &Casework, task: &Task, organisation: &str, by: &str) {
    let requests =
        |r: &str| cw.requests.iter().find(|q| q.request_id.as_str() == r).and_then(|q| q.caseworker.as_deref());
    let holder = match &task.plan_id {
        Some(p) => cw.plans.iter().find(|x| x.plan_id.as_str() == p).and_then(|x| x.holder(requests)),
        None => task.request_id.as_deref().and_then(requests),
    };
    let notice = Notice {
        mail_id: format!("notice:{}:{}", task.kind.segment(), task.id),
        subject: format!("{} {} answered through the portal", task.kind.words(), task.id),
        line: format!(
            "{} {} was answered through the SEND portal by {organisation} on {}.",
            task.kind.words(),
            task.id,
            state.today()
        ),
    };
    tell_holder(state, cw, holder.map(str::to_string), &task.child_id, notice, by);
}

/// An e-mail to the caseworker about one event: its key (sent once), subject and first line.
pub(crate) struct Notice {
    pub mail_id: String,
    pub subject: String,
    pub line: String,
}

/// E-mails `holder` (a staff id: the caseworker holding the child's case) a notice, in the
/// background, with a link to the child's record; nothing when there is no e-mail or holder.
pub(crate) fn tell_holder(
    state: &Arc<AppState>,
    cw: &Casework,
    holder: Option<String>,
    child_id: &str,
    notice: Notice,
    by: &str,
) {
    let (Some((mailer, links)), Some(holder)) = (state.mail.clone(), holder) else { return };
    let staff_email = cw.staff.iter().find(|m| m.staff_id.as_str() == holder).and_then(|m| m.email.clone());
    let today = state.today();
    let mail = sendtrack_store::portal::Mail {
        mail_id: notice.mail_id,
        kind: "notice".into(),
        inbox: String::new(),
        to_whom: format!("the caseworker ({holder})"),
        day: today.to_string(),
        subject: notice.subject,
        body: format!("{}\n\nIt is filed in the child's record: {}\n", notice.line, links.child(child_id)),
        children: vec![child_id.to_string()],
        queued_at: stored(now()),
        ..sendtrack_store::portal::Mail::default()
    };
    let state = state.clone();
    let by = by.to_string();
    tokio::spawn(async move {
        // The caseworker's address: the staff record's, else the account that carries their staff id.
        let inbox = match staff_email {
            Some(e) => Some(e),
            None => state.store.users().await.ok().and_then(|users| {
                users
                    .into_iter()
                    .find(|u| u.staff_id.as_deref() == Some(holder.as_str()) && !u.disabled)
                    .map(|u| u.email)
            }),
        };
        let Some(inbox) = inbox else { return };
        let mail = sendtrack_store::portal::Mail { inbox, ..mail };
        if sendtrack_mail::notice(&state.store, &mailer, mail, today, &by).await.is_err() {
            tracing::warn!("the caseworker's notice could not be queued or sent");
        }
    });
}

/// The members of one organisation, and (for those who may) the forms to add and remove them.
pub fn members_section(
    name: &str,
    members: &[sendtrack_store::portal::Member],
    action: &str,
    csrf: &str,
    organisation: &str,
    me: Option<&str>,
) -> Markup {
    html! {
        (table(
            (Caption::Medium, format!("Members of {name}")),
            &[heading("Member"), heading(html! { span class="govuk-visually-hidden" { "Change" } })],
            members.iter().map(|m| vec![
                cell(html! {
                    (m.email) br;
                    span class="govuk-body-s" {
                        (if m.is_admin { "Administrator" } else { "Member" }) ", added " (m.added_at.get(..10).unwrap_or_default())
                    }
                }),
                cell(html! {
                    @if me != Some(m.email.as_str()) {
                        form method="post" action=(action) {
                            input type="hidden" name=(CSRF_FIELD) value=(csrf);
                            input type="hidden" name="organisation" value=(organisation);
                            input type="hidden" name="email" value=(m.email);
                            input type="hidden" name="action" value="remove";
                            button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" data-module="govuk-button" {
                                "Remove" span class="govuk-visually-hidden" { " " (m.email) }
                            }
                        }
                    }
                }),
            ]),
        ))
        form method="post" action=(action) novalidate {
            input type="hidden" name=(CSRF_FIELD) value=(csrf);
            input type="hidden" name="organisation" value=(organisation);
            input type="hidden" name="action" value="add";
            (text_input(TextInput { id: "email", label: "Add a member: their work email address", kind: "email", autocomplete: Some("off"), value: "", ..TextInput::default() }))
            div class="govuk-checkboxes govuk-checkboxes--small govuk-!-margin-bottom-4" data-module="govuk-checkboxes" {
                div class="govuk-checkboxes__item" {
                    input class="govuk-checkboxes__input" id="admin" name="admin" type="checkbox" value="yes";
                    label class="govuk-label govuk-checkboxes__label" for="admin" { "An administrator: may add and remove members" }
                }
            }
            button type="submit" class="govuk-button" data-module="govuk-button" { "Add the member" }
        }
    }
}

/// `GET /portal/members`: the member's organisations and their members; admins may change them.
pub async fn members(State(state): State<Arc<AppState>>, Portal(me): Portal) -> Answer {
    let cw = state.casework().await?;
    let mut sections = Vec::new();
    for m in &me.memberships {
        let name = organisation_name(&cw, &m.organisation_id);
        if m.is_admin {
            let members = state.store.members_of(&m.organisation_id).await?;
            sections.push(members_section(
                &name,
                &members,
                "/portal/members",
                &me.csrf,
                &m.organisation_id,
                Some(&me.email),
            ));
        } else {
            sections.push(html! {
                h2 class="govuk-heading-m" { (name) }
                p class="govuk-body" { "Your organisation's administrator adds and removes members." }
            });
        }
    }
    let content = html! {
        h1 class="govuk-heading-l" { "Members" }
        @for s in &sections { (s) }
    };
    Ok(portal_page("Members", &state.authority, Some(&me), content).into_response())
}

#[derive(serde::Deserialize)]
pub struct MemberChange {
    #[serde(default)]
    organisation: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    action: String,
    admin: Option<String>,
}

/// Adds or removes a member (by the organisation's admin, or the council's): audited.
pub(crate) async fn change_member(
    state: &AppState,
    change: &MemberChange,
    organisation: &str,
    event: sendtrack_store::AuditEvent,
) -> Result<Result<(), String>, AppError> {
    let email = match sendtrack_domain::access::check_email(&change.email) {
        Ok(email) => email,
        Err(why) => return Ok(Err(why)),
    };
    let event = sendtrack_store::AuditEvent { detail: Some(format!("{organisation}: {email}")), ..event };
    let done = if change.action == "remove" {
        state
            .store
            .remove_member(
                organisation,
                &email,
                &sendtrack_store::AuditEvent { action: "remove portal member".into(), ..event },
            )
            .await
    } else {
        let member = sendtrack_store::portal::Member {
            organisation_id: organisation.to_string(),
            email: email.clone(),
            is_admin: change.admin.as_deref() == Some("yes"),
            added_by: event.email.clone(),
            added_at: event.at.clone(),
        };
        state
            .store
            .add_member(&member, &sendtrack_store::AuditEvent { action: "add portal member".into(), ..event })
            .await
    };
    match done {
        Ok(()) => Ok(Ok(())),
        Err(sendtrack_store::StoreError::Duplicate { .. }) => Ok(Err(format!("{email} is already a member"))),
        Err(sendtrack_store::StoreError::NotFound { .. }) => Ok(Err(format!("{email} is not a member"))),
        Err(e) => Err(e.into()),
    }
}

/// `POST /portal/members`: an organisation's admin adds or removes one of its members.
pub async fn members_change(
    State(state): State<Arc<AppState>>,
    Portal(me): Portal,
    Form(change): Form<MemberChange>,
) -> Answer {
    // Another organisation's members are none of the person's business: as if not there.
    if !me.memberships.iter().any(|m| m.organisation_id == change.organisation) {
        return Err(AppError::NotFound);
    }
    if !me.admin_of(&change.organisation) {
        return Err(AppError::Forbidden);
    }
    if change.action == "remove" && change.email.trim().eq_ignore_ascii_case(&me.email) {
        return Ok(message(&state, &me, StatusCode::BAD_REQUEST, "Ask another administrator to remove you"));
    }
    match change_member(&state, &change, &change.organisation, state.portal_event(&me, "", None)).await? {
        Ok(()) => Ok(Redirect::to("/portal/members").into_response()),
        Err(why) => Ok(message(&state, &me, StatusCode::BAD_REQUEST, &why)),
    }
}

fn message(state: &AppState, me: &PortalSession, status: StatusCode, why: &str) -> Response {
    let content = html! {
        h1 class="govuk-heading-l" { "The change was not made" }
        p class="govuk-body" { (why) }
        p class="govuk-body" { a class="govuk-link" href="/portal/members" { "Go back to the members" } }
    };
    (status, portal_page("The change was not made", &state.authority, Some(me), content)).into_response()
}

/// `GET /admin/organisations/{id}/members`: the council's admin sees and changes an
/// organisation's portal members (the first of whom is usually the organisation's admin).
pub async fn admin_members(
    State(state): State<Arc<AppState>>,
    crate::auth::SignedIn(user): crate::auth::SignedIn,
    Path(id): Path<String>,
) -> Answer {
    let cw = state.casework().await?;
    let Some(org) = cw.organisations.iter().find(|o| o.organisation_id.as_str() == id) else {
        return Err(AppError::NotFound);
    };
    let members = state.store.members_of(&id).await?;
    let action = format!("/admin/organisations/{id}/members");
    let content = html! {
        a class="govuk-back-link" href=(format!("/admin/organisations/{id}")) { "Back to " (org.name) }
        h1 class="govuk-heading-l" { "Portal members of " (org.name) }
        p class="govuk-body" { "Members sign in at /portal with a code e-mailed to them, and see only their organisation's open tasks. An administrator of the organisation can add and remove its members without asking the council." }
        @if state.mail.is_none() { p class="govuk-inset-text" { "E-mail is not set up (serve --smtp), so members cannot be sent sign-in codes yet." } }
        (members_section(&org.name, &members, &action, &user.csrf, &id, None))
    };
    Ok(crate::layout::page("Portal members", &state.authority, Some(&user), content).into_response())
}

/// `POST /admin/organisations/{id}/members`.
pub async fn admin_members_change(
    State(state): State<Arc<AppState>>,
    crate::auth::SignedIn(user): crate::auth::SignedIn,
    Path(id): Path<String>,
    Form(change): Form<MemberChange>,
) -> Answer {
    match change_member(&state, &change, &id, state.event(&user, "", None)).await? {
        Ok(()) => Ok(Redirect::to(&format!("/admin/organisations/{id}/members")).into_response()),
        Err(why) => Ok(super::message(
            StatusCode::BAD_REQUEST,
            &state.authority,
            Some(&user),
            "The change was not made",
            &[
                html! { (why) },
                html! { a class="govuk-link" href=(format!("/admin/organisations/{id}/members")) { "Go back to the members" } },
            ],
        )),
    }
}

/// `GET /admin/mail`: what the service e-mailed by itself, and what failed (tried again up to 5
/// times, then left here).
pub async fn admin_mail(
    State(state): State<Arc<AppState>>,
    crate::auth::SignedIn(user): crate::auth::SignedIn,
) -> Answer {
    state.audit().event(state.event(&user, "view e-mail sent", None)).await?;
    // A family's address is theirs: admins see that a family was written to, not where.
    let masked = |mails: Vec<sendtrack_store::portal::Mail>| -> Vec<sendtrack_store::portal::Mail> {
        mails
            .into_iter()
            .map(|m| {
                if m.kind == "family" {
                    let error = m.error.as_ref().map(|_| "refused by the server".to_string());
                    sendtrack_store::portal::Mail { inbox: "a family member".into(), error, ..m }
                } else {
                    m
                }
            })
            .collect()
    };
    let failed = masked(state.store.failed_mail().await?);
    let recent = masked(state.store.recent_mail(100).await?);
    let rows = |mails: &[sendtrack_store::portal::Mail]| -> Vec<Vec<crate::govuk::Cell>> {
        mails
            .iter()
            .map(|m| {
                vec![
                    cell(html! { (m.subject) br; span class="govuk-body-s" { (m.kind) " to " (m.inbox) } }),
                    cell(html! { span class="st-nowrap" { (m.day) } }),
                    // The attempts under the status: three columns fit a phone's width.
                    cell(html! {
                        (match m.status.as_str() { "sent" => tag("Sent", Colour::Green), "failed" => tag("Failed", Colour::Red), other => tag(other, Colour::Grey) })
                        br;
                        span class="govuk-body-s" { (m.attempts) (if m.attempts == 1 { " attempt" } else { " attempts" }) }
                        @if let Some(e) = &m.error { br; span class="govuk-body-s" { (e) } }
                    }),
                ]
            })
            .collect()
    };
    let head = [heading("E-mail"), heading("Day"), heading("Status")];
    let content = html! {
        h1 class="govuk-heading-l" { "E-mail" }
        @if state.mail.is_none() { p class="govuk-inset-text" { "This instance does not send e-mail: start it with --smtp and --mail-from." } }
        @if failed.is_empty() {
            p class="govuk-body" { "No e-mail has failed." }
        } @else {
            (table((Caption::Medium, "Failed: tried again up to 5 times"), &head, rows(&failed)))
        }
        (table((Caption::Medium, "The latest 100"), &head, rows(&recent)))
    };
    Ok(crate::layout::page("E-mail", &state.authority, Some(&user), content).into_response())
}
