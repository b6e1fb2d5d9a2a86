//! The SEN2 return written from sendtrack's records and imported into an empty caseload gives
//! back the fields SEN2 carries, and the measures that depend only on them agree.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers may panic: a panic is a failed test.

use sendtrack_domain::codes::Setting;
use sendtrack_domain::dates::Month;
use sendtrack_domain::measures::MeasureId;
use sendtrack_domain::measures::engine::Engine;
use sendtrack_domain::measures::scorecard::scorecard;
use sendtrack_domain::records::Casework;
use sendtrack_domain::sen2::check;
use sendtrack_interchange::demo::{DemoOptions, generate};
use sendtrack_interchange::sen2::{
    Establishments, RequestSources, ReviewOutcomes, Sen2Codes, import_blade, read_blade, write_return,
};

const TODAY: jiff::civil::Date = jiff::civil::date(2026, 11, 30);

/// The demo's Get Information About Schools stand-in, read as `--establishments` reads it.
fn establishments(cw: &Casework) -> Establishments {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gias.csv");
    std::fs::write(&path, sendtrack_interchange::demo::establishments_csv(cw)).unwrap();
    sendtrack_interchange::sen2::read_establishments(&path).unwrap()
}

/// The kinds of setting a return and an establishments file tell apart (a hospital school is a
/// special school to GIAS; a resource base a mainstream school without the flag).
fn sen2_tells_apart(setting: Setting) -> bool {
    matches!(
        setting,
        Setting::EotasSection61
            | Setting::ElectiveHomeEducation
            | Setting::Neet
            | Setting::Mainstream
            | Setting::SpecialIndependent
            | Setting::NonMaintainedSpecial
            | Setting::AlternativeProvision
            | Setting::SpecialMaintained
    )
}

