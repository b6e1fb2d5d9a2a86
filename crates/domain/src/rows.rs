//! The records as rows of text cells: the columns of each record type, and the conversion of
//! a record to its cells and back. The interchange files and the database tables both use
//! it, so a record has one written form wherever it is kept.

use crate::codes::*;
use crate::dates::parse_date;
use crate::identifiers::Pounds;
use crate::records::*;
use crate::validation::RecordFile;

/// How a column is stored in a database table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Storage {
    Text,
    Integer,
    Real,
}

/// A column: its exact name, whether it must be present and filled in every row, and how a
/// database stores it.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    pub required: bool,
    /// Whether every row must fill it (false only for the columns made by `present`).
    pub filled: bool,
    pub storage: Storage,
}

const fn req(name: &'static str) -> Column {
    Column { name, required: true, filled: true, storage: Storage::Text }
}

const fn opt(name: &'static str) -> Column {
    Column { name, required: false, filled: false, storage: Storage::Text }
}

/// A column every file must have whose cells may be empty ("not known"): sendtrack's one
/// relaxation of the interchange spec, for what a SEN2 return cannot say (see the README).
const fn present(name: &'static str) -> Column {
    Column { name, required: true, filled: false, storage: Storage::Text }
}

const fn int(name: &'static str) -> Column {
    Column { name, required: true, filled: true, storage: Storage::Integer }
}

const fn real(name: &'static str) -> Column {
    Column { name, required: true, filled: true, storage: Storage::Real }
}

/// The columns of `file`, in spec order.
pub fn columns(file: RecordFile) -> &'static [Column] {
    match file {
        RecordFile::Children => {
            const C: &[Column] = &[
                req("child_id"),
                opt("upn"),
                req("forename"),
                req("surname"),
                req("date_of_birth"),
                opt("sex"),
                opt("postcode"),
                opt("primary_need"),
                opt("secondary_need"),
                opt("uln"),
                opt("upn_unknown"),
                opt("ethnicity"),
            ];
            C
        }
        RecordFile::Requests => {
            const C: &[Column] = &[
                req("request_id"),
                req("child_id"),
                req("received_on"),
                present("source"),
                opt("caseworker"),
                opt("decision"),
                opt("decided_on"),
                opt("draft_issued_on"),
                opt("outcome"),
                opt("outcome_on"),
                opt("exception"),
                opt("in_youth_accommodation"),
            ];
            C
        }
        RecordFile::Advice => {
            const C: &[Column] = &[
                req("advice_id"),
                req("request_id"),
                req("kind"),
                opt("provider"),
                req("requested_on"),
                opt("received_on"),
            ];
            C
        }
        RecordFile::Plans => {
            const C: &[Column] = &[
                req("plan_id"),
                req("child_id"),
                opt("request_id"),
                req("issued_on"),
                opt("ceased_on"),
                opt("cease_reason"),
                opt("transferred_from"),
                opt("personal_budget"),
            ];
            C
        }
        RecordFile::Placements => {
            const C: &[Column] = &[
                req("placement_id"),
                req("child_id"),
                req("setting"),
                opt("urn"),
                opt("establishment"),
                req("started_on"),
                opt("ended_on"),
                opt("annual_cost"),
                opt("ukprn"),
                opt("rank"),
                opt("sen_unit"),
                opt("resourced_provision"),
            ];
            C
        }
        RecordFile::Reviews => {
            const C: &[Column] = &[
                req("review_id"),
                req("plan_id"),
                opt("meeting_on"),
                opt("decision"),
                opt("decided_on"),
                opt("amended_on"),
                opt("phase_transfer"),
            ];
            C
        }
        RecordFile::Disputes => {
            const C: &[Column] = &[
                req("dispute_id"),
                req("child_id"),
                req("kind"),
                opt("request_id"),
                present("opened_on"),
                opt("outcome"),
                opt("closed_on"),
            ];
            C
        }
        RecordFile::Feedback => {
            const C: &[Column] = &[req("feedback_id"), req("kind"), req("received_on"), opt("child_id")];
            C
        }
        RecordFile::Population => {
            const C: &[Column] = &[int("year"), int("age"), int("count")];
            C
        }
        RecordFile::Benchmarks => {
            const C: &[Column] = &[req("measure"), req("period"), req("comparator"), real("value")];
            C
        }
        RecordFile::Targets => {
            const C: &[Column] = &[req("measure"), real("target"), opt("due_on")];
            C
        }
    }
}

