//! Each measure on small hand-made casework, with the boundaries the catalogue names.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers may panic: a panic is a failed test.

use jiff::civil::{Date, date};
use sendtrack_domain::codes::*;
use sendtrack_domain::dates::{Month, add_days};
use sendtrack_domain::identifiers::Pounds;
use sendtrack_domain::measures::engine::{Engine, RecordRef};
use sendtrack_domain::measures::{CATALOGUE, Dimension, MeasureId, find};
use sendtrack_domain::records::*;
use sendtrack_domain::testing;

fn child(id: &str, born: Date, need: Option<Need>) -> Child {
    Child { primary_need: need, ..testing::child(id, born) }
}

fn request(id: &str, child: &str, received: Date) -> Request {
    Request { source: Some(RequestSource::Parent), ..testing::request(id, child, received) }
}

fn decided(mut r: Request, decision: AssessmentDecision, day: i64) -> Request {
    r.decision = Some(Dated::new(decision, add_days(r.received_on, day)));
    r
}

fn outcome(mut r: Request, outcome: AssessmentOutcome, day: i64) -> Request {
    r.outcome = Some(Dated::new(outcome, add_days(r.received_on, day)));
    r
}

fn plan(id: &str, child: &str, issued: Date, ceased: Option<(Date, CeaseReason)>) -> Plan {
    Plan { ceased: ceased.map(|(d, r)| Dated::new(r, d)), ..testing::plan(id, child, issued) }
}

fn placement(id: &str, child: &str, setting: Setting, start: Date, end: Option<Date>, cost: Option<&str>) -> Placement {
    Placement {
        ended_on: end,
        annual_cost: cost.map(|c| Pounds::parse(c).unwrap()),
        ..testing::placement(id, child, setting, start)
    }
}

fn month(y: i16, m: i8) -> Month {
    Month::new(y, m).unwrap()
}

fn value(cw: &Casework, id: MeasureId, m: Month) -> Option<f64> {
    Engine::new(cw).value(id.def(), m).headline
}

fn breakdown(cw: &Casework, id: MeasureId, m: Month, dimension: Dimension) -> Vec<(String, Option<f64>)> {
    Engine::new(cw)
        .value(id.def(), m)
        .breakdowns
        .into_iter()
        .filter(|(d, _, _)| *d == dimension)
        .map(|(_, k, v)| (k, v))
        .collect()
}

fn children() -> imbl::Vector<Child> {
    imbl::vector![
        child("C1", date(2015, 3, 1), Some(Need::Autism)),
        child("C2", date(2008, 2, 29), None),
        child("C3", date(2004, 6, 1), Some(Need::SocialEmotionalMentalHealth)),
    ]
}

#[test]
fn every_measure_of_the_catalogue_is_computed_and_matches_the_spec() {
    // Every measure has a computation by construction (MeasureId::stream is an exhaustive
    // match); its id, its definition and its place in the catalogue agree.
    assert_eq!(MeasureId::ALL.len(), CATALOGUE.len());
    for (m, id) in CATALOGUE.iter().zip(MeasureId::ALL) {
        assert_eq!(m.measure, *id);
        assert_eq!((m.measure.code(), MeasureId::parse(m.id)), (m.id, Some(*id)));
        assert_eq!(id.def().id, m.id);
    }
    let spec = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/spec/measures.md")).unwrap();
    let shared = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/spec/measures.md"));
    // The repository's copy may add to the shared catalogue, never change what it defines:
    // every line of the shared file (each measure's row, each term and rule) is in ours as it is.
    if let Ok(shared) = shared {
        for line in shared.lines().filter(|l| !l.trim().is_empty()) {
            assert!(
                spec.lines().any(|ours| ours == line),
                "docs/spec/measures.md changes or drops this line of shared/spec/measures.md:\n{line}"
            );
        }
    }
    // Breakdowns sendtrack adds to measures of the shared catalogue, listed in their own table
    // so that the shared rows stay as they are.
    let mut added: Vec<(String, String)> = Vec::new();
    for line in spec.lines() {
        let cells: Vec<&str> = line.trim().trim_matches('|').split('|').map(str::trim).collect();
        if cells.len() == 2 && find(cells[0]).is_some() {
            added.push((cells[0].to_string(), cells[1].to_string()));
        }
    }
    let mut spec_ids = Vec::new();
    for line in spec.lines() {
        let cells: Vec<&str> = line.trim().trim_matches('|').split('|').map(str::trim).collect();
        if cells.len() == 6
            && cells[0] != "id"
            && cells[0].chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            spec_ids.push(cells[0].to_string());
            let m = find(cells[0]).unwrap_or_else(|| panic!("{} is in the spec but not in the catalogue", cells[0]));
            assert_eq!(m.unit.code(), cells[1], "{} unit", m.id);
            assert_eq!(m.better.code(), cells[2], "{} direction", m.id);
            assert_eq!(m.definition, cells[3], "{} definition", m.id);
            let dims: Vec<&str> = m.breakdowns.iter().map(|d| d.code()).collect();
            for d in &dims {
                let more = added.iter().find(|(id, _)| id == m.id).map_or("", |(_, dims)| dims.as_str());
                assert!(cells[4].contains(d) || more.contains(d), "{} breakdown {d}", m.id);
            }
        }
    }
    assert_eq!(spec_ids.len(), CATALOGUE.len());
    assert_eq!(spec_ids, CATALOGUE.iter().map(|m| m.id.to_string()).collect::<Vec<_>>());
    assert_eq!(MeasureId::parse("no_such_measure"), None);
}

#[test]
fn requests_received_by_month_with_breakdowns() {
    let mut school = request("R3", "C3", date(2024, 3, 31));
    school.source = Some(RequestSource::School);
    let cw = Casework {
        children: children(),
        requests: imbl::vector![
            request("R1", "C1", date(2024, 3, 1)),
            request("R2", "C2", date(2024, 2, 29)),
            school,
            request("R4", "C1", date(2023, 3, 5)),
        ],
        population: (0..=25).map(|age| PopulationCount { year: 2023, age, count: 1000 }).collect(),
        ..Casework::default()
    };
    assert_eq!(value(&cw, MeasureId::RequestsReceived, month(2024, 3)), Some(2.0));
    assert_eq!(value(&cw, MeasureId::RequestsReceivedYtd, month(2024, 3)), Some(3.0));
    assert_eq!(value(&cw, MeasureId::RequestsReceivedChangePct, month(2024, 3)), Some(100.0));
    assert_eq!(value(&cw, MeasureId::RequestsReceivedChangePct, month(2024, 4)), None); // nothing a year before
    assert_eq!(value(&cw, MeasureId::RequestsFromParentsPct, month(2024, 3)), Some(50.0));
    assert_eq!(value(&cw, MeasureId::RequestsFromParentsPct, month(2024, 4)), None);
    // Trailing 12 months to March 2024: R1, R2, R3 (R4 is March 2023). Population 2024 falls
    // back to 2023: ages 0-24 = 25,000.
    assert_eq!(value(&cw, MeasureId::RequestsRatePer10k, month(2024, 3)), Some(3.0 / 25_000.0 * 10_000.0));
    assert_eq!(value(&cw, MeasureId::RequestsPct0To24, month(2024, 3)), Some(3.0 / 25_000.0 * 100.0));
    assert_eq!(value(&cw, MeasureId::RequestsRatePer10k, month(2022, 12)), None); // no population that early
    assert_eq!(
        breakdown(&cw, MeasureId::RequestsReceived, month(2024, 3), Dimension::Source),
        [("parent".to_string(), Some(1.0)), ("school".to_string(), Some(1.0))]
    );
    assert_eq!(
        breakdown(&cw, MeasureId::RequestsReceived, month(2024, 3), Dimension::AgeBand),
        [("16_19".to_string(), Some(1.0)), ("5_10".to_string(), Some(1.0))]
    );
    assert_eq!(
        breakdown(&cw, MeasureId::RequestsReceived, month(2024, 3), Dimension::PrimaryNeed),
        [("asd".to_string(), Some(1.0)), ("semh".to_string(), Some(1.0))]
    );
}

