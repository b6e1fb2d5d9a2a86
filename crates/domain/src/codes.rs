//! The code lists of the interchange format, as Rust enums. Each code has exactly one
//! spelling, the lower-case one the spec gives; parsing anything else is an error that lists
//! the allowed codes.

/// Declares an enum of codes with its exact spellings and words for people (`Variant = "code"
/// / "Words"`): `code()`, `label()`, `parse()` and `ALL`.
macro_rules! codes {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($variant:ident = $code:literal / $label:literal),+ $(,)? }) => {
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

            /// The code in words, for people: what pages, letters and forms show.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
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
            fn all() -> &'static [$name] {
                $name::ALL
            }

            fn code(self) -> &'static str {
                $name::code(self)
            }

            fn label(self) -> &'static str {
                $name::label(self)
            }

            fn parse(text: &str) -> Result<$name, String> {
                $name::parse(text)
            }
        }
    };
}
pub(crate) use codes;

/// A value of one of the interchange code lists, for code that works on any of them.
pub trait Code: Copy + Eq + 'static {
    /// Every code, in the order the spec lists them.
    fn all() -> &'static [Self];
    /// The code as written in the interchange files.
    fn code(self) -> &'static str;
    /// The code in words, for people.
    fn label(self) -> &'static str;
    /// Reads a code; the error names the allowed values.
    fn parse(text: &str) -> Result<Self, String>;
}

codes!(
    /// What a member of staff (or a funded post) does.
    StaffRole, "staff role" {
        Caseworker = "caseworker" / "Caseworker",
        SeniorCaseworker = "senior_caseworker" / "Senior caseworker",
        Coordinator = "coordinator" / "Coordinator",
        TeamManager = "team_manager" / "Team manager",
        EducationalPsychologist = "educational_psychologist" / "Educational psychologist",
        Other = "other" / "Other",
    }
);

impl StaffRole {
    /// Whether people in this role hold cases (what caseload per caseworker counts).
    pub fn holds_cases(self) -> bool {
        matches!(self, StaffRole::Caseworker | StaffRole::SeniorCaseworker)
    }
}

codes!(
    /// How a member of staff is employed.
    Contract, "contract" {
        Permanent = "permanent" / "Permanent",
        FixedTerm = "fixed_term" / "Fixed term",
        Interim = "interim" / "Interim",
        Agency = "agency" / "Agency",
    }
);

codes!(
    /// What a case log entry records (issue 18).
    ContactKind, "kind of contact" {
        Call = "call" / "Phone call",
        Email = "email" / "Email",
        Letter = "letter" / "Letter",
        Meeting = "meeting" / "Meeting",
        Visit = "visit" / "Visit",
        Note = "note" / "Note",
        Portal = "portal" / "Portal message",
    }
);

codes!(
    /// Who a contact is to the child (contacts.csv, issue 18).
    ContactRole, "contact role" {
        Parent = "parent" / "Parent",
        Carer = "carer" / "Carer",
        YoungPerson = "young_person" / "The young person",
        Senco = "senco" / "SENCo",
        SocialWorker = "social_worker" / "Social worker",
        Health = "health" / "Health professional",
        Other = "other" / "Other",
    }
);

impl ContactRole {
    /// Whether the authority's duty to keep a family informed runs to this person: a parent,
    /// a carer or the young person.
    pub fn is_family(self) -> bool {
        matches!(self, ContactRole::Parent | ContactRole::Carer | ContactRole::YoungPerson)
    }
}

codes!(
    /// How a contact prefers to be reached.
    Preferred, "preferred way" { Email = "email" / "Email", Phone = "phone" / "Phone", Letter = "letter" / "Letter" }
);

codes!(
    /// What a complaint is about (issue 18).
    ComplaintSubject, "complaint subject" {
        Communication = "communication" / "Communication",
        Delay = "delay" / "Delay",
        Provision = "provision" / "Provision",
        Staff = "staff" / "Staff",
        Other = "other" / "Other",
    }
);

