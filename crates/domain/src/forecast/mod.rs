//! Demand, capacity and backlog forecast (issue 21): "can we meet the 20 weeks with the staff
//! we have?", answered from the records, with the method shown and the error it has made.
//!
//! - [`demand`]: monthly flows with their growth and school-year season;
//! - [`population`]: the plans in force aged month by month, ceasing and joined by new plans;
//! - [`capacity`]: the staff's hours against the open work and the forecast demand.
//!
//! A forecast from a month uses only what is dated on or before its last day. Its 80%
//! interval comes from the errors of the forecasts the same method made from earlier months,
//! at the same horizon, once their outcome was known.

pub mod capacity;
pub mod demand;
pub mod population;

use crate::dates::Month;
use crate::measures::engine::Engine;
use crate::measures::state::PlanInForce;
use capacity::{Conversion, TaskHours};
use jiff::civil::Date;
use population::{AGES, AgeLimit, CeaseRates};

/// The horizons the backtest scores, in months.
pub const HORIZONS: [usize; 4] = [1, 3, 6, 12];
/// The fewest and most months a forecast runs to.
pub const MONTHS: (usize, usize) = (12, 36);
/// The months of history a forecast needs before its origin.
pub const HISTORY_NEEDED: usize = 12;
/// The normal quantile of an 80% interval's upper end.
const Z80: f64 = 1.281_551_6;
/// Earlier forecasts needed at a horizon before their errors set the interval.
const ERRORS_NEEDED: usize = 6;
/// Earlier forecasts needed before the interval is read off their errors' percentiles.
const QUANTILES_NEEDED: usize = 10;

/// A forecast measure: a catalogue measure, or the reviews falling due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Series {
    RequestsReceived,
    DecisionsMade,
    PlansIssued,
    PlansCeased,
    PlansActive,
    ReviewsDue,
}

impl Series {
    pub const ALL: [Series; 6] = [
        Series::RequestsReceived,
        Series::DecisionsMade,
        Series::PlansIssued,
        Series::PlansCeased,
        Series::PlansActive,
        Series::ReviewsDue,
    ];

    /// The measure id: the catalogue's, except `reviews_due`, which only the forecast has.
    pub fn id(self) -> &'static str {
        match self {
            Series::RequestsReceived => "requests_received",
            Series::DecisionsMade => "decisions_made",
            Series::PlansIssued => "plans_issued",
            Series::PlansCeased => "plans_ceased",
            Series::PlansActive => "plans_active",
            Series::ReviewsDue => "reviews_due",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Series::RequestsReceived => "Requests for assessment received",
            Series::DecisionsMade => "Decisions whether to assess",
            Series::PlansIssued => "New EHC plans issued",
            Series::PlansCeased => "Plans ceased",
            Series::PlansActive => "Active EHC plans",
            Series::ReviewsDue => "Annual reviews falling due",
        }
    }

    /// Whether it counts events in the month (a flow), rather than a month-end count.
    pub fn is_flow(self) -> bool {
        !matches!(self, Series::PlansActive)
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// The capacity model's measures, per scenario.
pub const CAPACITY_MEASURES: [(&str, &str); 8] = [
    ("requests_open_over_20_weeks", "Requests open over 20 weeks"),
    ("reviews_overdue", "Annual reviews overdue"),
    ("plans_issued_within_20_weeks_pct", "New plans issued within 20 weeks (%)"),
    ("reviews_completed_on_time_pct", "Annual reviews completed on time (%)"),
    ("casework_hours_available", "Casework hours available"),
    ("casework_hours_needed", "Casework hours of new work"),
    ("casework_hours_worked", "Casework hours worked"),
    ("reviews_completed", "Annual reviews completed"),
];

/// What the forecast assumes unless a scenario says otherwise: the authority's settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Assumptions {
    /// Casework hours one full-time caseworker gives in a month; `None`: the hours the work
    /// done in the 12 months to the origin took, per FTE in post then.
    pub productive_hours_per_fte: Option<f64>,
    pub hours: TaskHours,
    /// The fewest weeks from request to plan however quickly it is worked.
    pub minimum_weeks: f64,
    pub age_limit: AgeLimit,
    /// Of each kind's hours, the share spent first on cases that can still be on time; `None`:
    /// the share that best replays the 12 months to the origin.
    pub triage_share: Option<f64>,
}

impl Default for Assumptions {
    fn default() -> Assumptions {
        Assumptions {
            productive_hours_per_fte: None,
            hours: TaskHours::default(),
            minimum_weeks: 14.0,
            age_limit: AgeLimit::default(),
            triage_share: None,
        }
    }
}

/// A change of staffing from a month: `fte` full-time equivalents more (or fewer, negative)
/// doing casework.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffChange {
    pub from: Month,
    pub fte: f64,
}

/// An alternative to the current staffing and demand.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Scenario {
    pub name: String,
    pub staff: Vec<StaffChange>,
    /// Demand (requests, decisions and new plans) up or down by this percentage.
    pub demand_change_pct: f64,
    pub productive_hours_per_fte: Option<f64>,
    /// Hours per task changed, by [`TaskHours::NAMES`].
    pub hours: Vec<(String, f64)>,
    /// From this month the interim and agency caseworkers go (fewer interims).
    pub interims_leave_from: Option<Month>,
}

impl Scenario {
    /// The plain forecast: staffing and demand as they are.
    pub fn baseline() -> Scenario {
        Scenario { name: BASELINE.into(), ..Scenario::default() }
    }

