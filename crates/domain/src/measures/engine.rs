//! Computes the measures of the catalogue from the casework records, for a month.
//!
//! Every measure is computed as the list of records behind it ([`Fact`]s): the value, each
//! breakdown and the drill-down all come from that one list, so a number and the children
//! behind it can never disagree. Work shared by many measures is done once: events are
//! bucketed by month when the engine is built, and the month-end state of the caseload (open
//! requests, outstanding advice, active plans with their setting and review state) is taken
//! once per month.

use super::{Dimension, MAX_BREAKDOWNS, MeasureDef};
use crate::clock::{
    AdviceStatus, Meeting, RequestMilestones, RequestStage, RequestStatus, advice_status_at, meeting_on_time,
    phase_transfer_deadline, review_finalised_on, review_status_at,
};
use crate::codes::*;
use crate::dates::{Month, age_on, days_between};
use crate::records::{Casework, Placement, PlanSetting};
use jiff::civil::Date;
use rustc_hash::FxHashMap as HashMap;

/// A record behind a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RecordRef {
    Request(u32),
    Advice(u32),
    Plan(u32),
    Placement(u32),
    Review(u32),
    Dispute(u32),
    Feedback(u32),
    /// A member of staff (workforce measures).
    Staff(u32),
    /// A funded post (workforce measures).
    Post(u32),
    /// A consultation of a setting (issue 19).
    Consultation(u32),
    /// A quality audit of a plan or advice (issue 22).
    Audit(u32),
}

/// One record's part in a measure: whether it is in the numerator of a share, the amount it
/// adds to a mean or a sum, and its key in each of the measure's breakdowns (in the order of
/// [`MeasureDef::breakdowns`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fact<'a> {
    pub record: RecordRef,
    pub numerator: bool,
    pub amount: f64,
    pub keys: [&'a str; MAX_BREAKDOWNS],
}

impl<'a> Fact<'a> {
    pub(super) fn new(record: RecordRef) -> Fact<'a> {
        Fact { record, numerator: true, amount: 0.0, keys: [""; MAX_BREAKDOWNS] }
    }

    /// A fact with its keys in the first breakdowns (the rest empty).
    pub(super) fn keyed<const N: usize>(record: RecordRef, given: [&'a str; N]) -> Fact<'a> {
        const { assert!(N <= MAX_BREAKDOWNS) };
        let mut keys = [""; MAX_BREAKDOWNS];
        keys[..N].copy_from_slice(&given);
        Fact { record, numerator: true, amount: 0.0, keys }
    }

    /// The fact with its first key dropped, for a measure whose breakdowns are those of
    /// another after its first (decisions overdue: the open requests' keys without the stage).
    pub(super) fn without_first_key(mut self) -> Fact<'a> {
        self.keys.rotate_left(1);
        self.keys[MAX_BREAKDOWNS - 1] = "";
        self
    }

    pub(super) fn share(mut self, numerator: bool) -> Fact<'a> {
        self.numerator = numerator;
        self
    }

    pub(super) fn amount(mut self, amount: f64) -> Fact<'a> {
        self.amount = amount;
        self
    }
}

