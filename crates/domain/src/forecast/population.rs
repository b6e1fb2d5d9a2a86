//! The plan population, month by month: every plan in force at the origin ages with its holder,
//! ceases at the rate plans of that age ceased in the two years before (with the months they
//! usually cease in), and stops at the age limit; new plans join with the ages, needs and
//! settings of the plans issued in the year before. In the manner of Mastodon C's witan.send,
//! but monthly and with the holder's exact date of birth.

use crate::clock::review_due;
use crate::codes::{Need, Setting};
use crate::dates::{Month, add_days, age_on, anniversary_in, school_year_index};
use crate::measures::engine::age_band;
use crate::measures::state::PlanInForce;
use jiff::civil::Date;

/// Ages 0 to 30 in whole years; anyone older is counted at 30.
pub const AGES: usize = 31;

/// When a plan stops because its holder is no longer a young person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AgeLimit {
    /// At the end of the academic year (to 31 July) in which the young person turns 25, never
    /// past the day before their 26th birthday: the most an authority may maintain a plan
    /// (Children and Families Act 2014 s.46; SEND Regulations 2014 reg. 46).
    #[default]
    EndOfAcademicYear,
    /// On the 25th birthday, when the holder is no longer a young person (s.83(2)).
    Birthday,
}

impl AgeLimit {
    pub fn code(self) -> &'static str {
        match self {
            AgeLimit::EndOfAcademicYear => "end_of_academic_year",
            AgeLimit::Birthday => "birthday",
        }
    }

    pub fn parse(text: &str) -> Option<AgeLimit> {
        [AgeLimit::EndOfAcademicYear, AgeLimit::Birthday].into_iter().find(|a| a.code() == text)
    }
}

/// The last day a plan of someone born `born` can be in force under `limit`.
pub fn last_day_in_force(born: Date, limit: AgeLimit) -> Date {
    let birthday_25 = anniversary_in(born, born.year() + 25);
    match limit {
        AgeLimit::Birthday => add_days(birthday_25, -1),
        AgeLimit::EndOfAcademicYear => {
            let year = if birthday_25.month() <= 7 { birthday_25.year() } else { birthday_25.year() + 1 };
            let end_of_year = Date::new(year, 7, 31).unwrap_or(birthday_25);
            end_of_year.min(add_days(anniversary_in(born, born.year() + 26), -1))
        }
    }
}

/// How often plans cease: a monthly rate for each age, and the months plans cease in.
#[derive(Debug, Clone, PartialEq)]
pub struct CeaseRates {
    pub by_age: [f64; AGES],
    /// For each calendar month (January first), its rate as a multiple of the yearly mean.
    pub season: [f64; 12],
}

/// Plan-months at risk added to each age's own count, at the rate for all ages: an age with
/// few plans takes the overall rate rather than its own noise.
const SHRINK: f64 = 120.0;

impl CeaseRates {
    /// Estimates the rates from the months of `months`: `active[k]` counts the plans in force
    /// at the end of month k by age, `ceased[k]` those ceased in it by age.
    pub fn estimate(months: &[Month], active: &[[f64; AGES]], ceased: &[[f64; AGES]]) -> CeaseRates {
        let mut exposure = [0.0; AGES];
        let mut events = [0.0; AGES];
        let mut by_month = [0.0; 12];
        let mut months_of = [0.0; 12];
        for (k, month) in months.iter().enumerate() {
            let c = (month.month() - 1) as usize;
            for a in 0..AGES {
                exposure[a] += active[k][a];
                events[a] += ceased[k][a];
            }
            by_month[c] += ceased[k].iter().sum::<f64>();
            months_of[c] += 1.0;
        }
        let total_exposure: f64 = exposure.iter().sum();
        let total_events: f64 = events.iter().sum();
        let overall = if total_exposure > 0.0 { total_events / total_exposure } else { 0.0 };
        let mut by_age = [0.0; AGES];
        for a in 0..AGES {
            by_age[a] = (events[a] + SHRINK * overall) / (exposure[a] + SHRINK);
        }
        let mean_per_month = if months.is_empty() { 0.0 } else { total_events / months.len() as f64 };
        let mut season = [1.0; 12];
        if mean_per_month > 0.0 {
            for c in 0..12 {
                if months_of[c] > 0.0 {
                    let ratio = by_month[c] / months_of[c] / mean_per_month;
                    season[c] = (ratio * months_of[c] + 1.0) / (months_of[c] + 1.0);
                }
            }
            let mean = season.iter().sum::<f64>() / 12.0;
            season.iter_mut().for_each(|s| *s /= mean);
        }
        CeaseRates { by_age, season }
    }

