//! The web app's routes on every storage backend: sign-in, sessions, roles, pages, headers.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers may panic: a panic is a failed test.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use sendtrack_store::testing::on_each_backend;
use tower::ServiceExt;

use crate::support::*;

#[tokio::test]
async fn every_page_but_sign_in_needs_a_session() {
    on_each_backend("web_needs_session", |store, _| async move {
        let app = app(store).await;
        for path in ["/", "/scorecard", "/measures/plans_active", "/measures/plans_active/records.csv"] {
            let (status, headers, _) = get(&app, path, None).await;
            assert_eq!(status, StatusCode::SEE_OTHER, "{path}");
            assert_eq!(headers.get(header::LOCATION).unwrap(), "/sign-in", "{path}");
        }
        let (status, _, body) = get(&app, "/sign-in", None).await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains("Test Council") && body.contains("Email address"));
        let (_, _, body) = get(&app, "/", Some("sendtrack_session=forged")).await;
        assert!(body.is_empty(), "a forged cookie is sent to sign in");
    })
    .await;
}

#[tokio::test]
async fn a_wrong_password_or_unknown_email_gets_the_same_error() {
    on_each_backend("web_wrong_password", |store, _| async move {
        let app = app(store).await;
        let (status, headers, body) = sign_in(&app, "case@example.org", "wrong password here").await;
        assert_eq!(status, StatusCode::OK);
        assert!(headers.get(header::SET_COOKIE).is_none());
        assert!(body.contains("There is a problem") && body.contains("Enter a correct email address and password"));
        let (_, _, unknown) = sign_in(&app, "nobody@example.org", "correct horse battery").await;
        assert!(unknown.contains("Enter a correct email address and password"));
        let (_, _, empty) = sign_in(&app, "", "").await;
        assert!(empty.contains("Enter your email address") && empty.contains("Enter your password"));
    })
    .await;
}

#[tokio::test]
async fn a_caseworker_sees_today_and_an_analyst_starts_at_the_scorecard() {
    on_each_backend("web_roles", |store, _| async move {
        let app = app(store).await;
        let case = session(&app, "case@example.org").await;
        let (status, headers, body) = get(&app, "/", Some(&case)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains("Today, 30 November 2026") && body.contains("Awaiting a decision whether to assess"));
        let csp = headers.get(header::CONTENT_SECURITY_POLICY).unwrap().to_str().unwrap();
        assert!(
            csp.contains("script-src 'self'")
                && !csp.contains("unsafe-inline")
                && csp.contains("frame-ancestors 'none'")
        );
        assert_eq!(headers.get(header::X_CONTENT_TYPE_OPTIONS).unwrap(), "nosniff");

        let analyst = session(&app, "analyst@example.org").await;
        let (status, headers, _) = get(&app, "/", Some(&analyst)).await;
        assert_eq!(
            (status, headers.get(header::LOCATION).unwrap().to_str().unwrap()),
            (StatusCode::SEE_OTHER, "/scorecard")
        );
        let (status, _, body) = get(&app, "/scorecard?from=2026-01&to=2026-11", Some(&analyst)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains("Scorecard, Jan 2026 to Nov 2026") && body.contains("Active EHC plans"));
        assert!(
            body.contains("href=\"/measures/plans_active?month=2026-11#records\""),
            "each value links to its records"
        );
        let (status, _, body) = get(&app, "/measures/plans_active?month=2026-11", Some(&analyst)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains("role=\"img\"") && body.contains("The records behind Nov 2026"));
        let (status, headers, csv) =
            get(&app, "/measures/plans_active/records.csv?month=2026-11", Some(&analyst)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            headers.get(header::CONTENT_DISPOSITION).unwrap().to_str().unwrap().contains("plans_active-2026-11.csv")
        );
        assert!(
            csv.starts_with("record,id,child_id,counted,review_state,review_days_overdue,caseworker\n")
                && csv.lines().skip(1).all(|l| l.starts_with("plan,"))
        );
        // No names or dates of birth on the analyst's pages: children appear by opaque id only.
        assert!(!body.contains("date_of_birth") && !csv.contains("surname"));
    })
    .await;
}

#[tokio::test]
async fn unknown_pages_and_measures_are_404_and_sign_out_ends_the_session() {
    on_each_backend("web_404_sign_out", |store, _| async move {
        let app = app(store).await;
        let cookie = session(&app, "case@example.org").await;
        assert_eq!(get(&app, "/measures/no_such_measure", Some(&cookie)).await.0, StatusCode::NOT_FOUND);
        assert_eq!(get(&app, "/no/such/page", Some(&cookie)).await.0, StatusCode::NOT_FOUND);
        let token = csrf(&app, &cookie).await;
        let (status, _, _) = post(&app, "/sign-out", &cookie, &[("csrf_token", &token)]).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (status, _, _) = get(&app, "/", Some(&cookie)).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "the old cookie no longer works");
    })
    .await;
}

