//! Last year's SEN2 return against this year's (issue 24): the people who were in last year's
//! return and are not in this one, the plans in force on last year's census day that are gone
//! without a cease, and the people whose date of birth changed. Each is explained where
//! sendtrack's records can explain it. Output names records by their ids only: no names or
//! dates of birth.

use crate::records::Casework;
use crate::sen2::{Blade, BladeRow, Module, parse_blade_date};
use jiff::civil::Date;
use std::collections::HashMap;

/// What changed between the two returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Change {
    /// In last year's return, not in this year's.
    Vanished,
    /// A plan in force on last year's census day that this year's return neither holds nor
    /// ceases.
    PlanGoneWithoutCease,
    /// In both returns with different dates of birth.
    BirthDateChanged,
}

impl Change {
    pub fn words(self) -> &'static str {
        match self {
            Change::Vanished => "in last year's return, not in this year's",
            Change::PlanGoneWithoutCease => "plan in force last census day, gone without a cease",
            Change::BirthDateChanged => "date of birth changed",
        }
    }
}

/// One difference, by last year's person row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnChange {
    pub change: Change,
    /// Last year's `persontableid` and its line in the person file.
    pub person: String,
    pub line: usize,
    /// The child sendtrack holds, when it holds them.
    pub child_id: Option<String>,
    /// Whether sendtrack's records account for it.
    pub explained: bool,
    pub explanation: String,
}

/// A person of a return, with what identifies them and their plans.
struct Person<'b> {
    row: &'b BladeRow,
    who: Identity,
    /// Each named plan: its start and cease dates.
    plans: Vec<(Option<Date>, Option<Date>)>,
}

fn people(blade: &Blade) -> Vec<Person<'_>> {
    let date = |row: &BladeRow, column: &str| row.get(column).and_then(|d| parse_blade_date(d).ok());
    blade
        .rows(Module::Person)
        .iter()
        .map(|row| {
            let key = row.get("persontableid").unwrap_or("");
            let mut plans = Vec::new();
            for r in blade.children(Module::Requests, key) {
                for a in blade.children(Module::Assessment, r.get("requeststableid").unwrap_or("")) {
                    for n in blade.children(Module::NamedPlan, a.get("assessmenttableid").unwrap_or("")) {
                        plans.push((date(n, "startdate"), date(n, "ceasedate")));
                    }
                }
            }
            let who = Identity::of(
                row.get("upn"),
                row.get("uniquelearnernumber"),
                row.get("forename").unwrap_or(""),
                row.get("surname").unwrap_or(""),
                date(row, "personbirthdate"),
            );
            Person { row, who, plans }
        })
        .collect()
}

/// What identifies a person or a child: UPN (upper case), ULN, name (lower case) and date of
/// birth.
struct Identity {
    upn: Option<String>,
    uln: Option<String>,
    name: (String, String),
    born: Option<Date>,
}

impl Identity {
    fn of(upn: Option<&str>, uln: Option<&str>, forename: &str, surname: &str, born: Option<Date>) -> Identity {
        Identity {
            upn: upn.map(str::to_uppercase),
            uln: uln.map(str::to_string),
            name: (forename.to_lowercase(), surname.to_lowercase()),
            born,
        }
    }
}

/// Positions of people (of a return, or the children sendtrack holds) by UPN, else ULN, else
/// name and date of birth: the first key a person has that the index holds decides, and a key
/// two people share identifies neither. A name alone is never enough (a changed date of birth
/// is found only through an identifier). Built once per comparison.
#[derive(Default)]
struct Identities {
    by_upn: HashMap<String, Option<usize>>,
    by_uln: HashMap<String, Option<usize>>,
    by_name_born: HashMap<(String, String, Date), Option<usize>>,
}

impl Identities {
    fn new<'i>(people: impl Iterator<Item = &'i Identity>) -> Identities {
        fn add<K: std::hash::Hash + Eq>(map: &mut HashMap<K, Option<usize>>, key: K, i: usize) {
            map.entry(key).and_modify(|v| *v = None).or_insert(Some(i));
        }
        let mut index = Identities::default();
        for (i, who) in people.enumerate() {
            if let Some(u) = &who.upn {
                add(&mut index.by_upn, u.clone(), i);
            }
            if let Some(u) = &who.uln {
                add(&mut index.by_uln, u.clone(), i);
            }
            if let Some(b) = who.born {
                add(&mut index.by_name_born, (who.name.0.clone(), who.name.1.clone(), b), i);
            }
        }
        index
    }

    fn find(&self, who: &Identity) -> Option<usize> {
        let by_upn = who.upn.as_ref().and_then(|u| self.by_upn.get(u));
        let by_uln = who.uln.as_ref().and_then(|u| self.by_uln.get(u));
        let by_name = who.born.and_then(|b| self.by_name_born.get(&(who.name.0.clone(), who.name.1.clone(), b)));
        by_upn.or(by_uln).or(by_name).copied().flatten()
    }
}

