//! Sign-in and sessions: Argon2id password hashes (checked off the async threads), random
//! session tokens kept only in the user's cookie and stored as their SHA-256, sessions that
//! end after a time without use, CSRF tokens derived from the session, and the middleware that
//! checks every request against the access table before any handler runs.

use crate::AppState;
use crate::access::{Grant, Who, rule_for};
use axum::extract::{FromRequestParts, MatchedPath};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use sendtrack_store::{SessionStage, User};
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// The name of the session cookie.
pub const SESSION_COOKIE: &str = "sendtrack_session";

/// How sign-in and sessions are protected. The defaults are the service's; tests shorten them.
#[derive(Debug, Clone)]
pub struct Protection {
    /// A session not used for this many minutes ends.
    pub idle_minutes: i64,
    /// Failed sign-ins (per account or per address) within the window after which each further
    /// attempt is slowed.
    pub slow_after: i64,
    /// How much each failure beyond `slow_after` adds to the wait, up to 5 seconds.
    pub delay_step: std::time::Duration,
    /// Failed sign-ins for one account within the window after which it is locked.
    pub lock_account_after: i64,
    /// Failed sign-ins from one address within the window after which it is locked.
    pub lock_address_after: i64,
    /// The window, and how long a lock lasts, in minutes.
    pub window_minutes: i64,
    /// Mark cookies `Secure` (served over TLS, directly or behind a TLS terminator).
    pub secure_cookies: bool,
    /// The reverse proxies (TLS terminators) trusted to say, in `X-Forwarded-For`, whom they
    /// forward for; empty: the header is ignored and the connection's peer is the client.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The key second-factor secrets are sealed with at rest; without it none can be set up.
    pub secret_key: Option<crate::secrets::SecretKey>,
}

impl Default for Protection {
    fn default() -> Protection {
        Protection {
            idle_minutes: 30,
            slow_after: 3,
            delay_step: std::time::Duration::from_secs(1),
            lock_account_after: 5,
            lock_address_after: 20,
            window_minutes: 15,
            secure_cookies: false,
            trusted_proxies: Vec::new(),
            secret_key: None,
        }
    }
}

impl Protection {
    /// The session cookie's attributes.
    pub fn cookie(&self, value: &str, max_age: Option<i64>) -> String {
        let mut cookie = self.cookie_named(SESSION_COOKIE, value, "/", cookie::SameSite::Lax);
        if let Some(age) = max_age {
            cookie.set_max_age(cookie::time::Duration::seconds(age));
        }
        cookie.to_string()
    }

    /// A cookie of this service: HTTP only, on `path`, secure when served over TLS.
    pub fn cookie_named(
        &self,
        name: &'static str,
        value: &str,
        path: &'static str,
        same_site: cookie::SameSite,
    ) -> cookie::Cookie<'static> {
        cookie::Cookie::build((name, value.to_string()))
            .path(path)
            .http_only(true)
            .same_site(same_site)
            .secure(self.secure_cookies)
            .build()
    }
}

/// The time now, as stored (UTC, to the second, so that texts compare in time order).
pub fn now() -> jiff::Timestamp {
    jiff::Timestamp::now()
}

/// A time as stored: `YYYY-MM-DDTHH:MM:SSZ`.
pub fn stored(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// `minutes` before `t`, as stored.
pub fn minutes_before(t: jiff::Timestamp, minutes: i64) -> String {
    stored(t.checked_sub(jiff::SignedDuration::from_mins(minutes)).unwrap_or(t))
}

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

/// A hash to check a password against when the e-mail has no account, made once, so that an
/// unknown e-mail costs the same Argon2id work as a known one.
pub fn unknown_account_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password(&new_password()))
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
    cookie(parts, SESSION_COOKIE)
}

/// The value of the cookie `name` in the request, if any.
pub fn cookie(parts: &Parts, name: &str) -> Option<String> {
    parts
        .headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_string())
}

