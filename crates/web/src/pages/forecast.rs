//! The forecast page (issue 21): each measure's history and projection on one chart, the
//! scenarios overlaid and side by side, the assumptions listed, and the backtest's error
//! beside each measure. Managers change the assumptions and keep scenarios; analysts read.

use crate::AppState;
use crate::auth::{CSRF_FIELD, SignedIn};
use crate::error::{Answer, AppError};
use crate::govuk::{
    Caption, Radios, Required, TextInput, cell, heading, number, numeric_heading, radios, row, row_header,
    summary_list, table, text_input,
};
use crate::layout::page;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect};
use maud::{Markup, html};
use sendtrack_domain::dates::{Month, last_complete_month};
use sendtrack_domain::forecast::capacity::TaskHours;
use sendtrack_domain::forecast::{
    Assumptions, BASELINE, CAPACITY_MEASURES, Forecast, Horizon, MONTHS, Scenario, Series, StaffChange,
};
use sendtrack_domain::measures::Unit;
use sendtrack_interchange::forecast::{
    SCENARIOS_KEY, SETTINGS_KEY, assumptions_toml, read_assumptions, read_scenario, scenario_toml,
};
use sendtrack_report::charts;
use std::sync::Arc;

#[derive(serde::Deserialize, Default)]
pub struct Shown {
    months: Option<usize>,
    saved: Option<String>,
}

/// The authority's forecast settings, as kept (the defaults when none are).
async fn settings(state: &AppState) -> Result<(String, Assumptions), AppError> {
    let text = state.store.setting(SETTINGS_KEY).await?.unwrap_or_default();
    let assumptions =
        read_assumptions(&text, "the forecast settings").map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((text, assumptions))
}

/// The scenarios kept, as their files' texts.
async fn kept_scenarios(state: &AppState) -> Result<Vec<String>, AppError> {
    let text = state.store.setting(SCENARIOS_KEY).await?.unwrap_or_default();
    Ok(if text.is_empty() {
        Vec::new()
    } else {
        serde_json::from_str(&text).map_err(|e| AppError::Internal(e.to_string()))?
    })
}

/// A forecast as the authority's kept settings and scenarios make it, and those scenarios.
pub(crate) struct Made {
    pub forecast: Arc<Result<Forecast, String>>,
    pub scenarios: Vec<Scenario>,
}

/// The forecast from the end of `as_of`, `months` ahead, under the authority's kept settings
/// and scenarios (also the board pack's Forecast page and the SEN2 page's anticipated plans).
pub(crate) async fn forecast_from(state: &AppState, as_of: Month, months: usize) -> Result<Made, AppError> {
    let (settings_text, assumptions) = settings(state).await?;
    let texts = kept_scenarios(state).await?;
    let scenarios: Vec<Scenario> = texts.iter().filter_map(|t| read_scenario(t, "a kept scenario").ok()).collect();
    let key = format!("{settings_text}\u{0}{}", texts.join("\u{0}"));
    let forecast = state.forecast(as_of, months, key, assumptions, scenarios.clone()).await?;
    Ok(Made { forecast, scenarios })
}

fn unit_of(measure: &str) -> Unit {
    if measure.ends_with("_pct") { Unit::Percent } else { Unit::Count }
}

