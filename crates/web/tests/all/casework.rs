//! Recording casework in the web app on every storage backend: a caseworker records a request
//! and its milestones through the forms, Today and the worklists follow, bad input is refused
//! with messages and writes nothing, a stale save is refused, and every state-changing request
//! needs its CSRF token.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers may panic: a panic is a failed test.

use axum::http::{StatusCode, header};
use sendtrack_store::Store;
use sendtrack_store::testing::on_each_backend;

use crate::support::*;

/// A child with no request yet, to record one for.
/// A child with no requests and no plan held by anyone: allocated to nobody.
async fn child_without_requests(store: &Store) -> String {
    let cw = store.load().await.unwrap();
    let held = |c: &sendtrack_domain::records::Child| {
        cw.requests.iter().any(|r| r.child_id == c.child_id)
            || cw.plans.iter().any(|p| p.child_id == c.child_id && p.caseworker.is_some())
    };
    cw.children.iter().find(|c| !held(c)).unwrap().child_id.to_string()
}

/// The number in the Today row labelled `row` (the first number after it).
/// Another instance of the app on `store`, as behind a load balancer, its today the tests'.
fn instance(store: &Store) -> std::sync::Arc<sendtrack_web::AppState> {
    let today = jiff::civil::date(2026, 11, 30);
    std::sync::Arc::new(sendtrack_web::AppState::new(store.clone(), "Test Council".into(), Some(today)))
}

/// Puts the database back as the backup taken at `backup` holds it, for the tests of a
/// restore: without `child`'s requests (saved since), at the version and stamp it had then.
async fn restore(store: &Store, backup: sendtrack_store::casework::Position, child: &str) {
    for statement in [
        format!("DELETE FROM requests WHERE child_id = '{child}'"),
        format!("DELETE FROM casework_changes WHERE version > {}", backup.version),
        format!("DELETE FROM casework_stamps WHERE version > {}", backup.version),
        format!("UPDATE casework_version SET version = {}, stamp = {} WHERE id = 1", backup.version, backup.stamp),
    ] {
        sqlx::query(sqlx::AssertSqlSafe(statement)).execute(store.pool()).await.unwrap();
    }
}