/// The records behind a measure's value for one month, and how they combine into it.
#[derive(Debug, Clone, PartialEq)]
pub enum Tally<'a> {
    /// The number of facts.
    Count(Vec<Fact<'a>>),
    /// Facts in the numerator ÷ all facts × 100.
    Share(Vec<Fact<'a>>),
    /// Mean of the facts' amounts.
    Mean(Vec<Fact<'a>>),
    /// Sum of the numerator facts' amounts ÷ sum of all amounts × 100.
    AmountShare(Vec<Fact<'a>>),
    /// Number of facts ÷ population × `per` (undefined without a population).
    PerPopulation { facts: Vec<Fact<'a>>, population: Option<u64>, per: f64 },
    /// (current − previous) ÷ previous × 100.
    Change { current: Vec<Fact<'a>>, previous: Vec<Fact<'a>> },
    /// Sum of the facts' amounts.
    Sum(Vec<Fact<'a>>),
    /// Facts in the numerator ÷ sum of all amounts.
    PerAmount(Vec<Fact<'a>>),
    /// The median of the facts' amounts.
    Median(Vec<Fact<'a>>),
}

impl<'a> Tally<'a> {
    /// Every fact, including those of the earlier period of a change.
    pub fn facts(&self) -> impl Iterator<Item = &Fact<'a>> {
        let (first, second): (&[Fact<'a>], &[Fact<'a>]) = match self {
            Tally::Count(f)
            | Tally::Share(f)
            | Tally::Mean(f)
            | Tally::AmountShare(f)
            | Tally::Sum(f)
            | Tally::PerAmount(f)
            | Tally::Median(f) => (f, &[]),
            Tally::PerPopulation { facts, .. } => (facts, &[]),
            Tally::Change { current, previous } => (current, previous),
        };
        first.iter().chain(second.iter())
    }

    /// How the facts combine, and for a change the earlier period's count.
    fn combine(&self) -> (Combine, f64) {
        match self {
            Tally::Count(_) => (Combine::Count, 0.0),
            Tally::Share(_) => (Combine::Share, 0.0),
            Tally::Mean(_) => (Combine::Mean, 0.0),
            Tally::AmountShare(_) => (Combine::AmountShare, 0.0),
            Tally::Sum(_) => (Combine::Sum, 0.0),
            Tally::PerAmount(_) => (Combine::PerAmount, 0.0),
            Tally::Median(_) => (Combine::Median, 0.0),
            Tally::PerPopulation { population, per, .. } => {
                (Combine::PerPopulation { population: *population, per: *per }, 0.0)
            }
            Tally::Change { previous, .. } => (Combine::Change, previous.len() as f64),
        }
    }

    /// The value from the sums over a set of facts (all of them, or those of one key).
    fn value_of(&self, s: Sums) -> Option<f64> {
        let (combine, previous) = self.combine();
        combine.value(s, previous)
    }

    /// Collects a measure's facts.
    fn collect(stream: Stream<'_, 'a>) -> Tally<'a> {
        let facts: Vec<Fact<'a>> = stream.current.collect();
        match stream.combine {
            Combine::Count => Tally::Count(facts),
            Combine::Share => Tally::Share(facts),
            Combine::Mean => Tally::Mean(facts),
            Combine::AmountShare => Tally::AmountShare(facts),
            Combine::Sum => Tally::Sum(facts),
            Combine::PerAmount => Tally::PerAmount(facts),
            Combine::Median => Tally::Median(facts),
            Combine::PerPopulation { population, per } => Tally::PerPopulation { facts, population, per },
            Combine::Change => {
                Tally::Change { current: facts, previous: stream.previous.map(Iterator::collect).unwrap_or_default() }
            }
        }
    }

    /// The facts the value is computed over (for a change, the current period's).
    fn counted(&self) -> &[Fact<'a>] {
        match self {
            Tally::Count(f)
            | Tally::Share(f)
            | Tally::Mean(f)
            | Tally::AmountShare(f)
            | Tally::Sum(f)
            | Tally::PerAmount(f)
            | Tally::Median(f) => f,
            Tally::PerPopulation { facts, .. } => facts,
            Tally::Change { current, .. } => current,
        }
    }

    /// The headline value: `None` when undefined (a zero denominator, no population).
    pub fn headline(&self) -> Option<f64> {
        if let Tally::Median(facts) = self {
            return median(facts.iter().map(|f| f.amount).collect());
        }
        let mut sums = Sums::default();
        for f in self.counted() {
            sums.add(f);
        }
        self.value_of(sums)
    }

    /// The value for each key of breakdown number `slot`, keys in order. Only keys that occur
    /// among the facts are listed (a count's keys are non-zero, a ratio's have a denominator).
    pub fn breakdown(&self, slot: usize) -> Vec<(&'a str, Option<f64>)> {
        if let Tally::Median(facts) = self {
            let mut amounts: std::collections::BTreeMap<&'a str, Vec<f64>> = std::collections::BTreeMap::new();
            for f in facts {
                amounts.entry(f.keys[slot]).or_default().push(f.amount);
            }
            return amounts.into_iter().map(|(key, values)| (key, median(values))).collect();
        }
        let mut groups: HashMap<&'a str, Sums> = HashMap::default();
        for f in self.counted() {
            groups.entry(f.keys[slot]).or_default().add(f);
        }
        let mut keyed: Vec<(&'a str, Option<f64>)> =
            groups.into_iter().map(|(key, sums)| (key, self.value_of(sums))).collect();
        keyed.sort_unstable_by(|a, b| a.0.cmp(b.0));
        keyed
    }
}

impl<'a> Tally<'a> {
    /// The facts of several months' tallies of one measure together (issue 23): `None` for
    /// none, or for a change on a year before, which does not pool.
    pub fn pooled(tallies: Vec<Tally<'a>>) -> Option<Tally<'a>> {
        let mut all = tallies.into_iter();
        let mut first = all.next()?;
        for t in all {
            match (&mut first, t) {
                (Tally::Count(a), Tally::Count(b))
                | (Tally::Share(a), Tally::Share(b))
                | (Tally::Mean(a), Tally::Mean(b))
                | (Tally::AmountShare(a), Tally::AmountShare(b))
                | (Tally::Sum(a), Tally::Sum(b))
                | (Tally::PerAmount(a), Tally::PerAmount(b))
                | (Tally::Median(a), Tally::Median(b)) => a.extend(b),
                // The rate over the span is of the latest population.
                (
                    Tally::PerPopulation { facts: a, population, .. },
                    Tally::PerPopulation { facts: b, population: p, .. },
                ) => {
                    a.extend(b);
                    *population = p;
                }
                _ => return None,
            }
        }
        Some(first)
    }

    /// The facts of `self` that `earlier` does not hold, by record: what a tally of the same
    /// months as at a later day adds to one as at an earlier day, the events between them
    /// (issue 23's last N days). A change on a year before is left as it is.
    pub fn without(self, earlier: &Tally<'a>) -> Tally<'a> {
        let seen: std::collections::HashSet<RecordRef> = earlier.facts().map(|f| f.record).collect();
        let keep = |facts: Vec<Fact<'a>>| -> Vec<Fact<'a>> {
            facts.into_iter().filter(|f| !seen.contains(&f.record)).collect()
        };
        match self {
            Tally::Count(f) => Tally::Count(keep(f)),
            Tally::Share(f) => Tally::Share(keep(f)),
            Tally::Mean(f) => Tally::Mean(keep(f)),
            Tally::AmountShare(f) => Tally::AmountShare(keep(f)),
            Tally::Sum(f) => Tally::Sum(keep(f)),
            Tally::PerAmount(f) => Tally::PerAmount(keep(f)),
            Tally::Median(f) => Tally::Median(keep(f)),
            Tally::PerPopulation { facts, population, per } => {
                Tally::PerPopulation { facts: keep(facts), population, per }
            }
            change @ Tally::Change { .. } => change,
        }
    }

    /// The value for each pair of keys of breakdowns number `a` and `b` that occurs among the
    /// facts (a two-way breakdown, issue 23), unordered.
    pub fn crossed(&self, a: usize, b: usize) -> Vec<((&'a str, &'a str), Option<f64>)> {
        if let Tally::Median(facts) = self {
            let mut amounts: HashMap<(&'a str, &'a str), Vec<f64>> = HashMap::default();
            for f in facts {
                amounts.entry((f.keys[a], f.keys[b])).or_default().push(f.amount);
            }
            return amounts.into_iter().map(|(keys, values)| (keys, median(values))).collect();
        }
        let mut groups: HashMap<(&'a str, &'a str), Sums> = HashMap::default();
        for f in self.counted() {
            groups.entry((f.keys[a], f.keys[b])).or_default().add(f);
        }
        groups.into_iter().map(|(keys, sums)| (keys, self.value_of(sums))).collect()
    }
}

/// The median of `values` (the mean of the middle two of an even number); `None` for none.
fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable_by(f64::total_cmp);
    let middle = values.len() / 2;
    Some(if values.len() % 2 == 1 { values[middle] } else { (values[middle - 1] + values[middle]) / 2.0 })
}

/// How a measure's facts combine into its value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Combine {
    /// The number of facts.
    Count,
    /// Facts in the numerator ÷ all facts × 100.
    Share,
    /// Mean of the facts' amounts.
    Mean,
    /// Sum of the numerator facts' amounts ÷ sum of all amounts × 100.
    AmountShare,
    /// Number of facts ÷ population × `per` (undefined without a population).
    PerPopulation { population: Option<u64>, per: f64 },
    /// (current − previous) ÷ previous × 100.
    Change,
    /// Sum of the facts' amounts.
    Sum,
    /// Facts in the numerator ÷ sum of all amounts (cases per full-time equivalent).
    PerAmount,
    /// The median of the facts' amounts: folded from the facts kept, not from running sums
    /// (see [`Engine::value`]).
    Median,
}

impl Combine {
    /// The value from the sums over some facts; `previous` is the earlier period's count of a
    /// change. `None` when undefined (a zero denominator, no population).
    fn value(self, s: Sums, previous: f64) -> Option<f64> {
        let ratio = |a: f64, b: f64| (b != 0.0).then(|| a / b);
        match self {
            Combine::Count => Some(s.n),
            Combine::Share => ratio(s.numerator * 100.0, s.n),
            Combine::Mean => ratio(s.amount, s.n),
            Combine::AmountShare => ratio(s.numerator_amount * 100.0, s.amount),
            Combine::PerPopulation { population, per } => population.filter(|p| *p > 0).map(|p| s.n / p as f64 * per),
            Combine::Change => ratio((s.n - previous) * 100.0, previous),
            Combine::Sum => Some(s.amount),
            Combine::PerAmount => ratio(s.numerator, s.amount),
            // Never reached: a median is worked out from its facts (Engine::value, Tally).
            Combine::Median => None,
        }
    }
}

/// A measure's facts for one month, produced one at a time: a value is folded from them
/// without keeping them, a drill-down collects them.
type Facts<'e, 'a> = Box<dyn Iterator<Item = Fact<'a>> + 'e>;

pub(super) struct Stream<'e, 'a> {
    combine: Combine,
    current: Facts<'e, 'a>,
    /// The earlier period of a change.
    previous: Option<Facts<'e, 'a>>,
}

impl<'e, 'a> Stream<'e, 'a> {
    pub(super) fn of(combine: Combine, facts: impl Iterator<Item = Fact<'a>> + 'e) -> Stream<'e, 'a> {
        Stream { combine, current: Box::new(facts), previous: None }
    }

    pub(super) fn change(
        current: impl Iterator<Item = Fact<'a>> + 'e,
        previous: impl Iterator<Item = Fact<'a>> + 'e,
    ) -> Stream<'e, 'a> {
        Stream { combine: Combine::Change, current: Box::new(current), previous: Some(Box::new(previous)) }
    }
}

/// Sums by breakdown key. Keys are nearly always the same static code strings, found again by
/// address (the slot its address last used); other keys (a caseworker's id, read from each
/// case's record, at another address every time) by a hash of their text, never by comparing
/// the text with every key so far.
struct KeyGroups<'k> {
    sums: Vec<(&'k str, Sums)>,
    /// Where in `sums` each key is.
    index: HashMap<&'k str, u32>,
    /// Where in `sums` a key at a given address was last found (index + 1), by address bits.
    recent: [u32; 64],
}

impl Default for KeyGroups<'_> {
    fn default() -> Self {
        KeyGroups { sums: Vec::new(), index: HashMap::default(), recent: [0; 64] }
    }
}

impl<'k> KeyGroups<'k> {
    fn add(&mut self, key: &'k str, fact: &Fact) {
        let slot = (key.as_ptr() as usize >> 3) & 63;
        if let Some((k, sums)) = self.recent[slot].checked_sub(1).and_then(|i| self.sums.get_mut(i as usize))
            && std::ptr::eq(*k, key)
        {
            sums.add(fact);
            return;
        }
        let at = match self.index.get(key) {
            Some(&at) => at,
            None => {
                let at = self.sums.len() as u32;
                self.sums.push((key, Sums::default()));
                self.index.insert(key, at);
                at
            }
        };
        self.sums[at as usize].1.add(fact);
        self.recent[slot] = at + 1;
    }

    fn into_sums(self) -> Vec<(&'k str, Sums)> {
        self.sums
    }
}

/// Running sums over facts, from which every kind of value is computed.
#[derive(Debug, Clone, Copy, Default)]
struct Sums {
    n: f64,
    numerator: f64,
    amount: f64,
    numerator_amount: f64,
}

impl Sums {
    fn add(&mut self, f: &Fact) {
        self.n += 1.0;
        self.amount += f.amount;
        if f.numerator {
            self.numerator += 1.0;
            self.numerator_amount += f.amount;
        }
    }
}

/// One value of a two-way breakdown (issue 23): the facts with both keys.
#[derive(Debug, Clone, PartialEq)]
pub struct Crossed {
    pub dimensions: [Dimension; 2],
    pub keys: [String; 2],
    pub value: Option<f64>,
}

impl Crossed {
    /// The dimension as the CSV names it: `a|b`.
    pub fn dimension_code(&self) -> String {
        format!("{}|{}", self.dimensions[0].code(), self.dimensions[1].code())
    }

    /// The key as the CSV names it: `x|y`.
    pub fn key_code(&self) -> String {
        format!("{}|{}", self.keys[0], self.keys[1])
    }
}

/// The value of a measure for one month, with its breakdowns.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasureValue {
    pub headline: Option<f64>,
    /// Two-way breakdowns, when asked for ([`Engine::value_crossed`]): by pair asked, then by
    /// the first key and the second, each in its dimension's order.
    pub crossed: Vec<Crossed>,
    /// (dimension, key, value), by dimension in the catalogue's order and keys in order.
    pub breakdowns: Vec<(Dimension, String, Option<f64>)>,
}

/// A plan active at a month end, with what the plan measures need to know about it.
#[derive(Debug, Clone, Copy)]
pub(super) struct ActivePlan {
    pub(super) plan: u32,
    /// Age in completed years (clamped to 0-255: casework ages are 0 to 35).
    pub(super) age: u8,
    pub(super) need: Option<Need>,
    pub(super) setting: Option<Setting>,
    pub(super) review_state: crate::clock::ReviewState,
    pub(super) review_overdue: bool,
    /// The child's national curriculum year at the date, an index of `dates::SCHOOL_YEARS`.
    pub(super) school: u8,
    /// Whether the child does not attend the main setting the plan names at the date
    /// (`named::not_attended`, issue 24).
    pub(super) named_not_attended: bool,
    /// Whether the plan names a setting the child has not started at by the date
    /// (`named::not_started`).
    pub(super) named_not_started: bool,
}

/// The state of the caseload at the end of a month.
#[derive(Debug, Default)]
struct MonthEnd {
    /// Open requests: index, stage, days since received.
    open_requests: Vec<(u32, RequestStage, i64)>,
    /// Outstanding advice: index, overdue.
    outstanding_advice: Vec<(u32, bool)>,
    active_plans: Vec<ActivePlan>,
    /// Placements active at the date, of children with an active plan, with a cost.
    costed_placements: Vec<(u32, f64, Setting)>,
}

/// Records of one kind grouped by the month of one of their dates, so the records of any span
/// of months are one slice.
#[derive(Debug, Default)]
pub(super) struct Timeline {
    /// The month index (year × 12 + month − 1) of `starts[0]`.
    first_month: i32,
    /// Where each month's records start in `records` (one more entry than months).
    starts: Vec<usize>,
    records: Vec<u32>,
}

impl Timeline {
    /// Orders records by the month of their date (in linear time: a counting sort by month);
    /// within a month they keep their file order.
    pub(super) fn new(events: impl Iterator<Item = (Date, usize)>) -> Timeline {
        // One pass over the records; the three passes below read these compact pairs.
        let events: Vec<(Date, usize)> = events.collect();
        let events = || events.iter().copied();
        let month_index = |d: Date| i32::from(d.year()) * 12 + i32::from(d.month()) - 1;
        let Some((first, last)) = events()
            .map(|(d, _)| month_index(d))
            .fold(None, |acc: Option<(i32, i32)>, m| Some(acc.map_or((m, m), |(lo, hi)| (lo.min(m), hi.max(m)))))
        else {
            return Timeline::default();
        };
        let months = (last - first + 1) as usize;
        let mut starts = vec![0usize; months + 1];
        for (d, _) in events() {
            starts[(month_index(d) - first) as usize + 1] += 1;
        }
        for k in 0..months {
            starts[k + 1] += starts[k];
        }
        let mut next = starts.clone();
        let mut records = vec![0u32; starts[months]];
        for (d, i) in events() {
            let slot = &mut next[(month_index(d) - first) as usize];
            records[*slot] = i as u32;
            *slot += 1;
        }
        Timeline { first_month: first, starts, records }
    }

    /// The records dated in the months from `first` to `last`.
    pub(super) fn between(&self, first: Month, last: Month) -> impl Iterator<Item = u32> + '_ {
        let index = |m: Month| i32::from(m.year()) * 12 + i32::from(m.month()) - 1 - self.first_month;
        let months = self.starts.len().saturating_sub(1) as i32;
        let from = index(first).clamp(0, months) as usize;
        let to = (index(last) + 1).clamp(0, months).max(from as i32) as usize;
        let (a, b) = (self.starts.get(from).copied().unwrap_or(0), self.starts.get(to).copied().unwrap_or(0));
        self.records[a..b.max(a)].iter().copied()
    }
}

/// Events of each kind, in date order.
#[derive(Debug, Default)]
pub(super) struct Events {
    pub(super) received: Timeline,
    pub(super) decided: Timeline,
    pub(super) outcome: Timeline,
    pub(super) advice_received: Timeline,
    pub(super) ceased: Timeline,
    pub(super) review_decided: Timeline,
    pub(super) dispute_opened: Timeline,
    pub(super) dispute_closed: Timeline,
    pub(super) feedback: Timeline,
    /// Reviews preparing a phase transfer, by meeting date.
    pub(super) transfer_meeting: Timeline,
}

impl Events {
    /// The dated events of the records, leaving out any dated after `today` (when known): a
    /// month that has not ended counts up to today.
    fn of(cw: &Casework, today: Option<Date>) -> Events {
        let kept = |(d, i): (Date, usize)| today.is_none_or(|t| d <= t).then_some((d, i));
        let timeline = |events: &mut dyn Iterator<Item = (Date, usize)>| Timeline::new(events.filter_map(kept));
        let rs = || cw.requests.iter().enumerate();
        Events {
            received: timeline(&mut rs().map(|(i, r)| (r.received_on, i))),
            decided: timeline(&mut rs().filter_map(|(i, r)| Some((r.decision?.on, i)))),
            outcome: timeline(&mut rs().filter_map(|(i, r)| Some((r.outcome?.on, i)))),
            advice_received: timeline(&mut cw.advice.iter().enumerate().filter_map(|(i, a)| Some((a.received_on?, i)))),
            ceased: timeline(&mut cw.plans.iter().enumerate().filter_map(|(i, p)| Some((p.ceased?.on, i)))),
            review_decided: timeline(&mut cw.reviews.iter().enumerate().filter_map(|(i, r)| Some((r.decision?.on, i)))),
            // A dispute known only from a SEN2 flag has no date: it is in no month's count.
            dispute_opened: timeline(&mut cw.disputes.iter().enumerate().filter_map(|(i, d)| Some((d.opened_on?, i)))),
            dispute_closed: timeline(&mut cw.disputes.iter().enumerate().filter_map(|(i, d)| Some((d.outcome?.on, i)))),
            feedback: timeline(&mut cw.feedback.iter().enumerate().map(|(i, f)| (f.received_on, i))),
            transfer_meeting: timeline(
                &mut cw
                    .reviews
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| r.phase_transfer.is_some())
                    .filter_map(|(i, r)| Some((r.meeting_on?, i))),
            ),
        }
    }
}

/// A plan's dates and its child, as the month-end walk reads them.
#[derive(Debug, Clone, Copy)]
pub(super) struct PlanDates {
    pub(super) issued_on: Date,
    pub(super) ceased_on: Option<Date>,
    pub(super) child: Option<u32>,
}

/// A placement as the month-end walk reads it.
#[derive(Debug, Clone, Copy)]
struct PlacementDates {
    index: u32,
    started_on: Date,
    ended_on: Option<Date>,
    setting: Setting,
    main: bool,
    cost: Option<f64>,
}

impl PlacementDates {
    fn is_active_at(&self, date: Date) -> bool {
        self.started_on <= date && self.ended_on.is_none_or(|e| e >= date)
    }
}

/// Items grouped by an index (compressed rows): the items of group `g` are
/// `items[starts[g]..starts[g + 1]]`.
#[derive(Debug, Default)]
struct Groups<T> {
    starts: Vec<u32>,
    items: Vec<T>,
}

impl<T: Copy> Groups<T> {
    /// Groups `items` (each with its group number, below `groups`) keeping their order.
    pub(super) fn new(groups: usize, items: impl Iterator<Item = (u32, T)> + Clone) -> Groups<T> {
        let mut starts = vec![0u32; groups + 1];
        for (g, _) in items.clone() {
            starts[g as usize + 1] += 1;
        }
        for g in 0..groups {
            starts[g + 1] += starts[g];
        }
        let mut next = starts.clone();
        // Every slot is written below; the first item only fills them until then.
        let Some((_, filler)) = items.clone().next() else {
            return Groups { starts, items: Vec::new() };
        };
        let mut slots: Vec<T> = vec![filler; starts[groups] as usize];
        for (g, item) in items {
            slots[next[g as usize] as usize] = item;
            next[g as usize] += 1;
        }
        Groups { starts, items: slots }
    }

    fn of(&self, group: usize) -> &[T] {
        match (self.starts.get(group), self.starts.get(group + 1)) {
            (Some(&a), Some(&b)) => &self.items[a as usize..b as usize],
            _ => &[],
        }
    }

    fn of_mut(&mut self, group: usize) -> &mut [T] {
        match (self.starts.get(group), self.starts.get(group + 1)) {
            (Some(&a), Some(&b)) => &mut self.items[a as usize..b as usize],
            _ => &mut [],
        }
    }
}

/// The measure engine over one authority's records.
///
/// Building it resolves every reference between records to an index and copies the dated
/// milestones the statutory clock reads into compact arrays, so that walking the whole
/// caseload at a month end touches a few bytes per record, not the full records.
pub struct Engine<'a> {
    pub(super) cw: &'a Casework,
    requests: HashMap<&'a str, u32>,
    /// Each request's holder's caseworker and team keys.
    pub(super) request_holders: Vec<[&'a str; 2]>,
    /// Each plan's holder's caseworker and team keys.
    pub(super) plan_holders: Vec<[&'a str; 2]>,
    /// Each request's and plan's holder, as an index into the staff (when staff.csv has them).
    request_staff: Vec<Option<u32>>,
    plan_staff: Vec<Option<u32>>,
    request_child: Vec<Option<u32>>,
    pub(super) request_milestones: Vec<RequestMilestones>,
    /// Each request's source and whether a statutory exception applied.
    request_traits: Vec<(Option<RequestSource>, bool, Option<Need>)>,
    /// Each child's date of birth and primary need.
    child_traits: Vec<(Date, Option<Need>)>,
    /// Advice: requested, received, its request.
    advice_dates: Vec<(Date, Option<Date>, Option<u32>)>,
    pub(super) plan_dates: Vec<PlanDates>,
    /// Each plan's meetings, in date order.
    plan_meetings: Groups<Meeting>,
    /// Each child's placements, in file order.
    child_placements: Groups<PlacementDates>,
    /// Each plan's named settings, as indexes into plan_settings (issue 24).
    plan_named: Groups<u32>,
    review_plan: Vec<Option<u32>>,
    appeals_by_child: HashMap<&'a str, Vec<Date>>,
    population_0_24: std::collections::BTreeMap<i16, u64>,
    /// Each child's updates to their family, in date order (issue 18), by the child's index.
    family_updates: Groups<Date>,
    /// Each child's promise of an update, in working days (issue 18), by the child's index.
    child_promises: Vec<u32>,
    promises: crate::informed::Promises<'a>,
    /// Organisations' names by id (issue 19): advice and consultations break down by them.
    organisation_names: HashMap<&'a str, &'a str>,
    pub(super) events: Events,
    /// Each quality audit's team key: the team of whoever holds the audited plan, or the
    /// request the audited advice was for (issue 22).
    audit_teams: Vec<&'a str>,
    /// Each child's cohort flags (issue 22), by the child's index.
    child_flags: Groups<&'a crate::records::CohortFlag>,
    month_ends: std::sync::Mutex<HashMap<Month, std::sync::Arc<MonthEnd>>>,
    /// The day the figures are for, when known: a month that has not ended by then is "to
    /// date" (its as-at measures are taken at this day, its flows count up to it).
    pub(super) today: Option<Date>,
}

const UNKNOWN: &str = "unknown";
/// The caseworker and team key of a case nobody holds.
const UNALLOCATED: &str = "unallocated";

/// Resolves each id of `ids` to its index in `map`. Records usually come grouped by the record
/// they refer to (a plan's reviews together, a request's advice together), so the previous
/// answer is tried first: one string comparison instead of a hash lookup.
pub(super) fn resolve<'s>(ids: impl Iterator<Item = &'s str>, map: &HashMap<&str, u32>) -> Vec<Option<u32>> {
    let mut last: Option<(&str, Option<u32>)> = None;
    ids.map(|id| match last {
        Some((previous, index)) if previous == id => index,
        _ => {
            let index = map.get(id).copied();
            last = Some((id, index));
            index
        }
    })
    .collect()
}

/// The result of a scoped worker thread; a panic in it is a bug, carried on to the caller.
pub(super) fn join<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// The age band of someone aged `age`.
pub fn age_band(age: i32) -> &'static str {
    match age {
        ..=4 => "under_5",
        5..=10 => "5_10",
        11..=15 => "11_15",
        16..=19 => "16_19",
        _ => "20_25",
    }
}

impl<'a> Engine<'a> {
    /// Indexes the records once; measures are then computed for any month. The work is split
    /// over two threads.
    pub fn new(cw: &'a Casework) -> Engine<'a> {
        Engine::build(cw, None)
    }

    /// [`Engine::new`] for the figures as they stand on `today`: the month containing it is to
    /// date ([`Engine::to_date`]); nothing dated after it is counted.
    pub fn as_at(cw: &'a Casework, today: Date) -> Engine<'a> {
        Engine::build(cw, Some(today))
    }

    /// The day the figures are for, if the engine was given one.
    pub fn today(&self) -> Option<Date> {
        self.today
    }

    /// Whether `month` holds the engine's today, so has not ended: its figures are "to date".
    pub fn to_date(&self, month: Month) -> bool {
        self.today.is_some_and(|t| month.contains(t))
    }

    /// The day a month's as-at measures are taken on: its last day, or today for the month to
    /// date.
    pub fn end_of(&self, month: Month) -> Date {
        match self.today {
            Some(t) if self.to_date(month) => t,
            _ => month.last_day(),
        }
    }

    /// The same point a year before [`Engine::end_of`]: the last day of the month 12 months
    /// earlier, or for the month to date the same day a year earlier (28 February for 29).
    pub fn year_before_end_of(&self, month: Month) -> Date {
        if self.to_date(month) {
            let end = self.end_of(month);
            let earlier = month.plus(-12);
            let day = end.day().min(earlier.last_day().day());
            jiff::civil::Date::new(earlier.year(), earlier.month(), day).unwrap_or(earlier.last_day())
        } else {
            month.plus(-12).last_day()
        }
    }

    fn build(cw: &'a Casework, today: Option<Date>) -> Engine<'a> {
        fn index_of<'a>(ids: impl ExactSizeIterator<Item = &'a str>) -> HashMap<&'a str, u32> {
            let mut map = HashMap::with_capacity_and_hasher(ids.len(), Default::default());
            for (i, id) in ids.enumerate() {
                map.insert(id, i as u32);
            }
            map
        }
        let (children, (requests, plans)) = std::thread::scope(|scope| {
            let children = scope.spawn(|| index_of(cw.children.iter().map(|c| c.child_id.as_str())));
            let requests = index_of(cw.requests.iter().map(|r| r.request_id.as_str()));
            let plans = index_of(cw.plans.iter().map(|p| p.plan_id.as_str()));
            (join(children), (requests, plans))
        });
        let (
            (request_child, request_milestones, advice_dates, events, child_placements),
            (plan_dates, review_plan, plan_meetings),
        ) = std::thread::scope(|scope| {
            // Two halves of about equal work: requests, advice, events and placements here;
            // plans and their reviews below.
            let by_request = scope.spawn(|| {
                let request_child = resolve(cw.requests.iter().map(|r| r.child_id.as_str()), &children);
                let request_milestones: Vec<RequestMilestones> =
                    cw.requests.iter().map(RequestMilestones::of).collect();
                let advice_request = resolve(cw.advice.iter().map(|a| a.request_id.as_str()), &requests);
                let advice_dates: Vec<(Date, Option<Date>, Option<u32>)> =
                    cw.advice.iter().zip(advice_request).map(|(a, r)| (a.requested_on, a.received_on, r)).collect();
                let placement_child = resolve(cw.placements.iter().map(|p| p.child_id.as_str()), &children);
                let child_placements = Groups::new(
                    cw.children.len(),
                    cw.placements.iter().zip(&placement_child).enumerate().filter_map(|(i, (p, child))| {
                        let child = (*child)?;
                        Some((
                            child,
                            PlacementDates {
                                index: i as u32,
                                started_on: p.started_on,
                                ended_on: p.ended_on,
                                setting: p.setting,
                                main: p.is_main(),
                                cost: p.annual_cost.as_ref().map(|c| c.value()),
                            },
                        ))
                    }),
                );
                (request_child, request_milestones, advice_dates, Events::of(cw, today), child_placements)
            });
            let plan_child = resolve(cw.plans.iter().map(|p| p.child_id.as_str()), &children);
            let plan_dates: Vec<PlanDates> = cw
                .plans
                .iter()
                .zip(plan_child)
                .map(|(p, child)| PlanDates { issued_on: p.issued_on, ceased_on: p.ceased.map(|c| c.on), child })
                .collect();
            let review_plan = resolve(cw.reviews.iter().map(|r| r.plan_id.as_str()), &plans);
            let mut plan_meetings = Groups::new(
                cw.plans.len(),
                cw.reviews.iter().zip(&review_plan).filter_map(|(r, p)| Some(((*p)?, Meeting::of(r)?))),
            );
            for p in 0..cw.plans.len() {
                let meetings = plan_meetings.of_mut(p);
                if !meetings.is_sorted_by_key(|m| m.meeting_on) {
                    meetings.sort_by_key(|m| m.meeting_on);
                }
            }
            (join(by_request), (plan_dates, review_plan, plan_meetings))
        });
        let mut appeals_by_child: HashMap<&str, Vec<Date>> = HashMap::default();
        for d in cw.disputes.iter().filter(|d| d.kind == DisputeKind::Appeal) {
            if let Some(opened_on) = d.opened_on {
                appeals_by_child.entry(d.child_id.as_str()).or_default().push(opened_on);
            }
        }
        let mut population_0_24 = std::collections::BTreeMap::new();
        for p in cw.population.iter().filter(|p| p.age <= 24) {
            *population_0_24.entry(p.year).or_insert(0) += p.count;
        }
        // Each request's and plan's caseworker and team keys, worked out once (a hash lookup
        // per fact per month was most of a scorecard's time once the breakdowns had them).
        let staff: HashMap<&'a str, u32> =
            cw.staff.iter().enumerate().map(|(i, m)| (m.staff_id.as_str(), i as u32)).collect();
        let keys_of = |holder: Option<&'a str>| -> [&'a str; 2] {
            match holder {
                None => [UNALLOCATED, UNALLOCATED],
                Some(h) => {
                    let team = staff.get(h).and_then(|&i| cw.staff[i as usize].team.as_deref());
                    [h, team.unwrap_or(UNKNOWN)]
                }
            }
        };
        let request_holders: Vec<[&'a str; 2]> = cw.requests.iter().map(|r| keys_of(r.caseworker.as_deref())).collect();
        let plan_holder_ids: Vec<Option<&'a str>> = cw
            .plans
            .iter()
            .map(|p| p.holder(|r| cw.requests[*requests.get(r)? as usize].caseworker.as_deref()))
            .collect();
        let plan_holders: Vec<[&'a str; 2]> = plan_holder_ids.iter().map(|h| keys_of(*h)).collect();
        let plan_named = Groups::new(
            cw.plans.len(),
            resolve(cw.plan_settings.iter().map(|n| n.plan_id.as_str()), &plans)
                .into_iter()
                .enumerate()
                .filter_map(|(i, p)| Some((p?, i as u32))),
        );
        let member = |h: Option<&str>| h.and_then(|h| staff.get(h).copied());
        let request_staff: Vec<Option<u32>> = cw.requests.iter().map(|r| member(r.caseworker.as_deref())).collect();
        let plan_staff: Vec<Option<u32>> = plan_holder_ids.iter().map(|h| member(*h)).collect();
        // Mapped only when there are audits: the engine is built on every scorecard.
        let advice_requests: HashMap<&str, &str> = if cw.quality_audits.is_empty() {
            HashMap::default()
        } else {
            cw.advice.iter().map(|a| (a.advice_id.as_str(), a.request_id.as_str())).collect()
        };
        let audit_teams: Vec<&'a str> = cw
            .quality_audits
            .iter()
            .map(|a| {
                let holder = match a.subject {
                    AuditSubject::Plan => plans.get(a.subject_id.as_str()).map(|&p| plan_holders[p as usize]),
                    AuditSubject::Advice => advice_requests
                        .get(a.subject_id.as_str())
                        .and_then(|r| requests.get(r))
                        .map(|&r| request_holders[r as usize]),
                };
                holder.map_or(UNKNOWN, |[_, team]| team)
            })
            .collect();
        // Each child's updates to their family, in date order, by the child's index.
        // (Each child looked up once: grouping walks the items three times.)
        let updates: Vec<(u32, Vec<Date>)> = crate::informed::family_updates(cw)
            .into_iter()
            .filter_map(|(child, days)| Some((*children.get(child)?, days)))
            .collect();
        let family_updates =
            Groups::new(cw.children.len(), updates.iter().flat_map(|(c, days)| days.iter().map(move |&day| (*c, day))));
        let promises = crate::informed::Promises::of(cw);
        let flag_child = resolve(cw.cohort_flags.iter().map(|f| f.child_id.as_str()), &children);
        let child_flags = Groups::new(
            cw.children.len(),
            cw.cohort_flags.iter().zip(&flag_child).filter_map(|(f, c)| Some(((*c)?, f))),
        );
        Engine {
            audit_teams,
            child_flags,
            cw,
            requests,
            request_holders,
            plan_holders,
            request_staff,
            plan_staff,
            request_child,
            request_milestones,
            request_traits: cw.requests.iter().map(|r| (r.source, r.exception.is_some(), r.primary_need)).collect(),
            child_traits: cw.children.iter().map(|c| (c.date_of_birth, c.primary_need)).collect(),
            advice_dates,
            plan_dates,
            plan_meetings,
            child_placements,
            plan_named,
            review_plan,
            appeals_by_child,
            population_0_24,
            family_updates,
            child_promises: cw.children.iter().map(|c| promises.for_child(&c.child_id)).collect(),
            promises,
            organisation_names: cw
                .organisations
                .iter()
                .map(|o| (o.organisation_id.as_str(), o.name.as_str()))
                .collect(),
            events,
            month_ends: std::sync::Mutex::new(HashMap::default()),
            today,
        }
    }

    pub fn casework(&self) -> &'a Casework {
        self.cw
    }

    /// Population 0-24 for the month's year, or the latest earlier year present.
    pub fn population_0_24(&self, month: Month) -> Option<u64> {
        self.population_0_24.range(..=month.year()).next_back().map(|(_, n)| *n)
    }

    pub(super) fn child_age(&self, index: Option<u32>, on: Date) -> i32 {
        index.and_then(|i| self.child_traits.get(i as usize)).map_or(0, |(born, _)| age_on(*born, on))
    }

    /// The keys `[school_year, key_stage, phase]` of a child on `on` (issue 23); `unknown`
    /// for a child not held.
    pub(super) fn child_school(&self, index: Option<u32>, on: Date) -> [&'static str; 3] {
        index
            .and_then(|i| self.child_traits.get(i as usize))
            .map_or([UNKNOWN; 3], |(born, _)| crate::dates::school_year(*born, on))
    }

    fn child_need(&self, index: Option<u32>) -> &'static str {
        index.and_then(|i| self.child_traits.get(i as usize)).and_then(|(_, need)| *need).map_or(UNKNOWN, Need::code)
    }

    pub(super) fn in_month(events: &Timeline, month: Month) -> impl Iterator<Item = u32> + '_ {
        events.between(month, month)
    }

    pub(super) fn year_to_date(events: &Timeline, month: Month) -> impl Iterator<Item = u32> + '_ {
        let january = Month::new(month.year(), 1).unwrap_or(month);
        events.between(january, month)
    }

    pub(super) fn trailing_12(events: &Timeline, month: Month) -> impl Iterator<Item = u32> + '_ {
        events.between(month.plus(-11), month)
    }

    /// The milestones of request `i`: what the request measures read, kept compact.
    fn request(&self, i: u32) -> &RequestMilestones {
        &self.request_milestones[i as usize]
    }

    fn source(&self, i: u32) -> Option<RequestSource> {
        self.request_traits[i as usize].0
    }

    fn has_exception(&self, i: u32) -> bool {
        self.request_traits[i as usize].1
    }

    /// The caseload at the end of `month`, computed once and shared.
    fn month_end(&self, month: Month) -> std::sync::Arc<MonthEnd> {
        if let Some(found) = self.month_ends.lock().ok().and_then(|m| m.get(&month).cloned()) {
            return found;
        }
        let computed = std::sync::Arc::new(self.compute_month_end(self.end_of(month)));
        if let Ok(mut cache) = self.month_ends.lock() {
            cache.insert(month, computed.clone());
        }
        computed
    }

    /// Forgets the month-end snapshots taken so far (they are recomputed when next needed).
    pub fn forget_month_ends(&self) {
        if let Ok(mut cache) = self.month_ends.lock() {
            cache.clear();
        }
    }

    /// Takes the month-end state of several months at once, on up to `threads` threads: one
    /// pass over the records evaluates each at every month end while it is in cache, each
    /// thread taking a contiguous share of the records.
    pub fn prepare(&self, months: &[Month], threads: usize) {
        let missing: Vec<Month> = {
            let Ok(cache) = self.month_ends.lock() else { return };
            months.iter().copied().filter(|m| !cache.contains_key(m)).collect()
        };
        if missing.is_empty() {
            return;
        }
        let dates: Vec<Date> = missing.iter().map(|m| self.end_of(*m)).collect();
        let parts = threads.max(1);
        let pieces: Vec<Vec<MonthEnd>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..parts)
                .map(|part| {
                    let dates = &dates;
                    scope.spawn(move || self.compute_month_ends(dates, part, parts))
                })
                .collect();
            handles.into_iter().map(join).collect()
        });
        // Stitch the parts together month by month, in record order.
        let mut ends: Vec<MonthEnd> = (0..dates.len()).map(|_| MonthEnd::default()).collect();
        for piece in pieces {
            for (end, part) in ends.iter_mut().zip(piece) {
                end.open_requests.extend(part.open_requests);
                end.outstanding_advice.extend(part.outstanding_advice);
                end.active_plans.extend(part.active_plans);
                end.costed_placements.extend(part.costed_placements);
            }
        }
        if let Ok(mut cache) = self.month_ends.lock() {
            for (month, end) in missing.into_iter().zip(ends) {
                cache.insert(month, std::sync::Arc::new(end));
            }
        }
    }

    fn compute_month_end(&self, date: Date) -> MonthEnd {
        self.compute_month_ends(&[date], 0, 1).pop().unwrap_or_default()
    }

    /// The state at each of `dates` of share `part` (of `parts`) of the records.
    fn compute_month_ends(&self, dates: &[Date], part: usize, parts: usize) -> Vec<MonthEnd> {
        let share = |len: usize| (len * part / parts)..(len * (part + 1) / parts);
        let mut ends: Vec<MonthEnd> = (0..dates.len()).map(|_| MonthEnd::default()).collect();
        for i in share(self.request_milestones.len()) {
            let r = &self.request_milestones[i];
            for (end, &date) in ends.iter_mut().zip(dates) {
                if let RequestStatus::Open { stage, days_open, .. } = r.status(date) {
                    end.open_requests.push((i as u32, stage, days_open));
                }
            }
        }
        for i in share(self.advice_dates.len()) {
            let (requested_on, received_on, request) = self.advice_dates[i];
            let Some(r) = request else { continue };
            for (end, &date) in ends.iter_mut().zip(dates) {
                // Most advice was received long before, or is not yet asked for: no clock needed.
                if requested_on > date || received_on.is_some_and(|r| r <= date) {
                    continue;
                }
                let request = &self.request_milestones[r as usize];
                if let AdviceStatus::Outstanding(deadline) = advice_status_at(requested_on, received_on, request, date)
                {
                    end.outstanding_advice.push((i as u32, deadline.is_overdue()));
                }
            }
        }
        for i in share(self.plan_dates.len()) {
            let p = self.plan_dates[i];
            let meetings = self.plan_meetings.of(i);
            let placements = p.child.map_or(&[][..], |c| self.child_placements.of(c as usize));
            let child = p.child.and_then(|c| self.child_traits.get(c as usize)).copied();
            // The settings the plan names and the child's placements, as records, looked up
            // once for every month end (the rules of `named` read them whole).
            let named: Vec<&PlanSetting> =
                self.plan_named.of(i).iter().map(|&k| &self.cw.plan_settings[k as usize]).collect();
            let attended: Vec<&Placement> = if named.is_empty() {
                Vec::new()
            } else {
                placements.iter().map(|s| &self.cw.placements[s.index as usize]).collect()
            };
            for (end, &date) in ends.iter_mut().zip(dates) {
                if p.issued_on > date || p.ceased_on.is_some_and(|c| c <= date) {
                    continue;
                }
                let status = review_status_at(p.issued_on, meetings, date);
                end.active_plans.push(ActivePlan {
                    plan: i as u32,
                    age: child.map_or(0, |(born, _)| age_on(born, date)).clamp(0, 255) as u8,
                    need: child.and_then(|(_, need)| need),
                    setting: placements.iter().find(|s| s.main && s.is_active_at(date)).map(|s| s.setting),
                    review_state: status.state,
                    review_overdue: status.deadline.is_overdue(),
                    school: child.map_or(0, |(born, _)| crate::dates::school_year_index(born, date)),
                    named_not_attended: crate::named::not_attended(&named, &attended, date).is_some(),
                    named_not_started: crate::named::not_started(&named, &attended, date).is_some(),
                });
                // Each placement is listed once: validation guarantees a child has one active
                // plan at a time (a child's plans may not overlap).
                for s in placements {
                    if let (true, Some(cost)) = (s.is_active_at(date), s.cost) {
                        end.costed_placements.push((s.index, cost, s.setting));
                    }
                }
            }
        }
        ends
    }

    /// The records behind `measure` for `month`, and how they combine.
    pub fn tally(&self, measure: &MeasureDef, month: Month) -> Tally<'a> {
        Tally::collect(measure.measure.stream(self, month))
    }

    /// The share a measure of records in a month (a share of decisions, plans, outcomes made in
    /// the month) takes over several months together: the months' records pooled, as a
    /// published calendar-year figure counts them (issue 24's reconciliation). `None` for any
    /// other kind of measure, which months cannot simply pool, or when nothing is counted.
    pub fn share_over(&self, measure: &MeasureDef, months: &[Month]) -> Option<f64> {
        let mut pooled = Vec::new();
        for &month in months {
            match self.tally(measure, month) {
                Tally::Share(facts) => pooled.extend(facts),
                _ => return None,
            }
        }
        Tally::Share(pooled).headline()
    }

    /// The value of `measure` for `month`, with every breakdown the catalogue lists. The facts
    /// are folded into sums as they are produced, never kept.
    pub fn value(&self, measure: &MeasureDef, month: Month) -> MeasureValue {
        let stream = measure.measure.stream(self, month);
        // A median needs its facts: kept, unlike the running sums of every other measure.
        if stream.combine == Combine::Median {
            let tally = Tally::collect(stream);
            let mut breakdowns = Vec::new();
            for (slot, &dimension) in measure.breakdowns.iter().enumerate() {
                breakdowns.extend(tally.breakdown(slot).into_iter().map(|(k, v)| (dimension, k.to_string(), v)));
            }
            return MeasureValue { headline: tally.headline(), breakdowns, crossed: Vec::new() };
        }
        // At most MAX_BREAKDOWNS: checked for every measure when the catalogue is compiled.
        let slots = measure.breakdowns.len();
        let mut total = Sums::default();
        let mut groups: [KeyGroups; MAX_BREAKDOWNS] = Default::default();
        for fact in stream.current {
            total.add(&fact);
            for (slot, group) in groups.iter_mut().enumerate().take(slots) {
                group.add(fact.keys[slot], &fact);
            }
        }
        let previous = stream.previous.map_or(0.0, |p| p.count() as f64);
        let mut breakdowns = Vec::new();
        for (slot, &dimension) in measure.breakdowns.iter().enumerate().take(slots) {
            let mut keyed = std::mem::take(&mut groups[slot]).into_sums();
            keyed.sort_unstable_by(|a, b| (dimension.key_rank(a.0), a.0).cmp(&(dimension.key_rank(b.0), b.0)));
            for (key, sums) in keyed {
                breakdowns.push((dimension, key.to_string(), stream.combine.value(sums, previous)));
            }
        }
        MeasureValue { headline: stream.combine.value(total, previous), breakdowns, crossed: Vec::new() }
    }

    /// [`Engine::value`] with, for each pair of `pairs` that are both breakdowns of the
    /// measure, the two-way breakdown: every pair of keys that occurs among the facts.
    pub fn value_crossed(&self, measure: &MeasureDef, month: Month, pairs: &[[Dimension; 2]]) -> MeasureValue {
        let mut value = self.value(measure, month);
        let slot = |d: Dimension| measure.breakdowns.iter().position(|x| *x == d);
        let wanted: Vec<([Dimension; 2], [usize; 2])> = pairs
            .iter()
            .filter_map(|&[a, b]| Some(([a, b], [slot(a)?, slot(b)?])))
            .filter(|([a, b], _)| a != b)
            .collect();
        if wanted.is_empty() {
            return value;
        }
        let tally = self.tally(measure, month);
        for ([a, b], [i, j]) in wanted {
            let mut keyed = tally.crossed(i, j);
            keyed.sort_by(|(x, _), (y, _)| {
                (a.key_rank(x.0), x.0, b.key_rank(x.1), x.1).cmp(&(a.key_rank(y.0), y.0, b.key_rank(y.1), y.1))
            });
            value.crossed.extend(keyed.into_iter().map(|((x, y), v)| Crossed {
                dimensions: [a, b],
                keys: [x.to_string(), y.to_string()],
                value: v,
            }));
        }
        value
    }

    /// How a measure per head of the population 0-24 at `month` combines its facts.
    pub(super) fn per_population(&self, month: Month, per: f64) -> Combine {
        Combine::PerPopulation { population: self.population_0_24(month), per }
    }

    /// The plans active at the end of `month`, one at a time.
    pub(super) fn month_plans(&self, month: Month) -> impl Iterator<Item = ActivePlan> + use<'a> {
        let end = self.month_end(month);
        (0..end.active_plans.len()).map(move |k| end.active_plans[k])
    }

    /// The requests open at the end of `month`: index and stage.
    pub(super) fn month_open_requests(&self, month: Month) -> impl Iterator<Item = (u32, RequestStage)> + use<'a> {
        let end = self.month_end(month);
        (0..end.open_requests.len()).map(move |k| (end.open_requests[k].0, end.open_requests[k].1))
    }

    /// Plan `plan`'s review meetings, in date order (what the clock reads of its reviews).
    pub fn plan_meetings_of(&self, plan: u32) -> &[Meeting] {
        self.plan_meetings.of(plan as usize)
    }

    /// Plan `plan`'s review meetings, in date order.
    pub(super) fn meetings_of(&self, plan: u32) -> &[Meeting] {
        self.plan_meetings.of(plan as usize)
    }

    /// The date of birth of child `index`, when held.
    pub(super) fn child_born(&self, index: Option<u32>) -> Option<Date> {
        index.and_then(|i| self.child_traits.get(i as usize)).map(|(born, _)| *born)
    }
}

