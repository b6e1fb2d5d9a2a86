//! The sendtrack web app: caseworkers, managers, analysts and viewers sign in and see the
//! caseload (Today), the scorecard and each measure down to the records behind it. Pages use
//! the GOV.UK Design System's components and patterns with the council's own header and Arial,
//! are served with the assets they need (no network), and work without JavaScript.

mod access;
mod audit;
mod auth;
mod download;
mod error;
mod govuk;
mod layout;
pub mod letters;
mod pages;
mod secrets;

use arc_swap::ArcSwapOption;
use axum::Router;
use axum::http::{HeaderValue, header};
use axum::routing::{get, post};
use sendtrack_domain::dates::Month;
use sendtrack_domain::measures::CATALOGUE;
use sendtrack_domain::measures::engine::Engine;
use sendtrack_domain::measures::reach::Reach;
use sendtrack_domain::measures::scorecard::{Scorecard, scorecard, scorecard_after};
use sendtrack_domain::records::Casework;
use sendtrack_domain::timeline::ChildIndex;
use sendtrack_domain::worklist::{Today, WorkFilter, Worklists};
use sendtrack_store::Store;
use sendtrack_store::casework::Position;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

pub use access::{RULES, Rule, TABLE_RULES, Who, table_rule};
pub use auth::{Protection, hash_password, new_password};
/// The one-time code of a base32 TOTP secret at a time (for tests and scripts).
pub use pages::account::code_at as one_time_code_at;
pub use secrets::{KEY_VARIABLE, SecretKey};

/// How many results each cache keeps at most: a request for many ranges, dates or
/// caseworkers can never make the server hold more than this.
const CACHED_SCORECARDS: usize = 16;
const CACHED_TODAYS: usize = 256;
const CACHED_WORKLIST_DATES: usize = 4;

/// Inserts into a map that holds at most `cap` entries: another entry is dropped when it is full.
fn insert_bounded<K: std::hash::Hash + Eq + Clone, V>(map: &mut HashMap<K, V>, key: K, value: V, cap: usize) {
    if map.len() >= cap
        && !map.contains_key(&key)
        && let Some(other) = map.keys().next().cloned()
    {
        map.remove(&other);
    }
    map.insert(key, value);
}

/// Results computed from one snapshot, by key, at most `cap` of them, each computed once: the
/// pages that ask for a result while it is being computed wait for it rather than computing it
/// too (after a save, forty readers of the scorecard would otherwise each compute it).
struct Memo<K, V> {
    cells: Mutex<HashMap<K, Arc<tokio::sync::OnceCell<V>>>>,
    cap: usize,
}

impl<K: std::hash::Hash + Eq + Clone, V: Clone> Memo<K, V> {
    fn new(cap: usize) -> Memo<K, V> {
        Memo { cells: Mutex::new(HashMap::new()), cap }
    }

    /// The cell for `key`, made when there is none; another entry is dropped when full.
    fn cell(&self, key: &K) -> Arc<tokio::sync::OnceCell<V>> {
        // A poisoned lock only means another request panicked while holding it; the map is
        // still whole (every change to it is one insert or remove).
        let mut cells = self.cells.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(cell) = cells.get(key) {
            return cell.clone();
        }
        let cell = Arc::new(tokio::sync::OnceCell::new());
        insert_bounded(&mut cells, key.clone(), cell.clone(), self.cap);
        cell
    }

    /// The result for `key`: kept, being computed by another request (waited for), or
    /// computed now by `compute`.
    async fn get<E, F: Future<Output = Result<V, E>>>(&self, key: K, compute: impl FnOnce() -> F) -> Result<V, E> {
        self.cell(&key).get_or_try_init(compute).await.cloned()
    }

    /// The result for `key` when it has been computed.
    fn ready(&self, key: &K) -> Option<V> {
        let cells = self.cells.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        cells.get(key).and_then(|c| c.get().cloned())
    }

    /// Every result computed so far, with its key.
    fn computed(&self) -> Vec<(K, V)> {
        let cells = self.cells.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        cells.iter().filter_map(|(k, c)| Some((k.clone(), c.get()?.clone()))).collect()
    }

    /// Keeps a result computed elsewhere.
    fn put(&self, key: K, value: V) {
        let _ = self.cell(&key).set(value);
    }
}

/// The records as loaded at one casework version, and everything computed from them: each
/// child's index, the caseworkers, and (by range, date and caseworker, computed when first
/// asked for) scorecards, worklists and Today's counts. A new casework version is a new
/// snapshot, swapped in whole, so nothing computed from older records can outlive them: there
/// is no list of caches to invalidate, and a page reads every figure from one version.
struct Snapshot {
    version: i64,
    /// The stamp of the version: which history of the database it is of (see
    /// [`sendtrack_store::casework::Position`]).
    stamp: i64,
    /// When it was made: after the records it holds were read or written.
    made: std::time::Instant,
    /// Which of the histories this server has seen it is of ([`Scorecards::history`]): a
    /// scorecard computed from it is kept as the newest only while that is still the current one.
    history: u64,
    casework: Arc<Casework>,
    child_index: OnceLock<Arc<ChildIndex>>,
    caseworkers: OnceLock<Arc<Vec<String>>>,
    scorecards: Memo<ScorecardKey, Arc<Scorecard>>,
    /// Today's counts, by date and caseworker (`None`: everyone's).
    todays: Memo<(jiff::civil::Date, Option<String>), Arc<Today>>,
    worklists: Memo<jiff::civil::Date, Arc<Worklists>>,
    /// Forecasts (issue 21), by origin, months and the settings and scenarios' text.
    forecasts: Memo<(Month, usize, String), Arc<Result<sendtrack_domain::forecast::Forecast, String>>>,
    /// The measures engine over the records, as at a day: its index of every record is built
    /// once per snapshot rather than once per measure page (about a second on a
    /// 200,000-child authority).
    engines: Memo<jiff::civil::Date, Arc<HeldEngine>>,
    /// Scorecards of earlier snapshots to start from, each with how far back the changes
    /// since reach: a scorecard here computes again only the months those changes reach
    /// (issue 16). Empty after a full read of the records.
    basis: HashMap<ScorecardKey, (Arc<Scorecard>, Reach)>,
}

self_cell::self_cell!(
    /// A measures engine with the records it indexes.
    pub(crate) struct HeldEngine {
        owner: Arc<Casework>,
        #[covariant]
        dependent: Engine,
    }
);

