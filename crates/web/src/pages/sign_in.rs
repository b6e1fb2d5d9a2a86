//! Signing in and out. Each attempt is audited with where it came from; repeated failures for
//! an account or from an address are slowed and then locked for a time; a new session is
//! made on every sign-in (the old one, if any, ends); a person with a second factor gives
//! their one-time code before the session is signed in.

use crate::AppState;
use crate::auth::SignedIn;
use crate::auth::{
    CSRF_FIELD, client_address, csrf_token, minutes_before, new_token, now, password_matches, session_token, stored,
    token_hash,
};
use crate::error::{Answer, AppError};
use crate::govuk::{TextInput, error_summary, text_input};
use crate::layout::page;
use axum::Form;
use axum::extract::State;
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use sendtrack_store::{AuditEvent, SessionStage, audit, people};
use std::sync::Arc;

#[derive(serde::Deserialize)]
pub struct Credentials {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    /// The sign-in form's own token (login CSRF): see [`SignInForm`].
    #[serde(default)]
    csrf_token: String,
}

/// The sign-in form's protection against login CSRF (a page elsewhere signing the browser in
/// to an attacker's account, so that what the victim records is filed under it): the form
/// carries a token derived from a random value in a `SameSite=Strict` cookie that the form's
/// page sets, which a form posted from another site cannot send.
pub(crate) struct SignInForm {
    /// The cookie's value (kept when the browser already has one).
    secret: String,
    /// Whether the cookie must be set with this answer.
    pub(crate) new: bool,
    /// The cookie's name and path: the staff app's sign-in, or the portal's.
    cookie: (&'static str, &'static str),
}

impl SignInForm {
    fn of(parts: &Parts) -> Option<SignInForm> {
        SignInForm::named(parts, (SIGN_IN_COOKIE, "/sign-in"))
    }

    /// The portal's sign-in form (issue 19): its own cookie, sent to the portal's paths only.
    pub(crate) fn for_portal(parts: &Parts) -> Option<SignInForm> {
        SignInForm::named(parts, ("sendtrack_portal_sign_in", "/portal"))
    }

    fn named(parts: &Parts, cookie: (&'static str, &'static str)) -> Option<SignInForm> {
        match crate::auth::cookie(parts, cookie.0) {
            Some(secret) if secret.len() == 64 => Some(SignInForm { secret, new: false, cookie }),
            _ => new_token().map(|(secret, _)| SignInForm { secret, new: true, cookie }),
        }
    }

    pub(crate) fn token(&self) -> String {
        token_hash(&format!("sign-in:{}", self.secret))
    }

    /// The answer with the form's cookie set when it is new.
    pub(crate) fn respond(&self, state: &AppState, answer: impl IntoResponse) -> Response {
        if !self.new {
            return answer.into_response();
        }
        let (name, path) = self.cookie;
        let cookie = state.protection.cookie_named(name, &self.secret, path, cookie::SameSite::Strict);
        ([(header::SET_COOKIE, cookie.to_string())], answer).into_response()
    }
}

/// The cookie that carries the sign-in form's secret.
const SIGN_IN_COOKIE: &str = "sendtrack_sign_in";

/// A text field with its GOV.UK error message, if `errors` has one for it.
fn field(id: &str, label: &str, kind: &str, autocomplete: &str, value: &str, errors: &[(&str, &str)]) -> Markup {
    let error = errors.iter().find(|(f, _)| *f == id).map(|(_, m)| *m);
    text_input(TextInput { id, label, kind, autocomplete: Some(autocomplete), value, error, ..TextInput::default() })
}

/// Entries of a form whose session ended, carried through signing in again: where the form
/// was sent, and its fields.
#[derive(Default)]
struct Kept<'a> {
    return_to: Option<&'a str>,
    fields: &'a [(String, String)],
}

/// Whether `path` is one of the record forms entries may be carried back to.
fn returnable(path: &str) -> bool {
    path.starts_with("/children/") && !path.contains("//") && !path.contains("..")
}

fn sign_in_page(state: &AppState, form: &SignInForm, email: &str, errors: &[(&str, &str)]) -> Markup {
    sign_in_page_keeping(state, form, email, errors, &Kept::default())
}

