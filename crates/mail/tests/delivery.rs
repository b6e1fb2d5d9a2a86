//! The e-mail job (issue 19) against a real SMTP conversation with a server on 127.0.0.1: each
//! inbox gets one digest a day however often the job runs and however many instances run it,
//! listing exactly its tasks due within 7 days or overdue; a failed send is tried again and
//! shown; each e-mail sent is in the chronology of the children it concerns; none names a child.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use sendtrack_domain::portal::open_tasks;
use sendtrack_interchange::demo::{DemoOptions, generate};
use sendtrack_mail::testing::SmtpSink;
use sendtrack_mail::{Links, Mailer, deliver, notify};
use sendtrack_store::Store;
use sendtrack_store::testing::on_each_backend;
use std::collections::{BTreeMap, BTreeSet};

const TODAY: jiff::civil::Date = jiff::civil::date(2026, 11, 30);

fn links() -> Links {
    Links { base: "https://send.example.gov.uk".into() }
}

async fn authority(store: &Store) -> sendtrack_domain::records::Casework {
    let cw = generate(&DemoOptions { children: 300, seed: 3, as_at: TODAY });
    store.save(&cw, &|_| {}).await.unwrap();
    cw
}

#[tokio::test]
async fn each_inbox_gets_one_digest_a_day_listing_exactly_its_due_and_overdue_tasks() {
    on_each_backend("mail_digests", |store, location| async move {
        let cw = authority(&store).await;
        let sink = SmtpSink::start().await;
        let mailer = Mailer::new(&sink.url(), "send@council.example.org").unwrap();
        // Two instances on the same database, at once, then again: one digest per inbox.
        let other = Store::open(&location).await.unwrap();
        let links = links();
        let (a, b) = tokio::join!(
            notify(&store, &cw, &mailer, TODAY, &links, "test"),
            notify(&other, &cw, &mailer, TODAY, &links, "test")
        );
        let (a, b) = (a.unwrap(), b.unwrap());
        let again = notify(&store, &cw, &mailer, TODAY, &links, "test").await.unwrap();
        assert_eq!(again.queued + again.sent, 0, "nothing more the same day");
        let digests: Vec<_> =
            sink.received().into_iter().filter(|m| m.subject().starts_with("SEND tasks due")).collect();
        assert_eq!(a.sent + b.sent, sink.received().len(), "every send counted once");
        let mut per_inbox: BTreeMap<String, usize> = BTreeMap::new();
        for m in &digests {
            *per_inbox.entry(m.to[0].clone()).or_default() += 1;
        }
        assert!(!per_inbox.is_empty());
        assert!(per_inbox.values().all(|n| *n == 1), "{per_inbox:?}");
        // Exactly the inbox's tasks due by 7 December or overdue.
        let tasks = open_tasks(&cw, TODAY);
        for m in &digests {
            let inbox = &m.to[0];
            let orgs: Vec<&str> = cw
                .organisations
                .iter()
                .filter(|o| o.email.as_deref() == Some(inbox.as_str()))
                .map(|o| o.organisation_id.as_str())
                .collect();
            let expected: BTreeSet<String> = tasks
                .iter()
                .filter(|t| orgs.contains(&t.organisation_id.as_str()) && t.due_on <= jiff::civil::date(2026, 12, 7))
                .map(|t| t.id.clone())
                .collect();
            let listed: BTreeSet<String> = m
                .body()
                .lines()
                .filter_map(|l| l.strip_prefix("- "))
                .filter_map(|l| l.split(": due").next()?.rsplit(' ').next().map(str::to_string))
                .collect();
            assert_eq!(listed, expected, "{inbox}");
            assert!(m.body().contains("https://send.example.gov.uk/portal"));
        }
        // Inboxes with nothing due get nothing.
        let due_inboxes: BTreeSet<&str> = tasks
            .iter()
            .filter(|t| t.due_on <= jiff::civil::date(2026, 12, 7))
            .filter_map(|t| {
                cw.organisations.iter().find(|o| o.organisation_id == t.organisation_id.as_str())?.email.as_deref()
            })
            .collect();
        assert_eq!(per_inbox.keys().map(String::as_str).collect::<BTreeSet<_>>(), due_inboxes);
        // No e-mail names a child, gives a date of birth or a UPN.
        for m in sink.received() {
            for c in &cw.children {
                for said in [c.surname.as_str(), &c.date_of_birth.to_string()].into_iter().chain(c.upn.as_deref()) {
                    assert!(!m.data.contains(said) || said.len() < 4, "{} names {said}", m.subject());
                }
            }
        }
        // Each digest sent is in the chronology of each child it lists.
        let logged = store.load().await.unwrap();
        let first = &digests[0];
        let ids: Vec<String> = first
            .body()
            .lines()
            .filter_map(|l| l.strip_prefix("- "))
            .filter_map(|l| l.split(": due").next()?.rsplit(' ').next().map(str::to_string))
            .collect();
        for id in ids {
            let child = &tasks.iter().find(|t| t.id == id).unwrap().child_id;
            assert!(
                logged.case_log.iter().any(|e| e.child_id.as_str() == child && e.summary.contains(&first.subject())),
                "{child}'s chronology records the digest"
            );
        }
        other.close().await;
    })
    .await;
}

#[tokio::test]
async fn a_send_the_server_refuses_is_tried_again_and_shown_until_it_goes() {
    on_each_backend("mail_retry", |store, _| async move {
        let cw = authority(&store).await;
        let sink = SmtpSink::start().await;
        let mailer = Mailer::new(&sink.url(), "send@council.example.org").unwrap();
        sink.refuse_next(1);
        let first = notify(&store, &cw, &mailer, TODAY, &links(), "test").await.unwrap();
        assert_eq!(first.failed, 1);
        let failed = store.failed_mail().await.unwrap();
        assert_eq!(failed.len(), 1);
        assert!(failed[0].error.as_deref().unwrap().contains("Try again later"), "{:?}", failed[0].error);
        let inbox = failed[0].inbox.clone();
        assert!(sink.to(&inbox).is_empty());
        let retried = deliver(&store, &mailer, TODAY, "test").await.unwrap();
        assert_eq!((retried.sent, retried.failed), (1, 0));
        assert_eq!(sink.to(&inbox).len(), 1);
        assert!(store.failed_mail().await.unwrap().is_empty());
        // A server that keeps refusing: five attempts, then it is left for an admin.
        sink.refuse_next(100);
        let mail = sendtrack_store::portal::Mail {
            mail_id: "notice:test".into(),
            kind: "notice".into(),
            inbox: "someone@example.org".into(),
            to_whom: "someone".into(),
            day: TODAY.to_string(),
            subject: "A notice".into(),
            body: "Nothing about anyone.".into(),
            queued_at: "2026-11-30T08:00:00Z".into(),
            ..Default::default()
        };
        assert!(store.queue_mail(&mail).await.unwrap());
        for _ in 0..7 {
            deliver(&store, &mailer, TODAY, "test").await.unwrap();
        }
        let left = store.failed_mail().await.unwrap();
        assert_eq!(left.iter().find(|m| m.mail_id == "notice:test").unwrap().attempts, 5);
        sink.refuse_next(0);
    })
    .await;
}
