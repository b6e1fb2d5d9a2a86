//! The rules of SEND statutory casework, with no I/O: the records of the interchange format,
//! their codes, how they are validated against each other, and the statutory clock.
//!
//! Everything here is a pure function of its inputs. "Today" is always a parameter, never read
//! from the system clock, so every answer can be reproduced for any past date.

pub mod access;
pub mod board;
pub mod clock;
pub mod codes;
pub mod dates;
pub mod editing;
pub mod establishment;
pub mod family;
pub mod forecast;
pub mod identifiers;
pub mod informed;
pub mod letters;
pub mod measures;
pub mod named;
pub mod portal;
pub mod records;
pub mod rows;
pub mod search;
pub mod sen2;
pub mod sen2_years;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod timeline;
pub mod validation;
pub mod week;
pub mod working_days;
pub mod worklist;

pub use jiff::civil::Date;
