//! The forecast's files (issue 21): scenario and settings files in TOML, and the forecast and
//! its backtest as CSV and JSON.
//!
//! A scenario file:
//!
//! ```toml
//! name = "Two more caseworkers from April"
//! demand_change_pct = 10          # optional: demand up 10% (negative: down)
//! productive_hours_per_fte = 100  # optional
//! interims_leave_from = "2027-06" # optional: interim and agency caseworkers go
//!
//! [[staff]]                       # optional, repeatable
//! from = "2027-04"
//! fte = 2                         # negative: fewer (interims leaving, say)
//!
//! [hours]                         # optional: hours per task changed
//! annual_review = 3.5
//! ```
//!
//! A settings file has `productive_hours_per_fte`, `minimum_weeks`, `age_limit`
//! (`end_of_academic_year` or `birthday`) and `[hours]`, each optional.

use sendtrack_domain::dates::Month;
use sendtrack_domain::forecast::capacity::TaskHours;
use sendtrack_domain::forecast::population::AgeLimit;
use sendtrack_domain::forecast::{Accuracy, Assumptions, Forecast, Scenario, StaffChange};
use std::fmt::Write as _;
use toml::{Table, Value};

/// The database setting holding the authority's forecast settings (a settings file's text).
pub const SETTINGS_KEY: &str = "forecast_settings";
/// The database setting holding the scenarios kept in the web app (a JSON list of scenario
/// files' texts).
pub const SCENARIOS_KEY: &str = "forecast_scenarios";

/// A problem in a scenario or settings file, located.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}, line {line}: {message}")]
pub struct SettingsError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

/// The line (from 1) on which `key` is set or its table opens, for locating a problem.
fn line_of(text: &str, key: &str) -> usize {
    text.lines()
        .position(|l| {
            let l = l.trim_start();
            let bare = l.trim_start_matches('[').trim_start();
            (l.starts_with(key) && l[key.len()..].trim_start().starts_with('='))
                || (l.starts_with('[') && bare.starts_with(key))
        })
        .map_or(1, |k| k + 1)
}

struct Reader<'t> {
    text: &'t str,
    file: &'t str,
}

impl Reader<'_> {
    fn error(&self, key: &str, message: String) -> SettingsError {
        SettingsError { file: self.file.into(), line: line_of(self.text, key), message }
    }

    fn parse(&self) -> Result<Table, SettingsError> {
        self.text.parse::<Table>().map_err(|e| {
            let line = e.span().map_or(1, |s| self.text[..s.start.min(self.text.len())].lines().count().max(1));
            let message = e.message().trim().to_string();
            SettingsError { file: self.file.into(), line, message }
        })
    }

    fn number(&self, table: &Table, key: &str, range: (f64, f64)) -> Result<Option<f64>, SettingsError> {
        let Some(value) = table.get(key) else { return Ok(None) };
        let n = match value {
            Value::Integer(i) => *i as f64,
            Value::Float(f) => *f,
            _ => return Err(self.error(key, format!("{key} must be a number"))),
        };
        if !(range.0..=range.1).contains(&n) {
            return Err(self.error(key, format!("{key} must be from {} to {}, not {n}", range.0, range.1)));
        }
        Ok(Some(n))
    }

    fn hours(&self, table: &Table) -> Result<Vec<(String, f64)>, SettingsError> {
        let Some(value) = table.get("hours") else { return Ok(Vec::new()) };
        let Value::Table(hours) = value else {
            return Err(self.error("hours", "[hours] must be a table of hours per task".into()));
        };
        let mut out = Vec::new();
        for (task, _) in hours {
            if TaskHours::default().get(task).is_none() {
                let message = format!("there is no task {task:?}; the tasks are {}", TaskHours::NAMES.join(", "));
                return Err(self.error(task, message));
            }
            if let Some(h) = self.number(hours, task, (0.0, 500.0))? {
                out.push((task.clone(), h));
            }
        }
        Ok(out)
    }

    fn known(&self, table: &Table, keys: &[&str]) -> Result<(), SettingsError> {
        match table.keys().find(|k| !keys.contains(&k.as_str())) {
            Some(k) => Err(self.error(k, format!("{k:?} is not a setting here; the settings are {}", keys.join(", ")))),
            None => Ok(()),
        }
    }
}

