//! National benchmarks from the DfE's published "Education, health and care plans" statistics
//! (explore-education-statistics CSV files, one per table): for the catalogue measures they can
//! answer, the value for England, the authority's region, its statistical neighbours (their
//! numerators summed over their denominators summed, not an average of percentages) and the
//! authority itself as published (for reconciliation).
//!
//! Which DfE column answers which measure is [`MAPPINGS`]. Values published as `x`, `c`, `z`
//! or left blank are missing, never zero: a comparator without both its numerator and
//! denominator is left out, and a neighbour with a missing value is left out of both sums.

use sendtrack_domain::codes::Comparator;
use sendtrack_domain::dates::Month;
use sendtrack_domain::measures::MeasureId;
use sendtrack_domain::measures::reconcile::{PublishedFigure, PublishedOn};
use sendtrack_domain::records::{Benchmark, BenchmarkPeriod};
use std::collections::HashMap;
use std::path::Path;

/// How one catalogue measure is answered from one DfE table.
#[derive(Debug, Clone, Copy)]
pub struct Mapping {
    pub measure: MeasureId,
    pub file: &'static str,
    /// The `breakdown_topic` of the rows that hold the totals.
    pub topic: &'static str,
    /// Columns summed for the numerator.
    pub numerator: &'static [&'static str],
    /// Columns summed for the denominator; empty for a count (published value only).
    pub denominator: &'static [&'static str],
    /// Percentages are numerator ÷ denominator × 100.
    pub percent: bool,
}

/// Which DfE columns answer which measure. Calendar-year tables give a benchmark for the year.
pub const MAPPINGS: &[Mapping] = &[
    Mapping {
        measure: MeasureId::PlansIssuedWithin20WeeksPct,
        file: "timeliness_20_week.csv",
        topic: "All EHC plans issued",
        numerator: &["plans_issued_20_weeks_ex"],
        denominator: &["plans_issued_den_ex"],
        percent: true,
    },
    Mapping {
        measure: MeasureId::PlansIssuedWithin20WeeksInclExceptionsPct,
        file: "timeliness_20_week.csv",
        topic: "All EHC plans issued",
        numerator: &["plans_issued_within_20_weeks"],
        denominator: &["plans_issued_den"],
        percent: true,
    },
    Mapping {
        measure: MeasureId::DecisionsWithin6WeeksPct,
        file: "requests.csv",
        topic: "All requests for EHC needs assessments",
        numerator: &["request_outcome_six_weeks"],
        denominator: &["request_outcome_six_weeks", "request_outcome_over_6_weeks"],
        percent: true,
    },
    Mapping {
        measure: MeasureId::AssessRatePct,
        file: "requests.csv",
        topic: "All requests for EHC needs assessments",
        numerator: &["requests_decided_to_assess"],
        denominator: &["requests_decided_to_assess", "requests_decided_not_to_assess"],
        percent: true,
    },
    Mapping {
        measure: MeasureId::AssessmentToPlanPct,
        file: "assessments.csv",
        topic: "All EHC needs assessments",
        numerator: &["assess_issued"],
        denominator: &["assess_issued", "assess_not_issued"],
        percent: true,
    },
    Mapping {
        measure: MeasureId::RequestsReceivedYtd,
        file: "requests.csv",
        topic: "All requests for EHC needs assessments",
        numerator: &["requests_received_in_year"],
        denominator: &[],
        percent: false,
    },
];

/// A census-day share of plans in a type of placement (issue 23), from
/// `sen_needs_all_plans.csv`: the plans of the `Type of placement` rows named, over all plans
/// (or, for NEET, over the plans of young people aged 16 to 25).
#[derive(Debug, Clone, Copy)]
pub struct CensusShare {
    pub measure: MeasureId,
    /// The `breakdown`s of the `Type of placement` rows summed for the numerator.
    pub placements: &'static [&'static str],
    /// The denominator is the plans of those aged 16 to 25, not all plans.
    pub aged_16_to_25: bool,
}

/// The file the census-day shares come from.
pub const CENSUS_FILE: &str = "sen_needs_all_plans.csv";