    /// What the scenario changes, in words, for pages and tables.
    pub fn describe(&self) -> Vec<String> {
        let mut lines: Vec<String> = self
            .staff
            .iter()
            .map(|c| {
                let verb = if c.fte >= 0.0 { "more" } else { "fewer" };
                format!("{} FTE {verb} caseworkers from {}", fmt_number(c.fte.abs()), c.from.long_name())
            })
            .collect();
        if let Some(from) = self.interims_leave_from {
            lines.push(format!("Interim and agency caseworkers leave from {}", from.long_name()));
        }
        if self.demand_change_pct != 0.0 {
            let dir = if self.demand_change_pct > 0.0 { "up" } else { "down" };
            lines.push(format!("Demand {dir} {}%", fmt_number(self.demand_change_pct.abs())));
        }
        if let Some(h) = self.productive_hours_per_fte {
            lines.push(format!("{} casework hours per FTE a month", fmt_number(h)));
        }
        for (task, hours) in &self.hours {
            lines.push(format!("{} takes {} hours", task.replace('_', " "), fmt_number(*hours)));
        }
        if lines.is_empty() {
            lines.push("Staffing and demand as they are".into());
        }
        lines
    }
}

fn fmt_number(x: f64) -> String {
    if x.fract() == 0.0 { format!("{x:.0}") } else { format!("{x:.1}") }
}

/// The name of the plain forecast.
pub const BASELINE: &str = "baseline";

/// Why a forecast cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ForecastError {
    #[error("there are no requests in the records, so no history to forecast from")]
    NoHistory,
    #[error("a forecast from {as_of} needs {needed} months of history before it; the records start in {first}")]
    TooLittleHistory { as_of: Month, first: Month, needed: usize },
    #[error("{as_of} is after the last complete month of the records, {last}")]
    AfterHistory { as_of: Month, last: Month },
    #[error("a forecast runs {min} to {max} months ahead, not {months}")]
    Months { months: usize, min: usize, max: usize },
    #[error("scenario {name:?}: {problem}")]
    Scenario { name: String, problem: String },
}

/// One month of a forecast line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub month: Month,
    pub value: f64,
    pub low: Option<f64>,
    pub high: Option<f64>,
}

/// A measure's forecast under one scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub measure: &'static str,
    pub title: &'static str,
    pub scenario: String,
    pub points: Vec<Point>,
}

/// Which forecast the backtest scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Horizon {
    /// The month this many months after the origin.
    Months(usize),
    /// The total of the 12 months after the origin (flows only).
    YearTotal,
}

impl Horizon {
    pub fn label(self) -> String {
        match self {
            Horizon::Months(h) => h.to_string(),
            Horizon::YearTotal => "12_month_total".into(),
        }
    }
}

/// How wrong the method has been for a measure at a horizon.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Accuracy {
    pub series: Series,
    pub horizon: Horizon,
    /// Forecast origins scored: every month with enough history before it and 12 after.
    pub origins: usize,
    /// Mean absolute percentage error.
    pub mape_pct: Option<f64>,
    /// How often the 80% interval held the value that came.
    pub interval_hit_pct: Option<f64>,
}

/// Staff in post doing casework at the origin, and the hours they give.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Staffing {
    pub people: usize,
    pub fte: f64,
    /// Of the FTE, interim and agency staff.
    pub interim_agency_fte: f64,
    pub hours_per_fte: f64,
    /// Whether the hours per FTE were worked out from the year's work done.
    pub hours_derived: bool,
}

/// A scenario's answer: when each backlog clears and how timely the work is.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub scenario: String,
    pub changes: Vec<String>,
    /// The first month whose end has no request open over 20 weeks; `None`: not within the
    /// horizon.
    pub requests_backlog_clears: Option<Month>,
    pub reviews_backlog_clears: Option<Month>,
    /// Over the last 12 months of the horizon.
    pub within_20_weeks_pct: Option<f64>,
    pub reviews_on_time_pct: Option<f64>,
}

/// The plans in force on the next SEN2 census day, as anticipated.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Census {
    pub day: Date,
    pub value: f64,
    pub low: f64,
    pub high: f64,
}

/// The baseline's active plans by a dimension's key, month by month.
#[derive(Debug, Clone, PartialEq)]
pub struct Breakdown {
    pub dimension: &'static str,
    pub key: &'static str,
    pub values: Vec<f64>,
}

/// A forecast and everything needed to read it.
#[derive(Debug, Clone, PartialEq)]
pub struct Forecast {
    pub as_of: Month,
    pub months: usize,
    /// Each measure's actual monthly values to the origin.
    pub history: Vec<(Series, Vec<(Month, f64)>)>,
    /// The capacity model's catalogue measures, as measured in the 24 months to the origin.
    pub measured: Vec<(&'static str, Vec<(Month, f64)>)>,
    pub lines: Vec<Line>,
    pub breakdowns: Vec<Breakdown>,
    pub outcomes: Vec<Outcome>,
    pub accuracy: Vec<Accuracy>,
    pub assumptions: Assumptions,
    pub staffing: Option<Staffing>,
    pub conversion: Conversion,
    pub census: Option<Census>,
    /// The actual backlogs at the origin: requests open over 20 weeks, reviews overdue.
    pub backlog_at_origin: (f64, f64),
    /// The share of hours the capacity model spends first on cases that can still be on time.
    pub triage_share: f64,
}

impl Forecast {
    /// The line for `measure` under `scenario`.
    pub fn line(&self, measure: &str, scenario: &str) -> Option<&Line> {
        self.lines.iter().find(|l| l.measure == measure && l.scenario == scenario)
    }

