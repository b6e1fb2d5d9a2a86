//! The DfE's person-level SEN2 return as COLLECT exports it ("Blade" CSV files, one per
//! module; see `shared/spec/sen2-blade.md`): its census days, how its dates, flags and codes
//! are written, and the pre-submission checks, each with an id and a description. Pure: the
//! files are read elsewhere into a [`Blade`].

use crate::dates::age_on;
use crate::identifiers::check_upn;
use jiff::civil::Date;
use std::collections::HashMap;

/// The census day of each collection year: a table, not a formula (2021 was not the third
/// Thursday).
pub const CENSUS_DAYS: [(i16, i8, i8); 9] = [
    (2019, 1, 17),
    (2020, 1, 16),
    (2021, 1, 14),
    (2022, 1, 20),
    (2023, 1, 19),
    (2024, 1, 18),
    (2025, 1, 16),
    (2026, 1, 15),
    (2027, 1, 21),
];

/// The census day of the collection `year`, if the table knows it.
pub fn census_day(year: i16) -> Option<Date> {
    CENSUS_DAYS.iter().find(|(y, _, _)| *y == year).map(|&(y, m, d)| jiff::civil::date(y, m, d))
}

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// Reads a Blade date, `2022-Sep-28 00:00:00` (the time is ignored); ISO `2022-09-28` is
/// accepted too.
pub fn parse_blade_date(text: &str) -> Result<Date, String> {
    let day_part = text.split_whitespace().next().unwrap_or("");
    let mut parts = day_part.split('-');
    let (Some(y), Some(m), Some(d), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(format!("'{text}' is not a date written like 2022-Sep-28 00:00:00"));
    };
    let month = MONTHS
        .iter()
        .position(|name| name.eq_ignore_ascii_case(m))
        .map(|k| k as i8 + 1)
        .or_else(|| m.parse::<i8>().ok());
    match (y.parse::<i16>(), month, d.parse::<i8>()) {
        (Ok(y), Some(m), Ok(d)) => Date::new(y, m, d)
            .map_err(|_| format!("'{text}' is not a real date (there is no day {d} in month {m} of {y})")),
        _ => Err(format!("'{text}' is not a date written like 2022-Sep-28 00:00:00")),
    }
}

/// Writes a date as a Blade export does.
pub fn blade_date(date: Date) -> String {
    format!("{:04}-{}-{:02} 00:00:00", date.year(), MONTHS[(date.month() - 1) as usize], date.day())
}

/// Reads a Blade flag: `1`/`0` or `true`/`false`.
pub fn parse_blade_flag(text: &str) -> Result<bool, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "1" | "true" => Ok(true),
        "0" | "false" => Ok(false),
        _ => Err(format!("'{text}' is not a flag (1, 0, true or false)")),
    }
}

/// The modules of a Blade export, parents before children.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Module {
    Sen2,
    Person,
    Requests,
    Assessment,
    NamedPlan,
    PlanDetail,
    ActivePlans,
    PlacementDetail,
    SenNeed,
}

impl Module {
    pub const ALL: [Module; 9] = [
        Module::Sen2,
        Module::Person,
        Module::Requests,
        Module::Assessment,
        Module::NamedPlan,
        Module::PlanDetail,
        Module::ActivePlans,
        Module::PlacementDetail,
        Module::SenNeed,
    ];

