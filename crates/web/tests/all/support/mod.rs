//! What the web app's route tests share: an app over a demo authority with a caseworker and an
//! analyst, and requests with or without a session.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)] // Test helpers may panic: a panic is a failed test.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use sendtrack_domain::access::Role;
use sendtrack_interchange::demo::{DemoOptions, generate};
use sendtrack_store::Store;
use sendtrack_web::{AppState, Protection, hash_password, router};
use std::sync::Arc;
use tower::ServiceExt;

pub const TODAY: (i16, i8, i8) = (2026, 11, 30);

/// The password of every test account, and its hash (computed once: Argon2id is slow).
pub const PASSWORD: &str = "correct horse battery";

fn password_hash() -> String {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password(PASSWORD)).clone()
}

/// The test accounts: one of each role (the caseworker is staff id cw001).
pub const ACCOUNTS: [(&str, Role); 5] = [
    ("admin@example.org", Role::Admin),
    ("manager@example.org", Role::Manager),
    ("case@example.org", Role::Caseworker),
    ("analyst@example.org", Role::Analyst),
    ("viewer@example.org", Role::Viewer),
];

/// A demo authority of 300 children with an account of each role, served with `protection`.
pub async fn app_with(store: Store, protection: Protection) -> axum::Router {
    router(Arc::new(state_with(store, protection).await))
}

/// The state of [`app_with`].
pub async fn state_with(store: Store, protection: Protection) -> AppState {
    let cw = generate(&DemoOptions { children: 300, seed: 3, as_at: jiff::civil::date(TODAY.0, TODAY.1, TODAY.2) });
    store.save(&cw, &|_| {}).await.unwrap();
    for (email, role) in ACCOUNTS {
        let staff_id = (role == Role::Caseworker).then_some("cw001");
        store.add_user(email, role, &password_hash(), staff_id, "2026-11-30").await.unwrap();
    }
    let state = AppState::new(store, "Test Council".into(), Some(jiff::civil::date(TODAY.0, TODAY.1, TODAY.2)));
    let secret_key =
        protection.secret_key.clone().or_else(|| Some(sendtrack_web::SecretKey::from_hex(&"5e".repeat(32)).unwrap()));
    state.with_protection(Protection { secret_key, ..protection })
}

/// [`app`] sending e-mail to the test SMTP server `sink` (issue 19).
pub async fn app_with_mail(store: Store, sink: &sendtrack_mail::testing::SmtpSink) -> axum::Router {
    let mailer = sendtrack_mail::Mailer::new(&sink.url(), "send@council.example.org").unwrap();
    let links = sendtrack_mail::Links { base: "https://send.council.example.org".into() };
    // Wrong codes slow the next attempt as wrong passwords do; by a millisecond here.
    let protection = Protection { delay_step: std::time::Duration::from_millis(1), ..Protection::default() };
    let state = state_with(store, protection).await.with_mail(Some((mailer, links)));
    router(Arc::new(state))
}

/// [`app_with`] the service's protection.
pub async fn app(store: Store) -> axum::Router {
    app_with(store, Protection::default()).await
}

pub async fn get(app: &axum::Router, path: &str, cookie: Option<&str>) -> (StatusCode, axum::http::HeaderMap, String) {
    let mut request = Request::get(path);
    if let Some(c) = cookie {
        request = request.header(header::COOKIE, c);
    }
    let response = app.clone().oneshot(request.body(Body::empty()).unwrap()).await.unwrap();
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, 10_000_000).await.unwrap();
    (parts.status, parts.headers, String::from_utf8_lossy(&bytes).into_owned())
}

/// The proxy the tests' requests come through (a TLS terminator on this machine).
pub const PROXY: [u8; 4] = [127, 0, 0, 1];

/// Protection that trusts the tests' proxy to say whom it forwards for.
pub fn behind_proxy() -> Protection {
    Protection { trusted_proxies: vec![std::net::IpAddr::from(PROXY)], ..Protection::default() }
}

/// `request` as the trusted proxy forwards it for `client` (the connection's peer is the proxy).
pub fn via_proxy(mut request: Request<Body>, client: &str) -> Request<Body> {
    let peer = std::net::SocketAddr::from((PROXY, 40000));
    request.extensions_mut().insert(axum::extract::ConnectInfo(peer));
    request.headers_mut().insert("x-forwarded-for", client.parse().unwrap());
    request
}

