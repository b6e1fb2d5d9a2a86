//! The board pack as one printable HTML document (A4, landscape): a cover with the headline
//! measures and their trend, each table of the board reports with its chart, the comparison
//! with England, the region and statistical neighbours, and the definitions.

use crate::board::tables;
use crate::charts::{Series, bar_chart, label, line_chart};
use crate::paper::{PackSection, Paper};
use maud::{DOCTYPE, Markup, html};
use sendtrack_domain::codes::Comparator;
use sendtrack_domain::dates::Month;
use sendtrack_domain::forecast::{self as fc, BASELINE, Forecast, Horizon};
use sendtrack_domain::measures::presentation::{Arrow, Verdict};
use sendtrack_domain::measures::scorecard::{Line, Scorecard};
use sendtrack_domain::measures::{CATALOGUE, Dimension, MeasureDef, MeasureId, Unit};

/// The measures on the cover, in order.
pub const HEADLINES: &[MeasureId] = &[
    MeasureId::PlansIssuedWithin20WeeksPct,
    MeasureId::DecisionsWithin6WeeksPct,
    MeasureId::RequestsReceived,
    MeasureId::RequestsOpenOver20Weeks,
    MeasureId::AdviceOverdue,
    MeasureId::PlansActive,
    MeasureId::ReviewsOverdue,
    MeasureId::ReviewsCompletedOnTimePct,
];

