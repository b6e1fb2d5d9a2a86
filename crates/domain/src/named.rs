//! Named settings against where a child attends (issue 24): a plan names a school or other
//! setting (section I), and the authority must secure that place (Children and Families Act
//! 2014, s.42 and s.43). Two gaps are worth a list: the child does not attend the setting the
//! plan names, and the child is named at a setting they have not yet started.

use crate::records::{Placement, PlanSetting};
use jiff::civil::Date;

/// The main setting the plan names on `date` when the child does not attend it: no placement
/// active on `date` is at it. The main setting named is the one named last: a setting named
/// by an amendment replaces the one before it even when the earlier row was not given an end.
/// `None` when the plan names no setting on `date` (nothing to compare) or the child attends
/// the one it names.
pub fn not_attended<'n>(named: &[&'n PlanSetting], placements: &[&Placement], date: Date) -> Option<&'n PlanSetting> {
    let main: Vec<&PlanSetting> =
        named.iter().copied().filter(|n| n.is_named_at(date) && n.is_main() && n.is_comparable()).collect();
    let latest = main.iter().map(|n| n.named_on).max()?;
    let main: Vec<&PlanSetting> = main.into_iter().filter(|n| n.named_on == latest).collect();
    let attending = |n: &PlanSetting| placements.iter().any(|p| p.is_active_at(date) && n.is_at(p));
    if main.iter().any(|n| attending(n)) {
        return None;
    }
    main.into_iter().min_by_key(|n| (n.named_on, n.plan_setting_id.as_str()))
}

/// A setting the plan names on `date` (main or dual) at which the child has no placement
/// that started on or before `date`: named, and not yet started there. The earliest named
/// when there are several.
pub fn not_started<'n>(named: &[&'n PlanSetting], placements: &[&Placement], date: Date) -> Option<&'n PlanSetting> {
    named
        .iter()
        .copied()
        .filter(|n| n.is_named_at(date) && n.is_comparable())
        .filter(|n| !placements.iter().any(|p| p.started_on <= date && n.is_at(p)))
        .min_by_key(|n| (n.named_on, n.plan_setting_id.as_str()))
}