/// Which placements answer which share of the plans in force. The DfE's mainstream total takes
/// in resourced provision, SEN units and independent mainstream schools; its "other
/// arrangements by LA" is education otherwise than at school (section 61); arrangements under
/// section 19 are not published apart.
pub const CENSUS_SHARES: &[CensusShare] = &[
    CensusShare { measure: MeasureId::PlansInMainstreamPct, placements: &["Mainstream - total"], aged_16_to_25: false },
    CensusShare {
        measure: MeasureId::PlansInIndependentSpecialPct,
        placements: &["Special - independent", "Special - non-maintained"],
        aged_16_to_25: false,
    },
    CensusShare {
        measure: MeasureId::PlansEotasPct,
        placements: &["Educated elsewhere - other arrangements by LA"],
        aged_16_to_25: false,
    },
    CensusShare {
        measure: MeasureId::PlansEhePct,
        placements: &["Educated elsewhere - elective home education"],
        aged_16_to_25: false,
    },
    CensusShare {
        measure: MeasureId::PlansNeet16To25Pct,
        placements: &["Educated elsewhere - NEET"],
        aged_16_to_25: true,
    },
];

/// One place's plans on a census day: all of them, by type of placement, and those of young
/// people aged 16 to 25.
#[derive(Debug, Default, Clone)]
struct CensusCounts {
    all: Option<f64>,
    placements: HashMap<String, Option<f64>>,
    aged_16_to_25: Option<f64>,
    /// Whether a row of those aged 16 to 25 has been read.
    ages_seen: bool,
}

/// The census-day shares of [`CENSUS_SHARES`] for England, the authority's region, its
/// statistical neighbours (numerators summed over denominators summed) and the authority as
/// published, each for the January census of the academic year (2024/25: January 2025). A
/// folder without the file gives none.
fn census_benchmarks(dir: &Path, authority: &Authority, neighbours: &[String]) -> Result<Vec<Benchmark>, DfeError> {
    if !dir.join(CENSUS_FILE).exists() {
        return Ok(Vec::new());
    }
    let table = open_table(dir, CENSUS_FILE)?;
    let format = |line: u64, message: String| DfeError::Format { file: CENSUS_FILE.into(), line, message };
    let need = |name: &str| table.need(CENSUS_FILE, name);
    let (period, level, region, la, topic, breakdown, plans) = (
        need("time_period")?,
        need("geographic_level")?,
        need("region_name")?,
        need("la_name")?,
        need("breakdown_topic")?,
        need("breakdown")?,
        need("ehc_plans")?,
    );
    let mut counts: HashMap<(String, Place), CensusCounts> = HashMap::new();
    for (n, record) in table.records.iter().enumerate() {
        let record = record.as_ref().map_err(|e| format(n as u64 + 2, e.to_string()))?;
        let get = |k: usize| record.get(k).unwrap_or("");
        let place = match get(level) {
            "National" => Place::England,
            "Regional" => Place::Region(get(region).to_string()),
            "Local authority" => Place::Authority(get(la).to_string()),
            _ => continue,
        };
        let entry = counts.entry((get(period).to_string(), place)).or_default();
        let value = published(get(plans));
        match get(topic) {
            "All EHC plans" => entry.all = value,
            "Type of placement" => {
                entry.placements.insert(get(breakdown).to_string(), value);
            }
            "Child or young persons age" => {
                let age = get(breakdown).split(|c: char| !c.is_ascii_digit()).find(|t| !t.is_empty());
                if age.and_then(|a| a.parse::<u8>().ok()).is_some_and(|a| (16..=25).contains(&a)) {
                    // A suppressed single year leaves the sum undefined, never short.
                    entry.aged_16_to_25 = match (entry.aged_16_to_25, value, entry.ages_seen) {
                        (_, None, _) => None,
                        (Some(a), Some(v), _) => Some(a + v),
                        (None, Some(v), false) => Some(v),
                        (None, Some(_), true) => None,
                    };
                    entry.ages_seen = true;
                }
            }
            _ => {}
        }
    }
    let mut periods: Vec<String> = counts.keys().map(|(p, _)| p.clone()).collect();
    periods.sort();
    periods.dedup();
    let mut out = Vec::new();
    for academic in periods {
        // "202425": the census of January 2025.
        let Some(month) = academic.get(..4).and_then(|y| y.parse::<i16>().ok()).and_then(|y| Month::new(y + 1, 1))
        else {
            continue;
        };
        let parts = |place: &Place, share: &CensusShare| -> Option<(f64, f64)> {
            let c = counts.get(&(academic.clone(), place.clone()))?;
            let numerator =
                share.placements.iter().map(|p| c.placements.get(*p).copied().flatten()).sum::<Option<f64>>()?;
            let denominator = if share.aged_16_to_25 { c.aged_16_to_25? } else { c.all? };
            (denominator > 0.0).then_some((numerator, denominator))
        };
        for share in CENSUS_SHARES {
            let mut push = |comparator, value: Option<(f64, f64)>| {
                if let Some((n, d)) = value {
                    out.push(Benchmark {
                        measure: share.measure.code().to_string(),
                        period: BenchmarkPeriod::Month(month),
                        comparator,
                        value: round4(n / d * 100.0),
                    });
                }
            };
            push(Comparator::Published, parts(&Place::Authority(authority.name.clone()), share));
            push(Comparator::England, parts(&Place::England, share));
            push(Comparator::Region, parts(&Place::Region(authority.region.clone()), share));
            let pooled = neighbours
                .iter()
                .filter_map(|name| parts(&Place::Authority(name.clone()), share))
                .fold(None, |acc: Option<(f64, f64)>, (n, d)| Some(acc.map_or((n, d), |(a, b)| (a + n, b + d))));
            push(Comparator::StatisticalNeighbours, pooled);
        }
    }
    Ok(out)
}

