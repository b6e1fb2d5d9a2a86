//! Families in the portal (issue 20), on every backend, with a real SMTP conversation: the
//! caseworker invites a parent; the parent signs in with an e-mailed code, sees where the case
//! stands, downloads what is shared, comments on the draft (late, marked so), sends a document
//! and a message and asks for an assessment, all into the chronology; they reach no other child
//! and nothing of the staff app; a young person's own account records whether their parents
//! keep access.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers may panic: a panic is a failed test.

use axum::http::{StatusCode, header};
use sendtrack_domain::codes::{ContactKind, ContactRole, Direction};
use sendtrack_domain::records::{Casework, Contact};
use sendtrack_domain::validation::RecordFile;
use sendtrack_mail::testing::SmtpSink;
use sendtrack_store::Store;
use sendtrack_store::testing::on_each_backend;

use crate::portal::{portal_session, send_task, wait_for};
use crate::support::*;

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";

fn today() -> jiff::civil::Date {
    jiff::civil::date(TODAY.0, TODAY.1, TODAY.2)
}

fn event() -> sendtrack_store::AuditEvent {
    sendtrack_store::AuditEvent { email: "case@example.org".into(), action: "test".into(), ..Default::default() }
}

/// Adds a contact of `child`.
async fn add_contact(store: &Store, child: &str, id: &str, role: ContactRole, email: &str) {
    let contact = Casework {
        contacts: std::iter::once(Contact {
            contact_id: id.into(),
            child_id: child.into(),
            role,
            name: format!("{} Person", role.label()),
            email: Some(email.into()),
            phone: None,
            address: None,
            preferred: None,
            parental_responsibility: role != ContactRole::YoungPerson,
            organisation: None,
            urn: None,
        })
        .collect(),
        ..Default::default()
    };
    store.write_record(RecordFile::Contacts, &contact, None, &event()).await.unwrap();
}

/// A child of cw001's with an assessment under way (no draft yet), and another child.
async fn children(store: &Store) -> (String, String, String) {
    let cw = store.load().await.unwrap();
    let r = cw
        .requests
        .iter()
        .find(|r| {
            r.caseworker.as_deref() == Some("cw001")
                && r.decision.is_some_and(|d| d.value == sendtrack_domain::codes::AssessmentDecision::Assess)
                && r.draft_issued_on.is_none()
                && r.outcome.is_none()
                && !cw.requests.iter().any(|o| o.child_id == r.child_id && o.received_on > r.received_on)
        })
        .expect("an assessment of cw001's under way");
    let other = cw.children.iter().find(|c| c.child_id != r.child_id).unwrap();
    (r.child_id.to_string(), r.request_id.to_string(), other.child_id.to_string())
}