impl Snapshot {
    /// The version it is of, with its stamp.
    fn position(&self) -> Position {
        Position { version: self.version, stamp: self.stamp }
    }

    fn new(at: Position, history: u64, casework: Casework) -> Snapshot {
        Snapshot {
            version: at.version,
            stamp: at.stamp,
            made: std::time::Instant::now(),
            history,
            casework: Arc::new(casework),
            child_index: OnceLock::new(),
            caseworkers: OnceLock::new(),
            scorecards: Memo::new(CACHED_SCORECARDS),
            todays: Memo::new(CACHED_TODAYS),
            worklists: Memo::new(CACHED_WORKLIST_DATES),
            forecasts: Memo::new(4),
            engines: Memo::new(2),
            basis: HashMap::new(),
        }
    }
}

impl Snapshot {
    /// The snapshot after a save of `update` (records of children) raised the casework
    /// version to `version`: the records and the child index with the saved
    /// records put in, sharing everything else; the worklists already computed with just the
    /// child's items worked out again; the caseworkers kept right. Scorecards and Today's counts
    /// are computed again when next asked for. `None` when the update is of records no child
    /// owns, which a reload handles.
    fn after(&self, at: Position, update: &Casework, created: bool) -> Option<Snapshot> {
        let mut casework = Casework::clone(&self.casework);
        let mut index = match self.child_index.get() {
            Some(index) => ChildIndex::clone(index),
            None => ChildIndex::new(&self.casework),
        };
        let put = index.put(&mut casework, update, created)?;
        let touched = put.children;
        let mut next = Snapshot::new(at, self.history, casework);
        // Each scorecard computed here, or started from here, is where the next one starts.
        let mut basis: HashMap<ScorecardKey, (Arc<Scorecard>, Reach)> =
            self.scorecards.computed().into_iter().map(|(key, card)| (key, (card, put.reach))).collect();
        for (key, (card, reach)) in &self.basis {
            basis.entry(*key).or_insert_with(|| (card.clone(), reach.and(put.reach)));
        }
        next.basis = basis;
        if let Some(held) = self.caseworkers.get() {
            let mut list = Vec::clone(held);
            for r in &update.requests {
                if let Some(id) = &r.caseworker
                    && let Err(at) = list.binary_search_by(|held| held.as_str().cmp(id))
                {
                    list.insert(at, id.to_string());
                }
            }
            // A caseworker whose last request moved to someone else is no longer listed.
            let gone = put.requests_replaced.iter().filter_map(|r| r.caseworker.as_ref());
            for id in gone {
                if !next.casework.requests.iter().any(|r| r.caseworker.as_ref() == Some(id))
                    && let Ok(at) = list.binary_search_by(|held| held.as_str().cmp(id))
                {
                    list.remove(at);
                }
            }
            let _ = next.caseworkers.set(Arc::new(list));
        }
        let own = index.own_of(&next.casework, &touched);
        for (date, lists) in self.worklists.computed() {
            next.worklists.put(date, Arc::new(lists.with_children(&touched, &own, date)));
        }
        let _ = next.child_index.set(Arc::new(index));
        Some(next)
    }
}

/// What every request can reach.
pub struct AppState {
    pub store: Store,
    /// Where reads and changes of children's records are recorded.
    audit: OnceLock<audit::AuditTrail>,
    /// The authority's name, in the header of every page.
    pub authority: String,
    /// How sign-in and sessions are protected.
    pub protection: auth::Protection,
    /// The day the service works on; `None` for the system's local date.
    pub today: Option<jiff::civil::Date>,
    /// The records and what is computed from them, at the casework version they were loaded
    /// at: when the database's version moves on (a save here, in another instance of the app
    /// or by a command), a new snapshot is loaded and swapped in.
    snapshot: ArcSwapOption<Snapshot>,
    /// Held while a snapshot loads, so that many requests after a change load it once.
    loading: tokio::sync::Mutex<()>,
    /// How many times the records have been read from the database.
    loads: std::sync::atomic::AtomicUsize,
    /// Where uploaded documents and letters are kept (`serve --documents DIR`); `None` keeps
    /// them in the database.
    pub documents: Option<std::path::PathBuf>,
    /// How e-mail is sent (`serve --smtp`), and where its links point; without it the portal
    /// cannot send sign-in codes and nothing is e-mailed.
    pub mail: Option<(sendtrack_mail::Mailer, sendtrack_mail::Links)>,
    /// The newest scorecards computed, across snapshots.
    scorecards: Arc<Scorecards>,
    /// How long the scorecard page waits for the figures of the latest casework version before
    /// showing the newest it has, marked as behind (`None`, the default: it always waits).
    pub scorecard_patience: Option<std::time::Duration>,
}

/// How long `serve` lets the scorecard page wait for the latest figures (see
/// [`AppState::scorecard_patience`]): not at all when it has earlier ones to show. After this
/// instance's own save the scorecards people read are worked out again straight away, in the
/// background, so a person who saves and then opens the scorecard finds the latest figures
/// unless the authority is large or many people are saving; they are never kept waiting for
/// the second a large authority's catalogue takes, which a page waiting 30 ms after every
/// save showed to cost more under load than it saved.
pub const SCORECARD_PATIENCE: std::time::Duration = std::time::Duration::ZERO;

/// A scorecard and its table as HTML, rendered once.
type RenderedTable = (Arc<Scorecard>, Arc<tokio::sync::OnceCell<Arc<str>>>);

/// A scorecard's months and the day it is as at.
type ScorecardKey = (Month, Month, jiff::civil::Date);

/// How far the figures a page shows are behind the records: the number of changes saved since
/// the version they were computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Behind {
    pub changes: i64,
}

/// The newest scorecard computed of each range, with its casework version, whichever snapshot
/// it came from: what the scorecard page shows, marked as behind, while the figures of the
/// latest version are worked out in the background, one computation at a time.
#[derive(Default)]
struct Scorecards {
    newest: Mutex<HashMap<ScorecardKey, (i64, Arc<Scorecard>)>>,
    /// Held by the one computation in the background at a time.
    turn: tokio::sync::Mutex<()>,
    /// The casework version of the latest snapshot: a computation for an older one is skipped.
    latest: std::sync::atomic::AtomicI64,
    /// Each range's table as HTML, rendered once per scorecard: the page's costliest part, which
    /// forty readers a second would otherwise each format again.
    tables: Mutex<HashMap<ScorecardKey, RenderedTable>>,
    /// The history of the database the scorecards kept are of: raised by each restart, so that
    /// a computation from a snapshot of an earlier history, still running then or started
    /// after from a snapshot taken before, is never kept as the newest.
    history: std::sync::atomic::AtomicU64,
}

