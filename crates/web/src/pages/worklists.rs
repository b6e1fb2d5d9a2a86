//! Worklists: the open work behind each count on Today, sortable, a page at a time, filtered
//! by caseworker (and by advice kind and provider, or review state), downloadable as CSV.

use crate::AppState;
use crate::auth::{Session, SignedIn};
use crate::download::{Cell, DataTable, Download, links, respond};
use crate::error::{Answer, AppError};
use crate::govuk::{Caption, Colour, cell, heading, pagination, sortable_heading, table, tag};
use crate::layout::page;
use axum::extract::{Path, Query, State};
use axum::response::IntoResponse;
use maud::{Markup, html};
use sendtrack_domain::access::Role;
use sendtrack_domain::clock::ReviewState;
use sendtrack_domain::codes::AdviceKind;
use sendtrack_domain::worklist::{WorkFilter, WorkItem, Worklist};
use std::sync::Arc;

/// What a worklist or Today page was asked to show.
#[derive(serde::Deserialize, Default, Clone)]
pub struct Asked {
    /// A staff id, `mine`, or `all`; when absent, a caseworker sees their own cases.
    caseworker: Option<String>,
    kind: Option<String>,
    provider: Option<String>,
    state: Option<String>,
    sort: Option<String>,
    order: Option<String>,
    page: Option<usize>,
}

/// Items on one page.
const PER_PAGE: usize = 50;

impl Asked {
    /// The staff id whose cases are shown, if only one caseworker's.
    pub fn caseworker(&self, user: &Session) -> Option<String> {
        match self.caseworker.as_deref().map(str::trim) {
            Some("all" | "") => None,
            Some("mine") => user.staff_id.clone(),
            Some(id) => Some(id.to_string()),
            None if user.role == Role::Caseworker => user.staff_id.clone(),
            None => None,
        }
    }

    pub fn filter(&self, user: &Session) -> WorkFilter {
        WorkFilter {
            caseworker: self.caseworker(user),
            advice_kind: self.kind.as_deref().and_then(|k| AdviceKind::parse(k).ok()),
            provider: self.provider.clone().filter(|p| !p.is_empty()),
            review_state: self.state.as_deref().and_then(|s| ReviewState::ALL.into_iter().find(|r| r.code() == s)),
        }
    }

    /// The query string that asks for the same filter (and `extra` pairs).
    fn query(&self, user: &Session, extra: &[(&str, String)]) -> String {
        let filter = self.filter(user);
        let mut pairs: Vec<(&str, String)> =
            vec![("caseworker", filter.caseworker.clone().unwrap_or_else(|| "all".into()))];
        if let Some(k) = filter.advice_kind {
            pairs.push(("kind", k.code().into()));
        }
        if let Some(p) = filter.provider {
            pairs.push(("provider", p));
        }
        if let Some(s) = filter.review_state {
            pairs.push(("state", s.code().into()));
        }
        pairs.extend(extra.iter().cloned());
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    }
}

/// The link from a count on Today to its worklist, with Today's filter.
pub fn link(list: Worklist, caseworker: Option<&str>, extra: &[(&str, &str)]) -> String {
    let mut pairs: Vec<(&str, &str)> = vec![("caseworker", caseworker.unwrap_or("all"))];
    pairs.extend_from_slice(extra);
    format!("/worklists/{}?{}", list.slug(), serde_urlencoded::to_string(&pairs).unwrap_or_default())
}

/// The columns a worklist sorts by.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SortBy {
    Due,
    Child,
    Stage,
    Caseworker,
}

