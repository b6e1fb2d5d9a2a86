//! The demo authority is valid, deterministic and shaped like a county's SEND service.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers may panic: a panic is a failed test.

use sendtrack_domain::clock::{RequestStatus, assessment_on_time, plan_review_status, request_status};
use sendtrack_domain::codes::*;
use sendtrack_domain::measures;
use sendtrack_domain::records::Review;
use sendtrack_domain::validation::validate;
use sendtrack_interchange::demo::{DemoOptions, generate};
use std::collections::HashMap;

fn options(children: usize, seed: u64) -> DemoOptions {
    DemoOptions { children, seed, as_at: jiff::civil::date(2026, 11, 30) }
}

#[test]
fn the_demo_authority_breaks_no_rule() {
    let cw = generate(&options(3000, 7));
    let problems = validate(&cw, jiff::civil::date(2026, 11, 30), &measures::ids());
    assert!(problems.is_empty(), "{} problems, first: {:?}", problems.len(), &problems[..problems.len().min(5)]);
}

#[test]
fn the_same_seed_gives_the_same_authority_and_another_seed_does_not() {
    assert_eq!(generate(&options(500, 1)), generate(&options(500, 1)));
    assert_ne!(generate(&options(500, 1)), generate(&options(500, 2)));
}

#[test]
fn a_county_sized_authority_looks_like_one() {
    let as_at = jiff::civil::date(2026, 11, 30);
    let cw = generate(&options(12_000, 42));
    let active = cw.plans.iter().filter(|p| p.is_active_at(as_at)).count();
    let last_year: Vec<_> = cw.requests.iter().filter(|r| r.received_on.year() == 2025).collect();
    let refused =
        last_year.iter().filter(|r| r.decision.is_some_and(|d| d.value == AssessmentDecision::Refuse)).count();
    let issued_2025: Vec<_> = cw
        .requests
        .iter()
        .filter(|r| r.outcome.is_some_and(|o| o.value == AssessmentOutcome::Plan && o.on.year() == 2025))
        .collect();
    let on_time = issued_2025.iter().filter(|r| assessment_on_time(r) == Some(true)).count();
    let advice_late = cw
        .advice
        .iter()
        .filter(|a| a.received_on.is_some_and(|r| sendtrack_domain::dates::days_between(a.requested_on, r) > 42))
        .count();
    let mut reviews: HashMap<&str, Vec<&Review>> = HashMap::new();
    for r in &cw.reviews {
        reviews.entry(&r.plan_id).or_default().push(r);
    }
    let overdue_reviews = cw
        .plans
        .iter()
        .filter_map(|p| plan_review_status(p, reviews.get(p.plan_id.as_str()).map_or(&[][..], |v| v), as_at))
        .filter(|s| s.deadline.is_overdue())
        .count();
    let open = cw.requests.iter().filter(|r| matches!(request_status(r, as_at), RequestStatus::Open { .. })).count();
    let first = cw.requests.iter().map(|r| r.received_on).min().unwrap();
    println!(
        "children {} active plans {active} requests 2025 {} refused {refused} plans issued 2025 {} on time {on_time} advice {} late {advice_late} overdue reviews {overdue_reviews} open requests {open} placements {} disputes {} feedback {}",
        cw.children.len(),
        last_year.len(),
        issued_2025.len(),
        cw.advice.len(),
        cw.placements.len(),
        cw.disputes.len(),
        cw.feedback.len()
    );
    assert!((10_000..=14_000).contains(&cw.children.len()), "children {}", cw.children.len());
    assert!((7_500..=10_500).contains(&active), "active plans {active}");
    assert!(last_year.len() >= 2_000, "requests in 2025: {}", last_year.len());
    let refused_share = refused as f64 / last_year.len() as f64;
    assert!((0.18..=0.32).contains(&refused_share), "refused {refused_share}");
    let on_time_share = on_time as f64 / issued_2025.len() as f64;
    assert!(on_time_share < 0.5 && on_time_share > 0.15, "on time {on_time_share}");
    assert!(advice_late as f64 / cw.advice.len() as f64 > 0.3, "advice late {advice_late}");
    assert!(overdue_reviews > active / 20, "overdue reviews {overdue_reviews}");
    assert!(first <= jiff::civil::date(2021, 11, 30), "history starts {first}");
    assert!(open > 300, "open requests {open}");
    assert!(!cw.disputes.is_empty() && !cw.feedback.is_empty() && cw.population.len() >= 26 * 5);
    let costed = cw.placements.iter().filter(|p| p.annual_cost.is_some()).count();
    assert!(costed * 2 > cw.placements.len());
}

#[test]
fn the_month_to_date_agrees_with_todays_counts_on_every_day_of_a_month() {
    use sendtrack_domain::dates::Month;
    use sendtrack_domain::measures::MeasureId;
    use sendtrack_domain::measures::engine::Engine;
    use sendtrack_domain::worklist::{WorkFilter, Worklist, worklists};
    let pairs = [
        (MeasureId::DecisionsOverdue, Worklist::DecisionsOverdue),
        (MeasureId::AssessmentsInProgress, Worklist::Assessing),
        (MeasureId::RequestsOpenOver20Weeks, Worklist::PlansOverdue),
        (MeasureId::AdviceOutstanding, Worklist::AdviceOutstanding),
        (MeasureId::AdviceOverdue, Worklist::AdviceOverdue),
        (MeasureId::ReviewsOverdue, Worklist::ReviewsOverdue),
    ];
    // The demo as generated on 1 December, looked at on its first day, mid-month and its last.
    let cw = generate(&DemoOptions { children: 1500, seed: 4, as_at: jiff::civil::date(2026, 12, 1) });
    for day in [1, 15, 31] {
        let today = jiff::civil::date(2026, 12, day);
        let engine = Engine::as_at(&cw, today);
        let month = Month::containing(today);
        assert!(engine.to_date(month));
        let counts = worklists(&cw, today).today(&WorkFilter::default());
        for (id, list) in pairs {
            let measured = engine.value(id.def(), month).headline;
            assert_eq!(measured, Some(counts.count(list) as f64), "{id} on {today} against Today's {list:?}");
        }
    }
}

