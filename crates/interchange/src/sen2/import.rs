//! Mapping a SEN2 return into sendtrack's records: people → children, requests and
//! assessments → requests with their decision and outcome, named plans → plans, active plans'
//! review fields → reviews, placement details → placements (settings by code, or by the
//! establishment's type from Get Information About Schools), SEN needs of rank 1 and 2 →
//! primary and secondary need, mediation and tribunal flags → disputes linked to their request.
//! What the return cannot express is left empty, never invented: a request's source, the date
//! a dispute began, the kind of a 20-week exception.

use super::{Sen2Codes, Sen2ReadError};
use sendtrack_domain::codes::*;
use sendtrack_domain::records::*;
use sendtrack_domain::sen2::{Blade, BladeRow, Module, parse_blade_date, parse_blade_flag};
use sendtrack_domain::validation::{RecordFile, validate};
use std::collections::HashMap;
use std::path::Path;

/// A problem with the return, at a row of one of its files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sen2Problem {
    pub module: Module,
    pub line: usize,
    pub column: String,
    pub message: String,
}

/// The establishment type of each URN, from the Get Information About Schools file.
pub type Establishments = HashMap<String, String>;

/// Reads the URN and type-of-establishment columns of a Get Information About Schools file.
pub fn read_establishments(path: &Path) -> Result<Establishments, Sen2ReadError> {
    let read = crate::gias::read_gias(path, &["TypeOfEstablishment (name)"]).map_err(|e| match e {
        crate::gias::GiasError::Io { file, source } => {
            Sen2ReadError::Bad { file, line: 0, message: source.to_string() }
        }
        crate::gias::GiasError::Bad { file, line, message } => Sen2ReadError::Bad { file, line, message },
    })?;
    Ok(read.into_iter().map(|e| (e.urn, e.kind)).collect())
}

/// Every `TypeOfEstablishment (name)` of Get Information About Schools (as its extracts of
/// 2025-26 write them).
pub const GIAS_ESTABLISHMENT_TYPES: &[&str] = &[
    "Community school",
    "Voluntary aided school",
    "Voluntary controlled school",
    "Foundation school",
    "City technology college",
    "Community special school",
    "Non-maintained special school",
    "Other independent special school",
    "Other independent school",
    "Foundation special school",
    "Pupil referral unit",
    "Local authority nursery school",
    "Further education",
    "Secure units",
    "Offshore schools",
    "Service children's education",
    "Miscellaneous",
    "Academy sponsor led",
    "Higher education institutions",
    "Welsh establishment",
    "Sixth form centres",
    "Special post 16 institution",
    "Academy special sponsor led",
    "Academy converter",
    "Free schools",
    "Free schools special",
    "British schools overseas",
    "Free schools alternative provision",
    "Free schools 16 to 19",
    "University technical college",
    "Studio schools",
    "Academy alternative provision converter",
    "Academy alternative provision sponsor led",
    "Academy special converter",
    "Academy 16-19 converter",
    "Academy 16 to 19 sponsor led",
    "Online provider",
    "Institution funded by other government department",
    "Academy secure 16 to 19",
];

