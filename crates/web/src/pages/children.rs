//! Finding a child and a child's record: details, current plan and placement, and the
//! timeline of every statutory step with its due date and status. Searches are POSTed so that
//! names never appear in URLs; a record's URL holds only its opaque id. Every view is audited.

use crate::AppState;
use crate::auth::Session;
use crate::auth::SignedIn;
use crate::download::{Cell, DataTable, Download, links, respond};
use crate::error::{Answer, AppError};
use crate::govuk::success_banner;
use crate::govuk::{Action, Caption, Colour, Row, cell, heading, row, summary_card, summary_list, table, tag};
use crate::layout::{csrf_field, page};
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::IntoResponse;
use maud::{Markup, html};
use sendtrack_domain::access::Role;
use sendtrack_domain::dates::in_words;
use sendtrack_domain::timeline::StepStatus;
use std::sync::Arc;

fn search_form(session: &Session, query: &str) -> Markup {
    html! {
        form method="post" action="/children" novalidate {
            (csrf_field(session))
            div class="govuk-form-group" {
                label class="govuk-label govuk-label--m" for="q" { "Search for a child" }
                div id="q-hint" class="govuk-hint" { "A name (either way round, or part of it), a date of birth, UPN, postcode, school (its name or URN) or sendtrack id" }
                input class="govuk-input govuk-!-width-two-thirds" id="q" name="q" type="text" spellcheck="false" autocomplete="off" aria-describedby="q-hint" value=(query);
            }
            button type="submit" class="govuk-button" data-module="govuk-button" { "Search" }
        }
    }
}

pub async fn find(State(state): State<Arc<AppState>>, SignedIn(user): SignedIn) -> Answer {
    Ok(page(
        "Find a child",
        &state.authority,
        Some(&user),
        html! {
            h1 class="govuk-heading-l" { "Find a child" }
            (search_form(&user, ""))
            @if user.role.records_casework() {
                p class="govuk-body" { a class="govuk-link" href="/children/new" { "Record a child who is not in sendtrack yet" } }
            }
        },
    )
    .into_response())
}

#[derive(serde::Deserialize)]
pub struct Search {
    #[serde(default)]
    q: String,
    /// The page of results (from 1).
    #[serde(default)]
    page: Option<usize>,
}

/// Results on a page.
const PER_PAGE: usize = 25;

pub async fn search(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Form(search): Form<Search>,
) -> Answer {
    let cw = state.casework().await?;
    let query = search.q.trim();
    let found = sendtrack_domain::search::find_children(&cw, query, state.today());
    let pages = found.len().div_ceil(PER_PAGE).max(1);
    let page_number = search.page.unwrap_or(1).clamp(1, pages);
    let shown: Vec<_> =
        found.iter().skip((page_number - 1) * PER_PAGE).take(PER_PAGE).map(|&k| &cw.children[k]).collect();
    // The query may be a name: it is not logged, and pages are asked for by POST, never in a URL.
    state.audit().record(&user, "search children", None).await?;
    let page_button = |n: usize, words: &str| {
        html! {
            form method="post" action="/children" class="st-inline-form" {
                (csrf_field(&user))
                input type="hidden" name="q" value=(query);
                input type="hidden" name="page" value=(n);
                button type="submit" class="govuk-link st-link-button" { (words) span class="govuk-visually-hidden" { " page of results" } }
            }
        }
    };
    Ok(page(
        "Find a child",
        &state.authority,
        Some(&user),
        html! {
            h1 class="govuk-heading-l" { "Find a child" }
            (search_form(&user, &search.q))
            @if query.is_empty() {
                p class="govuk-body" { "Enter a name, a date of birth, a UPN, a postcode, a school or an id." }
            } @else if found.is_empty() {
                p class="govuk-body" { "No child matches. Check the spelling, or try part of the name or the date of birth." }
            } @else {
                p class="govuk-body" role="status" {
                    strong { (found.len()) } @if found.len() == 1 { " child matches" } @else { " children match" }
                    @if pages > 1 { ": " ((page_number - 1) * PER_PAGE + 1) " to " ((page_number - 1) * PER_PAGE + shown.len()) " are shown" }
                    "."
                }
                div class="st-scroll" {
                    (table(
                        (Caption::Hidden, "Children found"),
                        &[heading("Name"), heading("Date of birth"), heading("Postcode"), heading("Id")],
                        shown.iter().map(|c| {
                            vec![
                                cell(html! { a class="govuk-link" href=(format!("/children/{}", c.child_id)) { (c.forename) " " (c.surname) } }),
                                cell(html! { span class="st-nowrap" { (in_words(c.date_of_birth)) } }),
                                cell(c.postcode.as_deref().unwrap_or("")),
                                cell(c.child_id.as_str()),
                            ]
                        }),
                    ))
                }
                @if pages > 1 {
                    nav class="govuk-pagination" aria-label="Pages of results" {
                        @if page_number > 1 { div class="govuk-pagination__prev" { (page_button(page_number - 1, "Previous")) } }
                        p class="govuk-body govuk-!-margin-bottom-0" { "Page " (page_number) " of " (pages) }
                        @if page_number < pages { div class="govuk-pagination__next" { (page_button(page_number + 1, "Next")) } }
                    }
                }
            }
        },
    )
    .into_response())
}

