//! Generates a realistic, valid demo authority: a county-sized SEND service with several
//! years of casework history up to a given date. The same options always give the same
//! records. The shape follows what the board reports in `shared/seeds/` show: rising
//! requests with about a quarter refused, fewer than half of new plans within 20 weeks,
//! advice often late, a backlog of annual reviews, placements in realistic shares with costs,
//! disputes, feedback and an ONS-like population for ages 0-25.
//!
//! Names and addresses are made up from short lists; no real person is described.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sendtrack_domain::Date;
use sendtrack_domain::clock::review_due;
use sendtrack_domain::codes::*;
use sendtrack_domain::dates::{add_days, age_on, anniversary_in, days_between};
use sendtrack_domain::identifiers::{Pounds, StaffId, upn_check_letter};
use sendtrack_domain::measures::MeasureId;
use sendtrack_domain::records::*;
use std::collections::HashMap;

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct DemoOptions {
    /// Roughly how many children and young people the authority's records hold.
    pub children: usize,
    pub seed: u64,
    /// The last day of the history ("today" for the demo).
    pub as_at: Date,
}

const FORENAMES: &[&str] = &[
    "Oliver",
    "Amelia",
    "George",
    "Isla",
    "Noah",
    "Ava",
    "Arthur",
    "Mia",
    "Leo",
    "Ivy",
    "Oscar",
    "Freya",
    "Harry",
    "Lily",
    "Archie",
    "Florence",
    "Jack",
    "Willow",
    "Henry",
    "Rosie",
    "Charlie",
    "Sophia",
    "Freddie",
    "Grace",
    "Theo",
    "Evie",
    "Alfie",
    "Poppy",
    "Finley",
    "Ella",
    "Thomas",
    "Daisy",
    "Jacob",
    "Elsie",
    "Alexander",
    "Phoebe",
    "Ethan",
    "Ruby",
    "Reuben",
    "Harper",
    "Zain",
    "Aisha",
    "Kai",
    "Maya",
    "Ibrahim",
    "Nia",
    "Tomasz",
    "Zofia",
    "Callum",
    "Niamh",
];
const SURNAMES: &[&str] = &[
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Robinson", "Wright",
    "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke", "Hughes",
    "Edwards", "Harris", "Moore", "Baker", "Lewis", "Cooper", "Ward", "Morris", "King", "Turner", "Hill", "Phillips",
    "Mitchell", "Kelly", "Cook", "Carter", "Parker", "Bennett", "Shaw", "Lee", "Ahmed", "Khan", "Nowak", "Murphy",
    "Pearce", "Rowe", "Stevens", "Tremayne",
];
const PLACES: &[&str] = &[
    "Ashcombe",
    "Bideford",
    "Clyst",
    "Dartside",
    "Exmoor",
    "Fremington",
    "Haldon",
    "Ide",
    "Kenn",
    "Lydford",
    "Moreton",
    "Newton",
    "Okehampton",
    "Pinhoe",
    "Redhill",
    "Seaton",
    "Tavy",
    "Uffculme",
    "Westward",
    "Yealm",
];
const NEEDS: &[(Need, f64)] = &[
    (Need::Autism, 31.0),
    (Need::SpeechLanguageCommunication, 21.0),
    (Need::SocialEmotionalMentalHealth, 17.0),
    (Need::ModerateLearningDifficulty, 9.0),
    (Need::SpecificLearningDifficulty, 4.0),
    (Need::SevereLearningDifficulty, 5.0),
    (Need::ProfoundMultipleLearningDifficulty, 1.5),
    (Need::PhysicalDisability, 3.5),
    (Need::HearingImpairment, 1.5),
    (Need::VisionImpairment, 1.0),
    (Need::MultiSensoryImpairment, 0.3),
    (Need::DownSyndrome, 0.7),
    (Need::Other, 2.0),
    (Need::NoSpecialistAssessment, 2.5),
];
const ETHNICITIES: &[(&str, f64)] = &[
    ("wbri", 84.0),
    ("woth", 3.0),
    ("wiri", 0.3),
    ("wrom", 0.4),
    ("mwbc", 1.5),
    ("mwba", 0.7),
    ("mwas", 1.2),
    ("moth", 1.4),
    ("aind", 0.6),
    ("apkn", 0.5),
    ("aban", 0.3),
    ("aoth", 0.5),
    ("bafr", 0.8),
    ("bcrb", 0.3),
    ("both", 0.2),
    ("chne", 0.3),
    ("ooth", 0.8),
    ("refu", 1.0),
    ("nobt", 2.2),
];
const SOURCES: &[(RequestSource, f64)] = &[
    (RequestSource::Parent, 41.0),
    (RequestSource::School, 39.0),
    (RequestSource::EarlyYears, 7.0),
    (RequestSource::Health, 5.0),
    (RequestSource::College, 3.0),
    (RequestSource::SocialCare, 3.0),
    (RequestSource::YoungPerson, 1.5),
    (RequestSource::Other, 0.5),
];
const HEALTH_PROVIDERS: &[&str] = &[
    "Northern Community Health NHS Trust",
    "Southern Hospitals NHS Foundation Trust",
    "Children's Community Paediatrics",
];
const CARE_PROVIDERS: &[&str] =
    &["Children's Social Care North", "Children's Social Care South", "Children's Social Care East"];
const EP_PROVIDER: &str = "County Educational Psychology Service";

fn pick<T: Copy>(rng: &mut ChaCha8Rng, items: &[(T, f64)]) -> T {
    let total: f64 = items.iter().map(|(_, w)| w).sum();
    let mut x = rng.random::<f64>() * total;
    for &(item, weight) in items {
        if x < weight {
            return item;
        }
        x -= weight;
    }
    items[items.len() - 1].0
}

fn one_of<'a>(rng: &mut ChaCha8Rng, items: &[&'a str]) -> &'a str {
    items[rng.random_range(0..items.len())]
}

fn date_in(rng: &mut ChaCha8Rng, from: Date, to: Date) -> Date {
    let span = days_between(from, to).max(0);
    add_days(from, rng.random_range(0..=span))
}

/// A delay in days: within `[on_time_from, limit]` with probability `p_on_time`, otherwise late
/// by up to `late_max` days past the limit.
fn delay(rng: &mut ChaCha8Rng, p_on_time: f64, on_time_from: i64, limit: i64, late_max: i64) -> i64 {
    if rng.random_bool(p_on_time) {
        rng.random_range(on_time_from..=limit)
    } else {
        // Late delays bunch up just after the limit with a long tail.
        let u: f64 = rng.random::<f64>();
        limit + 1 + (u * u * late_max as f64) as i64
    }
}

struct Generator {
    rng: ChaCha8Rng,
    as_at: Date,
    cw: Casework,
    caseworkers: usize,
    next_urn: u32,
}

impl Generator {
    fn id(prefix: &str, n: usize) -> String {
        format!("{prefix}{n:06}")
    }

    fn add_child(&mut self, date_of_birth: Date) -> usize {
        let rng = &mut self.rng;
        let n = self.cw.children.len() + 1;
        let age_now = age_on(date_of_birth, self.as_at);
        let has_upn = age_now < 19 && rng.random_bool(0.93);
        let upn = has_upn.then(|| {
            let body = format!(
                "878{:04}{:02}{:03}",
                rng.random_range(1000..8000),
                (date_of_birth.year() % 100 + 4) % 100,
                rng.random_range(0..1000)
            );
            let letter = upn_check_letter(&body).unwrap_or('A');
            format!("{letter}{body}")
        });
        let uln = (!has_upn && age_now >= 16 && rng.random_bool(0.6))
            .then(|| format!("{:010}", rng.random_range(1_000_000_000u64..9_999_999_999)));
        let upn_unknown = (upn.is_none() && uln.is_none()).then(|| {
            pick(
                rng,
                &[
                    (UpnUnknown::Un1, 3.0),
                    (UpnUnknown::Un2, 2.0),
                    (UpnUnknown::Un5, 2.0),
                    (UpnUnknown::Un8, 1.0),
                    (UpnUnknown::Un10, 1.0),
                ],
            )
        });
        let primary = pick(rng, NEEDS);
        let secondary = rng.random_bool(0.3).then(|| pick(rng, NEEDS)).filter(|s| *s != primary);
        let inward = "ABDEFGHJLNPQRSTUWXYZ".as_bytes();
        let postcode = rng.random_bool(0.97).then(|| {
            format!(
                "EX{} {}{}{}",
                rng.random_range(1..40),
                rng.random_range(0..10),
                inward[rng.random_range(0..inward.len())] as char,
                inward[rng.random_range(0..inward.len())] as char
            )
        });
        self.cw.children.push_back(Child {
            child_id: Self::id("C", n).into(),
            upn,
            forename: one_of(rng, FORENAMES).to_string(),
            surname: one_of(rng, SURNAMES).to_string(),
            date_of_birth,
            sex: Some(pick(rng, &[(Sex::Male, 69.0), (Sex::Female, 30.5), (Sex::Unknown, 0.5)])),
            postcode,
            primary_need: rng.random_bool(0.97).then_some(primary),
            secondary_need: secondary,
            uln,
            upn_unknown,
            ethnicity: rng.random_bool(0.95).then(|| pick(rng, ETHNICITIES).to_string()),
        });
        n - 1
    }

    /// A date of birth for a child aged `age` (whole years) on `on`.
    fn born_aged(&mut self, age: i64, on: Date) -> Date {
        let birthday = add_days(on, -(age * 365 + age / 4));
        add_days(birthday, -self.rng.random_range(0..365))
    }

