//! The workforce (issue 17): the people who work cases, which managers and admins add, change
//! and end (a leaver's last day), and each person's caseload, from which a manager moves a
//! leaver's (or anyone's) cases to another person in one audited transaction.

use super::records::{Caseworkers, FormPage, Values, cells_of, form_page, values_of};
use crate::AppState;
use crate::auth::{Session, SignedIn};
use crate::error::{Answer, AppError};
use crate::govuk::{Caption, cell, heading, number, numeric_heading, row_header, success_banner, table};
use crate::layout::{csrf_field, page};
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use maud::html;
use sendtrack_domain::dates::in_words as date_in_words;
use sendtrack_domain::editing::{FieldProblem, changes, check_record};
use sendtrack_domain::records::{Casework, StaffMember};
use sendtrack_domain::validation::RecordFile;
use sendtrack_domain::worklist::{WorkFilter, Worklist};
use sendtrack_store::{AuditEvent, StoreError};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The staff and posts, for checking a change and offering posts to choose from.
fn workforce(cw: &Casework) -> Casework {
    Casework { staff: cw.staff.clone(), posts: cw.posts.clone(), ..Casework::default() }
}

/// The records a register's change is checked against: the workforce, the organisations, the
/// supplied indicators (with the targets and benchmarks that name them), or the improvement plan.
fn register(cw: &Casework, file: RecordFile) -> Casework {
    match file {
        RecordFile::Organisations => Casework { organisations: cw.organisations.clone(), ..Casework::default() },
        RecordFile::Indicators => Casework {
            indicators: cw.indicators.clone(),
            indicator_values: cw.indicator_values.clone(),
            ..Casework::default()
        },
        // An audit names its child, the plan or advice audited and the staff who audited it.
        RecordFile::QualityAudits => Casework {
            children: cw.children.clone(),
            requests: cw.requests.clone(),
            advice: cw.advice.clone(),
            plans: cw.plans.clone(),
            staff: cw.staff.clone(),
            quality_audits: cw.quality_audits.clone(),
            ..Casework::default()
        },
        RecordFile::Strands | RecordFile::Milestones | RecordFile::BoardActions => Casework {
            strands: cw.strands.clone(),
            milestones: cw.milestones.clone(),
            board_actions: cw.board_actions.clone(),
            ..Casework::default()
        },
        _ => workforce(cw),
    }
}

/// The improvement plan's record type named in a URL (`/improvement/{kind}/...`).
fn plan_kind(kind: &str) -> Option<RecordFile> {
    match kind {
        "strands" => Some(RecordFile::Strands),
        "milestones" => Some(RecordFile::Milestones),
        "actions" => Some(RecordFile::BoardActions),
        _ => None,
    }
}

async fn new_register(state: &AppState, user: &Session, file: RecordFile) -> Answer {
    let cw = state.casework().await?;
    let own = register(&cw, file);
    let values = Values::new();
    Ok(form_page(state, user, &staff_form(file, None, None, &own, &values, &[], false)).into_response())
}

/// The form for a new supplied indicator.
pub async fn indicator_new(State(state): State<Arc<AppState>>, SignedIn(user): SignedIn) -> Answer {
    new_register(&state, &user, RecordFile::Indicators).await
}

/// The form to change a supplied indicator.
pub async fn indicator_edit(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
) -> Answer {
    edit_register(&state, &user, RecordFile::Indicators, &id).await
}

/// Saves a new supplied indicator.
pub async fn indicator_create(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Form(values): Form<Vec<(String, String)>>,
) -> Answer {
    create_register(&state, &user, RecordFile::Indicators, values).await
}

/// Saves a change to a supplied indicator.
pub async fn indicator_update(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
    Form(values): Form<Vec<(String, String)>>,
) -> Answer {
    update_register(&state, &user, RecordFile::Indicators, &id, values).await
}

/// The form for a new quality audit.
pub async fn audit_new(State(state): State<Arc<AppState>>, SignedIn(user): SignedIn) -> Answer {
    new_register(&state, &user, RecordFile::QualityAudits).await
}

/// The form to change (or moderate) a quality audit.
pub async fn audit_edit(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
) -> Answer {
    edit_register(&state, &user, RecordFile::QualityAudits, &id).await
}

/// Saves a new quality audit.
pub async fn audit_create(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Form(values): Form<Vec<(String, String)>>,
) -> Answer {
    create_register(&state, &user, RecordFile::QualityAudits, values).await
}

/// Saves a change to (or the moderation of) a quality audit.
pub async fn audit_update(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
    Form(values): Form<Vec<(String, String)>>,
) -> Answer {
    update_register(&state, &user, RecordFile::QualityAudits, &id, values).await
}

/// The form for a new strand, milestone or board action.
pub async fn plan_new(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Path(kind): Path<String>,
) -> Answer {
    let file = plan_kind(&kind).ok_or(AppError::NotFound)?;
    new_register(&state, &user, file).await
}

