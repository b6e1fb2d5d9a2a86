//! Record builders for tests, shared by every crate's tests (feature `testing`): each gives a
//! record with what its type requires and nothing else, so a test says only what matters to
//! it, with struct update syntax: `Request { caseworker: Some("cw1".into()), ..request("R1",
//! "C1", day) }`.

use crate::codes::{AdviceKind, DisputeKind, Setting};
use crate::records::{Advice, Child, Dispute, Placement, Plan, Request, Review};
use jiff::civil::Date;

/// A child with only a name and a date of birth.
pub fn child(id: &str, born: Date) -> Child {
    Child {
        child_id: id.into(),
        upn: None,
        forename: "Alex".into(),
        surname: "Smith".into(),
        date_of_birth: born,
        sex: None,
        postcode: None,
        primary_need: None,
        secondary_need: None,
        uln: None,
        upn_unknown: None,
        ethnicity: None,
    }
}

/// A request received on `received`, with nothing decided yet and its source not known.
pub fn request(id: &str, child: &str, received: Date) -> Request {
    Request {
        request_id: id.into(),
        child_id: child.into(),
        received_on: received,
        source: None,
        caseworker: None,
        decision: None,
        draft_issued_on: None,
        outcome: None,
        exception: None,
        in_youth_accommodation: None,
        primary_need: None,
    }
}

/// Advice of `kind` requested on `requested`, not received yet, provider not recorded.
pub fn advice(id: &str, request: &str, kind: AdviceKind, requested: Date) -> Advice {
    Advice {
        advice_id: id.into(),
        request_id: request.into(),
        kind,
        provider: None,
        requested_on: requested,
        received_on: None,
        organisation_id: None,
    }
}

/// A plan issued on `issued`, in force, from no recorded request.
pub fn plan(id: &str, child: &str, issued: Date) -> Plan {
    Plan {
        plan_id: id.into(),
        child_id: child.into(),
        request_id: None,
        issued_on: issued,
        ceased: None,
        transferred_from: None,
        personal_budget: None,
        caseworker: None,
    }
}

/// A placement in `setting` from `started`, continuing.
pub fn placement(id: &str, child: &str, setting: Setting, started: Date) -> Placement {
    Placement {
        placement_id: id.into(),
        child_id: child.into(),
        setting,
        urn: None,
        establishment: None,
        started_on: started,
        ended_on: None,
        annual_cost: None,
        ukprn: None,
        rank: None,
        sen_unit: None,
        resourced_provision: None,
    }
}

/// A review of `plan` with no meeting or decision recorded yet.
pub fn review(id: &str, plan: &str) -> Review {
    Review {
        review_id: id.into(),
        plan_id: plan.into(),
        meeting_on: None,
        decision: None,
        amended_on: None,
        phase_transfer: None,
    }
}

/// A mediation or appeal opened on `opened`, about no named request, not concluded.
pub fn dispute(id: &str, child: &str, kind: DisputeKind, opened: Date) -> Dispute {
    Dispute {
        dispute_id: id.into(),
        child_id: child.into(),
        kind,
        request_id: None,
        opened_on: Some(opened),
        outcome: None,
    }
}
