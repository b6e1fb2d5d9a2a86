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

/// The signed-in user of a request. A page that takes it is only shown to signed-in users;
/// anyone else is sent to the sign-in page.
pub struct SignedIn(pub User);

impl FromRequestParts<Arc<AppState>> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<SignedIn, Response> {
        let Some(token) = session_token(parts) else {
            return Err(Redirect::to("/sign-in").into_response());
        };
        match state.store.session_user(&token_hash(&token)).await {
            Ok(Some(user)) => Ok(SignedIn(user)),
            Ok(None) => Err(Redirect::to("/sign-in").into_response()),
            Err(e) => {
                tracing::error!("cannot read the session: {e}");
                Err(crate::pages::server_error())
            }
        }
    }
}