/// A step's status as a tag, coloured by how urgent it is.
fn status_tag(status: StepStatus) -> Markup {
    let colour = match status {
        StepStatus::OnTime => Colour::Green,
        StepStatus::Late(_) => Colour::Orange,
        StepStatus::DueIn(n) if n <= 7 => Colour::Yellow,
        StepStatus::DueIn(_) => Colour::Blue,
        StepStatus::Overdue(_) => Colour::Red,
        StepStatus::NoLongerAwaited | StepStatus::Recorded => Colour::Grey,
    };
    tag(status.words(), colour)
}

#[derive(serde::Deserialize, Default)]
pub struct Saved {
    saved: Option<String>,
    /// Which entries the chronology shows: `statutory`, `log`, or (empty) both.
    show: Option<String>,
}

/// Staff names by staff id.
type Names = super::StaffNames;

/// A caseworker as people read them: their name and staff id (just the id when staff.csv
/// does not hold them), or "Not allocated".
fn person(names: &Names, id: Option<&str>) -> String {
    match id {
        None => "Not allocated".into(),
        Some(id) => names.get(id).map_or_else(|| id.to_string(), |name| format!("{name} ({id})")),
    }
}

/// A summary card for one record: its title, a link to change it, and its facts (key, value).
fn record_card(title: &str, edit: Option<String>, rows: &[(&str, String)]) -> Markup {
    let actions: Vec<Action> = edit.iter().map(|href| Action { href, text: "Change", hidden: title }).collect();
    let rows: Vec<Row> = rows.iter().map(|(key, value)| row(key, value)).collect();
    summary_card(title, &actions, &rows)
}

/// The facts of a request, as its card shows them.
fn request_rows(r: &sendtrack_domain::records::Request, names: &Names) -> Vec<(&'static str, String)> {
    let mut rows = vec![
        ("Received", in_words(r.received_on)),
        ("Made by", r.source.map_or("Not known".to_string(), |s| s.label().to_string())),
        ("Caseworker", person(names, r.caseworker.as_deref())),
        (
            "Decision whether to assess",
            r.decision.map_or("Not yet sent".into(), |d| format!("{}, sent {}", d.value.label(), in_words(d.on))),
        ),
    ];
    if let Some(draft) = r.draft_issued_on {
        rows.push(("Draft plan issued", in_words(draft)));
    }
    rows.push((
        "Outcome",
        r.outcome.map_or("Not yet sent".into(), |o| format!("{}, sent {}", o.value.label(), in_words(o.on))),
    ));
    if let Some(e) = r.exception {
        rows.push(("Exception to the 20 weeks", e.label().to_string()));
    }
    if r.in_youth_accommodation == Some(true) {
        rows.push(("Made in youth accommodation", "Yes".into()));
    }
    rows
}

/// A date in words, or what to say when there is none.
fn on(date: Option<jiff::civil::Date>, none: &str) -> String {
    date.map_or(none.to_string(), in_words)
}