/// The child's placement at `named` that starts after `date`, if one is booked.
pub fn starts_later<'p>(named: &PlanSetting, placements: &[&'p Placement], date: Date) -> Option<&'p Placement> {
    placements.iter().copied().filter(|p| p.started_on > date && named.is_at(p)).min_by_key(|p| p.started_on)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::{PlacementRank, Setting};
    use jiff::civil::date;

    fn named(id: &str, urn: Option<&str>, setting: Option<Setting>, on: Date, ended: Option<Date>) -> PlanSetting {
        PlanSetting {
            plan_setting_id: id.into(),
            plan_id: "P1".into(),
            urn: urn.map(str::to_string),
            setting,
            named_on: on,
            ended_on: ended,
            ukprn: None,
            rank: None,
        }
    }

    fn placement(urn: Option<&str>, setting: Setting, from: Date, to: Option<Date>) -> Placement {
        Placement {
            placement_id: "L1".into(),
            child_id: "C1".into(),
            setting,
            urn: urn.map(str::to_string),
            establishment: None,
            started_on: from,
            ended_on: to,
            annual_cost: None,
            ukprn: None,
            rank: None,
            sen_unit: None,
            resourced_provision: None,
        }
    }

    #[test]
    fn a_child_attending_the_named_school_has_no_gap() {
        let n = named("N1", Some("100001"), None, date(2025, 9, 1), None);
        let p = placement(Some("100001"), Setting::SpecialMaintained, date(2025, 9, 1), None);
        let on = date(2026, 1, 15);
        assert!(not_attended(&[&n], &[&p], on).is_none());
        assert!(not_started(&[&n], &[&p], on).is_none());
    }

    #[test]
    fn named_at_a_special_school_while_attending_a_mainstream_one_is_both_gaps_until_the_move() {
        let n = named("N1", Some("100002"), None, date(2026, 3, 1), None);
        // The school named before, never given an end: the later naming replaces it.
        let before_it = named("N0", Some("100001"), None, date(2024, 9, 1), None);
        let old = placement(Some("100001"), Setting::Mainstream, date(2024, 9, 1), Some(date(2026, 8, 31)));
        let new = placement(Some("100002"), Setting::SpecialMaintained, date(2026, 9, 1), None);
        let before = date(2026, 6, 30);
        assert_eq!(not_attended(&[&n], &[&old, &new], before).map(|n| n.plan_setting_id.as_str()), Some("N1"));
        let both = [&before_it, &n];
        assert_eq!(not_attended(&both, &[&old, &new], before).map(|n| n.plan_setting_id.as_str()), Some("N1"));
        assert!(not_attended(&both, &[&old, &new], date(2026, 2, 28)).is_none(), "attends the one named then");
        assert_eq!(not_started(&[&n], &[&old, &new], before).map(|n| n.plan_setting_id.as_str()), Some("N1"));
        assert_eq!(starts_later(&n, &[&old, &new], before).map(|p| p.started_on), Some(date(2026, 9, 1)));
        // The day before the named setting was named there was nothing to compare.
        assert!(not_attended(&[&n], &[&old], date(2026, 2, 28)).is_none());
        // From the first day there, neither.
        let first_day = date(2026, 9, 1);
        assert!(not_attended(&[&n], &[&old, &new], first_day).is_none());
        assert!(not_started(&[&n], &[&old, &new], first_day).is_none());
    }

    #[test]
    fn having_left_the_named_school_is_not_attending_but_has_started() {
        let n = named("N1", Some("100001"), None, date(2024, 9, 1), None);
        let p = placement(Some("100001"), Setting::Mainstream, date(2024, 9, 1), Some(date(2026, 2, 13)));
        let on = date(2026, 3, 31);
        assert!(not_attended(&[&n], &[&p], on).is_some());
        assert!(not_started(&[&n], &[&p], on).is_none());
    }

    #[test]
    fn a_type_of_setting_named_matches_any_placement_of_that_type_and_ended_names_do_not_count() {
        let eotas = named("N1", None, Some(Setting::EotasSection61), date(2025, 1, 6), None);
        let p = placement(None, Setting::EotasSection61, date(2025, 1, 6), None);
        assert!(not_attended(&[&eotas], &[&p], date(2026, 1, 15)).is_none());
        let replaced = named("N0", Some("100009"), None, date(2024, 1, 1), Some(date(2025, 1, 5)));
        assert!(not_started(&[&replaced, &eotas], &[&p], date(2026, 1, 15)).is_none());
    }

    #[test]
    fn a_type_named_without_saying_which_is_nothing_to_compare() {
        // SEN2's OTH: "setting type named but no setting", read as `none`.
        let oth = named("N1", None, Some(Setting::None), date(2025, 9, 1), None);
        let p = placement(Some("100001"), Setting::SpecialMaintained, date(2025, 9, 1), None);
        assert!(not_attended(&[&oth], &[&p], date(2026, 1, 15)).is_none());
        assert!(not_started(&[&oth], &[&p], date(2026, 1, 15)).is_none());
    }

    #[test]
    fn a_dual_named_setting_is_not_the_main_one_but_can_be_waiting() {
        let mut dual = named("N2", Some("100003"), None, date(2025, 9, 1), None);
        dual.rank = Some(PlacementRank::Dual);
        let main = named("N1", Some("100001"), None, date(2025, 9, 1), None);
        let p = placement(Some("100001"), Setting::Mainstream, date(2025, 9, 1), None);
        let on = date(2026, 1, 15);
        assert!(not_attended(&[&main, &dual], &[&p], on).is_none());
        assert_eq!(not_started(&[&main, &dual], &[&p], on).map(|n| n.plan_setting_id.as_str()), Some("N2"));
    }
}
