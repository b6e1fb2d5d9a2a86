//! The board report in the web app: the same pack as `sendtrack report --format html`, with the
//! workbook to download.

use crate::AppState;
use crate::auth::SignedIn;
use crate::download::{DataTable, Download, links, respond};
use crate::error::Answer;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use maud::html;
use sendtrack_domain::dates::Month;
use sendtrack_domain::measures::engine::Engine;
use sendtrack_report::pack::{Styles, board_pack_with};
use std::sync::Arc;

#[derive(serde::Deserialize, Default)]
pub struct Which {
    month: Option<String>,
}

/// A month as a download's column heading: `2026-11`, or `2026-12 (to date)` for the month
/// that has not ended.
pub(crate) fn month_heading(card: &sendtrack_domain::measures::scorecard::Scorecard, month: Month) -> String {
    if card.is_to_date(month) { format!("{month} (to date)") } else { month.to_string() }
}

/// For a month that has not begun, the page that says so (a month to come has no figures).
pub(crate) fn not_begun(state: &AppState, user: &crate::auth::Session, month: Month) -> Option<Response> {
    let said = sendtrack_domain::dates::month_begun(month, state.today()).err()?;
    Some(super::message(
        axum::http::StatusCode::BAD_REQUEST,
        &state.authority,
        Some(user),
        "Choose another month",
        &[html! { (said) }],
    ))
}

/// The month a report is for: the one asked for, else the last complete month.
fn month_of(state: &AppState, which: Which) -> Month {
    which
        .month
        .and_then(|m| m.parse::<Month>().ok())
        .unwrap_or_else(|| sendtrack_domain::dates::last_complete_month(state.today()))
}

/// The board report's tables as they download, months across.
fn tables(card: &sendtrack_domain::measures::scorecard::Scorecard) -> Vec<DataTable> {
    let months: Vec<String> = card.months.iter().map(|m| month_heading(card, *m)).collect();
    sendtrack_report::board::tables(card)
        .iter()
        .enumerate()
        .map(|(k, table)| table.data(format!("table-{}", k + 1), &months))
        .collect()
}

pub async fn board(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Query(which): Query<Which>,
    Query(download): Query<Download>,
) -> Answer {
    let month = month_of(&state, which);
    if let Some(refused) = not_begun(&state, &user, month) {
        return Ok(refused);
    }
    let card = state.scorecard(month.plus(-12), month).await?;
    let downloads = tables(&card);
    if download.wanted() {
        state.audit().record(&user, "download board report table", None).await?;
        return Ok(respond(&downloads, &download, &format!("board-{month}")));
    }
    let here = format!("/reports/board?month={month}");
    let back = html! {
        p {
            a href="/scorecard" { "Back to the scorecard" }
            " · "
            a href=(format!("/reports/board.xlsx?month={month}")) { "Download the workbook (XLSX)" }
        }
        details {
            summary { "Download each table as CSV or XLSX" }
            ul {
                @for t in &downloads {
                    li { (t.title) ": " (links(&here, t)) }
                }
            }
        }
    };
    // The forecast from the report's month, or the month before while it is to date.
    let as_of = if month < sendtrack_domain::dates::Month::containing(state.today()) { month } else { month.plus(-1) };
    let forecast = super::forecast::forecast_from(&state, as_of, 12).await?.forecast;
    let cw = state.casework().await?;
    let paper = sendtrack_report::paper::paper(&cw, &card);
    Ok(Html(board_pack_with(
        &card,
        &state.authority,
        &state.today().to_string(),
        Styles::Linked("/assets/board.css"),
        Some(back),
        Some(forecast.as_ref()),
        Some(&paper),
    ))
    .into_response())
}

pub async fn workbook(
    State(state): State<Arc<AppState>>,
    SignedIn(user): SignedIn,
    Query(which): Query<Which>,
) -> Answer {
    let month = month_of(&state, which);
    if let Some(refused) = not_begun(&state, &user, month) {
        return Ok(refused);
    }
    let today = state.today();
    state.audit().record(&user, "download board workbook", None).await?;
    let cw = state.casework().await?;
    // Built in memory: concurrent downloads share no file.
    let written = tokio::task::spawn_blocking(move || {
        let engine = Engine::as_at(&cw, today);
        sendtrack_report::workbook::workbook_bytes(&engine, month, 2).map_err(|e| e.to_string())
    })
    .await??;
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"board-{month}.xlsx\"")),
        ],
        written,
    )
        .into_response())
}
