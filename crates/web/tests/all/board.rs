//! The rest of the board paper (issue 22) through the web app: a partner's values loaded all
//! or nothing, a strand rated, an audit recorded, and a section's commentary signed off, with a
//! figure a late record changes afterwards flagged in the app and the pack.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers may panic: a panic is a failed test.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use sendtrack_store::testing::on_each_backend;
use tower::ServiceExt;

use crate::support::*;

/// A multipart upload of one file of indicator values, the token first.
async fn load_values(app: &axum::Router, cookie: &str, token: &str, csv: &str) -> (StatusCode, String) {
    let boundary = "----sendtrack-board-boundary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"values.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n--{boundary}--\r\n"
    );
    let request = Request::post("/indicators/values")
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .body(Body::from(body))
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn a_partners_values_load_all_or_nothing_and_the_overdue_flag_goes() {
    on_each_backend("web_board_values", |store, _| async move {
        let app = app(store.clone()).await;
        let manager = session(&app, "manager@example.org").await;
        let (status, _, page) = get(&app, "/indicators", Some(&manager)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("CAMHS data not received since"), "the demo's CAMHS figures stopped arriving");
        let token = csrf_in(&page);
        let held = store.load().await.unwrap().indicator_values.len();

        // One bad row: nothing of the file is loaded, and the problem names its line and column.
        let bad = "indicator_id,period,value,received_on\ncamhs_seen_18_weeks_pct,2026-10,66,2026-11-10\nnot_an_indicator,2026-10,5,2026-11-10\n";
        let (status, page) = load_values(&app, &manager, &token, bad).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(page.contains("indicator_values.csv:3:indicator_id: indicator_id &#39;not_an_indicator&#39; does not exist")
            || page.contains("indicator_values.csv:3:indicator_id"), "{page}");
        assert_eq!(store.load().await.unwrap().indicator_values.len(), held);

        let good = "indicator_id,period,value,received_on,note\ncamhs_seen_18_weeks_pct,2026-09,64,2026-10-10,\ncamhs_seen_18_weeks_pct,2026-10,66,2026-11-10,late\n";
        let (status, _) = load_values(&app, &manager, &token, good).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, _, page) = get(&app, "/indicators?loaded=2", Some(&manager)).await;
        assert!(page.contains("Loaded 2 values"));
        assert!(page.contains("Supplied by CAMHS, received on 10 November 2026 (for October 2026)"), "{page}");
        assert!(!page.contains("CAMHS data not received since"));
        assert_eq!(store.load().await.unwrap().indicator_values.len(), held + 2);

        // An analyst loads them too; a caseworker and a viewer may not.
        for (who, allowed) in [("analyst@example.org", true), ("case@example.org", false), ("viewer@example.org", false)] {
            let cookie = session(&app, who).await;
            let token = csrf(&app, &cookie).await;
            let (status, _) = load_values(&app, &cookie, &token, good).await;
            assert_eq!(status == StatusCode::SEE_OTHER, allowed, "{who}: {status}");
        }
    })
    .await;
}

#[tokio::test]
async fn a_manager_rates_a_strand_and_records_an_audit_and_the_measures_follow() {
    on_each_backend("web_board_plan", |store, _| async move {
        let app = app(store.clone()).await;
        let manager = session(&app, "manager@example.org").await;
        let (status, _, page) = get(&app, "/improvement", Some(&manager)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Timely assessments and plans"));
        let token = csrf_in(&page);
        let (status, _, page) =
            post(&app, "/improvement/timeliness", &manager, &[("csrf_token", &token), ("rag", "red")]).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "a rating needs its reason");
        assert!(page.contains("Say why the strand has this rating"));
        let form = [("csrf_token", token.as_str()), ("rag", "red"), ("reason", "a milestone is past its new date")];
        let (status, _, _) = post(&app, "/improvement/timeliness", &manager, &form).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, _, page) = get(&app, "/improvement/timeliness", Some(&manager)).await;
        assert!(
            page.contains("Moved to red from amber on 30 November 2026: a milestone is past its new date"),
            "{page}"
        );
        let analyst = session(&app, "analyst@example.org").await;
        let (status, _, _) = post(&app, "/improvement/timeliness", &analyst, &form).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "the board's rating is a manager's");

        // A quality audit of a plan, recorded and then moderated.
        let cw = store.load().await.unwrap();
        let plan = cw.plans.iter().find(|p| p.issued_on.year() == 2026).unwrap();
        let auditor = cw.staff.iter().find(|m| m.ended_on.is_none()).unwrap().staff_id.to_string();
        let audited_before =
            cw.quality_audits.iter().filter(|a| a.audited_on.year() == 2026 && a.audited_on.month() == 11).count();
        let form = [
            ("csrf_token", token.as_str()),
            ("audit_id", "QA-TEST-1"),
            ("child_id", plan.child_id.as_str()),
            ("subject", "plan"),
            ("subject_id", plan.plan_id.as_str()),
            ("auditor", auditor.as_str()),
            ("audited_on-day", "20"),
            ("audited_on-month", "11"),
            ("audited_on-year", "2026"),
            ("grade", "inadequate"),
        ];
        let (status, headers, page) = post(&app, "/plan-quality/new", &manager, &form).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
        assert_eq!(headers[header::LOCATION], "/plan-quality?saved=QA-TEST-1");
        let (_, _, page) = get(&app, "/plan-quality?month=2026-11", Some(&manager)).await;
        assert!(page.contains("QA-TEST-1"));
        let cw = store.load().await.unwrap();
        let audited =
            cw.quality_audits.iter().filter(|a| a.audited_on.year() == 2026 && a.audited_on.month() == 11).count();
        assert_eq!(audited, audited_before + 1);
        // The audit of another child's plan is refused.
        let other = cw.plans.iter().find(|p| p.child_id != plan.child_id).unwrap();
        let mut wrong = form;
        wrong[1] = ("audit_id", "QA-TEST-2");
        wrong[4] = ("subject_id", other.plan_id.as_str());
        let (status, _, page) = post(&app, "/plan-quality/new", &manager, &wrong).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(page.contains("belongs to another child"), "{page}");
    })
    .await;
}