#[test]
fn a_return_written_and_imported_gives_back_what_sen2_carries() {
    let cw = generate(&DemoOptions { children: 1500, seed: 21, as_at: TODAY });
    let dir = tempfile::tempdir().unwrap();
    let people = write_return(&cw, 2026, "878", &Default::default(), dir.path()).unwrap();
    assert!(people > 500, "{people} people in the return");
    let (blade, _) = read_blade(dir.path()).unwrap();
    let failures = check(&blade, TODAY, None);
    let codes: std::collections::BTreeSet<&str> = failures.iter().map(|f| f.rule).collect();
    // The demo's records are consistent; what the checks find are the demo's own gaps (no UPN
    // reason codes, active plans without a recorded need or with "nsa", plans of people past
    // 25 that ceased in the year) rather than anything the writer made up.
    assert!(codes.iter().all(|c| ["SEN2-01", "SEN2-06", "SEN2-08", "SEN2-09", "SEN2-13"].contains(c)), "{codes:?}");

    let imported = import_blade(&blade, Some(&establishments(&cw)), &Default::default(), TODAY).unwrap();
    let back = &imported.casework;
    assert_eq!(back.children.len(), people);
    assert_eq!(imported.sources_unknown, back.requests.len(), "SEN2 does not say who made a request");
    assert!(back.requests.iter().all(|r| r.source.is_none()), "left empty, not invented");

    // An authority that knows its requestsource codes says so, and the sources come back.
    let codes: Vec<String> = sendtrack_domain::codes::RequestSource::ALL
        .iter()
        .enumerate()
        .map(|(k, s)| format!("{}={}", k + 1, s.code()))
        .collect();
    let sources = Sen2Codes {
        request_sources: RequestSources::parse(&codes.join(",")).unwrap(),
        review_outcomes: ReviewOutcomes::parse("M=maintain,A=amend,C=cease").unwrap(),
        ..Default::default()
    };
    let coded = tempfile::tempdir().unwrap();
    write_return(&cw, 2026, "878", &sources, coded.path()).unwrap();
    let (coded_blade, _) = read_blade(coded.path()).unwrap();
    let with_sources = import_blade(&coded_blade, Some(&establishments(&cw)), &sources, TODAY).unwrap();
    assert_eq!(with_sources.sources_unknown, 0);
    for r in &with_sources.casework.requests {
        let o = cw.requests.iter().find(|x| x.request_id == r.request_id).unwrap();
        assert_eq!(r.source, o.source, "{}", r.request_id);
    }
    assert_eq!(with_sources.casework.reviews, back.reviews, "review outcomes written as codes read back the same");
    let active_plans = std::fs::read_dir(coded.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with("_activeplans.csv"))
        .unwrap();
    let active_plans = std::fs::read_to_string(active_plans).unwrap();
    assert!(active_plans.contains(",M,") && !active_plans.contains(",maintain,"), "written as the authority's codes");

    for c in &back.children {
        let o = cw.children.iter().find(|x| x.child_id == c.child_id).unwrap();
        assert_eq!(
            (&c.forename, &c.surname, c.date_of_birth, c.sex, &c.upn, &c.uln, c.upn_unknown, &c.ethnicity, &c.postcode),
            (&o.forename, &o.surname, o.date_of_birth, o.sex, &o.upn, &o.uln, o.upn_unknown, &o.ethnicity, &o.postcode),
        );
        if c.primary_need.is_some() {
            assert_eq!((c.primary_need, c.secondary_need), (o.primary_need, o.secondary_need));
        }
    }
    for r in &back.requests {
        let o = cw.requests.iter().find(|x| x.request_id == r.request_id).unwrap();
        assert_eq!(
            (&r.child_id, r.received_on, r.decision, r.outcome, r.in_youth_accommodation),
            (&o.child_id, o.received_on, o.decision, o.outcome, o.in_youth_accommodation)
        );
    }
    let census = jiff::civil::date(2026, 1, 15);
    for p in &back.plans {
        let o = cw.plans.iter().find(|x| x.plan_id == p.plan_id).unwrap();
        assert_eq!(
            (&p.child_id, &p.request_id, p.issued_on, p.ceased, p.personal_budget),
            (&o.child_id, &o.request_id, o.issued_on, o.ceased, o.personal_budget)
        );
        // SEN2 carries the LA a plan came from only on plans active on the census day.
        if o.is_active_at(census) {
            assert_eq!(p.transferred_from, o.transferred_from);
        }
    }
    let active = cw.plans.iter().filter(|p| p.is_active_at(census)).count();
    assert_eq!(back.plans.iter().filter(|p| p.is_active_at(census)).count(), active, "every plan active on census day");
    for p in &back.placements {
        let o = cw.placements.iter().find(|x| x.placement_id == p.placement_id).unwrap();
        assert_eq!(
            (&p.urn, &p.ukprn, p.started_on, p.ended_on, p.rank, p.sen_unit, p.resourced_provision),
            (&o.urn, &o.ukprn, o.started_on, o.ended_on, o.rank, o.sen_unit, o.resourced_provision)
        );
        if sen2_tells_apart(o.setting) {
            assert_eq!(p.setting, o.setting, "{}", o.placement_id);
        }
    }
    // Named settings (plandetail): those each plan in the return names on the census day (or
    // on its last day) come back with their URN, UKPRN and rank, named from the plan's start.
    assert!(back.plan_settings.len() > 200, "{} named settings came back", back.plan_settings.len());
    for n in &back.plan_settings {
        let o = cw.plan_settings.iter().find(|x| x.plan_setting_id == n.plan_setting_id).unwrap();
        let plan = back.plans.iter().find(|p| p.plan_id == n.plan_id).unwrap();
        assert_eq!((&n.plan_id, &n.urn, &n.ukprn, n.rank), (&o.plan_id, &o.urn, &o.ukprn, o.rank));
        assert_eq!(n.named_on, plan.issued_on, "the return gives no date: named from the plan's start");
        // As for placements: the kinds SEN2 can tell apart come back as they were.
        if o.setting.is_some_and(sen2_tells_apart) {
            assert_eq!(n.setting, o.setting, "{}", o.plan_setting_id);
        }
    }
    let named_on_census = cw
        .plan_settings
        .iter()
        .filter(|n| {
            let plan = back.plans.iter().find(|p| p.plan_id == n.plan_id);
            plan.is_some_and(|p| n.is_named_at(p.last_day_in_force().map_or(census, |last| last.min(census))))
        })
        .count();
    assert_eq!(back.plan_settings.len(), named_on_census, "every setting named on the census day");
    // The return written again from what was imported names the same settings, row for row.
    let again = tempfile::tempdir().unwrap();
    write_return(back, 2026, "878", &Default::default(), again.path()).unwrap();
    let plandetail = |dir: &std::path::Path| {
        let path = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.to_string_lossy().ends_with("_plandetail.csv"))
            .unwrap();
        let mut rows: Vec<String> = std::fs::read_to_string(path).unwrap().lines().map(str::to_string).collect();
        rows.sort();
        rows
    };
    assert_eq!(plandetail(again.path()), plandetail(dir.path()));
    for v in &back.reviews {
        let o = cw.reviews.iter().find(|x| x.review_id == v.review_id).unwrap();
        assert_eq!((&v.plan_id, v.meeting_on, v.decision), (&o.plan_id, o.meeting_on, o.decision));
    }
    // Mediations and appeals come back as SEN2 carries them: one of each kind per request in
    // the return that had one by the census day, linked to it, with no date.
    let kinds_of = |disputes: &sendtrack_domain::records::Records<sendtrack_domain::records::Dispute>| {
        let mut kinds: Vec<(String, String)> = disputes
            .iter()
            .filter(|d| d.opened_on.is_none_or(|o| o <= census))
            .filter_map(|d| Some((d.request_id.clone()?.into_string(), d.kind.code().to_string())))
            .filter(|(r, _)| back.requests.iter().any(|x| &x.request_id == r))
            .collect();
        kinds.sort();
        kinds.dedup();
        kinds
    };
    assert!(back.disputes.len() > 20, "{} disputes came back", back.disputes.len());
    assert_eq!(kinds_of(&back.disputes), kinds_of(&cw.disputes));
    assert!(back.disputes.iter().all(|d| d.opened_on.is_none() && d.outcome.is_none()));
    assert_eq!(imported.disputes_undated, back.disputes.len());

    // The measures of the activity year that depend only on what SEN2 carries agree.
    let ids = [
        MeasureId::RequestsReceived,
        MeasureId::DecisionsMade,
        MeasureId::PlansIssued,
        MeasureId::PlansIssuedWithin20WeeksInclExceptionsPct,
        MeasureId::AssessmentsCompleted,
    ];
    let measures: Vec<_> = ids.iter().map(|id| id.def()).collect();
    let (from, to) = ("2025-01".parse::<Month>().unwrap(), "2025-12".parse::<Month>().unwrap());
    let original = scorecard(&Engine::new(&cw), &measures, from, to, 1);
    let returned = scorecard(&Engine::new(back), &measures, from, to, 1);
    for (a, b) in original.lines.iter().zip(&returned.lines) {
        let values = |l: &sendtrack_domain::measures::scorecard::Line| {
            l.cells.iter().map(|c| c.value.headline).collect::<Vec<_>>()
        };
        assert_eq!(values(a), values(b), "{}", a.measure.id);
    }
}

