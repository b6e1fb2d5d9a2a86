//! The page template: GOV.UK Frontend's structure (skip link, header, width container, main,
//! footer) with the council's own header, and the small components the pages share.

use crate::auth::{CSRF_FIELD, Session};
use crate::govuk::{NavLink, phase_banner, service_navigation};
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
        items.push(("/week", if user.role == Role::Manager { "The week" } else { "My week" }, &["/week"]));
        items.push(("/children", "Find a child", &["/children"]));
    }
    items.push(("/scorecard", "Scorecard", &["/scorecard", "/measures", "/reports"]));
    items.push(("/board", "Board paper", &["/board", "/indicators", "/improvement", "/plan-quality"]));
    if matches!(user.role, Role::Manager | Role::Analyst) {
        items.push(("/forecast", "Forecast", &["/forecast"]));
        items.push(("/sen2", "SEN2 return", &["/sen2"]));
    }
    if user.role == Role::Manager {
        items.push(("/caseloads", "Caseloads and staff", &["/caseloads", "/staff", "/team"]));
    }
    if user.role == Role::Admin {
        items.push(("/staff", "Staff", &["/staff"]));
        items.push(("/admin/users", "People and settings", &["/admin/users"]));
        items.push(("/admin/organisations", "Organisations", &["/admin/organisations"]));
        items.push(("/admin/letters", "Letters", &["/admin/letters"]));
        items.push(("/admin/mail", "E-mail", &["/admin/mail"]));
        items.push(("/admin/audit", "Audit trail", &["/admin/audit"]));
    }
    items.push(("/account", "Your account", &["/account"]));
    items
}

/// Whether the request's path is in a section.
fn is_current(path: &str, link: &str, within: &[&str]) -> bool {
    path == link || within.iter().any(|p| path == *p || path.starts_with(&format!("{p}/")))
}

/// A whole page of the staff app.
pub fn page(title: &str, authority: &str, user: Option<&Session>, content: Markup) -> Markup {
    let path = CURRENT_PATH.try_with(Clone::clone).unwrap_or_default();
    let sections = user.map(sections).unwrap_or_default();
    let links: Vec<NavLink> = sections
        .iter()
        .map(|(href, words, within)| NavLink { href, words, current: is_current(&path, href, within) })
        .collect();
    let signed_in = user.map(|u| SignedInAs {
        email: &u.email,
        csrf: &u.csrf,
        sign_out: "/sign-out",
        idle_minutes: u.idle_minutes,
    });
    shell(title, authority, "/", "SEND casework", signed_in, &links, content)
}

/// A whole page of the portal (issue 19): the portal's own name and sign-out, no staff links.
pub fn portal_page(title: &str, authority: &str, user: Option<&crate::auth::PortalSession>, content: Markup) -> Markup {
    let path = CURRENT_PATH.try_with(Clone::clone).unwrap_or_default();
    let mut links = Vec::new();
    if let Some(u) = user {
        let home = match (u.memberships.is_empty(), u.family.is_empty()) {
            (false, true) => "Your tasks",
            (true, false) => "Your children",
            _ => "Home",
        };
        links.push(NavLink {
            href: "/portal",
            words: home,
            current: path == "/portal" || (path.starts_with("/portal/") && path != "/portal/members"),
        });
        if u.memberships.iter().any(|m| m.is_admin) {
            links.push(NavLink { href: "/portal/members", words: "Members", current: path == "/portal/members" });
        }
    }
    let signed_in = user.map(|u| SignedInAs {
        email: &u.email,
        csrf: &u.csrf,
        sign_out: "/portal/sign-out",
        idle_minutes: u.idle_minutes,
    });
    shell(title, authority, "/portal", "SEND portal", signed_in, &links, content)
}

/// Who a page is for: the header's e-mail and sign-out form.
struct SignedInAs<'a> {
    email: &'a str,
    csrf: &'a str,
    sign_out: &'a str,
    idle_minutes: i64,
}

/// The page around the content: GOV.UK Frontend's template with the council's header.
fn shell(
    title: &str,
    authority: &str,
    home: &str,
    service: &str,
    user: Option<SignedInAs<'_>>,
    links: &[NavLink],
    content: Markup,
) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en-GB" class="govuk-template govuk-template--rebranded" {
            head {
                meta charset="utf-8";
                title { (title) " – sendtrack – " (authority) }
                meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover";
                meta name="theme-color" content="#0b0c0c";
                // How long the session lasts without use, for the warning before it ends.
                @if let Some(u) = &user { meta name="sendtrack-session-minutes" content=(u.idle_minutes); }
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
                        a href=(home) class="st-header__name" { (authority) }
                        @if let Some(u) = &user {
                            form class="st-header__user" method="post" action=(u.sign_out) {
                                input type="hidden" name=(CSRF_FIELD) value=(u.csrf);
                                span class="st-header__email" { (u.email) }
                                button type="submit" class="st-header__sign-out" { "Sign out" }
                            }
                        }
                    }
                }
                (service_navigation(service, links))
                div class="govuk-width-container" {
                    (phase_banner("Beta", "This is a new service. Tell your service's administrator what works for you and what does not."))
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