/// The keys of a request in the breakdowns of the request measures.
pub(super) fn request_keys<'a>(e: &Engine<'a>, i: u32, on: Date) -> [&'a str; 6] {
    let child = e.request_child[i as usize];
    // The need the request was made for, else the child's (issue 23).
    let need = e.request_traits[i as usize].2.map_or_else(|| e.child_need(child), Need::code);
    let [year, stage, phase] = e.child_school(child, on);
    [e.source(i).map_or(UNKNOWN, |s| s.code()), age_band(e.child_age(child, on)), need, year, stage, phase]
}

pub(super) fn is_assessment(r: &RequestMilestones) -> bool {
    matches!(r.outcome.map(|o| o.value), Some(AssessmentOutcome::Plan | AssessmentOutcome::NoPlan))
}

pub(super) fn is_plan(r: &RequestMilestones) -> bool {
    r.outcome.is_some_and(|o| o.value == AssessmentOutcome::Plan)
}

pub(super) fn days_to_outcome(r: &RequestMilestones) -> i64 {
    r.outcome.map_or(0, |o| days_between(r.received_on, o.on))
}

pub(super) fn assessment_on_time(r: &RequestMilestones) -> bool {
    r.assessment_on_time().unwrap_or(false)
}

pub(super) fn within_20_weeks(r: &RequestMilestones) -> bool {
    days_to_outcome(r) <= 140
}

