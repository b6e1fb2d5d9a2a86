//! Who may do what: the roles of the people who use sendtrack, and the rules for the e-mail
//! addresses and passwords they sign in with (the same in the web app and on the command line).

/// A user's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Users and settings.
    Admin,
    /// All casework, all worklists, reassigning caseworkers.
    Manager,
    /// Records and corrects casework.
    Caseworker,
    /// Scorecard, measures and drill-down, with children shown by opaque id only.
    Analyst,
    /// Scorecard and measure pages only.
    Viewer,
}

impl Role {
    pub const ALL: [Role; 5] = [Role::Admin, Role::Manager, Role::Caseworker, Role::Analyst, Role::Viewer];

    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Caseworker => "caseworker",
            Role::Analyst => "analyst",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(text: &str) -> Result<Role, String> {
        Role::ALL
            .into_iter()
            .find(|r| r.code() == text)
            .ok_or_else(|| format!("'{text}' is not a role; use one of: admin, manager, caseworker, analyst, viewer"))
    }

    /// Whether the role sees caseload pages (Today, worklists, children's records). Admins
    /// run users and settings; they do not need children's records for that.
    pub fn sees_casework(self) -> bool {
        matches!(self, Role::Manager | Role::Caseworker)
    }

    /// The page a person of this role starts at.
    pub fn home(self) -> &'static str {
        match self {
            Role::Manager => "/",
            // A caseworker starts with their week: the steps due on their cases (issue 17).
            Role::Caseworker => "/week",
            Role::Admin => "/admin/users",
            Role::Analyst | Role::Viewer => "/scorecard",
        }
    }

    /// Whether the role records and corrects casework.
    pub fn records_casework(self) -> bool {
        matches!(self, Role::Manager | Role::Caseworker)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caseworker_edits_their_own_and_unallocated_children_a_manager_any() {
        use crate::records::{Casework, Request};
        use jiff::civil::date;
        let allocated = |who: Option<&str>| Casework {
            requests: imbl::vector![
                Request { caseworker: Some("cw1".into()), ..crate::testing::request("R1", "C1", date(2025, 1, 6)) },
                Request { caseworker: who.map(Into::into), ..crate::testing::request("R2", "C1", date(2026, 1, 6)) },
            ],
            ..Casework::default()
        };
        // The latest request that names a caseworker decides: R2's cw2, or R1's cw1 when R2 names none.
        assert!(!may_edit_child(Role::Caseworker, Some("cw1"), false, &allocated(Some("cw2"))));
        assert!(may_edit_child(Role::Caseworker, Some("cw2"), false, &allocated(Some("cw2"))));
        assert!(may_edit_child(Role::Caseworker, Some("cw1"), false, &allocated(None)));
        assert!(may_edit_child(Role::Caseworker, Some("cw9"), false, &Casework::default()), "nobody allocated");
        assert!(may_edit_child(Role::Caseworker, Some("cw1"), true, &allocated(Some("cw2"))), "edits any case");
        assert!(may_edit_child(Role::Manager, None, false, &allocated(Some("cw2"))));
        for other in [Role::Analyst, Role::Viewer, Role::Admin] {
            assert!(!may_edit_child(other, Some("cw2"), true, &allocated(Some("cw2"))));
        }
        // The holder of the child's latest plan may edit too; the request's caseworker still may.
        let mut held = allocated(Some("cw2"));
        held.plans.push_back(crate::records::Plan {
            caseworker: Some("cw3".into()),
            ..crate::testing::plan("P1", "C1", date(2026, 5, 1))
        });
        assert!(may_edit_child(Role::Caseworker, Some("cw3"), false, &held));
        assert!(may_edit_child(Role::Caseworker, Some("cw2"), false, &held));
        assert!(!may_edit_child(Role::Caseworker, Some("cw1"), false, &held));
    }

    #[test]
    fn roles_read_back_and_only_casework_roles_see_casework() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.code()), Ok(r));
        }
        assert!(Role::parse("Admin").is_err());
        assert!(
            Role::Caseworker.records_casework() && !Role::Analyst.records_casework() && !Role::Admin.records_casework()
        );
        assert!(!Role::Viewer.sees_casework() && !Role::Analyst.sees_casework() && Role::Manager.sees_casework());
        assert!(!Role::Admin.sees_casework());
    }
}

