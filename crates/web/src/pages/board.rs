//! The rest of the board paper in the web app (issue 22): supplied indicators and partners'
//! values loaded from their files; the improvement plan's tracker, each strand's page and its
//! rating; quality audits by team and section; and the month's commentary by section of the
//! pack, saved as a draft and signed off by a manager, with the figures as they stood.

use crate::AppState;
use crate::auth::{Session, SignedIn};
use crate::error::{Answer, AppError};
use crate::govuk::{
    Caption, Colour, cell, error_summary, heading, number, numeric_heading, row_header, success_banner, table, tag,
};
use crate::layout::{csrf_field, page};
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use maud::{Markup, html};
use sendtrack_domain::access::Role;
use sendtrack_domain::board::{StrandView, tracker};
use sendtrack_domain::codes::Rag;
use sendtrack_domain::dates::{Month, in_words};
use sendtrack_domain::measures::{Dimension, MeasureId};
use sendtrack_domain::records::{Casework, Commentary, MilestoneState, SignedFigure, StrandRating};
use sendtrack_domain::validation::RecordFile;
use sendtrack_report::paper::{PackSection, Paper, changed_text, indicator_text, milestone_summary, paper, sections};
use std::sync::Arc;

/// The largest file of a partner's values taken (5 MB: years of monthly figures).
const MOST_BYTES: u64 = 5 * 1024 * 1024;

#[derive(serde::Deserialize, Default)]
pub struct Shown {
    saved: Option<String>,
    loaded: Option<usize>,
    month: Option<String>,
}

fn may_load(user: &Session) -> bool {
    matches!(user.role, Role::Manager | Role::Analyst)
}

fn rag_tag(rag: Option<Rag>) -> Markup {
    match rag {
        Some(Rag::Red) => tag("Red", Colour::Red),
        Some(Rag::Amber) => tag("Amber", Colour::Orange),
        Some(Rag::Green) => tag("Green", Colour::Green),
        None => tag("Not rated", Colour::Grey),
    }
}

/// The month a page is for: the one asked for, else the last complete month.
fn month_of(state: &AppState, asked: Option<&str>) -> Month {
    asked
        .and_then(|m| m.parse::<Month>().ok())
        .filter(|m| *m <= Month::containing(state.today()))
        .unwrap_or_else(|| sendtrack_domain::dates::last_complete_month(state.today()))
}

/// `GET /board`: where the month's board paper is put together.
pub async fn hub(State(state): State<Arc<AppState>>, SignedIn(user): SignedIn) -> Answer {
    let month = month_of(&state, None);
    let links: Vec<(&str, &str, &str)> = [
        (may_load(&user), "/board/commentary", "Commentary and sign-off", "Write the month's commentary on each section of the pack; a manager signs each section off."),
        (true, "/indicators", "Supplied indicators", "Figures partners and surveys supply: CAMHS, therapies, adult social care, the school census, parents' and young people's surveys."),
        (true, "/improvement", "Improvement plan", "Strands with their RAG rating and its history, milestones, actions from board meetings and the KPIs that evidence them."),
        (true, "/plan-quality", "Quality audits", "Audits of plans and advice against the authority's framework, by team and by section, and moderation."),
    ]
    .into_iter()
    .filter(|(shown, ..)| *shown)
    .map(|(_, href, title, what)| (href, title, what))
    .collect();
    let pack = user.role != Role::Viewer;
    Ok(page(
        "Board paper",
        &state.authority,
        Some(&user),
        html! {
            h1 class="govuk-heading-l" { "Board paper" }
            p class="govuk-body" { "Everything the monthly SEND board report holds beyond the measures sendtrack computes, kept here so the pack is not put together by hand." }
            ul class="govuk-list" {
                @for (href, title, what) in &links {
                    li { h2 class="govuk-heading-s govuk-!-margin-bottom-1" { a class="govuk-link" href=(href) { (title) } } p class="govuk-body" { (what) } }
                }
            }
            @if pack {
                a class="govuk-button" data-module="govuk-button" href=(format!("/reports/board?month={month}")) { "Open the board report for " (month.long_name()) }
            }
        },
    )
    .into_response())
}

