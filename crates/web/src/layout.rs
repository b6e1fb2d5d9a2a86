//! The page template: GOV.UK Frontend's structure (skip link, header, width container, main,
//! footer) with the council's own header, and the small components the pages share.

use crate::auth::{CSRF_FIELD, Session};
use maud::{DOCTYPE, Markup, html};
use sendtrack_domain::access::Role;

tokio::task_local! {
    /// The path of the request being answered, so that the navigation can mark the current
    /// section (set for every request by [`crate::remember_path`]).
    pub static CURRENT_PATH: String;
}

/// The sections of the service navigation: (link, words, the paths that are in it), for those
/// whose role may use them.
fn sections(user: &Session) -> Vec<(&'static str, &'static str, &'static [&'static str])> {
    let mut items: Vec<(&'static str, &'static str, &'static [&'static str])> = Vec::new();
    if user.role.sees_casework() {
        items.push(("/", "Today", &["/worklists"]));
        items.push(("/children", "Find a child", &["/children"]));
    }
    items.push(("/scorecard", "Scorecard", &["/scorecard", "/measures", "/reports"]));
    if matches!(user.role, Role::Manager | Role::Analyst) {
        items.push(("/sen2", "SEN2 return", &["/sen2"]));
    }
    if user.role == Role::Manager {
        items.push(("/team", "Caseworkers", &["/team"]));
    }
    if user.role == Role::Admin {
        items.push(("/admin/users", "People and settings", &["/admin/users"]));
        items.push(("/admin/audit", "Audit trail", &["/admin/audit"]));
    }
    items.push(("/account", "Your account", &["/account"]));
    items
}

/// Whether the request's path is in a section.
fn is_current(path: &str, link: &str, within: &[&str]) -> bool {
    path == link || within.iter().any(|p| path == *p || path.starts_with(&format!("{p}/")))
}

/// A whole page.
pub fn page(title: &str, authority: &str, user: Option<&Session>, content: Markup) -> Markup {
    let path = CURRENT_PATH.try_with(Clone::clone).unwrap_or_default();
    html! {
        (DOCTYPE)
        html lang="en-GB" class="govuk-template govuk-template--rebranded" {
            head {
                meta charset="utf-8";
                title { (title) " – sendtrack – " (authority) }
                meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover";
                meta name="theme-color" content="#0b0c0c";
                // How long the session lasts without use, for the warning before it ends.
                @if let Some(u) = user { meta name="sendtrack-session-minutes" content=(u.idle_minutes); }
                link rel="stylesheet" href="/assets/govuk.css";
                link rel="stylesheet" href="/assets/app.css";
                // Sets govuk-frontend-supported on the body and starts the components (a file,
                // as the Content-Security-Policy allows no inline script).
                script type="module" src="/assets/app.mjs" {}
            }
            body class="govuk-template__body" {
                a href="#main-content" class="govuk-skip-link" data-module="govuk-skip-link" { "Skip to main content" }
                header class="st-header" {
                    div class="govuk-width-container st-header__bar" {
                        a href="/" class="st-header__name" { (authority) }
                        @if let Some(u) = user {
                            form class="st-header__user" method="post" action="/sign-out" {
                                (csrf_field(u))
                                span class="st-header__email" { (u.email) }
                                button type="submit" class="st-header__sign-out" { "Sign out" }
                            }
                        }
                    }
                }
                section aria-label="Service information" class="govuk-service-navigation" data-module="govuk-service-navigation" {
                    div class="govuk-width-container" {
                        div class="govuk-service-navigation__container" {
                            span class="govuk-service-navigation__service-name" {
                                a href="/" class="govuk-service-navigation__link" { "SEND casework" }
                            }
                            @if let Some(u) = user {
                                nav aria-label="Menu" class="govuk-service-navigation__wrapper" {
                                    button type="button" class="govuk-service-navigation__toggle govuk-js-service-navigation-toggle" aria-controls="navigation" hidden { "Menu" }
                                    ul class="govuk-service-navigation__list" id="navigation" {
                                        @for (link, words, within) in sections(u) {
                                            @if is_current(&path, link, within) {
                                                li class="govuk-service-navigation__item govuk-service-navigation__item--active" {
                                                    a class="govuk-service-navigation__link" href=(link) aria-current="page" {
                                                        strong class="govuk-service-navigation__active-fallback" { (words) }
                                                    }
                                                }
                                            } @else {
                                                li class="govuk-service-navigation__item" { a class="govuk-service-navigation__link" href=(link) { (words) } }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                div class="govuk-width-container" {
                    div class="govuk-phase-banner" {
                        p class="govuk-phase-banner__content" {
                            strong class="govuk-tag govuk-phase-banner__content__tag" { "Beta" }
                            span class="govuk-phase-banner__text" { "This is a new service. Tell your service's administrator what works for you and what does not." }
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