/// The chart of one measure: its history (the last 24 months) and each scenario's projection.
fn chart(f: &Forecast, id: &str, title: &str, history: &[(Month, f64)]) -> Markup {
    let recent = &history[history.len().saturating_sub(24)..];
    let first = recent.first().map_or(f.as_of.plus(1), |(m, _)| *m);
    let months: Vec<Month> = first.through(f.as_of.plus(f.months as i32)).collect();
    let at = |m: Month| months.iter().position(|x| *x == m);
    let mut actual = vec![None; months.len()];
    for (m, v) in recent {
        if let Some(k) = at(*m) {
            actual[k] = Some(*v);
        }
    }
    let baseline = f.line(id, BASELINE);
    // A scenario's line is drawn only where it differs from the baseline's (one that changes
    // staffing alone leaves demand as it is).
    let differs = |l: &&sendtrack_domain::forecast::Line| {
        l.scenario == BASELINE
            || baseline.is_none_or(|b| {
                b.points.len() != l.points.len()
                    || b.points.iter().zip(&l.points).any(|(x, y)| (x.value - y.value).abs() > 1e-6)
            })
    };
    let lines: Vec<(String, Vec<Option<f64>>)> = f
        .lines
        .iter()
        .filter(|l| l.measure == id)
        .filter(differs)
        .take(3)
        .map(|l| {
            let mut values = vec![None; months.len()];
            // Joined to the last actual value, so the projection carries on from it.
            if let (Some(k), Some((_, v))) = (at(f.as_of), recent.last()) {
                values[k] = Some(*v);
            }
            for p in &l.points {
                if let Some(k) = at(p.month) {
                    values[k] = Some(p.value);
                }
            }
            let name = if l.scenario == BASELINE { "Forecast".to_string() } else { l.scenario.clone() };
            (name, values)
        })
        .collect();
    let mut series = Vec::new();
    if !recent.is_empty() {
        series.push(charts::Series { name: "Actual", values: &actual });
    }
    series.extend(lines.iter().map(|(name, values)| charts::Series { name, values }));
    charts::line_chart(&format!("chart-{id}"), title, &months, &series, unit_of(id), None)
}

fn fmt(unit: Unit, v: f64) -> String {
    charts::label(unit, v)
}

fn accuracy_text(f: &Forecast, series: Series) -> String {
    let at = |h: Horizon| f.accuracy_of(series, h).and_then(|a| Some((a.mape_pct?, a.interval_hit_pct?, a.origins)));
    match (at(Horizon::Months(1)), at(Horizon::Months(12))) {
        (Some((one, _, n)), Some((twelve, held, _))) => format!(
            "Backtest over {n} earlier months: {one:.1}% off on average one month ahead, {twelve:.1}% twelve months ahead; the 80% interval held the actual value {held:.0}% of the time twelve months ahead."
        ),
        _ => "Too little history yet to score this forecast against what happened.".into(),
    }
}

fn demand_section(f: &Forecast, s: Series) -> Markup {
    let history = f.history.iter().find(|(x, _)| *x == s).map(|(_, h)| h.as_slice()).unwrap_or(&[]);
    let baseline = f.line(s.id(), BASELINE);
    html! {
        section class="st-forecast" {
            h3 class="govuk-heading-s" id=(s.id()) { (s.title()) }
            (chart(f, s.id(), s.title(), history))
            p class="govuk-body-s" { (accuracy_text(f, s)) }
            @if let Some(line) = baseline {
                details class="govuk-details" {
                    summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "The forecast month by month, with its 80% interval" } }
                    div class="govuk-details__text st-scroll" tabindex="0" role="region" aria-label=(format!("{} month by month", s.title())) {
                        (table(
                            (Caption::Small, format!("{}: forecast", s.title())),
                            &[heading("Month"), numeric_heading("Forecast"), numeric_heading("Low (80%)"), numeric_heading("High (80%)")],
                            line.points.iter().map(|p| vec![
                                row_header(p.month.long_name()),
                                number(format!("{:.0}", p.value)),
                                number(p.low.map_or_else(String::new, |v| format!("{v:.0}"))),
                                number(p.high.map_or_else(String::new, |v| format!("{v:.0}"))),
                            ]),
                        ))
                    }
                }
            }
        }
    }
}

fn capacity_section(f: &Forecast, id: &str, title: &str) -> Markup {
    let history = f.measured.iter().find(|(x, _)| *x == id).map(|(_, h)| h.as_slice()).unwrap_or(&[]);
    html! {
        section class="st-forecast" {
            h3 class="govuk-heading-s" id=(id) { (title) }
            (chart(f, id, title, history))
        }
    }
}

fn month_or(m: Option<Month>, as_of: Month) -> String {
    match m {
        Some(m) if m == as_of => "Already clear".into(),
        Some(m) => m.long_name(),
        None => "Not within the horizon".into(),
    }
}

