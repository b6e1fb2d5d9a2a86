//! tasks.csv (sendtrack's addition, issue 17): a dated to-do on a child for a member of staff,
//! made by them or their manager, done or not. It shows in that person's week.

use super::{Casework, Form, Record, RecordFile, RecordType};
use crate::dates::parse_date;
use crate::identifiers::{ChildId, StaffId, TaskId};
use crate::rows::{Column, Personal, Row, date, text};
use jiff::civil::Date;

/// A dated to-do on a child.
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    pub task_id: TaskId,
    pub child_id: ChildId,
    /// Who does it (a staff id).
    pub caseworker: Option<StaffId>,
    pub due_on: Date,
    /// What to do, in the person's words: free text about a child, never logged.
    pub what: String,
    pub done_on: Option<Date>,
}

impl Record for Task {
    type Key = TaskId;

    const TYPE: RecordType = RecordType {
        file: RecordFile::Tasks,
        name: "task",
        file_name: "tasks.csv",
        table: "tasks",
        key: &["task_id"],
        versioned: true,
        form: Some(Form { slug: "tasks", noun: "task", id_prefix: "T" }),
        columns: &[
            Column::required("task_id"),
            Column::required("child_id").refers_to(RecordFile::Children),
            Column::optional("caseworker").label("Who does it"),
            Column::required("due_on").date().label("Due on").hint("It may be a day to come"),
            Column::required("what")
                .label("What to do")
                .hint("For example, phone the school about the draft plan")
                .personal(Personal::Name),
            Column::optional("done_on").date().label("Done on").hint("Leave empty until it is done"),
        ],
    };

    fn key(&self) -> TaskId {
        self.task_id.clone()
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.task_id.to_string(),
            self.child_id.to_string(),
            text(&self.caseworker).into(),
            self.due_on.to_string(),
            self.what.clone(),
            date(self.done_on),
        ]
    }

    fn child_id(&self, _held: &Casework) -> Option<String> {
        Some(self.child_id.to_string())
    }

    fn read(row: &mut Row) -> Option<Task> {
        let task_id = row.required("task_id").map(TaskId::from);
        let child_id = row.required("child_id").map(ChildId::from);
        let caseworker = row.text("caseworker").map(StaffId::from);
        let due_on = row.req("due_on", parse_date);
        let what = row.req_string("what");
        let done_on = row.opt("done_on", parse_date);
        Some(Task { task_id: task_id?, child_id: child_id?, caseworker, due_on: due_on?, what: what?, done_on })
    }
}
