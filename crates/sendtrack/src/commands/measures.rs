//! `sendtrack scorecard`, `sendtrack drill` and `sendtrack measures`: the measure catalogue
//! computed from the records.

use crate::commands::source::Source;
use anyhow::{Context, bail};
use sendtrack_domain::dates::{Month, last_complete_month, month_begun};
use sendtrack_domain::measures::engine::{Engine, Tally};
use sendtrack_domain::measures::scorecard::scorecard_crossed;
use sendtrack_domain::measures::{CATALOGUE, Dimension, MeasureDef, find};
use sendtrack_interchange::scorecard::{csv_value, display_value, to_csv, to_table};
use sendtrack_report::table::{Cell, DataTable};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Csv,
    Json,
}

pub fn parse_month(text: &str) -> Result<Month, String> {
    text.parse()
}

fn measures_named(ids: &[String]) -> anyhow::Result<Vec<&'static MeasureDef>> {
    if ids.is_empty() {
        return Ok(CATALOGUE.iter().collect());
    }
    ids.iter()
        .map(|id| find(id).with_context(|| format!("'{id}' is not a measure id; `sendtrack measures` lists them")))
        .collect()
}

fn write_out(text: &str, out: Option<&PathBuf>) -> anyhow::Result<()> {
    match out {
        Some(path) => std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display())),
        None => {
            print!("{text}");
            Ok(())
        }
    }
}

/// The worker threads for computing: the machine's cores, at most 8.
fn threads() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get().min(8))
}

/// The options of `sendtrack scorecard` besides where the records come from.
pub struct ScorecardOptions {
    pub from: Option<Month>,
    pub to: Option<Month>,
    pub measures: Vec<String>,
    pub by: Vec<String>,
    pub periods: Vec<String>,
    pub format: Format,
    pub out: Option<PathBuf>,
    pub save: bool,
}

