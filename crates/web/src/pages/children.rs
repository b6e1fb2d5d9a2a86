//! Finding a child and a child's record: details, current plan and placement, and the
//! timeline of every statutory step with its due date and status. Searches are POSTed so that
//! names never appear in URLs; a record's URL holds only its opaque id. Every view is audited.

use crate::AppState;
use crate::auth::Session;
use crate::auth::SignedIn;
use crate::download::{Cell, DataTable, Download, links, respond};
use crate::layout::{csrf_field, page, success_banner};
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use sendtrack_domain::access::Role;
use sendtrack_domain::timeline::StepStatus;
use std::sync::Arc;

fn search_form(session: &Session, query: &str) -> Markup {
    html! {
        form method="post" action="/children" novalidate {
            (csrf_field(session))
            div class="govuk-form-group" {
                label class="govuk-label govuk-label--m" for="q" { "Name, UPN or id" }
                input class="govuk-input govuk-!-width-one-half" id="q" name="q" type="text" spellcheck="false" autocomplete="off" value=(query);
            }
            button type="submit" class="govuk-button" data-module="govuk-button" { "Search" }
        }
    }
}

pub async fn find(State(state): State<Arc<AppState>>, SignedIn(user): SignedIn) -> Response {
    page(
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
    .into_response()
}

#[derive(serde::Deserialize)]
pub struct Search {
    #[serde(default)]
    q: String,
}

/// Results shown at most.
const RESULTS: usize = 50;

pub async fn search(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Form(search): Form<Search>,
) -> Response {
    let cw = match state.casework().await {
        Ok(cw) => cw,
        Err(e) => return super::failed(e),
    };
    let query = search.q.trim().to_lowercase();
    let found: Vec<_> = if query.is_empty() {
        Vec::new()
    } else {
        cw.children
            .iter()
            .filter(|c| {
                c.child_id.to_lowercase() == query
                    || c.upn.as_deref().is_some_and(|u| u.to_lowercase() == query)
                    || format!("{} {}", c.forename, c.surname).to_lowercase().contains(&query)
            })
            .take(RESULTS + 1)
            .collect()
    };
    // The query may be a name: it is not logged.
    if let Err(e) = state.audit().record(&user, "search children", None).await {
        return super::failed(e);
    }
    page(
        "Find a child",
        &state.authority,
        Some(&user),
        html! {
            h1 class="govuk-heading-l" { "Find a child" }
            (search_form(&user, &search.q))
            @if query.is_empty() {
                p class="govuk-body" { "Enter a name, a UPN or an id." }
            } @else if found.is_empty() {
                p class="govuk-body" { "No child matches." }
            } @else {
                table class="govuk-table" {
                    caption class="govuk-table__caption govuk-table__caption--m" {
                        @if found.len() > RESULTS { "The first " (RESULTS) " children found" } @else { (found.len()) " found" }
                    }
                    thead class="govuk-table__head" { tr class="govuk-table__row" { th scope="col" class="govuk-table__header" { "Name" } th scope="col" class="govuk-table__header" { "Date of birth" } th scope="col" class="govuk-table__header" { "Id" } } }
                    tbody class="govuk-table__body" {
                        @for c in found.iter().take(RESULTS) {
                            tr class="govuk-table__row" {
                                td class="govuk-table__cell" { a class="govuk-link" href=(format!("/children/{}", c.child_id)) { (c.forename) " " (c.surname) } }
                                td class="govuk-table__cell" { (c.date_of_birth) }
                                td class="govuk-table__cell" { (c.child_id) }
                            }
                        }
                    }
                }
            }
        },
    )
    .into_response()
}

fn tag(status: StepStatus) -> Markup {
    let class = match status {
        StepStatus::OnTime => "govuk-tag govuk-tag--green",
        StepStatus::Late(_) => "govuk-tag govuk-tag--orange",
        StepStatus::DueIn(n) if n <= 7 => "govuk-tag govuk-tag--yellow",
        StepStatus::DueIn(_) => "govuk-tag govuk-tag--blue",
        StepStatus::Overdue(_) => "govuk-tag govuk-tag--red",
        StepStatus::NoLongerAwaited | StepStatus::Recorded => "govuk-tag govuk-tag--grey",
    };
    html! { strong class=(class) { (status.words()) } }
}

#[derive(serde::Deserialize, Default)]
pub struct Saved {
    saved: Option<String>,
}

/// One line of the child's records: what it is, its key dates, and a link to change it.
fn record_row(edit: Option<String>, what: String, detail: String) -> Markup {
    html! {
        div class="govuk-summary-list__row" {
            dt class="govuk-summary-list__key" { (what) }
            dd class="govuk-summary-list__value" { (detail) }
            @if let Some(href) = edit {
                dd class="govuk-summary-list__actions" { a class="govuk-link" href=(href) { "Change" span class="govuk-visually-hidden" { " " (what) } } }
            }
        }
    }
}

/// Every record of the child, grouped by type, with links to change each and add more.
fn records_section(own: &sendtrack_domain::records::Casework, child_id: &str, can_record: bool) -> Markup {
    use super::records::slug;
    use sendtrack_domain::validation::RecordFile as F;
    let edit = |file: F, id: &str| can_record.then(|| format!("/children/{child_id}/{}/{id}", slug(file)));
    let add = |file: F, words: &str, query: String| {
        html! { @if can_record { a class="govuk-button govuk-button--secondary govuk-!-margin-right-2" data-module="govuk-button" href=(format!("/children/{child_id}/{}/new{query}", slug(file))) { (words) } } }
    };
    let date = |d: Option<jiff::civil::Date>| d.map_or("–".to_string(), |d| d.to_string());
    html! {
        h2 class="govuk-heading-m" id="records" { "Records" }
        @if can_record {
            div class="govuk-button-group" {
                (add(F::Requests, "Record a new request", String::new()))
                (add(F::Plans, "Record a plan", String::new()))
                (add(F::Placements, "Record a placement", String::new()))
                (add(F::Disputes, "Record a mediation or appeal", String::new()))
            }
        }
        @for r in &own.requests {
            h3 class="govuk-heading-s" { "Request " (r.request_id) }
            dl class="govuk-summary-list" {
                (record_row(edit(F::Requests, &r.request_id), "Request".into(), format!("received {}, from {}{}{}", r.received_on, r.source.map_or("(not known)".to_string(), |s| s.code().replace('_', " ")), r.caseworker.as_deref().map_or(String::new(), |c| format!(", caseworker {c}")), if r.in_youth_accommodation == Some(true) { ", made in youth accommodation" } else { "" })))
                (record_row(None, "Decision".into(), r.decision.map_or("not yet sent".into(), |d| format!("{} on {}", d.value.code(), d.on))))
                (record_row(None, "Outcome".into(), r.outcome.map_or("not yet sent".into(), |o| format!("{} on {}", o.value.code().replace('_', " "), o.on))))
                @for a in own.advice.iter().filter(|a| a.request_id == r.request_id) {
                    (record_row(edit(F::Advice, &a.advice_id), format!("Advice {}", a.advice_id), format!("{}{}: requested {}, received {}", a.kind.code().replace('_', " "), a.provider.as_deref().map_or(String::new(), |p| format!(" ({p})")), a.requested_on, date(a.received_on))))
                }
            }
            @if can_record { (add(F::Advice, "Record advice requested", format!("?request={}", r.request_id))) }
        }
        @if !own.plans.is_empty() || !own.placements.is_empty() || !own.disputes.is_empty() {
            h3 class="govuk-heading-s" { "Plans, reviews, placements and disputes" }
            dl class="govuk-summary-list" {
                @for p in &own.plans {
                    (record_row(edit(F::Plans, &p.plan_id), format!("Plan {}", p.plan_id), format!("issued {}{}", p.issued_on, p.ceased.map_or(String::new(), |c| format!(", ceased {} ({})", c.on, c.value.code().replace('_', " "))))))
                    @for v in own.reviews.iter().filter(|v| v.plan_id == p.plan_id) {
                        (record_row(edit(F::Reviews, &v.review_id), format!("Review {}", v.review_id), format!("meeting {}, decision {}", date(v.meeting_on), v.decision.map_or("not yet sent".into(), |d| format!("{} on {}", d.value.code(), d.on)))))
                    }
                }
                @for p in &own.placements {
                    (record_row(edit(F::Placements, &p.placement_id), format!("Placement {}", p.placement_id), format!("{} from {} to {}{}", p.setting.code().replace('_', " "), p.started_on, date(p.ended_on), if p.rank.is_some_and(|r| r.code() == "2") { " (dual placement)" } else { "" })))
                }
                @for d in &own.disputes {
                    (record_row(edit(F::Disputes, &d.dispute_id), format!("{} {}", if d.kind.code() == "mediation" { "Mediation" } else { "Appeal" }, d.dispute_id), format!("began {}{}, outcome {}", d.opened_on.map_or("(date not known)".to_string(), |o| o.to_string()), d.request_id.as_deref().map_or(String::new(), |r| format!(", about request {r}")), d.outcome.map_or("awaited".into(), |o| format!("{} on {}", o.value.code().replace('_', " "), o.on)))))
                }
            }
            @if can_record {
                @for p in own.plans.iter().filter(|p| p.ceased.is_none()) {
                    (add(F::Reviews, &format!("Record a review of plan {}", p.plan_id), format!("?plan={}", p.plan_id)))
                }
            }
        }
    }
}

pub async fn record(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
    Query(saved): Query<Saved>,
    Query(download): Query<Download>,
) -> Response {
    let (cw, index) = match state.children().await {
        Ok(found) => found,
        Err(e) => return super::failed(e),
    };
    let Some(child) = index.child(&cw, &id) else { return super::not_found().await };
    let today = state.today();
    if let Err(e) = state.audit().record(&user, "view child", Some(&child.child_id)).await {
        return super::failed(e);
    }
    let viewers = if user.role == Role::Manager {
        match state.store.audit_of_child(&child.child_id, 20).await {
            Ok(rows) => rows,
            Err(e) => return super::failed(e),
        }
    } else {
        Vec::new()
    };
    let plan = index.plans(&cw, &child.child_id).find(|p| p.is_active_at(today));
    let placement = index.placements(&cw, &child.child_id).find(|p| p.is_main() && p.is_active_at(today));
    let steps = index.timeline(&cw, &child.child_id, today);
    let own = index.own(&cw, &child.child_id);
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
        if let Err(e) = state.audit().record(&user, "download child timeline", Some(&child.child_id)).await {
            return super::failed(e);
        }
        return respond(&[timeline], &download, &child.child_id);
    }
    let can_record = super::records::may_edit(&user, &own);
    let row = |key: &str, value: String| {
        html! { div class="govuk-summary-list__row" { dt class="govuk-summary-list__key" { (key) } dd class="govuk-summary-list__value" { (value) } } }
    };
    page(
        &format!("{} {}", child.forename, child.surname),
        &state.authority,
        Some(&user),
        html! {
            @if let Some(banner) = saved.saved.as_deref().and_then(|s| super::records::saved_banner(&own, s)) { (success_banner(&banner)) }
            span class="govuk-caption-l" { "Child or young person " (child.child_id) }
            h1 class="govuk-heading-l" { (child.forename) " " (child.surname) }
            dl class="govuk-summary-list" {
                (row("Date of birth", child.date_of_birth.to_string()))
                (row("UPN", child.upn.clone().unwrap_or_else(|| match child.upn_unknown { Some(r) => format!("Not known (reason {})", r.code().to_uppercase()), None => "Not known".into() })))
                @if let Some(uln) = &child.uln { (row("ULN", uln.clone())) }
                @if let Some(sex) = child.sex { (row("Sex", match sex.code() { "f" => "Female".into(), "m" => "Male".into(), _ => "Not known".to_string() })) }
                @if let Some(e) = &child.ethnicity { (row("Ethnicity", e.to_uppercase())) }
                (row("Primary need", child.primary_need.map_or("Not recorded".into(), |n| n.code().to_uppercase())))
                @if let Some(n) = child.secondary_need { (row("Secondary need", n.code().to_uppercase())) }
                (row("EHC plan", plan.map_or("No active plan".into(), |p| {
                    let mut text = format!("{}, in force since {}", p.plan_id, p.issued_on);
                    if let Some(la) = &p.transferred_from { text.push_str(&format!("; transferred in from LA {la}")); }
                    if let Some(b) = p.personal_budget { text.push_str(&format!("; personal budget: {}", b.code().replace('_', " "))); }
                    text
                })))
                (row("Caseworker", own.requests.iter().max_by_key(|r| r.received_on).and_then(|r| r.caseworker.clone()).unwrap_or_else(|| "Not allocated".into())))
                (row("Placement", placement.map_or("None recorded".into(), |p| {
                    let mut text = format!("{}{}", p.setting.code().replace('_', " "), p.establishment.as_deref().map_or(String::new(), |e| format!(", {e}")));
                    if let Some(urn) = &p.urn { text.push_str(&format!(" (URN {urn})")); }
                    if let Some(ukprn) = &p.ukprn { text.push_str(&format!(" (UKPRN {ukprn})")); }
                    if p.sen_unit == Some(true) { text.push_str(", in a SEN unit"); }
                    if p.resourced_provision == Some(true) { text.push_str(", in resourced provision"); }
                    text
                })))
            }
            @if can_record {
                p class="govuk-body" { a class="govuk-link" href=(format!("/children/{0}/details/{0}", child.child_id)) { "Change the child's details" } }
            }
            h2 class="govuk-heading-m" { "Timeline" }
            @if steps.is_empty() {
                p class="govuk-body" { "Nothing recorded yet." }
            } @else {
                (links(&format!("/children/{}", child.child_id), &timeline))
                table class="govuk-table" {
                    caption class="govuk-table__caption govuk-table__caption--s" { "Every step with its statutory due date, as at " (today) }
                    thead class="govuk-table__head" { tr class="govuk-table__row" { th scope="col" class="govuk-table__header" { "Date" } th scope="col" class="govuk-table__header" { "Step" } th scope="col" class="govuk-table__header" { "Due" } th scope="col" class="govuk-table__header" { "Status" } } }
                    tbody class="govuk-table__body" {
                        @for s in &steps {
                            tr class="govuk-table__row" {
                                td class="govuk-table__cell" { (s.on) }
                                td class="govuk-table__cell" { (s.what) " " span class="govuk-body-s" { "(" (s.record) ")" } }
                                td class="govuk-table__cell" { (s.due.map_or(String::new(), |d| d.to_string())) }
                                td class="govuk-table__cell" { (tag(s.status)) }
                            }
                        }
                    }
                }
            }
            (records_section(&own, &child.child_id, can_record))
            @if user.role == Role::Manager {
                details class="govuk-details" {
                    summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "Who has viewed this record" } }
                    div class="govuk-details__text" {
                        ul class="govuk-list" { @for (at, who, action) in &viewers { li { (at) ": " (who) " (" (action) ")" } } }
                    }
                }
            }
        },
    )
    .into_response()
}