/// The form to change a strand, milestone or board action.
pub async fn plan_edit(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Path((kind, id)): Path<(String, String)>,
) -> Answer {
    let file = plan_kind(&kind).ok_or(AppError::NotFound)?;
    edit_register(&state, &user, file, &id).await
}

/// Saves a new strand, milestone or board action.
pub async fn plan_create(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Path(kind): Path<String>,
    Form(values): Form<Vec<(String, String)>>,
) -> Answer {
    let file = plan_kind(&kind).ok_or(AppError::NotFound)?;
    create_register(&state, &user, file, values).await
}

/// Saves a change to a strand, milestone or board action.
pub async fn plan_update(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Path((kind, id)): Path<(String, String)>,
    Form(values): Form<Vec<(String, String)>>,
) -> Answer {
    let file = plan_kind(&kind).ok_or(AppError::NotFound)?;
    update_register(&state, &user, file, &id, values).await
}

#[derive(serde::Deserialize, Default)]
pub struct Shown {
    saved: Option<String>,
    all: Option<String>,
}

/// Everyone who works cases: in post first, then (when asked) those who have left.
pub async fn list(State(state): State<Arc<AppState>>, SignedIn(user): SignedIn, Query(shown): Query<Shown>) -> Answer {
    let cw = state.casework().await?;
    let today = state.today();
    let all = shown.all.as_deref() == Some("yes");
    let mut people: Vec<&StaffMember> = cw.staff.iter().filter(|m| all || m.is_in_post_at(today)).collect();
    people.sort_by(|a, b| (a.team.as_deref(), &a.name).cmp(&(b.team.as_deref(), &b.name)));
    let saved = shown
        .saved
        .as_deref()
        .and_then(|id| cw.staff.iter().find(|m| m.staff_id == id))
        .map(|m| format!("Saved {} ({}).", m.name, m.staff_id));
    let rows = people.iter().map(|m| {
        vec![
            row_header(html! { a class="govuk-link" href=(format!("/staff/{}", m.staff_id)) { (m.name) span class="govuk-visually-hidden" { ", change" } } }),
            cell(m.staff_id.as_str()),
            cell(m.role.label()),
            cell(m.team.as_deref().unwrap_or("–")),
            number(m.fte.as_str()),
            cell(m.contract.label()),
            cell(html! { span class="st-nowrap" { (date_in_words(m.started_on)) } }),
            cell(match m.ended_on {
                Some(end) if end < today => format!("Left {}", date_in_words(end)),
                Some(end) => format!("Leaving {}", date_in_words(end)),
                None => "In post".to_string(),
            }),
        ]
    });
    let head = [
        heading("Name"),
        heading("Staff id"),
        heading("Role"),
        heading("Team"),
        numeric_heading("FTE"),
        heading("Contract"),
        heading("Started"),
        heading("Status"),
    ];
    Ok(page(
        "Staff",
        &state.authority,
        Some(&user),
        html! {
            @if let Some(s) = saved { (success_banner(&s)) }
            h1 class="govuk-heading-l" { "Staff" }
            p class="govuk-body" { "The people who work cases. A request's or plan's caseworker is chosen from the caseworkers and senior caseworkers in post. To end someone's time in post, change them and enter their last day; then move their cases on the " a class="govuk-link" href="/caseloads" { "caseloads" } " page." }
            a class="govuk-button" data-module="govuk-button" href="/staff/new" { "Add a member of staff" }
            p class="govuk-body" {
                @if all { a class="govuk-link" href="/staff" { "Show only staff in post" } }
                @else { a class="govuk-link" href="/staff?all=yes" { "Show everyone, including those who have left" } }
            }
            div class="st-scroll" tabindex="0" role="region" aria-label="Staff" {
                (table((Caption::Medium, if all { "Everyone" } else { "In post" }), &head, rows))
            }
        },
    )
    .into_response())
}

/// The form for a new member of staff.
pub async fn new_form(State(state): State<Arc<AppState>>, SignedIn(user): SignedIn) -> Answer {
    let cw = state.casework().await?;
    let own = workforce(&cw);
    let values = Values::new();
    Ok(form_page(&state, &user, &staff_form(RecordFile::Staff, None, None, &own, &values, &[], false)).into_response())
}

fn staff_form<'a>(
    file: RecordFile,
    record_id: Option<&'a str>,
    version: Option<i64>,
    own: &'a Casework,
    values: &'a Values,
    problems: &'a [FieldProblem],
    conflict: bool,
) -> FormPage<'a> {
    static NONE: Caseworkers = Caseworkers { options: Vec::new(), from_staff: true };
    FormPage {
        file,
        child_id: "",
        child_name: "",
        record_id,
        version,
        own,
        values,
        problems,
        conflict,
        caseworkers: &NONE,
        same_as: None,
    }
}

