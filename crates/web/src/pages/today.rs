//! Today: the caseload at a glance, from the statutory clock: open requests by stage,
//! decisions overdue, advice overdue by kind and by provider, final plans due soon and
//! overdue, annual reviews overdue by state. Every count is the length of the worklist it
//! links to; a caseworker sees their own cases unless they choose all.

use super::worklists::{Asked, link};
use crate::AppState;
use crate::auth::SignedIn;
use crate::download::{Cell, DataTable, Download, links, respond};
use crate::error::Answer;
use crate::govuk::{Caption, heading, number, numeric_heading, row_header, table};
use crate::layout::page;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect};
use maud::html;
use sendtrack_domain::worklist::{Today, Worklist};
use std::sync::Arc;

/// Today's tables, as they download.
fn tables(t: &Today) -> Vec<DataTable> {
    let mut requests = DataTable::new("requests", "Requests and assessments", &["Open work", "Cases"]);
    for list in [
        Worklist::AwaitingDecision,
        Worklist::DecisionsOverdue,
        Worklist::Assessing,
        Worklist::PlansDueSoon,
        Worklist::PlansOverdue,
        Worklist::FamiliesOwedUpdate,
    ] {
        requests.rows.push(vec![Cell::text(list.title()), Cell::count(t.count(list))]);
    }
    let mut advice = DataTable::new("advice", "Advice by kind", &["Kind", "Outstanding", "Overdue"]);
    for (kind, outstanding, overdue) in &t.advice_by_kind {
        advice.rows.push(vec![Cell::text(kind.label()), Cell::count(*outstanding), Cell::count(*overdue)]);
    }
    let mut providers = DataTable::new("providers", "Overdue advice by provider", &["Provider", "Overdue"]);
    for (provider, n) in &t.advice_overdue_by_provider {
        providers.rows.push(vec![Cell::text(provider.as_deref().unwrap_or("Provider not recorded")), Cell::count(*n)]);
    }
    let mut reviews = DataTable::new("reviews", "Annual reviews overdue by state", &["Waiting for", "Overdue"]);
    for (review_state, n) in &t.reviews_overdue_by_state {
        reviews.rows.push(vec![Cell::text(review_state.code().replace('_', " ")), Cell::count(*n)]);
    }
    let mut named = DataTable::new("named", "Plans and the settings they name", &["Open work", "Plans"]);
    for list in [Worklist::NamedSettingNotAttended, Worklist::NamedSettingNotStarted] {
        named.rows.push(vec![Cell::text(list.title()), Cell::count(t.count(list))]);
    }
    vec![requests, advice, providers, reviews, named]
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Query(asked): Query<Asked>,
    Query(download): Query<Download>,
) -> Answer {
    if !user.role.sees_casework() {
        // Admins, analysts and viewers start elsewhere.
        return Ok(Redirect::to(user.role.home()).into_response());
    }
    let today = state.today();
    let caseworker = asked.caseworker(&user);
    let t = state.today_counts(today, caseworker.clone()).await?;
    let downloads = tables(&t);
    if download.wanted() {
        state.audit().record(&user, "download today", None).await?;
        return Ok(respond(&downloads, &download, &format!("today-{today}")));
    }
    let all_caseworkers = state.caseworkers().await?;
    let cw = state.casework().await?;
    let names = super::staff_names(&cw);
    let view = TodayView {
        names: &names,
        today,
        caseworker: caseworker.as_deref(),
        staff_id: user.staff_id.as_deref(),
        counts: &t,
        caseworkers: &all_caseworkers,
        downloads: &downloads,
    };
    Ok(page("Today", &state.authority, Some(&user), today_page(&view)).into_response())
}

/// What the Today page shows.
struct TodayView<'a> {
    today: jiff::civil::Date,
    /// Whose cases: a caseworker's staff id, or `None` for everyone's.
    caseworker: Option<&'a str>,
    /// The signed-in person's own staff id, if they have one.
    staff_id: Option<&'a str>,
    counts: &'a Today,
    caseworkers: &'a [String],
    /// Staff names by staff id (issue 17): people read names, not ids.
    names: &'a super::StaffNames,
    downloads: &'a [DataTable],
}

