//! Civil-date arithmetic in the terms of the SEND Regulations: statutory weeks, review
//! periods ("within 12 months starting with"), ages and calendar months.

use jiff::civil::Date;

/// Days since 1970-01-01 of a civil date (Howard Hinnant's `days_from_civil`). jiff computes
/// the same through its general duration arithmetic, which is several times slower; the
/// measure engine does this tens of millions of times, and a property test keeps the two equal.
pub fn epoch_day(date: Date) -> i64 {
    let (y, m, d) = (i64::from(date.year()), i64::from(date.month()), i64::from(date.day()));
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let day_of_year = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The civil date of a day counted from 1970-01-01 (Hinnant's `civil_from_days`).
pub fn from_epoch_day(days: i64) -> Date {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let d = day_of_year - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = year_of_era + era * 400 + i64::from(m <= 2);
    // Invariant: the arithmetic yields a real day of a real month; casework years are far
    // inside i16.
    Date::new(y as i16, m as i8, d as i8).unwrap_or_default()
}

/// The date `days` calendar days after `date` (before it when negative).
pub fn add_days(date: Date, days: i64) -> Date {
    // Most steps stay within the month: no calendar arithmetic needed.
    let day = i64::from(date.day()) + days;
    if (1..=i64::from(date.days_in_month())).contains(&day) {
        return date.with().day(day as i8).build().unwrap_or(date);
    }
    from_epoch_day(epoch_day(date) + days)
}

/// Whole days from `from` to `to` (negative when `to` is earlier).
pub fn days_between(from: Date, to: Date) -> i64 {
    epoch_day(to) - epoch_day(from)
}

/// The last day on which something is "within `weeks` weeks of `start`": `start` + 7 × weeks days.
pub fn within_weeks(start: Date, weeks: i64) -> Date {
    add_days(start, 7 * weeks)
}

/// The anniversary of `date` one year later. Someone born, or a plan issued, on 29 February
/// has its anniversary on 1 March in a year without one.
pub fn next_anniversary(date: Date) -> Date {
    anniversary_in(date, date.year() + 1)
}

/// The anniversary of `date` in `year` (29 February becomes 1 March in common years).
pub fn anniversary_in(date: Date, year: i16) -> Date {
    match Date::new(year, date.month(), date.day()) {
        Ok(d) => d,
        // Only 29 February in a common year has no same-day anniversary.
        Err(_) => Date::new(year, 3, 1).unwrap_or(date),
    }
}

/// The last day of the 12-month period starting with `start`: the day before its anniversary
/// (1 January 2019 → 31 December 2019; 29 February 2024 → 28 February 2025).
pub fn end_of_twelve_months_starting(start: Date) -> Date {
    add_days(next_anniversary(start), -1)
}

/// Age in completed years on `on` of someone born on `born`.
pub fn age_on(born: Date, on: Date) -> i32 {
    let years = i32::from(on.year()) - i32::from(born.year());
    if on < anniversary_in(born, on.year()) { years - 1 } else { years }
}

/// The national curriculum years with their key stage and phase, youngest first: the keys of
/// the `school_year`, `key_stage` and `phase` breakdowns (issue 23).
pub const SCHOOL_YEARS: [[&str; 3]; 17] = [
    ["early_years", "early_years", "early_years"],
    ["reception", "early_years", "primary"],
    ["y1", "ks1", "primary"],
    ["y2", "ks1", "primary"],
    ["y3", "ks2", "primary"],
    ["y4", "ks2", "primary"],
    ["y5", "ks2", "primary"],
    ["y6", "ks2", "primary"],
    ["y7", "ks3", "secondary"],
    ["y8", "ks3", "secondary"],
    ["y9", "ks3", "secondary"],
    ["y10", "ks4", "secondary"],
    ["y11", "ks4", "secondary"],
    ["y12", "ks5", "post_16"],
    ["y13", "ks5", "post_16"],
    ["y14", "ks5", "post_16"],
    ["post_19", "post_19", "post_19"],
];

/// The national curriculum year of a child born `born` on `on`, as an index into
/// [`SCHOOL_YEARS`]: the school year holding `on` runs from 1 September Y to 31 August Y+1,
/// and the child's age on 31 August Y places them: 4 is reception, 5 year 1 and so on to 18,
/// year 14; under 4 early years, over 18 post-19.
pub fn school_year_index(born: Date, on: Date) -> u8 {
    let start = if on.month() >= 9 { on.year() } else { on.year() - 1 };
    let age = Date::new(start, 8, 31).map_or(0, |last_august| age_on(born, last_august));
    // 0 (under 4) to 16 (over 18): always an index of SCHOOL_YEARS.
    (age - 3).clamp(0, 16) as u8
}

/// The keys `[school_year, key_stage, phase]` of a child born `born` on `on`.
pub fn school_year(born: Date, on: Date) -> [&'static str; 3] {
    SCHOOL_YEARS[usize::from(school_year_index(born, on))]
}

const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A calendar month, the period of every measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    year: i16,
    month: i8,
}

impl Month {
    /// A month; `None` when `month` is not 1 to 12 or the year is outside 1900-2999.
    pub fn new(year: i16, month: i8) -> Option<Month> {
        ((1..=12).contains(&month) && (1900..=2999).contains(&year)).then_some(Month { year, month })
    }

    /// The month containing `date`.
    pub fn containing(date: Date) -> Month {
        Month { year: date.year(), month: date.month() }
    }

    pub fn year(self) -> i16 {
        self.year
    }

    pub fn month(self) -> i8 {
        self.month
    }

    pub fn first_day(self) -> Date {
        // Invariant: year and month were checked by `new`/`containing`.
        Date::new(self.year, self.month, 1).unwrap_or_default()
    }

    pub fn last_day(self) -> Date {
        self.first_day().last_of_month()
    }

    pub fn contains(self, date: Date) -> bool {
        date.year() == self.year && date.month() == self.month
    }

    /// The month `n` months later (earlier when negative).
    pub fn plus(self, n: i32) -> Month {
        let index = i32::from(self.year) * 12 + i32::from(self.month) - 1 + n;
        Month { year: index.div_euclid(12) as i16, month: (index.rem_euclid(12) + 1) as i8 }
    }

    /// The month as people read it in tables: "Nov 2026".
    pub fn short_name(self) -> String {
        format!("{} {}", &MONTH_NAMES[(self.month - 1) as usize][..3], self.year)
    }

    /// The month in full: "November 2026".
    pub fn long_name(self) -> String {
        format!("{} {}", MONTH_NAMES[(self.month - 1) as usize], self.year)
    }

    /// Months from `self` to `other` inclusive, in order; empty when `other` is earlier.
    pub fn through(self, other: Month) -> impl Iterator<Item = Month> + Clone + use<> {
        let count = (other.index() - self.index() + 1).max(0);
        (0..count).map(move |n| self.plus(n))
    }

    fn index(self) -> i32 {
        i32::from(self.year) * 12 + i32::from(self.month) - 1
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl std::str::FromStr for Month {
    type Err = String;

    /// Parses `YYYY-MM`.
    fn from_str(s: &str) -> Result<Month, String> {
        let bad = || format!("'{s}' is not a month written YYYY-MM");
        let (y, m) = s.split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        let year: i16 = y.parse().map_err(|_| bad())?;
        let month: i8 = m.parse().map_err(|_| bad())?;
        Month::new(year, month).ok_or_else(bad)
    }
}

/// Parses a civil date written exactly `YYYY-MM-DD`, rejecting impossible days such as 2023-02-30.
pub fn parse_date(text: &str) -> Result<Date, String> {
    let bytes = text.as_bytes();
    let shape_ok = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes.iter().enumerate().all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !shape_ok {
        return Err(format!("'{text}' is not a date written YYYY-MM-DD"));
    }
    let number = |range: std::ops::Range<usize>| text[range].parse::<i16>().unwrap_or(0);
    let (year, month, day) = (number(0..4), number(5..7), number(8..10));
    if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
        return Err(format!(
            "'{text}' is outside the years sendtrack records ({FIRST_YEAR} to {LAST_YEAR}); check the year"
        ));
    }
    Date::new(year, month as i8, day as i8)
        .map_err(|_| format!("'{text}' is not a real date (there is no day {day} in month {month} of {year})"))
}

/// A date as people read it: "4 October 2023" (GOV.UK style; files and downloads keep ISO).
pub fn in_words(date: Date) -> String {
    format!("{} {} {}", date.day(), MONTH_NAMES[(date.month() - 1) as usize], date.year())
}

/// A number of days in words: "1 day", "3 days".
pub fn days_in_words(n: i64) -> String {
    if n.abs() == 1 { format!("{n} day") } else { format!("{n} days") }
}

/// The latest month whose figures are complete on `today`: the one before today's month
/// (today's month is "to date" until it ends).
pub fn last_complete_month(today: Date) -> Month {
    Month::containing(today).plus(-1)
}

/// `month` if it has begun by `today`; a month still to come has no figures.
pub fn month_begun(month: Month, today: Date) -> Result<Month, String> {
    let current = Month::containing(today);
    if month > current {
        Err(format!(
            "{} has not started yet; choose a month up to {} ({}, which is to date)",
            month,
            current,
            current.long_name()
        ))
    } else {
        Ok(month)
    }
}

/// The first and last years a recorded date may fall in: no casework date is earlier, and a
/// later one is a typing mistake (2206 for 2026).
pub const FIRST_YEAR: i16 = 1900;
pub const LAST_YEAR: i16 = 2100;

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn dates_and_days_are_written_as_people_read_them() {
        assert_eq!(in_words(date(2023, 10, 4)), "4 October 2023");
        assert_eq!(in_words(date(2026, 12, 31)), "31 December 2026");
        assert_eq!(
            (days_in_words(1), days_in_words(2), days_in_words(0)),
            ("1 day".into(), "2 days".into(), "0 days".into())
        );
    }

    #[test]
    fn dates_before_1900_or_after_2100_are_refused() {
        assert!(parse_date("1899-12-31").unwrap_err().contains("1900 to 2100"));
        assert!(parse_date("2101-01-01").unwrap_err().contains("1900 to 2100"));
        assert_eq!(parse_date("1900-01-01"), Ok(date(1900, 1, 1)));
        assert_eq!(parse_date("2100-12-31"), Ok(date(2100, 12, 31)));
    }

    #[test]
    fn review_period_ends_the_day_before_the_anniversary() {
        let cases = [
            (date(2019, 1, 1), date(2019, 12, 31)),
            (date(2024, 3, 15), date(2025, 3, 14)),
            (date(2024, 2, 29), date(2025, 2, 28)),
            (date(2023, 3, 1), date(2024, 2, 29)),
            (date(2023, 2, 28), date(2024, 2, 27)),
            (date(2023, 12, 31), date(2024, 12, 30)),
        ];
        for (start, end) in cases {
            assert_eq!(end_of_twelve_months_starting(start), end, "start {start}");
        }
    }

    #[test]
    fn ages_count_completed_years_with_leap_day_birthdays_on_1_march() {
        let born = date(2008, 2, 29);
        assert_eq!(age_on(born, date(2009, 2, 28)), 0);
        assert_eq!(age_on(born, date(2009, 3, 1)), 1);
        assert_eq!(age_on(born, date(2012, 2, 29)), 4);
        assert_eq!(age_on(date(2010, 6, 15), date(2020, 6, 14)), 9);
        assert_eq!(age_on(date(2010, 6, 15), date(2020, 6, 15)), 10);
    }

    #[test]
    fn epoch_days_at_known_dates() {
        assert_eq!(epoch_day(date(1970, 1, 1)), 0);
        assert_eq!(epoch_day(date(2000, 3, 1)), 11_017);
        assert_eq!(epoch_day(date(1969, 12, 31)), -1);
        assert_eq!(from_epoch_day(19_782), date(2024, 2, 29));
        assert_eq!(add_days(date(2024, 2, 28), 1), date(2024, 2, 29));
        assert_eq!(add_days(date(2023, 2, 28), 1), date(2023, 3, 1));
        assert_eq!(add_days(date(2100, 2, 28), 1), date(2100, 3, 1));
        assert_eq!(add_days(date(2000, 2, 28), 1), date(2000, 2, 29));
    }

    #[test]
    fn months_step_across_years() {
        let m = Month::new(2024, 11).unwrap();
        assert_eq!(m.plus(2).to_string(), "2025-01");
        assert_eq!(m.plus(-11).to_string(), "2023-12");
        assert_eq!(m.last_day(), date(2024, 11, 30));
        assert_eq!(Month::new(2024, 2).unwrap().last_day(), date(2024, 2, 29));
        let span: Vec<String> = m.through(m.plus(2)).map(|m| m.to_string()).collect();
        assert_eq!(span, ["2024-11", "2024-12", "2025-01"]);
        assert_eq!(m.through(m.plus(-1)).count(), 0);
        assert_eq!((m.short_name(), m.long_name()), ("Nov 2024".to_string(), "November 2024".to_string()));
        assert_eq!(Month::new(2025, 9).unwrap().short_name(), "Sep 2025");
        assert_eq!("2024-07".parse::<Month>().unwrap(), Month::new(2024, 7).unwrap());
        assert!("2024-7".parse::<Month>().is_err());
        assert!("2024-13".parse::<Month>().is_err());
    }

    #[test]
    fn dates_parse_only_in_iso_form_and_only_when_real() {
        assert_eq!(parse_date("2024-02-29").unwrap(), date(2024, 2, 29));
        for bad in [
            "2023-02-29",
            "2023-02-30",
            "2023-13-01",
            "23-01-01",
            "2023/01/01",
            "2023-1-01",
            " 2023-01-01",
            "",
            "2023-01-01T00:00",
        ] {
            assert!(parse_date(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn any_date() -> impl Strategy<Value = Date> {
            (1990i16..2090, 1i8..=12, 1i8..=31).prop_filter_map("real dates", |(y, m, d)| Date::new(y, m, d).ok())
        }

        proptest! {
            #[test]
            fn adding_days_then_measuring_gives_them_back(d in any_date(), n in -20_000i64..20_000) {
                prop_assert_eq!(days_between(d, add_days(d, n)), n);
            }

            #[test]
            fn day_arithmetic_agrees_with_jiff(a in any_date(), b in any_date(), n in -40_000i64..40_000) {
                prop_assert_eq!(days_between(a, b), b.duration_since(a).as_secs() / 86_400);
                let by_jiff = a.saturating_add(jiff::SignedDuration::from_hours(n * 24));
                prop_assert_eq!(add_days(a, n), by_jiff);
            }

            #[test]
            fn within_weeks_is_seven_days_a_week(d in any_date(), w in 0i64..60) {
                prop_assert_eq!(days_between(d, within_weeks(d, w)), 7 * w);
            }

            #[test]
            fn a_twelve_month_period_lasts_365_or_366_days(d in any_date()) {
                let end = end_of_twelve_months_starting(d);
                let length = days_between(d, end) + 1;
                prop_assert!(length == 365 || length == 366, "{} -> {} is {} days", d, end, length);
                prop_assert!(end < next_anniversary(d));
            }

            #[test]
            fn age_rises_by_one_exactly_on_the_birthday(born in any_date(), years in 1i16..30) {
                let birthday = anniversary_in(born, born.year() + years);
                prop_assert_eq!(age_on(born, birthday), i32::from(years));
                prop_assert_eq!(age_on(born, add_days(birthday, -1)), i32::from(years) - 1);
            }

            #[test]
            fn parse_reads_back_what_display_writes(d in any_date()) {
                prop_assert_eq!(parse_date(&d.to_string()).unwrap(), d);
            }
        }
    }

    #[test]
    fn the_school_year_turns_on_1_september_by_the_age_on_31_august() {
        use jiff::civil::date;
        // Born 1 September 2015: 9 on 31 August 2025, so year 5 until 31 August 2026; 10 on
        // 31 August 2026, so year 6 from 1 September.
        let born = date(2015, 9, 1);
        assert_eq!(school_year(born, date(2026, 8, 31)), ["y5", "ks2", "primary"]);
        assert_eq!(school_year(born, date(2026, 9, 1)), ["y6", "ks2", "primary"]);
        // Born a day earlier, on 31 August: the oldest of the year above.
        assert_eq!(school_year(date(2015, 8, 31), date(2026, 8, 31)), ["y6", "ks2", "primary"]);
        assert_eq!(school_year(date(2015, 8, 31), date(2026, 9, 1)), ["y7", "ks3", "secondary"]);
        // Born on 29 February 2016: 10 on 31 August 2026, year 6 in 2026/27.
        assert_eq!(school_year(date(2016, 2, 29), date(2027, 2, 28)), ["y6", "ks2", "primary"]);
        assert_eq!(school_year(date(2016, 2, 29), date(2026, 8, 31)), ["y5", "ks2", "primary"]);
        // The ends: under 4, reception, year 14, over 18.
        assert_eq!(school_year(date(2023, 1, 1), date(2026, 10, 1)), ["early_years", "early_years", "early_years"]);
        assert_eq!(school_year(date(2022, 1, 1), date(2026, 10, 1)), ["reception", "early_years", "primary"]);
        assert_eq!(school_year(date(2008, 1, 1), date(2026, 10, 1)), ["y14", "ks5", "post_16"]);
        assert_eq!(school_year(date(2007, 1, 1), date(2026, 10, 1)), ["post_19", "post_19", "post_19"]);
        assert_eq!(school_year(date(2010, 6, 1), date(2026, 10, 1)), ["y12", "ks5", "post_16"]);
        assert_eq!(school_year(date(2011, 6, 1), date(2026, 10, 1)), ["y11", "ks4", "secondary"]);
    }
}