fn indicators_page(state: &AppState, user: &Session, cw: &Casework, shown: &Shown, problems: &[String]) -> Markup {
    let month = month_of(state, None);
    let months: Vec<Month> = month.plus(-12).through(Month::containing(state.today())).collect();
    let lines = sendtrack_domain::board::supplied(cw, &months);
    let banner = match (&shown.saved, shown.loaded) {
        (_, Some(n)) => Some(format!("Loaded {n} value{} of supplied indicators.", if n == 1 { "" } else { "s" })),
        (Some(id), _) => Some(format!("Saved the indicator {id}.")),
        _ => None,
    };
    let errors: Vec<(String, String)> = problems.iter().map(|p| ("values-file".to_string(), p.clone())).collect();
    let error_refs: Vec<(&str, &str)> = errors.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let rows = lines.iter().map(|l| {
        let unit = l.indicator.unit;
        let title = if may_load(user) {
            html! { a class="govuk-link" href=(format!("/indicators/{}", l.indicator.indicator_id)) { (l.indicator.title) } }
        } else {
            html! { (l.indicator.title) }
        };
        vec![
            row_header(title),
            number(html! { span class="st-nowrap" { (indicator_text(unit, l.shown())) } @if let Some(v) = l.latest { br; span class="govuk-body-s st-nowrap" { (v.period.short_name()) } } @if l.overdue { br; (tag("Not received", Colour::Red)) } }),
            cell(match l.trend { Some((arrow, verdict)) => html! { span class=(format!("st-{}", verdict.code())) { (arrow.symbol()) " " (arrow.code()) } }, None => html! { "–" } }),
            number(match l.target { Some(t) => html! { span class="st-nowrap" { (indicator_text(unit, Some(t.target))) } br; span class="govuk-body-s" { @match t.met { Some(true) => "met", Some(false) => "not met", None => "" } } }, None => html! { "–" } }),
            cell(html! {
                (l.provenance())
                @if let Some(flag) = l.overdue_flag() { br; (tag(flag, Colour::Red)) }
                @if l.too_few { br; (tag(format!("Too few responses to report (fewer than {})", l.indicator.minimum_responses.unwrap_or_default()), Colour::Orange)) }
            }),
        ]
    });
    let head = [
        heading("Indicator"),
        numeric_heading("Latest"),
        heading("Against the period before"),
        numeric_heading("Target"),
        heading("Supplied"),
    ];
    html! {
        @if !problems.is_empty() { (error_summary(&error_refs)) }
        @if let Some(b) = banner { (success_banner(&b)) }
        h1 class="govuk-heading-l" { "Supplied indicators" }
        p class="govuk-body" { "Figures that partners and surveys supply rather than records sendtrack holds. Each shows who supplied it and when; one whose next value is a whole period late is flagged as not received." }
        div class="st-scroll st-scroll--wrap" tabindex="0" role="region" aria-label="Supplied indicators" {
            (table((Caption::Hidden, "Supplied indicators"), &head, rows))
        }
        @if may_load(user) {
            h2 class="govuk-heading-m" { "Load a partner's values" }
            p class="govuk-body" { "A CSV file laid out as the interchange format's " code { "indicator_values.csv" } ", with the columns " @for (k, c) in ["indicator_id", "period", "value", "numerator", "denominator", "received_on", "note", "responses"].iter().enumerate() { @if k > 0 { ", " } code { (c) } } " (the last four may be left out; responses are for a survey). A value for a period already held is replaced. Nothing is loaded if any row has a problem." }
            form method="post" action="/indicators/values" enctype="multipart/form-data" novalidate {
                (csrf_field(user))
                div class=(if problems.is_empty() { "govuk-form-group" } else { "govuk-form-group govuk-form-group--error" }) {
                    label class="govuk-label" for="values-file" { "The file of values" }
                    @if !problems.is_empty() { p id="values-file-error" class="govuk-error-message" { span class="govuk-visually-hidden" { "Error:" } " The file was not loaded: see the problems above." } }
                    input class="govuk-file-upload" id="values-file" name="file" type="file" accept=".csv,text/csv";
                }
                button class="govuk-button" data-module="govuk-button" { "Load the values" }
            }
            p class="govuk-body" { a class="govuk-link" href="/indicators/new" { "Define a new indicator" } }
        }
    }
}

/// `GET /indicators`.
pub async fn indicators(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Query(shown): Query<Shown>,
) -> Answer {
    let cw = state.casework().await?;
    Ok(page("Supplied indicators", &state.authority, Some(&user), indicators_page(&state, &user, &cw, &shown, &[]))
        .into_response())
}

