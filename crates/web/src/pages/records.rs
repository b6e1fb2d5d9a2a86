//! Recording and correcting a child's records: one form per record type, generated from the
//! interchange columns, checked by the same rules as an import (plus: no step dated after
//! today), with GOV.UK error messages on each field. A change is saved only if nobody else
//! changed the record since the form was opened; the change and its before and after values
//! go into the audit trail in the same transaction.

use crate::AppState;
use crate::auth::{Session, SignedIn};
use crate::error::{Answer, AppError};
use crate::govuk::error_summary;
use crate::govuk::{DateInput, Radios, Required, Select, date_input, radios, select};
use crate::layout::{csrf_field, page};
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use sendtrack_domain::dates::in_words as date_in_words;
use sendtrack_domain::editing::{FieldKind, FieldProblem, changes, check_record, child_records, field_kind};
use sendtrack_domain::measures::CATALOGUE;
use sendtrack_domain::records::{Casework, Form as RecordForm};
use sendtrack_domain::rows::Personal;
use sendtrack_domain::validation::RecordFile;
use sendtrack_store::{AuditEvent, StoreError};
use std::collections::HashMap;
use std::sync::Arc;

/// How a child's page records `file` (every type a form edits has one).
fn form(file: RecordFile) -> Option<&'static RecordForm> {
    file.declaration().form.as_ref()
}

/// The URL name of a record type.
pub fn slug(file: RecordFile) -> &'static str {
    form(file).map_or("details", |f| f.slug)
}

/// A record type in words.
pub fn noun(file: RecordFile) -> &'static str {
    form(file).map_or(file.declaration().name, |f| f.noun)
}

/// What a column is called on a form, and a hint: as the record type declares it.
fn label(file: RecordFile, column: &str) -> (&'static str, Option<&'static str>) {
    file.declaration().column(column).map_or(("", None), |c| (c.label, c.hint))
}

/// Columns the form does not show: the record's own id and the child it belongs to (but a
/// quality audit, recorded from the audits' register, names its child).
fn shown(file: RecordFile, column: &str) -> bool {
    let own_id = file.columns().first().is_some_and(|c| c.name == column);
    // A case log entry's author is the person who writes it.
    let written_for_them = file == RecordFile::CaseLog && column == "by";
    let child_given = column == "child_id" && file != RecordFile::QualityAudits;
    !own_id && !child_given && !written_for_them
}

/// The form's values by field name.
pub(super) type Values = HashMap<String, String>;

/// The values of an existing record, by field name (dates split into day, month and year).
pub(super) fn values_of(file: RecordFile, record: &Casework) -> Values {
    let mut values = Values::new();
    for (column, cell) in file.columns().iter().zip(record.cells(file, 0)) {
        if field_kind(file, column.name) == FieldKind::Date && cell.len() == 10 {
            values.insert(format!("{}-year", column.name), cell[0..4].to_string());
            values.insert(format!("{}-month", column.name), cell[5..7].trim_start_matches('0').to_string());
            values.insert(format!("{}-day", column.name), cell[8..10].trim_start_matches('0').to_string());
        } else {
            values.insert(column.name.to_string(), cell);
        }
    }
    values
}

/// The cells the form's values make, and the problems with dates that are not dates.
pub(super) fn cells_of(
    file: RecordFile,
    values: &Values,
    id: &str,
    child_id: &str,
) -> (Vec<String>, Vec<FieldProblem>) {
    let mut problems = Vec::new();
    let cells = file
        .columns()
        .iter()
        .enumerate()
        .map(|(k, column)| {
            let get = |name: &str| values.get(name).map(|v| v.trim().to_string()).unwrap_or_default();
            if k == 0 {
                return id.to_string();
            }
            if column.name == "child_id" && !matches!(file, RecordFile::Children | RecordFile::QualityAudits) {
                return child_id.to_string();
            }
            if matches!(file, RecordFile::Requests | RecordFile::Plans | RecordFile::Tasks)
                && column.name == "caseworker"
            {
                let new = get("caseworker_new");
                return if new.is_empty() { get("caseworker") } else { new };
            }
            if field_kind(file, column.name) != FieldKind::Date {
                return get(column.name);
            }
            let parts = ["day", "month", "year"].map(|p| get(&format!("{}-{p}", column.name)));
            if parts.iter().all(String::is_empty) {
                return String::new();
            }
            let numbers =
                parts.clone().map(|p| p.parse::<u16>().ok().filter(|_| p.bytes().all(|b| b.is_ascii_digit())));
            match numbers {
                [Some(d), Some(m), Some(y)] if parts[2].len() == 4 => format!("{y:04}-{m:02}-{d:02}"),
                _ => {
                    let (words, _) = label(file, column.name);
                    problems.push(FieldProblem {
                        column: Some(column.name),
                        message: format!("{words} must be a real date, with a day, a month and a 4-digit year"),
                    });
                    String::new()
                }
            }
        })
        .collect();
    (cells, problems)
}

