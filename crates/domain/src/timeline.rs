//! A child's statutory timeline: every request, decision, piece of advice, plan, review and
//! dispute in date order, each step with its due date under the statutory clock and a status
//! (on time, late by N days, due in N days, overdue by N days).

use crate::clock::{
    Meeting, RequestMilestones, RequestStatus, advice_due, amended_plan_due, decision_due, final_plan_due, meeting_due,
    no_plan_due, review_decision_due, review_status_at,
};
use crate::codes::{AssessmentDecision, AssessmentOutcome, ReviewDecision};
use crate::dates::days_between;
use crate::records::{Casework, Record, RecordFile, Records};
use jiff::civil::Date;
use std::collections::HashMap;

/// Where a step stands against its due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepStatus {
    /// Done on or before its due date.
    OnTime,
    /// Done after its due date, by this many days.
    Late(i64),
    /// Not done; due in this many days (0: due today).
    DueIn(i64),
    /// Not done and past its due date by this many days.
    Overdue(i64),
    /// Not done, but nobody waits for it any more (its request closed).
    NoLongerAwaited,
    /// An event with no statutory deadline.
    Recorded,
}

impl StepStatus {
    /// The status of a step due on `due`, done on `done` (if it was), as at `today`.
    pub fn of(due: Date, done: Option<Date>, today: Date) -> StepStatus {
        match done.filter(|d| *d <= today) {
            Some(d) if d <= due => StepStatus::OnTime,
            Some(d) => StepStatus::Late(days_between(due, d)),
            None if today <= due => StepStatus::DueIn(days_between(today, due)),
            None => StepStatus::Overdue(days_between(due, today)),
        }
    }

    /// The status in words, as the GOV.UK tag shows it.
    pub fn words(self) -> String {
        let days = crate::dates::days_in_words;
        match self {
            StepStatus::OnTime => "on time".into(),
            StepStatus::Late(n) => format!("late by {}", days(n)),
            StepStatus::DueIn(0) => "due today".into(),
            StepStatus::DueIn(n) => format!("due in {}", days(n)),
            StepStatus::Overdue(n) => format!("overdue by {}", days(n)),
            StepStatus::NoLongerAwaited => "no longer awaited".into(),
            StepStatus::Recorded => "recorded".into(),
        }
    }
}

/// One step of a child's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The date the step is placed at: when it happened, or when it is due.
    pub on: Date,
    /// What the step is, in words.
    pub what: String,
    /// The record it belongs to (request, advice, plan, review or dispute id).
    pub record: String,
    pub due: Option<Date>,
    pub done: Option<Date>,
    pub status: StepStatus,
}

/// The record types of a child: what [`ChildIndex::put`] puts in place. Any other means a
/// reload.
pub const CHILD_FILES: [RecordFile; 14] = [
    RecordFile::Children,
    RecordFile::Requests,
    RecordFile::Plans,
    RecordFile::Advice,
    RecordFile::Reviews,
    RecordFile::PlanSettings,
    RecordFile::Placements,
    RecordFile::Disputes,
    RecordFile::Feedback,
    RecordFile::CaseLog,
    RecordFile::Contacts,
    RecordFile::Promises,
    RecordFile::Consultations,
    RecordFile::Tasks,
];

/// Each child's records, found without scanning the whole caseload: built once per load of the
/// records, then every child's page is a few lookups. Its maps are persistent (like the
/// records): [`ChildIndex::put`] makes the next caseload and index from one changed record,
/// sharing the rest, so a save never rebuilds them.
#[derive(Debug, Default, Clone)]
pub struct ChildIndex {
    children: Groups<usize>,
    requests: Groups<Vec<usize>>,
    advice: Groups<Vec<usize>>,
    plans: Groups<Vec<usize>>,
    reviews: Groups<Vec<usize>>,
    /// Settings named in plans, by plan.
    plan_settings: Groups<Vec<usize>>,
    placements: Groups<Vec<usize>>,
    disputes: Groups<Vec<usize>>,
    feedback: Groups<Vec<usize>>,
    tasks: Groups<Vec<usize>>,
    case_log: Groups<Vec<usize>>,
    contacts: Groups<Vec<usize>>,
    /// Promises by child; the authority's standard under "".
    promises: Groups<Vec<usize>>,
    consultations: Groups<Vec<usize>>,
}

