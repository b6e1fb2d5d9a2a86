//! The page template: GOV.UK Frontend's structure (skip link, header, width container, main,
//! footer) with the council's own header, and the small components the pages share.

use crate::auth::{CSRF_FIELD, Session};
use maud::{DOCTYPE, Markup, html};
use sendtrack_domain::access::Role;

/// A whole page.
pub fn page(title: &str, authority: &str, user: Option<&Session>, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en-GB" class="govuk-template govuk-template--rebranded" {
            head {
                meta charset="utf-8";
                title { (title) " – sendtrack – " (authority) }
                meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover";
                meta name="theme-color" content="#0b0c0c";
                link rel="stylesheet" href="/assets/govuk.css";
                link rel="stylesheet" href="/assets/app.css";
            }
            body class="govuk-template__body" {
                a href="#main-content" class="govuk-skip-link" data-module="govuk-skip-link" { "Skip to main content" }
                header class="st-header" role="banner" {
                    div class="govuk-width-container" {
                        a href="/" class="st-header__name" { (authority) }
                        span class="st-header__service" { "SEND statutory casework (sendtrack)" }
                        @if let Some(u) = user {
                            form class="st-header__user" method="post" action="/sign-out" {
                                (csrf_field(u))
                                span { (u.email) " (" (u.role.code()) ")" }
                                button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button" { "Sign out" }
                            }
                        }
                    }
                }
                div class="govuk-width-container" {
                    @if let Some(u) = user {
                        nav class="st-nav" aria-label="Sections" {
                            @if u.role.sees_casework() {
                                a class="govuk-link" href="/" { "Today" }
                                a class="govuk-link" href="/children" { "Find a child" }
                            }
                            a class="govuk-link" href="/scorecard" { "Scorecard" }
                            @if matches!(u.role, Role::Manager | Role::Analyst) { a class="govuk-link" href="/sen2" { "SEN2 return" } }
                            @if u.role == Role::Manager { a class="govuk-link" href="/team" { "Caseworkers" } }
                            @if u.role == Role::Admin {
                                a class="govuk-link" href="/admin/users" { "People and settings" }
                                a class="govuk-link" href="/admin/audit" { "Audit trail" }
                            }
                            a class="govuk-link" href="/account" { "Your account" }
                        }
                    }
                    main class="govuk-main-wrapper" id="main-content" {
                        (content)
                    }
                }
                footer class="govuk-footer" {
                    div class="govuk-width-container" {
                        p class="govuk-body-s" { "sendtrack: one source of truth for SEND statutory casework. Figures are computed from the casework records." }
                    }
                }
                script type="module" src="/assets/app.mjs" {}
            }
        }
    }
}

/// The hidden field that carries the session's CSRF token in every form that changes something.
pub fn csrf_field(session: &Session) -> Markup {
    html! { input type="hidden" name=(CSRF_FIELD) value=(session.csrf); }
}

/// The GOV.UK error summary: a list of problems, each linking to its field.
pub fn error_summary(errors: &[(&str, &str)]) -> Markup {
    html! {
        @if !errors.is_empty() {
            div class="govuk-error-summary" data-module="govuk-error-summary" {
                div role="alert" {
                    h2 class="govuk-error-summary__title" { "There is a problem" }
                    div class="govuk-error-summary__body" {
                        ul class="govuk-list govuk-error-summary__list" {
                            @for (field, message) in errors { li { a href=(format!("#{field}")) { (message) } } }
                        }
                    }
                }
            }
        }
    }
}

/// The GOV.UK success banner, announcing that something was done.
pub fn success_banner(text: &str) -> Markup {
    html! {
        div class="govuk-notification-banner govuk-notification-banner--success" role="alert" aria-labelledby="success-title" data-module="govuk-notification-banner" {
            div class="govuk-notification-banner__header" { h2 class="govuk-notification-banner__title" id="success-title" { "Success" } }
            div class="govuk-notification-banner__content" { p class="govuk-notification-banner__heading" { (text) } }
        }
    }
}

/// A GOV.UK text input: label, optional hint and error message, all tied to the input.
#[derive(Default)]
pub struct TextInput<'a> {
    pub id: &'a str,
    pub label: &'a str,
    /// The input's type: `text` when empty.
    pub kind: &'a str,
    pub autocomplete: Option<&'a str>,
    pub value: &'a str,
    pub hint: Option<&'a str>,
    pub error: Option<&'a str>,
    /// A GOV.UK fixed width (`20`, `10`, ...), if any.
    pub width: Option<&'a str>,
}

pub fn text_input(f: TextInput) -> Markup {
    let id = f.id;
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described: Vec<&str> =
        [f.hint.map(|_| hint_id.as_str()), f.error.map(|_| error_id.as_str())].into_iter().flatten().collect();
    let mut class = String::from("govuk-input");
    if let Some(w) = f.width {
        class.push_str(&format!(" govuk-input--width-{w}"));
    }
    if f.error.is_some() {
        class.push_str(" govuk-input--error");
    }
    html! {
        div class=(if f.error.is_some() { "govuk-form-group govuk-form-group--error" } else { "govuk-form-group" }) {
            label class="govuk-label" for=(id) { (f.label) }
            @if let Some(h) = f.hint { div class="govuk-hint" id=(hint_id) { (h) } }
            @if let Some(m) = f.error { p id=(error_id) class="govuk-error-message" { span class="govuk-visually-hidden" { "Error:" } " " (m) } }
            input class=(class) id=(id) name=(id) type=(if f.kind.is_empty() { "text" } else { f.kind }) autocomplete=[f.autocomplete] spellcheck="false" value=(f.value) aria-describedby=[(!described.is_empty()).then(|| described.join(" "))];
        }
    }
}