/// Every record of the child, grouped by type, each in a summary card with a link to change
/// it, and buttons for what can be recorded next (only what can succeed: advice is asked for
/// on a request being assessed, a review of a plan in force).
fn records_section(
    own: &sendtrack_domain::records::Casework,
    child_id: &str,
    can_record: bool,
    names: &Names,
) -> Markup {
    use super::records::slug;
    use sendtrack_domain::codes::AssessmentDecision;
    use sendtrack_domain::validation::RecordFile as F;
    let edit = |file: F, id: &str| can_record.then(|| format!("/children/{child_id}/{}/{id}", slug(file)));
    let add = |file: F, words: &str, query: String| {
        html! { @if can_record { a class="govuk-button govuk-button--secondary govuk-!-margin-right-2" data-module="govuk-button" href=(format!("/children/{child_id}/{}/new{query}", slug(file))) { (words) } } }
    };
    html! {
        h2 class="govuk-heading-m" id="records" { "Records" }
        @if can_record {
            div class="govuk-button-group" {
                (add(F::Requests, "Record a new request", String::new()))
                (add(F::Plans, "Record a plan", String::new()))
                (add(F::Placements, "Record a placement", String::new()))
                (add(F::Disputes, "Record a mediation or appeal", String::new()))
                (add(F::Tasks, "Add a task", String::new()))
                (add(F::Feedback, "Record a complaint or compliment", String::new()))
                (add(F::Consultations, "Record a consultation of a setting", String::new()))
            }
        }
        @for c in &own.consultations {
            (record_card(&format!("Consultation {}", c.consultation_id), edit(F::Consultations, &c.consultation_id), &consultation_rows(c, own)))
        }
        @for f in &own.feedback {
            (record_card(&format!("{} {}", f.kind.label(), f.feedback_id), edit(F::Feedback, &f.feedback_id), &feedback_rows(f)))
        }
        @for t in &own.tasks {
            (record_card(&format!("Task {}", t.task_id), edit(F::Tasks, &t.task_id), &[
                ("What to do", t.what.clone()),
                ("Who does it", person(names, t.caseworker.as_deref())),
                ("Due on", in_words(t.due_on)),
                ("Done on", on(t.done_on, "Not yet")),
            ]))
        }
        @for r in &own.requests {
            @let rows = request_rows(r, names);
            (record_card(&format!("Request {}", r.request_id), edit(F::Requests, &r.request_id), &rows))
            @for a in own.advice.iter().filter(|a| a.request_id == r.request_id) {
                (record_card(&format!("Advice {} for request {}", a.advice_id, r.request_id), edit(F::Advice, &a.advice_id), &[
                    ("Kind", a.kind.label().to_string()),
                    ("From", a.provider.clone().unwrap_or_else(|| "Not recorded".into())),
                    ("Requested", in_words(a.requested_on)),
                    ("Received", on(a.received_on, "Not yet")),
                ]))
            }
            // Advice is asked for once the decision is to assess, until the outcome is sent.
            @if r.decision.is_some_and(|d| d.value == AssessmentDecision::Assess) && r.outcome.is_none() {
                (add(F::Advice, "Record advice requested", format!("?request={}", r.request_id)))
            }
        }
        @for p in &own.plans {
            (record_card(&format!("EHC plan {}", p.plan_id), edit(F::Plans, &p.plan_id), &[
                ("Issued", in_words(p.issued_on)),
                ("Ceased", p.ceased.map_or("In force".into(), |c| format!("{} ({})", in_words(c.on), c.value.label()))),
                ("From request", p.request_id.clone().unwrap_or_else(|| "Not recorded".into()).to_string()),
                ("Personal budget", p.personal_budget.map_or("None".to_string(), |b| b.label().to_string())),
            ]))
            @for v in own.reviews.iter().filter(|v| v.plan_id == p.plan_id) {
                (record_card(&format!("Annual review {} of plan {}", v.review_id, p.plan_id), edit(F::Reviews, &v.review_id), &[
                    ("Meeting", on(v.meeting_on, "Not yet held")),
                    ("Decision", v.decision.map_or("Not yet sent".into(), |d| format!("{}, sent {}", d.value.label(), in_words(d.on)))),
                    ("Amended plan issued", on(v.amended_on, "–")),
                    ("Phase transfer", v.phase_transfer.map_or("No".to_string(), |t| t.label().to_string())),
                ]))
            }
            @for n in own.plan_settings.iter().filter(|n| n.plan_id == p.plan_id) {
                (record_card(&format!("Setting named in plan {} ({})", p.plan_id, n.plan_setting_id), edit(F::PlanSettings, &n.plan_setting_id), &[
                    ("Setting", named_setting_words(n, own)),
                    ("Named from", in_words(n.named_on)),
                    ("Named until", on(n.ended_on, "Still named")),
                    ("Rank", n.rank.map_or("Main setting".to_string(), |r| r.label().to_string())),
                ]))
            }
            @if p.ceased.is_none() {
                (add(F::Reviews, &format!("Record a review of plan {}", p.plan_id), format!("?plan={}", p.plan_id)))
                (add(F::PlanSettings, &format!("Record a setting named in plan {}", p.plan_id), format!("?plan={}", p.plan_id)))
            }
        }
        @for p in &own.placements {
            (record_card(&format!("Placement {}", p.placement_id), edit(F::Placements, &p.placement_id), &[
                ("Setting", format!("{}{}", p.setting.label(), p.establishment.as_deref().map_or(String::new(), |e| format!(": {e}")))),
                ("From", in_words(p.started_on)),
                ("To", on(p.ended_on, "Continuing")),
                ("Placement", p.rank.map_or("Main placement".to_string(), |r| r.label().to_string())),
            ]))
        }
        @for d in &own.disputes {
            (record_card(&format!("{} {}", d.kind.label(), d.dispute_id), edit(F::Disputes, &d.dispute_id), &[
                ("Began", on(d.opened_on, "Date not known")),
                ("About request", d.request_id.clone().unwrap_or_else(|| "Not recorded".into()).to_string()),
                ("Outcome", d.outcome.map_or("Awaited".into(), |o| format!("{}, {}", o.value.label(), in_words(o.on)))),
            ]))
        }
    }
}