/// A problem as the GOV.UK error-message guidance says it: "Enter the date the decision was
/// sent", "Choose who made the request"; other messages with column names put in the form's words.
fn plain(file: RecordFile, column: Option<&str>, message: &str) -> String {
    let Some(column) = column else { return in_words(file, message) };
    let what = |c: &str| {
        let (words, _) = label(file, c);
        let lower = words.to_lowercase();
        if lower.starts_with("who ") || lower.starts_with("the ") { lower } else { format!("the {lower}") }
    };
    let verb = match field_kind(file, column) {
        FieldKind::Code(_) | FieldKind::Reference(_) | FieldKind::Flag => "Choose",
        FieldKind::Date | FieldKind::Text => "Enter",
    };
    if message.ends_with("is required but the cell is empty") {
        return format!("{verb} {}", what(column));
    }
    if let Some((_, other)) = message.split_once(" is required when ") {
        let other = other.trim_end_matches(" is filled");
        return format!("{verb} {}, as {} is filled in", what(column), what(other));
    }
    in_words(file, message)
}

/// A message with column names (those written with underscores, which read as code) put in
/// the words of the form.
fn in_words(file: RecordFile, message: &str) -> String {
    let mut names: Vec<&str> =
        file.columns().iter().map(|c| c.name).filter(|n| shown(file, n) && n.contains('_')).collect();
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    let mut out = message.to_string();
    for name in names {
        let (words, _) = label(file, name);
        if !words.is_empty() && out.contains(name) {
            out = out.replace(name, &format!("'{}'", words.to_lowercase()));
        }
    }
    let mut chars = out.chars();
    chars.next().map_or(out.clone(), |first| first.to_uppercase().chain(chars).collect())
}

/// Options for a reference to another of the child's records: (id, words).
fn references(file: RecordFile, own: &Casework) -> Vec<(String, String)> {
    match file {
        RecordFile::Requests => own
            .requests
            .iter()
            .map(|r| (r.request_id.to_string(), format!("{} received {}", r.request_id, date_in_words(r.received_on))))
            .collect(),
        RecordFile::Plans => own
            .plans
            .iter()
            .map(|p| (p.plan_id.to_string(), format!("{} issued {}", p.plan_id, date_in_words(p.issued_on))))
            .collect(),
        RecordFile::Reviews => own
            .reviews
            .iter()
            .map(|v| {
                let met = v.meeting_on.map(|d| format!(", met {}", date_in_words(d))).unwrap_or_default();
                (v.review_id.to_string(), format!("{} of plan {}{met}", v.review_id, v.plan_id))
            })
            .collect(),
        RecordFile::Organisations => {
            own.organisations.iter().map(|o| (o.organisation_id.to_string(), o.name.clone())).collect()
        }
        RecordFile::Contacts => own
            .contacts
            .iter()
            .map(|c| (c.contact_id.to_string(), format!("{} ({})", c.name, c.role.label().to_lowercase())))
            .collect(),
        RecordFile::Posts => own
            .posts
            .iter()
            .map(|p| {
                let team = p.team.as_deref().map(|t| format!(", {t}")).unwrap_or_default();
                (p.post_id.to_string(), format!("{}: {}{team}, {} FTE", p.post_id, p.role.label(), p.fte.as_str()))
            })
            .collect(),
        RecordFile::Strands => own.strands.iter().map(|s| (s.strand_id.clone(), s.title.clone())).collect(),
        RecordFile::Staff => own
            .staff
            .iter()
            .filter(|m| m.ended_on.is_none())
            .map(|m| (m.staff_id.to_string(), format!("{} ({})", m.name, m.role.label().to_lowercase())))
            .collect(),
        _ => Vec::new(),
    }
}

pub(super) struct FormPage<'a> {
    pub file: RecordFile,
    pub child_id: &'a str,
    pub child_name: &'a str,
    pub record_id: Option<&'a str>,
    pub version: Option<i64>,
    /// The child's own records (or, for staff, the posts), for references to choose from.
    pub own: &'a Casework,
    pub values: &'a Values,
    pub problems: &'a [FieldProblem],
    pub conflict: bool,
    /// The caseworkers to choose from.
    pub caseworkers: &'a Caseworkers,
    /// For a new child: a child already held with the same name and date of birth, or UPN.
    pub same_as: Option<&'a str>,
}

/// The caseworkers a form offers: (staff id, words). With staff recorded, the caseworkers
/// and senior caseworkers in post, by name; otherwise the staff ids sendtrack has seen, and a
/// new one may be typed in and confirmed.
#[derive(Debug, Default)]
pub(super) struct Caseworkers {
    pub options: Vec<(String, String)>,
    pub from_staff: bool,
}