/// Reads a scenario file; `file` names it in errors.
pub fn read_scenario(text: &str, file: &str) -> Result<Scenario, SettingsError> {
    let r = Reader { text, file };
    let table = r.parse()?;
    r.known(
        &table,
        &["name", "demand_change_pct", "productive_hours_per_fte", "interims_leave_from", "staff", "hours"],
    )?;
    let name = match table.get("name") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
        _ => return Err(r.error("name", "a scenario needs a name = \"...\"".into())),
    };
    let mut staff = Vec::new();
    match table.get("staff") {
        None => {}
        Some(Value::Array(changes)) => {
            for change in changes {
                let Value::Table(change) = change else {
                    return Err(r.error("staff", "each [[staff]] is a table with from and fte".into()));
                };
                r.known(change, &["from", "fte"])?;
                let from = match change.get("from") {
                    Some(Value::String(s)) => s.parse::<Month>().map_err(|e| r.error("from", e))?,
                    _ => return Err(r.error("staff", "each [[staff]] needs from = \"YYYY-MM\"".into())),
                };
                let fte = r.number(change, "fte", (-1000.0, 1000.0))?;
                let fte = fte.ok_or_else(|| r.error("staff", "each [[staff]] needs fte = a number".into()))?;
                staff.push(StaffChange { from, fte });
            }
        }
        Some(_) => return Err(r.error("staff", "write each change of staff as a [[staff]] table".into())),
    }
    let interims_leave_from = match table.get("interims_leave_from") {
        None => None,
        Some(Value::String(s)) => Some(s.parse::<Month>().map_err(|e| r.error("interims_leave_from", e))?),
        Some(_) => return Err(r.error("interims_leave_from", "interims_leave_from is a month, \"YYYY-MM\"".into())),
    };
    Ok(Scenario {
        name,
        staff,
        interims_leave_from,
        demand_change_pct: r.number(&table, "demand_change_pct", (-99.0, 500.0))?.unwrap_or(0.0),
        productive_hours_per_fte: r.number(&table, "productive_hours_per_fte", (1.0, 200.0))?,
        hours: r.hours(&table)?,
    })
}

/// Reads a settings file over the defaults.
pub fn read_assumptions(text: &str, file: &str) -> Result<Assumptions, SettingsError> {
    let r = Reader { text, file };
    let table = r.parse()?;
    r.known(&table, &["productive_hours_per_fte", "minimum_weeks", "age_limit", "triage_share", "hours"])?;
    let mut a = Assumptions {
        productive_hours_per_fte: r.number(&table, "productive_hours_per_fte", (1.0, 200.0))?,
        ..Assumptions::default()
    };
    if let Some(w) = r.number(&table, "minimum_weeks", (0.0, 52.0))? {
        a.minimum_weeks = w;
    }
    a.triage_share = r.number(&table, "triage_share", (0.0, 1.0))?;
    match table.get("age_limit") {
        None => {}
        Some(Value::String(s)) => {
            a.age_limit = AgeLimit::parse(s).ok_or_else(|| {
                r.error("age_limit", format!("age_limit is end_of_academic_year or birthday, not {s:?}"))
            })?;
        }
        Some(_) => return Err(r.error("age_limit", "age_limit is end_of_academic_year or birthday".into())),
    }
    for (task, h) in r.hours(&table)? {
        a.hours.set(&task, h);
    }
    Ok(a)
}

/// Writes the settings as a settings file (what `read_assumptions` reads back).
pub fn assumptions_toml(a: &Assumptions) -> String {
    let mut out = String::new();
    match a.productive_hours_per_fte {
        Some(h) => _ = writeln!(out, "productive_hours_per_fte = {h}"),
        None => out.push_str("# productive_hours_per_fte: worked out from the year's work done\n"),
    }
    _ = writeln!(out, "minimum_weeks = {}", a.minimum_weeks);
    match a.triage_share {
        Some(t) => _ = writeln!(out, "triage_share = {t}"),
        None => out.push_str("# triage_share: the share that best replays the last 12 months\n"),
    }
    _ = writeln!(out, "age_limit = \"{}\"", a.age_limit.code());
    out.push_str("\n[hours]\n");
    for task in TaskHours::NAMES {
        _ = writeln!(out, "{task} = {}", a.hours.get(task).unwrap_or(0.0));
    }
    out
}