impl SortBy {
    const ALL: [(SortBy, &'static str); 4] =
        [(SortBy::Child, "child"), (SortBy::Stage, "stage"), (SortBy::Caseworker, "caseworker"), (SortBy::Due, "due")];

    fn parse(text: Option<&str>) -> SortBy {
        SortBy::ALL.iter().find(|(_, name)| Some(*name) == text).map_or(SortBy::Due, |(s, _)| *s)
    }

    fn name(self) -> &'static str {
        SortBy::ALL.iter().find(|(s, _)| *s == self).map_or("due", |(_, n)| n)
    }
}

/// The items of the list asked for, sorted, with each child's name.
async fn items(
    state: &AppState,
    list: Worklist,
    asked: &Asked,
    user: &Session,
) -> Result<Vec<(WorkItem, String)>, AppError> {
    let (cw, index) = state.children().await?;
    let lists = state.worklists(state.today()).await?;
    let filter = asked.filter(user);
    let mut named: Vec<(WorkItem, String)> = lists
        .items(list, &filter)
        .cloned()
        .map(|item| {
            let name =
                index.child(&cw, &item.child_id).map_or(String::new(), |c| format!("{} {}", c.forename, c.surname));
            (item, name)
        })
        .collect();
    let by = SortBy::parse(asked.sort.as_deref());
    named.sort_by(|(a, an), (b, bn)| {
        let order = match by {
            SortBy::Due => a.due.cmp(&b.due),
            SortBy::Child => an.cmp(bn),
            SortBy::Stage => a.stage.cmp(&b.stage),
            SortBy::Caseworker => a.caseworker.cmp(&b.caseworker),
        };
        order.then_with(|| a.due.cmp(&b.due)).then_with(|| a.record_id.cmp(&b.record_id))
    });
    if asked.order.as_deref() == Some("desc") {
        named.reverse();
    }
    Ok(named)
}

use sendtrack_domain::dates::in_words;

fn days_words(list: Worklist, item: &WorkItem) -> String {
    use sendtrack_domain::dates::days_in_words;
    if list.counts_a_wait() {
        return match (list, item.days_overdue) {
            (_, d) if d <= 0 => "named today".into(),
            (Worklist::NamedSettingNotStarted, d) => format!("waiting {}", days_in_words(d)),
            (_, d) => format!("named {} ago", days_in_words(d)),
        };
    }
    match item.days_overdue {
        d if d > 0 => format!("{} overdue", days_in_words(d)),
        0 => "due today".into(),
        d => format!("due in {}", days_in_words(-d)),
    }
}

/// Staff names by staff id (issue 17): people read names, not ids.
type Names = super::StaffNames;

/// A caseworker's name, or their id when staff.csv does not hold them.
fn named<'n>(names: &'n Names, id: &'n str) -> &'n str {
    names.get(id).map_or(id, String::as_str)
}

fn filter_form(list: Worklist, asked: &Asked, user: &Session, all_caseworkers: &[String], names: &Names) -> Markup {
    let chosen = asked.caseworker(user);
    let filter = asked.filter(user);
    html! {
        form method="get" action=(format!("/worklists/{}", list.slug())) class="st-filter" novalidate {
            div class="govuk-form-group" {
                label class="govuk-label" for="caseworker" { "Caseworker" }
                select class="govuk-select" id="caseworker" name="caseworker" {
                    option value="all" selected[chosen.is_none()] { "All caseworkers" }
                    @if let Some(mine) = &user.staff_id {
                        option value=(mine) selected[chosen.as_ref() == Some(mine)] { "My cases (" (mine) ")" }
                    }
                    @for id in all_caseworkers {
                        @if user.staff_id.as_ref() != Some(id) {
                            option value=(id) selected[chosen.as_ref() == Some(id)] { (named(names, id)) }
                        }
                    }
                }
            }
            @if matches!(list, Worklist::AdviceOutstanding | Worklist::AdviceOverdue) {
                div class="govuk-form-group" {
                    label class="govuk-label" for="kind" { "Kind of advice" }
                    select class="govuk-select" id="kind" name="kind" {
                        option value="" selected[filter.advice_kind.is_none()] { "All kinds" }
                        @for k in AdviceKind::ALL {
                            option value=(k.code()) selected[filter.advice_kind == Some(*k)] { (k.label()) }
                        }
                    }
                }
                @if let Some(p) = &filter.provider { input type="hidden" name="provider" value=(p); }
            }
            @if list == Worklist::ReviewsOverdue {
                div class="govuk-form-group" {
                    label class="govuk-label" for="state" { "State" }
                    select class="govuk-select" id="state" name="state" {
                        option value="" selected[filter.review_state.is_none()] { "All states" }
                        @for s in ReviewState::ALL {
                            option value=(s.code()) selected[filter.review_state == Some(s)] { (s.code().replace('_', " ")) }
                        }
                    }
                }
            }
            button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button" { "Apply filter" }
        }
    }
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
    Query(asked): Query<Asked>,
    Query(download): Query<Download>,
) -> Answer {
    let Some(list) = Worklist::parse(&slug) else { return Err(AppError::NotFound) };
    let found = items(&state, list, &asked, &user).await?;
    if download.wanted() {
        state.audit().record(&user, &format!("export worklist {}", list.slug()), None).await?;
        return Ok(respond(&[data_table(list, &found)], &download, &format!("{}-{}", list.slug(), state.today())));
    }
    let all_caseworkers = state.caseworkers().await?;
    let cw = state.casework().await?;
    let names = super::staff_names(&cw);
    state.audit().record(&user, &format!("view worklist {}", list.slug()), None).await?;
    let view = ListView {
        names: &names,
        list,
        found: &found,
        asked: &asked,
        user: &user,
        caseworkers: &all_caseworkers,
        today: state.today(),
    };
    Ok(page(list.title(), &state.authority, Some(&user), list_page(&view)).into_response())
}

/// The whole list (every page) as CSV.
pub async fn records_csv(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Path(slug): Path<String>,
    Query(asked): Query<Asked>,
) -> Answer {
    let Some(list) = Worklist::parse(&slug) else { return Err(AppError::NotFound) };
    let found = items(&state, list, &asked, &user).await?;
    state.audit().record(&user, &format!("export worklist {}", list.slug()), None).await?;
    let asked_csv = Download { download: Some("csv".into()), table: None };
    Ok(respond(&[data_table(list, &found)], &asked_csv, &format!("{}-{}", list.slug(), state.today())))
}

/// The whole list (every page) as it downloads.
fn data_table(list: Worklist, found: &[(WorkItem, String)]) -> DataTable {
    let mut t = DataTable::new(
        "records",
        list.title(),
        &["child_id", "name", "record_id", "stage", "provider", "caseworker", "due_on", "days_overdue"],
    );
    for (item, name) in found {
        t.rows.push(vec![
            Cell::text(item.child_id.clone()),
            Cell::text(name.clone()),
            Cell::text(item.record_id.clone()),
            Cell::text(item.stage.clone()),
            Cell::text(item.provider.clone().unwrap_or_default()),
            Cell::text(item.caseworker.clone().unwrap_or_default()),
            Cell::text(item.due.to_string()),
            Cell::Number(item.days_overdue as f64),
        ]);
    }
    t
}

/// What a worklist's page shows.
struct ListView<'a> {
    list: Worklist,
    /// Every item of the list, each with the child's name, in the order asked for.
    found: &'a [(WorkItem, String)],
    asked: &'a Asked,
    user: &'a Session,
    caseworkers: &'a [String],
    names: &'a Names,
    today: jiff::civil::Date,
}