#[test]
fn the_demo_is_clean_where_a_real_authority_should_be_but_for_its_documented_faults() {
    let as_at = jiff::civil::date(2026, 11, 30);
    let cw = generate(&options(4000, 1));
    // One deliberate shared UPN, nothing else.
    let mut by_upn: HashMap<&str, usize> = HashMap::new();
    for c in &cw.children {
        if let Some(u) = &c.upn {
            *by_upn.entry(u.as_str()).or_default() += 1;
        }
    }
    assert_eq!(by_upn.values().filter(|n| **n > 1).collect::<Vec<_>>(), [&2], "one shared UPN, on purpose");
    // Every child with a plan has a primary need that is not nsa, but the one left without.
    let with_plan: std::collections::HashSet<&str> = cw.plans.iter().map(|p| p.child_id.as_str()).collect();
    let lacking: Vec<_> = cw
        .children
        .iter()
        .filter(|c| with_plan.contains(c.child_id.as_str()))
        .filter(|c| c.primary_need.is_none_or(|n| n == Need::NoSpecialistAssessment))
        .collect();
    assert_eq!(lacking.len(), 1, "one plan without a primary need, on purpose");
    // One child with neither UPN, ULN nor a reason, on purpose.
    let unidentified =
        cw.children.iter().filter(|c| c.upn.is_none() && c.uln.is_none() && c.upn_unknown.is_none()).count();
    assert_eq!(unidentified, 1);
    // No plan in force past the academic year in which the young person turned 25.
    let born: HashMap<&str, jiff::civil::Date> =
        cw.children.iter().map(|c| (c.child_id.as_str(), c.date_of_birth)).collect();
    for p in cw.plans.iter().filter(|p| p.issued_on <= as_at && p.ceased.is_none_or(|c| c.on > as_at)) {
        let age = sendtrack_domain::dates::age_on(born[p.child_id.as_str()], as_at);
        assert!(age <= 25, "plan {} is in force at {age}", p.plan_id);
    }
}

/// The rules run on several threads for a large authority; what they find, and the order
/// they report it in, is the same as on one. An authority with problems of every kind the
/// rules look for across files: duplicated ids, broken references, overlapping plans and
/// placements, dates out of order. (Checked once against the rules before they ran on
/// threads: the same 853 problems in the same order; the order of the files is held here.)
#[test]
fn the_rules_find_the_same_problems_in_the_same_order_on_any_number_of_threads() {
    use sendtrack_domain::validation::validate_on;
    let today = jiff::civil::date(2026, 11, 30);
    let mut cw = generate(&options(1500, 3));
    let day = |d: jiff::civil::Date, n: i32| d.checked_add(jiff::Span::new().days(n)).unwrap();
    for k in 0..40 {
        let plan = cw.plans[k * 7].clone();
        cw.plans.push_back(plan);
        let placement = cw.placements[k * 5].clone();
        cw.placements.push_back(placement);
        let entry = cw.case_log[k * 11].clone();
        cw.case_log.push_back(entry);
        let mut review = cw.reviews[k * 3].clone();
        review.plan_id = format!("P-gone-{k}").into();
        cw.reviews.push_back(review);
        cw.requests[k * 13].child_id = format!("C-gone-{k}").into();
        let advice = &mut cw.advice[k * 2];
        advice.received_on = Some(day(advice.requested_on, -3));
        cw.case_log[k * 17 + 1].child_id = cw.children[k].child_id.clone();
        cw.contacts[k * 19].child_id = format!("C-gone-{k}").into();
        cw.plan_settings[k * 23].plan_id = format!("P-gone-{k}").into();
    }
    let measure_ids = measures::ids();
    let on_one = validate_on(&cw, today, &measure_ids, 1);
    assert_eq!(on_one.len(), 853);
    // The order the rules are written in, which the rules on one thread found them in too:
    // the repeated ids of plans, placements and reviews, then the rules of requests, advice and
    // contacts, the case log (its repeated ids first), plans, placements, named settings,
    // reviews and disputes.
    use sendtrack_domain::records::RecordFile as F;
    let mut runs: Vec<F> = Vec::new();
    for p in &on_one {
        if runs.last() != Some(&p.file) {
            runs.push(p.file);
        }
    }
    let expected = [
        F::Plans,
        F::Placements,
        F::Reviews,
        F::Requests,
        F::Advice,
        F::Contacts,
        F::CaseLog,
        F::Plans,
        F::Placements,
        F::PlanSettings,
        F::Reviews,
        F::Disputes,
    ];
    assert_eq!(runs, expected);
    for threads in [2, 3, 8] {
        assert_eq!(validate_on(&cw, today, &measure_ids, threads), on_one, "on {threads} threads");
    }
}
