//! The improvement plan (issue 22): strands.csv, each with an owner; strand_ratings.csv, its
//! RAG rating over time with the reason; milestones.csv, due, slipped (with the new date and
//! why) or done; board_actions.csv, actions from board meetings; strand_kpis.csv, the measures
//! or supplied indicators that evidence it, with baseline and target.

use super::{Form, Record, RecordFile, RecordType};
use crate::codes::*;
use crate::dates::{Month, parse_date};
use crate::rows::{Column, Row, date, parse_text_number, text};
use jiff::civil::Date;

/// A strand of the improvement plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Strand {
    pub strand_id: String,
    pub title: String,
    /// Who answers for it (a role or a name; not a child's data).
    pub owner: String,
}

impl Record for Strand {
    type Key = String;

    const TYPE: RecordType = RecordType {
        file: RecordFile::Strands,
        name: "strand",
        file_name: "strands.csv",
        table: "strands",
        key: &["strand_id"],
        versioned: true,
        form: Some(Form { slug: "strands", noun: "strand", id_prefix: "S" }),
        columns: &[
            Column::required("strand_id").label("Strand id").hint("Short, without spaces: timeliness"),
            Column::required("title").label("Title"),
            Column::required("owner").label("Owner"),
        ],
    };

    fn key(&self) -> String {
        self.strand_id.clone()
    }

    fn cells(&self) -> Vec<String> {
        vec![self.strand_id.clone(), self.title.clone(), self.owner.clone()]
    }

    fn read(row: &mut Row) -> Option<Strand> {
        let strand_id = row.req_string("strand_id");
        let title = row.req_string("title");
        let owner = row.req_string("owner");
        Some(Strand { strand_id: strand_id?, title: title?, owner: owner? })
    }
}

/// A strand's RAG rating from a day, with its reason: the latest is the strand's rating, the
/// rest its history.
#[derive(Debug, Clone, PartialEq)]
pub struct StrandRating {
    pub strand_id: String,
    pub rated_on: Date,
    pub rag: Rag,
    pub reason: String,
    /// The signed-in user who rated it (their e-mail address), or who the file says.
    pub rated_by: Option<String>,
}

impl Record for StrandRating {
    type Key = (String, Date);

    const TYPE: RecordType = RecordType {
        file: RecordFile::StrandRatings,
        name: "strand rating",
        file_name: "strand_ratings.csv",
        table: "strand_ratings",
        key: &["strand_id", "rated_on"],
        versioned: false,
        form: None,
        columns: &[
            Column::required("strand_id").refers_to(RecordFile::Strands),
            Column::required("rated_on").date(),
            Column::required("rag").code::<Rag>(),
            Column::required("reason"),
            Column::optional("rated_by"),
        ],
    };

    fn key(&self) -> (String, Date) {
        (self.strand_id.clone(), self.rated_on)
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.strand_id.clone(),
            self.rated_on.to_string(),
            self.rag.to_string(),
            self.reason.clone(),
            text(&self.rated_by).to_string(),
        ]
    }

    fn read(row: &mut Row) -> Option<StrandRating> {
        let strand_id = row.req_string("strand_id");
        let rated_on = row.req("rated_on", parse_date);
        let rag = row.req("rag", Rag::parse);
        let reason = row.req_string("reason");
        let rated_by = row.opt_string("rated_by");
        Some(StrandRating { strand_id: strand_id?, rated_on: rated_on?, rag: rag?, reason: reason?, rated_by })
    }
}

/// A milestone of a strand.
#[derive(Debug, Clone, PartialEq)]
pub struct Milestone {
    pub milestone_id: String,
    pub strand_id: String,
    pub title: String,
    /// The date first agreed.
    pub due_on: Date,
    /// The date it slipped to, if it slipped.
    pub revised_due_on: Option<Date>,
    /// Why it slipped.
    pub slip_reason: Option<String>,
    pub done_on: Option<Date>,
}

/// Where a milestone stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MilestoneState {
    Done {
        late: bool,
    },
    /// Not done, not yet due (by its revised date if it slipped).
    OnTrack,
    /// Moved to a later date, not yet due by it.
    Slipped,
    /// Past its (revised) date and not done.
    Overdue,
}

impl MilestoneState {
    pub fn label(self) -> &'static str {
        match self {
            MilestoneState::Done { late: false } => "Done",
            MilestoneState::Done { late: true } => "Done late",
            MilestoneState::OnTrack => "On track",
            MilestoneState::Slipped => "Slipped",
            MilestoneState::Overdue => "Overdue",
        }
    }
}

impl Milestone {
    /// The date it is now due: the revised date if it slipped.
    pub fn due(&self) -> Date {
        self.revised_due_on.unwrap_or(self.due_on)
    }

    /// Where it stands at the end of `day`.
    pub fn state(&self, day: Date) -> MilestoneState {
        match self.done_on {
            Some(done) if done <= day => MilestoneState::Done { late: done > self.due_on },
            _ if self.due() < day => MilestoneState::Overdue,
            _ if self.revised_due_on.is_some_and(|r| r > self.due_on) => MilestoneState::Slipped,
            _ => MilestoneState::OnTrack,
        }
    }
}

impl Record for Milestone {
    type Key = String;