impl Scorecards {
    /// The scorecard of `key` at `snapshot`'s version: computed once, and kept as the newest.
    /// `threads`: how many threads compute it (a page waiting for it uses both cores; the
    /// background leaves one to the pages, and runs at a lower priority than they do).
    async fn of(
        &self,
        snapshot: &Snapshot,
        key: ScorecardKey,
        threads: usize,
    ) -> Result<Arc<Scorecard>, sendtrack_store::StoreError> {
        let cw = snapshot.casework.clone();
        let (from, to, today) = key;
        let card = snapshot
            .scorecards
            .get(key, || async move {
                let earlier = snapshot.basis.get(&key).cloned();
                let months = from.through(to).count();
                let computed = match &earlier {
                    Some((_, reach)) => reach.first_month(from, to).map_or(0, |first| first.through(to).count()),
                    None => months,
                };
                // Nothing shown changed since the earlier one (records saved unchanged, or dated
                // after the months shown): it stands, with no engine built and no thread started.
                if let (Some((card, _)), 0) = (&earlier, computed) {
                    return Ok(card.clone());
                }
                let work = move || {
                    let began = std::time::Instant::now();
                    // As at today: this month's figures are to date, and agree with Today's counts.
                    let engine = Engine::as_at(&cw, today);
                    let measures: Vec<_> = CATALOGUE.iter().collect();
                    let card = match earlier {
                        // Only the months the changes since reach are computed again.
                        Some((card, reach)) => scorecard_after(&engine, &measures, from, to, threads, &card, reach),
                        None => scorecard(&engine, &measures, from, to, threads),
                    };
                    tracing::info!(
                        months,
                        computed,
                        ms = began.elapsed().as_millis() as u64,
                        "worked out the scorecard"
                    );
                    Arc::new(card)
                };
                if threads == 1 {
                    in_background("(scorecard)", work).await
                } else {
                    blocking("(scorecard)", work).await
                }
            })
            .await?;
        let mut newest = self.newest.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        // The history is read under the lock `restart` clears `newest` under.
        let current = snapshot.history == self.history.load(std::sync::atomic::Ordering::Relaxed);
        if current && newest.get(&key).is_none_or(|(version, _)| *version < snapshot.version) {
            insert_bounded(&mut newest, key, (snapshot.version, card.clone()), CACHED_SCORECARDS);
        }
        Ok(card)
    }

    /// `card`'s table, by `render` the first time it is asked for.
    /// The readers who ask for a new scorecard's table together wait for one rendering rather
    /// than each making their own (forty at once, after every save's new figures), and
    /// their tasks give way meanwhile rather than hold a worker thread.
    async fn table(&self, key: ScorecardKey, card: &Arc<Scorecard>, render: impl FnOnce() -> String) -> Arc<str> {
        let once = {
            let mut tables = self.tables.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            match tables.get(&key).filter(|(c, _)| Arc::ptr_eq(c, card)) {
                Some((_, once)) => once.clone(),
                None => {
                    let once = Arc::new(tokio::sync::OnceCell::new());
                    insert_bounded(&mut tables, key, (card.clone(), once.clone()), CACHED_SCORECARDS);
                    once
                }
            }
        };
        once.get_or_init(|| async { render().into() }).await.clone()
    }

    /// Forgets every scorecard computed, for a database that went back to `version` (a restore).
    fn restart(&self, version: i64) {
        let mut newest = self.newest.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        newest.clear();
        self.history.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        drop(newest);
        self.tables.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clear();
        self.latest.store(version, std::sync::atomic::Ordering::Relaxed);
    }

    /// The newest scorecard of `key` computed before `version`.
    fn before(&self, key: &ScorecardKey, version: i64) -> Option<(i64, Arc<Scorecard>)> {
        let newest = self.newest.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        newest.get(key).filter(|(v, _)| *v < version).cloned()
    }

    /// The ranges computed so far as at `today`.
    fn ranges(&self, today: jiff::civil::Date) -> Vec<ScorecardKey> {
        let newest = self.newest.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        newest.keys().filter(|k| k.2 == today).copied().collect()
    }

    /// Computes the scorecard of `key` at `snapshot` in the background, after any computation
    /// already under way, unless a newer snapshot has come by then (`None`).
    fn refresh(
        self: &Arc<Self>,
        snapshot: Arc<Snapshot>,
        key: ScorecardKey,
    ) -> tokio::task::JoinHandle<Option<Arc<Scorecard>>> {
        let scorecards = self.clone();
        tokio::spawn(async move {
            let _turn = scorecards.turn.lock().await;
            let latest = scorecards.latest.load(std::sync::atomic::Ordering::Relaxed);
            if latest > snapshot.version && snapshot.scorecards.ready(&key).is_none() {
                return None;
            }
            scorecards.of(&snapshot, key, 1).await.ok()
        })
    }
}

impl AppState {
    pub fn new(store: Store, authority: String, today: Option<jiff::civil::Date>) -> AppState {
        AppState {
            audit: OnceLock::new(),
            store,
            authority,
            protection: auth::Protection::default(),
            today,
            snapshot: ArcSwapOption::empty(),
            loading: tokio::sync::Mutex::new(()),
            loads: std::sync::atomic::AtomicUsize::new(0),
            documents: None,
            mail: None,
            scorecards: Arc::new(Scorecards::default()),
            scorecard_patience: None,
        }
    }

    /// The same state with the scorecard page waiting at most `patience` for the latest
    /// figures (see [`AppState::scorecard_patience`]).
    pub fn with_scorecard_patience(mut self, patience: Option<std::time::Duration>) -> AppState {
        self.scorecard_patience = patience;
        self
    }

    /// The same state sending e-mail with `mailer`, its links to the service at `links`.
    pub fn with_mail(mut self, mail: Option<(sendtrack_mail::Mailer, sendtrack_mail::Links)>) -> AppState {
        self.mail = mail;
        self
    }

    /// An audit event of what a person signed in at the portal did, now.
    pub(crate) fn portal_event(
        &self,
        session: &auth::PortalSession,
        action: &str,
        child_id: Option<&str>,
    ) -> sendtrack_store::AuditEvent {
        audit_event(&session.email, &session.address, action, child_id)
    }

    /// The same state keeping documents in the directory `dir`.
    pub fn with_documents(mut self, dir: Option<std::path::PathBuf>) -> AppState {
        self.documents = dir;
        self
    }

