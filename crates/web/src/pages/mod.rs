//! The pages of the web app, one module each.

pub mod account;
pub mod admin;
pub mod children;
pub mod measure;
pub mod records;
pub mod reports;
pub mod scorecard;
pub mod sign_in;
pub mod today;
pub mod worklists;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::html;

/// A page that does not exist (or a measure id that does not).
pub async fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        crate::layout::page(
            "Page not found",
            "sendtrack",
            None,
            html! {
                h1 class="govuk-heading-l" { "Page not found" }
                p class="govuk-body" { "If you typed the web address, check it is correct." }
                p class="govuk-body" { a class="govuk-link" href="/" { "Go to the start page" } }
            },
        ),
    )
        .into_response()
}

/// A page the person's role may not use (or a route without an access rule): 403.
pub fn refused(state: &crate::AppState, user: Option<&crate::auth::Session>) -> Response {
    (
        StatusCode::FORBIDDEN,
        crate::layout::page(
            "You do not have access",
            &state.authority,
            user,
            html! {
                h1 class="govuk-heading-l" { "You do not have access to this page" }
                p class="govuk-body" { "Your role does not include it. If you need it for your work, ask your manager or the service's administrator." }
            },
        ),
    )
        .into_response()
}

/// A state-changing request without its CSRF token: refused, nothing changed.
pub fn csrf_refused() -> Response {
    (
        StatusCode::FORBIDDEN,
        crate::layout::page(
            "The form has expired",
            "sendtrack",
            None,
            html! {
                h1 class="govuk-heading-l" { "The form has expired" }
                p class="govuk-body" { "Nothing was changed. Go back, reload the page and try again." }
            },
        ),
    )
        .into_response()
}

/// Something went wrong on the server: no stack trace, no SQL, in the page.
pub fn server_error() -> Response {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        crate::layout::page(
            "Sorry, there is a problem with the service",
            "sendtrack",
            None,
            html! {
                h1 class="govuk-heading-l" { "Sorry, there is a problem with the service" }
                p class="govuk-body" { "Try again later. The problem has been logged." }
            },
        ),
    )
        .into_response()
}

/// Turns a store error into the server-error page, logging it (it holds no personal data).
pub fn failed(e: impl std::fmt::Display) -> Response {
    tracing::error!("{e}");
    server_error()
}