/// Positions of records, by the id of what they belong to.
type Groups<V> = imbl::HashMap<String, V>;

fn group<'a>(keys: impl Iterator<Item = &'a str>) -> Groups<Vec<usize>> {
    let mut map: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, k) in keys.enumerate() {
        map.entry(k).or_default().push(i);
    }
    map.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// Puts `record` into `records`, replacing the one with the same key, or appended; keeps
/// `groups` (positions by `owner`) right. The record with its key is looked for among its
/// owner's first, then (when a change moved it to another owner) everywhere, unless it was
/// `created` by the change, when no other can hold its key. Returns the record replaced.
fn put<T: Record>(
    records: &mut Records<T>,
    groups: &mut Groups<Vec<usize>>,
    owner: fn(&T) -> &str,
    record: T,
    created: bool,
) -> Option<T> {
    let key = record.key();
    let among_owners =
        groups.get(owner(&record)).and_then(|own| own.iter().copied().find(|&i| records[i].key() == key));
    // Looking everywhere is a walk over every record of the type: not for a record just created.
    let found = among_owners.or_else(|| if created { None } else { records.iter().position(|r| r.key() == key) });
    let to = owner(&record).to_string();
    match found {
        Some(i) => {
            let from = owner(&records[i]).to_string();
            if from != to {
                if let Some(list) = groups.get_mut(&from) {
                    list.retain(|&k| k != i);
                }
                groups.entry(to).or_default().push(i);
            }
            Some(records.set(i, record))
        }
        None => {
            groups.entry(to).or_default().push(records.len());
            records.push_back(record);
            None
        }
    }
}

/// What [`ChildIndex::put`] did.
#[derive(Debug)]
pub struct Put {
    /// The children whose records changed, in id order.
    pub children: Vec<String>,
    /// The requests replaced, as they were (a caseworker may no longer hold any).
    pub requests_replaced: Vec<crate::records::Request>,
    /// How far back in the measures the change reaches.
    pub reach: crate::measures::reach::Reach,
}

impl ChildIndex {
    pub fn new(cw: &Casework) -> ChildIndex {
        ChildIndex {
            children: cw.children.iter().enumerate().map(|(i, c)| (c.child_id.to_string(), i)).collect(),
            requests: group(cw.requests.iter().map(|r| r.child_id.as_str())),
            advice: group(cw.advice.iter().map(|a| a.request_id.as_str())),
            plans: group(cw.plans.iter().map(|p| p.child_id.as_str())),
            reviews: group(cw.reviews.iter().map(|r| r.plan_id.as_str())),
            plan_settings: group(cw.plan_settings.iter().map(|n| n.plan_id.as_str())),
            placements: group(cw.placements.iter().map(|p| p.child_id.as_str())),
            disputes: group(cw.disputes.iter().map(|d| d.child_id.as_str())),
            feedback: group(cw.feedback.iter().map(|f| f.child_id.as_deref().unwrap_or_default())),
            tasks: group(cw.tasks.iter().map(|t| t.child_id.as_str())),
            case_log: group(cw.case_log.iter().map(|e| e.child_id.as_str())),
            contacts: group(cw.contacts.iter().map(|c| c.child_id.as_str())),
            promises: group(cw.promises.iter().map(|p| p.child_id.as_deref().unwrap_or_default())),
            consultations: group(cw.consultations.iter().map(|c| c.child_id.as_str())),
        }
    }

