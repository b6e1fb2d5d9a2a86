//! The records as rows of text cells: the columns of each record type, and the conversion of
//! a record to its cells and back. The interchange files and the database tables both use
//! it, so a record has one written form wherever it is kept.

use crate::codes::Code;
use crate::dates::parse_date;
use crate::records::{Dated, RecordFile};

/// How a column is stored in a database table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Storage {
    Text,
    Integer,
    Real,
}

/// How a column is entered on a form and what its cells hold.
#[derive(Debug, Clone, Copy)]
pub enum Entry {
    /// Free text (or a number, for the columns a database stores as numbers).
    Text,
    /// A date, written YYYY-MM-DD (entered as day, month and year).
    Date,
    /// One of a code list: each code and its words for people.
    Code(fn() -> Vec<(&'static str, &'static str)>),
    /// `true` or `false`.
    Flag,
    /// The id of a record of another file.
    Reference(RecordFile),
}

/// Whether a column holds personal data, and what erasing the child does to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Personal {
    /// Not personal data.
    No,
    /// Personal, and removed when the child is erased.
    Erased,
    /// A name: personal, and replaced by "(erased)" when the child is erased.
    Name,
    /// Personal, but kept when the child is erased: the measures of past months count
    /// children by it (the date of birth gives the age band).
    Kept,
}

/// A column: its exact name, whether it must be present and filled in every row, how a
/// database stores it, how a form enters it and what it is called there, and whether it is
/// personal data.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    pub required: bool,
    /// Whether every row must fill it (false only for the columns made by `present`).
    pub filled: bool,
    pub storage: Storage,
    pub entry: Entry,
    /// What a form calls it ("" for the columns forms do not show).
    pub label: &'static str,
    /// A form's hint under the label.
    pub hint: Option<&'static str>,
    pub personal: Personal,
}

impl Column {
    const fn new(name: &'static str, required: bool, filled: bool, storage: Storage) -> Column {
        Column { name, required, filled, storage, entry: Entry::Text, label: "", hint: None, personal: Personal::No }
    }

    /// A column every row must fill.
    pub const fn required(name: &'static str) -> Column {
        Column::new(name, true, true, Storage::Text)
    }

    /// A column a file may leave out and a row may leave empty.
    pub const fn optional(name: &'static str) -> Column {
        Column::new(name, false, false, Storage::Text)
    }

    /// A column every file must have whose cells may be empty ("not known"): sendtrack's one
    /// relaxation of the interchange spec, for what a SEN2 return cannot say (see the README).
    pub const fn present(name: &'static str) -> Column {
        Column::new(name, true, false, Storage::Text)
    }

    /// A required whole number, stored as an integer.
    pub const fn whole(name: &'static str) -> Column {
        Column::new(name, true, true, Storage::Integer)
    }

    /// A required decimal number, stored as a real.
    pub const fn decimal(name: &'static str) -> Column {
        Column::new(name, true, true, Storage::Real)
    }

    /// A date.
    pub const fn date(self) -> Column {
        Column { entry: Entry::Date, ..self }
    }

    /// One of the codes of `T`.
    pub const fn code<T: Code>(self) -> Column {
        Column { entry: Entry::Code(codes_of::<T>), ..self }
    }

    /// `true` or `false`.
    pub const fn flag(self) -> Column {
        Column { entry: Entry::Flag, ..self }
    }

    /// The id of a record of `file`.
    pub const fn refers_to(self, file: RecordFile) -> Column {
        Column { entry: Entry::Reference(file), ..self }
    }

    /// What a form calls the column.
    pub const fn label(self, label: &'static str) -> Column {
        Column { label, ..self }
    }

    /// A form's hint under the label.
    pub const fn hint(self, hint: &'static str) -> Column {
        Column { hint: Some(hint), ..self }
    }

    /// Personal data, treated as `personal` says when the child is erased.
    pub const fn personal(self, personal: Personal) -> Column {
        Column { personal, ..self }
    }
}

/// Each code of `T` with its words, in spec order.
pub fn codes_of<T: Code>() -> Vec<(&'static str, &'static str)> {
    T::all().iter().map(|c| (c.code(), c.label())).collect()
}

pub(crate) fn date(d: Option<jiff::civil::Date>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

pub(crate) fn text<T: std::ops::Deref<Target = str>>(t: &Option<T>) -> &str {
    t.as_deref().unwrap_or("")
}

pub(crate) fn code<T: std::fmt::Display>(c: Option<T>) -> String {
    c.map(|c| c.to_string()).unwrap_or_default()
}

/// The cells of one row, read by column name, collecting problems as they are found.
pub struct Row<'a> {
    pub file: RecordFile,
    spec: &'static [Column],
    /// For each spec column (in spec order), its cell; `None` when the row has no such column.
    cells: &'a [Option<&'a str>],
    /// Problems found so far: the column and the message.
    pub problems: Vec<(&'static str, String)>,
    /// Where to start looking for the next column asked for: just after the last one found.
    /// A record reads its columns in their order, so the first name compared is nearly always
    /// the one asked for (a million rows of a dozen columns each, compared name by name from
    /// the first column, were a tenth of reading a folder).
    next: std::cell::Cell<usize>,
}

