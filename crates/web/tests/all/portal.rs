//! The portal (issue 19): members of organisations sign in with a one-time code e-mailed to
//! them (a real SMTP conversation with a server on 127.0.0.1), see only their organisation's
//! open tasks and, on those, only the child details the task needs; what they send goes into
//! the record; they reach nothing of the staff app.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers may panic: a panic is a failed test.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use sendtrack_domain::portal::{Task, TaskKind, open_tasks};
use sendtrack_mail::testing::SmtpSink;
use sendtrack_store::Store;
use sendtrack_store::testing::on_each_backend;
use tower::ServiceExt;

use crate::support::*;

fn today() -> jiff::civil::Date {
    jiff::civil::date(TODAY.0, TODAY.1, TODAY.2)
}

/// Makes `email` a member of `organisation`.
async fn add_member(store: &Store, organisation: &str, email: &str, admin: bool) {
    let member = sendtrack_store::portal::Member {
        organisation_id: organisation.into(),
        email: email.into(),
        is_admin: admin,
        added_by: "admin@example.org".into(),
        added_at: "2026-11-30T09:00:00Z".into(),
    };
    let event =
        sendtrack_store::AuditEvent { email: "admin@example.org".into(), action: "add".into(), ..Default::default() };
    store.add_member(&member, &event).await.unwrap();
}

/// The portal sign-in form's cookie and token.
async fn portal_form(app: &axum::Router) -> (String, String) {
    let (status, headers, page) = get(app, "/portal/sign-in", None).await;
    assert_eq!(status, StatusCode::OK);
    let cookie = headers.get(header::SET_COOKIE).unwrap().to_str().unwrap();
    assert!(cookie.contains("Path=/portal") && cookie.contains("SameSite=Strict"), "{cookie}");
    (cookie.split(';').next().unwrap().to_string(), csrf_in(&page))
}

async fn form_post(
    app: &axum::Router,
    path: &str,
    cookie: &str,
    form: &[(&str, &str)],
) -> (StatusCode, axum::http::HeaderMap, String) {
    post(app, path, cookie, form).await
}

/// Asks for a code for `email`; returns the form's cookie and token, and the page.
async fn ask_code(app: &axum::Router, email: &str) -> (String, String, StatusCode, String) {
    let (cookie, token) = portal_form(app).await;
    let (status, _, page) =
        form_post(app, "/portal/sign-in", &cookie, &[("csrf_token", &token), ("email", email)]).await;
    (cookie, token, status, page)
}

/// Gives a code; returns the status and the portal session's cookie when signed in.
async fn give_code(
    app: &axum::Router,
    form: &(String, String),
    email: &str,
    code: &str,
) -> (StatusCode, Option<String>) {
    let (status, headers, _) =
        form_post(app, "/portal/code", &form.0, &[("csrf_token", &form.1), ("email", email), ("code", code)]).await;
    let cookie = headers.get(header::SET_COOKIE).map(|c| c.to_str().unwrap().to_string());
    if let Some(c) = &cookie {
        assert!(c.contains("Path=/portal") && c.contains("HttpOnly"), "{c}");
    }
    (status, cookie.map(|c| c.split(';').next().unwrap().to_string()))
}

