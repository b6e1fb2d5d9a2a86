//! population.csv: the resident population by single year of age.

use super::{Record, RecordFile, RecordType};
use crate::rows::{Column, Row, parse_whole};

/// Resident population of one single year of age in one year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PopulationCount {
    pub year: i16,
    pub age: u8,
    pub count: u64,
}

impl Record for PopulationCount {
    type Key = (i16, u8);

    const TYPE: RecordType = RecordType {
        file: RecordFile::Population,
        name: "population count",
        file_name: "population.csv",
        table: "population",
        key: &["year", "age"],
        versioned: false,
        form: None,
        columns: &[Column::whole("year"), Column::whole("age"), Column::whole("count")],
    };

    fn key(&self) -> (i16, u8) {
        (self.year, self.age)
    }

    fn cells(&self) -> Vec<String> {
        vec![self.year.to_string(), self.age.to_string(), self.count.to_string()]
    }

    fn read(row: &mut Row) -> Option<PopulationCount> {
        let year = row.req("year", |t: &str| {
            parse_whole::<i16>("a year")(t)
                .and_then(|y| if (1900..=2999).contains(&y) { Ok(y) } else { Err(format!("'{t}' is not a year")) })
        });
        let age = row.req("age", |t: &str| {
            parse_whole::<u8>("an age from 0 to 25")(t)
                .and_then(|a| if a <= 25 { Ok(a) } else { Err(format!("age {a} is outside 0 to 25")) })
        });
        let count = row.req("count", parse_whole::<u64>("a whole number of persons"));
        Some(PopulationCount { year: year?, age: age?, count: count? })
    }
}