    /// The backtest's score of `series` at `horizon`.
    pub fn accuracy_of(&self, series: Series, horizon: Horizon) -> Option<&Accuracy> {
        self.accuracy.iter().find(|a| a.series == series && a.horizon == horizon)
    }
}

/// The records' monthly history, read once.
struct History {
    months: Vec<Month>,
    values: [Vec<f64>; 6],
    active_by_age: Vec<[f64; AGES]>,
    ceased_by_age: Vec<[f64; AGES]>,
    plans: Vec<Vec<PlanInForce>>,
    /// Each month's reviews by how many months early they were held.
    timing: Vec<[u32; 4]>,
}

fn age_slot(born: Option<Date>, on: Date) -> usize {
    born.map_or(AGES - 1, |b| (crate::dates::age_on(b, on).max(0) as usize).min(AGES - 1))
}

impl History {
    fn read(engine: &Engine<'_>, last: Month) -> Result<History, ForecastError> {
        let months = engine.months_to(last);
        if months.is_empty() {
            return Err(ForecastError::NoHistory);
        }
        engine.prepare(&months, 2);
        let due = engine.reviews_falling_due();
        let mut values: [Vec<f64>; 6] = Default::default();
        let (mut active_by_age, mut ceased_by_age, mut plans) = (Vec::new(), Vec::new(), Vec::new());
        let mut timing = Vec::new();
        let measure =
            |id: &str, m: Month| crate::measures::find(id).and_then(|def| engine.value(def, m).headline).unwrap_or(0.0);
        for &m in &months {
            let in_force = engine.plans_in_force(m);
            let end = engine.end_of(m);
            let mut active = [0.0; AGES];
            in_force.iter().for_each(|p| active[age_slot(p.born, end)] += 1.0);
            let ceased_plans = engine.plans_ceased_in(m);
            let mut ceased = [0.0; AGES];
            ceased_plans.iter().for_each(|p| ceased[age_slot(p.born, p.ceased_on)] += 1.0);
            values[Series::RequestsReceived.index()].push(measure("requests_received", m));
            values[Series::DecisionsMade.index()].push(measure("decisions_made", m));
            values[Series::PlansIssued.index()].push(measure("plans_issued", m));
            values[Series::PlansCeased.index()].push(ceased_plans.len() as f64);
            values[Series::PlansActive.index()].push(in_force.len() as f64);
            let by_timing = due.get(&m).copied().unwrap_or_default();
            values[Series::ReviewsDue.index()].push(f64::from(by_timing.iter().sum::<u32>()));
            timing.push(by_timing);
            active_by_age.push(active);
            ceased_by_age.push(ceased);
            plans.push(in_force);
        }
        Ok(History { months, values, active_by_age, ceased_by_age, plans, timing })
    }

    /// The point forecast from origin index `o`, `horizon` months ahead, with demand scaled
    /// by `demand`.
    fn point(&self, o: usize, horizon: usize, demand: f64, limit: AgeLimit, breakdowns: bool) -> Projected {
        let origin = self.months[o];
        let flow = |s: Series| -> Vec<f64> {
            demand::forecast_flow(&self.values[s.index()][..=o], origin, horizon)
                .into_iter()
                .map(|v| v * demand)
                .collect()
        };
        let window = o.saturating_sub(23)..=o;
        let rates = CeaseRates::estimate(
            &self.months[window.clone()],
            &self.active_by_age[window.clone()],
            &self.ceased_by_age[window],
        );
        let mix = population::new_plan_mix(&self.plans[o], origin.last_day());
        // When review meetings are held, from the 12 months to the origin.
        let mut counts = [0u32; 4];
        for month in &self.timing[o.saturating_sub(11)..=o] {
            counts.iter_mut().zip(month).for_each(|(c, n)| *c += n);
        }
        let all: u32 = counts.iter().sum();
        let timing = if all == 0 { population::ON_TIME } else { counts.map(|c| f64::from(c) / f64::from(all)) };
        let issued = flow(Series::PlansIssued);
        let moves = self.setting_moves(o);
        let start =
            population::Start { plans: &self.plans[o], origin, rates: &rates, mix: &mix, limit, timing, moves: &moves };
        let path = population::project(&start, &issued, breakdowns);
        let mut series: [Vec<f64>; 6] = Default::default();
        series[Series::RequestsReceived.index()] = flow(Series::RequestsReceived);
        series[Series::DecisionsMade.index()] = flow(Series::DecisionsMade);
        series[Series::PlansIssued.index()] = issued;
        series[Series::PlansCeased.index()] = path.ceased.clone();
        series[Series::PlansActive.index()] = path.active.clone();
        series[Series::ReviewsDue.index()] = path.reviews_due.clone();
        Projected { series, path }
    }
}

impl History {
    /// The setting moves of the last summer whose October had ended by origin `o`: plans in
    /// force at the end of July against the same plans at the end of October.
    fn setting_moves(&self, o: usize) -> population::SettingMoves {
        let october = (0..=o).rev().find(|&k| self.months[k].month() == 10);
        let july = october.and_then(|k| k.checked_sub(3));
        match (july, october) {
            (Some(j), Some(k)) => {
                population::SettingMoves::seen(&self.plans[j], &self.plans[k], self.months[j].last_day())
            }
            _ => population::SettingMoves::default(),
        }
    }
}

struct Projected {
    series: [Vec<f64>; 6],
    path: population::Path,
}

/// The log errors of the point forecasts from every origin, by series and horizon.
struct Errors {
    /// `by[s][h - 1]`: (origin index, ln(actual ÷ forecast)).
    by: [Vec<Vec<(usize, f64)>>; 6],
    /// The 12-month totals of flows: (origin index, error).
    totals: [Vec<(usize, f64)>; 6],
    /// The forecasts themselves: `forecasts[o]` from origin o (empty before the first).
    forecasts: Vec<[Vec<f64>; 6]>,
}

fn log_error(actual: f64, forecast: f64) -> Option<f64> {
    (actual > 0.0 && forecast > 0.0).then(|| (actual / forecast).ln())
}

impl Errors {
    fn score(history: &History, horizon: usize, limit: AgeLimit, up_to: usize) -> Errors {
        let n = history.months.len();
        let mut by: [Vec<Vec<(usize, f64)>>; 6] = Default::default();
        by.iter_mut().for_each(|b| *b = vec![Vec::new(); horizon]);
        let mut totals: [Vec<(usize, f64)>; 6] = Default::default();
        let mut forecasts: Vec<[Vec<f64>; 6]> = vec![Default::default(); n];
        for (o, slot) in forecasts.iter_mut().enumerate().take(up_to.min(n)).skip(HISTORY_NEEDED - 1) {
            let projected = history.point(o, horizon, 1.0, limit, false);
            for s in Series::ALL {
                let f = &projected.series[s.index()];
                for h in 1..=horizon {
                    if let Some(e) = history.values[s.index()].get(o + h).and_then(|a| log_error(*a, f[h - 1])) {
                        by[s.index()][h - 1].push((o, e));
                    }
                }
                if s.is_flow() && o + 12 < n {
                    let actual: f64 = history.values[s.index()][o + 1..=o + 12].iter().sum();
                    if let Some(e) = log_error(actual, f[..12.min(f.len())].iter().sum()) {
                        totals[s.index()].push((o, e));
                    }
                }
            }
            *slot = projected.series;
        }
        Errors { by, totals, forecasts }
    }

