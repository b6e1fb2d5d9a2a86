//! Reading COLLECT Blade exports of the SEN2 return (the newer and the older column sets) and
//! checking them before submission: the hand-written exports in `tests/fixtures/sen2` pass
//! every check, and a deliberately broken one fails exactly the expected rules.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers may panic: a panic is a failed test.

use sendtrack_domain::sen2::{Module, check};
use sendtrack_interchange::sen2::{Sen2ReadError, read_blade};
use std::path::{Path, PathBuf};

const TODAY: jiff::civil::Date = jiff::civil::date(2026, 11, 30);

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sen2").join(name)
}

#[test]
fn both_column_sets_read_and_pass_every_check() {
    for set in ["newer", "older"] {
        let (blade, files) = read_blade(&fixture(set)).unwrap();
        assert_eq!(blade.rows(Module::Person).len(), 26, "{set}");
        assert_eq!(files[&Module::Person], "Blade-Export_20-01-2026_person.csv");
        assert_eq!(blade.census_day(None), Some(jiff::civil::date(2026, 1, 15)));
        let person = &blade.rows(Module::Person)[0];
        let sex = if set == "newer" { person.get("sex") } else { person.get("gendercurrent") };
        assert_eq!(sex, Some("F"), "{set}: column names are read in lower case");
        assert_eq!(check(&blade, TODAY, None), vec![], "{set}");
    }
}

#[test]
fn a_broken_export_fails_exactly_the_expected_rules() {
    let (blade, _) = read_blade(&fixture("broken")).unwrap();
    let mut found: Vec<(&str, String)> = check(&blade, TODAY, None).into_iter().map(|f| (f.rule, f.person)).collect();
    found.sort();
    let mut expected: Vec<(&str, String)> = [
        ("SEN2-01", "P13"),
        ("SEN2-02", "P2"),
        ("SEN2-04", "P3"),
        ("SEN2-06", "P3"),
        ("SEN2-07", "P1"),
        ("SEN2-08", "P5"),
        ("SEN2-09", "P4"),
        ("SEN2-10", "P2"),
        ("SEN2-13", "P1"),
        ("SEN2-14", "P4"),
    ]
    .into_iter()
    .map(|(r, p)| (r, p.to_string()))
    .collect();
    expected.sort();
    assert_eq!(found, expected);
}

#[test]
fn a_missing_module_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(fixture("newer")).unwrap() {
        let path = entry.unwrap().path();
        if !path.to_string_lossy().ends_with("_senneed.csv") {
            std::fs::copy(&path, tmp.path().join(path.file_name().unwrap())).unwrap();
        }
    }
    let error = read_blade(tmp.path()).unwrap_err();
    assert!(matches!(error, Sen2ReadError::Missing { module: "senneed", .. }), "{error}");
    std::fs::write(tmp.path().join("Blade-Export_20-01-2026_senneed.csv"), "a,b\n1\n").unwrap();
    let error = read_blade(tmp.path()).unwrap_err().to_string();
    assert!(error.starts_with("Blade-Export_20-01-2026_senneed.csv:2:"), "{error}");
}

fn import(set: &str) -> Result<sendtrack_interchange::sen2::Imported, Vec<sendtrack_interchange::sen2::Sen2Problem>> {
    let (blade, _) = read_blade(&fixture(set)).unwrap();
    let establishments = sendtrack_interchange::sen2::read_establishments(&fixture("establishments.csv")).unwrap();
    sendtrack_interchange::sen2::import_blade(&blade, Some(&establishments), &Default::default(), TODAY)
}

