//! The consistency rules of the interchange format that look at values, other rows and other
//! files: identifiers, date ranges and ordering, references, duplicates and overlaps. Rules
//! about a cell's own shape (dates, codes, required cells) are applied when the cell is read.
//!
//! Each problem names the record file, the row's index in it and the column, so the reader can
//! turn it into `file:line:column: message`.

use crate::codes::{AssessmentDecision, PlacementRank, ReviewDecision};
use crate::identifiers::{
    check_ethnicity, check_la_number, check_name, check_postcode, check_record_id, check_uln, check_upn,
};
use crate::records::Casework;
use jiff::civil::Date;
// FxHash: the maps are keyed by ids the files hold; SipHash was a tenth of `check`'s time.
use rustc_hash::FxHashMap as HashMap;

pub use crate::records::RecordFile;

/// One broken rule, at one cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: RecordFile,
    /// Index of the row in its record list (0 is the first record).
    pub index: usize,
    pub column: &'static str,
    pub message: String,
    /// For a broken reference: the file and id it points to.
    pub refers_to: Option<(RecordFile, String)>,
    /// For a clash (a duplicate or an overlap): the index of the earlier record in the same file.
    pub clashes_with: Option<usize>,
}

/// The earliest date of birth the service accepts.
pub fn earliest_date_of_birth() -> Date {
    jiff::civil::date(1990, 1, 1)
}

#[derive(Default)]
struct Report {
    problems: Vec<Problem>,
}

impl Report {
    fn add(&mut self, file: RecordFile, index: usize, column: &'static str, message: impl Into<String>) {
        self.problems.push(Problem {
            file,
            index,
            column,
            message: message.into(),
            refers_to: None,
            clashes_with: None,
        });
    }

    fn check(&mut self, file: RecordFile, index: usize, column: &'static str, result: Result<(), String>) {
        if let Err(message) = result {
            self.add(file, index, column, message);
        }
    }

    /// Checks ids and reports each duplicate on its second (and later) occurrence; returns the
    /// index of each id's first occurrence.
    fn ids<'a>(
        &mut self,
        file: RecordFile,
        column: &'static str,
        ids: impl Iterator<Item = &'a str>,
    ) -> HashMap<&'a str, usize> {
        // Sized once: growing a map of a million ids rehashes it, page by fresh page.
        let mut seen: HashMap<&'a str, usize> =
            HashMap::with_capacity_and_hasher(ids.size_hint().0, Default::default());
        for (index, id) in ids.enumerate() {
            self.check(file, index, column, check_record_id(id));
            if let Some(first) = seen.get(id) {
                self.add(file, index, column, format!("{column} '{id}' is used more than once"));
                self.clash(*first);
            } else {
                seen.insert(id, index);
            }
        }
        seen
    }

    /// A reference from a record of `child` to a request, which must exist and be the same
    /// child's: a plan or dispute of one child about another child's request would put casework
    /// (and its audit) on the wrong child.
    fn same_childs_request(
        &mut self,
        file: RecordFile,
        index: usize,
        child: &str,
        request: &str,
        known: &HashMap<&str, usize>,
        requests: &crate::records::Records<crate::records::Request>,
    ) {
        match known.get(request).map(|&k| &requests[k]) {
            None => self.reference(file, index, "request_id", request, known, RecordFile::Requests),
            Some(q) if q.child_id != child => {
                self.add(
                    file,
                    index,
                    "request_id",
                    format!("request_id '{request}' is a request of another child; it must be one of child '{child}'s requests"),
                );
                self.refer(RecordFile::Requests, request);
            }
            Some(_) => {}
        }
    }

    /// Review `review` (of a plan) is known and of a plan of `child`.
    fn same_childs_review(
        &mut self,
        (file, index): (RecordFile, usize),
        child: &str,
        review: &str,
        (reviews, plans): (&HashMap<&str, usize>, &HashMap<&str, usize>),
        cw: &Casework,
    ) {
        let plan_of_review = reviews.get(review).map(|&k| &cw.reviews[k].plan_id);
        let child_of_review =
            plan_of_review.and_then(|p| plans.get(p.as_str())).map(|&k| cw.plans[k].child_id.as_str());
        match (plan_of_review, child_of_review) {
            (None, _) => self.reference(file, index, "review_id", review, reviews, RecordFile::Reviews),
            (Some(_), Some(of)) if of != child => {
                self.add(file, index, "review_id", format!("review_id '{review}' is a review of another child's plan"))
            }
            _ => {}
        }
    }

    fn reference(
        &mut self,
        file: RecordFile,
        index: usize,
        column: &'static str,
        id: &str,
        known: &HashMap<&str, usize>,
        target: RecordFile,
    ) {
        if !known.contains_key(id) {
            self.add(file, index, column, format!("{column} '{id}' does not exist in {}", target.file_name()));
            self.refer(target, id);
        }
    }

    /// Marks the last problem as a clash with the earlier record at `other`.
    fn clash(&mut self, other: usize) {
        if let Some(last) = self.problems.last_mut() {
            last.clashes_with = Some(other);
        }
    }

    /// Marks the last problem as a broken reference to `id` in `target`.
    fn refer(&mut self, target: RecordFile, id: &str) {
        if let Some(last) = self.problems.last_mut() {
            last.refers_to = Some((target, id.to_string()));
        }
    }

    fn not_before(
        &mut self,
        file: RecordFile,
        index: usize,
        column: &'static str,
        date: Date,
        earlier_column: &str,
        earlier: Date,
    ) {
        if date < earlier {
            self.add(
                file,
                index,
                column,
                format!("{column} {date} is before {earlier_column} {earlier}; it must be on or after it"),
            );
        }
    }
}

/// A span of dates one row covers, for overlap checks.
struct Span {
    index: usize,
    start: Date,
    end: Option<Date>,
}

/// Reports each row whose span overlaps an earlier-starting one. With `inclusive_end`, a span
/// includes its end day (placements); otherwise the next may start on the day the last ended
/// (plans).
fn overlaps(mut spans: Vec<Span>, inclusive_end: bool) -> Vec<(usize, usize)> {
    spans.sort_by_key(|s| (s.start, s.index));
    let mut found = Vec::new();
    // The span reaching furthest so far: (its index, its end; None = still open).
    let mut furthest: Option<(usize, Option<Date>)> = None;
    for span in spans {
        if let Some((earlier, end)) = furthest {
            let overlapping = match end {
                None => true,
                Some(end) if inclusive_end => span.start <= end,
                Some(end) => span.start < end,
            };
            if overlapping {
                found.push((span.index, earlier));
            }
        }
        let reaches_further = match (furthest, span.end) {
            (None, _) => true,
            (Some((_, None)), _) => false,
            (Some(_), None) => true,
            (Some((_, Some(a))), Some(b)) => b > a,
        };
        if reaches_further {
            furthest = Some((span.index, span.end));
        }
    }
    found
}

/// A URN is 6 digits and a UKPRN 8: each that is not is reported on its column.
fn establishment_numbers(r: &mut Report, file: RecordFile, i: usize, urn: Option<&str>, ukprn: Option<&str>) {
    if let Some(ukprn) = ukprn.filter(|u| !(u.len() == 8 && u.bytes().all(|b| b.is_ascii_digit()))) {
        r.add(file, i, "ukprn", format!("'{ukprn}' is not a UKPRN: a UKPRN is 8 digits"));
    }
    if let Some(urn) = urn.filter(|u| !(u.len() == 6 && u.bytes().all(|b| b.is_ascii_digit()))) {
        r.add(file, i, "urn", format!("'{urn}' is not a URN: a URN is 6 digits"));
    }
}

/// Checks every cross-record rule of the interchange spec and returns every problem found.
/// `today` bounds dates of birth; `measure_ids` are the ids benchmarks and targets may name.
///
/// A large authority's records are checked on every core (see [`validate_on`]).
pub fn validate(casework: &Casework, today: Date, measure_ids: &[&str]) -> Vec<Problem> {
    let threads = if casework.counts().total() < PARALLEL_FROM {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    };
    validate_on(casework, today, measure_ids, threads)
}

