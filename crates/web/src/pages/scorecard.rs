//! The scorecard: the catalogue over a range of months (default the last 13), measures down,
//! months across, arrows coloured by whether the move is better, target and comparators.

use crate::AppState;
use crate::auth::SignedIn;
use crate::download::{Cell, DataTable, Download, links, respond};
use crate::error::Answer;
use crate::layout::page;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use maud::{Markup, PreEscaped, html};
use sendtrack_domain::dates::Month;
use sendtrack_domain::measures::MeasureDef;
use sendtrack_domain::measures::scorecard::Line;
use sendtrack_report::charts::label;
use std::sync::Arc;

#[derive(serde::Deserialize, Default)]
pub struct Range {
    from: Option<String>,
    to: Option<String>,
}

fn value_text(m: &MeasureDef, v: Option<f64>) -> String {
    v.map_or("–".into(), |v| label(m.unit, v))
}

/// The trend against the month before: the arrow coloured, and said in words for screen readers.
pub fn trend_only(
    trend: Option<(sendtrack_domain::measures::presentation::Arrow, sendtrack_domain::measures::presentation::Verdict)>,
) -> Markup {
    use sendtrack_domain::measures::presentation::{Arrow, Verdict};
    html! {
        @if let Some((arrow, verdict)) = trend {
            @let class = match verdict { Verdict::Good => "st-good", Verdict::Bad => "st-bad", Verdict::Neutral => "st-neutral" };
            @let words = match (arrow, verdict) {
                (Arrow::Up, Verdict::Good) => "up, better", (Arrow::Up, Verdict::Bad) => "up, worse", (Arrow::Up, _) => "up",
                (Arrow::Down, Verdict::Good) => "down, better", (Arrow::Down, Verdict::Bad) => "down, worse", (Arrow::Down, _) => "down",
                (Arrow::Level, _) => "level",
            };
            span class=(class) { span aria-hidden="true" { (arrow.symbol()) } span class="govuk-visually-hidden" { " (" (words) " than the month before)" } }
        }
    }
}

/// A value with its trend against the month before.
pub fn trend_cell(
    m: &MeasureDef,
    v: Option<f64>,
    trend: Option<(sendtrack_domain::measures::presentation::Arrow, sendtrack_domain::measures::presentation::Verdict)>,
) -> Markup {
    html! {
        (value_text(m, v))
        @if trend.is_some() { " " (trend_only(trend)) }
    }
}

/// A month's value in the scorecard, linking to the records behind it, with its trend.
fn value_cell(line: &Line, cell: &sendtrack_domain::measures::scorecard::Cell) -> Markup {
    html! {
        td class="govuk-table__cell govuk-table__cell--numeric" {
            @if cell.value.headline.is_some() {
                a class="govuk-link" href=(format!("/measures/{}?month={}#records", line.measure.id, cell.month)) {
                    (value_text(line.measure, cell.value.headline))
                    span class="govuk-visually-hidden" { ", " (line.measure.title) ", " (cell.month.short_name()) ": the records behind it" }
                }
                @if cell.trend.is_some() { " " (trend_only(cell.trend)) }
            } @else {
                (trend_cell(line.measure, cell.value.headline, cell.trend))
            }
        }
    }
}

fn comparator(line: &Line, code: &str) -> String {
    line.benchmarks
        .iter()
        .find(|b| b.comparator.code() == code)
        .map_or(String::new(), |b| format!("{} ({})", label(line.measure.unit, b.value), b.period))
}

