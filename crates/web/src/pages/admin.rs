//! Running the service: admins see the people who can sign in, disable and enable accounts
//! (disabling ends their sessions at once), choose which roles must use a second factor, and
//! search the audit trail; managers let caseworkers edit any case.

use crate::AppState;
use crate::access::Grant;
use crate::auth::SignedIn;
use crate::download::{Cell, DataTable, Download, links, respond};
use crate::error::{Answer, AppError};
use crate::govuk::{TextInput, text_input};
use crate::layout::{csrf_field, page};
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use sendtrack_domain::access::Role;
use sendtrack_interchange::sen2::{
    ESTABLISHMENT_TYPES_SETTING, EstablishmentTypes, LA_NUMBER_SETTING, REQUEST_SOURCES_SETTING,
    REVIEW_OUTCOMES_SETTING, Sen2Codes,
};
use sendtrack_store::{AuditEvent, AuditQuery};
use std::sync::Arc;

fn yes_no(b: bool) -> &'static str {
    if b { "Yes" } else { "No" }
}

pub async fn users(State(state): State<Arc<AppState>>, SignedIn(user): SignedIn) -> Answer {
    Ok(users_page(&state, &user, None).await.into_response())
}

/// A problem with one field of the page's forms: its id and the message.
type FieldError<'a> = Option<(&'static str, &'a str)>;