/// [`validate`] on `threads` threads: first each file's ids (and their duplicates), then the
/// rules, file by file. The problems come out in the same order whatever the threads.
pub fn validate_on(casework: &Casework, today: Date, measure_ids: &[&str], threads: usize) -> Vec<Problem> {
    use RecordFile as F;
    let cw = casework;

    let [
        (posts, ids_posts),
        (staff, ids_staff),
        (children, ids_children),
        (requests, ids_requests),
        (_, ids_advice),
        (plans, ids_plans),
        (_, ids_placements),
        (reviews, ids_reviews),
        (_, ids_disputes),
        (_, ids_feedback),
        (organisations, ids_organisations),
        (_, ids_consultations),
        (contacts, ids_contacts),
        (_, ids_promises),
        (_, ids_case_log),
        (_, ids_tasks),
        (_, ids_plan_settings),
    ] = in_parallel(
        threads,
        [
            job(cw.posts.len(), || id_map(F::Posts, "post_id", cw.posts.iter().map(|x| x.post_id.as_str()))),
            job(cw.staff.len(), || id_map(F::Staff, "staff_id", cw.staff.iter().map(|x| x.staff_id.as_str()))),
            job(cw.children.len(), || id_map(F::Children, "child_id", cw.children.iter().map(|x| x.child_id.as_str()))),
            job(cw.requests.len(), || {
                id_map(F::Requests, "request_id", cw.requests.iter().map(|x| x.request_id.as_str()))
            }),
            job(cw.advice.len(), || id_map(F::Advice, "advice_id", cw.advice.iter().map(|x| x.advice_id.as_str()))),
            job(cw.plans.len(), || id_map(F::Plans, "plan_id", cw.plans.iter().map(|x| x.plan_id.as_str()))),
            job(cw.placements.len(), || {
                id_map(F::Placements, "placement_id", cw.placements.iter().map(|x| x.placement_id.as_str()))
            }),
            job(cw.reviews.len(), || id_map(F::Reviews, "review_id", cw.reviews.iter().map(|x| x.review_id.as_str()))),
            job(cw.disputes.len(), || {
                id_map(F::Disputes, "dispute_id", cw.disputes.iter().map(|x| x.dispute_id.as_str()))
            }),
            job(cw.feedback.len(), || {
                id_map(F::Feedback, "feedback_id", cw.feedback.iter().map(|x| x.feedback_id.as_str()))
            }),
            job(cw.organisations.len(), || {
                id_map(F::Organisations, "organisation_id", cw.organisations.iter().map(|x| x.organisation_id.as_str()))
            }),
            job(cw.consultations.len(), || {
                id_map(F::Consultations, "consultation_id", cw.consultations.iter().map(|x| x.consultation_id.as_str()))
            }),
            job(cw.contacts.len(), || {
                id_map(F::Contacts, "contact_id", cw.contacts.iter().map(|x| x.contact_id.as_str()))
            }),
            job(cw.promises.len(), || {
                id_map(F::Promises, "promise_id", cw.promises.iter().map(|x| x.promise_id.as_str()))
            }),
            job(cw.case_log.len(), || id_map(F::CaseLog, "entry_id", cw.case_log.iter().map(|x| x.entry_id.as_str()))),
            job(cw.tasks.len(), || id_map(F::Tasks, "task_id", cw.tasks.iter().map(|x| x.task_id.as_str()))),
            job(cw.plan_settings.len(), || {
                id_map(F::PlanSettings, "plan_setting_id", cw.plan_settings.iter().map(|x| x.plan_setting_id.as_str()))
            }),
        ],
    );
    // With staff recorded, every caseworker is one of them: a typo would make a ghost
    // caseworker who holds cases nobody works. Without staff.csv, caseworkers are free ids.
    let caseworker = |r: &mut Report, file: RecordFile, i: usize, worker: &str| {
        r.check(file, i, "caseworker", check_record_id(worker));
        if !staff.is_empty() {
            r.reference(file, i, "caseworker", worker, &staff, F::Staff);
        }
    };

    let [
        rules_1,
        rules_2,
        rules_3,
        rules_4,
        rules_5,
        rules_6,
        rules_7,
        rules_8,
        rules_9,
        rules_10,
        rules_11,
        rules_12,
        rules_13,
        rules_14,
        rules_15,
        rules_16,
    ] = in_parallel(
        threads,
        [
            job(cw.posts.len() + cw.staff.len(), || {
                let mut r = Report::default();
                for (i, p) in cw.posts.iter().enumerate() {
                    if let Some(team) = &p.team {
                        r.check(F::Posts, i, "team", check_name(team));
                    }
                    if let Some(to) = p.funded_to {
                        r.not_before(F::Posts, i, "funded_to", to, "funded_from", p.funded_from);
                    }
                }
                for (i, m) in cw.staff.iter().enumerate() {
                    r.check(F::Staff, i, "name", check_name(&m.name));
                    if m.name.trim().is_empty() {
                        r.add(F::Staff, i, "name", "the name is blank");
                    }
                    if let Some(email) = &m.email {
                        r.check(F::Staff, i, "email", crate::access::check_email(email).map(|_| ()));
                    }
                    if let Some(team) = &m.team {
                        r.check(F::Staff, i, "team", check_name(team));
                    }
                    if let Some(post) = &m.post_id {
                        r.reference(F::Staff, i, "post_id", post, &posts, F::Posts);
                    }
                    if let Some(end) = m.ended_on {
                        r.not_before(F::Staff, i, "ended_on", end, "started_on", m.started_on);
                    }
                }
                r.problems
            }),
            job(cw.children.len(), || {
                let mut r = Report::default();
                for (i, c) in cw.children.iter().enumerate() {
                    if let Some(upn) = &c.upn {
                        r.check(F::Children, i, "upn", check_upn(upn));
                    }
                    if c.date_of_birth > today {
                        r.add(
                            F::Children,
                            i,
                            "date_of_birth",
                            format!("date of birth {} is in the future", c.date_of_birth),
                        );
                    }
                    if c.date_of_birth < earliest_date_of_birth() {
                        r.add(
                            F::Children,
                            i,
                            "date_of_birth",
                            format!("date of birth {} is before 1990-01-01", c.date_of_birth),
                        );
                    }
                    if let Some(p) = &c.postcode {
                        r.check(F::Children, i, "postcode", check_postcode(p));
                    }
                    if let Some(uln) = &c.uln {
                        r.check(F::Children, i, "uln", check_uln(uln));
                    }
                    if let Some(e) = &c.ethnicity {
                        r.check(F::Children, i, "ethnicity", check_ethnicity(e));
                    }
                    r.check(F::Children, i, "forename", check_name(&c.forename));
                    r.check(F::Children, i, "surname", check_name(&c.surname));
                    if c.forename.trim().is_empty() {
                        r.add(F::Children, i, "forename", "the forename is blank");
                    }
                    if c.surname.trim().is_empty() {
                        r.add(F::Children, i, "surname", "the surname is blank");
                    }
                }
                r.problems
            }),
            job(cw.requests.len(), || {
                let mut r = Report::default();
                for (i, q) in cw.requests.iter().enumerate() {
                    r.reference(F::Requests, i, "child_id", &q.child_id, &children, F::Children);
                    if let Some(d) = q.decision {
                        r.not_before(F::Requests, i, "decided_on", d.on, "received_on", q.received_on);
                    }
                    if let Some(o) = q.outcome {
                        match q.decision {
                            Some(d) if d.value == AssessmentDecision::Assess => {
                                r.not_before(F::Requests, i, "outcome_on", o.on, "decided_on", d.on)
                            }
                            _ => r.add(
                                F::Requests,
                                i,
                                "outcome",
                                format!(
                                    "outcome '{}' is recorded but the decision was not 'assess'; an assessment outcome needs a decision to assess",
                                    o.value
                                ),
                            ),
                        }
                    }
                    if let Some(draft) = q.draft_issued_on {
                        match q.decision {
                            Some(d) if d.value == AssessmentDecision::Assess => {
                                r.not_before(F::Requests, i, "draft_issued_on", draft, "decided_on", d.on)
                            }
                            _ => r.add(
                                F::Requests,
                                i,
                                "draft_issued_on",
                                "a draft plan is recorded but the decision was not 'assess'",
                            ),
                        }
                        if let Some(o) = q.outcome.filter(|o| o.on < draft) {
                            r.add(
                            F::Requests,
                            i,
                            "draft_issued_on",
                            format!(
                                "draft_issued_on {draft} is after outcome_on {}; the draft comes before the final outcome",
                                o.on
                            ),
                        );
                        }
                    }
                    if let Some(worker) = &q.caseworker {
                        caseworker(&mut r, F::Requests, i, worker);
                    }
                }
                r.problems
            }),
            job(cw.advice.len(), || {
                let mut r = Report::default();
                for (i, a) in cw.advice.iter().enumerate() {
                    if let Some(provider) = &a.provider {
                        r.check(F::Advice, i, "provider", check_name(provider));
                    }
                    match requests.get(a.request_id.as_str()).map(|&k| &cw.requests[k]) {
                        None => {
                            r.add(
                                F::Advice,
                                i,
                                "request_id",
                                format!("request_id '{}' does not exist in requests.csv", a.request_id),
                            );
                            r.refer(F::Requests, &a.request_id);
                        }
                        Some(q) => match q.decision {
                            Some(d) if d.value == AssessmentDecision::Assess => r.not_before(
                                F::Advice,
                                i,
                                "requested_on",
                                a.requested_on,
                                "the request's decided_on",
                                d.on,
                            ),
                            _ => r.add(
                                F::Advice,
                                i,
                                "request_id",
                                format!(
                                    "request '{}' has no decision to assess, so no advice can be requested for it",
                                    a.request_id
                                ),
                            ),
                        },
                    }
                    if let Some(received) = a.received_on {
                        r.not_before(F::Advice, i, "received_on", received, "requested_on", a.requested_on);
                    }
                }
                r.problems
            }),
            job(cw.organisations.len() + cw.advice.len(), || {
                let mut r = Report::default();
                for (i, o) in cw.organisations.iter().enumerate() {
                    r.check(F::Organisations, i, "name", check_name(&o.name));
                    if o.name.trim().is_empty() {
                        r.add(F::Organisations, i, "name", "the name is blank");
                    }
                    if let Some(email) = &o.email {
                        r.check(F::Organisations, i, "email", crate::access::check_email(email).map(|_| ()));
                    }
                    if let Some(urn) = &o.urn
                        && !(urn.len() == 6 && urn.bytes().all(|b| b.is_ascii_digit()))
                    {
                        r.add(F::Organisations, i, "urn", format!("'{urn}' is not a URN: a URN is 6 digits"));
                    }
                }
                for (i, a) in cw.advice.iter().enumerate() {
                    if let Some(o) = &a.organisation_id {
                        r.reference(F::Advice, i, "organisation_id", o, &organisations, F::Organisations);
                    }
                }
                r.problems
            }),
            job(cw.consultations.len(), || {
                let mut r = Report::default();
                for (i, c) in cw.consultations.iter().enumerate() {
                    r.reference(F::Consultations, i, "child_id", &c.child_id, &children, F::Children);
                    r.reference(
                        F::Consultations,
                        i,
                        "organisation_id",
                        &c.organisation_id,
                        &organisations,
                        F::Organisations,
                    );
                    match (&c.request_id, &c.review_id) {
                        (Some(q), None) => {
                            r.same_childs_request(F::Consultations, i, &c.child_id, q, &requests, &cw.requests)
                        }
                        (None, Some(v)) => {
                            r.same_childs_review((F::Consultations, i), &c.child_id, v, (&reviews, &plans), cw)
                        }
                        _ => r.add(
                            F::Consultations,
                            i,
                            "request_id",
                            "give the request (a draft plan) or the review (an amended plan) the consultation is about, one of them",
                        ),
                    }
                    match (c.responded_on, c.response) {
                        (Some(_), None) => {
                            r.add(F::Consultations, i, "response", "response is required when responded_on is filled")
                        }
                        (None, Some(_)) => r.add(
                            F::Consultations,
                            i,
                            "responded_on",
                            "responded_on is required when response is filled",
                        ),
                        (Some(on), Some(_)) if on < c.sent_on => {
                            r.add(F::Consultations, i, "responded_on", "responded_on is before sent_on")
                        }
                        _ => {}
                    }
                }
                r.problems
            }),
            job(cw.contacts.len(), || {
                let mut r = Report::default();
                for (i, c) in cw.contacts.iter().enumerate() {
                    r.reference(F::Contacts, i, "child_id", &c.child_id, &children, F::Children);
                    r.check(F::Contacts, i, "name", check_name(&c.name));
                    if c.name.trim().is_empty() {
                        r.add(F::Contacts, i, "name", "the name is blank");
                    }
                    if let Some(email) = &c.email {
                        r.check(F::Contacts, i, "email", crate::access::check_email(email).map(|_| ()));
                    }
                    if let Some(phone) = &c.phone {
                        r.check(F::Contacts, i, "phone", crate::identifiers::check_phone(phone));
                    }
                    if let Some(address) = &c.address {
                        r.check(F::Contacts, i, "address", crate::identifiers::check_text(address));
                    }
                    if let Some(organisation) = &c.organisation {
                        r.check(F::Contacts, i, "organisation", check_name(organisation));
                    }
                    if let Some(urn) = &c.urn
                        && !(urn.len() == 6 && urn.bytes().all(|b| b.is_ascii_digit()))
                    {
                        r.add(F::Contacts, i, "urn", format!("'{urn}' is not a URN: a URN is 6 digits"));
                    }
                }
                r.problems
            }),
            job(cw.promises.len() + cw.feedback.len(), || {
                let mut r = Report::default();
                let mut promised: HashMap<&str, usize> = HashMap::default();
                for (i, p) in cw.promises.iter().enumerate() {
                    if let Some(child) = &p.child_id {
                        r.reference(F::Promises, i, "child_id", child, &children, F::Children);
                    }
                    if !(1..=65).contains(&p.working_days) {
                        r.add(
                            F::Promises,
                            i,
                            "working_days",
                            format!("{} working days is not a promise: give from 1 to 65", p.working_days),
                        );
                    }
                    let whose = p.child_id.as_deref().unwrap_or_default();
                    if promised.insert(whose, i).is_some() {
                        let message = if whose.is_empty() {
                            "the authority's standard (a row without a child) is given more than once".to_string()
                        } else {
                            format!("child {whose} has more than one communication promise")
                        };
                        r.add(F::Promises, i, "child_id", message);
                    }
                }
                for (i, f) in cw.feedback.iter().enumerate() {
                    let complaint = f.kind == crate::codes::FeedbackKind::Complaint;
                    if !complaint && (f.subject.is_some() || f.stage.is_some() || f.ombudsman_outcome.is_some()) {
                        r.add(
                            F::Feedback,
                            i,
                            "subject",
                            "a compliment has no subject, stage or Ombudsman outcome: those are for complaints",
                        );
                    }
                    if f.ombudsman_outcome.is_some() && f.stage != Some(crate::codes::ComplaintStage::Ombudsman) {
                        r.add(F::Feedback, i, "ombudsman_outcome", "an Ombudsman outcome needs the stage 'ombudsman'");
                    }
                }
                r.problems
            }),
            job(cw.case_log.len(), || {
                let mut r = Report::default();
                for (i, e) in cw.case_log.iter().enumerate() {
                    r.reference(F::CaseLog, i, "child_id", &e.child_id, &children, F::Children);
                    if let Some(t) = &e.time {
                        r.check(F::CaseLog, i, "time", crate::identifiers::check_time(t));
                    }
                    if let Some(w) = &e.with_whom {
                        r.check(F::CaseLog, i, "with_whom", check_name(w));
                    }
                    r.check(F::CaseLog, i, "summary", crate::identifiers::check_text(&e.summary));
                    if e.summary.trim().is_empty() {
                        r.add(F::CaseLog, i, "summary", "what was said or done is blank");
                    }
                    // What an entry is about is one of the same child's records.
                    if let Some(q) = &e.request_id {
                        r.same_childs_request(F::CaseLog, i, &e.child_id, q, &requests, &cw.requests);
                    }
                    if let Some(p) = &e.plan_id {
                        match plans.get(p.as_str()).map(|&k| &cw.plans[k]) {
                            None => r.reference(F::CaseLog, i, "plan_id", p, &plans, F::Plans),
                            Some(plan) if plan.child_id != e.child_id => {
                                r.add(F::CaseLog, i, "plan_id", format!("plan_id '{p}' is a plan of another child"))
                            }
                            Some(_) => {}
                        }
                    }
                    if let Some(v) = &e.review_id {
                        r.same_childs_review((F::CaseLog, i), &e.child_id, v, (&reviews, &plans), cw);
                    }
                    // The contact it was with is one of the same child's contacts.
                    if let Some(k) = &e.contact_id {
                        match contacts.get(k.as_str()).map(|&j| &cw.contacts[j]) {
                            None => r.reference(F::CaseLog, i, "contact_id", k, &contacts, F::Contacts),
                            Some(c) if c.child_id != e.child_id => r.add(
                                F::CaseLog,
                                i,
                                "contact_id",
                                format!("contact_id '{k}' is a contact of another child"),
                            ),
                            Some(_) => {}
                        }
                    }
                    if let Some(worker) = &e.by {
                        r.check(F::CaseLog, i, "by", check_record_id(worker));
                        if !staff.is_empty() {
                            r.reference(F::CaseLog, i, "by", worker, &staff, F::Staff);
                        }
                    }
                }
                r.problems
            }),
            job(cw.tasks.len(), || {
                let mut r = Report::default();
                for (i, t) in cw.tasks.iter().enumerate() {
                    r.reference(F::Tasks, i, "child_id", &t.child_id, &children, F::Children);
                    if let Some(worker) = &t.caseworker {
                        caseworker(&mut r, F::Tasks, i, worker);
                    }
                    r.check(F::Tasks, i, "what", check_name(&t.what));
                    if t.what.trim().is_empty() {
                        r.add(F::Tasks, i, "what", "what to do is blank");
                    }
                }
                r.problems
            }),
            job(cw.plans.len(), || {
                let mut r = Report::default();
                let mut plans_by_child: HashMap<&str, Vec<Span>> = HashMap::default();
                for (i, p) in cw.plans.iter().enumerate() {
                    r.reference(F::Plans, i, "child_id", &p.child_id, &children, F::Children);
                    if let Some(worker) = &p.caseworker {
                        caseworker(&mut r, F::Plans, i, worker);
                    }
                    if let Some(q) = &p.request_id {
                        r.same_childs_request(F::Plans, i, &p.child_id, q, &requests, &cw.requests);
                    }
                    if let Some(c) = p.ceased {
                        r.not_before(F::Plans, i, "ceased_on", c.on, "issued_on", p.issued_on);
                    }
                    if let Some(la) = &p.transferred_from {
                        r.check(F::Plans, i, "transferred_from", check_la_number(la));
                    }
                    plans_by_child.entry(&p.child_id).or_default().push(Span {
                        index: i,
                        start: p.issued_on,
                        end: p.ceased.map(|c| c.on),
                    });
                }
                for spans in plans_by_child.into_values() {
                    for (later, earlier) in overlaps(spans, false) {
                        let e = &cw.plans[earlier];
                        let ends = e.ceased.map_or("is still active".to_string(), |c| format!("ceased on {}", c.on));
                        r.add(
                            F::Plans,
                            later,
                            "issued_on",
                            format!(
                                "this plan overlaps plan '{}' of the same child, which {ends}; a child has one active plan at a time",
                                e.plan_id
                            ),
                        );
                        r.clash(earlier);
                    }
                }
                r.problems
            }),
            job(cw.placements.len(), || {
                let mut r = Report::default();
                let mut placements_by_child: HashMap<(&str, bool), Vec<Span>> = HashMap::default();
                for (i, p) in cw.placements.iter().enumerate() {
                    r.reference(F::Placements, i, "child_id", &p.child_id, &children, F::Children);
                    if let Some(name) = &p.establishment {
                        r.check(F::Placements, i, "establishment", check_name(name));
                    }
                    if let Some(end) = p.ended_on {
                        r.not_before(F::Placements, i, "ended_on", end, "started_on", p.started_on);
                    }
                    establishment_numbers(&mut r, F::Placements, i, p.urn.as_deref(), p.ukprn.as_deref());
                    let main = p.rank != Some(PlacementRank::Dual);
                    placements_by_child.entry((&p.child_id, main)).or_default().push(Span {
                        index: i,
                        start: p.started_on,
                        end: p.ended_on,
                    });
                }
                for spans in placements_by_child.into_values() {
                    for (later, earlier) in overlaps(spans, true) {
                        let e = &cw.placements[earlier];
                        let ends = e.ended_on.map_or("has no end date".to_string(), |d| format!("ends on {d}"));
                        r.add(
                            F::Placements,
                            later,
                            "started_on",
                            format!(
                                "this placement overlaps placement '{}' of the same child and rank, which {ends}",
                                e.placement_id
                            ),
                        );
                        r.clash(earlier);
                    }
                }
                r.problems
            }),
            job(cw.plan_settings.len(), || {
                let mut r = Report::default();
                for (i, n) in cw.plan_settings.iter().enumerate() {
                    r.reference(F::PlanSettings, i, "plan_id", &n.plan_id, &plans, F::Plans);
                    if let Some(plan) = plans.get(n.plan_id.as_str()).map(|&k| &cw.plans[k]) {
                        r.not_before(
                            F::PlanSettings,
                            i,
                            "named_on",
                            n.named_on,
                            "the plan's issued_on",
                            plan.issued_on,
                        );
                    }
                    if let Some(end) = n.ended_on {
                        r.not_before(F::PlanSettings, i, "ended_on", end, "named_on", n.named_on);
                    }
                    establishment_numbers(&mut r, F::PlanSettings, i, n.urn.as_deref(), n.ukprn.as_deref());
                    if n.urn.is_none() && n.ukprn.is_none() && n.setting.is_none() {
                        r.add(
                            F::PlanSettings,
                            i,
                            "setting",
                            "a named setting needs a URN, a UKPRN or a type of setting",
                        );
                    }
                }
                r.problems
            }),
            job(cw.reviews.len(), || {
                let mut r = Report::default();
                let mut meetings: HashMap<(&str, Date), usize> = HashMap::default();
                for (i, v) in cw.reviews.iter().enumerate() {
                    let plan = plans.get(v.plan_id.as_str()).map(|&k| &cw.plans[k]);
                    if plan.is_none() {
                        r.add(F::Reviews, i, "plan_id", format!("plan_id '{}' does not exist in plans.csv", v.plan_id));
                        r.refer(F::Plans, &v.plan_id);
                    }
                    match (v.decision, v.meeting_on) {
                    (Some(_), None) => r.add(
                        F::Reviews,
                        i,
                        "decision",
                        "a review decision is recorded but there is no meeting_on; the decision follows the meeting",
                    ),
                    (Some(d), Some(m)) => r.not_before(F::Reviews, i, "decided_on", d.on, "meeting_on", m),
                    _ => {}
                }
                    if let Some(amended) = v.amended_on {
                        match v.decision {
                            Some(d) if d.value == ReviewDecision::Amend => {
                                r.not_before(F::Reviews, i, "amended_on", amended, "decided_on", d.on)
                            }
                            _ => r.add(
                                F::Reviews,
                                i,
                                "amended_on",
                                "an amended plan is recorded but the review decision was not 'amend'",
                            ),
                        }
                    }
                    if let Some(m) = v.meeting_on {
                        if let Some(p) = plan {
                            r.not_before(F::Reviews, i, "meeting_on", m, "the plan's issued_on", p.issued_on);
                        }
                        if let Some(first) = meetings.get(&(v.plan_id.as_str(), m)) {
                            r.add(
                                F::Reviews,
                                i,
                                "meeting_on",
                                format!("plan '{}' already has a review meeting on {m}", v.plan_id),
                            );
                            r.clash(*first);
                        } else {
                            meetings.insert((&v.plan_id, m), i);
                        }
                    }
                }
                r.problems
            }),
            job(cw.disputes.len() + cw.feedback.len() + cw.population.len(), || {
                let mut r = Report::default();
                for (i, d) in cw.disputes.iter().enumerate() {
                    r.reference(F::Disputes, i, "child_id", &d.child_id, &children, F::Children);
                    if let Some(q) = &d.request_id {
                        r.same_childs_request(F::Disputes, i, &d.child_id, q, &requests, &cw.requests);
                    }
                    if let (Some(o), Some(opened_on)) = (d.outcome, d.opened_on) {
                        r.not_before(F::Disputes, i, "closed_on", o.on, "opened_on", opened_on);
                    }
                }

                for (i, f) in cw.feedback.iter().enumerate() {
                    if let Some(c) = &f.child_id {
                        r.reference(F::Feedback, i, "child_id", c, &children, F::Children);
                    }
                }

                let mut ages: HashMap<(i16, u8), usize> = HashMap::default();
                for (i, p) in cw.population.iter().enumerate() {
                    if p.age > 25 {
                        r.add(F::Population, i, "age", format!("age {} is outside 0 to 25", p.age));
                    }
                    if let Some(first) = ages.insert((p.year, p.age), i) {
                        r.add(F::Population, i, "age", format!("year {} age {} already has a count", p.year, p.age));
                        r.clash(first);
                    }
                }
                r.problems
            }),
            job(cw.audit_answers.len() + cw.quality_audits.len() + cw.benchmarks.len(), || {
                let mut r = Report::default();
                let indicators = board_paper(&mut r, cw, &children, &staff, &plans, &requests, measure_ids);
                let known = |m: &str| measure_ids.contains(&m) || indicators.contains_key(m);
                let mut benchmark_keys = HashMap::default();
                for (i, b) in cw.benchmarks.iter().enumerate() {
                    if !known(&b.measure) {
                        r.add(
                            F::Benchmarks,
                            i,
                            "measure",
                            format!(
                                "'{}' is not a measure id of the catalogue or an indicator id of indicators.csv",
                                b.measure
                            ),
                        );
                    }
                    if let Some(first) = benchmark_keys.insert((b.measure.as_str(), b.period, b.comparator), i) {
                        r.add(
                            F::Benchmarks,
                            i,
                            "period",
                            format!("{} already has a {} value for {}", b.measure, b.comparator, b.period),
                        );
                        r.clash(first);
                    }
                }
                for (i, t) in cw.targets.iter().enumerate() {
                    if !known(&t.measure) {
                        r.add(
                            F::Targets,
                            i,
                            "measure",
                            format!(
                                "'{}' is not a measure id of the catalogue or an indicator id of indicators.csv",
                                t.measure
                            ),
                        );
                    }
                }
                r.problems
            }),
        ],
    );
    // In the order the rules were written, so each row's problems come out as they always have.
    [
        ids_posts,
        ids_staff,
        rules_1,
        ids_children,
        ids_requests,
        ids_advice,
        ids_plans,
        ids_placements,
        ids_reviews,
        ids_disputes,
        ids_feedback,
        rules_2,
        rules_3,
        rules_4,
        ids_organisations,
        rules_5,
        ids_consultations,
        rules_6,
        ids_contacts,
        rules_7,
        ids_promises,
        rules_8,
        ids_case_log,
        rules_9,
        ids_tasks,
        rules_10,
        rules_11,
        rules_12,
        ids_plan_settings,
        rules_13,
        rules_14,
        rules_15,
        rules_16,
    ]
    .concat()
}