    fn age_at_request(&mut self) -> i64 {
        let band = pick(&mut self.rng, &[(0, 24.0), (1, 42.0), (2, 25.0), (3, 8.0), (4, 1.0)]);
        let (from, to) = [(2, 4), (5, 10), (11, 15), (16, 19), (20, 24)][band];
        self.rng.random_range(from..=to)
    }

    /// One request and everything that follows from it; returns the plan issued, if any.
    fn add_request(&mut self, child: usize, received_on: Date, year_index: f64) {
        let n = self.cw.requests.len() + 1;
        let as_at = self.as_at;
        let rng = &mut self.rng;
        let child_id = self.cw.children[child].child_id.clone();
        let source = pick(rng, SOURCES);
        let caseworker = Some(format!("cw{:03}", rng.random_range(1..=self.caseworkers)));
        // Decisions: most within 6 weeks; more late as demand rises.
        let decided = add_days(received_on, delay(rng, 0.72 - 0.04 * year_index, 18, 42, 80));
        let decision_value = pick(
            rng,
            &[
                (AssessmentDecision::Assess, 73.0),
                (AssessmentDecision::Refuse, 24.0),
                (AssessmentDecision::Withdrawn, 3.0),
            ],
        );
        let decision = (decided <= as_at).then_some(Dated::new(decision_value, decided));
        let mut request = Request {
            request_id: Self::id("R", n).into(),
            child_id: child_id.clone(),
            received_on,
            source: Some(source),
            caseworker: caseworker.map(StaffId::from),
            decision,
            draft_issued_on: None,
            outcome: None,
            exception: None,
            in_youth_accommodation: rng.random_bool(0.002).then_some(true),
            // The need the request was made for: the child's, as recorded then.
            primary_need: self.cw.children[child].primary_need,
        };
        if decision.is_some_and(|d| d.value == AssessmentDecision::Assess) {
            let mut last_advice = decided;
            let kinds: [(AdviceKind, f64, f64); 4] = [
                (AdviceKind::EducationalPsychology, 1.0, 0.30),
                (AdviceKind::Health, 0.9, 0.55),
                (AdviceKind::SocialCare, 0.75, 0.45),
                (AdviceKind::Education, 0.7, 0.8),
            ];
            for (kind, p_asked, p_on_time) in kinds {
                if !rng.random_bool(p_asked) {
                    continue;
                }
                let requested_on = add_days(decided, rng.random_range(0..=7));
                if requested_on > as_at {
                    continue;
                }
                let received = add_days(requested_on, delay(rng, p_on_time, 10, 42, 160));
                last_advice = last_advice.max(received);
                let provider = match kind {
                    AdviceKind::EducationalPsychology => Some(EP_PROVIDER.to_string()),
                    AdviceKind::Health => Some(one_of(rng, HEALTH_PROVIDERS).to_string()),
                    AdviceKind::SocialCare => Some(one_of(rng, CARE_PROVIDERS).to_string()),
                    _ => None,
                };
                let a = self.cw.advice.len() + 1;
                self.cw.advice.push_back(Advice {
                    advice_id: Self::id("A", a).into(),
                    request_id: request.request_id.clone(),
                    kind,
                    provider,
                    requested_on,
                    received_on: (received <= as_at).then_some(received),
                    organisation_id: None,
                });
            }
            let outcome_value = pick(
                rng,
                &[
                    (AssessmentOutcome::Plan, 90.0),
                    (AssessmentOutcome::NoPlan, 8.0),
                    (AssessmentOutcome::Withdrawn, 2.0),
                ],
            );
            let planned = match outcome_value {
                // Fewer than half of plans on time, worse in later years, never before the advice.
                AssessmentOutcome::Plan => {
                    let planned = add_days(received_on, delay(rng, 0.6 - 0.12 * year_index, 100, 140, 260));
                    // Late advice usually, not always, delays the plan.
                    if rng.random_bool(0.6) {
                        planned.max(add_days(last_advice, rng.random_range(7..21)))
                    } else {
                        planned.max(add_days(decided, 30))
                    }
                }
                AssessmentOutcome::NoPlan => {
                    add_days(received_on, delay(rng, 0.6, 70, 112, 120)).max(add_days(last_advice, 7))
                }
                AssessmentOutcome::Withdrawn => add_days(decided, rng.random_range(20..150)),
            };
            if outcome_value == AssessmentOutcome::Plan {
                let draft = add_days(planned, -rng.random_range(15..=35)).max(decided);
                request.draft_issued_on = (draft <= as_at).then_some(draft);
                if rng.random_bool(0.04) {
                    request.exception = Some(pick(
                        rng,
                        &[
                            (TimeLimitException::PersonalCircumstances, 5.0),
                            (TimeLimitException::SchoolClosure, 3.0),
                            (TimeLimitException::AbsentFromArea, 1.0),
                            (TimeLimitException::EarlyYearsClosure, 1.0),
                        ],
                    ));
                }
            }
            if planned <= as_at {
                request.outcome = Some(Dated::new(outcome_value, planned));
                if outcome_value == AssessmentOutcome::Plan {
                    self.add_plan(child, Some(request.request_id.to_string()), planned);
                }
            }
        }
        self.add_disputes(child, &request);
        self.cw.requests.push_back(request);
    }

    fn add_disputes(&mut self, child: usize, request: &Request) {
        let rng = &mut self.rng;
        let Some(decision) = request.decision else {
            return;
        };
        let (event, p_appeal) = match (decision.value, request.outcome) {
            (AssessmentDecision::Refuse, _) => (decision.on, 0.07),
            (_, Some(o)) if o.value != AssessmentOutcome::Withdrawn => (o.on, 0.04),
            _ => return,
        };
        let mediation = rng.random_bool(p_appeal * 1.6);
        let appeal = rng.random_bool(if mediation { 0.45 } else { p_appeal * 0.5 });
        let child_id = self.cw.children[child].child_id.clone();
        let mut opened = add_days(event, rng.random_range(14..60));
        for (kind, happens) in [(DisputeKind::Mediation, mediation), (DisputeKind::Appeal, appeal)] {
            if !happens || opened > self.as_at {
                continue;
            }
            let (outcomes, length): (&[(DisputeOutcome, f64)], i64) = match kind {
                DisputeKind::Mediation => {
                    (&[(DisputeOutcome::Resolved, 55.0), (DisputeOutcome::CertificateIssued, 45.0)], 45)
                }
                DisputeKind::Appeal => (
                    &[
                        (DisputeOutcome::Conceded, 35.0),
                        (DisputeOutcome::ParentFavour, 35.0),
                        (DisputeOutcome::LaFavour, 8.0),
                        (DisputeOutcome::Withdrawn, 22.0),
                    ],
                    300,
                ),
            };
            let closed = add_days(opened, rng.random_range(length / 3..=length));
            let n = self.cw.disputes.len() + 1;
            self.cw.disputes.push_back(Dispute {
                dispute_id: Self::id("D", n).into(),
                child_id: child_id.clone(),
                kind,
                request_id: Some(request.request_id.clone()),
                opened_on: Some(opened),
                outcome: (closed <= self.as_at).then(|| Dated::new(pick(rng, outcomes), closed)),
            });
            opened = add_days(closed.min(self.as_at), rng.random_range(7..40));
        }
    }