/// A named setting in words: the school's name where the child's placements or the
/// organisations know its URN, with its type.
fn named_setting_words(
    n: &sendtrack_domain::records::PlanSetting,
    own: &sendtrack_domain::records::Casework,
) -> String {
    let name = n.urn.as_deref().and_then(|urn| {
        own.placements
            .iter()
            .find(|p| p.urn.as_deref() == Some(urn))
            .and_then(|p| p.establishment.clone())
            .or_else(|| own.organisations.iter().find(|o| o.urn.as_deref() == Some(urn)).map(|o| o.name.clone()))
    });
    let kind = n.setting.map(|s| s.label().to_string());
    [name, Some(n.describe()), kind.filter(|_| n.urn.is_some() || n.ukprn.is_some())]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

pub async fn record(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
    Query(saved): Query<Saved>,
    Query(download): Query<Download>,
) -> Answer {
    let (cw, index) = state.children().await?;
    let Some(child) = index.child(&cw, &id) else { return Err(AppError::NotFound) };
    let today = state.today();
    state.audit().record(&user, "view child", Some(&child.child_id)).await?;
    let viewers =
        if user.role == Role::Manager { state.store.audit_of_child(&child.child_id, 20).await? } else { Vec::new() };
    let plan = index.plans(&cw, &child.child_id).find(|p| p.is_active_at(today));
    let placement = index.placements(&cw, &child.child_id).find(|p| p.is_main() && p.is_active_at(today));
    // The chronology: the statutory timeline merged with the case log (issue 18), filterable.
    let show = saved.show.clone().unwrap_or_default();
    let mut steps = if show == "log" { Vec::new() } else { index.timeline(&cw, &child.child_id, today) };
    if show != "statutory" {
        for e in index.own(&cw, &child.child_id).case_log.iter() {
            let with = e.with_whom.as_deref().map(|w| format!(" with {w}")).unwrap_or_default();
            let way = e.direction.map(|d| format!(" ({})", d.label().to_lowercase())).unwrap_or_default();
            let at = e.time.as_deref().map(|t| format!(" at {t}")).unwrap_or_default();
            steps.push(sendtrack_domain::timeline::Step {
                on: e.on,
                what: format!("{}{way}{with}{at}: {}", e.kind.label(), e.summary),
                record: e.entry_id.to_string(),
                due: None,
                done: Some(e.on),
                status: sendtrack_domain::timeline::StepStatus::Recorded,
            });
        }
        steps.sort_by_key(|s| s.on);
    }
    let own = index.own(&cw, &child.child_id);
    let names = super::staff_names(&cw);
    let mut timeline = DataTable::new("timeline", "Timeline", &["Date", "Step", "Record", "Due", "Status"]);
    for s in &steps {
        timeline.rows.push(vec![
            Cell::text(s.on.to_string()),
            Cell::text(s.what.clone()),
            Cell::text(s.record.clone()),
            Cell::text(s.due.map_or(String::new(), |d| d.to_string())),
            Cell::text(s.status.words()),
        ]);
    }
    if download.wanted() {
        state.audit().record(&user, "download child timeline", Some(&child.child_id)).await?;
        return Ok(respond(&[timeline], &download, &child.child_id));
    }
    let can_record = super::records::may_edit(&user, &own);
    let documents = state.store.documents_of(&child.child_id).await?;
    let letters = if can_record {
        // Whether a letter can be written depends on the record alone, not on the settings.
        super::casefile::writable_letters(&own, &Default::default(), today)
    } else {
        Vec::new()
    };
    let case_file = super::casefile::documents_section(&documents, &own, &child.child_id, can_record, &user, &letters);
    let accesses = state.store.family_access_of_child(&child.child_id).await?;
    let family = super::family::family_section(&own, &accesses, &child.child_id, can_record, &user, today);
    let view = ChildView {
        child,
        can_record,
        case_file,
        family,
        plan,
        placement,
        steps: &steps,
        own: &own,
        today,
        saved: saved.saved.as_deref(),
        timeline: &timeline,
        viewers: (user.role == Role::Manager).then_some(viewers.as_slice()),
        names: &names,
    };
    Ok(page(&format!("{} {}", child.forename, child.surname), &state.authority, Some(&user), child_page(&view))
        .into_response())
}

/// What the child's page shows.
struct ChildView<'a> {
    child: &'a sendtrack_domain::records::Child,
    /// Whether the person may record and correct the child's records.
    can_record: bool,
    /// The documents and the letters that can be written.
    case_file: Markup,
    /// The family's access to the portal (issue 20).
    family: Markup,
    plan: Option<&'a sendtrack_domain::records::Plan>,
    placement: Option<&'a sendtrack_domain::records::Placement>,
    steps: &'a [sendtrack_domain::timeline::Step],
    own: &'a sendtrack_domain::records::Casework,
    today: jiff::civil::Date,
    /// The record just saved, as the form's redirect names it.
    saved: Option<&'a str>,
    timeline: &'a DataTable,
    /// Who has viewed the record (for a manager).
    viewers: Option<&'a [(String, String, String)]>,
    names: &'a Names,
}

