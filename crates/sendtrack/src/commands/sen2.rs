//! `sendtrack sen2`: load an authority's history from its SEN2 returns (COLLECT Blade CSV
//! exports), write the next return from sendtrack's records, and check a return before
//! submission, each failure with its file, line, person and rule.

use anyhow::Context;
use sendtrack_domain::records::Casework;
use sendtrack_domain::sen2::{Module, RULES, check};
use sendtrack_domain::validation::validate;
use sendtrack_interchange::sen2::{
    ESTABLISHMENT_TYPES_SETTING, EstablishmentTypes, LA_NUMBER_SETTING, REQUEST_SOURCES_SETTING,
    REVIEW_OUTCOMES_SETTING, Sen2Codes, import_blade, match_to_held, read_blade, read_establishments, write_return,
};
use sendtrack_store::Store;
use std::collections::HashMap;
use std::path::Path;
use std::process::ExitCode;

/// `sendtrack sen2 import`: all or nothing, every problem with its file, line and column.
/// What the return's unverified codes mean: as given on the command line, else as kept from
/// the last import that was given them.
async fn sen2_codes(store: &Store, sources: Option<&str>, outcomes: Option<&str>) -> anyhow::Result<Sen2Codes> {
    let kept_sources = store.setting(REQUEST_SOURCES_SETTING).await?.unwrap_or_default();
    let kept_outcomes = store.setting(REVIEW_OUTCOMES_SETTING).await?.unwrap_or_default();
    Sen2Codes::parse(sources.unwrap_or(&kept_sources), outcomes.unwrap_or(&kept_outcomes))
        .map_err(|(list, e)| anyhow::anyhow!("--{}: {e}", list.replace('_', "-")))
}

/// Keeps the codes given on the command line for later returns.
async fn keep_codes(
    store: &Store,
    codes: &Sen2Codes,
    sources: Option<&str>,
    outcomes: Option<&str>,
) -> anyhow::Result<()> {
    let (sources_kept, outcomes_kept) = (codes.request_sources.to_string(), codes.review_outcomes.to_string());
    let mut settings = Vec::new();
    if sources.is_some() {
        settings.push((REQUEST_SOURCES_SETTING, sources_kept.as_str()));
    }
    if outcomes.is_some() {
        settings.push((REVIEW_OUTCOMES_SETTING, outcomes_kept.as_str()));
    }
    Ok(store.set_settings(&settings).await?)
}