    /// Puts every record of `update` into `cw` (replacing the record with the same id, or
    /// appended, as an import would) and keeps the index right, in time proportional to the
    /// records changed (and the owner's records), not to the caseload. Records of types no
    /// child owns (population, benchmarks, targets, staff, posts, the board paper's) are not
    /// put: the caller reloads for those.
    /// Returns what was put, or `None` when `update` holds such records.
    /// `created`: every record of `update` was created by the change (the store refused any
    /// whose key was taken), so none is looked for among the other owners' records.
    pub fn put(&mut self, cw: &mut Casework, update: &Casework, created: bool) -> Option<Put> {
        // Only the types of one child are put; any other (population, benchmarks, targets,
        // staff, posts, organisations, the board paper's, and any added later) means a reload:
        // a record silently left out of the records held would be a stale page.
        let counts = update.counts();
        let unkept = RecordFile::ALL.iter().filter(|f| !CHILD_FILES.contains(f)).any(|&f| counts.of(f) > 0);
        // The standard promise (no child) changes every child's next update.
        let standard = update.promises.iter().any(|p| p.child_id.is_none());
        if unkept || standard {
            return None;
        }
        // As they were, for the reach of the change (persistent maps: copies share everything).
        let (index_before, before) = (self.clone(), cw.clone());
        let mut touched: Vec<String> = Vec::new();
        for c in &update.children {
            match self.children.get(c.child_id.as_str()) {
                Some(&i) => drop(cw.children.set(i, c.clone())),
                None => {
                    self.children.insert(c.child_id.to_string(), cw.children.len());
                    cw.children.push_back(c.clone());
                }
            };
            touched.push(c.child_id.to_string());
        }
        let mut requests_replaced = Vec::new();
        for r in &update.requests {
            let before = put(&mut cw.requests, &mut self.requests, |r| r.child_id.as_str(), r.clone(), created);
            touched.extend(before.as_ref().map(|b| b.child_id.to_string()));
            touched.push(r.child_id.to_string());
            requests_replaced.extend(before);
        }
        for p in &update.plans {
            let before = put(&mut cw.plans, &mut self.plans, |p| p.child_id.as_str(), p.clone(), created);
            touched.extend(before.map(|b| b.child_id.to_string()));
            touched.push(p.child_id.to_string());
        }
        // Advice and reviews name their child through a request or plan: the child before the
        // change is touched as well as the child after it.
        for a in &update.advice {
            let before = put(&mut cw.advice, &mut self.advice, |a| a.request_id.as_str(), a.clone(), created);
            touched.extend(before.into_iter().chain([a.clone()]).filter_map(|a| a.child_id(cw)));
        }
        for v in &update.reviews {
            let before = put(&mut cw.reviews, &mut self.reviews, |v| v.plan_id.as_str(), v.clone(), created);
            touched.extend(before.into_iter().chain([v.clone()]).filter_map(|v| v.child_id(cw)));
        }
        for n in &update.plan_settings {
            let before =
                put(&mut cw.plan_settings, &mut self.plan_settings, |n| n.plan_id.as_str(), n.clone(), created);
            touched.extend(before.into_iter().chain([n.clone()]).filter_map(|n| n.child_id(cw)));
        }
        for p in &update.placements {
            let before = put(&mut cw.placements, &mut self.placements, |p| p.child_id.as_str(), p.clone(), created);
            touched.extend(before.map(|b| b.child_id.to_string()));
            touched.push(p.child_id.to_string());
        }
        for d in &update.disputes {
            let before = put(&mut cw.disputes, &mut self.disputes, |d| d.child_id.as_str(), d.clone(), created);
            touched.extend(before.map(|b| b.child_id.to_string()));
            touched.push(d.child_id.to_string());
        }
        for f in &update.feedback {
            fn owner(f: &crate::records::Feedback) -> &str {
                f.child_id.as_deref().unwrap_or_default()
            }
            let before = put(&mut cw.feedback, &mut self.feedback, owner, f.clone(), created);
            touched.extend(before.into_iter().chain([f.clone()]).filter_map(|f| f.child_id.map(|c| c.to_string())));
        }
        for e in &update.case_log {
            let before = put(&mut cw.case_log, &mut self.case_log, |e| e.child_id.as_str(), e.clone(), created);
            touched.extend(before.map(|b| b.child_id.to_string()));
            touched.push(e.child_id.to_string());
        }
        for c in &update.contacts {
            let before = put(&mut cw.contacts, &mut self.contacts, |c| c.child_id.as_str(), c.clone(), created);
            touched.extend(before.map(|b| b.child_id.to_string()));
            touched.push(c.child_id.to_string());
        }
        for p in &update.promises {
            fn owner(p: &crate::records::Promise) -> &str {
                p.child_id.as_deref().unwrap_or_default()
            }
            let before = put(&mut cw.promises, &mut self.promises, owner, p.clone(), created);
            touched.extend(before.into_iter().chain([p.clone()]).filter_map(|p| p.child_id.map(|c| c.to_string())));
        }
        for c in &update.consultations {
            let before =
                put(&mut cw.consultations, &mut self.consultations, |c| c.child_id.as_str(), c.clone(), created);
            touched.extend(before.map(|b| b.child_id.to_string()));
            touched.push(c.child_id.to_string());
        }
        for t in &update.tasks {
            let before = put(&mut cw.tasks, &mut self.tasks, |t| t.child_id.as_str(), t.clone(), created);
            touched.extend(before.map(|b| b.child_id.to_string()));
            touched.push(t.child_id.to_string());
        }
        touched.sort();
        touched.dedup();
        let reach = crate::measures::reach::Reach::of_change(
            &index_before.own_of(&before, &touched),
            &self.own_of(cw, &touched),
            update,
        );
        Some(Put { children: touched, requests_replaced, reach })
    }