/// The network address a request came from: the connection's peer; or, when the peer is a
/// trusted proxy, the right-most address of `X-Forwarded-For` that is not itself a trusted
/// proxy (the one the trusted proxies saw; anything left of it the client could have written).
/// An entry that is not an IP address is never taken: the peer is used instead.
pub fn client_address(parts: &Parts, protection: &Protection) -> String {
    let peer = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip());
    forwarded_client(peer, parts.headers.get_all("x-forwarded-for"), &protection.trusted_proxies)
        .or(peer)
        .map_or_else(|| "unknown".to_string(), |ip| ip.to_string())
}

fn forwarded_client(
    peer: Option<std::net::IpAddr>,
    headers: axum::http::header::GetAll<'_, axum::http::HeaderValue>,
    trusted: &[std::net::IpAddr],
) -> Option<std::net::IpAddr> {
    let peer = peer?;
    if !trusted.contains(&peer) {
        return None;
    }
    let entries: Vec<&str> =
        headers.iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).map(str::trim).collect();
    for entry in entries.into_iter().rev() {
        let ip = entry.parse::<std::net::IpAddr>().ok()?;
        if !trusted.contains(&ip) {
            return Some(ip);
        }
    }
    None
}

/// The CSRF token of a session: derived from the session's secret token, so it needs no
/// storage, differs for every session and cannot be guessed without the cookie.
pub fn csrf_token(session_token: &str) -> String {
    token_hash(&format!("csrf:{session_token}"))
}

/// The name of the form field that carries the CSRF token.
pub const CSRF_FIELD: &str = "csrf_token";

/// A signed-in user, the CSRF token every form of theirs must send back, where they are, and
/// their session (by the hash of its token).
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub csrf: String,
    pub address: String,
    pub token_hash: String,
    /// Whether the person's role must sign in with a second factor.
    pub second_factor_required: bool,
    /// Minutes without use after which the session ends (for the timeout warning).
    pub idle_minutes: i64,
}

impl std::ops::Deref for Session {
    type Target = User;
    fn deref(&self) -> &User {
        &self.user
    }
}

/// The signed-in user of a request, put there by [`require_access`]. A page that takes it is only shown
/// to signed-in users; anyone else is sent to the sign-in page.
pub struct SignedIn(pub Session);

impl FromRequestParts<Arc<AppState>> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &Arc<AppState>) -> Result<SignedIn, Response> {
        parts.extensions.get::<Session>().cloned().map(SignedIn).ok_or_else(|| Redirect::to("/sign-in").into_response())
    }
}

/// Checks every request against the access table before its handler: a route without a rule
/// is refused to everyone; a route for signed-in people needs a live session (which it puts in
/// the request for [`SignedIn`]) and a role the rule allows. A session still waiting for its
/// one-time code, or whose role must use a second factor not yet set up, may only finish that.
/// Whether an admin has given the person `grant` (and their role can hold it).
fn has_grant(user: &sendtrack_store::User, grant: Grant) -> bool {
    grant.for_role(user.role)
        && match grant {
            Grant::SubmitsSen2 => user.submits_sen2,
        }
}

/// Whether the person may use a route, by the same rule the middleware enforces: pages offer
/// a link only where following it would be allowed.
pub fn may_use(user: &sendtrack_store::User, method: &str, path: &str) -> bool {
    rule_for(method, path).is_some_and(|rule| rule.who.allows_with(user.role, |grant| has_grant(user, grant)))
}

/// The table a request downloads (`?download=...&table=ID`), if it downloads one.
fn downloaded_table(query: Option<&str>) -> Option<String> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query?).ok()?;
    pairs
        .iter()
        .any(|(k, _)| k == "download")
        .then(|| pairs.into_iter().find(|(k, _)| k == "table").map(|(_, v)| v).unwrap_or_default())
}

