//! What can go wrong while answering a request, and the GOV.UK page each answer is: a handler
//! returns `Result<Response, AppError>` and uses `?`; the page says what the person can do and
//! never shows internals (no SQL, no stack trace, no record contents).

use crate::pages::message;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::html;
use sendtrack_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No such page, or no such record: 404.
    #[error("not found")]
    NotFound,
    /// The person's role may not use this page: 403.
    #[error("refused")]
    Forbidden,
    /// Someone else changed the record since it was read: 409.
    #[error("conflict")]
    Conflict,
    /// The database is busy (another process holds SQLite's lock): 503, try again.
    #[error("the database is busy")]
    Busy,
    /// A refusal that explains itself on its own page (a child allocated to another
    /// caseworker, a month not begun): answered as it is.
    #[error("refused with its own page")]
    Refused(Box<Response>),
    /// Anything else: logged, answered with a plain 500.
    #[error("{0}")]
    Internal(String),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> AppError {
        match e {
            e if e.is_busy() => AppError::Busy,
            StoreError::NotFound { .. } => AppError::NotFound,
            StoreError::Conflict { .. } => AppError::Conflict,
            e => AppError::Internal(e.to_string()),
        }
    }
}

impl From<String> for AppError {
    /// An error already said in words (the audit writer's): busy or internal.
    fn from(said: String) -> AppError {
        if said.contains("database is locked") || said.contains("database is busy") {
            AppError::Busy
        } else {
            AppError::Internal(said)
        }
    }
}

/// Errors whose words name no child's data (a task that panicked, a file, a workbook):
/// logged, answered with a plain 500.
macro_rules! internal {
    ($($t:ty),+) => {$(
        impl From<$t> for AppError {
            fn from(e: $t) -> AppError {
                AppError::Internal(e.to_string())
            }
        }
    )+};
}

internal!(
    tokio::task::JoinError,
    std::io::Error,
    rust_xlsxwriter::XlsxError,
    csv::Error,
    sendtrack_interchange::sen2::ReturnError,
    sendtrack_interchange::sen2::Sen2ReadError
);

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.page("sendtrack", None)
    }
}

impl AppError {
    /// The error's page, under the authority's name and the person's navigation when known.
    pub fn page(self, authority: &str, user: Option<&crate::auth::Session>) -> Response {
        match self {
            AppError::NotFound => message(
                StatusCode::NOT_FOUND,
                authority,
                user,
                "Page not found",
                &[
                    html! { "If you typed the web address, check it is correct." },
                    html! { a class="govuk-link" href="/" { "Go to the start page" } },
                ],
            ),
            AppError::Forbidden => message(
                StatusCode::FORBIDDEN,
                authority,
                user,
                "You do not have access to this page",
                &[html! {
                    "Your role does not include it. If you need it for your work, ask your manager or the service's administrator."
                }],
            ),
            AppError::Conflict => message(
                StatusCode::CONFLICT,
                "sendtrack",
                None,
                "Someone else changed this record",
                &[html! { "Nothing was saved. Go back, reload the page to see their change, and make yours again." }],
            ),
            AppError::Busy => {
                // Another process holds the database's lock (a large import): a retry, not a fault.
                tracing::warn!("answered 503: the database is busy");
                let mut response = message(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "sendtrack",
                    None,
                    "The service is busy",
                    &[html! { "Nothing was lost. Wait a few seconds, then try again." }],
                );
                response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
                response
            }
            AppError::Refused(page) => *page,
            AppError::Internal(said) => {
                // Store and audit errors name tables and columns, never a child's data.
                tracing::error!("{said}");
                message(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "sendtrack",
                    None,
                    "Sorry, there is a problem with the service",
                    &[html! { "Try again later. The problem has been logged." }],
                )
            }
        }
    }
}

impl AppError {
    /// A plain 500 for something that should not happen, said in words for the log.
    pub fn internal(what: &str) -> AppError {
        AppError::Internal(what.to_string())
    }

    /// A refusal with its own page.
    pub fn refused(page: Response) -> AppError {
        AppError::Refused(Box::new(page))
    }
}

/// What a handler returns.
pub type Answer = Result<Response, AppError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_error_is_its_own_page_with_no_internals() {
        let busy =
            AppError::from("database error: error returned from database: (code: 5) database is locked".to_string())
                .into_response();
        assert_eq!(busy.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(busy.headers()[header::RETRY_AFTER], "5");
        assert_eq!(AppError::from("no such table: children".to_string()).into_response().status(), 500);
        assert_eq!(
            AppError::from(StoreError::NotFound { record: "child", id: "C1".into() }).into_response().status(),
            404
        );
        let conflict = StoreError::Conflict { record: "plan", id: "P1".into(), expected: 1, actual: 2 };
        assert_eq!(AppError::from(conflict).into_response().status(), 409);
        assert_eq!(AppError::Forbidden.into_response().status(), 403);
    }
}
