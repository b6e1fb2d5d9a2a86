//! How a value is presented beside others: its trend against the previous month, whether it
//! meets its local target, and the comparator values (`measures.md`, "Presentation rules").

use super::{Better, MeasureDef};
use crate::codes::Comparator;
use crate::dates::Month;
use crate::records::{Benchmark, BenchmarkPeriod, Target};

/// What is presented: a measure of the catalogue, or an indicator a partner supplies (issue
/// 22), which share the arrows, targets and comparators.
pub trait Rated {
    /// The id targets and benchmarks name it by.
    fn rated_id(&self) -> &str;
    /// Which way is better.
    fn rated_better(&self) -> Better;
}

impl Rated for MeasureDef {
    fn rated_id(&self) -> &str {
        self.id
    }
    fn rated_better(&self) -> Better {
        self.better
    }
}

impl Rated for crate::records::Indicator {
    fn rated_id(&self) -> &str {
        &self.indicator_id
    }
    fn rated_better(&self) -> Better {
        match self.better {
            Some(crate::codes::BetterWay::Up) => Better::Up,
            Some(crate::codes::BetterWay::Down) => Better::Down,
            None => Better::Neither,
        }
    }
}

/// The trend arrow against the previous period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrow {
    Up,
    Down,
    Level,
}

impl Arrow {
    pub fn symbol(self) -> &'static str {
        match self {
            Arrow::Up => "▲",
            Arrow::Down => "▼",
            Arrow::Level => "▶",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Arrow::Up => "up",
            Arrow::Down => "down",
            Arrow::Level => "level",
        }
    }
}

/// What a move means for the service: its colour on a scorecard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Green: the move is in the better direction.
    Good,
    /// Red: the move is in the worse direction.
    Bad,
    /// Grey: no direction is better, or nothing moved.
    Neutral,
}

impl Verdict {
    pub fn code(self) -> &'static str {
        match self {
            Verdict::Good => "good",
            Verdict::Bad => "bad",
            Verdict::Neutral => "neutral",
        }
    }
}

/// The arrow from `previous` to `current`, and its verdict; `None` when either is undefined.
pub fn trend(measure: &(impl Rated + ?Sized), previous: Option<f64>, current: Option<f64>) -> Option<(Arrow, Verdict)> {
    let (p, c) = (previous?, current?);
    let arrow = if (c - p).abs() < 1e-9 {
        Arrow::Level
    } else if c > p {
        Arrow::Up
    } else {
        Arrow::Down
    };
    let verdict = match (measure.rated_better(), arrow) {
        (_, Arrow::Level) | (Better::Neither, _) => Verdict::Neutral,
        (Better::Up, Arrow::Up) | (Better::Down, Arrow::Down) => Verdict::Good,
        _ => Verdict::Bad,
    };
    Some((arrow, verdict))
}

/// A value against its target.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AgainstTarget {
    pub target: f64,
    /// `None` when the measure has no better direction, or the value is undefined.
    pub met: Option<bool>,
    /// How far the value is short of the target (0 when met).
    pub short_by: f64,
}

/// The target that applies to `month`: the one due soonest on or after the month's first day,
/// else one with no date, else the latest one already past.
pub fn target_for<'t>(
    measure: &(impl Rated + ?Sized),
    targets: &'t crate::records::Records<Target>,
    month: Month,
) -> Option<&'t Target> {
    let mine = || targets.iter().filter(|t| t.measure == measure.rated_id());
    mine()
        .filter(|t| t.due_on.is_some_and(|d| d >= month.first_day()))
        .min_by_key(|t| t.due_on)
        .or_else(|| mine().find(|t| t.due_on.is_none()))
        .or_else(|| mine().max_by_key(|t| t.due_on))
}

/// `value` against `target`: met when at or beyond it in the better direction.
pub fn against_target(measure: &(impl Rated + ?Sized), target: &Target, value: Option<f64>) -> AgainstTarget {
    let met = value.and_then(|v| match measure.rated_better() {
        Better::Up => Some(v >= target.target),
        Better::Down => Some(v <= target.target),
        Better::Neither => None,
    });
    let short_by = match (value, met) {
        (Some(v), Some(false)) => (v - target.target).abs(),
        _ => 0.0,
    };
    AgainstTarget { target: target.target, met, short_by }
}