/// The pack's stylesheet (print and screen).
pub const STYLE: &str = r#"
@page { size: A4 landscape; margin: 12mm; }
body { font-family: Arial, sans-serif; color: #0b0c0c; font-size: 11pt; line-height: 1.35; margin: 0 auto; max-width: 1100px; padding: 0 12px; }
h1 { font-size: 24pt; margin: 0 0 8px; }
h2 { font-size: 16pt; margin: 18px 0 8px; }
.authority { font-size: 14pt; font-weight: bold; border-bottom: 6px solid #1d70b8; padding-bottom: 6px; }
section { break-before: page; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; font-size: 9pt; }
caption { text-align: left; font-weight: bold; font-size: 11pt; padding-bottom: 4px; }
th, td { border-bottom: 1px solid #b1b4b6; padding: 3px 5px; text-align: right; }
th[scope=row], td.text, th.text { text-align: left; }
thead th { border-bottom: 2px solid #0b0c0c; }
.good { color: #00703c; } .bad { color: #d4351c; } .neutral { color: #505a5f; }
.chart { width: 100%; max-width: 760px; height: auto; display: block; margin: 4px 0; }
dl dt { font-weight: bold; margin-top: 6px; } dl dd { margin: 0 0 0 16px; }
.note { color: #505a5f; font-size: 9pt; }
.amber { color: #8a4b00; }
.commentary { border-left: 4px solid #1d70b8; padding: 2px 0 2px 12px; margin: 8px 0 16px; }
.commentary h3 { font-size: 12pt; margin: 4px 0; }
.changed { border-left: 4px solid #d4351c; padding: 2px 0 2px 12px; }
/* On a phone's screen a wide table scrolls in its own box, never the page; its cells keep
   their words whole (breaking anywhere is for the prose around it). Each table takes the
   keyboard's focus (tabindex), so it can be scrolled without a mouse (WCAG 2.1.1). */
@media screen and (max-width: 700px) { table { display: block; overflow-x: auto; } body { overflow-wrap: anywhere; } th, td { overflow-wrap: normal; min-width: 4.5em; } }
"#;

fn value_text(m: &MeasureDef, v: Option<f64>) -> String {
    v.map_or("–".into(), |v| label(m.unit, v))
}

fn trend_text(line: &Line) -> Markup {
    let Some((arrow, verdict)) = line.latest().and_then(|c| c.trend) else { return html! { "–" } };
    let words = match arrow {
        Arrow::Up => "up",
        Arrow::Down => "down",
        Arrow::Level => "level",
    };
    let judgement = match verdict {
        Verdict::Good => ", better",
        Verdict::Bad => ", worse",
        Verdict::Neutral => "",
    };
    html! { span class=(verdict.code()) { (arrow.symbol()) " " (words) (judgement) } }
}

fn benchmark(line: &Line, comparator: Comparator) -> String {
    line.benchmarks
        .iter()
        .find(|b| b.comparator == comparator)
        .map_or(String::new(), |b| format!("{} ({})", label(line.measure.unit, b.value), b.period))
}

/// How the pack carries its stylesheet: inside the file (a standalone HTML file or PDF), or as a
/// link (in the web app, whose Content-Security-Policy allows no inline style).
#[derive(Debug, Clone, Copy)]
pub enum Styles<'s> {
    Inline,
    Linked(&'s str),
}

/// Renders the board pack for `card` (the whole catalogue over 13 months) as a standalone file.
pub fn board_pack(
    card: &Scorecard,
    authority: &str,
    produced_on: &str,
    forecast: Option<&Forecasted>,
    paper: Option<&Paper>,
) -> String {
    board_pack_with(card, authority, produced_on, Styles::Inline, None, forecast, paper)
}

/// A section's commentary with who signed it off and when, and the figures that changed
/// after it was signed off (issue 22).
fn commentary_block(paper: Option<&Paper>, section: Option<&PackSection>) -> Markup {
    let (Some(paper), Some(section)) = (paper, section) else { return html! {} };
    let changed = paper.changed(section);
    let Some(c) = paper.commentary_on(&section.id) else { return html! {} };
    html! {
        div class="commentary" {
            h3 { "Commentary" }
            @for para in c.text.split("\n").filter(|p| !p.trim().is_empty()) { p { (para.trim()) } }
            @match (&c.signed_off_by, c.signed_off_on) {
                (Some(by), Some(on)) => p class="note" { "Signed off by " (by) " on " (sendtrack_domain::dates::in_words(on)) "." },
                _ => p class="note" { "Draft: not yet signed off. Written by " (c.written_by) " on " (sendtrack_domain::dates::in_words(c.written_on)) "." },
            }
            @if !changed.is_empty() {
                div class="changed" {
                    p { strong { "Changed after sign-off" } " (a record entered late):" }
                    ul { @for ch in &changed { li { (crate::paper::changed_text(ch)) } } }
                }
            }
        }
    }
}

/// The supplied indicators' page of the pack.
fn indicators_section(paper: &Paper, section: Option<&PackSection>) -> Markup {
    html! {
        section aria-labelledby=(crate::paper::INDICATORS) {
            h2 id=(crate::paper::INDICATORS) { "Supplied indicators" }
            p class="note" { "Figures partners and surveys supply, as received; each with its period, who supplied it and when. A value overdue by its frequency is flagged." }
            @if paper.supplied.is_empty() { p { "No supplied indicators are defined." } }
            @else {
                table tabindex="0" {
                    caption { "Supplied indicators, latest received by the end of " (paper.month.long_name()) }
                    thead { tr { th scope="col" class="text" { "Indicator" } th scope="col" { "Latest" } th scope="col" { "Against the period before" } th scope="col" { "Target" } th scope="col" { "England" } th scope="col" class="text" { "Supplied" } } }
                    tbody {
                        @for l in &paper.supplied {
                            tr {
                                th scope="row" { (l.indicator.title) }
                                td { (crate::paper::indicator_text(l.indicator.unit, l.shown())) @if let Some(v) = l.latest { br; span class="note" { (v.period.short_name()) } } }
                                td { @match l.trend { Some((arrow, verdict)) => span class=(verdict.code()) { (arrow.symbol()) " " (arrow.code()) }, None => "–" } }
                                td { @if let Some(t) = l.target { (crate::paper::indicator_text(l.indicator.unit, Some(t.target))) @match t.met { Some(true) => " (met)", Some(false) => " (short)", None => "" } } }
                                td { @if let Some(b) = l.benchmarks.iter().find(|b| b.comparator == Comparator::England) { (crate::paper::indicator_text(l.indicator.unit, Some(b.value))) " (" (b.period) ")" } }
                                td class="text" {
                                    (l.provenance())
                                    @if let Some(flag) = l.overdue_flag() { br; strong class="bad" { (flag) } }
                                    @if l.too_few { br; strong class="bad" { "Too few responses to report" } @if let Some(n) = l.latest.and_then(|v| v.responses) { " (" (n) ")" } }
                                }
                            }
                        }
                    }
                }
            }
            (commentary_block(Some(paper), section))
        }
    }
}

/// The improvement plan's tracker page of the pack.
fn improvement_section(paper: &Paper, card: &Scorecard, section: Option<&PackSection>) -> Markup {
    html! {
        section aria-labelledby=(crate::paper::IMPROVEMENT) {
            h2 id=(crate::paper::IMPROVEMENT) { "Improvement plan" }
            @if paper.tracker.is_empty() { p { "No improvement plan is recorded." } }
            @else {
                table tabindex="0" {
                    caption { "Improvement plan tracker at the end of " (paper.month.long_name()) }
                    thead { tr { th scope="col" class="text" { "Strand" } th scope="col" class="text" { "RAG" } th scope="col" class="text" { "Milestones" } th scope="col" class="text" { "KPIs" } } }
                    tbody {
                        @for s in &paper.tracker {
                            tr {
                                th scope="row" { (s.strand.title) br; span class="note" { (s.strand.owner) } }
                                td class="text" {
                                    strong class=(rag_class(s.current().map(|r| r.rag))) { (s.current().map_or("Not rated", |r| r.rag.label())) }
                                    @if let Some(m) = s.movement() { br; span class="note" { (m) } }
                                }
                                td class="text" {
                                    (crate::paper::milestone_summary(s))
                                    @for (m, state) in s.milestones.iter().filter(|(_, st)| matches!(st, sendtrack_domain::records::MilestoneState::Slipped | sendtrack_domain::records::MilestoneState::Overdue)) {
                                        br; span class="note" { (state.label()) ": " (m.title) ", due " (sendtrack_domain::dates::in_words(m.due_on)) @if let Some(r) = m.revised_due_on { ", now " (sendtrack_domain::dates::in_words(r)) } @if let Some(why) = &m.slip_reason { " (" (why) ")" } }
                                    }
                                }
                                td class="text" {
                                    @for k in &s.kpis {
                                        (paper.kpi_title(&k.measure)) ": " (paper.kpi_now(card, &k.measure).map_or("–".into(), |(v, u)| label(u, v))) " (baseline " (k.baseline) ", target " (k.target) ")" br;
                                    }
                                }
                            }
                        }
                    }
                }
            }
            (commentary_block(Some(paper), section))
        }
    }
}

fn rag_class(rag: Option<sendtrack_domain::codes::Rag>) -> &'static str {
    match rag {
        Some(sendtrack_domain::codes::Rag::Red) => "bad",
        Some(sendtrack_domain::codes::Rag::Amber) => "amber",
        Some(sendtrack_domain::codes::Rag::Green) => "good",
        None => "neutral",
    }
}

/// The forecast for the pack's Forecast page, or why none could be made.
pub type Forecasted = Result<Forecast, String>;

/// The pack's Forecast page (issue 21): the baseline 3, 6 and 12 months on with its 80%
/// interval and the backtest's error a year ahead, the SEN2 census day's plans anticipated, the
/// active plans chart, and the scenarios side by side.
fn forecast_section(forecasted: &Forecasted) -> Markup {
    let f = match forecasted {
        Ok(f) => f,
        Err(why) => {
            return html! {
                section aria-labelledby="forecast" {
                    h2 id="forecast" { "Forecast" }
                    p class="note" { "No forecast could be made from the records: " (why) "." }
                }
            };
        }
    };
    let ahead = [3usize, 6, 12];
    let cell = |measure: &str, h: usize| -> String {
        f.line(measure, BASELINE).and_then(|l| l.points.get(h - 1)).map_or_else(String::new, |p| {
            match (p.low, p.high) {
                (Some(lo), Some(hi)) => format!("{:.0} ({:.0}–{:.0})", p.value, lo, hi),
                _ => format!("{:.0}", p.value),
            }
        })
    };
    let active =
        f.history.iter().find(|(s, _)| *s == fc::Series::PlansActive).map(|(_, h)| h.as_slice()).unwrap_or(&[]);
    let recent = &active[active.len().saturating_sub(12)..];
    let months: Vec<Month> = recent.iter().map(|(m, _)| *m).chain((1..=12).map(|h| f.as_of.plus(h))).collect();
    let actual: Vec<Option<f64>> = recent.iter().map(|(_, v)| Some(*v)).chain(std::iter::repeat_n(None, 12)).collect();
    let projected: Vec<Option<f64>> = {
        let line = f.line("plans_active", BASELINE);
        let mut v = vec![None; recent.len()];
        if let Some(last) = v.last_mut() {
            *last = recent.last().map(|(_, x)| *x);
        }
        v.extend((0..12).map(|k| line.and_then(|l| l.points.get(k)).map(|p| p.value)));
        v
    };
    let pct = |v: Option<f64>| v.map_or_else(|| "–".to_string(), |v| format!("{v:.0}%"));
    let clears = |m: Option<Month>| match m {
        Some(m) if m == f.as_of => "Already clear".to_string(),
        Some(m) => m.long_name(),
        None => "Not within the horizon".into(),
    };
    html! {
        section aria-labelledby="forecast" {
            h2 id="forecast" { "Forecast" }
            p { "From the records as they stood at the end of " (f.as_of.long_name()) ". The 80% interval is how far forecasts made the same way from earlier months were off at the same distance ahead; the error is their mean a year ahead." }
            @if let Some(c) = f.census {
                p { "SEN2 census day " (c.day.to_string()) ": " strong { (format!("{:.0}", c.value)) " active plans anticipated" } " (80% interval " (format!("{:.0}", c.low)) " to " (format!("{:.0}", c.high)) ")." }
            }
            (line_chart("chart-forecast", "Active EHC plans: the last 12 months and the forecast", &months, &[Series { name: "Actual", values: &actual }, Series { name: "Forecast", values: &projected }], Unit::Count, None))
            table tabindex="0" {
                caption { "Forecast from the end of " (f.as_of.long_name()) }
                thead { tr {
                    th scope="col" class="text" { "Measure" }
                    @for h in ahead { th scope="col" { (f.as_of.plus(h as i32).short_name()) } }
                    th scope="col" { "Error a year ahead" }
                } }
                tbody {
                    @for s in fc::Series::ALL {
                        tr {
                            th scope="row" { (s.title()) }
                            @for h in ahead { td { (cell(s.id(), h)) } }
                            td { (pct(f.accuracy_of(s, Horizon::Months(12)).and_then(|a| a.mape_pct))) }
                        }
                    }
                }
            }
            @if !f.outcomes.is_empty() {
                table tabindex="0" {
                    caption { "Can we meet the 20 weeks with the staff we have? Scenarios side by side" }
                    thead { tr {
                        th scope="col" class="text" { "Scenario" }
                        th scope="col" class="text" { "Requests past 20 weeks cleared" }
                        th scope="col" class="text" { "Overdue reviews cleared" }
                        th scope="col" { "Plans in 20 weeks" }
                        th scope="col" { "Reviews on time" }
                    } }
                    tbody {
                        @for o in &f.outcomes {
                            tr {
                                th scope="row" { (if o.scenario == BASELINE { "Current staffing" } else { o.scenario.as_str() }) @for c in o.changes.iter().filter(|_| o.scenario != BASELINE) { br; (c) } }
                                td class="text" { (clears(o.requests_backlog_clears)) }
                                td class="text" { (clears(o.reviews_backlog_clears)) }
                                td { (pct(o.within_20_weeks_pct)) }
                                td { (pct(o.reviews_on_time_pct)) }
                            }
                        }
                    }
                }
                p class="note" { "Shares over the last 12 months of the forecast; a backlog is cleared in the first month that ends with none left." }
            }
        }
    }
}

/// Renders the board pack, with its styles as given and, optionally, a link back (for the web).
pub fn board_pack_with(
    card: &Scorecard,
    authority: &str,
    produced_on: &str,
    styles: Styles,
    back: Option<Markup>,
    forecast: Option<&Forecasted>,
    paper: Option<&Paper>,
) -> String {
    let (Some(&first), Some(&last)) = (card.months.first(), card.months.last()) else { return String::new() };
    let line = |id: MeasureId| card.lines.iter().find(|l| l.measure.measure == id);
    let sections = paper.map(|p| crate::paper::sections(card, p)).unwrap_or_default();
    let section = |id: &str| sections.iter().find(|s| s.id == id);
    let signed: Vec<(&str, &sendtrack_domain::records::Commentary)> = sections
        .iter()
        .filter_map(|s| Some((s.title.as_str(), paper?.commentary_on(&s.id).filter(|c| c.signed_off_on.is_some())?)))
        .collect();
    let changed_anywhere: usize = match paper {
        Some(p) => sections.iter().map(|s| p.changed(s).len()).sum(),
        None => 0,
    };
    let doc = html! {
        (DOCTYPE)
        html lang="en-GB" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "SEND board report: " (authority) ", " (last.long_name()) }
                @match styles {
                    Styles::Inline => style { (maud::PreEscaped(STYLE)) },
                    Styles::Linked(href) => link rel="stylesheet" href=(href);,
                }
            }
            body {
                @if let Some(back) = &back { nav { (back) } }
                header {
                    p class="authority" { (authority) }
                    h1 { "SEND statutory performance: board report, " (last.long_name()) @if card.is_to_date(last) { " (to date)" } }
                    @if card.is_to_date(last) { p class="note" { (last.long_name()) " has not ended: its figures are to date, as at " (produced_on) ". Measures taken at the month end are taken at that day, and counts in the month run to it." } }
                    p { "The 13 months from " (first.long_name()) " to " (last.long_name()) ", computed by sendtrack from the casework records on " (produced_on) ". Every figure is a measure of the catalogue defined at the end of this report, or a supplied indicator marked with who supplied it." }
                    @if paper.is_some() {
                        @if signed.is_empty() { p class="note" { "No section of this month's report has been signed off." } }
                        @else {
                            p { "Signed off: " @for (k, (title, c)) in signed.iter().enumerate() { @if k > 0 { "; " } (title) " by " (c.signed_off_by.as_deref().unwrap_or("")) " on " (c.signed_off_on.map(sendtrack_domain::dates::in_words).unwrap_or_default()) } "." }
                        }
                        @if changed_anywhere > 0 { p class="changed" { strong { (changed_anywhere) " figure" @if changed_anywhere != 1 { "s" } " changed after sign-off" } ": each is listed under its section with the value signed off and the value now." } }
                    }
                }
                main {
                    h2 { "Headlines" }
                    table tabindex="0" {
                        caption { "Headline measures for " (last.long_name()) @if card.is_to_date(last) { " (to date)" } }
                        thead { tr { th scope="col" class="text" { "Measure" } th scope="col" { "This month" } th scope="col" { "Against last month" } th scope="col" { "Target" } th scope="col" { "England" } th scope="col" { "Statistical neighbours" } } }
                        tbody {
                            @for id in HEADLINES {
                                @if let Some(l) = line(*id) {
                                    tr {
                                        th scope="row" { (l.measure.title) }
                                        td { (value_text(l.measure, l.latest().and_then(|c| c.value.headline))) }
                                        td { (trend_text(l)) }
                                        td { @if let Some(t) = l.target { (label(l.measure.unit, t.target)) @match t.met { Some(true) => " (met)", Some(false) => " (short)", None => "" } } }
                                        td { (benchmark(l, Comparator::England)) }
                                        td { (benchmark(l, Comparator::StatisticalNeighbours)) }
                                    }
                                }
                            }
                        }
                    }
                    (commentary_block(paper, section("headlines")))
                    @for (n, table) in tables(card).into_iter().enumerate() {
                        section aria-labelledby=(format!("table-{n}")) {
                            h2 id=(format!("table-{n}")) { (table.name) }
                            @if let Some(first_row) = table.chart_row() {
                                @let m = first_row.measure;
                                @let england = line(m.measure).and_then(|l| l.benchmarks.iter().find(|b| b.comparator == Comparator::England));
                                @let reference = england.map(|b| (format!("England {}", b.period), b.value));
                                (line_chart(&format!("chart-{n}"), &format!("{}: {} to {}", first_row.label, first.short_name(), last.short_name()), &card.months, &[Series { name: &first_row.label, values: &first_row.values }], m.unit, reference.as_ref().map(|(name, v)| (name.as_str(), *v))))
                            }
                            @if table.name == "Advice" && let Some(l) = line(MeasureId::AdviceOverdue) {
                                @let bars: Vec<(String, f64)> = l.latest().map(|c| c.value.breakdowns.iter().filter(|(d, _, _)| *d == Dimension::Kind).filter_map(|(d, k, v)| Some((d.key_label(k), (*v)?))).collect()).unwrap_or_default();
                                @if !bars.is_empty() {
                                    (bar_chart("chart-advice-kind", &format!("Advice overdue at the end of {} by kind", last.long_name()), &bars, Unit::Count))
                                }
                            }
                            @if table.name == "Quality of plans" && let Some(p) = paper && !p.audit_sections.is_empty() {
                                table tabindex="0" {
                                    caption { "Audits of " (last.long_name()) " by section of the framework" }
                                    thead { tr { th scope="col" class="text" { "Section" } th scope="col" { "Audits" } th scope="col" { "Meeting the standard" } } }
                                    tbody { @for s in &p.audit_sections { tr { th scope="row" { (s.section) } td { (s.audits) } td { (s.pct().map_or("–".into(), |v| label(Unit::Percent, v))) } } } }
                                }
                                p class="note" { "Grades over the 12 months: " @for (k, (g, n)) in p.audit_grades.iter().enumerate() { @if k > 0 { ", " } (g.label().to_lowercase()) " " (n) } ". An audit meets the standard in a section when every question of it is graded good or outstanding." }
                            }
                            table tabindex="0" {
                                caption { (table.name) ", " (first.short_name()) " to " (last.short_name()) }
                                thead { tr { th scope="col" class="text" { "Measure" } @for m in &card.months { th scope="col" { (sendtrack_interchange::scorecard::month_label(card, *m)) } } } }
                                tbody {
                                    @for row in &table.rows {
                                        tr {
                                            th scope="row" { (row.label) }
                                            @for v in &row.values { td { (value_text(row.measure, *v)) } }
                                        }
                                    }
                                }
                            }
                            (commentary_block(paper, section(&crate::paper::section_id(table.name))))
                        }
                    }
                    @if let Some(p) = paper {
                        (indicators_section(p, section(crate::paper::INDICATORS)))
                        (improvement_section(p, card, section(crate::paper::IMPROVEMENT)))
                    }
                    @if let Some(f) = forecast { (forecast_section(f)) }
                    section aria-labelledby="comparison" {
                        h2 id="comparison" { "Comparison with England, the region and statistical neighbours" }
                        p class="note" { "Published statistics lag a year or more: each comparator is the latest published for a period that had started by " (last.long_name()) ", with its period. Statistical neighbours are combined as their numerators summed over their denominators summed." }
                        table tabindex="0" {
                            caption { "Measures with published comparators" }
                            thead { tr { th scope="col" class="text" { "Measure" } th scope="col" { (sendtrack_interchange::scorecard::month_label(card, last)) } th scope="col" { "As published for us" } th scope="col" { "England" } th scope="col" { "Region" } th scope="col" { "Statistical neighbours" } } }
                            tbody {
                                @for l in card.lines.iter().filter(|l| !l.benchmarks.is_empty()) {
                                    tr {
                                        th scope="row" { (l.measure.title) }
                                        td { (value_text(l.measure, l.latest().and_then(|c| c.value.headline))) }
                                        td { (benchmark(l, Comparator::Published)) }
                                        td { (benchmark(l, Comparator::England)) }
                                        td { (benchmark(l, Comparator::Region)) }
                                        td { (benchmark(l, Comparator::StatisticalNeighbours)) }
                                    }
                                }
                            }
                        }
                    }
                    section aria-labelledby="definitions" {
                        h2 id="definitions" { "Definitions" }
                        p class="note" { "A percentage's denominator of zero leaves it undefined, shown as a dash. 'As at' a month means at the end of its last day." }
                        dl {
                            @for m in CATALOGUE {
                                dt { (m.title) " (" (m.id) ")" }
                                dd { (m.definition) " Unit: " (m.unit.code()) "; better: " (m.better.code()) "." }
                            }
                            @if let Some(p) = paper {
                                @for l in &p.supplied {
                                    @let i = l.indicator;
                                    dt { (i.title) " (" (i.indicator_id) ", supplied)" }
                                    dd { "Supplied " (i.frequency.label().to_lowercase()) " by " (i.supplier) ", as received. Unit: " (i.unit.code()) "; better: " (i.better.map_or("–", |b| b.code())) "." @if let Some(n) = i.minimum_responses { " Not reported on fewer than " (n) " responses." } }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    doc.into_string()
}
