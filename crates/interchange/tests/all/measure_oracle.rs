//! The measure engine against an oracle: a deliberately simple, literal reading of
//! `measures.md`, row by row, sharing no code with the engine beyond date arithmetic. Checked
//! for every measure, every month and every breakdown key, over generated authorities and a
//! set of boundary cases (day 42/140/210/364, 29 February, empty dates, exception cases,
//! withdrawn requests, plans without a request, missing population years).
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers may panic: a panic is a failed test.

use jiff::civil::{Date, date};
use sendtrack_domain::codes::*;
use sendtrack_domain::dates::{Month, add_days, age_on, days_between, end_of_twelve_months_starting};
use sendtrack_domain::identifiers::Pounds;
use sendtrack_domain::measures::engine::Engine;
use sendtrack_domain::measures::{CATALOGUE, MeasureId, find};
use sendtrack_domain::records::*;
use sendtrack_interchange::demo::{DemoOptions, generate};
use std::collections::BTreeMap;

type Keys = Vec<(&'static str, String)>;

/// The oracle's answer: the headline and each (dimension, key) value.
#[derive(Debug, Default)]
struct Answer {
    headline: Option<f64>,
    breakdowns: BTreeMap<(String, String), Option<f64>>,
}

fn div(a: f64, b: f64) -> Option<f64> {
    if b == 0.0 { None } else { Some(a / b) }
}

/// "The middle value, or the mean of the middle two": of the items' values, overall and per key.
fn median_of<T>(items: Vec<T>, value: impl Fn(&T) -> f64, keys: impl Fn(&T) -> Keys) -> Answer {
    fn middle(mut v: Vec<f64>) -> Option<f64> {
        v.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let n = v.len();
        if n == 0 {
            None
        } else if n % 2 == 1 {
            Some(v[n / 2])
        } else {
            Some((v[n / 2 - 1] + v[n / 2]) / 2.0)
        }
    }
    let mut a = Answer { headline: middle(items.iter().map(&value).collect()), ..Answer::default() };
    let mut groups: BTreeMap<(String, String), Vec<f64>> = BTreeMap::new();
    for item in &items {
        for (d, k) in keys(item) {
            groups.entry((d.to_string(), k)).or_default().push(value(item));
        }
    }
    for (k, v) in groups {
        a.breakdowns.insert(k, middle(v));
    }
    a
}

/// A count of items, and of each breakdown key.
fn count<T>(items: Vec<T>, keys: impl Fn(&T) -> Keys) -> Answer {
    let mut a = Answer { headline: Some(items.len() as f64), ..Answer::default() };
    for item in &items {
        for (d, k) in keys(item) {
            let slot = a.breakdowns.entry((d.to_string(), k)).or_insert(Some(0.0));
            *slot = Some(slot.unwrap_or(0.0) + 1.0);
        }
    }
    a
}

/// Share (%) of items that are in the numerator, overall and per key.
fn share<T>(items: Vec<T>, numerator: impl Fn(&T) -> bool, keys: impl Fn(&T) -> Keys) -> Answer {
    let num = items.iter().filter(|i| numerator(i)).count() as f64;
    let mut a = Answer { headline: div(num * 100.0, items.len() as f64), ..Answer::default() };
    let mut groups: BTreeMap<(String, String), (f64, f64)> = BTreeMap::new();
    for item in &items {
        for (d, k) in keys(item) {
            let g = groups.entry((d.to_string(), k)).or_default();
            g.1 += 1.0;
            if numerator(item) {
                g.0 += 1.0;
            }
        }
    }
    for (k, (n, d)) in groups {
        a.breakdowns.insert(k, div(n * 100.0, d));
    }
    a
}

/// Mean of the amounts, overall and per key.
fn mean<T>(items: Vec<T>, amount: impl Fn(&T) -> f64, keys: impl Fn(&T) -> Keys) -> Answer {
    let total: f64 = items.iter().map(&amount).sum();
    let mut a = Answer { headline: div(total, items.len() as f64), ..Answer::default() };
    let mut groups: BTreeMap<(String, String), (f64, f64)> = BTreeMap::new();
    for item in &items {
        for (d, k) in keys(item) {
            let g = groups.entry((d.to_string(), k)).or_default();
            g.0 += amount(item);
            g.1 += 1.0;
        }
    }
    for (k, (s, n)) in groups {
        a.breakdowns.insert(k, div(s, n));
    }
    a
}

/// Sum of the amounts, overall and per key (keys of the items given).
fn sum<T>(items: Vec<T>, amount: impl Fn(&T) -> f64, keys: impl Fn(&T) -> Keys) -> Answer {
    let mut a = Answer { headline: Some(items.iter().map(&amount).sum()), ..Answer::default() };
    for item in &items {
        for (d, k) in keys(item) {
            let slot = a.breakdowns.entry((d.to_string(), k)).or_insert(Some(0.0));
            *slot = Some(slot.unwrap_or(0.0) + amount(item));
        }
    }
    a
}

fn none<T>(_: &T) -> Keys {
    Vec::new()
}

fn band(age: i32) -> String {
    if age <= 4 {
        "under_5"
    } else if age <= 10 {
        "5_10"
    } else if age <= 15 {
        "11_15"
    } else if age <= 19 {
        "16_19"
    } else {
        "20_25"
    }
    .to_string()
}

struct Oracle<'a> {
    cw: &'a Casework,
}