codes!(
    /// How far a complaint has gone.
    ComplaintStage, "complaint stage" {
        Stage1 = "stage_1" / "Stage 1 (local resolution)",
        Stage2 = "stage_2" / "Stage 2 (review)",
        Ombudsman = "ombudsman" / "Local Government and Social Care Ombudsman",
    }
);

codes!(
    /// What the Local Government and Social Care Ombudsman decided.
    OmbudsmanOutcome, "Ombudsman outcome" {
        Upheld = "upheld" / "Upheld: fault found",
        NotUpheld = "not_upheld" / "Not upheld: no fault found",
        ClosedAfterInitialEnquiries = "closed_after_initial_enquiries" / "Closed after initial enquiries",
        ReferredBack = "referred_back" / "Referred back for local resolution",
    }
);

codes!(
    /// What an organisation is (organisations.csv, issue 19).
    OrganisationKind, "kind of organisation" {
        Provider = "provider" / "Gives advice (a service or trust)",
        Setting = "setting" / "A school, college or other setting",
        Other = "other" / "Other",
    }
);

codes!(
    /// A setting's answer to a consultation.
    ConsultationResponse, "consultation response" {
        CanMeet = "can_meet" / "Can meet the needs",
        CannotMeet = "cannot_meet" / "Cannot meet the needs",
        MoreInformation = "more_information" / "Needs more information",
    }
);

codes!(
    /// Which way a contact went.
    Direction, "direction" { In = "in" / "Received", Out = "out" / "Sent or made" }
);

codes!(
    /// Sex as recorded for the child.
    Sex, "sex" { Female = "f" / "Female", Male = "m" / "Male", Unknown = "u" / "Not known" }
);

codes!(
    /// SEN2 type of need.
    Need, "type of need" {
        SpecificLearningDifficulty = "spld" / "Specific learning difficulty",
        ModerateLearningDifficulty = "mld" / "Moderate learning difficulty",
        SevereLearningDifficulty = "sld" / "Severe learning difficulty",
        ProfoundMultipleLearningDifficulty = "pmld" / "Profound and multiple learning difficulty",
        SocialEmotionalMentalHealth = "semh" / "Social, emotional and mental health",
        SpeechLanguageCommunication = "slcn" / "Speech, language and communication needs",
        HearingImpairment = "hi" / "Hearing impairment",
        VisionImpairment = "vi" / "Vision impairment",
        MultiSensoryImpairment = "msi" / "Multi-sensory impairment",
        PhysicalDisability = "pd" / "Physical disability",
        Autism = "asd" / "Autism",
        DownSyndrome = "ds" / "Down syndrome",
        Other = "oth" / "Other difficulty or disability",
        NoSpecialistAssessment = "nsa" / "SEN support but no specialist assessment of type of need",
    }
);

codes!(
    /// SEN2 reason why neither a UPN nor a ULN is held.
    UpnUnknown, "UPN-unknown reason" {
        Un1 = "un1" / "Reason UN1", Un2 = "un2" / "Reason UN2", Un3 = "un3" / "Reason UN3", Un4 = "un4" / "Reason UN4", Un5 = "un5" / "Reason UN5",
        Un6 = "un6" / "Reason UN6", Un7 = "un7" / "Reason UN7", Un8 = "un8" / "Reason UN8", Un9 = "un9" / "Reason UN9", Un10 = "un10" / "Reason UN10",
    }
);

codes!(
    /// Who made the request for an EHC needs assessment.
    RequestSource, "request source" {
        Parent = "parent" / "Parent or carer",
        YoungPerson = "young_person" / "The young person",
        School = "school" / "School",
        EarlyYears = "early_years" / "Early years setting",
        College = "college" / "College",
        Health = "health" / "Health",
        SocialCare = "social_care" / "Social care",
        Other = "other" / "Other",
    }
);

