//! The SEN2 return in the web app: an analyst or manager uploads a COLLECT Blade export, or
//! picks a collection year to check the return sendtrack would send, and sees every failed
//! check by rule, file, line and person (opaque ids only). Managers download the return
//! itself, and so do analysts an admin lets submit it: it holds names, dates of birth and
//! UPNs, which other analysts never see.

use crate::AppState;
use crate::auth::{CSRF_FIELD, SignedIn};
use crate::error::{Answer, AppError};
use crate::govuk::{Caption, Select, cell, heading, number, numeric_heading, row_header, select, table};
use crate::layout::page;
use axum::extract::{Multipart, Query, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use maud::{Markup, html};
use sendtrack_domain::sen2::{CENSUS_DAYS, Failure, Module, RULES, check};
use sendtrack_interchange::sen2::{
    LA_NUMBER_SETTING, REQUEST_SOURCES_SETTING, REVIEW_OUTCOMES_SETTING, Sen2Codes, read_blade, write_return,
};
use std::collections::HashMap;
use std::io::Write;
use std::sync::Arc;

#[derive(serde::Deserialize, Default)]
pub struct Year {
    year: Option<i16>,
}

/// The collection years sendtrack knows the census day of.
fn years() -> Vec<i16> {
    CENSUS_DAYS.iter().map(|(y, _, _)| *y).collect()
}

fn results(failures: &[Failure], files: &HashMap<Module, String>, what: &str) -> Markup {
    let mut by_rule: Vec<(&str, usize)> = Vec::new();
    for f in failures {
        match by_rule.iter_mut().find(|(r, _)| *r == f.rule) {
            Some((_, n)) => *n += 1,
            None => by_rule.push((f.rule, 1)),
        }
    }
    by_rule.sort();
    html! {
        h2 class="govuk-heading-m" id="results" { "Results: " (what) }
        @if failures.is_empty() {
            div class="govuk-panel govuk-panel--confirmation" {
                h3 class="govuk-panel__title" { "Every check passed" }
            }
        } @else {
            (table(
                (Caption::Small, format!("{} failures, by rule", failures.len())),
                &[heading("Rule"), heading("Check"), numeric_heading("Failures")],
                by_rule.iter().map(|(rule, n)| {
                    vec![row_header(*rule), cell(RULES.iter().find(|r| r.id == *rule).map_or("", |r| r.description)), number(n)]
                }),
            ))
            // Keyboard users scroll a wide table too (WCAG 2.1.1): the region takes focus.
            div class="st-scroll" tabindex="0" role="region" aria-label="Every failure" {
                (table(
                    (Caption::Small, "Every failure"),
                    &["Rule", "File", "Line", "Person", "What is wrong"].map(heading),
                    failures.iter().take(1000).map(|f| {
                        vec![
                            cell(f.rule),
                            cell(files.get(&f.module).map_or(f.module.name(), String::as_str)),
                            cell(f.line),
                            cell(f.person.as_str()),
                            cell(f.message.as_str()),
                        ]
                    }),
                ))
            }
        }
    }
}

fn sen2_page(
    state: &AppState,
    user: &crate::auth::Session,
    year: i16,
    outcome: Option<Markup>,
    error: Option<&str>,
    reconciled: Option<Markup>,
) -> Markup {
    let title = if error.is_some() { "Error: The SEN2 return" } else { "The SEN2 return" };
    page(
        title,
        &state.authority,
        Some(user),
        html! {
            @if let Some(e) = error { (crate::govuk::error_summary(&[("files", e)])) }
            h1 class="govuk-heading-l" { "The SEN2 return" }
            p class="govuk-body" { "Check a return before it goes to the DfE: the one sendtrack would send from its records, or one exported from COLLECT. Each failure names its rule, the file and line, and the person by their id in the return." }
            h2 class="govuk-heading-m" { "The return sendtrack would send" }
            form method="get" action="/sen2" novalidate {
                (select(&Select {
                    id: "year",
                    label: "Collection year (census day in January)",
                    question: None,
                    hint: None,
                    error: None,
                    options: years().into_iter().map(|y| (y.to_string(), y.to_string())).collect(),
                    selected: &year.to_string(),
                }))
                button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button" { "Check this year's return" }
            }
            @if crate::auth::may_use(user, "GET", "/sen2/return.zip") {
                p class="govuk-body" { a class="govuk-link" href=(format!("/sen2/return.zip?year={year}")) { "Download the " (year) " return (nine Blade CSV files, zipped)" } }
            } @else {
                p class="govuk-body" { "The return holds children's names, dates of birth and UPNs. Managers download it, and analysts an admin has let submit it; ask an admin if you submit the return." }
            }
            @if let Some(r) = reconciled { (r) }
            h2 class="govuk-heading-m" { "A return exported from COLLECT" }
            form method="post" action="/sen2/check" enctype="multipart/form-data" novalidate {
                input type="hidden" name=(CSRF_FIELD) value=(user.csrf);
                div class=(if error.is_some() { "govuk-form-group govuk-form-group--error" } else { "govuk-form-group" }) {
                    label class="govuk-label" for="files" { "The nine Blade-Export CSV files" }
                    div id="files-hint" class="govuk-hint" { "Choose them all at once: sen2, person, requests, assessment, namedplan, plandetail, activeplans, placementdetail and senneed." }
                    @if let Some(e) = error { p id="files-error" class="govuk-error-message" { span class="govuk-visually-hidden" { "Error:" } " " (e) } }
                    input class="govuk-file-upload" id="files" name="files" type="file" multiple accept=".csv,text/csv" aria-describedby="files-hint";
                }
                button type="submit" class="govuk-button" data-module="govuk-button" { "Check the export" }
            }
            h2 class="govuk-heading-m" { "Last year's return against this year's" }
            @if !may_compare(user) {
                p class="govuk-body" { "Comparing last year's return with this year's shows who sendtrack holds and whose date of birth changed, so it is for those who see the return itself: managers, and analysts an admin has let submit it." }
            } @else {
            form method="post" action="/sen2/check" enctype="multipart/form-data" novalidate {
                input type="hidden" name=(CSRF_FIELD) value=(user.csrf);
                input type="hidden" name="purpose" value="previous";
                div class="govuk-form-group" {
                    label class="govuk-label" for="previous" { "Last year's return as it was sent: the nine Blade-Export CSV files" }
                    div id="previous-hint" class="govuk-hint" { "sendtrack compares it with the return it would send for the year after: the people who are not in this year's return, plans in force on last year's census day that are gone without a cease, and changed dates of birth, each explained where the records can. Nothing is imported." }
                    input class="govuk-file-upload" id="previous" name="files" type="file" multiple accept=".csv,text/csv" aria-describedby="previous-hint";
                }
                button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button" { "Compare with this year's" }
            }
            }
            @if let Some(o) = outcome { (o) }
        },
    )
}

/// The plans in force on the next census day as the forecast anticipates them (issue 21),
/// when a forecast has been made since the records last changed.
async fn anticipated(state: &AppState) -> Result<Option<Markup>, AppError> {
    let as_of = sendtrack_domain::dates::last_complete_month(state.today());
    let made = super::forecast::forecast_from(state, as_of, 12).await?.forecast;
    let Some(census) = made.as_ref().as_ref().ok().and_then(|f| f.census) else { return Ok(None) };
    Ok(Some(html! {
        div class="govuk-inset-text" {
            "Anticipated for the next return: " strong { (format!("{:.0}", census.value)) " active plans" }
            " on census day " (sendtrack_domain::dates::in_words(census.day))
            " (80% interval " (format!("{:.0}", census.low)) " to " (format!("{:.0}", census.high)) "; "
            a class="govuk-link" href="/forecast" { "the forecast" } ")."
        }
    }))
}

/// The anticipated figure, then sendtrack's figures beside those published.
async fn beside_the_return(state: &AppState) -> Result<Option<Markup>, AppError> {
    let (anticipated, reconciled) = (anticipated(state).await?, reconciliation(state).await?);
    Ok((anticipated.is_some() || reconciled.is_some()).then(|| {
        html! {
            @if let Some(a) = anticipated { h2 class="govuk-heading-m" { "The next return" } (a) }
            @if let Some(r) = reconciled { (r) }
        }
    }))
}

/// Whether `user` may compare last year's return with this year's: the comparison tells
/// whether sendtrack holds a person and whether their date of birth changed, so it is for
/// those who may download the return itself (names, dates of birth and UPNs).
fn may_compare(user: &crate::auth::Session) -> bool {
    crate::auth::may_use(user, "GET", "/sen2/return.zip")
}

/// The latest collection year whose census day has passed.
fn current_year(state: &AppState) -> i16 {
    let today = state.today();
    years()
        .into_iter()
        .filter(|y| sendtrack_domain::sen2::census_day(*y).is_some_and(|d| d <= today))
        .max()
        .unwrap_or(CENSUS_DAYS[0].0)
}

/// Writes the return for `year` into a temporary folder.
async fn returned(state: &AppState, year: i16) -> Result<tempfile::TempDir, AppError> {
    let cw = state.casework().await?;
    // The requestsource codes the last `sen2 import --request-sources` was given, if any.
    let kept = |name: &'static str| async move { state.store.setting(name).await.map(Option::unwrap_or_default) };
    let sources = kept(REQUEST_SOURCES_SETTING).await?;
    let outcomes = kept(REVIEW_OUTCOMES_SETTING).await?;
    let codes =
        Sen2Codes::parse(&sources, &outcomes).map_err(|(list, e)| AppError::Internal(format!("{list}: {e}")))?;
    // The LA number kept from the last return imported or written with `--la`.
    let la = state.store.setting(LA_NUMBER_SETTING).await?.unwrap_or_default();
    let dir = tempfile::tempdir()?;
    let path = dir.path().to_path_buf();
    tokio::task::spawn_blocking(move || write_return(&cw, year, &la, &codes, &path)).await??;
    Ok(dir)
}

pub async fn show(State(state): State<Arc<AppState>>, SignedIn(user): SignedIn, Query(which): Query<Year>) -> Answer {
    let Some(year) = which.year else {
        let reconciled = beside_the_return(&state).await?;
        return Ok(sen2_page(&state, &user, current_year(&state), None, None, reconciled).into_response());
    };
    if !years().contains(&year) {
        return Err(AppError::NotFound);
    }
    let dir = returned(&state, year).await?;
    let (blade, files) = read_blade(dir.path())?;
    let failures = check(&blade, state.today(), Some(year));
    state.audit().record(&user, &format!("check SEN2 return {year}"), None).await?;
    let outcome = results(&failures, &files, &format!("the {year} return from sendtrack's records"));
    let reconciled = beside_the_return(&state).await?;
    Ok(sen2_page(&state, &user, year, Some(outcome), None, reconciled).into_response())
}

/// sendtrack's figures beside those the DfE published for the authority (the benchmarks held,
/// `sendtrack benchmarks`), for the latest year published (issue 24): what an analyst checks
/// first. `None` when no published figure is held.
async fn reconciliation(state: &AppState) -> Result<Option<Markup>, AppError> {
    use sendtrack_domain::measures::reconcile::{published_years, reconcile};
    let cw = state.casework().await?;
    let Some(&year) = published_years(&cw.benchmarks.iter().cloned().collect::<Vec<_>>()).first() else {
        return Ok(None);
    };
    let today = state.today();
    // The counts by age and need `sendtrack benchmarks --dfe --db` kept, if it was run.
    let kept = state.store.setting(sendtrack_interchange::dfe::PUBLISHED_FIGURES_SETTING).await?.unwrap_or_default();
    let figures = sendtrack_interchange::dfe::read_figures_csv(&kept)
        .map_err(|e| AppError::Internal(format!("the published figures kept: {e}")))?;
    let figures = sendtrack_domain::measures::reconcile::figures_for(&figures, year);
    let (rows, counts) = crate::blocking("(reconciliation)", move || {
        let benchmarks: Vec<_> = cw.benchmarks.iter().cloned().collect();
        let engine = sendtrack_domain::measures::engine::Engine::as_at(&cw, today);
        let rows = reconcile(&engine, &benchmarks, year)
            .into_iter()
            .map(|r| (r.measure, r.published, r.ours, r.difference()))
            .collect::<Vec<_>>();
        let counts: Vec<_> = sendtrack_domain::measures::reconcile::reconcile_figures(&engine, &figures)
            .into_iter()
            .map(|r| {
                let why = sendtrack_domain::measures::reconcile::explain(&cw, &r);
                (r, why)
            })
            .collect();
        (rows, counts)
    })
    .await?;
    let shown = |percent: bool, v: Option<f64>| {
        v.map_or_else(|| "–".to_string(), |v| if percent { format!("{v:.1}%") } else { format!("{v:.0}") })
    };
    Ok(Some(html! {
        h2 class="govuk-heading-m" id="reconciliation" { "Against what the DfE published for " (year) }
        p class="govuk-body" { "Each figure the DfE published for the authority (the comparators held), and sendtrack's from its records: a year's share pools the year's records, as the DfE counts them; a count is the year to date at December; a share's difference is in percentage points. The same from the command line: sendtrack sen2 reconcile." }
        div class="st-scroll st-scroll--sticky" tabindex="0" role="region" aria-label="sendtrack's figures against the DfE's" {
        (crate::govuk::table(
            (crate::govuk::Caption::Small, format!("Calendar year {year}")),
            &[
                crate::govuk::heading("Measure"),
                crate::govuk::numeric_heading("Published"),
                crate::govuk::numeric_heading("sendtrack"),
                crate::govuk::numeric_heading("Difference"),
            ],
            rows.iter().map(|(m, published, ours, difference)| {
                let percent = m.unit == sendtrack_domain::measures::Unit::Percent;
                let difference = difference.map(|d| if percent { format!("{d:+.1}") } else { format!("{d:+.0}") });
                vec![
                    crate::govuk::row_header(html! { a class="govuk-link" href=(format!("/measures/{}", m.id)) { (m.title) } }),
                    crate::govuk::number(shown(percent, Some(*published))),
                    crate::govuk::number(shown(percent, *ours)),
                    crate::govuk::number(difference.unwrap_or_else(|| "–".into())),
                ]
            }),
        ))
        }
        @if !counts.is_empty() {
            h3 class="govuk-heading-s" { "Counts by age band and need" }
            p class="govuk-body" { "Requests received and new plans in the calendar year, and plans in force on the census day, in total and by age band and primary need where the DfE publishes them. sendtrack's ages are at the request, at the plan's issue, or on the census day; its oldest band is 20 to 25, the DfE's group 20 and over." }
            div class="st-scroll st-scroll--sticky" tabindex="0" role="region" aria-label="Counts by age band and need" {
            (crate::govuk::table(
                (crate::govuk::Caption::Small, format!("{year} and the census day after it")),
                &[
                    crate::govuk::heading("Figure"),
                    crate::govuk::heading("For"),
                    crate::govuk::numeric_heading("Published"),
                    crate::govuk::numeric_heading("sendtrack"),
                    crate::govuk::numeric_heading("Difference"),
                ],
                counts.iter().map(|(r, why)| {
                    let f = &r.figure;
                    vec![
                        // What explains a difference, where the records can say, under the figure.
                        crate::govuk::row_header(html! {
                            (figure_words(f))
                            @if let Some(why) = why { br; span class="govuk-body-s govuk-!-font-weight-regular" { (why) } }
                        }),
                        crate::govuk::cell(f.on.to_string()),
                        crate::govuk::number(format!("{:.0}", f.value)),
                        crate::govuk::number(format!("{:.0}", r.ours)),
                        crate::govuk::number(format!("{:+.0}", r.difference())),
                    ]
                }),
            ))
            }
        }
    }))
}

/// A published figure in words: the measure, and the age band or need it is for.
fn figure_words(f: &sendtrack_domain::measures::reconcile::PublishedFigure) -> String {
    use sendtrack_domain::measures::Dimension;
    let title = f.measure.def().title;
    match &f.breakdown {
        None => title.to_string(),
        Some((Dimension::AgeBand, band)) => {
            let band = match band.as_str() {
                "under_5" => "under 5".to_string(),
                other => format!("aged {}", other.replace('_', " to ")),
            };
            format!("{title}, {band}")
        }
        Some((Dimension::PrimaryNeed, need)) => {
            let need = sendtrack_domain::codes::Need::parse(need).map_or("need not recorded", |n| n.label());
            format!("{title}: {need}")
        }
        Some((_, key)) => format!("{title}: {key}"),
    }
}

/// The largest upload accepted: a county's nine files.
pub const MAX_UPLOAD_BYTES: usize = 64 * 1024 * 1024;

pub async fn upload(State(state): State<Arc<AppState>>, SignedIn(user): SignedIn, mut form: Multipart) -> Answer {
    if !crate::auth::upload_token_matches(&mut form, &user).await {
        tracing::warn!("an upload without a valid CSRF token was refused");
        return Err(AppError::refused(super::csrf_refused()));
    }
    let year = current_year(&state);
    let dir = tempfile::tempdir()?;
    let mut saved = 0;
    let mut purpose = String::new();
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => {
                let message = format!("The upload could not be read: {e}");
                return Ok((StatusCode::BAD_REQUEST, sen2_page(&state, &user, year, None, Some(&message), None))
                    .into_response());
            }
        };
        if field.name() == Some("purpose") {
            purpose = field.text().await.unwrap_or_default();
            if purpose == "previous" && !may_compare(&user) {
                return Err(AppError::Forbidden);
            }
            continue;
        }
        if field.name() != Some("files") {
            continue;
        }
        // Only the file's own name, never a path.
        let name: String = field
            .file_name()
            .unwrap_or_default()
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or_default()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            .collect();
        if name.is_empty() || !name.to_lowercase().ends_with(".csv") {
            continue;
        }
        // Streamed to the file as it arrives; a body cut short is the sender's problem (400).
        let mut file = std::fs::File::create(dir.path().join(&name))?;
        let mut field = field;
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    file.write_all(&chunk)?;
                }
                Ok(None) => break,
                Err(e) => {
                    let message = format!(
                        "The upload was cut short or could not be read ({e}); choose the files and send them again"
                    );
                    return Ok((StatusCode::BAD_REQUEST, sen2_page(&state, &user, year, None, Some(&message), None))
                        .into_response());
                }
            }
        }
        saved += 1;
    }
    if saved == 0 {
        let message = "Choose the nine Blade-Export CSV files of the return";
        return Ok((StatusCode::BAD_REQUEST, sen2_page(&state, &user, year, None, Some(message), None)).into_response());
    }
    let (blade, files) = match read_blade(dir.path()) {
        Ok(found) => found,
        Err(e) => {
            let message = e.to_string().replace(&dir.path().display().to_string(), "the upload");
            return Ok(
                (StatusCode::BAD_REQUEST, sen2_page(&state, &user, year, None, Some(&message), None)).into_response()
            );
        }
    };
    if purpose == "previous" {
        return compared(&state, &user, blade).await;
    }
    let failures = check(&blade, state.today(), None);
    state.audit().record(&user, "check an uploaded SEN2 return", None).await?;
    let outcome = results(&failures, &files, "the uploaded export");
    Ok(sen2_page(&state, &user, year, Some(outcome), None, None).into_response())
}