/// `scorecard --period P [--period Q]`: each measure over the periods ending with `to`.
async fn periods_command(
    source: &Source,
    options: &ScorecardOptions,
    measures: &[&'static MeasureDef],
    to: Month,
    today: jiff::civil::Date,
) -> anyhow::Result<ExitCode> {
    use sendtrack_domain::measures::periods::{Period, days_value, label, period_value};
    use sendtrack_interchange::scorecard::{PeriodLine, period_csv, period_json, period_table};
    if options.periods.len() > 2 {
        bail!("--period goes once, or twice to compare two periods");
    }
    let periods: Vec<Period> = options
        .periods
        .iter()
        .map(|p| Period::parse(p).map_err(|e| anyhow::anyhow!("--period {e}")))
        .collect::<Result<_, _>>()?;
    for p in &periods {
        let (_, last) = p.months(to);
        month_begun(last, today).map_err(|e| anyhow::anyhow!("--period {e}"))?;
    }
    let casework = source.load(today).await?;
    let engine = Engine::as_at(&casework, today);
    let spans: Vec<(Month, Month)> = periods.iter().map(|p| p.months(to)).collect();
    let all: Vec<Month> = spans.iter().flat_map(|(a, b)| a.through(*b)).collect();
    engine.prepare(&all, threads());
    // The last N days run to today: an engine as at the day before they start tells which
    // events fall in them.
    let days: Vec<Option<(jiff::civil::Date, jiff::civil::Date)>> = periods.iter().map(|p| p.days(today)).collect();
    let earlier: Vec<Option<Engine>> = days
        .iter()
        .map(|d| d.map(|(first, _)| Engine::as_at(&casework, sendtrack_domain::dates::add_days(first, -1))))
        .collect();
    let value = |k: usize, m: &MeasureDef| match (days[k], &earlier[k]) {
        (Some((first, last)), Some(before)) => days_value(&engine, before, m, first, last),
        _ => period_value(&engine, m, spans[k].0, spans[k].1),
    };
    let lines: Vec<PeriodLine> = measures
        .iter()
        .map(|m| PeriodLine { measure: m, values: (0..periods.len()).map(|k| value(k, m)).collect() })
        .collect();
    let named: Vec<(String, String)> = periods
        .iter()
        .zip(&spans)
        .zip(&days)
        .map(|((p, (a, b)), d)| {
            let label = d.map_or_else(|| label(*a, *b), |(x, y)| format!("{x}..{y}"));
            (label, p.describe(to))
        })
        .collect();
    let text = match options.format {
        Format::Csv => period_csv(&lines),
        Format::Json => period_json(&lines, &named),
        Format::Table => period_table(&lines, &named),
    };
    write_out(&text, options.out.as_ref())?;
    Ok(ExitCode::SUCCESS)
}

/// The two-way breakdown `--by A --by B` asks for: none, or both dimensions, which at least
/// one of `measures` must have.
fn crossing(by: &[String], measures: &[&'static MeasureDef]) -> anyhow::Result<Vec<[Dimension; 2]>> {
    match by {
        [] => Ok(Vec::new()),
        [a, b] => {
            let parse = |d: &String| Dimension::parse(d).with_context(|| format!("'{d}' is not a breakdown"));
            let (a, b) = (parse(a)?, parse(b)?);
            if a == b {
                bail!("--by {} twice: a two-way breakdown crosses two different breakdowns", a.code());
            }
            if !measures.iter().any(|m| m.breakdowns.contains(&a) && m.breakdowns.contains(&b)) {
                bail!("no measure asked for has both breakdowns {} and {}", a.code(), b.code());
            }
            Ok(vec![[a, b]])
        }
        _ => bail!("--by goes twice, for the two breakdowns to cross (e.g. --by setting --by phase)"),
    }
}

pub async fn scorecard_command(
    source: &Source,
    options: &ScorecardOptions,
    today: jiff::civil::Date,
) -> anyhow::Result<ExitCode> {
    let measures = measures_named(&options.measures)?;
    // By default the 13 months ending with the last complete one; today's month only when asked.
    let to = options.to.unwrap_or_else(|| last_complete_month(today));
    month_begun(to, today).map_err(|e| anyhow::anyhow!("--to {e}"))?;
    let from = options.from.unwrap_or_else(|| to.plus(-12));
    if from > to {
        bail!("--from {from} is after --to {to}");
    }
    let casework = source.load(today).await?;
    let engine = Engine::as_at(&casework, today);
    if !options.periods.is_empty() {
        return periods_command(source, options, &measures, to, today).await;
    }
    let pairs = crossing(&options.by, &measures)?;
    let card = scorecard_crossed(&engine, &measures, from, to, threads(), &pairs);
    // The supplied indicators (issue 22) with the whole scorecard, not with measures picked out;
    // the CSV stays the measures' file of measures.md.
    let supplied = if options.measures.is_empty() {
        sendtrack_domain::board::supplied(&casework, &card.months)
    } else {
        Vec::new()
    };
    let text = match options.format {
        Format::Csv => to_csv(&card),
        Format::Json => sendtrack_interchange::scorecard::to_json_with(&card, &supplied),
        Format::Table => to_table(&card) + &sendtrack_interchange::scorecard::supplied_table(&supplied),
    };
    write_out(&text, options.out.as_ref())?;
    if options.save
        && let Some(db) = &source.db
    {
        let store = sendtrack_store::Store::open_existing(db).await?;
        let rows = sendtrack_interchange::scorecard::value_rows(&card);
        store.save_measure_values(&rows, &today.to_string()).await?;
        eprintln!("Stored {} values for {from} to {to} in {db} (view bi_measure_values).", rows.len());
    }
    Ok(ExitCode::SUCCESS)
}

/// The place among `def`'s breakdowns of the one named `by`, or why there is none.
fn breakdown_slot(def: &MeasureDef, by: &str) -> anyhow::Result<usize> {
    let dimension = Dimension::parse(by).with_context(|| format!("'{by}' is not a breakdown"))?;
    def.breakdowns.iter().position(|d| *d == dimension).with_context(|| {
        let names: Vec<&str> = def.breakdowns.iter().map(|d| d.code()).collect();
        format!(
            "{} has no breakdown by {by}; its breakdowns are: {}",
            def.id,
            if names.is_empty() { "none".into() } else { names.join(", ") }
        )
    })
}

pub async fn drill_command(
    source: &Source,
    measure: &str,
    month: Month,
    by: &[String],
    key: &[String],
    format: Format,
    today: jiff::civil::Date,
) -> anyhow::Result<ExitCode> {
    let def =
        find(measure).with_context(|| format!("'{measure}' is not a measure id; `sendtrack measures` lists them"))?;
    if by.len() != key.len() || by.len() > 2 {
        bail!("--by and --key go together, once or twice (a key for each breakdown, in order)");
    }
    let slots: Vec<(usize, &str)> = by
        .iter()
        .zip(key)
        .map(|(by, key)| Ok((breakdown_slot(def, by)?, key.as_str())))
        .collect::<anyhow::Result<_>>()?;
    month_begun(month, today).map_err(anyhow::Error::msg)?;
    let casework = source.load(today).await?;
    source.audit(&format!("drill {measure} {month}")).await?;
    let engine = Engine::as_at(&casework, today);
    let tally = engine.tally(def, month);
    let shows_numerator = matches!(tally, Tally::Share(_) | Tally::AmountShare(_));
    let shows_amount = matches!(tally, Tally::Mean(_) | Tally::AmountShare(_));
    let current: Vec<_> = match &tally {
        Tally::Change { current, .. } => current.iter().map(|f| (f, "current")).collect(),
        _ => tally.facts().map(|f| (f, "")).collect(),
    };
    let previous: Vec<_> = match &tally {
        Tally::Change { previous, .. } => previous.iter().map(|f| (f, "a year before")).collect(),
        _ => Vec::new(),
    };
    let mut header = vec!["record", "id", "child_id"];
    if shows_numerator {
        header.push("counted");
    }
    if shows_amount {
        header.push("amount");
    }
    if !previous.is_empty() {
        header.push("period");
    }
    // What explains each record (issue 23): the weeks a request took and its late step, a
    // review's days late, a plan's review state.
    let explainer = engine.explainer();
    let on = engine.end_of(month);
    let names: Vec<&'static str> = current
        .first()
        .map(|(f, _)| explainer.explain(f.record, on).into_iter().map(|(n, _)| n).collect())
        .unwrap_or_default();
    header.extend(names.iter().copied());
    // The records behind the value: one table, written as CSV, JSON or text.
    let mut records = DataTable::new("records", def.title, &header);
    for (fact, period) in current.into_iter().chain(previous) {
        if !slots.is_empty()
            && (slots.iter().any(|(slot, key)| fact.keys[*slot] != *key) || !period.is_empty() && period != "current")
        {
            continue;
        }
        let d = engine.describe(fact.record);
        let mut row = vec![Cell::text(d.kind), Cell::text(d.id), Cell::text(d.child_id)];
        if shows_numerator {
            row.push(Cell::text(if fact.numerator { "yes" } else { "no" }));
        }
        if shows_amount {
            row.push(Cell::text(format!("{:.2}", fact.amount)));
        }
        if !period.is_empty() {
            row.push(Cell::text(period));
        }
        let explained = explainer.explain(fact.record, on);
        for name in &names {
            row.push(Cell::text(explained.iter().find(|(n, _)| n == name).map_or(String::new(), |(_, v)| v.clone())));
        }
        records.rows.push(row);
    }
    match format {
        Format::Csv => records.write_csv(&mut csv::Writer::from_writer(std::io::stdout()))?,
        Format::Table | Format::Json => {
            let value = match slots[..] {
                [] => tally.headline(),
                [(slot, key)] => tally.breakdown(slot).into_iter().find(|(k, _)| *k == key).and_then(|(_, v)| v),
                [(a, x), (b, y), ..] => {
                    tally.crossed(a, b).into_iter().find(|(k, _)| *k == (x, y)).and_then(|(_, v)| v)
                }
            };
            // One breakdown as `a` and `x`; two as `a|b` and `x|y`, as the scorecard's CSV names them.
            let dimension = (!slots.is_empty())
                .then(|| slots.iter().map(|(s, _)| def.breakdowns[*s].code()).collect::<Vec<_>>().join("|"));
            let key = (!slots.is_empty()).then(|| slots.iter().map(|(_, k)| *k).collect::<Vec<_>>().join("|"));
            let to_date = engine.to_date(month);
            if format == Format::Json {
                let rows: Vec<serde_json::Value> = records
                    .rows
                    .iter()
                    .map(|row| {
                        let pairs =
                            records.headers.iter().zip(row).map(|(h, c)| (h.clone(), serde_json::json!(c.plain())));
                        serde_json::Value::Object(pairs.collect())
                    })
                    .collect();
                let doc = serde_json::json!({
                    "measure": def.id,
                    "period": month.to_string(),
                    "to_date": to_date,
                    "dimension": dimension,
                    "key": key,
                    "value": value.map(|v| csv_value(def, Some(v))).and_then(|v| v.parse::<f64>().ok()),
                    "records": rows,
                });
                println!("{}", serde_json::to_string_pretty(&doc)?);
                return Ok(ExitCode::SUCCESS);
            }
            let scope = match (&dimension, &key) {
                (Some(d), Some(k)) => format!(" where {d} = {k}"),
                _ => String::new(),
            };
            let when = if to_date { format!("{month} (to date)") } else { month.to_string() };
            let n = records.rows.len();
            println!("{} ({}) for {when}{scope}: {}", def.title, def.id, display_value(def, value));
            println!("{n} record{}:", if n == 1 { "" } else { "s" });
            print!("{}", records.text());
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn list_command() -> anyhow::Result<ExitCode> {
    let mut section = "";
    for m in CATALOGUE {
        if m.section != section {
            section = m.section;
            println!("\n{section}\n");
        }
        let breakdowns: Vec<&str> = m.breakdowns.iter().map(|d| d.code()).collect();
        println!("{}  [{}, better: {}]", m.id, m.unit.code(), m.better.code());
        println!("    {}: {}", m.title, m.definition);
        if !breakdowns.is_empty() {
            println!("    breakdowns: {}", breakdowns.join(", "));
        }
    }
    Ok(ExitCode::SUCCESS)
}
