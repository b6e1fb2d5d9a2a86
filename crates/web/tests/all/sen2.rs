//! The SEN2 return in the web app, on every backend: an analyst uploads a COLLECT export and
//! sees its failures by rule, file, line and person; checks the return sendtrack would send;
//! managers download the return itself, and analysts only once an admin lets them.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers may panic: a panic is a failed test.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use sendtrack_store::testing::on_each_backend;
use tower::ServiceExt;

use crate::support::*;

/// A multipart body with the CSRF token and every file of a fixture folder.
fn upload_body(token: &str, folder: &str) -> (String, Vec<u8>) {
    upload_body_with(token, folder, &[])
}

/// The same, with more form fields before the files.
fn upload_body_with(token: &str, folder: &str, fields: &[(&str, &str)]) -> (String, Vec<u8>) {
    let boundary = "----sendtrack-test-boundary";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n").as_bytes(),
    );
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../interchange/tests/fixtures/sen2").join(folder);
    let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(&std::fs::read(&path).unwrap());
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(app: &axum::Router, cookie: &str, token: &str, folder: &str) -> (StatusCode, String) {
    upload_with(app, cookie, token, folder, &[]).await
}

async fn upload_with(
    app: &axum::Router,
    cookie: &str,
    token: &str,
    folder: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, String) {
    let (content_type, body) = upload_body_with(token, folder, fields);
    let request = Request::post("/sen2/check")
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 10_000_000).await.unwrap();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn an_analyst_checks_an_uploaded_export_and_the_return_sendtrack_would_send() {
    on_each_backend("web_sen2", |store, _| async move {
        let app = app(store.clone()).await;
        let analyst = session(&app, "analyst@example.org").await;
        let (status, _, page) = get(&app, "/sen2", Some(&analyst)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("enctype=\"multipart/form-data\"") && !page.contains("return.zip"));
        // The next return's plans as the forecast anticipates them (issue 21).
        assert!(page.contains("Anticipated for the next return") && page.contains("21 January 2027"), "{page}");
        let token = csrf_in(&page);

        let (status, results) = upload(&app, &analyst, &token, "broken").await;
        assert_eq!(status, StatusCode::OK);
        assert!(results.contains("10 failures, by rule"), "{results}");
        assert!(results.contains("Blade-Export_20-01-2026_person.csv") && results.contains("SEN2-02"));
        assert!(!results.contains("Testsurname"), "no names in the results");
        let (_, clean) = upload(&app, &analyst, &token, "newer").await;
        assert!(clean.contains("Every check passed"));
        // Without the token the upload is refused.
        let (status, _) = upload(&app, &analyst, "not-the-token", "newer").await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // The return sendtrack would send for 2026, checked.
        let (status, _, checked) = get(&app, "/sen2?year=2026", Some(&analyst)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(checked.contains("Results: the 2026 return from sendtrack"));
        let cw = store.load().await.unwrap();
        assert!(!cw.children.iter().any(|c| c.upn.as_ref().is_some_and(|u| checked.contains(u.as_str()))));
        assert_eq!(get(&app, "/sen2?year=1999", Some(&analyst)).await.0, StatusCode::NOT_FOUND);

        // The return itself holds personal data: managers only.
        assert_eq!(get(&app, "/sen2/return.zip?year=2026", Some(&analyst)).await.0, StatusCode::FORBIDDEN);
        let manager = session(&app, "manager@example.org").await;
        let request =
            Request::get("/sen2/return.zip?year=2026").header(header::COOKIE, &manager).body(Body::empty()).unwrap();
        let response = app.clone().oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let zip = axum::body::to_bytes(response.into_body(), 50_000_000).await.unwrap();
        assert!(zip.starts_with(b"PK"));
        let audit = store.audit_search(&sendtrack_store::AuditQuery::default(), 20).await.unwrap();
        assert!(audit.iter().any(|e| e.action == "download SEN2 return 2026" && e.email == "manager@example.org"));
        assert!(audit.iter().any(|e| e.action == "check an uploaded SEN2 return" && e.email == "analyst@example.org"));
    })
    .await;
}

#[tokio::test]
async fn an_admin_lets_one_analyst_download_the_return_and_it_is_audited() {
    on_each_backend("web_sen2_grant", |store, _| async move {
        let app = app(store.clone()).await;
        let analyst = session(&app, "analyst@example.org").await;
        let (_, _, page) = get(&app, "/sen2", Some(&analyst)).await;
        assert!(page.contains("ask an admin") && !page.contains("return.zip"));
        assert_eq!(get(&app, "/sen2/return.zip?year=2026", Some(&analyst)).await.0, StatusCode::FORBIDDEN);

        let admin = session(&app, "admin@example.org").await;
        let (_, _, people) = get(&app, "/admin/users", Some(&admin)).await;
        assert!(people.contains("Let download"));
        let token = csrf_in(&people);
        let grant = |action: &'static str, email: &'static str| {
            let (app, admin, token) = (app.clone(), admin.clone(), token.clone());
            async move {
                post(&app, "/admin/users", &admin, &[("email", email), ("action", action), ("csrf_token", &token)])
                    .await
                    .0
            }
        };
        // Only an analyst can hold it; a manager cannot give it.
        assert_eq!(grant("sen2-allow", "viewer@example.org").await, StatusCode::BAD_REQUEST);
        let manager = session(&app, "manager@example.org").await;
        let manager_token = csrf(&app, &manager).await;
        let (status, _, _) = post(
            &app,
            "/admin/users",
            &manager,
            &[("email", "analyst@example.org"), ("action", "sen2-allow"), ("csrf_token", &manager_token)],
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(get(&app, "/sen2/return.zip?year=2026", Some(&analyst)).await.0, StatusCode::FORBIDDEN);

        assert_eq!(grant("sen2-allow", "analyst@example.org").await, StatusCode::SEE_OTHER);
        let (_, _, page) = get(&app, "/sen2", Some(&analyst)).await;
        assert!(page.contains("/sen2/return.zip?year="), "the link is offered once it would be allowed");
        let request =
            Request::get("/sen2/return.zip?year=2026").header(header::COOKIE, &analyst).body(Body::empty()).unwrap();
        let response = app.clone().oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let audit = store.audit_search(&sendtrack_store::AuditQuery::default(), 50).await.unwrap();
        assert!(audit.iter().any(
            |e| e.action == "let analyst@example.org downloading the SEN2 return" && e.email == "admin@example.org"
        ));
        assert!(audit.iter().any(|e| e.action == "download SEN2 return 2026" && e.email == "analyst@example.org"));

        // Stopped, or given another role, they cannot download it any more.
        assert_eq!(grant("sen2-stop", "analyst@example.org").await, StatusCode::SEE_OTHER);
        assert_eq!(get(&app, "/sen2/return.zip?year=2026", Some(&analyst)).await.0, StatusCode::FORBIDDEN);
        assert_eq!(grant("sen2-allow", "analyst@example.org").await, StatusCode::SEE_OTHER);
        let (status, _, _) = post(
            &app,
            "/admin/users",
            &admin,
            &[("email", "analyst@example.org"), ("action", "role"), ("role", "viewer"), ("csrf_token", &token)],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let people = store.users().await.unwrap();
        assert!(!people.iter().find(|p| p.email == "analyst@example.org").unwrap().submits_sen2, "the grant ended");
    })
    .await;
}

#[tokio::test]
async fn an_admin_sets_the_la_number_and_code_meanings_and_the_return_uses_them() {
    on_each_backend("web_sen2_settings", |store, _| async move {
        let app = app(store.clone()).await;
        let admin = session(&app, "admin@example.org").await;
        let (_, _, people) = get(&app, "/admin/users", Some(&admin)).await;
        assert!(people.contains("What the requestsource codes mean"));
        let token = csrf_in(&people);
        let save = |la: &'static str, sources: &'static str, outcomes: &'static str| {
            let (app, admin, token) = (app.clone(), admin.clone(), token.clone());
            async move {
                let form = [
                    ("la_number", la),
                    ("request_sources", sources),
                    ("review_outcomes", outcomes),
                    ("csrf_token", token.as_str()),
                ];
                let (status, _, page) = post(&app, "/admin/sen2", &admin, &form).await;
                (status, page)
            }
        };
        // Each wrong value is shown at its field, and nothing is saved.
        for (la, sources, outcomes, field) in [
            ("87", "", "", "la_number"),
            ("878", "1=gp", "", "request_sources"),
            ("878", "1=parent", "1=keep", "review_outcomes"),
        ] {
            let (status, page) = save(la, sources, outcomes).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{field}");
            assert!(page.contains(&format!("href=\"#{field}\"")) && page.contains("govuk-error-message"), "{field}");
        }
        assert_eq!(store.setting("la_number").await.unwrap(), None, "nothing saved");
        let (status, _) = save("878", "1=parent, 3=school", "M=maintain,A=amend,C=cease").await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(store.setting("sen2_request_sources").await.unwrap().as_deref(), Some("1=parent,3=school"));
        // The establishment types the authority maps (issue 24), checked, then kept.
        let types = |value: &'static str| {
            let (app, admin, token) = (app.clone(), admin.clone(), token.clone());
            async move {
                let form = [("la_number", "878"), ("establishment_types", value), ("csrf_token", token.as_str())];
                post(&app, "/admin/sen2", &admin, &form).await.0
            }
        };
        assert_eq!(types("Secure units=prison").await, StatusCode::BAD_REQUEST);
        assert_eq!(types("Welsh establishment=mainstream, Secure units=none").await, StatusCode::SEE_OTHER);
        assert_eq!(
            store.setting("sen2_establishment_types").await.unwrap().as_deref(),
            Some("Secure units=none,Welsh establishment=mainstream")
        );
        let (_, _, people) = get(&app, "/admin/users", Some(&admin)).await;
        assert!(people.contains("Secure units=none,Welsh establishment=mainstream"));
        save("878", "1=parent, 3=school", "M=maintain,A=amend,C=cease").await;
        let audit = store.audit_search(&sendtrack_store::AuditQuery::default(), 20).await.unwrap();
        assert!(audit.iter().any(|e| e.action == "set la_number to '878'" && e.email == "admin@example.org"));

        // The manager's download carries them.
        let manager = session(&app, "manager@example.org").await;
        let request =
            Request::get("/sen2/return.zip?year=2026").header(header::COOKIE, &manager).body(Body::empty()).unwrap();
        let response = app.clone().oneshot(request).await.unwrap();
        let bytes = axum::body::to_bytes(response.into_body(), 50_000_000).await.unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let mut read = |suffix: &str| {
            let name = zip.file_names().filter_map(Result::ok).find(|n| n.ends_with(suffix)).unwrap().to_string();
            let mut text = String::new();
            std::io::Read::read_to_string(&mut zip.by_name(&name).unwrap(), &mut text).unwrap();
            text
        };
        assert!(read("_sen2.csv").lines().nth(1).unwrap().contains(",878,"), "the LA number");
        let requests = read("_requests.csv");
        assert!(
            requests.lines().skip(1).any(|l| l.ends_with(",1")) && requests.lines().skip(1).any(|l| l.ends_with(",3"))
        );
        let active = read("_activeplans.csv");
        assert!(active.contains(",M,") && !active.contains(",maintain,"), "review outcomes as the codes");
    })
    .await;
}

#[tokio::test]
async fn an_upload_is_read_only_after_access_is_checked_and_a_cut_short_one_is_a_400() {
    on_each_backend("web_sen2_upload_order", |store, _| async move {
        let app = app(store).await;
        let analyst = session(&app, "analyst@example.org").await;
        let token = csrf_in(&get(&app, "/sen2", Some(&analyst)).await.2);
        // A viewer's upload is refused by the access table before a byte of the body is read:
        // a body that never ends would otherwise hang the request.
        let viewer = session(&app, "viewer@example.org").await;
        let endless = futures_like_endless_body();
        let request = Request::post("/sen2/check")
            .header(header::COOKIE, &viewer)
            .header(header::CONTENT_TYPE, "multipart/form-data; boundary=x")
            .body(endless)
            .unwrap();
        let answered = tokio::time::timeout(std::time::Duration::from_secs(20), app.clone().oneshot(request)).await;
        assert_eq!(answered.expect("answered without reading the body").unwrap().status(), StatusCode::FORBIDDEN);
        // The same with no session at all: sent to sign in.
        let request = Request::post("/sen2/check")
            .header(header::CONTENT_TYPE, "multipart/form-data; boundary=x")
            .body(futures_like_endless_body())
            .unwrap();
        let answered = tokio::time::timeout(std::time::Duration::from_secs(20), app.clone().oneshot(request)).await;
        assert_eq!(answered.expect("answered without reading the body").unwrap().status(), StatusCode::SEE_OTHER);
        // A multipart body to a route that takes no upload is refused.
        let (content_type, body) = upload_body(&token, "newer");
        let request = Request::post("/team")
            .header(header::COOKIE, &analyst)
            .header(header::CONTENT_TYPE, content_type.clone())
            .body(Body::from(body.clone()))
            .unwrap();
        assert_eq!(app.clone().oneshot(request).await.unwrap().status(), StatusCode::FORBIDDEN);
        // A body cut short in the middle of a file.
        let cut = body[..body.len() / 2].to_vec();
        let request = Request::post("/sen2/check")
            .header(header::COOKIE, &analyst)
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(cut))
            .unwrap();
        let response = app.clone().oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        let page =
            String::from_utf8_lossy(&axum::body::to_bytes(response.into_body(), 1_000_000).await.unwrap()).into_owned();
        assert!(page.contains("cut short"), "{page}");
    })
    .await;
}

