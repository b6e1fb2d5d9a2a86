//! benchmarks.csv: published comparator values for the measures.

use super::{Record, RecordFile, RecordType};
use crate::codes::*;
use crate::rows::{Column, Row, parse_text_number};
use jiff::civil::Date;

/// The period a benchmark describes: a calendar year or a month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BenchmarkPeriod {
    Year(i16),
    Month(crate::dates::Month),
}

impl BenchmarkPeriod {
    pub fn parse(text: &str) -> Result<BenchmarkPeriod, String> {
        if text.len() == 4 {
            let year: i16 = text.parse().map_err(|_| format!("'{text}' is not a period: write YYYY or YYYY-MM"))?;
            if (1900..=2999).contains(&year) {
                return Ok(BenchmarkPeriod::Year(year));
            }
        }
        text.parse::<crate::dates::Month>()
            .map(BenchmarkPeriod::Month)
            .map_err(|_| format!("'{text}' is not a period: write YYYY or YYYY-MM"))
    }

    /// The first month of the period (a yearly benchmark starts in January).
    pub fn first_month(self) -> crate::dates::Month {
        match self {
            BenchmarkPeriod::Year(y) => {
                crate::dates::Month::new(y, 1).unwrap_or(crate::dates::Month::containing(Date::default()))
            }
            BenchmarkPeriod::Month(m) => m,
        }
    }
}

impl std::fmt::Display for BenchmarkPeriod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BenchmarkPeriod::Year(y) => write!(f, "{y:04}"),
            BenchmarkPeriod::Month(m) => write!(f, "{m}"),
        }
    }
}

/// A published comparator value for a measure.
#[derive(Debug, Clone, PartialEq)]
pub struct Benchmark {
    pub measure: String,
    pub period: BenchmarkPeriod,
    pub comparator: Comparator,
    pub value: f64,
}

impl Record for Benchmark {
    type Key = (String, BenchmarkPeriod, Comparator);

    const TYPE: RecordType = RecordType {
        file: RecordFile::Benchmarks,
        name: "benchmark",
        file_name: "benchmarks.csv",
        table: "benchmarks",
        key: &["measure", "period", "comparator"],
        versioned: false,
        form: None,
        columns: &[
            Column::required("measure"),
            Column::required("period"),
            Column::required("comparator").code::<Comparator>(),
            Column::decimal("value"),
        ],
    };

    fn key(&self) -> Self::Key {
        (self.measure.clone(), self.period, self.comparator)
    }

    fn cells(&self) -> Vec<String> {
        vec![self.measure.clone(), self.period.to_string(), self.comparator.to_string(), self.value.to_string()]
    }

    fn read(row: &mut Row) -> Option<Benchmark> {
        let measure = row.req_string("measure");
        let period = row.req("period", BenchmarkPeriod::parse);
        let comparator = row.req("comparator", Comparator::parse);
        let value = row.req("value", parse_text_number);
        Some(Benchmark { measure: measure?, period: period?, comparator: comparator?, value: value? })
    }
}
