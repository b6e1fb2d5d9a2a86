//! Who may do what: the roles of the people who use sendtrack.

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
            Role::Manager | Role::Caseworker => "/",
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
