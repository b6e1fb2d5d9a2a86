//! Reads an interchange folder. Every problem is collected, none stops the reading: the shape
//! of each file and cell first (columns, UTF-8, dates, codes, required cells), then the
//! cross-record rules of the domain. Each is reported as `file:line:column: message`, where
//! line 1 is the header.

use crate::columns::{Column, columns};
use sendtrack_domain::Date;
use sendtrack_domain::codes::*;
use sendtrack_domain::dates::parse_date;
use sendtrack_domain::identifiers::Pounds;
use sendtrack_domain::measures::MEASURE_IDS;
use sendtrack_domain::records::*;
use sendtrack_domain::validation::{RecordFile, validate};
use std::collections::HashSet;
use std::path::Path;

/// Where a problem is: a line of a file in the folder, or a record already in the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    Line(u64),
    /// A record that was already stored (identified by its position among stored records).
    Stored,
}

/// One problem with a folder, at one cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderProblem {
    pub file: &'static str,
    pub place: Place,
    pub column: String,
    pub message: String,
}

impl std::fmt::Display for FolderProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.place {
            Place::Line(line) => write!(
                f,
                "{}:{}:{}: {}",
                self.file, line, self.column, self.message
            ),
            Place::Stored => write!(
                f,
                "{}:(record already in the database):{}: {}",
                self.file, self.column, self.message
            ),
        }
    }
}

/// A folder that was read: its records and the line each came from.
#[derive(Debug, Default)]
pub struct FolderRead {
    pub casework: Casework,
    /// For each file (in [`RecordFile::ALL`] order), the line of each record.
    pub lines: [Vec<u64>; 11],
    /// Problems with the shape of files and cells.
    pub problems: Vec<FolderProblem>,
    /// Ids of rows that could not be read, so that references to them are not reported twice.
    unreadable_ids: HashSet<(RecordFile, String)>,
}

/// Reads every file of the interchange folder at `dir`. Fails only when the folder itself
/// cannot be read; problems with its content are in [`FolderRead::problems`].
pub fn read_folder(dir: &Path) -> std::io::Result<FolderRead> {
    if !dir.is_dir() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("{} is not a folder", dir.display()),
        ));
    }
    let mut read = FolderRead::default();
    for entry in std::fs::read_dir(dir)? {
        let name = entry?.file_name();
        let name = name.to_string_lossy();
        if name.ends_with(".csv") && !RecordFile::ALL.iter().any(|f| f.file_name() == name) {
            read.problems.push(FolderProblem {
                file: "(folder)",
                place: Place::Line(0),
                column: name.to_string(),
                message: format!("{name} is not a file of the interchange format; rename it or take it out of the folder"),
            });
        }
    }
    for file in RecordFile::ALL {
        let path = dir.join(file.file_name());
        match std::fs::read(&path) {
            Ok(bytes) => read_file(file, &bytes, &mut read),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(std::io::Error::new(
                    e.kind(),
                    format!("cannot read {}: {e}", path.display()),
                ));
            }
        }
    }
    Ok(read)
}

/// Applies the cross-record rules to `folder` over the records already `stored` and returns
/// every problem (shape problems first). `today` bounds dates of birth.
pub fn check_casework(folder: &FolderRead, stored: &Casework, today: Date) -> Vec<FolderProblem> {
    let merged;
    let casework = if stored == &Casework::default() {
        &folder.casework
    } else {
        merged = stored.updated_with(&folder.casework);
        &merged
    };
    let mut problems = folder.problems.clone();
    for p in validate(casework, today, MEASURE_IDS) {
        if p.refers_to
            .as_ref()
            .is_some_and(|r| folder.unreadable_ids.contains(r))
        {
            continue;
        }
        let lines = &folder.lines[p.file as usize];
        let place = lines
            .get(p.index)
            .map_or(Place::Stored, |&l| Place::Line(l));
        problems.push(FolderProblem {
            file: p.file.file_name(),
            place,
            column: p.column.to_string(),
            message: p.message,
        });
    }
    let file_order = |name: &str| {
        RecordFile::ALL
            .iter()
            .position(|f| f.file_name() == name)
            .unwrap_or(0)
    };
    problems.sort_by_key(|p| {
        (
            file_order(p.file),
            match p.place {
                Place::Line(l) => l,
                Place::Stored => u64::MAX,
            },
        )
    });
    problems
}