/// The Today page: the open and overdue work, each count linking to its worklist.
fn today_page(v: &TodayView) -> maud::Markup {
    let here = format!("/?caseworker={}", v.caseworker.unwrap_or("all"));
    let download_links =
        |id: &str| html! { @if let Some(t) = v.downloads.iter().find(|t| t.id == id) { (links(&here, t)) } };
    let cw = v.caseworker;
    let count = |list: Worklist, extra: &[(&str, &str)], n: usize| {
        html! { a class="govuk-link" href=(link(list, cw, extra)) { (n) span class="govuk-visually-hidden" { " – " (list.title()) } } }
    };
    let row =
        |words: &'static str, list: Worklist| vec![row_header(words), number(count(list, &[], v.counts.count(list)))];
    let name = |id: &str| v.names.get(id).cloned().unwrap_or_else(|| id.to_string());
    let whose = cw.map_or("all caseworkers".to_string(), |c| format!("caseworker {}", name(c)));
    html! {
            span class="govuk-caption-l" { (whose) }
            h1 class="govuk-heading-l" { "Today, " (sendtrack_domain::dates::in_words(v.today)) }
            p class="govuk-body" { "What is open and overdue at the end of today, from the statutory clock. Each number links to the list of cases behind it." }
            @if v.staff_id.is_some() {
                p class="govuk-body" { a class="govuk-link" href="/week" { "My week" } ": every step due on your cases today, this week and next week." }
            }
            form method="get" action="/" class="st-filter" novalidate {
                div class="govuk-form-group" {
                    label class="govuk-label" for="caseworker" { "Show the cases of" }
                    select class="govuk-select" id="caseworker" name="caseworker" {
                        option value="all" selected[cw.is_none()] { "All caseworkers" }
                        @if let Some(mine) = v.staff_id {
                            option value=(mine) selected[cw == Some(mine)] { "My cases (" (mine) ")" }
                        }
                        @for id in v.caseworkers.iter() {
                            @if v.staff_id != Some(id.as_str()) {
                                option value=(id) selected[cw == Some(id.as_str())] { (name(id)) }
                            }
                        }
                    }
                }
                button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button" { "Show" }
            }
            (table(
                (Caption::Medium, "Requests and assessments"),
                &[heading("Open work"), numeric_heading("Cases")],
                [
                    row("Awaiting a decision whether to assess", Worklist::AwaitingDecision),
                    row("Decisions overdue (past 6 weeks)", Worklist::DecisionsOverdue),
                    row("Assessments in progress", Worklist::Assessing),
                    row("Final plans due in the next 4 weeks", Worklist::PlansDueSoon),
                    row("Final plans overdue (past 20 weeks)", Worklist::PlansOverdue),
                    row("Families owed an update", Worklist::FamiliesOwedUpdate),
                ],
            ))
            (download_links("requests"))
            (table(
                (Caption::Medium, "Advice from professionals, by kind"),
                &[heading("Kind"), numeric_heading("Outstanding"), numeric_heading("Overdue")],
                v.counts.advice_by_kind
                    .iter()
                    .map(|(kind, outstanding, overdue)| {
                        vec![
                            row_header(kind.label()),
                            number(count(Worklist::AdviceOutstanding, &[("kind", kind.code())], *outstanding)),
                            number(count(Worklist::AdviceOverdue, &[("kind", kind.code())], *overdue)),
                        ]
                    })
                    .chain([vec![
                        row_header("All advice"),
                        number(count(Worklist::AdviceOutstanding, &[], v.counts.count(Worklist::AdviceOutstanding))),
                        number(count(Worklist::AdviceOverdue, &[], v.counts.count(Worklist::AdviceOverdue))),
                    ]]),
            ))
            (download_links("advice"))
            @if !v.counts.advice_overdue_by_provider.is_empty() {
                (table(
                    (Caption::Medium, "Overdue advice, by provider"),
                    &[heading("Provider"), numeric_heading("Overdue")],
                    v.counts.advice_overdue_by_provider.iter().map(|(provider, n)| {
                        vec![
                            row_header(provider.as_deref().unwrap_or("Provider not recorded")),
                            match provider {
                                Some(p) => number(count(Worklist::AdviceOverdue, &[("provider", p)], *n)),
                                None => number(n),
                            },
                        ]
                    }),
                ))
                (download_links("providers"))
            }
            (table(
                (Caption::Medium, "Annual reviews overdue, by state"),
                &[heading("Waiting for"), numeric_heading("Overdue")],
                v.counts.reviews_overdue_by_state
                    .iter()
                    .map(|(review_state, n)| {
                        vec![
                            row_header(review_state.code().replace('_', " ")),
                            number(count(Worklist::ReviewsOverdue, &[("state", review_state.code())], *n)),
                        ]
                    })
                    .chain([vec![
                        row_header("All overdue reviews"),
                        number(count(Worklist::ReviewsOverdue, &[], v.counts.count(Worklist::ReviewsOverdue))),
                    ]]),
            ))
            (download_links("reviews"))
            (table(
                (Caption::Medium, "Plans and the settings they name"),
                &[heading("Open work"), numeric_heading("Plans")],
                [
                    row("Child does not attend the setting the plan names", Worklist::NamedSettingNotAttended),
                    row("Named at a setting not yet started", Worklist::NamedSettingNotStarted),
                ],
            ))
            (download_links("named"))
    }
}
