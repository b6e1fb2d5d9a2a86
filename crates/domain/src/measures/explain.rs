//! Why a value moved (issue 23): what explains each record behind a share or a mean (the weeks
//! a request took, the step that was late, its caseworker and exception; a review's days late
//! and state), and the change on the month before split by breakdown key, so that an analyst
//! sees which keys moved the headline.

use super::engine::{Engine, Fact, RecordRef, Tally};
use super::{Dimension, MeasureDef};
use crate::clock::{advice_due, decision_due, final_plan_due, meeting_due, review_decision_due, review_status_at};
use crate::dates::{Month, days_between};
use jiff::civil::Date;
use std::collections::HashMap;

/// Explains records on a day, with what it needs read once.
pub struct Explainer<'e, 'a> {
    engine: &'e Engine<'a>,
    /// Each request's advice, by the request's place in the records.
    advice: HashMap<&'a str, Vec<u32>>,
    plans: HashMap<&'a str, u32>,
}

/// A record's explanation: named values, the same names for every record of a kind.
pub type Explanation = Vec<(&'static str, String)>;

fn weeks(days: i64) -> String {
    format!("{:.1}", days as f64 / 7.0)
}

impl<'a> Engine<'a> {
    /// An explainer of this engine's records.
    pub fn explainer(&self) -> Explainer<'_, 'a> {
        let cw = self.casework();
        let mut advice: HashMap<&'a str, Vec<u32>> = HashMap::new();
        for (i, a) in cw.advice.iter().enumerate() {
            advice.entry(a.request_id.as_str()).or_default().push(i as u32);
        }
        let plans = cw.plans.iter().enumerate().map(|(i, p)| (p.plan_id.as_str(), i as u32)).collect();
        Explainer { engine: self, advice, plans }
    }
}

impl Explainer<'_, '_> {
    /// What explains `record`'s part in a value on `on` (the month's end): nothing for records
    /// of kinds with no clock.
    pub fn explain(&self, record: RecordRef, on: Date) -> Explanation {
        let cw = self.engine.casework();
        match record {
            RecordRef::Request(i) => {
                let r = &cw.requests[i as usize];
                let ended = r.outcome.map_or(on, |o| o.on);
                let decided = r.decision.map(|d| d.on);
                let late = |due: Date, done: Option<Date>| done.map_or(on > due, |d| d > due);
                let advice_late = self.advice.get(r.request_id.as_str()).is_some_and(|list| {
                    list.iter()
                        .map(|&k| &cw.advice[k as usize])
                        .any(|a| late(advice_due(a.requested_on), a.received_on))
                });
                let step = if late(decision_due(r.received_on), decided) {
                    "decision"
                } else if advice_late {
                    "advice"
                } else if late(final_plan_due(r.received_on), r.outcome.map(|o| o.on)) {
                    "final plan"
                } else {
                    ""
                };
                vec![
                    ("weeks_taken", weeks(days_between(r.received_on, ended))),
                    ("late_step", step.to_string()),
                    ("caseworker", r.caseworker.as_deref().unwrap_or_default().to_string()),
                    ("exception", r.exception.map(|e| e.code().to_string()).unwrap_or_default()),
                ]
            }
            RecordRef::Review(i) => {
                let r = &cw.reviews[i as usize];
                let Some(&p) = self.plans.get(r.plan_id.as_str()) else { return Vec::new() };
                let plan = &cw.plans[p as usize];
                let meetings = self.engine.plan_meetings_of(p);
                let held = r.meeting_on;
                let due = held.map(|m| meeting_due(plan.issued_on, meetings, m));
                let days_late = match (held, due) {
                    (Some(m), Some(d)) => days_between(d, m).max(0),
                    _ => 0,
                };
                let decision_late = match (held, r.decision) {
                    (Some(m), Some(d)) => days_between(review_decision_due(m), d.on).max(0),
                    _ => 0,
                };
                vec![
                    ("meeting_days_late", days_late.to_string()),
                    ("decision_days_late", decision_late.to_string()),
                    ("decision", r.decision.map(|d| d.value.code().to_string()).unwrap_or_default()),
                ]
            }
            RecordRef::Plan(i) => {
                let plan = &cw.plans[i as usize];
                if !plan.is_active_at(on) {
                    return Vec::new();
                }
                let status = review_status_at(plan.issued_on, self.engine.plan_meetings_of(i), on);
                vec![
                    ("review_state", status.state.code().to_string()),
                    ("review_days_overdue", status.deadline.days_overdue.to_string()),
                    ("caseworker", plan.caseworker.as_deref().unwrap_or_default().to_string()),
                ]
            }
            RecordRef::Advice(i) => {
                let a = &cw.advice[i as usize];
                let days = days_between(a.requested_on, a.received_on.unwrap_or(on));
                vec![
                    ("days_to_submit", days.to_string()),
                    (
                        "days_late",
                        days_between(advice_due(a.requested_on), a.received_on.unwrap_or(on)).max(0).to_string(),
                    ),
                ]
            }
            _ => Vec::new(),
        }
    }
}

/// One breakdown key's part in the change of a value on the month before.
#[derive(Debug, Clone, PartialEq)]
pub struct Movement {
    pub key: String,
    pub before: Option<f64>,
    pub after: Option<f64>,
    /// How much of the headline's change is this key's: the key's share of the headline in
    /// each month, differenced, so that the keys' parts add up to the headline's change. `None`
    /// for a measure whose value does not split (a median, a rate, a change).
    pub part: Option<f64>,
}

/// The numerator and denominator a fact adds to a value that splits over keys.
fn parts(tally: &Tally<'_>, fact: &Fact<'_>) -> Option<(f64, f64)> {
    let numerator = if fact.numerator { 1.0 } else { 0.0 };
    Some(match tally {
        Tally::Count(_) => (1.0, 1.0),
        Tally::Sum(_) => (fact.amount, 1.0),
        Tally::Share(_) => (numerator * 100.0, 1.0),
        Tally::Mean(_) => (fact.amount, 1.0),
        Tally::AmountShare(_) => (numerator * fact.amount * 100.0, fact.amount),
        _ => return None,
    })
}

/// For each breakdown of `measure` and each of its keys, the value in the month before
/// `month` and in `month`, and the key's part in the headline's change; the largest part first.
/// The two months' facts are read once for every breakdown.
pub fn movements(engine: &Engine<'_>, measure: &MeasureDef, month: Month) -> Vec<(Dimension, Vec<Movement>)> {
    let tallies = [engine.tally(measure, month.plus(-1)), engine.tally(measure, month)];
    let values = [engine.value(measure, month.plus(-1)), engine.value(measure, month)];
    // For each breakdown, each key's numerator over the month's whole denominator (a count's:
    // its count); `None` for a value that does not split.
    let split = |t: &Tally<'_>| -> Option<Vec<HashMap<String, f64>>> {
        let is_count = matches!(t, Tally::Count(_) | Tally::Sum(_));
        let mut numerators: Vec<HashMap<String, f64>> = vec![HashMap::new(); measure.breakdowns.len()];
        let mut denominator = 0.0;
        for f in t.facts() {
            let (n, d) = parts(t, f)?;
            for (slot, keyed) in numerators.iter_mut().enumerate() {
                *keyed.entry(f.keys[slot].to_string()).or_default() += n;
            }
            denominator += d;
        }
        if !is_count && denominator > 0.0 {
            numerators.iter_mut().flat_map(|k| k.values_mut()).for_each(|n| *n /= denominator);
        }
        Some(numerators)
    };
    let splits = [split(&tallies[0]), split(&tallies[1])];
    (measure.breakdowns.iter().enumerate())
        .map(|(slot, &dimension)| {
            let value_of = |k: usize, key: &str| {
                values[k].breakdowns.iter().find(|(d, x, _)| *d == dimension && x == key).and_then(|(_, _, v)| *v)
            };
            let mut keys: Vec<String> = values
                .iter()
                .flat_map(|v| v.breakdowns.iter().filter(|(d, _, _)| *d == dimension).map(|(_, k, _)| k.clone()))
                .collect();
            keys.sort();
            keys.dedup();
            let mut out: Vec<Movement> = keys
                .into_iter()
                .map(|key| {
                    let part = match (&splits[0], &splits[1]) {
                        (Some(a), Some(b)) => {
                            let at = |s: &[HashMap<String, f64>]| s[slot].get(&key).copied().unwrap_or(0.0);
                            Some(at(b) - at(a))
                        }
                        _ => None,
                    };
                    Movement { before: value_of(0, &key), after: value_of(1, &key), part, key }
                })
                .collect();
            out.sort_by(|a, b| {
                let size = |m: &Movement| m.part.map_or(0.0, f64::abs);
                size(b).total_cmp(&size(a)).then(a.key.cmp(&b.key))
            });
            (dimension, out)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::AdviceKind;
    use crate::records::{Advice, Casework};
    use crate::testing::{advice, child, request};
    use jiff::civil::date;

    /// The movements by kind of advice.
    fn by_kind(all: Vec<(Dimension, Vec<Movement>)>) -> Vec<Movement> {
        all.into_iter().find(|(d, _)| *d == Dimension::Kind).map(|(_, m)| m).expect("a breakdown by kind")
    }

    /// Advice received in October and November 2026: `(kind, requested, received)`.
    fn authority() -> Casework {
        let mut cw = Casework::default();
        cw.children.push_back(child("C1", date(2015, 1, 1)));
        cw.requests.push_back(request("R1", "C1", date(2026, 8, 1)));
        let ep = AdviceKind::EducationalPsychology;
        let health = AdviceKind::Health;
        let on_time = |m: i8| (date(2026, m - 1, 20), date(2026, m, 10));
        let late = |m: i8| (date(2026, m - 3, 1), date(2026, m, 10));
        let rows = [
            (ep, on_time(10)),
            (ep, late(10)),
            (health, on_time(10)),
            (health, on_time(10)),
            (ep, late(11)),
            (ep, late(11)),
            (health, on_time(11)),
            (health, on_time(11)),
        ];
        for (k, (kind, (requested, received))) in rows.into_iter().enumerate() {
            cw.advice
                .push_back(Advice { received_on: Some(received), ..advice(&format!("A{k}"), "R1", kind, requested) });
        }
        cw
    }

    #[test]
    fn the_keys_parts_add_up_to_the_change_of_a_share() {
        let cw = authority();
        let engine = Engine::new(&cw);
        let measure = crate::measures::find("advice_within_6_weeks_pct").expect("measure");
        let nov = Month::new(2026, 11).expect("month");
        // 75% in October (3 of 4), 50% in November (2 of 4): the psychologists' lateness moved it.
        let moved = by_kind(movements(&engine, measure, nov));
        assert_eq!(moved[0].key, "educational_psychology");
        assert_eq!((moved[0].before, moved[0].after, moved[0].part), (Some(50.0), Some(0.0), Some(-25.0)));
        assert_eq!((moved[1].key.as_str(), moved[1].part), ("health", Some(0.0)));
        let total: f64 = moved.iter().filter_map(|m| m.part).sum();
        assert_eq!(total, 50.0 - 75.0);
    }

    #[test]
    fn a_count_moves_by_each_keys_difference_and_records_say_why() {
        let cw = authority();
        let engine = Engine::new(&cw);
        let measure = crate::measures::find("advice_outstanding").expect("measure");
        let moved = by_kind(movements(&engine, measure, Month::new(2026, 11).expect("month")));
        let total: f64 = moved.iter().filter_map(|m| m.part).sum();
        let value = |m: i8| engine.value(measure, Month::new(2026, m).expect("month")).headline.unwrap_or(0.0);
        assert_eq!(total, value(11) - value(10));
        // Advice requested on 1 August and received on 10 November: 101 days, 59 past its 6 weeks.
        let explained = engine.explainer().explain(RecordRef::Advice(4), date(2026, 11, 30));
        assert_eq!(explained, vec![("days_to_submit", "101".to_string()), ("days_late", "59".to_string())]);
        // The request: no decision by 30 November, four months on: the decision is the late step.
        let explained = engine.explainer().explain(RecordRef::Request(0), date(2026, 11, 30));
        assert_eq!(explained[0], ("weeks_taken", "17.3".to_string()));
        assert_eq!(explained[1], ("late_step", "decision".to_string()));
    }
}