/// Writes a scenario as a scenario file.
pub fn scenario_toml(s: &Scenario) -> String {
    let mut out = String::new();
    // A JSON string is a TOML basic string: the same escapes.
    _ = writeln!(out, "name = {}", serde_json::Value::String(s.name.clone()));
    if s.demand_change_pct != 0.0 {
        _ = writeln!(out, "demand_change_pct = {}", s.demand_change_pct);
    }
    if let Some(h) = s.productive_hours_per_fte {
        _ = writeln!(out, "productive_hours_per_fte = {h}");
    }
    if let Some(from) = s.interims_leave_from {
        _ = writeln!(out, "interims_leave_from = \"{from}\"");
    }
    for c in &s.staff {
        _ = writeln!(out, "\n[[staff]]\nfrom = \"{}\"\nfte = {}", c.from, c.fte);
    }
    if !s.hours.is_empty() {
        out.push_str("\n[hours]\n");
        for (task, h) in &s.hours {
            _ = writeln!(out, "{task} = {h}");
        }
    }
    out
}

fn cell(x: Option<f64>) -> String {
    x.map(|v| format!("{v:.1}")).unwrap_or_default()
}

/// The forecast as CSV: `measure,period,scenario,value,low,high`, one row per measure, month
/// and scenario; low and high are the 80% interval, empty where the model gives none.
pub fn forecast_csv(f: &Forecast) -> String {
    let mut out = String::from("measure,period,scenario,value,low,high\n");
    for line in &f.lines {
        for p in &line.points {
            let scenario = csv_field(&line.scenario);
            _ = writeln!(
                out,
                "{},{},{scenario},{},{},{}",
                line.measure,
                p.month,
                cell(Some(p.value)),
                cell(p.low),
                cell(p.high)
            );
        }
    }
    out
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text.to_string() }
}

/// The backtest as CSV: `measure,horizon,origins,mape_pct,interval_hit_pct`.
pub fn backtest_csv(rows: &[Accuracy]) -> String {
    let mut out = String::from("measure,horizon,origins,mape_pct,interval_hit_pct\n");
    for a in rows {
        _ = writeln!(
            out,
            "{},{},{},{},{}",
            a.series.id(),
            a.horizon.label(),
            a.origins,
            cell(a.mape_pct),
            cell(a.interval_hit_pct)
        );
    }
    out
}

fn round(x: f64) -> serde_json::Value {
    serde_json::json!((x * 10.0).round() / 10.0)
}

fn accuracy_json(rows: &[Accuracy]) -> serde_json::Value {
    rows.iter()
        .map(|a| {
            serde_json::json!({
                "measure": a.series.id(),
                "horizon": a.horizon.label(),
                "origins": a.origins,
                "mape_pct": a.mape_pct.map(round),
                "interval_hit_pct": a.interval_hit_pct.map(round),
            })
        })
        .collect()
}

/// The backtest as JSON.
pub fn backtest_json(rows: &[Accuracy]) -> serde_json::Value {
    serde_json::json!({ "backtest": accuracy_json(rows) })
}

