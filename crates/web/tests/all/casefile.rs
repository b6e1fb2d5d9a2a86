//! The child's case file in the web app (issue 18): contacts, documents (type and size checked
//! before anything is stored, versions, audited downloads, advice marked received), statutory
//! letters filed and logged, the register of schools, letter templates, and Today's families
//! owed an update. Roles without casework reach none of it.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers may panic: a panic is a failed test.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use sendtrack_domain::codes::AssessmentDecision;
use sendtrack_store::testing::on_each_backend;
use tower::ServiceExt;

use crate::support::*;

/// A multipart upload of one file to a child's documents, with the form's other fields.
async fn upload(
    app: &axum::Router,
    cookie: &str,
    child: &str,
    fields: &[(&str, &str)],
    file_name: &str,
    content: &[u8],
) -> (StatusCode, axum::http::HeaderMap, String) {
    let token = csrf(app, cookie).await;
    let boundary = "----sendtrack-casefile";
    let mut body = Vec::new();
    let mut field = |name: &str, value: &str| {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    };
    field("csrf_token", &token);
    for (name, value) in fields {
        field(name, value);
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let request = Request::post(format!("/children/{child}/documents"))
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .body(Body::from(body))
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, 10_000_000).await.unwrap();
    (parts.status, parts.headers, String::from_utf8_lossy(&bytes).into_owned())
}

/// The raw bytes of a download.
async fn download(app: &axum::Router, path: &str, cookie: &str) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let request = Request::get(path).header(header::COOKIE, cookie).body(Body::empty()).unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let (parts, body) = response.into_parts();
    (parts.status, parts.headers, axum::body::to_bytes(body, 10_000_000).await.unwrap().to_vec())
}