    /// The child with this id.
    pub fn child<'c>(&self, cw: &'c Casework, child_id: &str) -> Option<&'c crate::records::Child> {
        self.children.get(child_id).map(|&i| &cw.children[i])
    }

    /// The child's placements.
    pub fn placements<'c>(
        &self,
        cw: &'c Casework,
        child_id: &str,
    ) -> impl Iterator<Item = &'c crate::records::Placement> {
        self.placements.get(child_id).into_iter().flatten().map(|&i| &cw.placements[i])
    }

    /// The child's plans.
    pub fn plans<'c>(&self, cw: &'c Casework, child_id: &str) -> impl Iterator<Item = &'c crate::records::Plan> {
        self.plans.get(child_id).into_iter().flatten().map(|&i| &cw.plans[i])
    }

    /// Every step of the child's casework as at `today`, in date order.
    pub fn timeline(&self, cw: &Casework, child_id: &str, today: Date) -> Vec<Step> {
        child_timeline(&self.own(cw, child_id), child_id, today)
    }

    /// The records of all of `children`, as [`ChildIndex::own`] gives each one's.
    pub fn own_of(&self, cw: &Casework, children: &[String]) -> Casework {
        let mut all = Casework::default();
        for child in children {
            let own = self.own(cw, child);
            all.children.append(own.children);
            all.requests.append(own.requests);
            all.advice.append(own.advice);
            all.plans.append(own.plans);
            all.reviews.append(own.reviews);
            all.plan_settings.append(own.plan_settings);
            all.placements.append(own.placements);
            all.disputes.append(own.disputes);
            all.feedback.append(own.feedback);
            all.tasks.append(own.tasks);
            all.case_log.append(own.case_log);
            all.contacts.append(own.contacts);
            all.promises.extend(own.promises.into_iter().filter(|p| p.child_id.is_some()));
            all.consultations.append(own.consultations);
        }
        all.organisations = cw.organisations.clone();
        let standard = self.promises.get("").into_iter().flatten().map(|&i| cw.promises[i].clone());
        all.promises.extend(standard);
        all
    }

    /// A casework of just this child's records: the child, requests and their advice, plans
    /// and their reviews, placements and disputes.
    pub fn own(&self, cw: &Casework, child_id: &str) -> Casework {
        let pick = |map: &Groups<Vec<usize>>, key: &str| map.get(key).cloned().unwrap_or_default();
        let requests: Vec<_> = pick(&self.requests, child_id).into_iter().map(|i| cw.requests[i].clone()).collect();
        let advice =
            requests.iter().flat_map(|r| pick(&self.advice, &r.request_id)).map(|i| cw.advice[i].clone()).collect();
        let plans: Vec<_> = pick(&self.plans, child_id).into_iter().map(|i| cw.plans[i].clone()).collect();
        let reviews =
            plans.iter().flat_map(|p| pick(&self.reviews, &p.plan_id)).map(|i| cw.reviews[i].clone()).collect();
        let plan_settings = plans
            .iter()
            .flat_map(|p| pick(&self.plan_settings, &p.plan_id))
            .map(|i| cw.plan_settings[i].clone())
            .collect();
        let disputes = pick(&self.disputes, child_id).into_iter().map(|i| cw.disputes[i].clone()).collect();
        let placements = pick(&self.placements, child_id).into_iter().map(|i| cw.placements[i].clone()).collect();
        let children = self.child(cw, child_id).into_iter().cloned().collect();
        Casework {
            children,
            requests: requests.into(),
            advice,
            plans: plans.into(),
            reviews,
            plan_settings,
            disputes,
            placements,
            feedback: pick(&self.feedback, child_id).into_iter().map(|i| cw.feedback[i].clone()).collect(),
            tasks: pick(&self.tasks, child_id).into_iter().map(|i| cw.tasks[i].clone()).collect(),
            case_log: pick(&self.case_log, child_id).into_iter().map(|i| cw.case_log[i].clone()).collect(),
            contacts: pick(&self.contacts, child_id).into_iter().map(|i| cw.contacts[i].clone()).collect(),
            consultations: pick(&self.consultations, child_id)
                .into_iter()
                .map(|i| cw.consultations[i].clone())
                .collect(),
            // The organisations the child's advice and consultations name, and may name (few).
            organisations: cw.organisations.clone(),
            // The child's own promise and the authority's standard, which holds when they have none.
            promises: pick(&self.promises, child_id)
                .into_iter()
                .chain(pick(&self.promises, ""))
                .map(|i| cw.promises[i].clone())
                .collect(),
            ..Casework::default()
        }
    }
}