    /// A plan with its reviews, placements and (maybe) its end.
    fn add_plan(&mut self, child: usize, request_id: Option<String>, issued_on: Date) {
        let n = self.cw.plans.len() + 1;
        let plan_id = Self::id("P", n);
        let born = self.cw.children[child].date_of_birth;
        let as_at = self.as_at;

        // When the plan would end regardless of reviews: leaving education or moving away.
        let rng = &mut self.rng;
        let leaving_age = pick(
            rng,
            &[
                (16, 2.0),
                (17, 2.0),
                (18, 4.0),
                (19, 16.0),
                (20, 9.0),
                (21, 8.0),
                (22, 8.0),
                (23, 8.0),
                (24, 8.0),
                (25, 35.0),
            ],
        );
        let mut end: Option<(Date, CeaseReason)> = Some((
            // Young people leave at the end of an academic year (31 July).
            Date::new(born.year() + leaving_age as i16, 7, 31).unwrap_or(issued_on),
            match leaving_age {
                25 => CeaseReason::MaxAge,
                16..=18 => pick(
                    rng,
                    &[(CeaseReason::NeedsMet, 3.0), (CeaseReason::Employment, 2.0), (CeaseReason::NoEngagement, 2.0)],
                ),
                _ => pick(
                    rng,
                    &[
                        (CeaseReason::MaxAge, 2.0),
                        (CeaseReason::Employment, 3.0),
                        (CeaseReason::HigherEducation, 2.0),
                        (CeaseReason::NoEngagement, 2.0),
                        (CeaseReason::Other, 1.0),
                    ],
                ),
            },
        ));
        // Moving away, or needs met, at a constant hazard.
        let years_to_move = -(1.0 - rng.random::<f64>()).ln() / 0.025;
        let moved = add_days(issued_on, (years_to_move * 365.25) as i64);
        if end.is_none_or(|(d, _)| moved < d) {
            let reason = pick(
                rng,
                &[
                    (CeaseReason::MovedLa, 6.0),
                    (CeaseReason::NeedsMet, 3.0),
                    (CeaseReason::LeftEngland, 0.5),
                    (CeaseReason::Deceased, 0.2),
                ],
            );
            end = Some((moved, reason));
        }
        let end = end.filter(|(d, _)| *d > issued_on);

        // Reviews, year by year, until the plan ends or the history does.
        let mut period_start = issued_on;
        let mut last_meeting: Option<Date> = None;
        let mut ceased = end;
        loop {
            let due = review_due(period_start);
            let rng = &mut self.rng;
            let meeting =
                add_days(due, delay(rng, 0.72, -60, 0, 150)).max(add_days(last_meeting.unwrap_or(issued_on), 60));
            if meeting > as_at || ceased.is_some_and(|(d, _)| meeting >= d) {
                break;
            }
            let decision_value = pick(
                rng,
                &[(ReviewDecision::Maintain, 57.0), (ReviewDecision::Amend, 41.5), (ReviewDecision::Cease, 1.5)],
            );
            let decided = add_days(meeting, delay(rng, 0.55, 5, 28, 120));
            let age = age_on(born, meeting);
            let phase_transfer = match age {
                3 | 4 | 10 => Some(PhaseTransfer::School),
                15 => Some(PhaseTransfer::Post16),
                _ => None,
            };
            let (decision_value, amend_p) =
                if phase_transfer.is_some() { (ReviewDecision::Amend, 0.6) } else { (decision_value, 0.45) };
            let amended =
                (decision_value == ReviewDecision::Amend).then(|| add_days(decided, delay(rng, amend_p, 14, 56, 220)));
            let r = self.cw.reviews.len() + 1;
            self.cw.reviews.push_back(Review {
                review_id: Self::id("V", r).into(),
                plan_id: plan_id.clone().into(),
                meeting_on: Some(meeting),
                decision: (decided <= as_at).then_some(Dated::new(decision_value, decided)),
                amended_on: amended.filter(|a| *a <= as_at && decided <= as_at),
                phase_transfer,
            });
            if decided > as_at {
                break;
            }
            if decision_value == ReviewDecision::Cease {
                let on = add_days(decided, self.rng.random_range(20..60));
                ceased = Some((
                    on,
                    pick(
                        &mut self.rng,
                        &[(CeaseReason::NeedsMet, 6.0), (CeaseReason::NoEngagement, 1.0), (CeaseReason::Other, 1.0)],
                    ),
                ));
                break;
            }
            last_meeting = Some(meeting);
            period_start = meeting;
        }
        let ceased = ceased.filter(|(d, _)| *d <= as_at && *d > issued_on);
        self.add_placements(child, issued_on, ceased.map(|(d, _)| d));
        let rng = &mut self.rng;
        self.cw.plans.push_back(Plan {
            plan_id: plan_id.into(),
            child_id: self.cw.children[child].child_id.clone(),
            request_id: request_id.map(Into::into),
            issued_on,
            ceased: ceased.map(|(d, reason)| Dated::new(reason, d)),
            transferred_from: rng
                .random_bool(0.03)
                .then(|| pick(rng, &[("879", 1.0), ("908", 1.0), ("933", 1.0), ("865", 1.0)]).to_string()),
            personal_budget: rng.random_bool(0.07).then(|| {
                pick(
                    rng,
                    &[
                        (PersonalBudget::DirectPayments, 5.0),
                        (PersonalBudget::OrganisedArrangements, 3.0),
                        (PersonalBudget::Both, 1.0),
                    ],
                )
            }),
            // Given by the staff, drawn last (see `add_staff`).
            caseworker: None,
        });
    }

    fn setting_for_age(&mut self, age: i32) -> Setting {
        let rng = &mut self.rng;
        match age {
            ..=4 => pick(rng, &[(Setting::Mainstream, 75.0), (Setting::SpecialMaintained, 20.0), (Setting::None, 5.0)]),
            5..=15 => pick(
                rng,
                &[
                    (Setting::Mainstream, 41.0),
                    (Setting::ResourceBase, 6.0),
                    (Setting::SpecialMaintained, 30.0),
                    (Setting::SpecialIndependent, 9.0),
                    (Setting::NonMaintainedSpecial, 2.0),
                    (Setting::AlternativeProvision, 2.5),
                    (Setting::EotasSection61, 2.5),
                    (Setting::EotasSection19, 1.0),
                    (Setting::ElectiveHomeEducation, 2.5),
                    (Setting::Hospital, 0.3),
                ],
            ),
            _ => pick(
                rng,
                &[
                    (Setting::Post16College, 48.0),
                    (Setting::Post16Specialist, 9.0),
                    (Setting::SpecialMaintained, 14.0),
                    (Setting::SpecialIndependent, 6.0),
                    (Setting::Mainstream, 10.0),
                    (Setting::Neet, 9.0),
                    (Setting::EotasSection61, 2.0),
                    (Setting::ElectiveHomeEducation, 2.0),
                ],
            ),
        }
    }

    fn cost(&mut self, setting: Setting) -> Option<Pounds> {
        let (from, to) = match setting {
            Setting::Mainstream => (6_000, 14_000),
            Setting::ResourceBase => (12_000, 19_000),
            Setting::SpecialMaintained => (21_000, 32_000),
            Setting::SpecialIndependent => (48_000, 95_000),
            Setting::NonMaintainedSpecial => (50_000, 75_000),
            Setting::AlternativeProvision => (15_000, 26_000),
            Setting::Hospital => (10_000, 20_000),
            Setting::Post16College => (5_000, 13_000),
            Setting::Post16Specialist => (30_000, 62_000),
            Setting::EotasSection61 | Setting::EotasSection19 => (18_000, 55_000),
            Setting::ElectiveHomeEducation | Setting::Neet | Setting::None => return None,
        };
        if !self.rng.random_bool(0.9) {
            return None;
        }
        let pounds = self.rng.random_range(from..=to) / 10 * 10;
        Pounds::parse(&pounds.to_string()).ok()
    }

    /// Main placements from the plan's issue, changing at the usual transfer ages.
    fn add_placements(&mut self, child: usize, from: Date, until: Option<Date>) {
        let born = self.cw.children[child].date_of_birth;
        let child_id = self.cw.children[child].child_id.clone();
        let end = until.unwrap_or(self.as_at);
        let mut start = from;
        while start <= end {
            let age = age_on(born, start);
            // The next change: 1 September after turning 5, 11 or 16.
            let next_change = [5, 11, 16]
                .iter()
                .filter(|&&a| a > age)
                .map(|&a| {
                    let turns = anniversary_in(born, born.year() + a as i16);
                    let sept = Date::new(turns.year(), 9, 1).unwrap_or(turns);
                    if sept < turns { Date::new(turns.year() + 1, 9, 1).unwrap_or(turns) } else { sept }
                })
                .find(|d| *d > start);
            let setting = self.setting_for_age(age);
            let stop = next_change.map(|d| add_days(d, -1)).filter(|d| *d < end);
            let school = !matches!(
                setting,
                Setting::ElectiveHomeEducation
                    | Setting::Neet
                    | Setting::None
                    | Setting::EotasSection19
                    | Setting::EotasSection61
            );
            let college = matches!(setting, Setting::Post16College | Setting::Post16Specialist);
            let (urn, ukprn, establishment) = if !school {
                (None, None, None)
            } else if college {
                let place = one_of(&mut self.rng, PLACES);
                (None, Some(format!("1{:07}", self.rng.random_range(0..10_000_000))), Some(format!("{place} College")))
            } else {
                self.next_urn += 1;
                let place = one_of(&mut self.rng, PLACES);
                let kind = match setting {
                    Setting::SpecialMaintained | Setting::SpecialIndependent | Setting::NonMaintainedSpecial => {
                        "Special School"
                    }
                    Setting::AlternativeProvision => "Learning Centre",
                    Setting::Hospital => "Hospital School",
                    _ if age < 11 => "Primary School",
                    _ => "Academy",
                };
                (Some(format!("{:06}", 110_000 + self.next_urn % 890_000)), None, Some(format!("{place} {kind}")))
            };
            let cost = self.cost(setting);
            let n = self.cw.placements.len() + 1;
            self.cw.placements.push_back(Placement {
                placement_id: Self::id("S", n).into(),
                child_id: child_id.clone(),
                setting,
                urn,
                establishment,
                started_on: start,
                ended_on: stop.or(until),
                annual_cost: cost,
                ukprn,
                rank: Some(PlacementRank::Main),
                sen_unit: (setting == Setting::ResourceBase).then_some(self.rng.random_bool(0.4)),
                resourced_provision: (setting == Setting::ResourceBase).then_some(true),
            });
            match stop {
                Some(s) => start = add_days(s, 1),
                None => break,
            }
        }
    }
}

