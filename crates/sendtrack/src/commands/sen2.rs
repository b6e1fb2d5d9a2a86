//! `sendtrack sen2 check DIR`: the pre-submission checks of a SEN2 return exported from
//! COLLECT (Blade CSV files), each failure with its file, line, person and rule;
//! `sendtrack sen2 rules` lists the rules.

use anyhow::Context;
use sendtrack_domain::sen2::{RULES, check};
use sendtrack_interchange::sen2::read_blade;
use std::path::Path;
use std::process::ExitCode;

pub fn rules() -> anyhow::Result<ExitCode> {
    for rule in RULES {
        println!("{}  {}", rule.id, rule.description);
    }
    Ok(ExitCode::SUCCESS)
}

pub fn check_return(dir: &Path, year: Option<i16>, today: jiff::civil::Date) -> anyhow::Result<ExitCode> {
    let (blade, files) =
        read_blade(dir).with_context(|| format!("cannot read the SEN2 return in {}", dir.display()))?;
    let census = blade.census_day(year);
    let failures = check(&blade, today, year);
    for f in &failures {
        let file = files.get(&f.module).map_or("?", String::as_str);
        println!("{file}:{}: {} person {}: {}", f.line, f.rule, f.person, f.message);
    }
    let census = census.map_or("unknown: give --year".to_string(), |d| d.to_string());
    if failures.is_empty() {
        println!("The SEN2 return in {} passes every check (census day {census}).", dir.display());
        return Ok(ExitCode::SUCCESS);
    }
    let mut by_rule: Vec<(&str, usize)> = Vec::new();
    for f in &failures {
        match by_rule.iter_mut().find(|(r, _)| *r == f.rule) {
            Some((_, n)) => *n += 1,
            None => by_rule.push((f.rule, 1)),
        }
    }
    by_rule.sort();
    println!("{} failures in the SEN2 return in {} (census day {census}):", failures.len(), dir.display());
    for (rule, n) in by_rule {
        let description = RULES.iter().find(|r| r.id == rule).map_or("", |r| r.description);
        println!("  {rule}  {n:>5}  {description}");
    }
    Ok(ExitCode::from(1))
}