    /// An audit event of what a signed-in person did, now.
    pub(crate) fn event(
        &self,
        session: &auth::Session,
        action: &str,
        child_id: Option<&str>,
    ) -> sendtrack_store::AuditEvent {
        audit_event(&session.email, &session.address, action, child_id)
    }

    /// Files a document with the record changes that come with it (each record and the
    /// version it was read at), as
    /// [`AppState::write_record`] does for a form: one transaction, and the snapshot moved on
    /// by the change.
    pub(crate) async fn file_document(
        &self,
        document: &sendtrack_store::documents::Document,
        content: &[u8],
        with: &[(sendtrack_domain::validation::RecordFile, &Casework, Option<i64>)],
        event: &sendtrack_store::audit::AuditEvent,
    ) -> Result<(), sendtrack_store::StoreError> {
        // The snapshot's lock is held only when a record changes with the document: a large
        // upload on its own never makes a reload wait.
        let _loading = if with.is_empty() { None } else { Some(self.loading.lock().await) };
        let saved = self.store.file_document(document, content, self.documents.as_deref(), with, event).await?;
        if let Some(saved) = saved {
            let update = with.iter().fold(Casework::default(), |all, (_, record, _)| all.updated_with(record));
            self.move_on(saved.raised, &update, with.iter().all(|(_, _, v)| v.is_none()));
        }
        Ok(())
    }

    /// Makes the next snapshot from the one held and `update`, the records this instance just
    /// wrote in the raise `raised`, when the one held is of the position just before it
    /// (nobody else has written since, and the database is of the same history: not restored
    /// from a backup in between); otherwise the next page reads again.
    /// `created`: every record of `update` is new (see [`ChildIndex::put`]).
    fn move_on(&self, raised: sendtrack_store::casework::Raised, update: &Casework, created: bool) {
        if let Some(held) = self.snapshot.load_full()
            && held.position() == raised.before
            && let Some(next) = held.after(raised.after, update, created)
        {
            self.swap_in(next);
        }
    }

    /// Makes `next` the snapshot held.
    fn swap_in(&self, next: Snapshot) -> Arc<Snapshot> {
        let next = Arc::new(next);
        self.snapshot.store(Some(next.clone()));
        self.scorecards.latest.fetch_max(next.version, std::sync::atomic::Ordering::Relaxed);
        // The scorecards people have been reading are worked out again now, in the
        // background, rather than when next asked for.
        if self.scorecard_patience.is_some() {
            for key in self.scorecards.ranges(self.today()) {
                drop(self.scorecards.refresh(next.clone(), key));
            }
        }
        next
    }

    /// The snapshot at casework version `current`, made from `held` and the records changed
    /// since by someone else (another instance of the app, a command) as the database
    /// recorded them, each read again as it is now: a save elsewhere costs this instance what
    /// it changed, not a read of every record. `None` when the changes cannot be put in that
    /// way (an import, an erasure, records no child owns, too many): everything is read then.
    /// The changes are put in only when the database's version `held.version` is the one
    /// `held` was read at (the same stamp): after a restore from a backup it is not.
    async fn caught_up(&self, held: &Snapshot, at: Position) -> Result<Option<Snapshot>, sendtrack_store::StoreError> {
        /// More changes than this are read as a whole.
        const MOST: usize = 1_000;
        let current = at.version;
        let Some(changes) = self.store.changes(held.position(), current).await? else {
            return Ok(None);
        };
        if changes.len() > MOST {
            return Ok(None);
        }
        let began = std::time::Instant::now();
        let mut update = Casework::default();
        let mut read = std::collections::HashSet::new();
        // Whether every record changed was created since (a record's version starts at 1).
        let mut created = true;
        for (file, id) in &changes {
            if !read.insert((*file, id.as_str())) {
                continue;
            }
            match self.store.record_with_version(*file, id).await {
                Ok((record, version)) => {
                    created &= version == 1;
                    update = update.updated_with(&record);
                }
                // Records are never deleted (an erasure blanks them, and reads everything):
                // one not there means something unforeseen, so everything is read.
                Err(sendtrack_store::StoreError::NotFound { .. }) => return Ok(None),
                Err(e) => return Err(e),
            }
        }
        let next = held.after(at, &update, created);
        if next.is_some() {
            tracing::info!(
                version = current,
                records = read.len(),
                took_ms = began.elapsed().as_millis(),
                "put the records changed elsewhere into those held"
            );
        }
        Ok(next)
    }

    /// The same state with other protection settings.
    pub fn with_protection(mut self, protection: auth::Protection) -> AppState {
        self.protection = protection;
        self
    }

    pub fn today(&self) -> jiff::civil::Date {
        self.today.unwrap_or_else(|| jiff::ZonedDateTime::now().date())
    }

