//! A save puts its records into the caseload held in memory and works out only the changed
//! children's worklist items (issue 16): after any series of changes, that must be exactly what
//! reading everything again and computing every worklist gives.
#![allow(clippy::unwrap_used)]

use jiff::civil::{Date, date};
use sendtrack_domain::records::{Casework, Record};
use sendtrack_domain::timeline::ChildIndex;
use sendtrack_domain::worklist::{WorkFilter, Worklist, Worklists, worklists};
use sendtrack_interchange::demo::{DemoOptions, generate};

const TODAY: Date = date(2026, 11, 30);

/// Replaces the record with the same key, or appends it: what a reload of the database after
/// the save reads, up to order.
fn naive<T: Record>(records: &mut sendtrack_domain::records::Records<T>, record: &T) {
    match records.iter().position(|r| r.key() == record.key()) {
        Some(i) => drop(records.set(i, record.clone())),
        None => records.push_back(record.clone()),
    }
}

fn items(lists: &Worklists) -> Vec<Vec<sendtrack_domain::worklist::WorkItem>> {
    Worklist::ALL.iter().map(|&l| lists.items(l, &WorkFilter::default()).cloned().collect()).collect()
}

#[test]
fn records_put_in_place_and_worklists_of_the_changed_children_equal_a_full_recompute() {
    let mut cw = generate(&DemoOptions { children: 400, seed: 5, as_at: TODAY });
    let mut index = ChildIndex::new(&cw);
    let mut lists = worklists(&cw, TODAY);
    let mut expected = cw.clone();
    let mut seed: u64 = 0x5eed;
    let mut next = |n: usize| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (seed >> 33) as usize % n
    };
    for step in 0..120 {
        let mut update = Casework::default();
        match step % 6 {
            // A request's decision, dates or caseworker changed.
            0 => {
                let mut r = cw.requests[next(cw.requests.len())].clone();
                r.received_on = r.received_on.saturating_sub(jiff::Span::new().days(next(40) as i64));
                r.caseworker = Some(format!("cw00{}", next(5)).into());
                update.requests.push_back(r);
            }
            // Advice received, or asked for again under the same request.
            1 => {
                let mut a = cw.advice[next(cw.advice.len())].clone();
                if next(2) == 0 {
                    a.received_on = None;
                } else {
                    a.advice_id = format!("A-NEW-{step}").into();
                    a.requested_on = TODAY.saturating_sub(jiff::Span::new().days(next(90) as i64));
                    a.received_on = None;
                }
                update.advice.push_back(a);
            }
            // A new request for a child, open and awaiting a decision.
            2 => {
                let mut r = cw.requests[next(cw.requests.len())].clone();
                r.request_id = format!("R-NEW-{step}").into();
                r.child_id = cw.children[next(cw.children.len())].child_id.clone();
                r.received_on = TODAY.saturating_sub(jiff::Span::new().days(next(120) as i64));
                r.decision = None;
                r.outcome = None;
                update.requests.push_back(r);
            }
            // A review's meeting moved or taken away.
            3 => {
                let mut v = cw.reviews[next(cw.reviews.len())].clone();
                v.meeting_on =
                    v.meeting_on.map(|m| m.saturating_add(jiff::Span::new().days(next(400) as i64)).min(TODAY));
                update.reviews.push_back(v);
            }
            // A plan ceased or back in force.
            4 => {
                let mut p = cw.plans[next(cw.plans.len())].clone();
                p.ceased = None;
                update.plans.push_back(p);
            }
            // A child's details.
            _ => {
                let mut c = cw.children[next(cw.children.len())].clone();
                c.forename = format!("Changed {step}");
                update.children.push_back(c);
            }
        }
        // A save of records all new tells the index so, as the web app does: they are not looked
        // for among every record.
        fn new_in<T: Record>(
            held: &sendtrack_domain::records::Records<T>,
            update: &sendtrack_domain::records::Records<T>,
        ) -> bool {
            update.iter().all(|u| !held.iter().any(|r| r.key() == u.key()))
        }
        let created = new_in(&cw.children, &update.children)
            && new_in(&cw.requests, &update.requests)
            && new_in(&cw.advice, &update.advice)
            && new_in(&cw.plans, &update.plans)
            && new_in(&cw.reviews, &update.reviews);
        let put = index.put(&mut cw, &update, created).unwrap();
        let touched = put.children;
        assert!(!touched.is_empty());
        // The requests replaced are those held before, as they were.
        let replaced: Vec<_> = update
            .requests
            .iter()
            .filter_map(|r| expected.requests.iter().find(|e| e.key() == r.key()).cloned())
            .collect();
        assert_eq!(put.requests_replaced, replaced, "step {step}");
        lists = lists.with_children(&touched, &index.own_of(&cw, &touched), TODAY);
        for c in &update.children {
            naive(&mut expected.children, c);
        }
        for r in &update.requests {
            naive(&mut expected.requests, r);
        }
        for a in &update.advice {
            naive(&mut expected.advice, a);
        }
        for p in &update.plans {
            naive(&mut expected.plans, p);
        }
        for v in &update.reviews {
            naive(&mut expected.reviews, v);
        }
        assert_eq!(cw, expected, "step {step}");
        assert_eq!(items(&lists), items(&worklists(&expected, TODAY)), "step {step}");
        let fresh = ChildIndex::new(&expected);
        for child in &touched {
            assert_eq!(index.own(&cw, child), fresh.own(&expected, child), "step {step}, child {child}");
        }
    }
}