#[tokio::test]
async fn the_assets_are_served_by_the_binary() {
    on_each_backend("web_assets", |store, _| async move {
        let app = app(store).await;
        let (status, headers, css) = get(&app, "/assets/govuk.css", None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers.get(header::CONTENT_TYPE).unwrap(), "text/css");
        assert!(css.contains("font-family:arial,sans-serif") && !css.contains("GDS Transport"));
        let (status, _, js) = get(&app, "/assets/app.mjs", None).await;
        assert_eq!(status, StatusCode::OK);
        assert!(js.contains("initAll"));
    })
    .await;
}

#[tokio::test]
async fn a_caseworker_finds_a_child_and_reads_the_timeline_and_each_view_is_audited() {
    on_each_backend("web_child_record", |store, _| async move {
        let app = app(store.clone()).await;
        let cw = store.load().await.unwrap();
        let child = cw.children.iter().find(|c| cw.requests.iter().any(|r| r.child_id == c.child_id)).unwrap();
        let cookie = session(&app, "case@example.org").await;
        // Search is a POST: the name never goes into a URL.
        let token = csrf(&app, &cookie).await;
        let (status, _, body) =
            post(&app, "/children", &cookie, &[("q", &child.surname), ("csrf_token", &token)]).await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains(&format!("href=\"/children/{}\"", child.child_id)), "the child is found");
        let (status, _, page) = get(&app, &format!("/children/{}", child.child_id), Some(&cookie)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            page.contains(&child.surname)
                && page.contains("Timeline")
                && page.contains("Request for an EHC needs assessment received")
        );
        assert!(page.contains("govuk-tag"), "steps carry status tags");
        let audit = store.audit_of_child(&child.child_id, 100).await.unwrap();
        assert_eq!(
            audit.iter().map(|(_, who, what)| (who.as_str(), what.as_str())).collect::<Vec<_>>(),
            [("case@example.org", "view child")]
        );
        // Analysts do not see children's records; unknown ids are 404.
        let analyst = session(&app, "analyst@example.org").await;
        assert_eq!(get(&app, &format!("/children/{}", child.child_id), Some(&analyst)).await.0, StatusCode::FORBIDDEN);
        assert_eq!(get(&app, "/children/NOBODY", Some(&cookie)).await.0, StatusCode::NOT_FOUND);
        assert_eq!(store.audit_of_child(&child.child_id, 100).await.unwrap().len(), 1, "a refused read reads nothing");
    })
    .await;
}

#[tokio::test]
async fn the_board_report_and_its_workbook_download_from_the_web_app() {
    on_each_backend("web_board_report", |store, _| async move {
        let app = app(store).await;
        let cookie = session(&app, "analyst@example.org").await;
        let (status, headers, html) = get(&app, "/reports/board?month=2026-10", Some(&cookie)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("SEND statutory performance: board report, October 2026"));
        assert!(html.contains("Forecast from the end of October 2026"), "the pack's Forecast page");
        assert!(
            html.contains("href=\"/assets/board.css\"") && !html.contains("<style>"),
            "no inline style under the CSP"
        );
        assert!(html.contains("/reports/board.xlsx?month=2026-10"));
        assert!(!headers.get(header::CONTENT_SECURITY_POLICY).unwrap().to_str().unwrap().contains("unsafe-inline"));
        let (status, _, css) = get(&app, "/assets/board.css", None).await;
        assert_eq!(status, StatusCode::OK);
        assert!(css.contains("@page"));
        let request = Request::get("/reports/board.xlsx?month=2026-10")
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .unwrap();
        let response = app.clone().oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert!(
            response
                .headers()
                .get(header::CONTENT_DISPOSITION)
                .unwrap()
                .to_str()
                .unwrap()
                .contains("board-2026-10.xlsx")
        );
        let bytes = axum::body::to_bytes(response.into_body(), 50_000_000).await.unwrap();
        assert!(bytes.starts_with(b"PK"), "an xlsx file is a zip");
        assert_eq!(get(&app, "/reports/board", None).await.0, StatusCode::SEE_OTHER, "signed-in users only");
    })
    .await;
}