/// For each comparator, the latest benchmark of `measure` whose period starts on or before
/// `month` (a yearly benchmark starts in January), in comparator order.
pub fn benchmarks_for<'b>(
    measure: &(impl Rated + ?Sized),
    benchmarks: &'b crate::records::Records<Benchmark>,
    month: Month,
) -> Vec<&'b Benchmark> {
    Comparator::ALL
        .iter()
        .filter_map(|&c| {
            benchmarks
                .iter()
                .filter(|b| b.measure == measure.rated_id() && b.comparator == c && b.period.first_month() <= month)
                .max_by_key(|b| (b.period.first_month(), matches!(b.period, BenchmarkPeriod::Month(_))))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measures::MeasureId;

    fn m(id: MeasureId) -> &'static MeasureDef {
        id.def()
    }

    #[test]
    fn arrows_follow_the_better_direction() {
        let up = m(MeasureId::PlansIssuedWithin20WeeksPct);
        let down = m(MeasureId::DecisionsOverdue);
        let neither = m(MeasureId::RequestsReceived);
        assert_eq!(trend(up, Some(40.0), Some(45.0)), Some((Arrow::Up, Verdict::Good)));
        assert_eq!(trend(up, Some(45.0), Some(40.0)), Some((Arrow::Down, Verdict::Bad)));
        assert_eq!(trend(down, Some(45.0), Some(40.0)), Some((Arrow::Down, Verdict::Good)));
        assert_eq!(trend(down, Some(40.0), Some(45.0)), Some((Arrow::Up, Verdict::Bad)));
        assert_eq!(trend(neither, Some(40.0), Some(45.0)), Some((Arrow::Up, Verdict::Neutral)));
        assert_eq!(trend(up, Some(40.0), Some(40.0)), Some((Arrow::Level, Verdict::Neutral)));
        assert_eq!(trend(up, None, Some(40.0)), None);
        assert_eq!(trend(up, Some(40.0), None), None);
    }

    #[test]
    fn targets_are_met_in_the_better_direction() {
        let t = |measure: &str, target: f64| Target { measure: measure.into(), target, due_on: None };
        let up = m(MeasureId::PlansIssuedWithin20WeeksPct);
        assert_eq!(against_target(up, &t(up.id, 60.0), Some(60.0)).met, Some(true));
        let short = against_target(up, &t(up.id, 60.0), Some(45.5));
        assert_eq!((short.met, short.short_by), (Some(false), 14.5));
        let down = m(MeasureId::DecisionsOverdue);
        assert_eq!(against_target(down, &t(down.id, 10.0), Some(12.0)).met, Some(false));
        assert_eq!(against_target(down, &t(down.id, 10.0), Some(9.0)).met, Some(true));
        assert_eq!(against_target(up, &t(up.id, 60.0), None).met, None);
    }

    #[test]
    fn the_target_due_soonest_applies() {
        let measure = m(MeasureId::PlansIssuedWithin20WeeksPct);
        let t = |target: f64, due: Option<(i16, i8, i8)>| Target {
            measure: measure.id.into(),
            target,
            due_on: due.map(|(y, mo, d)| jiff::civil::date(y, mo, d)),
        };
        let targets: crate::records::Records<Target> =
            imbl::vector![t(50.0, Some((2024, 3, 31))), t(60.0, Some((2025, 3, 31))), t(70.0, None)];
        let month = |y, mo| Month::new(y, mo).unwrap();
        assert_eq!(target_for(measure, &targets, month(2024, 1)).unwrap().target, 50.0);
        assert_eq!(target_for(measure, &targets, month(2024, 4)).unwrap().target, 60.0);
        assert_eq!(target_for(measure, &targets, month(2025, 4)).unwrap().target, 70.0);
        assert!(target_for(m(MeasureId::PlansActive), &targets, month(2024, 1)).is_none());
    }

    #[test]
    fn the_latest_benchmark_started_by_the_month_is_shown() {
        let measure = m(MeasureId::PlansIssuedWithin20WeeksPct);
        let b = |period: BenchmarkPeriod, comparator, value| Benchmark {
            measure: measure.id.into(),
            period,
            comparator,
            value,
        };
        let benchmarks: crate::records::Records<Benchmark> = imbl::vector![
            b(BenchmarkPeriod::Year(2023), Comparator::England, 50.3),
            b(BenchmarkPeriod::Year(2024), Comparator::England, 46.4),
            b(BenchmarkPeriod::Year(2024), Comparator::Region, 40.0),
        ];
        let shown = benchmarks_for(measure, &benchmarks, Month::new(2024, 6).unwrap());
        assert_eq!(shown.iter().map(|b| b.value).collect::<Vec<_>>(), [46.4, 40.0]);
        let shown = benchmarks_for(measure, &benchmarks, Month::new(2023, 12).unwrap());
        assert_eq!(shown.iter().map(|b| b.value).collect::<Vec<_>>(), [50.3]);
    }
}