/// `POST /indicators/values`: a partner's file of values, checked whole, loaded all or nothing.
pub async fn load_values(State(state): State<Arc<AppState>>, SignedIn(user): SignedIn, mut form: Multipart) -> Answer {
    if !crate::auth::upload_token_matches(&mut form, &user).await {
        tracing::warn!("an upload without a valid CSRF token was refused");
        return Err(AppError::refused(super::csrf_refused()));
    }
    let mut content = Vec::new();
    let mut problems = Vec::new();
    loop {
        match form.next_field().await {
            Ok(Some(mut field)) if field.name() == Some("file") => {
                match super::casefile::read_file(&mut field, MOST_BYTES).await {
                    Ok(read) => content = read,
                    Err(_) => problems.push(format!(
                        "The file is larger than {} MB or was cut short; send it again.",
                        MOST_BYTES / 1024 / 1024
                    )),
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) => {
                problems.push(format!("The upload could not be read ({e}); choose the file and send it again."));
                break;
            }
        }
    }
    if content.is_empty() && problems.is_empty() {
        problems.push("Choose a CSV file of values to load.".into());
    }
    let cw = state.casework().await?;
    let today = state.today();
    let read = if problems.is_empty() {
        let read = sendtrack_interchange::read::read_one_file(RecordFile::IndicatorValues, &content);
        problems.extend(
            sendtrack_interchange::read::check_casework(&read, &cw, today).iter().take(20).map(ToString::to_string),
        );
        Some(read)
    } else {
        None
    };
    let Some(read) = read.filter(|_| problems.is_empty()) else {
        let shown = Shown::default();
        let body = indicators_page(&state, &user, &cw, &shown, &problems);
        return Ok((StatusCode::BAD_REQUEST, page("Error: Supplied indicators", &state.authority, Some(&user), body))
            .into_response());
    };
    let n = read.casework.indicator_values.len();
    let event = state.event(&user, &format!("load {n} values of supplied indicators"), None);
    state.write_rows(&read.casework, &event).await?;
    Ok(Redirect::to(&format!("/indicators?loaded={n}")).into_response())
}

/// `GET /improvement`: the tracker.
pub async fn improvement(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Query(shown): Query<Shown>,
) -> Answer {
    let cw = state.casework().await?;
    let today = state.today();
    let strands = tracker(&cw, today);
    let manager = user.role == Role::Manager;
    let rows = strands.iter().map(|s| {
        let (suggested, why) = s.suggested();
        vec![
            row_header(html! { a class="govuk-link" href=(format!("/improvement/{}", s.strand.strand_id)) { (s.strand.title) } br; span class="govuk-body-s" { (s.strand.owner) } }),
            cell(html! { (rag_tag(s.current().map(|r| r.rag))) @if let Some(m) = s.movement() { br; span class="govuk-body-s" { (m) } } }),
            cell(milestone_summary(s)),
            number(s.actions.iter().filter(|a| a.status == sendtrack_domain::codes::ActionStatus::Open).count()),
            cell(html! { (suggested.label()) ": " (why) }),
        ]
    });
    let head = [
        heading("Strand"),
        heading("RAG"),
        heading("Milestones"),
        numeric_heading("Open actions"),
        heading("The milestones suggest"),
    ];
    Ok(page(
        "Improvement plan",
        &state.authority,
        Some(&user),
        html! {
            @if let Some(id) = &shown.saved { (success_banner(&format!("Saved {id}."))) }
            h1 class="govuk-heading-l" { "Improvement plan" }
            p class="govuk-body" { "Each strand's RAG rating is the board's judgement, with its reason; the milestones' own state is shown beside it." }
            div class="st-scroll st-scroll--wrap" tabindex="0" role="region" aria-label="Improvement plan tracker" {
                (table((Caption::Hidden, "Improvement plan tracker"), &head, rows))
            }
            @if manager {
                p class="govuk-body" {
                    a class="govuk-link" href="/improvement/strands/new" { "Add a strand" } " · "
                    a class="govuk-link" href="/improvement/milestones/new" { "Add a milestone" } " · "
                    a class="govuk-link" href="/improvement/actions/new" { "Record an action from a board meeting" }
                }
            }
        },
    )
    .into_response())
}

fn strand_page(
    state: &AppState,
    user: &Session,
    s: &StrandView,
    card: &sendtrack_domain::measures::scorecard::Scorecard,
    p: &Paper,
    saved: Option<&str>,
    error: Option<&str>,
) -> Markup {
    let manager = user.role == Role::Manager;
    let today = state.today();
    let (suggested, why) = s.suggested();
    let milestone_rows = s.milestones.iter().map(|(m, st)| {
        let colour = match st {
            MilestoneState::Done { late: false } => Colour::Green,
            MilestoneState::Done { late: true } | MilestoneState::Slipped => Colour::Orange,
            MilestoneState::Overdue => Colour::Red,
            MilestoneState::OnTrack => Colour::Blue,
        };
        vec![
            row_header(html! {
                @if manager { a class="govuk-link" href=(format!("/improvement/milestones/{}", m.milestone_id)) { (m.title) span class="govuk-visually-hidden" { ", change" } } } @else { (m.title) }
                @if let Some(why) = &m.slip_reason { br; span class="govuk-body-s" { "Slipped: " (why) } }
            }),
            cell(html! { (in_words(m.due_on)) @if let Some(r) = m.revised_due_on { br; span class="govuk-body-s" { "now " (in_words(r)) } } }),
            cell(html! { (tag(st.label(), colour)) @if let Some(done) = m.done_on { br; span class="govuk-body-s" { (in_words(done)) } } }),
        ]
    });
    let action_rows = s.actions.iter().map(|a| {
        vec![
            row_header(html! {
                @if manager { a class="govuk-link" href=(format!("/improvement/actions/{}", a.action_id)) { (a.action) span class="govuk-visually-hidden" { ", change" } } } @else { (a.action) }
                br; span class="govuk-body-s" { "Agreed " (in_words(a.raised_on)) "; " (a.owner) }
            }),
            cell(in_words(a.due_on)),
            cell(match a.status {
                sendtrack_domain::codes::ActionStatus::Open if a.due_on < today => tag("Overdue", Colour::Red),
                sendtrack_domain::codes::ActionStatus::Open => tag("Open", Colour::Blue),
                sendtrack_domain::codes::ActionStatus::Done => tag("Done", Colour::Green),
                sendtrack_domain::codes::ActionStatus::Dropped => tag("Dropped", Colour::Grey),
            }),
        ]
    });
    let kpi_rows = s.kpis.iter().map(|k| {
        let now = p.kpi_now(card, &k.measure);
        let unit = now.map_or(sendtrack_domain::measures::Unit::Count, |(_, u)| u);
        let href = if sendtrack_domain::measures::find(&k.measure).is_some() { format!("/measures/{}", k.measure) } else { "/indicators".to_string() };
        vec![
            row_header(html! { a class="govuk-link" href=(href) { (p.kpi_title(&k.measure)) } }),
            number(html! { (sendtrack_report::charts::label(unit, k.baseline)) br; span class="govuk-body-s" { (k.baseline_period.short_name()) } }),
            number(now.map_or("–".into(), |(v, u)| sendtrack_report::charts::label(u, v))),
            number(html! { (sendtrack_report::charts::label(unit, k.target)) br; span class="govuk-body-s" { "by " (in_words(k.due_on)) } }),
        ]
    });
    let history = s.ratings.iter().rev().map(|r| {
        vec![
            row_header(in_words(r.rated_on)),
            cell(rag_tag(Some(r.rag))),
            cell(r.reason.as_str()),
            cell(r.rated_by.as_deref().unwrap_or("–")),
        ]
    });
    let id = &s.strand.strand_id;
    html! {
        @if let Some(e) = error { (error_summary(&[("reason", e)])) }
        @if let Some(saved) = saved { (success_banner(saved)) }
        span class="govuk-caption-l" { "Improvement plan" }
        h1 class="govuk-heading-l" { (s.strand.title) }
        dl class="govuk-summary-list" {
            div class="govuk-summary-list__row" { dt class="govuk-summary-list__key" { "Owner" } dd class="govuk-summary-list__value" { (s.strand.owner) } }
            div class="govuk-summary-list__row" { dt class="govuk-summary-list__key" { "RAG rating" } dd class="govuk-summary-list__value" { (rag_tag(s.current().map(|r| r.rag))) @if let Some(m) = s.movement() { p class="govuk-body-s govuk-!-margin-top-1 govuk-!-margin-bottom-0" { (m) } } } }
            div class="govuk-summary-list__row" { dt class="govuk-summary-list__key" { "The milestones suggest" } dd class="govuk-summary-list__value" { (suggested.label()) ": " (why) } }
        }
        h2 class="govuk-heading-m" { "Milestones" }
        div class="st-scroll st-scroll--wrap" tabindex="0" role="region" aria-label="Milestones" {
            (table((Caption::Hidden, "Milestones"), &[heading("Milestone"), heading("Due"), heading("State")], milestone_rows))
        }
        h2 class="govuk-heading-m" { "Actions from board meetings" }
        div class="st-scroll st-scroll--wrap" tabindex="0" role="region" aria-label="Actions" {
            (table((Caption::Hidden, "Actions from board meetings"), &[heading("Action"), heading("Due"), heading("Status")], action_rows))
        }
        h2 class="govuk-heading-m" { "KPIs that evidence the strand" }
        div class="st-scroll st-scroll--wrap" tabindex="0" role="region" aria-label="KPIs" {
            (table((Caption::Hidden, "KPIs"), &[heading("KPI"), numeric_heading("Baseline"), numeric_heading("Now"), numeric_heading("Target")], kpi_rows))
        }
        h2 class="govuk-heading-m" { "RAG history" }
        div class="st-scroll st-scroll--wrap" tabindex="0" role="region" aria-label="RAG history" {
            (table((Caption::Hidden, "RAG history"), &[heading("Rated on"), heading("RAG"), heading("Why"), heading("By")], history))
        }
        @if manager {
            h2 class="govuk-heading-m" { "Rate this strand" }
            form method="post" action=(format!("/improvement/{id}")) novalidate {
                (csrf_field(user))
                div class="govuk-form-group" {
                    fieldset class="govuk-fieldset" {
                        legend class="govuk-fieldset__legend govuk-fieldset__legend--s" { "RAG rating from today" }
                        div class="govuk-radios govuk-radios--inline" data-module="govuk-radios" {
                            @for (k, rag) in Rag::ALL.iter().enumerate() {
                                div class="govuk-radios__item" {
                                    input class="govuk-radios__input" id=(if k == 0 { "rag".to_string() } else { format!("rag-{k}") }) name="rag" type="radio" value=(rag.code()) checked[Some(*rag) == s.current().map(|r| r.rag)];
                                    label class="govuk-label govuk-radios__label" for=(if k == 0 { "rag".to_string() } else { format!("rag-{k}") }) { (rag.label()) }
                                }
                            }
                        }
                    }
                }
                div class=(if error.is_some() { "govuk-form-group govuk-form-group--error" } else { "govuk-form-group" }) {
                    label class="govuk-label" for="reason" { "Why" }
                    div id="reason-hint" class="govuk-hint" { "For example: moved to amber because milestones slipped" }
                    @if let Some(e) = error { p id="reason-error" class="govuk-error-message" { span class="govuk-visually-hidden" { "Error:" } " " (e) } }
                    textarea class="govuk-textarea" id="reason" name="reason" rows="3" aria-describedby="reason-hint" {}
                }
                button class="govuk-button" data-module="govuk-button" { "Save the rating" }
            }
        }
        p class="govuk-body" { a class="govuk-link" href="/improvement" { "Back to the improvement plan" } }
    }
}

async fn strand_answer(
    state: &AppState,
    user: &Session,
    strand: &str,
    saved: Option<&str>,
    error: Option<&str>,
) -> Answer {
    let cw = state.casework().await?;
    let strands = tracker(&cw, state.today());
    let Some(s) = strands.iter().find(|s| s.strand.strand_id == strand) else { return Err(AppError::NotFound) };
    let month = month_of(state, None);
    let card = state.scorecard(month.plus(-12), month).await?;
    let p = paper(&cw, &card);
    let body = strand_page(state, user, s, &card, &p, saved, error);
    let status = if error.is_some() { StatusCode::BAD_REQUEST } else { StatusCode::OK };
    let title = if error.is_some() { format!("Error: {}", s.strand.title) } else { s.strand.title.clone() };
    Ok((status, page(&title, &state.authority, Some(user), body)).into_response())
}

/// `GET /improvement/{strand}`.
pub async fn strand(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Path(strand): Path<String>,
    Query(shown): Query<Shown>,
) -> Answer {
    let saved = shown.saved.map(|id| format!("Saved {id}."));
    strand_answer(&state, &user, &strand, saved.as_deref(), None).await
}

/// `POST /improvement/{strand}`: the strand rated from today, with the reason.
pub async fn rate(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Path(strand): Path<String>,
    Form(values): Form<Vec<(String, String)>>,
) -> Answer {
    let cw = state.casework().await?;
    if !cw.strands.iter().any(|s| s.strand_id == strand) {
        return Err(AppError::NotFound);
    }
    let field =
        |name: &str| values.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim().to_string()).unwrap_or_default();
    let Ok(rag) = Rag::parse(&field("rag")) else {
        return strand_answer(&state, &user, &strand, None, Some("Choose red, amber or green")).await;
    };
    let reason = field("reason");
    if reason.is_empty() {
        return strand_answer(&state, &user, &strand, None, Some("Say why the strand has this rating")).await;
    }
    let mut update = Casework::default();
    update.strand_ratings.push_back(StrandRating {
        strand_id: strand.clone(),
        rated_on: state.today(),
        rag,
        reason,
        rated_by: Some(user.email.clone()),
    });
    let event = state.event(&user, &format!("rate strand {strand} {}", rag.code()), None);
    state.write_rows(&update, &event).await?;
    let query = serde_urlencoded::to_string([("saved", "the rating")]).unwrap_or_default();
    Ok(Redirect::to(&format!("/improvement/{strand}?{query}")).into_response())
}

