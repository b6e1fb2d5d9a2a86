//! Loading one SEN2 return on top of what sendtrack already holds (earlier years' returns, or
//! casework recorded in sendtrack). A return's table ids are its own: the same child has other
//! ids in next year's export, and another export's "P1" is somebody else. So each imported
//! record is matched to a record already held by what identifies it in the service:
//!
//! - a child by UPN, else by ULN, else by forename, surname and date of birth together (unless
//!   the two hold different UPNs or ULNs);
//! - a request by its child and the date it was received;
//! - a plan by its child and the date it was issued;
//! - a placement by its child, start date, rank and URN (or UKPRN);
//! - a review by its plan and meeting date (or, with no meeting, its decision date);
//! - a named setting by its plan, URN (else UKPRN, else type of setting) and rank, while it is
//!   still named on the census day: a setting a held plan names anew is taken as named from the
//!   return's census day (or the plan's last day in force, if earlier), and the settings the plan
//!   named before, which the return no longer names, end the day before;
//! - a dispute from a flag by its request and kind.
//!
//! A matched record keeps the id it has, and takes the return's values except where the return
//! says nothing: an import never blanks what sendtrack knows (a caseworker, a request's source,
//! a dispute's date, a placement's cost). An unmatched record whose id is already used by a
//! different record is given the return's year as a prefix, so nothing is overwritten by
//! accident.

use sendtrack_domain::codes::DisputeKind;
use sendtrack_domain::records::*;
use std::collections::{HashMap, HashSet};

/// How many imported records were matched to records already held, by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Matched {
    pub children: usize,
    pub requests: usize,
    pub plans: usize,
    pub placements: usize,
    pub reviews: usize,
    pub named_settings: usize,
    pub disputes: usize,
    /// Unmatched records given a new id because theirs was already used by another record.
    pub renamed: usize,
}

fn key(text: &str) -> String {
    text.trim().to_lowercase()
}

/// Keeps `held`'s value where the return left the field empty.
fn keep<T: Clone>(new: &mut Option<T>, held: &Option<T>) {
    if new.is_none() {
        new.clone_from(held);
    }
}

/// Gives each imported record its id: the held record's it matches, its own when that is free,
/// or a new one with the return's year as a prefix; counts the new ones.
struct Ids<'a> {
    prefix: &'a str,
    renamed: usize,
}

impl Ids<'_> {
    /// The id an imported record gets: the held record's, or its own when that is free.
    fn assign(&mut self, own: &str, matched: Option<&str>, taken: &HashSet<&str>) -> String {
        if let Some(id) = matched {
            return id.to_string();
        }
        if !taken.contains(own) {
            return own.to_string();
        }
        self.renamed += 1;
        let mut candidate = format!("{}-{own}", self.prefix);
        let mut n = 2;
        while taken.contains(candidate.as_str()) {
            candidate = format!("{}-{own}-{n}", self.prefix);
            n += 1;
        }
        candidate
    }
}

/// Finds the held child a person is: by UPN, else by ULN, else by forename, surname and date
/// of birth together (unless the two hold different UPNs or ULNs). A UPN, ULN or name and date
/// of birth that two held children share identifies neither: it is not used (never guessed).
/// The SEN2 import and the cohort flags' import (issue 22) match people by it.
pub struct ChildFinder<'h> {
    held: &'h Casework,
    by_upn: HashMap<String, Option<usize>>,
    by_uln: HashMap<String, Option<usize>>,
    by_name: HashMap<(String, String, jiff::civil::Date), Option<usize>>,
}