impl Caseworkers {
    fn knows(&self, id: &str) -> bool {
        self.options.iter().any(|(known, _)| known == id)
    }
}

fn field(f: &FormPage, column: &'static str, required: bool) -> Markup {
    let (words, hint) = label(f.file, column);
    let error = f.problems.iter().find(|p| p.column == Some(column)).map(|p| plain(f.file, p.column, &p.message));
    let value = f.values.get(column).cloned().unwrap_or_default();
    let group = if error.is_some() { "govuk-form-group govuk-form-group--error" } else { "govuk-form-group" };
    let hint_id = format!("{column}-hint");
    let error_id = format!("{column}-error");
    let described: Vec<&str> =
        [hint.map(|_| hint_id.as_str()), error.as_ref().map(|_| error_id.as_str())].into_iter().flatten().collect();
    let described = (!described.is_empty()).then(|| described.join(" "));
    let messages = html! {
        @if let Some(h) = hint { div id=(hint_id) class="govuk-hint" { (h) } }
        @if let Some(e) = &error { p id=(error_id) class="govuk-error-message" { span class="govuk-visually-hidden" { "Error:" } " " (e) } }
    };
    if matches!(f.file, RecordFile::Requests | RecordFile::Plans | RecordFile::Tasks) && column == "caseworker" {
        return caseworker_field(f, group, &messages, described, error.is_some(), &value);
    }
    let required = if required { Required::Yes } else { Required::No };
    match field_kind(f.file, column) {
        FieldKind::Date => {
            let part = |p: &str| f.values.get(&format!("{column}-{p}")).cloned().unwrap_or_default();
            let (day, month, year) = (part("day"), part("month"), part("year"));
            date_input(&DateInput {
                id: column,
                legend: words,
                required,
                hint,
                error: error.as_deref(),
                value: [&day, &month, &year],
            })
        }
        FieldKind::Flag => radios(&Radios {
            name: column,
            legend: words,
            required,
            hint,
            error: error.as_deref(),
            options: [("true", "Yes"), ("false", "No"), ("", "Not recorded")]
                .map(|(v, w)| (v.to_string(), w.to_string()))
                .to_vec(),
            checked: &value,
            inline: true,
        }),
        kind @ (FieldKind::Code(_) | FieldKind::Reference(_)) => {
            let first = if required == Required::Yes { "Choose" } else { "Not recorded" };
            let options: Vec<(String, String)> = match kind {
                FieldKind::Code(codes) => {
                    codes.iter().map(|(code, words)| (code.to_string(), words.to_string())).collect()
                }
                FieldKind::Reference(of) => references(of, f.own),
                _ => Vec::new(),
            };
            select(&Select {
                id: column,
                label: words,
                question: Some(required),
                hint,
                error: error.as_deref(),
                options: std::iter::once((String::new(), first.to_string())).chain(options).collect(),
                selected: &value,
            })
        }
        FieldKind::Text if is_long_text(f.file, column) => html! {
            div class=(group) {
                label class="govuk-label govuk-label--s" for=(column) { (words) @if required == Required::No { " (optional)" } }
                (messages)
                textarea class=(if error.is_some() { "govuk-textarea govuk-textarea--error" } else { "govuk-textarea" }) id=(column) name=(column) rows="5" spellcheck="true" aria-describedby=[described] { (value) }
            }
        },
        FieldKind::Text => html! {
            div class=(group) {
                label class="govuk-label govuk-label--s" for=(column) { (words) @if required == Required::No { " (optional)" } }
                (messages)
                input class=(if error.is_some() { "govuk-input govuk-input--width-20 govuk-input--error" } else { "govuk-input govuk-input--width-20" }) id=(column) name=(column) type="text" spellcheck="false" value=(value) aria-describedby=[described];
            }
        },
    }
}

/// Whether a column holds text of several lines or sentences (a textarea, not a one-line input).
fn is_long_text(file: RecordFile, column: &str) -> bool {
    matches!(
        (file, column),
        (RecordFile::CaseLog, "summary")
            | (RecordFile::Contacts, "address")
            | (RecordFile::Milestones, "slip_reason")
            | (RecordFile::BoardActions, "action")
    )
}