/// `GET /plan-quality`: quality audits of the month by team and by section of the framework.
pub async fn audits(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Query(shown): Query<Shown>,
) -> Answer {
    let month = month_of(&state, shown.month.as_deref());
    let card = state.scorecard(month.plus(-12), month).await?;
    let cw = state.casework().await?;
    let p = paper(&cw, &card);
    let line = |id: MeasureId| card.lines.iter().find(|l| l.measure.measure == id);
    let value = |id: MeasureId| {
        line(id)
            .and_then(|l| l.latest())
            .and_then(|c| c.value.headline)
            .map_or("–".into(), |v| sendtrack_report::charts::label(id.def().unit, v))
    };
    let headline_rows = [MeasureId::PlansAudited, MeasureId::AuditsMeetingStandardPct, MeasureId::AuditsModeratedAgreementPct].map(|id| {
        let target = line(id).and_then(|l| l.target).map_or("–".to_string(), |t| format!("{}{}", sendtrack_report::charts::label(id.def().unit, t.target), match t.met { Some(true) => ", met", Some(false) => ", not met", None => "" }));
        vec![row_header(html! { a class="govuk-link" href=(format!("/measures/{}?month={month}", id.code())) { (id.def().title) } }), number(html! { span class="st-nowrap" { (value(id)) } }), number(html! { span class="st-nowrap" { (target) } })]
    });
    let team_rows: Vec<Vec<crate::govuk::Cell>> = line(MeasureId::AuditsMeetingStandardPct)
        .and_then(|l| l.latest())
        .map(|c| {
            c.value
                .breakdowns
                .iter()
                .filter(|(d, _, _)| *d == Dimension::Team)
                .map(|(_, k, v)| {
                    vec![
                        row_header(k.as_str()),
                        number(v.map_or("–".into(), |v| {
                            sendtrack_report::charts::label(sendtrack_domain::measures::Unit::Percent, v)
                        })),
                    ]
                })
                .collect()
        })
        .unwrap_or_default();
    let section_rows = p.audit_sections.iter().map(|s| {
        vec![
            row_header(s.section.as_str()),
            number(s.audits),
            number(s.pct().map_or("–".into(), |v| {
                sendtrack_report::charts::label(sendtrack_domain::measures::Unit::Percent, v)
            })),
        ]
    });
    let grade_rows = p.audit_grades.iter().map(|(g, n)| vec![row_header(g.label()), number(n)]);
    let manager = user.role == Role::Manager;
    let name_of = |id: &str| cw.staff.iter().find(|m| m.staff_id == id).map_or(id.to_string(), |m| m.name.clone());
    let mut of_month: Vec<&sendtrack_domain::records::QualityAudit> = cw
        .quality_audits
        .iter()
        .filter(|a| month.contains(a.audited_on) || a.moderated_on.is_some_and(|d| month.contains(d)))
        .collect();
    of_month.sort_by_key(|a| (a.audited_on, a.audit_id.clone()));
    let audit_rows = of_month.iter().map(|a| {
        vec![
            row_header(html! { @if manager { a class="govuk-link" href=(format!("/plan-quality/{}", a.audit_id)) { (a.audit_id) span class="govuk-visually-hidden" { ", change or moderate" } } } @else { (a.audit_id) } }),
            cell(html! { (a.subject.label()) " " (a.subject_id) br; span class="govuk-body-s" { "Child " (a.child_id) } }),
            cell(html! { (name_of(&a.auditor)) br; span class="govuk-body-s" { (in_words(a.audited_on)) } }),
            cell(a.grade.label()),
            cell(match (&a.moderator, a.moderated_grade) { (Some(m), Some(g)) => html! { (g.label()) br; span class="govuk-body-s" { "by " (name_of(m)) } }, _ => html! { "Not moderated" } }),
        ]
    });
    Ok(page(
        "Quality audits",
        &state.authority,
        Some(&user),
        html! {
            @if let Some(id) = &shown.saved { (success_banner(&format!("Saved the audit {id}."))) }
            h1 class="govuk-heading-l" { "Quality audits, " (month.long_name()) }
            p class="govuk-body" { "Audits of EHC plans and advice against the framework, recorded on each child's record by the auditor. A grade meets the standard when it is good or outstanding; a moderator's grade stands once given." }
            (table((Caption::Medium, "This month"), &[heading("Measure"), numeric_heading("Value"), numeric_heading("Target")], headline_rows))
            @if !team_rows.is_empty() { (table((Caption::Medium, "Meeting the standard, by team"), &[heading("Team"), numeric_heading("Meeting the standard")], team_rows)) }
            (table((Caption::Medium, "By section of the framework"), &[heading("Section"), numeric_heading("Audits"), numeric_heading("Meeting the standard")], section_rows))
            (table((Caption::Medium, "Grades over the last 12 months"), &[heading("Grade"), numeric_heading("Audits")], grade_rows))
            h2 class="govuk-heading-m" { "Audits and moderations in " (month.long_name()) }
            @if manager { p class="govuk-body" { a class="govuk-link" href="/plan-quality/new" { "Record a quality audit" } } }
            div class="st-scroll st-scroll--wrap" tabindex="0" role="region" aria-label="Audits of the month" {
                (table((Caption::Hidden, "Audits of the month"), &[heading("Audit"), heading("Of"), heading("Auditor"), heading("Grade"), heading("Moderation")], audit_rows))
            }
        },
    )
    .into_response())
}