fn date(d: Option<jiff::civil::Date>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

fn text(t: &Option<String>) -> &str {
    t.as_deref().unwrap_or("")
}

fn code<T: std::fmt::Display>(c: Option<T>) -> String {
    c.map(|c| c.to_string()).unwrap_or_default()
}

/// Writes the cells of one record in the order of [`columns`].
pub fn cells(file: RecordFile, cw: &Casework, i: usize) -> Vec<String> {
    match file {
        RecordFile::Children => {
            let c = &cw.children[i];
            vec![
                c.child_id.clone(),
                text(&c.upn).into(),
                c.forename.clone(),
                c.surname.clone(),
                c.date_of_birth.to_string(),
                code(c.sex),
                text(&c.postcode).into(),
                code(c.primary_need),
                code(c.secondary_need),
                text(&c.uln).into(),
                code(c.upn_unknown),
                text(&c.ethnicity).into(),
            ]
        }
        RecordFile::Requests => {
            let r = &cw.requests[i];
            vec![
                r.request_id.clone(),
                r.child_id.clone(),
                r.received_on.to_string(),
                code(r.source),
                text(&r.caseworker).into(),
                code(r.decision.map(|d| d.value)),
                date(r.decision.map(|d| d.on)),
                date(r.draft_issued_on),
                code(r.outcome.map(|o| o.value)),
                date(r.outcome.map(|o| o.on)),
                code(r.exception),
                code(r.in_youth_accommodation),
            ]
        }
        RecordFile::Advice => {
            let a = &cw.advice[i];
            vec![
                a.advice_id.clone(),
                a.request_id.clone(),
                a.kind.to_string(),
                text(&a.provider).into(),
                a.requested_on.to_string(),
                date(a.received_on),
            ]
        }
        RecordFile::Plans => {
            let p = &cw.plans[i];
            vec![
                p.plan_id.clone(),
                p.child_id.clone(),
                text(&p.request_id).into(),
                p.issued_on.to_string(),
                date(p.ceased.map(|c| c.on)),
                code(p.ceased.map(|c| c.value)),
                text(&p.transferred_from).into(),
                code(p.personal_budget),
            ]
        }
        RecordFile::Placements => {
            let p = &cw.placements[i];
            vec![
                p.placement_id.clone(),
                p.child_id.clone(),
                p.setting.to_string(),
                text(&p.urn).into(),
                text(&p.establishment).into(),
                p.started_on.to_string(),
                date(p.ended_on),
                p.annual_cost.as_ref().map(|c| c.as_str().to_string()).unwrap_or_default(),
                text(&p.ukprn).into(),
                code(p.rank),
                code(p.sen_unit),
                code(p.resourced_provision),
            ]
        }
        RecordFile::Reviews => {
            let r = &cw.reviews[i];
            vec![
                r.review_id.clone(),
                r.plan_id.clone(),
                date(r.meeting_on),
                code(r.decision.map(|d| d.value)),
                date(r.decision.map(|d| d.on)),
                date(r.amended_on),
                code(r.phase_transfer),
            ]
        }
        RecordFile::Disputes => {
            let d = &cw.disputes[i];
            vec![
                d.dispute_id.clone(),
                d.child_id.clone(),
                d.kind.to_string(),
                text(&d.request_id).into(),
                date(d.opened_on),
                code(d.outcome.map(|o| o.value)),
                date(d.outcome.map(|o| o.on)),
            ]
        }
        RecordFile::Feedback => {
            let f = &cw.feedback[i];
            vec![f.feedback_id.clone(), f.kind.to_string(), f.received_on.to_string(), text(&f.child_id).into()]
        }
        RecordFile::Population => {
            let p = &cw.population[i];
            vec![p.year.to_string(), p.age.to_string(), p.count.to_string()]
        }
        RecordFile::Benchmarks => {
            let b = &cw.benchmarks[i];
            vec![b.measure.clone(), b.period.to_string(), b.comparator.to_string(), b.value.to_string()]
        }
        RecordFile::Targets => {
            let t = &cw.targets[i];
            vec![t.measure.clone(), t.target.to_string(), date(t.due_on)]
        }
    }
}

/// The cells of one row, read by column name, collecting problems as they are found.
pub struct Row<'a> {
    pub file: RecordFile,
    spec: &'static [Column],
    /// For each spec column (in spec order), its cell; `None` when the row has no such column.
    cells: &'a [Option<&'a str>],
    /// Problems found so far: the column and the message.
    pub problems: Vec<(&'static str, String)>,
}

impl<'a> Row<'a> {
    /// A row of `file` whose cells are given in the order of [`columns`].
    pub fn new(file: RecordFile, cells: &'a [Option<&'a str>]) -> Row<'a> {
        Row { file, spec: columns(file), cells, problems: Vec::new() }
    }

    fn problem(&mut self, column: &str, message: impl Into<String>) {
        let column = self.spec.iter().find(|c| c.name == column).map_or("(unknown column)", |c| c.name);
        self.problems.push((column, message.into()));
    }

    /// The cell's text, `None` when empty or the column is absent.
    pub fn text(&self, name: &str) -> Option<&'a str> {
        let k = self.spec.iter().position(|c| c.name == name)?;
        let cell = self.cells.get(k).copied().flatten()?;
        (!cell.is_empty()).then_some(cell)
    }

    fn required(&mut self, name: &str) -> Option<&'a str> {
        let value = self.text(name);
        // A column missing from the whole file is reported once, on its header line.
        let column_present = self
            .spec
            .iter()
            .position(|c| c.name == name)
            .is_some_and(|k| self.cells.get(k).copied().flatten().is_some());
        if value.is_none() && column_present {
            self.problem(name, format!("{name} is required but the cell is empty"));
        }
        value
    }

    fn parsed<T>(&mut self, name: &str, value: Option<&str>, parse: impl Fn(&str) -> Result<T, String>) -> Option<T> {
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
            (Some(_), None) => self.problem(date, format!("{date} is required when {code} is filled")),
            (None, Some(_)) => self.problem(code, format!("{code} is required when {date} is filled")),
            _ => {}
        }
        Some(Dated::new(value?, on?))
    }
}