pub async fn require_access(
    axum::extract::State(state): axum::extract::State<Arc<AppState>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let path = request.extensions().get::<MatchedPath>().map(|m| m.as_str().to_string()).unwrap_or_default();
    let Some(mut rule) = rule_for(request.method().as_str(), &path) else {
        tracing::error!("refused {} {path}: the route has no access rule", request.method());
        return crate::pages::refused(&state, None);
    };
    // A download of one of the page's tables is governed by the rule of what the table carries.
    if let Some(table) = downloaded_table(request.uri().query())
        && let Some(governing) = crate::access::table_rule(&path, &table)
    {
        rule = governing;
    }
    if rule.who == Who::Anyone {
        return next.run(request).await;
    }
    if rule.who == Who::Portal {
        return portal_access(&state, request, next).await;
    }
    let (mut parts, body) = request.into_parts();
    let Some(token) = session_token(&parts) else { return Redirect::to("/sign-in").into_response() };
    let hash = token_hash(&token);
    let now = now();
    let found =
        match state.store.session(&hash, &minutes_before(now, state.protection.idle_minutes), &stored(now)).await {
            Ok(found) => found,
            Err(e) => return crate::pages::failed(e),
        };
    let Some(found) = found else {
        // No session, or one that ended (signed out, idle too long, account disabled). A form
        // sent after its session ended keeps its entries: the sign-in page carries them back.
        // Only a record's form keeps its entries; an action (inviting a family, sharing a
        // document) is never carried through signing in, where a forged post could ride it.
        let record_form =
            matches!(path.as_str(), "/children/new" | "/children/{id}/{kind}/new" | "/children/{id}/{kind}/{record}");
        if parts.method == Method::POST && record_form {
            let bytes = axum::body::to_bytes(body, MAX_FORM_BYTES).await.unwrap_or_default();
            let entries: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
            let kept: Vec<(String, String)> = entries.into_iter().filter(|(k, _)| k != CSRF_FIELD).collect();
            let page = crate::pages::sign_in::to_return(&state, &parts, parts.uri.path(), &kept);
            return ([(axum::http::header::SET_COOKIE, state.protection.cookie("", Some(0)))], page).into_response();
        }
        return ([(axum::http::header::SET_COOKIE, state.protection.cookie("", Some(0)))], Redirect::to("/sign-in"))
            .into_response();
    };
    let session = Session {
        user: found.user,
        csrf: csrf_token(&token),
        address: client_address(&parts, &state.protection),
        token_hash: hash,
        second_factor_required: found.second_factor_required,
        idle_minutes: state.protection.idle_minutes,
    };
    let finishing = path == "/sign-out" || path.starts_with("/account/two-factor");
    if found.stage == SessionStage::SecondFactorPending {
        return Redirect::to("/sign-in/two-factor").into_response();
    }
    if session.totp_secret.is_none() && !finishing && session.second_factor_required {
        return Redirect::to("/account/two-factor").into_response();
    }
    if !rule.who.allows_with(session.role, |grant| has_grant(&session.user, grant)) {
        return crate::pages::refused(&state, Some(&session));
    }
    parts.extensions.insert(session);
    next.run(axum::extract::Request::from_parts(parts, body)).await
}

/// The cookie of a portal session (issue 19): its own name and path, so that it never
/// reaches the staff app and a staff session never reaches the portal.
pub const PORTAL_COOKIE: &str = "sendtrack_portal";

/// The longest a portal session lasts, used or not: 12 hours.
const PORTAL_SESSION_MINUTES: i64 = 12 * 60;

/// A person signed in at the portal: their e-mail, the organisations they are a member of,
/// and the CSRF token their forms send back.
#[derive(Debug, Clone)]
pub struct PortalSession {
    pub email: String,
    pub csrf: String,
    pub address: String,
    pub token_hash: String,
    pub memberships: Vec<sendtrack_store::portal::Member>,
    /// The children whose case the person may see, as a family member (issue 20).
    pub family: Vec<sendtrack_store::portal::FamilyAccess>,
    pub idle_minutes: i64,
}