/// The fewest characters a password a person chooses may have.
pub const MIN_PASSWORD: usize = 12;

/// Checks a password a person chooses, as the NCSC advises: long enough, and not one that is
/// easy to guess (a common or breached password, a keyboard pattern, a repeated word, the
/// person's own e-mail): zxcvbn's estimate must be at least "safely unguessable" online
/// (score 3, about 10^8 guesses). Returns what to do otherwise.
/// Whether a person may record and correct one child's records (`own`): a manager any child;
/// a caseworker the children allocated to them (by the latest request that names a
/// caseworker) and children with nobody allocated, or any child once a manager lets them
/// (`edits_any_case`); nobody else.
pub fn may_edit_child(
    role: Role,
    staff_id: Option<&str>,
    edits_any_case: bool,
    own: &crate::records::Casework,
) -> bool {
    match role {
        Role::Manager => true,
        Role::Caseworker => {
            // The child's caseworkers: of their latest allocated request, and the holder of
            // their latest plan (issue 17) when it names one.
            let request = own
                .requests
                .iter()
                .filter(|r| r.caseworker.is_some())
                .max_by_key(|r| r.received_on)
                .and_then(|r| r.caseworker.as_deref());
            let plan = own.plans.iter().max_by_key(|p| p.issued_on).and_then(|p| p.caseworker.as_deref());
            let holders: Vec<&str> = request.into_iter().chain(plan).collect();
            edits_any_case || holders.is_empty() || staff_id.is_some_and(|me| holders.contains(&me))
        }
        _ => false,
    }
}

pub fn check_password(password: &str, email: &str) -> Result<(), String> {
    if password.chars().count() < MIN_PASSWORD {
        return Err(format!("Enter a password of at least {MIN_PASSWORD} characters"));
    }
    let own: Vec<&str> = email.split(['@', '.']).filter(|p| !p.is_empty()).collect();
    let estimate = zxcvbn::zxcvbn(password, &own);
    if (estimate.score() as u8) < 3 {
        return Err("Choose a password that is harder to guess: avoid common passwords, repeated words, \
                    keyboard patterns and your own name or e-mail (three or four random words work well)"
            .to_string());
    }
    Ok(())
}

/// Checks and normalises an e-mail address people sign in with: trimmed, in lower case, with one
/// `@` between a name and a domain, and no spaces or control characters inside it.
pub fn check_email(text: &str) -> Result<String, String> {
    let email = text.trim().to_lowercase();
    let valid = match email.split_once('@') {
        Some((name, domain)) => {
            !name.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !email.chars().any(|c| c.is_whitespace() || c.is_control())
                && email.chars().count() <= 254
        }
        None => false,
    };
    if valid { Ok(email) } else { Err(format!("'{}' is not an email address, like name@example.org", text.trim())) }
}

#[cfg(test)]
mod sign_in_rules {
    use super::*;

    #[test]
    fn common_and_short_passwords_are_refused_and_long_random_ones_accepted() {
        for weak in ["password1234", "qwertyuiop123", "short", "aaaaaaaaaaaaaa", "iloveyou1234", "123456789012"] {
            assert!(check_password(weak, "case.worker@example.org").is_err(), "{weak}");
        }
        for strong in ["correct horse battery", "a long enough password", "T7gq!mW2rZ#p9xLk"] {
            assert_eq!(check_password(strong, "m@example.org"), Ok(()), "{strong}");
        }
    }

    #[test]
    fn an_email_has_one_at_a_domain_and_no_spaces() {
        assert_eq!(check_email("  Case.Worker@Example.org "), Ok("case.worker@example.org".into()));
        for bad in [
            "case worker@example.org",
            "case@exa mple.org",
            "case",
            "@example.org",
            "case@",
            "a@b@c.org",
            "a@localhost",
            "a\u{7}@x.org",
        ] {
            assert!(check_email(bad).is_err(), "{bad:?}");
        }
    }
}