impl<'a> Oracle<'a> {
    fn child(&self, id: &str) -> &'a Child {
        self.cw.children.iter().find(|c| c.child_id == id).unwrap()
    }
    fn need(&self, id: &str) -> String {
        self.child(id).primary_need.map_or("unknown".into(), |n| n.code().into())
    }
    fn age(&self, id: &str, on: Date) -> i32 {
        age_on(self.child(id).date_of_birth, on)
    }
    fn request(&self, id: &str) -> &'a Request {
        self.cw.requests.iter().find(|r| r.request_id == id).unwrap()
    }
    /// "A request is closed as at a date when, on or before it, its decision was refuse or
    /// withdrawn, or its outcome was notified."
    fn closed(r: &Request, d: Date) -> bool {
        let refused = r.decision.is_some_and(|x| {
            x.on <= d && matches!(x.value, AssessmentDecision::Refuse | AssessmentDecision::Withdrawn)
        });
        refused || r.outcome.is_some_and(|o| o.on <= d)
    }
    fn open(r: &Request, d: Date) -> bool {
        r.received_on <= d && !Self::closed(r, d)
    }
    fn population(&self, m: Month) -> Option<f64> {
        let years: Vec<i16> = self.cw.population.iter().map(|p| p.year).filter(|y| *y <= m.year()).collect();
        let year = years.into_iter().max()?;
        Some(self.cw.population.iter().filter(|p| p.year == year && p.age <= 24).map(|p| p.count as f64).sum())
    }
    fn active(p: &Plan, d: Date) -> bool {
        p.issued_on <= d && p.ceased.is_none_or(|c| c.on > d)
    }
    fn setting(&self, child: &str, d: Date) -> String {
        self.cw
            .placements
            .iter()
            .find(|s| {
                s.child_id == child
                    && s.rank != Some(PlacementRank::Dual)
                    && s.started_on <= d
                    && s.ended_on.is_none_or(|e| e >= d)
            })
            .map_or("unknown".into(), |s| s.setting.code().into())
    }
    fn plan_of(&self, id: &str) -> &'a Plan {
        self.cw.plans.iter().find(|p| p.plan_id == id).unwrap()
    }
    fn meetings(&self, plan: &str) -> Vec<Date> {
        self.cw.reviews.iter().filter(|r| r.plan_id == plan).filter_map(|r| r.meeting_on).collect()
    }
    /// The review-state reading of the spec: (state, overdue) of an active plan at d.
    fn review_state(&self, p: &Plan, d: Date) -> (&'static str, bool) {
        let latest = self
            .cw
            .reviews
            .iter()
            .filter(|r| r.plan_id == p.plan_id && r.meeting_on.is_some_and(|x| x <= d))
            .max_by_key(|r| r.meeting_on);
        if let Some(m) = latest {
            let met = m.meeting_on.unwrap();
            let decided = m.decision.filter(|x| x.on <= d);
            if decided.is_none() {
                return ("awaiting_decision", days_between(met, d) > 28);
            }
            let dec = decided.unwrap();
            if dec.value == ReviewDecision::Amend && m.amended_on.is_none_or(|a| a > d) {
                return ("in_amendment", days_between(dec.on, d) > 56);
            }
            return ("awaiting_meeting", d > end_of_twelve_months_starting(met));
        }
        ("awaiting_meeting", d > end_of_twelve_months_starting(p.issued_on))
    }
    /// "In post at D: started_on <= D and ended_on empty or >= D."
    fn in_post(m: &StaffMember, d: Date) -> bool {
        m.started_on <= d && m.ended_on.is_none_or(|e| e >= d)
    }
    fn member(&self, id: &str) -> Option<&'a StaffMember> {
        self.cw.staff.iter().find(|m| m.staff_id == id)
    }
    /// "An active plan's holder is its own caseworker if set, else the caseworker of its
    /// request_id's request if set."
    fn plan_holder(&self, p: &Plan) -> Option<String> {
        p.caseworker
            .as_deref()
            .map(str::to_string)
            .or_else(|| self.request(p.request_id.as_deref()?).caseworker.as_deref().map(str::to_string))
    }
    /// The caseworker and team keys of a holder.
    /// The child's national curriculum year on `on`, its key stage and phase, worked out from
    /// the age on the 31 August that began the school year (issue 23).
    fn school(&self, id: &str, on: Date) -> Keys {
        let start = if on.month() >= 9 { on.year() } else { on.year() - 1 };
        let age = age_on(self.child(id).date_of_birth, date(start, 8, 31));
        let year = match age {
            ..=3 => "early_years".to_string(),
            4 => "reception".to_string(),
            5..=18 => format!("y{}", age - 4),
            _ => "post_19".to_string(),
        };
        let stage = match age {
            ..=4 => "early_years",
            5..=6 => "ks1",
            7..=10 => "ks2",
            11..=13 => "ks3",
            14..=15 => "ks4",
            16..=18 => "ks5",
            _ => "post_19",
        };
        let phase = match age {
            ..=3 => "early_years",
            4..=10 => "primary",
            11..=15 => "secondary",
            16..=18 => "post_16",
            _ => "post_19",
        };
        vec![("school_year", year), ("key_stage", stage.to_string()), ("phase", phase.to_string())]
    }

    /// "The team of the member of staff holding the audited plan, or the request the audited
    /// advice was for (`unknown` when that person has no team, `unallocated` when nobody holds it)."
    fn audit_team(&self, a: &QualityAudit) -> String {
        let holder = match a.subject {
            AuditSubject::Plan => self.plan_holder(self.plan_of(&a.subject_id)),
            AuditSubject::Advice => {
                let advice = self.cw.advice.iter().find(|x| x.advice_id == a.subject_id).unwrap();
                self.request(&advice.request_id).caseworker.as_deref().map(str::to_string)
            }
        };
        self.holder_keys(holder).remove(1).1
    }
    /// "A flag applies at D when started_on is on or before D and ended_on is empty or on or after D."
    fn flagged(&self, child: &str, flag: CohortFlagKind, d: Date) -> bool {
        self.cw
            .cohort_flags
            .iter()
            .any(|f| f.child_id == child && f.flag == flag && f.started_on <= d && f.ended_on.is_none_or(|e| e >= d))
    }

    fn holder_keys(&self, holder: Option<String>) -> Keys {
        match holder {
            None => vec![("caseworker", "unallocated".into()), ("team", "unallocated".into())],
            Some(h) => {
                let team = self.member(&h).and_then(|m| m.team.clone()).unwrap_or("unknown".into());
                vec![("caseworker", h), ("team", team)]
            }
        }
    }
    /// "A case is allocated at D when its holder is in post at D."
    fn allocated(&self, holder: Option<String>, d: Date) -> Option<&'a StaffMember> {
        self.member(&holder?).filter(|m| Self::in_post(m, d))
    }
    fn review_on_time(&self, r: &Review) -> bool {
        let p = self.plan_of(&r.plan_id);
        let meeting = r.meeting_on.unwrap();
        let previous = self.meetings(&p.plan_id).into_iter().filter(|m| *m < meeting).max().unwrap_or(p.issued_on);
        meeting <= end_of_twelve_months_starting(previous) && days_between(meeting, r.decision.unwrap().on) <= 28
    }

    fn answer(&self, id: MeasureId, m: Month) -> Answer {
        let cw = self.cw;
        let first = m.first_day();
        let d = m.last_day();
        let jan = date(m.year(), 1, 1);
        let in_month = |x: Date| x >= first && x <= d;
        let ytd = |x: Date| x >= jan && x <= d;
        let t12_start = m.plus(-11).first_day();
        let trailing = |x: Date| x >= t12_start && x <= d;
        let req_keys = |r: &&Request| {
            vec![
                ("source", r.source.map_or("unknown", |s| s.code()).to_string()),
                ("age_band", band(self.age(&r.child_id, r.received_on))),
                // What the request was made for, else the child's need now (issue 23).
                ("primary_need", r.primary_need.map_or_else(|| self.need(&r.child_id), |n| n.code().to_string())),
            ]
            .into_iter()
            .chain(self.school(&r.child_id, r.received_on))
            .collect::<Vec<_>>()
        };
        let received = |f: &dyn Fn(Date) -> bool| cw.requests.iter().filter(|r| f(r.received_on)).collect::<Vec<_>>();
        let decisions = |f: &dyn Fn(Date) -> bool| {
            cw.requests
                .iter()
                .filter(|r| {
                    r.decision.is_some_and(|x| {
                        f(x.on) && matches!(x.value, AssessmentDecision::Assess | AssessmentDecision::Refuse)
                    })
                })
                .collect::<Vec<_>>()
        };
        let completed = |f: &dyn Fn(Date) -> bool| {
            cw.requests
                .iter()
                .filter(|r| {
                    r.outcome.is_some_and(|o| {
                        f(o.on) && matches!(o.value, AssessmentOutcome::Plan | AssessmentOutcome::NoPlan)
                    })
                })
                .collect::<Vec<_>>()
        };
        let on_time = |r: &&Request| {
            let o = r.outcome.unwrap();
            let days = days_between(r.received_on, o.on);
            if o.value == AssessmentOutcome::Plan { days <= 140 } else { days <= 112 }
        };
        let issued = |f: &dyn Fn(Date) -> bool| {
            cw.requests
                .iter()
                .filter(|r| r.outcome.is_some_and(|o| f(o.on) && o.value == AssessmentOutcome::Plan))
                .collect::<Vec<_>>()
        };
        let within_20 = |r: &&Request| days_between(r.received_on, r.outcome.unwrap().on) <= 140;
        let open: Vec<&Request> = cw.requests.iter().filter(|r| Self::open(r, d)).collect();
        let outstanding: Vec<&Advice> = cw
            .advice
            .iter()
            .filter(|a| {
                a.requested_on <= d && a.received_on.is_none_or(|x| x > d) && Self::open(self.request(&a.request_id), d)
            })
            .collect();
        let advice_keys = |a: &&Advice| {
            // "The provider key is the advice's organisation's name when it has one, else provider."
            let organisation = a
                .organisation_id
                .as_ref()
                .and_then(|o| cw.organisations.iter().find(|x| &x.organisation_id == o))
                .map(|o| o.name.clone());
            vec![
                ("kind", a.kind.code().to_string()),
                ("provider", organisation.or(a.provider.clone()).unwrap_or("unknown".into())),
            ]
        };
        let active: Vec<&Plan> = cw.plans.iter().filter(|p| Self::active(p, d)).collect();
        // An active plan's keys: the child's age band and need, where they are, who holds it.
        let plan_keys = |p: &&Plan| {
            let mut keys = vec![
                ("age_band", band(self.age(&p.child_id, d))),
                ("primary_need", self.need(&p.child_id)),
                ("setting", self.setting(&p.child_id, d)),
            ];
            keys.extend(self.holder_keys(self.plan_holder(p)));
            keys.extend(self.school(&p.child_id, d));
            keys
        };
        let share_in = |settings: &[&str]| {
            let s: Vec<String> = settings.iter().map(|x| x.to_string()).collect();
            share(active.clone(), |p| s.contains(&self.setting(&p.child_id, d)), none)
        };
        let with_active_plan = |child: &str| cw.plans.iter().any(|p| p.child_id == child && Self::active(p, d));
        let costed: Vec<&Placement> = cw
            .placements
            .iter()
            .filter(|s| {
                s.started_on <= d
                    && s.ended_on.is_none_or(|e| e >= d)
                    && s.annual_cost.is_some()
                    && with_active_plan(&s.child_id)
            })
            .collect();
        let cost = |s: &&Placement| s.annual_cost.as_ref().map_or(0.0, Pounds::value);
        let disputes = |kind: DisputeKind| cw.disputes.iter().filter(move |x| x.kind == kind);
        let closed_appeals: Vec<&Dispute> =
            disputes(DisputeKind::Appeal).filter(|x| x.outcome.is_some_and(|o| ytd(o.on))).collect();
        let reviews_done: Vec<&Review> =
            cw.reviews.iter().filter(|r| r.decision.is_some_and(|x| in_month(x.on))).collect();
        let in_post: Vec<&StaffMember> = cw.staff.iter().filter(|m| Self::in_post(m, d)).collect();
        let staff_keys = |m: &&StaffMember| {
            vec![
                ("role", m.role.code().to_string()),
                ("contract", m.contract.code().to_string()),
                ("team", m.team.clone().unwrap_or("unknown".into())),
            ]
        };
        let fte = |m: &&StaffMember| f64::from(m.fte.hundredths()) / 100.0;
        let holds_cases = |m: &StaffMember| matches!(m.role, StaffRole::Caseworker | StaffRole::SeniorCaseworker);
        match id {
            MeasureId::StaffInPost => count(in_post.clone(), staff_keys),
            MeasureId::StaffInPostFte => sum(in_post.clone(), fte, |m| staff_keys(m).into_iter().take(2).collect()),
            MeasureId::StaffInterimAgencyPct => {
                share(in_post.clone(), |m| matches!(m.contract, Contract::Interim | Contract::Agency), none)
            }
            MeasureId::StaffStarters => count(cw.staff.iter().filter(|m| in_month(m.started_on)).collect(), |m| {
                vec![("role", m.role.code().to_string())]
            }),
            MeasureId::StaffLeavers => {
                count(cw.staff.iter().filter(|m| m.ended_on.is_some_and(in_month)).collect(), |m| {
                    vec![("role", m.role.code().to_string())]
                })
            }
            MeasureId::PostsVacantFte => {
                let vacant = |p: &Post| {
                    let filled: f64 = in_post
                        .iter()
                        .filter(|m| m.post_id.as_deref() == Some(p.post_id.as_str()))
                        .map(|m| f64::from(m.fte.hundredths()) / 100.0)
                        .sum();
                    (f64::from(p.fte.hundredths()) / 100.0 - filled).max(0.0)
                };
                let funded: Vec<&Post> = cw
                    .posts
                    .iter()
                    .filter(|p| p.funded_from <= d && p.funded_to.is_none_or(|t| t >= d) && vacant(p) > 1e-9)
                    .collect();
                sum(
                    funded,
                    |p| vacant(p),
                    |p| vec![("role", p.role.code().to_string()), ("team", p.team.clone().unwrap_or("unknown".into()))],
                )
            }
            MeasureId::PlansUnallocated => {
                count(active.iter().filter(|p| self.allocated(self.plan_holder(p), d).is_none()).collect(), |p| {
                    self.holder_keys(self.plan_holder(p))
                })
            }
            MeasureId::CaseloadPerCaseworkerFte => {
                let by_caseworker = |holder: Option<String>| self.allocated(holder, d).is_some_and(holds_cases);
                let cases = active.iter().filter(|p| by_caseworker(self.plan_holder(p))).count()
                    + open.iter().filter(|r| by_caseworker(r.caseworker.as_deref().map(str::to_string))).count();
                let fte: f64 = in_post.iter().filter(|m| holds_cases(m)).map(fte).sum();
                Answer { headline: div(cases as f64, fte), ..Answer::default() }
            }
            MeasureId::RequestsReceived => count(received(&in_month), req_keys),
            MeasureId::RequestsReceivedYtd => count(received(&ytd), none),
            MeasureId::RequestsReceivedChangePct => {
                let now = received(&in_month).len() as f64;
                let before_m = m.plus(-12);
                let before = cw
                    .requests
                    .iter()
                    .filter(|r| r.received_on >= before_m.first_day() && r.received_on <= before_m.last_day())
                    .count() as f64;
                Answer { headline: div((now - before) * 100.0, before), ..Answer::default() }
            }
            MeasureId::RequestsFromParentsPct => share(
                received(&in_month),
                |r| matches!(r.source, Some(RequestSource::Parent | RequestSource::YoungPerson)),
                none,
            ),
            MeasureId::RequestsRatePer10k => Answer {
                headline: self.population(m).and_then(|p| div(received(&trailing).len() as f64 * 10_000.0, p)),
                ..Answer::default()
            },
            MeasureId::RequestsPct0To24 => Answer {
                headline: self.population(m).and_then(|p| div(received(&trailing).len() as f64 * 100.0, p)),
                ..Answer::default()
            },
            MeasureId::DecisionsMade => {
                count(decisions(&in_month), |r| vec![("decision", r.decision.unwrap().value.code().to_string())])
            }
            MeasureId::DecisionsWithin6WeeksPct => {
                share(decisions(&in_month), |r| days_between(r.received_on, r.decision.unwrap().on) <= 42, none)
            }
            MeasureId::AssessRatePct => {
                share(decisions(&trailing), |r| r.decision.unwrap().value == AssessmentDecision::Assess, none)
            }
            MeasureId::DecisionsOverdue => count(
                open.iter()
                    .filter(|r| r.decision.is_none_or(|x| x.on > d) && days_between(r.received_on, d) > 42)
                    .collect(),
                |r| self.holder_keys(r.caseworker.as_deref().map(str::to_string)),
            ),
            MeasureId::RequestsOpen => count(open.clone(), |r| {
                let assessing = r.decision.is_some_and(|x| x.on <= d && x.value == AssessmentDecision::Assess);
                let mut keys = vec![("stage", if assessing { "assessing" } else { "awaiting_decision" }.to_string())];
                keys.extend(self.holder_keys(r.caseworker.as_deref().map(str::to_string)));
                keys.extend(self.school(&r.child_id, d));
                keys
            }),
            MeasureId::AssessmentsInProgress => count(
                open.iter()
                    .filter(|r| r.decision.is_some_and(|x| x.on <= d && x.value == AssessmentDecision::Assess))
                    .collect(),
                none,
            ),
            MeasureId::RequestsOpenOver20Weeks => {
                count(open.iter().filter(|r| days_between(r.received_on, d) > 140).collect(), |r| {
                    self.holder_keys(r.caseworker.as_deref().map(str::to_string))
                })
            }
            MeasureId::RequestsOpenOver30Weeks => {
                count(open.iter().filter(|r| days_between(r.received_on, d) > 210).collect(), none)
            }
            MeasureId::RequestsOpenOver52Weeks => {
                count(open.iter().filter(|r| days_between(r.received_on, d) > 364).collect(), none)
            }
            MeasureId::AssessmentsCompleted => {
                count(completed(&in_month), |r| vec![("outcome", r.outcome.unwrap().value.code().to_string())])
            }
            MeasureId::AssessmentsCompletedOnTime => {
                count(completed(&in_month).into_iter().filter(|r| on_time(r)).collect(), none)
            }
            MeasureId::AssessmentsCompletedOnTimePct => share(completed(&in_month), on_time, none),
            MeasureId::AssessmentsCompletedOnTimePctYtd => share(completed(&ytd), on_time, none),
            MeasureId::PlansIssued => count(issued(&in_month), |r| {
                let on = r.outcome.unwrap().on;
                let mut keys = vec![("age_band", band(self.age(&r.child_id, on)))];
                keys.extend(self.school(&r.child_id, on));
                keys
            }),
            MeasureId::PlansIssuedWithin20Weeks => {
                count(issued(&in_month).into_iter().filter(|r| within_20(r)).collect(), none)
            }
            MeasureId::PlansIssuedWithin20WeeksPct => {
                share(issued(&in_month).into_iter().filter(|r| r.exception.is_none()).collect(), within_20, none)
            }
            MeasureId::PlansIssuedWithin20WeeksInclExceptionsPct => share(issued(&in_month), within_20, none),
            MeasureId::PlansIssuedWithin20WeeksPctYtd => {
                share(issued(&ytd).into_iter().filter(|r| r.exception.is_none()).collect(), within_20, none)
            }
            MeasureId::PlansIssuedAvgWeeks => {
                mean(issued(&in_month), |r| days_between(r.received_on, r.outcome.unwrap().on) as f64 / 7.0, none)
            }
            MeasureId::AssessmentToPlanPct => {
                share(completed(&trailing), |r| r.outcome.unwrap().value == AssessmentOutcome::Plan, none)
            }
            MeasureId::AdviceOutstanding => count(outstanding.clone(), advice_keys),
            MeasureId::AdviceOverdue => {
                count(outstanding.iter().copied().filter(|a| days_between(a.requested_on, d) > 42).collect(), |a| {
                    let mut keys = advice_keys(a);
                    keys.extend(
                        self.holder_keys(self.request(&a.request_id).caseworker.as_deref().map(str::to_string)),
                    );
                    keys
                })
            }
            MeasureId::AdviceWithin6WeeksPct => share(
                cw.advice.iter().filter(|a| a.received_on.is_some_and(in_month)).collect(),
                |a| days_between(a.requested_on, a.received_on.unwrap()) <= 42,
                |a| vec![("kind", a.kind.code().to_string())],
            ),
            MeasureId::PlansActive => count(active.clone(), plan_keys),
            MeasureId::NamedSettingNotAttended | MeasureId::NamedSettingNotStarted => {
                let attending = id == MeasureId::NamedSettingNotAttended;
                // A placement is at a named setting by URN, else UKPRN, else type.
                let at = |n: &PlanSetting, l: &Placement| match (&n.urn, &n.ukprn) {
                    (Some(u), _) => l.urn.as_ref() == Some(u),
                    (None, Some(k)) => l.ukprn.as_ref() == Some(k),
                    (None, None) => n.setting == Some(l.setting),
                };
                let gap = |p: &&Plan| {
                    let named: Vec<&PlanSetting> = cw
                        .plan_settings
                        .iter()
                        .filter(|n| n.plan_id == p.plan_id && n.named_on <= d && n.ended_on.is_none_or(|e| e >= d))
                        // A type named without saying which (`none`) is nothing to compare.
                        .filter(|n| {
                            n.urn.is_some() || n.ukprn.is_some() || n.setting.is_some_and(|s| s != Setting::None)
                        })
                        .collect();
                    let mine: Vec<&Placement> = cw.placements.iter().filter(|l| l.child_id == p.child_id).collect();
                    if attending {
                        // The main setting named last replaces those named before.
                        let mains = named.iter().filter(|n| n.rank != Some(PlacementRank::Dual));
                        let last = mains.clone().map(|n| n.named_on).max();
                        let main: Vec<&&PlanSetting> = mains.filter(|n| Some(n.named_on) == last).collect();
                        !main.is_empty()
                            && !main.iter().any(|n| {
                                mine.iter().any(|l| l.started_on <= d && l.ended_on.is_none_or(|e| e >= d) && at(n, l))
                            })
                    } else {
                        named.iter().any(|n| !mine.iter().any(|l| l.started_on <= d && at(n, l)))
                    }
                };
                count(active.iter().copied().filter(gap).collect(), plan_keys)
            }
            MeasureId::PlansActiveChangePct => {
                let before = m.plus(-12).last_day();
                let then = cw.plans.iter().filter(|p| Self::active(p, before)).count() as f64;
                Answer { headline: div((active.len() as f64 - then) * 100.0, then), ..Answer::default() }
            }
            MeasureId::PlansActivePct0To24 => Answer {
                headline: self.population(m).and_then(|p| div(active.len() as f64 * 100.0, p)),
                ..Answer::default()
            },
            MeasureId::PlansCeased => {
                count(cw.plans.iter().filter(|p| p.ceased.is_some_and(|c| in_month(c.on))).collect(), |p| {
                    let c = p.ceased.unwrap();
                    let mut keys = vec![
                        ("age_band", band(self.age(&p.child_id, c.on))),
                        ("cease_reason", c.value.code().to_string()),
                    ];
                    keys.extend(self.school(&p.child_id, c.on));
                    keys
                })
            }
            MeasureId::PlansInMainstreamPct => share_in(&["mainstream", "resource_base"]),
            MeasureId::PlansInIndependentSpecialPct => share_in(&["special_independent", "nmss"]),
            MeasureId::PlansEotasPct => share_in(&["eotas_s61", "eotas_s19"]),
            MeasureId::PlansEhePct => share_in(&["ehe"]),
            MeasureId::PlansNeet16To25Pct => share(
                active.iter().copied().filter(|p| (16..=25).contains(&self.age(&p.child_id, d))).collect(),
                |p| self.setting(&p.child_id, d) == "neet",
                none,
            ),
            MeasureId::ReviewsCompleted => {
                count(reviews_done.clone(), |r| vec![("decision", r.decision.unwrap().value.code().to_string())])
            }
            MeasureId::ReviewsCompletedOnTimePct => share(reviews_done.clone(), |r| self.review_on_time(r), none),
            MeasureId::ReviewsOverdue => count(
                active.iter().map(|p| (p, self.review_state(p, d))).filter(|(_, (_, overdue))| *overdue).collect(),
                |(p, (state, _))| {
                    let mut keys = vec![("state", state.to_string())];
                    keys.extend(self.holder_keys(self.plan_holder(p)));
                    keys.extend(self.school(&p.child_id, d));
                    keys
                },
            ),
            MeasureId::ReviewsDecisionAvgWeeks => mean(
                reviews_done.clone(),
                |r| days_between(r.meeting_on.unwrap(), r.decision.unwrap().on) as f64 / 7.0,
                none,
            ),
            MeasureId::PhaseTransfersFinalisedPct => {
                let ay_year = if d.month() >= 9 { d.year() } else { d.year() - 1 };
                let ay_start = date(ay_year, 9, 1);
                let school_deadline = date(ay_year + 1, 2, 14);
                let post16_deadline = date(ay_year + 1, 3, 30);
                share(
                    cw.reviews
                        .iter()
                        .filter(|r| r.phase_transfer.is_some() && r.meeting_on.is_some_and(|x| x >= ay_start && x <= d))
                        .collect(),
                    |r| {
                        let deadline = if r.phase_transfer == Some(PhaseTransfer::School) {
                            school_deadline
                        } else {
                            post16_deadline
                        };
                        let finalised = match r.decision {
                            Some(x) if x.value == ReviewDecision::Amend => r.amended_on,
                            Some(x) => Some(x.on),
                            None => None,
                        };
                        finalised.is_some_and(|f| f <= deadline && f <= d)
                    },
                    none,
                )
            }
            MeasureId::MediationsYtd => {
                count(disputes(DisputeKind::Mediation).filter(|x| x.opened_on.is_some_and(ytd)).collect(), none)
            }
            MeasureId::AppealsRegisteredYtd => {
                count(disputes(DisputeKind::Appeal).filter(|x| x.opened_on.is_some_and(ytd)).collect(), none)
            }
            MeasureId::AppealsLostPctYtd => share(
                closed_appeals.clone(),
                |x| matches!(x.outcome.unwrap().value, DisputeOutcome::Conceded | DisputeOutcome::ParentFavour),
                none,
            ),
            MeasureId::AppealsWonPctYtd => share(
                closed_appeals.clone(),
                |x| matches!(x.outcome.unwrap().value, DisputeOutcome::LaFavour | DisputeOutcome::Withdrawn),
                none,
            ),
            MeasureId::MediationsFollowedByAppealPctYtd => share(
                disputes(DisputeKind::Mediation).filter(|x| x.opened_on.is_some_and(ytd)).collect(),
                |med| {
                    disputes(DisputeKind::Appeal).any(|ap| {
                        ap.child_id == med.child_id
                            && ap.opened_on >= med.opened_on
                            && ap.opened_on.is_some_and(|o| o <= d)
                    })
                },
                none,
            ),
            MeasureId::Complaints => count(
                cw.feedback.iter().filter(|f| f.kind == FeedbackKind::Complaint && in_month(f.received_on)).collect(),
                none,
            ),
            MeasureId::ComplaintsCommunicationPct => share(
                cw.feedback
                    .iter()
                    .filter(|f| f.kind == FeedbackKind::Complaint && in_month(f.received_on) && f.subject.is_some())
                    .collect(),
                |f| f.subject == Some(ComplaintSubject::Communication),
                none,
            ),
            MeasureId::FamiliesOwedUpdate => count(
                open.iter()
                    .filter(|r| {
                        let family = |id: &str| {
                            cw.contacts.iter().any(|c| {
                                c.contact_id == id
                                    && matches!(
                                        c.role,
                                        ContactRole::Parent | ContactRole::Carer | ContactRole::YoungPerson
                                    )
                            })
                        };
                        let last = cw
                            .case_log
                            .iter()
                            .filter(|e| {
                                e.child_id == r.child_id
                                    && (e.direction == Some(Direction::Out)
                                        || e.kind == sendtrack_domain::codes::ContactKind::Portal)
                            })
                            .filter(|e| e.contact_id.as_deref().is_some_and(family))
                            .map(|e| e.on)
                            .filter(|on| *on <= d && *on >= r.received_on)
                            .max()
                            .unwrap_or(r.received_on);
                        let own = cw.promises.iter().find(|p| p.child_id.as_ref() == Some(&r.child_id));
                        let standard = cw.promises.iter().find(|p| p.child_id.is_none());
                        let promise = own.or(standard).map_or(20, |p| p.working_days);
                        d > sendtrack_domain::working_days::add_working_days(last, promise)
                    })
                    .collect(),
                |r| self.holder_keys(r.caseworker.as_deref().map(str::to_string)),
            ),
            MeasureId::ConsultationsOverdue => count(
                cw.consultations
                    .iter()
                    .filter(|c| {
                        c.sent_on <= d && c.responded_on.is_none_or(|r| r > d) && days_between(c.sent_on, d) + 1 > 15
                    })
                    .collect(),
                |c| {
                    let name = cw.organisations.iter().find(|o| o.organisation_id == c.organisation_id);
                    vec![("provider", name.map_or("unknown".to_string(), |o| o.name.clone()))]
                },
            ),
            MeasureId::ConsultationsMedianDaysToAnswer => {
                let answered: Vec<&Consultation> =
                    cw.consultations.iter().filter(|c| c.responded_on.is_some_and(in_month)).collect();
                let days = |c: &&Consultation| (days_between(c.sent_on, c.responded_on.unwrap()) + 1) as f64;
                let name = |c: &&Consultation| {
                    cw.organisations
                        .iter()
                        .find(|o| o.organisation_id == c.organisation_id)
                        .map_or("unknown".to_string(), |o| o.name.clone())
                };
                median_of(answered, days, |c| vec![("provider", name(c))])
            }
            MeasureId::AdviceMedianDaysToSubmit => {
                let received: Vec<&Advice> = cw.advice.iter().filter(|a| a.received_on.is_some_and(in_month)).collect();
                median_of(
                    received,
                    |a| days_between(a.requested_on, a.received_on.unwrap()) as f64,
                    |a| {
                        let organisation = a
                            .organisation_id
                            .as_ref()
                            .and_then(|o| cw.organisations.iter().find(|x| &x.organisation_id == o))
                            .map(|o| o.name.clone());
                        vec![
                            ("kind", a.kind.code().to_string()),
                            ("provider", organisation.or(a.provider.clone()).unwrap_or("unknown".into())),
                        ]
                    },
                )
            }
            MeasureId::PlansAudited => count(
                cw.quality_audits
                    .iter()
                    .filter(|a| a.subject == AuditSubject::Plan && in_month(a.audited_on))
                    .collect(),
                |a| vec![("team", self.audit_team(a))],
            ),
            MeasureId::AuditsMeetingStandardPct => share(
                cw.quality_audits.iter().filter(|a| in_month(a.audited_on)).collect(),
                |a| {
                    let grade = match a.moderated_on {
                        Some(on) if on <= d => a.moderated_grade.unwrap(),
                        _ => a.grade,
                    };
                    matches!(grade, AuditGrade::Good | AuditGrade::Outstanding)
                },
                |a| vec![("team", self.audit_team(a))],
            ),
            MeasureId::AuditsModeratedAgreementPct => share(
                cw.quality_audits.iter().filter(|a| a.moderated_on.is_some_and(in_month)).collect(),
                |a| a.moderated_grade == Some(a.grade),
                |a| vec![("team", self.audit_team(a))],
            ),
            MeasureId::PlansInCare => count(
                active.iter().copied().filter(|p| self.flagged(&p.child_id, CohortFlagKind::InCare, d)).collect(),
                |p| vec![("age_band", band(self.age(&p.child_id, d)))],
            ),
            MeasureId::PlansInCareHealthAssessmentOverduePct => share(
                active.iter().copied().filter(|p| self.flagged(&p.child_id, CohortFlagKind::InCare, d)).collect(),
                |p| self.flagged(&p.child_id, CohortFlagKind::HealthAssessmentOverdue, d),
                none,
            ),
            MeasureId::PlansChildProtection => count(
                active
                    .iter()
                    .copied()
                    .filter(|p| self.flagged(&p.child_id, CohortFlagKind::ChildProtection, d))
                    .collect(),
                |p| vec![("age_band", band(self.age(&p.child_id, d)))],
            ),
            MeasureId::PlansNeet16To18FlaggedPct => share(
                active.iter().copied().filter(|p| (16..=18).contains(&self.age(&p.child_id, d))).collect(),
                |p| self.flagged(&p.child_id, CohortFlagKind::Neet, d),
                none,
            ),
            MeasureId::PlansApprenticeship16To25Pct => share(
                active.iter().copied().filter(|p| (16..=25).contains(&self.age(&p.child_id, d))).collect(),
                |p| self.flagged(&p.child_id, CohortFlagKind::Apprenticeship, d),
                none,
            ),
            MeasureId::Compliments => count(
                cw.feedback.iter().filter(|f| f.kind == FeedbackKind::Compliment && in_month(f.received_on)).collect(),
                none,
            ),
            MeasureId::PlacementAvgAnnualCost => {
                mean(costed.clone(), cost, |s| vec![("setting", s.setting.code().to_string())])
            }
            MeasureId::IndependentSpendSharePct => {
                let all: f64 = costed.iter().map(cost).sum();
                let independent: f64 = costed
                    .iter()
                    .filter(|s| matches!(s.setting, Setting::SpecialIndependent | Setting::NonMaintainedSpecial))
                    .map(cost)
                    .sum();
                Answer { headline: div(independent * 100.0, all), ..Answer::default() }
            }
        }
    }
}