#[test]
fn decisions_within_six_weeks_at_the_day_42_boundary() {
    let base = date(2024, 1, 10);
    let cw = Casework {
        children: children(),
        requests: imbl::vector![
            decided(request("R1", "C1", base), AssessmentDecision::Assess, 42),
            decided(request("R2", "C2", add_days(base, -1)), AssessmentDecision::Refuse, 43),
            decided(request("R3", "C3", base), AssessmentDecision::Withdrawn, 40),
            request("R4", "C1", date(2024, 1, 19)),
        ],
        ..Casework::default()
    };
    let feb = month(2024, 2);
    assert_eq!(value(&cw, MeasureId::DecisionsMade, feb), Some(2.0));
    assert_eq!(value(&cw, MeasureId::DecisionsWithin6WeeksPct, feb), Some(50.0));
    assert_eq!(value(&cw, MeasureId::AssessRatePct, feb), Some(50.0));
    assert_eq!(
        breakdown(&cw, MeasureId::DecisionsMade, feb, Dimension::Decision),
        [("assess".to_string(), Some(1.0)), ("refuse".to_string(), Some(1.0))]
    );
    // R4, received 19 January, is 41 days old at 29 February: not overdue yet. At 31 March it is.
    assert_eq!(value(&cw, MeasureId::DecisionsOverdue, feb), Some(0.0));
    assert_eq!(value(&cw, MeasureId::DecisionsOverdue, month(2024, 3)), Some(1.0));
    assert_eq!(value(&cw, MeasureId::RequestsOpen, month(2024, 1)), Some(4.0));
    assert_eq!(value(&cw, MeasureId::RequestsOpen, feb), Some(2.0)); // R1 assessing, R4 awaiting decision
    assert_eq!(value(&cw, MeasureId::AssessmentsInProgress, feb), Some(1.0));
    assert_eq!(
        breakdown(&cw, MeasureId::RequestsOpen, feb, Dimension::Stage),
        [("assessing".to_string(), Some(1.0)), ("awaiting_decision".to_string(), Some(1.0))]
    );
}

#[test]
fn open_requests_past_20_30_and_52_weeks() {
    // Received 1 January 2023; assessing. At 31 May 2023 it is 150 days old.
    let r = decided(request("R1", "C1", date(2023, 1, 1)), AssessmentDecision::Assess, 30);
    let cw = Casework { children: children(), requests: imbl::vector![r], ..Casework::default() };
    assert_eq!(value(&cw, MeasureId::RequestsOpenOver20Weeks, month(2023, 5)), Some(1.0));
    assert_eq!(value(&cw, MeasureId::RequestsOpenOver20Weeks, month(2023, 4)), Some(0.0)); // day 119
    assert_eq!(value(&cw, MeasureId::RequestsOpenOver30Weeks, month(2023, 6)), Some(0.0)); // 30 June is day 180
    assert_eq!(value(&cw, MeasureId::RequestsOpenOver30Weeks, month(2023, 7)), Some(1.0)); // 31 July is day 211
    assert_eq!(value(&cw, MeasureId::RequestsOpenOver52Weeks, month(2023, 12)), Some(0.0)); // day 364
    assert_eq!(value(&cw, MeasureId::RequestsOpenOver52Weeks, month(2024, 1)), Some(1.0));
}

#[test]
fn assessments_and_plans_issued_at_the_day_140_boundary() {
    let d = date(2024, 1, 1);
    let mut exception =
        outcome(decided(request("R3", "C3", d), AssessmentDecision::Assess, 30), AssessmentOutcome::Plan, 150);
    exception.exception = Some(TimeLimitException::PersonalCircumstances);
    let cw = Casework {
        children: children(),
        requests: imbl::vector![
            outcome(
                decided(request("R1", "C1", add_days(d, 10)), AssessmentDecision::Assess, 30),
                AssessmentOutcome::Plan,
                140,
            ),
            outcome(
                decided(request("R2", "C2", add_days(d, 9)), AssessmentDecision::Assess, 30),
                AssessmentOutcome::Plan,
                141,
            ),
            exception,
            outcome(
                decided(request("R4", "C1", add_days(d, 20)), AssessmentDecision::Assess, 30),
                AssessmentOutcome::NoPlan,
                113,
            ),
            outcome(
                decided(request("R5", "C2", add_days(d, 20)), AssessmentDecision::Assess, 30),
                AssessmentOutcome::Withdrawn,
                113,
            ),
        ],
        ..Casework::default()
    };
    // All outcomes fall in May 2024 (R1: 20 Jan + 140 = 29 May; R2: 19 May... let the engine say).
    let may = month(2024, 5);
    let june = month(2024, 6);
    let months = [may, june];
    let total = |id: MeasureId| months.iter().map(|&m| value(&cw, id, m).unwrap_or(0.0)).sum::<f64>();
    assert_eq!(total(MeasureId::AssessmentsCompleted), 4.0); // not the withdrawn one
    assert_eq!(total(MeasureId::AssessmentsCompletedOnTime), 1.0); // R1 (day 140)
    assert_eq!(total(MeasureId::PlansIssued), 3.0);
    assert_eq!(total(MeasureId::PlansIssuedWithin20Weeks), 1.0);
    assert_eq!(value(&cw, MeasureId::AssessmentsCompletedOnTimePctYtd, june), Some(25.0));
    assert_eq!(value(&cw, MeasureId::PlansIssuedWithin20WeeksPctYtd, june), Some(50.0)); // R1 of R1, R2
    assert_eq!(value(&cw, MeasureId::AssessmentToPlanPct, june), Some(75.0));
    let r1 = Engine::new(&cw)
        .tally(MeasureId::PlansIssuedWithin20Weeks.def(), Month::containing(cw.requests[0].outcome.unwrap().on));
    assert_eq!(r1.facts().map(|f| f.record).collect::<Vec<_>>(), [RecordRef::Request(0)]);
}