/// The cells of one row, read by column name, collecting problems as they are found.
struct Row<'a> {
    file: RecordFile,
    line: u64,
    spec: &'static [Column],
    /// For each spec column, its position in the row, if the file has that column.
    positions: &'a [Option<usize>],
    cells: Vec<&'a str>,
    problems: Vec<FolderProblem>,
}

impl<'a> Row<'a> {
    fn problem(&mut self, column: &str, message: impl Into<String>) {
        self.problems.push(FolderProblem {
            file: self.file.file_name(),
            place: Place::Line(self.line),
            column: column.to_string(),
            message: message.into(),
        });
    }

    /// The cell's text, `None` when empty or the column is absent.
    fn text(&self, name: &str) -> Option<&'a str> {
        let k = self.spec.iter().position(|c| c.name == name)?;
        let cell = self.positions[k].and_then(|p| self.cells.get(p).copied())?;
        (!cell.is_empty()).then_some(cell)
    }

    fn required(&mut self, name: &str) -> Option<&'a str> {
        let value = self.text(name);
        if value.is_none() {
            self.problem(name, format!("{name} is required but the cell is empty"));
        }
        value
    }

    fn parsed<T>(
        &mut self,
        name: &str,
        value: Option<&str>,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Option<T> {
        match parse(value?) {
            Ok(v) => Some(v),
            Err(message) => {
                self.problem(name, message);
                None
            }
        }
    }

    fn opt<T>(&mut self, name: &str, parse: impl Fn(&str) -> Result<T, String>) -> Option<T> {
        let value = self.text(name);
        self.parsed(name, value, parse)
    }

    fn req<T>(&mut self, name: &str, parse: impl Fn(&str) -> Result<T, String>) -> Option<T> {
        let value = self.required(name);
        self.parsed(name, value, parse)
    }

    fn opt_string(&mut self, name: &str) -> Option<String> {
        self.text(name).map(str::to_string)
    }

    fn req_string(&mut self, name: &str) -> Option<String> {
        self.required(name).map(str::to_string)
    }

    /// A code and the date that must come with it: both filled, or both empty.
    fn dated<T: Copy>(
        &mut self,
        code: &str,
        date: &str,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Option<Dated<T>> {
        let value = self.opt(code, parse);
        let on = self.opt(date, parse_date);
        match (self.text(code), self.text(date)) {
            (Some(_), None) => {
                self.problem(date, format!("{date} is required when {code} is filled"))
            }
            (None, Some(_)) => {
                self.problem(code, format!("{code} is required when {date} is filled"))
            }
            _ => {}
        }
        Some(Dated::new(value?, on?))
    }
}

fn parse_text_number(text: &str) -> Result<f64, String> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
    let ok = !whole.is_empty()
        && !fraction.is_empty()
        && whole
            .bytes()
            .chain(fraction.bytes())
            .all(|b| b.is_ascii_digit());
    if !ok {
        return Err(format!(
            "'{text}' is not a number (write digits with an optional minus sign and decimal point, for example 46.4)"
        ));
    }
    text.parse()
        .map_err(|_| format!("'{text}' is not a number"))
}

fn parse_whole<T: std::str::FromStr>(what: &'static str) -> impl Fn(&str) -> Result<T, String> {
    move |text: &str| {
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("'{text}' is not {what}"));
        }
        text.parse().map_err(|_| format!("'{text}' is not {what}"))
    }
}

fn read_file(file: RecordFile, bytes: &[u8], read: &mut FolderRead) {
    let mut shape_problems = Vec::new();
    read_rows(file, bytes, read, &mut shape_problems);
    read.problems.append(&mut shape_problems);
}