/// The form to change a member of staff (and to end their time in post).
pub async fn edit_form(State(state): State<Arc<AppState>>, SignedIn(user): SignedIn, Path(id): Path<String>) -> Answer {
    edit_register(&state, &user, RecordFile::Staff, &id).await
}

/// Saves a new member of staff.
pub async fn create(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Form(values): Form<Vec<(String, String)>>,
) -> Answer {
    create_register(&state, &user, RecordFile::Staff, values).await
}

/// Saves a change to a member of staff.
pub async fn update(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
    Form(values): Form<Vec<(String, String)>>,
) -> Answer {
    update_register(&state, &user, RecordFile::Staff, &id, values).await
}

/// The form to change a record of a register (staff, organisations), with its version.
async fn edit_register(state: &AppState, user: &Session, file: RecordFile, id: &str) -> Answer {
    let (record, version) = match state.store.record_with_version(file, id).await {
        Ok(found) => found,
        Err(StoreError::NotFound { .. }) => return Err(AppError::NotFound),
        Err(e) => return Err(e.into()),
    };
    let cw = state.casework().await?;
    let own = register(&cw, file);
    let mut values = values_of(file, &record);
    values.insert("version".into(), version.to_string());
    Ok(form_page(state, user, &staff_form(file, Some(id), Some(version), &own, &values, &[], false)).into_response())
}

/// Saves a new record of a register, its id as the person typed it.
async fn create_register(state: &AppState, user: &Session, file: RecordFile, values: Vec<(String, String)>) -> Answer {
    let values: Values = values.into_iter().collect();
    let id = values.get(file.columns()[0].name).map(|v| v.trim().to_string()).unwrap_or_default();
    save(state, user, file, &id, None, values).await
}

/// Saves a change to a record of a register, refused without the version it was read at.
async fn update_register(
    state: &AppState,
    user: &Session,
    file: RecordFile,
    id: &str,
    values: Vec<(String, String)>,
) -> Answer {
    let values: Values = values.into_iter().collect();
    let Some(version) = values.get("version").and_then(|v| v.parse::<i64>().ok()) else {
        return Ok((StatusCode::BAD_REQUEST, "The form has no version: open it again.").into_response());
    };
    save(state, user, file, id, Some(version), values).await
}

/// Saves a new or changed record of a register (staff, organisations).
async fn save(
    state: &AppState,
    user: &Session,
    file: RecordFile,
    id: &str,
    version: Option<i64>,
    values: Values,
) -> Answer {
    let cw = state.casework().await?;
    let own = register(&cw, file);
    let before = match version {
        None => None,
        Some(_) => match state.store.record_with_version(file, id).await {
            Ok(found) => Some(found),
            Err(StoreError::NotFound { .. }) => return Err(AppError::NotFound),
            Err(e) => return Err(e.into()),
        },
    };
    let shown_again = |problems: &[FieldProblem], conflict: bool, status: StatusCode| {
        let record_id = version.map(|_| id);
        (status, form_page(state, user, &staff_form(file, record_id, version, &own, &values, problems, conflict)))
            .into_response()
    };
    if let (Some(expected), Some((_, current))) = (version, &before)
        && expected != *current
    {
        return Ok(shown_again(&[], true, StatusCode::CONFLICT));
    }
    let (cells, mut problems) = cells_of(file, &values, id, "");
    let id_column = file.columns()[0].name;
    if id.is_empty() {
        problems.push(FieldProblem { column: Some(id_column), message: "Enter an id".into() });
    } else if let Err(message) = sendtrack_domain::identifiers::check_record_id(id) {
        problems.push(FieldProblem { column: Some(id_column), message });
    }
    let noun = file.declaration().form.map_or("record", |f| f.noun);
    let texts: Vec<Option<&str>> = cells.iter().map(|c| Some(c.as_str())).collect();
    let record = match check_record(&own, file, &texts, version.is_none(), state.today(), &[]) {
        Ok(record) if problems.is_empty() => record,
        Ok(_) => return Ok(shown_again(&problems, false, StatusCode::BAD_REQUEST)),
        Err(more) => {
            for p in more {
                if !problems.iter().any(|q| q.column.is_some() && q.column == p.column) {
                    problems.push(p);
                }
            }
            return Ok(shown_again(&problems, false, StatusCode::BAD_REQUEST));
        }
    };
    // Names and e-mail addresses are recorded as changed, not written into the audit trail.
    let detail: serde_json::Map<String, serde_json::Value> =
        changes(file, before.as_ref().map_or(&Casework::default(), |b| &b.0), &record)
            .into_iter()
            .map(|(c, b, a)| {
                let value = if matches!(c, "name" | "email") {
                    serde_json::json!("changed")
                } else {
                    serde_json::json!([b, a])
                };
                (c.to_string(), value)
            })
            .collect();
    let event = AuditEvent {
        at: crate::auth::stored(crate::auth::now()),
        email: user.email.clone(),
        action: format!("{} {noun} {id}", if version.is_some() { "change" } else { "add" }),
        child_id: None,
        detail: Some(serde_json::Value::Object(detail).to_string()),
        address: Some(user.address.clone()),
    };
    match state.write_record(file, &record, version, &event).await {
        Ok(_) => {}
        Err(StoreError::Duplicate { .. }) => {
            let taken =
                [FieldProblem { column: Some(id_column), message: format!("The id {id} is taken; choose another") }];
            return Ok(shown_again(&taken, false, StatusCode::CONFLICT));
        }
        Err(StoreError::Conflict { .. }) => return Ok(shown_again(&[], true, StatusCode::CONFLICT)),
        Err(e) => return Err(e.into()),
    }
    // A sign-in account with the person's e-mail address is linked to their staff id.
    if file == RecordFile::Staff
        && let Some(email) = record.staff.front().and_then(|m| m.email.as_deref())
        && let Some(account) = state.store.user(email).await?
        && account.staff_id.as_deref() != Some(id)
    {
        state.store.set_staff_id(&account.email, id).await?;
        state.audit().record(user, &format!("link {} to member of staff {id}", account.email), None).await?;
    }
    let query = serde_urlencoded::to_string([("saved", id)]).unwrap_or_default();
    // A milestone or action is seen on its strand's page; a strand on its own.
    let strand = match file {
        RecordFile::Strands => Some(id.to_string()),
        RecordFile::Milestones => record.milestones.front().map(|m| m.strand_id.clone()),
        RecordFile::BoardActions => record.board_actions.front().map(|a| a.strand_id.clone()),
        _ => None,
    };
    if let Some(strand) = strand {
        return Ok(Redirect::to(&format!("/improvement/{strand}?{query}")).into_response());
    }
    if file == RecordFile::QualityAudits {
        return Ok(Redirect::to(&format!("/plan-quality?{query}")).into_response());
    }
    let listed = super::records::register_path(file).unwrap_or("/staff");
    Ok(Redirect::to(&format!("{listed}?{query}")).into_response())
}

