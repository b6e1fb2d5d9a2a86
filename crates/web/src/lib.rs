//! The sendtrack web app: caseworkers, managers, analysts and viewers sign in and see the
//! caseload (Today), the scorecard and each measure down to the records behind it. Pages use
//! the GOV.UK Design System's components and patterns with the council's own header and Arial,
//! are served with the assets they need (no network), and work without JavaScript.

mod auth;
mod layout;
mod pages;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::routing::{get, post};
use sendtrack_domain::records::Casework;
use sendtrack_store::Store;
use std::sync::Arc;
use tokio::sync::RwLock;

pub use auth::{hash_password, new_password};

/// What every request can reach.
pub struct AppState {
    pub store: Store,
    /// The authority's name, in the header of every page.
    pub authority: String,
    /// The day the service works on; `None` for the system's local date.
    pub today: Option<jiff::civil::Date>,
    /// The records, loaded once and shared by the pages.
    casework: RwLock<Option<Arc<Casework>>>,
}

impl AppState {
    pub fn new(store: Store, authority: String, today: Option<jiff::civil::Date>) -> AppState {
        AppState { store, authority, today, casework: RwLock::new(None) }
    }

    pub fn today(&self) -> jiff::civil::Date {
        self.today.unwrap_or_else(|| jiff::ZonedDateTime::now().date())
    }

    /// The records, read from the database the first time they are needed.
    async fn casework(&self) -> Result<Arc<Casework>, sendtrack_store::StoreError> {
        if let Some(cw) = self.casework.read().await.as_ref() {
            return Ok(cw.clone());
        }
        let mut slot = self.casework.write().await;
        if let Some(cw) = slot.as_ref() {
            return Ok(cw.clone());
        }
        let loaded = Arc::new(self.store.load().await?);
        *slot = Some(loaded.clone());
        Ok(loaded)
    }
}

const GOVUK_CSS: &[u8] = include_bytes!("../assets/govuk.css");
const APP_CSS: &[u8] = include_bytes!("../assets/app.css");
const GOVUK_JS: &[u8] = include_bytes!("../assets/govuk-frontend.min.js");
const APP_JS: &[u8] = include_bytes!("../assets/app.mjs");

fn asset(body: &'static [u8], content_type: &'static str) -> impl axum::response::IntoResponse {
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "public, max-age=3600")], body)
}

/// Security headers on every response: a Content-Security-Policy without inline script, no
/// sniffing, no framing, no referrer outside the service.
async fn security_headers(request: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let policy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(policy));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

/// Every route of the web app.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/", get(pages::today::show))
        .route("/sign-in", get(pages::sign_in::form).post(pages::sign_in::submit))
        .route("/sign-out", post(pages::sign_in::sign_out))
        .route("/children", get(pages::children::find).post(pages::children::search))
        .route("/children/{id}", get(pages::children::record))
        .route("/scorecard", get(pages::scorecard::show))
        .route("/measures/{id}", get(pages::measure::show))
        .route("/measures/{id}/records.csv", get(pages::measure::records_csv))
        .route("/assets/govuk.css", get(|| async { asset(GOVUK_CSS, "text/css") }))
        .route("/assets/app.css", get(|| async { asset(APP_CSS, "text/css") }))
        .route("/assets/govuk-frontend.min.js", get(|| async { asset(GOVUK_JS, "text/javascript") }))
        .route("/assets/app.mjs", get(|| async { asset(APP_JS, "text/javascript") }))
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn(security_headers))
        .with_state(state)
}

/// Serves the web app on `addr` until the process ends; tells `ready` the address it serves on.
pub async fn serve(state: Arc<AppState>, addr: &str, ready: impl FnOnce(std::net::SocketAddr)) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    ready(listener.local_addr()?);
    axum::serve(listener, router(state)).await
}