async fn users_page(state: &AppState, user: &crate::auth::Session, error: FieldError<'_>) -> maud::Markup {
    let people = state.store.users().await.unwrap_or_else(|e| {
        tracing::error!("{e}");
        Vec::new()
    });
    let required = state.store.setting("totp_required_roles").await.ok().flatten().unwrap_or_default();
    let required: Vec<&str> = required.split(',').map(str::trim).collect();
    let title = if error.is_some() { "Error: People and settings" } else { "People and settings" };
    let field_error = |field: &str| error.filter(|(f, _)| *f == field).map(|(_, e)| e);
    let sen2_setting =
        |name: &'static str| async move { state.store.setting(name).await.ok().flatten().unwrap_or_default() };
    let la_number = sen2_setting(LA_NUMBER_SETTING).await;
    let request_sources = sen2_setting(REQUEST_SOURCES_SETTING).await;
    let review_outcomes = sen2_setting(REVIEW_OUTCOMES_SETTING).await;
    let establishment_types = sen2_setting(ESTABLISHMENT_TYPES_SETTING).await;
    let email_error = field_error("email");
    page(
        title,
        &state.authority,
        Some(user),
        html! {
            @if let Some((field, e)) = error { (crate::govuk::error_summary(&[(field, e)])) }
            h1 class="govuk-heading-l" { "People and settings" }
            p class="govuk-body" { a class="govuk-link" href="/admin/audit" { "Search the audit trail" } }
            h2 class="govuk-heading-m" { "Add a person" }
            form method="post" action="/admin/users/new" novalidate {
                (csrf_field(user))
                div class=(if email_error.is_some() { "govuk-form-group govuk-form-group--error" } else { "govuk-form-group" }) {
                    label class="govuk-label" for="email" { "Email address" }
                    @if let Some(e) = email_error { p id="email-error" class="govuk-error-message" { span class="govuk-visually-hidden" { "Error:" } " " (e) } }
                    input class="govuk-input govuk-input--width-20" id="email" name="email" type="email" spellcheck="false" autocomplete="off";
                }
                div class="govuk-form-group" {
                    label class="govuk-label" for="role" { "Role" }
                    select class="govuk-select" id="role" name="role" {
                        @for role in Role::ALL { option value=(role.code()) selected[role == Role::Caseworker] { (role.code()) } }
                    }
                }
                div class="govuk-form-group" {
                    label class="govuk-label" for="staff_id" { "Staff id (optional)" }
                    div id="staff_id-hint" class="govuk-hint" { "For caseworkers: what the caseworker column of requests holds" }
                    input class="govuk-input govuk-input--width-10" id="staff_id" name="staff_id" type="text" spellcheck="false" aria-describedby="staff_id-hint";
                }
                button type="submit" class="govuk-button" data-module="govuk-button" { "Add and show their password" }
            }
            div class="st-scroll" { table class="govuk-table" {
                caption class="govuk-table__caption govuk-table__caption--m" { "People who can sign in" }
                thead class="govuk-table__head" { tr class="govuk-table__row" {
                    th scope="col" class="govuk-table__header" { "Email" }
                    th scope="col" class="govuk-table__header" { "Role" }
                    th scope="col" class="govuk-table__header" { "Staff id" }
                    th scope="col" class="govuk-table__header" { "Second factor" }
                    th scope="col" class="govuk-table__header" { "SEN2 return" }
                    th scope="col" class="govuk-table__header" { "Account" }
                } }
                tbody class="govuk-table__body" {
                    @for p in &people {
                        tr class="govuk-table__row" {
                            td class="govuk-table__cell" { (p.email) }
                            td class="govuk-table__cell" { (p.role.code()) }
                            td class="govuk-table__cell" { (p.staff_id.as_deref().unwrap_or("")) }
                            td class="govuk-table__cell" { (if p.totp_secret.is_some() { "Set up" } else { "Not set up" }) }
                            td class="govuk-table__cell" {
                                @if Grant::SubmitsSen2.for_role(p.role) {
                                    form method="post" action="/admin/users" {
                                        (csrf_field(user))
                                        input type="hidden" name="email" value=(p.email);
                                        @if p.submits_sen2 {
                                            "Downloads it "
                                            input type="hidden" name="action" value="sen2-stop";
                                            button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" data-module="govuk-button" { "Stop" span class="govuk-visually-hidden" { " " (p.email) " downloading the SEN2 return" } }
                                        } @else {
                                            "Checks it only "
                                            input type="hidden" name="action" value="sen2-allow";
                                            button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" data-module="govuk-button" { "Let download" span class="govuk-visually-hidden" { " the SEN2 return: " (p.email) } }
                                        }
                                    }
                                } @else {
                                    (if crate::access::rule_for("GET", "/sen2/return.zip").is_some_and(|r| r.who.allows(p.role)) { "Downloads it" } else { "No" })
                                }
                            }
                            td class="govuk-table__cell" {
                                @if p.email == user.email {
                                    "Active (you)"
                                } @else {
                                    form method="post" action="/admin/users" {
                                        (csrf_field(user))
                                        input type="hidden" name="email" value=(p.email);
                                        @if p.disabled {
                                            "Disabled "
                                            input type="hidden" name="action" value="enable";
                                            button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" data-module="govuk-button" { "Enable" span class="govuk-visually-hidden" { " " (p.email) } }
                                        } @else {
                                            "Active "
                                            input type="hidden" name="action" value="disable";
                                            button type="submit" class="govuk-button govuk-button--warning govuk-!-margin-bottom-0" data-module="govuk-button" { "Disable" span class="govuk-visually-hidden" { " " (p.email) } }
                                        }
                                    }
                                    form method="post" action="/admin/users" class="govuk-!-margin-top-2" {
                                        (csrf_field(user))
                                        input type="hidden" name="email" value=(p.email);
                                        input type="hidden" name="action" value="reset";
                                        button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" data-module="govuk-button" { "Reset password" span class="govuk-visually-hidden" { " of " (p.email) } }
                                    }
                                    form method="post" action="/admin/users" class="govuk-!-margin-top-2" {
                                        (csrf_field(user))
                                        input type="hidden" name="email" value=(p.email);
                                        input type="hidden" name="action" value="role";
                                        @let id = format!("role-of-{}", p.email.replace(['@', '.'], "-"));
                                        label class="govuk-label govuk-visually-hidden" for=(id) { "Role of " (p.email) }
                                        select class="govuk-select" id=(id) name="role" {
                                            @for role in Role::ALL { option value=(role.code()) selected[role == p.role] { (role.code()) } }
                                        }
                                        " "
                                        button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" data-module="govuk-button" { "Change role" span class="govuk-visually-hidden" { " of " (p.email) } }
                                    }
                                }
                            }
                        }
                    }
                }
            } }
            h2 class="govuk-heading-m" { "Second factor" }
            form method="post" action="/admin/settings" {
                (csrf_field(user))
                div class="govuk-form-group" {
                    fieldset class="govuk-fieldset" aria-describedby="roles-hint" {
                        legend class="govuk-fieldset__legend govuk-fieldset__legend--s" { "Roles that must sign in with a security code" }
                        div id="roles-hint" class="govuk-hint" { "People with these roles set up an authenticator app the next time they sign in." }
                        div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes" {
                            @for role in Role::ALL {
                                div class="govuk-checkboxes__item" {
                                    input class="govuk-checkboxes__input" id=(format!("role-{}", role.code())) name="role" type="checkbox" value=(role.code()) checked[required.contains(&role.code())];
                                    label class="govuk-label govuk-checkboxes__label" for=(format!("role-{}", role.code())) { (role.code()) }
                                }
                            }
                        }
                    }
                }
                button type="submit" class="govuk-button" data-module="govuk-button" { "Save" }
            }
            h2 class="govuk-heading-m" id="sen2" { "The SEN2 return" }
            p class="govuk-body" { "What the return's codes mean where the DfE has not published them, and the LA number in its header. An import from the command line with --request-sources, --review-outcomes or a header keeps them here too; every return sendtrack writes uses them." }
            form method="post" action="/admin/sen2" novalidate {
                (csrf_field(user))
                (text_input(TextInput { id: "la_number", label: "LA number", value: &la_number, hint: Some("3 digits, for example 878"), width: Some("4"), error: field_error("la_number"), ..TextInput::default() }))
                (text_input(TextInput { id: "request_sources", label: "What the requestsource codes mean", value: &request_sources, hint: Some("CODE=source pairs separated by commas, for example 1=parent,2=young_person,3=school. Leave empty and sources are left empty, never guessed."), width: Some("30"), error: field_error("request_sources"), ..TextInput::default() }))
                (text_input(TextInput { id: "review_outcomes", label: "What the reviewoutcome codes mean", value: &review_outcomes, hint: Some("CODE=decision pairs, for example 1=maintain,2=amend,3=cease. Leave empty to read the words maintain, amend and cease."), width: Some("30"), error: field_error("review_outcomes"), ..TextInput::default() }))
                (text_input(TextInput { id: "establishment_types", label: "What your schools' establishment types are", value: &establishment_types, hint: Some("For the Get Information About Schools types sendtrack cannot classify on its own (or to classify one differently): TYPE=setting pairs, for example Other independent school=mainstream,Secure units=none. The README lists the types and what sendtrack makes of them."), error: field_error("establishment_types"), ..TextInput::default() }))
                button type="submit" class="govuk-button" data-module="govuk-button" { "Save the SEN2 settings" }
            }
        },
    )
}