/// Generates the demo authority.
pub fn generate(options: &DemoOptions) -> Casework {
    let as_at = options.as_at;
    let n = options.children.max(10);
    let mut g = Generator {
        rng: ChaCha8Rng::seed_from_u64(options.seed),
        as_at,
        cw: Casework::default(),
        caseworkers: (n / 300).max(2),
        next_urn: 0,
    };
    let first_year = as_at.year() - 5;
    let history_start = Date::new(first_year, 1, 1).unwrap_or(as_at);

    // Requests rise about 9% a year; the last full year has about n/6.
    let last_full = as_at.year() - 1;
    let mut per_year = Vec::new();
    for year in first_year..=as_at.year() {
        let scale = 1.09f64.powi(i32::from(year - last_full));
        let start = Date::new(year, 1, 1).unwrap_or(as_at);
        let end = Date::new(year, 12, 31).unwrap_or(as_at).min(as_at);
        let fraction = (days_between(start, end) + 1) as f64 / 365.0;
        per_year.push((year, start, end, (n as f64 / 6.0 * scale * fraction).round() as usize));
    }
    let total_requests: usize = per_year.iter().map(|y| y.3).sum();
    // Plans already in place when the history starts: children issued plans in earlier years.
    let legacy = n.saturating_sub(total_requests * 80 / 100).max(n * 42 / 100);
    for _ in 0..legacy {
        let issued = date_in(&mut g.rng, Date::new(first_year - 7, 1, 1).unwrap_or(as_at), add_days(history_start, -1));
        let age_at_issue = g.rng.random_range(2..=13);
        let born = g.born_aged(age_at_issue, issued);
        let child = g.add_child(born);
        g.add_plan(child, None, issued);
    }

    // Requests in date order; some come from children refused before.
    // Children refused before, oldest refusal first (refusals come in roughly date order).
    let mut refused: std::collections::VecDeque<(usize, Date)> = std::collections::VecDeque::new();
    for (k, &(_, start, end, count)) in per_year.iter().enumerate() {
        let mut dates: Vec<Date> = (0..count).map(|_| date_in(&mut g.rng, start, end)).collect();
        dates.sort();
        for received in dates {
            let repeat = refused.front().is_some_and(|(_, d)| days_between(*d, received) > 120);
            let child = match refused.front() {
                Some(&(child, _)) if repeat && g.rng.random_bool(0.3) => {
                    refused.pop_front();
                    child
                }
                _ => {
                    let age = g.age_at_request();
                    let born = g.born_aged(age, received);
                    g.add_child(born)
                }
            };
            g.add_request(child, received, k as f64 / 5.0);
            if let Some(last) = g.cw.requests.last()
                && last.decision.is_some_and(|d| d.value == AssessmentDecision::Refuse)
            {
                refused.push_back((child, last.decision.map_or(received, |d| d.on)));
            }
        }
    }

    // Complaints and compliments.
    let mut day = history_start;
    while day <= as_at {
        let children = g.cw.children.len();
        for (kind, per_year) in
            [(FeedbackKind::Complaint, n as f64 / 45.0), (FeedbackKind::Compliment, n as f64 / 140.0)]
        {
            let expected = per_year / 12.0;
            let count = (expected * (0.7 + 0.6 * g.rng.random::<f64>())).round() as usize;
            for _ in 0..count {
                let received_on = date_in(&mut g.rng, day, day.last_of_month().min(as_at));
                let child_id =
                    g.rng.random_bool(0.8).then(|| g.cw.children[g.rng.random_range(0..children)].child_id.clone());
                let id = g.cw.feedback.len() + 1;
                g.cw.feedback.push_back(Feedback {
                    feedback_id: Generator::id("F", id).into(),
                    kind,
                    received_on,
                    child_id,
                    subject: None,
                    stage: None,
                    ombudsman_outcome: None,
                });
            }
        }
        day = add_days(day.last_of_month(), 1);
    }

    // ONS-like mid-year estimates: published a year behind, slowly growing, fewer young adults.
    for year in (first_year - 1)..as_at.year() {
        for age in 0u8..=25 {
            let base = n as f64 * 0.72 * (1.0 + 0.004 * f64::from(year - first_year));
            let shape = match age {
                0..=4 => 0.92,
                5..=15 => 1.0,
                16..=17 => 0.98,
                18..=22 => 0.86,
                _ => 0.9,
            };
            let count = (base * shape * (0.97 + 0.06 * g.rng.random::<f64>())).round() as u64;
            g.cw.population.push_back(PopulationCount { year, age, count });
        }
    }

    // Local targets the service has set itself.
    for (measure, target) in [
        (MeasureId::PlansIssuedWithin20WeeksPct, 60.0),
        (MeasureId::DecisionsWithin6WeeksPct, 90.0),
        (MeasureId::ReviewsCompletedOnTimePct, 75.0),
        (MeasureId::AdviceWithin6WeeksPct, 80.0),
    ] {
        g.cw.targets.push_back(Target {
            measure: measure.code().into(),
            target,
            due_on: Date::new(as_at.year() + 1, 3, 31).ok(),
        });
    }
    tidy(&mut g.cw, as_at);
    let caseworkers = g.caseworkers;
    add_staff(&mut g.cw, caseworkers, options.seed, history_start, as_at);
    add_case_files(&mut g.cw, options.seed, as_at);
    add_named_settings(&mut g.cw, options.seed, as_at);
    add_board_paper(&mut g.cw, options.seed, as_at);
    g.cw
}

/// The settings each plan names (issue 24), drawn from a random stream of their own so that
/// the rest of the demo is unchanged: each main placement the child had while the plan was in
/// force, named from the plan's issue or, for a move at the start of a school year, from the
/// phase-transfer deadline of 15 February before it (the plan names the new school before the
/// child starts); for about one active plan in 50 with a move behind it, no amendment, so the
/// plan still names the school the child left; and for about one active plan in 40 whose child
/// is in a mainstream school, a special school named in the last six months with no place yet:
/// waiting.
fn add_named_settings(cw: &mut Casework, seed: u64, as_at: Date) {
    let rng = &mut ChaCha8Rng::seed_from_u64(seed ^ 0x4e41_4d45);
    let mut placements_of: HashMap<String, Vec<Placement>> = HashMap::new();
    for p in cw.placements.iter().filter(|p| p.is_main()) {
        placements_of.entry(p.child_id.to_string()).or_default().push(p.clone());
    }
    let mut next_urn = 990_000;
    let plans: Vec<Plan> = cw.plans.iter().cloned().collect();
    for plan in plans {
        let until = plan.ceased.map_or(as_at, |c| c.on).min(as_at);
        let mut own: Vec<&Placement> = placements_of
            .get(plan.child_id.as_str())
            .into_iter()
            .flatten()
            .filter(|l| l.started_on <= until && l.ended_on.is_none_or(|e| e >= plan.issued_on))
            .collect();
        own.sort_by_key(|l| l.started_on);
        let mut named: Vec<PlanSetting> = Vec::new();
        for l in own {
            let phase_transfer = l.started_on.month() == 9 && l.started_on.day() == 1;
            let deadline = Date::new(l.started_on.year(), 2, 15).unwrap_or(l.started_on);
            let named_on = if phase_transfer { deadline } else { l.started_on }.max(plan.issued_on);
            if named_on > as_at {
                continue;
            }
            if let Some(before) = named.last_mut() {
                before.ended_on = Some(add_days(named_on, -1).max(before.named_on));
            }
            named.push(PlanSetting {
                plan_setting_id: format!("NS{:06}", cw.plan_settings.len() + named.len() + 1).into(),
                plan_id: plan.plan_id.clone(),
                urn: l.urn.clone(),
                setting: Some(l.setting),
                named_on,
                ended_on: None,
                ukprn: l.ukprn.clone(),
                rank: Some(PlacementRank::Main),
            });
        }
        // About one plan in 50 with a move behind it was never amended: it still names the
        // school the child left.
        if plan.is_active_at(as_at) && named.len() >= 2 && rng.random_bool(0.02) {
            named.pop();
            if let Some(last) = named.last_mut() {
                last.ended_on = None;
            }
        }
        let waiting = plan.is_active_at(as_at)
            && named.last().is_some_and(|n| n.setting == Some(Setting::Mainstream) && n.named_on < as_at)
            && rng.random_bool(0.025);
        if waiting && let Some(before) = named.last_mut() {
            let from = add_days(as_at, -180).max(add_days(before.named_on, 1));
            let named_on = date_in(rng, from, as_at);
            before.ended_on = Some(add_days(named_on, -1));
            next_urn += 1;
            named.push(PlanSetting {
                plan_setting_id: format!("NS{:06}", cw.plan_settings.len() + named.len() + 1).into(),
                plan_id: plan.plan_id.clone(),
                urn: Some(next_urn.to_string()),
                setting: Some(Setting::SpecialMaintained),
                named_on,
                ended_on: None,
                ukprn: None,
                rank: Some(PlacementRank::Main),
            });
        }
        cw.plan_settings.extend(named);
    }
}

/// The teams ("pods") of the demo's SEND casework service.
pub const DEMO_TEAMS: [&str; 3] = ["Early years and primary", "Secondary", "Post-16 and preparing for adulthood"];