#[test]
fn a_hand_written_export_imports_with_the_expected_records_in_both_column_sets() {
    use sendtrack_domain::codes::*;
    for set in ["newer", "older"] {
        let imported = import(set).unwrap();
        let cw = &imported.casework;
        let counts = cw.counts();
        assert_eq!(
            (counts.children, counts.requests, counts.plans, counts.placements, counts.reviews),
            (26, 25, 18, 14, 9),
            "{set}"
        );
        let child = |id: &str| cw.children.iter().find(|c| c.child_id == id).unwrap();
        assert_eq!(child("P1").sex, Some(Sex::Female));
        assert_eq!(child("P1").date_of_birth, jiff::civil::date(2008, 1, 1));
        assert_eq!(child("P1").ethnicity.as_deref(), Some("wbri"));
        assert_eq!(
            (child("P1").primary_need, child("P1").secondary_need),
            (Some(Need::SpecificLearningDifficulty), Some(Need::SpeechLanguageCommunication))
        );
        assert_eq!(child("P13").upn_unknown, Some(UpnUnknown::Un3));
        let expected_need = if set == "newer" { Need::DownSyndrome } else { Need::Other };
        assert_eq!(child("P7").secondary_need, Some(expected_need), "DS is new; older files say OTH");
        let request = |id: &str| cw.requests.iter().find(|r| r.request_id == id).unwrap();
        assert_eq!(request("R1").decision.map(|d| d.value), Some(AssessmentDecision::Assess));
        assert_eq!(
            request("R1").outcome.map(|o| (o.value, o.on)),
            Some((AssessmentOutcome::Plan, jiff::civil::date(2024, 6, 10)))
        );
        assert_eq!(request("R9").decision.map(|d| d.value), Some(AssessmentDecision::Withdrawn));
        assert_eq!(request("R10").decision, None, "H: historical, no decision");
        assert_eq!(request("R12").decision.map(|d| d.value), Some(AssessmentDecision::Refuse));
        assert_eq!(request("R13").decision, None, "A: not yet decided");
        assert_eq!(request("R1").in_youth_accommodation, Some(false));
        let plan = |id: &str| cw.plans.iter().find(|p| p.plan_id == id).unwrap();
        assert_eq!(plan("N8").ceased.map(|c| c.value), Some(CeaseReason::NeedsMet));
        assert_eq!(plan("N1").personal_budget, Some(PersonalBudget::OrganisedArrangements));
        assert_eq!(plan("N1").request_id.as_deref(), Some("R1"));
        let setting = |id: &str| cw.placements.iter().find(|p| p.placement_id == id).unwrap().setting;
        assert_eq!(setting("PD1"), Setting::Mainstream, "URN 113500 is a community school");
        assert_eq!(setting("PD2"), Setting::ElectiveHomeEducation, "OPA: parents' own arrangements");
        assert_eq!(setting("PD3"), Setting::Mainstream, "an academy");
        assert_eq!(setting("PD4"), Setting::Mainstream, "EYP: an early years provider");
        assert_eq!(setting("PD5"), Setting::ResourceBase, "a mainstream school with resourced provision");
        assert_eq!(setting("PD6"), Setting::Neet);
        assert_eq!(setting("PD7"), Setting::Mainstream, "a free school");
        assert_eq!(setting("PD11"), Setting::Mainstream, "a voluntary aided school");
        let review = cw.reviews.iter().find(|r| r.review_id == "AP2").unwrap();
        assert_eq!((review.plan_id.as_str(), review.decision.map(|d| d.value)), ("N2", Some(ReviewDecision::Amend)));

        // Every other code of the lists the import reads.
        assert_eq!(request("R14").outcome.map(|o| o.value), Some(AssessmentOutcome::NoPlan));
        assert_eq!(request("R15").outcome.map(|o| o.value), Some(AssessmentOutcome::Withdrawn));
        assert_eq!((request("R16").outcome, request("R17").outcome), (None, None), "A and H: no outcome");
        assert_eq!(request("R15").in_youth_accommodation, Some(true));
        assert_eq!(child("P14").sex, Some(Sex::Unknown));
        for k in 1..=10 {
            assert_eq!(
                child(&format!("P{}", 13 + k)).upn_unknown.map(|u| u.code().to_string()),
                Some(format!("un{k}"))
            );
        }
        let reasons: Vec<(&str, CeaseReason)> = vec![
            ("N18", CeaseReason::MaxAge),
            ("N8", CeaseReason::NeedsMet),
            ("N19", CeaseReason::HigherEducation),
            ("N20", CeaseReason::Employment),
            ("N21", CeaseReason::MovedLa),
            ("N22", CeaseReason::NoEngagement),
            ("N30", CeaseReason::LeftEngland),
            ("N31", CeaseReason::Deceased),
            ("N32", CeaseReason::Other),
        ];
        for (id, reason) in reasons {
            assert_eq!(plan(id).ceased.map(|c| c.value), Some(reason), "{id}");
        }
        assert_eq!(plan("N18").personal_budget, Some(PersonalBudget::DirectPayments));
        assert_eq!(plan("N19").personal_budget, Some(PersonalBudget::Both));
        // A plan transferred in (historical request, no dates): no request, the LA it came from.
        assert!(cw.requests.iter().all(|r| r.request_id != "R23"));
        assert_eq!((plan("N23").request_id.as_deref(), plan("N23").transferred_from.as_deref()), (None, Some("909")));
        let review = cw.reviews.iter().find(|r| r.review_id == "AP23").unwrap();
        assert_eq!(review.decision.map(|d| d.value), Some(ReviewDecision::Cease));
        let placement = |id: &str| cw.placements.iter().find(|p| p.placement_id == id).unwrap();
        assert_eq!(placement("PD23a").setting, Setting::EotasSection61, "OLA");
        assert_eq!(
            (placement("PD23b").setting, placement("PD23b").rank),
            (Setting::ElectiveHomeEducation, Some(PlacementRank::Dual))
        );
        assert_eq!(
            (placement("PD23c").setting, placement("PD23c").ukprn.as_deref()),
            (Setting::Post16College, Some("10012345"))
        );
        for id in ["PX1", "PX2", "PX3"] {
            assert_eq!(placement(id).setting, Setting::None, "OTH, NIEC, NIEO: {id}");
        }
        assert_eq!(child("P23").primary_need, Some(Need::ProfoundMultipleLearningDifficulty));
        assert_eq!(imported.exceptions_unknown, 1, "a 20-week exception of a kind SEN2 does not give: counted");
        // Every mediation and tribunal flag becomes a dispute linked to its request, undated;
        // one on a historical request (no request to link to) is counted instead.
        let mut disputes: Vec<(&str, &str, DisputeKind, Option<jiff::civil::Date>)> = cw
            .disputes
            .iter()
            .map(|d| (d.dispute_id.as_str(), d.request_id.as_deref().unwrap(), d.kind, d.opened_on))
            .collect();
        disputes.sort_by_key(|d| d.0);
        assert_eq!(
            disputes,
            vec![
                ("R14-assessmenttribunal", "R14", DisputeKind::Appeal, None),
                ("R16-requestmediation", "R16", DisputeKind::Mediation, None),
                ("R17-requesttribunal", "R17", DisputeKind::Appeal, None),
                ("R18-othermediation", "R18", DisputeKind::Mediation, None),
                ("R18-othertribunal", "R18", DisputeKind::Appeal, None),
            ],
            "{set}"
        );
        assert!(cw.disputes.iter().all(|d| {
            cw.requests.iter().any(|r| Some(&r.request_id) == d.request_id.as_ref() && r.child_id == d.child_id)
        }));
        assert_eq!((imported.disputes_undated, imported.dispute_flags_unlinked), (5, 1));
        assert!(cw.requests.iter().all(|r| r.source.is_none()), "SEN2's request sources are not published: left empty");
    }
}