/// The scorecard as it downloads: a value per month, numbers as numbers.
fn table(card: &sendtrack_domain::measures::scorecard::Scorecard) -> DataTable {
    let mut headers: Vec<String> = vec!["Measure".into(), "Id".into(), "Unit".into()];
    headers.extend(card.months.iter().map(|m| super::reports::month_heading(card, *m)));
    headers.extend(
        ["Target", "England", "England period", "Region", "Region period", "Neighbours", "Neighbours period"]
            .map(String::from),
    );
    let mut t = DataTable { id: "scorecard".into(), title: "Scorecard".into(), headers, rows: Vec::new() };
    for line in &card.lines {
        let mut row =
            vec![Cell::text(line.measure.title), Cell::text(line.measure.id), Cell::text(line.measure.unit.code())];
        row.extend(line.cells.iter().map(|c| Cell::value(line.measure, c.value.headline)));
        row.push(Cell::value(line.measure, line.target.map(|t| t.target)));
        for code in ["england", "region", "statistical_neighbours"] {
            let b = line.benchmarks.iter().find(|b| b.comparator.code() == code);
            row.push(Cell::value(line.measure, b.map(|b| b.value)));
            row.push(b.map_or(Cell::Empty, |b| Cell::text(b.period.to_string())));
        }
        t.rows.push(row);
    }
    t
}

/// The most months one scorecard shows (three years).
pub const MAX_MONTHS: usize = 36;

pub async fn show(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Query(range): Query<Range>,
    Query(download): Query<Download>,
) -> Answer {
    // By default the 13 months ending with the last complete one (this month is to date).
    let to = range
        .to
        .and_then(|t| t.parse::<Month>().ok())
        .unwrap_or_else(|| sendtrack_domain::dates::last_complete_month(state.today()));
    let from = range.from.and_then(|f| f.parse::<Month>().ok()).filter(|f| *f <= to).unwrap_or(to.plus(-12));
    // A range is bounded, so that no request can ask for centuries of months.
    let months = from.through(to).count();
    if months > MAX_MONTHS || to > Month::containing(state.today()) {
        let said = if months > MAX_MONTHS {
            format!("You asked for {months} months. Choose a range of at most {MAX_MONTHS} months.")
        } else {
            format!("{} has not started yet. Choose months up to this one.", to.long_name())
        };
        return Ok(super::message(
            axum::http::StatusCode::BAD_REQUEST,
            &state.authority,
            Some(&user),
            "Choose other months",
            &[html! { (said) }, html! { a class="govuk-link" href="/scorecard" { "See the last 13 months" } }],
        ));
    }
    if download.wanted() {
        // A download is of the latest records, always.
        let card = state.scorecard(from, to).await?;
        state.audit().record(&user, "download scorecard", None).await?;
        return Ok(respond(&[table(&card)], &download, &format!("scorecard-{from}-{to}")));
    }
    let (card, behind) = state.latest_scorecard(from, to).await?;
    let cw = state.casework().await?;
    let supplied = sendtrack_domain::board::supplied(&cw, &card.months);
    let counts = (supplied.len(), supplied.iter().filter(|l| l.overdue).count());
    let table = state.scorecard_table(from, to, &card, || scorecard_table(&card, from, to).into_string()).await;
    let body = scorecard_page(&card, from, to, counts, behind, &table);
    Ok(page("Scorecard", &state.authority, Some(&user), body).into_response())
}