impl PortalSession {
    /// The ids of the organisations the person is a member of.
    pub fn organisations(&self) -> Vec<String> {
        self.memberships.iter().map(|m| m.organisation_id.clone()).collect()
    }

    /// The person's live access to `child_id`, as a family member, if they have it.
    pub fn access_to(&self, child_id: &str) -> Option<&sendtrack_store::portal::FamilyAccess> {
        self.family.iter().find(|a| a.child_id == child_id)
    }

    /// Whether the person is an admin of `organisation`.
    pub fn admin_of(&self, organisation: &str) -> bool {
        self.memberships.iter().any(|m| m.is_admin && m.organisation_id == organisation)
    }
}

/// The portal session of a request, put there by [`require_access`] on portal routes.
pub struct Portal(pub PortalSession);

impl FromRequestParts<Arc<AppState>> for Portal {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &Arc<AppState>) -> Result<Portal, Response> {
        parts
            .extensions
            .get::<PortalSession>()
            .cloned()
            .map(Portal)
            .ok_or_else(|| Redirect::to("/portal/sign-in").into_response())
    }
}

/// The portal's half of [`require_access`]: a live portal session of a person who is still a
/// member of an organisation, else the portal's sign-in (never the staff app's).
async fn portal_access(state: &AppState, request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let ended = || {
        let cookie = state.protection.cookie_named(PORTAL_COOKIE, "", "/portal", cookie::SameSite::Lax);
        let mut cookie = cookie;
        cookie.set_max_age(cookie::time::Duration::seconds(0));
        ([(axum::http::header::SET_COOKIE, cookie.to_string())], Redirect::to("/portal/sign-in")).into_response()
    };
    let Some(token) = cookie(&parts, PORTAL_COOKIE) else { return Redirect::to("/portal/sign-in").into_response() };
    let hash = token_hash(&token);
    let at = now();
    let idle = state.protection.idle_minutes;
    // However busy, a portal session lasts a working day at most.
    let since = (minutes_before(at, idle), minutes_before(at, PORTAL_SESSION_MINUTES));
    let email = match state.store.portal_session(&hash, (&since.0, &since.1), &stored(at)).await {
        Ok(Some(email)) => email,
        Ok(None) => return ended(),
        Err(e) => return crate::pages::failed(e),
    };
    let memberships = match state.store.memberships(&email).await {
        Ok(m) => m,
        Err(e) => return crate::pages::failed(e),
    };
    let family = match state.store.family_access_of(&email).await {
        Ok(f) => f,
        Err(e) => return crate::pages::failed(e),
    };
    // Removed from every organisation and every child's case: the session ends.
    if memberships.is_empty() && family.is_empty() {
        return ended();
    }
    let session = PortalSession {
        email,
        csrf: csrf_token(&token),
        address: client_address(&parts, &state.protection),
        token_hash: hash,
        memberships,
        family,
        idle_minutes: idle,
    };
    parts.extensions.insert(session);
    next.run(axum::extract::Request::from_parts(parts, body)).await
}

/// Refuses a state-changing request (POST) that does not carry its session's CSRF token in a
/// form field, before any handler sees it. Sign-in has no session yet and carries a token of
/// its own form instead (login CSRF: `pages::sign_in`).
/// Bodies are limited to [`MAX_FORM_BYTES`].
pub async fn require_csrf(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    // Signing in has no session yet: its forms carry a token of their own (login CSRF).
    let path = request.uri().path();
    if request.method() != Method::POST || matches!(path, "/sign-in" | "/portal/sign-in" | "/portal/code") {
        return next.run(request).await;
    }
    let portal = path == "/portal" || path.starts_with("/portal/");
    let (parts, body) = request.into_parts();
    let token = if portal { cookie(&parts, PORTAL_COOKIE) } else { session_token(&parts) };
    let Some(token) = token else {
        return Redirect::to(if portal { "/portal/sign-in" } else { "/sign-in" }).into_response();
    };
    let expected = csrf_token(&token);
    let multipart = parts
        .headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("multipart/form-data"));
    if multipart {
        // An upload is read only after the session and the role are checked (by the access
        // middleware, after routing), as it streams: its handler checks the token, which comes
        // first in the form. Only the routes that take uploads accept one.
        if takes_upload(parts.uri.path()) {
            return next.run(axum::extract::Request::from_parts(parts, body)).await;
        }
        return crate::pages::csrf_refused();
    }
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