fn outcomes(f: &Forecast) -> Markup {
    let pct = |v: Option<f64>| v.map_or_else(|| "–".into(), |v| fmt(Unit::Percent, v));
    html! {
        // Its cells wrap, so it fits a desktop; on a phone it scrolls in its own box.
        div class="st-scroll st-scroll--wrap" tabindex="0" role="region" aria-label="Scenarios side by side" {
            (table(
                (Caption::Medium, "Scenarios side by side"),
                &[
                    heading("Scenario"),
                    heading("Requests past 20 weeks cleared"),
                    heading("Overdue reviews cleared"),
                    numeric_heading("Plans in 20 weeks"),
                    numeric_heading("Reviews on time"),
                ],
                f.outcomes.iter().map(|o| vec![
                    row_header(html! {
                        (if o.scenario == BASELINE { "Current staffing" } else { o.scenario.as_str() })
                        @for c in &o.changes { br; span class="govuk-body-s" { (c) } }
                    }),
                    cell(month_or(o.requests_backlog_clears, f.as_of)),
                    cell(month_or(o.reviews_backlog_clears, f.as_of)),
                    number(pct(o.within_20_weeks_pct)),
                    number(pct(o.reviews_on_time_pct)),
                ]),
            ))
        }
        p class="govuk-body-s" { "Cleared: the first month that ends with no request open past 20 weeks (no annual review overdue). Plans in 20 weeks and reviews on time: the shares over the last 12 months of the forecast." }
    }
}

fn assumptions_list(f: &Forecast) -> Markup {
    let h = f.assumptions.hours;
    let staffing = match f.staffing {
        Some(s) => {
            format!("{} people, {:.1} FTE, of which {:.1} FTE interim or agency", s.people, s.fte, s.interim_agency_fte)
        }
        None => "No caseworkers in post in the staff records: the capacity model is not run".into(),
    };
    let hours = match f.staffing {
        Some(s) if s.hours_derived => format!(
            "{:.0}, worked out from the work done in the last 12 months and the FTE in post then",
            s.hours_per_fte
        ),
        Some(s) => format!("{:.0}, as set", s.hours_per_fte),
        None => "–".into(),
    };
    summary_list(&[
        row("Caseworkers in post", staffing),
        row("Casework hours per FTE a month", hours),
        row(
            "Hours per task",
            format!(
                "decision {}, assessment {}, plan {}, annual review {}, amendment {}",
                h.decision, h.assessment, h.plan, h.annual_review, h.amendment
            ),
        ),
        row(
            "From the last 12 months",
            format!(
                "{:.0}% of decisions to assess, {:.0}% of assessments to a plan, {:.0}% of reviews to an amendment",
                f.conversion.assess * 100.0,
                f.conversion.plan * 100.0,
                f.conversion.amend * 100.0
            ),
        ),
        row("Fewest weeks from request to plan", format!("{}", f.assumptions.minimum_weeks)),
        row(
            "Hours kept first for cases that can still be on time",
            format!(
                "{:.0}%{}",
                f.triage_share * 100.0,
                if f.assumptions.triage_share.is_none() {
                    ", the share that best replays the last 12 months"
                } else {
                    ""
                }
            ),
        ),
        row(
            "Plans end",
            match f.assumptions.age_limit {
                sendtrack_domain::forecast::population::AgeLimit::Birthday => "on the 25th birthday",
                sendtrack_domain::forecast::population::AgeLimit::EndOfAcademicYear => {
                    "at the end of the academic year in which the young person turns 25 (31 July)"
                }
            },
        ),
    ])
}

fn settings_form(user: &crate::auth::Session, a: &Assumptions) -> Markup {
    let per_fte = a.productive_hours_per_fte.map(|h| h.to_string()).unwrap_or_default();
    let weeks = a.minimum_weeks.to_string();
    html! {
        details class="govuk-details" {
            summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "Change the assumptions" } }
            div class="govuk-details__text" {
                form method="post" action="/forecast/settings" novalidate {
                    input type="hidden" name=(CSRF_FIELD) value=(user.csrf);
                    (text_input(TextInput { id: "productive_hours_per_fte", label: "Casework hours per FTE a month", value: &per_fte, hint: Some("Leave empty to work it out from the last 12 months' work"), width: Some("4"), ..TextInput::default() }))
                    @for task in TaskHours::NAMES {
                        @let value = a.hours.get(task).unwrap_or(0.0).to_string();
                        @let id = format!("hours_{task}");
                        @let label = format!("Hours for one {}", task.replace('_', " "));
                        (text_input(TextInput { id: &id, label: &label, value: &value, width: Some("4"), ..TextInput::default() }))
                    }
                    (text_input(TextInput { id: "minimum_weeks", label: "Fewest weeks from request to plan", value: &weeks, width: Some("4"), ..TextInput::default() }))
                    (radios(&Radios {
                        name: "age_limit",
                        legend: "When plans end at the age limit",
                        required: Required::Yes,
                        hint: None,
                        error: None,
                        options: vec![
                            ("end_of_academic_year".into(), "At the end of the academic year in which the young person turns 25".into()),
                            ("birthday".into(), "On the 25th birthday".into()),
                        ],
                        checked: a.age_limit.code(),
                        inline: false,
                    }))
                    button type="submit" class="govuk-button" data-module="govuk-button" { "Save the assumptions" }
                }
            }
        }
    }
}

