//! Writing the SEN2 return for a collection year from sendtrack's records, in the nine-module
//! Blade layout COLLECT exports: the census day from the table, activity in the previous
//! calendar year, plans active on the census day, codes mapped back. Table ids are the
//! records' own ids, so importing the return gives the same records back.

use super::Sen2Codes;
use sendtrack_domain::codes::*;
use sendtrack_domain::records::*;
use sendtrack_domain::sen2::{Module, blade_date, census_day};
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

/// Why a return could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ReturnError {
    #[error("there is no census day for {0} in sendtrack's table (2019 to 2027)")]
    NoCensusDay(i16),
    #[error("cannot write {path}: {source}")]
    Write { path: String, source: csv::Error },
}

/// The columns each module is written with (the newer column set).
fn columns(module: Module) -> &'static [&'static str] {
    match module {
        Module::Sen2 => &["sen2tableid", "collection", "year", "referencedate", "sourcelevel", "lea", "softwarecode"],
        Module::Person => &[
            "persontableid",
            "sen2tableid",
            "surname",
            "forename",
            "personbirthdate",
            "sex",
            "ethnicity",
            "postcode",
            "upn",
            "uniquelearnernumber",
            "upnunknown",
        ],
        Module::Requests => &[
            "requeststableid",
            "persontableid",
            "receiveddate",
            "rya",
            "requestoutcomedate",
            "requestoutcome",
            "requestmediation",
            "requesttribunal",
            "exported",
            "requestsource",
        ],
        Module::Assessment => &[
            "assessmenttableid",
            "requeststableid",
            "assessmentoutcome",
            "assessmentoutcomedate",
            "assessmentmediation",
            "assessmenttribunal",
            "othermediation",
            "othertribunal",
            "week20",
        ],
        Module::NamedPlan => {
            &["namedplantableid", "assessmenttableid", "startdate", "pb", "oa", "dp", "ceasedate", "ceasereason"]
        }
        Module::PlanDetail => &[
            "plandetailtableid",
            "namedplantableid",
            "urn",
            "ukprn",
            "sensetting",
            "placementrank",
            "senunitindicator",
            "resourcedprovisionindicator",
        ],
        Module::ActivePlans => {
            &["activeplanstableid", "requeststableid", "transferla", "reviewmeeting", "reviewoutcome", "lastreview"]
        }
        Module::PlacementDetail => &[
            "placementdetailtableid",
            "activeplanstableid",
            "urn",
            "ukprn",
            "sensetting",
            "placementrank",
            "entrydate",
            "leavingdate",
            "senunitindicator",
            "resourcedprovisionindicator",
        ],
        Module::SenNeed => &["senneedtableid", "activeplanstableid", "sentype", "sentyperank"],
    }
}

type Rows = BTreeMap<Module, Vec<Vec<String>>>;

fn date(d: Option<jiff::civil::Date>) -> String {
    d.map(blade_date).unwrap_or_default()
}

/// Which of SEN2's flags a dispute about a request sets: disagreement with a refusal to assess
/// (the request module), with a decision not to issue a plan (the assessment module), or
/// otherwise with the plan (the assessment module's "other" flags).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DisputeFlags {
    Request,
    Assessment,
    Other,
}

impl DisputeFlags {
    fn of(request: &Request) -> DisputeFlags {
        match (request.decision.map(|d| d.value), request.outcome.map(|o| o.value)) {
            (Some(AssessmentDecision::Assess), Some(AssessmentOutcome::NoPlan)) => DisputeFlags::Assessment,
            (Some(AssessmentDecision::Assess), _) => DisputeFlags::Other,
            _ => DisputeFlags::Request,
        }
    }
}

/// Whether the request has a mediation and an appeal that the return as at `census` reports:
/// disputes linked to it that began on or before the census day, or whose date is unknown.
fn disputed(
    disputes: &sendtrack_domain::records::Records<Dispute>,
    request: &Request,
    census: jiff::civil::Date,
) -> (bool, bool) {
    let of = |kind: DisputeKind| {
        disputes.iter().any(|d| {
            d.kind == kind
                && d.request_id.as_deref() == Some(request.request_id.as_str())
                && d.opened_on.is_none_or(|o| o <= census)
        })
    };
    (of(DisputeKind::Mediation), of(DisputeKind::Appeal))
}