#[derive(serde::Deserialize)]
pub struct UserChange {
    email: String,
    action: String,
    #[serde(default)]
    role: String,
}

/// A page that shows a new password once: it is not stored anywhere but as its hash.
fn password_shown(state: &AppState, user: &crate::auth::Session, email: &str, password: &str, what: &str) -> Response {
    page(
        what,
        &state.authority,
        Some(user),
        html! {
            div class="govuk-panel govuk-panel--confirmation" {
                h1 class="govuk-panel__title" { (what) }
                div class="govuk-panel__body" { (email) }
            }
            p class="govuk-body" { "Their password is:" }
            p class="govuk-body govuk-!-font-weight-bold st-secret" { (password) }
            p class="govuk-body" { "Give it to them in person or by phone, not by email. It is shown only now. They should change it at Your account when they first sign in." }
            p class="govuk-body" { a class="govuk-link" href="/admin/users" { "Back to people and settings" } }
        },
    )
    .into_response()
}

pub async fn user_change(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Form(change): Form<UserChange>,
) -> Answer {
    if change.email == user.email {
        return Ok(
            (StatusCode::BAD_REQUEST, "You cannot change your own account here; use Your account.").into_response()
        );
    }
    let result = match change.action.as_str() {
        "disable" => {
            state.store.set_disabled(&change.email, true).await.map(|()| format!("disable account {}", change.email))
        }
        "enable" => {
            state.store.set_disabled(&change.email, false).await.map(|()| format!("enable account {}", change.email))
        }
        "sen2-allow" | "sen2-stop" => {
            let allowed = change.action == "sen2-allow";
            let people = state.store.users().await?;
            match people.iter().find(|p| p.email == change.email) {
                None => return Err(AppError::NotFound),
                Some(p) if !Grant::SubmitsSen2.for_role(p.role) => {
                    return Ok((StatusCode::BAD_REQUEST, "Only an analyst can be let download the SEN2 return.")
                        .into_response());
                }
                Some(_) => {}
            }
            state.store.set_submits_sen2(&change.email, allowed).await.map(|()| {
                format!("{} {} downloading the SEN2 return", if allowed { "let" } else { "stop" }, change.email)
            })
        }
        "role" => match Role::parse(&change.role) {
            Ok(role) => state
                .store
                .set_role(&change.email, role)
                .await
                .map(|()| format!("give {} the role {}", change.email, role.code())),
            Err(message) => return Ok((StatusCode::BAD_REQUEST, message).into_response()),
        },
        "reset" => {
            let password = crate::auth::new_password();
            let hash = match tokio::task::spawn_blocking({
                let password = password.clone();
                move || crate::auth::hash_password(&password)
            })
            .await
            {
                Ok(hash) => hash,
                Err(e) => return Err(e.into()),
            };
            // Every session of theirs ends: "" matches no session's hash.
            match state.store.set_password(&change.email, &hash, "").await {
                Ok(()) => {}
                Err(sendtrack_store::StoreError::NotFound { .. }) => return Err(AppError::NotFound),
                Err(e) => return Err(e.into()),
            }
            if let Err(e) = state.audit().record(&user, &format!("reset the password of {}", change.email), None).await
            {
                return Err(e.into());
            }
            return Ok(password_shown(&state, &user, &change.email, &password, "Password reset"));
        }
        _ => return Ok((StatusCode::BAD_REQUEST, "Unknown action.").into_response()),
    };
    let action = match result {
        Ok(action) => action,
        Err(sendtrack_store::StoreError::NotFound { .. }) => return Err(AppError::NotFound),
        Err(e) => return Err(e.into()),
    };
    state.audit().record(&user, &action, None).await?;
    Ok(Redirect::to("/admin/users").into_response())
}