/// Reads the rows of one file into `read`; problems with the file's shape go to `shape`.
fn read_rows(
    file: RecordFile,
    bytes: &[u8],
    read: &mut FolderRead,
    shape: &mut Vec<FolderProblem>,
) {
    let name = file.file_name();
    let spec = columns(file);
    let mut problem = |line: u64, column: &str, message: String| {
        shape.push(FolderProblem {
            file: name,
            place: Place::Line(line),
            column: column.to_string(),
            message,
        })
    };
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut records = reader.byte_records();

    let header = match records.next() {
        None => {
            problem(
                1,
                "(header)",
                "the file is empty; it needs at least a header row naming its columns".into(),
            );
            return;
        }
        Some(Err(e)) => {
            problem(
                1,
                "(header)",
                format!("the header row is not valid CSV: {e}"),
            );
            return;
        }
        Some(Ok(h)) => h,
    };
    let mut names = Vec::with_capacity(header.len());
    for (k, cell) in header.iter().enumerate() {
        match std::str::from_utf8(cell) {
            Ok(text) => names.push(text.to_string()),
            Err(_) => {
                problem(
                    1,
                    &format!("(column {})", k + 1),
                    "the header is not UTF-8 text; is this a CSV file saved as UTF-8?".into(),
                );
                return;
            }
        }
    }
    let mut seen = HashSet::new();
    for n in &names {
        if !spec.iter().any(|c| c.name == n) {
            let known: Vec<&str> = spec.iter().map(|c| c.name).collect();
            problem(
                1,
                n,
                format!(
                    "'{n}' is not a column of {name}; the columns are: {}",
                    known.join(", ")
                ),
            );
        } else if !seen.insert(n.as_str()) {
            problem(1, n, format!("column '{n}' appears twice"));
        }
    }
    for c in spec.iter().filter(|c| c.required) {
        if !names.iter().any(|n| n == c.name) {
            problem(
                1,
                c.name,
                format!("the required column '{}' is missing", c.name),
            );
        }
    }
    let positions: Vec<Option<usize>> = spec
        .iter()
        .map(|c| names.iter().position(|n| n == c.name))
        .collect();
    let index = file as usize;

    for record in records {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                problem(line, "(row)", format!("the row is not valid CSV: {e}"));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        if record.len() != names.len() {
            problem(
                line,
                "(row)",
                format!(
                    "the row has {} cells but the header has {} columns",
                    record.len(),
                    names.len()
                ),
            );
            continue;
        }
        let mut cells = Vec::with_capacity(record.len());
        let mut utf8 = true;
        for (k, cell) in record.iter().enumerate() {
            match std::str::from_utf8(cell) {
                Ok(text) => cells.push(text),
                Err(_) => {
                    problem(
                        line,
                        &names[k],
                        "the cell is not UTF-8 text; save the file as UTF-8".into(),
                    );
                    utf8 = false;
                }
            }
        }
        if !utf8 {
            continue;
        }
        let mut row = Row {
            file,
            line,
            spec,
            positions: &positions,
            cells,
            problems: Vec::new(),
        };
        let parsed = parse_row(&mut row, &mut read.casework);
        if parsed && row.problems.is_empty() {
            read.lines[index].push(line);
        } else {
            if parsed {
                // The record was pushed before a later cell failed: take it back out.
                pop_last(file, &mut read.casework);
            }
            let id_column = spec[0].name;
            if let Some(id) = row.text(id_column) {
                read.unreadable_ids.insert((file, id.to_string()));
            }
            read.problems.append(&mut row.problems);
        }
    }
}

fn pop_last(file: RecordFile, cw: &mut Casework) {
    match file {
        RecordFile::Children => drop(cw.children.pop()),
        RecordFile::Requests => drop(cw.requests.pop()),
        RecordFile::Advice => drop(cw.advice.pop()),
        RecordFile::Plans => drop(cw.plans.pop()),
        RecordFile::Placements => drop(cw.placements.pop()),
        RecordFile::Reviews => drop(cw.reviews.pop()),
        RecordFile::Disputes => drop(cw.disputes.pop()),
        RecordFile::Feedback => drop(cw.feedback.pop()),
        RecordFile::Population => drop(cw.population.pop()),
        RecordFile::Benchmarks => drop(cw.benchmarks.pop()),
        RecordFile::Targets => drop(cw.targets.pop()),
    }
}

