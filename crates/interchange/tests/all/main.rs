//! The integration tests of `interchange`, as one test binary: linking the whole stack once
//! rather than once per file keeps the suite quick on a 2-core machine. Each module is one
//! area; `cargo test -p <crate> --test all <module>::` runs one of them.

mod demo_authority;
mod dfe_benchmarks;
mod measure_oracle;
mod reading_folders;
mod scorecard_updates;
mod sen2_blade;
mod sen2_round_trip;
mod snapshot_updates;