codes!(
    /// The LA's decision whether to carry out an EHC needs assessment.
    AssessmentDecision, "decision on a request" { Assess = "assess" / "Assess", Refuse = "refuse" / "Not to assess", Withdrawn = "withdrawn" / "Withdrawn" }
);

codes!(
    /// How an assessment ended.
    AssessmentOutcome, "assessment outcome" { Plan = "plan" / "EHC plan issued", NoPlan = "no_plan" / "Decided not to issue a plan", Withdrawn = "withdrawn" / "Request withdrawn during the assessment" }
);

codes!(
    /// A statutory exception to the 20-week time limit (SEND Regulations 2014, reg. 13(3)).
    TimeLimitException, "exception to the 20-week limit" {
        SchoolClosure = "school_closure" / "School closure",
        EarlyYearsClosure = "early_years_closure" / "Early years setting closure",
        PersonalCircumstances = "personal_circumstances" / "Exceptional personal circumstances of the child or parent",
        AbsentFromArea = "absent_from_area" / "Child or parent away from the area for 4 weeks or more",
    }
);

codes!(
    /// The kind of statutory advice sought during an assessment.
    AdviceKind, "kind of advice" {
        EducationalPsychology = "educational_psychology" / "Educational psychology",
        SocialCare = "social_care" / "Social care",
        Health = "health" / "Health",
        Education = "education" / "Education",
        Other = "other" / "Other",
    }
);

codes!(
    /// SEN2 reason an EHC plan ceased.
    CeaseReason, "reason a plan ceased" {
        MaxAge = "max_age" / "Reached the age limit",
        NeedsMet = "needs_met" / "Needs met without a plan",
        HigherEducation = "higher_education" / "Moved on to higher education",
        Employment = "employment" / "Moved into paid employment",
        MovedLa = "moved_la" / "Moved to another local authority",
        NoEngagement = "no_engagement" / "No longer in education or training",
        LeftEngland = "left_england" / "Moved out of England",
        Deceased = "deceased" / "Died",
        Other = "other" / "Other",
    }
);

codes!(
    /// A personal budget taken up with the plan.
    PersonalBudget, "personal budget" {
        OrganisedArrangements = "organised_arrangements" / "Organised arrangements",
        DirectPayments = "direct_payments" / "Direct payments",
        Both = "both" / "Organised arrangements and direct payments",
    }
);

codes!(
    /// The kind of setting a child is educated in.
    Setting, "setting" {
        Mainstream = "mainstream" / "Mainstream school",
        ResourceBase = "resource_base" / "Resourced provision or SEN unit",
        SpecialMaintained = "special_maintained" / "Maintained special school",
        SpecialIndependent = "special_independent" / "Independent special school",
        NonMaintainedSpecial = "nmss" / "Non-maintained special school",
        AlternativeProvision = "alternative_provision" / "Alternative provision",
        Hospital = "hospital" / "Hospital school",
        Post16College = "post16_college" / "Further education college",
        Post16Specialist = "post16_specialist" / "Specialist post-16 institution",
        EotasSection61 = "eotas_s61" / "Education otherwise than at school (section 61)",
        EotasSection19 = "eotas_s19" / "Education otherwise than at school (section 19)",
        ElectiveHomeEducation = "ehe" / "Elective home education",
        Neet = "neet" / "Not in education, employment or training",
        None = "none" / "No placement",
    }
);

codes!(
    /// Whether a placement is the main one or a second, dual placement.
    PlacementRank, "placement rank" { Main = "1" / "Main placement", Dual = "2" / "Dual placement" }
);

codes!(
    /// The LA's decision after an annual review meeting.
    ReviewDecision, "review decision" { Maintain = "maintain" / "Keep the plan as it is", Amend = "amend" / "Amend the plan", Cease = "cease" / "Cease the plan" }
);

codes!(
    /// A phase transfer the review prepares for, with its statutory deadline.
    PhaseTransfer, "phase transfer" { School = "school" / "Move to secondary school", Post16 = "post16" / "Move to post-16" }
);

