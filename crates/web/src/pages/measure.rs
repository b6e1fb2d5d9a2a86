//! A measure's page: its definition, 13 months as a chart and a table, the breakdown of the
//! month, and the records behind the value (opaque ids only), downloadable as CSV.

use crate::auth::SignedIn;
use crate::download::{Cell, DataTable, Download, links, respond};
use crate::error::{Answer, AppError};
use crate::govuk::{Caption, cell, heading, number, numeric_heading, row_header, table};
use crate::layout::page;
use crate::{AppState, HeldEngine};
use axum::extract::{Path, Query, State};
use axum::response::IntoResponse;
use maud::{Markup, html};
use sendtrack_domain::dates::Month;
use sendtrack_domain::measures::engine::{Engine, Fact, RecordDescription, Tally};
use sendtrack_domain::measures::scorecard::{Line, Scorecard, scorecard};
use sendtrack_domain::measures::{Dimension, MeasureDef, find};
use sendtrack_report::charts::{Series, bar_chart, label, line_chart};
use std::sync::Arc;

#[derive(serde::Deserialize, Default)]
pub struct Which {
    month: Option<String>,
    /// A two-way breakdown (issue 23): the breakdown down the rows, and across.
    by: Option<String>,
    across: Option<String>,
}

/// The measure, the engine over the records and the month a request asks for; a 404 for an
/// unknown measure.
async fn asked_for(
    state: &AppState,
    id: &str,
    which: Which,
) -> Result<(&'static MeasureDef, Arc<HeldEngine>, Month), AppError> {
    let Some(measure) = find(id) else { return Err(AppError::NotFound) };
    let cw = state.engine().await?;
    let month = which.month.and_then(|m| m.parse::<Month>().ok()).unwrap_or_else(|| Month::containing(state.today()));
    Ok((measure, cw, month))
}

/// The checks every measure request makes: the measure, and a month that has begun.
async fn asked_for_by(
    state: &AppState,
    user: &crate::auth::Session,
    id: &str,
    which: Which,
) -> Result<(&'static MeasureDef, Arc<HeldEngine>, Month), AppError> {
    let (measure, cw, month) = asked_for(state, id, which).await?;
    match super::reports::not_begun(state, user, month) {
        Some(refused) => Err(AppError::refused(refused)),
        None => Ok((measure, cw, month)),
    }
}

/// `facts` by the kind and id of their records, whatever order the records are held in (a
/// record a save adds is held after the rest until the records are next read whole): the
/// same list on every server.
fn in_id_order<'f, 'a>(engine: &Engine<'a>, facts: impl Iterator<Item = &'f Fact<'a>>) -> Vec<&'f Fact<'a>> {
    let mut facts: Vec<(&Fact, RecordDescription)> = facts.map(|f| (f, engine.describe(f.record))).collect();
    facts.sort_by(|(_, a), (_, b)| (a.kind, a.id).cmp(&(b.kind, b.id)));
    facts.into_iter().map(|(f, _)| f).collect()
}

/// The records behind a value as a table: record kind, id, the child's opaque id, whether it
/// is counted in the numerator, and for a change measure the period each row is in (as
/// `sendtrack drill` writes it).
fn records_table(engine: &Engine, month: Month, tally: Option<&Tally>) -> DataTable {
    let change = matches!(tally, Some(Tally::Change { .. }));
    let mut headers = vec!["record", "id", "child_id", "counted"];
    if change {
        headers.push("period");
    }
    let rows: Vec<(&Fact, &str)> = match tally {
        None => Vec::new(),
        Some(Tally::Change { current, previous }) => {
            let current = in_id_order(engine, current.iter()).into_iter().map(|f| (f, "current"));
            current.chain(in_id_order(engine, previous.iter()).into_iter().map(|f| (f, "a year before"))).collect()
        }
        Some(t) => in_id_order(engine, t.facts()).into_iter().map(|f| (f, "")).collect(),
    };
    // What explains each record (issue 23), as `sendtrack drill` writes it.
    let explainer = engine.explainer();
    let on = engine.end_of(month);
    let names: Vec<&'static str> = rows
        .first()
        .map(|(f, _)| explainer.explain(f.record, on).into_iter().map(|(n, _)| n).collect())
        .unwrap_or_default();
    headers.extend(names.iter().copied());
    let mut records = DataTable::new("records", format!("Records behind {month}"), &headers);
    for (fact, period) in rows {
        let d = engine.describe(fact.record);
        let mut row = vec![
            Cell::text(d.kind),
            Cell::text(d.id),
            Cell::text(d.child_id),
            Cell::text(if fact.numerator { "yes" } else { "no" }),
        ];
        if change {
            row.push(Cell::text(period));
        }
        let explained = explainer.explain(fact.record, on);
        for name in &names {
            row.push(Cell::text(explained.iter().find(|(n, _)| n == name).map_or(String::new(), |(_, v)| v.clone())));
        }
        records.rows.push(row);
    }
    records
}