/// A worklist's page: one page of its items, sortable, with the filters and downloads.
fn list_page(v: &ListView) -> Markup {
    let pages = v.found.len().div_ceil(PER_PAGE).max(1);
    let page_number = v.asked.page.unwrap_or(1).clamp(1, pages);
    let shown = v.found.iter().skip((page_number - 1) * PER_PAGE).take(PER_PAGE);
    let by = SortBy::parse(v.asked.sort.as_deref());
    let descending = v.asked.order.as_deref() == Some("desc");
    let header = |column: SortBy, words: &str| {
        let next = if column == by && !descending { "desc" } else { "asc" };
        let href = format!(
            "/worklists/{}?{}",
            v.list.slug(),
            v.asked.query(v.user, &[("sort", column.name().into()), ("order", next.into())])
        );
        let aria = if column != by {
            "none"
        } else if descending {
            "descending"
        } else {
            "ascending"
        };
        sortable_heading(html! { a class="govuk-link" href=(href) { (words) } }, aria)
    };
    let page_href = |n: usize| {
        format!(
            "/worklists/{}?{}",
            v.list.slug(),
            v.asked.query(
                v.user,
                &[
                    ("sort", by.name().into()),
                    ("order", if descending { "desc" } else { "asc" }.into()),
                    ("page", n.to_string())
                ]
            )
        )
    };
    let csv_href = format!("/worklists/{}/records.csv?{}", v.list.slug(), v.asked.query(v.user, &[]));
    let whose = v
        .asked
        .caseworker(v.user)
        .map_or("all caseworkers".to_string(), |c| format!("caseworker {}", named(v.names, &c)));
    html! {
            span class="govuk-caption-l" { "Worklist, " (whose) ", as at " (v.today) }
            h1 class="govuk-heading-l" { (v.list.title()) }
            p class="govuk-body" { "Waiting on " (v.list.waiting_on()) ". " (v.found.len()) " in the list. " a class="govuk-link" href=(csv_href) { "Download the whole list as CSV" } }
            (links(&format!("/worklists/{}?{}", v.list.slug(), v.asked.query(v.user, &[])), &DataTable::new("records", v.list.title(), &[])))
            (filter_form(v.list, v.asked, v.user, v.caseworkers, v.names))
            @if v.found.is_empty() {
                p class="govuk-body" { "Nothing in this list." }
            } @else {
                div class="st-scroll" {
                    (table(
                        (Caption::Small, format!("{}, page {page_number} of {pages}", v.list.title())),
                        &[
                            header(SortBy::Child, "Child"),
                            heading("Record"),
                            header(SortBy::Stage, "Stage"),
                            header(SortBy::Caseworker, "Caseworker"),
                            header(SortBy::Due, if v.list.counts_a_wait() { "Named on" } else { "Due" }),
                            heading("Status"),
                        ],
                        shown.into_iter().map(|(item, name)| {
                            let colour = if v.list.counts_a_wait() {
                                Colour::Yellow
                            } else if item.is_overdue() {
                                Colour::Red
                            } else if item.days_overdue > -8 {
                                Colour::Yellow
                            } else {
                                Colour::Blue
                            };
                            vec![
                                cell(html! { a class="govuk-link" href=(format!("/children/{}", item.child_id)) { (name) } br; span class="govuk-body-s" { (item.child_id) } }),
                                cell(&item.record_id),
                                cell(html! { (item.stage) @if let Some(p) = &item.provider { br; span class="govuk-body-s" { (p) } } }),
                                cell(item.caseworker.as_deref().map_or("not allocated", |c| named(v.names, c))),
                                cell(html! { span class="st-nowrap" { (in_words(item.due)) } }),
                                cell(tag(days_words(v.list, item), colour)),
                            ]
                        }),
                    ))
                }
                (pagination("Pages of the list", page_number, pages, page_href))
            }
    }
}
