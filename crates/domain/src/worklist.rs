//! Worklists: the open statutory work behind each count on the Today page, one item per
//! request, piece of advice or plan, with its due date, how overdue it is and the caseworker
//! it is allocated to. Today's counts are the lengths of these lists, so a count and the list
//! it links to cannot disagree.

use crate::clock::{
    AdviceStatus, RequestStage, RequestStatus, ReviewState, advice_status, final_plan_due, plan_review_status,
    request_status,
};
use crate::codes::AdviceKind;
use crate::dates::days_between;
use crate::identifiers::ChildId;
use crate::records::{Casework, Request, Review};
use jiff::civil::Date;
use std::collections::HashMap;
use std::sync::Arc;

/// Indexes the records by the ids other records refer to.
struct CaseIndex<'a> {
    requests: HashMap<&'a str, &'a Request>,
    reviews_by_plan: HashMap<&'a str, Vec<&'a Review>>,
}

impl<'a> CaseIndex<'a> {
    fn new(cw: &'a Casework) -> CaseIndex<'a> {
        let requests = cw.requests.iter().map(|r| (r.request_id.as_str(), r)).collect();
        let mut reviews_by_plan: HashMap<&str, Vec<&Review>> = HashMap::new();
        for r in &cw.reviews {
            reviews_by_plan.entry(r.plan_id.as_str()).or_default().push(r);
        }
        CaseIndex { requests, reviews_by_plan }
    }

    fn reviews_of(&self, plan_id: &str) -> &[&'a Review] {
        self.reviews_by_plan.get(plan_id).map_or(&[], |v| v.as_slice())
    }
}

/// How far ahead "final plans due soon" looks: 4 weeks.
pub const PLANS_DUE_WITHIN_DAYS: i64 = 28;

/// The worklists, each a slice of the open caseload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Worklist {
    /// Open requests with no decision whether to assess yet.
    AwaitingDecision,
    /// Of those, the ones past the 6-week decision deadline.
    DecisionsOverdue,
    /// Requests being assessed (decided to assess, no outcome yet).
    Assessing,
    /// Open requests whose final plan is due in the next 4 weeks and not yet overdue.
    PlansDueSoon,
    /// Open requests past the 20-week deadline for the final plan.
    PlansOverdue,
    /// Advice requested and not received, for a request still open.
    AdviceOutstanding,
    /// Of that, advice past its 6-week deadline.
    AdviceOverdue,
    /// Active plans whose annual review is overdue (by state).
    ReviewsOverdue,
    /// Open requests whose family is owed an update under their communication promise.
    FamiliesOwedUpdate,
    /// Active plans whose child attends none of the settings the plan names as main (issue 24).
    NamedSettingNotAttended,
    /// Active plans naming a setting the child has not yet started at (issue 24).
    NamedSettingNotStarted,
}

impl Worklist {
    pub const ALL: [Worklist; 11] = [
        Worklist::AwaitingDecision,
        Worklist::DecisionsOverdue,
        Worklist::Assessing,
        Worklist::PlansDueSoon,
        Worklist::PlansOverdue,
        Worklist::AdviceOutstanding,
        Worklist::AdviceOverdue,
        Worklist::ReviewsOverdue,
        Worklist::FamiliesOwedUpdate,
        Worklist::NamedSettingNotAttended,
        Worklist::NamedSettingNotStarted,
    ];

    /// Whether an item's date is the day the wait began (the day a setting was named) rather
    /// than a statutory deadline: the law sets no day by which a child must start at the
    /// setting their plan names, so these lists say how long the child has waited, not
    /// "overdue".
    pub fn counts_a_wait(self) -> bool {
        matches!(self, Worklist::NamedSettingNotAttended | Worklist::NamedSettingNotStarted)
    }

