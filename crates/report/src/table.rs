//! One table type for every table sendtrack hands to a person as data: the web app's
//! downloads (CSV and XLSX beside each table), the board report's tables, and the CLI's drill
//! (text, CSV, JSON). A table is an id, a title, column headers and rows of typed cells, so a
//! number stays a number in a workbook and a text cell is neutralised in a CSV.

use rust_xlsxwriter::{Format, Workbook};
use sendtrack_domain::measures::MeasureDef;

/// A cell of a table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    /// A measure's value: a number in a workbook; in a CSV, written exactly as `sendtrack
    /// scorecard --format csv` writes it (whole for counts, else four decimals).
    Value(f64, String),
    Empty,
}

impl Cell {
    pub fn text(t: impl Into<String>) -> Cell {
        Cell::Text(t.into())
    }

    pub fn count(n: usize) -> Cell {
        Cell::Number(n as f64)
    }

    /// The value `v` of `measure` (empty when undefined).
    pub fn value(measure: &MeasureDef, v: Option<f64>) -> Cell {
        v.map_or(Cell::Empty, |n| Cell::Value(n, sendtrack_interchange::scorecard::csv_value(measure, Some(n))))
    }

    /// The cell as written in a CSV for people: text neutralised against formula injection,
    /// as people open these files in spreadsheets.
    pub fn csv(&self) -> String {
        match self {
            Cell::Text(t) => sendtrack_interchange::for_people::neutralise(t).into_owned(),
            other => other.plain(),
        }
    }

    /// The cell as words, for a terminal or JSON.
    pub fn plain(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Number(n) => n.to_string(),
            Cell::Value(_, written) => written.clone(),
            Cell::Empty => String::new(),
        }
    }
}

/// A table: an id unique where it is shown, a title, the column headers and the rows.
#[derive(Debug, Clone, PartialEq)]
pub struct DataTable {
    pub id: String,
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl DataTable {
    pub fn new(id: impl Into<String>, title: impl Into<String>, headers: &[&str]) -> DataTable {
        DataTable {
            id: id.into(),
            title: title.into(),
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    /// The table as CSV for people (see [`Cell::csv`]), header first.
    pub fn csv_bytes(&self) -> Result<Vec<u8>, csv::Error> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        self.write_csv(&mut writer)?;
        writer.into_inner().map_err(|e| csv::Error::from(e.into_error()))
    }

    /// Writes the table as CSV for people into `writer`, header first.
    pub fn write_csv<W: std::io::Write>(&self, writer: &mut csv::Writer<W>) -> Result<(), csv::Error> {
        writer.write_record(&self.headers)?;
        for row in &self.rows {
            writer.write_record(row.iter().map(Cell::csv))?;
        }
        writer.flush()?;
        Ok(())
    }

    /// Writes the header (in `header`'s format) and the rows into `sheet`, numbers as numbers.
    pub fn write_to(
        &self,
        sheet: &mut rust_xlsxwriter::Worksheet,
        header: &Format,
    ) -> Result<(), rust_xlsxwriter::XlsxError> {
        for (k, h) in self.headers.iter().enumerate() {
            sheet.write_string_with_format(0, k as u16, h, header)?;
        }
        for (r, row) in self.rows.iter().enumerate() {
            for (k, cell) in row.iter().enumerate() {
                let (row, col) = (r as u32 + 1, k as u16);
                match cell {
                    Cell::Text(t) => drop(sheet.write_string(row, col, t)?),
                    Cell::Number(n) | Cell::Value(n, _) => drop(sheet.write_number(row, col, *n)?),
                    Cell::Empty => {}
                }
            }
        }
        Ok(())
    }

    /// The table as a workbook of one sheet named after its title: the header bold and
    /// frozen, numbers as numbers, columns fitted.
    pub fn xlsx_bytes(&self) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        // Sheet names: at most 31 characters, none of []:*?/\.
        let sheet_name: String =
            self.title.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect::<String>().trim().to_string();
        sheet.set_name(if sheet_name.is_empty() { "Table" } else { &sheet_name })?;
        self.write_to(sheet, &Format::new().set_bold())?;
        sheet.set_freeze_panes(1, 0)?;
        sheet.autofit();
        book.save_to_buffer()
    }

    /// The table as text for a terminal: the first column left-aligned, the rest right-aligned,
    /// each line indented by two spaces.
    pub fn text(&self) -> String {
        let plain: Vec<Vec<String>> = self.rows.iter().map(|r| r.iter().map(Cell::plain).collect()).collect();
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.chars().count()).collect();
        for row in &plain {
            for (k, cell) in row.iter().enumerate() {
                if k < widths.len() {
                    widths[k] = widths[k].max(cell.chars().count());
                }
            }
        }
        let line = |cells: Vec<&str>| {
            let padded: Vec<String> = cells
                .iter()
                .enumerate()
                .map(|(k, c)| {
                    let w = widths.get(k).copied().unwrap_or(0);
                    if k == 0 { format!("{c:<w$}") } else { format!("{c:>w$}") }
                })
                .collect();
            format!("  {}\n", padded.join("  ").trim_end())
        };
        let mut out = line(self.headers.iter().map(String::as_str).collect());
        for row in &plain {
            out.push_str(&line(row.iter().map(String::as_str).collect()));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_table_as_csv_text_and_workbook() {
        let mut t = DataTable::new("records", "Records", &["record", "id", "amount"]);
        t.rows.push(vec![Cell::text("advice"), Cell::text("=A1"), Cell::Number(12.5)]);
        t.rows.push(vec![Cell::text("request"), Cell::text("R10"), Cell::Empty]);
        let csv = String::from_utf8(t.csv_bytes().unwrap()).unwrap();
        assert_eq!(csv, "record,id,amount\nadvice,'=A1,12.5\nrequest,R10,\n");
        assert_eq!(t.text(), "  record    id  amount\n  advice   =A1    12.5\n  request  R10\n");
        assert!(t.xlsx_bytes().unwrap().starts_with(b"PK"), "a workbook is a zip");
    }
}
