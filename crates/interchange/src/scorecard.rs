//! The scorecard written out: the machine-readable CSV of `measures.md`, JSON with the same
//! values and their presentation, and a text grid like the board reports' scorecards.

use sendtrack_domain::board::SuppliedLine;
use sendtrack_domain::dates::Month;
use sendtrack_domain::measures::scorecard::{Line, Scorecard};
use sendtrack_domain::measures::{MeasureDef, Unit};

/// A value as the CSV writes it: an integer for counts, else exactly four decimals; empty
/// when undefined.
pub fn csv_value(measure: &MeasureDef, value: Option<f64>) -> String {
    match value {
        None => String::new(),
        Some(v) if measure.is_count() => format!("{}", v.round() as i64),
        Some(v) => format!("{v:.4}"),
    }
}

/// A value for people: counts whole, percentages to one decimal with %, money in pounds,
/// undefined as a dash.
pub fn display_value(measure: &MeasureDef, value: Option<f64>) -> String {
    let Some(v) = value else { return "–".into() };
    match measure.unit {
        Unit::Count => format!("{}", v.round() as i64),
        Unit::Percent => format!("{v:.1}%"),
        Unit::Rate => format!("{v:.1}"),
        Unit::Weeks => format!("{v:.1}"),
        Unit::Pounds => format!("£{}", group_thousands(v.round() as i64)),
        Unit::Fte => format!("{v:.2}"),
        Unit::PerFte | Unit::Days => format!("{v:.1}"),
    }
}