/// A measure page's tables as they download: by month, each breakdown, the records. Without
/// `tally`, only their ids and titles, for the download links.
fn tables(
    measure: &'static MeasureDef,
    line: &Line,
    breakdowns: &[(Dimension, String, Option<f64>)],
    month: Month,
    engine: &Engine,
    tally: Option<&Tally>,
) -> Vec<DataTable> {
    let rows = tally.is_some();
    let mut by_month = DataTable::new("months", format!("{} by month", measure.title), &["Month", "Value"]);
    if rows {
        for cell in &line.cells {
            let label =
                if engine.to_date(cell.month) { format!("{} (to date)", cell.month) } else { cell.month.to_string() };
            by_month.rows.push(vec![Cell::text(label), Cell::value(measure, cell.value.headline)]);
        }
    }
    let mut tables = vec![by_month];
    for dimension in measure.breakdowns {
        let mut t = DataTable::new(
            format!("by-{}", dimension.code()),
            format!("{} by {}, {}", measure.title, dimension.code().replace('_', " "), month),
            &["Key", "Value"],
        );
        if rows {
            for (_, key, value) in breakdowns.iter().filter(|(d, _, _)| d == dimension) {
                t.rows.push(vec![Cell::text(key.clone()), Cell::value(measure, *value)]);
            }
        }
        tables.push(t);
    }
    tables.push(records_table(engine, month, tally));
    tables
}

/// Records listed on the page; the CSV has them all.
const LISTED: usize = 100;

pub async fn show(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
    Query(which): Query<Which>,
    Query(download): Query<Download>,
) -> Answer {
    let dimension = |d: &Option<String>| d.as_deref().and_then(Dimension::parse).filter(|d| measure_has(&id, *d));
    let pair = match (dimension(&which.by), dimension(&which.across)) {
        (Some(a), Some(b)) if a != b => Some([a, b]),
        _ => None,
    };
    let (measure, held, month) = asked_for_by(&state, &user, &id, which).await?;
    let engine = held.borrow_dependent();
    let card = scorecard(engine, &[measure], month.plus(-12), month, 2);
    let crossed = pair.map(|p| (p, engine.value_crossed(measure, month, &[p]).crossed));
    let Some(line) = card.lines.first() else {
        return Err(AppError::internal("a scorecard of one measure had no line"));
    };
    let values: Vec<Option<f64>> = line.cells.iter().map(|c| c.value.headline).collect();
    let latest = line.latest();
    let england = line.benchmarks.iter().find(|b| b.comparator.code() == "england");
    let reference = england.map(|b| (format!("England {}", b.period), b.value));
    let tally = engine.tally(measure, month);
    let facts = match &tally {
        Tally::Change { current, .. } => in_id_order(engine, current.iter()),
        _ => in_id_order(engine, tally.facts()),
    };
    let breakdowns = latest.map(|c| c.value.breakdowns.clone()).unwrap_or_default();
    // The page's tables are filled in only for a download; the page needs only their ids.
    let tables = tables(measure, line, &breakdowns, month, engine, download.wanted().then_some(&tally));
    if download.wanted() {
        state.audit().record(&user, &format!("download measure {}", measure.id), None).await?;
        return Ok(respond(&tables, &download, &format!("{}-{month}", measure.id)));
    }
    let view = MeasureView {
        measure,
        month,
        card: &card,
        line,
        values: &values,
        reference: reference.as_ref().map(|(n, v)| (n.as_str(), *v)),
        breakdowns: &breakdowns,
        crossed: crossed.as_ref(),
        facts: &facts,
        engine,
        tables: &tables,
    };
    Ok(page(measure.title, &state.authority, Some(&user), measure_page(&view)).into_response())
}