    /// How many times the records have been read from the database since the app started: once,
    /// then once per change made elsewhere that cannot be put in record by record (an
    /// import, an erasure, records no child owns); never for a form's save, here or in
    /// another instance, which updates the records held.
    pub fn loads(&self) -> usize {
        self.loads.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The audit trail's writer, started on first use (it needs the async runtime).
    fn audit(&self) -> &audit::AuditTrail {
        self.audit.get_or_init(|| audit::AuditTrail::start(self.store.clone()))
    }

    /// The snapshot at the database's current casework version, loaded when it has moved on.
    async fn snapshot(&self) -> Result<Arc<Snapshot>, sendtrack_store::StoreError> {
        // Read the version before loading: a change made during the load means one more load
        // later, never a stale snapshot kept. The snapshot held serves when it is of this
        // version in this history (its stamp).
        let asked = std::time::Instant::now();
        let at = self.store.casework_position().await?;
        // A snapshot newer than the version read, made after the read began, is as good: this
        // instance's own save made it in the meantime (made from the database as it was then,
        // so of its present history). One made before the read began is newer than the
        // database: it went back, restored from a backup.
        let serves = |s: &Arc<Snapshot>| s.position() == at || (s.version > at.version && s.made >= asked);
        if let Some(snapshot) = self.snapshot.load_full().filter(serves) {
            return Ok(snapshot);
        }
        let _loading = self.loading.lock().await;
        // Looked at again under the lock, which this instance's saves hold while they move the
        // snapshot on (one may have finished meanwhile), with no query: the readers waiting
        // here behind a save then go on at once rather than each asking the database in turn.
        let held = self.snapshot.load_full();
        if let Some(snapshot) = held.clone().filter(serves) {
            return Ok(snapshot);
        }
        if let Some(before) = &held
            && before.version < at.version
            && let Some(next) = self.caught_up(before, at).await?
        {
            return Ok(self.swap_in(next));
        }
        let current = at.version;
        // Whether the database is of another history than the snapshot held: it went back
        // (restored from a backup), or it has moved on from a restore and no longer holds the
        // held version's stamp. A stamp no longer kept counts as another history too: the
        // scorecards are then worked out again, never shown from a history restored away.
        let other_history = match &held {
            Some(h) if h.version >= current => true,
            Some(h) => self.store.stamp_of(h.version).await? != Some(h.stamp),
            None => false,
        };
        let began = std::time::Instant::now();
        let casework = self.store.load().await?;
        self.loads.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if other_history {
            // What was computed from the other history is not shown as the newest figures.
            self.scorecards.restart(current);
            tracing::warn!(version = current, "the database is of another history (restored?): read everything again");
        }
        let history = self.scorecards.history.load(std::sync::atomic::Ordering::Relaxed);
        let snapshot = Arc::new(Snapshot::new(at, history, casework));
        self.scorecards.latest.fetch_max(current, std::sync::atomic::Ordering::Relaxed);
        tracing::info!(version = current, took_ms = began.elapsed().as_millis(), "read the records from the database");
        self.snapshot.store(Some(snapshot.clone()));
        Ok(snapshot)
    }

    /// A form's save (see [`Store::write_record`]), and the snapshot brought up to it: when
    /// the snapshot held is of the version just before the save's (nobody else has written
    /// since), the next one is made from it and the saved record, in time proportional to the
    /// change; otherwise the next page loads the records again. Held under the loading lock,
    /// so that a page asked for between the write and the new snapshot waits the moment it
    /// takes rather than reading every record again.
    pub(crate) async fn write_record(
        &self,
        file: sendtrack_domain::validation::RecordFile,
        record: &Casework,
        version: Option<i64>,
        event: &sendtrack_store::audit::AuditEvent,
    ) -> Result<sendtrack_store::casework::Saved, sendtrack_store::StoreError> {
        let _loading = self.loading.lock().await;
        let saved = self.store.write_record(file, record, version, event).await?;
        self.move_on(saved.raised, record, version.is_none());
        Ok(saved)
    }

    /// Several records saved together (see [`Store::write_records`]), and the snapshot moved
    /// on by them as [`AppState::write_record`] does.
    pub(crate) async fn write_records(
        &self,
        records: &[(sendtrack_domain::validation::RecordFile, &Casework, Option<i64>)],
        event: &sendtrack_store::audit::AuditEvent,
    ) -> Result<(), sendtrack_store::StoreError> {
        let _loading = self.loading.lock().await;
        let version = self.store.write_records(records, event).await?;
        let update = records.iter().fold(Casework::default(), |all, (_, record, _)| all.updated_with(record));
        self.move_on(version, &update, records.iter().all(|(_, _, v)| v.is_none()));
        Ok(())
    }

    /// Records of any types written over those with the same key (see [`Store::write_rows`]):
    /// a partner's figures, a commentary, a rating. Records of no child: the next page reads
    /// the records again.
    pub(crate) async fn write_rows(
        &self,
        update: &Casework,
        event: &sendtrack_store::audit::AuditEvent,
    ) -> Result<(), sendtrack_store::StoreError> {
        let _loading = self.loading.lock().await;
        let version = self.store.write_rows(update, event).await?;
        self.move_on(version, update, false);
        Ok(())
    }

    /// The records, read from the database the first time they are needed.
    pub(crate) async fn casework(&self) -> Result<Arc<Casework>, sendtrack_store::StoreError> {
        Ok(self.snapshot().await?.casework.clone())
    }

    /// The whole catalogue from `from` to `to` of the latest casework version, computed once
    /// per range until the records change.
    pub(crate) async fn scorecard(
        &self,
        from: Month,
        to: Month,
    ) -> Result<Arc<Scorecard>, sendtrack_store::StoreError> {
        let snapshot = self.snapshot().await?;
        self.scorecards.of(&snapshot, (from, to, self.today()), 2).await
    }

    /// The scorecard for the scorecard page: the latest version's when it is computed, or
    /// computed within [`AppState::scorecard_patience`]; otherwise the newest one computed
    /// before, with how many changes it is behind, while the latest is worked out in the
    /// background. One such computation runs at a time, for the latest snapshot only: under
    /// many saves a second the page never waits for the whole catalogue, and the figures it
    /// shows are at most one computation behind.
    pub(crate) async fn latest_scorecard(
        &self,
        from: Month,
        to: Month,
    ) -> Result<(Arc<Scorecard>, Option<Behind>), sendtrack_store::StoreError> {
        let snapshot = self.snapshot().await?;
        let key = (from, to, self.today());
        let (Some(patience), Some((version, card))) =
            (self.scorecard_patience, self.scorecards.before(&key, snapshot.version))
        else {
            return Ok((self.scorecards.of(&snapshot, key, 2).await?, None));
        };
        if let Some(latest) = snapshot.scorecards.ready(&key) {
            return Ok((latest, None));
        }
        let behind = Behind { changes: snapshot.version - version };
        match tokio::time::timeout(patience, self.scorecards.refresh(snapshot, key)).await {
            Ok(Ok(Some(latest))) => Ok((latest, None)),
            _ => Ok((card, Some(behind))),
        }
    }

    /// The table of the scorecard `card` from `from` to `to`, rendered once by `render`.
    pub(crate) async fn scorecard_table(
        &self,
        from: Month,
        to: Month,
        card: &Arc<Scorecard>,
        render: impl FnOnce() -> String,
    ) -> Arc<str> {
        self.scorecards.table((from, to, self.today()), card, render).await
    }

    /// The forecast from the end of `as_of`, `months` ahead, under `assumptions` and
    /// `scenarios` (whose text, `key`, tells one set from another); computed once per casework
    /// version. An `Err` says why no forecast can be made (too little history, say).
    pub(crate) async fn forecast(
        &self,
        as_of: Month,
        months: usize,
        key: String,
        assumptions: sendtrack_domain::forecast::Assumptions,
        scenarios: Vec<sendtrack_domain::forecast::Scenario>,
    ) -> Result<Arc<Result<sendtrack_domain::forecast::Forecast, String>>, sendtrack_store::StoreError> {
        let snapshot = self.snapshot().await?;
        let cw = snapshot.casework.clone();
        snapshot
            .forecasts
            .get((as_of, months, key), || {
                blocking("(forecast)", move || {
                    // Nothing dated after the origin's last day is read.
                    let engine = Engine::as_at(&cw, as_of.last_day());
                    let made = sendtrack_domain::forecast::forecast(&engine, as_of, months, &scenarios, &assumptions);
                    Arc::new(made.map_err(|e| e.to_string()))
                })
            })
            .await
    }

    /// The measures engine over the latest records as at today, built once per snapshot.
    pub(crate) async fn engine(&self) -> Result<Arc<HeldEngine>, sendtrack_store::StoreError> {
        let snapshot = self.snapshot().await?;
        let cw = snapshot.casework.clone();
        let today = self.today();
        snapshot
            .engines
            .get(today, || blocking("(engine)", move || Arc::new(HeldEngine::new(cw, |cw| Engine::as_at(cw, today)))))
            .await
    }

    /// The records and each child's index into them.
    async fn children(&self) -> Result<(Arc<Casework>, Arc<ChildIndex>), sendtrack_store::StoreError> {
        let snapshot = self.snapshot().await?;
        let index = snapshot.child_index.get_or_init(|| Arc::new(ChildIndex::new(&snapshot.casework))).clone();
        Ok((snapshot.casework.clone(), index))
    }

    /// The Today counts at the end of `date` for one caseworker's cases (or everyone's),
    /// computed once per date and caseworker until the records change.
    async fn today_counts(
        &self,
        date: jiff::civil::Date,
        caseworker: Option<String>,
    ) -> Result<Arc<Today>, sendtrack_store::StoreError> {
        let snapshot = self.snapshot().await?;
        let lists = Self::worklists_of(&snapshot, date).await?;
        let filter = WorkFilter { caseworker: caseworker.clone(), ..WorkFilter::default() };
        snapshot.todays.get((date, caseworker), || async { Ok(Arc::new(lists.today(&filter))) }).await
    }

    /// Every worklist at the end of `date`, computed once per date until the records change.
    async fn worklists(&self, date: jiff::civil::Date) -> Result<Arc<Worklists>, sendtrack_store::StoreError> {
        let snapshot = self.snapshot().await?;
        Self::worklists_of(&snapshot, date).await
    }

    async fn worklists_of(
        snapshot: &Snapshot,
        date: jiff::civil::Date,
    ) -> Result<Arc<Worklists>, sendtrack_store::StoreError> {
        let cw = snapshot.casework.clone();
        snapshot
            .worklists
            .get(date, || blocking("(worklists)", move || Arc::new(sendtrack_domain::worklist::worklists(&cw, date))))
            .await
    }

    /// The staff ids of the caseworkers with requests allocated, once per load of the records.
    async fn caseworkers(&self) -> Result<Arc<Vec<String>>, sendtrack_store::StoreError> {
        let snapshot = self.snapshot().await?;
        Ok(snapshot
            .caseworkers
            .get_or_init(|| Arc::new(sendtrack_domain::worklist::caseworkers(&snapshot.casework)))
            .clone())
    }
}

/// An audit event of what the person of `email`, at `address`, did now.
fn audit_event(email: &str, address: &str, action: &str, child_id: Option<&str>) -> sendtrack_store::AuditEvent {
    sendtrack_store::AuditEvent {
        at: auth::stored(auth::now()),
        email: email.to_string(),
        action: action.to_string(),
        child_id: child_id.map(str::to_string),
        detail: None,
        address: Some(address.to_string()),
    }
}

/// Runs `work` on a thread of its own at a lower priority than the pages' (on Linux, where a
/// thread's nice value is its own): what is worked out in the background then takes only the
/// time the pages leave. A thread per piece of work, because a thread cannot be given its
/// priority back without privileges.
async fn in_background<T: Send + 'static>(
    what: &'static str,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, sendtrack_store::StoreError> {
    let (done, result) = tokio::sync::oneshot::channel();
    let lost = |message: String| sendtrack_store::StoreError::Corrupt { table: what, column: "", message };
    std::thread::Builder::new()
        .name("sendtrack-background".into())
        .spawn(move || {
            #[cfg(target_os = "linux")]
            // SAFETY: setpriority with `who` 0 sets the calling thread's nice value on Linux;
            // it reads and writes no memory of ours. A failure leaves the priority as it was.
            unsafe {
                libc::setpriority(libc::PRIO_PROCESS, 0, 10);
            }
            // The caller may have gone; the result is then not wanted.
            let _ = done.send(work());
        })
        .map_err(|e| lost(e.to_string()))?;
    result.await.map_err(|_| lost("the background thread ended without a result".into()))
}