/// Reads a decimal number as the interchange writes it.
pub fn parse_text_number(text: &str) -> Result<f64, String> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
    let ok =
        !whole.is_empty() && !fraction.is_empty() && whole.bytes().chain(fraction.bytes()).all(|b| b.is_ascii_digit());
    if !ok {
        return Err(format!(
            "'{text}' is not a number (write digits with an optional minus sign and decimal point, for example 46.4)"
        ));
    }
    text.parse().map_err(|_| format!("'{text}' is not a number"))
}

fn parse_whole<T: std::str::FromStr>(what: &'static str) -> impl Fn(&str) -> Result<T, String> {
    move |text: &str| {
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("'{text}' is not {what}"));
        }
        text.parse().map_err(|_| format!("'{text}' is not {what}"))
    }
}

/// Removes the record last appended for `file`.
pub fn pop_last(file: RecordFile, cw: &mut Casework) {
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

/// Reads one row into its record and appends it to `cw`; `false` when a required cell could
/// not be read. Problems are left in [`Row::problems`]: when there are any, the caller takes the
/// record back out with [`pop_last`].
pub fn parse_row(row: &mut Row, cw: &mut Casework) -> bool {
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
            let (child_id, forename, surname, date_of_birth) = all!(child_id, forename, surname, date_of_birth);
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
            let source = row.opt("source", RequestSource::parse);
            let caseworker = row.opt_string("caseworker");
            let decision = row.dated("decision", "decided_on", AssessmentDecision::parse);
            let draft_issued_on = row.opt("draft_issued_on", parse_date);
            let outcome = row.dated("outcome", "outcome_on", AssessmentOutcome::parse);
            let exception = row.opt("exception", TimeLimitException::parse);
            let in_youth_accommodation = row.opt("in_youth_accommodation", parse_flag);
            let (request_id, child_id, received_on) = all!(request_id, child_id, received_on);
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
            let (advice_id, request_id, kind, requested_on) = all!(advice_id, request_id, kind, requested_on);
            cw.advice.push(Advice { advice_id, request_id, kind, provider, requested_on, received_on });
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
            cw.plans.push(Plan { plan_id, child_id, request_id, issued_on, ceased, transferred_from, personal_budget });
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
            let (placement_id, child_id, setting, started_on) = all!(placement_id, child_id, setting, started_on);
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
            cw.reviews.push(Review { review_id, plan_id, meeting_on, decision, amended_on, phase_transfer });
        }
        RecordFile::Disputes => {
            let dispute_id = row.req_string("dispute_id");
            let child_id = row.req_string("child_id");
            let kind = row.req("kind", DisputeKind::parse);
            let request_id = row.opt_string("request_id");
            let opened_on = row.opt("opened_on", parse_date);
            if request_id.is_none() && row.text("opened_on").is_none() {
                row.problem("opened_on", "opened_on is required when request_id is empty");
            }
            let outcome = row.dated("outcome", "closed_on", DisputeOutcome::parse);
            let (dispute_id, child_id, kind) = all!(dispute_id, child_id, kind);
            cw.disputes.push(Dispute { dispute_id, child_id, kind, request_id, opened_on, outcome });
        }
        RecordFile::Feedback => {
            let feedback_id = row.req_string("feedback_id");
            let kind = row.req("kind", FeedbackKind::parse);
            let received_on = row.req("received_on", parse_date);
            let child_id = row.opt_string("child_id");
            let (feedback_id, kind, received_on) = all!(feedback_id, kind, received_on);
            cw.feedback.push(Feedback { feedback_id, kind, received_on, child_id });
        }
        RecordFile::Population => {
            let year = row.req("year", |t: &str| {
                parse_whole::<i16>("a year")(t)
                    .and_then(|y| if (1900..=2999).contains(&y) { Ok(y) } else { Err(format!("'{t}' is not a year")) })
            });
            let age = row.req("age", |t: &str| {
                parse_whole::<u8>("an age from 0 to 25")(t)
                    .and_then(|a| if a <= 25 { Ok(a) } else { Err(format!("age {a} is outside 0 to 25")) })
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
            cw.benchmarks.push(Benchmark { measure, period, comparator, value });
        }
        RecordFile::Targets => {
            let measure = row.req_string("measure");
            let target = row.req("target", parse_text_number);
            let due_on = row.opt("due_on", parse_date);
            let (measure, target) = all!(measure, target);
            cw.targets.push(Target { measure, target, due_on });
        }
    }
    true
}