/// Below this many records the rules run on one thread: starting others costs more than it
/// saves (a form's save checks one child's records).
const PARALLEL_FROM: usize = 50_000;

/// One file's ids, each with the index of its first record, and the duplicates among them.
fn id_map<'a>(
    file: RecordFile,
    column: &'static str,
    ids: impl Iterator<Item = &'a str>,
) -> (HashMap<&'a str, usize>, Vec<Problem>) {
    let mut r = Report::default();
    let map = r.ids(file, column, ids);
    (map, r.problems)
}

/// A piece of the checking: how many rows it looks at, and the work itself.
struct Job<'a, T> {
    rows: usize,
    run: Box<dyn FnOnce() -> T + Send + 'a>,
}

fn job<'a, T>(rows: usize, run: impl FnOnce() -> T + Send + 'a) -> Job<'a, T> {
    Job { rows, run: Box::new(run) }
}

/// Runs `jobs` on `threads` threads, the largest first, each thread taking the next not yet
/// taken; returns their results in the order of `jobs`.
fn in_parallel<'a, T: Send, const N: usize>(threads: usize, jobs: [Job<'a, T>; N]) -> [T; N] {
    if threads <= 1 {
        return jobs.map(|j| (j.run)());
    }
    let mut order: Vec<usize> = (0..N).collect();
    order.sort_by_key(|&k| std::cmp::Reverse(jobs[k].rows));
    type Run<'a, T> = Box<dyn FnOnce() -> T + Send + 'a>;
    let runs: Vec<std::sync::Mutex<Option<Run<'a, T>>>> =
        jobs.into_iter().map(|j| std::sync::Mutex::new(Some(j.run))).collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut done: [Option<T>; N] = std::array::from_fn(|_| None);
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads.min(N))
            .map(|_| {
                let (order, runs, next) = (&order, &runs, &next);
                scope.spawn(move || {
                    let mut mine = Vec::new();
                    while let Some(&k) = order.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed)) {
                        if let Some(run) = runs[k].lock().ok().and_then(|mut run| run.take()) {
                            mine.push((k, run()));
                        }
                    }
                    mine
                })
            })
            .collect();
        for worker in workers {
            // A panic in a worker is a bug; carry it on rather than hide it.
            match worker.join() {
                Ok(part) => part.into_iter().for_each(|(k, result)| done[k] = Some(result)),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
    });
    // Every index of `order` is taken by exactly one worker, and every worker has joined.
    done.map(|result| result.unwrap_or_else(|| unreachable!("every job runs once")))
}
/// Reports the second (and later) record of `file` with the same natural key.
fn unique_keys<K: std::hash::Hash + Eq>(
    r: &mut Report,
    file: RecordFile,
    column: &'static str,
    keys: impl Iterator<Item = K>,
    what: impl Fn(&K) -> String,
) {
    let mut seen: HashMap<K, usize> = HashMap::default();
    for (i, key) in keys.enumerate() {
        if let Some(&first) = seen.get(&key) {
            r.add(file, i, column, format!("{} is recorded more than once", what(&key)));
            r.clash(first);
        } else {
            seen.insert(key, i);
        }
    }
}

