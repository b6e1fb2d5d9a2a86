//! The forecast page (issue 21): analysts read it, managers change its assumptions and keep
//! scenarios, viewers and caseworkers' external users never see it.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers may panic: a panic is a failed test.

use axum::http::{StatusCode, header};
use sendtrack_store::testing::on_each_backend;

use crate::support::*;

#[tokio::test]
async fn an_analyst_reads_the_forecast_and_a_manager_changes_its_assumptions_and_scenarios() {
    on_each_backend("web_forecast", |store, _| async move {
        let app = app(store.clone()).await;
        let analyst = session(&app, "analyst@example.org").await;
        let (status, _, page) = get(&app, "/forecast", Some(&analyst)).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        for expected in [
            "Demand, capacity and backlog for the 24 months after October 2026",
            "SEN2 census day",
            "Scenarios side by side",
            "Current staffing",
            "Active EHC plans",
            "Backtest over",
            "Requests open over 20 weeks",
        ] {
            assert!(page.contains(expected), "{expected}");
        }
        assert!(!page.contains("Change the assumptions"), "an analyst reads, a manager changes");
        let token = csrf_in(&page);
        let (status, _, _) =
            post(&app, "/forecast/settings", &analyst, &[("csrf_token", &token), ("hours_plan", "20")]).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let viewer = session(&app, "viewer@example.org").await;
        assert_eq!(get(&app, "/forecast", Some(&viewer)).await.0, StatusCode::FORBIDDEN);

        let manager = session(&app, "manager@example.org").await;
        let token = csrf(&app, &manager).await;
        let (status, headers, _) = post(
            &app,
            "/forecast/settings",
            &manager,
            &[("csrf_token", &token), ("hours_annual_review", "3"), ("minimum_weeks", "12"), ("age_limit", "birthday")],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(headers[header::LOCATION], "/forecast?saved=settings");
        let (_, _, page) = get(&app, "/forecast?saved=settings", Some(&manager)).await;
        assert!(page.contains("The assumptions are saved") && page.contains("annual review 3"), "{page}");
        assert!(page.contains("on the 25th birthday"));
        // Kept as a settings file, which `forecast --db` reads too.
        let kept = store.setting(sendtrack_interchange::forecast::SETTINGS_KEY).await.unwrap().unwrap();
        assert!(kept.contains("annual_review = 3"), "{kept}");

        // A scenario, a wrong one first.
        let wrong = [("csrf_token", token.as_str()), ("name", "More"), ("fte", "lots"), ("from", "2027-02")];
        let (status, _, page) = post(&app, "/forecast/scenarios", &manager, &wrong).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(page.contains("govuk-error-summary") && page.contains("is not a number"), "{page}");
        let two = [("csrf_token", token.as_str()), ("name", "Two more caseworkers"), ("fte", "2"), ("from", "2027-02")];
        let (status, _, _) = post(&app, "/forecast/scenarios", &manager, &two).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, _, page) = get(&app, "/forecast?months=12", Some(&manager)).await;
        assert!(page.contains("Two more caseworkers<br>"), "the scenario is a row of the table");
        assert!(page.contains("2 FTE more caseworkers from February 2027"));
        let (status, _, _) =
            post(&app, "/forecast/scenarios/remove", &manager, &[("csrf_token", &token), ("index", "0")]).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, _, page) = get(&app, "/forecast", Some(&manager)).await;
        assert!(!page.contains("Two more caseworkers<br>"));
        let (status, _, _) =
            post(&app, "/forecast/scenarios/remove", &manager, &[("csrf_token", &token), ("index", "0")]).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    })
    .await;
}