#[tokio::test]
async fn a_figure_changed_after_sign_off_is_flagged_with_its_old_and_new_value() {
    on_each_backend("web_board_sign_off", |store, _| async move {
        let app = app(store.clone()).await;
        let analyst = session(&app, "analyst@example.org").await;
        let (status, _, page) = get(&app, "/board/commentary?month=2026-10", Some(&analyst)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(!page.contains(">Sign off<"), "an analyst drafts, a manager signs off");
        let token = csrf_in(&page);
        let draft = [
            ("csrf_token", token.as_str()),
            ("month", "2026-10"),
            ("section", "requests"),
            ("text", "Requests fell after the summer."),
        ];
        let (status, _, _) = post(&app, "/board/commentary", &analyst, &draft).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (status, _, _) = post(&app, "/board/commentary/sign-off", &analyst, &draft).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let viewer = session(&app, "viewer@example.org").await;
        assert_eq!(get(&app, "/board/commentary", Some(&viewer)).await.0, StatusCode::FORBIDDEN);

        let manager = session(&app, "manager@example.org").await;
        let token = csrf(&app, &manager).await;
        let sign = [
            ("csrf_token", token.as_str()),
            ("month", "2026-10"),
            ("section", "requests"),
            ("text", "Requests fell after the summer."),
        ];
        let (status, _, _) = post(&app, "/board/commentary/sign-off", &manager, &sign).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, _, pack) = get(&app, "/reports/board?month=2026-10", Some(&manager)).await;
        assert!(pack.contains("Signed off: Requests by manager@example.org on 30 November 2026."));
        assert!(pack.contains("Requests fell after the summer."));
        assert!(!pack.contains("changed after sign-off"));
        let cw = store.load().await.unwrap();
        let signed = cw
            .signed_figures
            .iter()
            .find(|f| f.section == "requests" && f.figure == "Requests received in the month")
            .and_then(|f| f.value)
            .unwrap();

        // A request received in October, recorded late.
        let mut late = sendtrack_domain::records::Casework::default();
        let first = cw.requests[0].clone();
        late.requests.push_back(sendtrack_domain::records::Request {
            request_id: "LATE-1".into(),
            received_on: jiff::civil::date(2026, 10, 15),
            decision: None,
            outcome: None,
            draft_issued_on: None,
            exception: None,
            ..first
        });
        store.save(&late, &|_| {}).await.unwrap();
        let changed = format!("Requests received in the month: {signed} when signed off, {} now", signed + 1.0);
        let (_, _, pack) = get(&app, "/reports/board?month=2026-10", Some(&manager)).await;
        // One request changes the month's count, its change on a year before, the year to date,
        // the rate and its source's row: each is listed with its old and new value.
        assert!(pack.contains("figures changed after sign-off"));
        assert!(pack.contains(&changed), "{changed}");
        let year_to_date = cw
            .signed_figures
            .iter()
            .find(|f| f.figure == "Requests received, year to date")
            .and_then(|f| f.value)
            .unwrap();
        assert!(pack.contains(&format!(
            "Requests received, year to date: {year_to_date} when signed off, {} now",
            year_to_date + 1.0
        )));
        let (_, _, page) = get(&app, "/board/commentary?month=2026-10", Some(&manager)).await;
        assert!(page.contains("Changed after sign-off") && page.contains(&changed));
        // Written again, the section is a draft: what was signed off is not what is there now.
        let (status, _, _) = post(&app, "/board/commentary", &manager, &sign).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, _, pack) = get(&app, "/reports/board?month=2026-10", Some(&manager)).await;
        assert!(
            pack.contains("No section of this month&#39;s report has been signed off.")
                || pack.contains("No section of this month's report has been signed off.")
        );
        // The text of a commentary never goes into the audit trail.
        let rows = store.audit_search(&sendtrack_store::AuditQuery::default(), 1000).await.unwrap();
        assert!(
            rows.iter().all(|r| !r.action.contains("summer") && !r.detail.as_deref().unwrap_or("").contains("summer"))
        );
    })
    .await;
}