/// The sign-in form's cookie (`name=value`) and the token its form carries (login CSRF).
pub async fn sign_in_form(app: &axum::Router) -> (String, String) {
    let (status, headers, page) = get(app, "/sign-in", None).await;
    assert_eq!(status, StatusCode::OK);
    let cookie = headers.get(header::SET_COOKIE).unwrap().to_str().unwrap();
    assert!(cookie.contains("SameSite=Strict") && cookie.contains("HttpOnly"), "{cookie}");
    (cookie.split(';').next().unwrap().to_string(), csrf_in(&page))
}

/// A sign-in request as the sign-in page's form sends it (with its cookie and token).
pub async fn sign_in_request(app: &axum::Router, email: &str, password: &str) -> Request<Body> {
    let (cookie, token) = sign_in_form(app).await;
    let form = serde_urlencoded::to_string([("csrf_token", token.as_str()), ("email", email), ("password", password)])
        .unwrap();
    Request::post("/sign-in")
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form))
        .unwrap()
}

pub async fn sign_in(app: &axum::Router, email: &str, password: &str) -> (StatusCode, axum::http::HeaderMap, String) {
    let (cookie, token) = sign_in_form(app).await;
    let form = serde_urlencoded::to_string([("csrf_token", token.as_str()), ("email", email), ("password", password)])
        .unwrap();
    let request = Request::post("/sign-in")
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form))
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, 1_000_000).await.unwrap();
    (parts.status, parts.headers, String::from_utf8_lossy(&bytes).into_owned())
}

pub async fn post(
    app: &axum::Router,
    path: &str,
    cookie: &str,
    form: &[(&str, &str)],
) -> (StatusCode, axum::http::HeaderMap, String) {
    let request = Request::post(path)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(serde_urlencoded::to_string(form).unwrap()))
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, 10_000_000).await.unwrap();
    (parts.status, parts.headers, String::from_utf8_lossy(&bytes).into_owned())
}

/// What the scorecard page says while its figures leave out changes (issue 16).
pub const SCORECARD_BEHIND: &str = "These figures do not yet include the last";

/// The scorecard page as `cookie` sees it, asked for again until its figures include every
/// change (for up to ten seconds: the latest are worked out in the background).
pub async fn scorecard_when_current(app: &axum::Router, cookie: &str) -> String {
    let mut page = get(app, "/scorecard", Some(cookie)).await.2;
    for _ in 0..400 {
        if !page.contains(SCORECARD_BEHIND) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        page = get(app, "/scorecard", Some(cookie)).await.2;
    }
    page
}

/// A page's first table, as HTML.
pub fn first_table(page: &str) -> String {
    page[page.find("<table").unwrap()..page.find("</table>").unwrap()].to_string()
}

/// The CSRF token in a page's forms.
pub fn csrf_in(page: &str) -> String {
    let pattern = "name=\"csrf_token\" value=\"";
    let start = page.find(pattern).expect("the page has a form with a CSRF token") + pattern.len();
    page[start..start + 64].to_string()
}

/// The CSRF token of a session, read from the Today page's sign-out form.
pub async fn csrf(app: &axum::Router, cookie: &str) -> String {
    csrf_in(&get(app, "/children", Some(cookie)).await.2)
}

/// Signs in with a password and returns the cookie to send back.
pub async fn session_with(app: &axum::Router, email: &str, password: &str) -> String {
    let (status, headers, _) = sign_in(app, email, password).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{email} signs in");
    headers.get(header::SET_COOKIE).unwrap().to_str().unwrap().split(';').next().unwrap().to_string()
}

/// Signs in and returns the cookie to send back.
pub async fn session(app: &axum::Router, email: &str) -> String {
    let (status, headers, _) = sign_in(app, email, PASSWORD).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let set_cookie = headers.get(header::SET_COOKIE).unwrap().to_str().unwrap().to_string();
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"), "{set_cookie}");
    set_cookie.split(';').next().unwrap().to_string()
}

/// Makes every session look last used `minutes` ago; returns that time as stored.
pub async fn sessions_last_used(store: &Store, minutes: i64) -> String {
    let at =
        (jiff::Timestamp::now() - jiff::SignedDuration::from_mins(minutes)).strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    sqlx::query(sqlx::AssertSqlSafe(format!("UPDATE sessions SET last_seen_at = '{at}'")))
        .execute(store.pool())
        .await
        .unwrap();
    at
}