#[test]
fn the_dfe_headline_leaves_exception_cases_out_of_both_counts() {
    let d = date(2024, 1, 1);
    let mut late_exception =
        outcome(decided(request("R2", "C2", d), AssessmentDecision::Assess, 30), AssessmentOutcome::Plan, 200);
    late_exception.exception = Some(TimeLimitException::SchoolClosure);
    let mut on_time =
        outcome(decided(request("R1", "C1", d), AssessmentDecision::Assess, 30), AssessmentOutcome::Plan, 200);
    on_time.received_on = add_days(d, 60); // outcome on day 140 of this request
    let cw = Casework { children: children(), requests: imbl::vector![on_time, late_exception], ..Casework::default() };
    let m = month(2024, 7); // day 200 from 1 January is 19 July
    assert_eq!(value(&cw, MeasureId::PlansIssued, m), Some(2.0));
    assert_eq!(value(&cw, MeasureId::PlansIssuedWithin20WeeksPct, m), Some(100.0));
    assert_eq!(value(&cw, MeasureId::PlansIssuedWithin20WeeksInclExceptionsPct, m), Some(50.0));
    assert_eq!(value(&cw, MeasureId::PlansIssuedAvgWeeks, m), Some((140.0 / 7.0 + 200.0 / 7.0) / 2.0));
}

#[test]
fn advice_outstanding_overdue_and_timely() {
    let r = decided(request("R1", "C1", date(2024, 1, 1)), AssessmentDecision::Assess, 20);
    let closed = outcome(
        decided(request("R2", "C2", date(2024, 1, 1)), AssessmentDecision::Assess, 20),
        AssessmentOutcome::NoPlan,
        60,
    );
    let advice =
        |id: &str, request: &str, kind, requested: Date, received: Option<Date>, provider: Option<&str>| Advice {
            advice_id: id.into(),
            request_id: request.into(),
            kind,
            provider: provider.map(str::to_string),
            requested_on: requested,
            received_on: received,
            organisation_id: None,
        };
    let cw = Casework {
        children: children(),
        requests: imbl::vector![r, closed],
        advice: imbl::vector![
            advice("A1", "R1", AdviceKind::EducationalPsychology, date(2024, 1, 21), None, Some("EPS")),
            advice("A2", "R1", AdviceKind::Health, date(2024, 2, 20), None, None),
            advice("A3", "R1", AdviceKind::SocialCare, date(2024, 1, 21), Some(date(2024, 3, 3)), None), // day 42
            advice("A4", "R1", AdviceKind::Education, date(2024, 1, 21), Some(date(2024, 3, 4)), None),  // day 43
            advice("A5", "R2", AdviceKind::Health, date(2024, 1, 21), None, None),
        ],
        ..Casework::default()
    };
    let feb = month(2024, 2);
    let mar = month(2024, 3);
    // End of February: A1, A2, A3, A4 outstanding for R1; A5 too (R2 closes 1 March).
    assert_eq!(value(&cw, MeasureId::AdviceOutstanding, feb), Some(5.0));
    // End of March: A1, A2 outstanding; R2 closed so A5 is not awaited.
    assert_eq!(value(&cw, MeasureId::AdviceOutstanding, mar), Some(2.0));
    // A1 requested 21 January is 70 days old; A2 (20 February) is 40 days old.
    assert_eq!(value(&cw, MeasureId::AdviceOverdue, mar), Some(1.0));
    assert_eq!(
        breakdown(&cw, MeasureId::AdviceOutstanding, mar, Dimension::Provider),
        [("EPS".to_string(), Some(1.0)), ("unknown".to_string(), Some(1.0))]
    );
    assert_eq!(
        breakdown(&cw, MeasureId::AdviceOverdue, mar, Dimension::Kind),
        [("educational_psychology".to_string(), Some(1.0))]
    );
    assert_eq!(value(&cw, MeasureId::AdviceWithin6WeeksPct, mar), Some(50.0));
    assert_eq!(value(&cw, MeasureId::AdviceWithin6WeeksPct, feb), None);
}

#[test]
fn plans_in_force_by_setting_age_and_need() {
    let cw = Casework {
        children: children(),
        plans: imbl::vector![
            plan("P1", "C1", date(2020, 1, 1), None),
            plan("P2", "C2", date(2019, 1, 1), Some((date(2024, 3, 31), CeaseReason::NeedsMet))),
            plan("P3", "C3", date(2018, 1, 1), None),
        ],
        placements: imbl::vector![
            placement("S1", "C1", Setting::Mainstream, date(2020, 1, 1), Some(date(2024, 3, 30)), Some("8000")),
            placement("S2", "C1", Setting::SpecialIndependent, date(2024, 3, 31), None, Some("60000")),
            placement("S3", "C2", Setting::SpecialMaintained, date(2019, 1, 1), None, Some("25000")),
            placement("S4", "C3", Setting::Neet, date(2022, 9, 1), None, None),
        ],
        population: (0..=25).map(|age| PopulationCount { year: 2024, age, count: 100 }).collect(),
        ..Casework::default()
    };
    let mar = month(2024, 3);
    let feb = month(2024, 2);
    assert_eq!(value(&cw, MeasureId::PlansActive, feb), Some(3.0));
    assert_eq!(value(&cw, MeasureId::PlansActive, mar), Some(2.0)); // P2 ceased on the last day of March
    assert_eq!(value(&cw, MeasureId::PlansCeased, mar), Some(1.0));
    assert_eq!(breakdown(&cw, MeasureId::PlansCeased, mar, Dimension::AgeBand), [("16_19".to_string(), Some(1.0))]); // 29 Feb 2008 → 16 on 1 March 2024
    assert_eq!(value(&cw, MeasureId::PlansActivePct0To24, mar), Some(2.0 / 2500.0 * 100.0));
    assert_eq!(
        breakdown(&cw, MeasureId::PlansActive, mar, Dimension::Setting),
        [("neet".to_string(), Some(1.0)), ("special_independent".to_string(), Some(1.0))]
    );
    assert_eq!(
        breakdown(&cw, MeasureId::PlansActive, mar, Dimension::PrimaryNeed),
        [("asd".to_string(), Some(1.0)), ("semh".to_string(), Some(1.0))]
    );
    assert_eq!(value(&cw, MeasureId::PlansInMainstreamPct, feb), Some(100.0 / 3.0));
    assert_eq!(value(&cw, MeasureId::PlansInIndependentSpecialPct, mar), Some(50.0));
    assert_eq!(value(&cw, MeasureId::PlansNeet16To25Pct, mar), Some(100.0)); // C3 is 19; C1 is 9
    assert_eq!(value(&cw, MeasureId::PlansEotasPct, mar), Some(0.0));
    // Costs at the end of February: S1 8,000 and S3 25,000 (S4 has none).
    assert_eq!(value(&cw, MeasureId::PlacementAvgAnnualCost, feb), Some(16_500.0));
    assert_eq!(value(&cw, MeasureId::IndependentSpendSharePct, mar), Some(100.0)); // S2 only (P2 ceased)
    assert_eq!(value(&cw, MeasureId::IndependentSpendSharePct, feb), Some(0.0));
    // Two active plans now, three a year before.
    assert_eq!(value(&cw, MeasureId::PlansActiveChangePct, mar), Some((2.0 - 3.0) * 100.0 / 3.0));
}