/// The forecast as JSON: the lines, the history, the scenarios' outcomes, the assumptions and
/// the backtest's errors.
pub fn forecast_json(f: &Forecast) -> serde_json::Value {
    let month = |m: Option<Month>| m.map(|m| m.to_string());
    serde_json::json!({
        "as_of": f.as_of.to_string(),
        "months": f.months,
        "forecast": f.lines.iter().map(|l| serde_json::json!({
            "measure": l.measure,
            "title": l.title,
            "scenario": l.scenario,
            "points": l.points.iter().map(|p| serde_json::json!({
                "period": p.month.to_string(),
                "value": round(p.value),
                "low": p.low.map(round),
                "high": p.high.map(round),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "history": f.history.iter().map(|(s, points)| serde_json::json!({
            "measure": s.id(),
            "points": points.iter().map(|(m, v)| serde_json::json!({"period": m.to_string(), "value": v})).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "plans_active_by": f.breakdowns.iter().map(|b| serde_json::json!({
            "dimension": b.dimension,
            "key": b.key,
            "values": b.values.iter().map(|v| round(*v)).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "scenarios": f.outcomes.iter().map(|o| serde_json::json!({
            "scenario": o.scenario,
            "changes": o.changes,
            "requests_backlog_clears": month(o.requests_backlog_clears),
            "reviews_backlog_clears": month(o.reviews_backlog_clears),
            "plans_issued_within_20_weeks_pct": o.within_20_weeks_pct.map(round),
            "reviews_completed_on_time_pct": o.reviews_on_time_pct.map(round),
        })).collect::<Vec<_>>(),
        "backlog_at_origin": {
            "requests_open_over_20_weeks": f.backlog_at_origin.0,
            "reviews_overdue": f.backlog_at_origin.1,
        },
        "assumptions": {
            "productive_hours_per_fte": f.staffing.map(|s| round(s.hours_per_fte)),
            "productive_hours_worked_out": f.staffing.map(|s| s.hours_derived),
            "hours": TaskHours::NAMES.iter().map(|t| (t.to_string(), serde_json::json!(f.assumptions.hours.get(t)))).collect::<serde_json::Map<_, _>>(),
            "minimum_weeks": f.assumptions.minimum_weeks,
            "triage_share": f.triage_share,
            "triage_share_worked_out": f.assumptions.triage_share.is_none(),
            "age_limit": f.assumptions.age_limit.code(),
            "assess_rate": round(f.conversion.assess * 100.0),
            "plan_rate": round(f.conversion.plan * 100.0),
            "amend_rate": round(f.conversion.amend * 100.0),
        },
        "staffing": f.staffing.map(|s| serde_json::json!({
            "people": s.people,
            "fte": round(s.fte),
            "interim_agency_fte": round(s.interim_agency_fte),
        })),
        "sen2_census": f.census.map(|c| serde_json::json!({
            "census_day": c.day.to_string(),
            "plans_anticipated": round(c.value),
            "low": round(c.low),
            "high": round(c.high),
        })),
        "backtest": accuracy_json(&f.accuracy),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scenario_file_reads_back_what_was_written() {
        let text = r#"
name = "Two more caseworkers, fewer interims"
demand_change_pct = -5
interims_leave_from = "2027-09"

[[staff]]
from = "2027-04"
fte = 2

[[staff]]
from = "2027-06"
fte = -1.5

[hours]
annual_review = 3.5
"#;
        let s = read_scenario(text, "more.toml").expect("reads");
        assert_eq!(s.name, "Two more caseworkers, fewer interims");
        assert_eq!(s.demand_change_pct, -5.0);
        assert_eq!(s.staff.len(), 2);
        assert_eq!(s.staff[1].fte, -1.5);
        assert_eq!(s.hours, vec![("annual_review".to_string(), 3.5)]);
        assert_eq!(s.interims_leave_from, Month::new(2027, 9));
        assert_eq!(read_scenario(&scenario_toml(&s), "again.toml").expect("reads"), s);
    }

    #[test]
    fn problems_in_a_scenario_name_the_file_line_and_key() {
        let e = read_scenario("name = \"x\"\n\n[hours]\nreveiw = 3\n", "s.toml").expect_err("unknown task");
        assert_eq!((e.file.as_str(), e.line), ("s.toml", 4), "{e}");
        assert!(e.message.contains("reveiw") && e.message.contains("annual_review"), "{e}");
        let e = read_scenario("name = \"x\"\n[[staff]]\nfrom = \"April\"\nfte = 1\n", "s.toml").expect_err("bad month");
        assert_eq!(e.line, 3, "{e}");
        let e = read_scenario("demand_change_pct = 5\n", "s.toml").expect_err("no name");
        assert!(e.message.contains("name"), "{e}");
        let e = read_scenario("name = \"x\"\ndemand_change_pct = -150\n", "s.toml").expect_err("too low");
        assert_eq!(e.line, 2, "{e}");
        let e = read_scenario("name = [\n", "s.toml").expect_err("not TOML");
        assert_eq!(e.file, "s.toml");
    }

    #[test]
    fn settings_read_over_the_defaults_and_write_back() {
        let a =
            read_assumptions("productive_hours_per_fte = 95\nage_limit = \"birthday\"\n[hours]\nplan = 15\n", "f.toml")
                .expect("reads");
        assert_eq!(a.productive_hours_per_fte, Some(95.0));
        assert_eq!(a.age_limit, AgeLimit::Birthday);
        assert_eq!(a.hours.plan, 15.0);
        assert_eq!(a.hours.decision, TaskHours::default().decision);
        assert_eq!(read_assumptions(&assumptions_toml(&a), "again").expect("reads"), a);
        let e = read_assumptions("age_limit = \"26\"\n", "f.toml").expect_err("bad limit");
        assert_eq!(e.line, 1);
        let e = read_assumptions("\nhours_per_fte = 3\n", "f.toml").expect_err("unknown");
        assert_eq!(e.line, 2);
    }
}