/// Every step of the child's casework as at `today`, in date order.
pub fn child_timeline(cw: &Casework, child_id: &str, today: Date) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut push = |on: Date, what: String, record: &str, due: Option<Date>, done: Option<Date>, status: StepStatus| {
        steps.push(Step { on, what, record: record.to_string(), due, done, status });
    };
    for r in cw.requests.iter().filter(|r| r.child_id == child_id && r.received_on <= today) {
        let id = &r.request_id;
        push(
            r.received_on,
            match r.source {
                Some(source) => {
                    format!("Request for an EHC needs assessment received (from {})", source.code().replace('_', " "))
                }
                None => "Request for an EHC needs assessment received".to_string(),
            },
            id,
            None,
            None,
            StepStatus::Recorded,
        );
        let open = matches!(RequestMilestones::of(r).status(today), RequestStatus::Open { .. });
        let due = decision_due(r.received_on);
        let decision = r.decision.filter(|d| d.on <= today);
        let what = match decision.map(|d| d.value) {
            Some(AssessmentDecision::Assess) => "Decision: to assess",
            Some(AssessmentDecision::Refuse) => "Decision: not to assess",
            Some(AssessmentDecision::Withdrawn) => "Request withdrawn",
            None => "Decision whether to assess",
        };
        let status = if decision.is_none() && !open {
            StepStatus::NoLongerAwaited
        } else {
            StepStatus::of(due, decision.map(|d| d.on), today)
        };
        push(decision.map_or(due, |d| d.on), what.into(), id, Some(due), decision.map(|d| d.on), status);
        for a in cw.advice.iter().filter(|a| a.request_id == *id && a.requested_on <= today) {
            let due = advice_due(a.requested_on);
            let received = a.received_on.filter(|d| *d <= today);
            let status = if received.is_none() && !open {
                StepStatus::NoLongerAwaited
            } else {
                StepStatus::of(due, received, today)
            };
            let from = a.provider.as_deref().map_or(String::new(), |p| format!(" from {p}"));
            push(
                received.unwrap_or(due),
                format!("Advice: {}{from}", a.kind.code().replace('_', " ")),
                &a.advice_id,
                Some(due),
                received,
                status,
            );
        }
        if decision.is_some_and(|d| d.value == AssessmentDecision::Assess) {
            let outcome = r.outcome.filter(|o| o.on <= today);
            let (what, due) = match outcome.map(|o| o.value) {
                Some(AssessmentOutcome::Plan) => ("Final EHC plan issued", final_plan_due(r.received_on)),
                Some(AssessmentOutcome::NoPlan) => ("Decision not to issue a plan", no_plan_due(r.received_on)),
                Some(AssessmentOutcome::Withdrawn) => ("Assessment withdrawn", final_plan_due(r.received_on)),
                None => ("Final EHC plan (20 weeks)", final_plan_due(r.received_on)),
            };
            let status = match outcome.map(|o| o.value) {
                Some(AssessmentOutcome::Withdrawn) => StepStatus::Recorded,
                _ => StepStatus::of(due, outcome.map(|o| o.on), today),
            };
            if let Some(draft) = r.draft_issued_on.filter(|d| *d <= today) {
                push(draft, "Draft plan sent to the family".into(), id, None, None, StepStatus::Recorded);
            }
            push(outcome.map_or(due, |o| o.on), what.into(), id, Some(due), outcome.map(|o| o.on), status);
        }
    }
    for p in cw.plans.iter().filter(|p| p.child_id == child_id && p.issued_on <= today) {
        let id = &p.plan_id;
        push(p.issued_on, "EHC plan in force".into(), id, None, None, StepStatus::Recorded);
        let reviews: Vec<_> = cw.reviews.iter().filter(|r| r.plan_id == *id).collect();
        let meetings = Meeting::all_of(&reviews);
        for m in meetings.iter().filter(|m| m.meeting_on <= today) {
            let due = meeting_due(p.issued_on, &meetings, m.meeting_on);
            push(
                m.meeting_on,
                "Annual review meeting".into(),
                id,
                Some(due),
                Some(m.meeting_on),
                StepStatus::of(due, Some(m.meeting_on), today),
            );
            let decided = m.decision.filter(|d| d.on <= today);
            let decision_due = review_decision_due(m.meeting_on);
            let what = decided.map_or("Decision after the review".to_string(), |d| {
                format!("Decision after the review: {}", d.value.code())
            });
            push(
                decided.map_or(decision_due, |d| d.on),
                what,
                id,
                Some(decision_due),
                decided.map(|d| d.on),
                StepStatus::of(decision_due, decided.map(|d| d.on), today),
            );
            if let Some(d) = decided.filter(|d| d.value == ReviewDecision::Amend) {
                let due = amended_plan_due(d.on);
                let amended = m.amended_on.filter(|a| *a <= today);
                push(
                    amended.unwrap_or(due),
                    "Amended plan issued".into(),
                    id,
                    Some(due),
                    amended,
                    StepStatus::of(due, amended, today),
                );
            }
        }
        match p.ceased.filter(|c| c.on <= today) {
            Some(c) => push(
                c.on,
                format!("Plan ceased ({})", c.value.code().replace('_', " ")),
                id,
                None,
                None,
                StepStatus::Recorded,
            ),
            None => {
                let current = review_status_at(p.issued_on, &meetings, today);
                if current.state == crate::clock::ReviewState::AwaitingMeeting {
                    let due = current.deadline.due;
                    push(
                        due,
                        "Next annual review meeting".into(),
                        id,
                        Some(due),
                        None,
                        StepStatus::of(due, None, today),
                    );
                }
            }
        }
    }
    // A dispute known only from a SEN2 flag has no date: it is listed with the child's records,
    // not placed on the timeline.
    for d in cw.disputes.iter().filter(|d| d.child_id == child_id && d.opened_on.is_some_and(|o| o <= today)) {
        if let Some(opened_on) = d.opened_on {
            push(
                opened_on,
                format!("{} opened", if d.kind.code() == "appeal" { "Tribunal appeal" } else { "Mediation" }),
                &d.dispute_id,
                None,
                None,
                StepStatus::Recorded,
            );
        }
        if let Some(o) = d.outcome.filter(|o| o.on <= today) {
            push(
                o.on,
                format!("Closed: {}", o.value.code().replace('_', " ")),
                &d.dispute_id,
                None,
                None,
                StepStatus::Recorded,
            );
        }
    }
    steps.sort_by_key(|s| s.on);
    steps
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn a_step_is_on_time_late_due_or_overdue() {
        let due = date(2024, 3, 1);
        assert_eq!(StepStatus::of(due, Some(date(2024, 3, 1)), date(2024, 6, 1)), StepStatus::OnTime);
        assert_eq!(StepStatus::of(due, Some(date(2024, 3, 4)), date(2024, 6, 1)), StepStatus::Late(3));
        assert_eq!(StepStatus::of(due, None, date(2024, 2, 20)), StepStatus::DueIn(10));
        assert_eq!(StepStatus::of(due, None, date(2024, 3, 1)), StepStatus::DueIn(0));
        assert_eq!(StepStatus::of(due, None, date(2024, 3, 2)), StepStatus::Overdue(1));
        // Done after the date asked about: not done yet then.
        assert_eq!(StepStatus::of(due, Some(date(2024, 3, 4)), date(2024, 3, 2)), StepStatus::Overdue(1));
        assert_eq!(StepStatus::Overdue(1).words(), "overdue by 1 day");
        assert_eq!(StepStatus::DueIn(0).words(), "due today");
        assert_eq!(StepStatus::Late(12).words(), "late by 12 days");
    }

    #[test]
    fn a_childs_timeline_has_every_step_with_its_due_date() {
        use crate::codes::*;
        use crate::records::*;
        let child =
            Child { forename: "A".into(), surname: "B".into(), ..crate::testing::child("C1", date(2015, 1, 1)) };
        let request = Request {
            request_id: "R1".into(),
            child_id: "C1".into(),
            received_on: date(2024, 1, 10),
            source: Some(RequestSource::School),
            caseworker: None,
            decision: Some(Dated::new(AssessmentDecision::Assess, date(2024, 2, 23))), // day 44: late by 2
            draft_issued_on: None,
            outcome: None,
            exception: None,
            in_youth_accommodation: None,
            primary_need: None,
        };
        let advice = Advice {
            advice_id: "A1".into(),
            request_id: "R1".into(),
            kind: AdviceKind::Health,
            provider: Some("Trust".into()),
            requested_on: date(2024, 2, 26),
            received_on: None,
            organisation_id: None,
        };
        let cw = Casework {
            children: imbl::vector![child],
            requests: imbl::vector![request],
            advice: imbl::vector![advice],
            ..Casework::default()
        };
        let steps = child_timeline(&cw, "C1", date(2024, 4, 10));
        let said: Vec<(String, String)> = steps.iter().map(|s| (s.what.clone(), s.status.words())).collect();
        assert_eq!(
            said,
            [
                ("Request for an EHC needs assessment received (from school)".to_string(), "recorded".to_string()),
                ("Decision: to assess".to_string(), "late by 2 days".to_string()),
                ("Advice: health from Trust".to_string(), "overdue by 2 days".to_string()), // due 8 April
                ("Final EHC plan (20 weeks)".to_string(), "due in 49 days".to_string()),
            ]
        );
        assert_eq!(steps[3].due, Some(date(2024, 5, 29)));
        assert!(child_timeline(&cw, "C2", date(2024, 4, 10)).is_empty());
        // The index gives the same timeline without scanning.
        let index = ChildIndex::new(&cw);
        assert_eq!(index.timeline(&cw, "C1", date(2024, 4, 10)), steps);
        assert!(index.child(&cw, "C1").is_some() && index.child(&cw, "C2").is_none());
    }
}