/// Compares `previous` (last year's return as sent, census `previous_census`) with `current`
/// (this year's, activity from `activity_from`), explaining from `held`.
pub fn compare_returns(
    previous: &Blade,
    current: &Blade,
    held: &Casework,
    previous_census: Date,
    activity_from: Date,
) -> Vec<ReturnChange> {
    let (before, now) = (people(previous), people(current));
    let in_now = Identities::new(now.iter().map(|p| &p.who));
    let children: Vec<&crate::records::Child> = held.children.iter().collect();
    let identities: Vec<Identity> = children
        .iter()
        .map(|c| Identity::of(c.upn.as_deref(), c.uln.as_deref(), &c.forename, &c.surname, Some(c.date_of_birth)))
        .collect();
    let known = Identities::new(identities.iter());
    let mut plans_of: HashMap<&str, Vec<&crate::records::Plan>> = HashMap::new();
    for x in &held.plans {
        plans_of.entry(x.child_id.as_str()).or_default().push(x);
    }
    let mut requests_of: HashMap<&str, Vec<&crate::records::Request>> = HashMap::new();
    for r in &held.requests {
        requests_of.entry(r.child_id.as_str()).or_default().push(r);
    }
    let mut out = Vec::new();
    for p in &before {
        let child = known.find(&p.who).map(|i| children[i]);
        let child_id = child.map(|c| c.child_id.to_string());
        let plans: &[&crate::records::Plan] =
            child.and_then(|c| plans_of.get(c.child_id.as_str())).map_or(&[], Vec::as_slice);
        // Any request of theirs with a step on or after the activity's first day.
        let active = child.and_then(|c| requests_of.get(c.child_id.as_str())).is_some_and(|rs| {
            rs.iter().any(|r| {
                [Some(r.received_on), r.decision.map(|d| d.on), r.outcome.map(|o| o.on)]
                    .into_iter()
                    .flatten()
                    .any(|d| d >= activity_from)
            })
        });
        let mut push = |change, explained, explanation: String| {
            out.push(ReturnChange {
                change,
                person: p.row.get("persontableid").unwrap_or("").to_string(),
                line: p.row.line,
                child_id: child_id.clone(),
                explained,
                explanation,
            })
        };
        let found = in_now.find(&p.who).map(|i| &now[i]);
        match found {
            None => {
                let (explained, why) = match child {
                    None => {
                        (false, "sendtrack holds no child with this UPN, ULN or name and date of birth".to_string())
                    }
                    Some(_) if !active && plans.iter().all(|x| x.ceased.is_some_and(|c| c.on < activity_from)) => {
                        let last = plans.iter().filter_map(|x| x.ceased.map(|c| c.on)).max();
                        (
                            true,
                            match last {
                                Some(d) => format!("their plan ceased on {d}, before this year's activity"),
                                None => "no plan, and no request in this year's activity".to_string(),
                            },
                        )
                    }
                    Some(_) => (false, "sendtrack holds them with a plan or activity this return should carry".into()),
                };
                push(Change::Vanished, explained, why);
            }
            Some(q) => {
                if let (Some(a), Some(b)) = (p.who.born, q.who.born)
                    && a != b
                {
                    // Neither date, nor how far it moved: either would tell a date of birth.
                    let agrees = child.is_some_and(|c| Some(c.date_of_birth) == q.who.born);
                    push(
                        Change::BirthDateChanged,
                        agrees,
                        if agrees {
                            "sendtrack's record agrees with this year's: a correction".to_string()
                        } else {
                            "this year's differs from sendtrack's record: check the child's record".to_string()
                        },
                    );
                }
            }
        }
        // Plans in force last census day, not in this year's return or without a cease.
        for &(start, ceased) in &p.plans {
            let Some(start) = start else { continue };
            if start > previous_census || ceased.is_some_and(|c| c <= previous_census) {
                continue;
            }
            let carried = found.is_some_and(|q| q.plans.iter().any(|(s, _)| *s == Some(start)));
            if carried {
                continue;
            }
            let held_plan = plans.iter().find(|x| x.issued_on == start);
            let (explained, why) = match held_plan.and_then(|x| x.ceased) {
                Some(c) if c.on < activity_from => (
                    true,
                    format!(
                        "sendtrack holds its cease on {}, before this year's activity: last year's return did not carry it",
                        c.on
                    ),
                ),
                Some(c) => (false, format!("sendtrack holds its cease on {}, which this return should carry", c.on)),
                None if held_plan.is_some() => (false, "sendtrack holds the plan in force: check it".into()),
                None => (false, format!("sendtrack holds no plan issued on {start} for them")),
            };
            push(Change::PlanGoneWithoutCease, explained, why);
        }
    }
    out.sort_by_key(|c| (c.change, c.line));
    out
}