/// Reads one row into its record and appends it; `false` when a cell could not be read.
fn parse_row(row: &mut Row, cw: &mut Casework) -> bool {
    macro_rules! all {
        ($($field:ident),+) => { match ($($field),+) { ($(Some($field)),+) => ($($field),+), _ => return false } };
    }
    match row.file {
        RecordFile::Children => {
            let child_id = row.req_string("child_id");
            let forename = row.req_string("forename");
            let surname = row.req_string("surname");
            let date_of_birth = row.req("date_of_birth", parse_date);
            let upn = row.opt_string("upn");
            let sex = row.opt("sex", Sex::parse);
            let postcode = row.opt_string("postcode");
            let primary_need = row.opt("primary_need", Need::parse);
            let secondary_need = row.opt("secondary_need", Need::parse);
            let uln = row.opt_string("uln");
            let upn_unknown = row.opt("upn_unknown", UpnUnknown::parse);
            let ethnicity = row.opt_string("ethnicity");
            let (child_id, forename, surname, date_of_birth) =
                all!(child_id, forename, surname, date_of_birth);
            cw.children.push(Child {
                child_id,
                upn,
                forename,
                surname,
                date_of_birth,
                sex,
                postcode,
                primary_need,
                secondary_need,
                uln,
                upn_unknown,
                ethnicity,
            });
        }
        RecordFile::Requests => {
            let request_id = row.req_string("request_id");
            let child_id = row.req_string("child_id");
            let received_on = row.req("received_on", parse_date);
            let source = row.req("source", RequestSource::parse);
            let caseworker = row.opt_string("caseworker");
            let decision = row.dated("decision", "decided_on", AssessmentDecision::parse);
            let draft_issued_on = row.opt("draft_issued_on", parse_date);
            let outcome = row.dated("outcome", "outcome_on", AssessmentOutcome::parse);
            let exception = row.opt("exception", TimeLimitException::parse);
            let in_youth_accommodation = row.opt("in_youth_accommodation", parse_flag);
            let (request_id, child_id, received_on, source) =
                all!(request_id, child_id, received_on, source);
            cw.requests.push(Request {
                request_id,
                child_id,
                received_on,
                source,
                caseworker,
                decision,
                draft_issued_on,
                outcome,
                exception,
                in_youth_accommodation,
            });
        }
        RecordFile::Advice => {
            let advice_id = row.req_string("advice_id");
            let request_id = row.req_string("request_id");
            let kind = row.req("kind", AdviceKind::parse);
            let provider = row.opt_string("provider");
            let requested_on = row.req("requested_on", parse_date);
            let received_on = row.opt("received_on", parse_date);
            let (advice_id, request_id, kind, requested_on) =
                all!(advice_id, request_id, kind, requested_on);
            cw.advice.push(Advice {
                advice_id,
                request_id,
                kind,
                provider,
                requested_on,
                received_on,
            });
        }
        RecordFile::Plans => {
            let plan_id = row.req_string("plan_id");
            let child_id = row.req_string("child_id");
            let request_id = row.opt_string("request_id");
            let issued_on = row.req("issued_on", parse_date);
            let ceased = row.dated("cease_reason", "ceased_on", CeaseReason::parse);
            let transferred_from = row.opt_string("transferred_from");
            let personal_budget = row.opt("personal_budget", PersonalBudget::parse);
            let (plan_id, child_id, issued_on) = all!(plan_id, child_id, issued_on);
            cw.plans.push(Plan {
                plan_id,
                child_id,
                request_id,
                issued_on,
                ceased,
                transferred_from,
                personal_budget,
            });
        }
        RecordFile::Placements => {
            let placement_id = row.req_string("placement_id");
            let child_id = row.req_string("child_id");
            let setting = row.req("setting", Setting::parse);
            let urn = row.opt_string("urn");
            let establishment = row.opt_string("establishment");
            let started_on = row.req("started_on", parse_date);
            let ended_on = row.opt("ended_on", parse_date);
            let annual_cost = row.opt("annual_cost", Pounds::parse);
            let ukprn = row.opt_string("ukprn");
            let rank = row.opt("rank", PlacementRank::parse);
            let sen_unit = row.opt("sen_unit", parse_flag);
            let resourced_provision = row.opt("resourced_provision", parse_flag);
            let (placement_id, child_id, setting, started_on) =
                all!(placement_id, child_id, setting, started_on);
            cw.placements.push(Placement {
                placement_id,
                child_id,
                setting,
                urn,
                establishment,
                started_on,
                ended_on,
                annual_cost,
                ukprn,
                rank,
                sen_unit,
                resourced_provision,
            });
        }
        RecordFile::Reviews => {
            let review_id = row.req_string("review_id");
            let plan_id = row.req_string("plan_id");
            let meeting_on = row.opt("meeting_on", parse_date);
            let decision = row.dated("decision", "decided_on", ReviewDecision::parse);
            let amended_on = row.opt("amended_on", parse_date);
            let phase_transfer = row.opt("phase_transfer", PhaseTransfer::parse);
            let (review_id, plan_id) = all!(review_id, plan_id);
            cw.reviews.push(Review {
                review_id,
                plan_id,
                meeting_on,
                decision,
                amended_on,
                phase_transfer,
            });
        }
        RecordFile::Disputes => {
            let dispute_id = row.req_string("dispute_id");
            let child_id = row.req_string("child_id");
            let kind = row.req("kind", DisputeKind::parse);
            let request_id = row.opt_string("request_id");
            let opened_on = row.req("opened_on", parse_date);
            let outcome = row.dated("outcome", "closed_on", DisputeOutcome::parse);
            let (dispute_id, child_id, kind, opened_on) =
                all!(dispute_id, child_id, kind, opened_on);
            cw.disputes.push(Dispute {
                dispute_id,
                child_id,
                kind,
                request_id,
                opened_on,
                outcome,
            });
        }
        RecordFile::Feedback => {
            let feedback_id = row.req_string("feedback_id");
            let kind = row.req("kind", FeedbackKind::parse);
            let received_on = row.req("received_on", parse_date);
            let child_id = row.opt_string("child_id");
            let (feedback_id, kind, received_on) = all!(feedback_id, kind, received_on);
            cw.feedback.push(Feedback {
                feedback_id,
                kind,
                received_on,
                child_id,
            });
        }
        RecordFile::Population => {
            let year = row.req("year", |t: &str| {
                parse_whole::<i16>("a year")(t).and_then(|y| {
                    if (1900..=2999).contains(&y) {
                        Ok(y)
                    } else {
                        Err(format!("'{t}' is not a year"))
                    }
                })
            });
            let age = row.req("age", |t: &str| {
                parse_whole::<u8>("an age from 0 to 25")(t).and_then(|a| {
                    if a <= 25 {
                        Ok(a)
                    } else {
                        Err(format!("age {a} is outside 0 to 25"))
                    }
                })
            });
            let count = row.req("count", parse_whole::<u64>("a whole number of persons"));
            let (year, age, count) = all!(year, age, count);
            cw.population.push(PopulationCount { year, age, count });
        }
        RecordFile::Benchmarks => {
            let measure = row.req_string("measure");
            let period = row.req("period", BenchmarkPeriod::parse);
            let comparator = row.req("comparator", Comparator::parse);
            let value = row.req("value", parse_text_number);
            let (measure, period, comparator, value) = all!(measure, period, comparator, value);
            cw.benchmarks.push(Benchmark {
                measure,
                period,
                comparator,
                value,
            });
        }
        RecordFile::Targets => {
            let measure = row.req_string("measure");
            let target = row.req("target", parse_text_number);
            let due_on = row.opt("due_on", parse_date);
            let (measure, target) = all!(measure, target);
            cw.targets.push(Target {
                measure,
                target,
                due_on,
            });
        }
    }
    true
}