/// The settings sendtrack gives Get Information About Schools establishment types on its own,
/// where the type says unambiguously what kind of setting it is (`type_key` form). Every other
/// GIAS type (an independent mainstream school, a Welsh establishment, a secure unit, an
/// offshore school...) the authority maps with `--establishment-types`; the README lists both.
pub const DEFAULT_ESTABLISHMENT_TYPES: &[(&str, Setting)] = &[
    ("community school", Setting::Mainstream),
    ("voluntary aided school", Setting::Mainstream),
    ("voluntary controlled school", Setting::Mainstream),
    ("foundation school", Setting::Mainstream),
    ("academy converter", Setting::Mainstream),
    ("academy sponsor led", Setting::Mainstream),
    ("free schools", Setting::Mainstream),
    ("university technical college", Setting::Mainstream),
    ("studio schools", Setting::Mainstream),
    ("city technology college", Setting::Mainstream),
    ("local authority nursery school", Setting::Mainstream),
    ("academy 16 to 19 converter", Setting::Mainstream),
    ("academy 16 to 19 sponsor led", Setting::Mainstream),
    ("free schools 16 to 19", Setting::Mainstream),
    ("community special school", Setting::SpecialMaintained),
    ("foundation special school", Setting::SpecialMaintained),
    ("academy special converter", Setting::SpecialMaintained),
    ("academy special sponsor led", Setting::SpecialMaintained),
    ("free schools special", Setting::SpecialMaintained),
    ("non-maintained special school", Setting::NonMaintainedSpecial),
    ("other independent special school", Setting::SpecialIndependent),
    ("pupil referral unit", Setting::AlternativeProvision),
    ("academy alternative provision converter", Setting::AlternativeProvision),
    ("academy alternative provision sponsor led", Setting::AlternativeProvision),
    ("free schools alternative provision", Setting::AlternativeProvision),
    ("further education", Setting::Post16College),
    ("sixth form centres", Setting::Post16College),
    ("special post 16 institution", Setting::Post16Specialist),
];

/// The setting of a school or college of a GIAS establishment type: as the authority mapped
/// it, else sendtrack's own where unambiguous; `None` when nobody can tell, which is reported,
/// not guessed. A mainstream school's pupil in its SEN unit or resourced provision is in
/// resourced provision.
fn setting_of_type(kind: &str, in_unit: bool, theirs: &super::EstablishmentTypes) -> Option<Setting> {
    let key = super::sources::type_key(kind);
    let setting = theirs
        .setting(kind)
        .or_else(|| DEFAULT_ESTABLISHMENT_TYPES.iter().find(|(k, _)| *k == key).map(|(_, s)| *s))?;
    Some(if in_unit && setting == Setting::Mainstream { Setting::ResourceBase } else { setting })
}

/// The setting of a SEN2 `sensetting` code (a setting with no URN or UKPRN).
fn setting_of_code(code: &str) -> Option<Setting> {
    match code.to_ascii_uppercase().as_str() {
        "OLA" => Some(Setting::EotasSection61),
        // Parents' own arrangements (s.42(5)) and elective home education: both arranged by
        // parents; sendtrack's list has one code for them.
        "OPA" | "EHE" => Some(Setting::ElectiveHomeEducation),
        "EYP" => Some(Setting::Mainstream),
        "NEET" => Some(Setting::Neet),
        "OTH" | "NIEC" | "NIEO" => Some(Setting::None),
        _ => None,
    }
}

fn cease_reason(code: &str) -> Option<CeaseReason> {
    let reasons = CeaseReason::ALL;
    code.trim().parse::<usize>().ok().filter(|n| (1..=reasons.len()).contains(n)).map(|n| reasons[n - 1])
}

/// What an import made, and what it could not carry over.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Imported {
    pub casework: Casework,
    /// Each GIAS establishment type the placements were at, and the setting it became.
    pub establishment_types: Vec<(String, Setting)>,
    /// Disputes made from mediation and tribunal flags: linked to their request, date unknown.
    pub disputes_undated: usize,
    /// Flags on a historical request (no date received), which sendtrack holds no request
    /// for: an undated dispute must name its request, so these are counted, not imported.
    pub dispute_flags_unlinked: usize,
    /// Requests whose source the return does not give: left empty.
    pub sources_unknown: usize,
    /// 20-week exceptions flagged (week20) whose kind the return does not give: left empty.
    pub exceptions_unknown: usize,
}

struct Mapper<'a> {
    blade: &'a Blade,
    establishments: Option<&'a Establishments>,
    codes: &'a Sen2Codes,
    problems: Vec<Sen2Problem>,
    /// Where each record came from, for problems found in the records.
    origins: HashMap<(RecordFile, usize), (Module, usize)>,
    /// Each establishment type the placements met, and the setting it became.
    types_met: std::collections::BTreeMap<String, Option<Setting>>,
}

