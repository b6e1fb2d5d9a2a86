//! E-mail from sendtrack (issue 19): an SMTP transport (STARTTLS or TLS, with credentials, by
//! `lettre`), and the job that chases what is due. Each day every organisation's inbox gets one
//! digest of its open tasks due within 7 days or overdue, and each week every caseworker one
//! digest of their week; each is queued under a key (`digest:{inbox}:{day}`,
//! `week:{inbox}:{monday}`) that the database takes once, and sent by whichever instance claims
//! it, so that restarts and many instances on one PostgreSQL database send it once. A failed
//! send is tried again (up to 5 times) and shown to admins; each e-mail sent is recorded in
//! the chronology of each child it concerns. No e-mail holds a child's name, date of birth or
//! UPN: only references, dates and links.

#[cfg(feature = "testing")]
pub mod testing;

use jiff::civil::Date;
use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sendtrack_domain::codes::{ContactKind, Direction};
use sendtrack_domain::portal::{self, Mail as Text};
use sendtrack_domain::records::{CaseLogEntry, Casework, new_record_id};
use sendtrack_domain::validation::RecordFile;
use sendtrack_store::portal::Mail;
use sendtrack_store::{AuditEvent, Store, StoreError};
use std::collections::BTreeMap;

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("the SMTP server address '{url}' cannot be used: {why}")]
    Url { url: String, why: String },
    #[error("'{0}' is not an e-mail address")]
    Address(String),
    #[error("the e-mail could not be written: {0}")]
    Build(String),
    #[error("the SMTP server did not take the e-mail: {0}")]
    Send(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Sends e-mail through one SMTP server, from one address.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the URL: it may hold the server's password.
        f.debug_struct("Mailer").field("from", &self.from.email.to_string()).finish()
    }
}

impl Mailer {
    /// A mailer for the SMTP server at `url`: `smtp://host:port` (plain, for a relay on the
    /// same network), `smtp://host:587?tls=required` (STARTTLS), `smtps://host:465` (TLS), with
    /// `user:password@` before the host when the server wants credentials.
    pub fn new(url: &str, from: &str) -> Result<Mailer, MailError> {
        let shown = url.split_once('@').map_or(url.to_string(), |(scheme, host)| {
            format!("{}//…@{host}", scheme.split("//").next().unwrap_or_default())
        });
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| MailError::Url { url: shown, why: e.to_string() })?
            .timeout(Some(std::time::Duration::from_secs(30)))
            .build();
        let from = from.parse::<Mailbox>().map_err(|_| MailError::Address(from.to_string()))?;
        Ok(Mailer { transport, from })
    }

    /// Sends one plain-text e-mail to `to`.
    pub async fn send(&self, to: &str, text: &Text) -> Result<(), MailError> {
        let to = to.parse::<Mailbox>().map_err(|_| MailError::Address(to.to_string()))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(text.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(text.body.clone())
            .map_err(|e| MailError::Build(e.to_string()))?;
        self.transport.send(message).await.map_err(|e| MailError::Send(e.to_string()))?;
        Ok(())
    }
}

/// Where links in e-mails point: the service's address as people reach it.
#[derive(Debug, Clone)]
pub struct Links {
    /// For example `https://send.example.gov.uk` (no trailing slash).
    pub base: String,
}

impl Links {
    pub fn portal(&self) -> String {
        format!("{}/portal", self.base.trim_end_matches('/'))
    }

    pub fn week(&self) -> String {
        format!("{}/week", self.base.trim_end_matches('/'))
    }

    pub fn child(&self, child_id: &str) -> String {
        format!("{}/children/{child_id}", self.base.trim_end_matches('/'))
    }
}

/// What a run of the job did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delivery {
    /// E-mails queued by this run (others may have queued the rest).
    pub queued: usize,
    pub sent: usize,
    pub failed: usize,
}

