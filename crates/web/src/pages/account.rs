//! One's own account: changing the password (which ends one's other sessions) and setting up
//! a second factor, time-based one-time codes (TOTP, RFC 6238) from an authenticator app.

use crate::AppState;
use crate::auth::{SignedIn, hash_password, password_matches};
use crate::error::{Answer, AppError};
use crate::govuk::{Action, Row, row, summary_list};
use crate::govuk::{TextInput, error_summary, success_banner, text_input};
use crate::layout::{csrf_field, page};
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use sendtrack_store::StoreError;
use std::sync::Arc;
use totp_rs::{Algorithm, Builder, Secret, Totp};

/// The TOTP of a base32 secret for a person: SHA-1, 6 digits, 30-second steps (what every
/// authenticator app reads), one step of clock drift either way.
fn totp(secret: &str, email: &str) -> Option<Totp> {
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(30)
        .with_secret(Secret::try_from_base32(secret).ok()?)
        .with_account_name(email)
        .with_issuer(Some("sendtrack"))
        .build()
        .ok()
}

/// The time step of `secret` whose one-time code `code` is (this step or one either side).
pub fn code_step(secret: &str, email: &str, code: &str) -> Option<i64> {
    if code.len() != 6 {
        return None;
    }
    totp(secret, email)?.check_current(code).and_then(|step| i64::try_from(step).ok())
}

/// Whether `code` is a one-time code of `secret` not used before, and marks it used: a code
/// is accepted once (RFC 6238, section 5.2).
pub async fn accept_code(state: &AppState, secret: &str, email: &str, code: &str) -> Result<bool, StoreError> {
    match code_step(secret, email, code) {
        Some(step) => state.store.use_totp_step(email, step).await,
        None => Ok(false),
    }
}

/// The one-time code of `secret` at a time (seconds since 1970), for tests and scripts.
pub fn code_at(secret: &str, email: &str, unix_seconds: u64) -> Option<String> {
    Some(totp(secret, email)?.generate(unix_seconds).to_string())
}

/// A new random secret of 160 bits, base32.
fn new_secret() -> Option<String> {
    let mut bytes = [0u8; 20];
    getrandom::fill(&mut bytes).ok()?;
    Some(Secret::from(bytes.to_vec()).to_base32())
}

fn password_form(user: &crate::auth::Session, errors: &[(&str, &str)]) -> Markup {
    let field = |id: &str, label: &str, hint: Option<&str>| {
        text_input(TextInput {
            id,
            label,
            kind: "password",
            autocomplete: Some(if id == "current" { "current-password" } else { "new-password" }),
            hint,
            error: errors.iter().find(|(f, _)| *f == id).map(|(_, m)| *m),
            width: Some("20"),
            ..TextInput::default()
        })
    };
    html! {
        form method="post" action="/account/password" novalidate {
            (csrf_field(user))
            (field("current", "Current password", None))
            (field("new", "New password", Some("At least 12 characters")))
            (field("confirm", "New password again", None))
            button type="submit" class="govuk-button" data-module="govuk-button" { "Change password" }
        }
    }
}

fn account_page(state: &AppState, user: &crate::auth::Session, errors: &[(&str, &str)], done: bool) -> Markup {
    let title = if errors.is_empty() { "Your account" } else { "Error: Your account" };
    page(
        title,
        &state.authority,
        Some(user),
        html! {
            div class="govuk-grid-row" {
                div class="govuk-grid-column-two-thirds" {
                    (error_summary(errors))
                    @if done { (success_banner("Your password has been changed. Your other sessions have been signed out.")) }
                    h1 class="govuk-heading-l" { "Your account" }
                    (summary_list(&[
                        row("Email address", user.email.as_str()),
                        row("Role", user.role.code()),
                        Row {
                            key: "Second factor",
                            value: html! { @if user.totp_secret.is_some() { "Set up" } @else { "Not set up" } },
                            action: Some(Action {
                                href: "/account/two-factor",
                                text: if user.totp_secret.is_some() { "Change" } else { "Set up" },
                                hidden: "second factor",
                            }),
                        },
                    ]))
                    h2 class="govuk-heading-m" { "Change your password" }
                    (password_form(user, errors))
                }
            }
        },
    )
}

pub async fn show(State(state): State<Arc<AppState>>, SignedIn(user): SignedIn) -> Answer {
    Ok(account_page(&state, &user, &[], false).into_response())
}

#[derive(serde::Deserialize)]
pub struct NewPassword {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    confirm: String,
}

pub async fn change_password(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Form(form): Form<NewPassword>,
) -> Answer {
    let mut errors = Vec::new();
    if !password_matches(form.current, user.password_hash.clone()).await {
        errors.push(("current", "Enter your current password correctly"));
    }
    let rule = sendtrack_domain::access::check_password(&form.new, &user.email);
    if let Err(message) = &rule {
        errors.push(("new", message.as_str()));
    } else if form.new != form.confirm {
        errors.push(("confirm", "Enter the same new password twice"));
    }
    if !errors.is_empty() {
        return Ok((StatusCode::BAD_REQUEST, account_page(&state, &user, &errors, false)).into_response());
    }
    let new = form.new;
    let hash = tokio::task::spawn_blocking(move || hash_password(&new)).await?;
    state.store.set_password(&user.email, &hash, &user.token_hash).await?;
    state.audit().record(&user, "change password", None).await?;
    Ok(account_page(&state, &user, &[], true).into_response())
}

