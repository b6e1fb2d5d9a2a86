//! One module per subcommand.

pub mod benchmarks;
pub mod board;
pub mod casefile;
pub mod check;
pub mod database;
pub mod demo;
pub mod export;
pub mod forecast;
pub mod import;
pub mod mail;
pub mod measures;
pub mod protection;
pub mod report;
pub mod sen2;
pub mod source;
pub mod web;