impl Mapper<'_> {
    fn problem(&mut self, module: Module, row: &BladeRow, column: &str, message: impl Into<String>) {
        self.problems.push(Sen2Problem { module, line: row.line, column: column.into(), message: message.into() });
    }

    fn date(&mut self, module: Module, row: &BladeRow, column: &str) -> Option<jiff::civil::Date> {
        let text = row.get(column)?;
        parse_blade_date(text).map_err(|m| self.problem(module, row, column, m)).ok()
    }

    fn required_date(&mut self, module: Module, row: &BladeRow, column: &str) -> Option<jiff::civil::Date> {
        if row.get(column).is_none() {
            self.problem(module, row, column, format!("{column} is required but empty"));
            return None;
        }
        self.date(module, row, column)
    }

    fn flag(&mut self, module: Module, row: &BladeRow, column: &str) -> Option<bool> {
        let text = row.get(column)?;
        parse_blade_flag(text).map_err(|m| self.problem(module, row, column, m)).ok()
    }

    /// A record's id: the row's table id (unique in the export; NativeId is not always).
    fn id(row: &BladeRow, module: Module) -> String {
        row.get(&module.key()).unwrap_or_default().to_string()
    }
}

/// Maps a Blade export into records, checked against the interchange rules. Every problem is
/// reported with its file's module, line and column; nothing is returned when there is one.
pub fn import_blade(
    blade: &Blade,
    establishments: Option<&Establishments>,
    codes: &Sen2Codes,
    today: jiff::civil::Date,
) -> Result<Imported, Vec<Sen2Problem>> {
    let mut m = Mapper {
        blade,
        establishments,
        codes,
        problems: Vec::new(),
        origins: HashMap::new(),
        types_met: Default::default(),
    };
    let mut out = Imported::default();
    unjoined_rows(&mut m);
    for person in blade.rows(Module::Person) {
        map_person(&mut m, &mut out, person);
    }
    if m.problems.is_empty() {
        let ids: Vec<&str> = sendtrack_domain::measures::CATALOGUE.iter().map(|d| d.id).collect();
        for p in validate(&out.casework, today, &ids) {
            let (module, line) = m.origins.get(&(p.file, p.index)).copied().unwrap_or((Module::Person, 0));
            m.problems.push(Sen2Problem { module, line, column: p.column.to_string(), message: p.message });
        }
    }
    out.establishment_types = m.types_met.into_iter().filter_map(|(k, s)| Some((k, s?))).collect();
    if m.problems.is_empty() { Ok(out) } else { Err(m.problems) }
}

/// Every row must join its parent's row (a request its person, an active plan its request...):
/// a row that does not would be dropped silently with everything under it, so it is an error
/// at its file, line and key column. A return with no people at all is one too.
fn unjoined_rows(m: &mut Mapper) {
    if m.blade.rows(Module::Person).is_empty() {
        m.problems.push(Sen2Problem {
            module: Module::Person,
            line: 1,
            column: "persontableid".into(),
            message: "the person file has no rows: a return with nobody in it would import nothing".into(),
        });
    }
    for module in Module::ALL {
        let Some(parent) = module.parent().filter(|p| *p != Module::Sen2) else { continue };
        let column = parent.key();
        let keys: std::collections::HashSet<&str> =
            m.blade.rows(parent).iter().filter_map(|r| r.get(&column)).collect();
        for row in m.blade.rows(module) {
            let message = match row.get(&column) {
                None => format!("{column} is empty: the row belongs to no {} row", parent.name()),
                Some(key) if !keys.contains(key) => {
                    format!("{column} '{key}' is not in the {} file, so this row belongs to nobody", parent.name())
                }
                Some(_) => continue,
            };
            m.problems.push(Sen2Problem { module, line: row.line, column: column.clone(), message });
        }
    }
}