/// One person's (or team's) load: open requests, active plans and overdue work by stage.
#[derive(Debug, Default, Clone, Copy)]
struct Load {
    requests: usize,
    plans: usize,
    decisions_overdue: usize,
    advice_overdue: usize,
    plans_overdue: usize,
    reviews_overdue: usize,
}

impl Load {
    fn cases(&self) -> usize {
        self.requests + self.plans
    }
}

/// Each holder's load today: the cases they hold ([`cases`]), and their overdue work from
/// the worklists.
fn loads(
    cw: &Casework,
    lists: &sendtrack_domain::worklist::Worklists,
    today: jiff::civil::Date,
) -> BTreeMap<String, Load> {
    let mut loads: BTreeMap<String, Load> = BTreeMap::new();
    for case in cases(cw, lists, today) {
        let load = loads.entry(case.holder.unwrap_or_default()).or_default();
        match case.file {
            RecordFile::Requests => load.requests += 1,
            _ => load.plans += 1,
        }
    }
    let everyone = WorkFilter::default();
    for list in [Worklist::DecisionsOverdue, Worklist::AdviceOverdue, Worklist::PlansOverdue, Worklist::ReviewsOverdue]
    {
        for item in lists.items(list, &everyone) {
            let load = loads.entry(item.caseworker.clone().unwrap_or_default()).or_default();
            match list {
                Worklist::DecisionsOverdue => load.decisions_overdue += 1,
                Worklist::AdviceOverdue => load.advice_overdue += 1,
                Worklist::PlansOverdue => load.plans_overdue += 1,
                _ => load.reviews_overdue += 1,
            }
        }
    }
    loads
}

#[derive(serde::Deserialize, Default)]
pub struct Moved {
    moved: Option<usize>,
    to: Option<String>,
}