fn sign_in_page_keeping(
    state: &AppState,
    form: &SignInForm,
    email: &str,
    errors: &[(&str, &str)],
    kept: &Kept,
) -> Markup {
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
                    @if kept.return_to.is_some() && errors.is_empty() {
                        div class="govuk-warning-text" {
                            span class="govuk-warning-text__icon" aria-hidden="true" { "!" }
                            strong class="govuk-warning-text__text" {
                                span class="govuk-visually-hidden" { "Warning" }
                                "You were signed out because you had not used sendtrack for a while, so nothing was saved. Sign in again to go back to the form with what you entered."
                            }
                        }
                    }
                    form method="post" action="/sign-in" novalidate {
                        input type="hidden" name=(CSRF_FIELD) value=(form.token());
                        @if let Some(to) = kept.return_to {
                            input type="hidden" name="return_to" value=(to);
                            @for (name, value) in kept.fields { input type="hidden" name=(format!("kept.{name}")) value=(value); }
                        }
                        (field("email", "Email address", "email", "email", email, errors))
                        (field("password", "Password", "password", "current-password", "", errors))
                        button type="submit" class="govuk-button" data-module="govuk-button" { "Sign in" }
                    }
                }
            }
        },
    )
}

/// The sign-in page for a form sent after its session ended, carrying its entries (not the
/// old CSRF token) so that signing in returns to the form with them.
pub fn to_return(state: &AppState, parts: &Parts, path: &str, fields: &[(String, String)]) -> Response {
    let Some(form) = SignInForm::of(parts) else { return super::server_error() };
    let kept = Kept { return_to: returnable(path).then_some(path), fields };
    form.respond(state, (axum::http::StatusCode::UNAUTHORIZED, sign_in_page_keeping(state, &form, "", &[], &kept)))
}

pub async fn form(State(state): State<Arc<AppState>>, parts: Parts) -> Response {
    let Some(form) = SignInForm::of(&parts) else { return super::server_error() };
    form.respond(&state, sign_in_page(&state, &form, "", &[]))
}

/// An audit row about a sign-in (the person may not exist: the email is what was typed).
pub(crate) fn event(email: &str, action: &str, address: &str) -> AuditEvent {
    AuditEvent {
        at: stored(now()),
        email: email.to_string(),
        action: action.to_string(),
        address: Some(address.to_string()),
        ..AuditEvent::default()
    }
}

