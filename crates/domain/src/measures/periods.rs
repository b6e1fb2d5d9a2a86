//! Periods beyond the month (issue 23): the academic year to date, the term, the financial year
//! to date, any span of months and "since" a month, with each measure's value over them, its
//! mean per month and the change between two periods.
//!
//! Terms are aligned to months: autumn is September to December, spring January to March,
//! summer April to August.

use super::engine::{Engine, Tally};
use super::{Dimension, MeasureDef};
use crate::dates::Month;
use jiff::civil::Date;

/// A period of months, read against the last month it runs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// From the September before (or of) the month, to it.
    AcademicYearToDate,
    /// From the start of the term holding the month, to it.
    Term,
    /// From the April before (or of) the month, to it.
    FinancialYearToDate,
    /// These months, whatever the month asked for.
    Span(Month, Month),
    /// From this month to the month asked for.
    Since(Month),
    /// The last this many days, to today (`days:7`).
    Days(u16),
}

impl Period {
    /// Reads `academic_ytd`, `term`, `financial_ytd`, `span:YYYY-MM..YYYY-MM` or
    /// `since:YYYY-MM`.
    pub fn parse(text: &str) -> Result<Period, String> {
        let month = |m: &str| m.trim().parse::<Month>();
        match text.trim() {
            "academic_ytd" => Ok(Period::AcademicYearToDate),
            "term" => Ok(Period::Term),
            "financial_ytd" => Ok(Period::FinancialYearToDate),
            other => {
                if let Some(span) = other.strip_prefix("span:") {
                    let (from, to) =
                        span.split_once("..").ok_or_else(|| format!("'{other}': a span is span:YYYY-MM..YYYY-MM"))?;
                    let (from, to) = (month(from)?, month(to)?);
                    if from > to {
                        return Err(format!("'{other}': the span ends before it starts"));
                    }
                    Ok(Period::Span(from, to))
                } else if let Some(since) = other.strip_prefix("since:") {
                    Ok(Period::Since(month(since)?))
                } else if let Some(days) = other.strip_prefix("days:") {
                    match days.trim().parse::<u16>() {
                        Ok(n) if (1..=366).contains(&n) => Ok(Period::Days(n)),
                        _ => Err(format!("'{other}': the last N days is days:N, N from 1 to 366")),
                    }
                } else {
                    Err(format!(
                        "'{other}' is not a period: academic_ytd, term, financial_ytd, span:YYYY-MM..YYYY-MM, since:YYYY-MM or days:N"
                    ))
                }
            }
        }
    }

    /// The first and last month of the period, read against `to`.
    pub fn months(self, to: Month) -> (Month, Month) {
        let back_to = |start: i8| {
            let year = if to.month() >= start { to.year() } else { to.year() - 1 };
            Month::new(year, start).unwrap_or(to)
        };
        match self {
            Period::AcademicYearToDate => (back_to(9), to),
            Period::FinancialYearToDate => (back_to(4), to),
            Period::Term => (back_to(term_start(to.month())), to),
            Period::Span(from, last) => (from, last),
            Period::Since(from) => (from.min(to), to),
            // Read against a day, not a month: see [`Period::days`].
            Period::Days(_) => (to, to),
        }
    }

    /// The period's name in words, read against `to`.
    pub fn describe(self, to: Month) -> String {
        let (from, last) = self.months(to);
        let span = format!("{} to {}", from.long_name(), last.long_name());
        match self {
            Period::AcademicYearToDate => format!("Academic year to date ({span})"),
            Period::FinancialYearToDate => format!("Financial year to date ({span})"),
            Period::Term => {
                let name = match term_start(to.month()) {
                    9 => "Autumn",
                    1 => "Spring",
                    _ => "Summer",
                };
                format!("{name} term to date ({span})")
            }
            Period::Span(..) => span,
            Period::Since(_) => format!("Since {}, to {}", from.long_name(), last.long_name()),
            Period::Days(n) => format!("The last {n} days"),
        }
    }

    /// For the last N days to `today`: the first and last day.
    pub fn days(self, today: Date) -> Option<(Date, Date)> {
        match self {
            Period::Days(n) => Some((crate::dates::add_days(today, 1 - i64::from(n)), today)),
            _ => None,
        }
    }
}

/// The month a term starts in: autumn September, spring January, summer April.
fn term_start(month: i8) -> i8 {
    match month {
        9..=12 => 9,
        1..=3 => 1,
        _ => 4,
    }
}