#[test]
fn reviews_completed_overdue_and_timely() {
    let p = plan("P1", "C1", date(2022, 1, 10), None);
    let review =
        |id: &str, meeting: Option<Date>, decision: Option<(ReviewDecision, Date)>, amended: Option<Date>| Review {
            meeting_on: meeting,
            decision: decision.map(|(v, d)| Dated::new(v, d)),
            amended_on: amended,
            ..testing::review(id, "P1")
        };
    let cw = Casework {
        children: children(),
        plans: imbl::vector![p],
        reviews: imbl::vector![
            // Due 9 January 2023; held on the day, decided on day 28: on time.
            review(
                "V1",
                Some(date(2023, 1, 9)),
                Some((ReviewDecision::Amend, date(2023, 2, 6))),
                Some(date(2023, 4, 3)),
            ),
            // Due 8 January 2024; held a day late: not on time.
            review("V2", Some(date(2024, 1, 9)), Some((ReviewDecision::Maintain, date(2024, 2, 6))), None),
        ],
        ..Casework::default()
    };
    let feb23 = month(2023, 2);
    assert_eq!(value(&cw, MeasureId::ReviewsCompleted, feb23), Some(1.0));
    assert_eq!(value(&cw, MeasureId::ReviewsCompletedOnTimePct, feb23), Some(100.0));
    assert_eq!(value(&cw, MeasureId::ReviewsDecisionAvgWeeks, feb23), Some(4.0));
    assert_eq!(value(&cw, MeasureId::ReviewsCompletedOnTimePct, month(2024, 2)), Some(0.0));
    // Amendment due 3 April 2023 (56 days from 6 February); at 31 March not overdue, issued 3 April.
    assert_eq!(value(&cw, MeasureId::ReviewsOverdue, month(2023, 3)), Some(0.0));
    // Next meeting due 8 January 2024: at 31 January 2024 V2 was held 9 January, awaiting decision, 22 days.
    assert_eq!(value(&cw, MeasureId::ReviewsOverdue, month(2024, 1)), Some(0.0));
    // At the end of December 2022 the first review (due 9 January 2023) is not overdue.
    assert_eq!(value(&cw, MeasureId::ReviewsOverdue, month(2022, 12)), Some(0.0));
    // Next due 8 January 2025 after V2: overdue at the end of January 2025, awaiting meeting.
    assert_eq!(
        breakdown(&cw, MeasureId::ReviewsOverdue, month(2025, 1), Dimension::State),
        [("awaiting_meeting".to_string(), Some(1.0))]
    );
    assert_eq!(
        breakdown(&cw, MeasureId::ReviewsCompleted, feb23, Dimension::Decision),
        [("amend".to_string(), Some(1.0))]
    );
}

#[test]
fn phase_transfers_finalised_before_the_deadline() {
    let review =
        |id: &str, meeting: Date, decision: Option<(ReviewDecision, Date)>, amended: Option<Date>, transfer| Review {
            meeting_on: Some(meeting),
            decision: decision.map(|(v, d)| Dated::new(v, d)),
            amended_on: amended,
            phase_transfer: Some(transfer),
            ..testing::review(id, "P1")
        };
    let cw = Casework {
        children: children(),
        plans: imbl::vector![plan("P1", "C1", date(2020, 1, 1), None), plan("P2", "C2", date(2020, 1, 1), None)],
        reviews: imbl::vector![
            review(
                "V1",
                date(2024, 10, 1),
                Some((ReviewDecision::Amend, date(2024, 10, 20))),
                Some(date(2025, 2, 14)),
                PhaseTransfer::School,
            ),
            Review {
                plan_id: "P2".into(),
                ..review(
                    "V2",
                    date(2024, 11, 1),
                    Some((ReviewDecision::Amend, date(2024, 11, 20))),
                    Some(date(2025, 2, 15)),
                    PhaseTransfer::School,
                )
            },
        ],
        ..Casework::default()
    };
    assert_eq!(value(&cw, MeasureId::PhaseTransfersFinalisedPct, month(2024, 9)), None);
    assert_eq!(value(&cw, MeasureId::PhaseTransfersFinalisedPct, month(2025, 1)), Some(0.0));
    assert_eq!(value(&cw, MeasureId::PhaseTransfersFinalisedPct, month(2025, 2)), Some(50.0));
    assert_eq!(value(&cw, MeasureId::PhaseTransfersFinalisedPct, month(2025, 9)), None); // a new academic year
}

#[test]
fn disputes_and_feedback_year_to_date() {
    let dispute = |id: &str, child: &str, kind, opened: Date, outcome: Option<(DisputeOutcome, Date)>| Dispute {
        dispute_id: id.into(),
        child_id: child.into(),
        kind,
        request_id: None,
        opened_on: Some(opened),
        outcome: outcome.map(|(v, d)| Dated::new(v, d)),
    };
    let cw = Casework {
        children: children(),
        disputes: imbl::vector![
            dispute(
                "D1",
                "C1",
                DisputeKind::Mediation,
                date(2024, 1, 10),
                Some((DisputeOutcome::CertificateIssued, date(2024, 2, 1))),
            ),
            dispute(
                "D2",
                "C1",
                DisputeKind::Appeal,
                date(2024, 3, 1),
                Some((DisputeOutcome::Conceded, date(2024, 5, 1))),
            ),
            dispute("D3", "C2", DisputeKind::Mediation, date(2024, 2, 1), None),
            dispute(
                "D4",
                "C3",
                DisputeKind::Appeal,
                date(2023, 6, 1),
                Some((DisputeOutcome::LaFavour, date(2024, 1, 15))),
            ),
        ],
        feedback: imbl::vector![
            Feedback {
                feedback_id: "F1".into(),
                kind: FeedbackKind::Complaint,
                received_on: date(2024, 2, 3),
                child_id: None,
                subject: None,
                stage: None,
                ombudsman_outcome: None,
            },
            Feedback {
                feedback_id: "F2".into(),
                kind: FeedbackKind::Compliment,
                received_on: date(2024, 2, 29),
                child_id: Some("C1".into()),
                subject: None,
                stage: None,
                ombudsman_outcome: None,
            },
        ],
        ..Casework::default()
    };
    assert_eq!(value(&cw, MeasureId::MediationsYtd, month(2024, 2)), Some(2.0));
    assert_eq!(value(&cw, MeasureId::AppealsRegisteredYtd, month(2024, 2)), Some(0.0));
    assert_eq!(value(&cw, MeasureId::AppealsRegisteredYtd, month(2024, 3)), Some(1.0));
    assert_eq!(value(&cw, MeasureId::AppealsWonPctYtd, month(2024, 1)), Some(100.0));
    assert_eq!(value(&cw, MeasureId::AppealsLostPctYtd, month(2024, 5)), Some(50.0));
    assert_eq!(value(&cw, MeasureId::MediationsFollowedByAppealPctYtd, month(2024, 2)), Some(0.0));
    assert_eq!(value(&cw, MeasureId::MediationsFollowedByAppealPctYtd, month(2024, 3)), Some(50.0));
    assert_eq!(value(&cw, MeasureId::Complaints, month(2024, 2)), Some(1.0));
    assert_eq!(value(&cw, MeasureId::Compliments, month(2024, 2)), Some(1.0));
    assert_eq!(value(&cw, MeasureId::AppealsLostPctYtd, month(2023, 12)), None);
}