/// The caseworker of a request: chosen from those sendtrack knows, or a new one's staff id
/// typed in and confirmed.
fn caseworker_field(
    f: &FormPage,
    group: &str,
    messages: &Markup,
    described: Option<String>,
    has_error: bool,
    value: &str,
) -> Markup {
    let (words, _) = label(f.file, "caseworker");
    let known = f.caseworkers.knows(value);
    let typed = f.values.get("caseworker_new").map(String::as_str).unwrap_or(if known { "" } else { value });
    let free = !f.caseworkers.from_staff;
    html! {
        div class=(group) {
            label class="govuk-label govuk-label--s" for="caseworker" { (words) " (optional)" }
            (messages)
            select class=(if has_error { "govuk-select govuk-select--error" } else { "govuk-select" }) id="caseworker" name="caseworker" aria-describedby=[described] {
                option value="" selected[value.is_empty() || !known] { "Not allocated" }
                @for (id, words) in &f.caseworkers.options { option value=(id) selected[id == value] { (words) } }
            }
            @if free {
                div class="govuk-form-group govuk-!-margin-top-4 govuk-!-margin-bottom-0" {
                    label class="govuk-label" for="caseworker_new" { "Or a caseworker not in the list: their staff id" }
                    input class="govuk-input govuk-input--width-10" id="caseworker_new" name="caseworker_new" type="text" spellcheck="false" value=(typed);
                }
            }
            @if free && has_error && !typed.is_empty() {
                div class="govuk-checkboxes govuk-checkboxes--small govuk-!-margin-top-4" data-module="govuk-checkboxes" {
                    div class="govuk-checkboxes__item" {
                        input class="govuk-checkboxes__input" id="confirm_new_caseworker" name="confirm_new_caseworker" type="checkbox" value="yes";
                        label class="govuk-label govuk-checkboxes__label" for="confirm_new_caseworker" { "Yes, " (typed) " is a new caseworker's staff id" }
                    }
                }
            }
        }
    }
}

/// Where a register (records of no child, kept by managers or admins) is listed: staff, and
/// organisations (issue 19). Their ids are chosen by the person adding one.
pub(super) fn register_path(file: RecordFile) -> Option<&'static str> {
    match file {
        RecordFile::Staff => Some("/staff"),
        RecordFile::Organisations => Some("/admin/organisations"),
        RecordFile::Indicators => Some("/indicators"),
        RecordFile::Strands => Some("/improvement/strands"),
        RecordFile::Milestones => Some("/improvement/milestones"),
        RecordFile::BoardActions => Some("/improvement/actions"),
        RecordFile::QualityAudits => Some("/plan-quality"),
        _ => None,
    }
}

pub(super) fn form_page(state: &AppState, user: &Session, f: &FormPage) -> Markup {
    let heading = match f.record_id {
        Some(id) => format!("Change {} {id}", noun(f.file)),
        None if f.file == RecordFile::Staff => "Add a member of staff".to_string(),
        None if f.file == RecordFile::Organisations => "Add an organisation".to_string(),
        None if register_path(f.file).is_some() => format!("Add a {}", noun(f.file)),
        None => format!("Record a {}", noun(f.file)),
    };
    let title = if f.problems.is_empty() && !f.conflict { heading.clone() } else { format!("Error: {heading}") };
    let summary: Vec<(String, String)> = if f.conflict {
        vec![(
            "main-content".into(),
            format!(
                "Someone else changed this {} after you opened this page. Nothing was saved. Open it again to see their change, then make yours.",
                noun(f.file)
            ),
        )]
    } else {
        f.problems
            .iter()
            .map(|p| {
                let target = match p.column {
                    Some(c) if field_kind(f.file, c) == FieldKind::Date => format!("{c}-day"),
                    Some(c) if field_kind(f.file, c) == FieldKind::Flag => {
                        format!("{c}-{}", "true")
                    }
                    Some(c) => c.to_string(),
                    None => "main-content".into(),
                };
                (target, plain(f.file, p.column, &p.message))
            })
            .collect()
    };
    let summary_refs: Vec<(&str, &str)> = summary.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let back = if matches!(f.file, RecordFile::Strands | RecordFile::Milestones | RecordFile::BoardActions) {
        "/improvement".to_string()
    } else if f.file == RecordFile::QualityAudits {
        "/plan-quality".to_string()
    } else if let Some(base) = register_path(f.file) {
        base.to_string()
    } else if f.file == RecordFile::Children && f.record_id.is_none() {
        "/children".to_string()
    } else {
        format!("/children/{}", f.child_id)
    };
    let action = match f.record_id {
        Some(id) if register_path(f.file).is_some() => format!("{}/{id}", register_path(f.file).unwrap_or_default()),
        None if register_path(f.file).is_some() => format!("{}/new", register_path(f.file).unwrap_or_default()),
        Some(id) if f.file == RecordFile::Children => format!("/children/{id}/details/{id}"),
        Some(id) => format!("/children/{}/{}/{id}", f.child_id, slug(f.file)),
        None if f.file == RecordFile::Children => "/children/new".to_string(),
        None => format!("/children/{}/{}/new", f.child_id, slug(f.file)),
    };
    page(
        &title,
        &state.authority,
        Some(user),
        html! {
            a href=(back) class="govuk-back-link" { "Back" }
            div class="govuk-grid-row" {
                div class="govuk-grid-column-two-thirds" {
                    (error_summary(&summary_refs))
                    @if !f.child_name.is_empty() { span class="govuk-caption-l" { (f.child_name) " (" (f.child_id) ")" } }
                    h1 class="govuk-heading-l" { (heading) }
                    @if let Some(other) = f.same_as {
                        div class="govuk-warning-text" {
                            span class="govuk-warning-text__icon" aria-hidden="true" { "!" }
                            strong class="govuk-warning-text__text" {
                                span class="govuk-visually-hidden" { "Warning" }
                                "This may be a child already in sendtrack: "
                                a class="govuk-link" href=(format!("/children/{other}")) { "open the record of child " (other) }
                                "."
                            }
                        }
                    }
                    form method="post" action=(action) novalidate {
                        (csrf_field(user))
                        @if f.same_as.is_some() {
                            div class="govuk-form-group" {
                                div class="govuk-checkboxes" data-module="govuk-checkboxes" id="different_child" {
                                    div class="govuk-checkboxes__item" {
                                        input class="govuk-checkboxes__input" id="different_child-yes" name="different_child" type="checkbox" value="yes";
                                        label class="govuk-label govuk-checkboxes__label" for="different_child-yes" { "This is a different child" }
                                    }
                                }
                            }
                        }
                        @if let Some(v) = f.version { input type="hidden" name="version" value=(v); }
                        @for column in f.file.columns() {
                            // A new member of staff's id is chosen by the manager (it is what the
                            // caseworker columns hold); every other record's id is made for it.
                            @if shown(f.file, column.name) || (register_path(f.file).is_some() && f.record_id.is_none() && f.file.columns().first().is_some_and(|c| c.name == column.name)) {
                                (field(f, column.name, column.filled))
                            }
                        }
                        button type="submit" class="govuk-button" data-module="govuk-button" { "Save" }
                    }
                }
            }
        },
    )
}