/// The rules of the board paper's records (issue 22); returns the indicator ids.
fn board_paper<'a>(
    r: &mut Report,
    cw: &'a Casework,
    children: &HashMap<&str, usize>,
    staff: &HashMap<&str, usize>,
    plans: &HashMap<&str, usize>,
    requests: &HashMap<&str, usize>,
    measure_ids: &[&str],
) -> HashMap<&'a str, usize> {
    use RecordFile as F;
    let indicators = r.ids(F::Indicators, "indicator_id", cw.indicators.iter().map(|x| x.indicator_id.as_str()));
    for (i, x) in cw.indicators.iter().enumerate() {
        if measure_ids.contains(&x.indicator_id.as_str()) {
            r.add(
                F::Indicators,
                i,
                "indicator_id",
                format!("'{}' is a measure id of the catalogue; an indicator needs an id of its own", x.indicator_id),
            );
        }
        if x.title.trim().is_empty() {
            r.add(F::Indicators, i, "title", "the title is blank");
        }
    }
    for (i, v) in cw.indicator_values.iter().enumerate() {
        r.reference(F::IndicatorValues, i, "indicator_id", &v.indicator_id, &indicators, F::Indicators);
        if let (Some(n), Some(d)) = (v.numerator, v.denominator)
            && n > d
        {
            r.add(F::IndicatorValues, i, "numerator", format!("the numerator {n} is more than the denominator {d}"));
        }
        if v.received_on < v.period.first_day() {
            r.add(
                F::IndicatorValues,
                i,
                "received_on",
                format!("received_on {} is before the period {} began", v.received_on, v.period),
            );
        }
    }
    unique_keys(
        r,
        F::IndicatorValues,
        "period",
        cw.indicator_values.iter().map(|v| (v.indicator_id.as_str(), v.period)),
        |(id, p)| format!("{id} for {p}"),
    );

    let strands = r.ids(F::Strands, "strand_id", cw.strands.iter().map(|x| x.strand_id.as_str()));
    for (i, x) in cw.strand_ratings.iter().enumerate() {
        r.reference(F::StrandRatings, i, "strand_id", &x.strand_id, &strands, F::Strands);
    }
    unique_keys(
        r,
        F::StrandRatings,
        "rated_on",
        cw.strand_ratings.iter().map(|x| (x.strand_id.as_str(), x.rated_on)),
        |(s, d)| format!("a rating of {s} on {d}"),
    );
    r.ids(F::Milestones, "milestone_id", cw.milestones.iter().map(|x| x.milestone_id.as_str()));
    for (i, m) in cw.milestones.iter().enumerate() {
        r.reference(F::Milestones, i, "strand_id", &m.strand_id, &strands, F::Strands);
        if let Some(revised) = m.revised_due_on {
            r.not_before(F::Milestones, i, "revised_due_on", revised, "due_on", m.due_on);
            if m.slip_reason.as_deref().is_none_or(|t| t.trim().is_empty()) && revised > m.due_on {
                r.add(F::Milestones, i, "slip_reason", "a milestone that slipped needs the reason why");
            }
        }
    }
    r.ids(F::BoardActions, "action_id", cw.board_actions.iter().map(|x| x.action_id.as_str()));
    for (i, a) in cw.board_actions.iter().enumerate() {
        r.reference(F::BoardActions, i, "strand_id", &a.strand_id, &strands, F::Strands);
        r.not_before(F::BoardActions, i, "due_on", a.due_on, "raised_on", a.raised_on);
    }
    for (i, k) in cw.strand_kpis.iter().enumerate() {
        r.reference(F::StrandKpis, i, "strand_id", &k.strand_id, &strands, F::Strands);
        if !measure_ids.contains(&k.measure.as_str()) && !indicators.contains_key(k.measure.as_str()) {
            r.add(
                F::StrandKpis,
                i,
                "measure",
                format!("'{}' is not a measure id of the catalogue or an indicator id of indicators.csv", k.measure),
            );
        }
    }
    unique_keys(
        r,
        F::StrandKpis,
        "measure",
        cw.strand_kpis.iter().map(|k| (k.strand_id.as_str(), k.measure.as_str())),
        |(s, m)| format!("{m} as a KPI of {s}"),
    );

    for (i, c) in cw.commentaries.iter().enumerate() {
        if c.signed_off_on.is_some() != c.signed_off_by.is_some() {
            r.add(F::Commentaries, i, "signed_off_by", "signed_off_by and signed_off_on are filled together");
        }
    }
    unique_keys(
        r,
        F::Commentaries,
        "section",
        cw.commentaries.iter().map(|c| (c.month, c.section.as_str())),
        |(m, s)| format!("commentary on {s} for {m}"),
    );
    unique_keys(
        r,
        F::SignedFigures,
        "figure",
        cw.signed_figures.iter().map(|f| (f.month, f.section.as_str(), f.figure.as_str())),
        |(m, s, f)| format!("'{f}' of {s} for {m}"),
    );

    let questions = r.ids(F::AuditQuestions, "question_id", cw.audit_questions.iter().map(|x| x.question_id.as_str()));
    let audits = r.ids(F::QualityAudits, "audit_id", cw.quality_audits.iter().map(|x| x.audit_id.as_str()));
    // Advice names its child through its request; mapped only when there are audits to check.
    let advice: HashMap<&str, &str> = if cw.quality_audits.is_empty() {
        HashMap::default()
    } else {
        cw.advice
            .iter()
            .filter_map(|a| {
                let k = *requests.get(a.request_id.as_str())?;
                Some((a.advice_id.as_str(), cw.requests[k].child_id.as_str()))
            })
            .collect()
    };
    for (i, a) in cw.quality_audits.iter().enumerate() {
        r.reference(F::QualityAudits, i, "child_id", &a.child_id, children, F::Children);
        // As caseworkers: with staff recorded, auditors and moderators are among them.
        if !staff.is_empty() {
            r.reference(F::QualityAudits, i, "auditor", &a.auditor, staff, F::Staff);
        }
        r.check(F::QualityAudits, i, "auditor", check_record_id(&a.auditor));
        if let Some(m) = &a.moderator {
            if !staff.is_empty() {
                r.reference(F::QualityAudits, i, "moderator", m, staff, F::Staff);
            }
            if m == &a.auditor {
                r.add(F::QualityAudits, i, "moderator", "an audit is moderated by someone other than its auditor");
            }
        }
        let of_child = match a.subject {
            crate::codes::AuditSubject::Plan => {
                plans.get(a.subject_id.as_str()).map(|&k| cw.plans[k].child_id.as_str())
            }
            crate::codes::AuditSubject::Advice => advice.get(a.subject_id.as_str()).copied(),
        };
        match of_child {
            None => r.add(
                F::QualityAudits,
                i,
                "subject_id",
                format!(
                    "subject_id '{}' is not a {} held",
                    a.subject_id,
                    if a.subject == crate::codes::AuditSubject::Plan { "plan" } else { "piece of advice" }
                ),
            ),
            Some(c) if c != a.child_id => r.add(
                F::QualityAudits,
                i,
                "subject_id",
                format!("subject_id '{}' belongs to another child", a.subject_id),
            ),
            Some(_) => {}
        }
        match (a.moderated_on, a.moderated_grade, &a.moderator) {
            (None, None, None) | (Some(_), Some(_), Some(_)) => {}
            _ => r.add(
                F::QualityAudits,
                i,
                "moderated_grade",
                "a moderation needs its moderator, date and grade together",
            ),
        }
        if let Some(on) = a.moderated_on {
            r.not_before(F::QualityAudits, i, "moderated_on", on, "audited_on", a.audited_on);
        }
    }
    for (i, x) in cw.audit_answers.iter().enumerate() {
        r.reference(F::AuditAnswers, i, "audit_id", &x.audit_id, &audits, F::QualityAudits);
        r.reference(F::AuditAnswers, i, "question_id", &x.question_id, &questions, F::AuditQuestions);
    }
    unique_keys(
        r,
        F::AuditAnswers,
        "question_id",
        cw.audit_answers.iter().map(|x| (x.audit_id.as_str(), x.question_id.as_str())),
        |(a, q)| format!("question {q} of audit {a}"),
    );

    for (i, f) in cw.cohort_flags.iter().enumerate() {
        r.reference(F::CohortFlags, i, "child_id", &f.child_id, children, F::Children);
        if let Some(end) = f.ended_on {
            r.not_before(F::CohortFlags, i, "ended_on", end, "started_on", f.started_on);
        }
    }
    unique_keys(
        r,
        F::CohortFlags,
        "started_on",
        cw.cohort_flags.iter().map(|f| (f.child_id.as_str(), f.flag, f.started_on)),
        |(c, f, d)| format!("{f} of child {c} from {d}"),
    );
    indicators
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::*;
    use crate::records::*;
    use crate::testing;
    use jiff::civil::date;

    fn child(id: &str) -> Child {
        testing::child(id, date(2015, 3, 1))
    }

    fn request(id: &str, child: &str) -> Request {
        Request {
            source: Some(RequestSource::School),
            decision: Some(Dated::new(AssessmentDecision::Assess, date(2024, 2, 10))),
            ..testing::request(id, child, date(2024, 1, 10))
        }
    }

    fn plan(id: &str, child: &str, issued: Date, ceased: Option<Date>) -> Plan {
        Plan { ceased: ceased.map(|d| Dated::new(CeaseReason::Other, d)), ..testing::plan(id, child, issued) }
    }

    fn placement(id: &str, start: Date, end: Option<Date>, rank: Option<PlacementRank>) -> Placement {
        Placement { ended_on: end, rank, ..testing::placement(id, "C1", Setting::Mainstream, start) }
    }

    fn base() -> Casework {
        Casework {
            children: imbl::vector![child("C1")],
            requests: imbl::vector![request("R1", "C1")],
            ..Casework::default()
        }
    }

    fn problems(cw: &Casework) -> Vec<(RecordFile, usize, &'static str)> {
        validate(cw, date(2026, 11, 30), &["plans_active"]).into_iter().map(|p| (p.file, p.index, p.column)).collect()
    }

    #[test]
    fn a_consistent_authority_has_no_problems() {
        assert!(problems(&base()).is_empty());
    }

    #[test]
    fn duplicates_are_reported_on_their_second_occurrence() {
        let mut cw = base();
        cw.children.push_back(child("C2"));
        cw.children.push_back(child("C1"));
        let found = validate(&cw, date(2026, 1, 1), &[]);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].file, found[0].index, found[0].column), (RecordFile::Children, 2, "child_id"));
        assert!(found[0].message.contains("used more than once"), "{}", found[0].message);
        assert_eq!(found[0].clashes_with, Some(0));
    }

    #[test]
    fn names_with_control_characters_or_over_200_characters_and_ids_that_break_addresses_are_refused() {
        let mut cw = base();
        cw.children[0].forename = "Ada\u{1b}[2J".into();
        cw.children[0].surname = "x".repeat(201);
        cw.children.push_back(child("../admin"));
        cw.children.push_back(child("C?x=1"));
        cw.children.push_back(child("C#2"));
        cw.children.push_back(child("C/3"));
        cw.children.push_back(Child { surname: "y".repeat(200), ..child("C4") });
        assert_eq!(
            problems(&cw),
            [
                (RecordFile::Children, 1, "child_id"),
                (RecordFile::Children, 2, "child_id"),
                (RecordFile::Children, 3, "child_id"),
                (RecordFile::Children, 4, "child_id"),
                (RecordFile::Children, 0, "forename"),
                (RecordFile::Children, 0, "surname"),
            ]
        );
    }

    #[test]
    fn a_plan_or_dispute_may_only_be_about_the_same_childs_request() {
        let mut cw = base();
        cw.children.push_back(child("C2"));
        cw.requests.push_back(request("R2", "C2"));
        cw.plans.push_back(Plan { request_id: Some("R2".into()), ..plan("P1", "C1", date(2024, 5, 1), None) });
        cw.plans.push_back(Plan { request_id: Some("R2".into()), ..plan("P2", "C2", date(2024, 5, 1), None) });
        cw.disputes.push_back(Dispute {
            dispute_id: "D1".into(),
            child_id: "C1".into(),
            kind: DisputeKind::Appeal,
            request_id: Some("R2".into()),
            opened_on: Some(date(2024, 3, 1)),
            outcome: None,
        });
        let found = validate(&cw, date(2026, 11, 30), &[]);
        let located: Vec<_> = found.iter().map(|p| (p.file, p.index, p.column)).collect();
        assert_eq!(located, [(RecordFile::Plans, 0, "request_id"), (RecordFile::Disputes, 0, "request_id")]);
        assert!(found[0].message.contains("another child"), "{}", found[0].message);
        assert_eq!(found[1].refers_to, Some((RecordFile::Requests, "R2".to_string())));
    }

    #[test]
    fn a_case_log_entry_or_consultation_may_only_name_a_review_of_the_same_childs_plan() {
        let mut cw = base();
        cw.children.push_back(child("C2"));
        cw.plans.push_back(plan("P2", "C2", date(2024, 5, 1), None));
        cw.reviews.push_back(testing::review("V2", "P2"));
        let entry = |id: &str, review: &str| CaseLogEntry {
            entry_id: id.into(),
            child_id: "C1".into(),
            on: date(2026, 11, 2),
            time: None,
            kind: ContactKind::Email,
            direction: None,
            with_whom: None,
            contact_id: None,
            summary: "a note".into(),
            request_id: None,
            plan_id: None,
            review_id: Some(review.into()),
            by: None,
        };
        cw.case_log.push_back(entry("E1", "V2"));
        cw.case_log.push_back(entry("E2", "V9"));
        cw.consultations.push_back(Consultation {
            consultation_id: "K1".into(),
            child_id: "C1".into(),
            request_id: None,
            review_id: Some("V2".into()),
            organisation_id: "O1".into(),
            sent_on: date(2026, 11, 2),
            responded_on: None,
            response: None,
        });
        let found = validate(&cw, date(2026, 11, 30), &[]);
        let about_reviews: Vec<_> = found.iter().filter(|p| p.column == "review_id").collect();
        let located: Vec<_> = about_reviews.iter().map(|p| (p.file, p.index)).collect();
        assert_eq!(located, [(RecordFile::Consultations, 0), (RecordFile::CaseLog, 0), (RecordFile::CaseLog, 1)]);
        assert!(about_reviews[0].message.contains("a review of another child's plan"), "{}", about_reviews[0].message);
        assert!(about_reviews[1].message.contains("a review of another child's plan"), "{}", about_reviews[1].message);
        assert_eq!(about_reviews[2].refers_to, Some((RecordFile::Reviews, "V9".to_string())));
    }

    #[test]
    fn broken_references_are_reported_on_the_referring_row() {
        let mut cw = base();
        cw.requests.push_back(request("R2", "NOBODY"));
        cw.plans.push_back(Plan { request_id: Some("R9".into()), ..plan("P1", "C1", date(2024, 5, 1), None) });
        cw.reviews.push_back(crate::testing::review("V1", "P9"));
        cw.disputes.push_back(Dispute {
            dispute_id: "D1".into(),
            child_id: "C7".into(),
            kind: DisputeKind::Appeal,
            request_id: None,
            opened_on: Some(date(2024, 1, 1)),
            outcome: None,
        });
        cw.feedback.push_back(Feedback {
            feedback_id: "F1".into(),
            kind: FeedbackKind::Complaint,
            received_on: date(2024, 1, 1),
            child_id: Some("C8".into()),
            subject: None,
            stage: None,
            ombudsman_outcome: None,
        });
        assert_eq!(
            problems(&cw),
            [
                (RecordFile::Requests, 1, "child_id"),
                (RecordFile::Plans, 0, "request_id"),
                (RecordFile::Reviews, 0, "plan_id"),
                (RecordFile::Disputes, 0, "child_id"),
                (RecordFile::Feedback, 0, "child_id"),
            ]
        );
    }

    #[test]
    fn request_dates_must_run_in_order() {
        let mut cw = base();
        cw.requests[0].decision = Some(Dated::new(AssessmentDecision::Assess, date(2024, 1, 9)));
        assert_eq!(problems(&cw), [(RecordFile::Requests, 0, "decided_on")]);

        let mut cw = base();
        cw.requests[0].outcome = Some(Dated::new(AssessmentOutcome::Plan, date(2024, 2, 9)));
        assert_eq!(problems(&cw), [(RecordFile::Requests, 0, "outcome_on")]);

        let mut cw = base();
        cw.requests[0].decision = Some(Dated::new(AssessmentDecision::Refuse, date(2024, 2, 10)));
        cw.requests[0].outcome = Some(Dated::new(AssessmentOutcome::Plan, date(2024, 5, 1)));
        assert_eq!(problems(&cw), [(RecordFile::Requests, 0, "outcome")]);

        let mut cw = base();
        cw.requests[0].draft_issued_on = Some(date(2024, 5, 2));
        cw.requests[0].outcome = Some(Dated::new(AssessmentOutcome::Plan, date(2024, 5, 1)));
        assert_eq!(problems(&cw), [(RecordFile::Requests, 0, "draft_issued_on")]);

        let mut cw = base();
        cw.requests[0].draft_issued_on = Some(date(2024, 2, 9));
        assert_eq!(problems(&cw), [(RecordFile::Requests, 0, "draft_issued_on")]);
    }

    #[test]
    fn advice_needs_a_decision_to_assess_and_ordered_dates() {
        let advice = |request: &str, requested: Date, received: Option<Date>| Advice {
            advice_id: "A1".into(),
            request_id: request.into(),
            kind: AdviceKind::Health,
            provider: None,
            requested_on: requested,
            received_on: received,
            organisation_id: None,
        };
        let mut cw = base();
        cw.advice.push_back(advice("R1", date(2024, 2, 9), None));
        assert_eq!(problems(&cw), [(RecordFile::Advice, 0, "requested_on")]);
        cw.advice[0] = advice("R1", date(2024, 2, 10), Some(date(2024, 2, 9)));
        assert_eq!(problems(&cw), [(RecordFile::Advice, 0, "received_on")]);
        cw.requests[0].decision = Some(Dated::new(AssessmentDecision::Refuse, date(2024, 2, 10)));
        cw.advice[0] = advice("R1", date(2024, 2, 10), None);
        assert_eq!(problems(&cw), [(RecordFile::Advice, 0, "request_id")]);
    }

    #[test]
    fn a_childs_plans_may_not_overlap_but_may_touch() {
        let mut cw = base();
        cw.plans.push_back(plan("P1", "C1", date(2020, 1, 1), Some(date(2022, 1, 1))));
        cw.plans.push_back(plan("P2", "C1", date(2022, 1, 1), None));
        assert!(problems(&cw).is_empty());
        cw.plans.push_back(plan("P3", "C1", date(2021, 6, 1), Some(date(2021, 7, 1))));
        // P3 starts inside P1 and is the one reported; P2 starts the day P1 ceased, which is allowed.
        assert_eq!(problems(&cw), [(RecordFile::Plans, 2, "issued_on")]);
        // An earlier open-ended plan overlaps everything after it.
        let mut cw = base();
        cw.plans.push_back(plan("P2", "C1", date(2023, 1, 1), None));
        cw.plans.push_back(plan("P1", "C1", date(2020, 1, 1), None));
        assert_eq!(problems(&cw), [(RecordFile::Plans, 0, "issued_on")]);
        cw.plans[1].ceased = Some(Dated::new(CeaseReason::MovedLa, date(2019, 1, 1)));
        assert_eq!(problems(&cw), [(RecordFile::Plans, 1, "ceased_on")]);
    }

    #[test]
    fn placements_of_the_same_rank_may_not_share_a_day() {
        let mut cw = base();
        cw.placements.push_back(placement("S1", date(2020, 9, 1), Some(date(2023, 7, 31)), None));
        cw.placements.push_back(placement("S2", date(2023, 8, 1), None, Some(PlacementRank::Main)));
        cw.placements.push_back(placement("S3", date(2021, 1, 1), None, Some(PlacementRank::Dual)));
        assert!(problems(&cw).is_empty());
        cw.placements[1].started_on = date(2023, 7, 31);
        assert_eq!(problems(&cw), [(RecordFile::Placements, 1, "started_on")]);
    }

    #[test]
    fn review_rules() {
        let mut cw = base();
        cw.plans.push_back(plan("P1", "C1", date(2020, 1, 1), None));
        let review =
            |id: &str, meeting: Option<Date>, decision: Option<(ReviewDecision, Date)>, amended: Option<Date>| Review {
                meeting_on: meeting,
                decision: decision.map(|(v, d)| Dated::new(v, d)),
                amended_on: amended,
                ..crate::testing::review(id, "P1")
            };
        cw.reviews = imbl::vector![
            review("V1", None, Some((ReviewDecision::Maintain, date(2021, 1, 1))), None),
            review("V2", Some(date(2021, 1, 10)), Some((ReviewDecision::Maintain, date(2021, 1, 9))), None),
            review("V3", Some(date(2021, 1, 10)), None, None),
            review("V4", Some(date(2019, 12, 1)), None, None),
            review(
                "V5",
                Some(date(2022, 1, 10)),
                Some((ReviewDecision::Maintain, date(2022, 1, 20))),
                Some(date(2022, 2, 1)),
            ),
            review(
                "V6",
                Some(date(2023, 1, 10)),
                Some((ReviewDecision::Amend, date(2023, 1, 20))),
                Some(date(2023, 1, 19)),
            ),
        ];
        assert_eq!(
            problems(&cw),
            [
                (RecordFile::Reviews, 0, "decision"),
                (RecordFile::Reviews, 1, "decided_on"),
                (RecordFile::Reviews, 2, "meeting_on"),
                (RecordFile::Reviews, 3, "meeting_on"),
                (RecordFile::Reviews, 4, "amended_on"),
                (RecordFile::Reviews, 5, "amended_on"),
            ]
        );
    }

    #[test]
    fn child_details_are_checked() {
        let mut cw = base();
        cw.children[0].date_of_birth = date(2026, 12, 1);
        cw.children[0].upn = Some("A123".into());
        cw.children[0].postcode = Some("NOWHERE".into());
        cw.children[0].uln = Some("12".into());
        cw.children[0].surname = " ".into();
        let mut old = child("C0");
        old.date_of_birth = date(1989, 12, 31);
        cw.children.push_back(old);
        assert_eq!(
            problems(&cw),
            [
                (RecordFile::Children, 0, "upn"),
                (RecordFile::Children, 0, "date_of_birth"),
                (RecordFile::Children, 0, "postcode"),
                (RecordFile::Children, 0, "uln"),
                (RecordFile::Children, 0, "surname"),
                (RecordFile::Children, 1, "date_of_birth"),
            ]
        );
    }

    fn member(id: &str, post: Option<&str>, started: Date, ended: Option<Date>) -> crate::records::StaffMember {
        crate::records::StaffMember {
            staff_id: id.into(),
            name: format!("Person {id}"),
            email: None,
            role: StaffRole::Caseworker,
            team: Some("Early years and primary".into()),
            fte: crate::identifiers::Fte::parse("0.6").unwrap(),
            contract: Contract::Interim,
            post_id: post.map(Into::into),
            started_on: started,
            ended_on: ended,
        }
    }

    #[test]
    fn with_staff_recorded_every_caseworker_is_one_of_them() {
        let mut cw = base();
        cw.requests[0].caseworker = Some("cw009".into());
        let mut p = plan("P1", "C1", date(2020, 1, 1), None);
        p.caseworker = Some("cw010".into());
        cw.plans.push_back(p);
        // Without staff.csv caseworkers are free ids, as before.
        assert_eq!(problems(&cw), []);
        cw.posts.push_back(crate::records::Post {
            post_id: "POST1".into(),
            role: StaffRole::Caseworker,
            team: None,
            fte: crate::identifiers::Fte::parse("1").unwrap(),
            funded_from: date(2024, 4, 1),
            funded_to: Some(date(2024, 3, 31)),
        });
        cw.staff.push_back(member("cw001", Some("POST1"), date(2024, 4, 1), None));
        cw.staff.push_back(member("cw002", Some("POST9"), date(2024, 4, 1), Some(date(2024, 3, 1))));
        cw.staff.push_back(member("cw001", None, date(2024, 4, 1), None));
        assert_eq!(
            problems(&cw),
            [
                (RecordFile::Staff, 2, "staff_id"),
                (RecordFile::Posts, 0, "funded_to"),
                (RecordFile::Staff, 1, "post_id"),
                (RecordFile::Staff, 1, "ended_on"),
                (RecordFile::Requests, 0, "caseworker"),
                (RecordFile::Plans, 0, "caseworker"),
            ]
        );
        let found = validate(&cw, date(2026, 11, 30), &[]);
        let unknown = found.iter().find(|p| p.file == RecordFile::Requests).unwrap();
        assert_eq!(unknown.message, "caseworker 'cw009' does not exist in staff.csv");
        assert_eq!(unknown.refers_to, Some((RecordFile::Staff, "cw009".to_string())));
    }

    #[test]
    fn a_full_time_equivalent_is_from_one_hundredth_to_one_with_two_decimals_at_most() {
        use crate::identifiers::Fte;
        for (text, hundredths) in [("1", 100), ("1.00", 100), ("0.6", 60), ("0.01", 1), ("0.75", 75), ("1.0", 100)] {
            let fte = Fte::parse(text).unwrap();
            assert_eq!((fte.hundredths(), fte.as_str()), (hundredths, text));
        }
        for bad in ["0", "0.00", "1.01", "2", "0.005", ".5", "0.", "-0.5", "half", "", "0,5"] {
            assert!(Fte::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_named_setting_names_a_plan_a_setting_and_dates_that_fit_it() {
        let mut cw = base();
        cw.plans.push_back(plan("P1", "C1", date(2020, 1, 1), None));
        let named = |id: &str, plan: &str, urn: Option<&str>, on: Date, ended: Option<Date>| PlanSetting {
            plan_setting_id: id.into(),
            plan_id: plan.into(),
            urn: urn.map(str::to_string),
            setting: None,
            named_on: on,
            ended_on: ended,
            ukprn: None,
            rank: None,
        };
        cw.plan_settings = imbl::vector![
            named("N1", "P1", Some("100001"), date(2020, 1, 1), None),
            named("N2", "P9", Some("100002"), date(2020, 1, 1), None),
            named("N3", "P1", Some("10000"), date(2019, 12, 31), None),
            named("N4", "P1", None, date(2021, 1, 1), Some(date(2020, 12, 31))),
            named("N1", "P1", Some("100001"), date(2022, 1, 1), None),
        ];
        let found = problems(&cw);
        assert_eq!(
            found,
            [
                (RecordFile::PlanSettings, 4, "plan_setting_id"),
                (RecordFile::PlanSettings, 1, "plan_id"),
                (RecordFile::PlanSettings, 2, "named_on"),
                (RecordFile::PlanSettings, 2, "urn"),
                (RecordFile::PlanSettings, 3, "ended_on"),
                (RecordFile::PlanSettings, 3, "setting"),
            ]
        );
    }

    #[test]
    fn establishment_and_la_numbers_disputes_and_caseworkers() {
        let mut cw = base();
        cw.requests[0].caseworker = Some("cw,1".into());
        let mut p = plan("P1", "C1", date(2020, 1, 1), None);
        p.transferred_from = Some("Devon".into());
        cw.plans.push_back(p);
        let mut school = placement("S1", date(2020, 9, 1), None, None);
        school.urn = Some("12345".into());
        let mut college = placement("S2", date(2020, 9, 1), None, Some(PlacementRank::Dual));
        college.ukprn = Some("1000ABCD".into());
        cw.placements = imbl::vector![school, college];
        cw.disputes.push_back(Dispute {
            dispute_id: "D1".into(),
            child_id: "C1".into(),
            kind: DisputeKind::Mediation,
            request_id: Some("R9".into()),
            opened_on: Some(date(2024, 3, 1)),
            outcome: Some(Dated::new(DisputeOutcome::Resolved, date(2024, 2, 28))),
        });
        cw.children[0].ethnicity = Some("White British".into());
        assert_eq!(
            problems(&cw),
            [
                (RecordFile::Children, 0, "ethnicity"),
                (RecordFile::Requests, 0, "caseworker"),
                (RecordFile::Plans, 0, "transferred_from"),
                (RecordFile::Placements, 0, "urn"),
                (RecordFile::Placements, 1, "ukprn"),
                (RecordFile::Disputes, 0, "request_id"),
                (RecordFile::Disputes, 0, "closed_on"),
            ]
        );
    }

    #[test]
    fn population_benchmarks_and_targets() {
        let mut cw = base();
        cw.population = imbl::vector![
            PopulationCount { year: 2024, age: 3, count: 100 },
            PopulationCount { year: 2024, age: 3, count: 100 },
            PopulationCount { year: 2024, age: 26, count: 100 },
        ];
        cw.benchmarks = imbl::vector![
            Benchmark {
                measure: "plans_active".into(),
                period: BenchmarkPeriod::Year(2023),
                comparator: Comparator::England,
                value: 1.0,
            },
            Benchmark {
                measure: "plans_active".into(),
                period: BenchmarkPeriod::Year(2023),
                comparator: Comparator::England,
                value: 2.0,
            },
            Benchmark {
                measure: "nonsense".into(),
                period: BenchmarkPeriod::Year(2023),
                comparator: Comparator::England,
                value: 2.0,
            },
        ];
        cw.targets = imbl::vector![Target { measure: "made_up".into(), target: 1.0, due_on: None }];
        assert_eq!(
            problems(&cw),
            [
                (RecordFile::Population, 1, "age"),
                (RecordFile::Population, 2, "age"),
                (RecordFile::Benchmarks, 1, "period"),
                (RecordFile::Benchmarks, 2, "measure"),
                (RecordFile::Targets, 0, "measure"),
            ]
        );
    }
}