/// Something is wrong with the DfE folder.
#[derive(Debug, thiserror::Error)]
pub enum DfeError {
    #[error("cannot read {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("{file}:{line}: {message}")]
    Format { file: String, line: u64, message: String },
    #[error(
        "no local authority called or numbered '{0}' in the DfE files (give its name as the DfE writes it, e.g. Devon, or its LA number, e.g. 878)"
    )]
    UnknownAuthority(String),
}

/// The geography of a row.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Place {
    England,
    Region(String),
    Authority(String),
}

/// One row of totals: its calendar year, place and the numbers it publishes.
#[derive(Debug, Clone)]
struct TotalRow {
    year: i16,
    place: Place,
    values: HashMap<String, Option<f64>>,
}

/// An authority as the DfE files name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authority {
    pub name: String,
    pub old_la_code: String,
    pub region: String,
}

/// A published number: `x`, `c`, `z` or blank are missing.
fn published(text: &str) -> Option<f64> {
    match text.trim() {
        "" | "x" | "c" | "z" | "u" | "low" => None,
        t => t.parse().ok(),
    }
}

struct Table {
    rows: Vec<TotalRow>,
    authorities: Vec<Authority>,
}

/// A DfE table's rows (its byte-order mark dropped) and headers, and a way to find the columns
/// it must have, each missing one an error at line 1.
struct TableFile {
    records: Vec<Result<csv::StringRecord, csv::Error>>,
    headers: csv::StringRecord,
}

fn open_table(dir: &Path, file: &str) -> Result<TableFile, DfeError> {
    let path = dir.join(file);
    let bytes = std::fs::read(&path).map_err(|source| DfeError::Read { path: path.display().to_string(), source })?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(bytes);
    let headers = reader
        .headers()
        .map_err(|e| DfeError::Format { file: file.to_string(), line: 1, message: e.to_string() })?
        .clone();
    Ok(TableFile { records: reader.records().collect(), headers })
}

impl TableFile {
    fn need(&self, file: &str, name: &str) -> Result<usize, DfeError> {
        self.headers.iter().position(|h| h == name).ok_or_else(|| DfeError::Format {
            file: file.to_string(),
            line: 1,
            message: format!("the column {name} is missing"),
        })
    }
}

fn read_table(dir: &Path, file: &str, topic: &str) -> Result<Table, DfeError> {
    let table = open_table(dir, file)?;
    let headers = &table.headers;
    let format = |line: u64, message: String| DfeError::Format { file: file.to_string(), line, message };
    let need = |name: &str| table.need(file, name);
    let (period, level, region, la, code, topic_col) = (
        need("time_period")?,
        need("geographic_level")?,
        need("region_name")?,
        need("la_name")?,
        need("old_la_code")?,
        need("breakdown_topic")?,
    );
    let mut rows = Vec::new();
    let mut authorities = Vec::new();
    for (n, record) in table.records.iter().enumerate() {
        let line = n as u64 + 2;
        let record = record.as_ref().map_err(|e| format(line, e.to_string()))?;
        if record.get(topic_col) != Some(topic) {
            continue;
        }
        let Ok(year) = record.get(period).unwrap_or("").parse::<i16>() else { continue };
        let place = match record.get(level).unwrap_or("") {
            "National" => Place::England,
            "Regional" => Place::Region(record.get(region).unwrap_or("").to_string()),
            "Local authority" => {
                let name = record.get(la).unwrap_or("").to_string();
                let authority = Authority {
                    name: name.clone(),
                    old_la_code: record.get(code).unwrap_or("").to_string(),
                    region: record.get(region).unwrap_or("").to_string(),
                };
                if !authorities.contains(&authority) {
                    authorities.push(authority);
                }
                Place::Authority(name)
            }
            _ => continue,
        };
        let values = headers.iter().zip(record.iter()).map(|(h, v)| (h.to_string(), published(v))).collect();
        rows.push(TotalRow { year, place, values });
    }
    Ok(Table { rows, authorities })
}

