//! The measure catalogue (`measures.md`): every number in a SEND performance report, each
//! with one id, one definition and one computation ([`engine`]). Screens, exports and returns
//! all take their numbers from here, so the same question never gets two answers.

pub mod engine;
pub mod presentation;
pub mod scorecard;

/// What a measure's value counts or measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Count,
    Percent,
    /// Per 10,000 of the population.
    Rate,
    Weeks,
    Pounds,
}

impl Unit {
    pub fn code(self) -> &'static str {
        match self {
            Unit::Count => "count",
            Unit::Percent => "%",
            Unit::Rate => "rate",
            Unit::Weeks => "weeks",
            Unit::Pounds => "£",
        }
    }
}

/// Which way a measure should move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    Up,
    Down,
    /// Neither direction is better (context, not performance).
    Neither,
}

impl Better {
    pub fn code(self) -> &'static str {
        match self {
            Better::Up => "up",
            Better::Down => "down",
            Better::Neither => "–",
        }
    }
}

/// A breakdown of a measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dimension {
    Source,
    AgeBand,
    PrimaryNeed,
    Decision,
    Stage,
    Outcome,
    Kind,
    Provider,
    Setting,
    CeaseReason,
    State,
}

impl Dimension {
    pub const ALL: [Dimension; 11] = [
        Dimension::Source,
        Dimension::AgeBand,
        Dimension::PrimaryNeed,
        Dimension::Decision,
        Dimension::Stage,
        Dimension::Outcome,
        Dimension::Kind,
        Dimension::Provider,
        Dimension::Setting,
        Dimension::CeaseReason,
        Dimension::State,
    ];

    /// The name used in exports (`dimension` column) and on the command line.
    pub fn code(self) -> &'static str {
        match self {
            Dimension::Source => "source",
            Dimension::AgeBand => "age_band",
            Dimension::PrimaryNeed => "primary_need",
            Dimension::Decision => "decision",
            Dimension::Stage => "stage",
            Dimension::Outcome => "outcome",
            Dimension::Kind => "kind",
            Dimension::Provider => "provider",
            Dimension::Setting => "setting",
            Dimension::CeaseReason => "cease_reason",
            Dimension::State => "state",
        }
    }

    pub fn parse(text: &str) -> Option<Dimension> {
        Dimension::ALL.into_iter().find(|d| d.code() == text)
    }

    /// A breakdown key in words, for people ("Non-maintained special school" for `nmss`, "Under
    /// 5" for `under_5`); a key of no code list (a provider's name) as it is.
    pub fn key_label(self, key: &str) -> String {
        use crate::codes::*;
        fn words<T: Code>(key: &str) -> Option<String> {
            T::parse(key).ok().map(|c| c.label().to_string())
        }
        if key == "unknown" {
            return "Not recorded".into();
        }
        let named = match self {
            Dimension::Source => words::<RequestSource>(key),
            Dimension::PrimaryNeed => words::<Need>(key),
            Dimension::Decision => words::<AssessmentDecision>(key),
            Dimension::Outcome => words::<AssessmentOutcome>(key),
            Dimension::Kind => words::<AdviceKind>(key),
            Dimension::Setting => words::<Setting>(key),
            Dimension::CeaseReason => words::<CeaseReason>(key),
            Dimension::AgeBand => Some(match key {
                "under_5" => "Under 5".into(),
                "20_25" => "20 and over".into(),
                other => {
                    format!("{} to {}", other.split('_').next().unwrap_or(""), other.split('_').nth(1).unwrap_or(""))
                }
            }),
            Dimension::Stage | Dimension::State | Dimension::Provider => None,
        };
        named.unwrap_or_else(|| {
            let spaced = key.replace('_', " ");
            let mut chars = spaced.chars();
            chars.next().map_or(spaced.clone(), |first| first.to_uppercase().chain(chars).collect())
        })
    }
}