fn map_person(m: &mut Mapper, out: &mut Imported, person: &BladeRow) {
    const M: Module = Module::Person;
    let Some(key) = person.get("persontableid") else {
        return m.problem(M, person, "persontableid", "persontableid is required but empty");
    };
    let child_id = Mapper::id(person, M);
    let forename = person.get("forename");
    let surname = person.get("surname");
    if forename.is_none() {
        m.problem(M, person, "forename", "forename is required but empty");
    }
    if surname.is_none() {
        m.problem(M, person, "surname", "surname is required but empty");
    }
    let born = m.required_date(M, person, "personbirthdate");
    let sex =
        person.get("sex").or_else(|| person.get("gendercurrent")).and_then(|s| match s.to_ascii_uppercase().as_str() {
            "F" | "2" => Some(Sex::Female),
            "M" | "1" => Some(Sex::Male),
            "U" | "9" | "0" => Some(Sex::Unknown),
            _ => None,
        });
    let upn_unknown = match person.get("upnunknown") {
        Some(code) => match UpnUnknown::parse(&code.to_lowercase()) {
            Ok(c) => Some(c),
            Err(e) => {
                m.problem(M, person, "upnunknown", e);
                None
            }
        },
        None => None,
    };
    let requests: Vec<&BladeRow> = m.blade.children(Module::Requests, key).collect();
    // The needs of the latest active plan.
    let mut primary = None;
    let mut secondary = None;
    for r in &requests {
        for ap in m.blade.children(Module::ActivePlans, r.get("requeststableid").unwrap_or("")) {
            for need in m.blade.children(Module::SenNeed, ap.get("activeplanstableid").unwrap_or("")) {
                let Some(code) = need.get("sentype") else { continue };
                let parsed = match Need::parse(&code.to_lowercase()) {
                    Ok(n) => n,
                    Err(e) => {
                        m.problem(Module::SenNeed, need, "sentype", e);
                        continue;
                    }
                };
                match need.get("sentyperank") {
                    Some("1") => primary = Some(parsed),
                    Some("2") => secondary = Some(parsed),
                    _ => {}
                }
            }
        }
    }
    let (Some(forename), Some(surname), Some(date_of_birth)) = (forename, surname, born) else { return };
    m.origins.insert((RecordFile::Children, out.casework.children.len()), (M, person.line));
    out.casework.children.push_back(Child {
        child_id: child_id.clone().into(),
        upn: person.get("upn").map(str::to_string),
        forename: forename.to_string(),
        surname: surname.to_string(),
        date_of_birth,
        sex,
        postcode: person.get("postcode").map(str::to_string),
        primary_need: primary,
        secondary_need: secondary,
        uln: person.get("uniquelearnernumber").map(str::to_string),
        upn_unknown,
        ethnicity: person.get("ethnicity").map(str::to_lowercase),
    });
    for r in requests {
        map_request(m, out, r, &child_id);
    }
}