#[test]
fn a_broken_export_gives_the_expected_errors_and_no_records() {
    let problems = import("broken").unwrap_err();
    let mut found: Vec<(Module, usize, &str)> =
        problems.iter().map(|p| (p.module, p.line, p.column.as_str())).collect();
    found.sort();
    assert_eq!(
        found,
        vec![
            (Module::Requests, 5, "receiveddate"),
            (Module::Assessment, 2, "assessmentoutcomedate"),
            (Module::NamedPlan, 3, "ceasereason"),
            (Module::SenNeed, 2, "sentype"),
        ]
    );
    // A URN the establishments file does not know is reported, never guessed.
    let (blade, _) = read_blade(&fixture("newer")).unwrap();
    let problems = sendtrack_interchange::sen2::import_blade(&blade, None, &Default::default(), TODAY).unwrap_err();
    assert!(problems.iter().all(|p| p.column == "urn" && p.message.contains("not in the establishments file")));
    // Five placements and five settings named in plans (plandetail) have a URN.
    let modules: Vec<Module> = problems.iter().map(|p| p.module).collect();
    assert_eq!(modules.iter().filter(|m| **m == Module::PlacementDetail).count(), 5, "{modules:?}");
    assert_eq!(modules.iter().filter(|m| **m == Module::PlanDetail).count(), 5, "{modules:?}");
}