    /// The module's name, as in its file name and its key column.
    pub fn name(self) -> &'static str {
        match self {
            Module::Sen2 => "sen2",
            Module::Person => "person",
            Module::Requests => "requests",
            Module::Assessment => "assessment",
            Module::NamedPlan => "namedplan",
            Module::PlanDetail => "plandetail",
            Module::ActivePlans => "activeplans",
            Module::PlacementDetail => "placementdetail",
            Module::SenNeed => "senneed",
        }
    }

    /// The module whose rows this module's rows belong to.
    pub fn parent(self) -> Option<Module> {
        match self {
            Module::Sen2 => None,
            Module::Person => Some(Module::Sen2),
            Module::Requests => Some(Module::Person),
            Module::Assessment | Module::ActivePlans => Some(Module::Requests),
            Module::NamedPlan => Some(Module::Assessment),
            Module::PlanDetail => Some(Module::NamedPlan),
            Module::PlacementDetail | Module::SenNeed => Some(Module::ActivePlans),
        }
    }

    /// The column holding a row's key (`<module>tableid`).
    pub fn key(self) -> String {
        format!("{}tableid", self.name())
    }
}

/// One row of a module: its line in the file (the header is line 1) and its cells by
/// lower-case column name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BladeRow {
    pub line: usize,
    pub cells: HashMap<String, String>,
}

impl BladeRow {
    /// The cell of `column`, `None` when absent or empty.
    pub fn get(&self, column: &str) -> Option<&str> {
        self.cells.get(column).map(|v| v.trim()).filter(|v| !v.is_empty())
    }
}

/// A whole Blade export: the rows of each module.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Blade {
    rows: HashMap<Module, Vec<BladeRow>>,
    /// Each module's rows by their parent's key, built on first use (a county's return has
    /// tens of thousands of rows: finding children by scanning would be quadratic).
    by_parent: std::sync::OnceLock<HashMap<(Module, String), Vec<usize>>>,
}

impl Blade {
    /// An export of these rows.
    pub fn new(rows: HashMap<Module, Vec<BladeRow>>) -> Blade {
        Blade { rows, by_parent: std::sync::OnceLock::new() }
    }

    /// The rows of `module`, to change (the index of children is built again on next use).
    pub fn rows_mut(&mut self, module: Module) -> &mut Vec<BladeRow> {
        self.by_parent = std::sync::OnceLock::new();
        self.rows.entry(module).or_default()
    }

    pub fn rows(&self, module: Module) -> &[BladeRow] {
        self.rows.get(&module).map_or(&[], Vec::as_slice)
    }

    /// The rows of `module` whose parent key is `parent_key`.
    pub fn children<'a>(&'a self, module: Module, parent_key: &'a str) -> impl Iterator<Item = &'a BladeRow> + 'a {
        let index = self.by_parent.get_or_init(|| {
            let mut index: HashMap<(Module, String), Vec<usize>> = HashMap::new();
            for module in Module::ALL {
                let Some(parent) = module.parent() else { continue };
                let column = parent.key();
                for (i, row) in self.rows(module).iter().enumerate() {
                    if let Some(key) = row.get(&column) {
                        index.entry((module, key.to_string())).or_default().push(i);
                    }
                }
            }
            index
        });
        let rows = self.rows(module);
        index.get(&(module, parent_key.to_string())).into_iter().flatten().map(move |&i| &rows[i])
    }

    /// The census day: the header's reference date, else `year`'s from the table.
    pub fn census_day(&self, year: Option<i16>) -> Option<Date> {
        let header = self.rows(Module::Sen2).first();
        header.and_then(|h| h.get("referencedate")).and_then(|d| parse_blade_date(d).ok()).or_else(|| {
            year.or_else(|| header.and_then(|h| h.get("year")).and_then(|y| y.parse().ok())).and_then(census_day)
        })
    }
}

/// A pre-submission check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub id: &'static str,
    pub description: &'static str,
}