/// What moved the value since the month before (issue 23): for each breakdown, each key's
/// value in both months and its part in the headline's change, the largest first.
fn moved(v: &MeasureView) -> Markup {
    use sendtrack_domain::measures::explain::movements;
    let before = v.month.plus(-1);
    let headline = |m: Month| v.line.cells.iter().find(|c| c.month == m).and_then(|c| c.value.headline);
    let shown = |x: Option<f64>| x.map_or("–".into(), |x| label(v.measure.unit, x));
    let part = |x: Option<f64>| match x {
        Some(p) if v.measure.unit == sendtrack_domain::measures::Unit::Percent => format!("{p:+.1} points"),
        Some(p) => format!("{p:+.1}"),
        None => "–".into(),
    };
    html! {
        h2 class="govuk-heading-m" id="moved" { "What moved the value since " (before.long_name()) }
        p class="govuk-body" {
            (before.short_name()) ": " (shown(headline(before))) "; " (v.month.short_name()) ": " (shown(headline(v.month))) ". "
            "A key's part is the change in what it adds to the value (for a share, its cases counted over all the month's cases): it moves with the key's own value and with how many cases it had, and the parts add up to the change."
        }
        @for (dimension, rows) in movements(v.engine, v.measure, v.month) {
            @if !rows.is_empty() {
                details class="govuk-details" {
                    summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "By " (dimension.code().replace('_', " ")) } }
                    div class="govuk-details__text st-scroll" tabindex="0" role="region" aria-label=(format!("What moved, by {}", dimension.code().replace('_', " "))) {
                        (table(
                            (Caption::Small, format!("By {}, {} and {}", dimension.code().replace('_', " "), before.short_name(), v.month.short_name())),
                            &[heading("Key"), numeric_heading(before.short_name()), numeric_heading(v.month.short_name()), numeric_heading("Part of the change")],
                            rows.iter().map(|m| vec![row_header(dimension.key_label(&m.key)), number(shown(m.before)), number(shown(m.after)), number(part(m.part))]),
                        ))
                    }
                }
            }
        }
    }
}

/// Whether measure `id` breaks down by `d`.
fn measure_has(id: &str, d: Dimension) -> bool {
    find(id).is_some_and(|m| m.breakdowns.contains(&d))
}