#[test]
fn a_month_that_has_not_ended_is_to_date_as_at_today_and_counts_flows_up_to_today() {
    let today = date(2026, 12, 15);
    let mut cw = Casework { children: children(), ..Casework::default() };
    // Decided to assess on 1 November; advice asked for on 2 November is due on 14 December.
    let r = decided(request("R1", "C1", date(2026, 10, 1)), AssessmentDecision::Assess, 31);
    cw.requests.push_back(r);
    cw.advice.push_back(Advice {
        advice_id: "A1".into(),
        request_id: "R1".into(),
        kind: AdviceKind::Health,
        provider: None,
        requested_on: date(2026, 11, 2),
        received_on: None,
        organisation_id: None,
    });
    // Received on 10 December (counted to date), and one dated after today (not counted).
    cw.requests.push_back(request("R2", "C2", date(2026, 12, 10)));
    cw.requests.push_back(request("R3", "C3", date(2026, 12, 20)));
    // A year earlier: one request on 5 December 2025 (the same span), one on 20 December.
    cw.requests.push_back(request("R4", "C2", date(2025, 12, 5)));
    cw.requests.push_back(request("R5", "C3", date(2025, 12, 20)));
    let december = month(2026, 12);
    let engine = Engine::as_at(&cw, today);
    assert!(engine.to_date(december) && !engine.to_date(month(2026, 11)));
    assert_eq!(engine.end_of(december), today);
    let at = |id: MeasureId| engine.value(id.def(), december).headline;
    // As at 15 December the advice is overdue (due 14 December); as at 31 December too, but
    // that is a date still to come.
    assert_eq!(at(MeasureId::AdviceOverdue), Some(1.0));
    let on_the_14th = Engine::as_at(&cw, date(2026, 12, 14));
    assert_eq!(on_the_14th.value(MeasureId::AdviceOverdue.def(), december).headline, Some(0.0));
    assert_eq!(Engine::new(&cw).value(MeasureId::AdviceOverdue.def(), december).headline, Some(1.0));
    // Flows count up to today: R2 yes, R3 (dated after today) no.
    assert_eq!(at(MeasureId::RequestsReceived), Some(1.0));
    assert_eq!(Engine::new(&cw).value(MeasureId::RequestsReceived.def(), december).headline, Some(2.0));
    // 1 to 15 December 2026 against 1 to 15 December 2025: one against one, no change.
    assert_eq!(at(MeasureId::RequestsReceivedChangePct), Some(0.0));
    // A complete month compares whole months.
    let next_year = Engine::as_at(&cw, date(2027, 1, 3));
    assert_eq!(next_year.value(MeasureId::RequestsReceivedChangePct.def(), december).headline, Some(0.0));
    assert_eq!(next_year.value(MeasureId::RequestsReceived.def(), december).headline, Some(2.0));
    // 29 February: the same day a year earlier is 28 February.
    let leap = Engine::as_at(&cw, date(2028, 2, 29));
    assert_eq!(leap.year_before_end_of(month(2028, 2)), date(2027, 2, 28));
    assert_eq!(leap.year_before_end_of(month(2028, 1)), date(2027, 1, 31));
}

#[test]
fn breakdown_keys_are_shown_in_words() {
    assert_eq!(Dimension::Setting.key_label("nmss"), "Non-maintained special school");
    assert_eq!(Dimension::PrimaryNeed.key_label("asd"), "Autism");
    assert_eq!(Dimension::AgeBand.key_label("under_5"), "Under 5");
    assert_eq!(Dimension::AgeBand.key_label("11_15"), "11 to 15");
    assert_eq!(Dimension::State.key_label("awaiting_meeting"), "Awaiting meeting");
    assert_eq!(Dimension::Provider.key_label("County EP Service"), "County EP Service");
    assert_eq!(Dimension::Kind.key_label("unknown"), "Not recorded");
}

fn member(id: &str, role: StaffRole, contract: Contract, fte: &str, started: Date, ended: Option<Date>) -> StaffMember {
    StaffMember {
        staff_id: id.into(),
        name: format!("Person {id}"),
        email: None,
        role,
        team: Some(if id.ends_with('1') { "Primary" } else { "Secondary" }.into()),
        fte: sendtrack_domain::identifiers::Fte::parse(fte).unwrap(),
        contract,
        post_id: Some(format!("POST-{id}").into()),
        started_on: started,
        ended_on: ended,
    }
}

fn post(id: &str, fte: &str, from: Date, to: Option<Date>) -> Post {
    Post {
        post_id: id.into(),
        role: StaffRole::Caseworker,
        team: Some("Primary".into()),
        fte: sendtrack_domain::identifiers::Fte::parse(fte).unwrap(),
        funded_from: from,
        funded_to: to,
    }
}