/// Every pre-submission check, by id.
pub const RULES: [Rule; 14] = [
    Rule {
        id: "SEN2-01",
        description: "A person has neither a UPN nor a ULN, and no reason code (upnunknown UN1-UN10)",
    },
    Rule { id: "SEN2-02", description: "Two people share a UPN" },
    Rule { id: "SEN2-03", description: "A UPN is malformed (13 characters with a valid check letter)" },
    Rule { id: "SEN2-04", description: "A date of birth is in the future" },
    Rule { id: "SEN2-05", description: "A date is in the future" },
    Rule { id: "SEN2-06", description: "A person's age on the census day is outside 0-25" },
    Rule { id: "SEN2-07", description: "A request or assessment outcome has no date, or a date has no outcome" },
    Rule { id: "SEN2-08", description: "A plan active on the census day has no placement on that day" },
    Rule { id: "SEN2-09", description: "A plan active on the census day has no primary need (sentyperank 1)" },
    Rule { id: "SEN2-10", description: "A plan has a cease date without a reason, or a reason without a date" },
    Rule { id: "SEN2-11", description: "A person's placements of the same rank overlap" },
    Rule { id: "SEN2-12", description: "A request with outcome Y (assessment agreed) has no assessment" },
    Rule {
        id: "SEN2-13",
        description: "A code is not in its list (outcomes, types of need, settings, cease reasons, UPN-unknown reasons)",
    },
    Rule { id: "SEN2-14", description: "A date or flag cannot be read" },
];

/// A failed check: the rule, where (module and line) and the person (by their table id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub rule: &'static str,
    pub module: Module,
    pub line: usize,
    pub person: String,
    pub message: String,
}

/// The SEN2 code lists the checks read.
pub const REQUEST_OUTCOMES: [&str; 5] = ["Y", "N", "A", "W", "H"];
pub const SEN_TYPES: [&str; 13] =
    ["SPLD", "MLD", "SLD", "PMLD", "SEMH", "SLCN", "HI", "VI", "MSI", "PD", "ASD", "DS", "OTH"];
pub const SEN_SETTINGS: [&str; 8] = ["OLA", "OPA", "EHE", "EYP", "OTH", "NEET", "NIEC", "NIEO"];
pub const CEASE_REASONS: [&str; 9] = ["1", "2", "3", "4", "5", "6", "7", "8", "9"];

/// Every date column of each module.
const DATES: [(Module, &[&str]); 6] = [
    (Module::Requests, &["receiveddate", "requestoutcomedate"]),
    (Module::Assessment, &["assessmentoutcomedate"]),
    (Module::NamedPlan, &["startdate", "ceasedate"]),
    (
        Module::ActivePlans,
        &["reviewmeeting", "lastreview", "reviewdraft", "phasetransferduedate", "phasetransferfinaldate"],
    ),
    (Module::PlacementDetail, &["entrydate", "leavingdate"]),
    (Module::Person, &[]),
];

const FLAGS: [(Module, &[&str]); 6] = [
    (Module::Requests, &["rya", "requestmediation", "requesttribunal", "exported"]),
    (Module::Assessment, &["assessmentmediation", "assessmenttribunal", "othermediation", "othertribunal", "week20"]),
    (Module::NamedPlan, &["planres", "planwbp", "pb", "oa", "dp"]),
    (Module::PlanDetail, &["senunitindicator", "resourcedprovisionindicator"]),
    (Module::PlacementDetail, &["senunitindicator", "resourcedprovisionindicator", "res", "wbp"]),
    (Module::Sen2, &[]),
];

struct Checker {
    failures: Vec<Failure>,
    /// Each row's person, by module and row key.
    person_of: HashMap<(Module, String), String>,
}

impl Checker {
    fn fail(&mut self, rule: &'static str, module: Module, row: &BladeRow, message: String) {
        let person = self.person(module, row);
        self.failures.push(Failure { rule, module, line: row.line, person, message });
    }

    fn person(&self, module: Module, row: &BladeRow) -> String {
        if module == Module::Person {
            return row.get("persontableid").unwrap_or("?").to_string();
        }
        row.get(&module.key())
            .and_then(|k| self.person_of.get(&(module, k.to_string())))
            .cloned()
            .unwrap_or_else(|| "?".to_string())
    }