    /// The 80% interval, as logs to add to the forecast, for a forecast from origin `o` at
    /// horizon `h`, from the errors of earlier forecasts whose outcome was known by `o`
    /// (`errors[h - 1]`; for a 12-month total, `total`): their 10th and 90th percentiles once
    /// there are 10, ±1.28 times their root mean square from 6; with fewer, the nearest shorter
    /// horizon's, widened by √(h ÷ h'); with none, a fixed width.
    fn spread(
        errors: &[Vec<(usize, f64)>],
        total: Option<&[(usize, f64)]>,
        o: usize,
        h: usize,
        flow: bool,
    ) -> (f64, f64) {
        let known = |list: &[(usize, f64)], h: usize| -> Vec<f64> {
            list.iter().filter(|(origin, _)| origin + h <= o).map(|(_, e)| *e).collect()
        };
        let own = match total {
            Some(list) => known(list, 12),
            None => known(&errors[h - 1], h),
        };
        if own.len() >= QUANTILES_NEEDED {
            let mut sorted = own;
            sorted.sort_by(f64::total_cmp);
            let at = |q: f64| sorted[((sorted.len() - 1) as f64 * q).round() as usize];
            return (at(0.1).min(0.0), at(0.9).max(0.0));
        }
        let rms = |e: &[f64]| (e.iter().map(|x| x * x).sum::<f64>() / e.len() as f64).sqrt();
        if own.len() >= ERRORS_NEEDED {
            return (-Z80 * rms(&own), Z80 * rms(&own));
        }
        // A 12-month total of a flow errs about as a month does over √12 (before any growth).
        let (scale, span) = if total.is_some() { (1.0 / 12f64.sqrt(), 1) } else { (1.0, h) };
        for shorter in (1..span.min(h)).rev().chain(if total.is_some() { Some(1) } else { None }) {
            let e = known(&errors[shorter - 1], shorter);
            if e.len() >= ERRORS_NEEDED {
                let width = Z80 * rms(&e) * scale * (span as f64 / shorter as f64).sqrt();
                return (-width, width);
            }
        }
        let width = if flow { Z80 * (0.08 + 0.01 * h as f64) } else { Z80 * (0.005 + 0.003 * h as f64) };
        (-width, width)
    }
}

fn interval(value: f64, (low, high): (f64, f64)) -> (f64, f64) {
    (value * low.exp(), value * high.exp())
}

/// The backtest: for every origin with 12 months of history before it and 12 months after,
/// the forecast (with its interval, from earlier errors only) against what happened.
pub fn backtest(engine: &Engine<'_>, last: Month, limit: AgeLimit) -> Result<Vec<Accuracy>, ForecastError> {
    let history = History::read(engine, last)?;
    let n = history.months.len();
    if n < HISTORY_NEEDED + 12 {
        return Err(ForecastError::TooLittleHistory {
            as_of: last.plus(-12),
            first: history.months[0],
            needed: HISTORY_NEEDED,
        });
    }
    let errors = Errors::score(&history, 12, limit, n);
    Ok(accuracy(&history, &errors, n - 1))
}

/// Scores the forecasts from the origins up to `last_origin + 12 ≤ last`.
fn accuracy(history: &History, errors: &Errors, last: usize) -> Vec<Accuracy> {
    let origins: Vec<usize> = (HISTORY_NEEDED - 1..history.months.len()).filter(|o| o + 12 <= last).collect();
    let mut out = Vec::new();
    for s in Series::ALL {
        let horizons = HORIZONS.iter().map(|&h| Horizon::Months(h));
        let horizons: Vec<Horizon> =
            if s.is_flow() { horizons.chain([Horizon::YearTotal]).collect() } else { horizons.collect() };
        for horizon in horizons {
            let (mut ape, mut hits, mut scored) = (0.0, 0usize, 0usize);
            for &o in &origins {
                let f = &errors.forecasts[o][s.index()];
                let (actual, forecast, spread) = match horizon {
                    Horizon::Months(h) => (
                        history.values[s.index()][o + h],
                        f[h - 1],
                        Errors::spread(&errors.by[s.index()], None, o, h, s.is_flow()),
                    ),
                    Horizon::YearTotal => (
                        history.values[s.index()][o + 1..=o + 12].iter().sum(),
                        f[..12].iter().sum(),
                        Errors::spread(&errors.by[s.index()], Some(&errors.totals[s.index()]), o, 12, true),
                    ),
                };
                if actual <= 0.0 {
                    continue;
                }
                let (low, high) = interval(forecast, spread);
                scored += 1;
                ape += (actual - forecast).abs() / actual;
                hits += usize::from(low <= actual && actual <= high);
            }
            let pct = |x: f64| (scored > 0).then(|| 100.0 * x / scored as f64);
            out.push(Accuracy {
                series: s,
                horizon,
                origins: scored,
                mape_pct: pct(ape),
                interval_hit_pct: pct(hits as f64),
            });
        }
    }
    out
}

/// The forecast from the end of `as_of`, `months` ahead, under the baseline and `scenarios`.
pub fn forecast(
    engine: &Engine<'_>,
    as_of: Month,
    months: usize,
    scenarios: &[Scenario],
    assumptions: &Assumptions,
) -> Result<Forecast, ForecastError> {
    if !(MONTHS.0..=MONTHS.1).contains(&months) {
        return Err(ForecastError::Months { months, min: MONTHS.0, max: MONTHS.1 });
    }
    for s in scenarios {
        check_scenario(s)?;
    }
    let history = History::read(engine, as_of)?;
    let n = history.months.len();
    let (first, last) = (history.months[0], history.months[n - 1]);
    if last != as_of {
        return Err(ForecastError::AfterHistory { as_of, last });
    }
    if n < HISTORY_NEEDED {
        return Err(ForecastError::TooLittleHistory { as_of, first, needed: HISTORY_NEEDED });
    }
    let o = n - 1;
    let errors = Errors::score(&history, months, assumptions.age_limit, o);
    let accuracy = accuracy(&history, &errors, o);

    let origin_end = as_of.last_day();
    let done = engine.work_done(as_of.plus(-11), as_of);
    let ratio = |a: u32, b: u32| if b > 0 { f64::from(a) / f64::from(b) } else { 0.0 };
    let conversion = Conversion {
        assess: ratio(done.to_assess, done.decisions),
        plan: ratio(done.plans_issued, done.assessments),
        amend: ratio(done.amendments, done.reviews),
    };
    let staffing = staffing(engine, as_of, assumptions, &done);
    // The casework FTE in post, and of it interim and agency, at each forecast month's end.
    let in_post: Vec<(f64, f64)> = (1..=months)
        .map(|h| {
            let (fte, _, temporary) = casework_fte(engine, as_of.plus(h as i32).last_day());
            (fte, temporary)
        })
        .collect();
    let requests_open = engine.requests_open(as_of);
    let over_20 = requests_open.iter().filter(|r| crate::dates::days_between(r.received_on, origin_end) > 140).count();
    // As the catalogue's reviews_overdue counts them: the current review's step past its day.
    let overdue = history.plans[o].iter().filter(|p| p.review_step_due < origin_end).count();

    let triage = match (assumptions.triage_share, staffing) {
        (Some(t), _) => t,
        (None, Some(staff)) => calibrate_triage(engine, &history, o, assumptions, staff.hours_per_fte, conversion),
        (None, None) => 0.0,
    };
    let mut all = vec![Scenario::baseline()];
    all.extend(scenarios.iter().cloned());
    let mut lines = Vec::new();
    let mut outcomes = Vec::new();
    let mut breakdowns = Vec::new();
    let mut census = None;
    for scenario in &all {
        let demand = 1.0 + scenario.demand_change_pct / 100.0;
        let baseline = scenario.name == BASELINE;
        let projected = history.point(o, months, demand, assumptions.age_limit, baseline);
        for s in Series::ALL {
            let points = (1..=months)
                .map(|h| {
                    let value = projected.series[s.index()][h - 1];
                    let spread = Errors::spread(&errors.by[s.index()], None, o, h, s.is_flow());
                    let (low, high) = interval(value, spread);
                    Point { month: as_of.plus(h as i32), value, low: Some(low), high: Some(high) }
                })
                .collect();
            lines.push(Line { measure: s.id(), title: s.title(), scenario: scenario.name.clone(), points });
        }
        if baseline {
            breakdowns = breakdown_lines(&projected.path);
            let active = &lines[lines.len() - 2];
            census = anticipated_census(as_of, history.values[Series::PlansActive.index()][o], active);
        }
        let Some(staff) = staffing else { continue };
        let mut hours = assumptions.hours;
        for (task, h) in &scenario.hours {
            hours.set(task, *h);
        }
        let per_fte = scenario.productive_hours_per_fte.unwrap_or(staff.hours_per_fte);
        let hours_available: Vec<f64> = (in_post.iter().enumerate())
            .map(|(k, &(fte, temporary))| {
                let month = as_of.plus(k as i32 + 1);
                let extra: f64 = scenario.staff.iter().filter(|c| c.from <= month).map(|c| c.fte).sum();
                let gone = if scenario.interims_leave_from.is_some_and(|from| from <= month) { temporary } else { 0.0 };
                (fte - gone + extra).max(0.0) * per_fte
            })
            .collect();
        let inputs = capacity::Inputs {
            origin: as_of,
            requests: &requests_open,
            plans: &history.plans[o],
            new_requests: &projected.series[Series::RequestsReceived.index()],
            reviews_due: &projected.series[Series::ReviewsDue.index()],
            hours_available: &hours_available,
            hours,
            conversion,
            minimum_weeks: assumptions.minimum_weeks,
            request_share: request_share(&done, &hours),
            fresh_share: triage,
        };
        let p = capacity::simulate(&inputs);
        let every = |v: &[f64]| v.iter().map(|x| Some(*x)).collect::<Vec<_>>();
        // In the order of CAPACITY_MEASURES.
        let values: [Vec<Option<f64>>; 8] = [
            every(&p.requests_over_20_weeks),
            every(&p.reviews_overdue),
            p.plans_within_20_weeks_pct.clone(),
            p.reviews_on_time_pct.clone(),
            every(&p.hours_available),
            every(&p.hours_needed),
            every(&p.hours_worked),
            every(&p.reviews_completed),
        ];
        for ((measure, title), vs) in CAPACITY_MEASURES.iter().zip(values) {
            let points = (vs.iter().enumerate())
                .filter_map(|(k, v)| {
                    Some(Point { month: as_of.plus(k as i32 + 1), value: (*v)?, low: None, high: None })
                })
                .collect();
            lines.push(Line { measure, title, scenario: scenario.name.clone(), points });
        }
        let tail = months.saturating_sub(12)..months;
        let share = |pct: &[Option<f64>], of: &[f64]| {
            let all: f64 = tail.clone().map(|k| of[k]).sum();
            let on_time: f64 = tail.clone().map(|k| pct[k].unwrap_or(0.0) / 100.0 * of[k]).sum();
            (all > 1e-6).then(|| 100.0 * on_time / all)
        };
        let already = |backlog: f64, path: &[f64]| {
            if backlog < 0.5 { Some(as_of) } else { capacity::clears(as_of, path) }
        };
        outcomes.push(Outcome {
            scenario: scenario.name.clone(),
            changes: scenario.describe(),
            requests_backlog_clears: already(over_20 as f64, &p.requests_over_20_weeks),
            reviews_backlog_clears: already(overdue as f64, &p.reviews_overdue),
            within_20_weeks_pct: share(&p.plans_within_20_weeks_pct, &p.plans_issued),
            reviews_on_time_pct: share(&p.reviews_on_time_pct, &p.reviews_completed),
        });
    }
    let history_lines = Series::ALL
        .iter()
        .map(|&s| (s, history.months.iter().copied().zip(history.values[s.index()].iter().copied()).collect()))
        .collect();
    let recent = &history.months[n.saturating_sub(24)..];
    let measured = CAPACITY_MEASURES[..4]
        .iter()
        .map(|(id, _)| {
            let def = crate::measures::find(id);
            let values = recent.iter().filter_map(|m| Some((*m, engine.value(def?, *m).headline?))).collect();
            (*id, values)
        })
        .collect();
    Ok(Forecast {
        as_of,
        months,
        history: history_lines,
        measured,
        lines,
        breakdowns,
        outcomes,
        accuracy,
        assumptions: assumptions.clone(),
        staffing,
        conversion,
        census,
        backlog_at_origin: (over_20 as f64, overdue as f64),
        triage_share: triage,
    })
}

fn check_scenario(s: &Scenario) -> Result<(), ForecastError> {
    let problem = |p: String| Err(ForecastError::Scenario { name: s.name.clone(), problem: p });
    if s.name.trim().is_empty() {
        return problem("give it a name".into());
    }
    if s.name == BASELINE {
        return problem(format!("{BASELINE:?} is the plain forecast's name; choose another"));
    }
    if s.demand_change_pct <= -100.0 || !s.demand_change_pct.is_finite() {
        return problem("demand cannot fall by 100% or more".into());
    }
    if s.productive_hours_per_fte.is_some_and(|h| !(1.0..=200.0).contains(&h)) {
        return problem("casework hours per FTE a month must be from 1 to 200".into());
    }
    for (task, hours) in &s.hours {
        if TaskHours::default().get(task).is_none() {
            return problem(format!("no task {task:?}; the tasks are {}", TaskHours::NAMES.join(", ")));
        }
        if !(0.0..=500.0).contains(hours) {
            return problem(format!("{task} cannot take {hours} hours"));
        }
    }
    Ok(())
}

/// The FTE and people in casework roles in post on `date`, and the interim and agency FTE.
fn casework_fte(engine: &Engine<'_>, date: Date) -> (f64, usize, f64) {
    use crate::codes::Contract;
    let staff = engine.casework().staff.iter().filter(|s| s.role.holds_cases() && s.is_in_post_at(date));
    staff.fold((0.0, 0, 0.0), |(fte, people, interim), s| {
        let f = f64::from(s.fte.hundredths()) / 100.0;
        let temporary = matches!(s.contract, Contract::Interim | Contract::Agency);
        (fte + f, people + 1, interim + if temporary { f } else { 0.0 })
    })
}

/// The triage share (tenths, 0 to 1) whose replay of the 12 months before origin `o` (from
/// the cases open then, the requests and reviews that came, the staff in post) issues the
/// share of plans within 20 weeks nearest to the share the records show; 0 without a year of
/// history before the origin or a plan issued in it.
fn calibrate_triage(
    engine: &Engine<'_>,
    history: &History,
    o: usize,
    assumptions: &Assumptions,
    per_fte: f64,
    conversion: Conversion,
) -> f64 {
    let Some(r) = o.checked_sub(12) else { return 0.0 };
    let start = history.months[r];
    let months: Vec<Month> = history.months[r + 1..=o].to_vec();
    let Some(actual) = crate::measures::find("plans_issued_within_20_weeks_incl_exceptions_pct")
        .and_then(|def| engine.share_over(def, &months))
    else {
        return 0.0;
    };
    let requests = engine.requests_open(start);
    let hours_available: Vec<f64> = months.iter().map(|m| casework_fte(engine, m.last_day()).0 * per_fte).collect();
    let shared = request_share(&engine.work_done(start.plus(-11), start), &assumptions.hours);
    let mut best = (f64::INFINITY, 0.0);
    for tenth in 0..=10 {
        let fresh = f64::from(tenth) / 10.0;
        let inputs = capacity::Inputs {
            origin: start,
            requests: &requests,
            plans: &history.plans[r],
            new_requests: &history.values[Series::RequestsReceived.index()][r + 1..=o],
            reviews_due: &history.values[Series::ReviewsDue.index()][r + 1..=o],
            hours_available: &hours_available,
            hours: assumptions.hours,
            conversion,
            minimum_weeks: assumptions.minimum_weeks,
            request_share: shared,
            fresh_share: fresh,
        };
        let p = capacity::simulate(&inputs);
        let issued: f64 = p.plans_issued.iter().sum();
        let on_time: f64 = p
            .plans_within_20_weeks_pct
            .iter()
            .zip(&p.plans_issued)
            .map(|(pct, n)| pct.unwrap_or(0.0) / 100.0 * n)
            .sum();
        if issued > 0.0 {
            let gap = (100.0 * on_time / issued - actual).abs();
            if gap < best.0 - 1e-9 {
                best = (gap, fresh);
            }
        }
    }
    best.1
}

/// The share of the hours of `done` (a year's work) that went to requests (decisions,
/// assessments, plans) rather than reviews and amendments, at `hours` per task; half when no
/// work was done.
fn request_share(done: &crate::measures::state::WorkDone, hours: &TaskHours) -> f64 {
    let (requests, reviews) = hours.priced(done);
    if requests + reviews > 0.0 { requests / (requests + reviews) } else { 0.5 }
}

/// The casework staffing at the origin, with the hours per FTE assumed or worked out from
/// `done`, the work of the 12 months to the origin.
fn staffing(
    engine: &Engine<'_>,
    as_of: Month,
    assumptions: &Assumptions,
    done: &crate::measures::state::WorkDone,
) -> Option<Staffing> {
    let (fte, people, interim) = casework_fte(engine, as_of.last_day());
    if fte <= 0.0 {
        return None;
    }
    let (hours_per_fte, derived) = match assumptions.productive_hours_per_fte {
        Some(h) => (h, false),
        None => {
            let (requests, reviews) = assumptions.hours.priced(done);
            let hours = requests + reviews;
            let fte_months: f64 = (0..12).map(|k| casework_fte(engine, as_of.plus(-k).last_day()).0).sum();
            let per = if fte_months > 0.0 { hours / fte_months } else { 0.0 };
            (per.clamp(10.0, 160.0), true)
        }
    };
    Some(Staffing { people, fte, interim_agency_fte: interim, hours_per_fte, hours_derived: derived })
}

fn breakdown_lines(path: &population::Path) -> Vec<Breakdown> {
    let mut keys: Vec<(usize, &'static str)> = path.breakdown.iter().flat_map(|m| m.keys().copied()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .map(|(d, key)| Breakdown {
            dimension: population::DIMENSIONS[d],
            key,
            values: path.breakdown.iter().map(|m| m.get(&(d, key)).copied().unwrap_or(0.0)).collect(),
        })
        .collect()
}

