//! The catalogue of `measures.md`, one entry per measure: its id, its definition, how it is
//! shown and how it is computed, together. Adding a measure is one entry here (the compiler
//! then asks for nothing else), its line in `docs/spec/measures.md` and its tests. Measure ids
//! are written as strings here and nowhere else in the code: everything else names a measure
//! by its [`MeasureId`].

use super::engine::Combine::{AmountShare, Count, Mean, Median, PerAmount, Share, Sum};
use super::engine::*;
use super::{MAX_BREAKDOWNS, MeasureDef};
use crate::clock::RequestStage;
use crate::codes::*;
use crate::dates::Month;

/// Declares the catalogue: the [`MeasureId`] enum, the [`CATALOGUE`] of definitions in the
/// same order, and each measure's computation ([`MeasureId::stream`]).
macro_rules! catalogue {
    ($(
        $variant:ident = $id:literal {
            title: $title:expr,
            section: $section:expr,
            unit: $unit:ident,
            better: $better:ident,
            definition: $definition:expr,
            breakdowns: [$($dimension:ident),* $(,)?],
            seed_rows: $seed_rows:expr,
            compute: |$e:ident, $m:ident| $compute:expr $(,)?
        },
    )*) => {
        /// A measure of the catalogue. Its id, as written in files and on the command line, is
        /// [`MeasureId::code`]; its definition is [`MeasureId::def`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum MeasureId {
            $(#[doc = $title] $variant,)*
        }

        impl MeasureId {
            /// Every measure, in catalogue order.
            pub const ALL: &'static [MeasureId] = &[$(MeasureId::$variant,)*];

            /// The measure's id in files, URLs and on the command line.
            pub const fn code(self) -> &'static str {
                match self {
                    $(MeasureId::$variant => $id,)*
                }
            }

            /// The records behind the measure's value for a month, and how they combine.
            pub(super) fn stream<'e, 'a>(self, engine: &'e Engine<'a>, month: Month) -> Stream<'e, 'a> {
                match self {
                    $(MeasureId::$variant => {
                        let $e = engine;
                        let $m = month;
                        $compute
                    })*
                }
            }
        }

        /// The catalogue, in the order of `measures.md` (and of [`MeasureId::ALL`]).
        pub const CATALOGUE: &[MeasureDef] = &[$(
            MeasureDef {
                id: $id,
                measure: MeasureId::$variant,
                title: $title,
                section: $section,
                unit: super::Unit::$unit,
                better: super::Better::$better,
                definition: $definition,
                breakdowns: &[$(super::Dimension::$dimension,)*],
                seed_rows: $seed_rows,
            },
        )*];
    };
}

// A measure's facts carry a key for each of its breakdowns, in a fixed array: a measure with
// more breakdowns than it holds is a compile error, never a breakdown silently dropped.
const _: () = {
    let mut i = 0;
    while i < CATALOGUE.len() {
        assert!(CATALOGUE[i].breakdowns.len() <= MAX_BREAKDOWNS, "a measure has more breakdowns than MAX_BREAKDOWNS");
        // The catalogue and MeasureId::ALL are generated in the same order: def() relies on it.
        assert!(CATALOGUE[i].measure as usize == i);
        i += 1;
    }
};