    fn date(&mut self, module: Module, row: &BladeRow, column: &str) -> Option<Date> {
        let text = row.get(column)?;
        match parse_blade_date(text) {
            Ok(d) => Some(d),
            Err(message) => {
                self.fail("SEN2-14", module, row, format!("{column}: {message}"));
                None
            }
        }
    }

    fn flag(&mut self, module: Module, row: &BladeRow, column: &str) -> Option<bool> {
        let text = row.get(column)?;
        match parse_blade_flag(text) {
            Ok(b) => Some(b),
            Err(message) => {
                self.fail("SEN2-14", module, row, format!("{column}: {message}"));
                None
            }
        }
    }

    fn code<'r>(&mut self, module: Module, row: &'r BladeRow, column: &str, list: &[&str]) -> Option<&'r str> {
        let text = row.get(column)?;
        if list.iter().any(|c| c.eq_ignore_ascii_case(text)) {
            Some(text)
        } else {
            self.fail("SEN2-13", module, row, format!("{column} '{text}' is not one of: {}", list.join(", ")));
            None
        }
    }
}

/// Runs every check on `blade` and returns every failure, in module and line order. `today`
/// bounds dates; `year` gives the census day when the header has no reference date.
pub fn check(blade: &Blade, today: Date, year: Option<i16>) -> Vec<Failure> {
    let mut c = Checker { failures: Vec::new(), person_of: HashMap::new() };
    // Who each row belongs to, following the keys down from the person.
    for person in blade.rows(Module::Person) {
        let Some(pid) = person.get("persontableid") else { continue };
        let mut stack = vec![(Module::Person, pid.to_string())];
        while let Some((module, key)) = stack.pop() {
            for child in Module::ALL.into_iter().filter(|m| m.parent() == Some(module)) {
                for row in blade.children(child, &key) {
                    if let Some(k) = row.get(&child.key()) {
                        c.person_of.insert((child, k.to_string()), pid.to_string());
                        stack.push((child, k.to_string()));
                    }
                }
            }
        }
    }
    let census = blade.census_day(year);

    // People: UPNs, reasons, dates of birth, ages.
    let mut upns: HashMap<String, usize> = HashMap::new();
    for row in blade.rows(Module::Person) {
        let upn = row.get("upn");
        let uln = row.get("uniquelearnernumber");
        let reason = c.code(Module::Person, row, "upnunknown", &UPN_UNKNOWN);
        if upn.is_none() && uln.is_none() && reason.is_none() {
            c.fail("SEN2-01", Module::Person, row, "no UPN, no ULN and no upnunknown reason code".into());
        }
        if let Some(upn) = upn {
            // Messages name no UPN or date of birth: analysts read them.
            if check_upn(upn).is_err() {
                c.fail("SEN2-03", Module::Person, row, "the UPN is not 13 characters with a valid check letter".into());
            }
            match upns.get(upn) {
                Some(first) if reason.is_none() => {
                    let message = format!("the UPN is also the UPN of the person on line {first}");
                    c.fail("SEN2-02", Module::Person, row, message);
                }
                Some(_) => {}
                None => {
                    upns.insert(upn.to_string(), row.line);
                }
            }
        }
        if let Some(born) = c.date(Module::Person, row, "personbirthdate") {
            if born > today {
                c.fail("SEN2-04", Module::Person, row, format!("the date of birth is after today ({today})"));
            }
            if let Some(census) = census {
                let age = age_on(born, census);
                if !(0..=25).contains(&age) {
                    c.fail("SEN2-06", Module::Person, row, format!("aged {age} on the census day {census}"));
                }
            }
        }
    }

    // Every date readable and not in the future; every flag readable.
    for (module, columns) in DATES {
        for row in blade.rows(module) {
            for column in columns {
                if let Some(d) = c.date(module, row, column)
                    && d > today
                {
                    c.fail("SEN2-05", module, row, format!("{column} {d} is after today ({today})"));
                }
            }
        }
    }
    for (module, columns) in FLAGS {
        for row in blade.rows(module) {
            for column in columns {
                c.flag(module, row, column);
            }
        }
    }

    // Outcomes with their dates; agreed assessments that have an assessment.
    for row in blade.rows(Module::Requests) {
        let outcome = c.code(Module::Requests, row, "requestoutcome", &REQUEST_OUTCOMES);
        let dated = row.get("requestoutcomedate").is_some();
        match (outcome.map(str::to_ascii_uppercase).as_deref(), dated) {
            (Some("Y" | "N" | "W"), false) => {
                c.fail("SEN2-07", Module::Requests, row, "requestoutcome has no requestoutcomedate".into())
            }
            (None | Some("A"), true) => c.fail(
                "SEN2-07",
                Module::Requests,
                row,
                "requestoutcomedate is given but the request has no outcome".into(),
            ),
            _ => {}
        }
        if outcome.is_some_and(|o| o.eq_ignore_ascii_case("Y"))
            && let Some(key) = row.get("requeststableid")
            && blade.children(Module::Assessment, key).next().is_none()
        {
            c.fail("SEN2-12", Module::Requests, row, format!("request {key} was agreed (Y) but has no assessment"));
        }
    }
    for row in blade.rows(Module::Assessment) {
        let outcome = c.code(Module::Assessment, row, "assessmentoutcome", &REQUEST_OUTCOMES);
        let dated = row.get("assessmentoutcomedate").is_some();
        match (outcome.map(str::to_ascii_uppercase).as_deref(), dated) {
            (Some("Y" | "N" | "W"), false) => {
                c.fail("SEN2-07", Module::Assessment, row, "assessmentoutcome has no assessmentoutcomedate".into())
            }
            (None | Some("A"), true) => c.fail(
                "SEN2-07",
                Module::Assessment,
                row,
                "assessmentoutcomedate is given but the assessment has no outcome".into(),
            ),
            _ => {}
        }
    }

    // Cease dates with reasons.
    for row in blade.rows(Module::NamedPlan) {
        let reason = c.code(Module::NamedPlan, row, "ceasereason", &CEASE_REASONS);
        match (row.get("ceasedate").is_some(), reason.is_some()) {
            (true, false) => c.fail("SEN2-10", Module::NamedPlan, row, "ceasedate has no ceasereason".into()),
            (false, true) => c.fail("SEN2-10", Module::NamedPlan, row, "ceasereason has no ceasedate".into()),
            _ => {}
        }
    }

    // Codes of needs and settings.
    for row in blade.rows(Module::SenNeed) {
        c.code(Module::SenNeed, row, "sentype", &SEN_TYPES);
    }
    for module in [Module::PlanDetail, Module::PlacementDetail] {
        for row in blade.rows(module) {
            c.code(module, row, "sensetting", &SEN_SETTINGS);
        }
    }

    // Active plans on the census day: a placement and a primary need.
    if let Some(census) = census {
        for row in blade.rows(Module::ActivePlans) {
            let Some(key) = row.get("activeplanstableid") else { continue };
            let placed = blade.children(Module::PlacementDetail, key).any(|p| {
                let entry = p.get("entrydate").and_then(|d| parse_blade_date(d).ok());
                let leaving = p.get("leavingdate").and_then(|d| parse_blade_date(d).ok());
                entry.is_none_or(|e| e <= census) && leaving.is_none_or(|l| l >= census)
            });
            if !placed {
                c.fail("SEN2-08", Module::ActivePlans, row, format!("no placement on the census day {census}"));
            }
            let primary = blade.children(Module::SenNeed, key).any(|n| n.get("sentyperank") == Some("1"));
            if !primary {
                c.fail("SEN2-09", Module::ActivePlans, row, "no need of sentyperank 1".into());
            }
        }
    }

    // A person's placements of the same rank do not overlap.
    // A person's placements by rank: (entry, leaving, row).
    type Spans<'r> = HashMap<(String, String), Vec<(Date, Option<Date>, &'r BladeRow)>>;
    let mut spans: Spans = HashMap::new();
    for row in blade.rows(Module::PlacementDetail) {
        let Some(entry) = row.get("entrydate").and_then(|d| parse_blade_date(d).ok()) else { continue };
        let leaving = row.get("leavingdate").and_then(|d| parse_blade_date(d).ok());
        let person = c.person(Module::PlacementDetail, row);
        let rank = row.get("placementrank").unwrap_or("1").to_string();
        spans.entry((person, rank)).or_default().push((entry, leaving, row));
    }
    let mut overlaps = Vec::new();
    for list in spans.values_mut() {
        list.sort_by_key(|(entry, _, row)| (*entry, row.line));
        for pair in list.windows(2) {
            let (_, first_leaving, first) = pair[0];
            let (second_entry, _, second) = pair[1];
            if first_leaving.is_none_or(|l| l >= second_entry) {
                overlaps.push((second, first.line));
            }
        }
    }
    for (row, earlier) in overlaps {
        c.fail(
            "SEN2-11",
            Module::PlacementDetail,
            row,
            format!("overlaps the placement on line {earlier} of the same rank"),
        );
    }

    let mut failures = c.failures;
    failures.sort_by(|a, b| (a.module, a.line, a.rule).cmp(&(b.module, b.line, b.rule)));
    failures
}