impl<'h> ChildFinder<'h> {
    pub fn new(held: &'h Casework) -> ChildFinder<'h> {
        fn index<K: std::hash::Hash + Eq>(keys: impl Iterator<Item = (K, usize)>) -> HashMap<K, Option<usize>> {
            let mut found: HashMap<K, Option<usize>> = HashMap::new();
            for (k, i) in keys {
                found.entry(k).and_modify(|v| *v = None).or_insert(Some(i));
            }
            found
        }
        let children = || held.children.iter().enumerate();
        ChildFinder {
            held,
            by_upn: index(children().filter_map(|(i, c)| Some((key(c.upn.as_ref()?), i)))),
            by_uln: index(children().filter_map(|(i, c)| Some((key(c.uln.as_ref()?), i)))),
            by_name: index(children().map(|(i, c)| ((key(&c.forename), key(&c.surname), c.date_of_birth), i))),
        }
    }

    /// The held child this person is, if one is found.
    pub fn find(
        &self,
        upn: Option<&str>,
        uln: Option<&str>,
        forename: &str,
        surname: &str,
        date_of_birth: jiff::civil::Date,
    ) -> Option<&'h Child> {
        let held = self.held;
        upn.and_then(|u| self.by_upn.get(&key(u)).copied().flatten())
            .or_else(|| uln.and_then(|u| self.by_uln.get(&key(u)).copied().flatten()))
            .or_else(|| {
                // By name and date of birth only when no identifier says they are different
                // people: a held child with another UPN or ULN is somebody else.
                let i = self.by_name.get(&(key(forename), key(surname), date_of_birth)).copied().flatten()?;
                let h = &held.children[i];
                let differs = |a: Option<&str>, b: Option<&str>| a.zip(b).is_some_and(|(a, b)| key(a) != key(b));
                (!differs(upn, h.upn.as_deref()) && !differs(uln, h.uln.as_deref())).then_some(i)
            })
            .map(|i| &held.children[i])
    }
}