/// The workforce at the boundaries: a leaver whose last day is the month end is in post that
/// month and not the next; a plan whose holder has left is unallocated; a part-timer counts
/// by their fte; with no caseworker fte the caseload is undefined.
#[test]
fn workforce_and_caseloads() {
    let (jan, feb, mar) = (month(2026, 1), month(2026, 2), month(2026, 3));
    let caseworkers = || {
        imbl::vector![
            // Full time, permanent, since 2020.
            member("cw001", StaffRole::Caseworker, Contract::Permanent, "1.0", date(2020, 1, 6), None),
            // Part time, interim; their last day is 28 February.
            member(
                "cw002",
                StaffRole::SeniorCaseworker,
                Contract::Interim,
                "0.6",
                date(2025, 6, 1),
                Some(date(2026, 2, 28))
            ),
            // A team manager, agency, who starts on 2 February.
            member("tm001", StaffRole::TeamManager, Contract::Agency, "0.5", date(2026, 2, 2), None),
        ]
    };
    // R1 (cw001) and R2 (cw002) are open; P1 is held by its own caseworker cw002, P2 by its
    // request R1's caseworker cw001, P3 by nobody.
    let mut r1 = request("R1", "C1", date(2026, 1, 5));
    r1.caseworker = Some("cw001".into());
    let mut r2 = request("R2", "C2", date(2026, 1, 12));
    r2.caseworker = Some("cw002".into());
    let mut p1 = plan("P1", "C3", date(2024, 5, 1), None);
    p1.caseworker = Some("cw002".into());
    let mut p2 = plan("P2", "C4", date(2024, 5, 1), None);
    p2.request_id = Some("R4".into());
    let mut r4 = outcome(
        decided(request("R4", "C4", date(2023, 11, 1)), AssessmentDecision::Assess, 30),
        AssessmentOutcome::Plan,
        130,
    );
    r4.caseworker = Some("cw001".into());
    let p3 = plan("P3", "C5", date(2024, 5, 1), None);
    let born = date(2015, 1, 1);
    let cw = Casework {
        children: ["C1", "C2", "C3", "C4", "C5"].iter().map(|c| child(c, born, None)).collect(),
        requests: imbl::vector![r1, r2, r4],
        plans: imbl::vector![p1, p2, p3],
        staff: caseworkers(),
        posts: imbl::vector![
            post("POST-cw001", "1.0", date(2019, 4, 1), None),
            post("POST-cw002", "1.0", date(2025, 4, 1), None),
            post("POST-tm001", "0.5", date(2026, 2, 1), None),
            // Funded until 31 January only.
            post("POST-old", "0.4", date(2025, 1, 1), Some(date(2026, 1, 31))),
        ],
        ..Casework::default()
    };
    assert_eq!(value(&cw, MeasureId::StaffInPost, jan), Some(2.0));
    assert_eq!(value(&cw, MeasureId::StaffInPost, feb), Some(3.0), "the leaver is in post on their last day");
    assert_eq!(value(&cw, MeasureId::StaffInPost, mar), Some(2.0));
    let fte = |m| value(&cw, MeasureId::StaffInPostFte, m).map(|v| (v * 10_000.0).round() / 10_000.0);
    assert_eq!((fte(jan), fte(feb), fte(mar)), (Some(1.6), Some(2.1), Some(1.5)));
    assert_eq!(value(&cw, MeasureId::StaffInterimAgencyPct, feb), Some(200.0 / 3.0));
    assert_eq!(value(&cw, MeasureId::StaffInterimAgencyPct, mar), Some(50.0));
    assert_eq!(value(&cw, MeasureId::StaffStarters, feb), Some(1.0));
    assert_eq!(value(&cw, MeasureId::StaffLeavers, feb), Some(1.0));
    assert_eq!(value(&cw, MeasureId::StaffLeavers, mar), Some(0.0));
    assert_eq!(
        breakdown(&cw, MeasureId::StaffInPost, feb, Dimension::Contract),
        [("agency".to_string(), Some(1.0)), ("interim".to_string(), Some(1.0)), ("permanent".to_string(), Some(1.0))]
    );
    // Vacancies: in January POST-cw002 is 0.4 short (a 0.6 person in a 1.0 post) and POST-old
    // is empty; in March cw002 has gone (1.0 vacant) and POST-old is no longer funded.
    let vacant = |m| value(&cw, MeasureId::PostsVacantFte, m).map(|v| (v * 10_000.0).round() / 10_000.0);
    assert_eq!((vacant(jan), vacant(feb), vacant(mar)), (Some(0.8), Some(0.4), Some(1.0)));
    // Allocation: P3 has no holder; in March P1's holder has left.
    assert_eq!(value(&cw, MeasureId::PlansUnallocated, feb), Some(1.0));
    assert_eq!(value(&cw, MeasureId::PlansUnallocated, mar), Some(2.0));
    assert_eq!(
        breakdown(&cw, MeasureId::PlansUnallocated, mar, Dimension::Caseworker),
        [("cw002".to_string(), Some(1.0)), ("unallocated".to_string(), Some(1.0))]
    );
    // Caseload: February, P1 + R2 (cw002, 0.6) and P2 + R1 (cw001, 1.0) over 1.6 fte; the
    // team manager holds no cases and adds no fte. March: P2 + R1 over cw001's 1.0.
    assert_eq!(value(&cw, MeasureId::CaseloadPerCaseworkerFte, feb), Some(4.0 / 1.6));
    assert_eq!(value(&cw, MeasureId::CaseloadPerCaseworkerFte, mar), Some(2.0));
    // The holder's breakdowns of the shared measures.
    assert_eq!(
        breakdown(&cw, MeasureId::PlansActive, feb, Dimension::Caseworker),
        [("cw001".to_string(), Some(1.0)), ("cw002".to_string(), Some(1.0)), ("unallocated".to_string(), Some(1.0))]
    );
    assert_eq!(
        breakdown(&cw, MeasureId::PlansActive, feb, Dimension::Team),
        [
            ("Primary".to_string(), Some(1.0)),
            ("Secondary".to_string(), Some(1.0)),
            ("unallocated".to_string(), Some(1.0))
        ]
    );
    assert_eq!(
        breakdown(&cw, MeasureId::RequestsOpen, feb, Dimension::Caseworker),
        [("cw001".to_string(), Some(1.0)), ("cw002".to_string(), Some(1.0))]
    );
    assert_eq!(
        breakdown(&cw, MeasureId::DecisionsOverdue, mar, Dimension::Caseworker),
        [("cw001".to_string(), Some(1.0)), ("cw002".to_string(), Some(1.0))]
    );

    // No caseworker in post: the caseload is undefined, not 0 or infinite.
    let mut alone = cw.clone();
    alone.staff =
        imbl::vector![member("tm001", StaffRole::TeamManager, Contract::Agency, "0.5", date(2026, 2, 2), None)];
    alone.requests.iter_mut().for_each(|r| r.caseworker = None);
    alone.plans.iter_mut().for_each(|p| p.caseworker = None);
    assert_eq!(value(&alone, MeasureId::CaseloadPerCaseworkerFte, mar), None);
    assert_eq!(value(&alone, MeasureId::PlansUnallocated, mar), Some(3.0));
    // Without staff.csv nothing is allocated and the staff measures are 0.
    let none = Casework { staff: imbl::Vector::new(), posts: imbl::Vector::new(), ..cw.clone() };
    assert_eq!(value(&none, MeasureId::StaffInPost, mar), Some(0.0));
    assert_eq!(value(&none, MeasureId::StaffInterimAgencyPct, mar), None);
    assert_eq!(value(&none, MeasureId::PlansUnallocated, mar), Some(3.0));
}