/// Requests whose outcome `plan` or `no_plan` was notified in `events`, as facts.
pub(super) fn completed<'e, 'a>(
    e: &'e Engine<'a>,
    events: impl Iterator<Item = u32> + 'e,
) -> impl Iterator<Item = Fact<'a>> + 'e {
    events.filter(|&i| is_assessment(e.request(i))).map(|i| {
        let r = e.request(i);
        Fact::keyed(RecordRef::Request(i), [r.outcome.map_or("", |o| o.value.code()), "", ""])
            .share(assessment_on_time(r))
    })
}

/// Plans issued (outcome `plan`) in `events`, as facts numerated by "within 20 weeks".
pub(super) fn issued<'e, 'a>(
    e: &'e Engine<'a>,
    events: impl Iterator<Item = u32> + 'e,
    with_exceptions: bool,
) -> impl Iterator<Item = Fact<'a>> + 'e {
    events.filter(move |&i| is_plan(e.request(i)) && (with_exceptions || !e.has_exception(i))).map(|i| {
        let r = e.request(i);
        let on = r.outcome.map_or(r.received_on, |o| o.on);
        let child = e.request_child[i as usize];
        let [year, stage, phase] = e.child_school(child, on);
        Fact::keyed(RecordRef::Request(i), [age_band(e.child_age(child, on)), year, stage, phase])
            .share(within_20_weeks(r))
            .amount(days_to_outcome(r) as f64 / 7.0)
    })
}

