//! The measure catalogue (`measures.md`): every number in a SEND performance report, each
//! with one id, one definition and one computation ([`engine`]). Screens, exports and returns
//! all take their numbers from here, so the same question never gets two answers.

mod catalogue;
pub mod engine;
pub mod explain;
pub mod periods;
pub mod presentation;
pub mod reach;
pub mod reconcile;
pub mod scorecard;
pub mod state;

pub use catalogue::{CATALOGUE, MeasureId};

/// The most breakdowns a measure may have (each fact carries a key for each).
pub const MAX_BREAKDOWNS: usize = 8;

/// What a measure's value counts or measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Count,
    Percent,
    /// Per 10,000 of the population.
    Rate,
    Weeks,
    Pounds,
    /// Full-time equivalents (workforce measures).
    Fte,
    /// Cases per full-time equivalent.
    PerFte,
    /// Days (a median of waits, issue 19).
    Days,
}

impl Unit {
    pub const ALL: [Unit; 8] =
        [Unit::Count, Unit::Percent, Unit::Rate, Unit::Weeks, Unit::Pounds, Unit::Fte, Unit::PerFte, Unit::Days];

    pub fn code(self) -> &'static str {
        match self {
            Unit::Count => "count",
            Unit::Percent => "%",
            Unit::Rate => "rate",
            Unit::Weeks => "weeks",
            Unit::Pounds => "£",
            Unit::Fte => "fte",
            Unit::PerFte => "per fte",
            Unit::Days => "days",
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
    /// The member of staff who holds the case (staff id), `unallocated` when nobody does.
    Caseworker,
    /// The team of the holder (or of a member of staff, or of a post).
    Team,
    /// A member of staff's (or a post's) role.
    Role,
    /// A member of staff's contract.
    Contract,
    /// The child's national curriculum year (issue 23): `early_years`, `reception`, `y1`..`y14`,
    /// `post_19`.
    SchoolYear,
    /// Its key stage: `early_years`, `ks1`..`ks5`, `post_19`.
    KeyStage,
    /// Its phase: `early_years`, `primary`, `secondary`, `post_16`, `post_19`.
    Phase,
}

impl Dimension {
    pub const ALL: [Dimension; 18] = [
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
        Dimension::Caseworker,
        Dimension::Team,
        Dimension::Role,
        Dimension::Contract,
        Dimension::SchoolYear,
        Dimension::KeyStage,
        Dimension::Phase,
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
            Dimension::Caseworker => "caseworker",
            Dimension::Team => "team",
            Dimension::Role => "role",
            Dimension::Contract => "contract",
            Dimension::SchoolYear => "school_year",
            Dimension::KeyStage => "key_stage",
            Dimension::Phase => "phase",
        }
    }

    pub fn parse(text: &str) -> Option<Dimension> {
        Dimension::ALL.into_iter().find(|d| d.code() == text)
    }

    /// Where a key sorts among this breakdown's keys: school years, key stages and phases
    /// youngest first (`y2` before `y10`), `unknown` last; every other breakdown's keys are
    /// equal here and sort by their text.
    pub fn key_rank(self, key: &str) -> usize {
        const STAGES: [&str; 7] = ["early_years", "ks1", "ks2", "ks3", "ks4", "ks5", "post_19"];
        const PHASES: [&str; 5] = ["early_years", "primary", "secondary", "post_16", "post_19"];
        let found = match self {
            Dimension::SchoolYear => crate::dates::SCHOOL_YEARS.iter().position(|y| y[0] == key),
            Dimension::KeyStage => STAGES.iter().position(|s| *s == key),
            Dimension::Phase => PHASES.iter().position(|p| *p == key),
            _ => Some(0),
        };
        found.unwrap_or(usize::MAX)
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
            Dimension::Role => words::<StaffRole>(key),
            Dimension::Contract => words::<Contract>(key),
            Dimension::Caseworker | Dimension::Team if key == "unallocated" => Some("Unallocated".into()),
            Dimension::Caseworker | Dimension::Team => Some(key.to_string()),
            Dimension::AgeBand => Some(match key {
                "under_5" => "Under 5".into(),
                "20_25" => "20 and over".into(),
                other => {
                    format!("{} to {}", other.split('_').next().unwrap_or(""), other.split('_').nth(1).unwrap_or(""))
                }
            }),
            Dimension::SchoolYear | Dimension::KeyStage | Dimension::Phase => Some(match key {
                "early_years" => "Early years".into(),
                "reception" => "Reception".into(),
                "post_16" => "Post-16".into(),
                "post_19" => "Post-19".into(),
                "primary" => "Primary".into(),
                "secondary" => "Secondary".into(),
                other => match (other.strip_prefix("ks"), other.strip_prefix('y')) {
                    (Some(n), _) => format!("Key stage {n}"),
                    (_, Some(n)) => format!("Year {n}"),
                    _ => other.to_string(),
                },
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
    /// The id as written in files, URLs and on the command line: `measure.code()`.
    pub id: &'static str,
    pub measure: MeasureId,
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

impl MeasureId {
    /// The measure's definition.
    pub fn def(self) -> &'static MeasureDef {
        // CATALOGUE lists the measures in the order of MeasureId (checked when compiling).
        &CATALOGUE[self as usize]
    }

    /// The measure with this id, if there is one.
    pub fn parse(id: &str) -> Option<MeasureId> {
        find(id).map(|m| m.measure)
    }
}

impl std::fmt::Display for MeasureId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
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
