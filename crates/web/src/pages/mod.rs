//! The pages of the web app, one module each.

pub mod account;
pub mod admin;
pub mod board;
pub mod casefile;
pub mod children;
pub mod family;
pub mod forecast;
pub mod measure;
pub mod portal;
pub mod records;
pub mod reports;
pub mod scorecard;
pub mod sen2;
pub mod sign_in;
pub mod staff;
pub mod today;
pub mod week;
pub mod worklists;

use crate::error::AppError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::html;

/// Staff names by staff id (issue 17): people read names, not ids.
pub(crate) type StaffNames = std::collections::HashMap<String, String>;

/// The names of everyone in staff.csv, by staff id.
pub(crate) fn staff_names(cw: &sendtrack_domain::records::Casework) -> StaffNames {
    cw.staff.iter().map(|m| (m.staff_id.to_string(), m.name.clone())).collect()
}

/// A child's name, found through the child index (never a scan of the caseload); empty for
/// an id no child has.
pub(crate) fn child_name(
    cw: &sendtrack_domain::records::Casework,
    index: &sendtrack_domain::timeline::ChildIndex,
    id: &str,
) -> String {
    index.child(cw, id).map(|c| format!("{} {}", c.forename, c.surname)).unwrap_or_default()
}

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
    AppError::NotFound.into_response()
}

/// A page the person's role may not use (or a route without an access rule): 403.
pub fn refused(state: &crate::AppState, user: Option<&crate::auth::Session>) -> Response {
    AppError::Forbidden.page(&state.authority, user)
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
    AppError::Internal("a request could not be answered".into()).into_response()
}

/// Turns a store or audit error into its page (see [`AppError`]), logging it.
pub fn failed(e: impl Into<AppError>) -> Response {
    e.into().into_response()
}