/// The statistical neighbours of each authority: the first row names the authorities, the
/// rows beneath each name are its neighbours.
fn read_neighbours(dir: &Path) -> Result<HashMap<String, Vec<String>>, DfeError> {
    let file = "statistical_neighbours.csv";
    let path = dir.join(file);
    let bytes = std::fs::read(&path).map_err(|source| DfeError::Read { path: path.display().to_string(), source })?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes);
    let mut rows: Vec<Vec<String>> = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let record =
            record.map_err(|e| DfeError::Format { file: file.into(), line: n as u64 + 1, message: e.to_string() })?;
        rows.push(record.iter().map(|c| c.trim().to_string()).collect());
    }
    let mut neighbours = HashMap::new();
    if let Some((names, below)) = rows.split_first() {
        for (k, name) in names.iter().enumerate() {
            let list: Vec<String> = below.iter().filter_map(|r| r.get(k)).filter(|n| !n.is_empty()).cloned().collect();
            neighbours.insert(name.clone(), list);
        }
    }
    Ok(neighbours)
}

/// Finds the authority named or numbered `wanted` (name case-insensitively, or old LA code).
pub fn find_authority(dir: &Path, wanted: &str) -> Result<Authority, DfeError> {
    let table = read_table(dir, "timeliness_20_week.csv", "All EHC plans issued")?;
    table
        .authorities
        .into_iter()
        .find(|a| a.name.eq_ignore_ascii_case(wanted.trim()) || a.old_la_code == wanted.trim())
        .ok_or_else(|| DfeError::UnknownAuthority(wanted.to_string()))
}

fn sum(row: &TotalRow, columns: &[&str]) -> Option<f64> {
    columns.iter().map(|c| row.values.get(*c).copied().flatten()).sum()
}

/// Every benchmark the DfE files in `dir` give for `authority`.
pub fn benchmarks(dir: &Path, authority: &Authority) -> Result<Vec<Benchmark>, DfeError> {
    let neighbours = read_neighbours(dir)?;
    let my_neighbours = neighbours.get(&authority.name).cloned().unwrap_or_default();
    let mut tables: HashMap<(&str, &str), Table> = HashMap::new();
    let mut out = Vec::new();
    for m in MAPPINGS {
        let table = match tables.entry((m.file, m.topic)) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => e.insert(read_table(dir, m.file, m.topic)?),
        };
        let table = &*table;
        let mut years: Vec<i16> = table.rows.iter().map(|r| r.year).collect();
        years.sort_unstable();
        years.dedup();
        for year in years {
            let in_year = || table.rows.iter().filter(move |r| r.year == year);
            let value_of = |row: &TotalRow| -> Option<f64> {
                let numerator = sum(row, m.numerator)?;
                if m.denominator.is_empty() {
                    return Some(numerator);
                }
                let denominator = sum(row, m.denominator)?;
                (denominator > 0.0).then(|| numerator / denominator * if m.percent { 100.0 } else { 1.0 })
            };
            let period = if m.percent {
                BenchmarkPeriod::Year(year)
            } else {
                // A calendar-year total is the year-to-date value at December.
                Month::new(year, 12).map_or(BenchmarkPeriod::Year(year), BenchmarkPeriod::Month)
            };
            let mut push = |comparator, value: Option<f64>| {
                if let Some(value) = value {
                    out.push(Benchmark {
                        measure: m.measure.code().to_string(),
                        period,
                        comparator,
                        value: round4(value),
                    });
                }
            };
            let find = |place: &Place| in_year().find(|r| &r.place == place);
            push(Comparator::Published, find(&Place::Authority(authority.name.clone())).and_then(value_of));
            if m.denominator.is_empty() {
                continue; // Counts compare only with the authority's own published figure.
            }
            push(Comparator::England, find(&Place::England).and_then(value_of));
            push(Comparator::Region, find(&Place::Region(authority.region.clone())).and_then(value_of));
            let (mut numerator, mut denominator, mut counted) = (0.0, 0.0, 0);
            for name in &my_neighbours {
                if let Some(row) = find(&Place::Authority(name.clone()))
                    && let (Some(n), Some(d)) = (sum(row, m.numerator), sum(row, m.denominator))
                {
                    numerator += n;
                    denominator += d;
                    counted += 1;
                }
            }
            push(
                Comparator::StatisticalNeighbours,
                (counted > 0 && denominator > 0.0).then(|| numerator / denominator * 100.0),
            );
        }
    }
    out.extend(census_benchmarks(dir, authority, &my_neighbours)?);
    Ok(out)
}

