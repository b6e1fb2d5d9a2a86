//! A scorecard: the values of a set of measures over a range of months, with the trend of
//! each month against the one before, the target that applies and the comparators.

use super::engine::{Engine, MeasureValue};
use super::presentation::{AgainstTarget, Arrow, Verdict, against_target, benchmarks_for, target_for, trend};
use super::{Dimension, MeasureDef};
use crate::dates::Month;
use crate::records::Benchmark;

/// One month of one measure.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub month: Month,
    pub value: MeasureValue,
    /// Against the month before.
    pub trend: Option<(Arrow, Verdict)>,
}

/// One measure across the months.
#[derive(Debug, Clone)]
pub struct Line {
    pub measure: &'static MeasureDef,
    pub cells: Vec<Cell>,
    /// The latest month against its target, if the measure has one.
    pub target: Option<AgainstTarget>,
    /// The comparators for the latest month.
    pub benchmarks: Vec<Benchmark>,
}

impl Line {
    pub fn latest(&self) -> Option<&Cell> {
        self.cells.last()
    }
}

/// Measures down, months across.
#[derive(Debug, Clone)]
pub struct Scorecard {
    pub months: Vec<Month>,
    pub lines: Vec<Line>,
    /// The month of the range that has not ended (figures to date), if any.
    pub to_date: Option<Month>,
}

impl Scorecard {
    /// Whether `month`'s figures are to date (the month has not ended).
    pub fn is_to_date(&self, month: Month) -> bool {
        self.to_date == Some(month)
    }
}

/// Computes `measures` for every month from `from` to `to`, on up to `threads` threads.
pub fn scorecard(
    engine: &Engine,
    measures: &[&'static MeasureDef],
    from: Month,
    to: Month,
    threads: usize,
) -> Scorecard {
    scorecard_crossed(engine, measures, from, to, threads, &[])
}

/// [`scorecard`] with the two-way breakdowns of `pairs` for the measures that have both
/// dimensions (issue 23).
pub fn scorecard_crossed(
    engine: &Engine,
    measures: &[&'static MeasureDef],
    from: Month,
    to: Month,
    threads: usize,
    pairs: &[[Dimension; 2]],
) -> Scorecard {
    compute(engine, measures, from, to, threads, pairs, None)
}

/// The scorecard of [`scorecard`] after a change that reached back as far as `reach`, from
/// `earlier`, the same scorecard computed before it: the months before the change reaches keep
/// `earlier`'s cells, and only the rest are computed (issue 16: a save works out again the
/// months it touches). `engine` is over the records after the change; `earlier` must be of
/// the same measures and months (otherwise everything is computed).
pub fn scorecard_after(
    engine: &Engine,
    measures: &[&'static MeasureDef],
    from: Month,
    to: Month,
    threads: usize,
    earlier: &Scorecard,
    reach: super::reach::Reach,
) -> Scorecard {
    let months: Vec<Month> = from.through(to).collect();
    let same = earlier.months == months
        && earlier.lines.len() == measures.len()
        && earlier
            .lines
            .iter()
            .zip(measures)
            .all(|(l, m)| std::ptr::eq(l.measure, *m) && l.cells.len() == months.len());
    if !same {
        return compute(engine, measures, from, to, threads, &[], None);
    }
    match reach.first_month(from, to) {
        None => earlier.clone(),
        Some(first) => {
            let kept = months.iter().take_while(|m| **m < first).count();
            compute(engine, measures, from, to, threads, &[], Some((earlier, kept)))
        }
    }
}

/// Computes the scorecard; with `kept`, the first months of an earlier one are taken from it.
fn compute(
    engine: &Engine,
    measures: &[&'static MeasureDef],
    from: Month,
    to: Month,
    threads: usize,
    pairs: &[[Dimension; 2]],
    kept: Option<(&Scorecard, usize)>,
) -> Scorecard {
    let months: Vec<Month> = from.through(to).collect();
    let kept_months = kept.map_or(0, |(_, n)| n);
    // The month before the first computed gives its arrow (an earlier one's, when kept).
    let needed: Vec<Month> = months[kept_months..].to_vec();
    let needed: Vec<Month> =
        if kept_months == 0 { std::iter::once(from.plus(-1)).chain(needed).collect() } else { needed };
    engine.prepare(&needed, threads);
    let cw = engine.casework();
    let compute_line = |i: usize, measure: &'static MeasureDef| {
        let mut cells: Vec<Cell> = Vec::with_capacity(months.len());
        let mut previous = match kept {
            Some((earlier, n)) if n > 0 => {
                cells.extend_from_slice(&earlier.lines[i].cells[..n]);
                cells[n - 1].value.headline
            }
            _ => engine.value(measure, from.plus(-1)).headline,
        };
        for &month in &months[kept_months..] {
            let value = engine.value_crossed(measure, month, pairs);
            let cell = Cell { month, trend: trend(measure, previous, value.headline), value };
            previous = cell.value.headline;
            cells.push(cell);
        }
        let latest = cells.last().map(|c| (c.month, c.value.headline));
        let target =
            latest.and_then(|(m, v)| target_for(measure, &cw.targets, m).map(|t| against_target(measure, t, v)));
        let benchmarks = latest
            .map(|(m, _)| benchmarks_for(measure, &cw.benchmarks, m).into_iter().cloned().collect())
            .unwrap_or_default();
        Line { measure, cells, target, benchmarks }
    };
    let threads = threads.max(1).min(measures.len().max(1));
    let mut lines: Vec<(usize, Line)> = Vec::with_capacity(measures.len());
    // Measures differ a lot in cost, so each thread takes the next measure not yet taken.
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let (compute_line, next) = (&compute_line, &next);
                scope.spawn(move || {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(m) = measures.get(i) else { break mine };
                        mine.push((i, compute_line(i, m)));
                    }
                })
            })
            .collect();
        for handle in handles {
            // A panic in a worker is a bug; carry it on rather than hide it.
            match handle.join() {
                Ok(part) => lines.extend(part),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
    });
    lines.sort_by_key(|(i, _)| *i);
    let to_date = months.iter().copied().find(|m| engine.to_date(*m));
    Scorecard { months, lines: lines.into_iter().map(|(_, l)| l).collect(), to_date }
}
