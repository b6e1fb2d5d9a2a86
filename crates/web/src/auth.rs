//! Sign-in: Argon2id password hashes (checked off the async threads), random session tokens
//! kept only in the user's cookie and stored as their SHA-256, and the extractor that gives a
//! page its signed-in user or sends the browser to the sign-in page.

use crate::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use sendtrack_store::User;
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// The name of the session cookie.
pub const SESSION_COOKIE: &str = "sendtrack_session";

/// The Argon2id hash of a password (PHC string).
pub fn hash_password(password: &str) -> String {
    password_auth::generate_hash(password)
}

/// A random password of 20 letters and digits (for the demo's sign-in).
pub fn new_password() -> String {
    const CHARS: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 20];
    // The operating system's random source is a true invariant of a running server.
    getrandom::fill(&mut bytes).unwrap_or_default();
    bytes.iter().map(|b| CHARS[usize::from(*b) % CHARS.len()] as char).collect()
}

/// Checks a password against a stored hash, on a blocking thread (Argon2id is slow on purpose).
pub async fn password_matches(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || password_auth::verify_password(password, &hash).is_ok()).await.unwrap_or(false)
}

/// A new session token (32 random bytes, hex) and the hash stored for it.
pub fn new_token() -> Option<(String, String)> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).ok()?;
    let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let hash = token_hash(&token);
    Some((token, hash))
}

/// The SHA-256 of a token, as stored.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// The session token from the request's cookies, if any.
pub fn session_token(parts: &Parts) -> Option<String> {
    parts
        .headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_string())
}

/// The CSRF token of a session: derived from the session's secret token, so it needs no
/// storage, differs for every session and cannot be guessed without the cookie.
pub fn csrf_token(session_token: &str) -> String {
    token_hash(&format!("csrf:{session_token}"))
}

/// The name of the form field that carries the CSRF token.
pub const CSRF_FIELD: &str = "csrf_token";

/// A signed-in user and the CSRF token every form of theirs must send back.
pub struct Session {
    pub user: User,
    pub csrf: String,
}

impl std::ops::Deref for Session {
    type Target = User;
    fn deref(&self) -> &User {
        &self.user
    }
}

/// The signed-in user of a request. A page that takes it is only shown to signed-in users;
/// anyone else is sent to the sign-in page.
pub struct SignedIn(pub Session);

impl FromRequestParts<Arc<AppState>> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<SignedIn, Response> {
        let Some(token) = session_token(parts) else {
            return Err(Redirect::to("/sign-in").into_response());
        };
        match state.store.session_user(&token_hash(&token)).await {
            Ok(Some(user)) => Ok(SignedIn(Session { user, csrf: csrf_token(&token) })),
            Ok(None) => Err(Redirect::to("/sign-in").into_response()),
            Err(e) => {
                tracing::error!("cannot read the session: {e}");
                Err(crate::pages::server_error())
            }
        }
    }
}

/// Refuses a state-changing request (POST) that does not carry its session's CSRF token in a
/// form field, before any handler sees it. Sign-in has no session yet and is exempt: its
/// cookie is `SameSite=Lax` and a forged sign-in gains an attacker nothing of the victim's.
/// Bodies are limited to [`MAX_FORM_BYTES`].
pub async fn require_csrf(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    use axum::http::{Method, StatusCode};
    if request.method() != Method::POST || request.uri().path() == "/sign-in" {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Some(token) = session_token(&parts) else {
        return Redirect::to("/sign-in").into_response();
    };
    let expected = csrf_token(&token);
    let bytes = match axum::body::to_bytes(body, MAX_FORM_BYTES).await {
        Ok(bytes) => bytes,
        Err(_) => return (StatusCode::PAYLOAD_TOO_LARGE, "The form is too large.").into_response(),
    };
    let sent = form_field(&bytes, CSRF_FIELD)
        .or_else(|| parts.headers.get("x-csrf-token").and_then(|v| v.to_str().ok()).map(str::to_string));
    if sent.as_deref() != Some(expected.as_str()) {
        tracing::warn!("a state-changing request without a valid CSRF token was refused");
        return crate::pages::csrf_refused();
    }
    next.run(axum::extract::Request::from_parts(parts, axum::body::Body::from(bytes))).await
}

/// The largest form body accepted.
pub const MAX_FORM_BYTES: usize = 256 * 1024;

/// The first value of `name` in a URL-encoded form body.
fn form_field(body: &[u8], name: &str) -> Option<String> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).ok()?;
    pairs.into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}
