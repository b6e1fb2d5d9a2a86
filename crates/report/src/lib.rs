//! The board pack: a printable A4 report of the month, as HTML (and PDF through a browser's
//! print), with server-rendered SVG charts that the web app shows too.

pub mod board;
pub mod charts;
pub mod letter;
pub mod pack;
pub mod paper;
pub mod pdf;
pub mod table;
pub mod workbook;