#[tokio::test]
async fn a_manager_adds_a_contact_files_advice_and_a_decision_letter_and_an_analyst_reaches_none_of_it() {
    on_each_backend("web_casefile", |store, _| async move {
        let app = app(store.clone()).await;
        let manager = session(&app, "manager@example.org").await;
        let cw = store.load().await.unwrap();
        // A request being assessed with advice not yet received.
        let advice = cw
            .advice
            .iter()
            .find(|a| {
                a.received_on.is_none()
                    && cw.requests.iter().any(|r| {
                        r.request_id == a.request_id
                            && r.outcome.is_none()
                            && r.decision.is_some_and(|d| d.value == AssessmentDecision::Assess)
                    })
            })
            .unwrap()
            .clone();
        let request = cw.requests.iter().find(|r| r.request_id == advice.request_id).unwrap().clone();
        let child = request.child_id.to_string();

        // A parent with parental responsibility.
        let form_path = format!("/children/{child}/contacts/new");
        let (status, _, form) = get(&app, &form_path, Some(&manager)).await;
        assert_eq!(status, StatusCode::OK);
        let token = csrf_in(&form);
        let contact = [
            ("csrf_token", token.as_str()),
            ("role", "parent"),
            ("name", "Robin Example"),
            ("email", "robin@example.org"),
            ("phone", "01632 960 001"),
            ("preferred", "email"),
            ("parental_responsibility", "true"),
        ];
        let mut wrong = contact;
        wrong[4] = ("phone", "call me");
        let (status, _, page) = post(&app, &form_path, &manager, &wrong).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(page.contains("is not a phone number"), "{page}");
        assert_eq!(post(&app, &form_path, &manager, &contact).await.0, StatusCode::SEE_OTHER);
        let (_, _, page) = get(&app, &format!("/children/{child}"), Some(&manager)).await;
        assert!(page.contains("Robin Example") && page.contains("Parental responsibility"), "{page}");
        // Letters go to the first parent or carer with parental responsibility (the demo's own).
        let addressee = store
            .load()
            .await
            .unwrap()
            .contacts
            .iter()
            .find(|c| c.child_id == child && c.parental_responsibility && c.role.is_family())
            .unwrap()
            .clone();

        // The advice report, uploaded against the advice: marks it received today.
        let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec();
        let attach = format!("advice:{}", advice.advice_id);
        let fields = [("title", "Educational psychology advice"), ("attach", attach.as_str())];
        let (status, headers, _) = upload(&app, &manager, &child, &fields, "ep-report.pdf", &pdf).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert!(headers.get("location").unwrap().to_str().unwrap().ends_with("?saved=document#documents"));
        let held = store.load().await.unwrap();
        let marked = held.advice.iter().find(|a| a.advice_id == advice.advice_id).unwrap();
        assert_eq!(marked.received_on, Some(jiff::civil::date(TODAY.0, TODAY.1, TODAY.2)));
        let documents = store.documents_of(&child).await.unwrap();
        assert_eq!(documents.len(), 1);
        let first = documents[0].clone();
        assert_eq!((first.content_type.as_str(), first.version), ("application/pdf", 1));
        assert_eq!(first.advice_id.as_deref(), Some(advice.advice_id.as_str()));
        assert_eq!(first.document_id.len(), 32, "a 128-bit random id");
        // The page after it knows the advice is in (the snapshot moved on with the change).
        let (_, _, page) = get(&app, &format!("/children/{child}"), Some(&manager)).await;
        assert!(page.contains("Educational psychology advice (download)"), "{page}");

        // Downloaded as uploaded, audited; not through another child, not by an analyst.
        let path = format!("/children/{child}/documents/{}", first.document_id);
        let (status, headers, bytes) = download(&app, &path, &manager).await;
        assert_eq!((status, bytes), (StatusCode::OK, pdf.clone()));
        assert!(headers.get(header::CONTENT_DISPOSITION).unwrap().to_str().unwrap().starts_with("attachment;"));
        assert!(headers.get(header::CONTENT_SECURITY_POLICY).unwrap().to_str().unwrap().contains("sandbox"));
        let audited: Vec<String> =
            sqlx::query_scalar("SELECT action FROM audit WHERE child_id = $1 AND action LIKE '%document%'")
                .bind(child.clone())
                .fetch_all(store.pool())
                .await
                .unwrap();
        assert!(audited.contains(&"upload document".to_string()) && audited.contains(&"download document".to_string()));
        let other = cw.children.iter().find(|c| c.child_id != child).unwrap().child_id.to_string();
        let elsewhere = format!("/children/{other}/documents/{}", first.document_id);
        assert_eq!(download(&app, &elsewhere, &manager).await.0, StatusCode::NOT_FOUND);
        let analyst = session(&app, "analyst@example.org").await;
        assert_eq!(download(&app, &path, &analyst).await.0, StatusCode::FORBIDDEN);
        let (status, _, _) = upload(&app, &analyst, &child, &[], "x.pdf", &pdf).await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // A new version keeps the first.
        let fields = [("title", "Educational psychology advice"), ("series", first.series_id.as_str())];
        assert_eq!(
            upload(&app, &manager, &child, &fields, "v2.txt", b"Corrected advice\n").await.0,
            StatusCode::SEE_OTHER
        );
        let documents = store.documents_of(&child).await.unwrap();
        assert_eq!(documents.iter().map(|d| d.version).collect::<Vec<_>>(), [2, 1]);
        assert_eq!(documents[0].content_type, "text/plain; charset=utf-8");

        // A program named .pdf, and a file over the admin's limit, are refused; nothing stored.
        let (status, _, page) = upload(&app, &manager, &child, &[], "report.pdf", b"MZ\x90\x00\x03\x00\x00\x00").await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert!(page.contains("its content was checked, not its name"), "{page}");
        store.set_setting("documents_max_mb", "1").await.unwrap();
        let big = vec![b'a'; 1024 * 1024 + 10];
        assert_eq!(upload(&app, &manager, &child, &[], "big.txt", &big).await.0, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(store.documents_of(&child).await.unwrap().len(), 2);

        // The decision letter: listed, previewed, filed as a document and logged as sent.
        let (_, _, page) = get(&app, &format!("/children/{child}"), Some(&manager)).await;
        let query = format!("kind=decision_to_assess&amp;request={}", request.request_id);
        assert!(page.contains(&query), "the letter is offered: {page}");
        let preview = format!("/children/{child}/letters?kind=decision_to_assess&request={}", request.request_id);
        let (status, _, letter) = get(&app, &preview, Some(&manager)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(letter.contains(&format!("Dear {}", addressee.name)), "{letter}");
        assert!(letter.contains("section 36 of the Children and Families Act 2014"), "{letter}");
        let token = csrf_in(&letter);
        let send = [
            ("csrf_token", token.as_str()),
            ("kind", "decision_to_assess"),
            ("request", request.request_id.as_str()),
            ("format", "docx"),
        ];
        let (status, _, _) = post(&app, &format!("/children/{child}/letters"), &manager, &send).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let documents = store.documents_of(&child).await.unwrap();
        let filed = documents.iter().find(|d| d.file_name.starts_with("decision-to-assess-")).unwrap();
        assert!(
            filed.content_type.contains("wordprocessingml")
                && filed.request_id.as_ref() == Some(&request.request_id.to_string())
        );
        let held = store.load().await.unwrap();
        let logged = held.case_log.iter().find(|e| e.summary.starts_with("Decision to carry out")).unwrap();
        assert_eq!(logged.contact_id.as_deref(), Some(addressee.contact_id.as_str()));
        assert_eq!(logged.direction, Some(sendtrack_domain::codes::Direction::Out));
        let (_, _, page) = get(&app, &format!("/children/{child}?show=log"), Some(&manager)).await;
        assert!(page.contains(&format!("Letter (sent or made) with {}", addressee.name)), "{page}");
        // A letter the record cannot support yet is refused with the reason.
        let draft = format!("/children/{child}/letters?kind=final_plan&request={}", request.request_id);
        let (status, _, page) = get(&app, &draft, Some(&manager)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("no EHC plan issued from request"), "{page}");
        assert_eq!(get(&app, &preview, Some(&analyst)).await.0, StatusCode::FORBIDDEN);

        // Today counts the families owed an update, and lists them.
        let (_, _, today) = get(&app, "/", Some(&manager)).await;
        assert!(today.contains("Families owed an update"), "{today}");
        let (status, _, list) = get(&app, "/worklists/families-owed-update", Some(&manager)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(list.contains("last update"), "{list}");
    })
    .await;
}

#[tokio::test]
async fn an_admin_changes_a_template_and_the_standard_promise_and_schools_are_found_by_name_or_urn() {
    on_each_backend("web_letters_admin", |store, _| async move {
        let app = app(store.clone()).await;
        let admin = session(&app, "admin@example.org").await;
        let (status, _, page) = get(&app, "/admin/letters/draft_plan", Some(&admin)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("{comments_by}"), "the default template: {page}");
        let token = csrf_in(&page);
        let unknown = [("csrf_token", token.as_str()), ("template", "Dear {nobody}")];
        let (status, _, page) = post(&app, "/admin/letters/draft_plan", &admin, &unknown).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(page.contains("{nobody} is not a field a letter can use"), "{page}");
        let mine =
            [("csrf_token", token.as_str()), ("template", "# Your draft plan\n\nComments by {comments_by}, please.")];
        assert_eq!(post(&app, "/admin/letters/draft_plan", &admin, &mine).await.0, StatusCode::SEE_OTHER);
        let settings = [
            ("csrf_token", token.as_str()),
            ("authority", "Test Council"),
            ("mediation", "Example Mediation, 01632 960 000"),
            ("information", "Test SENDIASS, 01632 960 111"),
            ("standard", "10"),
            ("max_mb", "25"),
        ];
        assert_eq!(post(&app, "/admin/letters", &admin, &settings).await.0, StatusCode::SEE_OTHER);
        let held = store.load().await.unwrap();
        let standard = held.promises.iter().find(|p| p.child_id.is_none()).unwrap();
        assert_eq!(standard.working_days, 10);
        assert_eq!(store.setting("documents_max_mb").await.unwrap().as_deref(), Some("25"));
        // A manager's draft-plan notice now uses the admin's words.
        let manager = session(&app, "manager@example.org").await;
        let request = held.requests.iter().find(|r| r.draft_issued_on.is_some()).unwrap();
        let path = format!("/children/{}/letters?kind=draft_plan&request={}", request.child_id, request.request_id);
        let (status, _, letter) = get(&app, &path, Some(&manager)).await;
        assert_eq!(status, StatusCode::OK);
        // The 15th day counting the day the draft was sent, as the family portal says.
        let due = sendtrack_domain::dates::add_days(request.draft_issued_on.unwrap(), 14);
        assert!(
            letter.contains(&format!("Comments by {}, please.", sendtrack_domain::dates::in_words(due))),
            "{letter}"
        );
        // Only admins edit templates.
        assert_eq!(get(&app, "/admin/letters", Some(&manager)).await.0, StatusCode::FORBIDDEN);

        // The register of schools, searched by name or URN.
        let register = [sendtrack_domain::establishment::Establishment {
            urn: "123456".into(),
            name: "Ash Grove Académy".into(),
            kind: "Academy converter".into(),
            phase: "Secondary".into(),
            status: "Open".into(),
            local_authority: "Devon".into(),
            town: "Exeter".into(),
            postcode: "EX1 1AA".into(),
        }];
        store.replace_establishments(&register).await.unwrap();
        let (_, _, found) = get(&app, "/establishments?q=grove", Some(&manager)).await;
        assert!(found.contains("Ash Grove Académy") && found.contains("123456"), "{found}");
        let (_, _, by_urn) = get(&app, "/establishments?q=123456", Some(&manager)).await;
        assert!(by_urn.contains("Ash Grove Académy"));
        let (_, _, none) = get(&app, "/establishments?q=zzz", Some(&manager)).await;
        assert!(none.contains("No school or setting matches"));
    })
    .await;
}

#[tokio::test]
async fn documents_kept_in_a_directory_are_files_named_by_their_random_id_and_erasure_removes_them() {
    on_each_backend("web_documents_dir", |store, _| async move {
        let dir = tempfile::tempdir().unwrap();
        let cw = sendtrack_interchange::demo::generate(&sendtrack_interchange::demo::DemoOptions {
            children: 60,
            seed: 5,
            as_at: jiff::civil::date(TODAY.0, TODAY.1, TODAY.2),
        });
        store.save(&cw, &|_| {}).await.unwrap();
        store
            .add_user(
                "m@example.org",
                sendtrack_domain::access::Role::Manager,
                &sendtrack_web::hash_password(PASSWORD),
                None,
                "2026-11-30",
            )
            .await
            .unwrap();
        let state = sendtrack_web::AppState::new(
            store.clone(),
            "Test".into(),
            Some(jiff::civil::date(TODAY.0, TODAY.1, TODAY.2)),
        )
        .with_documents(Some(dir.path().to_path_buf()));
        let app = sendtrack_web::router(std::sync::Arc::new(state));
        let manager = session_with(&app, "m@example.org", PASSWORD).await;
        let child = cw.children[0].child_id.to_string();
        let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR".to_vec();
        assert_eq!(
            upload(&app, &manager, &child, &[("title", "Photo of a letter")], "p.png", &png).await.0,
            StatusCode::SEE_OTHER
        );
        let document = store.documents_of(&child).await.unwrap().remove(0);
        let on_disk = dir.path().join(&document.document_id);
        assert_eq!(std::fs::read(&on_disk).unwrap(), png);
        let in_row: Option<Vec<u8>> = sqlx::query_scalar("SELECT content FROM documents WHERE document_id = $1")
            .bind(document.document_id.clone())
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert!(in_row.is_none(), "the content is only in the file");
        let path = format!("/children/{child}/documents/{}?view=1", document.document_id);
        let (status, headers, bytes) = download(&app, &path, &manager).await;
        assert_eq!((status, bytes), (StatusCode::OK, png));
        assert!(headers.get(header::CONTENT_DISPOSITION).unwrap().to_str().unwrap().starts_with("inline;"));
        let event = sendtrack_store::AuditEvent {
            at: "2026-11-30T12:00:00Z".into(),
            email: "m@example.org".into(),
            action: "erase child".into(),
            child_id: Some(child.clone()),
            detail: None,
            address: None,
        };
        store.erase_child(&child, &event).await.unwrap();
        assert!(!on_disk.exists(), "erasure removes the file");
        assert!(store.documents_of(&child).await.unwrap().is_empty());
    })
    .await;
}

#[tokio::test]
async fn an_admin_adds_an_organisation_and_a_caseworker_can_ask_it_for_advice() {
    on_each_backend("web_organisations", |store, _| async move {
        let app = app(store.clone()).await;
        let admin = session(&app, "admin@example.org").await;
        let (status, _, form) = get(&app, "/admin/organisations/new", Some(&admin)).await;
        assert_eq!(status, StatusCode::OK);
        let token = csrf_in(&form);
        let organisation = [
            ("csrf_token", token.as_str()),
            ("organisation_id", "eps"),
            ("name", "Educational Psychology Service"),
            ("kind", "provider"),
            ("email", "eps-team@example.org"),
        ];
        let (status, headers, _) = post(&app, "/admin/organisations/new", &admin, &organisation).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(headers.get("location").unwrap(), "/admin/organisations?saved=eps");
        let (_, _, list) = get(&app, "/admin/organisations?saved=eps", Some(&admin)).await;
        assert!(list.contains("Saved organisation eps.") && list.contains("eps-team@example.org"), "{list}");
        // The same id again is refused; a manager cannot reach the register.
        let (status, _, page) = post(&app, "/admin/organisations/new", &admin, &organisation).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(page.contains("A record with id eps already exists"), "{page}");
        let manager = session(&app, "manager@example.org").await;
        assert_eq!(get(&app, "/admin/organisations", Some(&manager)).await.0, StatusCode::FORBIDDEN);
        // The advice form offers it.
        let cw = store.load().await.unwrap();
        let r = cw.requests.iter().find(|r| r.decision.is_some_and(|d| d.value == AssessmentDecision::Assess)).unwrap();
        let path = format!("/children/{}/advice/new?request={}", r.child_id, r.request_id);
        let (_, _, form) = get(&app, &path, Some(&manager)).await;
        assert!(form.contains("<option value=\"eps\">Educational Psychology Service</option>"), "{form}");
    })
    .await;
}