#[derive(serde::Deserialize)]
pub struct NewUser {
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    staff_id: String,
}

pub async fn user_add(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Form(form): Form<NewUser>,
) -> Answer {
    let checked = sendtrack_domain::access::check_email(&form.email);
    let email = checked.clone().unwrap_or_default();
    let role = Role::parse(form.role.trim());
    let problem = if checked.is_err() {
        Some("Enter an email address, like name@council.gov.uk")
    } else if role.is_err() {
        Some("Choose a role")
    } else {
        None
    };
    if let (Some(message), _) | (None, Err(message)) = (problem.map(str::to_string), role.clone()) {
        return Ok(
            (StatusCode::BAD_REQUEST, users_page(&state, &user, Some(("email", &message))).await).into_response()
        );
    }
    let Ok(role) = role else { return Err(AppError::internal("a role the form offered did not read back")) };
    let password = crate::auth::new_password();
    let hash = match tokio::task::spawn_blocking({
        let password = password.clone();
        move || crate::auth::hash_password(&password)
    })
    .await
    {
        Ok(hash) => hash,
        Err(e) => return Err(e.into()),
    };
    let staff_id = Some(form.staff_id.trim()).filter(|s| !s.is_empty());
    let today = state.today().to_string();
    match state.store.add_user(&email, role, &hash, staff_id, &today).await {
        Ok(()) => {}
        Err(sendtrack_store::StoreError::Duplicate { .. }) => {
            let message = format!("{email} can already sign in");
            return Ok(
                (StatusCode::BAD_REQUEST, users_page(&state, &user, Some(("email", &message))).await).into_response()
            );
        }
        Err(e) => return Err(e.into()),
    }
    state.audit().record(&user, &format!("add account {email} ({})", role.code()), None).await?;
    Ok(password_shown(&state, &user, &email, &password, "Account added"))
}

pub async fn settings_change(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Form(form): Form<Vec<(String, String)>>,
) -> Answer {
    let roles: Vec<&str> =
        form.iter().filter(|(k, _)| k == "role").filter_map(|(_, v)| Role::parse(v).ok()).map(Role::code).collect();
    let value = roles.join(",");
    state.store.set_setting("totp_required_roles", &value).await?;
    state.audit().record(&user, &format!("require a second factor for: {value}"), None).await?;
    Ok(Redirect::to("/admin/users").into_response())
}

#[derive(serde::Deserialize, Default)]
pub struct Sen2Settings {
    #[serde(default)]
    la_number: String,
    #[serde(default)]
    request_sources: String,
    #[serde(default)]
    review_outcomes: String,
    #[serde(default)]
    establishment_types: String,
}

