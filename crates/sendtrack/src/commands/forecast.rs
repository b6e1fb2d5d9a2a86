//! `sendtrack forecast`: demand, capacity and backlog, months ahead, with scenarios and the
//! backtest of the method (issue 21).

use super::measures::Format;
use super::source::Source;
use anyhow::{Context, bail};
use sendtrack_domain::dates::{Month, last_complete_month, month_begun};
use sendtrack_domain::forecast::{self, Accuracy, Assumptions, Forecast, Horizon, Scenario, Series};
use sendtrack_domain::measures::engine::Engine;
use sendtrack_domain::records::Casework;
use sendtrack_interchange::forecast as files;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

/// The setting holding the authority's forecast settings (a settings file's text).
pub const SETTINGS: &str = files::SETTINGS_KEY;

pub struct ForecastOptions {
    pub as_of: Option<Month>,
    pub months: usize,
    pub scenarios: Vec<PathBuf>,
    pub settings: Option<PathBuf>,
    pub backtest: bool,
    pub format: Format,
    pub out: Option<PathBuf>,
}

fn read(path: &PathBuf) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

/// The settings: a `--settings` file, else those kept in the database, else the defaults.
async fn assumptions(source: &Source, file: Option<&PathBuf>) -> anyhow::Result<Assumptions> {
    if let Some(path) = file {
        return Ok(files::read_assumptions(&read(path)?, &path.display().to_string())?);
    }
    if let Some(db) = &source.db {
        let store = sendtrack_store::Store::open_existing(db).await?;
        if let Some(text) = store.setting(SETTINGS).await? {
            return Ok(files::read_assumptions(&text, "the settings kept in the database")?);
        }
    }
    Ok(Assumptions::default())
}

/// The scenarios kept in the database (added in the web app); none for a folder.
async fn kept_scenarios(source: &Source) -> anyhow::Result<Vec<Scenario>> {
    let Some(db) = &source.db else { return Ok(Vec::new()) };
    let store = sendtrack_store::Store::open_existing(db).await?;
    let text = store.setting(files::SCENARIOS_KEY).await?.unwrap_or_default();
    if text.is_empty() {
        return Ok(Vec::new());
    }
    let texts: Vec<String> = serde_json::from_str(&text).context("the scenarios kept in the database")?;
    Ok(texts.iter().map(|t| files::read_scenario(t, "a scenario kept in the database")).collect::<Result<_, _>>()?)
}

/// The board pack's forecast for the report month `month` (or the month before while `month`
/// is to date), 12 months ahead, under the kept settings and scenarios; `Err` says why none.
pub async fn for_report(
    source: &Source,
    casework: &Casework,
    month: Month,
    today: jiff::civil::Date,
) -> anyhow::Result<sendtrack_report::pack::Forecasted> {
    let as_of = if month < Month::containing(today) { month } else { month.plus(-1) };
    let assumptions = assumptions(source, None).await?;
    let scenarios = kept_scenarios(source).await?;
    let engine = Engine::as_at(casework, as_of.last_day());
    Ok(forecast::forecast(&engine, as_of, 12, &scenarios, &assumptions).map_err(|e| e.to_string()))
}