#[test]
fn complaints_about_communication_are_a_share_of_complaints_with_a_subject() {
    let complaint = |id: &str, day: Date, subject: Option<ComplaintSubject>| Feedback {
        feedback_id: id.into(),
        kind: FeedbackKind::Complaint,
        received_on: day,
        child_id: None,
        subject,
        stage: Some(ComplaintStage::Stage1),
        ombudsman_outcome: None,
    };
    let cw = Casework {
        feedback: imbl::vector![
            complaint("F1", date(2024, 2, 1), Some(ComplaintSubject::Communication)),
            complaint("F2", date(2024, 2, 29), Some(ComplaintSubject::Delay)),
            complaint("F3", date(2024, 2, 10), None),
            complaint("F4", date(2024, 3, 1), Some(ComplaintSubject::Communication)),
            complaint("F5", date(2024, 2, 11), Some(ComplaintSubject::Provision)),
            complaint("F6", date(2024, 2, 12), Some(ComplaintSubject::Communication)),
        ],
        ..Casework::default()
    };
    // Of February's four complaints with a subject, two are about communication.
    assert_eq!(value(&cw, MeasureId::ComplaintsCommunicationPct, month(2024, 2)), Some(50.0));
    assert_eq!(value(&cw, MeasureId::ComplaintsCommunicationPct, month(2024, 3)), Some(100.0));
    assert_eq!(value(&cw, MeasureId::ComplaintsCommunicationPct, month(2024, 4)), None);
}

#[test]
fn a_family_is_owed_an_update_once_their_promise_in_working_days_has_passed() {
    let contact = |id: &str, child: &str, role: ContactRole| Contact {
        contact_id: id.into(),
        child_id: child.into(),
        role,
        name: "Jo".into(),
        email: None,
        phone: None,
        address: None,
        preferred: None,
        parental_responsibility: role == ContactRole::Parent,
        organisation: None,
        urn: None,
    };
    let entry = |id: &str, child: &str, on: Date, contact: &str, direction: Direction| CaseLogEntry {
        entry_id: id.into(),
        child_id: child.into(),
        on,
        time: None,
        kind: ContactKind::Call,
        direction: Some(direction),
        with_whom: None,
        contact_id: Some(contact.into()),
        summary: "Update".into(),
        request_id: None,
        plan_id: None,
        review_id: None,
        by: None,
    };
    // Received on Monday 2 November 2026: 20 working days later is Monday 30 November.
    let cw = Casework {
        children: children(),
        requests: imbl::vector![
            Request { caseworker: Some("cw1".into()), ..request("R1", "C1", date(2026, 11, 2)) },
            request("R2", "C2", date(2026, 11, 2)),
            request("R3", "C3", date(2026, 11, 2)),
        ],
        contacts: imbl::vector![contact("K1", "C2", ContactRole::Parent), contact("K2", "C3", ContactRole::Senco),],
        case_log: imbl::vector![
            // C2's parent was called on 16 November: updated until 14 December.
            entry("E1", "C2", date(2026, 11, 16), "K1", Direction::Out),
            // A call to C3's SENCo, or a call in from anyone, is not an update to the family.
            entry("E2", "C3", date(2026, 11, 16), "K2", Direction::Out),
            entry("E3", "C2", date(2026, 12, 20), "K1", Direction::In),
        ],
        ..Casework::default()
    };
    let owed = |cw: &Casework, on: Date| {
        let engine = Engine::as_at(cw, on);
        let m = Month::new(on.year(), on.month()).unwrap();
        engine.value(MeasureId::FamiliesOwedUpdate.def(), m).headline
    };
    assert_eq!(owed(&cw, date(2026, 11, 30)), Some(0.0), "due on the 30th: not owed on it");
    assert_eq!(owed(&cw, date(2026, 12, 1)), Some(2.0), "R1 and R3 from the day after");
    assert_eq!(owed(&cw, date(2026, 12, 15)), Some(3.0));
    let by_caseworker = breakdown(&cw, MeasureId::FamiliesOwedUpdate, month(2026, 12), Dimension::Caseworker);
    assert!(by_caseworker.contains(&("cw1".to_string(), Some(1.0))), "{by_caseworker:?}");
    // C1's family agreed updates every 5 working days; the standard for the rest becomes 30.
    let mut promised = cw.clone();
    promised.promises = imbl::vector![
        Promise { promise_id: "M1".into(), child_id: Some("C1".into()), working_days: 5 },
        Promise { promise_id: "standard".into(), child_id: None, working_days: 30 },
    ];
    // 5 working days after 2 November is 9 November.
    assert_eq!(owed(&promised, date(2026, 11, 9)), Some(0.0));
    assert_eq!(owed(&promised, date(2026, 11, 10)), Some(1.0));
    // 30 working days after 2 November is 14 December: R3 is owed from the 15th.
    assert_eq!(owed(&promised, date(2026, 12, 14)), Some(1.0));
    assert_eq!(owed(&promised, date(2026, 12, 15)), Some(2.0));
    // The worklist holds the same requests.
    let lists = sendtrack_domain::worklist::worklists(&promised, date(2026, 12, 15));
    let items: Vec<String> = lists
        .items(sendtrack_domain::worklist::Worklist::FamiliesOwedUpdate, &Default::default())
        .map(|i| i.record_id.clone())
        .collect();
    assert_eq!(items, ["R1", "R3"]);
}