    /// No plan ceases except at the age limit.
    pub fn none() -> CeaseRates {
        CeaseRates { by_age: [0.0; AGES], season: [1.0; 12] }
    }
}

/// How plans move between settings at the start of a school year, in the manner of
/// witan.send's transitions: for each national curriculum year being left (an index of
/// [`crate::dates::SCHOOL_YEARS`]) and setting, the shares of plans in each setting after the
/// summer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SettingMoves {
    by: Moves,
}

/// Year and setting before, to the settings after with their shares (or counts).
type Moves = std::collections::HashMap<(u8, Option<Setting>), Vec<(Option<Setting>, f64)>>;

/// Plans seen in a year and setting before a row of moves is used; fewer stay where they are.
const MOVES_NEEDED: f64 = 5.0;

impl SettingMoves {
    /// The moves seen between `before` (plans in force at the end of a July) and `after` (the
    /// same plans at the end of the October after), matched by plan.
    pub fn seen(before: &[PlanInForce], after: &[PlanInForce], july: Date) -> SettingMoves {
        let later: std::collections::HashMap<u32, Option<Setting>> =
            after.iter().map(|p| (p.index, p.setting)).collect();
        let mut counts: Moves = Default::default();
        for p in before {
            let (Some(born), Some(to)) = (p.born, later.get(&p.index)) else { continue };
            let row = counts.entry((school_year_index(born, july), p.setting)).or_default();
            match row.iter_mut().find(|(s, _)| s == to) {
                Some((_, n)) => *n += 1.0,
                None => row.push((*to, 1.0)),
            }
        }
        counts.retain(|_, row| row.iter().map(|(_, n)| n).sum::<f64>() >= MOVES_NEEDED);
        for row in counts.values_mut() {
            let total: f64 = row.iter().map(|(_, n)| n).sum();
            row.iter_mut().for_each(|(_, n)| *n /= total);
            row.sort_by(|a, b| b.1.total_cmp(&a.1));
        }
        SettingMoves { by: counts }
    }

    /// The shares moving to each setting from `setting` in school year `year`, largest first;
    /// `None` where too few were seen.
    fn row(&self, year: u8, setting: Option<Setting>) -> Option<&[(Option<Setting>, f64)]> {
        self.by.get(&(year, setting)).map(Vec::as_slice)
    }
}

/// A kind of new plan: its holder's age at issue, need and setting, and its share of the plans
/// issued.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NewPlan {
    pub age_in_days: i64,
    pub need: Option<Need>,
    pub setting: Option<Setting>,
    pub share: f64,
}

/// The mix of new plans: the plans in force at `end` issued in the year before it, by age at
/// issue in whole years (taken at mid-year), need and setting.
pub fn new_plan_mix(plans: &[PlanInForce], end: Date) -> Vec<NewPlan> {
    let since = add_days(end, -365);
    let mut groups: std::collections::BTreeMap<(i32, Option<Need>, Option<Setting>), f64> = Default::default();
    for p in plans.iter().filter(|p| p.issued_on > since) {
        let age = p.born.map_or(-1, |b| age_on(b, p.issued_on));
        *groups.entry((age, p.need, p.setting)).or_insert(0.0) += 1.0;
    }
    let total: f64 = groups.values().sum();
    groups
        .into_iter()
        .map(|((age, need, setting), n)| NewPlan {
            age_in_days: if age < 0 { -1 } else { (f64::from(age) * 365.25 + 182.0) as i64 },
            need,
            setting,
            share: n / total,
        })
        .collect()
}

