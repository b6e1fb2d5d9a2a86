//! Reconciling sendtrack's figures with those the DfE published for the authority (issue 24):
//! for each published figure of a calendar year, sendtrack's from its records. A year's share
//! pools the year's records (as the DfE counts a calendar year); a year's count is the year to
//! date at December.

use super::MeasureDef;
use super::engine::Engine;
use crate::codes::Comparator;
use crate::dates::Month;
use crate::records::{Benchmark, BenchmarkPeriod};

/// One published figure and sendtrack's.
#[derive(Debug, Clone)]
pub struct Reconciled {
    pub measure: &'static MeasureDef,
    pub published: f64,
    /// `None` when sendtrack's records hold nothing the figure counts.
    pub ours: Option<f64>,
}

impl Reconciled {
    /// sendtrack's less the published figure.
    pub fn difference(&self) -> Option<f64> {
        self.ours.map(|o| o - self.published)
    }
}

/// The years `benchmarks` hold a figure the authority published for, latest first.
pub fn published_years(benchmarks: &[Benchmark]) -> Vec<i16> {
    let mut years: Vec<i16> =
        benchmarks.iter().filter(|b| b.comparator == Comparator::Published).map(|b| year_of(b.period)).collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    years
}

fn year_of(period: BenchmarkPeriod) -> i16 {
    match period {
        BenchmarkPeriod::Year(y) => y,
        BenchmarkPeriod::Month(m) => m.year(),
    }
}

/// Each figure of `benchmarks` the authority published for `year`, with sendtrack's.
pub fn reconcile(engine: &Engine, benchmarks: &[Benchmark], year: i16) -> Vec<Reconciled> {
    let months: Vec<Month> = (1..=12).filter_map(|m| Month::new(year, m)).collect();
    benchmarks
        .iter()
        .filter(|b| b.comparator == Comparator::Published && year_of(b.period) == year)
        .filter_map(|b| {
            let measure = super::find(&b.measure)?;
            let ours = match b.period {
                BenchmarkPeriod::Month(m) => engine.value(measure, m).headline,
                BenchmarkPeriod::Year(_) => engine.share_over(measure, &months),
            };
            Some(Reconciled { measure, published: b.value, ours })
        })
        .collect()
}
