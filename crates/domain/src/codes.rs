//! The code lists of the interchange format, as Rust enums. Each code has exactly one
//! spelling, the lower-case one the spec gives; parsing anything else is an error that lists
//! the allowed codes.

/// Declares an enum of codes with its exact spellings, `code()`, `parse()` and `ALL`.
macro_rules! codes {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every code, in the order the spec lists them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// What the code list is, in words, for error messages.
            pub const WHAT: &'static str = $what;

            /// The code as written in the interchange files.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// Reads a code; the error names the allowed values.
            pub fn parse(text: &str) -> Result<$name, String> {
                match text {
                    $($code => Ok($name::$variant),)+
                    _ => Err(format!(
                        "'{}' is not a known {}; use one of: {}",
                        text,
                        $what,
                        [$($code),+].join(", ")
                    )),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }

        impl Code for $name {
            fn code(self) -> &'static str {
                $name::code(self)
            }

            fn parse(text: &str) -> Result<$name, String> {
                $name::parse(text)
            }
        }
    };
}

/// A value of one of the interchange code lists, for code that works on any of them.
pub trait Code: Copy + Eq + 'static {
    /// The code as written in the interchange files.
    fn code(self) -> &'static str;
    /// Reads a code; the error names the allowed values.
    fn parse(text: &str) -> Result<Self, String>;
}

codes!(
    /// Sex as recorded for the child.
    Sex, "sex" { Female = "f", Male = "m", Unknown = "u" }
);

codes!(
    /// SEN2 type of need.
    Need, "type of need" {
        SpecificLearningDifficulty = "spld",
        ModerateLearningDifficulty = "mld",
        SevereLearningDifficulty = "sld",
        ProfoundMultipleLearningDifficulty = "pmld",
        SocialEmotionalMentalHealth = "semh",
        SpeechLanguageCommunication = "slcn",
        HearingImpairment = "hi",
        VisionImpairment = "vi",
        MultiSensoryImpairment = "msi",
        PhysicalDisability = "pd",
        Autism = "asd",
        DownSyndrome = "ds",
        Other = "oth",
        NoSpecialistAssessment = "nsa",
    }
);

codes!(
    /// SEN2 reason why neither a UPN nor a ULN is held.
    UpnUnknown, "UPN-unknown reason" {
        Un1 = "un1", Un2 = "un2", Un3 = "un3", Un4 = "un4", Un5 = "un5",
        Un6 = "un6", Un7 = "un7", Un8 = "un8", Un9 = "un9", Un10 = "un10",
    }
);

codes!(
    /// Who made the request for an EHC needs assessment.
    RequestSource, "request source" {
        Parent = "parent",
        YoungPerson = "young_person",
        School = "school",
        EarlyYears = "early_years",
        College = "college",
        Health = "health",
        SocialCare = "social_care",
        Other = "other",
    }
);

codes!(
    /// The LA's decision whether to carry out an EHC needs assessment.
    AssessmentDecision, "decision on a request" { Assess = "assess", Refuse = "refuse", Withdrawn = "withdrawn" }
);

codes!(
    /// How an assessment ended.
    AssessmentOutcome, "assessment outcome" { Plan = "plan", NoPlan = "no_plan", Withdrawn = "withdrawn" }
);

codes!(
    /// A statutory exception to the 20-week time limit (SEND Regulations 2014, reg. 13(3)).
    TimeLimitException, "exception to the 20-week limit" {
        SchoolClosure = "school_closure",
        EarlyYearsClosure = "early_years_closure",
        PersonalCircumstances = "personal_circumstances",
        AbsentFromArea = "absent_from_area",
    }
);

codes!(
    /// The kind of statutory advice sought during an assessment.
    AdviceKind, "kind of advice" {
        EducationalPsychology = "educational_psychology",
        SocialCare = "social_care",
        Health = "health",
        Education = "education",
        Other = "other",
    }
);

codes!(
    /// SEN2 reason an EHC plan ceased.
    CeaseReason, "reason a plan ceased" {
        MaxAge = "max_age",
        NeedsMet = "needs_met",
        HigherEducation = "higher_education",
        Employment = "employment",
        MovedLa = "moved_la",
        NoEngagement = "no_engagement",
        LeftEngland = "left_england",
        Deceased = "deceased",
        Other = "other",
    }
);

