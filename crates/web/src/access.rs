//! Who may do what: one table of every route of the web app and the roles that may use it,
//! enforced by one middleware before any handler runs. A route without a rule is refused to
//! everyone (and a test fails), so access is never granted by forgetting.

use sendtrack_domain::access::Role::{self, Admin, Analyst, Caseworker, Manager, Viewer};

/// Who may use a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// Anyone, signed in or not (sign-in, the assets).
    Anyone,
    /// Anyone signed in (their own account, signing out).
    SignedIn,
    /// Signed-in people with one of these roles.
    Roles(&'static [Role]),
    /// Signed-in people with one of these roles, and people an admin has given the grant.
    RolesOrGranted(&'static [Role], Grant),
    /// People signed in at the portal (members of organisations, issue 19), in a session of
    /// the portal's own: no staff role reaches these routes, and a portal session reaches
    /// nothing else. What each may see there is decided by their open tasks.
    Portal,
}

/// A permission an admin gives one person beyond their role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    /// An analyst who prepares and submits the SEN2 return may download it, though it holds
    /// names, dates of birth and UPNs that analysts otherwise never see.
    SubmitsSen2,
}

/// One route: its method, its path as the router writes it, and who may use it.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub method: &'static str,
    pub path: &'static str,
    pub who: Who,
    /// What the route is for, in words.
    pub what: &'static str,
}

const fn rule(method: &'static str, path: &'static str, who: Who, what: &'static str) -> Rule {
    Rule { method, path, who, what }
}

/// Managers and caseworkers: the caseload, children's records, recording casework.
const CASEWORK: Who = Who::Roles(&[Manager, Caseworker]);
/// The figures: the scorecard and each measure (children by opaque id only).
const FIGURES: Who = Who::Roles(&[Admin, Manager, Caseworker, Analyst, Viewer]);
/// Drill-down downloads and board reports: everyone but viewers.
const ANALYSIS: Who = Who::Roles(&[Admin, Manager, Caseworker, Analyst]);
const ADMIN: Who = Who::Roles(&[Admin]);
/// Checking the SEN2 return: analysts and managers.
const SEN2: Who = Who::Roles(&[Manager, Analyst]);
const MANAGER: Who = Who::Roles(&[Manager]);
/// The board paper's commentary and partners' figures: managers and performance analysts.
const BOARD: Who = Who::Roles(&[Manager, Analyst]);
/// The workforce: managers and admins.
const WORKFORCE: Who = Who::Roles(&[Admin, Manager]);