/// A period's label in output: `YYYY-MM..YYYY-MM`.
pub fn label(from: Month, to: Month) -> String {
    format!("{from}..{to}")
}

/// How a measure's months combine over a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pooling {
    /// The facts of every month together: a count sums, a share pools its numerators and
    /// denominators, a mean or median takes all the amounts.
    Pooled,
    /// The value at the end of the period: a measure taken "as at" a day, over a trailing
    /// year, to date in the year, or a change on a year before.
    AtEnd,
}

/// Whether `measure` counts what stands at a day (open cases, plans in force), so that the mean
/// of its month ends is a mean per month.
fn is_stock(measure: &MeasureDef) -> bool {
    let d = measure.definition;
    // The plans in force, and shares of them, are taken at a day; only ceasings are events.
    let in_force = measure.section == "Plans in force" && measure.id != "plans_ceased";
    (d.starts_with("as at") || d.starts_with("same,") || in_force) && !measure.id.contains("change")
}

/// How `measure`'s months combine over a period.
pub fn pooling(measure: &MeasureDef) -> Pooling {
    let d = measure.definition;
    let over_a_year = d.contains("trailing") || d.contains("academic year") || measure.id.ends_with("_ytd");
    if is_stock(measure) || over_a_year || measure.id.contains("change") { Pooling::AtEnd } else { Pooling::Pooled }
}

/// A measure's value over a period.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodValue {
    pub from: Month,
    pub to: Month,
    pub pooling: Pooling,
    pub value: Option<f64>,
    /// For a count: its mean per month (for a pooled count, the total over the months; for a
    /// count of what stands at a day, the mean of the month ends; none for a year to date).
    pub mean_per_month: Option<f64>,
    /// (dimension, key, value), as the month's breakdowns are ordered.
    pub breakdowns: Vec<(Dimension, String, Option<f64>)>,
    /// For the last N days: their first and last day (`from` and `to` are their months).
    pub days: Option<(Date, Date)>,
}

impl PeriodValue {
    /// The period in output: `YYYY-MM..YYYY-MM`, or `YYYY-MM-DD..YYYY-MM-DD` for days.
    pub fn label(&self) -> String {
        match self.days {
            Some((a, b)) => format!("{a}..{b}"),
            None => label(self.from, self.to),
        }
    }
}

/// `measure` over the days `first` to `last`: `now` is an engine as at `last`, `before` one
/// as at the day before `first`. Events are those dated in the days (what the later day's
/// months hold that the earlier day's did not); a measure taken at a day is as at `last`.
pub fn days_value<'a>(
    now: &Engine<'a>,
    before: &Engine<'a>,
    measure: &MeasureDef,
    first: Date,
    last: Date,
) -> PeriodValue {
    let (from, to) = (Month::containing(first), Month::containing(last));
    let days = Some((first, last));
    if pooling(measure) == Pooling::AtEnd {
        let end = now.value(measure, to);
        return PeriodValue {
            from,
            to,
            pooling: Pooling::AtEnd,
            value: end.headline,
            mean_per_month: None,
            breakdowns: end.breakdowns,
            days,
        };
    }
    let pool = |e: &Engine<'a>| Tally::pooled(from.through(to).map(|m| e.tally(measure, m)).collect());
    let (Some(later), Some(earlier)) = (pool(now), pool(before)) else {
        return PeriodValue::nothing(from, to, days);
    };
    let window = later.without(&earlier);
    let breakdowns = breakdowns_of(measure, &window);
    PeriodValue { from, to, pooling: Pooling::Pooled, value: window.headline(), mean_per_month: None, breakdowns, days }
}

/// A pooled tally's breakdowns, each dimension's keys in its order.
fn breakdowns_of(measure: &MeasureDef, tally: &Tally<'_>) -> Vec<(Dimension, String, Option<f64>)> {
    let mut breakdowns = Vec::new();
    for (slot, &dimension) in measure.breakdowns.iter().enumerate() {
        let mut keyed = tally.breakdown(slot);
        keyed.sort_by(|a, b| (dimension.key_rank(a.0), a.0).cmp(&(dimension.key_rank(b.0), b.0)));
        breakdowns.extend(keyed.into_iter().map(|(k, v)| (dimension, k.to_string(), v)));
    }
    breakdowns
}

impl PeriodValue {
    /// A pooled value with nothing to pool.
    fn nothing(from: Month, to: Month, days: Option<(Date, Date)>) -> PeriodValue {
        PeriodValue {
            from,
            to,
            pooling: Pooling::Pooled,
            value: None,
            mean_per_month: None,
            breakdowns: Vec::new(),
            days,
        }
    }
}