pub(super) fn decisions<'e, 'a>(
    e: &'e Engine<'a>,
    events: impl Iterator<Item = u32> + 'e,
) -> impl Iterator<Item = Fact<'a>> + 'e {
    events.filter_map(|i| {
        let r = e.request(i);
        let d = r.decision.filter(|d| d.value != AssessmentDecision::Withdrawn)?;
        let on_time = days_between(r.received_on, d.on) <= 42;
        Some(Fact::keyed(RecordRef::Request(i), [d.value.code(), "", ""]).share(on_time))
    })
}

pub(super) fn active_plans<'e, 'a>(e: &'e Engine<'a>, month: Month) -> impl Iterator<Item = Fact<'a>> + 'e {
    e.month_plans(month).map(|p| active_plan(e, p))
}

/// A plan active at a month end, with its breakdown keys.
fn active_plan<'a>(e: &Engine<'a>, p: ActivePlan) -> Fact<'a> {
    let [caseworker, team] = e.plan_holders[p.plan as usize];
    let [year, stage, phase] = crate::dates::SCHOOL_YEARS[usize::from(p.school)];
    Fact::keyed(
        RecordRef::Plan(p.plan),
        [
            age_band(i32::from(p.age)),
            p.need.map_or(UNKNOWN, Need::code),
            p.setting.map_or(UNKNOWN, Setting::code),
            caseworker,
            team,
            year,
            stage,
            phase,
        ],
    )
}