/// Every route of the web app.
pub const RULES: &[Rule] = &[
    rule("GET", "/sign-in", Who::Anyone, "the sign-in form"),
    rule("POST", "/sign-in", Who::Anyone, "signing in"),
    rule("GET", "/sign-in/two-factor", Who::Anyone, "the one-time code form (a half-signed-in session)"),
    rule("POST", "/sign-in/two-factor", Who::Anyone, "giving the one-time code"),
    rule("POST", "/sign-out", Who::SignedIn, "signing out"),
    rule("GET", "/account", Who::SignedIn, "one's own account"),
    rule("POST", "/account/password", Who::SignedIn, "changing one's password"),
    rule("GET", "/account/two-factor", Who::SignedIn, "setting up a second factor"),
    rule("POST", "/account/two-factor", Who::SignedIn, "confirming a second factor"),
    rule("GET", "/", Who::SignedIn, "Today (others are sent to their start page)"),
    rule("GET", "/children", CASEWORK, "finding a child"),
    rule("POST", "/children", CASEWORK, "searching for a child"),
    rule("GET", "/children/new", CASEWORK, "the form for a new child"),
    rule("POST", "/children/new", CASEWORK, "recording a new child"),
    rule("GET", "/children/{id}", CASEWORK, "a child's record"),
    rule("GET", "/children/{id}/{kind}/new", CASEWORK, "the form for a new record of a child"),
    rule("POST", "/children/{id}/{kind}/new", CASEWORK, "recording a new record of a child"),
    rule("GET", "/children/{id}/{kind}/{record}", CASEWORK, "the form to correct a record"),
    rule("POST", "/children/{id}/{kind}/{record}", CASEWORK, "correcting a record"),
    rule("POST", "/children/{id}/documents", CASEWORK, "uploading a document to a child's case file"),
    rule("GET", "/children/{id}/documents/{document}", CASEWORK, "downloading or viewing a child's document"),
    rule("GET", "/children/{id}/letters", CASEWORK, "a statutory letter, to check before filing it"),
    rule("POST", "/children/{id}/letters", CASEWORK, "filing a statutory letter and logging it"),
    rule("POST", "/children/{id}/family", CASEWORK, "inviting a family member to the portal, or ending their access"),
    rule("POST", "/children/{id}/documents/{document}/share", CASEWORK, "sharing a document with the family, or not"),
    rule("GET", "/establishments", CASEWORK, "the register of schools and settings"),
    rule("GET", "/worklists/{list}", CASEWORK, "a worklist"),
    rule("GET", "/worklists/{list}/records.csv", CASEWORK, "a worklist as CSV"),
    rule("GET", "/forecast", ANALYSIS, "the forecast of demand, capacity and backlog"),
    rule("POST", "/forecast/settings", MANAGER, "changing the forecast's assumptions"),
    rule("POST", "/forecast/scenarios", MANAGER, "keeping a forecast scenario"),
    rule("POST", "/forecast/scenarios/remove", MANAGER, "removing a forecast scenario"),
    rule("GET", "/board", FIGURES, "where the month's board paper is put together"),
    rule("GET", "/board/commentary", BOARD, "the month's commentary on each section of the board report"),
    rule("POST", "/board/commentary", BOARD, "saving a section's commentary as a draft"),
    rule("POST", "/board/commentary/sign-off", MANAGER, "signing a section of the board report off"),
    rule("GET", "/indicators", FIGURES, "the supplied indicators"),
    rule("POST", "/indicators/values", BOARD, "loading a partner's file of indicator values"),
    rule("GET", "/indicators/new", BOARD, "the form for a new supplied indicator"),
    rule("POST", "/indicators/new", BOARD, "defining a supplied indicator"),
    rule("GET", "/indicators/{id}", BOARD, "the form to change a supplied indicator"),
    rule("POST", "/indicators/{id}", BOARD, "changing a supplied indicator"),
    rule("GET", "/improvement", FIGURES, "the improvement plan tracker"),
    rule("GET", "/improvement/{kind}", FIGURES, "a strand of the improvement plan"),
    rule("POST", "/improvement/{kind}", MANAGER, "rating a strand of the improvement plan"),
    rule("GET", "/improvement/{kind}/new", MANAGER, "the form for a new strand, milestone or board action"),
    rule("POST", "/improvement/{kind}/new", MANAGER, "adding a strand, milestone or board action"),
    rule("GET", "/improvement/{kind}/{id}", MANAGER, "the form to change a strand, milestone or board action"),
    rule("POST", "/improvement/{kind}/{id}", MANAGER, "changing a strand, milestone or board action"),
    rule("GET", "/plan-quality", FIGURES, "quality audits by team and section"),
    rule("GET", "/plan-quality/new", MANAGER, "the form for a new quality audit of a plan or advice"),
    rule("POST", "/plan-quality/new", MANAGER, "recording a quality audit"),
    rule("GET", "/plan-quality/{id}", MANAGER, "the form to change or moderate a quality audit"),
    rule("POST", "/plan-quality/{id}", MANAGER, "changing or moderating a quality audit"),
    rule("GET", "/sen2", SEN2, "checking the SEN2 return sendtrack would send"),
    rule("POST", "/sen2/check", SEN2, "checking an uploaded SEN2 return"),
    rule(
        "GET",
        "/sen2/return.zip",
        Who::RolesOrGranted(&[Manager], Grant::SubmitsSen2),
        "the SEN2 return itself (names, dates of birth, UPNs): managers, and analysts an admin lets submit it",
    ),
    rule("GET", "/team", MANAGER, "the caseworkers and what they may edit"),
    rule("POST", "/team", MANAGER, "letting a caseworker edit any case"),
    rule("GET", "/staff", WORKFORCE, "the people who work cases"),
    rule("GET", "/staff/new", WORKFORCE, "the form for a new member of staff"),
    rule("POST", "/staff/new", WORKFORCE, "adding a member of staff"),
    rule("GET", "/staff/{id}", WORKFORCE, "the form to change (or end) a member of staff"),
    rule("POST", "/staff/{id}", WORKFORCE, "changing (or ending) a member of staff"),
    rule("GET", "/caseloads", MANAGER, "each caseworker's and team's caseload"),
    rule("GET", "/week", CASEWORK, "the week's statutory steps on one's own cases (a manager: anyone's or a team's)"),
    rule("GET", "/caseloads/cases", MANAGER, "the cases one person holds, or no one in post holds, to move"),
    rule("POST", "/caseloads/reallocate", MANAGER, "moving cases (all of one person's, or those ticked) to another"),
    rule("GET", "/scorecard", FIGURES, "the scorecard"),
    rule("GET", "/scorecard/periods", FIGURES, "the scorecard over a period"),
    rule("GET", "/measures/{id}", FIGURES, "a measure's page"),
    rule("GET", "/measures/{id}/records.csv", ANALYSIS, "the records behind a measure, as CSV"),
    rule("GET", "/reports/board", ANALYSIS, "the board report"),
    rule("GET", "/reports/board.xlsx", ANALYSIS, "the board workbook"),
    rule("GET", "/admin/users", ADMIN, "the people who can sign in"),
    rule(
        "POST",
        "/admin/users",
        ADMIN,
        "disabling, enabling, resetting the password of or changing the role of an account",
    ),
    rule("POST", "/admin/users/new", ADMIN, "adding a person who can sign in"),
    rule("POST", "/admin/settings", ADMIN, "which roles must use a second factor"),
    rule("POST", "/admin/sen2", ADMIN, "the SEN2 return's LA number and what its unverified codes mean"),
    rule("GET", "/admin/audit", ADMIN, "searching the audit trail"),
    rule("GET", "/admin/organisations", ADMIN, "the organisations asked for advice and consulted"),
    rule("GET", "/admin/organisations/new", ADMIN, "the form for a new organisation"),
    rule("POST", "/admin/organisations/new", ADMIN, "adding an organisation"),
    rule("GET", "/admin/organisations/{id}", ADMIN, "the form to change an organisation"),
    rule("POST", "/admin/organisations/{id}", ADMIN, "changing an organisation"),
    rule("GET", "/admin/letters", ADMIN, "the letter templates and document settings"),
    rule("POST", "/admin/letters", ADMIN, "the services letters name and the upload limit"),
    rule("GET", "/admin/letters/{kind}", ADMIN, "a letter template"),
    rule("POST", "/admin/letters/{kind}", ADMIN, "changing a letter template"),
    rule("GET", "/admin/organisations/{id}/members", ADMIN, "an organisation's portal members"),
    rule("POST", "/admin/organisations/{id}/members", ADMIN, "adding or removing an organisation's portal member"),
    rule("GET", "/admin/mail", ADMIN, "the e-mail the service sent, and what failed"),
    rule("GET", "/portal/sign-in", Who::Anyone, "the portal's sign-in form (an e-mail address)"),
    rule("POST", "/portal/sign-in", Who::Anyone, "asking for a one-time code by e-mail"),
    rule("POST", "/portal/code", Who::Anyone, "signing in to the portal with the code"),
    rule("GET", "/portal", Who::Portal, "the open tasks of the member's organisations"),
    rule("POST", "/portal/sign-out", Who::Portal, "signing out of the portal"),
    rule("GET", "/portal/members", Who::Portal, "an organisation's members (its admins may change them)"),
    rule("POST", "/portal/members", Who::Portal, "adding or removing a member (the organisation's admins)"),
    rule("GET", "/portal/{kind}/{id}", Who::Portal, "an open task, with the child's details it needs"),
    rule("POST", "/portal/{kind}/{id}", Who::Portal, "answering an open task: advice, a consultation, a review report"),
    rule("GET", "/portal/children/{id}", Who::Portal, "where a child's case stands, for their family"),
    rule("POST", "/portal/children/{id}/messages", Who::Portal, "a family's message to the caseworker"),
    rule("POST", "/portal/children/{id}/comments", Who::Portal, "a family's comments on the draft plan"),
    rule("POST", "/portal/children/{id}/documents", Who::Portal, "a document from the family"),
    rule("POST", "/portal/children/{id}/request", Who::Portal, "a family's request for an EHC needs assessment"),
    rule("GET", "/portal/children/{id}/documents/{document}", Who::Portal, "a document shared with the family"),
    rule("GET", "/assets/govuk.css", Who::Anyone, "an asset"),
    rule("GET", "/assets/board.css", Who::Anyone, "an asset"),
    rule("GET", "/assets/app.css", Who::Anyone, "an asset"),
    rule("GET", "/assets/govuk-frontend.min.js", Who::Anyone, "an asset"),
    rule("GET", "/assets/app.mjs", Who::Anyone, "an asset"),
];