/// Each person's and team's caseload, against the team's average per FTE; the cases nobody in
/// post holds; and the form that moves one person's cases to another.
pub async fn caseloads(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Query(moved): Query<Moved>,
) -> Answer {
    let cw = state.casework().await?;
    let today = state.today();
    let lists = state.worklists(today).await?;
    let loads = loads(&cw, &lists, today);
    let in_post: Vec<&StaffMember> =
        cw.staff.iter().filter(|m| m.role.holds_cases() && m.is_in_post_at(today)).collect();
    // Holders who are not caseworkers in post (leavers, ids staff.csv does not hold, nobody).
    let orphaned: Vec<(&String, &Load)> = loads
        .iter()
        .filter(|(id, _)| !in_post.iter().any(|m| m.staff_id == id.as_str()))
        .filter(|(_, l)| l.cases() > 0)
        .collect();
    let mut teams: BTreeMap<&str, (f64, Load)> = BTreeMap::new();
    for m in &in_post {
        let load = loads.get(m.staff_id.as_str()).copied().unwrap_or_default();
        let team = teams.entry(m.team.as_deref().unwrap_or("No team")).or_default();
        team.0 += m.fte.value();
        team.1.requests += load.requests;
        team.1.plans += load.plans;
        team.1.decisions_overdue += load.decisions_overdue;
        team.1.advice_overdue += load.advice_overdue;
        team.1.plans_overdue += load.plans_overdue;
        team.1.reviews_overdue += load.reviews_overdue;
    }
    let per_fte = |cases: usize, fte: f64| if fte > 0.0 { format!("{:.0}", cases as f64 / fte) } else { "–".into() };
    let name_of = |id: &str| cw.staff.iter().find(|m| m.staff_id == id).map(|m| m.name.clone());
    let head = [
        heading("Caseworker"),
        heading("Team"),
        numeric_heading("FTE"),
        numeric_heading("Open requests"),
        numeric_heading("Active plans"),
        numeric_heading("Cases per FTE"),
        numeric_heading("Team average per FTE"),
        numeric_heading("Decisions overdue"),
        numeric_heading("Advice overdue"),
        numeric_heading("Plans past 20 weeks"),
        numeric_heading("Reviews overdue"),
    ];
    let mut people = in_post.clone();
    people.sort_by(|a, b| (a.team.as_deref(), &a.name).cmp(&(b.team.as_deref(), &b.name)));
    let person_rows = people.iter().map(|m| {
        let load = loads.get(m.staff_id.as_str()).copied().unwrap_or_default();
        let team = m.team.as_deref().unwrap_or("No team");
        let average = teams.get(team).map_or("–".to_string(), |(fte, l)| per_fte(l.cases(), *fte));
        vec![
            row_header(html! {
                a class="govuk-link" href=(format!("/caseloads/cases?holder={}", m.staff_id)) { (m.name) }
                " " span class="govuk-body-s" { "(" (m.staff_id) ")" }
            }),
            cell(team),
            number(m.fte.as_str()),
            number(load.requests),
            number(load.plans),
            number(per_fte(load.cases(), m.fte.value())),
            number(average),
            number(load.decisions_overdue),
            number(load.advice_overdue),
            number(load.plans_overdue),
            number(load.reviews_overdue),
        ]
    });
    let team_head = [
        heading("Team"),
        numeric_heading("FTE in post"),
        numeric_heading("Open requests"),
        numeric_heading("Active plans"),
        numeric_heading("Cases per FTE"),
        numeric_heading("Overdue work"),
    ];
    let team_rows = teams.iter().map(|(team, (fte, l))| {
        vec![
            row_header(*team),
            number(format!("{fte:.2}")),
            number(l.requests),
            number(l.plans),
            number(per_fte(l.cases(), *fte)),
            number(l.decisions_overdue + l.advice_overdue + l.plans_overdue + l.reviews_overdue),
        ]
    });
    let orphan_rows = orphaned.iter().map(|(id, l)| {
        let who = if id.is_empty() {
            "Nobody".to_string()
        } else {
            name_of(id).map_or_else(|| format!("{id} (not in staff)"), |n| format!("{n} ({id}), not in post"))
        };
        let holder = if id.is_empty() { "unallocated".to_string() } else { (*id).clone() };
        let href =
            format!("/caseloads/cases?{}", serde_urlencoded::to_string([("holder", holder)]).unwrap_or_default());
        vec![row_header(html! { a class="govuk-link" href=(href) { (who) } }), number(l.requests), number(l.plans)]
    });
    let moved_banner = moved.moved.map(|n| {
        let to = moved.to.as_deref().and_then(name_of).unwrap_or_default();
        format!("Moved {n} {} to {to}.", if n == 1 { "case" } else { "cases" })
    });
    let holders: Vec<(String, String)> = loads
        .iter()
        .filter(|(id, l)| !id.is_empty() && l.cases() > 0)
        .map(|(id, l)| {
            let who = name_of(id).unwrap_or_else(|| id.clone());
            (id.clone(), format!("{who} ({id}): {} cases", l.cases()))
        })
        .collect();
    let receivers = caseworkers_in_post(&cw, today);
    Ok(page(
        "Caseloads",
        &state.authority,
        Some(&user),
        html! {
            @if let Some(b) = moved_banner { (success_banner(&b)) }
            h1 class="govuk-heading-l" { "Caseloads" }
            p class="govuk-body" { "As at " (date_in_words(today)) ". A case is an open request or an active plan; it is held by the plan's caseworker, else the caseworker of the request it came from." }
            ul class="govuk-list" {
                li { a class="govuk-link" href="/staff" { "Staff: add, change or end a person" } }
                li { a class="govuk-link" href="/week" { "The week's work of a caseworker or team" } }
                li { a class="govuk-link" href="/team" { "Caseworkers' sign-in accounts and what they may edit" } }
            }
            div class="st-scroll" tabindex="0" role="region" aria-label="Caseloads by team" {
                (table((Caption::Medium, "By team"), &team_head, team_rows))
            }
            div class="st-scroll" tabindex="0" role="region" aria-label="Caseloads by caseworker" {
                (table((Caption::Medium, "By caseworker in post"), &head, person_rows))
            }
            div class="st-scroll" tabindex="0" role="region" aria-label="Cases not held by anyone in post" {
                (table((Caption::Medium, "Cases not held by a caseworker in post"), &[heading("Held by"), numeric_heading("Open requests"), numeric_heading("Active plans")], orphan_rows))
            }
            p class="govuk-body" { a class="govuk-link" href="/caseloads/cases?holder=unallocated" { "Every case not held by a caseworker in post, to move some or all of them" } }
            h2 class="govuk-heading-m" id="reallocate" { "Move cases to another caseworker" }
            p class="govuk-body" { "Moves every open request and active plan the person holds, in one change recorded in the audit trail." }
            form method="post" action="/caseloads/reallocate" novalidate {
                (csrf_field(&user))
                div class="govuk-form-group" {
                    label class="govuk-label govuk-label--s" for="from" { "Whose cases" }
                    select class="govuk-select" id="from" name="from" {
                        option value="" { "Choose" }
                        @for (id, words) in &holders { option value=(id) { (words) } }
                    }
                }
                (receiver_select("To", &receivers))
                button type="submit" class="govuk-button" data-module="govuk-button" { "Move the cases" }
            }
        },
    )
    .into_response())
}