/// The scorecard page: every measure of the catalogue from `from` to `to`, with the range form.
fn scorecard_page(
    card: &sendtrack_domain::measures::scorecard::Scorecard,
    from: Month,
    to: Month,
    (supplied, overdue): (usize, usize),
    behind: Option<crate::Behind>,
    table: &str,
) -> Markup {
    // The page links to its download; the table itself is built only when downloaded.
    let grid = DataTable::new("scorecard", "Scorecard", &[]);
    html! {
            h1 class="govuk-heading-l" { "Scorecard" }
            @if let Some(behind) = behind {
                div class="govuk-notification-banner" role="region" aria-labelledby="behind-title" data-module="govuk-notification-banner" {
                    div class="govuk-notification-banner__header" {
                        h2 class="govuk-notification-banner__title" id="behind-title" { "Important" }
                    }
                    div class="govuk-notification-banner__content" {
                        p class="govuk-notification-banner__heading" {
                            @if behind.changes == 1 { "These figures do not yet include the last change saved to the records." } @else { "These figures do not yet include the last " (behind.changes) " changes saved to the records." }
                        }
                        p class="govuk-body" {
                            "The figures with " @if behind.changes != 1 { "them" } @else { "it" } " are being worked out. "
                            a class="govuk-notification-banner__link" href=(format!("/scorecard?from={from}&to={to}")) { "Reload the scorecard" }
                            " in a few seconds to see them. Downloads and the board report always include every change."
                        }
                    }
                }
            }
            @if card.is_to_date(to) { div class="govuk-inset-text" { (to.long_name()) " has not ended: its figures are to date, as at today. Measures taken at the month end are taken today, and agree with Today's counts; counts in the month run to today." } }
            p class="govuk-body" { "Every measure of the catalogue, " (from.short_name()) " to " (to.short_name()) ". Arrows compare with the month before; green is better, red is worse. Comparators are the latest published for a period that had started by " (to.short_name()) "." }
            p class="govuk-body" { a class="govuk-link" href=(format!("/reports/board?month={to}")) { "Board report for " (to.short_name()) } " (printable, with charts; the workbook downloads from it)" }
            p class="govuk-body" { a class="govuk-link" href=(format!("/scorecard/periods?to={to}")) { "Every measure over a period" } ": the academic year, the term or the financial year to date, or any months, beside the year before" }
            @if supplied > 0 {
                p class="govuk-body" { a class="govuk-link" href="/indicators" { (supplied) " supplied indicator" @if supplied != 1 { "s" } } " from partners and surveys, with the same arrows, targets and comparators" @if overdue > 0 { "; " strong { (overdue) " not received on time" } } "." }
            }
            form method="get" action="/scorecard" class="govuk-!-margin-bottom-6" {
                div class="govuk-form-group" {
                    label class="govuk-label" for="from" { "From (YYYY-MM)" }
                    input class="govuk-input govuk-input--width-10" id="from" name="from" type="text" value=(from.to_string());
                }
                div class="govuk-form-group" {
                    label class="govuk-label" for="to" { "To (YYYY-MM)" }
                    input class="govuk-input govuk-input--width-10" id="to" name="to" type="text" value=(to.to_string());
                }
                button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button" { "Show these months" }
            }
            (links(&format!("/scorecard?from={from}&to={to}"), &grid))
            (PreEscaped(table))
    }
}

/// The scorecard's table: every measure, the latest month beside its target and comparators.
fn scorecard_table(card: &sendtrack_domain::measures::scorecard::Scorecard, from: Month, to: Month) -> Markup {
    // Where a new section of the catalogue starts, for a heading row.
    let starts: Vec<bool> = card
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| i == 0 || card.lines[i - 1].measure.section != l.measure.section)
        .collect();
    html! {
            div class="st-scroll st-scroll--sticky" {
                table class="govuk-table" {
                    caption class="govuk-table__caption govuk-table__caption--m" { "Scorecard, " (from.short_name()) " to " (to.short_name()) }
                    thead class="govuk-table__head" {
                        tr class="govuk-table__row" {
                            th scope="col" class="govuk-table__header" { "Measure" }
                            // The latest month first, beside its target and comparators; then
                            // the months before it, newest first.
                            @if let Some(m) = card.months.last() { th scope="col" class="govuk-table__header govuk-table__header--numeric" { (sendtrack_interchange::scorecard::month_label(card, *m)) } }
                            th scope="col" class="govuk-table__header" { "Target" }
                            th scope="col" class="govuk-table__header" { "England" }
                            th scope="col" class="govuk-table__header" { "Region" }
                            th scope="col" class="govuk-table__header" { "Neighbours" }
                            @for m in card.months.iter().rev().skip(1) { th scope="col" class="govuk-table__header govuk-table__header--numeric" { (sendtrack_interchange::scorecard::month_label(card, *m)) } }
                        }
                    }
                    tbody class="govuk-table__body" {
                        @for (line, starts_section) in card.lines.iter().zip(&starts) {
                            @if *starts_section {
                                tr class="govuk-table__row" { th scope="colgroup" colspan=(card.months.len() + 5) class="govuk-table__header" { (line.measure.section) } }
                            }
                            tr class="govuk-table__row" {
                                th scope="row" class="govuk-table__header" { a class="govuk-link" href=(format!("/measures/{}?month={to}", line.measure.id)) { (line.measure.title) } }
                                @if let Some(cell) = line.cells.last() { (value_cell(line, cell)) }
                                td class="govuk-table__cell" {
                                    @if let Some(t) = line.target {
                                        (label(line.measure.unit, t.target))
                                        @match t.met { Some(true) => " (met)", Some(false) => " (short)", None => "" }
                                    }
                                }
                                td class="govuk-table__cell" { (comparator(line, "england")) }
                                td class="govuk-table__cell" { (comparator(line, "region")) }
                                td class="govuk-table__cell" { (comparator(line, "statistical_neighbours")) }
                                @for cell in line.cells.iter().rev().skip(1) { (value_cell(line, cell)) }
                            }
                        }
                    }
                }
            }
    }
}

