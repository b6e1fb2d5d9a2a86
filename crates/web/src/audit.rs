//! The audit trail with group commit: a page that must be audited hands its event to one
//! writer and waits until the event is committed; the writer commits everything waiting in one
//! transaction. Every event is durable before its page is answered, and under load many views
//! share one commit instead of queueing for one each.

use sendtrack_store::{AuditEvent, Store};
use tokio::sync::{mpsc, oneshot};

/// Events committed in one transaction at most.
const BATCH: usize = 1000;

type Waiting = (AuditEvent, oneshot::Sender<Result<(), String>>);

/// Hands audit events to the writer.
#[derive(Clone)]
pub struct AuditTrail {
    queue: mpsc::Sender<Waiting>,
}

impl AuditTrail {
    /// Starts the writer for `store`.
    pub fn start(store: Store) -> AuditTrail {
        let (queue, mut incoming) = mpsc::channel::<Waiting>(4 * BATCH);
        tokio::spawn(async move {
            while let Some(first) = incoming.recv().await {
                let mut batch = vec![first];
                while batch.len() < BATCH {
                    match incoming.try_recv() {
                        Ok(next) => batch.push(next),
                        Err(_) => break,
                    }
                }
                let events: Vec<AuditEvent> = batch.iter().map(|(e, _)| e.clone()).collect();
                // A busy database (another process holding SQLite's write lock) is tried again:
                // each try already waits up to the busy timeout.
                let mut result = store.audit_batch(&events).await;
                for _ in 0..2 {
                    match &result {
                        Err(e) if e.is_busy() => result = store.audit_batch(&events).await,
                        _ => break,
                    }
                }
                let result = result.map_err(|e| e.to_string());
                for (_, done) in batch {
                    let _ = done.send(result.clone());
                }
            }
        });
        AuditTrail { queue }
    }

    /// Records what a signed-in person did, and waits until it is committed.
    pub async fn record(
        &self,
        session: &crate::auth::Session,
        action: &str,
        child_id: Option<&str>,
    ) -> Result<(), String> {
        self.event(AuditEvent {
            at: crate::auth::stored(crate::auth::now()),
            email: session.email.clone(),
            action: action.to_string(),
            child_id: child_id.map(str::to_string),
            detail: None,
            address: Some(session.address.clone()),
        })
        .await
    }

    /// Records an event and waits until it is committed.
    pub async fn event(&self, event: AuditEvent) -> Result<(), String> {
        let (done, committed) = oneshot::channel();
        self.queue.send((event, done)).await.map_err(|_| "the audit writer has stopped".to_string())?;
        committed.await.map_err(|_| "the audit writer has stopped".to_string())?
    }
}