#[test]
fn request_source_codes_give_a_source_only_where_the_authority_explained_them() {
    use sendtrack_domain::codes::RequestSource;
    use sendtrack_interchange::sen2::{RequestSources, Sen2Codes, import_blade, read_establishments};
    let establishments = read_establishments(&fixture("establishments.csv")).unwrap();
    let sources =
        Sen2Codes { request_sources: RequestSources::parse("1=parent,2=school").unwrap(), ..Default::default() };
    let (blade, _) = read_blade(&fixture("newer")).unwrap();
    let imported = import_blade(&blade, Some(&establishments), &sources, TODAY).unwrap();
    let source = |id: &str| imported.casework.requests.iter().find(|r| r.request_id == id).unwrap().source;
    // The fixture's requests use codes 1, 2 and 3; nobody said what 3 means.
    assert_eq!(source("R1"), Some(RequestSource::Parent));
    assert_eq!(source("R14"), Some(RequestSource::School));
    let unexplained = imported.casework.requests.iter().filter(|r| r.source.is_none()).count();
    assert!(unexplained > 0 && unexplained == imported.sources_unknown);
    // The older column set has no requestsource: every source is left empty.
    let (older, _) = read_blade(&fixture("older")).unwrap();
    let imported = import_blade(&older, Some(&establishments), &sources, TODAY).unwrap();
    assert!(imported.casework.requests.iter().all(|r| r.source.is_none()));
}

#[test]
fn review_outcome_codes_are_read_as_the_authority_says_or_reported() {
    use sendtrack_interchange::sen2::{ReviewOutcomes, Sen2Codes, import_blade, read_establishments};
    let establishments = read_establishments(&fixture("establishments.csv")).unwrap();
    let (words, _) = read_blade(&fixture("newer")).unwrap();
    let expected = import_blade(&words, Some(&establishments), &Sen2Codes::default(), TODAY).unwrap().casework;
    // The same export with the review outcomes written as numbers.
    let tmp = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(fixture("newer")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let text = if path.to_string_lossy().ends_with("_activeplans.csv") {
            text.replace(",maintain,", ",1,").replace(",amend,", ",2,").replace(",cease,", ",3,")
        } else {
            text
        };
        std::fs::write(tmp.path().join(path.file_name().unwrap()), text).unwrap();
    }
    let (numbers, _) = read_blade(tmp.path()).unwrap();
    let problems = import_blade(&numbers, Some(&establishments), &Sen2Codes::default(), TODAY).unwrap_err();
    assert!(!problems.is_empty());
    assert!(
        problems.iter().all(|p| p.module == Module::ActivePlans
            && p.column == "reviewoutcome"
            && p.message.contains("--review-outcomes")),
        "{problems:?}"
    );
    let codes = Sen2Codes {
        review_outcomes: ReviewOutcomes::parse("1=maintain,2=amend,3=cease").unwrap(),
        ..Default::default()
    };
    let imported = import_blade(&numbers, Some(&establishments), &codes, TODAY).unwrap().casework;
    assert_eq!(imported.reviews, expected.reviews);
    assert!(expected.reviews.iter().filter_map(|r| r.decision).count() >= 3);
}

/// The `newer` fixture copied, with `edit` applied to the person file's lines.
fn with_person_file(edit: impl Fn(Vec<String>) -> Vec<String>) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(fixture("newer")).unwrap() {
        let path = entry.unwrap().path();
        let target = tmp.path().join(path.file_name().unwrap());
        if path.to_string_lossy().ends_with("_person.csv") {
            let lines: Vec<String> = std::fs::read_to_string(&path).unwrap().lines().map(str::to_string).collect();
            std::fs::write(&target, edit(lines).join("\n") + "\n").unwrap();
        } else {
            std::fs::copy(&path, target).unwrap();
        }
    }
    tmp
}