/// A consultation's facts, as its card shows them: the setting by name, its 15 days, its answer.
fn consultation_rows(
    c: &sendtrack_domain::records::Consultation,
    own: &sendtrack_domain::records::Casework,
) -> Vec<(&'static str, String)> {
    let setting = own.organisations.iter().find(|o| o.organisation_id == c.organisation_id);
    let about = match (&c.request_id, &c.review_id) {
        (Some(r), _) => format!("The draft plan of request {r}"),
        (_, Some(v)) => format!("The amended plan after review {v}"),
        _ => "Not recorded".into(),
    };
    vec![
        ("Setting", setting.map_or_else(|| c.organisation_id.to_string(), |o| o.name.clone())),
        ("About", about),
        ("Sent", in_words(c.sent_on)),
        ("Answer due by", in_words(c.due_on())),
        (
            "Answer",
            match (c.responded_on, c.response) {
                (Some(on), Some(r)) => format!("{}, {}", r.label(), in_words(on)),
                _ => "Not yet".into(),
            },
        ),
    ]
}

/// A complaint's or compliment's facts, as its card shows them.
fn feedback_rows(f: &sendtrack_domain::records::Feedback) -> Vec<(&'static str, String)> {
    let mut rows = vec![("Received", in_words(f.received_on))];
    rows.extend(f.subject.map(|s| ("About", s.label().to_string())));
    rows.extend(f.stage.map(|s| ("Stage", s.label().to_string())));
    rows.extend(f.ombudsman_outcome.map(|o| ("Ombudsman's decision", o.label().to_string())));
    rows
}

