//! A save works out again only the months of the scorecard its change reaches (issue 16): the
//! months before keep the figures computed before the save. After any series of changes of
//! every kind a form makes, that must be exactly what computing every month again gives.
#![allow(clippy::unwrap_used)]

use jiff::Span;
use jiff::civil::{Date, date};
use sendtrack_domain::codes::{ContactKind, ContactRole, Direction, TimeLimitException};
use sendtrack_domain::dates::Month;
use sendtrack_domain::measures::CATALOGUE;
use sendtrack_domain::measures::engine::Engine;
use sendtrack_domain::measures::scorecard::{Scorecard, scorecard, scorecard_after};
use sendtrack_domain::records::{CaseLogEntry, Casework, Dated, Promise, Task};
use sendtrack_domain::timeline::ChildIndex;
use sendtrack_interchange::demo::{DemoOptions, generate};

/// Mid-month, so the month to date is computed as it is in the service.
const TODAY: Date = date(2026, 11, 18);

fn full(cw: &Casework, from: Month, to: Month) -> Scorecard {
    let measures: Vec<_> = CATALOGUE.iter().collect();
    scorecard(&Engine::as_at(cw, TODAY), &measures, from, to, 2)
}

/// The first difference between two scorecards, if any.
fn difference(card: &Scorecard, expected: &Scorecard) -> Option<String> {
    if (&card.months, card.to_date) != (&expected.months, expected.to_date) {
        return Some("months".into());
    }
    for (line, want) in card.lines.iter().zip(&expected.lines) {
        for (cell, want) in line.cells.iter().zip(&want.cells) {
            if format!("{cell:?}") != format!("{want:?}") {
                return Some(format!("{} {:?}: {cell:?} against {want:?}", line.measure.id, cell.month));
            }
        }
        if format!("{:?}{:?}", line.target, line.benchmarks) != format!("{:?}{:?}", want.target, want.benchmarks) {
            return Some(format!("{} target", line.measure.id));
        }
    }
    (card.lines.len() != expected.lines.len()).then(|| "lines".into())
}

/// The requests open today: being decided, or assessed with no outcome yet.
fn open_requests(cw: &Casework) -> Vec<sendtrack_domain::identifiers::RequestId> {
    use sendtrack_domain::codes::AssessmentDecision;
    let open = |r: &&sendtrack_domain::records::Request| match r.decision {
        None => true,
        Some(d) => d.value == AssessmentDecision::Assess && r.outcome.is_none(),
    };
    cw.requests.iter().filter(open).map(|r| r.request_id.clone()).collect()
}