fn flag(b: Option<bool>) -> String {
    b.map(|b| if b { "1" } else { "0" }.to_string()).unwrap_or_default()
}

/// The SEN2 code of a setting with no URN or UKPRN.
fn setting_code(setting: Setting) -> &'static str {
    match setting {
        Setting::EotasSection61 => "OLA",
        Setting::ElectiveHomeEducation => "EHE",
        Setting::Neet => "NEET",
        Setting::Mainstream => "EYP",
        _ => "NIEO",
    }
}

/// The SEN2 code of a type of setting a plan names without an establishment: the arrangements
/// SEN2 has codes for, else `OTH` ("setting type named but no setting").
fn named_setting_code(setting: Option<Setting>) -> &'static str {
    match setting {
        Some(s @ (Setting::EotasSection61 | Setting::ElectiveHomeEducation | Setting::Neet)) => setting_code(s),
        _ => "OTH",
    }
}

/// Writes the return for collection `year` (census day in January of `year`, activity in
/// `year - 1`) into `dir` as nine Blade CSV files; `la` is the authority's LA number.
/// `codes` gives the `requestsource` code of each source and the `reviewoutcome` code of each
/// decision the authority has explained; a source without one is written empty, a decision
/// without one as its word.
pub fn write_return(cw: &Casework, year: i16, la: &str, codes: &Sen2Codes, dir: &Path) -> Result<usize, ReturnError> {
    let census = census_day(year).ok_or(ReturnError::NoCensusDay(year))?;
    let (first, last) = (jiff::civil::date(year - 1, 1, 1), jiff::civil::date(year - 1, 12, 31));
    let in_year = |d: Option<jiff::civil::Date>| d.is_some_and(|d| d >= first && d <= last);
    let active_on_census = |p: &Plan| p.is_active_at(census);
    let plan_counts = |p: &Plan| active_on_census(p) || in_year(Some(p.issued_on)) || in_year(p.ceased.map(|c| c.on));

    let mut rows = Rows::new();
    let mut push = |module: Module, row: Vec<String>| rows.entry(module).or_default().push(row);
    push(
        Module::Sen2,
        vec![
            "1".into(),
            "SEN2".into(),
            year.to_string(),
            blade_date(census),
            "L".into(),
            la.into(),
            "sendtrack".into(),
        ],
    );
    let mut people = 0;
    // Each child's own records, found through an index rather than by scanning the caseload.
    let index = sendtrack_domain::timeline::ChildIndex::new(cw);
    for child in &cw.children {
        let own = index.own(cw, &child.child_id);
        let cw = &own;
        let plans: Vec<&Plan> = cw.plans.iter().filter(|p| p.child_id == child.child_id && plan_counts(p)).collect();
        let wanted_requests: HashSet<&str> = plans.iter().filter_map(|p| p.request_id.as_deref()).collect();
        let requests: Vec<&Request> = cw
            .requests
            .iter()
            .filter(|r| {
                r.child_id == child.child_id
                    && r.received_on <= census
                    && (in_year(Some(r.received_on))
                        || in_year(r.decision.map(|d| d.on))
                        || in_year(r.outcome.map(|o| o.on))
                        || wanted_requests.contains(r.request_id.as_str()))
            })
            .collect();
        let orphans: Vec<&Plan> = plans.iter().copied().filter(|p| p.request_id.is_none()).collect();
        if requests.is_empty() && orphans.is_empty() {
            continue;
        }
        people += 1;
        push(
            Module::Person,
            vec![
                child.child_id.to_string(),
                "1".into(),
                child.surname.clone(),
                child.forename.clone(),
                blade_date(child.date_of_birth),
                child
                    .sex
                    .map_or("", |s| match s {
                        Sex::Female => "F",
                        Sex::Male => "M",
                        Sex::Unknown => "U",
                    })
                    .into(),
                child.ethnicity.as_deref().map(str::to_uppercase).unwrap_or_default(),
                child.postcode.clone().unwrap_or_default(),
                child.upn.clone().unwrap_or_default(),
                child.uln.clone().unwrap_or_default(),
                child.upn_unknown.map(|u| u.code().to_uppercase()).unwrap_or_default(),
            ],
        );
        let placements: Vec<&Placement> = cw
            .placements
            .iter()
            .filter(|p| p.child_id == child.child_id && p.started_on <= census && p.ended_on.is_none_or(|e| e >= first))
            .collect();
        // Each request, then the historical stand-ins for plans without one.
        let mut groups: Vec<(String, Option<&Request>, Vec<&Plan>)> = requests
            .iter()
            .map(|r| {
                let of: Vec<&Plan> =
                    plans.iter().copied().filter(|p| p.request_id.as_deref() == Some(&r.request_id)).collect();
                (r.request_id.to_string(), Some(*r), of)
            })
            .collect();
        for p in orphans {
            groups.push((format!("H-{}", p.plan_id), None, vec![p]));
        }
        for (request_key, request, plans) in groups {
            let (received, outcome_code, outcome_on) = match request {
                Some(r) => (
                    Some(r.received_on),
                    match r.decision.map(|d| d.value) {
                        Some(AssessmentDecision::Assess) => "Y",
                        Some(AssessmentDecision::Refuse) => "N",
                        Some(AssessmentDecision::Withdrawn) => "W",
                        None => "A",
                    },
                    r.decision.map(|d| d.on),
                ),
                None => (None, "H", None),
            };
            let (mediation, appeal) = request.map_or((false, false), |r| disputed(&cw.disputes, r, census));
            let flags = request.map(DisputeFlags::of);
            let at = |place: DisputeFlags, set: bool| flag(Some(set && flags == Some(place)));
            push(
                Module::Requests,
                vec![
                    request_key.clone(),
                    child.child_id.to_string(),
                    date(received),
                    flag(request.and_then(|r| r.in_youth_accommodation)),
                    date(outcome_on),
                    outcome_code.into(),
                    at(DisputeFlags::Request, mediation),
                    at(DisputeFlags::Request, appeal),
                    "0".into(),
                    request.and_then(|r| codes.request_sources.code(r.source?)).unwrap_or_default().to_string(),
                ],
            );
            let assessed = request.is_some_and(|r| r.decision.is_some_and(|d| d.value == AssessmentDecision::Assess));
            if assessed || request.is_none() {
                let (code, on) = match request.and_then(|r| r.outcome) {
                    Some(o) => (
                        match o.value {
                            AssessmentOutcome::Plan => "Y",
                            AssessmentOutcome::NoPlan => "N",
                            AssessmentOutcome::Withdrawn => "W",
                        },
                        Some(o.on),
                    ),
                    None if request.is_none() => ("H", None),
                    None => ("A", None),
                };
                let assessment_key = format!("AS-{request_key}");
                push(
                    Module::Assessment,
                    vec![
                        assessment_key.clone(),
                        request_key.clone(),
                        code.into(),
                        date(on),
                        at(DisputeFlags::Assessment, mediation),
                        at(DisputeFlags::Assessment, appeal),
                        at(DisputeFlags::Other, mediation),
                        at(DisputeFlags::Other, appeal),
                        flag(request.map(|r| r.exception.is_some())),
                    ],
                );
                for p in &plans {
                    let (oa, dp) = match p.personal_budget {
                        Some(PersonalBudget::OrganisedArrangements) => (Some(true), Some(false)),
                        Some(PersonalBudget::DirectPayments) => (Some(false), Some(true)),
                        Some(PersonalBudget::Both) => (Some(true), Some(true)),
                        None => (None, None),
                    };
                    let reason = p.ceased.map(|c| {
                        // SEN2 numbers the reasons 1 to 9 in the order of the code list.
                        let k =
                            CeaseReason::ALL.iter().position(|r| *r == c.value).unwrap_or(CeaseReason::ALL.len() - 1);
                        (k + 1).to_string()
                    });
                    push(
                        Module::NamedPlan,
                        vec![
                            p.plan_id.to_string(),
                            assessment_key.clone(),
                            blade_date(p.issued_on),
                            flag(p.personal_budget.map(|_| true)),
                            flag(oa),
                            flag(dp),
                            date(p.ceased.map(|c| c.on)),
                            reason.unwrap_or_default(),
                        ],
                    );
                    // The settings the plan names on the census day, or on its last day in force
                    // (the day before it ceased).
                    let on = p.last_day_in_force().map_or(census, |last| last.min(census));
                    for n in cw.plan_settings.iter().filter(|n| n.plan_id == p.plan_id && n.is_named_at(on)) {
                        let (urn, ukprn, code) = match (&n.urn, &n.ukprn) {
                            (Some(urn), _) => (urn.clone(), n.ukprn.clone().unwrap_or_default(), String::new()),
                            (None, Some(ukprn)) => (String::new(), ukprn.clone(), String::new()),
                            // A type of setting named, no establishment: SEN2's `OTH`, except for
                            // the kinds it has codes of its own for.
                            (None, None) => (String::new(), String::new(), named_setting_code(n.setting).to_string()),
                        };
                        push(
                            Module::PlanDetail,
                            vec![
                                n.plan_setting_id.to_string(),
                                p.plan_id.to_string(),
                                urn,
                                ukprn,
                                code,
                                n.rank.map_or("", PlacementRank::code).into(),
                                // Resourced provision in a mainstream school is the one kind a
                                // URN's type cannot tell.
                                String::new(),
                                flag(n.setting.map(|s| s == Setting::ResourceBase)),
                            ],
                        );
                    }
                }
            }
            for p in plans.iter().filter(|p| active_on_census(p)) {
                let review = cw
                    .reviews
                    .iter()
                    .filter(|r| r.plan_id == p.plan_id && r.meeting_on.is_some_and(|m| m <= census))
                    .max_by_key(|r| r.meeting_on);
                let active_key = review.map_or_else(|| format!("AP-{}", p.plan_id), |r| r.review_id.to_string());
                push(
                    Module::ActivePlans,
                    vec![
                        active_key.clone(),
                        request_key.clone(),
                        p.transferred_from.clone().unwrap_or_default(),
                        date(review.and_then(|r| r.meeting_on)),
                        review
                            .and_then(|r| r.decision)
                            .map(|d| codes.review_outcomes.code(d.value).unwrap_or(d.value.code()).to_string())
                            .unwrap_or_default(),
                        date(review.and_then(|r| r.decision.map(|d| d.on))),
                    ],
                );
                for pl in &placements {
                    let (urn, ukprn, code) = match (&pl.urn, &pl.ukprn) {
                        (Some(urn), _) => (urn.clone(), pl.ukprn.clone().unwrap_or_default(), String::new()),
                        (None, Some(ukprn)) => (String::new(), ukprn.clone(), String::new()),
                        (None, None) => (String::new(), String::new(), setting_code(pl.setting).to_string()),
                    };
                    push(
                        Module::PlacementDetail,
                        vec![
                            pl.placement_id.to_string(),
                            active_key.clone(),
                            urn,
                            ukprn,
                            code,
                            pl.rank.map_or("", PlacementRank::code).into(),
                            blade_date(pl.started_on),
                            date(pl.ended_on),
                            flag(pl.sen_unit),
                            flag(pl.resourced_provision),
                        ],
                    );
                }
                // `nsa` (SEN support, no specialist assessment) is not in the DfE's list of
                // types of need: left out, so a plan whose only need it is fails SEN2-09 (no
                // primary need) before submission, rather than SEN2-13 at COLLECT.
                for (need, rank) in [(child.primary_need, "1"), (child.secondary_need, "2")] {
                    if let Some(n) = need.filter(|n| *n != sendtrack_domain::codes::Need::NoSpecialistAssessment) {
                        push(
                            Module::SenNeed,
                            vec![
                                format!("{active_key}-{rank}"),
                                active_key.clone(),
                                n.code().to_uppercase(),
                                rank.into(),
                            ],
                        );
                    }
                }
            }
        }
    }
    let stamp = format!("{:02}-{:02}-{}", census.day(), census.month(), census.year());
    for module in Module::ALL {
        let path = dir.join(format!("Blade-Export_{stamp}_{}.csv", module.name()));
        let fail = |source| ReturnError::Write { path: path.display().to_string(), source };
        let mut writer = csv::Writer::from_path(&path).map_err(fail)?;
        writer.write_record(columns(module)).map_err(fail)?;
        for row in rows.get(&module).into_iter().flatten() {
            writer.write_record(row).map_err(fail)?;
        }
        writer.flush().map_err(|e| fail(e.into()))?;
    }
    Ok(people)
}
