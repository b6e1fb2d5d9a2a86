//! E-mail from the command line (issue 19): `sendtrack notify`, run twice on the same day,
//! sends each inbox exactly one digest listing exactly its tasks due within 7 days or overdue,
//! through a real SMTP server on 127.0.0.1; no e-mail names a child. `sendtrack org member
//! add` lets someone sign in at the portal.
#![allow(clippy::unwrap_used, clippy::expect_used)] // Test helpers may panic: a panic is a failed test.

use crate::support::{ok, run as sendtrack, text};
use sendtrack_mail::testing::SmtpSink;
use std::collections::{BTreeMap, BTreeSet};

#[test]
fn notify_twice_sends_each_inbox_one_digest_of_exactly_its_due_tasks_and_names_no_child() {
    // The SMTP server runs on the runtime's threads while the commands run on this one.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let sink = runtime.block_on(SmtpSink::start());
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let db = tmp.path().join("st.db");
    let (data_s, db_s) = (data.to_str().unwrap(), db.to_str().unwrap());
    ok(&["demo-data", "--out", data_s, "--children", "300", "--seed", "6"]);
    ok(&["import", "--db", db_s, data_s]);
    let url = sink.url();
    let notify = [
        "notify",
        "--db",
        db_s,
        "--smtp",
        &url,
        "--mail-from",
        "send@council.example.org",
        "--public-url",
        "https://send.example.gov.uk",
    ];
    let first = ok(&notify);
    assert!(first.contains("sent") && !first.contains(" 0 sent"), "{first}");
    let second = ok(&notify);
    assert!(second.contains("0 queued, 0 sent, 0 failed"), "{second}");

    let store = runtime.block_on(sendtrack_store::Store::open_existing(db_s)).unwrap();
    let cw = runtime.block_on(store.load()).unwrap();
    let today = jiff::civil::date(2026, 11, 30);
    let tasks = sendtrack_domain::portal::open_tasks(&cw, today);
    let digests: Vec<_> = sink.received().into_iter().filter(|m| m.subject().starts_with("SEND tasks due")).collect();
    let mut per_inbox: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for m in &digests {
        assert!(!per_inbox.contains_key(&m.to[0]), "{} had two digests", m.to[0]);
        let listed = m
            .body()
            .lines()
            .filter_map(|l| l.strip_prefix("- "))
            .filter_map(|l| l.split(": due").next()?.rsplit(' ').next().map(str::to_string))
            .collect();
        per_inbox.insert(m.to[0].clone(), listed);
    }
    let mut expected: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for t in tasks.iter().filter(|t| t.due_on <= jiff::civil::date(2026, 12, 7)) {
        let org = cw.organisations.iter().find(|o| o.organisation_id.as_str() == t.organisation_id).unwrap();
        expected.entry(org.email.clone().unwrap()).or_default().insert(t.id.clone());
    }
    assert!(!expected.is_empty(), "the demo has tasks due");
    assert_eq!(per_inbox, expected);
    for m in sink.received() {
        for c in &cw.children {
            let name = format!("{} {}", c.forename, c.surname);
            assert!(!m.data.contains(&name) && !m.data.contains(&c.date_of_birth.to_string()), "{}", m.subject());
            assert!(c.upn.as_deref().is_none_or(|upn| !m.data.contains(upn)));
        }
    }
    runtime.block_on(store.close());

    // Portal members from the command line.
    let org = cw.organisations[0].organisation_id.to_string();
    let added =
        ok(&["org", "member", "add", "--db", db_s, "--org", &org, "--email", "Lead@Team.example.org", "--admin"]);
    assert!(added.contains("lead@team.example.org") && added.contains("administrator"), "{added}");
    let again = sendtrack(&["org", "member", "add", "--db", db_s, "--org", &org, "--email", "lead@team.example.org"]);
    assert!(!again.status.success() && text(&again.stderr).contains("already"), "{}", text(&again.stderr));
    let unknown = sendtrack(&["org", "member", "add", "--db", db_s, "--org", "NO-SUCH", "--email", "a@b.example.org"]);
    assert!(!unknown.status.success() && text(&unknown.stderr).contains("NO-SUCH"), "{}", text(&unknown.stderr));
    ok(&["org", "member", "remove", "--db", db_s, "--org", &org, "--email", "lead@team.example.org"]);
    // A family invited from the command line: the invitation goes to the contact's address.
    let parent = cw
        .contacts
        .iter()
        .find(|c| {
            c.role == sendtrack_domain::codes::ContactRole::Parent && c.parental_responsibility && c.email.is_some()
        })
        .unwrap();
    let invited = ok(&[
        "family",
        "invite",
        "--db",
        db_s,
        "--contact",
        parent.contact_id.as_str(),
        "--smtp",
        &url,
        "--mail-from",
        "send@council.example.org",
    ]);
    assert!(invited.contains(parent.child_id.as_str()), "{invited}");
    let to = parent.email.as_deref().unwrap().to_lowercase();
    assert!(sink.to(&to).iter().any(|m| m.subject().starts_with("You can now see your child's EHC case online")));
    let senco = cw
        .contacts
        .iter()
        .find(|c| c.role != sendtrack_domain::codes::ContactRole::Parent && !c.role.is_family())
        .map(|c| c.contact_id.to_string());
    if let Some(senco) = senco {
        let refused = sendtrack(&["family", "invite", "--db", db_s, "--contact", &senco, "--smtp", &url]);
        assert!(
            !refused.status.success() && text(&refused.stderr).contains("is not a parent, carer or the young person")
        );
    }
    // Without --smtp there is nothing to send through.
    let bare = sendtrack(&["notify", "--db", db_s]);
    assert!(!bare.status.success() && text(&bare.stderr).contains("--smtp"));
}