/// An open request or an active plan, with its holder.
struct Case {
    file: RecordFile,
    id: String,
    child_id: String,
    holder: Option<String>,
    /// Received (a request) or issued (a plan).
    since: jiff::civil::Date,
}

impl Case {
    /// How a form names the case: `requests:ID` or `plans:ID`.
    fn key(&self) -> String {
        format!("{}:{}", self.file.declaration().table, self.id)
    }
}

/// Every case today: the open requests (from the worklists) and the active plans, each with
/// its holder (a plan's own caseworker, else its request's).
fn cases(cw: &Casework, lists: &sendtrack_domain::worklist::Worklists, today: jiff::civil::Date) -> Vec<Case> {
    let everyone = WorkFilter::default();
    let received: std::collections::HashMap<&str, jiff::civil::Date> =
        cw.requests.iter().map(|q| (q.request_id.as_str(), q.received_on)).collect();
    let mut cases: Vec<Case> = [Worklist::AwaitingDecision, Worklist::Assessing]
        .into_iter()
        .flat_map(|list| lists.items(list, &everyone))
        .map(|item| Case {
            file: RecordFile::Requests,
            id: item.record_id.clone(),
            child_id: item.child_id.to_string(),
            holder: item.caseworker.clone(),
            since: received.get(item.record_id.as_str()).copied().unwrap_or(today),
        })
        .collect();
    let request_holder: std::collections::HashMap<&str, &str> =
        cw.requests.iter().filter_map(|q| Some((q.request_id.as_str(), q.caseworker.as_deref()?))).collect();
    for p in cw.plans.iter().filter(|p| p.is_active_at(today)) {
        let held = p.holder(|r| request_holder.get(r).copied());
        cases.push(Case {
            file: RecordFile::Plans,
            id: p.plan_id.to_string(),
            child_id: p.child_id.to_string(),
            holder: held.map(str::to_string),
            since: p.issued_on,
        });
    }
    cases
}

/// The caseworkers and senior caseworkers in post, as (staff id, "Name (id)"), by name.
pub(super) fn caseworkers_in_post(cw: &Casework, today: jiff::civil::Date) -> Vec<(String, String)> {
    let mut people: Vec<(String, String)> = cw
        .staff
        .iter()
        .filter(|m| m.role.holds_cases() && m.is_in_post_at(today))
        .map(|m| (m.staff_id.to_string(), format!("{} ({})", m.name, m.staff_id)))
        .collect();
    people.sort_by(|a, b| a.1.cmp(&b.1));
    people
}

/// The caseworker in post a move sends cases to.
fn receiver_select(label: &str, receivers: &[(String, String)]) -> maud::Markup {
    html! {
        div class="govuk-form-group" {
            label class="govuk-label govuk-label--s" for="to" { (label) }
            select class="govuk-select" id="to" name="to" {
                option value="" { "Choose" }
                @for (id, words) in receivers { option value=(id) { (words) } }
            }
        }
    }
}

/// Whether `holder` is a caseworker in post today.
fn in_post(cw: &Casework, holder: Option<&str>, today: jiff::civil::Date) -> bool {
    holder.is_some_and(|h| cw.staff.iter().any(|m| m.staff_id == h && m.role.holds_cases() && m.is_in_post_at(today)))
}