/// The two-way breakdown's form and, when two breakdowns are chosen, its table: the first's
/// keys down, the second's across, each row's and column's one-way value as its total.
fn cross_table(v: &MeasureView) -> Markup {
    let options: Vec<(String, String)> =
        v.measure.breakdowns.iter().map(|d| (d.code().to_string(), d.code().replace('_', " "))).collect();
    let chosen = v.crossed.map(|(p, _)| p);
    let select = |id: &str, label: &str, at: Option<Dimension>| {
        crate::govuk::select(&crate::govuk::Select {
            id,
            label,
            question: None,
            hint: None,
            error: None,
            options: options.clone(),
            selected: at.map_or("", |d| d.code()),
        })
    };
    let shown = |x: Option<f64>| x.map_or("–".into(), |x| label(v.measure.unit, x));
    let one_way = |d: Dimension, key: &str| {
        v.breakdowns.iter().find(|(x, k, _)| *x == d && k == key).and_then(|(_, _, value)| *value)
    };
    html! {
        h2 class="govuk-heading-m" id="two-way" { "Two breakdowns at once" }
        form method="get" action=(format!("/measures/{}#two-way", v.measure.id)) novalidate {
            input type="hidden" name="month" value=(v.month.to_string());
            (select("by", "Down the rows", chosen.map(|p| p[0]).or(v.measure.breakdowns.first().copied())))
            (select("across", "Across the columns", chosen.map(|p| p[1]).or(v.measure.breakdowns.get(1).copied())))
            button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button" { "Show the table" }
        }
        @if let Some(([a, b], crossed)) = v.crossed {
            @let rows: Vec<&String> = v.breakdowns.iter().filter(|(d, _, _)| d == a).map(|(_, k, _)| k).collect();
            @let columns: Vec<&String> = v.breakdowns.iter().filter(|(d, _, _)| d == b).map(|(_, k, _)| k).collect();
            @let at = |x: &str, y: &str| crossed.iter().find(|c| c.keys[0] == x && c.keys[1] == y).and_then(|c| c.value);
            @let empty = if v.measure.unit == sendtrack_domain::measures::Unit::Count { Some(0.0) } else { None };
            div class="st-scroll st-scroll--sticky" tabindex="0" role="region" aria-label=(format!("By {} and {}", a.code(), b.code())) {
                (table(
                    (Caption::Small, format!("{}, {}: by {} (rows) and {} (columns)", v.measure.title, v.month.short_name(), a.code().replace('_', " "), b.code().replace('_', " "))),
                    &std::iter::once(heading(a.code().replace('_', " ")))
                        .chain(columns.iter().map(|k| numeric_heading(b.key_label(k))))
                        .chain(std::iter::once(numeric_heading("All")))
                        .collect::<Vec<_>>(),
                    rows.iter().map(|x| {
                        std::iter::once(row_header(a.key_label(x)))
                            .chain(columns.iter().map(|y| number(shown(at(x, y).or(empty)))))
                            .chain(std::iter::once(number(shown(one_way(*a, x)))))
                            .collect()
                    }).chain(std::iter::once(
                        std::iter::once(row_header("All"))
                            .chain(columns.iter().map(|y| number(shown(one_way(*b, y)))))
                            .chain(std::iter::once(number(shown(v.line.latest().and_then(|c| c.value.headline)))))
                            .collect(),
                    )),
                ))
            }
        }
    }
}

/// The records behind a measure's value, as CSV: record kind, id, the child's opaque id, and
/// whether it is counted in the numerator.
pub async fn records_csv(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
    Query(which): Query<Which>,
) -> Answer {
    let (measure, held, month) = asked_for_by(&state, &user, &id, which).await?;
    state.audit().record(&user, &format!("download measure {} records", measure.id), None).await?;
    let engine = held.borrow_dependent();
    let tally = engine.tally(measure, month);
    Ok(crate::download::csv(&records_table(engine, month, Some(&tally)), &format!("{}-{month}", measure.id)))
}

/// What a measure's page shows.
struct MeasureView<'a> {
    measure: &'static MeasureDef,
    month: Month,
    /// The measure over the 13 months to `month`.
    card: &'a Scorecard,
    line: &'a Line,
    values: &'a [Option<f64>],
    /// England's figure, for the chart's reference line.
    reference: Option<(&'a str, f64)>,
    breakdowns: &'a [(Dimension, String, Option<f64>)],
    /// The two-way breakdown asked for, if any.
    crossed: Option<&'a ([Dimension; 2], Vec<sendtrack_domain::measures::engine::Crossed>)>,
    /// The records behind the month's value.
    facts: &'a [&'a Fact<'a>],
    engine: &'a Engine<'a>,
    tables: &'a [DataTable],
}

