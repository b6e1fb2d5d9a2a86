//! The casework records of the interchange format, one struct per file. A code that must come
//! with its date ("required: with") is held as one [`Dated`] value, so a decision without a
//! date cannot exist in memory.

use crate::codes::*;
use crate::identifiers::Pounds;
use jiff::civil::Date;

/// A code together with the date it took effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dated<T> {
    pub value: T,
    pub on: Date,
}

impl<T: Copy> Dated<T> {
    pub fn new(value: T, on: Date) -> Dated<T> {
        Dated { value, on }
    }
}

/// A child or young person.
#[derive(Debug, Clone, PartialEq)]
pub struct Child {
    pub child_id: String,
    pub upn: Option<String>,
    pub forename: String,
    pub surname: String,
    pub date_of_birth: Date,
    pub sex: Option<Sex>,
    pub postcode: Option<String>,
    pub primary_need: Option<Need>,
    pub secondary_need: Option<Need>,
    pub uln: Option<String>,
    pub upn_unknown: Option<UpnUnknown>,
    pub ethnicity: Option<String>,
}

/// A request for an EHC needs assessment, and the assessment that follows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub request_id: String,
    pub child_id: String,
    /// Day 0 of the statutory clock.
    pub received_on: Date,
    /// Who made the request; `None` when not known (a SEN2 return does not say).
    pub source: Option<RequestSource>,
    pub caseworker: Option<String>,
    pub decision: Option<Dated<AssessmentDecision>>,
    pub draft_issued_on: Option<Date>,
    pub outcome: Option<Dated<AssessmentOutcome>>,
    pub exception: Option<TimeLimitException>,
    pub in_youth_accommodation: Option<bool>,
}

impl Request {
    /// The decision, if one was notified on or before `date`.
    pub fn decision_as_at(&self, date: Date) -> Option<AssessmentDecision> {
        self.decision.filter(|d| d.on <= date).map(|d| d.value)
    }

    /// The outcome, if it was notified on or before `date`.
    pub fn outcome_as_at(&self, date: Date) -> Option<AssessmentOutcome> {
        self.outcome.filter(|o| o.on <= date).map(|o| o.value)
    }
}

/// Statutory advice requested during an assessment.
#[derive(Debug, Clone, PartialEq)]
pub struct Advice {
    pub advice_id: String,
    pub request_id: String,
    pub kind: AdviceKind,
    pub provider: Option<String>,
    pub requested_on: Date,
    pub received_on: Option<Date>,
}

/// An EHC plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub plan_id: String,
    pub child_id: String,
    pub request_id: Option<String>,
    pub issued_on: Date,
    pub ceased: Option<Dated<CeaseReason>>,
    pub transferred_from: Option<String>,
    pub personal_budget: Option<PersonalBudget>,
}

impl Plan {
    /// Active as at `date`: issued on or before it and not ceased by it.
    pub fn is_active_at(&self, date: Date) -> bool {
        self.issued_on <= date && self.ceased.is_none_or(|c| c.on > date)
    }
}

/// Where a child is educated, over a span of dates.
#[derive(Debug, Clone, PartialEq)]
pub struct Placement {
    pub placement_id: String,
    pub child_id: String,
    pub setting: Setting,
    pub urn: Option<String>,
    pub establishment: Option<String>,
    pub started_on: Date,
    pub ended_on: Option<Date>,
    pub annual_cost: Option<Pounds>,
    pub ukprn: Option<String>,
    pub rank: Option<PlacementRank>,
    pub sen_unit: Option<bool>,
    pub resourced_provision: Option<bool>,
}

impl Placement {
    /// Active on `date`: started on or before it, and not ended before it.
    pub fn is_active_at(&self, date: Date) -> bool {
        self.started_on <= date && self.ended_on.is_none_or(|e| e >= date)
    }

    /// The main placement (rank 1, or rank left empty) rather than a dual one.
    pub fn is_main(&self) -> bool {
        self.rank != Some(PlacementRank::Dual)
    }
}

/// An annual review of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    pub review_id: String,
    pub plan_id: String,
    pub meeting_on: Option<Date>,
    pub decision: Option<Dated<ReviewDecision>>,
    pub amended_on: Option<Date>,
    pub phase_transfer: Option<PhaseTransfer>,
}

/// Mediation or a SEND Tribunal appeal.
#[derive(Debug, Clone, PartialEq)]
pub struct Dispute {
    pub dispute_id: String,
    pub child_id: String,
    pub kind: DisputeKind,
    pub request_id: Option<String>,
    /// Mediation held or appeal registered; `None` only for a dispute known from a SEN2 flag
    /// on its request, which carries no date (then `request_id` is always filled).
    pub opened_on: Option<Date>,
    pub outcome: Option<Dated<DisputeOutcome>>,
}

/// A complaint or a compliment.
#[derive(Debug, Clone, PartialEq)]
pub struct Feedback {
    pub feedback_id: String,
    pub kind: FeedbackKind,
    pub received_on: Date,
    pub child_id: Option<String>,
}

/// Resident population of one single year of age in one year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PopulationCount {
    pub year: i16,
    pub age: u8,
    pub count: u64,
}

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

/// A local target for a measure.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub measure: String,
    pub target: f64,
    pub due_on: Option<Date>,
}