/// Matches `imported` (records read from a return for collection `year`) to `held`, returning
/// the records to save and what was matched. Pure: reads both, writes neither.
pub fn match_to_held(held: &Casework, imported: &Casework, year: Option<i16>) -> (Casework, Matched) {
    let prefix = year.map_or_else(|| "sen2".to_string(), |y| format!("sen2-{y}"));
    let mut ids = Ids { prefix: &prefix, renamed: 0 };
    let mut matched = Matched::default();
    let mut out = imported.clone();

    // Children.
    let finder = ChildFinder::new(held);
    let taken: HashSet<&str> = held.children.iter().map(|c| c.child_id.as_str()).collect();
    let mut child_ids: HashMap<String, String> = HashMap::new();
    for c in &mut out.children {
        let found = finder.find(c.upn.as_deref(), c.uln.as_deref(), &c.forename, &c.surname, c.date_of_birth);
        let id = ids.assign(&c.child_id, found.map(|h| h.child_id.as_str()), &taken);
        if let Some(h) = found {
            matched.children += 1;
            keep(&mut c.upn, &h.upn);
            keep(&mut c.sex, &h.sex);
            keep(&mut c.postcode, &h.postcode);
            keep(&mut c.primary_need, &h.primary_need);
            keep(&mut c.secondary_need, &h.secondary_need);
            keep(&mut c.uln, &h.uln);
            keep(&mut c.upn_unknown, &h.upn_unknown);
            keep(&mut c.ethnicity, &h.ethnicity);
        }
        child_ids.insert(std::mem::replace(&mut c.child_id, id.clone().into()).into_string(), id);
    }
    let child_of = |id: &str| child_ids.get(id).cloned().unwrap_or_else(|| id.to_string());

    // Requests.
    let held_requests: HashMap<(&str, jiff::civil::Date), &Request> =
        held.requests.iter().map(|r| ((r.child_id.as_str(), r.received_on), r)).collect();
    let taken: HashSet<&str> = held.requests.iter().map(|r| r.request_id.as_str()).collect();
    let mut request_ids: HashMap<String, String> = HashMap::new();
    for r in &mut out.requests {
        r.child_id = child_of(&r.child_id).into();
        let found = held_requests.get(&(r.child_id.as_str(), r.received_on)).copied();
        let id = ids.assign(&r.request_id, found.map(|h| h.request_id.as_str()), &taken);
        if let Some(h) = found {
            matched.requests += 1;
            keep(&mut r.source, &h.source);
            keep(&mut r.caseworker, &h.caseworker);
            keep(&mut r.decision, &h.decision);
            keep(&mut r.draft_issued_on, &h.draft_issued_on);
            keep(&mut r.outcome, &h.outcome);
            keep(&mut r.exception, &h.exception);
            keep(&mut r.in_youth_accommodation, &h.in_youth_accommodation);
        }
        request_ids.insert(std::mem::replace(&mut r.request_id, id.clone().into()).into_string(), id);
    }
    let request_of = |id: &str| request_ids.get(id).cloned().unwrap_or_else(|| id.to_string());

    // Plans.
    let held_plans: HashMap<(&str, jiff::civil::Date), &Plan> =
        held.plans.iter().map(|p| ((p.child_id.as_str(), p.issued_on), p)).collect();
    let taken: HashSet<&str> = held.plans.iter().map(|p| p.plan_id.as_str()).collect();
    let mut plan_ids: HashMap<String, String> = HashMap::new();
    for p in &mut out.plans {
        p.child_id = child_of(&p.child_id).into();
        p.request_id = p.request_id.as_deref().map(request_of).map(Into::into);
        let found = held_plans.get(&(p.child_id.as_str(), p.issued_on)).copied();
        let id = ids.assign(&p.plan_id, found.map(|h| h.plan_id.as_str()), &taken);
        if let Some(h) = found {
            matched.plans += 1;
            keep(&mut p.request_id, &h.request_id);
            keep(&mut p.ceased, &h.ceased);
            keep(&mut p.transferred_from, &h.transferred_from);
            keep(&mut p.personal_budget, &h.personal_budget);
        }
        plan_ids.insert(std::mem::replace(&mut p.plan_id, id.clone().into()).into_string(), id);
    }

    // Placements.
    let place = |p: &Placement| {
        (p.child_id.clone(), p.started_on, p.rank.map_or("1", |r| r.code()), p.urn.clone().or(p.ukprn.clone()))
    };
    let held_placements: HashMap<_, &Placement> = held.placements.iter().map(|p| (place(p), p)).collect();
    let taken: HashSet<&str> = held.placements.iter().map(|p| p.placement_id.as_str()).collect();
    for p in &mut out.placements {
        p.child_id = child_of(&p.child_id).into();
        let found = held_placements.get(&place(p)).copied();
        let id = ids.assign(&p.placement_id, found.map(|h| h.placement_id.as_str()), &taken);
        if let Some(h) = found {
            matched.placements += 1;
            keep(&mut p.establishment, &h.establishment);
            keep(&mut p.ended_on, &h.ended_on);
            keep(&mut p.annual_cost, &h.annual_cost);
            keep(&mut p.ukprn, &h.ukprn);
            keep(&mut p.rank, &h.rank);
            keep(&mut p.sen_unit, &h.sen_unit);
            keep(&mut p.resourced_provision, &h.resourced_provision);
        }
        p.placement_id = id.into();
    }

    // Reviews.
    let when = |v: &Review| (v.plan_id.clone(), v.meeting_on, v.meeting_on.map_or(v.decision.map(|d| d.on), |_| None));
    let held_reviews: HashMap<_, &Review> = held.reviews.iter().map(|v| (when(v), v)).collect();
    let taken: HashSet<&str> = held.reviews.iter().map(|v| v.review_id.as_str()).collect();
    for v in &mut out.reviews {
        v.plan_id = plan_ids.get(v.plan_id.as_str()).cloned().unwrap_or_else(|| v.plan_id.to_string()).into();
        let found = held_reviews.get(&when(v)).copied();
        let id = ids.assign(&v.review_id, found.map(|h| h.review_id.as_str()), &taken);
        if let Some(h) = found {
            matched.reviews += 1;
            keep(&mut v.decision, &h.decision);
            keep(&mut v.amended_on, &h.amended_on);
            keep(&mut v.phase_transfer, &h.phase_transfer);
        }
        v.review_id = id.into();
    }

    // Named settings.
    let census = year.and_then(sendtrack_domain::sen2::census_day);
    let setting_key = |n: &PlanSetting| {
        let at = n.urn.clone().or(n.ukprn.clone()).unwrap_or_else(|| n.setting.map_or("", |s| s.code()).to_string());
        (n.plan_id.to_string(), at, n.rank.map_or("1", |r| r.code()))
    };
    let mut held_named: HashMap<_, &PlanSetting> = HashMap::new();
    for n in &held.plan_settings {
        let entry = held_named.entry(setting_key(n)).or_insert(n);
        if n.named_on > entry.named_on {
            *entry = n;
        }
    }
    // Held plans that name settings already: a setting new to one of them is new since then.
    let held_plans: HashSet<&str> = held.plan_settings.iter().map(|n| n.plan_id.as_str()).collect();
    let taken: HashSet<&str> = held.plan_settings.iter().map(|n| n.plan_setting_id.as_str()).collect();
    // The day the return says each plan names its settings: the census day, or the plan's last
    // day in force when it ceased before.
    let named_day: HashMap<String, jiff::civil::Date> = match census {
        Some(c) => out
            .plans
            .iter()
            .map(|p| (p.plan_id.to_string(), p.last_day_in_force().map_or(c, |last| last.min(c))))
            .collect(),
        None => HashMap::new(),
    };
    let mut kept: HashSet<&str> = HashSet::new();
    // A setting the return names twice for the same plan is one setting.
    let mut in_return = HashSet::new();
    out.plan_settings.retain(|n| in_return.insert(setting_key(n)));
    // Plans the return names settings for, and the first day of a setting it names anew.
    let mut naming: HashMap<String, Option<jiff::civil::Date>> = HashMap::new();
    for n in &mut out.plan_settings {
        n.plan_id = plan_ids.get(n.plan_id.as_str()).cloned().unwrap_or_else(|| n.plan_id.to_string()).into();
        let day = named_day.get(n.plan_id.as_str()).copied();
        // A held setting matches once, and only while it is still named on that day: one that
        // ended before is named again from now, as a setting of its own.
        let found = held_named
            .get(&setting_key(n))
            .copied()
            .filter(|h| !kept.contains(h.plan_setting_id.as_str()))
            .filter(|h| h.ended_on.is_none_or(|e| day.is_none_or(|d| e >= d)));
        let id = ids.assign(&n.plan_setting_id, found.map(|h| h.plan_setting_id.as_str()), &taken);
        let first_new = naming.entry(n.plan_id.to_string()).or_insert(None);
        match found {
            Some(h) => {
                matched.named_settings += 1;
                kept.insert(h.plan_setting_id.as_str());
                n.named_on = h.named_on;
                n.ended_on = h.ended_on;
                // The same establishment: what sendtrack holds about its kind stands (the
                // return cannot tell resourced provision from its school, for one).
                if h.setting.is_some() {
                    n.setting = h.setting;
                }
                keep(&mut n.ukprn, &h.ukprn);
            }
            None if held_plans.contains(n.plan_id.as_str()) => {
                if let Some(day) = day.filter(|d| *d > n.named_on) {
                    n.named_on = day;
                }
                *first_new = Some(first_new.map_or(n.named_on, |f| f.min(n.named_on)));
            }
            None => {}
        }
        n.plan_setting_id = id.into();
    }
    // Of the plans the return names settings for, the held settings it no longer names, still
    // named then, end the day before the first it names instead (or the day before the return's
    // day). A setting named after that day (a later return already loaded) is left as it is.
    for h in &held.plan_settings {
        let Some(first_new) = naming.get(h.plan_id.as_str()) else { continue };
        let Some(&day) = named_day.get(h.plan_id.as_str()) else { continue };
        let end_before = first_new.unwrap_or(day).min(day);
        if kept.contains(h.plan_setting_id.as_str())
            || h.named_on >= end_before
            || h.ended_on.is_some_and(|e| e < end_before)
        {
            continue;
        }
        let mut ended = h.clone();
        ended.ended_on = Some(sendtrack_domain::dates::add_days(end_before, -1));
        out.plan_settings.push_back(ended);
    }

    // Disputes from flags: one of each kind per request.
    let held_disputes: HashMap<(&str, DisputeKind), &Dispute> =
        held.disputes.iter().filter_map(|d| Some(((d.request_id.as_deref()?, d.kind), d))).collect();
    let taken: HashSet<&str> = held.disputes.iter().map(|d| d.dispute_id.as_str()).collect();
    for d in &mut out.disputes {
        d.child_id = child_of(&d.child_id).into();
        d.request_id = d.request_id.as_deref().map(request_of).map(Into::into);
        let found = d.request_id.as_deref().and_then(|r| held_disputes.get(&(r, d.kind))).copied();
        let id = ids.assign(&d.dispute_id, found.map(|h| h.dispute_id.as_str()), &taken);
        if let Some(h) = found {
            matched.disputes += 1;
            keep(&mut d.opened_on, &h.opened_on);
            keep(&mut d.outcome, &h.outcome);
        }
        d.dispute_id = id.into();
    }
    matched.renamed = ids.renamed;
    (out, matched)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use sendtrack_domain::codes::*;

    fn child(id: &str, upn: Option<&str>, forename: &str) -> Child {
        Child {
            upn: upn.map(str::to_string),
            forename: forename.into(),
            ..sendtrack_domain::testing::child(id, date(2015, 3, 1))
        }
    }

    fn request(id: &str, child: &str) -> Request {
        sendtrack_domain::testing::request(id, child, date(2025, 2, 3))
    }

    #[test]
    fn a_child_known_by_upn_keeps_its_id_and_what_the_return_does_not_say() {
        let mut held = Casework::default();
        held.children
            .push_back(Child { postcode: Some("EX1 1AA".into()), ..child("C-77", Some("A123456789012"), "Alex") });
        held.requests.push_back(Request {
            source: Some(RequestSource::School),
            caseworker: Some("cw001".into()),
            ..request("R-9", "C-77")
        });
        held.disputes.push_back(Dispute {
            dispute_id: "D-1".into(),
            child_id: "C-77".into(),
            kind: DisputeKind::Appeal,
            request_id: Some("R-9".into()),
            opened_on: Some(date(2025, 6, 1)),
            outcome: None,
        });
        let mut imported = Casework::default();
        // The return spells the name differently: the UPN decides.
        imported.children.push_back(child("P1", Some("a123456789012"), "Alexander"));
        imported.requests.push_back(Request {
            decision: Some(Dated::new(AssessmentDecision::Assess, date(2025, 3, 10))),
            ..request("R1", "P1")
        });
        imported.disputes.push_back(Dispute {
            dispute_id: "R1-assessmenttribunal".into(),
            child_id: "P1".into(),
            kind: DisputeKind::Appeal,
            request_id: Some("R1".into()),
            opened_on: None,
            outcome: None,
        });
        let (out, matched) = match_to_held(&held, &imported, Some(2026));
        assert_eq!((matched.children, matched.requests, matched.disputes, matched.renamed), (1, 1, 1, 0));
        let c = &out.children[0];
        assert_eq!((c.child_id.as_str(), c.forename.as_str()), ("C-77", "Alexander"), "the return's values win");
        assert_eq!(c.postcode.as_deref(), Some("EX1 1AA"), "a blank in the return does not blank what is held");
        let r = &out.requests[0];
        assert_eq!((r.request_id.as_str(), r.child_id.as_str()), ("R-9", "C-77"));
        assert_eq!((r.source, r.caseworker.as_deref()), (Some(RequestSource::School), Some("cw001")));
        assert_eq!(r.decision.map(|d| d.on), Some(date(2025, 3, 10)), "the return adds the decision");
        let d = &out.disputes[0];
        assert_eq!(
            (d.dispute_id.as_str(), d.request_id.as_deref(), d.opened_on),
            ("D-1", Some("R-9"), Some(date(2025, 6, 1)))
        );
        let merged = held.updated_with(&out);
        assert_eq!((merged.children.len(), merged.requests.len(), merged.disputes.len()), (1, 1, 1));
    }

    /// Alex (one UPN) and their plan of 1 March 2023, under the ids a database or a return gives.
    fn alex_with_a_plan(child_id: &str, plan_id: &str) -> Casework {
        let mut cw = Casework::default();
        cw.children.push_back(child(child_id, Some("A123456789012"), "Alex"));
        cw.plans.push_back(sendtrack_domain::testing::plan(plan_id, child_id, date(2023, 3, 1)));
        cw
    }

    fn named(id: &str, plan: &str, urn: &str, on: jiff::civil::Date) -> PlanSetting {
        PlanSetting {
            plan_setting_id: id.into(),
            plan_id: plan.into(),
            urn: Some(urn.into()),
            setting: Some(Setting::Mainstream),
            named_on: on,
            ended_on: None,
            ukprn: None,
            rank: None,
        }
    }

    #[test]
    fn a_setting_named_anew_is_named_from_the_census_day_and_ends_the_one_before() {
        let mut held = alex_with_a_plan("C-1", "P-1");
        held.plan_settings.push_back(named("N-1", "P-1", "100001", date(2023, 3, 1)));
        held.plan_settings.push_back(named("N-2", "P-1", "100002", date(2024, 9, 1)));
        let mut imported = alex_with_a_plan("X1", "XP1");
        // The 2026 return names the secondary school held since 2024 and a special school.
        imported.plan_settings.push_back(named("XN1", "XP1", "100002", date(2023, 3, 1)));
        imported.plan_settings.push_back(named("XN2", "XP1", "100003", date(2023, 3, 1)));
        let (out, matched) = match_to_held(&held, &imported, Some(2026));
        assert_eq!(matched.named_settings, 1);
        let by_id = |id: &str| out.plan_settings.iter().find(|n| n.plan_setting_id == id).unwrap().clone();
        assert_eq!((by_id("N-2").plan_id.as_str(), by_id("N-2").named_on), ("P-1", date(2024, 9, 1)), "held date kept");
        assert_eq!(by_id("XN2").named_on, date(2026, 1, 15), "new: named from the census day");
        assert_eq!(by_id("N-1").ended_on, Some(date(2026, 1, 14)), "no longer named: ends the day before");
        let merged = held.updated_with(&out);
        assert_eq!(merged.plan_settings.len(), 3);
        assert!(sendtrack_domain::validation::validate(&merged, date(2026, 11, 30), &[]).is_empty());
    }

    #[test]
    fn a_setting_no_longer_named_ends_and_an_older_return_leaves_a_later_naming_alone() {
        let mut held = alex_with_a_plan("C-1", "P-1");
        let mut dual = named("N-2", "P-1", "100002", date(2023, 3, 1));
        dual.rank = Some(PlacementRank::Dual);
        held.plan_settings.push_back(named("N-1", "P-1", "100001", date(2023, 3, 1)));
        held.plan_settings.push_back(dual);
        held.plan_settings.push_back(named("N-3", "P-1", "100003", date(2026, 1, 15)));
        let mut imported = alex_with_a_plan("X1", "XP1");
        // The 2025 return names the main school only, twice over (a COLLECT duplicate).
        imported.plan_settings.push_back(named("XN1", "XP1", "100001", date(2023, 3, 1)));
        imported.plan_settings.push_back(named("XN9", "XP1", "100001", date(2023, 3, 1)));
        let (out, matched) = match_to_held(&held, &imported, Some(2025));
        assert_eq!(matched.named_settings, 1, "a held setting matches once");
        let by_id = |id: &str| out.plan_settings.iter().find(|n| n.plan_setting_id == id).cloned();
        assert_eq!(by_id("N-2").and_then(|n| n.ended_on), Some(date(2025, 1, 15)), "the dual no longer named ends");
        assert!(by_id("N-3").is_none(), "named after this return's census day: left alone");
        assert!(by_id("XN9").is_none(), "the duplicate row is the same setting");
        let merged = held.updated_with(&out);
        assert_eq!(merged.plan_settings.len(), 3);
    }

    #[test]
    fn another_exports_id_for_somebody_else_is_not_overwritten() {
        let mut held = Casework::default();
        held.children.push_back(child("P1", None, "Alex"));
        held.requests.push_back(request("R1", "P1"));
        let mut imported = Casework::default();
        imported.children.push_back(child("P1", None, "Sam"));
        imported.requests.push_back(Request { received_on: date(2025, 5, 5), ..request("R1", "P1") });
        let (out, matched) = match_to_held(&held, &imported, Some(2026));
        assert_eq!((matched.children, matched.requests, matched.renamed), (0, 0, 2));
        assert_eq!(out.children[0].child_id, "sen2-2026-P1");
        assert_eq!(
            (out.requests[0].request_id.as_str(), out.requests[0].child_id.as_str()),
            ("sen2-2026-R1", "sen2-2026-P1")
        );
        let merged = held.updated_with(&out);
        assert_eq!(merged.children.len(), 2, "both children are kept");
    }

    #[test]
    fn a_upn_two_held_children_share_identifies_neither() {
        let mut held = Casework::default();
        held.children.push_back(child("C1", Some("A123456789012"), "Alex"));
        held.children.push_back(child("C2", Some("A123456789012"), "Sam"));
        let mut imported = Casework::default();
        imported.children.push_back(child("P1", Some("A123456789012"), "Sam"));
        let (out, matched) = match_to_held(&held, &imported, None);
        assert_eq!(matched.children, 1);
        assert_eq!(out.children[0].child_id, "C2", "matched by name and date of birth instead");
        imported.children[0].forename = "Jo".into();
        let (out, matched) = match_to_held(&held, &imported, None);
        assert_eq!((matched.children, out.children[0].child_id.as_str()), (0, "P1"), "not guessed");
    }

    #[test]
    fn the_same_name_and_date_of_birth_with_another_upn_is_somebody_else() {
        let mut held = Casework::default();
        held.children.push_back(child("C1", Some("A123456789012"), "Alex"));
        let mut imported = Casework::default();
        imported.children.push_back(child("P1", Some("B123456789012"), "Alex"));
        let (out, matched) = match_to_held(&held, &imported, None);
        assert_eq!((matched.children, out.children[0].child_id.as_str()), (0, "P1"));
        // Without a UPN on one side, the name and date of birth decide.
        imported.children[0].upn = None;
        let (out, matched) = match_to_held(&held, &imported, None);
        assert_eq!((matched.children, out.children[0].child_id.as_str()), (1, "C1"));
    }
}