fn close(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(x), Some(y)) => (x - y).abs() <= 1e-9 * x.abs().max(1.0),
        _ => false,
    }
}

/// Compares engine and oracle for every measure, month and breakdown; returns how many
/// values were compared.
fn compare(cw: &Casework, months: impl Iterator<Item = Month> + Clone) -> usize {
    let engine = Engine::new(cw);
    let oracle = Oracle { cw };
    let mut compared = 0;
    for measure in CATALOGUE {
        for m in months.clone() {
            let got = engine.value(measure, m);
            let want = oracle.answer(measure.measure, m);
            assert!(
                close(got.headline, want.headline),
                "{} {m}: engine {:?}, oracle {:?}",
                measure.id,
                got.headline,
                want.headline
            );
            let got_keys: BTreeMap<(String, String), Option<f64>> =
                got.breakdowns.iter().map(|(d, k, v)| ((d.code().to_string(), k.clone()), *v)).collect();
            assert_eq!(
                got_keys.keys().collect::<Vec<_>>(),
                want.breakdowns.keys().collect::<Vec<_>>(),
                "{} {m}: breakdown keys differ",
                measure.id
            );
            for (k, v) in &want.breakdowns {
                assert!(close(got_keys[k], *v), "{} {m} {k:?}: engine {:?}, oracle {v:?}", measure.id, got_keys[k]);
            }
            compared += 1 + want.breakdowns.len();
        }
    }
    compared
}