/// One group of plans followed through the months.
#[derive(Debug, Clone, Copy)]
struct Cohort {
    born: Option<Date>,
    last_day: Option<Date>,
    need: Option<Need>,
    setting: Option<Setting>,
    weight: f64,
    next_review: Date,
}

/// What tells one cohort from another: all but its weight.
type CohortKey = (Option<Date>, Option<Date>, Option<Need>, Option<Setting>, Date);

impl Cohort {
    fn key(&self) -> CohortKey {
        (self.born, self.last_day, self.need, self.setting, self.next_review)
    }
}

/// The dimensions the population is broken down by, with their keys as the measures name them.
pub const DIMENSIONS: [&str; 4] = ["age_band", "primary_need", "setting", "phase"];

/// The population through the forecast months.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Path {
    /// Plans in force at each month end.
    pub active: Vec<f64>,
    /// Plans ceased in each month (at the age limit or otherwise).
    pub ceased: Vec<f64>,
    /// Annual reviews falling due in each month.
    pub reviews_due: Vec<f64>,
    /// When asked for: at each month end, the plans by each of [`DIMENSIONS`] and key.
    pub breakdown: Vec<std::collections::BTreeMap<(usize, &'static str), f64>>,
}

/// How far ahead of their due month review meetings are held: `[0]` the share held in the
/// month they fall due (or later), `[j]` the share held `j` months early (the last, 3 or more).
pub type Timing = [f64; 4];

/// Every review held in the month it falls due.
pub const ON_TIME: Timing = [1.0, 0.0, 0.0, 0.0];

/// What the population model is given.
pub struct Start<'s> {
    /// The plans in force at the end of `origin`.
    pub plans: &'s [PlanInForce],
    pub origin: Month,
    pub rates: &'s CeaseRates,
    pub mix: &'s [NewPlan],
    pub limit: AgeLimit,
    pub timing: Timing,
    pub moves: &'s SettingMoves,
}

/// Months from `origin` to the month of `date` (1 for the month after).
fn months_after(origin: Month, date: Date) -> i32 {
    let m = Month::containing(date);
    (i32::from(m.year()) - i32::from(origin.year())) * 12 + i32::from(m.month()) - i32::from(origin.month())
}

/// The day a plan's next annual review meeting is due: 12 months from its last meeting, or
/// from its issue.
pub fn next_review_due(p: &PlanInForce) -> Date {
    review_due(p.last_meeting.unwrap_or(p.issued_on))
}

/// The next review due after `end` of a plan: [`next_review_due`], and then every 12 months
/// (an overdue review is taken as held on its due day).
fn next_review_after(p: &PlanInForce, end: Date) -> Date {
    let mut due = next_review_due(p);
    while due <= end {
        due = review_due(add_days(due, 1));
    }
    due
}