/// The banner after a save, from the page's `?saved=KIND:ID`: only for a record of that kind
/// that is the child's own (`own`), in the app's own words, so a link from elsewhere cannot put
/// a message of its choosing on the page.
pub fn saved_banner(own: &Casework, saved: &str) -> Option<String> {
    let (kind, id) = saved.split_once(':')?;
    let file = kind_of(kind)?;
    let count = own.counts().rows().iter().zip(RecordFile::ALL).find(|(_, f)| *f == file).map_or(0, |((_, n), _)| *n);
    (0..count)
        .any(|i| own.cells(file, i).first().is_some_and(|c| c == id))
        .then(|| format!("Saved {} {id}.", noun(file)))
}

/// The caseworkers a form offers. With staff recorded: the caseworkers and senior
/// caseworkers in post today, by name and team (and `current`, the one the record names, even
/// if they have left, so that saving it unchanged keeps it). Without: the staff ids holding
/// requests, and the signed-in person's own.
pub(super) async fn known_caseworkers(
    state: &AppState,
    user: &Session,
    current: Option<&str>,
) -> Result<Caseworkers, AppError> {
    let cw = state.casework().await?;
    if !cw.staff.is_empty() {
        let today = state.today();
        let mut options: Vec<(String, String)> = cw
            .staff
            .iter()
            .filter(|m| (m.role.holds_cases() && m.is_in_post_at(today)) || current == Some(m.staff_id.as_str()))
            .map(|m| {
                let team = m.team.as_deref().map(|t| format!(", {t}")).unwrap_or_default();
                let left = if m.is_in_post_at(today) { "" } else { ", left" };
                (m.staff_id.to_string(), format!("{}{team}{left}", m.name))
            })
            .collect();
        options.sort_by(|a, b| a.1.cmp(&b.1));
        return Ok(Caseworkers { options, from_staff: true });
    }
    let mut ids: Vec<String> = state.caseworkers().await?.iter().cloned().collect();
    if let Some(own) = &user.staff_id
        && !ids.contains(own)
    {
        ids.push(own.clone());
        ids.sort();
    }
    Ok(Caseworkers { options: ids.into_iter().map(|id| (id.clone(), id)).collect(), from_staff: false })
}

/// The record type named in a child's URL: any with a form but the registers (staff,
/// organisations, the board paper's).
fn kind_of(slug: &str) -> Option<RecordFile> {
    child_records().filter(|&f| register_path(f).is_none()).find(|&f| form(f).is_some_and(|form| form.slug == slug))
}

/// A new record id: the type's letter and 8 random hexadecimal digits.
pub(crate) fn new_id(file: RecordFile) -> Option<String> {
    let mut bytes = [0u8; 4];
    getrandom::fill(&mut bytes).ok()?;
    Some(sendtrack_domain::records::new_record_id(file, bytes))
}

/// Whether `user` may record and correct `own` (one child's records): the domain's rule.
pub(crate) fn may_edit(user: &Session, own: &Casework) -> bool {
    sendtrack_domain::access::may_edit_child(user.role, user.staff_id.as_deref(), user.edits_any_case, own)
}