fn commentary_page(
    user: &Session,
    month: Month,
    secs: &[PackSection],
    p: &Paper,
    saved: Option<&str>,
    error: Option<(&str, &str)>,
) -> Markup {
    let manager = user.role == Role::Manager;
    html! {
        @if let Some((section, message)) = error { (error_summary(&[(&format!("text-{section}"), message)])) }
        @if let Some(s) = saved { (success_banner(s)) }
        h1 class="govuk-heading-l" { "Commentary and sign-off, " (month.long_name()) }
        p class="govuk-body" { "Write what each section of the board report says this month. A manager reads it against the figures and signs it off; the report shows who signed each section off and when, and any figure a late record changes afterwards." }
        form method="get" action="/board/commentary" class="govuk-!-margin-bottom-6" {
            div class="govuk-form-group" {
                label class="govuk-label" for="month" { "Month (YYYY-MM)" }
                input class="govuk-input govuk-input--width-10" id="month" name="month" type="text" value=(month.to_string()) spellcheck="false";
            }
            button class="govuk-button govuk-button--secondary" data-module="govuk-button" { "Show the month" }
        }
        @let signed_count = secs.iter().filter(|s| p.commentary_on(&s.id).is_some_and(|c| c.signed_off_on.is_some())).count();
        @let drafts = secs.iter().filter(|s| p.commentary_on(&s.id).is_some_and(|c| c.signed_off_on.is_none())).count();
        p class="govuk-body" { strong { (signed_count) " of " (secs.len()) " sections signed off" } @if drafts > 0 { ", " (drafts) " in draft" } ". " a class="govuk-link" href=(format!("/reports/board?month={month}")) { "Open the board report for " (month.long_name()) } }
        @if manager { p class="govuk-body" { "A section can be signed off once its commentary is saved." } }
        @for s in secs {
            @let c = p.commentary_on(&s.id);
            @let changed = p.changed(s);
            @let signed = c.and_then(|c| Some((c.signed_off_by.as_deref()?, c.signed_off_on?)));
            div class="govuk-summary-card" id=(format!("section-{}", s.id)) {
                div class="govuk-summary-card__title-wrapper" {
                    h2 class="govuk-summary-card__title" { (s.title) }
                    div {
                        @match (c, signed) {
                            (_, Some((by, on))) => { (tag(format!("Signed off by {by} on {}", in_words(on)), Colour::Green)) }
                            (Some(_), None) => { (tag("Draft", Colour::Yellow)) }
                            (None, _) => { (tag("No commentary", Colour::Grey)) }
                        }
                    }
                }
                div class="govuk-summary-card__content" {
                    @if !changed.is_empty() {
                        div class="govuk-warning-text" {
                            span class="govuk-warning-text__icon" aria-hidden="true" { "!" }
                            strong class="govuk-warning-text__text" {
                                span class="govuk-visually-hidden" { "Warning" }
                                "Changed after sign-off: " @for (k, ch) in changed.iter().enumerate() { @if k > 0 { "; " } (changed_text(ch)) }
                            }
                        }
                    }
                    @if !s.figures.is_empty() {
                        details class="govuk-details" {
                            summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "The section's figures (" (s.figures.len()) ")" } }
                            div class="govuk-details__text" {
                                ul class="govuk-list" { @for (label, v) in &s.figures { li { (label) ": " (v.map_or("–".to_string(), |v| format!("{}", (v * 10.0).round() / 10.0))) } } }
                            }
                        }
                    }
                    form method="post" action="/board/commentary" novalidate {
                        (csrf_field(user))
                        input type="hidden" name="month" value=(month.to_string());
                        input type="hidden" name="section" value=(s.id);
                        @let err = error.filter(|(sec, _)| *sec == s.id).map(|(_, m)| m);
                        div class=(if err.is_some() { "govuk-form-group govuk-form-group--error" } else { "govuk-form-group" }) {
                            label class="govuk-label govuk-label--s" for=(format!("text-{}", s.id)) { "Commentary on " (s.title) }
                            @if let Some(e) = err { p id=(format!("text-{}-error", s.id)) class="govuk-error-message" { span class="govuk-visually-hidden" { "Error:" } " " (e) } }
                            textarea class="govuk-textarea" id=(format!("text-{}", s.id)) name="text" rows="4" { (c.map_or("", |c| c.text.as_str())) }
                        }
                        div class="govuk-button-group" {
                            button class="govuk-button govuk-button--secondary" data-module="govuk-button" name="do" value="save" { "Save as draft" span class="govuk-visually-hidden" { ": " (s.title) } }
                            @if manager && c.is_some() {
                                button class="govuk-button" data-module="govuk-button" name="do" value="sign-off" formaction="/board/commentary/sign-off" { "Sign off" span class="govuk-visually-hidden" { ": " (s.title) } }
                            }
                        }
                    }
                    @if let Some(c) = c { p class="govuk-body-s" { "Last written by " (c.written_by) " on " (in_words(c.written_on)) "." } }
                }
            }
        }
        @if !manager { p class="govuk-body" { "A manager signs each section off." } }
    }
}