pub(super) fn plans_by_setting<'e, 'a>(
    e: &'e Engine<'a>,
    month: Month,
    settings: &'static [Setting],
) -> Stream<'e, 'a> {
    Stream::of(
        Combine::Share,
        e.month_plans(month)
            .map(|p| Fact::new(RecordRef::Plan(p.plan)).share(p.setting.is_some_and(|s| settings.contains(&s)))),
    )
}

pub(super) fn open_requests<'e, 'a>(
    e: &'e Engine<'a>,
    month: Month,
    keep: impl Fn(RequestStage, i64) -> bool + 'e,
) -> impl Iterator<Item = Fact<'a>> + 'e {
    let end = e.month_end(month);
    let date = e.end_of(month);
    (0..end.open_requests.len()).filter_map(move |k| {
        let (i, stage, days) = end.open_requests[k];
        keep(stage, days).then(|| {
            let [caseworker, team] = e.request_holders[i as usize];
            let [year, key_stage, phase] = e.child_school(e.request_child[i as usize], date);
            Fact::keyed(RecordRef::Request(i), [stage.code(), caseworker, team, year, key_stage, phase])
        })
    })
}

pub(super) fn advice_outstanding<'e, 'a>(
    e: &'e Engine<'a>,
    month: Month,
    overdue_only: bool,
) -> impl Iterator<Item = Fact<'a>> + 'e {
    let end = e.month_end(month);
    (0..end.outstanding_advice.len()).filter_map(move |k| {
        let (i, overdue) = end.outstanding_advice[k];
        if overdue_only && !overdue {
            return None;
        }
        let a = &e.cw.advice[i as usize];
        let [caseworker, team] =
            e.advice_dates[i as usize].2.map_or([UNALLOCATED; 2], |r| e.request_holders[r as usize]);
        Some(Fact::keyed(RecordRef::Advice(i), [a.kind.code(), e.provider_of(a), caseworker, team]))
    })
}

pub(super) fn disputes_opened<'e, 'a>(
    e: &'e Engine<'a>,
    month: Month,
    kind: DisputeKind,
) -> impl Iterator<Item = Fact<'a>> + 'e {
    Engine::year_to_date(&e.events.dispute_opened, month)
        .filter(move |&i| e.cw.disputes[i as usize].kind == kind)
        .map(|i| Fact::new(RecordRef::Dispute(i)))
}

pub(super) fn appeals_closed<'e, 'a>(
    e: &'e Engine<'a>,
    month: Month,
    counted: &'static [DisputeOutcome],
) -> Stream<'e, 'a> {
    Stream::of(
        Combine::Share,
        Engine::year_to_date(&e.events.dispute_closed, month)
            .filter(|&i| e.cw.disputes[i as usize].kind == DisputeKind::Appeal)
            .map(|i| {
                let outcome = e.cw.disputes[i as usize].outcome.map(|o| o.value);
                Fact::new(RecordRef::Dispute(i)).share(outcome.is_some_and(|o| counted.contains(&o)))
            }),
    )
}

pub(super) fn feedback<'e, 'a>(e: &'e Engine<'a>, month: Month, kind: FeedbackKind) -> Stream<'e, 'a> {
    Stream::of(
        Combine::Count,
        Engine::in_month(&e.events.feedback, month)
            .filter(move |&i| e.cw.feedback[i as usize].kind == kind)
            .map(|i| Fact::new(RecordRef::Feedback(i))),
    )
}

