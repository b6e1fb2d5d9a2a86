//! The month's commentary and sign-off (issue 22): commentaries.csv, what officers write
//! against a section of the board pack for a month, and who signed it off; signed_figures.csv,
//! the section's figures as they stood when it was signed off, so that a figure a late record
//! changes afterwards can be shown with its old and new value.

use super::{Record, RecordType};
use crate::dates::{Month, parse_date};
use crate::records::RecordFile;
use crate::rows::{Column, Row, date, parse_text_number, text};
use jiff::civil::Date;

/// A section's commentary for a month.
#[derive(Debug, Clone, PartialEq)]
pub struct Commentary {
    pub month: Month,
    /// The pack section's id (`requests`, `indicators`, ...).
    pub section: String,
    pub text: String,
    /// Who last wrote it (the signed-in user's e-mail address).
    pub written_by: String,
    pub written_on: Date,
    pub signed_off_by: Option<String>,
    pub signed_off_on: Option<Date>,
}

impl Record for Commentary {
    type Key = (Month, String);

    const TYPE: RecordType = RecordType {
        file: RecordFile::Commentaries,
        name: "commentary",
        file_name: "commentaries.csv",
        table: "commentaries",
        key: &["month", "section"],
        versioned: false,
        form: None,
        columns: &[
            Column::required("month"),
            Column::required("section"),
            Column::required("text"),
            Column::required("written_by"),
            Column::required("written_on").date(),
            Column::optional("signed_off_by"),
            Column::optional("signed_off_on").date(),
        ],
    };

    fn key(&self) -> (Month, String) {
        (self.month, self.section.clone())
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.month.to_string(),
            self.section.clone(),
            self.text.clone(),
            self.written_by.clone(),
            self.written_on.to_string(),
            text(&self.signed_off_by).to_string(),
            date(self.signed_off_on),
        ]
    }

    fn read(row: &mut Row) -> Option<Commentary> {
        let month = row.req("month", |t| t.parse::<Month>());
        let section = row.req_string("section");
        let text = row.req_string("text");
        let written_by = row.req_string("written_by");
        let written_on = row.req("written_on", parse_date);
        let signed_off_by = row.opt_string("signed_off_by");
        let signed_off_on = row.opt("signed_off_on", parse_date);
        Some(Commentary {
            month: month?,
            section: section?,
            text: text?,
            written_by: written_by?,
            written_on: written_on?,
            signed_off_by,
            signed_off_on,
        })
    }
}

/// One figure of a section as it stood when the section was signed off.
#[derive(Debug, Clone, PartialEq)]
pub struct SignedFigure {
    pub month: Month,
    pub section: String,
    /// The figure's row in the section (its label).
    pub figure: String,
    /// `None`: undefined when signed off.
    pub value: Option<f64>,
}

impl Record for SignedFigure {
    type Key = (Month, String, String);

    const TYPE: RecordType = RecordType {
        file: RecordFile::SignedFigures,
        name: "signed-off figure",
        file_name: "signed_figures.csv",
        table: "signed_figures",
        key: &["month", "section", "figure"],
        versioned: false,
        form: None,
        columns: &[
            Column::required("month"),
            Column::required("section"),
            Column::required("figure"),
            Column::optional("value"),
        ],
    };

    fn key(&self) -> (Month, String, String) {
        (self.month, self.section.clone(), self.figure.clone())
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.month.to_string(),
            self.section.clone(),
            self.figure.clone(),
            self.value.map(|v| v.to_string()).unwrap_or_default(),
        ]
    }

    fn read(row: &mut Row) -> Option<SignedFigure> {
        let month = row.req("month", |t| t.parse::<Month>());
        let section = row.req_string("section");
        let figure = row.req_string("figure");
        let value = row.opt("value", parse_text_number);
        Some(SignedFigure { month: month?, section: section?, figure: figure?, value })
    }
}