/// Runs a long computation off the async threads; a panic in it is reported as what it is.
async fn blocking<T: Send + 'static>(
    what: &'static str,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, sendtrack_store::StoreError> {
    tokio::task::spawn_blocking(work).await.map_err(|e| sendtrack_store::StoreError::Corrupt {
        table: what,
        column: "",
        message: e.to_string(),
    })
}

const GOVUK_CSS: &[u8] = include_bytes!("../assets/govuk.css");
const APP_CSS: &[u8] = include_bytes!("../assets/app.css");
const GOVUK_JS: &[u8] = include_bytes!("../assets/govuk-frontend.min.js");
const APP_JS: &[u8] = include_bytes!("../assets/app.mjs");

fn asset(body: &'static [u8], content_type: &'static str) -> impl axum::response::IntoResponse {
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "public, max-age=3600")], body)
}

/// The longest a request may take before it is answered 408 (a board workbook of a large
/// authority takes a few seconds; a SEN2 upload is checked within a minute).
const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(120);

/// Security headers on every response: a Content-Security-Policy without inline script, no
/// sniffing, no framing, no referrer outside the service, no caching of anything but the
/// assets (pages and downloads carry children's records: no browser or proxy keeps a copy),
/// and HSTS when served over TLS.
fn with_security_headers(router: Router<Arc<AppState>>, secure: bool) -> Router<Arc<AppState>> {
    use tower_http::set_header::SetResponseHeaderLayer as Set;
    let policy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    let router = router
        // A document download sets a stricter policy of its own (a sandbox), kept.
        .layer(Set::if_not_present(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(policy)))
        .layer(Set::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(Set::overriding(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(Set::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(Set::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-store")));
    if secure {
        // Served over TLS (directly or behind a TLS terminator): browsers use HTTPS only, for a year.
        router.layer(Set::overriding(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000")))
    } else {
        router
    }
}

/// A span per request naming its method and path, never its query (a search's query holds the
/// name typed) or body; the response's status and time are logged at debug level.
fn request_span(request: &axum::extract::Request) -> tracing::Span {
    tracing::info_span!("request", method = %request.method(), path = %request.uri().path())
}

/// Keeps the request's path for the page template (the navigation's current section).
async fn remember_path(request: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    let path = request.uri().path().to_string();
    layout::CURRENT_PATH.scope(path, next.run(request)).await
}

/// Every route of the web app.
pub fn router(state: Arc<AppState>) -> Router {
    let routes = Router::new()
        .route("/", get(pages::today::show))
        .route("/sign-in", get(pages::sign_in::form).post(pages::sign_in::submit))
        .route("/sign-in/two-factor", get(pages::sign_in::code_form).post(pages::sign_in::code_submit))
        .route("/sign-out", post(pages::sign_in::sign_out))
        .route("/account", get(pages::account::show))
        .route("/account/password", post(pages::account::change_password))
        .route("/account/two-factor", get(pages::account::two_factor_form).post(pages::account::two_factor_confirm))
        .route("/children", get(pages::children::find).post(pages::children::search))
        .route("/children/new", get(pages::records::new_child_form).post(pages::records::create_child))
        .route("/children/{id}", get(pages::children::record))
        .route("/children/{id}/{kind}/new", get(pages::records::new_form).post(pages::records::create))
        .route("/children/{id}/{kind}/{record}", get(pages::records::edit_form).post(pages::records::update))
        .route(
            "/children/{id}/documents",
            post(pages::casefile::upload)
                .layer(axum::extract::DefaultBodyLimit::max((pages::casefile::CEILING_MB as usize + 1) * 1024 * 1024)),
        )
        .route("/children/{id}/documents/{document}", get(pages::casefile::download))
        .route("/children/{id}/letters", get(pages::casefile::preview).post(pages::casefile::send))
        .route("/establishments", get(pages::casefile::establishments))
        .route("/admin/organisations", get(pages::staff::organisations))
        .route("/admin/organisations/new", get(pages::staff::organisation_new).post(pages::staff::organisation_create))
        .route(
            "/admin/organisations/{id}",
            get(pages::staff::organisation_edit).post(pages::staff::organisation_update),
        )
        .route(
            "/admin/organisations/{id}/members",
            get(pages::portal::admin_members).post(pages::portal::admin_members_change),
        )
        .route("/admin/mail", get(pages::portal::admin_mail))
        .route("/portal", get(pages::portal::home))
        .route("/portal/sign-in", get(pages::portal::sign_in_form).post(pages::portal::send_code))
        .route("/portal/code", post(pages::portal::use_code))
        .route("/portal/sign-out", post(pages::portal::sign_out))
        .route("/portal/children/{id}", get(pages::family::child))
        .route("/portal/children/{id}/messages", post(pages::family::message))
        .route("/portal/children/{id}/comments", post(pages::family::comment))
        .route(
            "/portal/children/{id}/documents",
            post(pages::family::upload)
                .layer(axum::extract::DefaultBodyLimit::max((pages::casefile::CEILING_MB as usize + 1) * 1024 * 1024)),
        )
        .route("/portal/children/{id}/request", post(pages::family::request))
        .route("/portal/children/{id}/documents/{document}", get(pages::family::download))
        .route("/children/{id}/family", post(pages::family::invite))
        .route("/children/{id}/documents/{document}/share", post(pages::family::share))
        .route("/portal/members", get(pages::portal::members).post(pages::portal::members_change))
        .route(
            "/portal/{kind}/{id}",
            get(pages::portal::task)
                .post(pages::portal::answer)
                .layer(axum::extract::DefaultBodyLimit::max((pages::casefile::CEILING_MB as usize + 1) * 1024 * 1024)),
        )
        .route("/admin/letters", get(pages::casefile::admin_letters).post(pages::casefile::admin_letters_save))
        .route("/admin/letters/{kind}", get(pages::casefile::admin_template).post(pages::casefile::admin_template_save))
        .route("/worklists/{list}", get(pages::worklists::show))
        .route("/worklists/{list}/records.csv", get(pages::worklists::records_csv))
        .route("/scorecard", get(pages::scorecard::show))
        .route("/scorecard/periods", get(pages::scorecard::periods))
        .route("/measures/{id}", get(pages::measure::show))
        .route("/measures/{id}/records.csv", get(pages::measure::records_csv))
        .route("/reports/board", get(pages::reports::board))
        .route("/reports/board.xlsx", get(pages::reports::workbook))
        .route("/forecast", get(pages::forecast::show))
        .route("/forecast/settings", post(pages::forecast::save_settings))
        .route("/forecast/scenarios", post(pages::forecast::add_scenario))
        .route("/forecast/scenarios/remove", post(pages::forecast::remove_scenario))
        .route("/board", get(pages::board::hub))
        .route("/board/commentary", get(pages::board::commentary).post(pages::board::save_commentary))
        .route("/board/commentary/sign-off", post(pages::board::sign_off))
        .route("/indicators", get(pages::board::indicators))
        .route("/indicators/values", post(pages::board::load_values))
        .route("/indicators/new", get(pages::staff::indicator_new).post(pages::staff::indicator_create))
        .route("/indicators/{id}", get(pages::staff::indicator_edit).post(pages::staff::indicator_update))
        .route("/improvement", get(pages::board::improvement))
        .route("/improvement/{kind}", get(pages::board::strand).post(pages::board::rate))
        .route("/improvement/{kind}/new", get(pages::staff::plan_new).post(pages::staff::plan_create))
        .route("/improvement/{kind}/{id}", get(pages::staff::plan_edit).post(pages::staff::plan_update))
        .route("/plan-quality", get(pages::board::audits))
        .route("/plan-quality/new", get(pages::staff::audit_new).post(pages::staff::audit_create))
        .route("/plan-quality/{id}", get(pages::staff::audit_edit).post(pages::staff::audit_update))
        .route("/sen2", get(pages::sen2::show))
        .route(
            "/sen2/check",
            post(pages::sen2::upload).layer(axum::extract::DefaultBodyLimit::max(pages::sen2::MAX_UPLOAD_BYTES)),
        )
        .route("/sen2/return.zip", get(pages::sen2::download))
        .route("/team", get(pages::admin::team).post(pages::admin::team_change))
        .route("/staff", get(pages::staff::list))
        .route("/staff/new", get(pages::staff::new_form).post(pages::staff::create))
        .route("/staff/{id}", get(pages::staff::edit_form).post(pages::staff::update))
        .route("/caseloads", get(pages::staff::caseloads))
        .route("/week", get(pages::week::show))
        .route("/caseloads/cases", get(pages::staff::held))
        .route("/caseloads/reallocate", post(pages::staff::reallocate))
        .route("/admin/users", get(pages::admin::users).post(pages::admin::user_change))
        .route("/admin/users/new", post(pages::admin::user_add))
        .route("/admin/settings", post(pages::admin::settings_change))
        .route("/admin/sen2", post(pages::admin::sen2_settings))
        .route("/admin/audit", get(pages::admin::audit))
        .route("/assets/govuk.css", get(|| async { asset(GOVUK_CSS, "text/css") }))
        .route("/assets/board.css", get(|| async { asset(sendtrack_report::pack::STYLE.as_bytes(), "text/css") }))
        .route("/assets/app.css", get(|| async { asset(APP_CSS, "text/css") }))
        .route("/assets/govuk-frontend.min.js", get(|| async { asset(GOVUK_JS, "text/javascript") }))
        .route("/assets/app.mjs", get(|| async { asset(APP_JS, "text/javascript") }))
        // Runs after routing, so it sees the route's pattern; the fallback (404) is not guarded.
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), auth::require_access))
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn(auth::require_csrf))
        .layer(axum::extract::DefaultBodyLimit::max(auth::MAX_FORM_BYTES));
    let routes = with_security_headers(routes, state.protection.secure_cookies)
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(tower_http::trace::TraceLayer::new_for_http().make_span_with(request_span))
        .layer(axum::middleware::from_fn(remember_path));
    routes.with_state(state)
}

/// From this hour (local time) the day's digests are sent.
const DIGEST_HOUR: i8 = 7;

/// How often the e-mail job looks for what to send.
const MAIL_EVERY: std::time::Duration = std::time::Duration::from_secs(600);

/// Starts the e-mail job when the state sends e-mail (issue 19): every 10 minutes it sends
/// whatever is waiting (notices, retries) and, from 7 in the morning, queues the day's digests,
/// which the database lets each inbox have once a day however many instances run it.
pub fn start_mail_job(state: Arc<AppState>) {
    if state.mail.is_none() {
        return;
    }
    tokio::spawn(async move {
        loop {
            if mail_round(&state).await.is_err() {
                // Not the error: an SMTP server's answer often names the address.
                tracing::warn!("the e-mail job could not finish a round");
            }
            tokio::time::sleep(MAIL_EVERY).await;
        }
    });
}

/// One round of the e-mail job.
async fn mail_round(state: &AppState) -> Result<sendtrack_mail::Delivery, sendtrack_mail::MailError> {
    let Some((mailer, links)) = &state.mail else { return Ok(sendtrack_mail::Delivery::default()) };
    let today = state.today();
    let by = "sendtrack (e-mail job)";
    if jiff::ZonedDateTime::now().hour() >= DIGEST_HOUR {
        let cw = state.casework().await?;
        sendtrack_mail::notify(&state.store, &cw, mailer, today, links, by).await
    } else {
        sendtrack_mail::deliver(&state.store, mailer, today, by).await
    }
}

/// Serves the web app on `addr` until the process ends; tells `ready` the address it serves on.
pub async fn serve(state: Arc<AppState>, addr: &str, ready: impl FnOnce(std::net::SocketAddr)) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    ready(listener.local_addr()?);
    axum::serve(listener, router(state).into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(stopped())
        .await
}

/// Resolves when the process is asked to stop (Ctrl+C), so that requests under way finish and
/// the command closes its database cleanly.
async fn stopped() {
    let _ = tokio::signal::ctrl_c().await;
}

/// Serves the web app over HTTPS on `addr` with a PEM certificate chain and private key, until
/// the process ends; tells `ready` the address it serves on.
pub async fn serve_tls(
    state: Arc<AppState>,
    addr: &str,
    cert: &std::path::Path,
    key: &std::path::Path,
    ready: impl FnOnce(std::net::SocketAddr),
) -> std::io::Result<()> {
    let config = axum_server::tls_rustls::RustlsConfig::from_pem_file(cert, key).await?;
    let listener = std::net::TcpListener::bind(addr)?;
    listener.set_nonblocking(true)?;
    ready(listener.local_addr()?);
    axum_server::from_tcp_rustls(listener, config)?
        .serve(router(state).into_make_service_with_connect_info::<std::net::SocketAddr>())
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_memo_never_holds_more_than_its_cap_and_computes_each_result_once() {
        let memo: Memo<u32, u32> = Memo::new(16);
        for k in 0..1000 {
            assert_eq!(memo.get(k, || async move { Ok::<_, ()>(k * 2) }).await, Ok(k * 2));
            assert!(memo.computed().len() <= 16);
        }
        // Many requests for the same result at once: one computes, the rest wait for it.
        let computing = std::sync::atomic::AtomicUsize::new(0);
        let ask = || {
            memo.get(5000, || async {
                computing.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                Ok::<_, ()>(7)
            })
        };
        let answers = futures_join(vec![ask(), ask(), ask(), ask()]).await;
        assert_eq!(answers, vec![Ok(7); 4]);
        assert_eq!(computing.load(std::sync::atomic::Ordering::SeqCst), 1);
        // A failed computation is not kept: the next request tries again.
        assert_eq!(memo.get(6000, || async { Err::<u32, _>("down") }).await, Err("down"));
        assert_eq!(memo.get(6000, || async { Ok::<_, &str>(1) }).await, Ok(1));
    }

    /// Runs futures concurrently on this task, in order of their results.
    async fn futures_join<F: Future>(futures: Vec<F>) -> Vec<F::Output> {
        let mut pinned: Vec<_> = futures.into_iter().map(Box::pin).collect();
        let mut out: Vec<Option<F::Output>> = pinned.iter().map(|_| None).collect();
        std::future::poll_fn(|cx| {
            let mut pending = false;
            for (f, o) in pinned.iter_mut().zip(out.iter_mut()) {
                if o.is_none() {
                    match f.as_mut().poll(cx) {
                        std::task::Poll::Ready(v) => *o = Some(v),
                        std::task::Poll::Pending => pending = true,
                    }
                }
            }
            if pending { std::task::Poll::Pending } else { std::task::Poll::Ready(()) }
        })
        .await;
        out.into_iter().flatten().collect()
    }
}