/// One measure of the catalogue.
#[derive(Debug, Clone, Copy)]
pub struct MeasureDef {
    pub id: &'static str,
    /// A short name for tables and charts.
    pub title: &'static str,
    /// The section of the catalogue it belongs to.
    pub section: &'static str,
    pub unit: Unit,
    pub better: Better,
    /// The definition, word for word as `measures.md` gives it.
    pub definition: &'static str,
    pub breakdowns: &'static [Dimension],
    /// The rows of the board reports the measure reproduces.
    pub seed_rows: &'static str,
}

impl MeasureDef {
    /// Whether values are whole counts (written as integers).
    pub fn is_count(&self) -> bool {
        self.unit == Unit::Count
    }
}

/// Looks a measure up by id.
pub fn find(id: &str) -> Option<&'static MeasureDef> {
    CATALOGUE.iter().find(|m| m.id == id)
}

/// Every measure id, in catalogue order.
pub fn ids() -> Vec<&'static str> {
    CATALOGUE.iter().map(|m| m.id).collect()
}

/// The catalogue, in the order of `measures.md`.
pub const CATALOGUE: &[MeasureDef] = &[
    MeasureDef {
        id: "requests_received",
        title: "Requests for assessment received",
        section: "Requests for EHC needs assessment",
        unit: Unit::Count,
        better: Better::Neither,
        definition: "requests received in the month",
        breakdowns: &[Dimension::Source, Dimension::AgeBand, Dimension::PrimaryNeed],
        seed_rows: "Initial Requests for EHC Assessment; No. of requests for EHC assessment",
    },
    MeasureDef {
        id: "requests_received_ytd",
        title: "Requests received, year to date",
        section: "Requests for EHC needs assessment",
        unit: Unit::Count,
        better: Better::Neither,
        definition: "requests received YTD",
        breakdowns: &[],
        seed_rows: "Table 3 total column",
    },
    MeasureDef {
        id: "requests_received_change_pct",
        title: "Requests: change on the same month last year",
        section: "Requests for EHC needs assessment",
        unit: Unit::Percent,
        better: Better::Neither,
        definition: "(this month − same month last year) ÷ same month last year × 100",
        breakdowns: &[],
        seed_rows: "% Difference between 2022 and 2023",
    },
    MeasureDef {
        id: "requests_from_parents_pct",
        title: "Requests made by parents or young people",
        section: "Requests for EHC needs assessment",
        unit: Unit::Percent,
        better: Better::Neither,
        definition: "share of the month's requests with source `parent` or `young_person`",
        breakdowns: &[],
        seed_rows: "% request from parents",
    },
    MeasureDef {
        id: "requests_rate_per_10k",
        title: "Requests per 10,000 aged 0-24 (12 months)",
        section: "Requests for EHC needs assessment",
        unit: Unit::Rate,
        better: Better::Neither,
        definition: "requests received in the trailing 12 months ÷ population 0-24 × 10,000",
        breakdowns: &[],
        seed_rows: "rate of initial requests per 10,000 0-24",
    },
    MeasureDef {
        id: "requests_pct_0_24",
        title: "Requests as % of population 0-24 (12 months)",
        section: "Requests for EHC needs assessment",
        unit: Unit::Percent,
        better: Better::Neither,
        definition: "requests received in the trailing 12 months ÷ population 0-24 × 100",
        breakdowns: &[],
        seed_rows: "Initial requests as % of 0-24 population",
    },
    MeasureDef {
        id: "decisions_made",
        title: "Decisions whether to assess",
        section: "Requests for EHC needs assessment",
        unit: Unit::Count,
        better: Better::Neither,
        definition: "requests whose decision `assess` or `refuse` was notified in the month",
        breakdowns: &[Dimension::Decision],
        seed_rows: "No. of EHC assessments agreed to initiate (decision=assess)",
    },
    MeasureDef {
        id: "decisions_within_6_weeks_pct",
        title: "Decisions within 6 weeks",
        section: "Requests for EHC needs assessment",
        unit: Unit::Percent,
        better: Better::Up,
        definition: "of decisions_made, share notified within 6 weeks of received_on",
        breakdowns: &[],
        seed_rows: "decision whether to assess at the 6 week mark",
    },
    MeasureDef {
        id: "assess_rate_pct",
        title: "Requests agreed for assessment (12 months)",
        section: "Requests for EHC needs assessment",
        unit: Unit::Percent,
        better: Better::Neither,
        definition: "of `assess`/`refuse` decisions notified in the trailing 12 months, share `assess`",
        breakdowns: &[],
        seed_rows: "% of initial requests assessed",
    },
    MeasureDef {
        id: "decisions_overdue",
        title: "Decisions overdue (past 6 weeks)",
        section: "Requests for EHC needs assessment",
        unit: Unit::Count,
        better: Better::Down,
        definition: "as at: open requests with no decision notified and more than 42 days since received_on",
        breakdowns: &[],
        seed_rows: "",
    },
    MeasureDef {
        id: "requests_open",
        title: "Requests open",
        section: "Assessments and new plans",
        unit: Unit::Count,
        better: Better::Neither,
        definition: "as at: open requests",
        breakdowns: &[Dimension::Stage],
        seed_rows: "Total number of EHCP assessments in progress",
    },
    MeasureDef {
        id: "assessments_in_progress",
        title: "Assessments in progress",
        section: "Assessments and new plans",
        unit: Unit::Count,
        better: Better::Neither,
        definition: "as at: open requests whose decision `assess` has been notified",
        breakdowns: &[],
        seed_rows: "",
    },
    MeasureDef {
        id: "requests_open_over_20_weeks",
        title: "Open past 20 weeks",
        section: "Assessments and new plans",
        unit: Unit::Count,
        better: Better::Down,
        definition: "as at: open requests with more than 140 days since received_on",
        breakdowns: &[],
        seed_rows: "Total EHCP assessments overdue (beyond 20-week deadline)",
    },
    MeasureDef {
        id: "requests_open_over_30_weeks",
        title: "Open past 30 weeks",
        section: "Assessments and new plans",
        unit: Unit::Count,
        better: Better::Down,
        definition: "same, more than 210 days",
        breakdowns: &[],
        seed_rows: "Number of 20-week assessments overdue 30 weeks",
    },
    MeasureDef {
        id: "requests_open_over_52_weeks",
        title: "Open past 52 weeks",
        section: "Assessments and new plans",
        unit: Unit::Count,
        better: Better::Down,
        definition: "same, more than 364 days",
        breakdowns: &[],
        seed_rows: "Number of 20-week assessments overdue 52 weeks",
    },
    MeasureDef {
        id: "assessments_completed",
        title: "Assessments completed",
        section: "Assessments and new plans",
        unit: Unit::Count,
        better: Better::Neither,
        definition: "requests whose outcome `plan` or `no_plan` was notified in the month",
        breakdowns: &[Dimension::Outcome],
        seed_rows: "Number of 20 weeks assessments completed",
    },
    MeasureDef {
        id: "assessments_completed_on_time",
        title: "Assessments completed on time",
        section: "Assessments and new plans",
        unit: Unit::Count,
        better: Better::Up,
        definition: "of those: `plan` within 20 weeks, or `no_plan` within 16 weeks, of received_on",
        breakdowns: &[],
        seed_rows: "completed on time",
    },
    MeasureDef {
        id: "assessments_completed_on_time_pct",
        title: "Assessments completed on time (%)",
        section: "Assessments and new plans",
        unit: Unit::Percent,
        better: Better::Up,
        definition: "assessments_completed_on_time ÷ assessments_completed × 100",
        breakdowns: &[],
        seed_rows: "% of 20-week assessments completed on time",
    },
    MeasureDef {
        id: "assessments_completed_on_time_pct_ytd",
        title: "Assessments completed on time, year to date (%)",
        section: "Assessments and new plans",
        unit: Unit::Percent,
        better: Better::Up,
        definition: "the same ratio over YTD counts",
        breakdowns: &[],
        seed_rows: "% ... completed on time cumulative",
    },
    MeasureDef {
        id: "plans_issued",
        title: "New EHC plans issued",
        section: "Assessments and new plans",
        unit: Unit::Count,
        better: Better::Neither,
        definition: "requests whose outcome `plan` was notified in the month",
        breakdowns: &[Dimension::AgeBand],
        seed_rows: "EHCPs issued per month by age group; Number of new EHCs issued",
    },
    MeasureDef {
        id: "plans_issued_within_20_weeks",
        title: "New plans issued within 20 weeks",
        section: "Assessments and new plans",
        unit: Unit::Count,
        better: Better::Up,
        definition: "of plans_issued, notified within 20 weeks of received_on",
        breakdowns: &[],
        seed_rows: "plans issued within 20 weeks",
    },
    MeasureDef {
        id: "plans_issued_within_20_weeks_pct",
        title: "New plans within 20 weeks, excluding exceptions (%)",
        section: "Assessments and new plans",
        unit: Unit::Percent,
        better: Better::Up,
        definition: "DfE headline: the same share with exception cases left out of both counts",
        breakdowns: &[],
        seed_rows: "% 20 week assessments completed on time (SEN2)",
    },
    MeasureDef {
        id: "plans_issued_within_20_weeks_incl_exceptions_pct",
        title: "New plans within 20 weeks, all cases (%)",
        section: "Assessments and new plans",
        unit: Unit::Percent,
        better: Better::Up,
        definition: "the same share over all plans_issued",
        breakdowns: &[],
        seed_rows: "",
    },
    MeasureDef {
        id: "plans_issued_within_20_weeks_pct_ytd",
        title: "New plans within 20 weeks, year to date (%)",
        section: "Assessments and new plans",
        unit: Unit::Percent,
        better: Better::Up,
        definition: "plans_issued_within_20_weeks_pct over YTD counts",
        breakdowns: &[],
        seed_rows: "",
    },
    MeasureDef {
        id: "plans_issued_avg_weeks",
        title: "Average weeks from request to plan",
        section: "Assessments and new plans",
        unit: Unit::Weeks,
        better: Better::Down,
        definition: "mean of (outcome_on − received_on) ÷ 7 over plans_issued",
        breakdowns: &[],
        seed_rows: "",
    },
    MeasureDef {
        id: "assessment_to_plan_pct",
        title: "Assessments leading to a plan (12 months)",
        section: "Assessments and new plans",
        unit: Unit::Percent,
        better: Better::Neither,
        definition: "of assessments completed in the trailing 12 months, share with outcome `plan`",
        breakdowns: &[],
        seed_rows: "% of assessments that went on to a plan",
    },
    MeasureDef {
        id: "advice_outstanding",
        title: "Advice outstanding",
        section: "Statutory advice",
        unit: Unit::Count,
        better: Better::Down,
        definition: "as at: advice requested on or before the date and not received by it, for a request still open at the date",
        breakdowns: &[Dimension::Kind, Dimension::Provider],
        seed_rows: "Assessments waiting for EP / social care / health reports",
    },
    MeasureDef {
        id: "advice_overdue",
        title: "Advice overdue (past 6 weeks)",
        section: "Statutory advice",
        unit: Unit::Count,
        better: Better::Down,
        definition: "as at: outstanding advice with more than 42 days since requested_on",
        breakdowns: &[Dimension::Kind, Dimension::Provider],
        seed_rows: "Table 2: advice requests overdue at end of month; (N overdue)",
    },
    MeasureDef {
        id: "advice_within_6_weeks_pct",
        title: "Advice received within 6 weeks",
        section: "Statutory advice",
        unit: Unit::Percent,
        better: Better::Up,
        definition: "of advice received in the month, share received within 6 weeks of requested_on",
        breakdowns: &[Dimension::Kind],
        seed_rows: "EPS timeliness of statutory advice",
    },
    MeasureDef {
        id: "plans_active",
        title: "Active EHC plans",
        section: "Plans in force",
        unit: Unit::Count,
        better: Better::Neither,
        definition: "as at: active plans",
        breakdowns: &[Dimension::AgeBand, Dimension::PrimaryNeed, Dimension::Setting],
        seed_rows: "Total Number of (Active) EHCPs; No. of EHCPs; EHCs by setting type",
    },
    MeasureDef {
        id: "plans_active_change_pct",
        title: "Active plans: change on 12 months earlier",
        section: "Plans in force",
        unit: Unit::Percent,
        better: Better::Neither,
        definition: "plans_active vs 12 months earlier, % change",
        breakdowns: &[],
        seed_rows: "EHCPs up 9.6% on the same period last year",
    },
    MeasureDef {
        id: "plans_active_pct_0_24",
        title: "Active plans as % of population 0-24",
        section: "Plans in force",
        unit: Unit::Percent,
        better: Better::Neither,
        definition: "plans_active ÷ population 0-24 × 100",
        breakdowns: &[],
        seed_rows: "EHCPs as % of 0-24 population",
    },
    MeasureDef {
        id: "plans_ceased",
        title: "Plans ceased",
        section: "Plans in force",
        unit: Unit::Count,
        better: Better::Neither,
        definition: "plans whose ceased_on is in the month",
        breakdowns: &[Dimension::AgeBand, Dimension::CeaseReason],
        seed_rows: "Number of EHCs ceased, by age group",
    },
    MeasureDef {
        id: "plans_in_mainstream_pct",
        title: "Plans in mainstream settings",
        section: "Plans in force",
        unit: Unit::Percent,
        better: Better::Neither,
        definition: "share of active plans with setting `mainstream` or `resource_base`",
        breakdowns: &[],
        seed_rows: "% of EHCPs in mainstream",
    },
    MeasureDef {
        id: "plans_in_independent_special_pct",
        title: "Plans in independent and non-maintained special schools",
        section: "Plans in force",
        unit: Unit::Percent,
        better: Better::Down,
        definition: "share with setting `special_independent` or `nmss`",
        breakdowns: &[],
        seed_rows: "% of EHCPs in special: independent & non-maintained",
    },
    MeasureDef {
        id: "plans_eotas_pct",
        title: "Plans with education otherwise than at school",
        section: "Plans in force",
        unit: Unit::Percent,
        better: Better::Down,
        definition: "share with setting `eotas_s61` or `eotas_s19`",
        breakdowns: &[],
        seed_rows: "% of EHCPs in other arrangements by LA (EOTAS)",
    },
    MeasureDef {
        id: "plans_ehe_pct",
        title: "Plans with elective home education",
        section: "Plans in force",
        unit: Unit::Percent,
        better: Better::Neither,
        definition: "share with setting `ehe`",
        breakdowns: &[],
        seed_rows: "% of children with an EHCP electively home educated",
    },
    MeasureDef {
        id: "plans_neet_16_25_pct",
        title: "Young people 16-25 with a plan who are NEET",
        section: "Plans in force",
        unit: Unit::Percent,
        better: Better::Down,
        definition: "of active plans whose child is aged 16-25 at the date, share with setting `neet`",
        breakdowns: &[],
        seed_rows: "% of EHCP young people NEET (16-25)",
    },
    MeasureDef {
        id: "reviews_completed",
        title: "Annual reviews completed",
        section: "Annual reviews",
        unit: Unit::Count,
        better: Better::Up,
        definition: "reviews whose decision was notified in the month",
        breakdowns: &[Dimension::Decision],
        seed_rows: "Number of Annual Reviews Completed",
    },
    MeasureDef {
        id: "reviews_completed_on_time_pct",
        title: "Annual reviews completed on time",
        section: "Annual reviews",
        unit: Unit::Percent,
        better: Better::Up,
        definition: "of reviews_completed, share on time",
        breakdowns: &[],
        seed_rows: "% timeliness of annual reviews",
    },
    MeasureDef {
        id: "reviews_overdue",
        title: "Annual reviews overdue",
        section: "Annual reviews",
        unit: Unit::Count,
        better: Better::Down,
        definition: "as at: active plans whose current review is overdue",
        breakdowns: &[Dimension::State],
        seed_rows: "Number / Total number of annual reviews overdue; waiting for school action / service action / amendments",
    },
    MeasureDef {
        id: "reviews_decision_avg_weeks",
        title: "Average weeks from review meeting to decision",
        section: "Annual reviews",
        unit: Unit::Weeks,
        better: Better::Down,
        definition: "mean (decided_on − meeting_on) ÷ 7 over reviews_completed",
        breakdowns: &[],
        seed_rows: "maintaining EHCPs within timescales (weeks)",
    },
    MeasureDef {
        id: "phase_transfers_finalised_pct",
        title: "Phase transfers finalised by the deadline",
        section: "Annual reviews",
        unit: Unit::Percent,
        better: Better::Up,
        definition: "of reviews with a phase_transfer whose meeting is in the academic year (1 September – 31 August) containing the month and on or before the period's last day, share finalised before the statutory deadline of that academic year (before 15 February for `school`, before 31 March for `post16`, i.e. on or before 14 February / 30 March) and on or before the period's last day; finalised means decision notified and, for `amend`, amended plan issued",
        breakdowns: &[],
        seed_rows: "100% of EHCPs finalised for the 15 February phase transfer deadline",
    },
    MeasureDef {
        id: "mediations_ytd",
        title: "Mediations, year to date",
        section: "Disputes and feedback",
        unit: Unit::Count,
        better: Better::Neither,
        definition: "mediations opened YTD",
        breakdowns: &[],
        seed_rows: "Total number of mediations (cumulative calendar year)",
    },
    MeasureDef {
        id: "appeals_registered_ytd",
        title: "Tribunal appeals registered, year to date",
        section: "Disputes and feedback",
        unit: Unit::Count,
        better: Better::Down,
        definition: "appeals opened YTD",
        breakdowns: &[],
        seed_rows: "No. of appeals registered with the SEND tribunal (cumulative)",
    },
    MeasureDef {
        id: "appeals_lost_pct_ytd",
        title: "Appeals conceded or found for parents, year to date",
        section: "Disputes and feedback",
        unit: Unit::Percent,
        better: Better::Down,
        definition: "of appeals closed YTD, share with outcome `conceded` or `parent_favour`",
        breakdowns: &[],
        seed_rows: "% of cases where LA conceded/found in favour of parent",
    },
    MeasureDef {
        id: "appeals_won_pct_ytd",
        title: "Appeals withdrawn or found for the LA, year to date",
        section: "Disputes and feedback",
        unit: Unit::Percent,
        better: Better::Up,
        definition: "of appeals closed YTD, share with outcome `la_favour` or `withdrawn`",
        breakdowns: &[],
        seed_rows: "% where parent withdrew/found in favour of LA",
    },
    MeasureDef {
        id: "mediations_followed_by_appeal_pct_ytd",
        title: "Mediations followed by an appeal, year to date",
        section: "Disputes and feedback",
        unit: Unit::Percent,
        better: Better::Down,
        definition: "of mediations opened YTD, share whose child has an appeal opened on or after the mediation's opened_on and on or before the period end",
        breakdowns: &[],
        seed_rows: "% of mediation cases followed by appeals",
    },
    MeasureDef {
        id: "complaints",
        title: "Complaints",
        section: "Disputes and feedback",
        unit: Unit::Count,
        better: Better::Down,
        definition: "complaints received in the month",
        breakdowns: &[],
        seed_rows: "No. of complaints",
    },
    MeasureDef {
        id: "compliments",
        title: "Compliments",
        section: "Disputes and feedback",
        unit: Unit::Count,
        better: Better::Up,
        definition: "compliments received in the month",
        breakdowns: &[],
        seed_rows: "No. of compliments",
    },
    MeasureDef {
        id: "placement_avg_annual_cost",
        title: "Average annual placement cost",
        section: "Placement costs",
        unit: Unit::Pounds,
        better: Better::Neither,
        definition: "as at: mean annual_cost of placements active at the date, for children with an active plan, where annual_cost is given",
        breakdowns: &[Dimension::Setting],
        seed_rows: "EHCP average costs dashboard",
    },
    MeasureDef {
        id: "independent_spend_share_pct",
        title: "Share of placement spend in independent special schools",
        section: "Placement costs",
        unit: Unit::Percent,
        better: Better::Down,
        definition: "as at: sum of annual_cost over active `special_independent` and `nmss` placements of children with an active plan ÷ the sum over all such placements × 100",
        breakdowns: &[],
        seed_rows: "% of spend in the independent, non-maintained special school sector",
    },
];
