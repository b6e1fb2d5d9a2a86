//! `sendtrack demo-data` writes a demo authority as a folder; `sendtrack demo` loads one into
//! a fresh database and summarises what is open and overdue today.

use crate::commands::import::{save, summary};
use crate::output::print_problems;
use anyhow::{Context, bail};
use sendtrack_domain::records::Casework;
use sendtrack_domain::worklist::{WorkFilter, Worklist, worklists};
use sendtrack_interchange::demo::{DemoOptions, generate};
use sendtrack_interchange::{FolderRead, check_casework};
use sendtrack_report::table::{Cell, DataTable};
use sendtrack_store::Store;
use std::path::Path;
use std::process::ExitCode;

/// The demo database used when `--db` is not given; recreated on every run.
pub const DEFAULT_DEMO_DB: &str = "sendtrack-demo.db";

pub fn write_data(
    out: &Path,
    children: usize,
    seed: u64,
    establishments: Option<&Path>,
    today: jiff::civil::Date,
) -> anyhow::Result<ExitCode> {
    let casework = generate(&DemoOptions { children, seed, as_at: today });
    sendtrack_interchange::write_folder(out, &casework)
        .with_context(|| format!("cannot write the folder {}", out.display()))?;
    if let Some(path) = establishments {
        std::fs::write(path, sendtrack_interchange::demo::establishments_csv(&casework))
            .with_context(|| format!("cannot write {}", path.display()))?;
        println!("Wrote the demo's establishments (URN and type) to {}.", path.display());
    }
    println!(
        "Wrote a demo authority of {} children ({} records) to {}.",
        casework.children.len(),
        casework.counts().total(),
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// The demo's sign-in: a manager, who sees everything a caseworker does.
pub const DEMO_EMAIL: &str = "demo.manager@example.org";
/// The demo's member of the educational psychology service, who signs in at the portal.
pub const DEMO_EPS: &str = "demo.eps@example.org";
/// The demo's administrator (people, settings, the audit trail).
pub const DEMO_ADMIN: &str = "demo.admin@example.org";
/// The demo's caseworker, recorded on requests as staff id `cw001`.
pub const DEMO_CASEWORKER: &str = "demo.caseworker@example.org";

pub async fn run(
    db: Option<&str>,
    children: usize,
    seed: u64,
    today: jiff::civil::Date,
    serve: Option<&str>,
    fixed_today: Option<jiff::civil::Date>,
    mail: &super::mail::MailOptions,
) -> anyhow::Result<ExitCode> {
    let path = db.unwrap_or(DEFAULT_DEMO_DB);
    if Path::new(path).exists() {
        if db.is_some() {
            bail!("{path} already exists; the demo needs a fresh database (give a new path, or leave out --db)");
        }
        for suffix in ["", "-wal", "-shm"] {
            let file = format!("{path}{suffix}");
            if Path::new(&file).exists() {
                std::fs::remove_file(&file).with_context(|| format!("cannot replace the old demo database {file}"))?;
            }
        }
    }
    let casework = generate(&DemoOptions { children, seed, as_at: today });
    // The demo goes through the same checks as any import.
    let folder = FolderRead::from_records(casework);
    let problems = check_casework(&folder, &Casework::default(), today);
    if !problems.is_empty() {
        print_problems(&problems);
        bail!("the generated demo authority broke the rules above; please report this");
    }
    let store = Store::open(path).await?;
    save(&store, &folder.casework).await?;
    let (comparators, figures) = devon_benchmarks().context("cannot load the demo's DfE comparators")?;
    store.save(&Casework { benchmarks: comparators.into(), ..Casework::default() }, &|_| {}).await?;
    let figures = sendtrack_interchange::dfe::figures_csv(&figures);
    store.set_setting(sendtrack_interchange::dfe::PUBLISHED_FIGURES_SETTING, &figures).await?;
    // Devon's LA number, for the header of the SEN2 returns the demo writes.
    store.set_setting(sendtrack_interchange::sen2::LA_NUMBER_SETTING, "878").await?;
    println!("Created the demo authority in {path}:");
    print!("{}", summary(&folder.casework.counts(), &Default::default()));
    println!();
    print_caseload(&folder.casework, today);
    println!("Next: sendtrack scorecard --db {path}    (the last 13 months of every measure, with comparators)");
    println!(
        "      sendtrack drill --db {path} advice_overdue {}    (the records behind a number)",
        sendtrack_domain::dates::Month::containing(today)
    );
    let Some(addr) = serve else { return Ok(ExitCode::SUCCESS) };
    let password = sendtrack_web::new_password();
    let hash = sendtrack_web::hash_password(&password);
    use sendtrack_domain::access::Role;
    store.add_user(DEMO_EMAIL, Role::Manager, &hash, None, &today.to_string()).await?;
    store.add_user(DEMO_CASEWORKER, Role::Caseworker, &hash, Some("cw001"), &today.to_string()).await?;
    store.add_user(DEMO_ADMIN, Role::Admin, &hash, None, &today.to_string()).await?;
    println!();
    println!("Sign in as {DEMO_EMAIL} with the password {password}");
    println!(
        "(or as the caseworker {DEMO_CASEWORKER}, staff id cw001, or the administrator {DEMO_ADMIN}, with the same password)"
    );
    // A member of the educational psychology service, for the portal (issue 19).
    let eps = folder.casework.organisations.iter().find(|o| o.name.to_lowercase().contains("psycholog"));
    if let Some(eps) = eps {
        let member = sendtrack_store::portal::Member {
            organisation_id: eps.organisation_id.to_string(),
            email: DEMO_EPS.into(),
            is_admin: true,
            added_by: DEMO_ADMIN.into(),
            added_at: format!("{today}T00:00:00Z"),
        };
        let event = sendtrack_store::AuditEvent {
            at: member.added_at.clone(),
            email: DEMO_ADMIN.into(),
            action: "add portal member".into(),
            ..Default::default()
        };
        store.add_member(&member, &event).await?;
        let how = if mail.smtp.is_some() { "with a code e-mailed to it" } else { "once the demo is given --smtp" };
        println!("{DEMO_EPS} ({}) signs in at /portal {how}", eps.name);
    }
    // A parent of one of the demo caseworker's children, invited to see the case (issue 20).
    let cw = &folder.casework;
    let held = |child: &str| {
        cw.requests.iter().any(|r| r.child_id.as_str() == child && r.caseworker.as_deref() == Some("cw001"))
    };
    let parent = cw.contacts.iter().find(|c| {
        c.role == sendtrack_domain::codes::ContactRole::Parent
            && c.parental_responsibility
            && c.email.is_some()
            && held(c.child_id.as_str())
    });
    if let Some(parent) = parent {
        let access =
            sendtrack_mail::invite_family(&store, cw, parent.contact_id.as_str(), None, DEMO_ADMIN, None, today)
                .await?;
        println!(
            "A parent of child {}, {}, can also sign in at /portal, to see the case as a family does",
            access.child_id, access.email
        );
    }
    commands_web_serve(store, addr, fixed_today, mail).await
}

/// The demo authority stands in for Devon: its England, South West, statistical-neighbour and
/// published values from the DfE extract embedded in the binary, and the counts Devon published
/// by age and need (for the SEN2 page's reconciliation).
fn devon_benchmarks() -> anyhow::Result<(
    Vec<sendtrack_domain::records::Benchmark>,
    Vec<sendtrack_domain::measures::reconcile::PublishedFigure>,
)> {
    let dir = std::env::temp_dir().join(format!("sendtrack-demo-dfe-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    for (name, bytes) in sendtrack_interchange::dfe::DEVON_EXTRACT {
        std::fs::write(dir.join(name), bytes)?;
    }
    let found = sendtrack_interchange::dfe::find_authority(&dir, "Devon").and_then(|devon| {
        Ok((
            sendtrack_interchange::dfe::benchmarks(&dir, &devon)?,
            sendtrack_interchange::dfe::published_figures(&dir, &devon)?,
        ))
    });
    let _ = std::fs::remove_dir_all(&dir);
    Ok(found?)
}

/// Prints what is open and overdue on `today`: the web app's Today counts (the same worklists).
pub fn print_caseload(casework: &Casework, today: jiff::civil::Date) {
    let t = worklists(casework, today).today(&WorkFilter::default());
    println!("Open and overdue on {today}:");
    let count = |n: usize| n.to_string();
    let mut rows = vec![
        vec![
            "Requests awaiting a decision".into(),
            count(t.count(Worklist::AwaitingDecision)),
            count(t.count(Worklist::DecisionsOverdue)),
        ],
        vec![
            "Assessments in progress".into(),
            count(t.count(Worklist::Assessing)),
            count(t.count(Worklist::PlansOverdue)),
        ],
    ];
    for (kind, outstanding, overdue) in &t.advice_by_kind {
        rows.push(vec![format!("Advice outstanding: {kind}"), count(*outstanding), count(*overdue)]);
    }
    let plans_active = casework.plans.iter().filter(|p| p.is_active_at(today)).count();
    rows.push(vec!["Active EHC plans".into(), count(plans_active), String::new()]);
    for (state, overdue) in &t.reviews_overdue_by_state {
        rows.push(vec![format!("Annual reviews overdue: {}", state.code()), String::new(), count(*overdue)]);
    }
    let mut counts = DataTable::new("today", "Today", &["", "open", "overdue"]);
    counts.rows = rows.into_iter().map(|r| r.into_iter().map(Cell::Text).collect()).collect();
    print!("{}", counts.text());
    println!("(Assessments: overdue = open more than 20 weeks since the request.)");
    println!();
    println!("The demo authority stands in for Devon: its comparators are Devon's published DfE statistics.");
}

/// Serves the demo database with the web app.
async fn commands_web_serve(
    store: Store,
    addr: &str,
    today: Option<jiff::civil::Date>,
    mail: &super::mail::MailOptions,
) -> anyhow::Result<ExitCode> {
    // The demo's database is new each run: without a key in the environment, one for this run.
    let secret_key = match sendtrack_web::SecretKey::from_environment().map_err(anyhow::Error::msg)? {
        Some(key) => key,
        None => {
            let hex = sendtrack_web::SecretKey::random_hex().context("no random source")?;
            sendtrack_web::SecretKey::from_hex(&hex).map_err(anyhow::Error::msg)?
        }
    };
    let protection = sendtrack_web::Protection { secret_key: Some(secret_key), ..sendtrack_web::Protection::default() };
    let mail = mail.mailer(&format!("http://{addr}"))?;
    let state = std::sync::Arc::new(
        sendtrack_web::AppState::new(store, "Demo County Council".into(), today)
            .with_protection(protection)
            .with_mail(mail)
            .with_scorecard_patience(Some(sendtrack_web::SCORECARD_PATIENCE)),
    );
    sendtrack_web::start_mail_job(state.clone());
    sendtrack_web::serve(state, addr, |bound| {
        println!("sendtrack is serving the demo authority on http://{bound}/ (press Ctrl+C to stop)")
    })
    .await
    .with_context(|| format!("cannot serve on {addr}"))?;
    Ok(ExitCode::SUCCESS)
}