/// Saves, through `app`, a request for `child` received from a parent on `day` September 2026,
/// held by `caseworker`.
async fn save_request(app: &axum::Router, cookie: &str, child: &str, day: &str, caseworker: &str) {
    let token = csrf(app, cookie).await;
    let fields = [
        ("csrf_token", token.as_str()),
        ("received_on-day", day),
        ("received_on-month", "9"),
        ("received_on-year", "2026"),
        ("source", "parent"),
        ("caseworker", caseworker),
    ];
    let (status, _, page) = post(app, &format!("/children/{child}/requests/new"), cookie, &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
}

fn count_after(page: &str, row: &str) -> usize {
    let at = page.find(row).unwrap_or_else(|| panic!("no row {row}"));
    let rest = &page[at..];
    let link = rest.find("class=\"govuk-link\"").unwrap();
    let digits: String = rest[link..].split('>').nth(1).unwrap().chars().take_while(char::is_ascii_digit).collect();
    digits.parse().unwrap()
}

fn location(headers: &axum::http::HeaderMap) -> String {
    headers.get(header::LOCATION).unwrap().to_str().unwrap().to_string()
}

async fn audit_actions(store: &Store, child: &str) -> Vec<String> {
    let mut rows = store.audit_of_child(child, 100).await.unwrap();
    rows.reverse();
    rows.into_iter().map(|(_, _, action)| action).collect()
}

#[tokio::test]
async fn a_caseworker_records_a_request_its_decision_and_advice_and_today_follows() {
    on_each_backend("web_record_request", |store, _| async move {
        let app = app(store.clone()).await;
        let child = child_without_requests(&store).await;
        let cookie = session(&app, "case@example.org").await;
        let (_, _, today) = get(&app, "/", Some(&cookie)).await;
        assert!(today.contains("My cases (cw001)"), "a caseworker sees their own cases first");
        let awaiting_before = count_after(&today, "Awaiting a decision whether to assess");

        let (status, _, form) = get(&app, &format!("/children/{child}/requests/new"), Some(&cookie)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(form.contains("Record a request for an EHC needs assessment"));
        assert!(form.contains("value=\"cw001\""), "the caseworker is the signed-in caseworker");
        let token = csrf_in(&form);
        let (status, headers, _) = post(
            &app,
            &format!("/children/{child}/requests/new"),
            &cookie,
            &[
                ("csrf_token", &token),
                ("received_on-day", "16"),
                ("received_on-month", "11"),
                ("received_on-year", "2026"),
                ("source", "parent"),
                ("caseworker", "cw001"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert!(location(&headers).starts_with(&format!("/children/{child}?saved=")));
        let (_, _, page) = get(&app, &location(&headers), Some(&cookie)).await;
        assert!(page.contains("govuk-notification-banner--success") && page.contains("16 November 2026"));
        let request_id =
            store.load().await.unwrap().requests.iter().find(|r| r.child_id == child).unwrap().request_id.clone();
        assert!(page.contains(&format!("Saved request for an EHC needs assessment {request_id}.")));
        // A link from elsewhere cannot put its own words in the banner, nor name another record.
        for forged in ["Call+0800+000+000+to+confirm+your+password", "requests:R-NOT-THIS-CHILDS"] {
            let (_, _, page) = get(&app, &format!("/children/{child}?saved={forged}"), Some(&cookie)).await;
            assert!(!page.contains("govuk-notification-banner--success"), "{forged}");
            // The forged words, not any "0800" (a page's random CSRF token may hold those digits).
            assert!(!page.contains("0800 000 000") && !page.contains("confirm your password"), "{forged}");
        }

        let (_, _, today) = get(&app, "/", Some(&cookie)).await;
        assert_eq!(count_after(&today, "Awaiting a decision whether to assess"), awaiting_before + 1);
        let (_, _, list) = get(&app, "/worklists/awaiting-decision", Some(&cookie)).await;
        assert!(
            list.contains(request_id.as_str()) && list.contains("due in 28 days") && list.contains("28 December 2026"),
            "due 6 weeks after 2026-11-16"
        );

        // The decision to assess, on the form for the request, at the version it was read.
        let edit = format!("/children/{child}/requests/{request_id}");
        let (status, _, form) = get(&app, &edit, Some(&cookie)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(form.contains("name=\"version\" value=\"1\""));
        let fields = [
            ("csrf_token", token.as_str()),
            ("version", "1"),
            ("received_on-day", "16"),
            ("received_on-month", "11"),
            ("received_on-year", "2026"),
            ("source", "parent"),
            ("caseworker", "cw001"),
            ("decision", "assess"),
            ("decided_on-day", "27"),
            ("decided_on-month", "11"),
            ("decided_on-year", "2026"),
        ];
        let (status, _, _) = post(&app, &edit, &cookie, &fields).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, _, today) = get(&app, "/", Some(&cookie)).await;
        assert_eq!(count_after(&today, "Awaiting a decision whether to assess"), awaiting_before);
        let (_, _, list) = get(&app, "/worklists/assessing", Some(&cookie)).await;
        assert!(list.contains(request_id.as_str()), "the request is now being assessed");

        // Advice asked for under the request.
        let (_, _, form) =
            get(&app, &format!("/children/{child}/advice/new?request={request_id}"), Some(&cookie)).await;
        assert!(form.contains(&format!("<option value=\"{request_id}\" selected")));
        let (status, _, _) = post(
            &app,
            &format!("/children/{child}/advice/new"),
            &cookie,
            &[
                ("csrf_token", &token),
                ("request_id", &request_id),
                ("kind", "educational_psychology"),
                ("provider", "County EP Service"),
                ("requested_on-day", "28"),
                ("requested_on-month", "11"),
                ("requested_on-year", "2026"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, _, list) = get(&app, "/worklists/advice-outstanding?kind=educational_psychology", Some(&cookie)).await;
        assert!(list.contains("County EP Service"));

        // Each change is in the audit trail with who made it; the edit with before and after.
        let actions = audit_actions(&store, &child).await;
        assert!(actions[0].starts_with("add request for an EHC needs assessment"), "{actions:?}");
        assert!(actions.iter().any(|a| a.starts_with("change request for an EHC needs assessment")), "{actions:?}");
        assert!(actions.iter().any(|a| a.starts_with("add request for advice")), "{actions:?}");
        let detail: String = sqlx::query_scalar("SELECT detail FROM audit WHERE action LIKE 'change request%'")
            .fetch_one(store.pool())
            .await
            .unwrap();
        let detail: serde_json::Value = serde_json::from_str(&detail).unwrap();
        assert_eq!(detail["decision"], serde_json::json!(["", "assess"]));
        assert_eq!(detail["decided_on"], serde_json::json!(["", "2026-11-27"]));
    })
    .await;
}

#[tokio::test]
async fn bad_input_gets_govuk_errors_and_writes_nothing() {
    on_each_backend("web_bad_input", |store, _| async move {
        let app = app(store.clone()).await;
        let child = child_without_requests(&store).await;
        let cookie = session(&app, "case@example.org").await;
        let token = csrf(&app, &cookie).await;
        let before = store.counts().await.unwrap();
        let path = format!("/children/{child}/requests/new");
        for (fields, expected) in [
            (
                vec![
                    ("received_on-day", "30"),
                    ("received_on-month", "2"),
                    ("received_on-year", "2026"),
                    ("source", "parent"),
                ],
                "not a real date",
            ),
            (
                vec![
                    ("received_on-day", "3"),
                    ("received_on-month", "x"),
                    ("received_on-year", "2026"),
                    ("source", "parent"),
                ],
                "must be a real date",
            ),
            (
                vec![
                    ("received_on-day", "3"),
                    ("received_on-month", "11"),
                    ("received_on-year", "2026"),
                    ("source", "the_moon"),
                ],
                "is not a known request source",
            ),
            // The date received is required; the source may be left empty (not known).
            (vec![("source", "parent")], "Enter the date the request was received"),
            (
                vec![
                    ("received_on-day", "3"),
                    ("received_on-month", "12"),
                    ("received_on-year", "2026"),
                    ("source", "parent"),
                ],
                "in the future",
            ),
            (
                vec![
                    ("received_on-day", "3"),
                    ("received_on-month", "11"),
                    ("received_on-year", "2026"),
                    ("source", "parent"),
                    ("decision", "assess"),
                    ("decided_on-day", "1"),
                    ("decided_on-month", "10"),
                    ("decided_on-year", "2026"),
                ],
                "'date the decision was sent'",
            ),
            (
                vec![
                    ("received_on-day", "3"),
                    ("received_on-month", "11"),
                    ("received_on-year", "2026"),
                    ("source", "parent"),
                    ("decision", "assess"),
                ],
                "Enter the date the decision was sent, as the decision whether to assess is filled in",
            ),
        ] {
            let mut form = fields.clone();
            form.push(("csrf_token", &token));
            let (status, _, page) = post(&app, &path, &cookie, &form).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{fields:?}");
            assert!(page.contains("There is a problem") && page.contains("govuk-error-message"), "{fields:?}");
            assert!(page.contains(expected), "{fields:?}: expected '{expected}' in the errors");
            assert!(page.contains("<title>Error: "), "the title says there is an error");
        }
        assert_eq!(store.counts().await.unwrap(), before, "nothing was written");
        // Unknown children, kinds and records are 404; a record of another child is too.
        let cw = store.load().await.unwrap();
        let other = &cw.requests[0];
        assert_eq!(get(&app, "/children/NOBODY/requests/new", Some(&cookie)).await.0, StatusCode::NOT_FOUND);
        assert_eq!(get(&app, &format!("/children/{child}/spells/new"), Some(&cookie)).await.0, StatusCode::NOT_FOUND);
        assert_eq!(
            get(&app, &format!("/children/{child}/requests/NOPE"), Some(&cookie)).await.0,
            StatusCode::NOT_FOUND
        );
        let not_theirs = format!("/children/{child}/requests/{}", other.request_id);
        assert_eq!(get(&app, &not_theirs, Some(&cookie)).await.0, StatusCode::NOT_FOUND);
        // Analysts read; they do not record.
        let analyst = session(&app, "analyst@example.org").await;
        assert_eq!(get(&app, &path, Some(&analyst)).await.0, StatusCode::FORBIDDEN);
    })
    .await;
}

#[tokio::test]
async fn the_second_of_two_saves_from_the_same_version_is_refused() {
    on_each_backend("web_stale_save", |store, _| async move {
        let app = app(store.clone()).await;
        let cw = store.load().await.unwrap();
        let child = cw.children.iter().find(|c| c.upn.is_some()).unwrap().clone();
        let cookie = session(&app, "manager@example.org").await;
        let edit = format!("/children/{0}/details/{0}", child.child_id);
        let (_, _, form) = get(&app, &edit, Some(&cookie)).await;
        let token = csrf_in(&form);
        let dob = child.date_of_birth;
        let (day, month, year) = (dob.day().to_string(), dob.month().to_string(), dob.year().to_string());
        let save = |postcode: &'static str| {
            vec![
                ("csrf_token", token.clone()),
                ("version", "1".to_string()),
                ("upn", child.upn.clone().unwrap()),
                ("forename", child.forename.clone()),
                ("surname", child.surname.clone()),
                ("date_of_birth-day", day.clone()),
                ("date_of_birth-month", month.clone()),
                ("date_of_birth-year", year.clone()),
                ("postcode", postcode.to_string()),
            ]
        };
        let first = save("EX1 1AA");
        let first: Vec<(&str, &str)> = first.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(post(&app, &edit, &cookie, &first).await.0, StatusCode::SEE_OTHER);
        let second = save("EX2 2BB");
        let second: Vec<(&str, &str)> = second.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (status, _, page) = post(&app, &edit, &cookie, &second).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(
            page.contains("Someone else changed this child&#39;s details")
                || page.contains("Someone else changed this child's details")
        );
        let now = store.load().await.unwrap();
        let kept = now.children.iter().find(|c| c.child_id == child.child_id).unwrap();
        assert_eq!(kept.postcode.as_deref(), Some("EX1 1AA"), "the first save stands");
    })
    .await;
}

#[tokio::test]
async fn a_state_changing_request_without_its_csrf_token_is_refused_and_changes_nothing() {
    on_each_backend("web_csrf", |store, _| async move {
        let app = app(store.clone()).await;
        let child = child_without_requests(&store).await;
        let cookie = session(&app, "case@example.org").await;
        let before = store.counts().await.unwrap();
        let fields =
            [("received_on-day", "3"), ("received_on-month", "11"), ("received_on-year", "2026"), ("source", "parent")];
        let path = format!("/children/{child}/requests/new");
        let (status, _, _) = post(&app, &path, &cookie, &fields).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let mut forged = fields.to_vec();
        forged.push(("csrf_token", "0000000000000000000000000000000000000000000000000000000000000000"));
        assert_eq!(post(&app, &path, &cookie, &forged).await.0, StatusCode::FORBIDDEN);
        // Another session's token does not do either.
        let other = session(&app, "case@example.org").await;
        let theirs = csrf(&app, &other).await;
        let mut borrowed = fields.to_vec();
        borrowed.push(("csrf_token", &theirs));
        assert_eq!(post(&app, &path, &cookie, &borrowed).await.0, StatusCode::FORBIDDEN);
        assert_eq!(store.counts().await.unwrap(), before);
        // Sign-out without the token leaves the session working.
        assert_eq!(post(&app, "/sign-out", &cookie, &[]).await.0, StatusCode::FORBIDDEN);
        assert_eq!(get(&app, "/", Some(&cookie)).await.0, StatusCode::OK);
        // With the token it works.
        let token = csrf(&app, &cookie).await;
        let mut good = fields.to_vec();
        good.push(("csrf_token", &token));
        assert_eq!(post(&app, &path, &cookie, &good).await.0, StatusCode::SEE_OTHER);
    })
    .await;
}

#[tokio::test]
async fn worklists_sort_page_filter_and_download() {
    on_each_backend("web_worklists", |store, _| async move {
        let app = app(store.clone()).await;
        let cookie = session(&app, "case@example.org").await;
        let (status, _, all) = get(&app, "/worklists/advice-outstanding?caseworker=all", Some(&cookie)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(all.contains("aria-sort=\"ascending\""), "sorted by due date by default");
        let (status, headers, csv) =
            get(&app, "/worklists/advice-outstanding/records.csv?caseworker=all", Some(&cookie)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            headers
                .get(header::CONTENT_DISPOSITION)
                .unwrap()
                .to_str()
                .unwrap()
                .contains("advice-outstanding-2026-11-30-records.csv")
        );
        let mut lines = csv.lines();
        assert_eq!(lines.next(), Some("child_id,name,record_id,stage,provider,caseworker,due_on,days_overdue"));
        let rows: Vec<&str> = lines.collect();
        assert!(!rows.is_empty());
        let (_, _, mine) = get(&app, "/worklists/advice-outstanding/records.csv?caseworker=cw001", Some(&cookie)).await;
        assert!(mine.lines().skip(1).all(|l| l.split(',').nth(5) == Some("cw001")));
        assert!(mine.lines().count() <= csv.lines().count());
        // Sorted by child name, descending.
        let (_, _, sorted) =
            get(&app, "/worklists/advice-outstanding?caseworker=all&sort=child&order=desc", Some(&cookie)).await;
        assert!(sorted.contains("aria-sort=\"descending\""));
        // Unknown lists are 404; analysts and viewers do not see worklists.
        assert_eq!(get(&app, "/worklists/nonsense", Some(&cookie)).await.0, StatusCode::NOT_FOUND);
        let analyst = session(&app, "analyst@example.org").await;
        assert_eq!(get(&app, "/worklists/advice-outstanding", Some(&analyst)).await.0, StatusCode::FORBIDDEN);
        assert_eq!(
            get(&app, "/worklists/advice-outstanding/records.csv", Some(&analyst)).await.0,
            StatusCode::FORBIDDEN
        );
    })
    .await;
}

#[tokio::test]
async fn a_change_saved_through_one_instance_of_the_app_is_seen_by_another() {
    on_each_backend("web_two_instances", |store, _| async move {
        let first = app(store.clone()).await;
        // A second instance of the app on the same database, as behind a load balancer.
        let second = sendtrack_web::router(instance(&store));
        let child = child_without_requests(&store).await;
        let cookie = session(&first, "case@example.org").await;
        let (_, _, today) = get(&second, "/", Some(&cookie)).await;
        let before = count_after(&today, "Awaiting a decision whether to assess");
        let token = csrf(&first, &cookie).await;
        let fields = [
            ("csrf_token", token.as_str()),
            ("received_on-day", "20"),
            ("received_on-month", "11"),
            ("received_on-year", "2026"),
            ("source", "school"),
            ("caseworker", "cw001"),
        ];
        let (status, _, _) = post(&first, &format!("/children/{child}/requests/new"), &cookie, &fields).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, _, today) = get(&second, "/", Some(&cookie)).await;
        assert_eq!(
            count_after(&today, "Awaiting a decision whether to assess"),
            before + 1,
            "the other instance sees it"
        );
        let (_, _, page) = get(&second, &format!("/children/{child}"), Some(&cookie)).await;
        assert!(page.contains("20 November 2026"));
    })
    .await;
}

#[tokio::test]
async fn a_mistyped_caseworker_or_a_child_already_held_is_stopped_until_confirmed() {
    on_each_backend("web_no_silent_damage", |store, _| async move {
        let app = app(store.clone()).await;
        // An authority without staff.csv, where caseworkers are free ids (with staff recorded
        // they are only ever chosen: see workforce.rs).
        for table in ["staff", "posts"] {
            sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {table}"))).execute(store.pool()).await.unwrap();
        }
        sqlx::query("UPDATE casework_version SET version = version + 1").execute(store.pool()).await.unwrap();
        let child = child_without_requests(&store).await;
        let cookie = session(&app, "manager@example.org").await;
        let token = csrf(&app, &cookie).await;
        let path = format!("/children/{child}/requests/new");
        let request = |caseworker: &'static str, confirm: bool| {
            let mut form = vec![
                ("csrf_token", token.clone()),
                ("received_on-day", "16".to_string()),
                ("received_on-month", "11".to_string()),
                ("received_on-year", "2026".to_string()),
                ("source", "parent".to_string()),
                ("caseworker_new", caseworker.to_string()),
            ];
            if confirm {
                form.push(("confirm_new_caseworker", "yes".to_string()));
            }
            form
        };
        let before = store.counts().await.unwrap();
        // cw01 for cw001: nobody holds it, so it is not saved...
        let form = request("cw01", false);
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (status, _, page) = post(&app, &path, &cookie, &pairs).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(
            page.contains("The staff id cw01 is not a caseworker sendtrack knows")
                && page.contains("confirm_new_caseworker"),
            "{}",
            &page[page.find("govuk-error-summary").unwrap_or(0)..][..1500]
        );
        assert_eq!(store.counts().await.unwrap(), before, "nothing was written");
        // ...unless it is confirmed to be a new caseworker's.
        let form = request("cw099", true);
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(post(&app, &path, &cookie, &pairs).await.0, StatusCode::SEE_OTHER);
        let cw = store.load().await.unwrap();
        assert!(cw.requests.iter().any(|r| r.child_id == child && r.caseworker.as_deref() == Some("cw099")));
        // A known caseworker is chosen from the list without more ado.
        let (_, _, form_page) = get(&app, &path, Some(&cookie)).await;
        assert!(form_page.contains("<option value=\"cw001\""), "the known caseworkers are listed");

        // A new child with the name and date of birth of a child already held.
        let held = cw.children.iter().find(|c| c.child_id == child).unwrap().clone();
        let (y, m, d) = (
            held.date_of_birth.year().to_string(),
            held.date_of_birth.month().to_string(),
            held.date_of_birth.day().to_string(),
        );
        let mut new_child = vec![
            ("csrf_token", token.as_str()),
            ("forename", held.forename.as_str()),
            ("surname", held.surname.as_str()),
            ("date_of_birth-day", d.as_str()),
            ("date_of_birth-month", m.as_str()),
            ("date_of_birth-year", y.as_str()),
        ];
        let children_before = store.counts().await.unwrap().children;
        let (status, _, page) = post(&app, "/children/new", &cookie, &new_child).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(page.contains(&format!("href=\"/children/{child}\"")) && page.contains("This is a different child"));
        assert_eq!(store.counts().await.unwrap().children, children_before, "not saved");
        new_child.push(("different_child", "yes"));
        assert_eq!(post(&app, "/children/new", &cookie, &new_child).await.0, StatusCode::SEE_OTHER);
        assert_eq!(store.counts().await.unwrap().children, children_before + 1, "saved once confirmed");
    })
    .await;
}

#[tokio::test]
async fn a_save_after_the_session_ended_keeps_the_entries_through_signing_in_and_saves_nothing() {
    on_each_backend("web_expired_save", |store, _| async move {
        let app = app(store.clone()).await;
        let child = child_without_requests(&store).await;
        let cookie = session(&app, "case@example.org").await;
        let token = csrf(&app, &cookie).await;
        let before = store.counts().await.unwrap();
        // The session ends while the form is open.
        sessions_last_used(&store, 31).await;
        let path = format!("/children/{child}/requests/new");
        let form = [
            ("csrf_token", token.as_str()),
            ("received_on-day", "16"),
            ("received_on-month", "11"),
            ("received_on-year", "2026"),
            ("source", "school"),
            ("caseworker", "cw001"),
        ];
        let (status, _, page) = post(&app, &path, &cookie, &form).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(page.contains("nothing was saved") && page.contains("name=\"kept.source\" value=\"school\""));
        assert!(page.contains(&format!("name=\"return_to\" value=\"{path}\"")) && !page.contains(&token));
        assert_eq!(store.counts().await.unwrap(), before, "nothing was saved");
        // Signing in from that page leads back to the form with the entries.
        let (sign_in_cookie, sign_in_token) = sign_in_form(&app).await;
        let credentials = serde_urlencoded::to_string([
            ("csrf_token", sign_in_token.as_str()),
            ("email", "case@example.org"),
            ("password", PASSWORD),
            ("return_to", path.as_str()),
            ("kept.received_on-day", "16"),
            ("kept.received_on-month", "11"),
            ("kept.received_on-year", "2026"),
            ("kept.source", "school"),
            ("kept.caseworker", "cw001"),
        ])
        .unwrap();
        let request = axum::http::Request::post("/sign-in")
            .header(header::COOKIE, sign_in_cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(axum::body::Body::from(credentials))
            .unwrap();
        let response = tower::ServiceExt::oneshot(app.clone(), request).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let fresh = response.headers()[header::SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_string();
        let page =
            String::from_utf8(axum::body::to_bytes(response.into_body(), 1_000_000).await.unwrap().to_vec()).unwrap();
        assert!(page.contains("Go back to the form") && page.contains(&format!("action=\"{path}\"")));
        let fresh_token = csrf_in(&page);
        // The form comes back filled in, and still nothing is saved until it is sent again.
        let mut back: Vec<(&str, &str)> = form[1..].to_vec();
        back.push(("csrf_token", fresh_token.as_str()));
        back.push(("returned", "yes"));
        let (status, _, form_page) = post(&app, &path, &fresh, &back).await;
        assert_eq!(status, StatusCode::OK);
        assert!(form_page.contains("nothing was saved") && form_page.contains("value=\"16\""));
        assert!(form_page.contains("<option value=\"school\" selected"), "the entries are kept");
        assert_eq!(store.counts().await.unwrap(), before);
        let send: Vec<(&str, &str)> = back.iter().copied().filter(|(k, _)| *k != "returned").collect();
        assert_eq!(post(&app, &path, &fresh, &send).await.0, StatusCode::SEE_OTHER, "then it saves");
    })
    .await;
}

#[tokio::test]
async fn a_save_updates_the_records_held_as_a_reload_would_without_reading_them_again() {
    on_each_backend("web_save_in_place", |store, _| async move {
        let _seeded = app(store.clone()).await;
        let state = instance(&store);
        let served = sendtrack_web::router(state.clone());
        let cookie = session(&served, "manager@example.org").await;
        let child = child_without_requests(&store).await;
        let pages = [
            "/".to_string(),
            "/?caseworker=cw001".to_string(),
            "/worklists/awaiting-decision?caseworker=all".to_string(),
            "/worklists/assessing?caseworker=all".to_string(),
            "/worklists/advice-outstanding?caseworker=all".to_string(),
            "/worklists/advice-overdue?caseworker=all".to_string(),
            format!("/children/{child}"),
            "/scorecard".to_string(),
            // The engine each snapshot keeps for measure pages is the new records'.
            "/measures/requests_received?month=2026-09".to_string(),
        ];
        // A second instance on the same database, as behind a load balancer: the saves made
        // through the first reach it record by record.
        let other_state = instance(&store);
        let other = sendtrack_web::router(other_state.clone());
        // Every page computed once, so that the saves must bring what is held up to date.
        for page in &pages {
            assert_eq!(get(&served, page, Some(&cookie)).await.0, StatusCode::OK, "{page}");
            assert_eq!(get(&other, page, Some(&cookie)).await.0, StatusCode::OK, "{page}");
        }
        let loads = state.loads();
        let other_loads = other_state.loads();
        let token = csrf(&served, &cookie).await;
        let new_request = [
            ("csrf_token", token.as_str()),
            ("received_on-day", "2"),
            ("received_on-month", "9"),
            ("received_on-year", "2026"),
            ("source", "parent"),
            ("caseworker", "cw002"),
        ];
        let path = format!("/children/{child}/requests/new");
        assert_eq!(post(&served, &path, &cookie, &new_request).await.0, StatusCode::SEE_OTHER);
        let request_id =
            store.load().await.unwrap().requests.iter().find(|r| r.child_id == child).unwrap().request_id.to_string();
        let decided = [
            ("csrf_token", token.as_str()),
            ("version", "1"),
            ("received_on-day", "2"),
            ("received_on-month", "9"),
            ("received_on-year", "2026"),
            ("source", "parent"),
            ("caseworker", "cw001"),
            ("decision", "assess"),
            ("decided_on-day", "1"),
            ("decided_on-month", "10"),
            ("decided_on-year", "2026"),
        ];
        let edit = format!("/children/{child}/requests/{request_id}");
        assert_eq!(post(&served, &edit, &cookie, &decided).await.0, StatusCode::SEE_OTHER);
        let advice = [
            ("csrf_token", token.as_str()),
            ("request_id", request_id.as_str()),
            ("kind", "health"),
            ("provider", "County NHS Trust"),
            ("requested_on-day", "2"),
            ("requested_on-month", "10"),
            ("requested_on-year", "2026"),
        ];
        let path = format!("/children/{child}/advice/new");
        assert_eq!(post(&served, &path, &cookie, &advice).await.0, StatusCode::SEE_OTHER);
        assert_eq!(state.loads(), loads, "the app's own saves never read the records again");

        // A fresh instance reads everything from the database: every page must be the same.
        let fresh = sendtrack_web::router(instance(&store));
        for page in &pages {
            let (_, _, held) = get(&served, page, Some(&cookie)).await;
            let (_, _, elsewhere) = get(&other, page, Some(&cookie)).await;
            let (_, _, read) = get(&fresh, page, Some(&cookie)).await;
            // Without the CSRF token, and the child's list of views (each read adds one).
            let without_token = |p: &str| {
                let p = p.replace(&csrf_in(p), "");
                p.split("Who has viewed this record").next().unwrap_or_default().to_string()
            };
            assert_eq!(without_token(&held), without_token(&read), "{page}");
            assert_eq!(without_token(&elsewhere), without_token(&read), "{page}, in the other instance");
        }
        assert_eq!(other_state.loads(), other_loads, "another instance's saves are put in, not read again");
        let (_, _, list) = get(&served, "/worklists/advice-overdue?caseworker=all", Some(&cookie)).await;
        assert!(
            list.contains(&format!("/children/{child}")),
            "the advice asked for on 2 October is overdue on 30 November"
        );
        assert_eq!(state.loads(), loads);
    })
    .await;
}

/// The database restored from a backup under a running server (issue 16): the server must not
/// put the records changed after the restore on top of what it held from before it. It sees
/// the version go back, or (when the restored database was written to before it looked) the
/// same version with another stamp, and reads everything again.
#[tokio::test]
async fn a_database_restored_under_a_running_server_is_read_again_whole() {
    on_each_backend("web_restored", |store, _| async move {
        let _seeded = app(store.clone()).await;
        let (state, other_state) = (instance(&store), instance(&store));
        let (served, other) = (sendtrack_web::router(state.clone()), sendtrack_web::router(other_state.clone()));
        let cookie = session(&served, "manager@example.org").await;
        let child = child_without_requests(&store).await;
        let page = format!("/children/{child}");
        assert_eq!(get(&served, &page, Some(&cookie)).await.0, StatusCode::OK);
        assert_eq!(get(&other, &page, Some(&cookie)).await.0, StatusCode::OK);
        // The backup: the version and its stamp, and the requests, as they are now.
        let backup = store.casework_position().await.unwrap();
        let received_on = |page: &str, day: &str| page.contains(&format!("{day} September 2026"));

        // Saved, then restored away: the version went back.
        save_request(&served, &cookie, &child, "3", "cw001").await;
        assert!(received_on(&get(&served, &page, Some(&cookie)).await.2, "3"));
        restore(&store, backup, &child).await;
        assert!(!received_on(&get(&served, &page, Some(&cookie)).await.2, "3"), "the version went back");

        // Saved, restored away, and the restored database written to through the other server
        // before this one looks: a later version, but of another history, whose changes must
        // not be put on top of what this server held.
        save_request(&served, &cookie, &child, "4", "cw001").await;
        assert!(received_on(&get(&served, &page, Some(&cookie)).await.2, "4"));
        restore(&store, backup, &child).await;
        save_request(&other, &cookie, &child, "5", "cw002").await;
        save_request(&other, &cookie, &child, "6", "cw002").await;
        let held = get(&served, &page, Some(&cookie)).await.2;
        assert!(!received_on(&held, "4"), "the request saved before the restore is gone");
        assert!(received_on(&held, "5") && received_on(&held, "6"), "the requests saved after it are there");
        let fresh = sendtrack_web::router(instance(&store));
        let read = get(&fresh, &page, Some(&cookie)).await.2;
        let without_token = |p: &str| {
            let p = p.replace(&csrf_in(p), "");
            p.split("Who has viewed this record").next().unwrap_or_default().to_string()
        };
        assert_eq!(without_token(&held), without_token(&read));
    })
    .await;
}

/// The same restore, seen by a server showing the scorecard page without waiting for its
/// figures: the scorecards it worked out from the history restored away are never shown as the
/// newest figures "behind" by some changes, although the version it held is older than the
/// restored database's (the restored database was written to before it looked).
#[tokio::test]
async fn after_a_restore_the_scorecard_page_never_shows_figures_of_the_history_restored_away() {
    on_each_backend("web_restored_scorecard", |store, _| async move {
        let _seeded = app(store.clone()).await;
        let today = jiff::civil::date(2026, 11, 30);
        let state = std::sync::Arc::new(
            sendtrack_web::AppState::new(store.clone(), "Test Council".into(), Some(today))
                .with_scorecard_patience(Some(std::time::Duration::ZERO)),
        );
        let (served, other) = (sendtrack_web::router(state), sendtrack_web::router(instance(&store)));
        let cookie = session(&served, "manager@example.org").await;
        let child = child_without_requests(&store).await;
        let scorecard = || async { get(&served, "/scorecard", Some(&cookie)).await.2 };
        assert!(
            !scorecard().await.contains(SCORECARD_BEHIND),
            "nothing computed before: the page waits for its figures"
        );
        let backup = store.casework_position().await.unwrap();
        // A request saved here, and the scorecard page until its figures count it.
        save_request(&served, &cookie, &child, "4", "cw001").await;
        let page = scorecard_when_current(&served, &cookie).await;
        assert!(!page.contains(SCORECARD_BEHIND), "the figures counting the request came");
        // Restored away, and the restored database written to twice elsewhere: a version after
        // the one this server computed its scorecard at, in another history.
        restore(&store, backup, &child).await;
        save_request(&other, &cookie, &child, "5", "cw001").await;
        save_request(&other, &cookie, &child, "6", "cw001").await;
        let page = scorecard().await;
        assert!(!page.contains(SCORECARD_BEHIND), "the figures of the other history are not shown as behind: {page}");
        let fresh = sendtrack_web::router(instance(&store));
        assert_eq!(first_table(&page), first_table(&get(&fresh, "/scorecard", Some(&cookie)).await.2));
    })
    .await;
}

/// A setting named in a plan (issue 24), recorded on the child's page: until the child starts
/// there the plan is on both named-setting lists, and Today counts it; a placement at the
/// setting takes it off both.
#[tokio::test]
async fn a_setting_named_in_a_plan_waits_on_the_lists_until_the_child_starts_there() {
    use sendtrack_domain::worklist::{WorkFilter, Worklist, worklists};
    on_each_backend("web_named_setting", |store, _| async move {
        let app = app(store.clone()).await;
        let today = jiff::civil::date(TODAY.0, TODAY.1, TODAY.2);
        let cw = store.load().await.unwrap();
        let lists = worklists(&cw, today);
        let listed =
            |list: Worklist, plan: &str| lists.items(list, &WorkFilter::default()).any(|i| i.record_id == plan);
        let plan = cw
            .plans
            .iter()
            .find(|p| {
                p.is_active_at(today)
                    && !listed(Worklist::NamedSettingNotAttended, &p.plan_id)
                    && !listed(Worklist::NamedSettingNotStarted, &p.plan_id)
                    && !cw.placements.iter().any(|l| l.child_id == p.child_id && l.started_on > today)
            })
            .unwrap()
            .clone();
        let (child, plan_id) = (plan.child_id.to_string(), plan.plan_id.to_string());
        let cookie = session(&app, "manager@example.org").await;
        let (_, _, page) = get(&app, "/", Some(&cookie)).await;
        let (attended, started) = (
            count_after(&page, "Child does not attend the setting the plan names"),
            count_after(&page, "Named at a setting not yet started"),
        );
        let (_, _, page) = get(&app, &format!("/children/{child}"), Some(&cookie)).await;
        assert!(page.contains(&format!("Record a setting named in plan {plan_id}")), "offered on the child's page");
        let path = format!("/children/{child}/plan-settings/new");
        let (status, _, form) = get(&app, &format!("{path}?plan={plan_id}"), Some(&cookie)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(form.contains(&format!("<option value=\"{plan_id}\" selected")), "the plan is chosen");
        let token = csrf_in(&form);
        let named = [
            ("csrf_token", token.as_str()),
            ("plan_id", plan_id.as_str()),
            ("urn", "987654"),
            ("setting", "special_maintained"),
            ("named_on-day", "2"),
            ("named_on-month", "11"),
            ("named_on-year", "2026"),
            ("rank", "1"),
        ];
        let (status, headers, page) = post(&app, &path, &cookie, &named).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
        let (_, _, page) = get(&app, &location(&headers), Some(&cookie)).await;
        assert!(page.contains("URN 987654") && page.contains("2 November 2026"), "the card shows it");
        let (_, _, page) = get(&app, "/", Some(&cookie)).await;
        assert_eq!(count_after(&page, "Child does not attend the setting the plan names"), attended + 1);
        assert_eq!(count_after(&page, "Named at a setting not yet started"), started + 1);
        let (_, _, list) = get(&app, "/worklists/named-setting-not-started", Some(&cookie)).await;
        assert!(list.contains(&plan_id) && list.contains("named URN 987654; no start date"), "{list}");

        // A URN is 6 digits: anything else is refused on its field, and nothing is written.
        let before = store.counts().await.unwrap();
        let mut wrong = named.to_vec();
        wrong[2] = ("urn", "98765");
        let (status, _, page) = post(&app, &path, &cookie, &wrong).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(page.contains("is not a URN"), "{page}");
        assert_eq!(store.counts().await.unwrap(), before);

        // The child starts there: off both lists.
        let (_, _, form) = get(&app, &format!("/children/{child}/placements/new"), Some(&cookie)).await;
        let token = csrf_in(&form);
        let ended = cw
            .placements
            .iter()
            .filter(|l| l.child_id == plan.child_id && l.is_main() && l.is_active_at(today))
            .map(|l| l.placement_id.to_string())
            .collect::<Vec<_>>();
        for id in &ended {
            let edit = format!("/children/{child}/placements/{id}");
            let (_, _, form) = get(&app, &edit, Some(&cookie)).await;
            let l = cw.placements.iter().find(|l| l.placement_id == id.as_str()).unwrap();
            let version =
                form.split("name=\"version\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
            let mut fields = vec![
                ("csrf_token", token.clone()),
                ("version", version),
                ("setting", l.setting.code().to_string()),
                ("started_on-day", l.started_on.day().to_string()),
                ("started_on-month", l.started_on.month().to_string()),
                ("started_on-year", l.started_on.year().to_string()),
                ("ended_on-day", "19".into()),
                ("ended_on-month", "11".into()),
                ("ended_on-year", "2026".into()),
                ("rank", "1".into()),
            ];
            for (k, v) in [("urn", &l.urn), ("ukprn", &l.ukprn), ("establishment", &l.establishment)] {
                if let Some(v) = v {
                    fields.push((k, v.clone()));
                }
            }
            if let Some(c) = &l.annual_cost {
                fields.push(("annual_cost", c.as_str().to_string()));
            }
            for (k, v) in [("sen_unit", l.sen_unit), ("resourced_provision", l.resourced_provision)] {
                if let Some(v) = v {
                    fields.push((k, v.to_string()));
                }
            }
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let (status, _, page) = post(&app, &edit, &cookie, &fields).await;
            assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
        }
        let started_there = [
            ("csrf_token", token.as_str()),
            ("setting", "special_maintained"),
            ("urn", "987654"),
            ("started_on-day", "20"),
            ("started_on-month", "11"),
            ("started_on-year", "2026"),
            ("rank", "1"),
        ];
        let (status, _, page) = post(&app, &format!("/children/{child}/placements/new"), &cookie, &started_there).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
        let (_, _, page) = get(&app, "/", Some(&cookie)).await;
        assert_eq!(count_after(&page, "Child does not attend the setting the plan names"), attended);
        assert_eq!(count_after(&page, "Named at a setting not yet started"), started);
    })
    .await;
}