/// Projects the population over the months after `start.origin`, with `issued[k]` new plans
/// in the k-th month.
pub fn project(start: &Start<'_>, issued: &[f64], breakdowns: bool) -> Path {
    let origin_end = start.origin.last_day();
    let mut cohorts: Vec<Cohort> = start
        .plans
        .iter()
        .map(|p| Cohort {
            born: p.born,
            last_day: p.born.map(|b| last_day_in_force(b, start.limit)),
            need: p.need,
            setting: p.setting,
            weight: 1.0,
            next_review: next_review_after(p, origin_end),
        })
        .collect();
    let mut path = Path::default();
    for (k, &new) in issued.iter().enumerate() {
        let month = start.origin.plus(k as i32 + 1);
        let (first, end) = (month.first_day(), month.last_day());
        let season = start.rates.season[(month.month() - 1) as usize];
        let t = k as i32 + 1;
        let mut ceased = 0.0;
        if path.reviews_due.len() < issued.len() {
            path.reviews_due.resize(issued.len(), 0.0);
        }
        for c in cohorts.iter_mut().filter(|c| c.weight > 0.0) {
            if c.last_day.is_some_and(|last| last < end) {
                ceased += c.weight;
                c.weight = 0.0;
                continue;
            }
            let age = c.born.map_or(AGES - 1, |b| (age_on(b, end).max(0) as usize).min(AGES - 1));
            let leaving = c.weight * (start.rates.by_age[age] * season).min(1.0);
            c.weight -= leaving;
            ceased += leaving;
            // A review cycle is placed when its due month is at most 3 months off: spread over
            // the months its meeting may be held in, from this month on.
            loop {
                let due = months_after(start.origin, c.next_review);
                if due > t + 3 {
                    break;
                }
                let early = |j: usize| due - j as i32 >= t;
                let norm: f64 = (0..4).filter(|&j| early(j)).map(|j| start.timing[j]).sum();
                for j in (0..4).filter(|&j| early(j)) {
                    let share = if norm > 0.0 { start.timing[j] / norm } else { f64::from(u8::from(j == 0)) };
                    if let Some(slot) = path.reviews_due.get_mut((due - j as i32 - 1) as usize) {
                        *slot += c.weight * share;
                    }
                }
                c.next_review = review_due(add_days(c.next_review, 1));
            }
        }
        let issued_on = add_days(first, 14);
        for kind in start.mix {
            let born = (kind.age_in_days >= 0).then(|| add_days(issued_on, -kind.age_in_days));
            cohorts.push(Cohort {
                born,
                last_day: born.map(|b| last_day_in_force(b, start.limit)),
                need: kind.need,
                setting: kind.setting,
                weight: new * kind.share,
                next_review: review_due(issued_on),
            });
        }
        if month.month() == 9 {
            move_settings(&mut cohorts, start.moves, month);
        }
        cohorts.retain(|c| c.weight > 1e-9);
        path.active.push(cohorts.iter().map(|c| c.weight).sum());
        path.ceased.push(ceased);
        if breakdowns {
            let mut counts = std::collections::BTreeMap::new();
            for c in &cohorts {
                let (band, phase) = match c.born {
                    Some(b) => (
                        age_band(age_on(b, end)),
                        crate::dates::SCHOOL_YEARS[usize::from(school_year_index(b, end))][2],
                    ),
                    None => ("unknown", "unknown"),
                };
                let keys =
                    [band, c.need.map_or("unknown", Need::code), c.setting.map_or("unknown", Setting::code), phase];
                for (d, key) in keys.into_iter().enumerate() {
                    *counts.entry((d, key)).or_insert(0.0) += c.weight;
                }
            }
            path.breakdown.push(counts);
        }
    }
    path
}

/// At the start of a school year (September), each cohort moves between settings as plans of
/// its year and setting moved last summer: it keeps the largest share and the rest become new
/// cohorts.
fn move_settings(cohorts: &mut Vec<Cohort>, moves: &SettingMoves, september: Month) {
    let Ok(last_august) = Date::new(september.year(), 8, 31) else { return };
    let mut moved = Vec::new();
    for c in cohorts.iter_mut().filter(|c| c.weight > 0.0) {
        let Some(born) = c.born else { continue };
        let Some(row) = moves.row(school_year_index(born, last_august), c.setting) else { continue };
        let weight = c.weight;
        for (k, (setting, share)) in row.iter().enumerate() {
            if k == 0 {
                c.setting = *setting;
                c.weight = weight * share;
            } else {
                moved.push(Cohort { setting: *setting, weight: weight * share, ..*c });
            }
        }
    }
    cohorts.extend(moved);
    // Cohorts alike in everything but weight are one: without this, each September's moves
    // would multiply them.
    let mut seen: std::collections::HashMap<CohortKey, usize> = std::collections::HashMap::with_capacity(cohorts.len());
    let mut merged: Vec<Cohort> = Vec::with_capacity(cohorts.len());
    for c in cohorts.drain(..).filter(|c| c.weight > 1e-9) {
        match seen.entry(c.key()) {
            std::collections::hash_map::Entry::Occupied(at) => merged[*at.get()].weight += c.weight,
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(merged.len());
                merged.push(c);
            }
        }
    }
    *cohorts = merged;
}