    /// The list's name in URLs and files.
    pub fn slug(self) -> &'static str {
        match self {
            Worklist::AwaitingDecision => "awaiting-decision",
            Worklist::DecisionsOverdue => "decisions-overdue",
            Worklist::Assessing => "assessing",
            Worklist::PlansDueSoon => "plans-due-soon",
            Worklist::PlansOverdue => "plans-overdue",
            Worklist::AdviceOutstanding => "advice-outstanding",
            Worklist::AdviceOverdue => "advice-overdue",
            Worklist::ReviewsOverdue => "reviews-overdue",
            Worklist::FamiliesOwedUpdate => "families-owed-update",
            Worklist::NamedSettingNotAttended => "named-setting-not-attended",
            Worklist::NamedSettingNotStarted => "named-setting-not-started",
        }
    }

    pub fn parse(slug: &str) -> Option<Worklist> {
        Worklist::ALL.into_iter().find(|w| w.slug() == slug)
    }

    /// The list's title, in words.
    pub fn title(self) -> &'static str {
        match self {
            Worklist::AwaitingDecision => "Requests awaiting a decision whether to assess",
            Worklist::DecisionsOverdue => "Decisions whether to assess overdue (past 6 weeks)",
            Worklist::Assessing => "Assessments in progress",
            Worklist::PlansDueSoon => "Final plans due in the next 4 weeks",
            Worklist::PlansOverdue => "Final plans overdue (past 20 weeks)",
            Worklist::AdviceOutstanding => "Advice outstanding",
            Worklist::AdviceOverdue => "Advice overdue (past 6 weeks)",
            Worklist::ReviewsOverdue => "Annual reviews overdue",
            Worklist::FamiliesOwedUpdate => "Families owed an update",
            Worklist::NamedSettingNotAttended => "Plans whose child does not attend the setting named",
            Worklist::NamedSettingNotStarted => "Children named at a setting they have not yet started",
        }
    }

    /// Whose move it is: the words for who the child is waiting on.
    pub fn waiting_on(self) -> &'static str {
        match self {
            Worklist::AwaitingDecision | Worklist::DecisionsOverdue => "the local authority (decision)",
            Worklist::Assessing | Worklist::PlansDueSoon | Worklist::PlansOverdue => "the local authority (final plan)",
            Worklist::AdviceOutstanding | Worklist::AdviceOverdue => "the advice giver",
            Worklist::ReviewsOverdue => "the school or setting (meeting) or the local authority (decision, amendment)",
            Worklist::FamiliesOwedUpdate => "the local authority (an update to the family)",
            Worklist::NamedSettingNotAttended | Worklist::NamedSettingNotStarted => {
                "the local authority (securing the place the plan names) and the setting (admitting the child)"
            }
        }
    }
}

/// One piece of open work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkItem {
    pub child_id: ChildId,
    /// The record the work is about: a request, advice or plan id.
    pub record_id: String,
    /// Where it stands, in words ("awaiting decision", "educational psychology", "in amendment").
    pub stage: String,
    /// Who it is waiting on: the advice provider, when known.
    pub provider: Option<String>,
    /// The staff id of the allocated caseworker, when known.
    pub caseworker: Option<String>,
    pub due: Date,
    /// Days past the due date at the end of the date asked about; negative when it is due
    /// that many days later, 0 on the day.
    pub days_overdue: i64,
    /// For advice: its kind.
    pub advice_kind: Option<AdviceKind>,
    /// For a review: the state it is in.
    pub review_state: Option<ReviewState>,
}

impl WorkItem {
    pub fn is_overdue(&self) -> bool {
        self.days_overdue > 0
    }
}

/// Which items to keep.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkFilter {
    /// Only work allocated to this staff id.
    pub caseworker: Option<String>,
    /// Only advice of this kind.
    pub advice_kind: Option<AdviceKind>,
    /// Only advice from this provider.
    pub provider: Option<String>,
    /// Only reviews in this state.
    pub review_state: Option<ReviewState>,
}

impl WorkFilter {
    pub fn keeps(&self, item: &WorkItem) -> bool {
        self.caseworker.as_ref().is_none_or(|c| item.caseworker.as_ref() == Some(c))
            && self.advice_kind.is_none_or(|k| item.advice_kind == Some(k))
            && self.provider.as_ref().is_none_or(|p| item.provider.as_ref() == Some(p))
            && self.review_state.is_none_or(|s| item.review_state == Some(s))
    }
}