/// Saves what the SEN2 return's unverified codes mean and the LA number, each checked first;
/// nothing is saved when any is wrong.
pub async fn sen2_settings(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Form(form): Form<Sen2Settings>,
) -> Answer {
    let la = form.la_number.trim();
    let la_checked = if la.is_empty() {
        Ok(())
    } else {
        sendtrack_domain::identifiers::check_la_number(la).map_err(|e| ("la_number", e))
    };
    let checked =
        la_checked.and_then(|()| Sen2Codes::parse(&form.request_sources, &form.review_outcomes)).and_then(|codes| {
            let establishment_types =
                EstablishmentTypes::parse(&form.establishment_types).map_err(|e| ("establishment_types", e))?;
            Ok(Sen2Codes { establishment_types, ..codes })
        });
    let codes = match checked {
        Ok(codes) => codes,
        Err((field, message)) => {
            return Ok(
                (StatusCode::BAD_REQUEST, users_page(&state, &user, Some((field, &message))).await).into_response()
            );
        }
    };
    // Kept in the parsed form, so what is kept is what the import and the return read; all
    // three together, or none.
    let (sources, outcomes) = (codes.request_sources.to_string(), codes.review_outcomes.to_string());
    let types = codes.establishment_types.to_string();
    let settings = [
        (LA_NUMBER_SETTING, la),
        (REQUEST_SOURCES_SETTING, &sources),
        (REVIEW_OUTCOMES_SETTING, &outcomes),
        (ESTABLISHMENT_TYPES_SETTING, &types),
    ];
    state.store.set_settings(&settings).await?;
    for (name, value) in settings {
        state.audit().record(&user, &format!("set {name} to '{value}'"), None).await?;
    }
    Ok(Redirect::to("/admin/users#sen2").into_response())
}

#[derive(serde::Deserialize, Default)]
pub struct AuditSearch {
    email: Option<String>,
    child: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

/// Rows shown on the page; a download has up to [`DOWNLOADED`].
const SHOWN: i64 = 200;
const DOWNLOADED: i64 = 100_000;

pub async fn audit(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Query(search): Query<AuditSearch>,
    Query(download): Query<Download>,
) -> Answer {
    let text = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
    let date = |v: &Option<String>| text(v).and_then(|d| sendtrack_domain::dates::parse_date(&d).ok());
    let query = AuditQuery {
        email: text(&search.email).map(|e| e.to_lowercase()),
        child_id: text(&search.child),
        from: date(&search.from).map(|d| format!("{d}T00:00:00Z")),
        before: date(&search.to).and_then(|d| d.tomorrow().ok()).map(|d| format!("{d}T00:00:00Z")),
    };
    let bad_dates = (text(&search.from).is_some() && query.from.is_none())
        || (text(&search.to).is_some() && query.before.is_none());
    let limit = if download.wanted() { DOWNLOADED } else { SHOWN };
    let rows: Vec<AuditEvent> = state.store.audit_search(&query, limit).await?;
    let mut table = DataTable::new("audit", "Audit trail", &["at", "email", "action", "child_id", "address", "detail"]);
    for r in &rows {
        table.rows.push(vec![
            Cell::text(r.at.clone()),
            Cell::text(r.email.clone()),
            Cell::text(r.action.clone()),
            Cell::text(r.child_id.clone().unwrap_or_default()),
            Cell::text(r.address.clone().unwrap_or_default()),
            Cell::text(r.detail.clone().unwrap_or_default()),
        ]);
    }
    if download.wanted() {
        state.audit().record(&user, "download audit trail", None).await?;
        return Ok(respond(&[table], &download, "audit"));
    }
    let here = format!(
        "/admin/audit?{}",
        serde_urlencoded::to_string([
            ("email", text(&search.email).unwrap_or_default()),
            ("child", text(&search.child).unwrap_or_default()),
            ("from", text(&search.from).unwrap_or_default()),
            ("to", text(&search.to).unwrap_or_default()),
        ])
        .unwrap_or_default()
    );
    let input = |id: &'static str, label: &'static str, value: &Option<String>, hint: Option<&'static str>| {
        let value = value.clone().unwrap_or_default();
        text_input(TextInput { id, label, value: &value, hint, width: Some("20"), ..TextInput::default() })
    };
    Ok(page(
        "Audit trail",
        &state.authority,
        Some(&user),
        html! {
            a href="/admin/users" class="govuk-back-link" { "Back to people and settings" }
            h1 class="govuk-heading-l" { "Audit trail" }
            p class="govuk-body" { "Every read of a child's record, every change (with the values before and after), every download and every sign-in, with who, when and from where. Rows are only ever added." }
            form method="get" action="/admin/audit" novalidate {
                (input("email", "Person (email)", &search.email, None))
                (input("child", "Child id", &search.child, None))
                (input("from", "From (YYYY-MM-DD)", &search.from, Some("The first day included")))
                (input("to", "To (YYYY-MM-DD)", &search.to, Some("The last day included")))
                button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button" { "Search" }
            }
            @if bad_dates { div class="govuk-inset-text" { "A date was not written YYYY-MM-DD and was left out of the search." } }
            (links(&here, &table))
            table class="govuk-table" {
                caption class="govuk-table__caption govuk-table__caption--m" {
                    @if rows.len() as i64 == SHOWN { "The latest " (SHOWN) " rows (download for up to " (DOWNLOADED) ")" } @else { (rows.len()) " rows" }
                }
                thead class="govuk-table__head" { tr class="govuk-table__row" {
                    @for h in ["When (UTC)", "Who", "What", "Child", "From"] { th scope="col" class="govuk-table__header" { (h) } }
                } }
                tbody class="govuk-table__body" {
                    @for r in &rows {
                        tr class="govuk-table__row" {
                            td class="govuk-table__cell" { (r.at) }
                            td class="govuk-table__cell" { (r.email) }
                            td class="govuk-table__cell" { (r.action) @if let Some(d) = &r.detail { br; span class="govuk-body-s" { (d) } } }
                            td class="govuk-table__cell" { (r.child_id.as_deref().unwrap_or("")) }
                            td class="govuk-table__cell" { (r.address.as_deref().unwrap_or("")) }
                        }
                    }
                }
            }
        },
    )
    .into_response())
}