    const TYPE: RecordType = RecordType {
        file: RecordFile::Milestones,
        name: "milestone",
        file_name: "milestones.csv",
        table: "milestones",
        key: &["milestone_id"],
        versioned: true,
        form: Some(Form { slug: "milestones", noun: "milestone", id_prefix: "M" }),
        columns: &[
            Column::required("milestone_id").label("Milestone id"),
            Column::required("strand_id").refers_to(RecordFile::Strands).label("Strand"),
            Column::required("title").label("Milestone"),
            Column::required("due_on").date().label("Due (as first agreed)"),
            Column::optional("revised_due_on")
                .date()
                .label("New date, if it has slipped")
                .hint("Leave the first date as it was: the board sees both"),
            Column::optional("slip_reason").label("Why it slipped"),
            Column::optional("done_on").date().label("Date done"),
        ],
    };

    fn key(&self) -> String {
        self.milestone_id.clone()
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.milestone_id.clone(),
            self.strand_id.clone(),
            self.title.clone(),
            self.due_on.to_string(),
            date(self.revised_due_on),
            text(&self.slip_reason).to_string(),
            date(self.done_on),
        ]
    }

    fn read(row: &mut Row) -> Option<Milestone> {
        let milestone_id = row.req_string("milestone_id");
        let strand_id = row.req_string("strand_id");
        let title = row.req_string("title");
        let due_on = row.req("due_on", parse_date);
        let revised_due_on = row.opt("revised_due_on", parse_date);
        let slip_reason = row.opt_string("slip_reason");
        let done_on = row.opt("done_on", parse_date);
        Some(Milestone {
            milestone_id: milestone_id?,
            strand_id: strand_id?,
            title: title?,
            due_on: due_on?,
            revised_due_on,
            slip_reason,
            done_on,
        })
    }
}

/// An action agreed at a board meeting.
#[derive(Debug, Clone, PartialEq)]
pub struct BoardAction {
    pub action_id: String,
    pub strand_id: String,
    /// The meeting's date.
    pub raised_on: Date,
    pub action: String,
    pub owner: String,
    pub due_on: Date,
    pub status: ActionStatus,
}

impl Record for BoardAction {
    type Key = String;

    const TYPE: RecordType = RecordType {
        file: RecordFile::BoardActions,
        name: "board action",
        file_name: "board_actions.csv",
        table: "board_actions",
        key: &["action_id"],
        versioned: true,
        form: Some(Form { slug: "actions", noun: "board action", id_prefix: "A" }),
        columns: &[
            Column::required("action_id").label("Action id"),
            Column::required("strand_id").refers_to(RecordFile::Strands).label("Strand"),
            Column::required("raised_on").date().label("Board meeting it was agreed at"),
            Column::required("action").label("Action"),
            Column::required("owner").label("Owner"),
            Column::required("due_on").date().label("Due"),
            Column::required("status").code::<ActionStatus>().label("Status"),
        ],
    };

    fn key(&self) -> String {
        self.action_id.clone()
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.action_id.clone(),
            self.strand_id.clone(),
            self.raised_on.to_string(),
            self.action.clone(),
            self.owner.clone(),
            self.due_on.to_string(),
            self.status.to_string(),
        ]
    }

    fn read(row: &mut Row) -> Option<BoardAction> {
        let action_id = row.req_string("action_id");
        let strand_id = row.req_string("strand_id");
        let raised_on = row.req("raised_on", parse_date);
        let action = row.req_string("action");
        let owner = row.req_string("owner");
        let due_on = row.req("due_on", parse_date);
        let status = row.req("status", ActionStatus::parse);
        Some(BoardAction {
            action_id: action_id?,
            strand_id: strand_id?,
            raised_on: raised_on?,
            action: action?,
            owner: owner?,
            due_on: due_on?,
            status: status?,
        })
    }
}

/// A KPI that evidences a strand: a measure of the catalogue or a supplied indicator, with
/// its baseline and the target it should reach by a date.
#[derive(Debug, Clone, PartialEq)]
pub struct StrandKpi {
    pub strand_id: String,
    /// A measure id or an indicator id.
    pub measure: String,
    pub baseline: f64,
    pub baseline_period: Month,
    pub target: f64,
    pub due_on: Date,
}

impl Record for StrandKpi {
    type Key = (String, String);

    const TYPE: RecordType = RecordType {
        file: RecordFile::StrandKpis,
        name: "strand KPI",
        file_name: "strand_kpis.csv",
        table: "strand_kpis",
        key: &["strand_id", "measure"],
        versioned: false,
        form: None,
        columns: &[
            Column::required("strand_id").refers_to(RecordFile::Strands),
            Column::required("measure"),
            Column::decimal("baseline"),
            Column::required("baseline_period"),
            Column::decimal("target"),
            Column::required("due_on").date(),
        ],
    };

    fn key(&self) -> (String, String) {
        (self.strand_id.clone(), self.measure.clone())
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.strand_id.clone(),
            self.measure.clone(),
            self.baseline.to_string(),
            self.baseline_period.to_string(),
            self.target.to_string(),
            self.due_on.to_string(),
        ]
    }

    fn read(row: &mut Row) -> Option<StrandKpi> {
        let strand_id = row.req_string("strand_id");
        let measure = row.req_string("measure");
        let baseline = row.req("baseline", parse_text_number);
        let baseline_period = row.req("baseline_period", |t| t.parse::<Month>());
        let target = row.req("target", parse_text_number);
        let due_on = row.req("due_on", parse_date);
        Some(StrandKpi {
            strand_id: strand_id?,
            measure: measure?,
            baseline: baseline?,
            baseline_period: baseline_period?,
            target: target?,
            due_on: due_on?,
        })
    }
}