/// A measure's page: its definition, 13 months, its breakdowns and the records behind it.
fn measure_page(v: &MeasureView) -> Markup {
    let latest = v.line.latest();
    let here = format!("/measures/{}?month={}", v.measure.id, v.month);
    let download_links =
        |id: &str| html! { @if let Some(t) = v.tables.iter().find(|t| t.id == id) { (links(&here, t)) } };
    html! {
            span class="govuk-caption-l" { (v.measure.section) }
            h1 class="govuk-heading-l" { (v.measure.title) }
            div class="govuk-inset-text" { (v.measure.definition) ". Unit: " (v.measure.unit.code()) "; better: " (v.measure.better.code()) "." }
            p class="govuk-body-l" {
                (sendtrack_interchange::scorecard::month_label(v.card, v.month)) ": "
                strong { (latest.and_then(|c| c.value.headline).map_or("–".into(), |x| label(v.measure.unit, x))) }
                @if let Some(c) = latest { " " (super::scorecard::trend_only(c.trend)) }
            }
            (line_chart("chart-months", &format!("{}, {} to {}", v.measure.title, v.month.plus(-12).short_name(), v.month.short_name()), &v.card.months, &[Series { name: v.measure.title, values: v.values }], v.measure.unit, v.reference))
            (table(
                (Caption::Medium, "By month"),
                &[heading("Month"), numeric_heading("Value")],
                v.line.cells.iter().map(|cell| {
                    vec![
                        row_header(html! { a class="govuk-link" href=(format!("/measures/{}?month={}", v.measure.id, cell.month)) { (sendtrack_interchange::scorecard::month_label(v.card, cell.month)) } }),
                        number(super::scorecard::trend_cell(v.measure, cell.value.headline, cell.trend)),
                    ]
                }),
            ))
            (download_links("months"))
            @for dimension in v.measure.breakdowns {
                @let rows: Vec<_> = v.breakdowns.iter().filter(|(d, _, _)| d == dimension).collect();
                @if !rows.is_empty() {
                    @let bars: Vec<(String, f64)> = rows.iter().filter_map(|(d, k, v)| Some((d.key_label(k), (*v)?))).collect();
                    (bar_chart(&format!("chart-{}", dimension.code()), &format!("{}, {}, by {}", v.measure.title, v.month.short_name(), dimension.code().replace('_', " ")), &bars, v.measure.unit))
                    (table(
                        (Caption::Medium, format!("By {}, {}", dimension.code().replace('_', " "), sendtrack_interchange::scorecard::month_label(v.card, v.month))),
                        &[heading("Key"), numeric_heading("Value")],
                        rows.iter().map(|(_, key, value)| vec![row_header(dimension.key_label(key)), number(value.map_or("–".into(), |x| label(v.measure.unit, x)))]),
                    ))
                    (download_links(&format!("by-{}", dimension.code())))
                }
            }
            @if v.measure.breakdowns.len() >= 2 { (cross_table(v)) }
            @if !v.measure.breakdowns.is_empty() { (moved(v)) }
            h2 class="govuk-heading-m" id="records" { "The records behind " (v.month.short_name()) "'s value" }
            p class="govuk-body" {
                (v.facts.len()) " record" @if v.facts.len() != 1 { "s" } ". "
                @if v.facts.len() > LISTED { "The first " (LISTED) " are listed; " }
                a class="govuk-link" href=(format!("/measures/{}/records.csv?month={}", v.measure.id, v.month)) { "download all as CSV" }
                "."
            }
            (download_links("records"))
            @if !v.facts.is_empty() {
                @let explainer = v.engine.explainer();
                @let on = v.engine.end_of(v.month);
                @let explained: Vec<_> = v.facts.iter().take(LISTED).map(|f| explainer.explain(f.record, on)).collect();
                @let names: Vec<&str> = explained.first().map(|e| e.iter().map(|(n, _)| *n).collect()).unwrap_or_default();
                div class="st-scroll" tabindex="0" role="region" aria-label="The records behind the value" {
                    (table(
                        (Caption::Small, format!("Records, {}", v.month.short_name())),
                        &[heading("Record"), heading("Id"), heading("Child"), heading("Counted")]
                            .into_iter()
                            .chain(names.iter().map(|n| heading(n.replace('_', " "))))
                            .collect::<Vec<_>>(),
                        v.facts.iter().zip(&explained).map(|(fact, e)| {
                            let d = v.engine.describe(fact.record);
                            [cell(d.kind), cell(d.id), cell(d.child_id), cell(if fact.numerator { "yes" } else { "no" })]
                                .into_iter()
                                .chain(e.iter().map(|(_, value)| cell(value.as_str())))
                                .collect()
                        }),
                    ))
                }
            }
    }
}
