//! The `sendtrack` command line: wires the domain, the interchange format and the store
//! together. Each subcommand lives in its own module under `commands/`.

mod commands;
mod output;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// sendtrack: the statutory clock and performance measures for SEND casework.
#[derive(Parser)]
#[command(name = "sendtrack", version, about, long_about = None)]
struct Cli {
    /// Treat this date (YYYY-MM-DD) as today, instead of the system date: for reproducing what
    /// was true on a past day, and for tests.
    #[arg(long, global = true, value_parser = parse_date_arg)]
    today: Option<jiff::civil::Date>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate an interchange folder and write it into the database, all or nothing.
    Import {
        /// The database: a SQLite file path or a postgres:// URL.
        #[arg(long, default_value = "sendtrack.db")]
        db: String,
        /// The interchange folder to import.
        dir: PathBuf,
    },
    /// Write every record in the database as an interchange folder.
    Export {
        #[arg(long, default_value = "sendtrack.db")]
        db: String,
        /// The folder to write (created when missing; files of the same names are replaced).
        dir: PathBuf,
    },
    /// Validate an interchange folder without writing anything; exits 1 on any problem.
    Check {
        /// The interchange folder to check.
        dir: PathBuf,
    },
    /// Write a realistic demo authority as an interchange folder.
    DemoData {
        /// The folder to write.
        #[arg(long)]
        out: PathBuf,
        /// Roughly how many children the authority's records hold.
        #[arg(long, default_value_t = 12_000)]
        children: usize,
        /// The random seed: the same seed (and --today) always gives the same authority.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Also write a Get Information About Schools stand-in for the demo's made-up URNs
        /// (URN and type of establishment), for `sen2 import --establishments`.
        #[arg(long)]
        establishments: Option<PathBuf>,
    },
    /// Compute the measures over a range of months: a grid, the CSV of measures.md, or JSON.
    Scorecard {
        #[command(flatten)]
        source: commands::source::Source,
        /// The first month (YYYY-MM); default 12 months before --to.
        #[arg(long, value_parser = commands::measures::parse_month)]
        from: Option<sendtrack_domain::dates::Month>,
        /// The last month (YYYY-MM); default the last complete month (the one before today's). Today's
        /// month, when asked for, is to date; a later month is refused.
        #[arg(long, value_parser = commands::measures::parse_month)]
        to: Option<sendtrack_domain::dates::Month>,
        /// Only this measure (repeatable); default the whole catalogue.
        #[arg(long = "measure")]
        measures: Vec<String>,
        /// Twice, two breakdowns (e.g. `--by setting --by phase`): adds the two-way breakdown
        /// of each measure that has both, dimension `a|b` and key `x|y`.
        #[arg(long = "by")]
        by: Vec<String>,
        /// Instead of months, each measure over a period ending with --to: academic_ytd, term,
        /// financial_ytd, span:YYYY-MM..YYYY-MM or since:YYYY-MM. Twice, two periods and the
        /// change from the first to the second.
        #[arg(long = "period", conflicts_with_all = ["from", "save", "by"])]
        periods: Vec<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: commands::measures::Format,
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Also store the values in the database (table measure_values, view
        /// bi_measure_values) for BI tools, replacing those of the same months. Needs --db.
        #[arg(long, requires = "db")]
        save: bool,
    },
    /// List the records behind a measure's value for a month (and a breakdown key).
    Drill {
        #[command(flatten)]
        source: commands::source::Source,
        /// The measure id.
        measure: String,
        /// The month, YYYY-MM.
        #[arg(value_parser = commands::measures::parse_month)]
        month: sendtrack_domain::dates::Month,
        /// A breakdown of the measure (e.g. kind, setting); twice, with --key twice, for the
        /// records behind a cell of a two-way breakdown.
        #[arg(long, requires = "key")]
        by: Vec<String>,
        /// The breakdown key (e.g. educational_psychology), one for each --by in order.
        #[arg(long, requires = "by")]
        key: Vec<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: commands::measures::Format,
    },
    /// Write the board's report for the 13 months ending with a month: an Excel workbook (the
    /// scorecard, the tables of the board reports, the definitions) or the printable board pack
    /// (HTML or PDF: headlines, tables with charts, comparators, definitions).
    Report {
        #[command(flatten)]
        source: commands::source::Source,
        #[arg(long, value_enum, default_value = "xlsx")]
        format: commands::report::ReportFormat,
        /// The last month of the report (YYYY-MM); default the month before today's.
        #[arg(long, value_parser = commands::measures::parse_month)]
        month: Option<sendtrack_domain::dates::Month>,
        /// The file to write.
        #[arg(long)]
        out: PathBuf,
        /// The authority's name, for the cover of the board pack.
        #[arg(long, default_value = "Local authority")]
        authority: String,
    },
    /// Forecast demand (requests, decisions, new plans, ceased and active plans, reviews falling
    /// due) with 80% intervals, and the staff's capacity against it: the backlog month by month
    /// and the month it clears, under the baseline and each scenario. `--backtest` scores the
    /// method on every earlier month instead.
    Forecast {
        #[command(flatten)]
        source: commands::source::Source,
        /// Forecast from the end of this month (YYYY-MM), using nothing dated later; default
        /// the last complete month.
        #[arg(long = "as-of", value_parser = commands::measures::parse_month)]
        as_of: Option<sendtrack_domain::dates::Month>,
        /// How many months ahead: 12 to 36.
        #[arg(long, default_value_t = 24)]
        months: usize,
        /// A scenario file (TOML; repeatable): staff added or removed from a month, demand up or
        /// down, hours per task changed.
        #[arg(long = "scenario")]
        scenarios: Vec<PathBuf>,
        /// A settings file (TOML) with the hours per task and per FTE; default the settings kept
        /// in the database (set in the web app), else the built-in defaults.
        #[arg(long)]
        settings: Option<PathBuf>,
        /// Score the method instead: for each measure and horizon (1, 3, 6, 12 months), the mean
        /// absolute percentage error and how often the 80% interval held the actual value, over
        /// every origin with 12 months after it up to --as-of.
        #[arg(long)]
        backtest: bool,
        #[arg(long, value_enum, default_value = "table")]
        format: commands::measures::Format,
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// List the measure catalogue with each definition.
    Measures,
    /// Comparator values (England, region, statistical neighbours, and the authority as
    /// published) from the DfE's "Education, health and care plans" statistics.
    Benchmarks {
        /// The folder of DfE CSV files (timeliness_20_week.csv, requests.csv, assessments.csv,
        /// statistical_neighbours.csv).
        #[arg(long)]
        dfe: PathBuf,
        /// The authority: its name as the DfE writes it (e.g. Devon) or its LA number (878).
        #[arg(long)]
        la: String,
        #[command(flatten)]
        destination: commands::benchmarks::Destination,
    },
    /// Run the web app.
    Serve {
        /// The database: a SQLite file path or a postgres:// URL.
        #[arg(long, default_value = "sendtrack.db")]
        db: String,
        /// The address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
        /// The authority's name, in the header of every page.
        #[arg(long, default_value = "Local authority")]
        authority: String,
        /// Sessions end after this many minutes without use.
        #[arg(long, default_value_t = 30)]
        session_minutes: i64,
        /// Serve HTTPS with this certificate chain (PEM); needs --tls-key.
        #[arg(long, requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// The private key (PEM) of --tls-cert.
        #[arg(long, requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        /// The service is reached through a TLS terminator (a reverse proxy): mark cookies
        /// Secure, send HSTS, and take client addresses from X-Forwarded-For as the trusted
        /// proxies set it.
        #[arg(long, conflicts_with = "tls_cert")]
        behind_tls_proxy: bool,
        /// A proxy's IP address trusted to set X-Forwarded-For (repeat for each; with
        /// --behind-tls-proxy; default: this machine, 127.0.0.1 and ::1).
        #[arg(long = "trusted-proxy", requires = "behind_tls_proxy", default_values_t = [std::net::IpAddr::from([127, 0, 0, 1]), std::net::IpAddr::from(std::net::Ipv6Addr::LOCALHOST)])]
        trusted_proxies: Vec<std::net::IpAddr>,
        /// Keep uploaded documents and letters as files in this directory (created when
        /// missing) instead of in the database. Files are named by random ids.
        #[arg(long)]
        documents: Option<PathBuf>,
        #[command(flatten)]
        mail: commands::mail::MailOptions,
    },
    /// Send the day's e-mail once: each organisation's digest of its tasks due within 7 days
    /// or overdue, each caseworker's digest of their week (once a week), and anything waiting
    /// or failed before. A digest goes to each inbox once a day, however often this runs.
    Notify {
        #[arg(long, default_value = "sendtrack.db")]
        db: String,
        #[command(flatten)]
        mail: commands::mail::MailOptions,
        /// Who runs it, for the audit trail (default: the operating-system user).
        #[arg(long)]
        by: Option<String>,
    },
    /// Write a consistent copy of a SQLite database, safe while the web app serves it (a copy
    /// of the .db file alone may miss what sits in its -wal file). For PostgreSQL use pg_dump.
    Backup {
        #[arg(long, default_value = "sendtrack.db")]
        db: String,
        /// The new SQLite file to write (must not exist).
        #[arg(long)]
        out: PathBuf,
        /// Who is backing up, for the audit trail (default: the operating-system user).
        #[arg(long)]
        by: Option<String>,
    },
    /// The audit trail's retention: archive rows older than the retention period, or show and
    /// set the period.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Remove a child's personal data (names, UPN, ULN, postcode, ethnicity), keeping their
    /// casework under the opaque id so the measures of past months do not change. Audited.
    Erase {
        #[arg(long, default_value = "sendtrack.db")]
        db: String,
        /// The child's id.
        #[arg(long)]
        child: String,
        /// Who is erasing, for the audit trail (default: the operating-system user).
        #[arg(long)]
        by: Option<String>,
    },
    /// Write everything held about one child (a subject access request): their records as
    /// interchange files and the audit trail of who read or changed them. Audited.
    SubjectAccess {
        #[arg(long, default_value = "sendtrack.db")]
        db: String,
        /// The child's id.
        #[arg(long)]
        child: String,
        /// The folder to write.
        #[arg(long)]
        out: PathBuf,
        /// Who is exporting, for the audit trail (default: the operating-system user).
        #[arg(long)]
        by: Option<String>,
    },
    /// The DfE's SEN2 return: pre-submission checks of a COLLECT Blade export.
    Sen2 {
        #[command(subcommand)]
        command: Sen2Command,
    },
    /// Write a statutory letter or notice for a request, from its template, as PDF or DOCX
    /// (by --out's extension). Refused, with the reason, when the record does not yet hold
    /// what the letter needs. Audited.
    Letter {
        #[arg(long, default_value = "sendtrack.db")]
        db: String,
        /// The request the letter is about.
        #[arg(long)]
        request: String,
        /// decision_to_assess, decision_not_to_assess, advice_request, draft_plan, no_plan,
        /// final_plan, review_decision or cease.
        #[arg(long)]
        kind: String,
        /// For advice_request: which advice (default: the request's latest).
        #[arg(long)]
        advice: Option<String>,
        /// For review_decision: which review (default: the latest with a decision).
        #[arg(long)]
        review: Option<String>,
        /// The file to write: FILE.pdf (printed by Chromium) or FILE.docx.
        #[arg(long)]
        out: PathBuf,
        /// Also file it in the child's documents and log it in the chronology as a letter sent
        /// (one transaction), as the web app does.
        #[arg(long)]
        file: bool,
        /// Who is writing it, for the audit trail (default: the operating-system user).
        #[arg(long)]
        by: Option<String>,
    },
    /// The organisations asked for advice and consulted (issue 19).
    Org {
        #[command(subcommand)]
        command: OrgCommand,
    },
    /// Families in the portal (issue 20).
    Family {
        #[command(subcommand)]
        command: FamilyCommand,
    },
    /// Cohort flags other services supply (issue 22): children in care, on a child protection
    /// plan, NEET or in an apprenticeship, matched to the children held.
    Cohort {
        #[command(subcommand)]
        command: CohortCommand,
    },
    /// The register of schools and settings (Get Information About Schools).
    Establishments {
        #[command(subcommand)]
        command: EstablishmentsCommand,
    },
    /// Manage the people who can sign in.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Create or bring up to date the schema of a database (SQLite path or postgres:// URL).
    Migrate {
        #[arg(long)]
        db: String,
    },
    /// Copy every record from one database to another, in one transaction on the target
    /// (for example from a SQLite trial to a shared PostgreSQL server). The target must hold
    /// no casework yet.
    Copy {
        /// The database to copy from.
        #[arg(long)]
        from: String,
        /// The database to copy to.
        #[arg(long)]
        to: String,
    },
    /// Generate a demo authority, import it into a fresh database, and summarise today's
    /// open and overdue work.
    Demo {
        /// The demo database. The default file is recreated on every run; a path you give must
        /// not exist yet.
        #[arg(long)]
        db: Option<String>,
        #[arg(long, default_value_t = 12_000)]
        children: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Where the web app listens.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
        /// Only create the database and print the summary; do not start the web app.
        #[arg(long)]
        no_serve: bool,
        #[command(flatten)]
        mail: commands::mail::MailOptions,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a person; the password is read from the terminal (hidden) or standard input.
    Add {
        #[arg(long, default_value = "sendtrack.db")]
        db: String,
        #[arg(long)]
        email: String,
        /// admin, manager, caseworker, analyst or viewer.
        #[arg(long)]
        role: String,
        /// The staff id the person's cases are recorded under (the `caseworker` column of
        /// requests), for "my cases".
        #[arg(long)]
        staff_id: Option<String>,
    },
}

#[derive(Subcommand)]
enum OrgCommand {
    /// Add (or change) an organisation: an advice giver or a setting, with its team inbox.
    Add {
        #[arg(long, default_value = "sendtrack.db")]
        db: String,
        /// A short id of your choosing, for example eps.
        #[arg(long)]
        id: String,
        #[arg(long)]
        name: String,
        /// provider, setting or other.
        #[arg(long)]
        kind: String,
        /// The team inbox.
        #[arg(long)]
        email: Option<String>,
        /// A setting's URN.
        #[arg(long)]
        urn: Option<String>,
        /// Who is adding it, for the audit trail (default: the operating-system user).
        #[arg(long)]
        by: Option<String>,
    },
    /// The people of an organisation who sign in at the portal.
    Member {
        #[command(subcommand)]
        command: MemberCommand,
    },
}

#[derive(Subcommand)]
enum FamilyCommand {
    /// Invite a parent or carer with parental responsibility, or the young person (over
    /// compulsory school age), to see the child's case at /portal: the invitation is e-mailed
    /// to the address on their contact.
    Invite {
        #[arg(long, default_value = "sendtrack.db")]
        db: String,
        /// The contact's id (contacts.csv).
        #[arg(long)]
        contact: String,
        /// For a young person: whether they agree to their parents keeping access (yes or no).
        #[arg(long, value_parser = ["yes", "no"])]
        parents_keep_access: Option<String>,
        #[command(flatten)]
        mail: commands::mail::MailOptions,
        #[arg(long)]
        by: Option<String>,
    },
}

#[derive(Subcommand)]
enum MemberCommand {
    /// Let someone of an organisation sign in at /portal (with a code e-mailed to them).
    Add {
        #[arg(long, default_value = "sendtrack.db")]
        db: String,
        /// The organisation's id.
        #[arg(long)]
        org: String,
        #[arg(long)]
        email: String,
        /// Make them the organisation's administrator, who adds and removes its members.
        #[arg(long)]
        admin: bool,
        #[arg(long)]
        by: Option<String>,
    },
    /// Stop someone signing in for an organisation.
    Remove {
        #[arg(long, default_value = "sendtrack.db")]
        db: String,
        #[arg(long)]
        org: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        by: Option<String>,
    },
}

#[derive(Subcommand)]
enum CohortCommand {
    /// Import a person-level file of flags (columns upn, uln, forename, surname, date_of_birth,
    /// flag, started_on, ended_on), each person matched to a child held as the SEN2 import
    /// matches people (UPN, else ULN, else name and date of birth); people not held are
    /// counted by line and left out. All or nothing.
    Import {
        #[arg(long, default_value = "sendtrack.db")]
        db: String,
        /// The file, as the other service sends it (CSV, header first).
        file: PathBuf,
        /// Who supplied it ("Children's social care"), kept with each flag.
        #[arg(long)]
        source: Option<String>,
        /// Who is importing (an e-mail address), for the audit trail.
        #[arg(long)]
        by: Option<String>,
    },
}

#[derive(Subcommand)]
enum EstablishmentsCommand {
    /// Load a Get Information About Schools extract (edubasealldata CSV), replacing the
    /// register held: the URN, name, type, phase, status, local authority, town and postcode.
    Import {
        #[arg(long, default_value = "sendtrack.db")]
        db: String,
        /// The extract (UTF-8 or, as GIAS writes it, Windows-1252).
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum Sen2Command {
    /// Check a SEN2 return (the nine Blade CSV files COLLECT exports) before submission;
    /// exits 1 when any check fails.
    Check {
        /// The folder holding the Blade-Export_<date>_<module>.csv files.
        dir: PathBuf,
        /// The collection year, for the census day when the export's header has none.
        #[arg(long)]
        year: Option<i16>,
    },
    /// List the pre-submission checks, with their ids.
    Rules,
    /// Load a SEN2 return (the nine Blade CSV files COLLECT exports) into the database, all or
    /// nothing.
    Import {
        #[arg(long, default_value = "sendtrack.db")]
        db: String,
        /// The folder holding the Blade-Export_<date>_<module>.csv files.
        dir: PathBuf,
        /// The Get Information About Schools establishments file (URN and type of
        /// establishment), to classify settings identified by URN.
        #[arg(long)]
        establishments: Option<PathBuf>,
        /// What the return's requestsource codes mean, as CODE=source pairs
        /// (`1=parent,2=school`): the DfE has not published them, so without this a request's
        /// source is left empty. Kept in the database for later returns.
        #[arg(long)]
        request_sources: Option<String>,
        /// What the return's reviewoutcome codes mean, as CODE=decision pairs
        /// (`1=maintain,2=amend,3=cease`), when they are not those words. Kept for later returns.
        #[arg(long)]
        review_outcomes: Option<String>,
        /// What the Get Information About Schools establishment types sendtrack cannot classify
        /// on its own are (or how to classify one differently), as TYPE=setting pairs
        /// (`Other independent school=mainstream,Secure units=none`). Kept for later imports.
        #[arg(long)]
        establishment_types: Option<String>,
    },
    /// Compare sendtrack's figures for a calendar year with those the DfE published for the
    /// authority (the "Education, health and care plans" files): each published figure,
    /// sendtrack's, and the difference.
    Reconcile {
        #[arg(long, default_value = "sendtrack.db")]
        db: String,
        /// The calendar year the DfE's figures are for (the 2025 release's latest is 2024).
        #[arg(long)]
        year: i16,
        /// The folder of the DfE's files (for example shared/benchmarks/dfe-ehc-plans-2025).
        #[arg(long)]
        dfe: PathBuf,
        /// The authority: its name as the DfE writes it, or its LA number (878).
        #[arg(long)]
        la: String,
        /// Last year's return as it was sent (a Blade export folder): lists the people who
        /// are not in this year's, plans gone without a cease and changed dates of birth.
        #[arg(long)]
        previous: Option<PathBuf>,
    },
    /// Write the SEN2 return for a collection year from the database, in the Blade layout.
    Return {
        #[arg(long, default_value = "sendtrack.db")]
        db: String,
        /// The collection year (its census day is in January of that year).
        #[arg(long)]
        year: i16,
        /// The authority's LA number, for the return's header; by default the one kept from the
        /// last `sen2 import` or `sen2 return --la`. Kept for later returns.
        #[arg(long)]
        la: Option<String>,
        /// The folder to write.
        #[arg(long)]
        out: PathBuf,
        /// The requestsource code of each source (CODE=source pairs); by default the codes the
        /// last `sen2 import --request-sources` was given. A source without a code is empty.
        #[arg(long)]
        request_sources: Option<String>,
        /// The reviewoutcome code of each decision (CODE=decision pairs); by default those kept
        /// from the last import, else the words maintain, amend and cease.
        #[arg(long)]
        review_outcomes: Option<String>,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Write the audit rows from before a date to a CSV file and remove them from the trail, in
    /// one step that is itself audited: the only way rows ever leave the trail.
    Archive {
        #[arg(long, default_value = "sendtrack.db")]
        db: String,
        /// Archive the rows before this date (YYYY-MM-DD); at most today less the retention
        /// period, which is the default.
        #[arg(long, value_parser = parse_date_arg)]
        before: Option<jiff::civil::Date>,
        /// The new CSV file to write (must not exist).
        #[arg(long)]
        out: PathBuf,
        /// Who is archiving, for the audit trail (default: the operating-system user).
        #[arg(long)]
        by: Option<String>,
    },
    /// Show how many years audit rows are kept, or set it with --years (default 7).
    Retention {
        #[arg(long, default_value = "sendtrack.db")]
        db: String,
        #[arg(long)]
        years: Option<i16>,
        /// Who is changing it, for the audit trail (default: the operating-system user).
        #[arg(long)]
        by: Option<String>,
    },
}

fn parse_date_arg(text: &str) -> Result<jiff::civil::Date, String> {
    sendtrack_domain::dates::parse_date(text)
}

/// The date the service is working on: `--today`, or the system's local date.
fn today(cli_today: Option<jiff::civil::Date>) -> jiff::civil::Date {
    cli_today.unwrap_or_else(|| jiff::ZonedDateTime::now().date())
}

/// `sendtrack ... | head`: when the reader goes away, the command ends quietly, as other
/// command-line tools do, instead of panicking on the next line it prints. (Not for the web
/// app, whose sockets must see a closed connection as an error, not end the process.)
fn quiet_on_a_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: called before any thread is started; SIG_DFL is a valid action for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// mimalloc rather than the system's malloc: under a web server's load, glibc's malloc and
/// free were about a fifth of the process's CPU time (`perf record` of `scripts/bench-web`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SENDTRACK_LOG").unwrap_or_else(|_| "warn,sqlx=error".into()),
        )
        .init();
    let cli = Cli::parse();
    if !matches!(cli.command, Command::Serve { .. } | Command::Demo { .. }) {
        quiet_on_a_closed_pipe();
    }
    let today = today(cli.today);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            return ExitCode::from(2);
        }
    };
    let result =
        runtime.block_on(async {
            match cli.command {
                Command::Import { db, dir } => commands::import::run(&db, &dir, today).await,
                Command::Export { db, dir } => commands::export::run(&db, &dir).await,
                Command::Check { dir } => commands::check::run(&dir, today),
                Command::DemoData { out, children, seed, establishments } => {
                    commands::demo::write_data(&out, children, seed, establishments.as_deref(), today)
                }
                Command::Scorecard { source, from, to, measures, by, periods, format, out, save } => {
                    let options =
                        commands::measures::ScorecardOptions { from, to, measures, by, periods, format, out, save };
                    commands::measures::scorecard_command(&source, &options, today).await
                }
                Command::Drill { source, measure, month, by, key, format } => {
                    commands::measures::drill_command(&source, &measure, month, &by, &key, format, today).await
                }
                Command::Report { source, format, month, out, authority } => {
                    let month = month.unwrap_or_else(|| sendtrack_domain::dates::last_complete_month(today));
                    let options = commands::report::ReportOptions { format, month, out: &out, authority: &authority };
                    commands::report::run(&source, &options, today).await
                }
                Command::Forecast { source, as_of, months, scenarios, settings, backtest, format, out } => {
                    let options = commands::forecast::ForecastOptions {
                        as_of,
                        months,
                        scenarios,
                        settings,
                        backtest,
                        format,
                        out,
                    };
                    commands::forecast::run(&source, &options, today).await
                }
                Command::Measures => commands::measures::list_command(),
                Command::Benchmarks { dfe, la, destination } => {
                    commands::benchmarks::run(&dfe, &la, &destination).await
                }
                Command::Serve {
                    db,
                    addr,
                    authority,
                    session_minutes,
                    tls_cert,
                    tls_key,
                    behind_tls_proxy,
                    trusted_proxies,
                    documents,
                    mail,
                } => {
                    let options = commands::web::ServeOptions {
                        addr: &addr,
                        authority: &authority,
                        session_minutes,
                        tls: tls_cert.zip(tls_key),
                        behind_tls_proxy,
                        trusted_proxies,
                        documents,
                        mail,
                    };
                    commands::web::run_server(&db, &options, cli.today).await
                }
                Command::Sen2 { command: Sen2Command::Reconcile { db, year, dfe, la, previous } } => {
                    commands::sen2::reconcile(&db, year, &dfe, &la, previous.as_deref(), today).await
                }
                Command::Sen2 { command: Sen2Command::Check { dir, year } } => {
                    commands::sen2::check_return(&dir, year, today)
                }
                Command::Sen2 { command: Sen2Command::Rules } => commands::sen2::rules(),
                Command::Letter { db, request, kind, advice, review, out, file, by } => {
                    let asked = commands::casefile::LetterAsked { request, kind, advice, review, file };
                    commands::casefile::letter(&db, &asked, &out, by.as_deref(), today).await
                }
                Command::Family { command: FamilyCommand::Invite { db, contact, parents_keep_access, mail, by } } => {
                    let keep = parents_keep_access.map(|k| k == "yes");
                    commands::mail::invite(&db, &contact, keep, &mail, by.as_deref(), today).await
                }
                Command::Notify { db, mail, by } => commands::mail::notify(&db, &mail, by.as_deref(), today).await,
                Command::Org {
                    command: OrgCommand::Member { command: MemberCommand::Add { db, org, email, admin, by } },
                } => commands::mail::member(&db, &org, &email, admin, false, by.as_deref()).await,
                Command::Org {
                    command: OrgCommand::Member { command: MemberCommand::Remove { db, org, email, by } },
                } => commands::mail::member(&db, &org, &email, false, true, by.as_deref()).await,
                Command::Org { command: OrgCommand::Add { db, id, name, kind, email, urn, by } } => {
                    let cells =
                        [Some(id.as_str()), Some(name.as_str()), Some(kind.as_str()), email.as_deref(), urn.as_deref()];
                    commands::casefile::add_organisation(&db, &cells, by.as_deref(), today).await
                }
                Command::Cohort { command: CohortCommand::Import { db, file, source, by } } => {
                    commands::board::import_cohort(&db, &file, source.as_deref(), by.as_deref(), today).await
                }
                Command::Establishments { command: EstablishmentsCommand::Import { db, file } } => {
                    commands::casefile::import_establishments(&db, &file).await
                }
                Command::Sen2 {
                    command:
                        Sen2Command::Import {
                            db,
                            dir,
                            establishments,
                            request_sources,
                            review_outcomes,
                            establishment_types,
                        },
                } => {
                    let given =
                        (request_sources.as_deref(), review_outcomes.as_deref(), establishment_types.as_deref());
                    commands::sen2::import(&db, &dir, establishments.as_deref(), given, today).await
                }
                Command::Sen2 {
                    command: Sen2Command::Return { db, year, la, out, request_sources, review_outcomes },
                } => {
                    let (sources, outcomes) = (request_sources.as_deref(), review_outcomes.as_deref());
                    commands::sen2::write(&db, year, la.as_deref(), &out, sources, outcomes).await
                }
                Command::Backup { db, out, by } => commands::protection::backup(&db, &out, by.as_deref()).await,
                Command::Audit { command: AuditCommand::Archive { db, before, out, by } } => {
                    commands::protection::audit_archive(&db, before, &out, by.as_deref(), today).await
                }
                Command::Audit { command: AuditCommand::Retention { db, years, by } } => {
                    commands::protection::audit_retention(&db, years, by.as_deref()).await
                }
                Command::Erase { db, child, by } => commands::protection::erase(&db, &child, by.as_deref()).await,
                Command::SubjectAccess { db, child, out, by } => {
                    commands::protection::subject_access(&db, &child, &out, by.as_deref()).await
                }
                Command::User { command: UserCommand::Add { db, email, role, staff_id } } => {
                    commands::web::add_user(&db, &email, &role, staff_id.as_deref(), today).await
                }
                Command::Migrate { db } => commands::database::migrate(&db).await,
                Command::Copy { from, to } => commands::database::copy(&from, &to).await,
                Command::Demo { db, children, seed, addr, no_serve, mail } => {
                    let serve = (!no_serve).then_some(addr.as_str());
                    commands::demo::run(db.as_deref(), children, seed, today, serve, cli.today, &mail).await
                }
            }
        });
    // Every database the command opened is checkpointed and closed before the process exits,
    // so that its file alone holds every write.
    runtime.block_on(sendtrack_store::close_all());
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
