//! Finding a child and a child's record: details, current plan and placement, and the
//! timeline of every statutory step with its due date and status. Searches are POSTed so that
//! names never appear in URLs; a record's URL holds only its opaque id. Every view is audited.

use crate::AppState;
use crate::auth::SignedIn;
use crate::layout::page;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use sendtrack_domain::access::Role;
use sendtrack_domain::timeline::StepStatus;
use sendtrack_store::User;
use std::sync::Arc;

/// Only people who work the caseload see children's records.
fn forbidden(state: &AppState, user: &User) -> Response {
    (
        StatusCode::FORBIDDEN,
        page(
            "You do not have access",
            &state.authority,
            Some(user),
            html! {
                h1 class="govuk-heading-l" { "You do not have access to children's records" }
                p class="govuk-body" { "Your role lets you see the scorecard and the measures." }
            },
        ),
    )
        .into_response()
}

fn search_form(query: &str) -> Markup {
    html! {
        form method="post" action="/children" novalidate {
            div class="govuk-form-group" {
                label class="govuk-label govuk-label--m" for="q" { "Name, UPN or id" }
                input class="govuk-input govuk-!-width-one-half" id="q" name="q" type="text" spellcheck="false" autocomplete="off" value=(query);
            }
            button type="submit" class="govuk-button" data-module="govuk-button" { "Search" }
        }
    }
}

pub async fn find(State(state): State<Arc<AppState>>, SignedIn(user): SignedIn) -> Response {
    if !user.role.sees_casework() {
        return forbidden(&state, &user);
    }
    page(
        "Find a child",
        &state.authority,
        Some(&user),
        html! { h1 class="govuk-heading-l" { "Find a child" } (search_form("")) },
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
    if !user.role.sees_casework() {
        return forbidden(&state, &user);
    }
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
    if let Err(e) = state.audit().record(&user.email, "search children", None).await {
        return super::failed(e);
    }
    page(
        "Find a child",
        &state.authority,
        Some(&user),
        html! {
            h1 class="govuk-heading-l" { "Find a child" }
            (search_form(&search.q))
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

pub async fn record(State(state): State<Arc<AppState>>, SignedIn(user): SignedIn, Path(id): Path<String>) -> Response {
    if !user.role.sees_casework() {
        return forbidden(&state, &user);
    }
    let (cw, index) = match state.children().await {
        Ok(found) => found,
        Err(e) => return super::failed(e),
    };
    let Some(child) = index.child(&cw, &id) else { return super::not_found().await };
    let today = state.today();
    if let Err(e) = state.audit().record(&user.email, "view child", Some(&child.child_id)).await {
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
    let row = |key: &str, value: String| {
        html! { div class="govuk-summary-list__row" { dt class="govuk-summary-list__key" { (key) } dd class="govuk-summary-list__value" { (value) } } }
    };
    page(
        &format!("{} {}", child.forename, child.surname),
        &state.authority,
        Some(&user),
        html! {
            span class="govuk-caption-l" { "Child or young person " (child.child_id) }
            h1 class="govuk-heading-l" { (child.forename) " " (child.surname) }
            dl class="govuk-summary-list" {
                (row("Date of birth", child.date_of_birth.to_string()))
                (row("UPN", child.upn.clone().unwrap_or_else(|| "Not known".into())))
                (row("Primary need", child.primary_need.map_or("Not recorded".into(), |n| n.code().to_uppercase())))
                (row("EHC plan", plan.map_or("No active plan".into(), |p| format!("{}, in force since {}", p.plan_id, p.issued_on))))
                (row("Placement", placement.map_or("None recorded".into(), |p| format!("{}{}", p.setting.code().replace('_', " "), p.establishment.as_deref().map_or(String::new(), |e| format!(", {e}"))))))
            }
            h2 class="govuk-heading-m" { "Timeline" }
            @if steps.is_empty() {
                p class="govuk-body" { "Nothing recorded yet." }
            } @else {
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