codes!(
    /// Mediation or a SEND Tribunal appeal.
    DisputeKind, "kind of dispute" { Mediation = "mediation" / "Mediation", Appeal = "appeal" / "Appeal to the First-tier Tribunal" }
);

codes!(
    /// How a dispute ended.
    DisputeOutcome, "dispute outcome" {
        Resolved = "resolved" / "Resolved",
        Conceded = "conceded" / "Conceded by the local authority",
        ParentFavour = "parent_favour" / "Decided in favour of the family",
        LaFavour = "la_favour" / "Decided in favour of the local authority",
        Withdrawn = "withdrawn" / "Withdrawn",
        CertificateIssued = "certificate_issued" / "Mediation certificate issued",
    }
);

codes!(
    /// A complaint or a compliment.
    FeedbackKind, "kind of feedback" { Complaint = "complaint" / "Complaint", Compliment = "compliment" / "Compliment" }
);

codes!(
    /// Who a benchmark value describes.
    Comparator, "comparator" {
        England = "england" / "England",
        Region = "region" / "Region",
        StatisticalNeighbours = "statistical_neighbours" / "Statistical neighbours",
        Published = "published" / "As published for the authority",
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

codes!(
    /// The unit of a supplied indicator (indicators.csv, issue 22).
    IndicatorUnit, "indicator unit" {
        Count = "count" / "Count",
        Percent = "%" / "Percentage",
        Rate = "rate" / "Rate",
        Pounds = "£" / "Pounds",
        Number = "number" / "Number",
    }
);

codes!(
    /// Which way a supplied indicator is better (empty in the file: neither).
    BetterWay, "better direction" {
        Up = "up" / "Higher is better",
        Down = "down" / "Lower is better",
    }
);

codes!(
    /// How often a supplier sends an indicator's value.
    Frequency, "frequency" {
        Monthly = "monthly" / "Monthly",
        Quarterly = "quarterly" / "Quarterly",
        Termly = "termly" / "Termly",
        Yearly = "yearly" / "Yearly",
    }
);

impl Frequency {
    /// The months between one period and the next.
    pub fn months(self) -> i32 {
        match self {
            Frequency::Monthly => 1,
            Frequency::Quarterly => 3,
            Frequency::Termly => 4,
            Frequency::Yearly => 12,
        }
    }
}

codes!(
    /// A red, amber or green rating of an improvement plan's strand.
    Rag, "RAG rating" {
        Red = "red" / "Red",
        Amber = "amber" / "Amber",
        Green = "green" / "Green",
    }
);

codes!(
    /// Where an action from a board meeting stands.
    ActionStatus, "action status" {
        Open = "open" / "Open",
        Done = "done" / "Done",
        Dropped = "dropped" / "Dropped",
    }
);

codes!(
    /// A quality audit's grade (the Ofsted scale most authorities' frameworks use).
    AuditGrade, "audit grade" {
        Outstanding = "outstanding" / "Outstanding",
        Good = "good" / "Good",
        RequiresImprovement = "requires_improvement" / "Requires improvement",
        Inadequate = "inadequate" / "Inadequate",
    }
);

impl AuditGrade {
    /// Whether the grade meets the quality standard: good or outstanding.
    pub fn meets_standard(self) -> bool {
        matches!(self, AuditGrade::Outstanding | AuditGrade::Good)
    }
}

codes!(
    /// What a quality audit looked at.
    AuditSubject, "audit subject" {
        Plan = "plan" / "An EHC plan",
        Advice = "advice" / "Advice for an assessment",
    }
);

codes!(
    /// A flag another service supplies about a child (cohort_flags.csv, issue 22).
    CohortFlagKind, "cohort flag" {
        InCare = "in_care" / "Child in care",
        ChildProtection = "child_protection" / "On a child protection plan",
        Neet = "neet" / "Not in education, employment or training",
        Apprenticeship = "apprenticeship" / "In an apprenticeship",
        HealthAssessmentOverdue = "health_assessment_overdue" / "Health assessment overdue (child in care)",
    }
);

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