fn group_thousands(n: i64) -> String {
    let digits = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// Every value of the scorecard as (measure, period, dimension, key, value), dimension and
/// key empty for the headline, sorted as plain strings.
pub fn value_rows(card: &Scorecard) -> Vec<(String, String, String, String, Option<f64>)> {
    let mut rows = Vec::new();
    for line in &card.lines {
        let m = line.measure;
        for cell in &line.cells {
            let period = cell.month.to_string();
            rows.push((m.id.to_string(), period.clone(), String::new(), String::new(), cell.value.headline));
            for (dimension, key, value) in &cell.value.breakdowns {
                rows.push((m.id.to_string(), period.clone(), dimension.code().to_string(), key.clone(), *value));
            }
            for c in &cell.value.crossed {
                rows.push((m.id.to_string(), period.clone(), c.dimension_code(), c.key_code(), c.value));
            }
        }
    }
    rows.sort_by(|a, b| (&a.0, &a.1, &a.2, &a.3).cmp(&(&b.0, &b.1, &b.2, &b.3)));
    rows
}

/// `measure,period,dimension,key,value`, sorted as plain strings, a headline row for every
/// measure and period.
pub fn to_csv(card: &Scorecard) -> String {
    let rows: Vec<[String; 5]> = value_rows(card)
        .into_iter()
        .map(|(measure, period, dimension, key, value)| {
            let def = sendtrack_domain::measures::find(&measure);
            let value = def.map_or(String::new(), |m| csv_value(m, value));
            [measure, period, dimension, key, value]
        })
        .collect();
    let mut writer = csv::Writer::from_writer(Vec::new());
    // Writing to memory cannot fail.
    let _ = writer.write_record(["measure", "period", "dimension", "key", "value"]);
    for row in &rows {
        let _ = crate::for_people::write_row(&mut writer, row);
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

fn json_number(v: Option<f64>) -> serde_json::Value {
    v.and_then(serde_json::Number::from_f64).map_or(serde_json::Value::Null, serde_json::Value::Number)
}

fn line_json(line: &Line, to_date: Option<Month>) -> serde_json::Value {
    let m = line.measure;
    serde_json::json!({
        "id": m.id,
        "title": m.title,
        "section": m.section,
        "unit": m.unit.code(),
        "better": m.better.code(),
        "definition": m.definition,
        "values": line.cells.iter().map(|c| serde_json::json!({
            "period": c.month.to_string(),
            "to_date": to_date == Some(c.month),
            "value": json_number(c.value.headline),
            "arrow": c.trend.map(|(a, _)| a.symbol()),
            "trend": c.trend.map(|(a, _)| a.code()),
            "verdict": c.trend.map(|(_, v)| v.code()),
            "breakdowns": c.value.breakdowns.iter().map(|(d, k, v)| serde_json::json!({
                "dimension": d.code(), "key": k, "value": json_number(*v),
            })).chain(c.value.crossed.iter().map(|x| serde_json::json!({
                "dimension": x.dimension_code(), "key": x.key_code(), "value": json_number(x.value),
            }))).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "target": line.target.map(|t| serde_json::json!({
            "target": t.target, "met": t.met, "short_by": t.short_by,
        })),
        "benchmarks": line.benchmarks.iter().map(|b| serde_json::json!({
            "comparator": b.comparator.code(), "period": b.period.to_string(), "value": b.value,
        })).collect::<Vec<_>>(),
    })
}

/// The scorecard as JSON: the same values as the CSV, with titles, units, directions, arrows,
/// targets and benchmarks.
pub fn to_json(card: &Scorecard) -> String {
    to_json_with(card, &[])
}

/// [`to_json`] with the supplied indicators (issue 22) under `indicators`: each one's values
/// by period, its latest with who supplied it and when, arrow, target, comparators and flags.
pub fn to_json_with(card: &Scorecard, supplied: &[SuppliedLine]) -> String {
    let doc = serde_json::json!({
        "from": card.months.first().map(|m| m.to_string()),
        "to": card.months.last().map(|m| m.to_string()),
        // The month that has not ended, whose figures are to date (null when none is shown).
        "to_date": card.to_date.map(|m| m.to_string()),
        "measures": card.lines.iter().map(|l| line_json(l, card.to_date)).collect::<Vec<_>>(),
        "indicators": supplied.iter().map(supplied_json).collect::<Vec<_>>(),
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

fn supplied_json(l: &SuppliedLine) -> serde_json::Value {
    let i = l.indicator;
    serde_json::json!({
        "id": i.indicator_id,
        "title": i.title,
        "unit": i.unit.code(),
        "better": i.better.map(|b| b.code()),
        "supplier": i.supplier,
        "frequency": i.frequency.code(),
        "values": l.cells.iter().filter_map(|(m, v)| v.map(|v| serde_json::json!({ "period": m.to_string(), "value": v.value, "received_on": v.received_on.to_string(), "responses": v.responses }))).collect::<Vec<_>>(),
        "latest": l.latest.map(|v| serde_json::json!({ "period": v.period.to_string(), "value": l.shown(), "received_on": v.received_on.to_string() })),
        "arrow": l.trend.map(|(a, _)| a.code()),
        "verdict": l.trend.map(|(_, v)| v.code()),
        "target": l.target.map(|t| serde_json::json!({ "value": t.target, "met": t.met })),
        "benchmarks": l.benchmarks.iter().map(|b| serde_json::json!({ "comparator": b.comparator.code(), "period": b.period.to_string(), "value": b.value })).collect::<Vec<_>>(),
        "not_received_since": l.overdue.then(|| l.latest.map(|v| v.period.to_string())),
        "too_few_responses": l.too_few,
    })
}

/// The supplied indicators as a text grid (issue 22): the latest value with its period, the
/// arrow, target, England, and who supplied it when; flags under it.
pub fn supplied_table(supplied: &[SuppliedLine]) -> String {
    if supplied.is_empty() {
        return String::new();
    }
    let header: Vec<String> = ["supplied indicator", "latest", "for", "target", "england", "supplied by", "received"]
        .map(String::from)
        .to_vec();
    let mut rows: Vec<Vec<String>> = Vec::new();
    for l in supplied {
        let unit = l.indicator.unit;
        let text = |v: f64| match unit {
            sendtrack_domain::codes::IndicatorUnit::Percent => format!("{v:.1}%"),
            sendtrack_domain::codes::IndicatorUnit::Count => format!("{}", v.round() as i64),
            sendtrack_domain::codes::IndicatorUnit::Pounds => format!("£{}", v.round() as i64),
            _ => format!("{v:.1}"),
        };
        let arrow = l.trend.map_or(" ", |(a, _)| a.symbol());
        rows.push(vec![
            l.indicator.title.clone(),
            format!("{} {arrow}", l.shown().map_or("–".to_string(), text)),
            l.latest.map_or(String::new(), |v| v.period.to_string()),
            l.target.map_or(String::new(), |t| {
                format!(
                    "{}{}",
                    text(t.target),
                    match t.met {
                        Some(true) => " met",
                        Some(false) => " short",
                        None => "",
                    }
                )
            }),
            l.benchmarks
                .iter()
                .find(|b| b.comparator == sendtrack_domain::codes::Comparator::England)
                .map_or(String::new(), |b| format!("{} ({})", text(b.value), b.period)),
            l.indicator.supplier.clone(),
            l.latest.map_or(String::new(), |v| v.received_on.to_string()),
        ]);
        if let Some(flag) = l.overdue_flag() {
            let mut row = vec![format!("  ! {flag}")];
            row.resize(header.len(), String::new());
            rows.push(row);
        }
        if l.too_few {
            let mut row = vec![format!(
                "  ! too few responses to report (fewer than {})",
                l.indicator.minimum_responses.unwrap_or_default()
            )];
            row.resize(header.len(), String::new());
            rows.push(row);
        }
    }
    String::from("\nSUPPLIED INDICATORS (as received from partners and surveys)\n")
        + &grid(&header, &rows, |k| k == 0 || k >= 5)
}

/// A month as a heading: "Dec 2026", or "Dec 2026 (to date)" for a month that has not ended.
pub fn month_label(card: &Scorecard, month: Month) -> String {
    if card.is_to_date(month) { format!("{} (to date)", month.short_name()) } else { month.short_name() }
}

/// A text grid: measures down, months across with arrows against the month before, then
/// the latest month's target and the comparators with their periods.
pub fn to_table(card: &Scorecard) -> String {
    let mut header: Vec<String> = vec!["measure".into()];
    header.extend(card.months.iter().map(|m| month_label(card, *m)));
    header.extend(["target".into(), "england".into(), "region".into(), "neighbours".into()]);
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut section = "";
    for line in &card.lines {
        let m = line.measure;
        if m.section != section {
            section = m.section;
            let mut heading = vec![section.to_uppercase()];
            heading.resize(header.len(), String::new());
            rows.push(heading);
        }
        let mut row = vec![m.title.to_string()];
        for cell in &line.cells {
            let arrow = cell.trend.map_or(" ", |(a, _)| a.symbol());
            row.push(format!("{} {arrow}", display_value(m, cell.value.headline)));
        }
        row.push(match line.target {
            None => String::new(),
            Some(t) => match t.met {
                Some(true) => format!("{} met", display_value(m, Some(t.target))),
                Some(false) => format!("{} short", display_value(m, Some(t.target))),
                None => display_value(m, Some(t.target)),
            },
        });
        for comparator in ["england", "region", "statistical_neighbours"] {
            let b = line.benchmarks.iter().find(|b| b.comparator.code() == comparator);
            row.push(b.map_or(String::new(), |b| format!("{} ({})", display_value(m, Some(b.value)), b.period)));
        }
        rows.push(row);
        // The two-way breakdowns asked for (`--by A --by B`), a row per pair of keys.
        let mut pairs: Vec<(String, String)> = Vec::new();
        for c in line.cells.iter().flat_map(|cell| &cell.value.crossed) {
            let pair = (c.dimension_code(), c.key_code());
            if !pairs.contains(&pair) {
                pairs.push(pair);
            }
        }
        for (dimension, key) in pairs {
            let mut row = vec![format!("  {dimension} {key}")];
            for cell in &line.cells {
                let c = cell.value.crossed.iter().find(|c| c.dimension_code() == dimension && c.key_code() == key);
                row.push(display_value(m, c.and_then(|c| c.value)));
            }
            row.resize(header.len(), String::new());
            rows.push(row);
        }
    }
    let mut out = grid(&header, &rows, |k| k == 0);
    out.push_str(
        "▲ higher, ▼ lower, ▶ equal to the month before. Target: the latest month against the local target.\n",
    );
    out
}

/// Rows of text cells as a grid under `header`, each column as wide as its widest cell; the
/// columns `left` says are left-aligned, the rest right-aligned.
fn grid(header: &[String], rows: &[Vec<String>], left: impl Fn(usize) -> bool) -> String {
    let widths: Vec<usize> = (0..header.len())
        .map(|k| rows.iter().map(|r| r[k].chars().count()).chain([header[k].chars().count()]).max().unwrap_or(0))
        .collect();
    let render = |cells: &[String]| {
        let parts: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(k, c)| if left(k) { format!("{c:<w$}", w = widths[k]) } else { format!("{c:>w$}", w = widths[k]) })
            .collect();
        parts.join("  ").trim_end().to_string() + "\n"
    };
    let mut out = render(header);
    for row in rows {
        out.push_str(&render(row));
    }
    out
}

/// A breakdown key's change between two periods: dimension, key, change.
pub type KeyedChange = (String, String, Option<f64>);

/// One measure over the periods asked for (issue 23), with the change from the first period to
/// the second when there are two.
pub struct PeriodLine {
    pub measure: &'static sendtrack_domain::measures::MeasureDef,
    pub values: Vec<sendtrack_domain::measures::periods::PeriodValue>,
}

impl PeriodLine {
    /// The change from the first period to the second: the headline's, and each breakdown
    /// key's found in both.
    pub fn changes(&self) -> Option<(Option<f64>, Vec<KeyedChange>)> {
        use sendtrack_domain::measures::periods::change;
        let [before, after] = &self.values[..] else { return None };
        let keyed = after
            .breakdowns
            .iter()
            .filter_map(|(d, k, a)| {
                let (_, _, b) = before.breakdowns.iter().find(|(x, y, _)| x == d && y == k)?;
                Some((d.code().to_string(), k.clone(), change(self.measure, *b, *a)))
            })
            .collect();
        Some((change(self.measure, before.value, after.value), keyed))
    }
}

fn period_label(v: &sendtrack_domain::measures::periods::PeriodValue) -> String {
    v.label()
}

/// The values over periods as `measure,period,dimension,key,value`: `period` is
/// `YYYY-MM..YYYY-MM`; a count pooled over the months also has a `mean_per_month` row; with two
/// periods, rows whose period is `A vs B` hold the change (points for a percentage, % else).
pub fn period_csv(lines: &[PeriodLine]) -> String {
    let mut rows: Vec<[String; 5]> = Vec::new();
    let four = |v: Option<f64>| v.map_or(String::new(), |v| format!("{v:.4}"));
    for line in lines {
        let m = line.measure;
        for v in &line.values {
            let period = period_label(v);
            rows.push([m.id.into(), period.clone(), String::new(), String::new(), csv_value(m, v.value)]);
            if v.mean_per_month.is_some() {
                rows.push([
                    m.id.into(),
                    period.clone(),
                    "mean_per_month".into(),
                    String::new(),
                    four(v.mean_per_month),
                ]);
            }
            for (d, k, value) in &v.breakdowns {
                rows.push([m.id.into(), period.clone(), d.code().into(), k.clone(), csv_value(m, *value)]);
            }
        }
        if let Some((headline, keyed)) = line.changes() {
            let period = format!("{} vs {}", period_label(&line.values[0]), period_label(&line.values[1]));
            rows.push([m.id.into(), period.clone(), String::new(), String::new(), four(headline)]);
            for (d, k, value) in keyed {
                rows.push([m.id.into(), period.clone(), d, k, four(value)]);
            }
        }
    }
    rows.sort_by(|a, b| (&a[0], &a[1], &a[2], &a[3]).cmp(&(&b[0], &b[1], &b[2], &b[3])));
    let mut writer = csv::Writer::from_writer(Vec::new());
    // Writing to memory cannot fail.
    let _ = writer.write_record(["measure", "period", "dimension", "key", "value"]);
    for row in &rows {
        let _ = crate::for_people::write_row(&mut writer, row);
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// The values over periods as JSON.
pub fn period_json(lines: &[PeriodLine], periods: &[(String, String)]) -> String {
    let doc = serde_json::json!({
        "periods": periods.iter().map(|(label, words)| serde_json::json!({"period": label, "name": words})).collect::<Vec<_>>(),
        "measures": lines.iter().map(|l| serde_json::json!({
            "id": l.measure.id,
            "title": l.measure.title,
            "unit": l.measure.unit.code(),
            "values": l.values.iter().map(|v| serde_json::json!({
                "period": period_label(v),
                "pooled": v.pooling == sendtrack_domain::measures::periods::Pooling::Pooled,
                "value": json_number(v.value),
                "mean_per_month": json_number(v.mean_per_month),
                "breakdowns": v.breakdowns.iter().map(|(d, k, x)| serde_json::json!({
                    "dimension": d.code(), "key": k, "value": json_number(*x),
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "change": l.changes().map(|(c, _)| json_number(c)),
        })).collect::<Vec<_>>(),
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

/// The values over periods as a text table: each period's value and mean per month, and the
/// change with two.
pub fn period_table(lines: &[PeriodLine], periods: &[(String, String)]) -> String {
    let mut out = String::new();
    for (k, (label, words)) in periods.iter().enumerate() {
        out.push_str(&format!("Period {}: {words} ({label})\n", k + 1));
    }
    let mut header = vec!["measure".to_string()];
    for k in 0..periods.len() {
        header.push(format!("period {}", k + 1));
        header.push("per month".into());
    }
    if periods.len() == 2 {
        header.push("change".into());
    }
    let mut rows = vec![header];
    for line in lines {
        let m = line.measure;
        let mut row = vec![m.title.to_string()];
        for v in &line.values {
            let at_end =
                if v.pooling == sendtrack_domain::measures::periods::Pooling::AtEnd { " (at end)" } else { "" };
            row.push(format!("{}{at_end}", display_value(m, v.value)));
            row.push(v.mean_per_month.map_or(String::new(), |x| format!("{x:.1}")));
        }
        if let Some((c, _)) = line.changes() {
            let unit = if m.unit == Unit::Percent { " points" } else { "%" };
            row.push(c.map_or("–".into(), |c| format!("{c:+.1}{unit}")));
        }
        rows.push(row);
    }
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|k| rows.iter().map(|r| r.get(k).map_or(0, |c| c.chars().count())).max().unwrap_or(0))
        .collect();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(k, c)| if k == 0 { format!("{c:<w$}", w = widths[k]) } else { format!("{c:>w$}", w = widths[k]) })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}