/// Gives every table id of a Blade export a prefix, as another COLLECT export of the same
/// people would have other ids.
fn relabel(dir: &std::path::Path, prefix: &str) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let mut reader = csv::Reader::from_path(&path).unwrap();
        let headers = reader.headers().unwrap().clone();
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        let mut writer = csv::Writer::from_path(&path).unwrap();
        writer.write_record(&headers).unwrap();
        for row in rows {
            let cells: Vec<String> = headers
                .iter()
                .zip(row.iter())
                .map(|(h, v)| {
                    if h.ends_with("tableid") && h != "sen2tableid" && !v.is_empty() {
                        format!("{prefix}{v}")
                    } else {
                        v.to_string()
                    }
                })
                .collect();
            writer.write_record(&cells).unwrap();
        }
        writer.flush().unwrap();
    }
}

#[test]
fn two_years_of_returns_load_into_one_history_without_duplicates() {
    use sendtrack_interchange::sen2::match_to_held;
    let cw = generate(&DemoOptions { children: 1200, seed: 8, as_at: TODAY });
    let gias = establishments(&cw);
    let import_year = |year: i16, prefix: Option<&str>| {
        let dir = tempfile::tempdir().unwrap();
        write_return(&cw, year, "878", &Default::default(), dir.path()).unwrap();
        if let Some(prefix) = prefix {
            relabel(dir.path(), prefix);
        }
        let (blade, _) = read_blade(dir.path()).unwrap();
        import_blade(&blade, Some(&gias), &Default::default(), TODAY).unwrap().casework
    };
    // The truth: sendtrack's returns use its own ids, so both years merge exactly by id.
    let (y2025, y2026) = (import_year(2025, None), import_year(2026, None));
    let truth = y2025.updated_with(&y2026);
    assert!(y2025.children.len() > 300 && truth.children.len() > y2025.children.len());

    // As COLLECT would give them: next year's export has other ids for the same people.
    let (loaded, first) = match_to_held(&Casework::default(), &y2025, Some(2025));
    assert_eq!(first, Default::default(), "nothing to match in an empty database");
    let relabelled = import_year(2026, Some("X"));
    let (records, matched) = match_to_held(&loaded, &relabelled, Some(2026));
    let history = loaded.updated_with(&records);
    assert!(matched.children > 200 && matched.requests > 100 && matched.plans > 200, "{matched:?}");
    assert_eq!(matched.renamed, 0);
    let counts = |c: &Casework| {
        (c.children.len(), c.requests.len(), c.plans.len(), c.placements.len(), c.reviews.len(), c.disputes.len())
    };
    assert_eq!(counts(&history), counts(&truth), "no one is loaded twice");
    let ids: Vec<&str> = sendtrack_domain::measures::CATALOGUE.iter().map(|d| d.id).collect();
    let problems = sendtrack_domain::validation::validate(&history, TODAY, &ids);
    assert!(problems.is_empty(), "{:?}", &problems[..problems.len().min(5)]);
    // Named settings: a plan's settings named on each census day are those that year's return
    // names; one the later return names instead is named from its census day, and the one it
    // replaced ends the day before.
    assert!(matched.named_settings > 100, "{matched:?}");
    for (year, census) in [(&y2025, jiff::civil::date(2025, 1, 16)), (&relabelled, jiff::civil::date(2026, 1, 15))] {
        // A named setting by its child (name and date of birth), plan and setting: the ids differ.
        let key = |n: &sendtrack_domain::records::PlanSetting, cw: &Casework| {
            let plan = cw.plans.iter().find(|p| p.plan_id == n.plan_id).unwrap();
            let c = cw.children.iter().find(|c| c.child_id == plan.child_id).unwrap();
            let who = (c.forename.clone(), c.surname.clone(), c.date_of_birth);
            (who, plan.issued_on, n.urn.clone(), n.ukprn.clone(), n.setting)
        };
        let mut returned: Vec<_> = year.plan_settings.iter().map(|n| key(n, year)).collect();
        let in_history: std::collections::HashSet<_> = history
            .plan_settings
            .iter()
            .filter(|n| {
                let plan = history.plans.iter().find(|p| p.plan_id == n.plan_id).unwrap();
                n.is_named_at(plan.last_day_in_force().map_or(census, |last| last.min(census)))
            })
            .map(|n| key(n, &history))
            .collect();
        returned.retain(|r| !in_history.contains(r));
        assert!(returned.is_empty(), "named on {census} in the return but not in the history: {returned:?}");
    }
    // And the history's measures over both activity years are the truth's.
    let measures: Vec<_> =
        [MeasureId::RequestsReceived, MeasureId::DecisionsMade, MeasureId::PlansIssued, MeasureId::PlansActive]
            .iter()
            .map(|id| id.def())
            .collect();
    let (from, to) = ("2024-01".parse::<Month>().unwrap(), "2025-12".parse::<Month>().unwrap());
    let a = scorecard(&Engine::new(&truth), &measures, from, to, 1);
    let b = scorecard(&Engine::new(&history), &measures, from, to, 1);
    for (x, y) in a.lines.iter().zip(&b.lines) {
        let values = |l: &sendtrack_domain::measures::scorecard::Line| {
            l.cells.iter().map(|c| c.value.headline).collect::<Vec<_>>()
        };
        assert_eq!(values(x), values(y), "{}", x.measure.id);
    }
}