async fn commentary_answer(
    state: &AppState,
    user: &Session,
    month: Month,
    saved: Option<&str>,
    error: Option<(&str, &str)>,
) -> Answer {
    if let Some(refused) = super::reports::not_begun(state, user, month) {
        return Ok(refused);
    }
    let card = state.scorecard(month.plus(-12), month).await?;
    let cw = state.casework().await?;
    let p = paper(&cw, &card);
    let secs = sections(&card, &p);
    let body = commentary_page(user, month, &secs, &p, saved, error);
    let status = if error.is_some() { StatusCode::BAD_REQUEST } else { StatusCode::OK };
    let title = format!("{}Commentary and sign-off", if error.is_some() { "Error: " } else { "" });
    Ok((status, page(&title, &state.authority, Some(user), body)).into_response())
}

/// `GET /board/commentary`.
pub async fn commentary(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Query(shown): Query<Shown>,
) -> Answer {
    let month = shown.month.as_deref().and_then(|m| m.parse::<Month>().ok()).unwrap_or_else(|| month_of(&state, None));
    let saved = shown.saved.map(|s| format!("Saved the commentary on {s}."));
    commentary_answer(&state, &user, month, saved.as_deref(), None).await
}

/// The month and section a commentary form is about, both checked.
async fn posted_section(
    state: &AppState,
    values: &[(String, String)],
) -> Result<(Month, PackSection, Arc<Casework>), AppError> {
    let field = |name: &str| values.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or_default();
    let month = field("month").parse::<Month>().map_err(|_| AppError::NotFound)?;
    sendtrack_domain::dates::month_begun(month, state.today()).map_err(|_| AppError::NotFound)?;
    let card = state.scorecard(month.plus(-12), month).await?;
    let cw = state.casework().await?;
    let p = paper(&cw, &card);
    let section = sections(&card, &p).into_iter().find(|s| s.id == field("section")).ok_or(AppError::NotFound)?;
    Ok((month, section, cw))
}