#[derive(serde::Deserialize, Default)]
pub struct Held {
    holder: Option<String>,
}

/// The cases one person holds, or (`holder=unallocated`) those no caseworker in post holds:
/// a worklist, each with a box to tick, and the form that moves the cases ticked.
pub async fn held(State(state): State<Arc<AppState>>, SignedIn(user): SignedIn, Query(held): Query<Held>) -> Answer {
    let (cw, index) = state.children().await?;
    let today = state.today();
    let lists = state.worklists(today).await?;
    let holder = held.holder.unwrap_or_else(|| "unallocated".into());
    let unallocated = holder == "unallocated";
    let name_of = |id: &str| cw.staff.iter().find(|m| m.staff_id == id).map(|m| m.name.clone());
    let shown: Vec<Case> = cases(&cw, &lists, today)
        .into_iter()
        .filter(|c| {
            if unallocated {
                !in_post(&cw, c.holder.as_deref(), today)
            } else {
                c.holder.as_deref() == Some(holder.as_str())
            }
        })
        .collect();
    state.audit().record(&user, "view cases held", None).await?;
    let title = if unallocated {
        "Cases not held by a caseworker in post".to_string()
    } else {
        format!("Cases held by {}", name_of(&holder).unwrap_or_else(|| holder.clone()))
    };
    let child_name = |id: &str| super::child_name(&cw, &index, id);
    let receivers = caseworkers_in_post(&cw, today);
    Ok(page(
        &title,
        &state.authority,
        Some(&user),
        html! {
            a href="/caseloads" class="govuk-back-link" { "Back to caseloads" }
            h1 class="govuk-heading-l" { (title) " (" (shown.len()) ")" }
            form method="post" action="/caseloads/reallocate" novalidate {
                (csrf_field(&user))
                div class="govuk-form-group" {
                    fieldset class="govuk-fieldset" {
                        legend class="govuk-fieldset__legend govuk-fieldset__legend--s" { "Tick the cases to move" }
                        div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes" {
                            @for (k, c) in shown.iter().enumerate() {
                                div class="govuk-checkboxes__item" {
                                    input class="govuk-checkboxes__input" id=(format!("case-{k}")) name="case" type="checkbox" value=(c.key());
                                    label class="govuk-label govuk-checkboxes__label" for=(format!("case-{k}")) {
                                        (child_name(&c.child_id)) " (" (c.child_id) "): "
                                        @if c.file == RecordFile::Requests { "request " } @else { "plan " }
                                        (c.id) ", since " (date_in_words(c.since))
                                        @if unallocated {
                                            ", held by "
                                            (c.holder.as_deref().map_or("nobody".to_string(), |h| name_of(h).map_or(h.to_string(), |n| format!("{n} ({h}), not in post"))))
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                (receiver_select("Move them to", &receivers))
                button type="submit" class="govuk-button" data-module="govuk-button" { "Move the cases ticked" }
            }
        },
    )
    .into_response())
}

/// Moves cases to `to`, a caseworker in post: every open request and active plan that `from`
/// holds, or the cases ticked (`case`, as `requests:ID` or `plans:ID`).
pub async fn reallocate(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Form(form): Form<Vec<(String, String)>>,
) -> Answer {
    let value = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default();
    let (from, to) = (value("from"), value("to"));
    let ticked: Vec<&str> = form.iter().filter(|(k, _)| k == "case").map(|(_, v)| v.as_str()).collect();
    let cw = state.casework().await?;
    let today = state.today();
    if (from.is_empty() && ticked.is_empty()) || !in_post(&cw, Some(&to), today) || from == to {
        let message = "Choose the cases to move, and a different caseworker in post to move them to.";
        return Ok((StatusCode::BAD_REQUEST, message).into_response());
    }
    let lists = state.worklists(today).await?;
    let moving: Vec<Case> = cases(&cw, &lists, today)
        .into_iter()
        .filter(|c| {
            if ticked.is_empty() {
                c.holder.as_deref() == Some(from.as_str())
            } else {
                ticked.contains(&c.key().as_str())
            }
        })
        .filter(|c| c.holder.as_deref() != Some(to.as_str()))
        .collect();
    let at = crate::auth::stored(crate::auth::now());
    let events: Vec<AuditEvent> = moving
        .iter()
        .map(|c| AuditEvent {
            at: at.clone(),
            email: user.email.clone(),
            action: format!("reallocate {} {}", super::records::noun(c.file), c.id),
            child_id: Some(c.child_id.clone()),
            detail: Some(serde_json::json!({ "caseworker": [c.holder, to] }).to_string()),
            address: Some(user.address.clone()),
        })
        .collect();
    let moved: Vec<(RecordFile, String)> = moving.into_iter().map(|c| (c.file, c.id)).collect();
    state.store.reallocate(&moved, &to, &events).await?;
    let query = serde_urlencoded::to_string([("moved", moved.len().to_string()), ("to", to)]).unwrap_or_default();
    Ok(Redirect::to(&format!("/caseloads?{query}")).into_response())
}

#[derive(serde::Deserialize, Default)]
pub struct Listed {
    kind: Option<String>,
    page: Option<usize>,
}

/// `GET /admin/organisations`: the advice givers and settings, each with its team inbox.
pub async fn organisations(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Query(shown): Query<Shown>,
    Query(listed): Query<Listed>,
) -> Answer {
    use sendtrack_domain::codes::OrganisationKind;
    const PER_PAGE: usize = 50;
    let cw = state.casework().await?;
    let saved = shown.saved.as_deref().filter(|id| cw.organisations.iter().any(|o| o.organisation_id.as_str() == *id));
    // One kind at a time (a county consults hundreds of schools), a page of 50 at a time.
    let kind =
        listed.kind.as_deref().and_then(|k| OrganisationKind::parse(k).ok()).unwrap_or(OrganisationKind::Provider);
    let of_kind: Vec<_> = cw.organisations.iter().filter(|o| o.kind == kind).collect();
    let pages = of_kind.len().div_ceil(PER_PAGE).max(1);
    let page_number = listed.page.unwrap_or(1).clamp(1, pages);
    let shown_now: Vec<_> = of_kind.iter().skip((page_number - 1) * PER_PAGE).take(PER_PAGE).collect();
    let count = |k: OrganisationKind| cw.organisations.iter().filter(|o| o.kind == k).count();
    Ok(page(
        "Organisations",
        &state.authority,
        Some(&user),
        html! {
            @if let Some(id) = saved { (success_banner(&format!("Saved organisation {id}."))) }
            h1 class="govuk-heading-l" { "Organisations" }
            p class="govuk-body" { "The services and trusts asked for advice, and the schools and colleges consulted, with the team inbox that tasks and reminders go to." }
            a class="govuk-button" data-module="govuk-button" href="/admin/organisations/new" { "Add an organisation" }
            p class="govuk-body" {
                "Show: "
                @for (k, words) in [(OrganisationKind::Provider, "advice givers"), (OrganisationKind::Setting, "settings"), (OrganisationKind::Other, "others")] {
                    @if k == kind {
                        strong { (words) " (" (count(k)) ")" }
                    } @else {
                        a class="govuk-link" href=(format!("/admin/organisations?kind={}", k.code())) { (words) " (" (count(k)) ")" }
                    }
                    @if k != OrganisationKind::Other { " · " }
                }
            }
            @if of_kind.is_empty() {
                p class="govuk-body" { "None of this kind yet." }
            } @else {
                div class="st-scroll" tabindex="0" role="region" aria-label="Organisations" {
                    (table(
                        (Caption::Small, format!("{}: {} of {}", kind.label(), shown_now.len(), of_kind.len())),
                        &[heading("Name"), heading("Team inbox"), heading("URN")],
                        shown_now.iter().map(|o| vec![
                            cell(html! {
                                a class="govuk-link" href=(format!("/admin/organisations/{}", o.organisation_id)) { (o.name) } " (" (o.organisation_id) ")"
                                br; a class="govuk-link govuk-body-s" href=(format!("/admin/organisations/{}/members", o.organisation_id)) { "Portal members" span class="govuk-visually-hidden" { " of " (o.name) } }
                            }),
                            cell(o.email.as_deref().unwrap_or("–")),
                            cell(o.urn.as_deref().unwrap_or("–")),
                        ]),
                    ))
                }
                (crate::govuk::pagination("Pages of organisations", page_number, pages, |n| format!("/admin/organisations?kind={}&page={n}", kind.code())))
            }
        },
    )
    .into_response())
}

/// The form for a new organisation.
pub async fn organisation_new(State(state): State<Arc<AppState>>, SignedIn(user): SignedIn) -> Answer {
    let cw = state.casework().await?;
    let own = register(&cw, RecordFile::Organisations);
    let values = Values::new();
    let form = staff_form(RecordFile::Organisations, None, None, &own, &values, &[], false);
    Ok(form_page(&state, &user, &form).into_response())
}

/// The form to change an organisation.
pub async fn organisation_edit(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
) -> Answer {
    edit_register(&state, &user, RecordFile::Organisations, &id).await
}

/// Saves a new organisation.
pub async fn organisation_create(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Form(values): Form<Vec<(String, String)>>,
) -> Answer {
    create_register(&state, &user, RecordFile::Organisations, values).await
}

/// Saves a change to an organisation.
pub async fn organisation_update(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Path(id): Path<String>,
    Form(values): Form<Vec<(String, String)>>,
) -> Answer {
    update_register(&state, &user, RecordFile::Organisations, &id, values).await
}