/// A contact's facts, as their card shows them.
fn contact_rows(c: &sendtrack_domain::records::Contact) -> Vec<(&'static str, String)> {
    let mut rows = vec![("Who they are", c.role.label().to_string())];
    if c.parental_responsibility {
        rows.push(("Parental responsibility", "Yes".into()));
    }
    let optional = [
        ("Organisation", &c.organisation),
        ("School URN", &c.urn),
        ("Email", &c.email),
        ("Phone", &c.phone),
        ("Address", &c.address),
    ];
    rows.extend(optional.into_iter().filter_map(|(key, value)| Some((key, value.clone()?))));
    if let Some(p) = c.preferred {
        rows.push(("Prefers", p.label().to_string()));
    }
    rows
}

/// The people around the child, each in a card with how to reach them (issue 18).
fn contacts_section(own: &sendtrack_domain::records::Casework, child_id: &str, can_record: bool) -> Markup {
    use sendtrack_domain::validation::RecordFile as F;
    let slug = super::records::slug(F::Contacts);
    html! {
        h2 class="govuk-heading-m" id="contacts" { "Contacts" }
        @if own.contacts.is_empty() {
            p class="govuk-body" { "No contacts recorded." }
        }
        @for c in &own.contacts {
            @let rows = contact_rows(c);
            (record_card(&c.name, can_record.then(|| format!("/children/{child_id}/{slug}/{}", c.contact_id)), &rows))
        }
        @if can_record {
            div class="govuk-button-group" {
                a class="govuk-button govuk-button--secondary" data-module="govuk-button" href=(format!("/children/{child_id}/{slug}/new")) { "Add a contact" }
                a class="govuk-link" href="/establishments" { "Find a school's URN" }
            }
        }
    }
}