/// One of the authority's rows of a DfE table: its period, breakdown topic, breakdown and values.
struct AuthorityRow {
    period: String,
    topic: String,
    breakdown: String,
    values: HashMap<String, Option<f64>>,
}

fn read_authority_rows(dir: &Path, file: &str, authority: &Authority) -> Result<Vec<AuthorityRow>, DfeError> {
    let table = open_table(dir, file)?;
    let headers = &table.headers;
    let format = |line: u64, message: String| DfeError::Format { file: file.to_string(), line, message };
    let need = |name: &str| table.need(file, name);
    let (period, la, topic, breakdown) =
        (need("time_period")?, need("la_name")?, need("breakdown_topic")?, need("breakdown")?);
    let mut rows = Vec::new();
    for (n, record) in table.records.iter().enumerate() {
        let record = record.as_ref().map_err(|e| format(n as u64 + 2, e.to_string()))?;
        if record.get(la) != Some(authority.name.as_str()) {
            continue;
        }
        rows.push(AuthorityRow {
            period: record.get(period).unwrap_or("").to_string(),
            topic: record.get(topic).unwrap_or("").to_string(),
            breakdown: record.get(breakdown).unwrap_or("").to_string(),
            values: headers.iter().zip(record.iter()).map(|(h, v)| (h.to_string(), published(v))).collect(),
        });
    }
    Ok(rows)
}

/// sendtrack's age band of a DfE age breakdown ("Aged 7", "age 2 and under", "under 3",
/// "age 20 and over"); `None` for an unknown age.
fn age_band_of(breakdown: &str) -> Option<&'static str> {
    let text = breakdown.to_lowercase();
    let age: i32 = if text.starts_with("under") {
        0
    } else {
        text.split(|c: char| !c.is_ascii_digit()).find(|t| !t.is_empty())?.parse().ok()?
    };
    Some(sendtrack_domain::measures::engine::age_band(age))
}

/// The counts the DfE published for the authority that sendtrack can count too, in total and
/// by age band and need where published (issue 24's reconciliation): requests received and new
/// plans issued in each calendar year (requests.csv, timeliness_20_week.csv), and the plans in
/// force on each census day (sen_needs_all_plans.csv, whose academic year 2024/25 is the
/// January 2025 census). A file that is not in `dir` gives nothing; a figure published as
/// suppressed is left out.
pub fn published_figures(dir: &Path, authority: &Authority) -> Result<Vec<PublishedFigure>, DfeError> {
    use sendtrack_domain::measures::Dimension;
    let mut out: Vec<PublishedFigure> = Vec::new();
    let mut add = |measure, on, breakdown: Option<(Dimension, String)>, value: Option<f64>, source: String| {
        let Some(value) = value else { return };
        match out.iter_mut().find(|f| f.measure == measure && f.on == on && f.breakdown == breakdown) {
            Some(f) => f.value += value,
            None => out.push(PublishedFigure { measure, on, breakdown, value, source }),
        }
    };
    let tables: [(&str, MeasureId, &str, &str, &str); 4] = [
        (
            "requests.csv",
            MeasureId::RequestsReceived,
            "All requests for EHC needs assessments",
            "Child or young persons age",
            "requests_received_in_year",
        ),
        (
            "timeliness_20_week.csv",
            MeasureId::PlansIssued,
            "All EHC plans issued",
            "Child or young persons age",
            "plans_issued_den",
        ),
        ("sen_needs_all_plans.csv", MeasureId::PlansActive, "All EHC plans", "Child or young persons age", "ehc_plans"),
        ("ceased_plans.csv", MeasureId::PlansCeased, "All ceased EHC plans", "Age plan ceased", "total_ceased"),
    ];
    for (file, measure, all, by_age, column) in tables {
        if !dir.join(file).exists() {
            continue;
        }
        for row in read_authority_rows(dir, file, authority)? {
            // A calendar year ("2024"), or an academic year ("202425") whose census is in
            // January of its second year.
            let on = match row.period.len() {
                4 => row.period.parse().ok().map(PublishedOn::Year),
                6 => row
                    .period
                    .get(..4)
                    .and_then(|y| y.parse::<i16>().ok())
                    .and_then(|y| sendtrack_domain::sen2::census_day(y + 1))
                    .map(PublishedOn::CensusDay),
                _ => None,
            };
            let Some(on) = on else { continue };
            let value = row.values.get(column).copied().flatten();
            let source = format!("{file}, {column}");
            if row.topic == all {
                add(measure, on, None, value, source.clone());
                if measure == MeasureId::PlansActive {
                    for (name, v) in row.values.iter().filter(|(n, _)| n.starts_with("number_")) {
                        let need = name.trim_start_matches("number_");
                        let key = if need == "need_unknown" { "unknown" } else { need };
                        add(
                            measure,
                            on,
                            Some((Dimension::PrimaryNeed, key.to_string())),
                            *v,
                            format!("{file}, {name}"),
                        );
                    }
                }
            } else if row.topic == by_age
                && let Some(band) = age_band_of(&row.breakdown)
            {
                add(measure, on, Some((Dimension::AgeBand, band.to_string())), value, source);
            }
        }
    }
    Ok(out)
}

