//! The time each measure of the catalogue takes over 13 months for a generated authority, on
//! one thread, with the engine's index and month ends already built: where the catalogue's
//! time goes, measure by measure, slowest first (the 25 slowest, or `SHOW` of them, and the
//! total).
//!
//! `[SHOW=N] cargo run --release -p sendtrack-interchange --example measure_times -- CHILDREN`

use sendtrack_domain::dates::Month;
use sendtrack_domain::measures::CATALOGUE;
use sendtrack_domain::measures::engine::Engine;
use sendtrack_interchange::demo::{DemoOptions, generate};
use std::time::Instant;

fn main() {
    let children: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(12_000);
    let as_at = jiff::civil::date(2026, 11, 30);
    let cw = generate(&DemoOptions { children, seed: 1, as_at });
    let engine = Engine::new(&cw);
    let to = Month::containing(as_at);
    let months: Vec<Month> = to.plus(-13).through(to).collect();
    engine.prepare(&months, 2);
    let mut times: Vec<(f64, &str)> = CATALOGUE
        .iter()
        .map(|m| {
            let start = Instant::now();
            for &month in &months[1..] {
                std::hint::black_box(engine.value(m, month));
            }
            (start.elapsed().as_secs_f64() * 1000.0, m.id)
        })
        .collect();
    times.sort_by(|a, b| b.0.total_cmp(&a.0));
    let total: f64 = times.iter().map(|t| t.0).sum();
    println!("total {total:.0} ms");
    let shown: usize = std::env::var("SHOW").ok().and_then(|v| v.parse().ok()).unwrap_or(25);
    for (t, id) in times.iter().take(shown) {
        println!("{t:8.1} ms  {id}");
    }
}
