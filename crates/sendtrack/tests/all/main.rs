//! The integration tests of `sendtrack`, as one test binary: linking the whole stack once
//! rather than once per file keeps the suite quick on a 2-core machine. Each module is one
//! area; `cargo test -p <crate> --test all <module>::` runs one of them.

mod backends_cli;
mod board_cli;
mod casefile_cli;
mod cli;
mod forecast_cli;
mod measures_cli;
mod notify_cli;
mod protection_cli;
mod report_cli;
mod snapshots_cli;
mod support;