pub async fn team(State(state): State<Arc<AppState>>, SignedIn(user): SignedIn) -> Answer {
    let people = state.store.users().await?;
    Ok(page(
        "Caseworkers",
        &state.authority,
        Some(&user),
        html! {
            h1 class="govuk-heading-l" { "Caseworkers" }
            p class="govuk-body" { "A caseworker records and corrects the casework of the children allocated to them (and of children allocated to nobody). Let one edit any case when they cover for a colleague. To reallocate a request, change its caseworker on the request." }
            table class="govuk-table" {
                caption class="govuk-table__caption govuk-table__caption--m" { "Caseworkers" }
                thead class="govuk-table__head" { tr class="govuk-table__row" {
                    @for h in ["Email", "Staff id", "May edit any case", ""] { th scope="col" class="govuk-table__header" { (h) } }
                } }
                tbody class="govuk-table__body" {
                    @for p in people.iter().filter(|p| p.role == Role::Caseworker && !p.disabled) {
                        tr class="govuk-table__row" {
                            td class="govuk-table__cell" { (p.email) }
                            td class="govuk-table__cell" { (p.staff_id.as_deref().unwrap_or("")) }
                            td class="govuk-table__cell" { (yes_no(p.edits_any_case)) }
                            td class="govuk-table__cell" {
                                form method="post" action="/team" {
                                    (csrf_field(&user))
                                    input type="hidden" name="email" value=(p.email);
                                    input type="hidden" name="any_case" value=(if p.edits_any_case { "false" } else { "true" });
                                    button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" data-module="govuk-button" {
                                        @if p.edits_any_case { "Own caseload only" } @else { "Let edit any case" }
                                        span class="govuk-visually-hidden" { ", " (p.email) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
    .into_response())
}

#[derive(serde::Deserialize)]
pub struct TeamChange {
    email: String,
    any_case: String,
}

pub async fn team_change(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Form(change): Form<TeamChange>,
) -> Answer {
    let allowed = change.any_case == "true";
    match state.store.user(&change.email).await {
        Ok(Some(p)) if p.role == Role::Caseworker => {}
        Ok(_) => return Err(AppError::NotFound),
        Err(e) => return Err(e.into()),
    }
    state.store.set_edits_any_case(&change.email, allowed).await?;
    let action = format!("{} {} edit any case", if allowed { "let" } else { "stop" }, change.email);
    state.audit().record(&user, &action, None).await?;
    Ok(Redirect::to("/team").into_response())
}
