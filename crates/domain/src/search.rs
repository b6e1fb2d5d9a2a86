//! Finding a child as a caseworker would ask: by name in either order or in part, by date of
//! birth however it is written, by UPN, postcode, the school they attend (URN or name) or
//! sendtrack's id. Every word of the query must match something of the child's.

use crate::dates::parse_date;
use crate::records::{Casework, Child};
use jiff::civil::Date;

/// The words people write months in, for dates such as "4 October 2015" or "4 Oct 2015".
const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// A date written as people write it: `2015-10-04`, `4/10/2015`, `04-10-2015`, `4.10.2015` or
/// `4 October 2015`.
pub fn date_written(text: &str) -> Option<Date> {
    let text = text.trim();
    if let Ok(d) = parse_date(text) {
        return Some(d);
    }
    let parts: Vec<&str> = text.split(['/', '-', '.', ' ']).filter(|p| !p.is_empty()).collect();
    let [day, month, year] = parts[..] else { return None };
    let day: i8 = day.parse().ok()?;
    let month: i8 = match month.parse::<i8>() {
        Ok(m) => m,
        Err(_) => {
            let lower = month.to_lowercase();
            let k = MONTHS.iter().position(|m| lower.len() >= 3 && m.starts_with(&lower))?;
            i8::try_from(k + 1).ok()?
        }
    };
    let year: i16 = year.parse().ok().filter(|y: &i16| (1900..=2100).contains(y))?;
    Date::new(year, month, day).ok()
}

/// What a child can be found by, in lower case.
struct Findable<'a> {
    child: &'a Child,
    names: Vec<String>,
    postcode: Option<String>,
    schools: Vec<String>,
}

fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_lowercase()
}

/// The indexes (into `cw.children`) of the children `query` finds on `today`, in file order:
/// the whole query as a date of birth, or every word matching one of the child's names (in
/// part, in any order), their UPN, id, postcode (with or without its space), or the URN or
/// name of a setting they attend on `today`.
pub fn find_children(cw: &Casework, query: &str, today: Date) -> Vec<usize> {
    let query = query.trim();
    if query.is_empty() {
        return Vec::new();
    }
    if let Some(born) = date_written(query) {
        return (0..cw.children.len()).filter(|&k| cw.children[k].date_of_birth == born).collect();
    }
    let mut schools: std::collections::HashMap<&str, Vec<String>> = std::collections::HashMap::new();
    for p in cw.placements.iter().filter(|p| p.started_on <= today && p.ended_on.is_none_or(|e| e >= today)) {
        let entry = schools.entry(p.child_id.as_str()).or_default();
        entry.extend(p.urn.iter().map(|u| u.to_lowercase()));
        entry.extend(p.establishment.iter().map(|e| e.to_lowercase()));
    }
    let words: Vec<String> = query.split([' ', ',']).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
    let whole = squeeze(query);
    cw.children
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            let f = Findable {
                child: c,
                names: [&c.forename, &c.surname]
                    .iter()
                    .flat_map(|n| n.split([' ', '-']))
                    .map(str::to_lowercase)
                    .collect(),
                postcode: c.postcode.as_deref().map(squeeze),
                schools: schools.get(c.child_id.as_str()).cloned().unwrap_or_default(),
            };
            // A postcode or a school's name may be several words: the whole query first.
            let school_named = query.len() >= 4 && f.schools.iter().any(|s| s.contains(&query.to_lowercase()));
            if f.postcode.as_deref() == Some(whole.as_str()) || school_named {
                return true;
            }
            words.iter().all(|w| matches(&f, w))
        })
        .map(|(k, _)| k)
        .collect()
}

fn matches(f: &Findable, word: &str) -> bool {
    let c = f.child;
    f.names.iter().any(|n| n.starts_with(word) || (word.len() >= 3 && n.contains(word)))
        || c.child_id.to_lowercase() == word
        || c.upn.as_deref().is_some_and(|u| u.to_lowercase() == word)
        || f.postcode
            .as_deref()
            .is_some_and(|p| p == word || (word.len() >= 2 && p.starts_with(word) && word.len() >= p.len() - 3))
        || f.schools.iter().any(|s| s == word || (word.len() >= 4 && s.contains(word)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::Setting;
    use crate::records::Placement;
    use jiff::civil::date;

    fn child(id: &str, forename: &str, surname: &str, born: Date, postcode: &str, upn: Option<&str>) -> Child {
        Child {
            upn: upn.map(str::to_string),
            forename: forename.into(),
            surname: surname.into(),
            postcode: Some(postcode.into()),
            ..crate::testing::child(id, born)
        }
    }

    fn caseload() -> Casework {
        Casework {
            children: imbl::vector![
                child("C1", "Ada", "Lovelace", date(2015, 10, 4), "EX1 2AB", Some("A123456789012")),
                child("C2", "Alan", "Turing-Smith", date(2014, 6, 23), "EX4 7QQ", None),
                child("C3", "Grace", "Hopper", date(2015, 10, 4), "PL1 1AA", None),
            ],
            placements: imbl::vector![Placement {
                urn: Some("113000".into()),
                establishment: Some("Exeter Primary Academy".into()),
                ..crate::testing::placement("L1", "C3", Setting::Mainstream, date(2020, 9, 1))
            }],
            ..Casework::default()
        }
    }

    fn ids(query: &str) -> Vec<&'static str> {
        let cw = caseload();
        let found = find_children(&cw, query, date(2026, 11, 30));
        found.iter().map(|&k| ["C1", "C2", "C3"][k]).collect()
    }

    #[test]
    fn a_child_is_found_by_name_in_either_order_and_in_part() {
        assert_eq!(ids("Ada Lovelace"), ["C1"]);
        assert_eq!(ids("lovelace ada"), ["C1"]);
        assert_eq!(ids("Lovelace, Ada"), ["C1"]);
        assert_eq!(ids("lov"), ["C1"]);
        assert_eq!(ids("smith"), ["C2"], "part of a double-barrelled surname");
        assert_eq!(ids("a"), ["C1", "C2"], "a first letter");
        assert!(ids("Ada Turing").is_empty(), "every word must match the same child");
    }

    #[test]
    fn a_child_is_found_by_date_of_birth_however_it_is_written() {
        for written in ["2015-10-04", "4/10/2015", "04/10/2015", "4-10-2015", "4 October 2015", "4 oct 2015"] {
            assert_eq!(ids(written), ["C1", "C3"], "{written}");
        }
        assert_eq!(date_written("31/2/2015"), None);
    }

    #[test]
    fn a_child_is_found_by_upn_id_postcode_or_school() {
        assert_eq!(ids("a123456789012"), ["C1"]);
        assert_eq!(ids("C2"), ["C2"]);
        assert_eq!(ids("EX4 7QQ"), ["C2"]);
        assert_eq!(ids("ex47qq"), ["C2"]);
        assert_eq!(ids("113000"), ["C3"]);
        assert_eq!(ids("Exeter Primary"), ["C3"]);
        assert!(ids("").is_empty());
    }
}