/// Last year's return (uploaded) against the return sendtrack would send for the year after.
async fn compared(state: &AppState, user: &crate::auth::Session, before: sendtrack_domain::sen2::Blade) -> Answer {
    let census = before.census_day(None);
    let next = census.map(|c| c.year() + 1).filter(|y| years().contains(y));
    let (Some(census), Some(next)) = (census, next) else {
        let message =
            "The return has no census day sendtrack knows the next collection of (its sen2 file's referencedate)";
        return Ok((StatusCode::BAD_REQUEST, sen2_page(state, user, current_year(state), None, Some(message), None))
            .into_response());
    };
    let dir = returned(state, next).await?;
    let (now, _) = read_blade(dir.path())?;
    let cw = state.casework().await?;
    let changes = crate::blocking("(comparing returns)", move || {
        let activity = jiff::civil::date(next - 1, 1, 1);
        sendtrack_domain::sen2_years::compare_returns(&before, &now, &cw, census, activity)
    })
    .await?;
    state.audit().record(user, &format!("compare an uploaded SEN2 return with the {next} return"), None).await?;
    let unexplained = changes.iter().filter(|c| !c.explained).count();
    let outcome = html! {
        h2 class="govuk-heading-m" id="results" { "Results: last year's return against the " (next) " return" }
        p class="govuk-body" { (changes.len()) " changes; " (unexplained) " not explained by sendtrack's records. People are named by their id in last year's return, and by their child id where sendtrack holds them." }
        @if !changes.is_empty() {
            div class="st-scroll" tabindex="0" role="region" aria-label="What changed since last year's return" {
                (table(
                    (Caption::Small, format!("Census day {census} to the {next} return")),
                    &["Person", "Line", "Change", "Child", "Explained", "Why"].map(heading),
                    changes.iter().take(2000).map(|c| {
                        vec![
                            cell(c.person.as_str()),
                            cell(c.line),
                            cell(c.change.words()),
                            cell(c.child_id.as_deref().unwrap_or("–")),
                            cell(if c.explained { "Yes" } else { "No" }),
                            cell(c.explanation.as_str()),
                        ]
                    }),
                ))
            }
        }
    };
    Ok(sen2_page(state, user, current_year(state), Some(outcome), None, None).into_response())
}

/// The files of a folder, zipped, in name order.
fn zip_folder(dir: &std::path::Path) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    let mut names: Vec<_> = std::fs::read_dir(dir)?.filter_map(|e| e.ok().map(|e| e.path())).collect();
    names.sort();
    for path in names {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        zip.start_file(name, options)?;
        zip.write_all(&std::fs::read(&path)?)?;
    }
    Ok(zip.finish()?.into_inner())
}

pub async fn download(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Query(which): Query<Year>,
) -> Answer {
    let year = which.year.unwrap_or_else(|| current_year(&state));
    if !years().contains(&year) {
        return Err(AppError::NotFound);
    }
    let dir = returned(&state, year).await?;
    let zipped = zip_folder(dir.path()).map_err(|e| e.to_string());
    let bytes = zipped?;
    state.audit().record(&user, &format!("download SEN2 return {year}"), None).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/zip".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"sen2-return-{year}.zip\"")),
        ],
        bytes,
    )
        .into_response())
}