/// Records placed on the boundaries the catalogue names, added to a small authority.
fn boundary_cases() -> Casework {
    let mut cw = generate(&DemoOptions { children: 60, seed: 99, as_at: date(2025, 6, 30) });
    // Population only for 2022: later years fall back to it, earlier ones have none.
    cw.population.retain(|p| p.year == 2022);
    let leap_child = Child {
        forename: "Leap".into(),
        surname: "Day".into(),
        ..sendtrack_domain::testing::child("LEAP", date(2012, 2, 29))
    };
    cw.children.push_back(leap_child);
    let base = Request {
        source: Some(RequestSource::YoungPerson),
        ..sendtrack_domain::testing::request("", "LEAP", date(2024, 1, 19))
    };
    let mut add = |id: &str,
                   received: Date,
                   decision: Option<(AssessmentDecision, i64)>,
                   outcome: Option<(AssessmentOutcome, i64)>,
                   exception| {
        cw.requests.push_back(Request {
            request_id: id.into(),
            received_on: received,
            decision: decision.map(|(v, d)| Dated::new(v, add_days(received, d))),
            outcome: outcome.map(|(v, d)| Dated::new(v, add_days(received, d))),
            exception,
            ..base.clone()
        });
    };
    use AssessmentDecision::{Assess, Refuse};
    use AssessmentOutcome::NoPlan;
    let plan = AssessmentOutcome::Plan;
    // Decisions on day 42 and 43; a month-end falling on day 42 of an undecided request.
    add("B42", date(2024, 1, 19), Some((Assess, 42)), None, None);
    add("B43", date(2024, 1, 18), Some((Refuse, 43)), None, None);
    add("BOPEN42", date(2024, 1, 18), None, None, None); // 29 Feb 2024 is day 42
    // Plans on day 140 and 141, no-plan on day 112 and 113, an exception case, withdrawals.
    add("B140", date(2023, 11, 1), Some((Assess, 30)), Some((plan, 140)), None);
    add("B141", date(2023, 11, 1), Some((Assess, 30)), Some((plan, 141)), None);
    add("B112", date(2023, 11, 2), Some((Assess, 30)), Some((NoPlan, 112)), None);
    add("B113", date(2023, 11, 2), Some((Assess, 30)), Some((NoPlan, 113)), None);
    add("BEXC", date(2023, 11, 3), Some((Assess, 30)), Some((plan, 200)), Some(TimeLimitException::AbsentFromArea));
    add("BWD1", date(2023, 11, 3), Some((AssessmentDecision::Withdrawn, 10)), None, None);
    add("BWD2", date(2023, 11, 3), Some((Assess, 20)), Some((AssessmentOutcome::Withdrawn, 90)), None);
    // Open requests reaching day 210 and day 364 exactly at a month end.
    add("B210", add_days(date(2024, 7, 31), -210), Some((Assess, 20)), None, None);
    add("B364", add_days(date(2024, 12, 31), -364), Some((Assess, 20)), None, None);
    // A request whose source is not known (as a SEN2 import leaves it): `unknown` in the breakdown.
    cw.requests.push_back(Request {
        request_id: "BNOSRC".into(),
        received_on: date(2024, 2, 5),
        source: None,
        ..base.clone()
    });
    // Disputes: dated ones count in their months; ones known only from a SEN2 flag (no date)
    // count in none, and an undated appeal follows no mediation.
    for (id, kind, opened_on, request_id) in [
        ("DMED", DisputeKind::Mediation, Some(date(2024, 3, 1)), None),
        ("DAPP", DisputeKind::Appeal, Some(date(2024, 4, 1)), None),
        ("DMEDX", DisputeKind::Mediation, None, Some("B43")),
        ("DAPPX", DisputeKind::Appeal, None, Some("B43")),
    ] {
        cw.disputes.push_back(Dispute {
            dispute_id: id.into(),
            child_id: "LEAP".into(),
            kind,
            request_id: request_id.map(str::to_string).map(Into::into),
            opened_on,
            outcome: None,
        });
    }
    // A plan without a request, issued on 29 February, never reviewed; and one ceasing.
    cw.plans.push_back(Plan {
        transferred_from: Some("879".into()),
        ..sendtrack_domain::testing::plan("BPLAN", "LEAP", date(2024, 2, 29))
    });
    cw.advice.push_back(Advice {
        advice_id: "BA42".into(),
        request_id: "B42".into(),
        kind: AdviceKind::Other,
        provider: None,
        requested_on: date(2024, 3, 1),
        received_on: Some(date(2024, 4, 12)), // day 42
        organisation_id: None,
    });
    cw.reviews.push_back(Review {
        review_id: "BREV".into(),
        plan_id: "BPLAN".into(),
        meeting_on: Some(date(2025, 2, 28)), // the last day of the period starting 29 February 2024
        decision: Some(Dated::new(ReviewDecision::Amend, date(2025, 3, 28))),
        amended_on: None,
        phase_transfer: Some(PhaseTransfer::Post16),
    });
    // The workforce: a leaver whose last day is a month end (31 March 2024) holding the
    // plan without a request; a part-timer on an agency contract holding request B42; a post
    // half filled, another funded only until the leaver's last day.
    let fte = |t: &str| sendtrack_domain::identifiers::Fte::parse(t).unwrap();
    let member = |id: &str, role, contract, f: &str, post: &str, started, ended| StaffMember {
        staff_id: id.into(),
        name: format!("Person {id}"),
        email: None,
        role,
        team: (id != "BS3").then(|| "Pod A".to_string()),
        fte: fte(f),
        contract,
        post_id: Some(post.into()),
        started_on: started,
        ended_on: ended,
    };
    cw.posts.extend(vec![
        Post {
            post_id: "BP1".into(),
            role: StaffRole::Caseworker,
            team: None,
            fte: fte("1.00"),
            funded_from: date(2023, 1, 1),
            funded_to: Some(date(2024, 3, 31)),
        },
        Post {
            post_id: "BP2".into(),
            role: StaffRole::Caseworker,
            team: Some("Pod A".into()),
            fte: fte("1"),
            funded_from: date(2024, 4, 1),
            funded_to: None,
        },
    ]);
    cw.staff.extend(vec![
        member(
            "BS1",
            StaffRole::Caseworker,
            Contract::Permanent,
            "1.0",
            "BP1",
            date(2023, 1, 1),
            Some(date(2024, 3, 31)),
        ),
        member("BS2", StaffRole::SeniorCaseworker, Contract::Agency, "0.5", "BP2", date(2024, 3, 1), None),
        member("BS3", StaffRole::TeamManager, Contract::Interim, "0.01", "BP2", date(2024, 4, 30), None),
    ]);
    if let Some(i) = cw.plans.iter().position(|p| p.plan_id == "BPLAN") {
        cw.plans[i].caseworker = Some("BS1".into());
    }
    if let Some(i) = cw.requests.iter().position(|r| r.request_id == "B42") {
        cw.requests[i].caseworker = Some("BS2".into());
    }
    cw
}