impl<'a> Row<'a> {
    /// A row of `file` whose cells are given in the order of its columns.
    pub fn new(file: RecordFile, cells: &'a [Option<&'a str>]) -> Row<'a> {
        Row { file, spec: file.columns(), cells, problems: Vec::new(), next: std::cell::Cell::new(0) }
    }

    /// The position of column `name` among the spec's columns.
    fn position(&self, name: &str) -> Option<usize> {
        let start = self.next.get();
        let found = (start..self.spec.len()).chain(0..start).find(|&k| self.spec[k].name == name)?;
        self.next.set(found + 1);
        Some(found)
    }

    /// The cell of column `name`: `None` when the row has no such column, empty text when
    /// the cell is empty.
    fn cell(&self, name: &str) -> Option<&'a str> {
        self.position(name).and_then(|k| self.cells.get(k).copied().flatten())
    }

    pub(crate) fn problem(&mut self, column: &str, message: impl Into<String>) {
        let column = self.spec.iter().find(|c| c.name == column).map_or("(unknown column)", |c| c.name);
        self.problems.push((column, message.into()));
    }

    /// The cell's text, `None` when empty or the column is absent.
    pub fn text(&self, name: &str) -> Option<&'a str> {
        self.cell(name).filter(|cell| !cell.is_empty())
    }

    pub(crate) fn required(&mut self, name: &str) -> Option<&'a str> {
        let cell = self.cell(name);
        // A column missing from the whole file is reported once, on its header line.
        if cell == Some("") {
            self.problem(name, format!("{name} is required but the cell is empty"));
        }
        cell.filter(|cell| !cell.is_empty())
    }

    pub(crate) fn parsed<T>(
        &mut self,
        name: &str,
        value: Option<&str>,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Option<T> {
        match parse(value?) {
            Ok(v) => Some(v),
            Err(message) => {
                self.problem(name, message);
                None
            }
        }
    }

    pub(crate) fn opt<T>(&mut self, name: &str, parse: impl Fn(&str) -> Result<T, String>) -> Option<T> {
        let value = self.text(name);
        self.parsed(name, value, parse)
    }

    pub(crate) fn req<T>(&mut self, name: &str, parse: impl Fn(&str) -> Result<T, String>) -> Option<T> {
        let value = self.required(name);
        self.parsed(name, value, parse)
    }

    pub(crate) fn opt_string(&mut self, name: &str) -> Option<String> {
        self.text(name).map(str::to_string)
    }

    pub(crate) fn req_string(&mut self, name: &str) -> Option<String> {
        self.required(name).map(str::to_string)
    }

    /// A code and the date that must come with it: both filled, or both empty.
    pub(crate) fn dated<T: Copy>(
        &mut self,
        code: &str,
        date: &str,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Option<Dated<T>> {
        let (code_text, date_text) = (self.text(code), self.text(date));
        let value = self.parsed(code, code_text, parse);
        let on = self.parsed(date, date_text, parse_date);
        match (code_text, date_text) {
            (Some(_), None) => self.problem(date, format!("{date} is required when {code} is filled")),
            (None, Some(_)) => self.problem(code, format!("{code} is required when {date} is filled")),
            _ => {}
        }
        Some(Dated::new(value?, on?))
    }
}

/// Reads a decimal number as the interchange writes it.
pub fn parse_text_number(text: &str) -> Result<f64, String> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
    let ok =
        !whole.is_empty() && !fraction.is_empty() && whole.bytes().chain(fraction.bytes()).all(|b| b.is_ascii_digit());
    if !ok {
        return Err(format!(
            "'{text}' is not a number (write digits with an optional minus sign and decimal point, for example 46.4)"
        ));
    }
    text.parse().map_err(|_| format!("'{text}' is not a number"))
}

pub(crate) fn parse_whole<T: std::str::FromStr>(what: &'static str) -> impl Fn(&str) -> Result<T, String> {
    move |text: &str| {
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("'{text}' is not {what}"));
        }
        text.parse().map_err(|_| format!("'{text}' is not {what}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A column is found wherever the search for it starts: in order, out of order, twice, and
    /// a column the row lacks (not in the file) is told apart from an empty cell.
    #[test]
    fn cells_are_found_by_name_in_any_order() {
        let cells = [Some("R1"), Some("C1"), Some("2026-01-05"), Some(""), None];
        let mut row = Row::new(RecordFile::Requests, &cells);
        assert_eq!(row.text("request_id"), Some("R1"));
        assert_eq!(row.text("received_on"), Some("2026-01-05"));
        assert_eq!(row.text("child_id"), Some("C1"));
        assert_eq!(row.text("request_id"), Some("R1"));
        assert_eq!(row.text("received_on"), Some("2026-01-05"));
        assert_eq!(row.text("source"), None);
        assert_eq!(row.required("caseworker"), None);
        assert!(row.problems.is_empty(), "a column not in the file is reported on its header, not here");
        assert_eq!(row.required("source"), None);
        assert_eq!(row.problems.len(), 1);
        assert_eq!(row.problems[0].0, "source");
        assert_eq!(row.text("no_such_column"), None);
        assert_eq!(row.required("child_id"), Some("C1"));
        assert_eq!(row.problems.len(), 1);
    }
}
