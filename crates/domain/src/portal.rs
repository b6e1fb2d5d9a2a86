//! What organisations are asked for (issue 19): the open tasks of the advice givers and the
//! settings, worked out from the casework, and the digest e-mail that lists them. A task is
//! open while the casework says it is awaited; it closes by itself when the record moves on.
//!
//! - *Advice*: advice with an organisation, outstanding as `measures.md` defines it (requested,
//!   not received, its request still open); due 6 weeks after `requested_on`.
//! - *Consultation*: a setting consulted and not yet answered; due on the 15th day counting the
//!   day it was sent.
//! - *Annual review*: a review recorded without its meeting yet, of a plan whose child's main
//!   placement today is at a setting with an organisation (matched by URN); due when the review
//!   meeting is due (12 months after the plan's issue or its previous meeting).
//!
//! Nothing here names a child in words: a task carries ids and dates only, and the digest
//! lists references, never a name, date of birth or UPN.

use crate::clock::{AdviceStatus, advice_status, review_due};
use crate::codes::OrganisationKind;
use crate::dates::add_days;
use crate::records::Casework;
use jiff::civil::Date;
use std::collections::HashMap;

/// How long a one-time sign-in code lasts.
pub const CODE_MINUTES: i64 = 10;

/// A digest lists the tasks due within this many days, and every overdue one.
pub const DIGEST_DAYS: i64 = 7;

/// What an organisation is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TaskKind {
    Advice,
    Consultation,
    Review,
}

impl TaskKind {
    pub const ALL: [TaskKind; 3] = [TaskKind::Advice, TaskKind::Consultation, TaskKind::Review];

    /// The task's path segment in the portal (`/portal/{segment}/{id}`).
    pub fn segment(self) -> &'static str {
        match self {
            TaskKind::Advice => "advice",
            TaskKind::Consultation => "consultations",
            TaskKind::Review => "reviews",
        }
    }

    pub fn from_segment(segment: &str) -> Option<TaskKind> {
        TaskKind::ALL.into_iter().find(|k| k.segment() == segment)
    }

    /// What is asked, in a word or two (for lists).
    pub fn short(self) -> &'static str {
        match self {
            TaskKind::Advice => "Advice",
            TaskKind::Consultation => "Consultation",
            TaskKind::Review => "Annual review",
        }
    }

    /// What is asked, in words.
    pub fn words(self) -> &'static str {
        match self {
            TaskKind::Advice => "Advice for an EHC needs assessment",
            TaskKind::Consultation => "Consultation on naming your setting in an EHC plan",
            TaskKind::Review => "Annual review report",
        }
    }
}

/// One open task of an organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    pub kind: TaskKind,
    /// The advice, consultation or review id: the task's reference.
    pub id: String,
    pub child_id: String,
    pub organisation_id: String,
    /// The request the task is about, when it is about one.
    pub request_id: Option<String>,
    /// The plan reviewed (reviews), when it is about one.
    pub plan_id: Option<String>,
    /// When it was asked for (the advice's request date, the consultation's sending; a
    /// review's record has no date of its own: the plan's issue or previous meeting).
    pub asked_on: Date,
    pub due_on: Date,
}

impl Task {
    pub fn is_overdue(&self, today: Date) -> bool {
        today > self.due_on
    }

    /// Whether a digest sent on `today` lists it: overdue, or due within [`DIGEST_DAYS`].
    pub fn is_in_digest(&self, today: Date) -> bool {
        self.due_on <= add_days(today, DIGEST_DAYS)
    }
}

/// Every open task at the end of `today`, by organisation, soonest due first.
pub fn open_tasks(cw: &Casework, today: Date) -> Vec<Task> {
    let mut tasks = Vec::new();
    let requests: HashMap<&str, &crate::records::Request> =
        cw.requests.iter().map(|r| (r.request_id.as_str(), r)).collect();
    for a in &cw.advice {
        let (Some(org), Some(r)) = (&a.organisation_id, requests.get(a.request_id.as_str())) else { continue };
        if let AdviceStatus::Outstanding(deadline) = advice_status(a, r, today) {
            tasks.push(Task {
                kind: TaskKind::Advice,
                id: a.advice_id.to_string(),
                child_id: r.child_id.to_string(),
                organisation_id: org.to_string(),
                request_id: Some(r.request_id.to_string()),
                plan_id: None,
                asked_on: a.requested_on,
                due_on: deadline.due,
            });
        }
    }
    for c in &cw.consultations {
        // A consultation about a request that has since closed (withdrawn, refused, finished)
        // is no longer awaited: the setting no longer sees the child.
        let request_open = c.request_id.as_ref().is_none_or(|r| {
            requests.get(r.as_str()).is_some_and(|r| {
                matches!(crate::clock::request_status(r, today), crate::clock::RequestStatus::Open { .. })
            })
        });
        if c.sent_on <= today && c.responded_on.is_none_or(|r| r > today) && request_open {
            tasks.push(Task {
                kind: TaskKind::Consultation,
                id: c.consultation_id.to_string(),
                child_id: c.child_id.to_string(),
                organisation_id: c.organisation_id.to_string(),
                request_id: c.request_id.as_ref().map(ToString::to_string),
                plan_id: None,
                asked_on: c.sent_on,
                due_on: c.due_on(),
            });
        }
    }
    tasks.extend(review_tasks(cw, today));
    tasks.sort_by(|a, b| (a.due_on, a.kind, &a.id).cmp(&(b.due_on, b.kind, &b.id)));
    tasks
}