pub async fn import(
    db: &str,
    dir: &Path,
    establishments: Option<&Path>,
    (given_sources, given_outcomes, given_types): (Option<&str>, Option<&str>, Option<&str>),
    today: jiff::civil::Date,
) -> anyhow::Result<ExitCode> {
    let (blade, files) =
        read_blade(dir).with_context(|| format!("cannot read the SEN2 return in {}", dir.display()))?;
    let types = match establishments {
        Some(path) => Some(read_establishments(path).with_context(|| format!("cannot read {}", path.display()))?),
        None => None,
    };
    let name = |module: Module, files: &HashMap<Module, String>| files.get(&module).cloned().unwrap_or_default();
    let store = Store::open(db).await?;
    let mut codes = sen2_codes(&store, given_sources, given_outcomes).await?;
    let kept_types = store.setting(ESTABLISHMENT_TYPES_SETTING).await?.unwrap_or_default();
    codes.establishment_types = EstablishmentTypes::parse(given_types.unwrap_or(&kept_types))
        .map_err(|e| anyhow::anyhow!("--establishment-types: {e}"))?;
    let imported = match import_blade(&blade, types.as_ref(), &codes, today) {
        Ok(imported) => imported,
        Err(problems) => {
            for p in &problems {
                eprintln!("{}:{}:{}: {}", name(p.module, &files), p.line, p.column, p.message);
            }
            eprintln!("{} problems. Nothing was imported.", problems.len());
            return Ok(ExitCode::from(1));
        }
    };
    let stored = if store.is_empty().await? { Casework::default() } else { store.load().await? };
    // The return's ids are its own: match its records to those already held (an earlier
    // year's return, or casework recorded in sendtrack) by what identifies them.
    let year = blade.census_day(None).map(|d| d.year());
    let (records, matched) = match_to_held(&stored, &imported.casework, year);
    let merged = stored.updated_with(&records);
    let ids: Vec<&str> = sendtrack_domain::measures::CATALOGUE.iter().map(|m| m.id).collect();
    let problems = validate(&merged, today, &ids);
    if !problems.is_empty() {
        for p in problems.iter().take(50) {
            eprintln!("{}: {} {}", p.file.file_name(), p.column, p.message);
        }
        eprintln!("{} problems with the records already in {db}. Nothing was imported.", problems.len());
        return Ok(ExitCode::from(1));
    }
    let replaced = stored.replaced_by(&records);
    super::import::save(&store, &records).await?;
    keep_codes(&store, &codes, given_sources, given_outcomes).await?;
    if given_types.is_some() {
        store.set_setting(ESTABLISHMENT_TYPES_SETTING, &codes.establishment_types.to_string()).await?;
    }
    // The LA number in the return's header, for the header of the returns sendtrack writes.
    if let Some(lea) = blade.rows(Module::Sen2).first().and_then(|header| header.get("lea")) {
        store.set_setting(LA_NUMBER_SETTING, lea).await?;
    }
    println!("Imported the SEN2 return in {} into {db}:", dir.display());
    print!("{}", super::import::summary(&records.counts(), &replaced));
    let m = matched;
    if m.children + m.requests + m.plans + m.placements + m.reviews + m.named_settings + m.disputes > 0 {
        println!(
            "Matched to records already held: {} children (by UPN, ULN, or name and date of birth), {} requests, {} plans, {} placements, {} reviews, {} named settings, {} disputes; blank fields in the return did not blank what was held.",
            m.children, m.requests, m.plans, m.placements, m.reviews, m.named_settings, m.disputes
        );
    }
    if m.renamed > 0 {
        println!(
            "{} new records had ids already used by other records and were given the return's year as a prefix.",
            m.renamed
        );
    }
    if !imported.establishment_types.is_empty() {
        println!("The placements' establishment types, and the setting each became:");
        for (kind, setting) in &imported.establishment_types {
            let whose = if codes.establishment_types.setting(kind).is_some() { " (as you mapped it)" } else { "" };
            println!("- {kind}: {}{whose}", setting.code());
        }
    }
    if imported.sources_unknown > 0 {
        println!(
            "{} requests have no requestsource code sendtrack was told the meaning of (--request-sources): their source is left empty (not known).",
            imported.sources_unknown
        );
    }
    if imported.exceptions_unknown > 0 {
        println!(
            "{} assessments have a 20-week exception (week20) of a kind SEN2 does not give: left empty.",
            imported.exceptions_unknown
        );
    }
    if imported.disputes_undated > 0 {
        println!(
            "{} mediations and tribunal appeals from SEN2's flags are linked to their requests; SEN2 gives no date, so they count in no month's measures.",
            imported.disputes_undated
        );
    }
    if imported.dispute_flags_unlinked > 0 {
        println!(
            "{} mediation or tribunal flags on historical requests (no date received) were not imported: there is no request to link them to.",
            imported.dispute_flags_unlinked
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `sendtrack sen2 return`: the return for a collection year, in the Blade layout.
pub async fn write(
    db: &str,
    year: i16,
    given_la: Option<&str>,
    out: &Path,
    given_sources: Option<&str>,
    given_outcomes: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let store = Store::open_existing(db).await?;
    let codes = sen2_codes(&store, given_sources, given_outcomes).await?;
    let la = match given_la {
        Some(la) => {
            sendtrack_domain::identifiers::check_la_number(la).map_err(|e| anyhow::anyhow!("--la: {e}"))?;
            store.set_setting(LA_NUMBER_SETTING, la).await?;
            la.to_string()
        }
        None => store.setting(LA_NUMBER_SETTING).await?.unwrap_or_default(),
    };
    if la.is_empty() {
        eprintln!(
            "The return's header has no LA number: give --la (for example --la 878); it is kept for later returns."
        );
    }
    let la = la.as_str();
    let cw = store.load().await?;
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let people = write_return(&cw, year, la, &codes, out)?;
    super::protection::audit_export(&store, &format!("SEN2 return {year} to {}", out.display())).await?;
    println!("Wrote the SEN2 return for {year} to {}: {people} people.", out.display());
    println!("Check it before submission: sendtrack sen2 check {}", out.display());
    Ok(ExitCode::SUCCESS)
}

pub fn rules() -> anyhow::Result<ExitCode> {
    for rule in RULES {
        println!("{}  {}", rule.id, rule.description);
    }
    Ok(ExitCode::SUCCESS)
}

pub fn check_return(dir: &Path, year: Option<i16>, today: jiff::civil::Date) -> anyhow::Result<ExitCode> {
    let (blade, files) =
        read_blade(dir).with_context(|| format!("cannot read the SEN2 return in {}", dir.display()))?;
    let census = blade.census_day(year);
    let failures = check(&blade, today, year);
    for f in &failures {
        let file = files.get(&f.module).map_or("?", String::as_str);
        println!("{file}:{}: {} person {}: {}", f.line, f.rule, f.person, f.message);
    }
    let census = census.map_or("unknown: give --year".to_string(), |d| d.to_string());
    if failures.is_empty() {
        println!("The SEN2 return in {} passes every check (census day {census}).", dir.display());
        return Ok(ExitCode::SUCCESS);
    }
    let mut by_rule: Vec<(&str, usize)> = Vec::new();
    for f in &failures {
        match by_rule.iter_mut().find(|(r, _)| *r == f.rule) {
            Some((_, n)) => *n += 1,
            None => by_rule.push((f.rule, 1)),
        }
    }
    by_rule.sort();
    println!("{} failures in the SEN2 return in {} (census day {census}):", failures.len(), dir.display());
    for (rule, n) in by_rule {
        let description = RULES.iter().find(|r| r.id == rule).map_or("", |r| r.description);
        println!("  {rule}  {n:>5}  {description}");
    }
    Ok(ExitCode::from(1))
}

/// `sendtrack sen2 reconcile`: each figure the DfE published for the authority and the year,
/// sendtrack's from its records, and the difference (see `measures::reconcile`); the counts
/// published by age and need; and, given last year's return as sent (`--previous`), what
/// changed from it to the return sendtrack would send now (see `sen2_years`).
pub async fn reconcile(
    db: &str,
    year: i16,
    dfe: &Path,
    la: &str,
    previous: Option<&Path>,
    today: jiff::civil::Date,
) -> anyhow::Result<ExitCode> {
    let authority = sendtrack_interchange::dfe::find_authority(dfe, la)?;
    let benchmarks = sendtrack_interchange::dfe::benchmarks(dfe, &authority)?;
    let figures = sendtrack_interchange::dfe::published_figures(dfe, &authority)?;
    let store = Store::open_existing(db).await?;
    let cw = store.load().await?;
    let engine = sendtrack_domain::measures::engine::Engine::as_at(&cw, today);
    let rows = sendtrack_domain::measures::reconcile::reconcile(&engine, &benchmarks, year);
    let figures = sendtrack_domain::measures::reconcile::figures_for(&figures, year);
    if rows.is_empty() && figures.is_empty() {
        anyhow::bail!("the DfE's files in {} publish nothing for {} in {year}", dfe.display(), authority.name);
    }
    println!("{} in {year}: what the DfE published, and sendtrack's records", authority.name);
    println!("{:<52} {:>10} {:>10} {:>10}", "measure", "published", "sendtrack", "difference");
    for r in &rows {
        let percent = r.measure.unit == sendtrack_domain::measures::Unit::Percent;
        let shown = |v: Option<f64>| {
            v.map_or_else(|| "-".to_string(), |v| if percent { format!("{v:.1}") } else { format!("{v:.0}") })
        };
        let unit = if percent && r.ours.is_some() { " (points)" } else { "" };
        println!(
            "{:<52} {:>10} {:>10} {:>10}{unit}",
            r.measure.id,
            shown(Some(r.published)),
            shown(r.ours),
            shown(r.difference())
        );
        if r.ours.is_none() {
            println!("    sendtrack's records hold nothing this figure counts in {year}");
        }
    }
    if !figures.is_empty() {
        let reconciled = sendtrack_domain::measures::reconcile::reconcile_figures(&engine, &figures);
        println!();
        println!(
            "Counts in total and by age band and need, where published (a year's activity, or plans on the census day)"
        );
        println!("{:<44} {:<11} {:>10} {:>10} {:>10}", "figure", "for", "published", "sendtrack", "difference");
        for r in &reconciled {
            let f = &r.figure;
            let name = match &f.breakdown {
                None => f.measure.code().to_string(),
                Some((d, k)) => format!("{} {}={k}", f.measure.code(), d.code()),
            };
            println!(
                "{name:<44} {:<11} {:>10.0} {:>10.0} {:>+10.0}",
                f.on.to_string(),
                f.value,
                r.ours,
                r.difference()
            );
            if let Some(why) = sendtrack_domain::measures::reconcile::explain(&cw, r) {
                println!("    {why}");
            }
        }
        println!(
            "Ages: sendtrack's at the request's receipt (requests), the plan's issue (new plans) or the census day (plans in force); its oldest band is 20 to 25, the DfE's group 20 and over."
        );
        println!("Sources: {}", sources(&figures));
    }
    if let Some(previous) = previous {
        let (before, _) = sendtrack_interchange::sen2::read_blade(previous)?;
        let collection = year + 1;
        let scratch = tempfile::tempdir()?;
        let codes = sen2_codes(&store, None, None).await?;
        let la_number = store.setting(LA_NUMBER_SETTING).await?.unwrap_or_else(|| authority.old_la_code.clone());
        sendtrack_interchange::sen2::write_return(&cw, collection, &la_number, &codes, scratch.path())?;
        let (now, _) = sendtrack_interchange::sen2::read_blade(scratch.path())?;
        let previous_census = before
            .census_day(Some(collection - 1))
            .ok_or_else(|| anyhow::anyhow!("{}: the return has no census day", previous.display()))?;
        if previous_census.year() != year {
            anyhow::bail!(
                "{}: its census day is {previous_census}, but last year's return for {year}'s comparison is the January {year} one",
                previous.display()
            );
        }
        let activity_from = jiff::civil::date(year, 1, 1);
        let changes = sendtrack_domain::sen2_years::compare_returns(&before, &now, &cw, previous_census, activity_from);
        println!();
        println!(
            "Last year's return ({}, census day {previous_census}) against the {collection} return sendtrack would send:",
            previous.display()
        );
        if changes.is_empty() {
            println!(
                "everyone in it is in this year's return, with the same date of birth, and every plan carried or ceased."
            );
        }
        for c in &changes {
            println!(
                "{} line {} ({}): {}{}; {}",
                c.person,
                c.line,
                c.change.words(),
                if c.explained { "explained" } else { "not explained" },
                c.child_id.as_deref().map_or(String::new(), |id| format!(", child {id}")),
                c.explanation
            );
        }
        let unexplained = changes.iter().filter(|c| !c.explained).count();
        println!("{} changes, {unexplained} not explained by sendtrack's records.", changes.len());
    }
    Ok(ExitCode::SUCCESS)
}

/// The files and columns the figures came from, once each.
fn sources(figures: &[sendtrack_domain::measures::reconcile::PublishedFigure]) -> String {
    let mut files: Vec<&str> = figures.iter().map(|f| f.source.split(',').next().unwrap_or("")).collect();
    files.sort_unstable();
    files.dedup();
    files.join(", ")
}