#[test]
fn a_scorecard_worked_out_again_from_the_months_a_change_reaches_equals_a_full_one() {
    let mut cw = generate(&DemoOptions { children: 250, seed: 11, as_at: TODAY });
    let mut index = ChildIndex::new(&cw);
    let (to, from) = (Month::containing(TODAY), Month::containing(TODAY).plus(-12));
    let mut card = full(&cw, from, to);
    let mut seed: u64 = 0x5c0e;
    let mut next = |n: usize| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (seed >> 33) as usize % n.max(1)
    };
    // A day from before the scorecard's months to after today.
    let day = |n: usize| TODAY.saturating_sub(Span::new().days(420)).saturating_add(Span::new().days(n as i64));
    let (mut months_kept, mut cards_kept) = (0, 0);
    for step in 0..72 {
        let mut update = Casework::default();
        match step % 18 {
            0 => {
                let mut r = cw.requests[next(cw.requests.len())].clone();
                r.caseworker = Some(cw.requests[next(cw.requests.len())].caseworker.clone().unwrap_or_default())
                    .filter(|c| !c.is_empty());
                update.requests.push_back(r);
            }
            1 => {
                let mut r = cw.requests[next(cw.requests.len())].clone();
                r.exception = match r.exception {
                    Some(_) => None,
                    None => Some(TimeLimitException::PersonalCircumstances),
                };
                r.primary_need = cw.children[next(cw.children.len())].primary_need;
                r.source = cw.requests[next(cw.requests.len())].source;
                update.requests.push_back(r);
            }
            2 => {
                let mut r = cw.requests[next(cw.requests.len())].clone();
                match r.decision {
                    Some(d) if next(2) == 0 => {
                        r.decision = Some(Dated::new(d.value, day(next(450)).max(r.received_on)))
                    }
                    _ => r.decision = None,
                }
                update.requests.push_back(r);
            }
            3 => {
                let mut a = cw.advice[next(cw.advice.len())].clone();
                a.received_on = if next(3) == 0 { None } else { Some(day(next(450)).max(a.requested_on)) };
                update.advice.push_back(a);
            }
            4 => {
                let mut p = cw.plans[next(cw.plans.len())].clone();
                p.ceased = match (p.ceased, cw.plans.iter().find_map(|q| q.ceased)) {
                    (Some(_), _) => None,
                    (None, Some(c)) => Some(Dated::new(c.value, day(next(450)).max(p.issued_on))),
                    (None, None) => None,
                };
                p.caseworker = cw.requests[next(cw.requests.len())].caseworker.clone();
                update.plans.push_back(p);
            }
            5 => {
                let mut v = cw.reviews[next(cw.reviews.len())].clone();
                v.meeting_on = v.meeting_on.map(|_| day(next(450)));
                update.reviews.push_back(v);
            }
            6 => {
                let mut p = cw.placements[next(cw.placements.len())].clone();
                p.setting = cw.placements[next(cw.placements.len())].setting;
                if next(2) == 0 {
                    p.started_on = day(next(450));
                    p.ended_on = p.ended_on.map(|e| e.max(p.started_on));
                }
                update.placements.push_back(p);
            }
            7 if !cw.plan_settings.is_empty() => {
                let mut n = cw.plan_settings[next(cw.plan_settings.len())].clone();
                n.ended_on = if n.ended_on.is_some() { None } else { Some(day(next(450)).max(n.named_on)) };
                update.plan_settings.push_back(n);
            }
            8 if !cw.disputes.is_empty() => {
                let mut d = cw.disputes[next(cw.disputes.len())].clone();
                d.opened_on = Some(day(next(450)));
                d.outcome = d.outcome.map(|o| Dated::new(o.value, day(next(450)).max(d.opened_on.unwrap())));
                update.disputes.push_back(d);
            }
            9 if !cw.feedback.is_empty() => {
                let mut f = cw.feedback[next(cw.feedback.len())].clone();
                f.received_on = day(next(450));
                update.feedback.push_back(f);
            }
            10 => {
                // An update sent to the family, dated anywhere.
                let contact = cw.contacts.iter().filter(|c| c.role.is_family()).nth(next(50)).cloned();
                if let Some(c) = contact {
                    update.case_log.push_back(CaseLogEntry {
                        entry_id: format!("E-NEW-{step}").into(),
                        child_id: c.child_id.clone(),
                        on: day(next(450)),
                        time: None,
                        kind: ContactKind::Letter,
                        direction: Some(Direction::Out),
                        with_whom: None,
                        contact_id: Some(c.contact_id.clone()),
                        summary: "Update".into(),
                        request_id: None,
                        plan_id: None,
                        review_id: None,
                        by: None,
                    });
                }
            }
            11 => {
                // The contact an update was sent to is family no longer, or is now.
                let open = open_requests(&cw);
                let sent = cw.case_log.iter().filter(|e| {
                    e.direction == Some(Direction::Out) && e.request_id.as_ref().is_some_and(|r| open.contains(r))
                });
                let to = sent.filter_map(|e| e.contact_id.clone()).nth(next(10));
                if let Some(mut c) = to.and_then(|id| cw.contacts.iter().find(|c| *c.contact_id == *id).cloned()) {
                    c.role = if c.role.is_family() { ContactRole::Senco } else { ContactRole::Parent };
                    update.contacts.push_back(c);
                }
            }
            12 if !cw.consultations.is_empty() => {
                let mut c = cw.consultations[next(cw.consultations.len())].clone();
                c.responded_on = if c.responded_on.is_some() { None } else { Some(day(next(450)).max(c.sent_on)) };
                update.consultations.push_back(c);
            }
            13 => {
                let mut c = cw.children[next(cw.children.len())].clone();
                c.date_of_birth = c.date_of_birth.saturating_sub(Span::new().days(next(2000) as i64));
                c.primary_need = cw.children[next(cw.children.len())].primary_need;
                update.children.push_back(c);
            }
            14 => {
                // A new child, with a request received on some day.
                let mut c = cw.children[next(cw.children.len())].clone();
                c.child_id = format!("C-NEW-{step}").into();
                let mut r = cw.requests[next(cw.requests.len())].clone();
                r.request_id = format!("R-NEW-{step}").into();
                r.child_id = c.child_id.clone();
                r.received_on = day(next(450));
                r.decision = None;
                r.outcome = None;
                r.draft_issued_on = None;
                update.children.push_back(c);
                update.requests.push_back(r);
            }
            15 => {
                // A shorter promise of updates for a child whose request is open.
                let open = open_requests(&cw);
                let child = cw.requests.iter().filter(|r| open.contains(&r.request_id)).nth(next(10));
                if let Some(r) = child {
                    update.promises.push_back(Promise {
                        promise_id: format!("PR-NEW-{step}").into(),
                        child_id: Some(r.child_id.clone()),
                        working_days: 2,
                    });
                }
            }
            16 => {
                // A task for next month: nothing the scorecard shows changes.
                update.tasks.push_back(Task {
                    task_id: format!("T-NEW-{step}").into(),
                    child_id: cw.children[next(cw.children.len())].child_id.clone(),
                    caseworker: None,
                    due_on: TODAY.saturating_add(Span::new().days(20)),
                    what: "Chase the advice".into(),
                    done_on: None,
                });
            }
            _ => {
                // A request's receipt moved (before or into the months shown).
                let mut r = cw.requests[next(cw.requests.len())].clone();
                r.received_on = day(next(450));
                if r.decision.is_some_and(|d| d.on < r.received_on) {
                    r.decision = None;
                    r.outcome = None;
                    r.draft_issued_on = None;
                }
                update.requests.push_back(r);
            }
        }
        if update.counts().total() == 0 {
            continue;
        }
        let put = index.put(&mut cw, &update, false).unwrap();
        let measures: Vec<_> = CATALOGUE.iter().collect();
        let after = scorecard_after(&Engine::as_at(&cw, TODAY), &measures, from, to, 2, &card, put.reach);
        let expected = full(&cw, from, to);
        assert_eq!(difference(&after, &expected), None, "step {step}: {:?}", put.reach);
        match put.reach.first_month(from, to) {
            None => cards_kept += 1,
            Some(first) => months_kept += from.through(to).take_while(|m| *m < first).count(),
        }
        // The next change starts from what was worked out, as the service does.
        card = after;
    }
    // The series kept earlier months often enough to test keeping them.
    assert!(months_kept >= 40, "{months_kept} months kept");
    assert!(cards_kept >= 1, "{cards_kept} cards kept whole");
}