fn map_request(m: &mut Mapper, out: &mut Imported, r: &BladeRow, child_id: &str) {
    const M: Module = Module::Requests;
    let key = r.get("requeststableid").unwrap_or("").to_string();
    let request_id = Mapper::id(r, M);
    // A historical request (H) with no date stands for a plan older than the return or
    // transferred in: its plans are imported without a request.
    let historical =
        r.get("requestoutcome").is_some_and(|o| o.eq_ignore_ascii_case("H")) && r.get("receiveddate").is_none();
    let received = if historical { None } else { m.required_date(M, r, "receiveddate") };
    let decided_on = m.date(M, r, "requestoutcomedate");
    let decision = match (r.get("requestoutcome").map(str::to_ascii_uppercase).as_deref(), decided_on) {
        (Some("Y"), Some(on)) => Some(Dated::new(AssessmentDecision::Assess, on)),
        (Some("N"), Some(on)) => Some(Dated::new(AssessmentDecision::Refuse, on)),
        (Some("W"), Some(on)) => Some(Dated::new(AssessmentDecision::Withdrawn, on)),
        (Some("Y" | "N" | "W"), None) => {
            m.problem(M, r, "requestoutcomedate", "requestoutcome needs its requestoutcomedate");
            None
        }
        (Some("A" | "H") | None, _) => None,
        (Some(other), _) => {
            m.problem(M, r, "requestoutcome", format!("'{other}' is not a request outcome (Y, N, A, W or H)"));
            None
        }
    };
    let mut disputes: Vec<&'static str> = Vec::new();
    for column in ["requestmediation", "requesttribunal"] {
        if m.flag(M, r, column) == Some(true) {
            disputes.push(column);
        }
    }
    let in_youth_accommodation = m.flag(M, r, "rya");
    let mut outcome = None;
    let mut exception = None;
    let mut plans = Vec::new();
    for a in m.blade.children(Module::Assessment, &key) {
        const A: Module = Module::Assessment;
        let on = m.date(A, a, "assessmentoutcomedate");
        outcome = match (a.get("assessmentoutcome").map(str::to_ascii_uppercase).as_deref(), on) {
            (Some("Y"), Some(on)) => Some(Dated::new(AssessmentOutcome::Plan, on)),
            (Some("N"), Some(on)) => Some(Dated::new(AssessmentOutcome::NoPlan, on)),
            (Some("W"), Some(on)) => Some(Dated::new(AssessmentOutcome::Withdrawn, on)),
            (Some("Y" | "N" | "W"), None) => {
                m.problem(A, a, "assessmentoutcomedate", "assessmentoutcome needs its assessmentoutcomedate");
                None
            }
            (Some("A" | "H") | None, _) => None,
            (Some(other), _) => {
                m.problem(
                    A,
                    a,
                    "assessmentoutcome",
                    format!("'{other}' is not an assessment outcome (Y, N, A, W or H)"),
                );
                None
            }
        };
        for column in ["assessmentmediation", "assessmenttribunal", "othermediation", "othertribunal"] {
            if m.flag(A, a, column) == Some(true) {
                disputes.push(column);
            }
        }
        if m.flag(A, a, "week20") == Some(true) {
            out.exceptions_unknown += 1;
            exception = None;
        }
        for n in m.blade.children(Module::NamedPlan, a.get("assessmenttableid").unwrap_or("")) {
            plans.push(n);
        }
    }
    let active: Vec<&BladeRow> = m.blade.children(Module::ActivePlans, &key).collect();
    let transferred_from = active.iter().find_map(|ap| ap.get("transferla")).map(str::to_string);
    if historical {
        out.dispute_flags_unlinked += disputes.len();
        let mut plan_ids = Vec::new();
        for n in plans {
            plan_ids.extend(map_plan(m, out, n, child_id, None, transferred_from.clone()));
        }
        for ap in active {
            map_active_plan(m, out, ap, child_id, plan_ids.last().map(String::as_str));
        }
        return;
    }
    let Some(received_on) = received else { return };
    // SEN2's requestsource codes are not published with their meanings: a code the authority
    // explained (`--request-source`) gives the source; otherwise it is left empty, counted.
    let source = r.get("requestsource").and_then(|code| m.codes.request_sources.meaning(code));
    if source.is_none() {
        out.sources_unknown += 1;
    }
    m.origins.insert((RecordFile::Requests, out.casework.requests.len()), (M, r.line));
    out.casework.requests.push_back(Request {
        request_id: request_id.clone().into(),
        child_id: child_id.to_string().into(),
        received_on,
        source,
        caseworker: None,
        decision,
        draft_issued_on: None,
        outcome,
        exception,
        in_youth_accommodation,
        // SEN2 gives the needs of active plans, not what a request was made for.
        primary_need: None,
    });
    for column in disputes {
        out.disputes_undated += 1;
        m.origins.insert((RecordFile::Disputes, out.casework.disputes.len()), (M, r.line));
        out.casework.disputes.push_back(Dispute {
            dispute_id: format!("{request_id}-{column}").into(),
            child_id: child_id.to_string().into(),
            kind: if column.ends_with("tribunal") { DisputeKind::Appeal } else { DisputeKind::Mediation },
            request_id: Some(request_id.clone().into()),
            opened_on: None,
            outcome: None,
        });
    }
    let mut plan_ids = Vec::new();
    for n in plans {
        if let Some(plan_id) = map_plan(m, out, n, child_id, Some(&request_id), transferred_from.clone()) {
            plan_ids.push(plan_id);
        }
    }
    for ap in active {
        map_active_plan(m, out, ap, child_id, plan_ids.last().map(String::as_str));
    }
}