/// The caseworker of each child's casework: the caseworker of the plan's request, or else of
/// the child's latest request that has one.
struct Allocation<'a> {
    by_request: HashMap<&'a str, &'a str>,
    by_child: HashMap<&'a str, (Date, &'a str)>,
}

impl<'a> Allocation<'a> {
    fn new(cw: &'a Casework) -> Allocation<'a> {
        let mut by_request = HashMap::new();
        let mut by_child: HashMap<&str, (Date, &str)> = HashMap::new();
        for r in &cw.requests {
            let Some(c) = r.caseworker.as_deref() else { continue };
            by_request.insert(r.request_id.as_str(), c);
            let latest = by_child.entry(r.child_id.as_str()).or_insert((r.received_on, c));
            if r.received_on >= latest.0 {
                *latest = (r.received_on, c);
            }
        }
        Allocation { by_request, by_child }
    }

    fn of(&self, request_id: Option<&str>, child_id: &str) -> Option<String> {
        request_id
            .and_then(|r| self.by_request.get(r).copied())
            .or_else(|| self.by_child.get(child_id).map(|(_, c)| *c))
            .map(str::to_string)
    }
}

/// Every worklist at the end of a date, unfiltered: computed once, then filtered per page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Worklists {
    lists: Vec<(Worklist, Vec<Arc<WorkItem>>)>,
}

/// The order of every worklist: most overdue first, then by record id.
fn most_overdue_first(a: &WorkItem, b: &WorkItem) -> std::cmp::Ordering {
    b.days_overdue.cmp(&a.days_overdue).then_with(|| a.record_id.cmp(&b.record_id))
}

impl Worklists {
    /// The items of `list` that `filter` keeps, most overdue first.
    pub fn items<'a>(&'a self, list: Worklist, filter: &'a WorkFilter) -> impl Iterator<Item = &'a WorkItem> + 'a {
        self.lists
            .iter()
            .filter(move |(l, _)| *l == list)
            .flat_map(|(_, items)| items.iter().map(Arc::as_ref))
            .filter(|i| filter.keeps(i))
    }

    /// The worklists at `date` after a change to the records of `children`: their items
    /// replaced by those of `own`, which holds those children's records (all of them, as
    /// [`crate::timeline::ChildIndex::own`] gives them), every other item kept. What a save
    /// costs, instead of the whole caseload's worklists computed again.
    pub fn with_children(&self, children: &[String], own: &Casework, date: Date) -> Worklists {
        let fresh = worklists(own, date);
        let lists = self
            .lists
            .iter()
            .zip(fresh.lists)
            .map(|((list, items), (_, new))| {
                let mut kept: Vec<Arc<WorkItem>> =
                    items.iter().filter(|i| !children.iter().any(|c| i.child_id == *c)).cloned().collect();
                for item in new {
                    let at = kept.partition_point(|k| most_overdue_first(k, &item).is_lt());
                    kept.insert(at, item);
                }
                (*list, kept)
            })
            .collect();
        Worklists { lists }
    }

    /// Today's counts for the work `filter` keeps.
    pub fn today(&self, filter: &WorkFilter) -> Today {
        let advice_by_kind = AdviceKind::ALL
            .iter()
            .map(|&k| {
                let count = |list| self.items(list, filter).filter(|i| i.advice_kind == Some(k)).count();
                (k, count(Worklist::AdviceOutstanding), count(Worklist::AdviceOverdue))
            })
            .collect();
        let mut providers: HashMap<Option<String>, usize> = HashMap::new();
        for item in self.items(Worklist::AdviceOverdue, filter) {
            *providers.entry(item.provider.clone()).or_default() += 1;
        }
        let mut advice_overdue_by_provider: Vec<_> = providers.into_iter().collect();
        advice_overdue_by_provider
            .sort_by(|a, b| a.0.is_none().cmp(&b.0.is_none()).then(b.1.cmp(&a.1)).then_with(|| a.0.cmp(&b.0)));
        let reviews_overdue_by_state = ReviewState::ALL
            .iter()
            .map(|&s| (s, self.items(Worklist::ReviewsOverdue, filter).filter(|i| i.review_state == Some(s)).count()))
            .collect();
        Today {
            counts: Worklist::ALL.iter().map(|&l| (l, self.items(l, filter).count())).collect(),
            advice_by_kind,
            advice_overdue_by_provider,
            reviews_overdue_by_state,
        }
    }
}