/// Whether the route of `path` takes a multipart upload (a SEN2 return, a child's document);
/// each such route checks the CSRF token, its form's first field.
fn takes_upload(path: &str) -> bool {
    let segments: Vec<&str> = path.split('/').collect();
    path == "/sen2/check"
        || path == "/indicators/values"
        || matches!(segments.as_slice(), ["", "children", id, "documents"] if !id.is_empty())
        || matches!(segments.as_slice(), ["", "portal", "advice" | "reviews", id] if !id.is_empty())
        || matches!(segments.as_slice(), ["", "portal", "children", id, "documents"] if !id.is_empty())
}

/// Reads the CSRF token from the first field of a multipart upload (the form puts it before any
/// file) and checks it against the session's: `Ok` to go on reading the upload.
pub async fn upload_token_matches(form: &mut axum::extract::Multipart, session: &Session) -> bool {
    upload_token_is(form, &session.csrf).await
}

/// As [`upload_token_matches`], for any session's token.
pub async fn upload_token_is(form: &mut axum::extract::Multipart, csrf: &str) -> bool {
    match form.next_field().await {
        Ok(Some(field)) if field.name() == Some(CSRF_FIELD) => {
            field.text().await.is_ok_and(|sent| sent.len() == csrf.len() && sent == csrf)
        }
        _ => false,
    }
}

/// The first value of `name` in a URL-encoded form body.
fn form_field(body: &[u8], name: &str) -> Option<String> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).ok()?;
    pairs.into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use axum::http::HeaderMap;
    use std::net::IpAddr;

    fn client(peer: &str, forwarded: &[&str], trusted: &[&str]) -> Option<IpAddr> {
        let mut headers = HeaderMap::new();
        for f in forwarded {
            headers.append("x-forwarded-for", f.parse().unwrap());
        }
        let trusted: Vec<IpAddr> = trusted.iter().map(|t| t.parse().unwrap()).collect();
        forwarded_client(Some(peer.parse().unwrap()), headers.get_all("x-forwarded-for"), &trusted)
    }

    #[test]
    fn the_right_most_address_a_trusted_proxy_added_is_the_client() {
        let ip = |s: &str| Some(s.parse::<IpAddr>().unwrap());
        // The client wrote 10.0.0.1 itself; the proxy appended what it saw.
        assert_eq!(client("127.0.0.1", &["10.0.0.1, 203.0.113.9"], &["127.0.0.1"]), ip("203.0.113.9"));
        // Two proxies in a row, both trusted.
        assert_eq!(
            client("127.0.0.1", &["198.51.100.4, 192.0.2.50"], &["127.0.0.1", "192.0.2.50"]),
            ip("198.51.100.4")
        );
        // Several header lines read as one list.
        assert_eq!(client("127.0.0.1", &["10.0.0.1", "203.0.113.9"], &["127.0.0.1"]), ip("203.0.113.9"));
        // An entry that is not an IP address is never taken.
        assert_eq!(client("127.0.0.1", &["<script>"], &["127.0.0.1"]), None);
        assert_eq!(client("127.0.0.1", &["203.0.113.9, not-an-ip"], &["127.0.0.1"]), None);
        // A peer that is not a trusted proxy: the header is ignored.
        assert_eq!(client("203.0.113.7", &["10.0.0.1"], &["127.0.0.1"]), None);
        assert_eq!(client("127.0.0.1", &["10.0.0.1"], &[]), None);
    }
}