fn map_plan(
    m: &mut Mapper,
    out: &mut Imported,
    n: &BladeRow,
    child_id: &str,
    request_id: Option<&str>,
    transferred_from: Option<String>,
) -> Option<String> {
    const M: Module = Module::NamedPlan;
    let issued_on = m.required_date(M, n, "startdate");
    let ceased_on = m.date(M, n, "ceasedate");
    let reason = match n.get("ceasereason") {
        Some(code) => {
            let r = cease_reason(code);
            if r.is_none() {
                m.problem(M, n, "ceasereason", format!("'{code}' is not a cease reason (1 to 9)"));
            }
            r
        }
        None => None,
    };
    let ceased = match (ceased_on, reason) {
        (Some(on), Some(r)) => Some(Dated::new(r, on)),
        (Some(_), None) if n.get("ceasereason").is_none() => {
            m.problem(M, n, "ceasereason", "ceasedate needs its ceasereason");
            None
        }
        (None, Some(_)) => {
            m.problem(M, n, "ceasedate", "ceasereason needs its ceasedate");
            None
        }
        _ => None,
    };
    let personal_budget = match (m.flag(M, n, "oa"), m.flag(M, n, "dp")) {
        (Some(true), Some(true)) => Some(PersonalBudget::Both),
        (Some(true), _) => Some(PersonalBudget::OrganisedArrangements),
        (_, Some(true)) => Some(PersonalBudget::DirectPayments),
        _ => None,
    };
    let plan_id = Mapper::id(n, M);
    if let Some(issued_on) = issued_on {
        for d in m.blade.children(Module::PlanDetail, n.get("namedplantableid").unwrap_or("")) {
            map_named_setting(m, out, d, &plan_id, issued_on);
        }
    }
    m.origins.insert((RecordFile::Plans, out.casework.plans.len()), (M, n.line));
    out.casework.plans.push_back(Plan {
        plan_id: plan_id.clone().into(),
        child_id: child_id.to_string().into(),
        request_id: request_id.map(str::to_string).map(Into::into),
        issued_on: issued_on?,
        ceased,
        transferred_from,
        personal_budget,
        caseworker: None,
    });
    Some(plan_id)
}

fn map_active_plan(m: &mut Mapper, out: &mut Imported, ap: &BladeRow, child_id: &str, plan_id: Option<&str>) {
    const M: Module = Module::ActivePlans;
    let meeting_on = m.date(M, ap, "reviewmeeting");
    let decided_on = m.date(M, ap, "lastreview");
    // A code the authority explained (`--review-outcomes`), else the words themselves.
    let decision = match ap.get("reviewoutcome") {
        Some(code) => {
            match m.codes.review_outcomes.meaning(code).map_or_else(|| ReviewDecision::parse(&code.to_lowercase()), Ok)
            {
                Ok(d) => decided_on.map(|on| Dated::new(d, on)),
                Err(e) => {
                    m.problem(
                        M,
                        ap,
                        "reviewoutcome",
                        format!("{e} (or say what the return's codes mean: --review-outcomes)"),
                    );
                    None
                }
            }
        }
        None => None,
    };
    if meeting_on.is_some() || decision.is_some() {
        match plan_id {
            Some(plan_id) => {
                m.origins.insert((RecordFile::Reviews, out.casework.reviews.len()), (M, ap.line));
                out.casework.reviews.push_back(Review {
                    review_id: Mapper::id(ap, M).into(),
                    plan_id: plan_id.to_string().into(),
                    meeting_on,
                    decision,
                    amended_on: None,
                    phase_transfer: None,
                });
            }
            None => m.problem(M, ap, "activeplanstableid", "an active plan with a review but no named plan to review"),
        }
    }
    for p in m.blade.children(Module::PlacementDetail, ap.get("activeplanstableid").unwrap_or("")) {
        map_placement(m, out, p, child_id);
    }
}