/// Every worklist at the end of `date`.
pub fn worklists(cw: &Casework, date: Date) -> Worklists {
    let index = CaseIndex::new(cw);
    let allocation = Allocation::new(cw);
    let mut lists: Vec<(Worklist, Vec<Arc<WorkItem>>)> = Worklist::ALL.iter().map(|&l| (l, Vec::new())).collect();
    let mut push = |list: Worklist, item: WorkItem| {
        if let Some((_, items)) = lists.iter_mut().find(|(l, _)| *l == list) {
            items.push(Arc::new(item));
        }
    };
    let updates = crate::informed::family_updates(cw);
    let promises = crate::informed::Promises::of(cw);
    for r in &cw.requests {
        let RequestStatus::Open { stage, deadline, .. } = request_status(r, date) else { continue };
        // The family's next update under their promise (issue 18).
        let given = updates.get(r.child_id.as_str()).map_or(&[][..], Vec::as_slice);
        let (last, update_due) =
            crate::informed::next_update_due(given, r.received_on, promises.for_child(&r.child_id), date);
        if date > update_due {
            push(
                Worklist::FamiliesOwedUpdate,
                WorkItem {
                    child_id: r.child_id.clone(),
                    record_id: r.request_id.to_string(),
                    stage: format!("last update {}", crate::dates::in_words(last)),
                    provider: None,
                    caseworker: r.caseworker.as_deref().map(str::to_string),
                    due: update_due,
                    days_overdue: days_between(update_due, date),
                    advice_kind: None,
                    review_state: None,
                },
            );
        }
        let plan_due = final_plan_due(r.received_on);
        let plan_days = days_between(plan_due, date);
        let item = |due: Date, days: i64| WorkItem {
            child_id: r.child_id.clone(),
            record_id: r.request_id.to_string(),
            stage: stage.code().replace('_', " "),
            provider: None,
            caseworker: r.caseworker.as_deref().map(str::to_string),
            due,
            days_overdue: days,
            advice_kind: None,
            review_state: None,
        };
        match stage {
            RequestStage::AwaitingDecision => {
                push(Worklist::AwaitingDecision, item(deadline.due, days_between(deadline.due, date)));
                if deadline.is_overdue() {
                    push(Worklist::DecisionsOverdue, item(deadline.due, deadline.days_overdue));
                }
            }
            RequestStage::Assessing => push(Worklist::Assessing, item(plan_due, plan_days)),
        }
        if (-PLANS_DUE_WITHIN_DAYS..=0).contains(&plan_days) {
            push(Worklist::PlansDueSoon, item(plan_due, plan_days));
        }
        if plan_days > 0 {
            push(Worklist::PlansOverdue, item(plan_due, plan_days));
        }
    }
    for a in &cw.advice {
        let Some(request) = index.requests.get(a.request_id.as_str()) else { continue };
        let AdviceStatus::Outstanding(deadline) = advice_status(a, request, date) else { continue };
        let item = WorkItem {
            child_id: request.child_id.clone(),
            record_id: a.advice_id.to_string(),
            stage: a.kind.code().replace('_', " "),
            provider: a.provider.clone(),
            caseworker: request.caseworker.as_deref().map(str::to_string),
            due: deadline.due,
            days_overdue: days_between(deadline.due, date),
            advice_kind: Some(a.kind),
            review_state: None,
        };
        if deadline.is_overdue() {
            push(Worklist::AdviceOverdue, item.clone());
        }
        push(Worklist::AdviceOutstanding, item);
    }
    for p in &cw.plans {
        let Some(status) = plan_review_status(p, index.reviews_of(&p.plan_id), date) else { continue };
        if !status.deadline.is_overdue() {
            continue;
        }
        push(
            Worklist::ReviewsOverdue,
            WorkItem {
                child_id: p.child_id.clone(),
                record_id: p.plan_id.to_string(),
                stage: status.state.code().replace('_', " "),
                provider: None,
                // The plan's own holder first (issue 17), else its request's caseworker.
                caseworker: p
                    .caseworker
                    .as_deref()
                    .map(str::to_string)
                    .or_else(|| allocation.of(p.request_id.as_deref(), &p.child_id)),
                due: status.deadline.due,
                days_overdue: status.deadline.days_overdue,
                advice_kind: None,
                review_state: Some(status.state),
            },
        );
    }
    named_settings(cw, date, &allocation, &mut push);
    for (_, items) in &mut lists {
        items.sort_by(|a, b| most_overdue_first(a, b));
    }
    Worklists { lists }
}