/// Tables a page downloads (`?download=csv|xlsx&table=ID`) that carry more than the page
/// shows: (the page's route, the table's id, the route whose rule governs the download). A
/// download is allowed by the rule of what it carries, not of the page it comes from.
pub const TABLE_RULES: &[(&str, &str, &str)] = &[
    // The records behind a measure (children by opaque id): as `/measures/{id}/records.csv`.
    ("/measures/{id}", "records", "/measures/{id}/records.csv"),
];

/// The rule that governs downloading `table` from the page at route `path` (GET).
pub fn table_rule(path: &str, table: &str) -> Option<&'static Rule> {
    TABLE_RULES
        .iter()
        .find(|(p, t, _)| *p == path && *t == table)
        .and_then(|(_, _, governed)| rule_for("GET", governed))
}

/// The rule of a route (by the router's path pattern), if it has one.
pub fn rule_for(method: &str, path: &str) -> Option<&'static Rule> {
    // HEAD is answered as GET.
    let method = if method == "HEAD" { "GET" } else { method };
    RULES.iter().find(|r| r.method == method && r.path == path)
}

impl Who {
    /// Whether a person of `role`, with no grant, may use the route.
    pub fn allows(self, role: Role) -> bool {
        match self {
            Who::Anyone | Who::SignedIn => true,
            Who::Roles(roles) | Who::RolesOrGranted(roles, _) => roles.contains(&role),
            Who::Portal => false,
        }
    }