/// The plans in force on the next SEN2 census day after the origin, read off the active
/// plans line between the end of December and the end of January.
fn anticipated_census(as_of: Month, at_origin: f64, active: &Line) -> Option<Census> {
    let end = as_of.last_day();
    let day = (end.year()..=end.year() + 1).find_map(|y| crate::sen2::census_day(y).filter(|d| *d > end))?;
    let january = Month::containing(day);
    let at = |m: Month| -> Option<(f64, f64, f64)> {
        if m == as_of {
            return Some((at_origin, at_origin, at_origin));
        }
        let p = active.points.iter().find(|p| p.month == m)?;
        Some((p.value, p.low.unwrap_or(p.value), p.high.unwrap_or(p.value)))
    };
    let (before, after) = (at(january.plus(-1))?, at(january)?);
    let t = f64::from(day.day()) / f64::from(january.last_day().day());
    let mix = |a: f64, b: f64| a + t * (b - a);
    Some(Census { day, value: mix(before.0, after.0), low: mix(before.1, after.1), high: mix(before.2, after.2) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::CeaseReason;
    use crate::records::Casework;
    use crate::testing::{child, plan, request};
    use jiff::civil::date;

    fn month(y: i16, m: i8) -> Month {
        Month::new(y, m).expect("a month")
    }

    /// Ten requests a month from January 2024; 30 plans of 10-year-olds and 20 of young people
    /// turning 25 on 15 March 2027, all issued in 2023.
    fn authority() -> Casework {
        let mut cw = Casework::default();
        for k in 0..50 {
            let born = if k < 30 { date(2016, 5, 1) } else { date(2002, 3, 15) };
            let id = format!("C{k}");
            cw.children.push_back(child(&id, born));
            cw.plans.push_back(plan(&format!("P{k}"), &id, date(2023, 6, 1)));
        }
        for (n, m) in month(2024, 1).through(month(2026, 11)).enumerate() {
            for r in 0..10 {
                let id = format!("K{n}-{r}");
                cw.children.push_back(child(&id, date(2018, 1, 1)));
                cw.requests.push_back(request(
                    &format!("R{n}-{r}"),
                    &id,
                    m.first_day().saturating_add(jiff::ToSpan::days(r)),
                ));
            }
        }
        cw
    }

    #[test]
    fn a_steady_authority_is_forecast_steady_and_a_cohort_ages_out_after_july() {
        let cw = authority();
        let engine = Engine::as_at(&cw, date(2026, 11, 30));
        let f = forecast(&engine, month(2026, 11), 12, &[], &Assumptions::default()).expect("forecast");
        let requests = f.line("requests_received", BASELINE).expect("requests");
        assert!(requests.points.iter().all(|p| (p.value - 10.0).abs() < 1e-9), "{:?}", requests.points);
        let active = f.line("plans_active", BASELINE).expect("active");
        let values: Vec<f64> = active.points.iter().map(|p| p.value).collect();
        // No plan has ceased and none is issued: 50 in force until the 20 turning 25 in March
        // 2027 go at the end of that academic year, 31 July 2027.
        assert_eq!(values[..8], [50.0; 8], "December to July");
        assert_eq!(values[8..], [30.0; 4], "August on");
        assert_eq!(f.line("plans_ceased", BASELINE).expect("ceased").points[8].value, 20.0);
        // The census day in January 2027 (21st): all 50 still in force.
        let census = f.census.expect("census");
        assert_eq!((census.day, census.value), (date(2027, 1, 21), 50.0));
        // Every plan's first review was due 31 May 2024, then yearly: due again in May 2027.
        let reviews = f.line("reviews_due", BASELINE).expect("reviews");
        assert_eq!(reviews.points[5].value, 50.0, "{:?}", reviews.points);
        // No staff records: no capacity model.
        assert!(f.staffing.is_none() && f.outcomes.is_empty());
    }

    #[test]
    fn nothing_dated_after_the_origin_changes_the_forecast() {
        let cw = authority();
        let before = forecast(&Engine::new(&cw), month(2025, 12), 12, &[], &Assumptions::default()).expect("forecast");
        let mut later = cw.clone();
        later.requests.push_back(request("R-late", "C0", date(2026, 1, 5)));
        later.plans.push_back(plan("P-late", "C1", date(2026, 2, 1)));
        let mut ceased = later.plans[0].clone();
        ceased.ceased = Some(crate::records::Dated { on: date(2026, 3, 1), value: CeaseReason::NeedsMet });
        later.plans.set(0, ceased);
        let after =
            forecast(&Engine::new(&later), month(2025, 12), 12, &[], &Assumptions::default()).expect("forecast");
        assert_eq!(before.lines, after.lines);
        assert_eq!(before.census, after.census);
    }

    #[test]
    fn a_forecast_needs_a_year_of_history_and_sane_scenarios() {
        let cw = authority();
        let engine = Engine::new(&cw);
        let e = forecast(&engine, month(2024, 6), 12, &[], &Assumptions::default()).expect_err("six months");
        assert!(matches!(e, ForecastError::TooLittleHistory { .. }), "{e}");
        let e = forecast(&engine, month(2026, 11), 40, &[], &Assumptions::default()).expect_err("40 months");
        assert!(matches!(e, ForecastError::Months { .. }), "{e}");
        let bad = Scenario { name: BASELINE.into(), ..Scenario::default() };
        let e = forecast(&engine, month(2026, 11), 12, &[bad], &Assumptions::default()).expect_err("baseline");
        assert!(e.to_string().contains("baseline"), "{e}");
    }

    #[test]
    fn a_scenario_with_more_demand_forecasts_more_and_the_backtest_scores_every_origin() {
        let cw = authority();
        let engine = Engine::as_at(&cw, date(2026, 11, 30));
        let up = Scenario { name: "Demand up".into(), demand_change_pct: 20.0, ..Scenario::default() };
        let f = forecast(&engine, month(2026, 11), 12, &[up], &Assumptions::default()).expect("forecast");
        let requests = f.line("requests_received", "Demand up").expect("scenario line");
        assert!(requests.points.iter().all(|p| (p.value - 12.0).abs() < 1e-9));
        let rows = backtest(&engine, month(2026, 11), AgeLimit::default()).expect("backtest");
        // Origins December 2024 (12 months of history) to November 2025 (12 months after).
        let requests_1 = rows
            .iter()
            .find(|a| a.series == Series::RequestsReceived && a.horizon == Horizon::Months(1))
            .expect("scored");
        assert_eq!(requests_1.origins, 12);
        assert_eq!(requests_1.mape_pct, Some(0.0));
    }
}