fn two_factor_page(
    state: &AppState,
    user: &crate::auth::Session,
    secret: &str,
    errors: &[(&str, &str)],
    required: bool,
) -> Markup {
    let url = totp(secret, &user.email).and_then(|t| t.to_url().ok()).unwrap_or_default();
    let error = errors.iter().find(|(f, _)| *f == "code").map(|(_, m)| *m);
    let password_error = errors.iter().find(|(f, _)| *f == "password").map(|(_, m)| *m);
    // Replacing a second factor asks for the password again: a session left open is not enough.
    let replacing = user.totp_secret.is_some();
    let title = if errors.is_empty() { "Set up a second factor" } else { "Error: Set up a second factor" };
    page(
        title,
        &state.authority,
        Some(user),
        html! {
            div class="govuk-grid-row" {
                div class="govuk-grid-column-two-thirds" {
                    (error_summary(errors))
                    h1 class="govuk-heading-l" { "Set up a second factor" }
                    @if required { div class="govuk-inset-text" { "People with your role must sign in with a security code as well as a password. Set it up to continue." } }
                    p class="govuk-body" { "In an authenticator app on your phone, add an account with this key (time-based):" }
                    p class="govuk-body govuk-!-font-weight-bold st-secret" { (secret) }
                    details class="govuk-details" {
                        summary class="govuk-details__summary" { span class="govuk-details__summary-text" { "The key as an otpauth address" } }
                        div class="govuk-details__text st-secret" { (url) }
                    }
                    form method="post" action="/account/two-factor" novalidate {
                        (csrf_field(user))
                        input type="hidden" name="secret" value=(secret);
                        @if replacing {
                            (text_input(TextInput {
                                id: "password",
                                label: "Your password",
                                kind: "password",
                                autocomplete: Some("current-password"),
                                hint: Some("You already have a second factor: to replace it, give your password"),
                                error: password_error,
                                ..TextInput::default()
                            }))
                        }
                        div class=(if error.is_some() { "govuk-form-group govuk-form-group--error" } else { "govuk-form-group" }) {
                            label class="govuk-label" for="code" { "The 6-digit code the app shows" }
                            @if let Some(m) = error { p id="code-error" class="govuk-error-message" { span class="govuk-visually-hidden" { "Error:" } " " (m) } }
                            input class=(if error.is_some() { "govuk-input govuk-input--width-5 govuk-input--error" } else { "govuk-input govuk-input--width-5" }) id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" aria-describedby=[error.map(|_| "code-error")];
                        }
                        button type="submit" class="govuk-button" data-module="govuk-button" { "Turn on" }
                    }
                }
            }
        },
    )
}

/// The page when the server has no key to seal second-factor secrets with.
fn no_key(state: &AppState, user: &crate::auth::Session) -> Response {
    super::message(
        StatusCode::SERVICE_UNAVAILABLE,
        &state.authority,
        Some(user),
        "Second factors cannot be set up yet",
        &[
            html! { "The service's administrator must first give the server its secret key (SENDTRACK_SECRET_KEY). Nothing was changed." },
        ],
    )
}

pub async fn two_factor_form(State(state): State<Arc<AppState>>, SignedIn(user): SignedIn) -> Answer {
    if state.protection.secret_key.is_none() {
        return Ok(no_key(&state, &user));
    }
    let Some(secret) = new_secret() else { return Err(AppError::internal("no random secret for a second factor")) };
    let required = user.second_factor_required && user.totp_secret.is_none();
    Ok(two_factor_page(&state, &user, &secret, &[], required).into_response())
}

#[derive(serde::Deserialize)]
pub struct Confirm {
    #[serde(default)]
    secret: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    password: String,
}

pub async fn two_factor_confirm(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Form(form): Form<Confirm>,
) -> Answer {
    let Some(key) = state.protection.secret_key.as_ref() else { return Ok(no_key(&state, &user)) };
    if totp(&form.secret, &user.email).is_none() {
        return Ok((StatusCode::BAD_REQUEST, "The key is not valid: open the page again.").into_response());
    }
    if user.totp_secret.is_some() && !password_matches(form.password.clone(), user.password_hash.clone()).await {
        let errors = [("password", "Enter your password correctly to replace your second factor")];
        return Ok(
            (StatusCode::BAD_REQUEST, two_factor_page(&state, &user, &form.secret, &errors, false)).into_response()
        );
    }
    let Some(step) = code_step(&form.secret, &user.email, form.code.trim()) else {
        let errors = [("code", "Enter the 6-digit code the app shows now")];
        return Ok(
            (StatusCode::BAD_REQUEST, two_factor_page(&state, &user, &form.secret, &errors, false)).into_response()
        );
    };
    let Some(sealed) = key.seal(&form.secret, &user.email) else {
        return Err(AppError::internal("a second-factor secret could not be sealed"));
    };
    state.store.set_totp_secret(&user.email, Some(&sealed)).await?;
    // The code that turned it on is used: it cannot sign anyone in.
    state.store.use_totp_step(&user.email, step).await?;
    state.audit().record(&user, "set up second factor", None).await?;
    Ok(Redirect::to(user.role.home()).into_response())
}