/// What the period form asks for (issue 23).
#[derive(serde::Deserialize, Default)]
pub struct Asked {
    period: Option<String>,
    from: Option<String>,
    to: Option<String>,
    /// `year_before`: beside the same months a year earlier.
    compare: Option<String>,
}

/// The catalogue over a period: the academic year, the term or the financial year to date, or
/// any span of months, with each measure's mean per month, and beside the same months a year
/// earlier with the change when asked.
pub async fn periods(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Query(asked): Query<Asked>,
) -> Answer {
    use sendtrack_domain::measures::periods::{Period, Pooling, change, period_value};
    let today = state.today();
    let latest = sendtrack_domain::dates::last_complete_month(today);
    let month = |m: &Option<String>| m.as_deref().and_then(|m| m.parse::<Month>().ok());
    let to = month(&asked.to).filter(|m| *m <= Month::containing(today)).unwrap_or(latest);
    let chosen = asked.period.as_deref().unwrap_or("academic_ytd");
    let period = match chosen {
        "span" => {
            let from = month(&asked.from).filter(|f| *f <= to).unwrap_or(to.plus(-5));
            Period::Span(from.max(to.plus(-(MAX_MONTHS as i32) + 1)), to)
        }
        other => Period::parse(other).unwrap_or(Period::AcademicYearToDate),
    };
    let days = period.days(today);
    let (from, last) = match days {
        Some((first, end)) => (Month::containing(first), Month::containing(end)),
        None => period.months(to),
    };
    // Days run to today; beside a year before, they are the same days a year earlier.
    let year_before = asked.compare.as_deref() == Some("year_before") && days.is_none();
    let cw = state.casework().await?;
    let measures: Vec<&'static MeasureDef> = sendtrack_domain::measures::CATALOGUE.iter().collect();
    let lines = tokio::task::spawn_blocking(move || {
        let engine = sendtrack_domain::measures::engine::Engine::as_at(&cw, today);
        let mut months: Vec<Month> = from.through(last).collect();
        if year_before {
            months.extend(from.plus(-12).through(last.plus(-12)));
        }
        engine.prepare(&months, 2);
        let before_days = days.map(|(first, _)| {
            sendtrack_domain::measures::engine::Engine::as_at(&cw, sendtrack_domain::dates::add_days(first, -1))
        });
        measures
            .into_iter()
            .map(|m| {
                let now = match (days, &before_days) {
                    (Some((first, end)), Some(before)) => {
                        sendtrack_domain::measures::periods::days_value(&engine, before, m, first, end)
                    }
                    _ => period_value(&engine, m, from, last),
                };
                let before = year_before.then(|| period_value(&engine, m, from.plus(-12), last.plus(-12)));
                (m, now, before)
            })
            .collect::<Vec<_>>()
    })
    .await
    .map_err(|e| crate::error::AppError::internal(&e.to_string()))?;
    state.audit().record(&user, "view the scorecard over a period", None).await?;
    let options = [
        ("academic_ytd", "Academic year to date (from September)"),
        ("term", "This term to date (autumn September to December, spring January to March, summer April to August)"),
        ("financial_ytd", "Financial year to date (from April)"),
        ("span", "These months"),
        ("days:7", "The last 7 days, to today"),
    ];
    let shown = |m: &MeasureDef, v: Option<f64>| v.map_or("–".into(), |v| label(m.unit, v));
    let body = html! {
        h1 class="govuk-heading-l" { "Scorecard over a period" }
        p class="govuk-body" { a class="govuk-link" href="/scorecard" { "Back to the scorecard by month" } }
        form method="get" action="/scorecard/periods" novalidate {
            (crate::govuk::radios(&crate::govuk::Radios {
                name: "period",
                legend: "Period",
                required: crate::govuk::Required::Yes,
                hint: None,
                error: None,
                options: options.iter().map(|(v, w)| (v.to_string(), w.to_string())).collect(),
                checked: chosen,
                inline: false,
            }))
            div class="govuk-form-group" {
                label class="govuk-label" for="from" { "From (YYYY-MM), for these months" }
                input class="govuk-input govuk-input--width-10" id="from" name="from" type="text" value=(from.to_string());
            }
            div class="govuk-form-group" {
                label class="govuk-label" for="to" { "To (YYYY-MM)" }
                input class="govuk-input govuk-input--width-10" id="to" name="to" type="text" value=(to.to_string());
            }
            div class="govuk-checkboxes govuk-checkboxes--small govuk-form-group" data-module="govuk-checkboxes" {
                div class="govuk-checkboxes__item" {
                    input class="govuk-checkboxes__input" id="compare" name="compare" type="checkbox" value="year_before" checked[year_before];
                    label class="govuk-label govuk-checkboxes__label" for="compare" { "Beside the same months a year earlier" }
                }
            }
            button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button" { "Show the period" }
        }
        h2 class="govuk-heading-m" { (period.describe(to)) }
        p class="govuk-body" { "Counts of events add up over the months, shares and means are over every case in the period, and measures taken at a day (\"as at\") are at the period's end. Per month: a count's mean over the months." }
        div class="st-scroll st-scroll--sticky" tabindex="0" role="region" aria-label="The measures over the period" {
            table class="govuk-table" {
                caption class="govuk-table__caption govuk-table__caption--s" {
                    "Every measure, "
                    @match days { Some((a, b)) => { (sendtrack_domain::dates::in_words(a)) " to " (sendtrack_domain::dates::in_words(b)) }, None => { (from.short_name()) " to " (last.short_name()) } }
                }
                thead class="govuk-table__head" {
                    tr class="govuk-table__row" {
                        th scope="col" class="govuk-table__header" { "Measure" }
                        th scope="col" class="govuk-table__header govuk-table__header--numeric" { @if days.is_some() { "The days" } @else { (from.short_name()) " to " (last.short_name()) } }
                        th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Per month" }
                        @if year_before {
                            th scope="col" class="govuk-table__header govuk-table__header--numeric" { (from.plus(-12).short_name()) " to " (last.plus(-12).short_name()) }
                            th scope="col" class="govuk-table__header govuk-table__header--numeric" { "Change" }
                        }
                    }
                }
                tbody class="govuk-table__body" {
                    @for (m, now, before) in &lines {
                        tr class="govuk-table__row" {
                            th scope="row" class="govuk-table__header" {
                                a class="govuk-link" href=(format!("/measures/{}?month={last}", m.id)) { (m.title) }
                                @if now.pooling == Pooling::AtEnd { " " span class="govuk-body-s" { "(at " (last.short_name()) ")" } }
                            }
                            td class="govuk-table__cell govuk-table__cell--numeric" { (shown(m, now.value)) }
                            td class="govuk-table__cell govuk-table__cell--numeric" { (now.mean_per_month.map_or(String::new(), |x| format!("{x:.1}"))) }
                            @if let Some(b) = before {
                                td class="govuk-table__cell govuk-table__cell--numeric" { (shown(m, b.value)) }
                                td class="govuk-table__cell govuk-table__cell--numeric" {
                                    @match change(m, b.value, now.value) {
                                        Some(c) if m.unit == sendtrack_domain::measures::Unit::Percent => (format!("{c:+.1} points")),
                                        Some(c) => (format!("{c:+.1}%")),
                                        None => "–",
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(page("Scorecard over a period", &state.authority, Some(&user), body).into_response())
}
