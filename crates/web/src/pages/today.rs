//! Today: the caseload at a glance (open requests by stage, decisions, advice and reviews
//! overdue), each count linking to the records behind it.

use crate::AppState;
use crate::auth::SignedIn;
use crate::layout::page;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use std::sync::Arc;

async fn page_handler(state: &AppState, user: &sendtrack_store::User) -> Response {
    let today = state.today();
    let s = match state.summary(today).await {
        Ok(s) => s,
        Err(e) => return super::failed(e),
    };
    let month = sendtrack_domain::dates::Month::containing(today);
    let link =
        |id: &str, n: usize| html! { a class="govuk-link" href=(format!("/measures/{id}?month={month}")) { (n) } };
    page(
        "Today",
        &state.authority,
        Some(user),
        html! {
            h1 class="govuk-heading-l" { "Today, " (today) }
            p class="govuk-body" { "What is open and overdue at the end of today, from the statutory clock. Each number links to the records behind it." }
            table class="govuk-table" {
                caption class="govuk-table__caption govuk-table__caption--m" { "Requests and assessments" }
                thead class="govuk-table__head" { tr class="govuk-table__row" { th scope="col" class="govuk-table__header" { "" } th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Open" } th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Overdue" } } }
                tbody class="govuk-table__body" {
                    tr class="govuk-table__row" { th scope="row" class="govuk-table__header" { "Awaiting a decision whether to assess" } td class="govuk-table__cell govuk-table__cell--numeric" { (s.requests_awaiting_decision) } td class="govuk-table__cell govuk-table__cell--numeric" { (link("decisions_overdue", s.decisions_overdue)) } }
                    tr class="govuk-table__row" { th scope="row" class="govuk-table__header" { "Assessments in progress (overdue: past 20 weeks)" } td class="govuk-table__cell govuk-table__cell--numeric" { (link("assessments_in_progress", s.assessments_in_progress)) } td class="govuk-table__cell govuk-table__cell--numeric" { (link("requests_open_over_20_weeks", s.requests_past_20_weeks)) } }
                }
            }
            table class="govuk-table" {
                caption class="govuk-table__caption govuk-table__caption--m" { "Advice from professionals" }
                thead class="govuk-table__head" { tr class="govuk-table__row" { th scope="col" class="govuk-table__header" { "Kind" } th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Outstanding" } th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Overdue" } } }
                tbody class="govuk-table__body" {
                    @for (kind, outstanding, overdue) in &s.advice_outstanding {
                        tr class="govuk-table__row" { th scope="row" class="govuk-table__header" { (kind.code().replace('_', " ")) } td class="govuk-table__cell govuk-table__cell--numeric" { (outstanding) } td class="govuk-table__cell govuk-table__cell--numeric" { (overdue) } }
                    }
                }
            }
            p class="govuk-body" { a class="govuk-link" href=(format!("/measures/advice_overdue?month={month}")) { "All overdue advice, by kind and provider" } }
            table class="govuk-table" {
                caption class="govuk-table__caption govuk-table__caption--m" { "Plans and annual reviews" }
                tbody class="govuk-table__body" {
                    tr class="govuk-table__row" { th scope="row" class="govuk-table__header" { "Active EHC plans" } td class="govuk-table__cell govuk-table__cell--numeric" { (link("plans_active", s.plans_active)) } }
                    @for (state_, n) in &s.reviews_overdue {
                        tr class="govuk-table__row" { th scope="row" class="govuk-table__header" { "Annual reviews overdue: " (state_.code().replace('_', " ")) } td class="govuk-table__cell govuk-table__cell--numeric" { (n) } }
                    }
                }
            }
            p class="govuk-body" { a class="govuk-link" href=(format!("/measures/reviews_overdue?month={month}")) { "All overdue annual reviews" } }
        },
    )
    .into_response()
}

pub async fn show(State(state): State<Arc<AppState>>, SignedIn(user): SignedIn) -> Response {
    if !user.role.sees_casework() {
        // Analysts and viewers start at the scorecard.
        return Redirect::to("/scorecard").into_response();
    }
    page_handler(&state, &user).await
}