#[tokio::test]
async fn every_table_downloads_as_csv_and_xlsx() {
    on_each_backend("web_downloads", |store, _| async move {
        let app = app(store.clone()).await;
        let case = session(&app, "case@example.org").await;
        let (status, headers, csv) = get(&app, "/?caseworker=all&download=csv&table=requests", Some(&case)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            headers
                .get(header::CONTENT_DISPOSITION)
                .unwrap()
                .to_str()
                .unwrap()
                .contains("today-2026-11-30-requests.csv")
        );
        assert!(csv.starts_with("Open work,Cases\nRequests awaiting a decision whether to assess,"), "{csv}");
        let (_, _, today) = get(&app, "/?caseworker=all", Some(&case)).await;
        for table in ["requests", "advice", "reviews"] {
            assert!(today.contains(&format!("download=xlsx&amp;table={table}")), "Today links its {table} table");
            let (status, _, _) = get(&app, &format!("/?caseworker=all&download=xlsx&table={table}"), Some(&case)).await;
            assert_eq!(status, StatusCode::OK);
        }

        // The scorecard's download holds the values the measure pages show.
        let analyst = session(&app, "analyst@example.org").await;
        let (status, _, grid) =
            get(&app, "/scorecard?from=2026-01&to=2026-11&download=csv&table=scorecard", Some(&analyst)).await;
        assert_eq!(status, StatusCode::OK);
        let header_line = grid.lines().next().unwrap();
        assert!(
            header_line.starts_with("Measure,Id,Unit,2026-01,") && header_line.contains(",England,England period,")
        );
        let plans = grid.lines().find(|l| l.contains(",plans_active,")).unwrap();
        let nov: f64 = plans.split(',').nth(3 + 10).unwrap().parse().unwrap();
        let (_, _, months) =
            get(&app, "/measures/plans_active?month=2026-11&download=csv&table=months", Some(&analyst)).await;
        // 30 November: the month has not ended, and says so.
        assert_eq!(months.lines().last().unwrap(), format!("2026-11 (to date),{nov}"));
        let request = axum::http::Request::get("/scorecard?download=xlsx&table=scorecard")
            .header(header::COOKIE, &analyst)
            .body(axum::body::Body::empty())
            .unwrap();
        let response = tower::ServiceExt::oneshot(app.clone(), request).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let bytes = axum::body::to_bytes(response.into_body(), 10_000_000).await.unwrap();
        assert!(bytes.starts_with(b"PK"));

        // A breakdown, the records, the board report's tables; no names in an analyst's downloads.
        let (status, _, by) =
            get(&app, "/measures/plans_active?month=2026-11&download=csv&table=by-age_band", Some(&analyst)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(by.starts_with("Key,Value\n"));
        let (_, _, records) =
            get(&app, "/measures/plans_active?month=2026-11&download=csv&table=records", Some(&analyst)).await;
        assert!(records.starts_with("record,id,child_id,counted,review_state,review_days_overdue,caseworker\nplan,"));
        let cw = store.load().await.unwrap();
        assert!(!cw.children.iter().take(50).any(|c| records.contains(&c.surname)));
        let (status, _, board) =
            get(&app, "/reports/board?month=2026-10&download=csv&table=table-1", Some(&analyst)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(board.lines().next().unwrap().ends_with(
            ",2025-10,2025-11,2025-12,2026-01,2026-02,2026-03,2026-04,2026-05,2026-06,2026-07,2026-08,2026-09,2026-10"
        ));
        assert_eq!(
            get(&app, "/reports/board?month=2026-10&download=csv&table=table-99", Some(&analyst)).await.0,
            StatusCode::NOT_FOUND
        );

        // A child's timeline, for caseworkers.
        let child = &cw.requests[0].child_id;
        let (status, _, timeline) =
            get(&app, &format!("/children/{child}?download=csv&table=timeline"), Some(&case)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(timeline.starts_with("Date,Step,Record,Due,Status\n"));
        assert_eq!(
            get(&app, &format!("/children/{child}?download=csv&table=timeline"), Some(&analyst)).await.0,
            StatusCode::FORBIDDEN
        );
    })
    .await;
}

#[tokio::test]
async fn a_childs_page_says_what_is_not_known_rather_than_inventing_it() {
    on_each_backend("web_unknowns", |store, _| async move {
        use sendtrack_domain::codes::DisputeKind;
        use sendtrack_domain::records::{Casework, Dispute};
        let app = app(store.clone()).await;
        let cw = store.load().await.unwrap();
        // A request as a SEN2 import leaves it: no source, and an appeal flagged without a date.
        let mut request = cw.requests[0].clone();
        request.source = None;
        let dispute = Dispute {
            dispute_id: "FROM-SEN2".into(),
            child_id: request.child_id.clone(),
            kind: DisputeKind::Appeal,
            request_id: Some(request.request_id.clone()),
            opened_on: None,
            outcome: None,
        };
        let child = request.child_id.clone();
        let update = Casework {
            requests: imbl::vector![request.clone()],
            disputes: imbl::vector![dispute],
            ..Casework::default()
        };
        store.save(&update, &|_| {}).await.unwrap();
        let manager = session(&app, "manager@example.org").await;
        let (status, _, page) = get(&app, &format!("/children/{child}"), Some(&manager)).await;
        assert_eq!(status, StatusCode::OK);
        let fact = |key: &str, value: &str| {
            format!(
                "<dt class=\"govuk-summary-list__key\">{key}</dt><dd class=\"govuk-summary-list__value\">{value}</dd>"
            )
        };
        assert!(page.contains(&fact("Made by", "Not known")), "the request's source");
        assert!(
            page.contains(&fact("Began", "Date not known"))
                && page.contains(&fact("About request", &request.request_id)),
            "the appeal, linked to its request"
        );
    })
    .await;
}

#[tokio::test]
async fn the_month_to_date_is_labelled_and_a_month_to_come_refused_everywhere() {
    on_each_backend("web_to_date", |store, _| async move {
        let app = app(store).await;
        let analyst = session(&app, "analyst@example.org").await;
        // 30 November: the default range ends with October, and links to October's report.
        let (_, _, page) = get(&app, "/scorecard", Some(&analyst)).await;
        assert!(
            page.contains("Oct 2025 to Oct 2026") && page.contains("/reports/board?month=2026-10"),
            "default range"
        );
        assert!(!page.contains("(to date)"));
        let (_, _, page) = get(&app, "/scorecard?from=2026-01&to=2026-11", Some(&analyst)).await;
        assert!(page.contains("Nov 2026 (to date)") && page.contains("has not ended"));
        let (_, _, page) = get(&app, "/measures/advice_overdue?month=2026-11", Some(&analyst)).await;
        assert!(page.contains("Nov 2026 (to date)"));
        for path in [
            "/scorecard?from=2026-01&to=2026-12",
            "/measures/advice_overdue?month=2026-12",
            "/measures/advice_overdue/records.csv?month=2026-12",
            "/reports/board?month=2026-12",
            "/reports/board.xlsx?month=2026-12",
        ] {
            let (status, _, page) = get(&app, path, Some(&analyst)).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
            assert!(page.contains("has not started yet"), "{path}");
        }
    })
    .await;
}

#[tokio::test]
async fn a_child_is_found_surname_first_by_date_of_birth_or_postcode_with_a_count_and_pages() {
    on_each_backend("web_search", |store, _| async move {
        let app = app(store.clone()).await;
        let cw = store.load().await.unwrap();
        let child = cw.children.iter().find(|c| c.postcode.is_some()).unwrap().clone();
        let cookie = session(&app, "case@example.org").await;
        let token = csrf(&app, &cookie).await;
        let search = |q: String, page: &'static str| {
            let (app, cookie, token) = (app.clone(), cookie.clone(), token.clone());
            async move { post(&app, "/children", &cookie, &[("q", &q), ("page", page), ("csrf_token", &token)]).await.2 }
        };
        let link = format!("href=\"/children/{}\"", child.child_id);
        let (d, m, y) = (child.date_of_birth.day(), child.date_of_birth.month(), child.date_of_birth.year());
        for q in [
            format!("{}, {}", child.surname, child.forename),
            format!("{} {}", child.forename, child.surname).to_uppercase(),
            format!("{d}/{m}/{y}"),
            child.postcode.clone().unwrap(),
            child.child_id.to_string(),
        ] {
            let body = search(q.clone(), "1").await;
            assert!(body.contains(&link), "{q} finds the child");
            assert!(body.contains("children match") || body.contains("child matches"), "{q}: the count");
        }
        // A first letter finds many: counted, and paged by POST (no name in any address).
        let body = search("a".to_string(), "1").await;
        let total = sendtrack_domain::search::find_children(&cw, "a", jiff::civil::date(2026, 11, 30)).len();
        assert!(total > 25, "{total}");
        assert!(body.contains(&format!("<strong>{total}</strong> children match")) && body.contains("Page 1 of"));
        assert!(body.contains("name=\"page\" value=\"2\""), "a button for the next page");
        let second = search("a".to_string(), "2").await;
        assert!(second.contains("Page 2 of") && second.contains(": 26 to "), "the second page");
    })
    .await;
}

#[tokio::test]
async fn a_measure_page_crosses_two_breakdowns_with_the_one_way_values_as_totals() {
    on_each_backend("web_two_way", |store, _| async move {
        let app = app(store.clone()).await;
        let analyst = session(&app, "analyst@example.org").await;
        let (status, _, page) = get(&app, "/measures/plans_active?month=2026-10", Some(&analyst)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Two breakdowns at once") && !page.contains("(rows) and"), "the form, no table yet");
        let (status, _, page) =
            get(&app, "/measures/plans_active?month=2026-10&by=setting&across=phase", Some(&analyst)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("by setting (rows) and phase (columns)"), "{page}");
        // The corner is the headline: every plan in force at the end of October.
        let cw = store.load().await.unwrap();
        let end = jiff::civil::date(2026, 10, 31);
        let active = cw.plans.iter().filter(|p| p.is_active_at(end)).count();
        let corner = "<th scope=\"row\" class=\"govuk-table__header\">All</th>";
        let at = page.rfind(corner).expect("an All row");
        assert!(page[at..].contains(&format!(">{active}</td>")), "the headline {active} in the All row");
        // A breakdown the measure does not have shows no table.
        let (_, _, page) = get(&app, "/measures/plans_active?month=2026-10&by=kind&across=phase", Some(&analyst)).await;
        assert!(!page.contains("(rows) and"));
    })
    .await;
}

#[tokio::test]
async fn the_scorecard_over_a_term_sits_beside_the_same_term_a_year_before() {
    on_each_backend("web_periods", |store, _| async move {
        let app = app(store.clone()).await;
        let viewer = session(&app, "viewer@example.org").await;
        let (status, _, page) =
            get(&app, "/scorecard/periods?period=term&to=2026-10&compare=year_before", Some(&viewer)).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(page.contains("Autumn term to date (September 2026 to October 2026)"), "{page}");
        assert!(page.contains("Sep 2025 to Oct 2025") && page.contains("Change"));
        assert!(page.contains("(at Oct 2026)"), "as-at measures say so");
        let (_, _, page) = get(&app, "/scorecard/periods?period=span&from=2026-01&to=2026-05", Some(&viewer)).await;
        assert!(page.contains("January 2026 to May 2026") && !page.contains(">Change<"));
        let (_, _, page) = get(&app, "/scorecard/periods?period=days:7", Some(&viewer)).await;
        assert!(page.contains("The last 7 days") && page.contains("24 November 2026 to 30 November 2026"), "{page}");
    })
    .await;
}

/// Issue 16, goal 1: when the latest figures are not ready within the page's patience, the
/// scorecard page shows the figures it has, says how many changes they leave out, and has the
/// latest ones a moment later; a download is always of the latest records.
#[tokio::test]
async fn the_scorecard_page_shows_figures_behind_a_change_while_the_latest_are_worked_out() {
    on_each_backend("web_behind", |store, _| async move {
        use sendtrack_domain::records::Casework;
        let state = state_with(store.clone(), sendtrack_web::Protection::default()).await;
        let app =
            sendtrack_web::router(std::sync::Arc::new(state.with_scorecard_patience(Some(std::time::Duration::ZERO))));
        let analyst = session(&app, "analyst@example.org").await;
        let (table, banner) = (first_table, SCORECARD_BEHIND);
        let (_, _, first) = get(&app, "/scorecard", Some(&analyst)).await;
        assert!(!first.contains(banner), "nothing computed before: the page waits for its figures");
        let download = |app: &axum::Router| {
            let app = app.clone();
            let analyst = analyst.clone();
            async move { get(&app, "/scorecard?download=csv&table=scorecard", Some(&analyst)).await.2 }
        };
        let received = |csv: &str| csv.lines().find(|l| l.contains(",requests_received,")).unwrap().to_string();
        let first_csv = download(&app).await;
        // A request received in October, saved by another program (an import).
        let cw = store.load().await.unwrap();
        let mut request = cw.requests[0].clone();
        request.request_id = "R-LATE".into();
        request.received_on = jiff::civil::date(2026, 10, 15);
        request.decision = None;
        request.draft_issued_on = None;
        request.outcome = None;
        store.save(&Casework { requests: imbl::vector![request], ..Casework::default() }, &|_| {}).await.unwrap();
        let (_, _, behind) = get(&app, "/scorecard", Some(&analyst)).await;
        assert!(behind.contains(&format!("{banner} change saved to the records.")), "the page says so");
        assert_eq!(table(&behind), table(&first), "the figures before the change");
        assert_ne!(received(&download(&app).await), received(&first_csv), "a download counts the request");
        let latest = scorecard_when_current(&app, &analyst).await;
        assert!(!latest.contains(banner), "the latest figures came");
        assert_ne!(table(&latest), table(&first), "and count the request");
    })
    .await;
}