/// `POST /board/commentary`: a section's commentary saved as a draft (a signed-off one goes
/// back to draft: what was signed off is not what is there now).
pub async fn save_commentary(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Form(values): Form<Vec<(String, String)>>,
) -> Answer {
    let (month, section, _) = posted_section(&state, &values).await?;
    let text =
        values.iter().find(|(k, _)| k == "text").map(|(_, v)| v.trim().replace("\r\n", "\n")).unwrap_or_default();
    if text.is_empty() {
        return commentary_answer(
            &state,
            &user,
            month,
            None,
            Some((&section.id, "Write the commentary before saving it")),
        )
        .await;
    }
    let mut update = Casework::default();
    update.commentaries.push_back(Commentary {
        month,
        section: section.id.clone(),
        text,
        written_by: user.email.clone(),
        written_on: state.today(),
        signed_off_by: None,
        signed_off_on: None,
    });
    // The text itself is never written to the audit trail.
    let event = state.event(&user, &format!("write commentary on {} for {month}", section.id), None);
    state.write_rows(&update, &event).await?;
    let query = serde_urlencoded::to_string([("month", month.to_string()), ("saved", section.title.clone())])
        .unwrap_or_default();
    Ok(Redirect::to(&format!("/board/commentary?{query}#section-{}", section.id)).into_response())
}