/// The named-setting lists (issue 24): for each plan active at `date` that names a setting,
/// whether the child attends it and whether they have started there. Due is the day the
/// setting was named: from then the authority must secure the place.
fn named_settings(cw: &Casework, date: Date, allocation: &Allocation, push: &mut impl FnMut(Worklist, WorkItem)) {
    if cw.plan_settings.is_empty() {
        return;
    }
    let mut named: HashMap<&str, Vec<&crate::records::PlanSetting>> = HashMap::new();
    for n in &cw.plan_settings {
        named.entry(n.plan_id.as_str()).or_default().push(n);
    }
    let mut placements: HashMap<&str, Vec<&crate::records::Placement>> = HashMap::new();
    for p in &cw.placements {
        placements.entry(p.child_id.as_str()).or_default().push(p);
    }
    for p in cw.plans.iter().filter(|p| p.is_active_at(date)) {
        let Some(named) = named.get(p.plan_id.as_str()) else { continue };
        let attends = placements.get(p.child_id.as_str()).map_or(&[][..], Vec::as_slice);
        let item = |n: &crate::records::PlanSetting, stage: String| WorkItem {
            child_id: p.child_id.clone(),
            record_id: p.plan_id.to_string(),
            stage,
            provider: None,
            caseworker: p
                .caseworker
                .as_deref()
                .map(str::to_string)
                .or_else(|| allocation.of(p.request_id.as_deref(), &p.child_id)),
            due: n.named_on,
            days_overdue: days_between(n.named_on, date),
            advice_kind: None,
            review_state: None,
        };
        if let Some(n) = crate::named::not_attended(named, attends, date) {
            let now = attends.iter().filter(|a| a.is_active_at(date) && a.is_main()).map(|a| match &a.urn {
                Some(urn) => format!("URN {urn}"),
                None => a.setting.label().to_string(),
            });
            let now: Vec<String> = now.collect();
            let stage = match now.as_slice() {
                [] => format!("named {}; attends no setting", n.describe()),
                _ => format!("named {}; attends {}", n.describe(), now.join(", ")),
            };
            push(Worklist::NamedSettingNotAttended, item(n, stage));
        }
        if let Some(n) = crate::named::not_started(named, attends, date) {
            let stage = match crate::named::starts_later(n, attends, date) {
                Some(later) => format!("named {}; starts {}", n.describe(), later.started_on),
                None => format!("named {}; no start date", n.describe()),
            };
            push(Worklist::NamedSettingNotStarted, item(n, stage));
        }
    }
}

/// The staff ids of every caseworker with a request allocated, sorted.
pub fn caseworkers(cw: &Casework) -> Vec<String> {
    let mut ids: Vec<String> = cw.requests.iter().filter_map(|r| r.caseworker.as_deref().map(str::to_string)).collect();
    ids.sort();
    ids.dedup();
    ids
}

/// The counts on the Today page: every worklist's length, and the breakdowns Today shows
/// (advice by kind and by provider, reviews by state), for the work `filter` keeps.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Today {
    pub counts: Vec<(Worklist, usize)>,
    /// Outstanding and overdue advice by kind, in code-list order.
    pub advice_by_kind: Vec<(AdviceKind, usize, usize)>,
    /// Overdue advice by provider, most first (unknown provider last).
    pub advice_overdue_by_provider: Vec<(Option<String>, usize)>,
    /// Overdue reviews by state, in [`ReviewState::ALL`] order.
    pub reviews_overdue_by_state: Vec<(ReviewState, usize)>,
}