/// A request body whose sender never sends anything (a slow or hostile client).
fn futures_like_endless_body() -> Body {
    Body::from_stream(futures_util::stream::pending::<Result<axum::body::Bytes, std::io::Error>>())
}

#[tokio::test]
async fn the_sen2_page_sets_sendtracks_figures_beside_those_the_dfe_published() {
    on_each_backend("web_sen2_reconcile", |store, _| async move {
        let app = app(store.clone()).await;
        // Devon's published figures, as `sendtrack benchmarks` keeps them.
        let dir = tempfile::tempdir().unwrap();
        for (name, bytes) in sendtrack_interchange::dfe::DEVON_EXTRACT {
            std::fs::write(dir.path().join(name), bytes).unwrap();
        }
        let devon = sendtrack_interchange::dfe::find_authority(dir.path(), "878").unwrap();
        let benchmarks = sendtrack_interchange::dfe::benchmarks(dir.path(), &devon).unwrap();
        let cw = sendtrack_domain::records::Casework { benchmarks: benchmarks.into(), ..Default::default() };
        store.save(&cw, &|_| {}).await.unwrap();
        let figures = sendtrack_interchange::dfe::published_figures(dir.path(), &devon).unwrap();
        let kept = sendtrack_interchange::dfe::figures_csv(&figures);
        assert_eq!(sendtrack_interchange::dfe::read_figures_csv(&kept).unwrap(), figures, "kept as they were read");
        store.set_setting(sendtrack_interchange::dfe::PUBLISHED_FIGURES_SETTING, &kept).await.unwrap();
        let manager = session(&app, "manager@example.org").await;
        let (status, _, page) = get(&app, "/sen2", Some(&manager)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Against what the DfE published for 2024"), "the latest year published");
        assert!(page.contains(">2265<"), "Devon's requests received in 2024, as published");
        assert!(page.contains("percentage points"), "a share's difference in points");
        // By age band and need (issue 24): Devon's 9,848 plans on the January 2025 census day,
        // 2,696 of them for autism, 249 of children under 5.
        assert!(page.contains("Counts by age band and need"), "{page}");
        assert!(page.contains(">9848<") && page.contains(">2696<") && page.contains(">249<"), "{page}");
        assert!(page.contains("Active EHC plans, under 5") && page.contains(">2025-01-16<"), "{page}");
    })
    .await;
}

#[tokio::test]
async fn last_years_return_uploaded_is_compared_with_the_return_sendtrack_would_send() {
    on_each_backend("web_sen2_previous", |store, _| async move {
        let app = app(store.clone()).await;
        // It tells who sendtrack holds and whose date of birth changed: not for an analyst who
        // may not see the return itself.
        let analyst = session(&app, "analyst@example.org").await;
        let (_, _, page) = get(&app, "/sen2", Some(&analyst)).await;
        assert!(
            page.contains("Last year's return against this year's")
                && page.contains("for those who see the return itself")
        );
        let token = csrf_in(&page);
        let (status, _) = upload_with(&app, &analyst, &token, "newer", &[("purpose", "previous")]).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let manager = session(&app, "manager@example.org").await;
        let (_, _, page) = get(&app, "/sen2", Some(&manager)).await;
        assert!(page.contains("Compare with this year"), "{page}");
        let token = csrf_in(&page);
        let (status, results) = upload_with(&app, &manager, &token, "newer", &[("purpose", "previous")]).await;
        assert_eq!(status, StatusCode::OK, "{results}");
        // The fixture's people are nobody sendtrack holds: each is listed, not explained, by
        // their id in the return, with no name or date of birth.
        assert!(results.contains("Results: last year's return against the 2027 return"), "{results}");
        assert!(
            results.contains("in last year&#39;s return, not in this year&#39;s")
                || results.contains("in last year's return, not in this year's"),
            "{results}"
        );
        assert!(results.contains("sendtrack holds no child with this UPN"), "{results}");
        let (blade, _) = sendtrack_interchange::sen2::read_blade(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../interchange/tests/fixtures/sen2/newer"),
        )
        .unwrap();
        for person in blade.rows(sendtrack_domain::sen2::Module::Person) {
            let surname = person.get("surname").unwrap();
            assert!(!results.contains(surname), "{surname} is shown");
        }
    })
    .await;
}