/// The first e-mail to `to` whose subject starts with `subject`, waited for.
async fn wait_for_subject(sink: &SmtpSink, to: &str, subject: &str) -> sendtrack_mail::testing::Received {
    for _ in 0..100 {
        if let Some(m) = sink.to(to).into_iter().find(|m| m.subject().starts_with(subject)) {
            return m;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no e-mail to {to} about {subject}");
}

#[tokio::test]
async fn a_parent_invited_by_the_caseworker_follows_the_case_and_sends_what_they_have() {
    on_each_backend("web_family", |store, _| async move {
        let sink = SmtpSink::start().await;
        let app = app_with_mail(store.clone(), &sink).await;
        let (child, request, other) = children(&store).await;
        let parent = "parent@home.example.org";
        add_contact(&store, &child, "K-PARENT", ContactRole::Parent, parent).await;
        let cw = store.load().await.unwrap();
        let the_child = cw.children.iter().find(|c| c.child_id.as_str() == child).unwrap().clone();

        // The caseworker invites the parent: the invitation says nothing of the child.
        let staff = session(&app, "case@example.org").await;
        let token = csrf(&app, &staff).await;
        let form = [("csrf_token", token.as_str()), ("action", "invite"), ("contact", "K-PARENT")];
        let (status, _, _) = post(&app, &format!("/children/{child}/family"), &staff, &form).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let invitation = wait_for(&sink, parent).await;
        assert!(invitation.subject().contains("your child's EHC case") && invitation.body().contains("/portal"));
        assert!(
            !invitation.data.contains(&the_child.surname)
                && !invitation.data.contains(&the_child.date_of_birth.to_string())
        );
        // Someone at the SEN team cannot invite a school's SENCo to see the family's view.
        add_contact(&store, &child, "K-SENCO", ContactRole::Senco, "senco@school.example.org").await;
        let form = [("csrf_token", token.as_str()), ("action", "invite"), ("contact", "K-SENCO")];
        assert_eq!(post(&app, &format!("/children/{child}/family"), &staff, &form).await.0, StatusCode::BAD_REQUEST);

        // The parent signs in and sees where things stand, in plain words, with the dates.
        let family = portal_session(&app, &sink, parent).await;
        let (_, _, home) = get(&app, "/portal", Some(&family)).await;
        assert!(home.contains(&format!("/portal/children/{child}")) && home.contains(&the_child.surname));
        let page_of = |path: String| {
            let (app, family) = (app.clone(), family.clone());
            async move { get(&app, &path, Some(&family)).await }
        };
        let (status, _, page) = page_of(format!("/portal/children/{child}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("We are carrying out the EHC needs assessment"), "the stage");
        assert!(page.contains("We issue the final EHC plan, or tell you we will not issue one."));
        assert!(page.contains("Your caseworker"));
        // No other child, by any id; nothing of the staff app.
        assert_eq!(page_of(format!("/portal/children/{other}")).await.0, StatusCode::NOT_FOUND);
        assert_eq!(page_of("/portal/children/NO-SUCH".into()).await.0, StatusCode::NOT_FOUND);
        for path in [format!("/children/{child}"), "/".into(), "/week".into()] {
            let (status, headers, _) = page_of(path.clone()).await;
            assert_eq!(
                (status, headers.get(header::LOCATION).unwrap().to_str().unwrap()),
                (StatusCode::SEE_OTHER, "/sign-in"),
                "{path}"
            );
        }
        let csrf = csrf_in(&page);

        // A document shared with them: downloaded (audited); one not shared is not there.
        let letter = sendtrack_store::documents::Document {
            document_id: "d".repeat(32),
            series_id: "d".repeat(32),
            version: 1,
            child_id: child.clone(),
            title: "Decision to assess".into(),
            file_name: "decision.pdf".into(),
            content_type: "application/pdf".into(),
            size: PDF.len() as i64,
            sha256: String::new(),
            uploaded_at: "2026-11-30T09:00:00Z".into(),
            uploaded_by: "case@example.org".into(),
            request_id: Some(request.clone()),
            advice_id: None,
            plan_id: None,
            review_id: None,
            file_path: None,
            shared_with_family: false,
        };
        store.file_document(&letter, PDF, None, &[], &event()).await.unwrap();
        let doc = format!("/portal/children/{child}/documents/{}", letter.document_id);
        assert_eq!(page_of(doc.clone()).await.0, StatusCode::NOT_FOUND, "not shared yet");
        let share = [("csrf_token", token.as_str()), ("share", "yes")];
        assert_eq!(
            post(&app, &format!("/children/{child}/documents/{}/share", letter.document_id), &staff, &share).await.0,
            StatusCode::SEE_OTHER
        );
        let (status, headers, body) = page_of(doc.clone()).await;
        assert_eq!(status, StatusCode::OK);
        assert!(headers.get(header::CONTENT_DISPOSITION).unwrap().to_str().unwrap().starts_with("attachment"));
        assert!(body.starts_with("%PDF"));
        wait_for_subject(&sink, parent, "We have shared a document with you").await;
        let audited: Vec<String> = sqlx::query_scalar("SELECT action FROM audit WHERE child_id = $1 AND email = $2")
            .bind(child.clone())
            .bind(parent)
            .fetch_all(store.pool())
            .await
            .unwrap();
        assert!(
            audited.contains(&"portal view child".to_string())
                && audited.contains(&"portal download document".to_string())
        );

        // A message, into the chronology as a portal message from them; the caseworker is told.
        let message = [("csrf_token", csrf.as_str()), ("message", "Can we talk about the school?")];
        assert_eq!(
            post(&app, &format!("/portal/children/{child}/messages"), &family, &message).await.0,
            StatusCode::SEE_OTHER
        );
        let logged = store.load().await.unwrap();
        let entry = logged.case_log.iter().find(|e| e.summary.contains("Can we talk about the school?")).unwrap();
        assert_eq!(
            (entry.kind, entry.direction, entry.contact_id.as_deref()),
            (ContactKind::Portal, Some(Direction::In), Some("K-PARENT"))
        );
        let notice = wait_for(&sink, "demo.caseworker@example.org").await;
        assert!(notice.body().contains(&format!("/children/{child}")) && !notice.data.contains(&the_child.surname));
        // It is contact: the family is not owed an update today.
        let updates = sendtrack_domain::informed::family_updates(&logged);
        assert!(updates[child.as_str()].contains(&today()));

        // The draft plan, sent 10 November: the 15 days ended on 24 November; a comment now is late.
        let (mut r, v) = store.record_with_version(RecordFile::Requests, &request).await.unwrap();
        r.requests[0].draft_issued_on = Some(jiff::civil::date(2026, 11, 10));
        store.write_record(RecordFile::Requests, &r, Some(v), &event()).await.unwrap();
        let (_, _, page) = page_of(format!("/portal/children/{child}")).await;
        assert!(page.contains("The 15 days for comments ended on 24 November 2026"), "the period's end");
        let comment = [
            ("csrf_token", csrf.as_str()),
            ("request", request.as_str()),
            ("comment", "Section F misses speech therapy."),
            ("school", "Hill Academy"),
            ("meeting", "yes"),
        ];
        assert_eq!(
            post(&app, &format!("/portal/children/{child}/comments"), &family, &comment).await.0,
            StatusCode::SEE_OTHER
        );
        let logged = store.load().await.unwrap();
        let entry = logged.case_log.iter().find(|e| e.summary.contains("Section F misses speech therapy.")).unwrap();
        assert!(entry.summary.contains("late: the 15 days ended on 2026-11-24"), "{}", entry.summary);
        assert!(entry.summary.contains("Hill Academy") && entry.summary.contains("Asked for a meeting"));
        assert_eq!(entry.request_id.as_deref(), Some(request.as_str()));

        // A report from them, filed in the child's documents.
        let (status, _, _) = send_task(
            &app,
            &family,
            &format!("/portal/children/{child}/documents"),
            &csrf,
            &[("title", "Speech therapy report")],
            Some(PDF),
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let documents = store.documents_of(&child).await.unwrap();
        assert!(documents.iter().any(|d| d.title == "Speech therapy report" && d.uploaded_by == parent));
        let (status, _, _) = send_task(
            &app,
            &family,
            &format!("/portal/children/{child}/documents"),
            &csrf,
            &[],
            Some(b"MZ\x90\x00program"),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "not a document");

        // The caseworker's own notes of a call with them are not shown to them.
        let note = Casework {
            case_log: std::iter::once(sendtrack_domain::records::CaseLogEntry {
                entry_id: "E-NOTE".into(),
                child_id: child.as_str().into(),
                on: today(),
                time: None,
                kind: ContactKind::Call,
                direction: Some(Direction::Out),
                with_whom: None,
                contact_id: Some("K-PARENT".into()),
                summary: "Internal: discussed with the team manager first.".into(),
                request_id: None,
                plan_id: None,
                review_id: None,
                by: Some("cw001".into()),
            })
            .collect(),
            ..Default::default()
        };
        store.write_record(RecordFile::CaseLog, &note, None, &event()).await.unwrap();
        let (_, _, page) = page_of(format!("/portal/children/{child}")).await;
        assert!(page.contains("Can we talk about the school?") && !page.contains("Internal: discussed"));

        // A request for an assessment while one is under way is refused.
        let ask = [("csrf_token", csrf.as_str()), ("why", "More help needed.")];
        assert_eq!(
            post(&app, &format!("/portal/children/{child}/request"), &family, &ask).await.0,
            StatusCode::BAD_REQUEST
        );

        // The contact's address corrected: the old address no longer opens the case.
        let (mut k, v) = store.record_with_version(RecordFile::Contacts, "K-PARENT").await.unwrap();
        k.contacts[0].email = Some("sam.new@home.example.org".into());
        store.write_record(RecordFile::Contacts, &k, Some(v), &event()).await.unwrap();
        assert_eq!(page_of(format!("/portal/children/{child}")).await.0, StatusCode::NOT_FOUND);
        k.contacts[0].email = Some(parent.into());
        store.write_record(RecordFile::Contacts, &k, Some(v + 1), &event()).await.unwrap();
        assert_eq!(page_of(format!("/portal/children/{child}")).await.0, StatusCode::OK);

        // The caseworker ends the access: the parent's session no longer opens the child.
        let end = [("csrf_token", token.as_str()), ("action", "end"), ("contact", "K-PARENT")];
        assert_eq!(post(&app, &format!("/children/{child}/family"), &staff, &end).await.0, StatusCode::SEE_OTHER);
        let (status, headers, _) = page_of(format!("/portal/children/{child}")).await;
        assert_eq!(
            (status, headers.get(header::LOCATION).unwrap().to_str().unwrap()),
            (StatusCode::SEE_OTHER, "/portal/sign-in")
        );
    })
    .await;
}

#[tokio::test]
async fn a_family_asks_for_an_assessment_online_and_is_told_by_e_mail() {
    on_each_backend("web_family_request", |store, _| async move {
        let sink = SmtpSink::start().await;
        let app = app_with_mail(store.clone(), &sink).await;
        let cw = store.load().await.unwrap();
        // A child with no request under way.
        let child = cw
            .children
            .iter()
            .find(|c| {
                !cw.requests.iter().any(|r| {
                    r.child_id == c.child_id
                        && matches!(
                            sendtrack_domain::clock::request_status(r, today()),
                            sendtrack_domain::clock::RequestStatus::Open { .. }
                        )
                })
            })
            .unwrap()
            .child_id
            .to_string();
        let parent = "carer@home.example.org";
        add_contact(&store, &child, "K-CARER", ContactRole::Carer, parent).await;
        let cw = store.load().await.unwrap();
        sendtrack_mail::invite_family(&store, &cw, "K-CARER", None, "case@example.org", None, today()).await.unwrap();
        let family = portal_session(&app, &sink, parent).await;
        let (_, _, page) = get(&app, &format!("/portal/children/{child}"), Some(&family)).await;
        assert!(page.contains("Ask for an EHC needs assessment"));
        let ask = [("csrf_token", csrf_in(&page)), ("why", "School cannot meet her needs.".into())];
        let ask: Vec<(&str, &str)> = ask.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(
            post(&app, &format!("/portal/children/{child}/request"), &family, &ask).await.0,
            StatusCode::SEE_OTHER
        );
        let after = store.load().await.unwrap();
        let r = after.requests.iter().find(|r| r.child_id.as_str() == child && r.received_on == today()).unwrap();
        assert_eq!(r.source, Some(sendtrack_domain::codes::RequestSource::Parent));
        assert!(matches!(
            sendtrack_domain::clock::request_status(r, today()),
            sendtrack_domain::clock::RequestStatus::Open { .. }
        ));
        let ack = wait_for_subject(&sink, parent, "We received your request").await;
        assert!(ack.body().contains("by 11 January 2027"), "the 6 weeks: {}", ack.body());
        // The caseworker records the decision: the family is told something happened, not what.
        let staff = session(&app, "manager@example.org").await;
        let token = csrf(&app, &staff).await;
        let fields = [
            ("csrf_token", token.as_str()),
            ("version", "1"),
            ("received_on-day", "30"),
            ("received_on-month", "11"),
            ("received_on-year", "2026"),
            ("source", "parent"),
            ("decision", "assess"),
            ("decided_on-day", "30"),
            ("decided_on-month", "11"),
            ("decided_on-year", "2026"),
        ];
        let (status, _, page) =
            post(&app, &format!("/children/{child}/requests/{}", r.request_id), &staff, &fields).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{page}");
        let told = wait_for_subject(&sink, parent, "We have made a decision").await;
        assert!(told.body().contains("/portal") && !told.body().contains("assess "), "{}", told.body());
        // Both e-mails are contact with the family, in the chronology (written once sent).
        let mut recorded = 0;
        for _ in 0..50 {
            let logged = store.load().await.unwrap();
            recorded = logged
                .case_log
                .iter()
                .filter(|e| {
                    e.child_id.as_str() == child
                        && e.contact_id.as_deref() == Some("K-CARER")
                        && e.kind == ContactKind::Email
                })
                .count();
            if recorded == 2 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert_eq!(recorded, 2);
        // No more than 20 things sent in a day (each e-mails the caseworker): the request was one.
        let (_, _, page) = get(&app, &format!("/portal/children/{child}"), Some(&family)).await;
        let token = csrf_in(&page);
        for n in 0..19 {
            let text = format!("Message {n}");
            let message = [("csrf_token", token.as_str()), ("message", text.as_str())];
            assert_eq!(
                post(&app, &format!("/portal/children/{child}/messages"), &family, &message).await.0,
                StatusCode::SEE_OTHER
            );
        }
        let message = [("csrf_token", token.as_str()), ("message", "One more")];
        let (status, _, page) = post(&app, &format!("/portal/children/{child}/messages"), &family, &message).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(page.contains("send more tomorrow"));
    })
    .await;
}

#[tokio::test]
async fn a_young_person_over_school_age_decides_whether_their_parents_keep_access() {
    on_each_backend("web_family_young_person", |store, _| async move {
        let _app = app(store.clone()).await;
        let cw = store.load().await.unwrap();
        let over = |c: &&sendtrack_domain::records::Child| {
            sendtrack_domain::family::is_over_compulsory_school_age(c.date_of_birth, today())
        };
        let older = cw.children.iter().find(over).expect("a young person over school age").child_id.to_string();
        let younger = cw.children.iter().find(|c| !over(c)).unwrap().child_id.to_string();
        add_contact(&store, &older, "K-MUM", ContactRole::Parent, "mum@home.example.org").await;
        add_contact(&store, &older, "K-YP", ContactRole::YoungPerson, "yp@home.example.org").await;
        add_contact(&store, &younger, "K-KID", ContactRole::YoungPerson, "kid@home.example.org").await;
        let cw = store.load().await.unwrap();
        let invite = |contact: &'static str, keep: Option<bool>| {
            let (store, cw) = (store.clone(), cw.clone());
            async move { sendtrack_mail::invite_family(&store, &cw, contact, keep, "case@example.org", None, today()).await }
        };
        invite("K-MUM", None).await.unwrap();
        assert!(matches!(invite("K-KID", Some(true)).await, Err(sendtrack_mail::InviteError::TooYoung(_))));
        assert!(matches!(invite("K-YP", None).await, Err(sendtrack_mail::InviteError::ConsentNotSaid)));
        invite("K-YP", Some(false)).await.unwrap();
        let accesses = store.family_access_of_child(&older).await.unwrap();
        let mum = accesses.iter().find(|a| a.contact_id == "K-MUM").unwrap();
        let yp = accesses.iter().find(|a| a.contact_id == "K-YP").unwrap();
        assert!(mum.ended_at.is_some(), "the young person did not agree to their parents keeping access");
        assert_eq!((yp.ended_at.as_deref(), yp.parents_keep_access), (None, Some(false)));
        assert!(store.family_access_of("mum@home.example.org").await.unwrap().is_empty());
        // While the young person's refusal stands, the parent cannot simply be invited again.
        assert!(matches!(invite("K-MUM", None).await, Err(sendtrack_mail::InviteError::YoungPersonDeclined)));
    })
    .await;
}
