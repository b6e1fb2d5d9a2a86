//! Signing in and out.

use crate::AppState;
use crate::auth::{SESSION_COOKIE, new_token, password_matches, session_token, token_hash};
use crate::layout::{error_summary, page};
use axum::Form;
use axum::extract::State;
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use std::sync::Arc;

#[derive(serde::Deserialize)]
pub struct Credentials {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

fn sign_in_page(state: &AppState, email: &str, errors: &[(&str, &str)]) -> Markup {
    let email_error = errors.iter().find(|(f, _)| *f == "email").map(|(_, m)| *m);
    let password_error = errors.iter().find(|(f, _)| *f == "password").map(|(_, m)| *m);
    let title = if errors.is_empty() { "Sign in" } else { "Error: Sign in" };
    page(
        title,
        &state.authority,
        None,
        html! {
            div class="govuk-grid-row" {
                div class="govuk-grid-column-two-thirds" {
                    (error_summary(errors))
                    h1 class="govuk-heading-l" { "Sign in" }
                    form method="post" action="/sign-in" novalidate {
                        div class=(if email_error.is_some() { "govuk-form-group govuk-form-group--error" } else { "govuk-form-group" }) {
                            label class="govuk-label" for="email" { "Email address" }
                            @if let Some(m) = email_error { p id="email-error" class="govuk-error-message" { span class="govuk-visually-hidden" { "Error:" } " " (m) } }
                            input class=(if email_error.is_some() { "govuk-input govuk-input--error" } else { "govuk-input" }) id="email" name="email" type="email" autocomplete="email" spellcheck="false" value=(email) aria-describedby=[email_error.map(|_| "email-error")];
                        }
                        div class=(if password_error.is_some() { "govuk-form-group govuk-form-group--error" } else { "govuk-form-group" }) {
                            label class="govuk-label" for="password" { "Password" }
                            @if let Some(m) = password_error { p id="password-error" class="govuk-error-message" { span class="govuk-visually-hidden" { "Error:" } " " (m) } }
                            input class=(if password_error.is_some() { "govuk-input govuk-input--error" } else { "govuk-input" }) id="password" name="password" type="password" autocomplete="current-password" aria-describedby=[password_error.map(|_| "password-error")];
                        }
                        button type="submit" class="govuk-button" data-module="govuk-button" { "Sign in" }
                    }
                }
            }
        },
    )
}

pub async fn form(State(state): State<Arc<AppState>>) -> Markup {
    sign_in_page(&state, "", &[])
}

pub async fn submit(State(state): State<Arc<AppState>>, Form(credentials): Form<Credentials>) -> Response {
    let email = credentials.email.trim().to_lowercase();
    let mut errors = Vec::new();
    if email.is_empty() {
        errors.push(("email", "Enter your email address"));
    }
    if credentials.password.is_empty() {
        errors.push(("password", "Enter your password"));
    }
    if !errors.is_empty() {
        return sign_in_page(&state, &email, &errors).into_response();
    }
    let user = match state.store.user(&email).await {
        Ok(user) => user,
        Err(e) => return super::failed(e),
    };
    // The same answer whether the email is unknown or the password wrong.
    let matches = match &user {
        Some(u) => password_matches(credentials.password, u.password_hash.clone()).await,
        None => false,
    };
    let Some(user) = user.filter(|_| matches) else {
        tracing::info!("a sign-in failed");
        return sign_in_page(&state, &email, &[("email", "Enter a correct email address and password")])
            .into_response();
    };
    let Some((token, hash)) = new_token() else { return super::server_error() };
    let now = jiff::Timestamp::now().to_string();
    if let Err(e) = state.store.create_session(&hash, &user.email, &now).await {
        return super::failed(e);
    }
    let cookie = format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax");
    let home = if user.role.sees_casework() { "/" } else { "/scorecard" };
    ([(header::SET_COOKIE, cookie)], Redirect::to(home)).into_response()
}

pub async fn sign_out(State(state): State<Arc<AppState>>, parts: Parts) -> Response {
    if let Some(token) = session_token(&parts)
        && let Err(e) = state.store.delete_session(&token_hash(&token)).await
    {
        return super::failed(e);
    }
    let expired = format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    ([(header::SET_COOKIE, expired)], Redirect::to("/sign-in")).into_response()
}