/// The UPN-unknown reason codes.
pub const UPN_UNKNOWN: [&str; 10] = ["UN1", "UN2", "UN3", "UN4", "UN5", "UN6", "UN7", "UN8", "UN9", "UN10"];

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    const TODAY: Date = date(2026, 11, 30);

    fn row(line: usize, cells: &[(&str, &str)]) -> BladeRow {
        BladeRow { line, cells: cells.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect() }
    }

    /// One person with a request agreed, an assessment and a plan, active on the census day
    /// 2026-01-15 with a placement and a primary need: passes every check.
    fn good() -> Blade {
        let mut rows = HashMap::new();
        rows.insert(
            Module::Sen2,
            vec![row(2, &[("sen2tableid", "1"), ("year", "2026"), ("referencedate", "2026-Jan-15 00:00:00")])],
        );
        rows.insert(
            Module::Person,
            vec![row(
                2,
                &[
                    ("persontableid", "P1"),
                    ("sen2tableid", "1"),
                    ("upn", "A123456789012"),
                    ("personbirthdate", "2014-Mar-01 00:00:00"),
                ],
            )],
        );
        rows.insert(
            Module::Requests,
            vec![row(
                2,
                &[
                    ("requeststableid", "R1"),
                    ("persontableid", "P1"),
                    ("receiveddate", "2025-Feb-03 00:00:00"),
                    ("requestoutcome", "Y"),
                    ("requestoutcomedate", "2025-Mar-10 00:00:00"),
                    ("rya", "0"),
                ],
            )],
        );
        rows.insert(
            Module::Assessment,
            vec![row(
                2,
                &[
                    ("assessmenttableid", "AS1"),
                    ("requeststableid", "R1"),
                    ("assessmentoutcome", "Y"),
                    ("assessmentoutcomedate", "2025-Jun-20 00:00:00"),
                    ("week20", "false"),
                ],
            )],
        );
        rows.insert(
            Module::NamedPlan,
            vec![row(
                2,
                &[("namedplantableid", "N1"), ("assessmenttableid", "AS1"), ("startdate", "2025-Jun-20 00:00:00")],
            )],
        );
        rows.insert(Module::ActivePlans, vec![row(2, &[("activeplanstableid", "AP1"), ("requeststableid", "R1")])]);
        rows.insert(
            Module::PlacementDetail,
            vec![row(
                2,
                &[
                    ("placementdetailtableid", "PD1"),
                    ("activeplanstableid", "AP1"),
                    ("urn", "113500"),
                    ("placementrank", "1"),
                    ("entrydate", "2025-Sep-01 00:00:00"),
                ],
            )],
        );
        rows.insert(
            Module::SenNeed,
            vec![row(
                2,
                &[("senneedtableid", "S1"), ("activeplanstableid", "AP1"), ("sentype", "ASD"), ("sentyperank", "1")],
            )],
        );
        Blade::new(rows)
    }

    fn set(blade: &mut Blade, module: Module, index: usize, column: &str, value: &str) {
        blade.rows_mut(module)[index].cells.insert(column.to_string(), value.to_string());
    }

    fn rules(blade: &Blade) -> Vec<(&'static str, String)> {
        check(blade, TODAY, None).into_iter().map(|f| (f.rule, f.person)).collect()
    }

    #[test]
    fn census_days_come_from_the_table_and_dates_read_both_ways() {
        assert_eq!(census_day(2021), Some(date(2021, 1, 14)), "not the third Thursday");
        assert_eq!(census_day(2030), None);
        assert_eq!(parse_blade_date("2022-Sep-28 00:00:00"), Ok(date(2022, 9, 28)));
        assert_eq!(parse_blade_date("2022-09-28"), Ok(date(2022, 9, 28)));
        assert!(parse_blade_date("2022-Feb-30 00:00:00").unwrap_err().contains("not a real date"));
        assert!(parse_blade_date("28/09/2022").is_err());
        assert_eq!(blade_date(date(2022, 9, 8)), "2022-Sep-08 00:00:00");
        assert_eq!(parse_blade_flag("true"), Ok(true));
        assert_eq!(parse_blade_flag("0"), Ok(false));
        assert!(parse_blade_flag("yes").is_err());
    }

    #[test]
    fn a_clean_return_passes_every_check() {
        assert_eq!(rules(&good()), vec![]);
        assert_eq!(RULES.len(), 14);
        for (i, r) in RULES.iter().enumerate() {
            assert_eq!(r.id, format!("SEN2-{:02}", i + 1));
        }
    }

    #[test]
    fn sen2_01_no_upn_uln_or_reason() {
        let mut b = good();
        set(&mut b, Module::Person, 0, "upn", "");
        assert_eq!(rules(&b), vec![("SEN2-01", "P1".to_string())]);
        set(&mut b, Module::Person, 0, "upnunknown", "UN2");
        assert_eq!(rules(&b), vec![]);
    }

    #[test]
    fn sen2_02_a_shared_upn() {
        let mut b = good();
        let mut twin = b.rows(Module::Person)[0].clone();
        twin.line = 3;
        twin.cells.insert("persontableid".into(), "P2".into());
        b.rows_mut(Module::Person).push(twin);
        assert_eq!(rules(&b), vec![("SEN2-02", "P2".to_string())]);
    }

    #[test]
    fn sen2_03_a_malformed_upn() {
        let mut b = good();
        set(&mut b, Module::Person, 0, "upn", "A12345678901Z");
        assert_eq!(rules(&b), vec![("SEN2-03", "P1".to_string())]);
    }

    #[test]
    fn sen2_04_a_date_of_birth_in_the_future() {
        let mut b = good();
        set(&mut b, Module::Person, 0, "personbirthdate", "2027-Jan-01 00:00:00");
        let found = rules(&b);
        assert!(found.contains(&("SEN2-04", "P1".to_string())), "{found:?}");
    }

    #[test]
    fn sen2_05_any_date_in_the_future() {
        let mut b = good();
        set(&mut b, Module::PlacementDetail, 0, "leavingdate", "2027-Jul-20 00:00:00");
        assert_eq!(rules(&b), vec![("SEN2-05", "P1".to_string())]);
    }

    #[test]
    fn sen2_06_an_age_outside_0_to_25_on_the_census_day() {
        let mut b = good();
        set(&mut b, Module::Person, 0, "personbirthdate", "2000-Jan-14 00:00:00");
        assert_eq!(rules(&b), vec![("SEN2-06", "P1".to_string())], "26 on 2026-01-15");
        set(&mut b, Module::Person, 0, "personbirthdate", "2000-Jan-16 00:00:00");
        assert_eq!(rules(&b), vec![], "still 25 on the census day");
    }

    #[test]
    fn sen2_07_an_outcome_without_its_date() {
        let mut b = good();
        set(&mut b, Module::Assessment, 0, "assessmentoutcomedate", "");
        assert_eq!(rules(&b), vec![("SEN2-07", "P1".to_string())]);
        let mut b = good();
        set(&mut b, Module::Requests, 0, "requestoutcome", "");
        assert!(rules(&b).contains(&("SEN2-07", "P1".to_string())));
    }

    #[test]
    fn sen2_08_an_active_plan_without_a_placement_on_the_census_day() {
        let mut b = good();
        set(&mut b, Module::PlacementDetail, 0, "entrydate", "2026-Feb-01 00:00:00");
        assert_eq!(rules(&b), vec![("SEN2-08", "P1".to_string())]);
    }

    #[test]
    fn sen2_09_an_active_plan_without_a_primary_need() {
        let mut b = good();
        set(&mut b, Module::SenNeed, 0, "sentyperank", "2");
        assert_eq!(rules(&b), vec![("SEN2-09", "P1".to_string())]);
    }

    #[test]
    fn sen2_10_a_cease_date_without_a_reason() {
        let mut b = good();
        set(&mut b, Module::NamedPlan, 0, "ceasedate", "2026-Oct-01 00:00:00");
        assert_eq!(rules(&b), vec![("SEN2-10", "P1".to_string())]);
        set(&mut b, Module::NamedPlan, 0, "ceasereason", "2");
        assert_eq!(rules(&b), vec![]);
    }

    #[test]
    fn sen2_11_overlapping_placements() {
        let mut b = good();
        let mut second = b.rows(Module::PlacementDetail)[0].clone();
        second.line = 3;
        second.cells.insert("placementdetailtableid".into(), "PD2".into());
        second.cells.insert("entrydate".into(), "2025-Dec-01 00:00:00".into());
        b.rows_mut(Module::PlacementDetail).push(second.clone());
        assert_eq!(rules(&b), vec![("SEN2-11", "P1".to_string())]);
        // A dual placement (rank 2) may run alongside the main one.
        set(&mut b, Module::PlacementDetail, 1, "placementrank", "2");
        assert_eq!(rules(&b), vec![]);
    }

    #[test]
    fn sen2_12_an_agreed_request_without_an_assessment() {
        let mut b = good();
        b.rows_mut(Module::Assessment).clear();
        b.rows_mut(Module::NamedPlan).clear();
        assert_eq!(rules(&b), vec![("SEN2-12", "P1".to_string())]);
    }

    #[test]
    fn sen2_13_a_code_not_in_its_list() {
        let mut b = good();
        set(&mut b, Module::SenNeed, 0, "sentype", "ADHD");
        assert_eq!(rules(&b), vec![("SEN2-13", "P1".to_string())]);
        let mut b = good();
        set(&mut b, Module::Requests, 0, "requestoutcome", "Q");
        assert!(rules(&b).contains(&("SEN2-13", "P1".to_string())));
    }

    #[test]
    fn sen2_14_a_date_or_flag_that_cannot_be_read() {
        let mut b = good();
        set(&mut b, Module::Requests, 0, "receiveddate", "03/02/2025");
        set(&mut b, Module::Requests, 0, "rya", "maybe");
        assert_eq!(rules(&b), vec![("SEN2-14", "P1".to_string()), ("SEN2-14", "P1".to_string())]);
    }
}