fn scenario_form(user: &crate::auth::Session, kept: &[Scenario], as_of: Month) -> Markup {
    let from = as_of.plus(3).to_string();
    html! {
        h2 class="govuk-heading-m" { "Scenarios" }
        @if kept.is_empty() {
            p class="govuk-body" { "No scenarios are kept: the forecast shows the current staffing only." }
        } @else {
            ul class="govuk-list" {
                @for (k, s) in kept.iter().enumerate() {
                    li {
                        form method="post" action="/forecast/scenarios/remove" class="st-inline-form" {
                            input type="hidden" name=(CSRF_FIELD) value=(user.csrf);
                            input type="hidden" name="index" value=(k);
                            strong { (s.name) } ": " (s.describe().join("; ")) " "
                            button type="submit" class="govuk-button govuk-button--warning govuk-!-margin-bottom-0" data-module="govuk-button" { "Remove" span class="govuk-visually-hidden" { " " (s.name) } }
                        }
                    }
                }
            }
        }
        details class="govuk-details" {
            summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "Add a scenario" } }
            div class="govuk-details__text" {
                form method="post" action="/forecast/scenarios" novalidate {
                    input type="hidden" name=(CSRF_FIELD) value=(user.csrf);
                    (text_input(TextInput { id: "name", label: "Name", value: "", hint: Some("For example, Two more caseworkers from March"), ..TextInput::default() }))
                    (text_input(TextInput { id: "fte", label: "Caseworker FTE more (or fewer, with a minus sign)", value: "", hint: Some("For example, 2 or -1.5 for interims leaving"), width: Some("4"), ..TextInput::default() }))
                    (text_input(TextInput { id: "from", label: "From the month (YYYY-MM)", value: &from, width: Some("10"), ..TextInput::default() }))
                    (text_input(TextInput { id: "demand_change_pct", label: "Demand up or down (%)", value: "", hint: Some("For example, 10 or -5"), width: Some("4"), ..TextInput::default() }))
                    (text_input(TextInput { id: "productive_hours_per_fte", label: "Casework hours per FTE a month (optional)", value: "", width: Some("4"), ..TextInput::default() }))
                    (text_input(TextInput { id: "interims_leave_from", label: "Interim and agency caseworkers leave from (YYYY-MM, optional)", value: "", width: Some("10"), ..TextInput::default() }))
                    button type="submit" class="govuk-button" data-module="govuk-button" { "Add the scenario" }
                }
            }
        }
    }
}

fn error_page(state: &AppState, user: &crate::auth::Session, message: &str) -> Markup {
    page(
        "Forecast",
        &state.authority,
        Some(user),
        html! {
            h1 class="govuk-heading-l" { "Forecast" }
            p class="govuk-body" { "No forecast can be made from the records: " (message) "." }
        },
    )
}

