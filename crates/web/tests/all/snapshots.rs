//! Snapshots of rendered pages (the content of `<main>`, where a page's own markup is): a change
//! to what a page says or how it is built shows as a diff in review
//! (`crates/web/tests/all/snapshots/`), accepted by re-running with `INSTA_UPDATE=always`. Both
//! backends must render the same page.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers may panic: a panic is a failed test.

use crate::support::{app, get, session};
use axum::http::StatusCode;
use sendtrack_store::testing::on_each_backend;

/// The page's `<main>` element, where its own content is (the layout around it carries the
/// session's CSRF token, which changes with every sign-in).
fn main_of(page: &str) -> String {
    let start = page.find("<main").expect("a page has a main element");
    let end = page.find("</main>").expect("its main element ends") + "</main>".len();
    // One element per line, so that a diff points at what changed.
    page[start..end].replace("><", ">\n<")
}

#[tokio::test]
async fn pages_render_as_before() {
    on_each_backend("web_snapshots", |store, _| async move {
        let app = app(store).await;
        let caseworker = session(&app, "case@example.org").await;
        let (status, _, today) = get(&app, "/", Some(&caseworker)).await;
        assert_eq!(status, StatusCode::OK);
        insta::assert_snapshot!("today_for_a_caseworker", main_of(&today));
        let analyst = session(&app, "analyst@example.org").await;
        let (status, _, measure) =
            get(&app, "/measures/decisions_within_6_weeks_pct?month=2026-10", Some(&analyst)).await;
        assert_eq!(status, StatusCode::OK);
        insta::assert_snapshot!("a_measure_for_an_analyst", main_of(&measure));
        let (status, _, missing) = get(&app, "/no-such-page", Some(&analyst)).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        insta::assert_snapshot!("page_not_found", main_of(&missing));
    })
    .await;
}