/// Asks for a code for `email` and waits for the e-mail that brings it (sent after the answer).
pub(crate) async fn ask_and_code(app: &axum::Router, sink: &SmtpSink, email: &str) -> (String, String, String) {
    let before = sink.to(email).len();
    let (cookie, token, status, _) = ask_code(app, email).await;
    assert_eq!(status, StatusCode::OK);
    for _ in 0..100 {
        let mails = sink.to(email);
        if mails.len() > before {
            assert_eq!(mails.len(), before + 1, "one code e-mailed");
            return (cookie, token, mails.last().unwrap().code().unwrap());
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("no code e-mailed to {email}");
}

/// Signs `email` in at the portal with the code the SMTP server received.
pub(crate) async fn portal_session(app: &axum::Router, sink: &SmtpSink, email: &str) -> String {
    let (cookie, token, code) = ask_and_code(app, sink, email).await;
    let (status, session) = give_code(app, &(cookie, token), email, &code).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    session.unwrap()
}

/// A multipart form to a portal task, the token first.
pub(crate) async fn send_task(
    app: &axum::Router,
    cookie: &str,
    path: &str,
    token: &str,
    fields: &[(&str, &str)],
    file: Option<&[u8]>,
) -> (StatusCode, axum::http::HeaderMap, String) {
    let boundary = "----sendtrack-portal";
    let mut body = Vec::new();
    let mut field = |name: &str, value: &str| {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    };
    field("csrf_token", token);
    for (name, value) in fields {
        field(name, value);
    }
    if let Some(content) = file {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"advice.pdf\"\r\nContent-Type: application/pdf\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let request = Request::post(path)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .body(Body::from(body))
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, 10_000_000).await.unwrap();
    (parts.status, parts.headers, String::from_utf8_lossy(&bytes).into_owned())
}

/// An open advice task of a provider whose request cw001 holds (so the notice has an inbox),
/// and an open task of another organisation.
async fn advice_tasks(store: &Store) -> (Task, Task) {
    let cw = store.load().await.unwrap();
    let tasks = open_tasks(&cw, today());
    let held_by_cw001 = |t: &&Task| {
        t.request_id.as_deref().is_some_and(|r| {
            cw.requests.iter().any(|q| q.request_id.as_str() == r && q.caseworker.as_deref() == Some("cw001"))
        })
    };
    let ours =
        tasks.iter().filter(|t| t.kind == TaskKind::Advice).find(held_by_cw001).expect("advice cw001 awaits").clone();
    let theirs =
        tasks.iter().find(|t| t.organisation_id != ours.organisation_id).expect("another organisation's task").clone();
    (ours, theirs)
}

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";

#[tokio::test]
async fn a_provider_signs_in_with_an_emailed_code_and_its_advice_goes_into_the_record() {
    on_each_backend("web_portal_advice", |store, _| async move {
        let sink = SmtpSink::start().await;
        let app = app_with_mail(store.clone(), &sink).await;
        let (task, other) = advice_tasks(&store).await;
        let member = "ep.team@eps.example.org";
        add_member(&store, &task.organisation_id, member, false).await;
        let cw = store.load().await.unwrap();
        let child = cw.children.iter().find(|c| c.child_id.as_str() == task.child_id).unwrap().clone();
        let name = format!("{} {}", child.forename, child.surname);

        // The code: 6 digits, e-mailed, with nothing about any child.
        let (cookie, token, code) = ask_and_code(&app, &sink, member).await;
        let mail = sink.to(member).pop().unwrap();
        assert!(mail.body().contains(&code) && !mail.body().contains(&child.surname));
        // A wrong code is refused; the right one signs in, once.
        let wrong = if code == "000000" { "111111" } else { "000000" };
        assert_eq!(give_code(&app, &(cookie.clone(), token.clone()), member, wrong).await.0, StatusCode::UNAUTHORIZED);
        let (status, session) = give_code(&app, &(cookie.clone(), token.clone()), member, &code).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let session = session.unwrap();
        assert_eq!(give_code(&app, &(cookie, token), member, &code).await.0, StatusCode::UNAUTHORIZED, "used once");

        // Their tasks, with the child's name; another organisation's task is not there.
        let (status, _, page) = get(&app, "/portal", Some(&session)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains(&task.id) && page.contains(&name), "the task and its child");
        assert!(!page.contains(&format!("/portal/{}/{}", other.kind.segment(), other.id)));
        let path = format!("/portal/advice/{}", task.id);
        let (status, _, page) = get(&app, &path, Some(&session)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains(&name) && page.contains(&sendtrack_domain::dates::in_words(child.date_of_birth)));
        let other_path = format!("/portal/{}/{}", other.kind.segment(), other.id);
        assert_eq!(get(&app, &other_path, Some(&session)).await.0, StatusCode::NOT_FOUND);
        // Nothing of the staff app.
        for staff in [format!("/children/{}", task.child_id), "/".into(), "/scorecard".into(), "/admin/users".into()] {
            let (status, headers, _) = get(&app, &staff, Some(&session)).await;
            assert_eq!(
                (status, headers.get(header::LOCATION).unwrap().to_str().unwrap()),
                (StatusCode::SEE_OTHER, "/sign-in"),
                "{staff}"
            );
        }

        // The advice: refused without a file or with a date to come; then filed.
        let csrf = csrf_in(&page);
        let (y, m, d) = ("2026", "11", "27");
        let (status, _, page) =
            send_task(&app, &session, &path, &csrf, &[("given-day", d), ("given-month", m), ("given-year", y)], None)
                .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(page.contains("Choose the file with your advice"));
        let (status, _, page) = send_task(
            &app,
            &session,
            &path,
            &csrf,
            &[("given-day", "1"), ("given-month", "12"), ("given-year", y)],
            Some(PDF),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(page.contains("cannot be in the future"));
        assert_eq!(
            send_task(&app, &session, &path, "x".repeat(64).as_str(), &[], Some(PDF)).await.0,
            StatusCode::FORBIDDEN,
            "the form's token is checked"
        );
        let fields = [("given-day", d), ("given-month", m), ("given-year", y), ("notes", "Seen at school twice.")];
        let (status, headers, _) = send_task(&app, &session, &path, &csrf, &fields, Some(PDF)).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(headers.get(header::LOCATION).unwrap(), &format!("/portal?done=advice:{}", task.id));
        let cw = store.load().await.unwrap();
        let advice = cw.advice.iter().find(|a| a.advice_id.as_str() == task.id).unwrap();
        assert_eq!(advice.received_on, Some(jiff::civil::date(2026, 11, 27)), "received on the date given");
        let entry = cw
            .case_log
            .iter()
            .find(|e| {
                e.child_id.as_str() == task.child_id
                    && e.summary.contains(&format!("{} (dated 2026-11-27) submitted", task.id))
            })
            .unwrap();
        assert!(
            entry.summary.contains("Seen at school twice.") && entry.with_whom.as_deref().unwrap().contains(member)
        );
        let documents = store.documents_of(&task.child_id).await.unwrap();
        assert!(documents.iter().any(|d| d.advice_id.as_deref() == Some(task.id.as_str()) && d.uploaded_by == member));
        // The task is closed: its child's details are gone from the portal.
        assert_eq!(get(&app, &path, Some(&session)).await.0, StatusCode::NOT_FOUND);
        let (_, _, page) = get(&app, "/portal?done=advice:x", Some(&session)).await;
        assert!(!page.contains(&format!("/portal/advice/{}", task.id)));
        // The caseworker is told, by reference and link only; the e-mail is in the chronology.
        let notice = wait_for(&sink, "demo.caseworker@example.org").await;
        assert!(notice.subject().contains(&task.id) && notice.body().contains(&format!("/children/{}", task.child_id)));
        assert!(!notice.body().contains(&child.surname) && !notice.body().contains(&child.date_of_birth.to_string()));
        let mut recorded = false;
        for _ in 0..50 {
            let logged = store.load().await.unwrap();
            recorded = logged.case_log.iter().any(|e| {
                e.child_id.as_str() == task.child_id && e.summary.starts_with("E-mail sent to the caseworker")
            });
            if recorded {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert!(recorded, "the notice is in the chronology once sent");
        // Every view of the child was audited, under the member's e-mail.
        let rows = store.audit_of_child(&task.child_id, 100).await.unwrap();
        for action in ["portal list task", "portal view task", "portal answer task"] {
            assert!(rows.iter().any(|(_, email, did)| did == action && email == member), "{action}");
        }
        // A staff session does not open the portal.
        let staff = session_with_password(&app, "case@example.org").await;
        let (status, headers, _) = get(&app, "/portal", Some(&staff)).await;
        assert_eq!(
            (status, headers.get(header::LOCATION).unwrap().to_str().unwrap()),
            (StatusCode::SEE_OTHER, "/portal/sign-in")
        );
    })
    .await;
}

async fn session_with_password(app: &axum::Router, email: &str) -> String {
    session(app, email).await
}

/// The first e-mail to `to`, waited for (notices are sent in the background).
pub(crate) async fn wait_for(sink: &SmtpSink, to: &str) -> sendtrack_mail::testing::Received {
    for _ in 0..100 {
        if let Some(m) = sink.to(to).pop() {
            return m;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no e-mail to {to}");
}

#[tokio::test]
async fn codes_last_ten_minutes_are_limited_and_wrong_ones_lock_as_passwords_do() {
    on_each_backend("web_portal_codes", |store, _| async move {
        let sink = SmtpSink::start().await;
        let app = app_with_mail(store.clone(), &sink).await;
        let (task, _) = advice_tasks(&store).await;
        let member = "codes@eps.example.org";
        add_member(&store, &task.organisation_id, member, false).await;
        // An address with no account gets the same page, and no e-mail.
        let (_, _, status, page) = ask_code(&app, "nobody@example.org").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Enter the code we sent you") && sink.to("nobody@example.org").is_empty());
        // A code past its 10 minutes is refused.
        let (cookie, token, code) = ask_and_code(&app, &sink, member).await;
        sqlx::query("UPDATE portal_codes SET expires_at = '2026-01-01T00:00:00Z'").execute(store.pool()).await.unwrap();
        assert_eq!(give_code(&app, &(cookie.clone(), token.clone()), member, &code).await.0, StatusCode::UNAUTHORIZED);
        // Five codes in the window; the sixth is refused.
        for _ in 0..3 {
            assert_eq!(ask_code(&app, member).await.2, StatusCode::OK);
        }
        assert_eq!(ask_code(&app, member).await.2, StatusCode::OK, "the fifth");
        assert_eq!(ask_code(&app, member).await.2, StatusCode::TOO_MANY_REQUESTS, "the sixth");
        // The five codes' e-mails have all arrived before the next code is asked for.
        for _ in 0..100 {
            if sink.to(member).len() == 5 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        assert_eq!(sink.to(member).len(), 5);
        // Three wrong guesses and the code is gone: the right one no longer works.
        sqlx::query("DELETE FROM portal_code_requests").execute(store.pool()).await.unwrap();
        sqlx::query("DELETE FROM failed_sign_ins").execute(store.pool()).await.unwrap();
        let (cookie, token, code) = ask_and_code(&app, &sink, member).await;
        let wrong = if code == "000000" { "111111" } else { "000000" };
        for _ in 0..3 {
            assert_eq!(
                give_code(&app, &(cookie.clone(), token.clone()), member, wrong).await.0,
                StatusCode::UNAUTHORIZED
            );
        }
        assert_eq!(give_code(&app, &(cookie, token), member, &code).await.0, StatusCode::UNAUTHORIZED, "gone");
        // Portal failures are counted apart: the same address's staff sign-in is not locked.
        let staff: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM failed_sign_ins WHERE email = $1")
            .bind(member)
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!(staff, 0);
        // Wrong codes lock the account: even the right code is then refused.
        sqlx::query("DELETE FROM failed_sign_ins").execute(store.pool()).await.unwrap();
        sqlx::query("DELETE FROM portal_code_requests").execute(store.pool()).await.unwrap();
        let (cookie, token, code) = ask_and_code(&app, &sink, member).await;
        let wrong = if code == "000000" { "111111" } else { "000000" };
        let form = (cookie, token);
        for _ in 0..5 {
            assert_eq!(give_code(&app, &form, member, wrong).await.0, StatusCode::UNAUTHORIZED);
        }
        assert_eq!(give_code(&app, &form, member, &code).await.0, StatusCode::TOO_MANY_REQUESTS, "locked");
        assert_eq!(ask_code(&app, member).await.2, StatusCode::TOO_MANY_REQUESTS, "no new code while locked");
        // A removed member's session ends.
        sqlx::query("DELETE FROM failed_sign_ins").execute(store.pool()).await.unwrap();
        sqlx::query("DELETE FROM portal_code_requests").execute(store.pool()).await.unwrap();
        let session = portal_session(&app, &sink, member).await;
        assert_eq!(get(&app, "/portal", Some(&session)).await.0, StatusCode::OK);
        let event = sendtrack_store::AuditEvent {
            email: "admin@example.org".into(),
            action: "remove".into(),
            ..Default::default()
        };
        store.remove_member(&task.organisation_id, member, &event).await.unwrap();
        let (status, headers, _) = get(&app, "/portal", Some(&session)).await;
        assert_eq!(
            (status, headers.get(header::LOCATION).unwrap().to_str().unwrap()),
            (StatusCode::SEE_OTHER, "/portal/sign-in")
        );
    })
    .await;
}

#[tokio::test]
async fn a_setting_answers_a_consultation_and_reports_a_review_meeting() {
    on_each_backend("web_portal_setting", |store, _| async move {
        use sendtrack_domain::codes::ConsultationResponse;
        use sendtrack_domain::validation::RecordFile;
        let sink = SmtpSink::start().await;
        let app = app_with_mail(store.clone(), &sink).await;
        let cw = store.load().await.unwrap();
        // A child with a plan placed at a setting in the register: the setting is consulted,
        // and holds the child's next review.
        let (setting, plan) = cw
            .plans
            .iter()
            .filter(|p| p.ceased.is_none())
            .find_map(|plan| {
                let placed = cw
                    .placements
                    .iter()
                    .find(|p| p.child_id == plan.child_id && p.is_main() && p.is_active_at(today()))?;
                let urn = placed.urn.as_deref()?;
                let org = cw.organisations.iter().find(|o| o.urn.as_deref() == Some(urn))?;
                Some((org.organisation_id.to_string(), plan.clone()))
            })
            .expect("a child with a plan at a setting");
        let consulted = sendtrack_domain::records::Casework {
            consultations: std::iter::once(sendtrack_domain::records::Consultation {
                consultation_id: "Q-PORTAL".into(),
                child_id: plan.child_id.clone(),
                request_id: None,
                review_id: None,
                organisation_id: setting.as_str().into(),
                sent_on: jiff::civil::date(2026, 11, 20),
                responded_on: None,
                response: None,
            })
            .collect(),
            ..Default::default()
        };
        let event = sendtrack_store::AuditEvent {
            email: "case@example.org".into(),
            action: "add".into(),
            ..Default::default()
        };
        store.write_record(RecordFile::Consultations, &consulted, None, &event).await.unwrap();
        let consultation = Task { id: "Q-PORTAL".into(), ..open_tasks(&consulted, today())[0].clone() };
        let member = "senco@school.example.org";
        add_member(&store, &setting, member, true).await;
        let session = portal_session(&app, &sink, member).await;

        let path = format!("/portal/consultations/{}", consultation.id);
        let (_, _, page) = get(&app, &path, Some(&session)).await;
        let csrf = csrf_in(&page);
        let (status, _, page) =
            post(&app, &path, &session, &[("csrf_token", &csrf), ("response", "cannot_meet")]).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(page.contains("Say why your setting cannot meet the needs"));
        let answer = [("csrf_token", csrf.as_str()), ("response", "cannot_meet"), ("notes", "No place in year 4.")];
        assert_eq!(post(&app, &path, &session, &answer).await.0, StatusCode::SEE_OTHER);
        let after = store.load().await.unwrap();
        let c = after.consultations.iter().find(|c| c.consultation_id.as_str() == consultation.id).unwrap();
        assert_eq!((c.responded_on, c.response), (Some(today()), Some(ConsultationResponse::CannotMeet)));
        assert!(
            after
                .case_log
                .iter()
                .any(|e| e.summary.contains(&consultation.id) && e.summary.contains("No place in year 4."))
        );

        let review = sendtrack_domain::records::Casework {
            reviews: std::iter::once(sendtrack_domain::records::Review {
                review_id: "V-PORTAL".into(),
                plan_id: plan.plan_id.clone(),
                meeting_on: None,
                decision: None,
                amended_on: None,
                phase_transfer: None,
            })
            .collect(),
            ..Default::default()
        };
        let event = sendtrack_store::AuditEvent {
            email: "case@example.org".into(),
            action: "add".into(),
            ..Default::default()
        };
        store.write_record(RecordFile::Reviews, &review, None, &event).await.unwrap();
        let path = "/portal/reviews/V-PORTAL";
        let (status, _, page) = get(&app, path, Some(&session)).await;
        assert_eq!(status, StatusCode::OK, "the school holding the review has its task");
        let csrf = csrf_in(&page);
        let fields =
            [("meeting-day", "20"), ("meeting-month", "11"), ("meeting-year", "2026"), ("recommendation", "amend")];
        let (status, _, _) = send_task(&app, &session, path, &csrf, &fields, Some(PDF)).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let after = store.load().await.unwrap();
        let v = after.reviews.iter().find(|v| v.review_id.as_str() == "V-PORTAL").unwrap();
        assert_eq!(v.meeting_on, Some(jiff::civil::date(2026, 11, 20)));
        // The meeting starts the authority's 4 weeks: the decision is due on 18 December.
        // (The caseworker's week shows it from the week before it is due.)
        let steps = sendtrack_domain::week::steps_due(&after, jiff::civil::date(2026, 12, 14), &|_| true);
        let decision = steps
            .iter()
            .find(|s| {
                s.record_id == plan.plan_id.as_str() && s.kind == sendtrack_domain::week::StepKind::ReviewDecision
            })
            .unwrap();
        assert_eq!(decision.due, jiff::civil::date(2026, 12, 18));
        assert!(
            store
                .documents_of(plan.child_id.as_str())
                .await
                .unwrap()
                .iter()
                .any(|d| d.review_id.as_deref() == Some("V-PORTAL"))
        );
    })
    .await;
}

#[tokio::test]
async fn an_organisations_admin_adds_and_removes_its_members_and_nobody_else_can() {
    on_each_backend("web_portal_members", |store, _| async move {
        let sink = SmtpSink::start().await;
        let app = app_with_mail(store.clone(), &sink).await;
        let (task, other) = advice_tasks(&store).await;
        add_member(&store, &task.organisation_id, "lead@eps.example.org", true).await;
        add_member(&store, &task.organisation_id, "staff@eps.example.org", false).await;
        let lead = portal_session(&app, &sink, "lead@eps.example.org").await;
        let (_, _, page) = get(&app, "/portal/members", Some(&lead)).await;
        assert!(page.contains("staff@eps.example.org"));
        let csrf = csrf_in(&page);
        let add = [
            ("csrf_token", csrf.as_str()),
            ("organisation", task.organisation_id.as_str()),
            ("action", "add"),
            ("email", "New.Psychologist@EPS.example.org"),
        ];
        assert_eq!(post(&app, "/portal/members", &lead, &add).await.0, StatusCode::SEE_OTHER);
        let members = store.members_of(&task.organisation_id).await.unwrap();
        assert!(members.iter().any(|m| m.email == "new.psychologist@eps.example.org" && !m.is_admin));
        let remove = [
            ("csrf_token", csrf.as_str()),
            ("organisation", task.organisation_id.as_str()),
            ("action", "remove"),
            ("email", "staff@eps.example.org"),
        ];
        assert_eq!(post(&app, "/portal/members", &lead, &remove).await.0, StatusCode::SEE_OTHER);
        assert!(
            !store.members_of(&task.organisation_id).await.unwrap().iter().any(|m| m.email == "staff@eps.example.org")
        );
        // Not a member of the other organisation: as if it were not there.
        let theirs = [
            ("csrf_token", csrf.as_str()),
            ("organisation", other.organisation_id.as_str()),
            ("action", "add"),
            ("email", "me@eps.example.org"),
        ];
        assert_eq!(post(&app, "/portal/members", &lead, &theirs).await.0, StatusCode::NOT_FOUND);
        // A member who is not an admin cannot add anyone.
        let plain = portal_session(&app, &sink, "new.psychologist@eps.example.org").await;
        let (_, _, page) = get(&app, "/portal/members", Some(&plain)).await;
        assert!(page.contains("administrator adds and removes members"));
        let token = csrf_in(&get(&app, "/portal", Some(&plain)).await.2);
        let add = [
            ("csrf_token", token.as_str()),
            ("organisation", task.organisation_id.as_str()),
            ("action", "add"),
            ("email", "x@eps.example.org"),
        ];
        assert_eq!(post(&app, "/portal/members", &plain, &add).await.0, StatusCode::FORBIDDEN);
        // Without the session's token nothing changes.
        let forged = [
            ("csrf_token", "0".repeat(64)),
            ("organisation", task.organisation_id.clone()),
            ("action", "add".into()),
            ("email", "y@eps.example.org".into()),
        ];
        let forged: Vec<(&str, &str)> = forged.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(post(&app, "/portal/members", &lead, &forged).await.0, StatusCode::FORBIDDEN);
    })
    .await;
}
