//! The integration tests of `web`, as one test binary: linking the whole stack once
//! rather than once per file keeps the suite quick on a 2-core machine. Each module is one
//! area; `cargo test -p <crate> --test all <module>::` runs one of them.

mod board;
mod casefile;
mod casework;
mod family;
mod forecast;
mod pages;
mod portal;
mod security;
mod sen2;
mod snapshots;
mod support;
mod workforce;