catalogue! {
RequestsReceived = "requests_received" {
    title: "Requests for assessment received",
    section: "Requests for EHC needs assessment",
    unit: Count,
    better: Neither,
    definition: "requests received in the month",
    breakdowns: [Source, AgeBand, PrimaryNeed, SchoolYear, KeyStage, Phase],
    seed_rows: "Initial Requests for EHC Assessment; No. of requests for EHC assessment",
    compute: |e, m| Stream::of(Count, requests_received(e, Engine::in_month(&e.events.received, m))),
},
RequestsReceivedYtd = "requests_received_ytd" {
    title: "Requests received, year to date",
    section: "Requests for EHC needs assessment",
    unit: Count,
    better: Neither,
    definition: "requests received YTD",
    breakdowns: [],
    seed_rows: "Table 3 total column",
    compute: |e, m| Stream::of(Count, requests_counted(e, Engine::year_to_date(&e.events.received, m))),
},
RequestsReceivedChangePct = "requests_received_change_pct" {
    title: "Requests: change on the same month last year",
    section: "Requests for EHC needs assessment",
    unit: Percent,
    better: Neither,
    definition: "(this month − same month last year) ÷ same month last year × 100",
    breakdowns: [],
    seed_rows: "% Difference between 2022 and 2023",
    compute: |e, m| {
        // The month to date against the same days of the month a year earlier.
        let last_day = e.year_before_end_of(m);
        let earlier = Engine::in_month(&e.events.received, m.plus(-12))
            .filter(move |&i| e.cw.requests[i as usize].received_on <= last_day);
        Stream::change(requests_counted(e, Engine::in_month(&e.events.received, m)), requests_counted(e, earlier))
    },
},
RequestsFromParentsPct = "requests_from_parents_pct" {
    title: "Requests made by parents or young people",
    section: "Requests for EHC needs assessment",
    unit: Percent,
    better: Neither,
    definition: "share of the month's requests with source `parent` or `young_person`",
    breakdowns: [],
    seed_rows: "% request from parents",
    compute: |e, m| Stream::of(Share, requests_counted(e, Engine::in_month(&e.events.received, m))),
},
RequestsRatePer10k = "requests_rate_per_10k" {
    title: "Requests per 10,000 aged 0-24 (12 months)",
    section: "Requests for EHC needs assessment",
    unit: Rate,
    better: Neither,
    definition: "requests received in the trailing 12 months ÷ population 0-24 × 10,000",
    breakdowns: [],
    seed_rows: "rate of initial requests per 10,000 0-24",
    compute: |e, m| {
        Stream::of(e.per_population(m, 10_000.0), requests_counted(e, Engine::trailing_12(&e.events.received, m)))
    },
},
RequestsPct0To24 = "requests_pct_0_24" {
    title: "Requests as % of population 0-24 (12 months)",
    section: "Requests for EHC needs assessment",
    unit: Percent,
    better: Neither,
    definition: "requests received in the trailing 12 months ÷ population 0-24 × 100",
    breakdowns: [],
    seed_rows: "Initial requests as % of 0-24 population",
    compute: |e, m| {
        Stream::of(e.per_population(m, 100.0), requests_counted(e, Engine::trailing_12(&e.events.received, m)))
    },
},
DecisionsMade = "decisions_made" {
    title: "Decisions whether to assess",
    section: "Requests for EHC needs assessment",
    unit: Count,
    better: Neither,
    definition: "requests whose decision `assess` or `refuse` was notified in the month",
    breakdowns: [Decision],
    seed_rows: "No. of EHC assessments agreed to initiate (decision=assess)",
    compute: |e, m| Stream::of(Count, decisions(e, Engine::in_month(&e.events.decided, m))),
},
DecisionsWithin6WeeksPct = "decisions_within_6_weeks_pct" {
    title: "Decisions within 6 weeks",
    section: "Requests for EHC needs assessment",
    unit: Percent,
    better: Up,
    definition: "of decisions_made, share notified within 6 weeks of received_on",
    breakdowns: [],
    seed_rows: "decision whether to assess at the 6 week mark",
    compute: |e, m| Stream::of(Share, decisions(e, Engine::in_month(&e.events.decided, m))),
},
AssessRatePct = "assess_rate_pct" {
    title: "Requests agreed for assessment (12 months)",
    section: "Requests for EHC needs assessment",
    unit: Percent,
    better: Neither,
    definition: "of `assess`/`refuse` decisions notified in the trailing 12 months, share `assess`",
    breakdowns: [],
    seed_rows: "% of initial requests assessed",
    compute: |e, m| Stream::of(
        Share,
        decisions(e, Engine::trailing_12(&e.events.decided, m)).map(|f| {
            let assess = f.keys[0] == AssessmentDecision::Assess.code();
            f.share(assess)
        }),
    ),
},
DecisionsOverdue = "decisions_overdue" {
    title: "Decisions overdue (past 6 weeks)",
    section: "Requests for EHC needs assessment",
    unit: Count,
    better: Down,
    definition: "as at: open requests with no decision notified and more than 42 days since received_on",
    breakdowns: [Caseworker, Team],
    seed_rows: "",
    compute: |e, m| {
        Stream::of(
            Count,
            open_requests(e, m, |stage, days| stage == RequestStage::AwaitingDecision && days > 42)
                .map(Fact::without_first_key),
        )
    },
},
RequestsOpen = "requests_open" {
    title: "Requests open",
    section: "Assessments and new plans",
    unit: Count,
    better: Neither,
    definition: "as at: open requests",
    breakdowns: [Stage, Caseworker, Team, SchoolYear, KeyStage, Phase],
    seed_rows: "Total number of EHCP assessments in progress",
    compute: |e, m| Stream::of(Count, open_requests(e, m, |_, _| true)),
},
AssessmentsInProgress = "assessments_in_progress" {
    title: "Assessments in progress",
    section: "Assessments and new plans",
    unit: Count,
    better: Neither,
    definition: "as at: open requests whose decision `assess` has been notified",
    breakdowns: [],
    seed_rows: "",
    compute: |e, m| {
        Stream::of(Count, open_requests(e, m, |stage, _| stage == RequestStage::Assessing))
    },
},
RequestsOpenOver20Weeks = "requests_open_over_20_weeks" {
    title: "Open past 20 weeks",
    section: "Assessments and new plans",
    unit: Count,
    better: Down,
    definition: "as at: open requests with more than 140 days since received_on",
    breakdowns: [Caseworker, Team],
    seed_rows: "Total EHCP assessments overdue (beyond 20-week deadline)",
    compute: |e, m| Stream::of(Count, open_requests(e, m, |_, days| days > 140).map(Fact::without_first_key)),
},
RequestsOpenOver30Weeks = "requests_open_over_30_weeks" {
    title: "Open past 30 weeks",
    section: "Assessments and new plans",
    unit: Count,
    better: Down,
    definition: "same, more than 210 days",
    breakdowns: [],
    seed_rows: "Number of 20-week assessments overdue 30 weeks",
    compute: |e, m| Stream::of(Count, open_requests(e, m, |_, days| days > 210)),
},
RequestsOpenOver52Weeks = "requests_open_over_52_weeks" {
    title: "Open past 52 weeks",
    section: "Assessments and new plans",
    unit: Count,
    better: Down,
    definition: "same, more than 364 days",
    breakdowns: [],
    seed_rows: "Number of 20-week assessments overdue 52 weeks",
    compute: |e, m| Stream::of(Count, open_requests(e, m, |_, days| days > 364)),
},
AssessmentsCompleted = "assessments_completed" {
    title: "Assessments completed",
    section: "Assessments and new plans",
    unit: Count,
    better: Neither,
    definition: "requests whose outcome `plan` or `no_plan` was notified in the month",
    breakdowns: [Outcome],
    seed_rows: "Number of 20 weeks assessments completed",
    compute: |e, m| Stream::of(Count, completed(e, Engine::in_month(&e.events.outcome, m))),
},
AssessmentsCompletedOnTime = "assessments_completed_on_time" {
    title: "Assessments completed on time",
    section: "Assessments and new plans",
    unit: Count,
    better: Up,
    definition: "of those: `plan` within 20 weeks, or `no_plan` within 16 weeks, of received_on",
    breakdowns: [],
    seed_rows: "completed on time",
    compute: |e, m| {
        Stream::of(Count, completed(e, Engine::in_month(&e.events.outcome, m)).filter(|f| f.numerator))
    },
},
AssessmentsCompletedOnTimePct = "assessments_completed_on_time_pct" {
    title: "Assessments completed on time (%)",
    section: "Assessments and new plans",
    unit: Percent,
    better: Up,
    definition: "assessments_completed_on_time ÷ assessments_completed × 100",
    breakdowns: [],
    seed_rows: "% of 20-week assessments completed on time",
    compute: |e, m| Stream::of(Share, completed(e, Engine::in_month(&e.events.outcome, m))),
},
AssessmentsCompletedOnTimePctYtd = "assessments_completed_on_time_pct_ytd" {
    title: "Assessments completed on time, year to date (%)",
    section: "Assessments and new plans",
    unit: Percent,
    better: Up,
    definition: "the same ratio over YTD counts",
    breakdowns: [],
    seed_rows: "% ... completed on time cumulative",
    compute: |e, m| {
        Stream::of(Share, completed(e, Engine::year_to_date(&e.events.outcome, m)))
    },
},
PlansIssued = "plans_issued" {
    title: "New EHC plans issued",
    section: "Assessments and new plans",
    unit: Count,
    better: Neither,
    definition: "requests whose outcome `plan` was notified in the month",
    breakdowns: [AgeBand, SchoolYear, KeyStage, Phase],
    seed_rows: "EHCPs issued per month by age group; Number of new EHCs issued",
    compute: |e, m| Stream::of(Count, issued(e, Engine::in_month(&e.events.outcome, m), true)),
},
PlansIssuedWithin20Weeks = "plans_issued_within_20_weeks" {
    title: "New plans issued within 20 weeks",
    section: "Assessments and new plans",
    unit: Count,
    better: Up,
    definition: "of plans_issued, notified within 20 weeks of received_on",
    breakdowns: [],
    seed_rows: "plans issued within 20 weeks",
    compute: |e, m| {
        Stream::of(Count, issued(e, Engine::in_month(&e.events.outcome, m), true).filter(|f| f.numerator))
    },
},
PlansIssuedWithin20WeeksPct = "plans_issued_within_20_weeks_pct" {
    title: "New plans within 20 weeks, excluding exceptions (%)",
    section: "Assessments and new plans",
    unit: Percent,
    better: Up,
    definition: "DfE headline: the same share with exception cases left out of both counts",
    breakdowns: [],
    seed_rows: "% 20 week assessments completed on time (SEN2)",
    compute: |e, m| Stream::of(Share, issued(e, Engine::in_month(&e.events.outcome, m), false)),
},
PlansIssuedWithin20WeeksInclExceptionsPct = "plans_issued_within_20_weeks_incl_exceptions_pct" {
    title: "New plans within 20 weeks, all cases (%)",
    section: "Assessments and new plans",
    unit: Percent,
    better: Up,
    definition: "the same share over all plans_issued",
    breakdowns: [],
    seed_rows: "",
    compute: |e, m| {
        Stream::of(Share, issued(e, Engine::in_month(&e.events.outcome, m), true))
    },
},
PlansIssuedWithin20WeeksPctYtd = "plans_issued_within_20_weeks_pct_ytd" {
    title: "New plans within 20 weeks, year to date (%)",
    section: "Assessments and new plans",
    unit: Percent,
    better: Up,
    definition: "plans_issued_within_20_weeks_pct over YTD counts",
    breakdowns: [],
    seed_rows: "",
    compute: |e, m| {
        Stream::of(Share, issued(e, Engine::year_to_date(&e.events.outcome, m), false))
    },
},
PlansIssuedAvgWeeks = "plans_issued_avg_weeks" {
    title: "Average weeks from request to plan",
    section: "Assessments and new plans",
    unit: Weeks,
    better: Down,
    definition: "mean of (outcome_on − received_on) ÷ 7 over plans_issued",
    breakdowns: [],
    seed_rows: "",
    compute: |e, m| Stream::of(Mean, issued(e, Engine::in_month(&e.events.outcome, m), true)),
},
AssessmentToPlanPct = "assessment_to_plan_pct" {
    title: "Assessments leading to a plan (12 months)",
    section: "Assessments and new plans",
    unit: Percent,
    better: Neither,
    definition: "of assessments completed in the trailing 12 months, share with outcome `plan`",
    breakdowns: [],
    seed_rows: "% of assessments that went on to a plan",
    compute: |e, m| Stream::of(
        Share,
        completed(e, Engine::trailing_12(&e.events.outcome, m)).map(|f| {
            let plan = f.keys[0] == AssessmentOutcome::Plan.code();
            f.share(plan)
        }),
    ),
},
AdviceOutstanding = "advice_outstanding" {
    title: "Advice outstanding",
    section: "Statutory advice",
    unit: Count,
    better: Down,
    definition: "as at: advice requested on or before the date and not received by it, for a request still open at the date",
    breakdowns: [Kind, Provider],
    seed_rows: "Assessments waiting for EP / social care / health reports",
    compute: |e, m| Stream::of(Count, advice_outstanding(e, m, false)),
},
AdviceOverdue = "advice_overdue" {
    title: "Advice overdue (past 6 weeks)",
    section: "Statutory advice",
    unit: Count,
    better: Down,
    definition: "as at: outstanding advice with more than 42 days since requested_on",
    breakdowns: [Kind, Provider, Caseworker, Team],
    seed_rows: "Table 2: advice requests overdue at end of month; (N overdue)",
    compute: |e, m| Stream::of(Count, advice_outstanding(e, m, true)),
},
AdviceWithin6WeeksPct = "advice_within_6_weeks_pct" {
    title: "Advice received within 6 weeks",
    section: "Statutory advice",
    unit: Percent,
    better: Up,
    definition: "of advice received in the month, share received within 6 weeks of requested_on",
    breakdowns: [Kind],
    seed_rows: "EPS timeliness of statutory advice",
    compute: |e, m| Stream::of(
        Share,
        Engine::in_month(&e.events.advice_received, m).map(|i| {
            let a = &e.cw.advice[i as usize];
            let on_time = crate::clock::advice_on_time(a).unwrap_or(false);
            Fact::keyed(RecordRef::Advice(i), [a.kind.code(), "", ""]).share(on_time)
        }),
    ),
},
PlansActive = "plans_active" {
    title: "Active EHC plans",
    section: "Plans in force",
    unit: Count,
    better: Neither,
    definition: "as at: active plans",
    breakdowns: [AgeBand, PrimaryNeed, Setting, Caseworker, Team, SchoolYear, KeyStage, Phase],
    seed_rows: "Total Number of (Active) EHCPs; No. of EHCPs; EHCs by setting type",
    compute: |e, m| Stream::of(Count, active_plans(e, m)),
},
PlansActiveChangePct = "plans_active_change_pct" {
    title: "Active plans: change on 12 months earlier",
    section: "Plans in force",
    unit: Percent,
    better: Neither,
    definition: "plans_active vs 12 months earlier, % change",
    breakdowns: [],
    seed_rows: "EHCPs up 9.6% on the same period last year",
    compute: |e, m| {
        // A year earlier only the count matters: no need for the whole month-end state.
        let before = e.year_before_end_of(m);
        let previous = (e.plan_dates.iter().enumerate())
            .filter(move |(_, p)| p.issued_on <= before && p.ceased_on.is_none_or(|c| c > before))
            .map(|(i, _)| Fact::new(RecordRef::Plan(i as u32)));
        Stream::change(active_plans(e, m), previous)
    },
},
PlansActivePct0To24 = "plans_active_pct_0_24" {
    title: "Active plans as % of population 0-24",
    section: "Plans in force",
    unit: Percent,
    better: Neither,
    definition: "plans_active ÷ population 0-24 × 100",
    breakdowns: [],
    seed_rows: "EHCPs as % of 0-24 population",
    compute: |e, m| Stream::of(e.per_population(m, 100.0), active_plans(e, m)),
},
PlansCeased = "plans_ceased" {
    title: "Plans ceased",
    section: "Plans in force",
    unit: Count,
    better: Neither,
    definition: "plans whose ceased_on is in the month",
    breakdowns: [AgeBand, CeaseReason, SchoolYear, KeyStage, Phase],
    seed_rows: "Number of EHCs ceased, by age group",
    compute: |e, m| Stream::of(
        Count,
        Engine::in_month(&e.events.ceased, m).map(|i| {
            let p = &e.cw.plans[i as usize];
            let c = p.ceased.map(|c| (c.on, c.value.code())).unwrap_or((p.issued_on, ""));
            let child = e.plan_dates[i as usize].child;
            let [year, stage, phase] = e.child_school(child, c.0);
            Fact::keyed(RecordRef::Plan(i), [age_band(e.child_age(child, c.0)), c.1, year, stage, phase])
        }),
    ),
},
PlansInMainstreamPct = "plans_in_mainstream_pct" {
    title: "Plans in mainstream settings",
    section: "Plans in force",
    unit: Percent,
    better: Neither,
    definition: "share of active plans with setting `mainstream` or `resource_base`",
    breakdowns: [],
    seed_rows: "% of EHCPs in mainstream",
    compute: |e, m| plans_by_setting(e, m, &[Setting::Mainstream, Setting::ResourceBase]),
},
PlansInIndependentSpecialPct = "plans_in_independent_special_pct" {
    title: "Plans in independent and non-maintained special schools",
    section: "Plans in force",
    unit: Percent,
    better: Down,
    definition: "share with setting `special_independent` or `nmss`",
    breakdowns: [],
    seed_rows: "% of EHCPs in special: independent & non-maintained",
    compute: |e, m| {
        plans_by_setting(e, m, &[Setting::SpecialIndependent, Setting::NonMaintainedSpecial])
    },
},
PlansEotasPct = "plans_eotas_pct" {
    title: "Plans with education otherwise than at school",
    section: "Plans in force",
    unit: Percent,
    better: Down,
    definition: "share with setting `eotas_s61` or `eotas_s19`",
    breakdowns: [],
    seed_rows: "% of EHCPs in other arrangements by LA (EOTAS)",
    compute: |e, m| plans_by_setting(e, m, &[Setting::EotasSection61, Setting::EotasSection19]),
},
PlansEhePct = "plans_ehe_pct" {
    title: "Plans with elective home education",
    section: "Plans in force",
    unit: Percent,
    better: Neither,
    definition: "share with setting `ehe`",
    breakdowns: [],
    seed_rows: "% of children with an EHCP electively home educated",
    compute: |e, m| plans_by_setting(e, m, &[Setting::ElectiveHomeEducation]),
},
PlansNeet16To25Pct = "plans_neet_16_25_pct" {
    title: "Young people 16-25 with a plan who are NEET",
    section: "Plans in force",
    unit: Percent,
    better: Down,
    definition: "of active plans whose child is aged 16-25 at the date, share with setting `neet`",
    breakdowns: [],
    seed_rows: "% of EHCP young people NEET (16-25)",
    compute: |e, m| Stream::of(
        Share,
        e.month_plans(m)
            .filter(|p| (16..=25).contains(&p.age))
            .map(|p| Fact::new(RecordRef::Plan(p.plan)).share(p.setting == Some(Setting::Neet))),
    ),
},
NamedSettingNotAttended = "named_setting_not_attended" {
    title: "Plans whose child does not attend the setting named",
    section: "Plans in force",
    unit: Count,
    better: Down,
    definition: "as at: active plans naming a main setting at the date (plan_settings.csv: named_on on or before it, ended_on empty or on or after it, rank empty or 1; of several, those with the latest named_on) where no placement of the child active at the date is at any of them (at: the named URN, else the named UKPRN, else the named type of setting)",
    breakdowns: [AgeBand, PrimaryNeed, Setting, Caseworker, Team, SchoolYear, KeyStage, Phase],
    seed_rows: "named in the plan but not attending",
    compute: |e, m| Stream::of(Count, named_setting_gaps(e, m, |p| p.named_not_attended)),
},
NamedSettingNotStarted = "named_setting_not_started" {
    title: "Children named at a setting they have not yet started",
    section: "Plans in force",
    unit: Count,
    better: Down,
    definition: "as at: active plans naming a setting at the date (any rank) at which the child has no placement with started_on on or before the date",
    breakdowns: [AgeBand, PrimaryNeed, Setting, Caseworker, Team, SchoolYear, KeyStage, Phase],
    seed_rows: "agreed a special school place, waiting",
    compute: |e, m| Stream::of(Count, named_setting_gaps(e, m, |p| p.named_not_started)),
},
ReviewsCompleted = "reviews_completed" {
    title: "Annual reviews completed",
    section: "Annual reviews",
    unit: Count,
    better: Up,
    definition: "reviews whose decision was notified in the month",
    breakdowns: [Decision],
    seed_rows: "Number of Annual Reviews Completed",
    compute: |e, m| Stream::of(Count, reviews_completed(e, m, ReviewPart::Decision)),
},
ReviewsCompletedOnTimePct = "reviews_completed_on_time_pct" {
    title: "Annual reviews completed on time",
    section: "Annual reviews",
    unit: Percent,
    better: Up,
    definition: "of reviews_completed, share on time",
    breakdowns: [],
    seed_rows: "% timeliness of annual reviews",
    compute: |e, m| Stream::of(Share, reviews_completed(e, m, ReviewPart::OnTime)),
},
ReviewsOverdue = "reviews_overdue" {
    title: "Annual reviews overdue",
    section: "Annual reviews",
    unit: Count,
    better: Down,
    definition: "as at: active plans whose current review is overdue",
    breakdowns: [State, Caseworker, Team, SchoolYear, KeyStage, Phase],
    seed_rows: "Number / Total number of annual reviews overdue; waiting for school action / service action / amendments",
    compute: |e, m| Stream::of(
        Count,
        e.month_plans(m).filter(|p| p.review_overdue).map(|p| {
            let [caseworker, team] = e.plan_holders[p.plan as usize];
            let [year, stage, phase] = crate::dates::SCHOOL_YEARS[usize::from(p.school)];
            Fact::keyed(RecordRef::Plan(p.plan), [p.review_state.code(), caseworker, team, year, stage, phase])
        }),
    ),
},
ReviewsDecisionAvgWeeks = "reviews_decision_avg_weeks" {
    title: "Average weeks from review meeting to decision",
    section: "Annual reviews",
    unit: Weeks,
    better: Down,
    definition: "mean (decided_on − meeting_on) ÷ 7 over reviews_completed",
    breakdowns: [],
    seed_rows: "maintaining EHCPs within timescales (weeks)",
    compute: |e, m| Stream::of(Mean, reviews_completed(e, m, ReviewPart::Weeks)),
},
PhaseTransfersFinalisedPct = "phase_transfers_finalised_pct" {
    title: "Phase transfers finalised by the deadline",
    section: "Annual reviews",
    unit: Percent,
    better: Up,
    definition: "of reviews with a phase_transfer whose meeting is in the academic year (1 September – 31 August) containing the month and on or before the period's last day, share finalised before the statutory deadline of that academic year (before 15 February for `school`, before 31 March for `post16`, i.e. on or before 14 February / 30 March) and on or before the period's last day; finalised means decision notified and, for `amend`, amended plan issued",
    breakdowns: [],
    seed_rows: "100% of EHCPs finalised for the 15 February phase transfer deadline",
    compute: |e, m| phase_transfers(e, m),
},
MediationsYtd = "mediations_ytd" {
    title: "Mediations, year to date",
    section: "Disputes and feedback",
    unit: Count,
    better: Neither,
    definition: "mediations opened YTD",
    breakdowns: [],
    seed_rows: "Total number of mediations (cumulative calendar year)",
    compute: |e, m| Stream::of(Count, disputes_opened(e, m, DisputeKind::Mediation)),
},
AppealsRegisteredYtd = "appeals_registered_ytd" {
    title: "Tribunal appeals registered, year to date",
    section: "Disputes and feedback",
    unit: Count,
    better: Down,
    definition: "appeals opened YTD",
    breakdowns: [],
    seed_rows: "No. of appeals registered with the SEND tribunal (cumulative)",
    compute: |e, m| Stream::of(Count, disputes_opened(e, m, DisputeKind::Appeal)),
},
AppealsLostPctYtd = "appeals_lost_pct_ytd" {
    title: "Appeals conceded or found for parents, year to date",
    section: "Disputes and feedback",
    unit: Percent,
    better: Down,
    definition: "of appeals closed YTD, share with outcome `conceded` or `parent_favour`",
    breakdowns: [],
    seed_rows: "% of cases where LA conceded/found in favour of parent",
    compute: |e, m| appeals_closed(e, m, &[DisputeOutcome::Conceded, DisputeOutcome::ParentFavour]),
},
AppealsWonPctYtd = "appeals_won_pct_ytd" {
    title: "Appeals withdrawn or found for the LA, year to date",
    section: "Disputes and feedback",
    unit: Percent,
    better: Up,
    definition: "of appeals closed YTD, share with outcome `la_favour` or `withdrawn`",
    breakdowns: [],
    seed_rows: "% where parent withdrew/found in favour of LA",
    compute: |e, m| appeals_closed(e, m, &[DisputeOutcome::LaFavour, DisputeOutcome::Withdrawn]),
},
MediationsFollowedByAppealPctYtd = "mediations_followed_by_appeal_pct_ytd" {
    title: "Mediations followed by an appeal, year to date",
    section: "Disputes and feedback",
    unit: Percent,
    better: Down,
    definition: "of mediations opened YTD, share whose child has an appeal opened on or after the mediation's opened_on and on or before the period end",
    breakdowns: [],
    seed_rows: "% of mediation cases followed by appeals",
    compute: |e, m| mediations_followed_by_appeal(e, m),
},
Complaints = "complaints" {
    title: "Complaints",
    section: "Disputes and feedback",
    unit: Count,
    better: Down,
    definition: "complaints received in the month",
    breakdowns: [],
    seed_rows: "No. of complaints",
    compute: |e, m| feedback(e, m, FeedbackKind::Complaint),
},
Compliments = "compliments" {
    title: "Compliments",
    section: "Disputes and feedback",
    unit: Count,
    better: Up,
    definition: "compliments received in the month",
    breakdowns: [],
    seed_rows: "No. of compliments",
    compute: |e, m| feedback(e, m, FeedbackKind::Compliment),
},
PlacementAvgAnnualCost = "placement_avg_annual_cost" {
    title: "Average annual placement cost",
    section: "Placement costs",
    unit: Pounds,
    better: Neither,
    definition: "as at: mean annual_cost of placements active at the date, for children with an active plan, where annual_cost is given",
    breakdowns: [Setting],
    seed_rows: "EHCP average costs dashboard",
    compute: |e, m| Stream::of(Mean, placement_costs(e, m)),
},
IndependentSpendSharePct = "independent_spend_share_pct" {
    title: "Share of placement spend in independent special schools",
    section: "Placement costs",
    unit: Percent,
    better: Down,
    definition: "as at: sum of annual_cost over active `special_independent` and `nmss` placements of children with an active plan ÷ the sum over all such placements × 100",
    breakdowns: [],
    seed_rows: "% of spend in the independent, non-maintained special school sector",
    compute: |e, m| Stream::of(AmountShare, placement_costs(e, m)),
},
StaffInPost = "staff_in_post" {
    title: "Staff in post",
    section: "Workforce and caseloads",
    unit: Count,
    better: Neither,
    definition: "as at: staff in post (started_on on or before the date, ended_on empty or on or after it)",
    breakdowns: [Role, Contract, Team],
    seed_rows: "new caseworkers have started; interims on contract",
    compute: |e, m| Stream::of(Count, staff_in_post(e, m)),
},
StaffInPostFte = "staff_in_post_fte" {
    title: "Staff in post (full-time equivalent)",
    section: "Workforce and caseloads",
    unit: Fte,
    better: Neither,
    definition: "as at: sum of fte of staff in post",
    breakdowns: [Role, Contract],
    seed_rows: "",
    compute: |e, m| Stream::of(Sum, staff_in_post(e, m)),
},
StaffInterimAgencyPct = "staff_interim_agency_pct" {
    title: "Staff on interim or agency contracts",
    section: "Workforce and caseloads",
    unit: Percent,
    better: Down,
    definition: "as at: share of staff in post whose contract is `interim` or `agency`",
    breakdowns: [],
    seed_rows: "22 interims on contract",
    compute: |e, m| Stream::of(Share, staff_in_post(e, m)),
},
StaffStarters = "staff_starters" {
    title: "Staff who started",
    section: "Workforce and caseloads",
    unit: Count,
    better: Neither,
    definition: "staff whose started_on is in the month",
    breakdowns: [Role],
    seed_rows: "9 new caseworkers have started",
    compute: |e, m| Stream::of(Count, staff_moves(e, m, false)),
},
StaffLeavers = "staff_leavers" {
    title: "Staff who left",
    section: "Workforce and caseloads",
    unit: Count,
    better: Neither,
    definition: "staff whose ended_on is in the month",
    breakdowns: [Role],
    seed_rows: "",
    compute: |e, m| Stream::of(Count, staff_moves(e, m, true)),
},
PostsVacantFte = "posts_vacant_fte" {
    title: "Vacant posts (full-time equivalent)",
    section: "Workforce and caseloads",
    unit: Fte,
    better: Down,
    definition: "as at: over posts funded at the date, sum of max(0, post fte − fte of the staff in post holding that post_id)",
    breakdowns: [Role, Team],
    seed_rows: "a single vacancy out to advert",
    compute: |e, m| Stream::of(Sum, posts_vacant(e, m)),
},
PlansUnallocated = "plans_unallocated" {
    title: "Active plans not allocated",
    section: "Workforce and caseloads",
    unit: Count,
    better: Down,
    definition: "as at: active plans whose holder is not in post at the date (or who have none)",
    breakdowns: [Caseworker, Team],
    seed_rows: "",
    compute: |e, m| Stream::of(Count, plans_unallocated(e, m)),
},
CaseloadPerCaseworkerFte = "caseload_per_caseworker_fte" {
    title: "Caseload per caseworker (full-time equivalent)",
    section: "Workforce and caseloads",
    unit: PerFte,
    better: Down,
    definition: "as at: active plans and open requests allocated to a holder in post whose role is `caseworker` or `senior_caseworker`, ÷ the fte of staff in post with those roles",
    breakdowns: [],
    seed_rows: "reduce caseloads from 1:500 to 1:220",
    compute: |e, m| Stream::of(PerAmount, caseload_per_fte(e, m)),
},
ComplaintsCommunicationPct = "complaints_communication_pct" {
    title: "Complaints about communication",
    section: "Keeping families informed",
    unit: Percent,
    better: Down,
    definition: "of complaints received in the month whose subject is recorded, share with subject `communication`",
    breakdowns: [],
    seed_rows: "Complaints about communication: 21% of complaints (target 5%)",
    compute: |e, m| complaints_about_communication(e, m),
},
FamiliesOwedUpdate = "families_owed_update" {
    title: "Families owed an update",
    section: "Keeping families informed",
    unit: Count,
    better: Down,
    definition: "as at: open requests whose family's next update is overdue: the last update (a case_log entry with direction `out`, or of kind `portal` in either direction, whose contact_id is a contact of the child with role `parent`, `carer` or `young_person` (e-mails the service sends the family are recorded so), on or before the date and on or after received_on; else received_on) plus the child's promise in working days (promises.csv: the child's row, else the row without a child, else 20) is before the date; working days are Monday to Friday except bank holidays in England and Wales",
    breakdowns: [Caseworker, Team],
    seed_rows: "told I will get a call back and nothing happens",
    compute: |e, m| Stream::of(Count, families_owed_update(e, m)),
},
ConsultationsOverdue = "consultations_overdue" {
    title: "Consultations of settings overdue",
    section: "Professionals and settings",
    unit: Count,
    better: Down,
    definition: "as at: consultations with sent_on on or before the date, no responded_on on or before it, and more than 15 days since sent_on counting sent_on as day 1 (the date after sent_on + 14 days)",
    breakdowns: [Provider],
    seed_rows: "a new consultation process with schools",
    compute: |e, m| Stream::of(Count, consultations_overdue(e, m)),
},
ConsultationsMedianDaysToAnswer = "consultations_median_days_to_answer" {
    title: "Median days for a setting to answer a consultation",
    section: "Professionals and settings",
    unit: Days,
    better: Down,
    definition: "of consultations with responded_on in the month, the median of (responded_on − sent_on) + 1 days (sent_on is day 1)",
    breakdowns: [Provider],
    seed_rows: "",
    compute: |e, m| Stream::of(Median, consultation_days_to_answer(e, m)),
},
AdviceMedianDaysToSubmit = "advice_median_days_to_submit" {
    title: "Median days for advice to be given",
    section: "Professionals and settings",
    unit: Days,
    better: Down,
    definition: "of advice received in the month, the median of (received_on − requested_on) days",
    breakdowns: [Kind, Provider],
    seed_rows: "BCP's educational psychology service and its case system disagreed about advice timeliness",
    compute: |e, m| Stream::of(Median, advice_days_to_submit(e, m)),
},
PlansAudited = "plans_audited" {
    title: "EHC plans audited for quality",
    section: "Quality of plans",
    unit: Count,
    better: Neither,
    definition: "quality audits (quality_audits.csv) with subject `plan` and audited_on in the month",
    breakdowns: [Team],
    seed_rows: "Number of EHCPs audited",
    compute: |e, m| Stream::of(Count, plans_audited(e, m)),
},
AuditsMeetingStandardPct = "audits_meeting_standard_pct" {
    title: "Audited plans and advice meeting quality standards",
    section: "Quality of plans",
    unit: Percent,
    better: Up,
    definition: "of quality audits with audited_on in the month, share whose grade (the moderated_grade when moderated_on is on or before the date, else grade) is `good` or `outstanding`",
    breakdowns: [Team],
    seed_rows: "90% of new EHC plans meet quality standards",
    compute: |e, m| Stream::of(Share, audits_meeting_standard(e, m)),
},
AuditsModeratedAgreementPct = "audits_moderated_agreement_pct" {
    title: "Moderated audits where the moderator agreed the grade",
    section: "Quality of plans",
    unit: Percent,
    better: Up,
    definition: "of quality audits with moderated_on in the month, share whose moderated_grade equals grade",
    breakdowns: [Team],
    seed_rows: "Practice Learning Reviews 80%, moderation 71%",
    compute: |e, m| Stream::of(Share, audits_moderated_agreement(e, m)),
},
PlansInCare = "plans_in_care" {
    title: "Children in care with an EHC plan",
    section: "Cohorts",
    unit: Count,
    better: Neither,
    definition: "as at: active plans whose child has a cohort flag `in_care` applying at the date (started_on on or before it, ended_on empty or on or after it)",
    breakdowns: [AgeBand],
    seed_rows: "Children in care with an EHCP",
    compute: |e, m| Stream::of(Count, plans_flagged(e, m, CohortFlagKind::InCare)),
},
PlansInCareHealthAssessmentOverduePct = "plans_in_care_health_assessment_overdue_pct" {
    title: "Children in care with a plan whose health assessment is overdue",
    section: "Cohorts",
    unit: Percent,
    better: Down,
    definition: "of active plans whose child has the flag `in_care` at the date, share whose child also has `health_assessment_overdue` at the date",
    breakdowns: [],
    seed_rows: "children in care with an EHCP whose health assessment is overdue",
    compute: |e, m| Stream::of(Share, plans_flagged_share(e, m, Some(CohortFlagKind::InCare), 0..=255, CohortFlagKind::HealthAssessmentOverdue)),
},
PlansChildProtection = "plans_child_protection" {
    title: "Children on a child protection plan with an EHC plan",
    section: "Cohorts",
    unit: Count,
    better: Neither,
    definition: "as at: active plans whose child has the flag `child_protection` at the date",
    breakdowns: [AgeBand],
    seed_rows: "",
    compute: |e, m| Stream::of(Count, plans_flagged(e, m, CohortFlagKind::ChildProtection)),
},
PlansNeet16To18FlaggedPct = "plans_neet_16_18_flagged_pct" {
    title: "16-18s with an EHC plan who are NEET (as supplied)",
    section: "Cohorts",
    unit: Percent,
    better: Down,
    definition: "of active plans whose child is aged 16 to 18 at the date, share whose child has the flag `neet` at the date",
    breakdowns: [],
    seed_rows: "16-18s with an EHCP who are NEET",
    compute: |e, m| Stream::of(Share, plans_flagged_share(e, m, None, 16..=18, CohortFlagKind::Neet)),
},
PlansApprenticeship16To25Pct = "plans_apprenticeship_16_25_pct" {
    title: "Young people 16-25 with an EHC plan in an apprenticeship",
    section: "Cohorts",
    unit: Percent,
    better: Up,
    definition: "of active plans whose child is aged 16 to 25 at the date, share whose child has the flag `apprenticeship` at the date",
    breakdowns: [],
    seed_rows: "",
    compute: |e, m| Stream::of(Share, plans_flagged_share(e, m, None, 16..=25, CohortFlagKind::Apprenticeship)),
},
}
