//! Staff and caseloads (issue 17): a manager adds, changes and ends people; caseworkers are
//! chosen from staff in post; a leaver's cases move to another person in one audited change.

use axum::http::StatusCode;
use sendtrack_domain::validation::RecordFile;
use sendtrack_store::testing::on_each_backend;

use crate::support::*;

#[tokio::test]
async fn a_manager_adds_and_ends_a_person_and_moves_their_cases() {
    on_each_backend("web_workforce", |store, _| async move {
        let app = app(store.clone()).await;
        let manager = session(&app, "manager@example.org").await;
        let token = csrf(&app, &manager).await;
        let (status, _, page) = get(&app, "/staff", Some(&manager)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Add a member of staff"));

        // A new caseworker, with a mistake first: more than full time.
        let mut person = vec![
            ("csrf_token", token.as_str()),
            ("staff_id", "cw900"),
            ("name", "Ada Example"),
            ("email", "viewer@example.org"),
            ("role", "caseworker"),
            ("team", "Secondary"),
            ("fte", "1.5"),
            ("contract", "interim"),
            ("started_on-day", "2"),
            ("started_on-month", "11"),
            ("started_on-year", "2026"),
        ];
        let (status, _, form) = post(&app, "/staff/new", &manager, &person).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(form.contains("govuk-error-summary") && form.contains("outside 0.01 to 1.00"), "{form}");
        person[6] = ("fte", "0.8");
        let (status, headers, _) = post(&app, "/staff/new", &manager, &person).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(headers.get("location").unwrap(), "/staff?saved=cw900");
        let (_, _, list) = get(&app, "/staff?saved=cw900", Some(&manager)).await;
        assert!(list.contains("Saved Ada Example (cw900).") && list.contains("Interim"));
        // Their sign-in account, found by e-mail address, is linked to their staff id.
        let account = store.user("viewer@example.org").await.unwrap().unwrap();
        assert_eq!(account.staff_id.as_deref(), Some("cw900"));
        // The same staff id again is refused.
        let (status, _, form) = post(&app, "/staff/new", &manager, &person).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(form.contains("cw900 already exists"), "{form}");

        // A request's caseworker is chosen from staff in post, by name; an id typed in is refused.
        let cw = store.load().await.unwrap();
        let child = cw.children.iter().find(|c| !cw.requests.iter().any(|r| r.child_id == c.child_id)).unwrap();
        let path = format!("/children/{}/requests/new", child.child_id);
        let (_, _, form) = get(&app, &path, Some(&manager)).await;
        assert!(form.contains("<option value=\"cw900\">Ada Example, Secondary</option>"), "{form}");
        assert!(!form.contains("caseworker_new"), "with staff recorded no caseworker is typed in");
        let request = |caseworker: &'static str| {
            vec![
                ("csrf_token", token.clone()),
                ("received_on-day", "3".to_string()),
                ("received_on-month", "11".to_string()),
                ("received_on-year", "2026".to_string()),
                ("source", "parent".to_string()),
                ("caseworker", caseworker.to_string()),
            ]
        };
        let ghost = request("cw999");
        let ghost: Vec<(&str, &str)> = ghost.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (status, _, form) = post(&app, &path, &manager, &ghost).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(form.contains("Choose a caseworker in post from the list"));

        // cw001 leaves on 27 November; their cases move to Ada in one change.
        let (member, version) = store.record_with_version(RecordFile::Staff, "cw001").await.unwrap();
        let m = &member.staff[0];
        let started = m.started_on;
        let ended = [
            ("csrf_token", token.as_str()),
            ("version", &version.to_string()),
            ("name", m.name.as_str()),
            ("role", m.role.code()),
            ("team", m.team.as_deref().unwrap_or("")),
            ("fte", m.fte.as_str()),
            ("contract", m.contract.code()),
            ("post_id", m.post_id.as_deref().unwrap_or("")),
            ("started_on-day", &started.day().to_string()),
            ("started_on-month", &started.month().to_string()),
            ("started_on-year", &started.year().to_string()),
            ("ended_on-day", "27"),
            ("ended_on-month", "11"),
            ("ended_on-year", "2026"),
        ]
        .map(|(k, v)| (k, v.to_string()));
        let ended: Vec<(&str, &str)> = ended.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (status, _, _) = post(&app, "/staff/cw001", &manager, &ended).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, _, everyone) = get(&app, "/staff?all=yes", Some(&manager)).await;
        assert!(everyone.contains("Left 27 November 2026"));

        let (_, _, loads) = get(&app, "/caseloads", Some(&manager)).await;
        assert!(loads.contains("Cases not held by a caseworker in post") && loads.contains("not in post"), "{loads}");
        let held_before = |cw: &sendtrack_domain::records::Casework| {
            cw.requests.iter().filter(|r| r.caseworker.as_deref() == Some("cw001") && r.outcome.is_none()).count()
        };
        let before = store.load().await.unwrap();
        assert!(held_before(&before) > 0);
        let (status, headers, _) = post(
            &app,
            "/caseloads/reallocate",
            &manager,
            &[("csrf_token", &token), ("from", "cw001"), ("to", "cw900")],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let location = headers.get("location").unwrap().to_str().unwrap().to_string();
        let (_, _, after_page) = get(&app, &location, Some(&manager)).await;
        assert!(after_page.contains("to Ada Example."), "{after_page}");
        let after = store.load().await.unwrap();
        let moved: Vec<_> = after.requests.iter().filter(|r| r.caseworker.as_deref() == Some("cw900")).collect();
        assert!(!moved.is_empty());
        assert!(after.plans.iter().any(|p| p.caseworker.as_deref() == Some("cw900")));
        // Every move is in the audit trail, against its child.
        let moves: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM audit WHERE action LIKE 'reallocate %' AND child_id IS NOT NULL")
                .fetch_one(store.pool())
                .await
                .unwrap();
        assert!(moves as usize >= moved.len());
        // The cases no one in post holds are a worklist; the ones ticked move.
        let (status, _, worklist) = get(&app, "/caseloads/cases?holder=unallocated", Some(&manager)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(worklist.contains("Cases not held by a caseworker in post ("), "{worklist}");
        let ticks: Vec<String> = worklist
            .split("name=\"case\" type=\"checkbox\" value=\"")
            .skip(1)
            .take(2)
            .map(|rest| rest.split('"').next().unwrap().to_string())
            .collect();
        assert_eq!(ticks.len(), 2, "the demo has cases nobody in post holds");
        let form: Vec<(&str, &str)> = [("csrf_token", token.as_str()), ("to", "cw900")]
            .into_iter()
            .chain(ticks.iter().map(|t| ("case", t.as_str())))
            .collect();
        let (status, headers, _) = post(&app, "/caseloads/reallocate", &manager, &form).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert!(headers.get("location").unwrap().to_str().unwrap().starts_with("/caseloads?moved=2&"));
        let now = store.load().await.unwrap();
        for tick in &ticks {
            let (table, id) = tick.split_once(':').unwrap();
            let holder = match table {
                "requests" => now.requests.iter().find(|r| r.request_id == id).unwrap().caseworker.clone(),
                _ => now.plans.iter().find(|p| p.plan_id == id).unwrap().caseworker.clone(),
            };
            assert_eq!(holder.as_deref(), Some("cw900"), "{tick}");
        }
        // Moving to someone not in post is refused.
        let (status, _, _) = post(
            &app,
            "/caseloads/reallocate",
            &manager,
            &[("csrf_token", &token), ("from", "cw900"), ("to", "cw001")],
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);

        // Caseworkers, analysts and viewers do not see the workforce pages.
        for email in ["case@example.org", "analyst@example.org", "viewer@example.org"] {
            let other = session(&app, email).await;
            for path in ["/staff", "/staff/new", "/staff/cw900", "/caseloads"] {
                assert_eq!(get(&app, path, Some(&other)).await.0, StatusCode::FORBIDDEN, "{email} {path}");
            }
        }
    })
    .await;
}

#[tokio::test]
async fn a_caseworkers_week_lists_the_steps_due_on_their_cases_and_only_theirs() {
    on_each_backend("web_week", |store, _| async move {
        let app = app(store.clone()).await;
        let case = session(&app, "case@example.org").await;
        let (status, _, week) = get(&app, "/week", Some(&case)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(week.contains("<h1 class=\"govuk-heading-l\">My week</h1>"), "{week}");
        assert!(week.contains("Steps by when they fall due") && week.contains("Every step"));
        // The steps are cw001's: every row's caseworker is theirs.
        let cw = store.load().await.unwrap();
        let today = jiff::civil::date(TODAY.0, TODAY.1, TODAY.2);
        let mine = sendtrack_domain::week::steps_due(&cw, today, &|h| h == Some("cw001"));
        assert!(!mine.is_empty(), "the demo's caseworker has work due");
        assert!(week.contains(&format!("Every step ({})", mine.len())), "{week}");
        // Asking for someone else's week shows one's own.
        let (_, _, other) = get(&app, "/week?caseworker=cw002", Some(&case)).await;
        assert!(other.contains(&format!("Every step ({})", mine.len())));
        // A count links to its rows; the rows download as CSV.
        let overdue = mine.iter().filter(|s| s.when(today) == sendtrack_domain::week::When::Overdue).count();
        let (_, _, filtered) = get(&app, "/week?when=overdue", Some(&case)).await;
        assert!(filtered.contains(&format!("Overdue ({overdue})")), "{filtered}");
        let (status, _, csv) = get(&app, "/week?download=csv&table=steps", Some(&case)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(csv.starts_with("due_on,when,step,child_id,name,record_id,provider,caseworker"));
        assert_eq!(csv.lines().count(), mine.len() + 1);
        // A manager looks at anyone's week, or a team's.
        let manager = session(&app, "manager@example.org").await;
        let (_, _, theirs) = get(&app, "/week?caseworker=cw001", Some(&manager)).await;
        assert!(theirs.contains("The week for ") && theirs.contains(&format!("Every step ({})", mine.len())));
        let team = cw.staff.iter().find(|m| m.staff_id == "cw001").unwrap().team.clone().unwrap();
        let query = serde_urlencoded::to_string([("team", team.as_str())]).unwrap();
        let (status, _, team_week) = get(&app, &format!("/week?{query}"), Some(&manager)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(team_week.contains(&format!("The week for {team}")));
        // Analysts and viewers have no week.
        let analyst = session(&app, "analyst@example.org").await;
        assert_eq!(get(&app, "/week", Some(&analyst)).await.0, StatusCode::FORBIDDEN);
    })
    .await;
}

#[tokio::test]
async fn a_caseworker_adds_a_task_on_a_child_and_it_is_in_their_week_until_done() {
    on_each_backend("web_tasks", |store, _| async move {
        let app = app(store.clone()).await;
        let cw = store.load().await.unwrap();
        // A child whose latest request is cw001's, so that cw001 may record on them.
        let child = cw
            .requests
            .iter()
            .filter(|r| r.caseworker.as_deref() == Some("cw001"))
            .find(|r| {
                let latest = cw.requests.iter().filter(|q| q.child_id == r.child_id).max_by_key(|q| q.received_on);
                let plan = cw.plans.iter().filter(|p| p.child_id == r.child_id).max_by_key(|p| p.issued_on);
                latest.is_some_and(|q| q.request_id == r.request_id)
                    && plan.is_none_or(|p| p.caseworker.is_none() || p.caseworker.as_deref() == Some("cw001"))
            })
            .unwrap()
            .child_id
            .to_string();
        let case = session(&app, "case@example.org").await;
        let (_, _, page) = get(&app, &format!("/children/{child}"), Some(&case)).await;
        assert!(page.contains("Add a task"));
        let path = format!("/children/{child}/tasks/new");
        let (_, _, form) = get(&app, &path, Some(&case)).await;
        assert!(form.contains("<option value=\"cw001\" selected"), "the task is the caseworker's own by default");
        let token = csrf_in(&form);
        // Due next Friday, after today: allowed for a task.
        let task = [
            ("csrf_token", token.as_str()),
            ("caseworker", "cw001"),
            ("due_on-day", "4"),
            ("due_on-month", "12"),
            ("due_on-year", "2026"),
            ("what", "Phone the school about the draft plan"),
        ];
        let (status, headers, _) = post(&app, &path, &case, &task).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "a task may be due on a day to come");
        let (_, _, page) = get(&app, headers.get("location").unwrap().to_str().unwrap(), Some(&case)).await;
        assert!(page.contains("Saved task T-") && page.contains("Phone the school about the draft plan"));
        let (_, _, week) = get(&app, "/week?kind=task", Some(&case)).await;
        assert!(week.contains("Task: Phone the school about the draft plan") && week.contains("This week"), "{week}");
        // Done: it leaves the week. The audit trail records that it changed, not its words.
        let stored = store.load().await.unwrap();
        let t = stored.tasks.iter().find(|t| t.child_id == child).unwrap();
        let edit = format!("/children/{child}/tasks/{}", t.task_id);
        let done = [
            ("csrf_token", token.as_str()),
            ("version", "1"),
            ("caseworker", "cw001"),
            ("due_on-day", "4"),
            ("due_on-month", "12"),
            ("due_on-year", "2026"),
            ("what", "Phone the school about the draft plan"),
            ("done_on-day", "30"),
            ("done_on-month", "11"),
            ("done_on-year", "2026"),
        ];
        assert_eq!(post(&app, &edit, &case, &done).await.0, StatusCode::SEE_OTHER);
        let (_, _, week) = get(&app, "/week?kind=task", Some(&case)).await;
        assert!(!week.contains("Phone the school"));
        let details: Vec<String> = sqlx::query_scalar("SELECT detail FROM audit WHERE action LIKE '% task %'")
            .fetch_all(store.pool())
            .await
            .unwrap();
        assert!(!details.is_empty() && details.iter().all(|d| !d.contains("Phone the school")), "{details:?}");
    })
    .await;
}

#[tokio::test]
async fn a_caseworker_logs_a_call_and_the_chronology_shows_it_beside_the_statutory_steps() {
    on_each_backend("web_case_log", |store, _| async move {
        let app = app(store.clone()).await;
        let manager = session(&app, "manager@example.org").await;
        let cw = store.load().await.unwrap();
        let request = cw.requests.iter().find(|r| r.caseworker.is_some()).unwrap().clone();
        let child = request.child_id.to_string();
        let path = format!("/children/{child}/log/new");
        let (status, _, form) = get(&app, &path, Some(&manager)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(!form.contains("name=\"by\""), "the author is the person who writes it");
        let token = csrf_in(&form);
        let entry = [
            ("csrf_token", token.as_str()),
            ("on-day", "27"),
            ("on-month", "11"),
            ("on-year", "2026"),
            ("time", "09:30"),
            ("kind", "call"),
            ("direction", "in"),
            ("with_whom", "Mother"),
            ("summary", "Asked when the decision will be sent; promised a call back on Monday"),
            ("request_id", request.request_id.as_str()),
        ];
        // A time that is not a time is refused at its field.
        let mut wrong = entry;
        wrong[4] = ("time", "9.30am");
        let (status, _, page) = post(&app, &path, &manager, &wrong).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(page.contains("is not a time"), "{page}");
        let (status, headers, _) = post(&app, &path, &manager, &entry).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let location = headers.get("location").unwrap().to_str().unwrap().to_string();
        let (_, _, page) = get(&app, &location, Some(&manager)).await;
        assert!(
            page.contains("Phone call (received) with Mother at 09:30: Asked when the decision will be sent"),
            "{page}"
        );
        let (_, _, log) = get(&app, &format!("/children/{child}?show=log"), Some(&manager)).await;
        assert!(log.contains("Phone call (received)") && !log.contains("Request for an EHC needs assessment received"));
        let (_, _, statutory) = get(&app, &format!("/children/{child}?show=statutory"), Some(&manager)).await;
        assert!(!statutory.contains("Phone call (received)"));
        // Stored as written; the summary never reaches the audit trail.
        let stored = store.load().await.unwrap();
        let e = stored.case_log.iter().find(|e| e.child_id == child && e.summary.starts_with("Asked when")).unwrap();
        assert_eq!((e.time.as_deref(), e.on), (Some("09:30"), jiff::civil::date(2026, 11, 27)));
        let details: Vec<Option<String>> =
            sqlx::query_scalar("SELECT detail FROM audit WHERE action LIKE '% case log entry %'")
                .fetch_all(store.pool())
                .await
                .unwrap();
        assert!(!details.is_empty() && details.iter().flatten().all(|d| !d.contains("promised")), "{details:?}");
        // Analysts and viewers cannot reach it.
        for email in ["analyst@example.org", "viewer@example.org"] {
            let other = session(&app, email).await;
            assert_eq!(get(&app, &path, Some(&other)).await.0, StatusCode::FORBIDDEN);
            assert_eq!(get(&app, &format!("/children/{child}"), Some(&other)).await.0, StatusCode::FORBIDDEN);
        }
    })
    .await;
}