pub async fn show(State(state): State<Arc<AppState>>, SignedIn(user): SignedIn, Query(shown): Query<Shown>) -> Answer {
    let months = shown.months.unwrap_or(24).clamp(MONTHS.0, MONTHS.1);
    let as_of = last_complete_month(state.today());
    let Made { forecast: made, scenarios } = forecast_from(&state, as_of, months).await?;
    state.audit().record(&user, "view the forecast", None).await?;
    let f = match made.as_ref() {
        Ok(f) => f,
        Err(e) => return Ok(error_page(&state, &user, e).into_response()),
    };
    let manager = crate::auth::may_use(&user, "POST", "/forecast/settings");
    let banner = match shown.saved.as_deref() {
        Some("settings") => Some("The assumptions are saved"),
        Some("scenario") => Some("The scenario is added"),
        Some("removed") => Some("The scenario is removed"),
        _ => None,
    };
    let body = html! {
        @if let Some(b) = banner { (crate::govuk::success_banner(b)) }
        h1 class="govuk-heading-l" { "Forecast" }
        p class="govuk-body-l" { "Demand, capacity and backlog for the " (months) " months after " (f.as_of.long_name()) ", from the records as they stood at its end." }
        form method="get" action="/forecast" class="st-inline-form" novalidate {
            label class="govuk-label govuk-!-display-inline-block govuk-!-margin-right-2" for="months" { "Months ahead" }
            select class="govuk-select" id="months" name="months" {
                @for m in [12, 24, 36] { option value=(m) selected[m == months] { (m) } }
            }
            " "
            button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" data-module="govuk-button" { "Show" }
        }
        @if let Some(c) = f.census {
            div class="govuk-inset-text" {
                "SEN2 census day " (sendtrack_domain::dates::in_words(c.day)) ": "
                strong { (format!("{:.0}", c.value)) " active plans anticipated" }
                " (80% interval " (format!("{:.0}", c.low)) " to " (format!("{:.0}", c.high)) ")."
            }
        }
        h2 class="govuk-heading-m" { "Can we meet the 20 weeks with the staff we have?" }
        p class="govuk-body" {
            "At the end of " (f.as_of.long_name()) ": " (format!("{:.0}", f.backlog_at_origin.0)) " requests open for more than 20 weeks and "
            (format!("{:.0}", f.backlog_at_origin.1)) " annual reviews overdue."
        }
        @if f.staffing.is_some() { (outcomes(f)) }
        h2 class="govuk-heading-m" { "Assumptions" }
        (assumptions_list(f))
        @if manager { (settings_form(&user, &f.assumptions)) }
        @if manager { (scenario_form(&user, &scenarios, f.as_of)) }
        h2 class="govuk-heading-m" { "Demand" }
        p class="govuk-body" { "Each chart shows the last 24 months and the forecast, with each scenario's where demand differs. The method: the last 12 months' level, grown at the rate of the last year against the one before, with each month's usual share of the school year; plans in force aged month by month, ceasing at the rate plans of their age ceased in the two years before, and joined by new plans like the last year's. The 80% interval comes from how far earlier forecasts were off at the same distance ahead." }
        @for s in Series::ALL { (demand_section(f, s)) }
        @if f.staffing.is_some() {
            h2 class="govuk-heading-m" { "Capacity and backlog" }
            p class="govuk-body" { "The staff's casework hours each month against the open work and the forecast demand, oldest deadline first." }
            @for (id, title) in CAPACITY_MEASURES { (capacity_section(f, id, title)) }
        }
    };
    Ok(page("Forecast", &state.authority, Some(&user), body).into_response())
}

fn field<'v>(values: &'v [(String, String)], name: &str) -> &'v str {
    values.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.trim())
}

/// What was wrong with a form, said on a page of its own (400) with the way back.
struct Invalid(String);

fn invalid(message: String) -> Invalid {
    Invalid(message)
}

fn refused(state: &AppState, user: &crate::auth::Session, Invalid(message): Invalid) -> AppError {
    let body = html! {
        (crate::govuk::error_summary(&[("forecast", message.as_str())]))
        h1 class="govuk-heading-l" id="forecast" { "Forecast" }
        p class="govuk-body" { "Nothing was saved. " a class="govuk-link" href="/forecast" { "Go back to the forecast" } " and try again." }
    };
    let markup = page("Error: Forecast", &state.authority, Some(user), body);
    AppError::Refused(Box::new((axum::http::StatusCode::BAD_REQUEST, markup).into_response()))
}

pub async fn save_settings(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Form(values): Form<Vec<(String, String)>>,
) -> Answer {
    let assumptions = settings_from(&values).map_err(|e| refused(&state, &user, e))?;
    state.store.set_setting(SETTINGS_KEY, &assumptions_toml(&assumptions)).await?;
    state.audit().record(&user, "change the forecast assumptions", None).await?;
    Ok(Redirect::to("/forecast?saved=settings").into_response())
}