    /// Whether a person of `role` with the grants `has` says they have may use the route.
    pub fn allows_with(self, role: Role, has: impl Fn(Grant) -> bool) -> bool {
        self.allows(role) || matches!(self, Who::RolesOrGranted(_, grant) if has(grant))
    }
}

impl Grant {
    /// Whether a person of `role` can hold the grant: an admin gives it to analysts only.
    pub fn for_role(self, role: Role) -> bool {
        match self {
            Grant::SubmitsSen2 => role == Analyst,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_one_rule_per_route_and_follows_the_roles() {
        for (i, a) in RULES.iter().enumerate() {
            assert!(!RULES[..i].iter().any(|b| a.method == b.method && a.path == b.path), "{} {}", a.method, a.path);
        }
        let allows = |method, path, role| rule_for(method, path).is_some_and(|r| r.who.allows(role));
        assert!(allows("GET", "/children/{id}", Caseworker) && !allows("GET", "/children/{id}", Analyst));
        assert!(!allows("GET", "/children/{id}", Admin), "admins run users and settings, not casework");
        assert!(allows("GET", "/measures/{id}", Viewer) && !allows("GET", "/reports/board", Viewer));
        assert!(allows("GET", "/admin/audit", Admin) && !allows("GET", "/admin/audit", Manager));
        assert!(rule_for("DELETE", "/children/{id}").is_none());
        let zip = rule_for("GET", "/sen2/return.zip").unwrap().who;
        assert!(zip.allows(Manager) && !zip.allows(Analyst), "personal data: not to analysts by default");
        assert!(zip.allows_with(Analyst, |g| g == Grant::SubmitsSen2), "but to an analyst an admin lets submit it");
        assert!(!zip.allows_with(Viewer, |_| false));
        assert!(Grant::SubmitsSen2.for_role(Analyst) && !Grant::SubmitsSen2.for_role(Viewer));
    }
}
