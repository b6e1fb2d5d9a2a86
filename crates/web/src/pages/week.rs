//! My week (issue 17): every statutory step on the cases a caseworker holds that is overdue or
//! falls due today, this week or next week; review meetings due in the next 8 weeks and phase
//! transfers due in the next 12. A caseworker sees their own; a manager anyone's or a team's.

use crate::AppState;
use crate::auth::SignedIn;
use crate::download::{Cell, DataTable, Download, links, respond};
use crate::error::Answer;
use crate::govuk::{Caption, Colour, cell, heading, numeric_heading, row_header, table, tag};
use crate::layout::page;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use maud::html;
use sendtrack_domain::access::Role;
use sendtrack_domain::dates::in_words as date_in_words;
use sendtrack_domain::week::{DueStep, StepKind, When, steps_due};
use std::collections::HashMap;
use std::sync::Arc;

#[derive(serde::Deserialize, Default, Clone)]
pub struct Asked {
    caseworker: Option<String>,
    team: Option<String>,
    kind: Option<String>,
    when: Option<String>,
    #[serde(flatten)]
    download: Download,
}

/// Whose week is shown.
enum Whose {
    Person(String),
    Team(String),
    /// A manager who has not chosen yet.
    Nobody,
}

pub async fn show(State(state): State<Arc<AppState>>, SignedIn(user): SignedIn, Query(asked): Query<Asked>) -> Answer {
    let (cw, index) = state.children().await?;
    let today = state.today();
    let manager = user.role == Role::Manager;
    // A caseworker's week is their own, whatever the address asks for.
    let whose = match (manager, &asked.caseworker, &asked.team, &user.staff_id) {
        (true, Some(id), _, _) if !id.is_empty() => Whose::Person(id.clone()),
        (true, _, Some(team), _) if !team.is_empty() => Whose::Team(team.clone()),
        (_, _, _, Some(own)) => Whose::Person(own.clone()),
        _ => Whose::Nobody,
    };
    let names: HashMap<&str, &str> = cw.staff.iter().map(|m| (m.staff_id.as_str(), m.name.as_str())).collect();
    let team_of: HashMap<&str, &str> =
        cw.staff.iter().filter_map(|m| Some((m.staff_id.as_str(), m.team.as_deref()?))).collect();
    let steps: Vec<DueStep> = match &whose {
        Whose::Person(id) => steps_due(&cw, today, &|h| h == Some(id.as_str())),
        Whose::Team(team) => steps_due(&cw, today, &|h| h.and_then(|h| team_of.get(h)) == Some(&team.as_str())),
        Whose::Nobody => Vec::new(),
    };
    let kind = asked.kind.as_deref().and_then(StepKind::parse);
    let when = asked.when.as_deref().and_then(|w| When::ALL.into_iter().find(|x| x.code() == w));
    let shown: Vec<&DueStep> =
        steps.iter().filter(|s| kind.is_none_or(|k| s.kind == k) && when.is_none_or(|w| s.when(today) == w)).collect();
    let child_name = |id: &str| super::child_name(&cw, &index, id);
    let holder_name =
        |h: Option<&str>| h.map(|h| names.get(h).map_or(h.to_string(), |n| n.to_string())).unwrap_or_default();
    let title = match &whose {
        Whose::Person(id) if user.staff_id.as_deref() == Some(id.as_str()) => "My week".to_string(),
        Whose::Person(id) => format!("The week for {}", holder_name(Some(id))),
        Whose::Team(team) => format!("The week for {team}"),
        Whose::Nobody => "The week's work".to_string(),
    };
    let mut data = DataTable::new(
        "steps",
        title.as_str(),
        &["due_on", "when", "step", "child_id", "name", "record_id", "provider", "caseworker"],
    );
    data.rows = shown
        .iter()
        .map(|s| {
            vec![
                Cell::Text(s.due.to_string()),
                Cell::Text(s.when(today).words().to_string()),
                Cell::Text(match &s.note {
                    Some(note) => format!("{}: {note}", s.kind.words()),
                    None => s.kind.words().to_string(),
                }),
                Cell::Text(s.child_id.clone()),
                Cell::Text(child_name(&s.child_id)),
                Cell::Text(s.record_id.clone()),
                Cell::Text(s.provider.clone().unwrap_or_default()),
                Cell::Text(holder_name(s.caseworker.as_deref())),
            ]
        })
        .collect();
    if asked.download.wanted() {
        state.audit().record(&user, "export week", None).await?;
        return Ok(respond(&[data], &asked.download, &format!("week-{today}")));
    }
    state.audit().record(&user, "view week", None).await?;
    let who_query: Vec<(&str, String)> = match &whose {
        Whose::Person(id) if manager => vec![("caseworker", id.clone())],
        Whose::Team(team) => vec![("team", team.clone())],
        _ => Vec::new(),
    };
    let href = |kind: Option<StepKind>, when: Option<When>| {
        let mut query = who_query.clone();
        if let Some(k) = kind {
            query.push(("kind", k.code().to_string()));
        }
        if let Some(w) = when {
            query.push(("when", w.code().to_string()));
        }
        format!("/week?{}#steps", serde_urlencoded::to_string(&query).unwrap_or_default())
    };
    let count = |k: StepKind, w: When| steps.iter().filter(|s| s.kind == k && s.when(today) == w).count();
    let mut head = vec![heading("Step")];
    head.extend(When::ALL.iter().map(|w| numeric_heading(w.words())));
    let summary_rows = StepKind::ALL.iter().map(|&k| {
        let mut row = vec![row_header(k.short())];
        row.extend(When::ALL.iter().map(|&w| {
            let n = count(k, w);
            crate::govuk::number(html! {
                @if n > 0 { a class="govuk-link" href=(href(Some(k), Some(w))) { (n) span class="govuk-visually-hidden" { " – " (k.words()) ", " (w.words()) } } }
                @else { "0" }
            })
        }));
        row
    });
    let step_rows = shown.iter().map(|s| {
        let colour = match s.when(today) {
            When::Overdue => Colour::Red,
            When::Today => Colour::Orange,
            When::ThisWeek => Colour::Yellow,
            _ => Colour::Grey,
        };
        vec![
            cell(html! { span class="st-nowrap" { (date_in_words(s.due)) } }),
            cell(tag(s.when(today).words(), colour)),
            cell(html! { (s.kind.words()) @if let Some(p) = &s.provider { " from " (p) } @if let Some(n) = &s.note { ": " (n) } }),
            cell(html! { a class="govuk-link" href=(format!("/children/{}", s.child_id)) { (child_name(&s.child_id)) } " " span class="govuk-body-s" { "(" (s.record_id) ")" } }),
            cell(holder_name(s.caseworker.as_deref())),
        ]
    });
    let caseworkers = super::staff::caseworkers_in_post(&cw, today);
    let mut teams: Vec<&str> = cw.staff.iter().filter_map(|m| m.team.as_deref()).collect();
    teams.sort_unstable();
    teams.dedup();
    let chosen_person = asked.caseworker.clone().unwrap_or_default();
    let chosen_team = asked.team.clone().unwrap_or_default();
    let path = {
        let mut query = who_query.clone();
        if let Some(k) = kind {
            query.push(("kind", k.code().to_string()));
        }
        if let Some(w) = when {
            query.push(("when", w.code().to_string()));
        }
        format!("/week?{}", serde_urlencoded::to_string(&query).unwrap_or_default())
    };
    Ok(page(
        &title,
        &state.authority,
        Some(&user),
        html! {
            h1 class="govuk-heading-l" { (title) }
            p class="govuk-body" { "As at " (date_in_words(today)) ". Steps overdue or due by the end of next week (weeks run Monday to Sunday); review meetings due in the next 8 weeks, so that the 2 weeks' notice and the advice can be planned; phase transfers whose deadline is in the next 12 weeks." }
            @if manager {
                form method="get" action="/week" class="govuk-!-margin-bottom-6" {
                    div class="govuk-form-group" {
                        label class="govuk-label govuk-label--s" for="caseworker" { "Caseworker" }
                        select class="govuk-select" id="caseworker" name="caseworker" {
                            option value="" { "Choose" }
                            @for (id, name) in &caseworkers { option value=(id) selected[*id == chosen_person] { (name) } }
                        }
                    }
                    div class="govuk-form-group" {
                        label class="govuk-label govuk-label--s" for="team" { "Or a team" }
                        select class="govuk-select" id="team" name="team" {
                            option value="" { "Choose" }
                            @for t in &teams { option value=(t) selected[*t == chosen_team] { (t) } }
                        }
                    }
                    button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button" { "Show the week" }
                }
            }
            @if matches!(whose, Whose::Nobody) && !manager {
                p class="govuk-body" { "Your account is not linked to a member of staff, so sendtrack cannot tell which cases are yours. Ask your manager to record you under Staff with your e-mail address." }
            }
            @if !matches!(whose, Whose::Nobody) {
                div class="st-scroll" tabindex="0" role="region" aria-label="Steps by when they fall due" {
                    (table((Caption::Medium, "Steps by when they fall due"), &head, summary_rows))
                }
                h2 class="govuk-heading-m" id="steps" {
                    (match (kind, when) {
                        (Some(k), Some(w)) => format!("{}: {}", w.words(), k.words()),
                        (Some(k), None) => k.words().to_string(),
                        (None, Some(w)) => w.words().to_string(),
                        (None, None) => "Every step".to_string(),
                    })
                    " (" (shown.len()) ")"
                }
                @if kind.is_some() || when.is_some() {
                    p class="govuk-body" { a class="govuk-link" href=(href(None, None)) { "Show every step" } }
                }
                (links(&path, &data))
                div class="st-scroll" tabindex="0" role="region" aria-label="The steps" {
                    (table((Caption::Hidden, "The steps"), &[heading("Due"), heading("When"), heading("Step"), heading("Child"), heading("Caseworker")], step_rows))
                }
            }
        },
    )
    .into_response())
}