/// The refusal for a child outside the caseworker's caseload.
fn not_in_caseload(state: &AppState, user: &Session) -> Response {
    super::message(
        StatusCode::FORBIDDEN,
        &state.authority,
        Some(user),
        "You cannot change this child's records",
        &[
            html! { "The child is allocated to another caseworker. You can read the record; to change it, ask your manager to let you edit any case." },
        ],
    )
}

/// The child's own records and name; a 404 for an unknown child.
async fn child(state: &AppState, child_id: &str) -> Result<(Arc<Casework>, Casework, String), AppError> {
    let (cw, index) = state.children().await?;
    let Some(c) = index.child(&cw, child_id) else { return Err(AppError::NotFound) };
    let name = format!("{} {}", c.forename, c.surname);
    let own = index.own(&cw, child_id);
    Ok((cw, own, name))
}

#[derive(serde::Deserialize, Default)]
pub struct Prefill {
    request: Option<String>,
    plan: Option<String>,
}

/// The form for a new record of a child.
pub async fn new_form(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Path((child_id, kind)): Path<(String, String)>,
    Query(prefill): Query<Prefill>,
) -> Answer {
    let Some(file) = kind_of(&kind).filter(|f| *f != RecordFile::Children) else { return Err(AppError::NotFound) };
    let (_, own, name) = child(&state, &child_id).await?;
    if !may_edit(&user, &own) {
        return Ok(not_in_caseload(&state, &user));
    }
    let mut values = Values::new();
    if matches!(file, RecordFile::Requests | RecordFile::Tasks)
        && let Some(staff) = &user.staff_id
    {
        values.insert("caseworker".into(), staff.clone());
    }
    if let Some(r) = prefill.request {
        values.insert("request_id".into(), r);
    }
    if let Some(p) = prefill.plan {
        values.insert("plan_id".into(), p);
    }
    let caseworkers = known_caseworkers(&state, &user, None).await?;
    let f = FormPage {
        file,
        child_id: &child_id,
        child_name: &name,
        record_id: None,
        version: None,
        own: &own,
        values: &values,
        problems: &[],
        conflict: false,
        caseworkers: &caseworkers,
        same_as: None,
    };
    Ok(form_page(&state, &user, &f).into_response())
}

/// The form for a new child.
pub async fn new_child_form(State(state): State<Arc<AppState>>, SignedIn(user): SignedIn) -> Answer {
    let f = FormPage {
        file: RecordFile::Children,
        child_id: "",
        child_name: "",
        record_id: None,
        version: None,
        own: &Casework::default(),
        values: &Values::new(),
        problems: &[],
        conflict: false,
        caseworkers: &Caseworkers::default(),
        same_as: None,
    };
    Ok(form_page(&state, &user, &f).into_response())
}

/// The form to change a child's record.
pub async fn edit_form(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Path((child_id, kind, record_id)): Path<(String, String, String)>,
) -> Answer {
    let Some(file) = kind_of(&kind) else { return Err(AppError::NotFound) };
    let (cw, own, name) = child(&state, &child_id).await?;
    if !may_edit(&user, &own) {
        return Ok(not_in_caseload(&state, &user));
    }
    let (record, version) = match state.store.record_with_version(file, &record_id).await {
        Ok(found) => found,
        Err(StoreError::NotFound { .. }) => return Err(AppError::NotFound),
        Err(e) => return Err(e.into()),
    };
    if record.child_of_first(file, &cw).as_deref() != Some(child_id.as_str()) {
        return Err(AppError::NotFound);
    }
    state.audit().record(&user, &format!("view {}", noun(file)), Some(&child_id)).await?;
    let values = values_of(file, &record);
    let caseworkers = known_caseworkers(&state, &user, values.get("caseworker").map(String::as_str)).await?;
    let f = FormPage {
        file,
        child_id: &child_id,
        child_name: &name,
        record_id: Some(&record_id),
        version: Some(version),
        own: &own,
        values: &values,
        problems: &[],
        conflict: false,
        caseworkers: &caseworkers,
        same_as: None,
    };
    Ok(form_page(&state, &user, &f).into_response())
}

/// Saves a new child.
pub async fn create_child(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Form(values): Form<Vec<(String, String)>>,
) -> Answer {
    let Some(id) = new_id(RecordFile::Children) else { return Err(AppError::internal("no random record id")) };
    save(&state, &user, RecordFile::Children, &id, &id, None, values.into_iter().collect()).await
}

/// Saves a new record of a child.
pub async fn create(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Path((child_id, kind)): Path<(String, String)>,
    Form(values): Form<Vec<(String, String)>>,
) -> Answer {
    let Some(file) = kind_of(&kind).filter(|f| *f != RecordFile::Children) else { return Err(AppError::NotFound) };
    let Some(id) = new_id(file) else { return Err(AppError::internal("no random record id")) };
    save(&state, &user, file, &child_id, &id, None, values.into_iter().collect()).await
}