/// The assumptions the settings form gives, checked as a settings file is.
fn settings_from(values: &[(String, String)]) -> Result<Assumptions, Invalid> {
    let mut text = String::new();
    let per_fte = field(values, "productive_hours_per_fte");
    if !per_fte.is_empty() {
        text.push_str(&format!("productive_hours_per_fte = {}\n", number_in(per_fte, "casework hours per FTE")?));
    }
    let weeks = field(values, "minimum_weeks");
    if !weeks.is_empty() {
        text.push_str(&format!("minimum_weeks = {}\n", number_in(weeks, "fewest weeks")?));
    }
    let limit = field(values, "age_limit");
    if !limit.is_empty() {
        text.push_str(&format!("age_limit = {}\n", serde_json::Value::String(limit.to_string())));
    }
    text.push_str("[hours]\n");
    for task in TaskHours::NAMES {
        let h = field(values, &format!("hours_{task}"));
        if !h.is_empty() {
            text.push_str(&format!("{task} = {}\n", number_in(h, task)?));
        }
    }
    // Read back through the settings reader: its checks (ranges, codes) apply to the form too.
    read_assumptions(&text, "the form").map_err(|e| invalid(e.message))
}

fn number_in(text: &str, what: &str) -> Result<f64, Invalid> {
    text.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| invalid(format!("{what}: {text:?} is not a number")))
}

pub async fn add_scenario(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Form(values): Form<Vec<(String, String)>>,
) -> Answer {
    let text = scenario_from(&values).map_err(|e| refused(&state, &user, e))?;
    let mut kept = kept_scenarios(&state).await?;
    kept.push(text);
    let json = serde_json::to_string(&kept).map_err(|e| AppError::Internal(e.to_string()))?;
    state.store.set_setting(SCENARIOS_KEY, &json).await?;
    state.audit().record(&user, "add a forecast scenario", None).await?;
    Ok(Redirect::to("/forecast?saved=scenario").into_response())
}

/// The scenario file the form gives, checked as `forecast --scenario` checks one.
fn scenario_from(values: &[(String, String)]) -> Result<String, Invalid> {
    let name = field(values, "name");
    let mut scenario = Scenario { name: name.to_string(), ..Scenario::default() };
    let fte = field(values, "fte");
    if !fte.is_empty() {
        let from = field(values, "from").parse::<Month>().map_err(|e| invalid(format!("From the month: {e}")))?;
        scenario.staff.push(StaffChange { from, fte: number_in(fte, "caseworker FTE")? });
    }
    let demand = field(values, "demand_change_pct");
    if !demand.is_empty() {
        scenario.demand_change_pct = number_in(demand, "demand change")?;
    }
    let per_fte = field(values, "productive_hours_per_fte");
    if !per_fte.is_empty() {
        scenario.productive_hours_per_fte = Some(number_in(per_fte, "casework hours per FTE")?);
    }
    let leave = field(values, "interims_leave_from");
    if !leave.is_empty() {
        scenario.interims_leave_from = Some(
            leave.parse::<Month>().map_err(|e| invalid(format!("Interim and agency caseworkers leave from: {e}")))?,
        );
    }
    // Through the scenario file's reader: the same checks as `forecast --scenario`.
    let text = scenario_toml(&scenario);
    let checked = read_scenario(&text, "the form").map_err(|e| invalid(e.message))?;
    if checked.name == BASELINE {
        return Err(invalid(format!("{BASELINE:?} is the plain forecast's name; choose another")));
    }
    Ok(text)
}

pub async fn remove_scenario(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Form(values): Form<Vec<(String, String)>>,
) -> Answer {
    let index: usize = field(&values, "index").parse().map_err(|_| AppError::NotFound)?;
    let mut kept = kept_scenarios(&state).await?;
    if index >= kept.len() {
        return Err(AppError::NotFound);
    }
    kept.remove(index);
    let json = serde_json::to_string(&kept).map_err(|e| AppError::Internal(e.to_string()))?;
    state.store.set_setting(SCENARIOS_KEY, &json).await?;
    state.audit().record(&user, "remove a forecast scenario", None).await?;
    Ok(Redirect::to("/forecast?saved=removed").into_response())
}