/// The demo's workforce, drawn last from its own random numbers (so that the casework is the
/// same with or without it): the caseworkers `cw001`.. that requests name, in three pods,
/// about a fifth interim or agency, some part-time, starters and leavers over the history; a
/// team manager per pod, educational psychologists and a coordinator; a funded post for each,
/// a few of them vacant; and a named caseworker (in post, in the child's pod) on most plans.
/// The case files (issue 18), drawn from a random stream of their own so that the rest of the
/// demo is unchanged: a parent with parental responsibility for every child (and a SENCo for
/// some), the decision and outcome letters each request was sent, calls and emails to the
/// family while requests were open (less often than the 20-working-day promise for some), and
/// what each complaint was about and how far it went.
fn add_case_files(cw: &mut Casework, seed: u64, as_at: Date) {
    let rng = &mut ChaCha8Rng::seed_from_u64(seed ^ 0x4341_5345);
    const PARENT_NAMES: &[&str] =
        &["Sarah", "Emma", "James", "Laura", "David", "Claire", "Mark", "Rachel", "Paul", "Kate"];
    const STREETS: &[&str] = &["High Street", "Church Road", "Station Road", "Park Lane", "Mill Lane", "The Green"];
    let mut parent_of: HashMap<String, String> = HashMap::new();
    let children: Vec<(String, String, Option<String>)> =
        cw.children.iter().map(|c| (c.child_id.to_string(), c.surname.clone(), c.postcode.clone())).collect();
    for (k, (child_id, surname, postcode)) in children.into_iter().enumerate() {
        let contact_id = format!("K{:06}", cw.contacts.len() + 1);
        let first = one_of(rng, PARENT_NAMES);
        let street = one_of(rng, STREETS);
        let email = rng.random_bool(0.8).then(|| {
            format!(
                "{}.{}{}@example.org",
                first.to_lowercase(),
                surname.to_lowercase().replace(['\'', ' '], ""),
                k % 97
            )
        });
        cw.contacts.push_back(Contact {
            contact_id: contact_id.clone().into(),
            child_id: child_id.clone().into(),
            role: if rng.random_bool(0.93) { ContactRole::Parent } else { ContactRole::Carer },
            name: format!("{first} {surname}"),
            preferred: Some(if email.is_some() { Preferred::Email } else { Preferred::Letter }),
            email,
            phone: Some(format!("01632 {:06}", rng.random_range(0..1_000_000))),
            address: Some(
                format!("{} {street}\n{}", rng.random_range(1..120), postcode.unwrap_or_default()).trim().to_string(),
            ),
            parental_responsibility: true,
            organisation: None,
            urn: None,
        });
        parent_of.insert(child_id, contact_id);
    }
    let requests: Vec<Request> = cw.requests.iter().cloned().collect();
    for r in &requests {
        let Some(parent) = parent_of.get(r.child_id.as_str()) else { continue };
        let mut sent: Vec<(Date, ContactKind, String)> = Vec::new();
        if let Some(d) = r.decision.filter(|d| d.on <= as_at) {
            sent.push((
                d.on,
                ContactKind::Letter,
                format!("Decision letter sent: {}.", d.value.label().to_lowercase()),
            ));
        }
        if let Some(o) = r.outcome.filter(|o| o.on <= as_at) {
            sent.push((o.on, ContactKind::Letter, format!("Outcome letter sent: {}.", o.value.label().to_lowercase())));
        }
        // Updates while the request was open: every 2 to 7 weeks.
        let end = [r.outcome.map(|o| o.on), r.decision.filter(|d| d.value != AssessmentDecision::Assess).map(|d| d.on)]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(as_at)
            .min(as_at);
        let mut day = add_days(r.received_on, rng.random_range(7..28));
        while day < end {
            let kind = if rng.random_bool(0.6) { ContactKind::Call } else { ContactKind::Email };
            sent.push((day, kind, "Update on the progress of the request.".to_string()));
            day = add_days(day, rng.random_range(14..50));
        }
        for (on, kind, summary) in sent {
            cw.case_log.push_back(CaseLogEntry {
                entry_id: format!("E{:07}", cw.case_log.len() + 1).into(),
                child_id: r.child_id.clone(),
                on,
                time: None,
                kind,
                direction: Some(Direction::Out),
                with_whom: Some("Parent".into()),
                contact_id: Some(parent.into()),
                summary,
                request_id: Some(r.request_id.clone()),
                plan_id: None,
                review_id: None,
                by: r.caseworker.clone(),
            });
        }
    }
    add_organisations(cw, rng, as_at);
    for f in cw.feedback.iter_mut().filter(|f| f.kind == FeedbackKind::Complaint) {
        let roll = rng.random::<f64>();
        f.subject = Some(match roll {
            x if x < 0.21 => ComplaintSubject::Communication,
            x if x < 0.55 => ComplaintSubject::Delay,
            x if x < 0.80 => ComplaintSubject::Provision,
            x if x < 0.90 => ComplaintSubject::Staff,
            _ => ComplaintSubject::Other,
        });
        let stage = rng.random::<f64>();
        f.stage = Some(match stage {
            x if x < 0.80 => ComplaintStage::Stage1,
            x if x < 0.95 => ComplaintStage::Stage2,
            _ => ComplaintStage::Ombudsman,
        });
        if f.stage == Some(ComplaintStage::Ombudsman) && days_between(f.received_on, as_at) > 120 {
            f.ombudsman_outcome =
                Some(if rng.random_bool(0.6) { OmbudsmanOutcome::Upheld } else { OmbudsmanOutcome::NotUpheld });
        }
    }
}

/// The organisations (issue 19): one for each advice provider the demo names (its advice
/// then names it) and one for each school or college its placements give a URN for; and a
/// consultation of the child's setting for each draft plan, most answered within the 15 days.
fn add_organisations(cw: &mut Casework, rng: &mut ChaCha8Rng, as_at: Date) {
    let slug = |name: &str| -> String {
        name.to_lowercase().chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect::<String>()
    };
    let mut by_provider: HashMap<String, String> = HashMap::new();
    let providers: std::collections::BTreeSet<String> = cw.advice.iter().filter_map(|a| a.provider.clone()).collect();
    for (k, name) in providers.into_iter().enumerate() {
        let id = format!("ORG{:03}", k + 1);
        cw.organisations.push_back(Organisation {
            organisation_id: id.clone().into(),
            name: name.clone(),
            kind: OrganisationKind::Provider,
            email: Some(format!("team@{}.example.org", slug(&name).trim_matches('-'))),
            urn: None,
        });
        by_provider.insert(name, id);
    }
    for a in cw.advice.iter_mut() {
        a.organisation_id = a.provider.as_ref().and_then(|p| by_provider.get(p)).map(|id| id.clone().into());
    }
    let mut by_urn: HashMap<String, String> = HashMap::new();
    let settings: std::collections::BTreeMap<String, String> = cw
        .placements
        .iter()
        .filter_map(|p| Some((p.urn.clone()?, p.establishment.clone().unwrap_or_else(|| "School".into()))))
        .collect();
    for (urn, name) in settings {
        let id = format!("URN{urn}");
        cw.organisations.push_back(Organisation {
            organisation_id: id.clone().into(),
            email: Some(format!("senco@{urn}.schools.example.org")),
            name,
            kind: OrganisationKind::Setting,
            urn: Some(urn.clone()),
        });
        by_urn.insert(urn, id);
    }
    let requests: Vec<Request> =
        cw.requests.iter().filter(|r| r.draft_issued_on.is_some_and(|d| d <= as_at)).cloned().collect();
    // Each child's placements, found once (a scan per request was quadratic in the county).
    let mut placements_of: HashMap<String, Vec<Placement>> = HashMap::new();
    for p in &cw.placements {
        placements_of.entry(p.child_id.to_string()).or_default().push(p.clone());
    }
    for r in requests {
        let Some(sent_on) = r.draft_issued_on else { continue };
        let setting = placements_of
            .get(r.child_id.as_str())
            .into_iter()
            .flatten()
            .filter(|p| p.started_on <= sent_on)
            .max_by_key(|p| p.started_on)
            .and_then(|p| by_urn.get(p.urn.as_deref()?));
        let Some(setting) = setting else { continue };
        let answered =
            add_days(sent_on, if rng.random_bool(0.8) { rng.random_range(2..15) } else { rng.random_range(15..40) });
        let response = match rng.random::<f64>() {
            x if x < 0.75 => ConsultationResponse::CanMeet,
            x if x < 0.9 => ConsultationResponse::CannotMeet,
            _ => ConsultationResponse::MoreInformation,
        };
        let on_time = answered <= as_at;
        cw.consultations.push_back(Consultation {
            consultation_id: format!("Q{:06}", cw.consultations.len() + 1).into(),
            child_id: r.child_id.clone(),
            request_id: Some(r.request_id.clone()),
            review_id: None,
            organisation_id: setting.clone().into(),
            sent_on,
            responded_on: on_time.then_some(answered),
            response: on_time.then_some(response),
        });
    }
}