#[test]
fn a_row_that_joins_nothing_is_an_error_at_its_file_and_line_never_dropped() {
    let establishments = sendtrack_interchange::sen2::read_establishments(&fixture("establishments.csv")).unwrap();
    let import = |dir: &Path| {
        let (blade, _) = read_blade(dir).unwrap();
        sendtrack_interchange::sen2::import_blade(&blade, Some(&establishments), &Default::default(), TODAY)
    };
    // The first person removed: their requests (and all below them) would vanish.
    let (blade, _) = read_blade(&fixture("newer")).unwrap();
    let first = blade.rows(Module::Person)[0].get("persontableid").unwrap().to_string();
    let orphans: Vec<usize> = blade.children(Module::Requests, &first).map(|r| r.line).collect();
    assert!(!orphans.is_empty(), "the first person has requests");
    let tmp = with_person_file(|mut lines| {
        lines.remove(1);
        lines
    });
    let problems = import(tmp.path()).unwrap_err();
    let requests: Vec<usize> = problems.iter().filter(|p| p.module == Module::Requests).map(|p| p.line).collect();
    assert_eq!(requests, orphans, "{problems:?}");
    assert!(problems.iter().all(|p| p.column == "persontableid" && p.message.contains("belongs to nobody")));
    // An empty person file: every request belongs to nobody, and the file itself is named.
    let tmp = with_person_file(|lines| lines[..1].to_vec());
    let problems = import(tmp.path()).unwrap_err();
    assert!(problems.iter().any(|p| p.module == Module::Person && p.line == 1 && p.message.contains("no rows")));
    assert_eq!(problems.iter().filter(|p| p.module == Module::Requests).count(), blade.rows(Module::Requests).len());
}

#[test]
fn placements_at_every_gias_type_import_once_the_authority_maps_the_types_that_need_it() {
    use sendtrack_interchange::sen2::{
        DEFAULT_ESTABLISHMENT_TYPES, EstablishmentTypes, GIAS_ESTABLISHMENT_TYPES, Sen2Codes, import_blade,
        read_establishments, type_key,
    };
    let (blade, _) = read_blade(&fixture("newer")).unwrap();
    let file = std::fs::read_to_string(fixture("establishments.csv")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let defaulted = |kind: &str| DEFAULT_ESTABLISHMENT_TYPES.iter().any(|(k, _)| *k == type_key(kind));
    let unmapped: Vec<&str> = GIAS_ESTABLISHMENT_TYPES.iter().copied().filter(|k| !defaulted(k)).collect();
    assert!(unmapped.contains(&"Other independent school") && unmapped.contains(&"Welsh establishment"));
    assert_eq!(
        GIAS_ESTABLISHMENT_TYPES.len() - unmapped.len(),
        DEFAULT_ESTABLISHMENT_TYPES.len(),
        "each default is a GIAS type"
    );
    let mapping = unmapped.iter().map(|k| format!("{k}=mainstream")).collect::<Vec<_>>().join(",");
    let theirs = Sen2Codes { establishment_types: EstablishmentTypes::parse(&mapping).unwrap(), ..Default::default() };
    for kind in GIAS_ESTABLISHMENT_TYPES {
        // Every school of the fixture's establishments file made this type.
        let mut lines = file.lines();
        let mut text = format!("{}\n", lines.next().unwrap());
        for line in lines {
            let cells: Vec<&str> = line.splitn(4, ',').collect();
            text.push_str(&format!("{},{},{},\"{kind}\"\n", cells[0], cells[1], cells[2]));
        }
        let path = tmp.path().join("establishments.csv");
        std::fs::write(&path, text).unwrap();
        let establishments = read_establishments(&path).unwrap();
        match import_blade(&blade, Some(&establishments), &Sen2Codes::default(), TODAY) {
            Ok(imported) => {
                assert!(defaulted(kind), "{kind} is classified on its own");
                assert!(imported.establishment_types.iter().any(|(k, _)| k == kind));
            }
            Err(problems) => {
                assert!(!defaulted(kind), "{kind}: {problems:?}");
                assert!(
                    problems.iter().all(|p| p.column == "urn"
                        && p.message.contains(&format!("--establishment-types \"{kind}=SETTING\""))),
                    "{kind}: {problems:?}"
                );
            }
        }
        // With the authority's mapping, every type imports.
        let imported = import_blade(&blade, Some(&establishments), &theirs, TODAY)
            .unwrap_or_else(|p| panic!("{kind} with the mapping: {p:?}"));
        assert_eq!(imported.establishment_types.len(), 1);
    }
}