/// `measure` over the months `from` to `to`.
pub fn period_value(engine: &Engine<'_>, measure: &MeasureDef, from: Month, to: Month) -> PeriodValue {
    let months: Vec<Month> = from.through(to).collect();
    let n = months.len().max(1) as f64;
    let count = measure.unit == super::Unit::Count;
    match pooling(measure) {
        Pooling::AtEnd => {
            let end = engine.value(measure, to);
            let mean = (count && is_stock(measure))
                .then(|| months.iter().filter_map(|m| engine.value(measure, *m).headline).sum::<f64>() / n);
            PeriodValue {
                from,
                to,
                pooling: Pooling::AtEnd,
                value: end.headline,
                mean_per_month: mean,
                breakdowns: end.breakdowns,
                days: None,
            }
        }
        Pooling::Pooled => {
            let tallies: Vec<Tally<'_>> = months.iter().map(|m| engine.tally(measure, *m)).collect();
            let Some(pooled) = Tally::pooled(tallies) else { return PeriodValue::nothing(from, to, None) };
            let value = pooled.headline();
            let breakdowns = breakdowns_of(measure, &pooled);
            let mean = if count { value.map(|v| v / n) } else { None };
            PeriodValue { from, to, pooling: Pooling::Pooled, value, mean_per_month: mean, breakdowns, days: None }
        }
    }
}

/// The change from `before` to `after`: for a percentage the difference in points, otherwise
/// the change as a percentage of `before` (undefined from nothing).
pub fn change(measure: &MeasureDef, before: Option<f64>, after: Option<f64>) -> Option<f64> {
    let (b, a) = (before?, after?);
    if measure.unit == super::Unit::Percent {
        Some(a - b)
    } else if b != 0.0 {
        Some((a - b) / b * 100.0)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(y: i16, mo: i8) -> Month {
        Month::new(y, mo).expect("a month")
    }

    #[test]
    fn periods_run_back_to_their_start() {
        let nov = m(2026, 11);
        assert_eq!(Period::AcademicYearToDate.months(nov), (m(2026, 9), nov));
        assert_eq!(Period::AcademicYearToDate.months(m(2027, 8)), (m(2026, 9), m(2027, 8)));
        assert_eq!(Period::AcademicYearToDate.months(m(2026, 9)), (m(2026, 9), m(2026, 9)));
        assert_eq!(Period::FinancialYearToDate.months(nov), (m(2026, 4), nov));
        assert_eq!(Period::FinancialYearToDate.months(m(2027, 3)), (m(2026, 4), m(2027, 3)));
        assert_eq!(Period::Term.months(nov), (m(2026, 9), nov));
        assert_eq!(Period::Term.months(m(2027, 3)), (m(2027, 1), m(2027, 3)));
        assert_eq!(Period::Term.months(m(2027, 8)), (m(2027, 4), m(2027, 8)));
        assert_eq!(Period::parse("span:2026-01..2026-05"), Ok(Period::Span(m(2026, 1), m(2026, 5))));
        assert_eq!(Period::parse("since:2022-01").map(|p| p.months(nov)), Ok((m(2022, 1), nov)));
        assert!(Period::parse("span:2026-06..2026-01").is_err());
        assert!(Period::parse("quarter").is_err());
        assert_eq!(Period::Term.describe(m(2027, 5)), "Summer term to date (April 2027 to May 2027)");
    }

    #[test]
    fn a_change_is_in_points_for_a_percentage_and_in_percent_otherwise() {
        let count = super::super::find("plans_issued").expect("measure");
        let share = super::super::find("plans_issued_within_20_weeks_pct").expect("measure");
        assert_eq!(change(count, Some(399.0), Some(949.0)).map(|c| c.round()), Some(138.0));
        assert_eq!(change(share, Some(40.0), Some(52.5)), Some(12.5));
        assert_eq!(change(count, Some(0.0), Some(3.0)), None);
        assert_eq!(pooling(count), Pooling::Pooled);
        assert_eq!(pooling(super::super::find("plans_active").expect("measure")), Pooling::AtEnd);
        assert_eq!(pooling(super::super::find("assess_rate_pct").expect("measure")), Pooling::AtEnd);
        assert_eq!(pooling(super::super::find("requests_received_ytd").expect("measure")), Pooling::AtEnd);
    }
}