fn map_placement(m: &mut Mapper, out: &mut Imported, p: &BladeRow, child_id: &str) {
    const M: Module = Module::PlacementDetail;
    let started_on = m.required_date(M, p, "entrydate");
    let ended_on = m.date(M, p, "leavingdate");
    let sen_unit = m.flag(M, p, "senunitindicator");
    let resourced = m.flag(M, p, "resourcedprovisionindicator");
    let in_unit = sen_unit == Some(true) || resourced == Some(true);
    let urn = p.get("urn");
    let ukprn = p.get("ukprn");
    let setting = classify(m, M, p, in_unit);
    let rank = match p.get("placementrank") {
        Some(r) => match PlacementRank::parse(r) {
            Ok(r) => Some(r),
            Err(e) => {
                m.problem(M, p, "placementrank", e);
                None
            }
        },
        None => None,
    };
    let (Some(setting), Some(started_on)) = (setting, started_on) else { return };
    m.origins.insert((RecordFile::Placements, out.casework.placements.len()), (M, p.line));
    out.casework.placements.push_back(Placement {
        placement_id: Mapper::id(p, M).into(),
        child_id: child_id.to_string().into(),
        setting,
        urn: urn.map(str::to_string),
        establishment: None,
        started_on,
        ended_on,
        annual_cost: None,
        ukprn: ukprn.map(str::to_string),
        rank,
        sen_unit,
        resourced_provision: resourced,
    });
}

/// A setting named in the plan (`plandetail`): the return gives no date, so it is taken as
/// named from the plan's start.
fn map_named_setting(m: &mut Mapper, out: &mut Imported, d: &BladeRow, plan_id: &str, issued_on: jiff::civil::Date) {
    const M: Module = Module::PlanDetail;
    let sen_unit = m.flag(M, d, "senunitindicator");
    let resourced = m.flag(M, d, "resourcedprovisionindicator");
    let setting = classify(m, M, d, sen_unit == Some(true) || resourced == Some(true));
    let rank = match d.get("placementrank") {
        Some(r) => PlacementRank::parse(r).map_err(|e| m.problem(M, d, "placementrank", e)).ok(),
        None => None,
    };
    let Some(setting) = setting else { return };
    m.origins.insert((RecordFile::PlanSettings, out.casework.plan_settings.len()), (M, d.line));
    out.casework.plan_settings.push_back(PlanSetting {
        plan_setting_id: Mapper::id(d, M).into(),
        plan_id: plan_id.to_string().into(),
        urn: d.get("urn").map(str::to_string),
        setting: Some(setting),
        named_on: issued_on,
        ended_on: None,
        ukprn: d.get("ukprn").map(str::to_string),
        rank,
    });
}