fn add_staff(cw: &mut Casework, caseworkers: usize, seed: u64, history_start: Date, as_at: Date) {
    let rng = &mut ChaCha8Rng::seed_from_u64(seed ^ 0x5747_4146);
    let long_ago = add_days(history_start, -3 * 365);
    let mut people: Vec<(String, StaffRole, usize)> =
        (1..=caseworkers.max(3)).map(|i| (format!("cw{i:03}"), StaffRole::Caseworker, i % 3)).collect();
    for (k, (_, role, _)) in people.iter_mut().enumerate() {
        if k % 6 == 5 {
            *role = StaffRole::SeniorCaseworker;
        }
    }
    people.extend((0..3).map(|t| (format!("tm{:03}", t + 1), StaffRole::TeamManager, t)));
    people.extend((0..2).map(|t| (format!("ep{:03}", t + 1), StaffRole::EducationalPsychologist, t)));
    people.push(("co001".to_string(), StaffRole::Coordinator, 2));
    let fte = |text: &str| sendtrack_domain::identifiers::Fte::parse(text).ok();
    for (k, (id, role, team)) in people.into_iter().enumerate() {
        let part_time = rng.random_bool(0.2);
        let fte_text = if part_time { pick(rng, &[("0.8", 3.0), ("0.6", 3.0), ("0.5", 2.0)]) } else { "1.0" };
        let contract = if role.holds_cases() {
            pick(
                rng,
                &[
                    (Contract::Permanent, 65.0),
                    (Contract::FixedTerm, 15.0),
                    (Contract::Interim, 12.0),
                    (Contract::Agency, 8.0),
                ],
            )
        } else {
            Contract::Permanent
        };
        // About a quarter started during the history; about one in seven has left. The first
        // three caseworkers (the demo's caseworker account is cw001) have been there throughout.
        let veteran = k < 3;
        let started_on = if !veteran && rng.random_bool(0.25) {
            date_in(rng, history_start, as_at)
        } else {
            date_in(rng, long_ago, history_start)
        };
        let ended_on = (role.holds_cases() && !veteran && rng.random_bool(0.15))
            .then(|| date_in(rng, add_days(started_on, 90).min(as_at), as_at));
        let post_id = format!("POST-{:03}", k + 1);
        // Each post is funded at its holder's hours (a part-time post for a part-timer).
        let (Some(staff_fte), Some(post_fte)) = (fte(fte_text), fte(fte_text)) else { continue };
        cw.posts.push_back(Post {
            post_id: post_id.as_str().into(),
            role,
            team: Some(DEMO_TEAMS[team].to_string()),
            fte: post_fte,
            funded_from: long_ago,
            funded_to: None,
        });
        let first = FORENAMES[rng.random_range(0..FORENAMES.len())];
        let last = SURNAMES[rng.random_range(0..SURNAMES.len())];
        cw.staff.push_back(StaffMember {
            staff_id: id.as_str().into(),
            name: format!("{first} {last}"),
            email: (id == "cw001").then(|| "demo.caseworker@example.org".to_string()),
            role,
            team: Some(DEMO_TEAMS[team].to_string()),
            fte: staff_fte,
            contract,
            post_id: Some(post_id.as_str().into()),
            started_on,
            ended_on,
        });
    }
    // In staff_id order, as an export writes them.
    let mut staff: Vec<StaffMember> = std::mem::take(&mut cw.staff).into_iter().collect();
    staff.sort_by(|a, b| a.staff_id.cmp(&b.staff_id));
    cw.staff = staff.into();
    // A few posts funded this year and not yet filled: vacancies out to advert.
    for (k, team) in [0, 1, 1, 2].into_iter().enumerate() {
        let Some(post_fte) = fte("1.0") else { continue };
        cw.posts.push_back(Post {
            post_id: format!("POST-V{:02}", k + 1).as_str().into(),
            role: StaffRole::Caseworker,
            team: Some(DEMO_TEAMS[team].to_string()),
            fte: post_fte,
            funded_from: Date::new(as_at.year(), 4, 1).unwrap_or(as_at).min(as_at),
            funded_to: None,
        });
    }
    // Most plans are held by a named caseworker in post now, in the pod for the child's age;
    // the rest by the caseworker of the request they came from, or (older plans) nobody.
    let in_post: Vec<Vec<String>> = (0..3)
        .map(|team| {
            cw.staff
                .iter()
                .filter(|m| m.role.holds_cases() && m.is_in_post_at(as_at))
                .filter(|m| m.team.as_deref() == Some(DEMO_TEAMS[team]))
                .map(|m| m.staff_id.to_string())
                .collect()
        })
        .collect();
    let born: HashMap<String, Date> = cw.children.iter().map(|c| (c.child_id.to_string(), c.date_of_birth)).collect();
    let mut plans = std::mem::take(&mut cw.plans);
    for plan in plans.iter_mut() {
        if !rng.random_bool(0.7) {
            continue;
        }
        let age = born.get(plan.child_id.as_str()).map_or(10, |b| age_on(*b, as_at));
        let team = match age {
            ..=10 => 0,
            11..=15 => 1,
            _ => 2,
        };
        if !in_post[team].is_empty() {
            plan.caseworker = Some(in_post[team][rng.random_range(0..in_post[team].len())].as_str().into());
        }
    }
    cw.plans = plans;
}

/// A stand-in for the Get Information About Schools establishments file, for the demo's
/// made-up URNs: its `URN` and `TypeOfEstablishment (name)` columns, with the type of
/// establishment each demo setting is, so `sen2 import --establishments` can classify the
/// settings of a return written from the demo. A real authority uses the real file.
pub fn establishments_csv(cw: &Casework) -> String {
    let mut types = std::collections::BTreeMap::new();
    let named = cw.plan_settings.iter().filter_map(|n| Some((&n.urn, n.setting?)));
    for (urn, setting) in cw.placements.iter().map(|p| (&p.urn, p.setting)).chain(named) {
        let Some(urn) = urn else { continue };
        let kind = match setting {
            Setting::Mainstream | Setting::ResourceBase => "Community school",
            Setting::SpecialMaintained | Setting::Hospital => "Community special school",
            Setting::SpecialIndependent => "Other independent special school",
            Setting::NonMaintainedSpecial => "Non-maintained special school",
            Setting::AlternativeProvision => "Pupil referral unit",
            Setting::Post16College => "Further education",
            Setting::Post16Specialist => "Special post 16 institution",
            _ => continue,
        };
        types.insert(urn.clone(), kind);
    }
    let mut csv = String::from("URN,TypeOfEstablishment (name)\n");
    for (urn, kind) in types {
        csv.push_str(&format!("{urn},{kind}\n"));
    }
    csv
}

/// What a real authority's records should be, and the generator's random draws do not always
/// give: no two children share a UPN, every child with a plan has a primary need (not `nsa`,
/// which is for pupils on SEN support), and no plan is in
/// force for anyone past the academic year in which they turned 25 (the law's limit). Then a
/// few deliberate faults, so that `sen2 check` on the demo has something to find (see the
/// README's SEN2 section): of the last four children with an active plan and a UPN, the first
/// takes the second's UPN (SEN2-02), the third has neither UPN, ULN nor a reason (SEN2-01), and
/// the fourth has no primary need (SEN2-09).
fn tidy(cw: &mut Casework, as_at: Date) {
    let active: std::collections::HashSet<String> = cw
        .plans
        .iter()
        .filter(|p| p.issued_on <= as_at && p.ceased.is_none_or(|c| c.on > as_at))
        .map(|p| p.child_id.to_string())
        .collect();
    // Plans past the age limit cease at the end of the academic year in which the young person
    // turned 25 (31 August), with reviews after that day gone.
    let born: HashMap<String, Date> = cw.children.iter().map(|c| (c.child_id.to_string(), c.date_of_birth)).collect();
    let mut ended: HashMap<String, Date> = HashMap::new();
    for plan in &mut cw.plans {
        let Some(&dob) = born.get(plan.child_id.as_str()) else { continue };
        let twenty_five = dob.checked_add(jiff::Span::new().years(25)).unwrap_or(dob);
        // The academic year (1 September to 31 August) that holds the 25th birthday.
        let year_end =
            Date::new(twenty_five.year() + i16::from(twenty_five.month() >= 9), 8, 31).unwrap_or(twenty_five);
        // A plan the draws issued after that day ends on the day it was issued.
        let end = year_end.max(plan.issued_on);
        let in_force_after = plan.ceased.is_none_or(|c| c.on > end);
        if in_force_after && year_end < as_at {
            plan.ceased = Some(Dated::new(CeaseReason::MaxAge, end));
            ended.insert(plan.plan_id.to_string(), end);
        }
    }
    cw.reviews.retain(|r| {
        ended.get(r.plan_id.as_str()).is_none_or(|end| {
            r.meeting_on.is_none_or(|m| m <= *end)
                && r.decision.is_none_or(|d| d.on <= *end)
                && r.amended_on.is_none_or(|a| a <= *end)
        })
    });
    // Every child with a plan has a primary need, and not "SEN support, no specialist
    // assessment" (nsa), which describes pupils without a plan (the commonest need instead).
    let with_a_plan: std::collections::HashSet<&str> = cw.plans.iter().map(|p| p.child_id.as_str()).collect();
    let common = [Need::Autism, Need::SpeechLanguageCommunication, Need::SocialEmotionalMentalHealth];
    for (k, child) in cw.children.iter_mut().enumerate() {
        let lacking = child.primary_need.is_none_or(|n| n == Need::NoSpecialistAssessment);
        if lacking && with_a_plan.contains(child.child_id.as_str()) {
            let secondary = child.secondary_need.take().filter(|n| *n != Need::NoSpecialistAssessment);
            child.primary_need = Some(secondary.unwrap_or(common[k % common.len()]));
        }
        if child.secondary_need == Some(Need::NoSpecialistAssessment) && with_a_plan.contains(child.child_id.as_str()) {
            child.secondary_need = None;
        }
    }
    // No two children share a UPN: a repeat gets the next free serial, with its check letter.
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    for child in &mut cw.children {
        let Some(upn) = child.upn.clone() else { continue };
        let mut candidate = upn.clone();
        let mut serial: u32 = upn.get(10..13).and_then(|t| t.parse().ok()).unwrap_or(0);
        while seen.contains(&candidate) {
            serial = (serial + 1) % 1000;
            let body = format!("{}{serial:03}", &upn[1..10]);
            candidate = format!("{}{body}", upn_check_letter(&body).unwrap_or('A'));
        }
        seen.insert(candidate.clone());
        child.upn = Some(candidate);
    }
    // The deliberate faults.
    let with_plans: Vec<usize> = (0..cw.children.len())
        .rev()
        .filter(|&k| active.contains(cw.children[k].child_id.as_str()) && cw.children[k].upn.is_some())
        .take(4)
        .collect();
    if let [first, second, third, fourth] = with_plans[..] {
        cw.children[first].upn = cw.children[second].upn.clone();
        let third = &mut cw.children[third];
        (third.upn, third.uln, third.upn_unknown) = (None, None, None);
        cw.children[fourth].primary_need = None;
    }
}

