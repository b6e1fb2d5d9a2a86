//! Every table of the web app downloads as CSV and as XLSX: a page builds its tables as
//! [`DataTable`]s and answers `?download=csv|xlsx&table=ID` with one of them; its HTML shows
//! [`links`] beside each table. Numbers stay numbers in the workbook.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use rust_xlsxwriter::{Format, Workbook};

/// A cell of a downloaded table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    /// A measure's value: a number in the workbook; in the CSV, written exactly as `sendtrack
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
    pub fn value(measure: &sendtrack_domain::measures::MeasureDef, v: Option<f64>) -> Cell {
        v.map_or(Cell::Empty, |n| Cell::Value(n, sendtrack_interchange::scorecard::csv_value(measure, Some(n))))
    }

    fn csv(&self) -> String {
        match self {
            // Neutralised against formula injection: people open these in spreadsheets.
            Cell::Text(t) => sendtrack_interchange::for_people::neutralise(t).into_owned(),
            Cell::Number(n) => n.to_string(),
            Cell::Value(_, written) => written.clone(),
            Cell::Empty => String::new(),
        }
    }
}

/// A table as it downloads: an id unique on its page, a title, the column headers and rows.
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
}

/// What a request asks to download.
#[derive(serde::Deserialize, Default, Clone)]
pub struct Download {
    pub download: Option<String>,
    pub table: Option<String>,
}

impl Download {
    /// Whether the request asks for a download at all.
    pub fn wanted(&self) -> bool {
        self.download.is_some()
    }
}

/// The answer to a download request: the table asked for in the format asked for; 404 for an
/// unknown table or format.
pub fn respond(tables: &[DataTable], asked: &Download, file_stem: &str) -> Response {
    let table = match asked.table.as_deref() {
        Some(id) => tables.iter().find(|t| t.id == id),
        None => tables.first(),
    };
    let Some(table) = table else { return not_found() };
    let name = format!("{file_stem}-{}", table.id);
    match asked.download.as_deref() {
        Some("csv") => csv(table, &name),
        Some("xlsx") => xlsx(table, &name),
        _ => not_found(),
    }
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "There is no such table to download.").into_response()
}

/// A table as a CSV attachment named `name`.csv.
pub(crate) fn csv(table: &DataTable, name: &str) -> Response {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut written = writer.write_record(&table.headers);
    for row in &table.rows {
        written = written.and_then(|()| writer.write_record(row.iter().map(Cell::csv)));
    }
    match (written, writer.into_inner()) {
        (Ok(()), Ok(body)) => attachment("text/csv; charset=utf-8", &format!("{name}.csv"), body),
        _ => crate::pages::server_error(),
    }
}

fn workbook(table: &DataTable) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    // Sheet names: at most 31 characters, none of []:*?/\.
    let sheet_name: String =
        table.title.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect::<String>().trim().to_string();
    sheet.set_name(if sheet_name.is_empty() { "Table" } else { &sheet_name })?;
    let bold = Format::new().set_bold();
    for (k, h) in table.headers.iter().enumerate() {
        sheet.write_string_with_format(0, k as u16, h, &bold)?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        for (k, cell) in row.iter().enumerate() {
            let (row, col) = (r as u32 + 1, k as u16);
            match cell {
                Cell::Text(t) => drop(sheet.write_string(row, col, t)?),
                Cell::Number(n) | Cell::Value(n, _) => drop(sheet.write_number(row, col, *n)?),
                Cell::Empty => {}
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofit();
    book.save_to_buffer()
}

fn xlsx(table: &DataTable, name: &str) -> Response {
    match workbook(table) {
        Ok(body) => attachment(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            &format!("{name}.xlsx"),
            body,
        ),
        Err(e) => crate::pages::failed(e),
    }
}

fn attachment(content_type: &'static str, file_name: &str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file_name}\"")),
        ],
        body,
    )
        .into_response()
}

/// The links that download `table` of the page at `path` (which may carry a query already).
pub fn links(path: &str, table: &DataTable) -> Markup {
    let join = if path.contains('?') { '&' } else { '?' };
    let href = |format: &str| {
        let query =
            serde_urlencoded::to_string([("download", format), ("table", table.id.as_str())]).unwrap_or_default();
        format!("{path}{join}{query}")
    };
    html! {
        p class="govuk-body-s st-downloads" {
            "Download this table: "
            a class="govuk-link" href=(href("csv")) download { "CSV" span class="govuk-visually-hidden" { ", " (table.title) } }
            ", "
            a class="govuk-link" href=(href("xlsx")) download { "Excel (XLSX)" span class="govuk-visually-hidden" { ", " (table.title) } }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> DataTable {
        let mut t = DataTable::new("requests", "Requests: by month", &["Month", "Requests"]);
        t.rows.push(vec![Cell::text("Oct 2026"), Cell::count(41)]);
        t.rows.push(vec![Cell::text("Nov 2026"), Cell::Empty]);
        t
    }

    async fn body(response: Response) -> (StatusCode, String, Vec<u8>) {
        let status = response.status();
        let disposition = response
            .headers()
            .get(header::CONTENT_DISPOSITION)
            .map(|v| v.to_str().unwrap_or_default().to_string())
            .unwrap_or_default();
        let bytes = axum::body::to_bytes(response.into_body(), 1_000_000).await.unwrap_or_default();
        (status, disposition, bytes.to_vec())
    }

    #[tokio::test]
    async fn a_table_downloads_as_csv_and_xlsx_and_unknown_tables_are_404() {
        let tables = [table()];
        let ask = |format: &str, id: &str| Download { download: Some(format.into()), table: Some(id.into()) };
        let (status, name, csv) = body(respond(&tables, &ask("csv", "requests"), "today")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(name.contains("today-requests.csv"));
        assert_eq!(String::from_utf8(csv).unwrap(), "Month,Requests\nOct 2026,41\nNov 2026,\n");
        let (status, name, xlsx) = body(respond(&tables, &ask("xlsx", "requests"), "today")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(name.contains("today-requests.xlsx") && xlsx.starts_with(b"PK"));
        assert_eq!(body(respond(&tables, &ask("csv", "nope"), "today")).await.0, StatusCode::NOT_FOUND);
        assert_eq!(body(respond(&tables, &ask("pdf", "requests"), "today")).await.0, StatusCode::NOT_FOUND);
    }

    #[test]
    fn links_keep_the_pages_query() {
        let html = links("/measures/x?month=2026-11", &table()).into_string();
        assert!(html.contains("/measures/x?month=2026-11&amp;download=csv&amp;table=requests"), "{html}");
        let html = links("/", &table()).into_string();
        assert!(html.contains("/?download=xlsx&amp;table=requests"), "{html}");
    }
}