/// Days from `from` to `to`, for tests reading the model's dates.
#[cfg(test)]
fn days(from: Date, to: Date) -> i64 {
    crate::dates::days_between(from, to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ReviewState;
    use jiff::civil::date;

    static NO_MOVES: std::sync::LazyLock<SettingMoves> = std::sync::LazyLock::new(SettingMoves::default);

    /// The population of `plans` from `origin`: no new plans, the 25th birthday as the limit,
    /// reviews held in the month they fall due, nobody moving setting.
    fn start<'s>(plans: &'s [PlanInForce], origin: Month, rates: &'s CeaseRates) -> Start<'s> {
        Start { plans, origin, rates, mix: &[], limit: AgeLimit::Birthday, timing: ON_TIME, moves: &NO_MOVES }
    }

    fn plan(born: Date, issued_on: Date) -> PlanInForce {
        PlanInForce {
            index: 0,
            born: Some(born),
            need: None,
            setting: None,
            issued_on,
            review_state: ReviewState::AwaitingMeeting,
            review_step_due: review_due(issued_on),
            last_meeting: None,
        }
    }

    #[test]
    fn the_age_limit_falls_on_the_right_day() {
        // Turning 25 on 15 March 2027: a young person until 14 March; a plan may be kept to 31 July.
        let born = date(2002, 3, 15);
        assert_eq!(last_day_in_force(born, AgeLimit::Birthday), date(2027, 3, 14));
        assert_eq!(last_day_in_force(born, AgeLimit::EndOfAcademicYear), date(2027, 7, 31));
        // Turning 25 on 1 August: the academic year it falls in ends the next 31 July, the day
        // before the 26th birthday.
        assert_eq!(last_day_in_force(date(2002, 8, 1), AgeLimit::EndOfAcademicYear), date(2028, 7, 31));
        // Born on 29 February: 25 on 1 March 2029 (no 29 February that year).
        assert_eq!(last_day_in_force(date(2004, 2, 29), AgeLimit::Birthday), date(2029, 2, 28));
        assert_eq!(days(date(2027, 3, 14), date(2027, 7, 31)), 139);
    }

    #[test]
    fn a_cohort_ages_out_at_25_in_the_month_the_limit_falls() {
        // 40 plans of young people born 15 March 2002, no other ceasing, no new plans.
        let plans: Vec<PlanInForce> = (0..40).map(|_| plan(date(2002, 3, 15), date(2020, 1, 10))).collect();
        let origin = Month::new(2026, 12).expect("month");
        let rates = CeaseRates::none();
        for (limit, last_month_in_force) in [(AgeLimit::EndOfAcademicYear, 7), (AgeLimit::Birthday, 2)] {
            let start = Start { limit, ..start(&plans, origin, &rates) };
            let path = project(&start, &[0.0; 12], false);
            // Month k is January 2027 + k.
            for k in 0..12 {
                let expected = if k < last_month_in_force { 40.0 } else { 0.0 };
                assert_eq!(path.active[k], expected, "{limit:?}, month {}", k + 1);
            }
            assert_eq!(path.ceased[last_month_in_force], 40.0);
        }
    }

    #[test]
    fn reviews_fall_due_12_months_after_issue_and_then_every_12_months() {
        let plans = [plan(date(2015, 6, 1), date(2026, 3, 10))];
        let origin = Month::new(2026, 12).expect("month");
        let rates = CeaseRates::none();
        let start = start(&plans, origin, &rates);
        let path = project(&start, &[0.0; 24], false);
        // Due 9 March 2027, then 8 March 2028 (the end of the 12 months starting 10 March 2027).
        let due: Vec<usize> = (0..24).filter(|&k| path.reviews_due[k] > 0.0).collect();
        assert_eq!(due, vec![2, 14]);
    }

    #[test]
    fn reviews_held_early_are_spread_over_the_months_before_they_fall_due() {
        // Due in March 2027; half of reviews are held a month early. From December 2026 both
        // February and March are ahead: half in each. Due in January: February is past, all of
        // it in January.
        let plans = [plan(date(2015, 6, 1), date(2026, 3, 10)), plan(date(2015, 6, 1), date(2026, 1, 20))];
        let origin = Month::new(2026, 12).expect("month");
        let rates = CeaseRates::none();
        let timing = [0.5, 0.5, 0.0, 0.0];
        let start = Start { timing, ..start(&plans, origin, &rates) };
        let path = project(&start, &[0.0; 4], false);
        assert_eq!(path.reviews_due, vec![1.0, 0.5, 0.5, 0.0]);
    }

    #[test]
    fn year_11_leavers_move_to_college_in_september_as_they_did_last_summer() {
        // Last summer 10 year 11 pupils in special schools: 6 went on to a further education
        // college, 4 stayed. This year 20 such pupils (born 2010-11, year 11 in 2026/27).
        let born = date(2011, 1, 10);
        let july = date(2026, 7, 31);
        let mut before = Vec::new();
        let mut after = Vec::new();
        for k in 0..10 {
            let p = PlanInForce {
                index: k,
                setting: Some(Setting::SpecialMaintained),
                ..plan(date(2010, 1, 10), date(2020, 1, 1))
            };
            before.push(p);
            let to = if k < 6 { Setting::Post16College } else { Setting::SpecialMaintained };
            after.push(PlanInForce { setting: Some(to), ..p });
        }
        let moves = SettingMoves::seen(&before, &after, july);
        let plans: Vec<PlanInForce> = (0..20)
            .map(|k| PlanInForce {
                index: k,
                setting: Some(Setting::SpecialMaintained),
                ..plan(born, date(2020, 1, 1))
            })
            .collect();
        let origin = Month::new(2027, 6).expect("month");
        let rates = CeaseRates::none();
        let start = Start { moves: &moves, ..start(&plans, origin, &rates) };
        let path = project(&start, &[0.0; 4], true);
        // July and August as they were; from September 12 at college and 8 still in special schools.
        assert_eq!(path.breakdown[1][&(2, "special_maintained")], 20.0);
        assert!((path.breakdown[2][&(2, "post16_college")] - 12.0).abs() < 1e-9, "{:?}", path.breakdown[2]);
        assert!((path.breakdown[2][&(2, "special_maintained")] - 8.0).abs() < 1e-9);
        assert!((path.active[2] - 20.0).abs() < 1e-9);
    }

    #[test]
    fn new_plans_join_with_the_mix_and_cease_at_the_rate_for_their_age() {
        let origin = Month::new(2026, 12).expect("month");
        let mut rates = CeaseRates::none();
        rates.by_age = [0.01; AGES];
        let mix = [NewPlan { age_in_days: 3000, need: Some(Need::Autism), setting: None, share: 1.0 }];
        let start = Start { mix: &mix, ..start(&[], origin, &rates) };
        let path = project(&start, &[100.0, 100.0], true);
        assert_eq!(path.active[0], 100.0);
        // The first month's 100 lose 1% in the second month.
        assert!((path.active[1] - 199.0).abs() < 1e-9, "{}", path.active[1]);
        assert!((path.breakdown[1][&(1, "asd")] - 199.0).abs() < 1e-9, "{:?}", path.breakdown[1]);
    }

    #[test]
    fn cease_rates_follow_the_ages_and_months_plans_ceased_in() {
        let months: Vec<Month> =
            Month::new(2025, 1).expect("month").through(Month::new(2026, 12).expect("month")).collect();
        let mut active = vec![[0.0; AGES]; 24];
        let mut ceased = vec![[0.0; AGES]; 24];
        for (k, m) in months.iter().enumerate() {
            active[k][16] = 1000.0;
            active[k][10] = 1000.0;
            // Sixteen-year-olds leave in July only: 120 a year.
            if m.month() == 7 {
                ceased[k][16] = 120.0;
            }
        }
        let rates = CeaseRates::estimate(&months, &active, &ceased);
        assert!(rates.by_age[16] > 5.0 * rates.by_age[10], "{:?}", rates.by_age);
        assert!(rates.season[6] > 5.0 && rates.season[0] < 0.6, "{:?}", rates.season);
    }
}