pub async fn submit(
    State(state): State<Arc<AppState>>,
    parts: Parts,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Answer {
    let get = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default();
    let credentials = Credentials { email: get("email"), password: get("password"), csrf_token: get(CSRF_FIELD) };
    let return_to = Some(get("return_to")).filter(|p| returnable(p));
    let kept_fields: Vec<(String, String)> =
        pairs.iter().filter_map(|(k, v)| Some((k.strip_prefix("kept.")?.to_string(), v.clone()))).collect();
    let kept = Kept { return_to: return_to.as_deref(), fields: &kept_fields };
    let email = credentials.email.trim().to_lowercase();
    let Some(form) = SignInForm::of(&parts) else { return Err(AppError::Internal("no sign-in form".into())) };
    if form.new || credentials.csrf_token != form.token() {
        // Not posted from this service's own sign-in page (or the browser keeps no cookies).
        tracing::warn!("a sign-in without the sign-in form's token was refused");
        let message = "Sign in from this page. If you see this again, check that your browser accepts cookies.";
        let page = sign_in_page(&state, &form, &email, &[("email", message)]);
        return Ok(form.respond(&state, (axum::http::StatusCode::BAD_REQUEST, page)));
    }
    let mut errors = Vec::new();
    if email.is_empty() {
        errors.push(("email", "Enter your email address"));
    }
    if credentials.password.is_empty() {
        errors.push(("password", "Enter your password"));
    }
    if !errors.is_empty() {
        return Ok(sign_in_page_keeping(&state, &form, &email, &errors, &kept).into_response());
    }
    let p = &state.protection;
    let address = client_address(&parts, p);
    let at = now();
    if throttle(&state, &email, &address).await? == Throttle::Locked {
        let message = "There have been too many failed attempts to sign in. Wait 15 minutes, then try again.";
        let page = sign_in_page(&state, &form, &email, &[("email", message)]);
        return Ok((axum::http::StatusCode::TOO_MANY_REQUESTS, page).into_response());
    }
    let user = state.store.user(&email).await?;
    // The same answer, after the same Argon2 work, whether the email is unknown or the
    // password wrong: neither the page nor its timing tells which e-mails have accounts.
    let hash =
        user.as_ref().map_or_else(|| crate::auth::unknown_account_hash().to_string(), |u| u.password_hash.clone());
    let matches = password_matches(credentials.password, hash).await && user.is_some();
    let Some(user) = user.filter(|_| matches) else {
        // The failure and its audit row, together.
        let forget = minutes_before(at, p.window_minutes);
        let mut work = state.store.begin().await?;
        people::record_failed_sign_in(&mut work, &email, &address, &stored(at), &forget).await?;
        audit::record(&mut work, &event(&email, "sign-in failed", &address)).await?;
        work.commit().await?;
        tracing::info!("a sign-in failed");
        let errors = [("email", "Enter a correct email address and password")];
        return Ok(sign_in_page_keeping(&state, &form, &email, &errors, &kept).into_response());
    };
    let stage = if user.totp_secret.is_some() { SessionStage::SecondFactorPending } else { SessionStage::Full };
    let Some((token, hash)) = new_token() else { return Err(AppError::Internal("no random token".into())) };
    // The sign-in is one transaction: the old session ended, the new one started, failures
    // forgotten and the audit row written, all or none.
    let mut work = state.store.begin().await?;
    // A new session on every sign-in; the one the browser had, if any, ends.
    if let Some(old) = session_token(&parts) {
        people::delete_session(&mut work, &token_hash(&old)).await?;
    }
    people::create_session(&mut work, &hash, &user.email, stage, &stored(at)).await?;
    // Failures are forgotten only once the person is fully signed in: with a second factor,
    // after the code, so that "password, then wrong codes", repeated, still locks the account.
    if stage == SessionStage::Full {
        people::clear_failed_sign_ins(&mut work, &user.email).await?;
    }
    let action = if stage == SessionStage::Full { "sign in" } else { "sign in: password accepted, code awaited" };
    audit::record(&mut work, &event(&user.email, action, &address)).await?;
    work.commit().await?;
    let next = if stage == SessionStage::Full { user.role.home() } else { "/sign-in/two-factor" };
    // Entries kept from a form whose session had ended: a page that takes them back to it.
    if stage == SessionStage::Full
        && let Some(to) = kept.return_to
    {
        let page = returning_page(&state, to, &kept_fields, &csrf_token(&token));
        return Ok(([(header::SET_COOKIE, p.cookie(&token, None))], page).into_response());
    }
    Ok(([(header::SET_COOKIE, p.cookie(&token, None))], Redirect::to(next)).into_response())
}

/// After signing in again: the kept entries, sent back to their form to be checked and saved
/// (`returned=yes` makes the form show them, not save them).
fn returning_page(state: &AppState, to: &str, fields: &[(String, String)], csrf: &str) -> Markup {
    page(
        "You are signed in again",
        &state.authority,
        None,
        html! {
            div class="govuk-grid-row" {
                div class="govuk-grid-column-two-thirds" {
                    h1 class="govuk-heading-l" { "You are signed in again" }
                    p class="govuk-body" { "Nothing has been saved yet. Go back to the form to check what you entered, then save it." }
                    form method="post" action=(to) novalidate {
                        input type="hidden" name=(CSRF_FIELD) value=(csrf);
                        input type="hidden" name="returned" value="yes";
                        @for (name, value) in fields { input type="hidden" name=(name) value=(value); }
                        button type="submit" class="govuk-button" data-module="govuk-button" { "Go back to the form" }
                    }
                }
            }
        },
    )
}

fn code_page(state: &AppState, csrf: &str, errors: &[(&str, &str)]) -> Markup {
    let title = if errors.is_empty() { "Enter your security code" } else { "Error: Enter your security code" };
    page(
        title,
        &state.authority,
        None,
        html! {
            div class="govuk-grid-row" {
                div class="govuk-grid-column-two-thirds" {
                    (error_summary(errors))
                    h1 class="govuk-heading-l" { "Enter your security code" }
                    p class="govuk-body" { "Open the authenticator app you set up for sendtrack and enter the 6-digit code it shows." }
                    form method="post" action="/sign-in/two-factor" novalidate {
                        input type="hidden" name=(CSRF_FIELD) value=(csrf);
                        (field("code", "Security code", "text", "one-time-code", "", errors))
                        button type="submit" class="govuk-button" data-module="govuk-button" { "Continue" }
                    }
                }
            }
        },
    )
}

/// Whether an attempt (a password or a one-time code) may go ahead.
#[derive(PartialEq, Eq)]
pub(crate) enum Throttle {
    Go,
    Locked,
}

/// The one rule for password and code attempts alike: locked after too many failures for the
/// account or from the address within the window (audited), and slowed past the first few.
pub(crate) async fn throttle(state: &AppState, email: &str, address: &str) -> Result<Throttle, AppError> {
    let p = &state.protection;
    let (by_account, by_address) =
        state.store.failed_sign_ins(email, address, &minutes_before(now(), p.window_minutes)).await?;
    if by_account >= p.lock_account_after || by_address >= p.lock_address_after {
        state.audit().event(event(email, "sign-in refused: locked", address)).await?;
        return Ok(Throttle::Locked);
    }
    // Slowed: each failure past the first few adds to the wait before the answer.
    let failures = by_account.max(by_address);
    if failures >= p.slow_after {
        let extra = u32::try_from(failures - p.slow_after + 1).unwrap_or(u32::MAX);
        tokio::time::sleep(p.delay_step.saturating_mul(extra).min(std::time::Duration::from_secs(5))).await;
    }
    Ok(Throttle::Go)
}

/// The session of a half-signed-in person (password accepted, code awaited).
async fn pending(state: &AppState, parts: &Parts) -> Result<Option<(String, sendtrack_store::Session)>, AppError> {
    let Some(token) = session_token(parts) else { return Ok(None) };
    let hash = token_hash(&token);
    let at = now();
    let found = state.store.session(&hash, &minutes_before(at, state.protection.idle_minutes), &stored(at)).await?;
    Ok(found.filter(|s| s.stage == SessionStage::SecondFactorPending).map(|s| (token, s)))
}

pub async fn code_form(State(state): State<Arc<AppState>>, parts: Parts) -> Answer {
    Ok(match pending(&state, &parts).await? {
        Some((token, _)) => code_page(&state, &csrf_token(&token), &[]).into_response(),
        None => Redirect::to("/sign-in").into_response(),
    })
}

#[derive(serde::Deserialize)]
pub struct Code {
    #[serde(default)]
    code: String,
}

pub async fn code_submit(State(state): State<Arc<AppState>>, parts: Parts, Form(code): Form<Code>) -> Answer {
    let Some((token, session)) = pending(&state, &parts).await? else {
        return Ok(Redirect::to("/sign-in").into_response());
    };
    let address = client_address(&parts, &state.protection);
    if throttle(&state, &session.user.email, &address).await? == Throttle::Locked {
        // Locked while the code was awaited: the half-signed-in session ends.
        state.store.delete_session(&token_hash(&token)).await?;
        return Ok(Redirect::to("/sign-in").into_response());
    }
    // The stored secret is sealed (crate::secrets); one that does not open accepts no code.
    let stored_secret = session.user.totp_secret.clone().unwrap_or_default();
    let secret = state
        .protection
        .secret_key
        .as_ref()
        .and_then(|key| key.open(&stored_secret, &session.user.email))
        .unwrap_or_default();
    let accepted = crate::pages::account::accept_code(&state, &secret, &session.user.email, code.code.trim()).await?;
    if !accepted {
        let (at, forget) = (stored(now()), minutes_before(now(), state.protection.window_minutes));
        let mut work = state.store.begin().await?;
        people::record_failed_sign_in(&mut work, &session.user.email, &address, &at, &forget).await?;
        audit::record(&mut work, &event(&session.user.email, "sign-in failed: wrong code", &address)).await?;
        work.commit().await?;
        // Too many wrong codes end the half-signed-in session: the password is asked again.
        let since = minutes_before(now(), state.protection.window_minutes);
        let (n, _) = state.store.failed_sign_ins(&session.user.email, &address, &since).await?;
        if n >= state.protection.lock_account_after {
            state.store.delete_session(&token_hash(&token)).await?;
            return Ok(Redirect::to("/sign-in").into_response());
        }
        let message = "Enter the 6-digit code your authenticator app shows now";
        return Ok(code_page(&state, &csrf_token(&token), &[("code", message)]).into_response());
    }
    // The second factor given: the session completed, failures forgotten, the sign-in audited,
    // in one transaction.
    let mut work = state.store.begin().await?;
    people::complete_session(&mut work, &token_hash(&token)).await?;
    people::clear_failed_sign_ins(&mut work, &session.user.email).await?;
    audit::record(&mut work, &event(&session.user.email, "sign in", &address)).await?;
    work.commit().await?;
    Ok(Redirect::to(session.user.role.home()).into_response())
}

pub async fn sign_out(State(state): State<Arc<AppState>>, SignedIn(user): SignedIn) -> Answer {
    // The session ended and the sign-out audited, together.
    let mut work = state.store.begin().await?;
    people::delete_session(&mut work, &user.token_hash).await?;
    let event = AuditEvent {
        at: stored(now()),
        email: user.email.clone(),
        action: "sign out".into(),
        address: Some(user.address.clone()),
        ..AuditEvent::default()
    };
    audit::record(&mut work, &event).await?;
    work.commit().await?;
    Ok(([(header::SET_COOKIE, state.protection.cookie("", Some(0)))], Redirect::to("/sign-in")).into_response())
}