#[test]
fn the_engine_agrees_with_the_oracle_on_generated_authorities() {
    for (children, seed) in [(400, 1), (300, 2)] {
        let as_at = date(2026, 11, 30);
        let cw = generate(&DemoOptions { children, seed, as_at });
        let months = Month::new(2020, 12).unwrap().through(Month::containing(as_at));
        let compared = compare(&cw, months);
        assert!(compared > 5_000, "only {compared} values compared");
    }
}

#[test]
fn the_engine_agrees_with_the_oracle_on_the_boundary_cases() {
    let cw = boundary_cases();
    let problems = sendtrack_domain::validation::validate(&cw, date(2025, 6, 30), &sendtrack_domain::measures::ids());
    assert!(problems.is_empty(), "{problems:?}");
    compare(&cw, Month::new(2021, 1).unwrap().through(Month::new(2025, 6).unwrap()));
}

#[test]
fn the_oracle_is_not_trivially_agreeable() {
    // A deliberately wrong engine value must be caught: shift one decision by a day.
    let cw = boundary_cases();
    let mut changed = cw.clone();
    let r = changed.requests.iter_mut().find(|r| r.request_id == "B42").unwrap();
    r.decision = Some(Dated::new(AssessmentDecision::Assess, add_days(r.received_on, 43)));
    // Received 19 January 2024: day 42 is 1 March.
    let march = Month::new(2024, 3).unwrap();
    let m = find("decisions_within_6_weeks_pct").unwrap();
    let engine_on_changed = Engine::new(&changed).value(m, march).headline;
    let oracle_on_original = Oracle { cw: &cw }.answer(m.measure, march).headline;
    assert!(engine_on_changed.is_some());
    assert!(!close(engine_on_changed, oracle_on_original), "{engine_on_changed:?} {oracle_on_original:?}");
}
