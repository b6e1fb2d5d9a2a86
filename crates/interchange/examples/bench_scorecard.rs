//! Times the full catalogue over 13 months for a generated authority: building the engine's
//! indexes and computing every measure, breakdown, arrow, target and comparator, as a web page
//! would on demand. Prints the median of several runs and the process's peak memory.
//!
//! `cargo run --release -p sendtrack-interchange --example bench_scorecard -- CHILDREN [RUNS]`

use sendtrack_domain::dates::Month;
use sendtrack_domain::measures::CATALOGUE;
use sendtrack_domain::measures::engine::Engine;
use sendtrack_domain::measures::scorecard::scorecard;
use sendtrack_interchange::demo::{DemoOptions, generate};
use std::time::Instant;

fn peak_rss_mib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<u64>().ok())
        .map_or(0, |kb| kb / 1024)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let children: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(12_000);
    let runs: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(5);
    let as_at = jiff::civil::date(2026, 11, 30);
    let cw = generate(&DemoOptions { children, seed: 1, as_at });
    let records = cw.counts().total();
    let after_generation = peak_rss_mib();
    let measures: Vec<_> = CATALOGUE.iter().collect();
    let to = Month::containing(as_at);
    let from = to.plus(-12);
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let mut times = Vec::new();
    let mut index_times = Vec::new();
    let mut values = 0;
    for _ in 0..runs {
        let start = Instant::now();
        let engine = Engine::new(&cw);
        index_times.push(start.elapsed());
        if std::env::var_os("BENCH_SPLIT").is_some() {
            let months: Vec<Month> = from.plus(-1).through(to).collect();
            engine.prepare(&months, threads);
            eprintln!("indexing {:?}, month ends {:?}", index_times.last(), start.elapsed());
        }
        let card = scorecard(&engine, &measures, from, to, threads);
        times.push(start.elapsed());
        values = card.lines.iter().map(|l| l.cells.iter().map(|c| 1 + c.value.breakdowns.len()).sum::<usize>()).sum();
    }
    times.sort();
    index_times.sort();
    // With the index kept (as a server keeping the records in memory would), each scorecard
    // pays only for the month-end snapshots and the measures.
    let engine = Engine::new(&cw);
    let mut warm = Vec::new();
    for _ in 0..runs {
        engine.forget_month_ends();
        let start = Instant::now();
        scorecard(&engine, &measures, from, to, threads);
        warm.push(start.elapsed());
    }
    warm.sort();
    println!(
        "children {} ({} records), {} measures x 13 months = {} values, {} threads: median {:.1} ms (of which indexing {:.1} ms), min {:.1} ms, max {:.1} ms; with the index kept: median {:.1} ms; peak memory {} MiB ({} MiB after generating the records)",
        cw.children.len(),
        records,
        measures.len(),
        values,
        threads,
        times[times.len() / 2].as_secs_f64() * 1000.0,
        index_times[index_times.len() / 2].as_secs_f64() * 1000.0,
        times[0].as_secs_f64() * 1000.0,
        times[times.len() - 1].as_secs_f64() * 1000.0,
        warm[warm.len() / 2].as_secs_f64() * 1000.0,
        peak_rss_mib(),
        after_generation
    );
}
