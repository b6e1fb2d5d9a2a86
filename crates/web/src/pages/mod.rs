//! The pages of the web app, one module each.

pub mod account;
pub mod admin;
pub mod children;
pub mod measure;
pub mod records;
pub mod reports;
pub mod scorecard;
pub mod sen2;
pub mod sign_in;
pub mod today;
pub mod worklists;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::html;

/// A page that only says something: a status, a heading and a few lines.
pub(crate) fn message(
    status: StatusCode,
    authority: &str,
    user: Option<&crate::auth::Session>,
    heading: &str,
    lines: &[maud::Markup],
) -> Response {
    let content = html! {
        h1 class="govuk-heading-l" { (heading) }
        @for line in lines { p class="govuk-body" { (line) } }
    };
    (status, crate::layout::page(heading, authority, user, content)).into_response()
}

/// A page that does not exist (or a measure id that does not).
pub async fn not_found() -> Response {
    message(
        StatusCode::NOT_FOUND,
        "sendtrack",
        None,
        "Page not found",
        &[
            html! { "If you typed the web address, check it is correct." },
            html! { a class="govuk-link" href="/" { "Go to the start page" } },
        ],
    )
}

/// A page the person's role may not use (or a route without an access rule): 403.
pub fn refused(state: &crate::AppState, user: Option<&crate::auth::Session>) -> Response {
    message(
        StatusCode::FORBIDDEN,
        &state.authority,
        user,
        "You do not have access to this page",
        &[html! {
            "Your role does not include it. If you need it for your work, ask your manager or the service's administrator."
        }],
    )
}

/// A state-changing request without its CSRF token: refused, nothing changed.
pub fn csrf_refused() -> Response {
    message(
        StatusCode::FORBIDDEN,
        "sendtrack",
        None,
        "The form has expired",
        &[html! {
            "Nothing was changed. Go back, reload the page and try again."
        }],
    )
}

/// Something went wrong on the server: no stack trace, no SQL, in the page.
pub fn server_error() -> Response {
    message(
        StatusCode::INTERNAL_SERVER_ERROR,
        "sendtrack",
        None,
        "Sorry, there is a problem with the service",
        &[html! { "Try again later. The problem has been logged." }],
    )
}

/// Turns a store error into the server-error page, logging it (it holds no personal data).
pub fn failed(e: impl std::fmt::Display) -> Response {
    let said = e.to_string();
    if said.contains("database is locked") || said.contains("database is busy") {
        // Another process holds the database's lock (a large import): a retry, not a fault.
        tracing::warn!("answered 503: the database is busy");
        let mut response = message(
            StatusCode::SERVICE_UNAVAILABLE,
            "sendtrack",
            None,
            "The service is busy",
            &[html! { "Nothing was lost. Wait a few seconds, then try again." }],
        );
        response.headers_mut().insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from_static("5"));
        return response;
    }
    tracing::error!("{e}");
    server_error()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_busy_database_is_a_retry_and_anything_else_a_plain_500() {
        let busy = failed("database error: error returned from database: (code: 5) database is locked");
        assert_eq!(busy.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(busy.headers()[axum::http::header::RETRY_AFTER], "5");
        assert_eq!(failed("no such table: children").status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