/// The setting that keeps the published figures `sendtrack benchmarks --dfe --db` read, for
/// the web app's SEN2 page (which has no DfE files to read).
pub const PUBLISHED_FIGURES_SETTING: &str = "dfe_published_figures";

/// The figures as CSV (`measure,on,dimension,key,value,source`), as the setting keeps them.
pub fn figures_csv(figures: &[PublishedFigure]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    // Writing to memory cannot fail.
    let _ = writer.write_record(["measure", "on", "dimension", "key", "value", "source"]);
    for f in figures {
        let (dimension, key) = f.breakdown.as_ref().map_or(("", ""), |(d, k)| (d.code(), k.as_str()));
        let (on, value) = (f.on.to_string(), f.value.to_string());
        let _ = writer.write_record([f.measure.code(), on.as_str(), dimension, key, value.as_str(), f.source.as_str()]);
    }
    writer.into_inner().map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default()
}

/// Reads what [`figures_csv`] wrote; a row it cannot read is an error naming its line.
pub fn read_figures_csv(text: &str) -> Result<Vec<PublishedFigure>, String> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut out = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let line = n + 2;
        let record = record.map_err(|e| format!("line {line}: {e}"))?;
        let cell = |i: usize| record.get(i).unwrap_or("");
        let measure = MeasureId::parse(cell(0)).ok_or_else(|| format!("line {line}: no measure '{}'", cell(0)))?;
        let on = cell(1).parse().map_err(|e| format!("line {line}: {e}"))?;
        let breakdown = match cell(2) {
            "" => None,
            d => Some((
                sendtrack_domain::measures::Dimension::parse(d)
                    .ok_or_else(|| format!("line {line}: no breakdown '{d}'"))?,
                cell(3).to_string(),
            )),
        };
        let value = cell(4).parse().map_err(|_| format!("line {line}: '{}' is not a number", cell(4)))?;
        out.push(PublishedFigure { measure, on, breakdown, value, source: cell(5).to_string() });
    }
    Ok(out)
}

/// The extract of the DfE files that the demo authority uses to stand in for Devon: the
/// files' names and contents.
pub const DEVON_EXTRACT: &[(&str, &[u8])] = &[
    ("timeliness_20_week.csv", include_bytes!("../data/dfe-devon-extract/timeliness_20_week.csv")),
    ("requests.csv", include_bytes!("../data/dfe-devon-extract/requests.csv")),
    ("assessments.csv", include_bytes!("../data/dfe-devon-extract/assessments.csv")),
    ("sen_needs_all_plans.csv", include_bytes!("../data/dfe-devon-extract/sen_needs_all_plans.csv")),
    ("ceased_plans.csv", include_bytes!("../data/dfe-devon-extract/ceased_plans.csv")),
    ("statistical_neighbours.csv", include_bytes!("../data/dfe-devon-extract/statistical_neighbours.csv")),
];

/// Rounds to four decimals, the precision the scorecard CSV writes.
fn round4(v: f64) -> f64 {
    (v * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suppressed_values_are_missing_never_zero() {
        for missing in ["x", "c", "z", "", " "] {
            assert_eq!(published(missing), None, "{missing:?}");
        }
        assert_eq!(published("0"), Some(0.0));
        assert_eq!(published("46.4"), Some(46.4));
    }
}