impl<'a> Engine<'a> {
    /// Who gives a piece of advice, as its provider breakdown keys it: its organisation's name
    /// (issue 19), else the provider as written, else `unknown`.
    pub(super) fn provider_of(&self, a: &'a crate::records::Advice) -> &'a str {
        a.organisation_id
            .as_deref()
            .and_then(|o| self.organisation_names.get(o).copied())
            .or(a.provider.as_deref())
            .unwrap_or(UNKNOWN)
    }
}

/// Advice received in the month, each with the days it took from the request (issue 19).
pub(super) fn advice_days_to_submit<'e, 'a>(e: &'e Engine<'a>, month: Month) -> impl Iterator<Item = Fact<'a>> + 'e {
    Engine::in_month(&e.events.advice_received, month).filter_map(move |i| {
        let a = &e.cw.advice[i as usize];
        let days = days_between(a.requested_on, a.received_on?);
        Some(Fact::keyed(RecordRef::Advice(i), [a.kind.code(), e.provider_of(a)]).amount(days as f64))
    })
}

/// Consultations answered in the month (to date, for the month to date), each with the days
/// the setting took, counting the day it was sent as day 1 (issue 19).
pub(super) fn consultation_days_to_answer<'e, 'a>(
    e: &'e Engine<'a>,
    month: Month,
) -> impl Iterator<Item = Fact<'a>> + 'e {
    let (first, last) = (month.first_day(), e.end_of(month));
    e.cw.consultations.iter().enumerate().filter_map(move |(i, c)| {
        let answered = c.responded_on.filter(|d| *d >= first && *d <= last)?;
        let setting = e.organisation_names.get(c.organisation_id.as_str()).copied().unwrap_or(UNKNOWN);
        let days = days_between(c.sent_on, answered) + 1;
        Some(Fact::keyed(RecordRef::Consultation(i as u32), [setting]).amount(days as f64))
    })
}

/// As at the month's end: consultations of settings past their 15 days unanswered (issue 19).
pub(super) fn consultations_overdue<'e, 'a>(e: &'e Engine<'a>, month: Month) -> impl Iterator<Item = Fact<'a>> + 'e {
    let date = e.end_of(month);
    e.cw.consultations.iter().enumerate().filter(move |(_, c)| c.is_overdue_at(date)).map(move |(i, c)| {
        let setting = e.organisation_names.get(c.organisation_id.as_str()).copied().unwrap_or(UNKNOWN);
        Fact::keyed(RecordRef::Consultation(i as u32), [setting])
    })
}

/// As at the month's end: active plans with a gap between the settings they name and where the
/// child is (issue 24), as `gap` reads it off the plan at the month end (worked out there by
/// `named::not_attended` or `named::not_started`).
pub(super) fn named_setting_gaps<'e, 'a>(
    e: &'e Engine<'a>,
    month: Month,
    gap: fn(&ActivePlan) -> bool,
) -> impl Iterator<Item = Fact<'a>> + 'e {
    e.month_plans(month).filter(gap).map(|p| active_plan(e, p))
}

/// As at the month's end: open requests whose family is owed an update (issue 18).
pub(super) fn families_owed_update<'e, 'a>(e: &'e Engine<'a>, month: Month) -> impl Iterator<Item = Fact<'a>> + 'e {
    let date = e.end_of(month);
    open_requests(e, month, |_, _| true).filter_map(move |f| {
        let RecordRef::Request(i) = f.record else { return None };
        let (updates, promise) = match e.request_child[i as usize] {
            Some(c) => (e.family_updates.of(c as usize), e.child_promises[c as usize]),
            // A request of no child read (the records not yet checked): none sent to its family.
            None => (&[][..], e.promises.for_child(&e.cw.requests[i as usize].child_id)),
        };
        let received_on = e.request_milestones[i as usize].received_on;
        let (_, due) = crate::informed::next_update_due(updates, received_on, promise, date);
        (date > due).then(|| f.without_first_key())
    })
}

/// Of complaints received in the month whose subject is recorded, those about communication.
pub(super) fn complaints_about_communication<'e, 'a>(e: &'e Engine<'a>, month: Month) -> Stream<'e, 'a> {
    Stream::of(
        Combine::Share,
        Engine::in_month(&e.events.feedback, month).filter_map(move |i| {
            let f = &e.cw.feedback[i as usize];
            let subject = f.subject.filter(|_| f.kind == FeedbackKind::Complaint)?;
            Some(Fact::new(RecordRef::Feedback(i)).share(subject == ComplaintSubject::Communication))
        }),
    )
}

pub(super) fn requests_received<'e, 'a>(
    e: &'e Engine<'a>,
    events: impl Iterator<Item = u32> + 'e,
) -> impl Iterator<Item = Fact<'a>> + 'e {
    events.map(|i| {
        let r = e.request(i);
        Fact::keyed(RecordRef::Request(i), request_keys(e, i, r.received_on))
            .share(matches!(e.source(i), Some(RequestSource::Parent | RequestSource::YoungPerson)))
    })
}

/// Requests received in `events`, without breakdown keys (for measures that have none).
pub(super) fn requests_counted<'e, 'a>(
    e: &'e Engine<'a>,
    events: impl Iterator<Item = u32> + 'e,
) -> impl Iterator<Item = Fact<'a>> + 'e {
    events.map(|i| {
        Fact::new(RecordRef::Request(i))
            .share(matches!(e.source(i), Some(RequestSource::Parent | RequestSource::YoungPerson)))
    })
}

/// What a review measure reads of each review decided in the month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ReviewPart {
    /// The decision only (counts by decision).
    Decision,
    /// Whether the review was on time (the share).
    OnTime,
    /// Weeks from the meeting to the decision (the mean).
    Weeks,
}

/// Reviews whose decision was notified in the month, working out only the `part` the measure
/// needs: on-time status looks up the plan's earlier meetings, which costs memory reads.
pub(super) fn reviews_completed<'e, 'a>(
    e: &'e Engine<'a>,
    month: Month,
    part: ReviewPart,
) -> impl Iterator<Item = Fact<'a>> + 'e {
    Engine::in_month(&e.events.review_decided, month).map(move |i| {
        let r = &e.cw.reviews[i as usize];
        let fact = Fact::keyed(RecordRef::Review(i), [r.decision.map_or("", |d| d.value.code()), "", ""]);
        match part {
            ReviewPart::Decision => fact,
            ReviewPart::OnTime => fact.share(match (e.review_plan[i as usize], Meeting::of(r)) {
                (Some(p), Some(meeting)) => {
                    let issued_on = e.plan_dates[p as usize].issued_on;
                    meeting_on_time(issued_on, e.plan_meetings.of(p as usize), &meeting) == Some(true)
                }
                _ => false,
            }),
            ReviewPart::Weeks => fact.amount(match (r.meeting_on, r.decision) {
                (Some(m), Some(d)) => days_between(m, d.on) as f64 / 7.0,
                _ => 0.0,
            }),
        }
    })
}

pub(super) fn phase_transfers<'e, 'a>(e: &'e Engine<'a>, month: Month) -> Stream<'e, 'a> {
    let end = e.end_of(month);
    let year_start = crate::clock::academic_year_start(end);
    Stream::of(
        Combine::Share,
        e.events.transfer_meeting.between(Month::containing(year_start), month).filter_map(move |i| {
            let r = &e.cw.reviews[i as usize];
            let meeting = r.meeting_on.filter(|m| *m >= year_start && *m <= end)?;
            let transfer = r.phase_transfer?;
            let deadline = phase_transfer_deadline(transfer, meeting);
            let finalised = review_finalised_on(r).is_some_and(|f| f <= deadline && f <= end);
            Some(Fact::new(RecordRef::Review(i)).share(finalised))
        }),
    )
}

pub(super) fn mediations_followed_by_appeal<'e, 'a>(e: &'e Engine<'a>, month: Month) -> Stream<'e, 'a> {
    let end = e.end_of(month);
    Stream::of(
        Combine::Share,
        disputes_opened(e, month, DisputeKind::Mediation).map(move |f| {
            let RecordRef::Dispute(i) = f.record else { return f };
            let m = &e.cw.disputes[i as usize];
            let appealed = e
                .appeals_by_child
                .get(m.child_id.as_str())
                .is_some_and(|dates| dates.iter().any(|d| m.opened_on.is_some_and(|o| *d >= o) && *d <= end));
            f.share(appealed)
        }),
    )
}

pub(super) fn placement_costs<'e, 'a>(e: &'e Engine<'a>, month: Month) -> impl Iterator<Item = Fact<'a>> + 'e {
    let end = e.month_end(month);
    (0..end.costed_placements.len()).map(move |k| {
        let (i, cost, setting) = end.costed_placements[k];
        let independent = matches!(setting, Setting::SpecialIndependent | Setting::NonMaintainedSpecial);
        Fact::keyed(RecordRef::Placement(i), [setting.code(), "", ""]).share(independent).amount(cost)
    })
}

impl<'a> Engine<'a> {
    /// The member of staff at index `member`, when in post at `date` (a case they hold is
    /// allocated).
    fn member_in_post(&self, member: Option<u32>, date: Date) -> Option<&'a crate::records::StaffMember> {
        let cw: &'a Casework = self.cw;
        member.map(|i| &cw.staff[i as usize]).filter(|m| m.is_in_post_at(date))
    }
}

/// The staff in post at the end of `month`, keyed by role, contract and team; in the
/// numerator when interim or agency; their fte as the amount.
pub(super) fn staff_in_post<'e, 'a>(e: &'e Engine<'a>, month: Month) -> impl Iterator<Item = Fact<'a>> + 'e {
    let end = e.end_of(month);
    let cw: &'a Casework = e.cw;
    cw.staff.iter().enumerate().filter(move |(_, m)| m.is_in_post_at(end)).map(|(i, m)| {
        Fact::keyed(
            RecordRef::Staff(i as u32),
            [m.role.code(), m.contract.code(), m.team.as_deref().unwrap_or(UNKNOWN)],
        )
        .share(matches!(m.contract, Contract::Interim | Contract::Agency))
        .amount(m.fte.value())
    })
}

/// Staff who started (or, `leavers`, whose last day was) in `month`, up to its end.
pub(super) fn staff_moves<'e, 'a>(
    e: &'e Engine<'a>,
    month: Month,
    leavers: bool,
) -> impl Iterator<Item = Fact<'a>> + 'e {
    let (first, end) = (month.first_day(), e.end_of(month));
    let cw: &'a Casework = e.cw;
    cw.staff.iter().enumerate().filter_map(move |(i, m)| {
        let on = if leavers { m.ended_on? } else { m.started_on };
        (first <= on && on <= end).then(|| Fact::keyed(RecordRef::Staff(i as u32), [m.role.code()]))
    })
}