pub async fn run(source: &Source, options: &ForecastOptions, today: jiff::civil::Date) -> anyhow::Result<ExitCode> {
    let as_of = options.as_of.unwrap_or_else(|| last_complete_month(today));
    month_begun(as_of, today).map_err(|e| anyhow::anyhow!("--as-of {e}"))?;
    if as_of >= Month::containing(today) {
        bail!("--as-of {as_of} has not ended; a forecast starts from the end of a complete month");
    }
    let mut scenarios = Vec::new();
    for path in &options.scenarios {
        scenarios.push(files::read_scenario(&read(path)?, &path.display().to_string())?);
    }
    let assumptions = assumptions(source, options.settings.as_ref()).await?;
    let casework = source.load(today).await?;
    source.audit("forecast").await?;
    // Nothing dated after the end of --as-of is read: the forecast is the one that could have
    // been made then.
    let engine = Engine::as_at(&casework, as_of.last_day());
    let text = if options.backtest {
        let rows = forecast::backtest(&engine, as_of, assumptions.age_limit)?;
        match options.format {
            Format::Csv => files::backtest_csv(&rows),
            Format::Json => format!("{:#}\n", files::backtest_json(&rows)),
            Format::Table => backtest_table(as_of, &rows),
        }
    } else {
        let f = forecast::forecast(&engine, as_of, options.months, &scenarios, &assumptions)?;
        match options.format {
            Format::Csv => files::forecast_csv(&f),
            Format::Json => format!("{:#}\n", files::forecast_json(&f)),
            Format::Table => table(&f),
        }
    };
    match &options.out {
        Some(path) => std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?,
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}

fn num(x: f64) -> String {
    format!("{x:.0}")
}

fn pct(x: Option<f64>) -> String {
    x.map_or_else(|| "-".into(), |v| format!("{v:.1}%"))
}

fn month_or(m: Option<Month>, as_of: Month) -> String {
    match m {
        Some(m) if m == as_of => "clear now".into(),
        Some(m) => m.long_name(),
        None => "not within the horizon".into(),
    }
}

/// The forecast as a text report: the assumptions, the scenarios side by side, the baseline's
/// months with their intervals, and the backtest's errors.
pub fn table(f: &Forecast) -> String {
    let mut out = String::new();
    let last = f.as_of.plus(f.months as i32);
    _ = writeln!(out, "Forecast from the end of {} to {}", f.as_of.long_name(), last.long_name());
    _ = writeln!(out);
    _ = writeln!(out, "Assumptions");
    match f.staffing {
        Some(s) => {
            _ = writeln!(
                out,
                "  Casework staff in post: {} people, {:.1} FTE ({:.1} FTE interim or agency)",
                s.people, s.fte, s.interim_agency_fte
            );
            let how = if s.hours_derived { " (worked out from the last 12 months' work done)" } else { "" };
            _ = writeln!(out, "  Casework hours per FTE a month: {:.1}{how}", s.hours_per_fte);
        }
        None => _ = writeln!(out, "  No casework staff in post in staff.csv: the capacity model is not run"),
    }
    let h = f.assumptions.hours;
    _ = writeln!(
        out,
        "  Hours per task: decision {}, assessment {}, plan {}, annual review {}, amendment {}",
        h.decision, h.assessment, h.plan, h.annual_review, h.amendment
    );
    _ = writeln!(
        out,
        "  From the last 12 months: {:.0}% of decisions to assess, {:.0}% of assessments to a plan, {:.0}% of reviews to an amendment",
        f.conversion.assess * 100.0,
        f.conversion.plan * 100.0,
        f.conversion.amend * 100.0
    );
    _ = writeln!(out, "  Fewest weeks from request to plan: {}", f.assumptions.minimum_weeks);
    let how =
        if f.assumptions.triage_share.is_none() { " (the share that best replays the last 12 months)" } else { "" };
    _ = writeln!(out, "  Hours kept first for cases that can still be on time: {:.0}%{how}", f.triage_share * 100.0);
    if let Some(c) = f.census {
        _ = writeln!(out);
        _ = writeln!(
            out,
            "SEN2 census day {}: {} plans anticipated (80% interval {} to {})",
            c.day,
            num(c.value),
            num(c.low),
            num(c.high)
        );
    }
    if !f.outcomes.is_empty() {
        _ = writeln!(out);
        _ = writeln!(
            out,
            "Backlogs at the end of {}: {} requests open over 20 weeks, {} annual reviews overdue",
            f.as_of.long_name(),
            num(f.backlog_at_origin.0),
            num(f.backlog_at_origin.1)
        );
        _ = writeln!(out);
        _ = writeln!(
            out,
            "{:<32} {:<24} {:<24} {:>10} {:>10}",
            "Scenario", "Requests backlog clears", "Reviews backlog clears", "20 weeks", "Reviews"
        );
        for o in &f.outcomes {
            _ = writeln!(
                out,
                "{:<32} {:<24} {:<24} {:>10} {:>10}",
                o.scenario,
                month_or(o.requests_backlog_clears, f.as_of),
                month_or(o.reviews_backlog_clears, f.as_of),
                pct(o.within_20_weeks_pct),
                pct(o.reviews_on_time_pct)
            );
            for change in o.changes.iter().filter(|_| o.scenario != forecast::BASELINE) {
                _ = writeln!(out, "  {change}");
            }
        }
        _ = writeln!(out, "  (20 weeks and reviews: shares on time over the last 12 months of the forecast)");
    }
    _ = writeln!(out);
    _ = writeln!(out, "Baseline, with 80% intervals");
    let _ = write!(out, "{:<10}", "Month");
    for s in Series::ALL {
        _ = write!(out, " {:>22}", s.id());
    }
    _ = writeln!(out);
    for k in 0..f.months {
        let month = f.as_of.plus(k as i32 + 1);
        _ = write!(out, "{:<10}", month.to_string());
        for s in Series::ALL {
            let cell = f
                .line(s.id(), forecast::BASELINE)
                .and_then(|l| l.points.get(k))
                .map(|p| {
                    format!("{} ({}-{})", num(p.value), num(p.low.unwrap_or(p.value)), num(p.high.unwrap_or(p.value)))
                })
                .unwrap_or_default();
            _ = write!(out, " {cell:>22}");
        }
        _ = writeln!(out);
    }
    _ = writeln!(out);
    out.push_str(&accuracy_lines(&f.accuracy));
    out
}

fn accuracy_lines(rows: &[Accuracy]) -> String {
    let mut out = String::new();
    _ = writeln!(out, "Backtest: mean absolute % error, and how often the 80% interval held the actual value");
    _ = writeln!(
        out,
        "{:<20} {:>16} {:>8} {:>10} {:>16}",
        "Measure", "Horizon (months)", "Origins", "Error", "Interval held"
    );
    for a in rows {
        let horizon = match a.horizon {
            Horizon::Months(h) => h.to_string(),
            Horizon::YearTotal => "12-month total".into(),
        };
        _ = writeln!(
            out,
            "{:<20} {:>16} {:>8} {:>10} {:>16}",
            a.series.id(),
            horizon,
            a.origins,
            pct(a.mape_pct),
            pct(a.interval_hit_pct)
        );
    }
    out
}

fn backtest_table(last: Month, rows: &[Accuracy]) -> String {
    let mut out = format!("Every forecast origin to {} with 12 months after it\n\n", last.plus(-12).long_name());
    out.push_str(&accuracy_lines(rows));
    out
}