#[test]
fn a_plan_whose_only_need_is_nsa_has_no_need_in_the_return_and_fails_sen2_09() {
    use sendtrack_domain::codes::Need;
    let mut cw = generate(&DemoOptions { children: 300, seed: 4, as_at: TODAY });
    // A child whose plan is active on the 2026 census day (15 January), given only `nsa`.
    let census = jiff::civil::date(2026, 1, 15);
    let plan = cw.plans.iter().find(|p| p.is_active_at(census)).unwrap().clone();
    let k = cw.children.iter().position(|c| c.child_id == plan.child_id).unwrap();
    let mut child = cw.children[k].clone();
    child.primary_need = Some(Need::NoSpecialistAssessment);
    child.secondary_need = None;
    cw.children.set(k, child);
    let dir = tempfile::tempdir().unwrap();
    write_return(&cw, 2026, "878", &Default::default(), dir.path()).unwrap();
    let (blade, _) = read_blade(dir.path()).unwrap();
    let types: Vec<&str> =
        blade.rows(sendtrack_domain::sen2::Module::SenNeed).iter().filter_map(|r| r.get("sentype")).collect();
    assert!(!types.iter().any(|t| t.eq_ignore_ascii_case("nsa")), "the DfE's list has no nsa");
    let failures = check(&blade, TODAY, None);
    assert!(
        failures.iter().any(|f| f.rule == "SEN2-09"),
        "the plan with only nsa has no primary need in the return: {failures:?}"
    );
    assert!(!failures.iter().any(|f| f.rule == "SEN2-13" && f.message.contains("NSA")));
}