/// Each post funded at the end of `month` with part of it unfilled, the unfilled fte as its
/// amount: the post's fte less the fte of the staff in post who hold it, never below 0.
pub(super) fn posts_vacant<'e, 'a>(e: &'e Engine<'a>, month: Month) -> impl Iterator<Item = Fact<'a>> + 'e {
    let end = e.end_of(month);
    let cw: &'a Casework = e.cw;
    let mut filled: HashMap<&'a str, u32> = HashMap::default();
    for m in cw.staff.iter().filter(|m| m.is_in_post_at(end)) {
        if let Some(post) = m.post_id.as_deref() {
            *filled.entry(post).or_default() += m.fte.hundredths();
        }
    }
    cw.posts.iter().enumerate().filter(move |(_, p)| p.is_funded_at(end)).filter_map(move |(i, p)| {
        let vacant = p.fte.hundredths().saturating_sub(filled.get(p.post_id.as_str()).copied().unwrap_or(0));
        (vacant > 0).then(|| {
            Fact::keyed(RecordRef::Post(i as u32), [p.role.code(), p.team.as_deref().unwrap_or(UNKNOWN)])
                .amount(f64::from(vacant) / 100.0)
        })
    })
}

/// The active plans at the end of `month` whose holder is not in post then.
pub(super) fn plans_unallocated<'e, 'a>(e: &'e Engine<'a>, month: Month) -> impl Iterator<Item = Fact<'a>> + 'e {
    let end = e.end_of(month);
    e.month_plans(month).filter_map(move |p| {
        let allocated = e.member_in_post(e.plan_staff[p.plan as usize], end).is_some();
        (!allocated).then(|| Fact::keyed(RecordRef::Plan(p.plan), e.plan_holders[p.plan as usize]))
    })
}

/// Cases per caseworker fte at the end of `month`: in the numerator, each active plan and
/// open request allocated to a caseworker or senior caseworker in post; as amounts, the fte
/// of every caseworker and senior caseworker in post.
pub(super) fn caseload_per_fte<'e, 'a>(e: &'e Engine<'a>, month: Month) -> impl Iterator<Item = Fact<'a>> + 'e {
    let end = e.end_of(month);
    let holds = move |member: Option<u32>| e.member_in_post(member, end).is_some_and(|m| m.role.holds_cases());
    let plans = e
        .month_plans(month)
        .filter(move |p| holds(e.plan_staff[p.plan as usize]))
        .map(move |p| Fact::keyed(RecordRef::Plan(p.plan), e.plan_holders[p.plan as usize]));
    let requests = open_requests(e, month, |_, _| true).filter(move |f| {
        let RecordRef::Request(i) = f.record else { return false };
        holds(e.request_staff[i as usize])
    });
    let cw: &'a Casework = e.cw;
    let staff = cw
        .staff
        .iter()
        .enumerate()
        .filter(move |(_, m)| m.role.holds_cases() && m.is_in_post_at(end))
        .map(|(i, m)| Fact::new(RecordRef::Staff(i as u32)).share(false).amount(m.fte.value()));
    plans.chain(requests).chain(staff)
}

/// What a record behind a value is: its kind, its id and the child it concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordDescription<'a> {
    pub kind: &'static str,
    pub id: &'a str,
    /// The child's opaque id (feedback may have none).
    pub child_id: &'a str,
}

impl<'a> Engine<'a> {
    /// The kind, id and child of a record behind a value.
    pub fn describe(&self, record: RecordRef) -> RecordDescription<'a> {
        let cw = self.cw;
        let plan_child = |plan_id: &str| self.plans_child(plan_id);
        match record {
            RecordRef::Request(i) => {
                let r = &cw.requests[i as usize];
                RecordDescription { kind: "request", id: &r.request_id, child_id: &r.child_id }
            }
            RecordRef::Advice(i) => {
                let a = &cw.advice[i as usize];
                let child =
                    self.requests.get(a.request_id.as_str()).map_or("", |&r| cw.requests[r as usize].child_id.as_str());
                RecordDescription { kind: "advice", id: &a.advice_id, child_id: child }
            }
            RecordRef::Plan(i) => {
                let p = &cw.plans[i as usize];
                RecordDescription { kind: "plan", id: &p.plan_id, child_id: &p.child_id }
            }
            RecordRef::Placement(i) => {
                let p = &cw.placements[i as usize];
                RecordDescription { kind: "placement", id: &p.placement_id, child_id: &p.child_id }
            }
            RecordRef::Review(i) => {
                let r = &cw.reviews[i as usize];
                RecordDescription { kind: "review", id: &r.review_id, child_id: plan_child(&r.plan_id) }
            }
            RecordRef::Dispute(i) => {
                let d = &cw.disputes[i as usize];
                RecordDescription { kind: "dispute", id: &d.dispute_id, child_id: &d.child_id }
            }
            RecordRef::Feedback(i) => {
                let f = &cw.feedback[i as usize];
                RecordDescription {
                    kind: "feedback",
                    id: &f.feedback_id,
                    child_id: f.child_id.as_deref().unwrap_or(""),
                }
            }
            RecordRef::Staff(i) => {
                RecordDescription { kind: "staff", id: &cw.staff[i as usize].staff_id, child_id: "" }
            }
            RecordRef::Post(i) => RecordDescription { kind: "post", id: &cw.posts[i as usize].post_id, child_id: "" },
            RecordRef::Consultation(i) => {
                let c = &cw.consultations[i as usize];
                RecordDescription { kind: "consultation", id: &c.consultation_id, child_id: &c.child_id }
            }
            RecordRef::Audit(i) => {
                let a = &cw.quality_audits[i as usize];
                RecordDescription { kind: "quality audit", id: &a.audit_id, child_id: &a.child_id }
            }
        }
    }

    fn plans_child(&self, plan_id: &str) -> &'a str {
        self.cw.plans.iter().find(|p| p.plan_id == plan_id).map_or("", |p| p.child_id.as_str())
    }
}

/// Quality audits (issue 22) dated in `month` (to its end, for the month to date) by `date`.
fn audits_dated<'e, 'a>(
    e: &'e Engine<'a>,
    month: Month,
    date: impl Fn(&crate::records::QualityAudit) -> Option<Date> + 'e,
) -> impl Iterator<Item = (u32, &'a crate::records::QualityAudit)> + 'e {
    let end = e.end_of(month);
    let cw: &'a Casework = e.cw;
    cw.quality_audits
        .iter()
        .enumerate()
        .filter(move |(_, a)| date(a).is_some_and(|d| month.contains(d) && d <= end))
        .map(|(i, a)| (i as u32, a))
}

/// Audits of plans completed in the month, by the team holding the plan.
pub(super) fn plans_audited<'e, 'a>(e: &'e Engine<'a>, month: Month) -> impl Iterator<Item = Fact<'a>> + 'e {
    audits_dated(e, month, |a| Some(a.audited_on))
        .filter(|(_, a)| a.subject == AuditSubject::Plan)
        .map(move |(i, _)| Fact::keyed(RecordRef::Audit(i), [e.audit_teams[i as usize]]))
}

/// Audits completed in the month; in the numerator when the grade that stands (the
/// moderator's, once moderated) meets the standard.
pub(super) fn audits_meeting_standard<'e, 'a>(e: &'e Engine<'a>, month: Month) -> impl Iterator<Item = Fact<'a>> + 'e {
    let end = e.end_of(month);
    audits_dated(e, month, |a| Some(a.audited_on)).map(move |(i, a)| {
        // A moderation after the date does not count yet.
        let grade = match (a.moderated_on, a.moderated_grade) {
            (Some(on), Some(g)) if on <= end => g,
            _ => a.grade,
        };
        Fact::keyed(RecordRef::Audit(i), [e.audit_teams[i as usize]]).share(grade.meets_standard())
    })
}

/// Audits moderated in the month; in the numerator when the moderator's grade is the
/// auditor's.
pub(super) fn audits_moderated_agreement<'e, 'a>(
    e: &'e Engine<'a>,
    month: Month,
) -> impl Iterator<Item = Fact<'a>> + 'e {
    audits_dated(e, month, |a| a.moderated_on).map(move |(i, a)| {
        Fact::keyed(RecordRef::Audit(i), [e.audit_teams[i as usize]]).share(a.moderated_grade == Some(a.grade))
    })
}

impl<'a> Engine<'a> {
    /// Whether the child of plan `plan` has `flag` at the end of `day`.
    pub(super) fn flagged(&self, plan: u32, flag: CohortFlagKind, day: Date) -> bool {
        self.plan_dates[plan as usize]
            .child
            .is_some_and(|c| self.child_flags.of(c as usize).iter().any(|f| f.flag == flag && f.applies_on(day)))
    }
}

/// Active plans at the month end whose child has `flag` then.
pub(super) fn plans_flagged<'e, 'a>(
    e: &'e Engine<'a>,
    month: Month,
    flag: CohortFlagKind,
) -> impl Iterator<Item = Fact<'a>> + 'e {
    let end = e.end_of(month);
    e.month_plans(month)
        .filter(move |p| e.flagged(p.plan, flag, end))
        .map(|p| Fact::keyed(RecordRef::Plan(p.plan), [age_band(i32::from(p.age))]))
}

/// Of active plans at the month end whose child has `within` then (and is aged `ages`), those
/// whose child also has `flag`.
pub(super) fn plans_flagged_share<'e, 'a>(
    e: &'e Engine<'a>,
    month: Month,
    within: Option<CohortFlagKind>,
    ages: std::ops::RangeInclusive<u8>,
    flag: CohortFlagKind,
) -> impl Iterator<Item = Fact<'a>> + 'e {
    let end = e.end_of(month);
    e.month_plans(month)
        .filter(move |p| ages.contains(&p.age))
        .filter(move |p| within.is_none_or(|w| e.flagged(p.plan, w, end)))
        .map(move |p| Fact::new(RecordRef::Plan(p.plan)).share(e.flagged(p.plan, flag, end)))
}
