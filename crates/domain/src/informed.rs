//! Keeping families informed (issue 18): while a request is open, the family is promised an
//! update at least every so many working days (promises.csv). An update is an outgoing entry
//! of the case log with a parent, carer or the young person among the child's contacts (an
//! e-mail the service sends them is one: issue 20), or a portal message either way with one of
//! them; the clock starts again at each, and at the request's receipt.

use crate::records::{Casework, promised_working_days};
use crate::working_days::add_working_days;
use jiff::civil::Date;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

/// The days each child's family was sent or given an update, in date order.
pub fn family_updates(cw: &Casework) -> HashMap<&str, Vec<Date>> {
    let family: HashSet<&str> =
        cw.contacts.iter().filter(|c| c.role.is_family()).map(|c| c.contact_id.as_str()).collect();
    let mut updates: HashMap<&str, Vec<Date>> = HashMap::default();
    for e in &cw.case_log {
        let with_family = e.contact_id.as_deref().is_some_and(|k| family.contains(k));
        let to_family = with_family
            && (e.direction == Some(crate::codes::Direction::Out) || e.kind == crate::codes::ContactKind::Portal);
        if to_family {
            updates.entry(e.child_id.as_str()).or_default().push(e.on);
        }
    }
    for days in updates.values_mut() {
        days.sort_unstable();
    }
    updates
}

/// The last update on or before `date` (and on or after the request's `received_on`), else
/// `received_on`; and the day the next update is due, `promise` working days after it.
pub fn next_update_due(updates: &[Date], received_on: Date, promise: u32, date: Date) -> (Date, Date) {
    let upto = updates.partition_point(|d| *d <= date);
    let last = updates[..upto].last().copied().filter(|d| *d >= received_on).unwrap_or(received_on);
    (last, add_working_days(last, promise))
}

/// Every child's promise, in working days, by child id, with the standard for the rest.
pub struct Promises<'a> {
    by_child: HashMap<&'a str, u32>,
    standard: u32,
}

impl<'a> Promises<'a> {
    pub fn of(cw: &'a Casework) -> Promises<'a> {
        let by_child = cw.promises.iter().filter_map(|p| Some((p.child_id.as_deref()?, p.working_days))).collect();
        Promises { by_child, standard: promised_working_days(cw.promises.iter().filter(|p| p.child_id.is_none()), "") }
    }

    pub fn for_child(&self, child_id: &str) -> u32 {
        self.by_child.get(child_id).copied().unwrap_or(self.standard)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::{ContactKind, ContactRole, Direction};
    use crate::records::{CaseLogEntry, Contact};
    use jiff::civil::date;

    fn entry(id: &str, on: Date, kind: ContactKind, direction: Direction, contact: &str) -> CaseLogEntry {
        CaseLogEntry {
            entry_id: id.into(),
            child_id: "C1".into(),
            on,
            time: None,
            kind,
            direction: Some(direction),
            with_whom: None,
            contact_id: Some(contact.into()),
            summary: String::new(),
            request_id: None,
            plan_id: None,
            review_id: None,
            by: None,
        }
    }

    #[test]
    fn e_mails_to_the_family_and_portal_messages_either_way_are_updates_a_call_from_the_school_is_not() {
        let mut cw = Casework::default();
        for (id, role) in [("K1", ContactRole::Parent), ("K2", ContactRole::Senco)] {
            cw.contacts.push_back(Contact {
                contact_id: id.into(),
                child_id: "C1".into(),
                role,
                name: "A Person".into(),
                email: None,
                phone: None,
                address: None,
                preferred: None,
                parental_responsibility: role == ContactRole::Parent,
                organisation: None,
                urn: None,
            });
        }
        cw.case_log.push_back(entry("E1", date(2026, 11, 2), ContactKind::Email, Direction::Out, "K1"));
        cw.case_log.push_back(entry("E2", date(2026, 11, 3), ContactKind::Portal, Direction::In, "K1"));
        cw.case_log.push_back(entry("E3", date(2026, 11, 4), ContactKind::Call, Direction::In, "K1"));
        cw.case_log.push_back(entry("E4", date(2026, 11, 5), ContactKind::Email, Direction::Out, "K2"));
        let updates = family_updates(&cw);
        assert_eq!(updates["C1"], [date(2026, 11, 2), date(2026, 11, 3)]);
    }
}
