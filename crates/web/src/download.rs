//! Every table of the web app downloads as CSV and as XLSX: a page builds its tables as
//! [`DataTable`]s (the report crate's one table type) and answers `?download=csv|xlsx&table=ID` with one of them; its HTML shows
//! [`links`] beside each table. Numbers stay numbers in the workbook.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};

pub use sendtrack_report::table::{Cell, DataTable};

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
    match table.csv_bytes() {
        Ok(body) => attachment("text/csv; charset=utf-8", &format!("{name}.csv"), body),
        Err(e) => crate::pages::failed(e),
    }
}

fn xlsx(table: &DataTable, name: &str) -> Response {
    match table.xlsx_bytes() {
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