/// Saves a change to a child's record.
pub async fn update(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Path((child_id, kind, record_id)): Path<(String, String, String)>,
    Form(values): Form<Vec<(String, String)>>,
) -> Answer {
    let Some(file) = kind_of(&kind) else { return Err(AppError::NotFound) };
    let values: Values = values.into_iter().collect();
    let Some(version) = values.get("version").and_then(|v| v.parse::<i64>().ok()) else {
        return Ok((StatusCode::BAD_REQUEST, "The form has no version: open it again.").into_response());
    };
    save(&state, &user, file, &child_id, &record_id, Some(version), values).await
}

async fn save(
    state: &Arc<AppState>,
    user: &Session,
    file: RecordFile,
    child_id: &str,
    record_id: &str,
    version: Option<i64>,
    values: Values,
) -> Answer {
    let new_child = file == RecordFile::Children && version.is_none();
    let (cw, own, name) = if new_child {
        (state.casework().await?, Casework::default(), String::new())
    } else {
        child(state, child_id).await?
    };
    if !new_child && !may_edit(user, &own) {
        return Ok(not_in_caseload(state, user));
    }
    let before = match version {
        None => None,
        Some(_) => match state.store.record_with_version(file, record_id).await {
            Ok(found) if found.0.child_of_first(file, &own).as_deref() == Some(child_id) => Some(found),
            Ok(_) | Err(StoreError::NotFound { .. }) => return Err(AppError::NotFound),
            Err(e) => return Err(e.into()),
        },
    };
    let current = before.as_ref().and_then(|(b, _)| values_of(file, b).remove("caseworker"));
    let caseworkers = known_caseworkers(state, user, current.as_deref()).await?;
    let mut same_as: Option<String> = None;
    let shown_again = |problems: &[FieldProblem], conflict: bool, status: StatusCode, same_as: Option<&str>| {
        let f = FormPage {
            file,
            child_id,
            child_name: &name,
            record_id: version.map(|_| record_id),
            version,
            own: &own,
            values: &values,
            problems,
            conflict,
            caseworkers: &caseworkers,
            same_as,
        };
        (status, form_page(state, user, &f)).into_response()
    };
    // Entries brought back after signing in again: shown to be checked, not saved yet.
    if values.get("returned").map(String::as_str) == Some("yes") {
        let note = [FieldProblem {
            column: None,
            message: "You were signed out, so nothing was saved. Check what you entered, then save it".into(),
        }];
        return Ok(shown_again(&note, false, StatusCode::OK, None));
    }
    if let (Some(expected), Some((_, current))) = (version, &before)
        && expected != *current
    {
        return Ok(shown_again(&[], true, StatusCode::CONFLICT, None));
    }
    let (mut cells, mut problems) = cells_of(file, &values, record_id, child_id);
    // A case log entry is written by the person saving it (a change keeps its author).
    if file == RecordFile::CaseLog
        && let Some(k) = file.columns().iter().position(|c| c.name == "by")
    {
        let author =
            before.as_ref().and_then(|(b, _)| b.case_log.front().and_then(|e| e.by.as_deref().map(str::to_string)));
        cells[k] = author.or_else(|| user.staff_id.clone()).unwrap_or_default();
    }
    // A caseworker sendtrack does not know yet (a typo makes a ghost caseworker, and locks the
    // real one out of the child) is saved only once the person confirms it is a new one.
    // With staff recorded a caseworker is only ever chosen from them.
    if matches!(file, RecordFile::Requests | RecordFile::Plans | RecordFile::Tasks)
        && let Some(k) = file.columns().iter().position(|c| c.name == "caseworker")
        && !cells[k].is_empty()
        && !caseworkers.knows(&cells[k])
        && caseworkers.from_staff
    {
        problems.push(FieldProblem {
            column: Some("caseworker"),
            message: "Choose a caseworker in post from the list".to_string(),
        });
    } else if matches!(file, RecordFile::Requests | RecordFile::Plans | RecordFile::Tasks)
        && let Some(k) = file.columns().iter().position(|c| c.name == "caseworker")
        && !cells[k].is_empty()
        && !caseworkers.knows(&cells[k])
        && values.get("confirm_new_caseworker").map(String::as_str) != Some("yes")
    {
        problems.push(FieldProblem {
            column: Some("caseworker"),
            message: format!(
                "The staff id {} is not a caseworker sendtrack knows. Choose one from the list, or confirm that it is a new caseworker's",
                cells[k]
            ),
        });
    }
    // A new child who may be one already held (the same UPN, or the same name and date of
    // birth) is stopped, with a link to that child, until the person says it is another child.
    if new_child && values.get("different_child").map(String::as_str) != Some("yes") {
        let cell =
            |name: &str| file.columns().iter().position(|c| c.name == name).map(|k| cells[k].trim().to_lowercase());
        let (forename, surname, born, upn) = (cell("forename"), cell("surname"), cell("date_of_birth"), cell("upn"));
        let found = cw.children.iter().find(|c| {
            let upn_matches = upn
                .as_deref()
                .is_some_and(|u| !u.is_empty() && c.upn.as_deref().is_some_and(|h| h.to_lowercase() == u));
            let person_matches = forename.as_deref() == Some(c.forename.trim().to_lowercase().as_str())
                && surname.as_deref() == Some(c.surname.trim().to_lowercase().as_str())
                && born.as_deref() == Some(c.date_of_birth.to_string().as_str());
            upn_matches || person_matches
        });
        if let Some(c) = found {
            same_as = Some(c.child_id.to_string());
            problems.push(FieldProblem {
                column: None,
                message: "A child with the same UPN, or the same name and date of birth, is already in sendtrack. Open their record, or confirm that this is a different child".into(),
            });
        }
    }
    // A reference may only name one of this child's own records: the permission check above is
    // on the URL's child, so a request or plan of another child would put casework (and its
    // audit rows) on a child the user may not change.
    for (column, cell) in file.columns().iter().zip(&cells) {
        if let FieldKind::Reference(target) = field_kind(file, column.name)
            && shown(file, column.name)
            && !cell.is_empty()
            && !references(target, &own).iter().any(|(id, _)| id == cell)
        {
            problems.push(FieldProblem {
                column: Some(column.name),
                message: match target {
                    RecordFile::Plans => "Choose one of this child's EHC plans".to_string(),
                    RecordFile::Reviews => "Choose one of the reviews of this child's plans".to_string(),
                    RecordFile::Contacts => "Choose one of this child's contacts".to_string(),
                    RecordFile::Organisations => "Choose one of the organisations".to_string(),
                    _ => "Choose one of this child's requests".to_string(),
                },
            });
        }
    }
    // Every column is on the form, so an empty cell is a present, empty one (a required
    // column left empty is reported, as on an import).
    let texts: Vec<Option<&str>> = cells.iter().map(|c| Some(c.as_str())).collect();
    let measure_ids: Vec<&str> = CATALOGUE.iter().map(|m| m.id).collect();
    let today = state.today();
    // Checked against the child's own records: every rule between records is between one
    // child's (a reference to another child's record is refused above), so this finds what the
    // whole caseload's check would, in time proportional to the child. An id used twice is
    // refused by the database's write below.
    let checked = check_record(&own, file, &texts, version.is_none(), today, &measure_ids);
    let record = match checked {
        Ok(record) if problems.is_empty() => record,
        Ok(_) => return Ok(shown_again(&problems, false, StatusCode::BAD_REQUEST, same_as.as_deref())),
        Err(more) => {
            // A date that was not a date is reported once, in the words of the form.
            for p in more {
                if !problems.iter().any(|q| q.column.is_some() && q.column == p.column) {
                    problems.push(p);
                }
            }
            return Ok(shown_again(&problems, false, StatusCode::BAD_REQUEST, same_as.as_deref()));
        }
    };
    // Belt and braces: the record saved belongs to the child it is filed under.
    if !new_child && record.child_of_first(file, &own).as_deref() != Some(child_id) {
        return Ok(not_in_caseload(state, user));
    }
    let changed = changes(file, before.as_ref().map_or(&Casework::default(), |b| &b.0), &record);
    let detail: serde_json::Map<String, serde_json::Value> = changed
        .into_iter()
        .map(|(c, b, a)| {
            // A personal value's change is recorded, not the value (so an erased child leaves
            // no name behind in the audit trail).
            let personal = file.declaration().column(c).is_some_and(|c| c.personal != Personal::No);
            let values = if personal { serde_json::json!("changed") } else { serde_json::json!([b, a]) };
            (c.to_string(), values)
        })
        .collect();
    let owner_id = if new_child { record_id } else { child_id };
    let event = AuditEvent {
        at: crate::auth::stored(crate::auth::now()),
        email: user.email.clone(),
        action: format!("{} {} {record_id}", if version.is_some() { "change" } else { "add" }, noun(file)),
        child_id: Some(owner_id.to_string()),
        detail: Some(serde_json::Value::Object(detail).to_string()),
        address: Some(user.address.clone()),
    };
    match state.write_record(file, &record, version, &event).await {
        Ok(_) => {
            super::family::tell_family_of_change(state, file, before.as_ref().map(|b| &b.0), &record, &own, &user.email)
        }
        Err(StoreError::Conflict { .. } | StoreError::Duplicate { .. }) => {
            return Ok(shown_again(&[], true, StatusCode::CONFLICT, None));
        }
        Err(e) => return Err(e.into()),
    }
    let saved = format!("{}:{record_id}", slug(file));
    let query = serde_urlencoded::to_string([("saved", saved.as_str())]).unwrap_or_default();
    Ok(Redirect::to(&format!("/children/{owner_id}?{query}")).into_response())
}