/// The child's page: details, timeline and records.
fn child_page(v: &ChildView) -> Markup {
    let mut details = vec![
        row("Date of birth", in_words(v.child.date_of_birth)),
        row(
            "UPN",
            v.child.upn.clone().unwrap_or_else(|| match v.child.upn_unknown {
                Some(r) => format!("Not known (reason {})", r.code().to_uppercase()),
                None => "Not known".into(),
            }),
        ),
    ];
    if let Some(uln) = &v.child.uln {
        details.push(row("ULN", uln));
    }
    if let Some(sex) = v.child.sex {
        details.push(row("Sex", sex.label()));
    }
    if let Some(e) = &v.child.ethnicity {
        details.push(row("Ethnicity", e.to_uppercase()));
    }
    details.push(row("Primary need", v.child.primary_need.map_or("Not recorded", |n| n.label())));
    if let Some(n) = v.child.secondary_need {
        details.push(row("Secondary need", n.label()));
    }
    details.push(row(
        "EHC plan",
        v.plan.map_or("No active plan".into(), |p| {
            let mut text = format!("{}, in force since {}", p.plan_id, in_words(p.issued_on));
            if let Some(la) = &p.transferred_from {
                text.push_str(&format!("; transferred in from LA {la}"));
            }
            if let Some(b) = p.personal_budget {
                text.push_str(&format!("; personal budget: {}", b.label().to_lowercase()));
            }
            text
        }),
    ));
    // The holder: the caseworker of the child's latest plan, else of their latest request.
    let holder = v
        .own
        .plans
        .iter()
        .max_by_key(|p| p.issued_on)
        .and_then(|p| p.caseworker.as_deref())
        .or_else(|| v.own.requests.iter().max_by_key(|r| r.received_on).and_then(|r| r.caseworker.as_deref()));
    details.push(row("Caseworker", person(v.names, holder)));
    let own_promise = v.own.promises.iter().find(|p| p.child_id.is_some());
    let promised = sendtrack_domain::records::promised_working_days(v.own.promises.iter(), &v.child.child_id);
    details.push(row(
        "Updates promised",
        format!(
            "At least every {promised} working days while a request is open{}",
            if own_promise.is_some() { " (agreed for this child)" } else { " (the authority's standard)" }
        ),
    ));
    details.push(row(
        "Placement",
        v.placement.map_or("None recorded".into(), |p| {
            let mut text = format!(
                "{}{}",
                p.setting.label(),
                p.establishment.as_deref().map_or(String::new(), |e| format!(", {e}"))
            );
            if let Some(urn) = &p.urn {
                text.push_str(&format!(" (URN {urn})"));
            }
            if let Some(ukprn) = &p.ukprn {
                text.push_str(&format!(" (UKPRN {ukprn})"));
            }
            if p.sen_unit == Some(true) {
                text.push_str(", in a SEN unit");
            }
            if p.resourced_provision == Some(true) {
                text.push_str(", in resourced provision");
            }
            text
        }),
    ));
    html! {
            @if v.saved == Some("document") { (success_banner("The document was filed in the child's documents.")) }
            @if v.saved == Some("invited") { (success_banner("They can now sign in to the portal; we e-mailed them how.")) }
            @if let Some(banner) = v.saved.and_then(|s| super::records::saved_banner(v.own, s)) { (success_banner(&banner)) }
            span class="govuk-caption-l" { "Child or young person " (v.child.child_id) }
            h1 class="govuk-heading-l" { (v.child.forename) " " (v.child.surname) }
            (summary_list(&details))
            @if v.can_record {
                p class="govuk-body" {
                    a class="govuk-link" href=(format!("/children/{0}/details/{0}", v.child.child_id)) { "Change the child's details" }
                    " · "
                    @match v.own.promises.iter().find(|p| p.child_id.is_some()) {
                        Some(p) => a class="govuk-link" href=(format!("/children/{}/promise/{}", v.child.child_id, p.promise_id)) { "Change how often the family is updated" },
                        None => a class="govuk-link" href=(format!("/children/{}/promise/new", v.child.child_id)) { "Agree a different update promise for this child" },
                    }
                }
            }
            (contacts_section(v.own, &v.child.child_id, v.can_record))
            (v.family)
            h2 class="govuk-heading-m" { "Chronology" }
            p class="govuk-body" {
                "Show: "
                a class="govuk-link" href=(format!("/children/{}", v.child.child_id)) { "everything" } ", "
                a class="govuk-link" href=(format!("/children/{}?show=statutory", v.child.child_id)) { "the statutory steps" } ", "
                a class="govuk-link" href=(format!("/children/{}?show=log", v.child.child_id)) { "the case log" }
                @if v.can_record {
                    " · " a class="govuk-link" href=(format!("/children/{}/log/new", v.child.child_id)) { "Log a call, email, letter, meeting, visit or note" }
                }
            }
            @if v.steps.is_empty() {
                p class="govuk-body" { "Nothing recorded yet." }
            } @else {
                (links(&format!("/children/{}", v.child.child_id), v.timeline))
                div class="st-scroll" tabindex="0" role="region" aria-label="The child's timeline" {
                    (table(
                        (Caption::Small, format!("Every step with its statutory due date, as at {}", in_words(v.today))),
                        &[heading("Date"), heading("Step"), heading("Due"), heading("Status")],
                        v.steps.iter().map(|s| {
                            vec![
                                cell(html! { span class="st-nowrap" { (in_words(s.on)) } }),
                                cell(html! { (s.what) " " span class="govuk-body-s" { "(" (s.record) ")" } }),
                                cell(html! { span class="st-nowrap" { (s.due.map_or(String::new(), in_words)) } }),
                                cell(status_tag(s.status)),
                            ]
                        }),
                    ))
                }
            }
            (records_section(v.own, &v.child.child_id, v.can_record, v.names))
            (v.case_file)
            @if let Some(viewers) = v.viewers {
                details class="govuk-details" {
                    summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "Who has viewed this record" } }
                    div class="govuk-details__text" {
                        ul class="govuk-list" { @for (at, who, action) in viewers { li { (at) ": " (who) " (" (action) ")" } } }
                    }
                }
            }
    }
}