/// Last year's return as sent, against this year's: unchanged, everyone is accounted for;
/// a corrected date of birth, a person sendtrack does not hold and a plan it never heard of
/// are each listed, the last two as not explained.
#[test]
fn last_years_return_against_this_years_lists_what_changed_and_explains_what_it_can() {
    use sendtrack_domain::sen2::{BladeRow, Module};
    use sendtrack_domain::sen2_years::{Change, compare_returns};
    let cw = generate(&DemoOptions { children: 900, seed: 12, as_at: TODAY });
    let write = |year: i16| {
        let dir = tempfile::tempdir().unwrap();
        write_return(&cw, year, "878", &Default::default(), dir.path()).unwrap();
        read_blade(dir.path()).unwrap().0
    };
    let (mut before, now) = (write(2025), write(2026));
    let (census, activity) = (jiff::civil::date(2025, 1, 16), jiff::civil::date(2025, 1, 1));
    let changes = compare_returns(&before, &now, &cw, census, activity);
    assert!(changes.iter().all(|c| c.explained && c.change == Change::Vanished), "{changes:?}");
    assert!(!changes.is_empty(), "people whose plans ceased in 2024 are in last year's return only");

    // A date of birth corrected since, a person from another system, a plan nobody recorded.
    let people = before.rows_mut(Module::Person);
    let corrected = people.iter().position(|p| p.get("upn").is_some()).unwrap();
    people[corrected].cells.insert("personbirthdate".into(), "2001-Jan-01 00:00:00".into());
    let stranger = BladeRow {
        line: 9000,
        cells: [
            ("persontableid", "ZZ1"),
            ("forename", "Nobody"),
            ("surname", "Known"),
            ("personbirthdate", "2015-Mar-03 00:00:00"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect(),
    };
    people.push(stranger);
    let someone = before.rows(Module::Person)[corrected + 1].get("persontableid").unwrap().to_string();
    let add = |blade: &mut sendtrack_domain::sen2::Blade, module: Module, cells: &[(&str, &str)]| {
        let row = BladeRow { line: 9001, cells: cells.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect() };
        blade.rows_mut(module).push(row);
    };
    add(&mut before, Module::Requests, &[("requeststableid", "ZR1"), ("persontableid", &someone)]);
    add(&mut before, Module::Assessment, &[("assessmenttableid", "ZA1"), ("requeststableid", "ZR1")]);
    add(
        &mut before,
        Module::NamedPlan,
        &[("namedplantableid", "ZP1"), ("assessmenttableid", "ZA1"), ("startdate", "2019-Feb-02 00:00:00")],
    );
    let changes = compare_returns(&before, &now, &cw, census, activity);
    let of = |kind: Change| changes.iter().filter(|c| c.change == kind).collect::<Vec<_>>();
    let moved = of(Change::BirthDateChanged);
    assert_eq!(moved.len(), 1, "{changes:?}");
    assert!(moved[0].explained, "sendtrack's record agrees with this year's return: a correction");
    assert!(!moved[0].explanation.contains("2001"), "no date of birth in the output");
    let stranger = of(Change::Vanished).into_iter().find(|c| c.person == "ZZ1").unwrap();
    assert!(!stranger.explained && stranger.child_id.is_none());
    let gone = of(Change::PlanGoneWithoutCease);
    assert_eq!(gone.len(), 1, "{gone:?}");
    assert_eq!((gone[0].person.as_str(), gone[0].explained), (someone.as_str(), false));
    assert!(gone[0].explanation.contains("no plan issued on 2019-02-02"), "{}", gone[0].explanation);
}