/// `POST /board/commentary/sign-off`: a manager signs a section off, with its commentary as
/// written in the form and the section's figures as they stand.
pub async fn sign_off(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Form(values): Form<Vec<(String, String)>>,
) -> Answer {
    let (month, section, cw) = posted_section(&state, &values).await?;
    let text =
        values.iter().find(|(k, _)| k == "text").map(|(_, v)| v.trim().replace("\r\n", "\n")).unwrap_or_default();
    let held = cw.commentaries.iter().find(|c| c.month == month && c.section == section.id);
    if text.is_empty() || held.is_none() {
        return commentary_answer(
            &state,
            &user,
            month,
            None,
            Some((&section.id, "Save the commentary before signing it off")),
        )
        .await;
    }
    let today = state.today();
    let mut update = Casework::default();
    update.commentaries.push_back(Commentary {
        month,
        section: section.id.clone(),
        text,
        written_by: held.map_or_else(|| user.email.clone(), |c| c.written_by.clone()),
        written_on: held.map_or(today, |c| c.written_on),
        signed_off_by: Some(user.email.clone()),
        signed_off_on: Some(today),
    });
    for (figure, value) in &section.figures {
        update.signed_figures.push_back(SignedFigure {
            month,
            section: section.id.clone(),
            figure: figure.clone(),
            value: *value,
        });
    }
    let event = state.event(&user, &format!("sign off {} for {month}", section.id), None);
    state.write_rows(&update, &event).await?;
    let query = serde_urlencoded::to_string([("month", month.to_string()), ("saved", section.title.clone())])
        .unwrap_or_default();
    Ok(Redirect::to(&format!("/board/commentary?{query}#section-{}", section.id)).into_response())
}