impl Today {
    pub fn count(&self, list: Worklist) -> usize {
        self.counts.iter().find(|(l, _)| *l == list).map_or(0, |(_, n)| *n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The items of `list` at the end of `date` that `filter` keeps, most overdue first.
    fn worklist(cw: &Casework, list: Worklist, date: Date, filter: &WorkFilter) -> Vec<WorkItem> {
        worklists(cw, date).items(list, filter).cloned().collect()
    }

    /// Today's counts at the end of `date` for the work `filter` keeps.
    fn today(cw: &Casework, date: Date, filter: &WorkFilter) -> Today {
        worklists(cw, date).today(filter)
    }
    use crate::codes::*;
    use crate::records::*;
    use jiff::civil::date;

    fn request(id: &str, child: &str, received: Date, caseworker: &str) -> Request {
        Request {
            source: Some(RequestSource::Parent),
            caseworker: Some(caseworker.into()),
            ..crate::testing::request(id, child, received)
        }
    }

    fn advice(id: &str, request: &str, kind: AdviceKind, provider: &str, requested: Date) -> Advice {
        Advice { provider: Some(provider.into()), ..crate::testing::advice(id, request, kind, requested) }
    }

    const TODAY: Date = date(2026, 11, 30);

    fn caseload() -> Casework {
        let mut assessing = request("R2", "C2", date(2026, 7, 20), "cw002");
        assessing.decision = Some(Dated::new(AssessmentDecision::Assess, date(2026, 8, 20)));
        let mut due_soon = request("R3", "C3", date(2026, 7, 27), "cw001");
        due_soon.decision = Some(Dated::new(AssessmentDecision::Assess, date(2026, 9, 1)));
        let mut refused = request("R4", "C4", date(2026, 9, 1), "cw001");
        refused.decision = Some(Dated::new(AssessmentDecision::Refuse, date(2026, 10, 1)));
        Casework {
            requests: imbl::vector![
                // Received 2026-10-01: decision due 2026-11-12, 18 days overdue on 2026-11-30.
                request("R1", "C1", date(2026, 10, 1), "cw001"),
                // Received 2026-11-20: decision due 2027-01-01.
                request("R5", "C5", date(2026, 11, 20), "cw002"),
                assessing,
                due_soon,
                refused,
            ],
            advice: imbl::vector![
                advice("A1", "R2", AdviceKind::EducationalPsychology, "EP team", date(2026, 9, 1)),
                advice("A2", "R2", AdviceKind::Health, "NHS Trust", date(2026, 11, 1)),
                // For a refused request: nobody waits for it.
                advice("A3", "R4", AdviceKind::Health, "NHS Trust", date(2026, 9, 2)),
            ],
            ..Casework::default()
        }
    }

    #[test]
    fn decisions_are_due_6_weeks_after_the_request_and_listed_most_overdue_first() {
        let cw = caseload();
        let awaiting = worklist(&cw, Worklist::AwaitingDecision, TODAY, &WorkFilter::default());
        assert_eq!(awaiting.iter().map(|i| i.record_id.as_str()).collect::<Vec<_>>(), ["R1", "R5"]);
        assert_eq!((awaiting[0].due, awaiting[0].days_overdue), (date(2026, 11, 12), 18));
        assert_eq!((awaiting[1].due, awaiting[1].days_overdue), (date(2027, 1, 1), -32));
        let overdue = worklist(&cw, Worklist::DecisionsOverdue, TODAY, &WorkFilter::default());
        assert_eq!(overdue.len(), 1);
        assert!(overdue[0].is_overdue());
    }

    #[test]
    fn final_plans_are_due_20_weeks_after_the_request() {
        let cw = caseload();
        // R2: received 2026-07-20, plan due 2026-12-07: due in 7 days. R3: due 2026-12-14.
        let soon = worklist(&cw, Worklist::PlansDueSoon, TODAY, &WorkFilter::default());
        assert_eq!(
            soon.iter().map(|i| (i.record_id.as_str(), i.days_overdue)).collect::<Vec<_>>(),
            [("R2", -7), ("R3", -14)]
        );
        assert!(worklist(&cw, Worklist::PlansOverdue, TODAY, &WorkFilter::default()).is_empty());
        // A week after R2's due date it is overdue by 1 day... and R1 is not yet past 20 weeks.
        let later = worklist(&cw, Worklist::PlansOverdue, date(2026, 12, 8), &WorkFilter::default());
        assert_eq!(later.iter().map(|i| (i.record_id.as_str(), i.days_overdue)).collect::<Vec<_>>(), [("R2", 1)]);
    }

    #[test]
    fn advice_is_listed_only_while_someone_waits_for_it() {
        let cw = caseload();
        let outstanding = worklist(&cw, Worklist::AdviceOutstanding, TODAY, &WorkFilter::default());
        assert_eq!(outstanding.iter().map(|i| i.record_id.as_str()).collect::<Vec<_>>(), ["A1", "A2"]);
        let overdue = worklist(&cw, Worklist::AdviceOverdue, TODAY, &WorkFilter::default());
        assert_eq!(overdue.len(), 1);
        assert_eq!((overdue[0].due, overdue[0].days_overdue), (date(2026, 10, 13), 48));
        assert_eq!(overdue[0].caseworker.as_deref(), Some("cw002"), "advice is allocated through its request");
        let health = WorkFilter { advice_kind: Some(AdviceKind::Health), ..WorkFilter::default() };
        assert_eq!(worklist(&cw, Worklist::AdviceOutstanding, TODAY, &health).len(), 1);
        let ep = WorkFilter { provider: Some("EP team".into()), ..WorkFilter::default() };
        assert_eq!(worklist(&cw, Worklist::AdviceOverdue, TODAY, &ep).len(), 1);
    }

    #[test]
    fn a_caseworker_sees_only_their_own_cases_and_today_counts_are_the_list_lengths() {
        let cw = caseload();
        let mine = WorkFilter { caseworker: Some("cw001".into()), ..WorkFilter::default() };
        let t = today(&cw, TODAY, &mine);
        assert_eq!(t.count(Worklist::AwaitingDecision), 1);
        assert_eq!(t.count(Worklist::PlansDueSoon), 1);
        assert_eq!(t.count(Worklist::AdviceOutstanding), 0);
        let all = today(&cw, TODAY, &WorkFilter::default());
        for list in Worklist::ALL {
            assert_eq!(all.count(list), worklist(&cw, list, TODAY, &WorkFilter::default()).len());
        }
        assert_eq!(all.advice_overdue_by_provider, vec![(Some("EP team".to_string()), 1)]);
        assert_eq!(
            all.advice_by_kind.iter().map(|(_, o, d)| (o, d)).fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1)),
            (2, 1)
        );
        assert_eq!(caseworkers(&cw), ["cw001", "cw002"]);
    }

    #[test]
    fn overdue_reviews_are_listed_by_state_with_the_caseworker_of_the_plans_request() {
        let mut cw = caseload();
        cw.plans
            .push_back(Plan { request_id: Some("R2".into()), ..crate::testing::plan("P1", "C2", date(2025, 6, 1)) });
        let overdue = worklist(&cw, Worklist::ReviewsOverdue, TODAY, &WorkFilter::default());
        assert_eq!(overdue.len(), 1);
        assert_eq!(overdue[0].stage, "awaiting meeting");
        assert_eq!(overdue[0].caseworker.as_deref(), Some("cw002"));
        assert_eq!(overdue[0].due, date(2026, 5, 31));
        let in_amendment = WorkFilter { review_state: Some(ReviewState::InAmendment), ..WorkFilter::default() };
        assert!(worklist(&cw, Worklist::ReviewsOverdue, TODAY, &in_amendment).is_empty());
        assert_eq!(Worklist::parse("reviews-overdue"), Some(Worklist::ReviewsOverdue));
        assert_eq!(Worklist::parse("nonsense"), None);
    }
}
