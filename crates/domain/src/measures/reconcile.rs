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

/// The calendar years `benchmarks` hold a figure the authority published for, latest first: a
/// year's share or a count as at its December (a census-day share, issue 23, is beside the
/// scorecard's January, not a calendar year's figure).
pub fn published_years(benchmarks: &[Benchmark]) -> Vec<i16> {
    let calendar = |p: BenchmarkPeriod| match p {
        BenchmarkPeriod::Year(_) => true,
        BenchmarkPeriod::Month(m) => m.month() == 12,
    };
    let mut years: Vec<i16> = benchmarks
        .iter()
        .filter(|b| b.comparator == Comparator::Published && calendar(b.period))
        .map(|b| year_of(b.period))
        .collect();
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

/// When a published figure by breakdown is for: a calendar year's activity, or the plans in
/// force on a census day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublishedOn {
    Year(i16),
    CensusDay(jiff::civil::Date),
}

impl std::fmt::Display for PublishedOn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PublishedOn::Year(y) => write!(f, "{y}"),
            PublishedOn::CensusDay(d) => write!(f, "{d}"),
        }
    }
}

impl std::str::FromStr for PublishedOn {
    type Err = String;
    fn from_str(text: &str) -> Result<PublishedOn, String> {
        match text.parse::<i16>() {
            Ok(y) => Ok(PublishedOn::Year(y)),
            Err(_) => crate::dates::parse_date(text).map(PublishedOn::CensusDay),
        }
    }
}

/// A count the DfE published for the authority, in total or for one key of a breakdown
/// (sendtrack's keys: the DfE's single years of age summed into its age bands), with the file
/// and column it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct PublishedFigure {
    pub measure: super::MeasureId,
    pub on: PublishedOn,
    /// With its key; `None` for the total.
    pub breakdown: Option<(super::Dimension, String)>,
    pub value: f64,
    pub source: String,
}

/// A published figure and sendtrack's count of the same.
#[derive(Debug, Clone)]
pub struct ReconciledFigure {
    pub figure: PublishedFigure,
    pub ours: f64,
}

impl ReconciledFigure {
    pub fn difference(&self) -> f64 {
        self.ours - self.figure.value
    }
}

/// sendtrack's count for each published figure: a year's figure sums the twelve months of
/// `engine` (each record counted in its month; the engine the other figures were read from); a
/// census day's is as at that day, from an engine of the same records as at it.
pub fn reconcile_figures(year_engine: &Engine, figures: &[PublishedFigure]) -> Vec<ReconciledFigure> {
    let cw = year_engine.casework();
    let mut census_engines: Vec<(jiff::civil::Date, Engine)> = Vec::new();
    for f in figures {
        if let PublishedOn::CensusDay(d) = f.on
            && !census_engines.iter().any(|(c, _)| *c == d)
        {
            census_engines.push((d, Engine::as_at(cw, d)));
        }
    }
    let count = |value: &super::engine::MeasureValue, breakdown: &Option<(super::Dimension, String)>| match breakdown {
        None => value.headline.unwrap_or(0.0),
        Some((dimension, key)) => value
            .breakdowns
            .iter()
            .filter(|(d, k, _)| d == dimension && k == key)
            .map(|(_, _, v)| v.unwrap_or(0.0))
            .sum(),
    };
    figures
        .iter()
        .map(|f| {
            let measure = f.measure.def();
            let ours = match f.on {
                PublishedOn::Year(y) => (1..=12)
                    .filter_map(|m| Month::new(y, m))
                    .map(|m| count(&year_engine.value(measure, m), &f.breakdown))
                    .sum(),
                PublishedOn::CensusDay(d) => {
                    let engine = census_engines.iter().find(|(c, _)| *c == d).map(|(_, e)| e);
                    let month = Month::new(d.year(), d.month());
                    engine.zip(month).map_or(0.0, |(e, m)| count(&e.value(measure, m), &f.breakdown))
                }
            };
            // `+ 0.0`: an empty sum of floats is -0.
            ReconciledFigure { figure: f.clone(), ours: ours + 0.0 }
        })
        .collect()
}

/// Where a figure sorts: by measure, day, then total first and keys in their lists' order
/// (age bands youngest first, needs in the code list's order, unknown last).
fn order(f: &PublishedFigure) -> (super::MeasureId, i64, usize, usize) {
    let on = match f.on {
        PublishedOn::Year(y) => i64::from(y) * 10_000,
        PublishedOn::CensusDay(d) => i64::from(d.year()) * 10_000 + i64::from(d.month()) * 100 + i64::from(d.day()),
    };
    let (dimension, key) = match &f.breakdown {
        None => (0, 0),
        Some((d, k)) => {
            let bands = ["under_5", "5_10", "11_15", "16_19", "20_25"];
            let needs: Vec<&str> = crate::codes::Need::ALL.iter().map(|n| n.code()).collect();
            let rank = bands.iter().position(|b| b == k).or_else(|| needs.iter().position(|n| n == k));
            (1 + *d as usize, rank.unwrap_or(usize::MAX))
        }
    };
    (f.measure, on, dimension, key)
}

/// `figures` in the order a reader expects (see [`order`]).
pub fn sorted(mut figures: Vec<PublishedFigure>) -> Vec<PublishedFigure> {
    figures.sort_by_key(order);
    figures
}

/// The figures for calendar year `year`: its activity, and the plans on the census day of the
/// return for it (January of the next year).
pub fn figures_for(figures: &[PublishedFigure], year: i16) -> Vec<PublishedFigure> {
    let census = crate::sen2::census_day(year + 1);
    sorted(
        figures
            .iter()
            .filter(|f| match f.on {
                PublishedOn::Year(y) => y == year,
                PublishedOn::CensusDay(d) => Some(d) == census,
            })
            .cloned()
            .collect(),
    )
}

/// Why sendtrack's count differs from the published one, where the records can say.
pub fn explain(cw: &crate::records::Casework, r: &ReconciledFigure) -> Option<String> {
    use super::Dimension;
    if r.difference() == 0.0 {
        return None;
    }
    let key = r.figure.breakdown.as_ref().map(|(d, k)| (*d, k.as_str()));
    match (r.figure.on, key) {
        (PublishedOn::CensusDay(_), Some((Dimension::PrimaryNeed, "unknown"))) => {
            Some("sendtrack counts here the plans of children with no primary need recorded: record their need".into())
        }
        (PublishedOn::CensusDay(d), None) => {
            // Plans past the law's age limit that sendtrack still holds in force.
            let born: std::collections::HashMap<&str, jiff::civil::Date> =
                cw.children.iter().map(|c| (c.child_id.as_str(), c.date_of_birth)).collect();
            let past_25 = cw
                .plans
                .iter()
                .filter(|p| p.is_active_at(d))
                .filter(|p| born.get(p.child_id.as_str()).is_some_and(|b| crate::dates::age_on(*b, d) > 25))
                .count();
            (past_25 > 0).then(|| {
                format!("{past_25} of sendtrack's plans in force that day are of young people over 25: cease them")
            })
        }
        (_, Some((Dimension::AgeBand, "20_25"))) => {
            Some("the DfE's oldest group is 20 and over; sendtrack's band is 20 to 25".into())
        }
        _ => None,
    }
}