/// The time now, as stored (UTC, to the second).
fn stored_now() -> String {
    jiff::Timestamp::now().strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The time `minutes` ago, as stored.
fn minutes_ago(minutes: i64) -> String {
    let now = jiff::Timestamp::now();
    now.checked_sub(jiff::SignedDuration::from_mins(minutes)).unwrap_or(now).strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A claim older than this is of a sender that stopped: another may take it.
const STALE_MINUTES: i64 = 15;

/// Queues the day's digests (once per inbox per day) and the week's caseworker digests (once
/// per inbox per week, from the Monday): each organisation with a team inbox and tasks due
/// within 7 days or overdue; each member of staff in post with an e-mail address and steps due.
pub async fn queue_digests(store: &Store, cw: &Casework, today: Date, links: &Links) -> Result<usize, MailError> {
    let now = stored_now();
    let mut queued = 0;
    let tasks = portal::open_tasks(cw, today);
    // Organisations sharing an inbox share its digest.
    let mut inboxes: BTreeMap<String, Vec<&sendtrack_domain::records::Organisation>> = BTreeMap::new();
    for o in &cw.organisations {
        if let Some(email) = o.email.as_deref().map(|e| e.trim().to_lowercase()).filter(|e| !e.is_empty()) {
            inboxes.entry(email).or_default().push(o);
        }
    }
    for (inbox, organisations) in &inboxes {
        let ids: Vec<&str> = organisations.iter().map(|o| o.organisation_id.as_str()).collect();
        let theirs: Vec<&portal::Task> = tasks.iter().filter(|t| ids.contains(&t.organisation_id.as_str())).collect();
        let names: Vec<&str> = organisations.iter().map(|o| o.name.as_str()).collect();
        let to_whom = names.join(" and ");
        let Some(text) = portal::digest(&to_whom, &theirs, today, &links.portal()) else { continue };
        let mut children: Vec<String> =
            theirs.iter().filter(|t| t.is_in_digest(today)).map(|t| t.child_id.clone()).collect();
        children.sort();
        children.dedup();
        let mail = Mail {
            mail_id: format!("digest:{inbox}:{today}"),
            kind: "digest".into(),
            inbox: inbox.clone(),
            to_whom,
            day: today.to_string(),
            subject: text.subject,
            body: text.body,
            children,
            queued_at: now.clone(),
            ..Mail::default()
        };
        queued += usize::from(store.queue_mail(&mail).await?);
    }
    let monday = sendtrack_domain::dates::add_days(today, 1 - i64::from(today.weekday().to_monday_one_offset()));
    for member in cw.staff.iter().filter(|m| m.is_in_post_at(today)) {
        let Some(inbox) = member.email.as_deref().map(|e| e.trim().to_lowercase()).filter(|e| !e.is_empty()) else {
            continue;
        };
        let id = member.staff_id.as_str();
        let steps = sendtrack_domain::week::steps_due(cw, today, &|holder| holder == Some(id));
        let Some(text) = portal::week_digest(&steps, today, &links.week()) else { continue };
        let mut children: Vec<String> = steps.iter().map(|s| s.child_id.clone()).collect();
        children.sort();
        children.dedup();
        let mail = Mail {
            mail_id: format!("week:{inbox}:{monday}"),
            kind: "week".into(),
            inbox,
            to_whom: format!("the caseworker ({id})"),
            day: today.to_string(),
            subject: text.subject,
            body: text.body,
            children,
            queued_at: now.clone(),
            ..Mail::default()
        };
        queued += usize::from(store.queue_mail(&mail).await?);
    }
    Ok(queued)
}

/// Sends every e-mail waiting (queued, failed fewer than 5 times, or left by a sender that
/// stopped), each claimed first so that only one instance sends it; records each sent in the
/// chronology of its children. `by` is who the audit trail says sent it.
pub async fn deliver(store: &Store, mailer: &Mailer, today: Date, by: &str) -> Result<Delivery, MailError> {
    deliver_these(store, mailer, today, by, None).await
}

/// As [`deliver`], for the e-mails of `only` when given (a notice sends itself, not the queue).
async fn deliver_these(
    store: &Store,
    mailer: &Mailer,
    today: Date,
    by: &str,
    only: Option<&[String]>,
) -> Result<Delivery, MailError> {
    let mut delivery = Delivery::default();
    let waiting = store.mail_to_send(&minutes_ago(STALE_MINUTES)).await?;
    for mail in waiting.into_iter().filter(|m| only.is_none_or(|ids| ids.contains(&m.mail_id))) {
        if !store.claim_mail(&mail.mail_id, &stored_now(), &minutes_ago(STALE_MINUTES)).await? {
            continue;
        }
        let text = Text { subject: mail.subject.clone(), body: mail.body.clone() };
        match mailer.send(&mail.inbox, &text).await {
            Ok(()) => {
                let entries = chronology(&mail, today)?;
                let event = AuditEvent {
                    at: stored_now(),
                    email: by.to_string(),
                    action: "send e-mail".into(),
                    detail: Some(format!("{} to {}, about {} children", mail.kind, mail.inbox, mail.children.len())),
                    ..AuditEvent::default()
                };
                store.mail_sent(&mail.mail_id, &stored_now(), &entries, &event).await?;
                delivery.sent += 1;
            }
            Err(e) => {
                // Neither the text nor the server's answer (which often names the address):
                // the admins' e-mail page shows why.
                tracing::warn!(kind = %mail.kind, "an e-mail could not be sent");
                store.mail_failed(&mail.mail_id, &e.to_string()).await?;
                delivery.failed += 1;
            }
        }
    }
    Ok(delivery)
}

/// The chronology entries that record `mail` sent: one per child it concerns.
fn chronology(mail: &Mail, today: Date) -> Result<Casework, MailError> {
    let mut entries = Casework::default();
    for child in &mail.children {
        let mut random = [0u8; 4];
        getrandom::fill(&mut random).map_err(|e| MailError::Build(format!("no random id: {e}")))?;
        entries.case_log.push_back(CaseLogEntry {
            entry_id: new_record_id(RecordFile::CaseLog, random).into(),
            child_id: child.as_str().into(),
            on: today,
            time: None,
            kind: ContactKind::Email,
            direction: Some(Direction::Out),
            with_whom: Some(mail.to_whom.clone()),
            contact_id: mail.contact_id.as_deref().map(Into::into),
            summary: format!("E-mail sent to {}: {}", mail.to_whom, mail.subject),
            request_id: None,
            plan_id: None,
            review_id: None,
            by: None,
        });
    }
    Ok(entries)
}

/// Queues a notice (an e-mail about one event, such as advice submitted) and sends it with
/// whatever else is waiting.
pub async fn notice(store: &Store, mailer: &Mailer, mail: Mail, today: Date, by: &str) -> Result<Delivery, MailError> {
    let queued = usize::from(store.queue_mail(&mail).await?);
    let delivery = deliver_these(store, mailer, today, by, Some(std::slice::from_ref(&mail.mail_id))).await?;
    Ok(Delivery { queued, ..delivery })
}

/// The daily job, once: queue the digests due and send everything waiting.
pub async fn notify(
    store: &Store,
    cw: &Casework,
    mailer: &Mailer,
    today: Date,
    links: &Links,
    by: &str,
) -> Result<Delivery, MailError> {
    let queued = queue_digests(store, cw, today, links).await?;
    let delivery = deliver(store, mailer, today, by).await?;
    Ok(Delivery { queued, ..delivery })
}

/// Why a family member could not be invited.
#[derive(Debug, thiserror::Error)]
pub enum InviteError {
    #[error("there is no contact {0}")]
    NoContact(String),
    #[error("{0} is not a parent, carer or the young person")]
    NotFamily(String),
    #[error("{0} has no e-mail address: add one to the contact first")]
    NoEmail(String),
    #[error("a young person can have their own account once they are over compulsory school age (after {0})")]
    TooYoung(Date),
    #[error("say whether the young person agrees to their parents keeping access")]
    ConsentNotSaid,
    #[error(
        "the young person has not agreed to their parents having access; ask them first, and record it on their own access"
    )]
    YoungPersonDeclined,
    #[error(transparent)]
    Mail(#[from] MailError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Invites a family member (issue 20): one of the child's contacts with parental
/// responsibility (a parent or carer) or the young person, by the e-mail address on their
/// contact. A young person must be over compulsory school age, and `parents_keep_access` says
/// whether their parents keep theirs (as the young person consented; `false` ends them). The
/// access and its audit row are written together; the invitation is then e-mailed (when there
/// is a mailer) and recorded in the chronology as an update to them.
pub async fn invite_family(
    store: &Store,
    cw: &Casework,
    contact_id: &str,
    parents_keep_access: Option<bool>,
    by: &str,
    mail: Option<(&Mailer, &Links)>,
    today: Date,
) -> Result<sendtrack_store::portal::FamilyAccess, InviteError> {
    use sendtrack_domain::codes::ContactRole;
    let contact = cw
        .contacts
        .iter()
        .find(|c| c.contact_id.as_str() == contact_id)
        .ok_or_else(|| InviteError::NoContact(contact_id.to_string()))?;
    let family = match contact.role {
        ContactRole::YoungPerson => true,
        ContactRole::Parent | ContactRole::Carer => contact.parental_responsibility,
        _ => false,
    };
    if !family {
        return Err(InviteError::NotFamily(contact_id.to_string()));
    }
    let email = contact
        .email
        .as_deref()
        .and_then(|e| sendtrack_domain::access::check_email(e).ok())
        .ok_or_else(|| InviteError::NoEmail(contact_id.to_string()))?;
    let young_person = contact.role == ContactRole::YoungPerson;
    if !young_person {
        let declined = store
            .family_access_of_child(contact.child_id.as_str())
            .await?
            .into_iter()
            .any(|a| a.ended_at.is_none() && a.parents_keep_access == Some(false) && a.contact_id != contact_id);
        if declined {
            return Err(InviteError::YoungPersonDeclined);
        }
    }
    let keep = if young_person {
        let born = cw.children.iter().find(|c| c.child_id == contact.child_id).map(|c| c.date_of_birth);
        let end = born.map(sendtrack_domain::family::end_of_compulsory_school_age);
        if let Some(end) = end.filter(|end| today <= *end) {
            return Err(InviteError::TooYoung(end));
        }
        Some(parents_keep_access.ok_or(InviteError::ConsentNotSaid)?)
    } else {
        None
    };
    let at = stored_now();
    let access = sendtrack_store::portal::FamilyAccess {
        contact_id: contact_id.to_string(),
        child_id: contact.child_id.to_string(),
        email: email.clone(),
        invited_by: by.to_string(),
        invited_at: at.clone(),
        ended_by: None,
        ended_at: None,
        parents_keep_access: keep,
    };
    let detail = match keep {
        Some(true) => format!("contact {contact_id} (the young person; their parents keep access, with their consent)"),
        Some(false) => format!("contact {contact_id} (the young person; their parents' access ends, as they asked)"),
        None => format!("contact {contact_id}"),
    };
    let event = AuditEvent {
        at: at.clone(),
        email: by.to_string(),
        action: "invite family to the portal".into(),
        child_id: Some(contact.child_id.to_string()),
        detail: Some(detail),
        ..AuditEvent::default()
    };
    store.invite_family(&access, &event).await?;
    if let Some((mailer, links)) = mail {
        let whose = if young_person { "your" } else { "your child's" };
        let mail = Mail {
            mail_id: format!("family:invite:{contact_id}:{at}"),
            kind: "family".into(),
            inbox: email,
            to_whom: contact.role.label().to_lowercase(),
            day: today.to_string(),
            subject: format!("You can now see {whose} EHC case online"),
            body: format!(
                "The council's SEND team has invited you to see {whose} EHC case online: where it stands, what \
                 happens next and by when, the letters and plans we share with you. You can send us messages and \
                 documents there too.\n\nSign in with this e-mail address at {}. We will e-mail you a code each time \
                 you sign in.\n",
                links.portal()
            ),
            children: vec![contact.child_id.to_string()],
            contact_id: Some(contact_id.to_string()),
            queued_at: at,
            ..Mail::default()
        };
        notice(store, mailer, mail, today, by).await?;
    }
    Ok(access)
}

/// Tells each family member of `accesses` (a child's, still standing) that something happened, by e-mail:
/// what kind of thing, and the link to sign in; never the child's name or any detail (issue
/// 20). `what` is the key of the event (each member is told of it once); `text` says what
/// happened: its subject, and a line more for the body (or nothing).
pub async fn tell_family(
    store: &Store,
    (mailer, links): &(Mailer, Links),
    accesses: &[sendtrack_store::portal::FamilyAccess],
    (what, text): (&str, &Text),
    today: Date,
    by: &str,
) -> Result<Delivery, MailError> {
    let now = stored_now();
    let mut queued = 0;
    let mut ids = Vec::new();
    for a in accesses.iter().filter(|a| a.ended_at.is_none()) {
        let child_id = a.child_id.as_str();
        let mail = Mail {
            mail_id: format!("family:{what}:{}", a.contact_id),
            kind: "family".into(),
            inbox: a.email.clone(),
            to_whom: "the family".into(),
            day: today.to_string(),
            subject: text.subject.clone(),
            body: format!(
                "{}.\n\n{}Sign in to see it: {}\n\nFor your privacy this e-mail gives no details: they are in the portal.\n",
                text.subject,
                if text.body.is_empty() { String::new() } else { format!("{}\n\n", text.body) },
                links.portal()
            ),
            children: vec![child_id.to_string()],
            contact_id: Some(a.contact_id.clone()),
            queued_at: now.clone(),
            ..Mail::default()
        };
        queued += usize::from(store.queue_mail(&mail).await?);
        ids.push(mail.mail_id);
    }
    let delivery = deliver_these(store, mailer, today, by, Some(&ids)).await?;
    Ok(Delivery { queued, ..delivery })
}