/// The setting of a placement or a named setting (`placementdetail` and `plandetail` have the
/// same columns): by the URN's GIAS type, a UKPRN (a college), or the `sensetting` code. A
/// setting that cannot be told is reported at its module, line and column.
fn classify(m: &mut Mapper, module: Module, p: &BladeRow, in_unit: bool) -> Option<Setting> {
    let urn = p.get("urn");
    let ukprn = p.get("ukprn");
    match (urn, ukprn, p.get("sensetting")) {
        (Some(urn), _, _) => match m.establishments.and_then(|e| e.get(urn)) {
            Some(kind) => {
                let s = setting_of_type(kind, in_unit, &m.codes.establishment_types);
                m.types_met.insert(kind.clone(), s);
                if s.is_none() {
                    let message = format!(
                        "URN {urn} is a '{kind}', which sendtrack cannot classify as a setting on its own: say what it \
                         is with --establishment-types \"{kind}=SETTING\" (or on the admin's SEN2 page), SETTING one of {}",
                        Setting::ALL.iter().map(|s| s.code()).collect::<Vec<_>>().join(", ")
                    );
                    m.problem(module, p, "urn", message);
                }
                s
            }
            None => {
                m.problem(
                    module,
                    p,
                    "urn",
                    format!("URN {urn} is not in the establishments file (--establishments): its type is needed to classify the setting"),
                );
                None
            }
        },
        // A UKPRN without a URN: a college or training provider.
        (None, Some(_), _) => Some(Setting::Post16College),
        (None, None, Some(code)) => {
            let s = setting_of_code(code);
            if s.is_none() {
                m.problem(module, p, "sensetting", format!("'{code}' is not a SEN2 setting code"));
            }
            s
        }
        (None, None, None) => {
            m.problem(module, p, "sensetting", "a setting needs a URN, a UKPRN or a sensetting code");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn establishment_types_and_setting_codes_map_to_settings_or_are_reported() {
        let none = super::super::EstablishmentTypes::default();
        assert_eq!(setting_of_type("Community school", false, &none), Some(Setting::Mainstream));
        assert_eq!(setting_of_type("Academy converter", true, &none), Some(Setting::ResourceBase));
        assert_eq!(setting_of_type("Foundation special school", false, &none), Some(Setting::SpecialMaintained));
        assert_eq!(setting_of_type("Academy special sponsor led", false, &none), Some(Setting::SpecialMaintained));
        assert_eq!(setting_of_type("Non-maintained special school", false, &none), Some(Setting::NonMaintainedSpecial));
        assert_eq!(
            setting_of_type("Other independent special school", false, &none),
            Some(Setting::SpecialIndependent)
        );
        assert_eq!(setting_of_type("Pupil referral unit", false, &none), Some(Setting::AlternativeProvision));
        assert_eq!(setting_of_type("Further education", false, &none), Some(Setting::Post16College));
        assert_eq!(setting_of_type("Special post 16 institution", false, &none), Some(Setting::Post16Specialist));
        assert_eq!(setting_of_type("Other independent school", false, &none), None, "not guessed");
        assert_eq!(setting_of_type("Welsh establishment", false, &none), None);
        // The authority's mapping classifies what sendtrack cannot, and overrides what it can.
        let theirs =
            super::super::EstablishmentTypes::parse("Welsh establishment=mainstream,Pupil referral unit=eotas_s19")
                .unwrap();
        assert_eq!(setting_of_type("Welsh establishment", true, &theirs), Some(Setting::ResourceBase));
        assert_eq!(setting_of_type("Pupil referral unit", false, &theirs), Some(Setting::EotasSection19));
        assert_eq!(
            setting_of_type("Academy 16-19 sponsor led", false, &none),
            Some(Setting::Mainstream),
            "either spelling"
        );
        for (code, setting) in [
            ("OLA", Setting::EotasSection61),
            ("OPA", Setting::ElectiveHomeEducation),
            ("EHE", Setting::ElectiveHomeEducation),
            ("EYP", Setting::Mainstream),
            ("OTH", Setting::None),
            ("NEET", Setting::Neet),
            ("NIEC", Setting::None),
            ("NIEO", Setting::None),
        ] {
            assert_eq!(setting_of_code(code), Some(setting), "{code}");
        }
        assert_eq!(setting_of_code("XYZ"), None);
        assert_eq!(cease_reason("1"), Some(CeaseReason::MaxAge));
        assert_eq!(cease_reason("9"), Some(CeaseReason::Other));
        assert_eq!(cease_reason("10"), None);
    }
}