codes!(
    /// A personal budget taken up with the plan.
    PersonalBudget, "personal budget" {
        OrganisedArrangements = "organised_arrangements",
        DirectPayments = "direct_payments",
        Both = "both",
    }
);

codes!(
    /// The kind of setting a child is educated in.
    Setting, "setting" {
        Mainstream = "mainstream",
        ResourceBase = "resource_base",
        SpecialMaintained = "special_maintained",
        SpecialIndependent = "special_independent",
        NonMaintainedSpecial = "nmss",
        AlternativeProvision = "alternative_provision",
        Hospital = "hospital",
        Post16College = "post16_college",
        Post16Specialist = "post16_specialist",
        EotasSection61 = "eotas_s61",
        EotasSection19 = "eotas_s19",
        ElectiveHomeEducation = "ehe",
        Neet = "neet",
        None = "none",
    }
);

codes!(
    /// Whether a placement is the main one or a second, dual placement.
    PlacementRank, "placement rank" { Main = "1", Dual = "2" }
);

codes!(
    /// The LA's decision after an annual review meeting.
    ReviewDecision, "review decision" { Maintain = "maintain", Amend = "amend", Cease = "cease" }
);

codes!(
    /// A phase transfer the review prepares for, with its statutory deadline.
    PhaseTransfer, "phase transfer" { School = "school", Post16 = "post16" }
);

codes!(
    /// Mediation or a SEND Tribunal appeal.
    DisputeKind, "kind of dispute" { Mediation = "mediation", Appeal = "appeal" }
);

codes!(
    /// How a dispute ended.
    DisputeOutcome, "dispute outcome" {
        Resolved = "resolved",
        Conceded = "conceded",
        ParentFavour = "parent_favour",
        LaFavour = "la_favour",
        Withdrawn = "withdrawn",
        CertificateIssued = "certificate_issued",
    }
);

codes!(
    /// A complaint or a compliment.
    FeedbackKind, "kind of feedback" { Complaint = "complaint", Compliment = "compliment" }
);

codes!(
    /// Who a benchmark value describes.
    Comparator, "comparator" {
        England = "england",
        Region = "region",
        StatisticalNeighbours = "statistical_neighbours",
        Published = "published",
    }
);

/// Reads the interchange spelling of a yes/no flag: `true` or `false`.
pub fn parse_flag(text: &str) -> Result<bool, String> {
    match text {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(format!("'{text}' is not a yes/no flag; use true or false (or leave it empty)")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_reads_back_as_itself() {
        fn round_trip<T: Copy + PartialEq + std::fmt::Debug>(
            all: &[T],
            code: fn(T) -> &'static str,
            parse: fn(&str) -> Result<T, String>,
        ) {
            for &value in all {
                assert_eq!(parse(code(value)).unwrap(), value);
            }
        }
        round_trip(Need::ALL, Need::code, Need::parse);
        round_trip(Setting::ALL, Setting::code, Setting::parse);
        round_trip(CeaseReason::ALL, CeaseReason::code, CeaseReason::parse);
        round_trip(UpnUnknown::ALL, UpnUnknown::code, UpnUnknown::parse);
        round_trip(DisputeOutcome::ALL, DisputeOutcome::code, DisputeOutcome::parse);
        assert_eq!(Need::ALL.len(), 14);
        assert_eq!(Setting::ALL.len(), 14);
    }

    #[test]
    fn codes_are_exact_and_lower_case() {
        assert!(Need::parse("ASD").is_err());
        assert!(Need::parse(" asd").is_err());
        let message = RequestSource::parse("gp").unwrap_err();
        assert!(message.contains("'gp' is not a known request source"), "{message}");
        assert!(message.contains("parent, young_person"), "{message}");
    }

    #[test]
    fn flags_are_true_or_false() {
        assert!(parse_flag("true").unwrap());
        assert!(!parse_flag("false").unwrap());
        assert!(parse_flag("yes").is_err());
        assert!(parse_flag("TRUE").is_err());
    }
}