/// The open review tasks: a review without its meeting (and without a decision) of a plan whose
/// child's main placement today is at a setting that is an organisation.
fn review_tasks(cw: &Casework, today: Date) -> Vec<Task> {
    let settings: HashMap<&str, &str> = cw
        .organisations
        .iter()
        .filter(|o| o.kind == OrganisationKind::Setting)
        .filter_map(|o| Some((o.urn.as_deref()?, o.organisation_id.as_str())))
        .collect();
    if settings.is_empty() {
        return Vec::new();
    }
    let setting_of = |child: &str| -> Option<&str> {
        cw.placements
            .iter()
            .filter(|p| p.child_id.as_str() == child && p.is_main() && p.is_active_at(today))
            .max_by_key(|p| p.started_on)
            .and_then(|p| settings.get(p.urn.as_deref()?).copied())
    };
    let plans: HashMap<&str, &crate::records::Plan> = cw.plans.iter().map(|p| (p.plan_id.as_str(), p)).collect();
    let mut tasks = Vec::new();
    for v in cw.reviews.iter().filter(|v| v.meeting_on.is_none() && v.decision.is_none()) {
        let Some(plan) = plans.get(v.plan_id.as_str()) else { continue };
        // A plan not yet issued, or ceased: no review is awaited.
        if !plan.is_active_at(today) {
            continue;
        }
        let Some(org) = setting_of(plan.child_id.as_str()) else { continue };
        // The period runs from the plan's latest meeting held by today, or its issue.
        let start = cw
            .reviews
            .iter()
            .filter(|o| o.plan_id == v.plan_id)
            .filter_map(|o| o.meeting_on)
            .filter(|m| *m <= today)
            .max()
            .unwrap_or(plan.issued_on);
        tasks.push(Task {
            kind: TaskKind::Review,
            id: v.review_id.to_string(),
            child_id: plan.child_id.to_string(),
            organisation_id: org.to_string(),
            request_id: plan.request_id.as_ref().map(ToString::to_string),
            plan_id: Some(plan.plan_id.to_string()),
            asked_on: start,
            due_on: review_due(start),
        });
    }
    tasks
}

/// The open task `kind` `id` of `organisation`, if there is one at the end of `today`.
pub fn open_task(cw: &Casework, today: Date, organisations: &[String], kind: TaskKind, id: &str) -> Option<Task> {
    open_tasks(cw, today)
        .into_iter()
        .find(|t| t.kind == kind && t.id == id && organisations.contains(&t.organisation_id))
}

/// An e-mail: its subject and plain-text body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub subject: String,
    pub body: String,
}

/// The daily digest of one organisation's inbox: each task due within 7 days or overdue, by
/// reference and due date, and a link to the portal. `None` when nothing is due.
pub fn digest(organisation: &str, tasks: &[&Task], today: Date, portal: &str) -> Option<Mail> {
    let listed: Vec<&&Task> = tasks.iter().filter(|t| t.is_in_digest(today)).collect();
    if listed.is_empty() {
        return None;
    }
    let overdue = listed.iter().filter(|t| t.is_overdue(today)).count();
    let mut body = format!(
        "{organisation}: {} task{} for the council's SEND service {} due by {} or overdue ({overdue} overdue).\n\n",
        listed.len(),
        if listed.len() == 1 { "" } else { "s" },
        if listed.len() == 1 { "is" } else { "are" },
        add_days(today, DIGEST_DAYS),
    );
    for t in &listed {
        let late = if t.is_overdue(today) { " (overdue)" } else { "" };
        body.push_str(&format!("- {} {}: due {}{late}\n", t.kind.words(), t.id, t.due_on));
    }
    body.push_str(&format!(
        "\nSign in to see and answer them: {portal}\n\nThis e-mail holds no child's details; they are shown only in the portal, \
         to members of your organisation, while a task is open.\n"
    ));
    Some(Mail { subject: format!("SEND tasks due: {} ({overdue} overdue)", listed.len()), body })
}