#[test]
fn a_consultation_is_overdue_after_its_fifteenth_day_and_advice_breaks_down_by_organisation() {
    let organisation = |id: &str, name: &str, kind| Organisation {
        organisation_id: id.into(),
        name: name.into(),
        kind,
        email: None,
        urn: None,
    };
    let consultation = |id: &str, sent: Date, answered: Option<Date>| Consultation {
        consultation_id: id.into(),
        child_id: "C1".into(),
        request_id: Some("R1".into()),
        review_id: None,
        organisation_id: "S1".into(),
        sent_on: sent,
        responded_on: answered,
        response: answered.map(|_| ConsultationResponse::CanMeet),
    };
    let r = decided(request("R1", "C1", date(2026, 6, 1)), AssessmentDecision::Assess, 30);
    let cw = Casework {
        children: children(),
        requests: imbl::vector![r],
        organisations: imbl::vector![
            organisation("S1", "Ash Grove School", OrganisationKind::Setting),
            organisation("EP", "Educational Psychology Service", OrganisationKind::Provider),
        ],
        // Sent on 2 November: day 1. Day 15 is 16 November; overdue from the 17th.
        consultations: imbl::vector![
            consultation("Q1", date(2026, 11, 2), None),
            consultation("Q2", date(2026, 11, 2), Some(date(2026, 11, 17))),
        ],
        advice: imbl::vector![
            Advice {
                organisation_id: Some("EP".into()),
                provider: Some("EP service (as typed)".into()),
                ..testing::advice("A1", "R1", AdviceKind::EducationalPsychology, date(2026, 7, 1))
            },
            Advice {
                provider: Some("Health trust".into()),
                ..testing::advice("A2", "R1", AdviceKind::Health, date(2026, 7, 1))
            },
        ],
        ..Casework::default()
    };
    let overdue = |on: Date| {
        let m = Month::new(on.year(), on.month()).unwrap();
        Engine::as_at(&cw, on).value(MeasureId::ConsultationsOverdue.def(), m).headline
    };
    assert_eq!(overdue(date(2026, 11, 16)), Some(0.0), "the fifteenth day");
    assert_eq!(overdue(date(2026, 11, 17)), Some(1.0), "Q2 answered that day");
    assert_eq!(overdue(date(2026, 11, 30)), Some(1.0));
    let by_setting = breakdown(&cw, MeasureId::ConsultationsOverdue, month(2026, 11), Dimension::Provider);
    assert_eq!(by_setting, [("Ash Grove School".to_string(), Some(1.0))]);
    // Q2 took 16 days (2 to 17 November, the 2nd being day 1): the only answer in November.
    assert_eq!(value(&cw, MeasureId::ConsultationsMedianDaysToAnswer, month(2026, 11)), Some(16.0));
    assert_eq!(value(&cw, MeasureId::ConsultationsMedianDaysToAnswer, month(2026, 10)), None);
    let mut answered = cw.clone();
    for (k, days) in [(3, 4), (4, 10), (5, 30)] {
        let c = consultation(&format!("Q{k}"), date(2026, 11, 1), Some(add_days(date(2026, 11, 1), days - 1)));
        answered.consultations.push_back(c);
    }
    // 4, 10, 16 and 30 days: the median of an even number is the mean of the middle two.
    assert_eq!(value(&answered, MeasureId::ConsultationsMedianDaysToAnswer, month(2026, 11)), Some(13.0));
    let by_provider = breakdown(&cw, MeasureId::AdviceOutstanding, month(2026, 11), Dimension::Provider);
    assert_eq!(
        by_provider,
        [("Educational Psychology Service".to_string(), Some(1.0)), ("Health trust".to_string(), Some(1.0))],
        "the organisation's name, else the provider as written"
    );
}

#[test]
fn a_share_over_months_pools_their_records_as_a_calendar_year_figure_does() {
    // Decisions within 6 weeks: in March and in May one of one on time; in June none of two.
    let mut cw = Casework { children: children(), ..Casework::default() };
    for (id, received, day) in [
        ("R1", date(2024, 2, 1), 30),
        ("R2", date(2024, 5, 1), 30),
        ("R3", date(2024, 5, 2), 50),
        ("R4", date(2024, 5, 3), 50),
    ] {
        cw.requests.push_back(decided(request(id, "C1", received), AssessmentDecision::Assess, day));
    }
    let engine = Engine::new(&cw);
    let def = MeasureId::DecisionsWithin6WeeksPct.def();
    let year: Vec<Month> = (1..=12).map(|m| month(2024, m)).collect();
    // Pooled: 2 of 4 = 50%, not the mean of the months' 100%, 100% and 0%.
    assert_eq!(engine.share_over(def, &year), Some(50.0));
    assert_eq!(engine.share_over(def, &[month(2024, 1)]), None, "nothing decided: undefined");
    assert_eq!(engine.share_over(MeasureId::PlansActive.def(), &year), None, "a count is not pooled");
}

/// Issue 23, item 6: requests by need count the need the request was made for, so they do
/// not move when the child's need is later recorded differently; without one, the child's.
#[test]
fn requests_by_need_count_the_need_the_request_was_made_for() {
    let mut cw = Casework { children: children(), ..Casework::default() };
    // C1's need is autism now; the request was made for speech, language and communication.
    cw.requests.push_back(Request {
        primary_need: Some(Need::SpeechLanguageCommunication),
        ..sendtrack_domain::testing::request("R1", "C1", date(2026, 10, 5))
    });
    // C3's request records no need: the child's (SEMH) stands in.
    cw.requests.push_back(sendtrack_domain::testing::request("R2", "C3", date(2026, 10, 6)));
    let by_need = breakdown(&cw, MeasureId::RequestsReceived, month(2026, 10), Dimension::PrimaryNeed);
    assert_eq!(by_need, vec![("semh".to_string(), Some(1.0)), ("slcn".to_string(), Some(1.0))]);
}

/// Issue 23, item 1: plans by school year, key stage and phase turn over on 1 September by the
/// age on 31 August, a child born on 29 February among them.
#[test]
fn plans_by_school_year_turn_over_on_1_september() {
    let mut cw = Casework {
        children: imbl::vector![
            child("C1", date(2015, 9, 1), None),  // 10 on 1 September 2025: year 5 in 2025/26
            child("C2", date(2015, 8, 31), None), // a day older: year 6 in 2025/26
            child("C3", date(2016, 2, 29), None), // year 5 in 2025/26, year 6 in 2026/27
        ],
        ..Casework::default()
    };
    for (i, c) in ["C1", "C2", "C3"].iter().enumerate() {
        cw.plans.push_back(testing::plan(&format!("P{i}"), c, date(2021, 1, 4)));
    }
    let keys = |m: Month, d: Dimension| breakdown(&cw, MeasureId::PlansActive, m, d);
    let one = |k: &str| (k.to_string(), Some(1.0));
    let two = |k: &str| (k.to_string(), Some(2.0));
    let three = |k: &str| (k.to_string(), Some(3.0));
    // 31 August 2026, the last day of 2025/26.
    assert_eq!(keys(month(2026, 8), Dimension::SchoolYear), vec![two("y5"), one("y6")]);
    assert_eq!(keys(month(2026, 8), Dimension::KeyStage), vec![three("ks2")]);
    // 30 September 2026: each a year on; C2 into secondary.
    assert_eq!(keys(month(2026, 9), Dimension::SchoolYear), vec![two("y6"), one("y7")]);
    assert_eq!(keys(month(2026, 9), Dimension::KeyStage), vec![two("ks2"), one("ks3")]);
    assert_eq!(keys(month(2026, 9), Dimension::Phase), vec![two("primary"), one("secondary")]);
    // The one-way totals still add up to the headline.
    let headline = Engine::new(&cw).value(MeasureId::PlansActive.def(), month(2026, 9)).headline;
    let sum: f64 = keys(month(2026, 9), Dimension::SchoolYear).iter().filter_map(|(_, v)| *v).sum();
    assert_eq!(headline, Some(sum));
    assert_eq!(Dimension::SchoolYear.key_label("y7"), "Year 7");
    // Youngest first, not by the keys' text: year 2 before year 10.
    let mut years = vec!["y10", "unknown", "y2", "reception", "post_19"];
    years.sort_by_key(|k| Dimension::SchoolYear.key_rank(k));
    assert_eq!(years, ["reception", "y2", "y10", "post_19", "unknown"]);
    assert_eq!(Dimension::KeyStage.key_label("ks3"), "Key stage 3");
    assert_eq!(Dimension::Phase.key_label("post_16"), "Post-16");
}
