//! Working days in England: Monday to Friday, except the bank holidays of England and Wales
//! (the Banking and Financial Dealings Act 1971 and the royal proclamations that move or add
//! to them). A communication promise counts in them (issue 18).

use crate::dates::add_days;
use jiff::civil::{Date, Weekday, date};

/// Easter Sunday of `year` (the Gregorian computus, anonymous algorithm).
fn easter(year: i16) -> Date {
    let y = i32::from(year);
    let a = y % 19;
    let b = y / 100;
    let c = y % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    // The computus gives March or April and a day of the month: always a valid date.
    date(year, month as i8, day as i8)
}

/// The first `weekday` on or after `from`.
fn first_on_or_after(from: Date, weekday: Weekday) -> Date {
    let ahead =
        (i64::from(weekday.to_monday_zero_offset()) - i64::from(from.weekday().to_monday_zero_offset()) + 7) % 7;
    add_days(from, ahead)
}

/// The last `weekday` on or before `to`.
fn last_on_or_before(to: Date, weekday: Weekday) -> Date {
    let back = (i64::from(to.weekday().to_monday_zero_offset()) - i64::from(weekday.to_monday_zero_offset()) + 7) % 7;
    add_days(to, -back)
}

/// The bank holidays of England and Wales in `year`.
pub fn bank_holidays(year: i16) -> Vec<Date> {
    let mut days = Vec::with_capacity(9);
    // New Year's Day, or the Monday after when it falls at a weekend.
    let new_year = date(year, 1, 1);
    days.push(match new_year.weekday() {
        Weekday::Saturday | Weekday::Sunday => first_on_or_after(new_year, Weekday::Monday),
        _ => new_year,
    });
    let sunday = easter(year);
    days.push(add_days(sunday, -2));
    days.push(add_days(sunday, 1));
    // Early May: the first Monday, moved to VE Day's 75th anniversary in 2020.
    days.push(if year == 2020 { date(2020, 5, 8) } else { first_on_or_after(date(year, 5, 1), Weekday::Monday) });
    // Spring: the last Monday of May, moved for the jubilees of 2002, 2012 and 2022.
    days.push(match year {
        2002 => date(2002, 6, 4),
        2012 => date(2012, 6, 4),
        2022 => date(2022, 6, 2),
        _ => last_on_or_before(date(year, 5, 31), Weekday::Monday),
    });
    days.push(last_on_or_before(date(year, 8, 31), Weekday::Monday));
    // Christmas and Boxing Day, with their substitute days.
    let (christmas, boxing) = match date(year, 12, 25).weekday() {
        Weekday::Friday => (date(year, 12, 25), date(year, 12, 28)),
        Weekday::Saturday => (date(year, 12, 27), date(year, 12, 28)),
        Weekday::Sunday => (date(year, 12, 27), date(year, 12, 26)),
        _ => (date(year, 12, 25), date(year, 12, 26)),
    };
    days.extend([christmas, boxing]);
    // One-off bank holidays.
    days.extend(match year {
        2011 => vec![date(2011, 4, 29)],
        2012 => vec![date(2012, 6, 5)],
        2022 => vec![date(2022, 6, 3), date(2022, 9, 19)],
        2023 => vec![date(2023, 5, 8)],
        _ => vec![],
    });
    days.sort();
    days
}

/// The years whose bank holidays are worked out once and kept (a measure asks millions of times).
const KEPT: std::ops::RangeInclusive<i16> = 1990..=2100;

/// Whether `day` is a bank holiday: from the years kept, else worked out.
fn is_bank_holiday(day: Date) -> bool {
    static YEARS: std::sync::OnceLock<Vec<Vec<Date>>> = std::sync::OnceLock::new();
    if !KEPT.contains(&day.year()) {
        return bank_holidays(day.year()).contains(&day);
    }
    let years = YEARS.get_or_init(|| KEPT.map(bank_holidays).collect());
    years[usize::try_from(day.year() - KEPT.start()).unwrap_or_default()].contains(&day)
}

/// Whether `day` is a working day in England.
pub fn is_working_day(day: Date) -> bool {
    !matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday) && !is_bank_holiday(day)
}

/// The working day `n` working days after `from` (the day itself not counted).
pub fn add_working_days(from: Date, n: u32) -> Date {
    let mut day = from;
    let mut left = n;
    while left > 0 {
        day = add_days(day, 1);
        if is_working_day(day) {
            left -= 1;
        }
    }
    day
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bank_holidays_are_those_gov_uk_publishes() {
        // https://www.gov.uk/bank-holidays, England and Wales.
        let published_2026 = [(1, 1), (4, 3), (4, 6), (5, 4), (5, 25), (8, 31), (12, 25), (12, 28)];
        assert_eq!(bank_holidays(2026), published_2026.map(|(m, d)| date(2026, m, d)).to_vec());
        let published_2027 = [(1, 1), (3, 26), (3, 29), (5, 3), (5, 31), (8, 30), (12, 27), (12, 28)];
        assert_eq!(bank_holidays(2027), published_2027.map(|(m, d)| date(2027, m, d)).to_vec());
        let published_2022 = [(1, 3), (4, 15), (4, 18), (5, 2), (6, 2), (6, 3), (8, 29), (9, 19), (12, 26), (12, 27)];
        assert_eq!(bank_holidays(2022), published_2022.map(|(m, d)| date(2022, m, d)).to_vec());
        let published_2023 = [(1, 2), (4, 7), (4, 10), (5, 1), (5, 8), (5, 29), (8, 28), (12, 25), (12, 26)];
        assert_eq!(bank_holidays(2023), published_2023.map(|(m, d)| date(2023, m, d)).to_vec());
    }

    #[test]
    fn working_days_skip_weekends_and_bank_holidays() {
        // Friday 18 December 2026 + 5 working days: 21, 22, 23, 24, 29 December.
        assert_eq!(add_working_days(date(2026, 12, 18), 5), date(2026, 12, 29));
        assert_eq!(add_working_days(date(2026, 12, 1), 0), date(2026, 12, 1));
        assert_eq!(add_working_days(date(2026, 11, 2), 20), date(2026, 11, 30));
        assert!(!is_working_day(date(2026, 8, 31)) && is_working_day(date(2026, 9, 1)));
    }
}