/// The rest of the board paper (issue 22), from a random stream of its own so that the rest of
/// the demo is unchanged: partners' indicators (CAMHS's stopped arriving five months ago),
/// parent, young people's and professionals' surveys (the latest young people's survey too
/// small to report), an improvement plan of four strands with their RAG history, milestones
/// (done, slipped, one overdue), board actions and KPIs; an audit framework with audits of about
/// one new plan in 12 and a few pieces of advice, a third of them moderated; and cohort flags for
/// children with plans (in care, child protection, NEET, apprenticeships).
fn add_board_paper(cw: &mut Casework, seed: u64, as_at: Date) {
    let rng = &mut ChaCha8Rng::seed_from_u64(seed ^ 0x424f_4152);
    let this_month = sendtrack_domain::dates::Month::containing(as_at);
    let last = this_month.plus(-1);
    let indicator = |id: &str, title: &str, unit, better, supplier: &str, frequency, minimum| Indicator {
        indicator_id: id.into(),
        title: title.into(),
        unit,
        better,
        supplier: supplier.into(),
        frequency,
        minimum_responses: minimum,
    };
    use BetterWay::{Down, Up};
    use Frequency::{Monthly, Quarterly, Termly, Yearly};
    use IndicatorUnit as U;
    // (indicator, first value, drift a period, spread, latest period, responses)
    type Defined = (Indicator, f64, f64, f64, sendtrack_domain::dates::Month, Option<(u32, u32)>);
    let defined: Vec<Defined> = vec![
        (
            indicator(
                "camhs_seen_18_weeks_pct",
                "Children and young people seen by CAMHS within 18 weeks",
                U::Percent,
                Some(Up),
                "CAMHS",
                Monthly,
                None,
            ),
            58.0,
            0.3,
            4.0,
            last.plus(-5),
            None,
        ),
        (
            indicator(
                "salt_wait_weeks",
                "Speech and language therapy: average wait for a first appointment (weeks)",
                U::Number,
                Some(Down),
                "Children's community health (SALT)",
                Monthly,
                None,
            ),
            21.0,
            -0.2,
            1.5,
            last,
            None,
        ),
        (
            indicator(
                "health_advice_6_weeks_pct",
                "Health advice for assessments returned within 6 weeks",
                U::Percent,
                Some(Up),
                "Integrated care board",
                Monthly,
                None,
            ),
            62.0,
            0.8,
            5.0,
            last,
            None,
        ),
        (
            indicator(
                "ey_settings_send_good_pct",
                "Early years settings judged good or better for SEND",
                U::Percent,
                Some(Up),
                "Early years team",
                Termly,
                None,
            ),
            81.0,
            0.5,
            2.0,
            sendtrack_domain::dates::Month::new(as_at.year(), 7).filter(|m| *m <= last).unwrap_or(last.plus(-4)),
            None,
        ),
        (
            indicator(
                "adult_care_known_17_plus_pct",
                "Young people 17+ with a plan known to adult social care",
                U::Percent,
                Some(Up),
                "Adult social care",
                Quarterly,
                None,
            ),
            44.0,
            1.5,
            3.0,
            quarter_end_before(last),
            None,
        ),
        (
            indicator("sendiass_enquiries", "SENDIASS enquiries", U::Count, None, "SENDIASS", Quarterly, None),
            310.0,
            6.0,
            25.0,
            quarter_end_before(last),
            None,
        ),
        (
            indicator(
                "parent_survey_annual_review_good_pct",
                "Parents and carers rating the annual review process good",
                U::Percent,
                Some(Up),
                "Parent carer survey",
                Termly,
                Some(30),
            ),
            61.0,
            2.0,
            4.0,
            term_end_before(last),
            Some((60, 140)),
        ),
        (
            indicator(
                "young_people_listened_to_pct",
                "Young people who felt listened to in their review",
                U::Percent,
                Some(Up),
                "Young people's survey",
                Termly,
                Some(20),
            ),
            70.0,
            1.0,
            6.0,
            term_end_before(last),
            Some((25, 60)),
        ),
        (
            indicator(
                "professionals_confident_pct",
                "Professionals confident in the EHC process",
                U::Percent,
                Some(Up),
                "Professionals' survey",
                Yearly,
                Some(25),
            ),
            48.0,
            5.0,
            3.0,
            sendtrack_domain::dates::Month::new(if last.month() >= 6 { last.year() } else { last.year() - 1 }, 6)
                .unwrap_or(last),
            Some((40, 90)),
        ),
    ];
    for (def, first, drift, spread, latest, responses) in defined {
        let step = def.frequency.months();
        let periods: Vec<sendtrack_domain::dates::Month> =
            (0..(30 / step)).rev().map(|k| latest.plus(-k * step)).collect();
        let n = periods.len();
        for (k, period) in periods.into_iter().enumerate() {
            let raw = first + drift * k as f64 + spread * (rng.random::<f64>() - 0.5) * 2.0;
            let value = match def.unit {
                U::Percent => raw.clamp(0.0, 100.0),
                _ => raw.max(0.0),
            };
            let value = (value * 10.0).round() / 10.0;
            let answered = responses.map(|(lo, hi)| {
                // The latest young people's survey came back with too few answers to report.
                if k + 1 == n && def.indicator_id == "young_people_listened_to_pct" {
                    12
                } else {
                    rng.random_range(lo..=hi)
                }
            });
            let (numerator, denominator) = match (def.unit, answered) {
                (U::Percent, Some(r)) => (Some((value * f64::from(r) / 100.0).round()), Some(f64::from(r))),
                _ => (None, None),
            };
            let value = match (numerator, denominator) {
                (Some(n), Some(d)) => (n * 1000.0 / d).round() / 10.0,
                _ => value,
            };
            let received_on = add_days(period.last_day(), rng.random_range(6..=20)).min(as_at);
            cw.indicator_values.push_back(IndicatorValue {
                indicator_id: def.indicator_id.clone(),
                period,
                value,
                numerator,
                denominator,
                received_on,
                note: None,
                responses: answered,
            });
        }
        cw.indicators.push_back(def);
    }
    let due = Date::new(as_at.year() + 1, 3, 31).ok();
    for (measure, target) in [
        ("camhs_seen_18_weeks_pct", 75.0),
        ("health_advice_6_weeks_pct", 90.0),
        ("salt_wait_weeks", 18.0),
        ("parent_survey_annual_review_good_pct", 75.0),
        ("young_people_listened_to_pct", 80.0),
        (MeasureId::AuditsMeetingStandardPct.code(), 90.0),
    ] {
        cw.targets.push_back(Target { measure: measure.into(), target, due_on: due });
    }
    cw.benchmarks.push_back(Benchmark {
        measure: "camhs_seen_18_weeks_pct".into(),
        period: BenchmarkPeriod::Year(as_at.year() - 1),
        comparator: Comparator::England,
        value: 66.0,
    });

    // The improvement plan: four strands, rated monthly since six months ago.
    let strands = [
        ("timeliness", "Timely assessments and plans", "Head of SEND statutory services"),
        ("reviews", "Annual reviews on time and acted on", "SEND casework manager"),
        ("quality", "Quality of EHC plans", "Principal educational psychologist"),
        ("families", "Working with families and young people", "Head of SEND partnerships"),
    ];
    let start = this_month.plus(-6);
    for (s, (id, title, owner)) in strands.iter().enumerate() {
        cw.strands.push_back(Strand { strand_id: (*id).into(), title: (*title).into(), owner: (*owner).into() });
        // Milestones: two done, one slipped to a later date, one due later (the first strand's
        // slipped milestone is past its new date: overdue).
        let milestone =
            |k: usize, title: &str, due_on: Date, revised: Option<Date>, why: Option<&str>, done: Option<Date>| {
                Milestone {
                    milestone_id: format!("{id}-m{k}"),
                    strand_id: (*id).into(),
                    title: title.into(),
                    due_on,
                    revised_due_on: revised,
                    slip_reason: why.map(str::to_string),
                    done_on: done,
                }
            };
        let first = start.first_day();
        let early = add_days(first, 20 + 7 * s as i64);
        let mid = add_days(first, 80 + 5 * s as i64);
        let slipped_from = add_days(first, 110);
        let slipped_to = if s == 0 { add_days(as_at, -10) } else { add_days(as_at, 45 + 10 * s as i64) };
        let titles: [&str; 4] = match s {
            0 => [
                "Triage of new requests in place",
                "Recruit four permanent caseworkers",
                "Clear requests open past 30 weeks",
                "Weekly timeliness panel",
            ],
            1 => [
                "Review tracker for every school",
                "Backlog of reviews due in the summer term cleared",
                "Amendments issued within 4 weeks of decision",
                "Annual review training for SENCOs",
            ],
            2 => [
                "Audit framework agreed with health and care",
                "Monthly multi-agency moderation",
                "Plan writers' guidance published",
                "Outcomes rewritten in the top 100 plans",
            ],
            _ => [
                "Local offer pages rewritten with parents",
                "Family updates every 20 working days",
                "Young people's panel meeting termly",
                "Co-production charter signed",
            ],
        };
        cw.milestones.push_back(milestone(1, titles[0], early, None, None, Some(add_days(early, -3))));
        cw.milestones.push_back(milestone(
            2,
            titles[1],
            mid,
            None,
            None,
            Some(add_days(mid, if s == 1 { 12 } else { 0 })),
        ));
        cw.milestones.push_back(milestone(
            3,
            titles[2],
            slipped_from,
            Some(slipped_to),
            Some("the new case management system went live later than planned"),
            None,
        ));
        cw.milestones.push_back(milestone(4, titles[3], add_days(as_at, 90 + 15 * s as i64), None, None, None));
        // Ratings: green until the milestone slipped, then amber (the first strand red once
        // its slipped milestone passed its new date... as the board last rated it, amber).
        for k in 0..6 {
            let rated_on =
                start.plus(k).first_day().checked_add(jiff::Span::new().days(2)).unwrap_or(start.first_day());
            if rated_on > as_at {
                continue;
            }
            let slipped = rated_on > slipped_from;
            let (rag, reason) = match (s, slipped) {
                (_, false) => (Rag::Green, "milestones on track"),
                (3, true) => (Rag::Green, "milestone moved, still within the plan's year"),
                _ => (Rag::Amber, "moved to amber because milestones slipped"),
            };
            cw.strand_ratings.push_back(StrandRating {
                strand_id: (*id).into(),
                rated_on,
                rag,
                reason: reason.into(),
                rated_by: Some("improvement.board@example.gov.uk".into()),
            });
        }
        for (k, (text, status)) in [
            ("Report progress on the milestone that slipped", ActionStatus::Open),
            ("Bring the KPIs' baselines to the next board", ActionStatus::Done),
        ]
        .iter()
        .enumerate()
        {
            let raised_on = start.plus(2 * k as i32 + 1).first_day();
            cw.board_actions.push_back(BoardAction {
                action_id: format!("{id}-a{}", k + 1),
                strand_id: (*id).into(),
                raised_on,
                action: (*text).into(),
                owner: (*owner).into(),
                due_on: add_days(raised_on, 42),
                status: *status,
            });
        }
        let kpi = |measure: &str, baseline: f64, target: f64| StrandKpi {
            strand_id: (*id).into(),
            measure: measure.into(),
            baseline,
            baseline_period: start.plus(-1),
            target,
            due_on: due.unwrap_or(as_at),
        };
        let kpis: Vec<StrandKpi> = match s {
            0 => vec![
                kpi(MeasureId::PlansIssuedWithin20WeeksPct.code(), 38.0, 60.0),
                kpi(MeasureId::DecisionsWithin6WeeksPct.code(), 70.0, 90.0),
            ],
            1 => vec![
                kpi(MeasureId::ReviewsCompletedOnTimePct.code(), 45.0, 75.0),
                kpi(MeasureId::ReviewsOverdue.code(), 900.0, 300.0),
            ],
            2 => vec![
                kpi(MeasureId::AuditsMeetingStandardPct.code(), 68.0, 90.0),
                kpi("health_advice_6_weeks_pct", 60.0, 90.0),
            ],
            _ => vec![
                kpi("parent_survey_annual_review_good_pct", 60.0, 75.0),
                kpi(MeasureId::FamiliesOwedUpdate.code(), 250.0, 50.0),
            ],
        };
        for k in kpis {
            cw.strand_kpis.push_back(k);
        }
    }

    // The audit framework: the sections of the plan and how it was made.
    let questions = [
        (
            "A1",
            "Section A: views, interests and aspirations",
            "The child's or young person's own views are recorded in their words",
        ),
        ("A2", "Section A: views, interests and aspirations", "The family's views and aspirations are clear"),
        ("B1", "Section B: special educational needs", "Every need identified in the advice is described"),
        ("E1", "Section E: outcomes", "Outcomes are specific, measurable and time-bound"),
        ("E2", "Section E: outcomes", "Outcomes look towards adulthood"),
        ("F1", "Section F: provision", "Provision is specified and quantified"),
        ("HC", "Sections G and H: health and social care", "Health and care needs and provision are included"),
    ];
    for (id, section, question) in questions {
        cw.audit_questions.push_back(AuditQuestion {
            question_id: id.into(),
            section: section.into(),
            question: question.into(),
        });
    }
    let auditors: Vec<String> = cw
        .staff
        .iter()
        .filter(|m| {
            matches!(m.role, StaffRole::TeamManager | StaffRole::SeniorCaseworker | StaffRole::EducationalPsychologist)
        })
        .map(|m| m.staff_id.to_string())
        .collect();
    let from = add_days(as_at, -540);
    let grades = [
        (AuditGrade::Outstanding, 0.1),
        (AuditGrade::Good, 0.55),
        (AuditGrade::RequiresImprovement, 0.28),
        (AuditGrade::Inadequate, 0.07),
    ];
    let mut audited = 0usize;
    if auditors.len() >= 2 {
        let plans: Vec<(String, String, Date)> = cw
            .plans
            .iter()
            .filter(|p| p.issued_on >= from && p.issued_on <= add_days(as_at, -7))
            .map(|p| (p.plan_id.to_string(), p.child_id.to_string(), p.issued_on))
            .collect();
        let child_of: HashMap<&str, &str> =
            cw.requests.iter().map(|q| (q.request_id.as_str(), q.child_id.as_str())).collect();
        let advice: Vec<(String, String, Date)> = cw
            .advice
            .iter()
            .filter_map(|a| {
                let received = a.received_on.filter(|r| *r >= from && *r <= add_days(as_at, -7))?;
                let child = child_of.get(a.request_id.as_str())?.to_string();
                Some((a.advice_id.to_string(), child, received))
            })
            .filter(|_| rng.random_bool(0.01))
            .collect();
        let subjects: Vec<(AuditSubject, (String, String, Date))> = plans
            .into_iter()
            .filter(|_| rng.random_bool(1.0 / 12.0))
            .map(|p| (AuditSubject::Plan, p))
            .chain(advice.into_iter().map(|a| (AuditSubject::Advice, a)))
            .collect();
        for (subject, (subject_id, child_id, on)) in subjects {
            audited += 1;
            let audited_on = add_days(on, rng.random_range(7..=60)).min(as_at);
            let auditor = auditors[rng.random_range(0..auditors.len())].clone();
            let grade = pick(rng, &grades);
            let moderated = rng.random_bool(0.35) && audited_on < add_days(as_at, -14);
            let (moderator, moderated_on, moderated_grade) = if moderated {
                let others: Vec<&String> = auditors.iter().filter(|a| **a != auditor).collect();
                let moderator = others[rng.random_range(0..others.len())].clone();
                let moderated_grade = if rng.random_bool(0.74) { grade } else { pick(rng, &grades) };
                (
                    Some(moderator),
                    Some(add_days(audited_on, rng.random_range(3..=14)).min(as_at)),
                    Some(moderated_grade),
                )
            } else {
                (None, None, None)
            };
            let audit_id = format!("QA{audited:05}");
            for (q, _, _) in questions {
                // Questions lean to the overall grade.
                let answer = if rng.random_bool(0.7) { grade } else { pick(rng, &grades) };
                cw.audit_answers.push_back(AuditAnswer {
                    audit_id: audit_id.clone(),
                    question_id: q.into(),
                    grade: answer,
                });
            }
            cw.quality_audits.push_back(QualityAudit {
                audit_id,
                child_id,
                subject,
                subject_id,
                auditor,
                audited_on,
                grade,
                moderator,
                moderated_on,
                moderated_grade,
            });
        }
    }

    // Cohort flags for children with plans, as children's social care and the 16-19 tracking
    // service would supply them.
    let born: HashMap<&str, Date> = cw.children.iter().map(|c| (c.child_id.as_str(), c.date_of_birth)).collect();
    let mut flags = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for p in cw.plans.iter() {
        if !seen.insert(p.child_id.clone()) {
            continue;
        }
        let Some(&dob) = born.get(p.child_id.as_str()) else { continue };
        let until = p.ceased.map_or(as_at, |c| c.on).min(as_at);
        if until < p.issued_on {
            continue;
        }
        let span = |rng: &mut ChaCha8Rng, from: Date, ends: f64| {
            let start = date_in(rng, add_days(from, -400), until);
            let end = rng.random_bool(ends).then(|| date_in(rng, start, as_at));
            (start, end)
        };
        let flag = |kind, (start, end): (Date, Option<Date>), source: &str| CohortFlag {
            child_id: p.child_id.to_string(),
            flag: kind,
            started_on: start,
            ended_on: end,
            source: Some(source.into()),
        };
        let age = age_on(dob, until);
        if rng.random_bool(0.05) && age < 18 {
            let care = span(rng, p.issued_on, 0.3);
            flags.push(flag(CohortFlagKind::InCare, care, "Children's social care"));
            if rng.random_bool(0.22) {
                let start = date_in(rng, care.0, as_at);
                let end = rng.random_bool(0.5).then(|| date_in(rng, start, as_at));
                flags.push(flag(
                    CohortFlagKind::HealthAssessmentOverdue,
                    (start, end),
                    "Looked-after children's health team",
                ));
            }
        }
        if rng.random_bool(0.025) && age < 18 {
            flags.push(flag(CohortFlagKind::ChildProtection, span(rng, p.issued_on, 0.5), "Children's social care"));
        }
        if (16..=25).contains(&age) {
            let sixteen = anniversary_in(dob, dob.year() + 16);
            if rng.random_bool(0.09) {
                flags.push(flag(
                    CohortFlagKind::Neet,
                    span(rng, sixteen.max(p.issued_on), 0.4),
                    "16-19 tracking service",
                ));
            } else if rng.random_bool(0.05) {
                flags.push(flag(
                    CohortFlagKind::Apprenticeship,
                    span(rng, sixteen.max(p.issued_on), 0.2),
                    "16-19 tracking service",
                ));
            }
        }
    }
    for f in flags {
        cw.cohort_flags.push_back(f);
    }
}

/// The last month of the quarter (March, June, September, December) on or before `month`.
fn quarter_end_before(month: sendtrack_domain::dates::Month) -> sendtrack_domain::dates::Month {
    month.plus(-((i32::from(month.month())) % 3))
}

/// The last month of the school term (December, March or April... taken as December, April
/// and July) on or before `month`.
fn term_end_before(month: sendtrack_domain::dates::Month) -> sendtrack_domain::dates::Month {
    (0..12).map(|k| month.plus(-k)).find(|m| matches!(m.month(), 12 | 4 | 7)).unwrap_or(month)
}