/// All the records of one authority: what an interchange folder or a database holds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Casework {
    pub children: Vec<Child>,
    pub requests: Vec<Request>,
    pub advice: Vec<Advice>,
    pub plans: Vec<Plan>,
    pub placements: Vec<Placement>,
    pub reviews: Vec<Review>,
    pub disputes: Vec<Dispute>,
    pub feedback: Vec<Feedback>,
    pub population: Vec<PopulationCount>,
    pub benchmarks: Vec<Benchmark>,
    pub targets: Vec<Target>,
}

/// How many records of each kind a set of casework holds, in file order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RecordCounts {
    pub children: usize,
    pub requests: usize,
    pub advice: usize,
    pub plans: usize,
    pub placements: usize,
    pub reviews: usize,
    pub disputes: usize,
    pub feedback: usize,
    pub population: usize,
    pub benchmarks: usize,
    pub targets: usize,
}

impl RecordCounts {
    pub fn total(&self) -> usize {
        self.rows().iter().map(|(_, n)| n).sum()
    }

    /// Each record type's file name with its count.
    pub fn rows(&self) -> [(&'static str, usize); 11] {
        [
            ("children", self.children),
            ("requests", self.requests),
            ("advice", self.advice),
            ("plans", self.plans),
            ("placements", self.placements),
            ("reviews", self.reviews),
            ("disputes", self.disputes),
            ("feedback", self.feedback),
            ("population", self.population),
            ("benchmarks", self.benchmarks),
            ("targets", self.targets),
        ]
    }
}

impl Casework {
    pub fn counts(&self) -> RecordCounts {
        RecordCounts {
            children: self.children.len(),
            requests: self.requests.len(),
            advice: self.advice.len(),
            plans: self.plans.len(),
            placements: self.placements.len(),
            reviews: self.reviews.len(),
            disputes: self.disputes.len(),
            feedback: self.feedback.len(),
            population: self.population.len(),
            benchmarks: self.benchmarks.len(),
            targets: self.targets.len(),
        }
    }
}

/// What identifies a record within its file: its id, or for population, benchmarks and
/// targets the natural key.
pub trait Keyed {
    type Key: Eq + std::hash::Hash;
    fn key(&self) -> Self::Key;
}

macro_rules! keyed_by_id {
    ($($t:ty => $field:ident),+) => {
        $(impl Keyed for $t {
            type Key = String;
            fn key(&self) -> String { self.$field.clone() }
        })+
    };
}

keyed_by_id!(Child => child_id, Request => request_id, Advice => advice_id, Plan => plan_id, Placement => placement_id,
    Review => review_id, Dispute => dispute_id, Feedback => feedback_id);

impl Keyed for PopulationCount {
    type Key = (i16, u8);
    fn key(&self) -> (i16, u8) {
        (self.year, self.age)
    }
}

impl Keyed for Benchmark {
    type Key = (String, BenchmarkPeriod, Comparator);
    fn key(&self) -> Self::Key {
        (self.measure.clone(), self.period, self.comparator)
    }
}

impl Keyed for Target {
    type Key = (String, Option<Date>);
    fn key(&self) -> Self::Key {
        (self.measure.clone(), self.due_on)
    }
}

fn merge_rows<T: Clone + Keyed>(update: &[T], base: &[T]) -> Vec<T> {
    let replaced: std::collections::HashSet<T::Key> = update.iter().map(Keyed::key).collect();
    update.iter().cloned().chain(base.iter().filter(|r| !replaced.contains(&r.key())).cloned()).collect()
}

fn count_known<T: Keyed>(update: &[T], base: &[T]) -> usize {
    let known: std::collections::HashSet<T::Key> = base.iter().map(Keyed::key).collect();
    update.iter().filter(|r| known.contains(&r.key())).count()
}

impl Casework {
    /// The casework that results from applying `update` over `self`: records of `update` replace
    /// those with the same id (or natural key), the rest of `self` is kept. In each list the
    /// records of `update` come first, in their own order, so problems found in the result can
    /// be traced to the update's rows by index.
    pub fn updated_with(&self, update: &Casework) -> Casework {
        Casework {
            children: merge_rows(&update.children, &self.children),
            requests: merge_rows(&update.requests, &self.requests),
            advice: merge_rows(&update.advice, &self.advice),
            plans: merge_rows(&update.plans, &self.plans),
            placements: merge_rows(&update.placements, &self.placements),
            reviews: merge_rows(&update.reviews, &self.reviews),
            disputes: merge_rows(&update.disputes, &self.disputes),
            feedback: merge_rows(&update.feedback, &self.feedback),
            population: merge_rows(&update.population, &self.population),
            benchmarks: merge_rows(&update.benchmarks, &self.benchmarks),
            targets: merge_rows(&update.targets, &self.targets),
        }
    }

    /// For each record type, how many records of `update` replace a record of `self` (the
    /// rest are new).
    pub fn replaced_by(&self, update: &Casework) -> RecordCounts {
        RecordCounts {
            children: count_known(&update.children, &self.children),
            requests: count_known(&update.requests, &self.requests),
            advice: count_known(&update.advice, &self.advice),
            plans: count_known(&update.plans, &self.plans),
            placements: count_known(&update.placements, &self.placements),
            reviews: count_known(&update.reviews, &self.reviews),
            disputes: count_known(&update.disputes, &self.disputes),
            feedback: count_known(&update.feedback, &self.feedback),
            population: count_known(&update.population, &self.population),
            benchmarks: count_known(&update.benchmarks, &self.benchmarks),
            targets: count_known(&update.targets, &self.targets),
        }
    }
}