/// The caseworker's digest of their week: each step by kind, reference and due date, and a
/// link to their week. `None` when nothing is due.
pub fn week_digest(steps: &[crate::week::DueStep], today: Date, week: &str) -> Option<Mail> {
    if steps.is_empty() {
        return None;
    }
    let overdue = steps.iter().filter(|s| s.due < today).count();
    let mut body = format!(
        "Your week from {today}: {} statutory step{} on your cases ({overdue} overdue).\n\n",
        steps.len(),
        if steps.len() == 1 { "" } else { "s" },
    );
    for s in steps {
        body.push_str(&format!(
            "- {} {} (child {}): due {}, {}\n",
            s.kind.short(),
            s.record_id,
            s.child_id,
            s.due,
            s.when(today).words()
        ));
    }
    body.push_str(&format!("\nSee your week: {week}\n"));
    Some(Mail { subject: format!("Your week: {} steps ({overdue} overdue)", steps.len()), body })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::records::{Advice, Consultation, Organisation, Placement};
    use crate::testing::review;
    use crate::testing::{child, plan, request};
    use jiff::civil::date;

    fn casework() -> Casework {
        let mut cw = Casework::default();
        cw.children.push_back(child("C1", date(2015, 3, 4)));
        cw.requests.push_back(request("R1", "C1", date(2026, 9, 1)));
        cw.organisations.push_back(Organisation {
            organisation_id: "eps".into(),
            name: "Educational psychology service".into(),
            kind: OrganisationKind::Provider,
            email: Some("eps@example.org".into()),
            urn: None,
        });
        cw.organisations.push_back(Organisation {
            organisation_id: "s100001".into(),
            name: "Hill School".into(),
            kind: OrganisationKind::Setting,
            email: Some("office@hill.example.org".into()),
            urn: Some("100001".into()),
        });
        cw.advice.push_back(Advice {
            organisation_id: Some("eps".into()),
            ..crate::testing::advice("A1", "R1", crate::codes::AdviceKind::EducationalPsychology, date(2026, 10, 1))
        });
        cw
    }

    #[test]
    fn advice_is_a_task_while_outstanding_and_due_six_weeks_after_it_was_asked_for() {
        let mut cw = casework();
        let tasks = open_tasks(&cw, date(2026, 11, 1));
        assert_eq!(tasks.len(), 1);
        assert_eq!(
            (tasks[0].kind, tasks[0].id.as_str(), tasks[0].due_on),
            (TaskKind::Advice, "A1", date(2026, 11, 12))
        );
        assert!(open_tasks(&cw, date(2026, 9, 30)).is_empty(), "not yet asked for");
        cw.advice[0].received_on = Some(date(2026, 11, 2));
        assert_eq!(open_tasks(&cw, date(2026, 11, 1)).len(), 1, "received after the date");
        assert!(open_tasks(&cw, date(2026, 11, 2)).is_empty(), "received");
        cw.advice[0].received_on = None;
        cw.advice[0].organisation_id = None;
        assert!(open_tasks(&cw, date(2026, 11, 1)).is_empty(), "asked of nobody in the register");
    }

    #[test]
    fn a_consultation_is_due_on_its_fifteenth_day_counting_the_day_it_was_sent() {
        let mut cw = casework();
        cw.consultations.push_back(Consultation {
            consultation_id: "Q1".into(),
            child_id: "C1".into(),
            request_id: Some("R1".into()),
            review_id: None,
            organisation_id: "s100001".into(),
            sent_on: date(2026, 11, 2),
            responded_on: None,
            response: None,
        });
        let task = open_tasks(&cw, date(2026, 11, 16)).into_iter().find(|t| t.kind == TaskKind::Consultation).unwrap();
        // Sent Monday 2 November: day 1; day 15 is Monday 16 November.
        assert_eq!(task.due_on, date(2026, 11, 16));
        assert!(!task.is_overdue(date(2026, 11, 16)) && task.is_overdue(date(2026, 11, 17)));
        assert!(
            !cw.consultations[0].is_overdue_at(date(2026, 11, 16))
                && cw.consultations[0].is_overdue_at(date(2026, 11, 17))
        );
        // The digest of 9 November lists it (due within 7 days); of 8 November, not.
        assert!(task.is_in_digest(date(2026, 11, 9)) && !task.is_in_digest(date(2026, 11, 8)));
        cw.consultations[0].responded_on = Some(date(2026, 11, 10));
        assert!(open_tasks(&cw, date(2026, 11, 10)).iter().all(|t| t.kind != TaskKind::Consultation));
        // Unanswered, but its request withdrawn: no longer awaited.
        cw.consultations[0].responded_on = None;
        cw.requests[0].decision =
            Some(crate::records::Dated::new(crate::codes::AssessmentDecision::Withdrawn, date(2026, 11, 12)));
        assert!(open_tasks(&cw, date(2026, 11, 11)).iter().any(|t| t.kind == TaskKind::Consultation));
        assert!(open_tasks(&cw, date(2026, 11, 12)).iter().all(|t| t.kind != TaskKind::Consultation));
    }

    #[test]
    fn a_review_awaiting_its_meeting_is_a_task_of_the_childs_school() {
        let mut cw = casework();
        cw.plans.push_back(plan("P1", "C1", date(2025, 12, 1)));
        cw.reviews.push_back(review("V1", "P1"));
        assert!(review_tasks(&cw, date(2026, 11, 1)).is_empty(), "no placement: nobody to ask");
        cw.placements.push_back(Placement {
            urn: Some("100001".into()),
            ..crate::testing::placement("L1", "C1", crate::codes::Setting::Mainstream, date(2025, 9, 1))
        });
        let tasks = review_tasks(&cw, date(2026, 11, 1));
        assert_eq!(tasks.len(), 1);
        assert_eq!((tasks[0].organisation_id.as_str(), tasks[0].due_on), ("s100001", date(2026, 11, 30)));
        cw.plans[0].ceased = Some(crate::records::Dated::new(crate::codes::CeaseReason::NeedsMet, date(2026, 10, 1)));
        assert!(review_tasks(&cw, date(2026, 11, 1)).is_empty(), "the plan has ceased");
        cw.plans[0].ceased = None;
        cw.reviews[0].meeting_on = Some(date(2026, 11, 20));
        assert!(review_tasks(&cw, date(2026, 11, 21)).is_empty(), "the meeting is recorded");
    }

    #[test]
    fn the_meeting_a_school_reports_starts_the_four_weeks_for_the_decision_to_the_day() {
        use crate::clock::{ReviewState, plan_review_status, review_on_time};
        use crate::codes::ReviewDecision;
        use crate::records::Dated;
        let mut cw = casework();
        cw.plans.push_back(plan("P1", "C1", date(2025, 12, 1)));
        let mut v = review("V1", "P1");
        // Reported through the portal: held on Friday 20 November 2026.
        v.meeting_on = Some(date(2026, 11, 20));
        cw.reviews.push_back(v.clone());
        let own: Vec<&crate::records::Review> = cw.reviews.iter().collect();
        let status = plan_review_status(&cw.plans[0], &own, date(2026, 11, 21)).unwrap();
        assert_eq!((status.state, status.deadline.due), (ReviewState::AwaitingDecision, date(2026, 12, 18)));
        // The decision on the 28th day after the meeting is in time; on the 29th, late.
        for (decided, in_time) in [(date(2026, 12, 18), true), (date(2026, 12, 19), false)] {
            let decided =
                crate::records::Review { decision: Some(Dated::new(ReviewDecision::Maintain, decided)), ..v.clone() };
            assert_eq!(review_on_time(&cw.plans[0], &[&decided], &decided), Some(in_time), "{decided:?}");
        }
        assert!(plan_review_status(&cw.plans[0], &own, date(2026, 12, 18)).unwrap().deadline.days_overdue == 0);
        assert_eq!(plan_review_status(&cw.plans[0], &own, date(2026, 12, 19)).unwrap().deadline.days_overdue, 1);
    }

    #[test]
    fn the_digest_lists_references_and_dates_and_never_a_name() {
        let cw = casework();
        let tasks = open_tasks(&cw, date(2026, 11, 10));
        let refs: Vec<&Task> = tasks.iter().collect();
        let mail =
            digest("Educational psychology service", &refs, date(2026, 11, 10), "https://send.example.org/portal")
                .unwrap();
        assert!(mail.body.contains("A1: due 2026-11-12"), "{}", mail.body);
        assert!(mail.body.contains("https://send.example.org/portal"));
        for said in [cw.children[0].forename.as_str(), cw.children[0].surname.as_str(), "2015-03-04"] {
            assert!(!mail.body.contains(said) && !mail.subject.contains(said));
        }
        assert!(digest("EPS", &refs, date(2026, 11, 4), "x").is_none(), "nothing due within 7 days");
    }
}
