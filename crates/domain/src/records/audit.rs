//! Quality audits of plans and advice (issue 22): audit_questions.csv, the authority's
//! framework (sections and questions); quality_audits.csv, each audit by a named auditor with
//! its overall grade and, when moderated, the moderator's grade; audit_answers.csv, the grade
//! of each question.

use super::{Casework, Form, Record, RecordFile, RecordType};
use crate::codes::*;
use crate::dates::parse_date;
use crate::rows::{Column, Row, code, date, text};
use jiff::civil::Date;

/// A question of the audit framework, in a section.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditQuestion {
    pub question_id: String,
    pub section: String,
    pub question: String,
}

impl Record for AuditQuestion {
    type Key = String;

    const TYPE: RecordType = RecordType {
        file: RecordFile::AuditQuestions,
        name: "audit question",
        file_name: "audit_questions.csv",
        table: "audit_questions",
        key: &["question_id"],
        versioned: false,
        form: None,
        columns: &[Column::required("question_id"), Column::required("section"), Column::required("question")],
    };

    fn key(&self) -> String {
        self.question_id.clone()
    }

    fn cells(&self) -> Vec<String> {
        vec![self.question_id.clone(), self.section.clone(), self.question.clone()]
    }

    fn read(row: &mut Row) -> Option<AuditQuestion> {
        let question_id = row.req_string("question_id");
        let section = row.req_string("section");
        let question = row.req_string("question");
        Some(AuditQuestion { question_id: question_id?, section: section?, question: question? })
    }
}

/// A quality audit of one plan or one piece of advice.
#[derive(Debug, Clone, PartialEq)]
pub struct QualityAudit {
    pub audit_id: String,
    pub child_id: String,
    pub subject: AuditSubject,
    /// The plan's or the advice's id.
    pub subject_id: String,
    /// The auditor's staff id.
    pub auditor: String,
    pub audited_on: Date,
    pub grade: AuditGrade,
    /// The moderator's staff id, once moderated.
    pub moderator: Option<String>,
    pub moderated_on: Option<Date>,
    pub moderated_grade: Option<AuditGrade>,
}

impl QualityAudit {
    /// The grade that stands: the moderator's, once moderated.
    pub fn final_grade(&self) -> AuditGrade {
        self.moderated_grade.unwrap_or(self.grade)
    }
}

impl Record for QualityAudit {
    type Key = String;

    const TYPE: RecordType = RecordType {
        file: RecordFile::QualityAudits,
        name: "quality audit",
        file_name: "quality_audits.csv",
        table: "quality_audits",
        key: &["audit_id"],
        versioned: true,
        form: Some(Form { slug: "audits", noun: "quality audit", id_prefix: "Q" }),
        columns: &[
            Column::required("audit_id").label("Audit id"),
            Column::required("child_id").label("The child's id").hint("As on the child's record, for example C-00012"),
            Column::required("subject").code::<AuditSubject>().label("What was audited"),
            Column::required("subject_id")
                .label("The plan's or advice's id")
                .hint("P-... for a plan, A-... for advice"),
            Column::required("auditor").refers_to(RecordFile::Staff).label("Auditor"),
            Column::required("audited_on").date().label("Date audited"),
            Column::required("grade").code::<AuditGrade>().label("Overall grade"),
            Column::optional("moderator").refers_to(RecordFile::Staff).label("Moderator"),
            Column::optional("moderated_on").date().label("Date moderated"),
            Column::optional("moderated_grade").code::<AuditGrade>().label("Moderator's grade"),
        ],
    };

    fn key(&self) -> String {
        self.audit_id.clone()
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.audit_id.clone(),
            self.child_id.clone(),
            self.subject.to_string(),
            self.subject_id.clone(),
            self.auditor.clone(),
            self.audited_on.to_string(),
            self.grade.to_string(),
            text(&self.moderator).to_string(),
            date(self.moderated_on),
            code(self.moderated_grade),
        ]
    }

    fn child_id(&self, _held: &Casework) -> Option<String> {
        Some(self.child_id.clone())
    }

    fn read(row: &mut Row) -> Option<QualityAudit> {
        let audit_id = row.req_string("audit_id");
        let child_id = row.req_string("child_id");
        let subject = row.req("subject", AuditSubject::parse);
        let subject_id = row.req_string("subject_id");
        let auditor = row.req_string("auditor");
        let audited_on = row.req("audited_on", parse_date);
        let grade = row.req("grade", AuditGrade::parse);
        let moderator = row.opt_string("moderator");
        let moderated_on = row.opt("moderated_on", parse_date);
        let moderated_grade = row.opt("moderated_grade", AuditGrade::parse);
        Some(QualityAudit {
            audit_id: audit_id?,
            child_id: child_id?,
            subject: subject?,
            subject_id: subject_id?,
            auditor: auditor?,
            audited_on: audited_on?,
            grade: grade?,
            moderator,
            moderated_on,
            moderated_grade,
        })
    }
}

/// The grade an audit gave one question of the framework.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditAnswer {
    pub audit_id: String,
    pub question_id: String,
    pub grade: AuditGrade,
}

impl Record for AuditAnswer {
    type Key = (String, String);

    const TYPE: RecordType = RecordType {
        file: RecordFile::AuditAnswers,
        name: "audit answer",
        file_name: "audit_answers.csv",
        table: "audit_answers",
        key: &["audit_id", "question_id"],
        versioned: false,
        form: None,
        columns: &[
            Column::required("audit_id").refers_to(RecordFile::QualityAudits),
            Column::required("question_id").refers_to(RecordFile::AuditQuestions),
            Column::required("grade").code::<AuditGrade>(),
        ],
    };

    fn key(&self) -> (String, String) {
        (self.audit_id.clone(), self.question_id.clone())
    }

    fn cells(&self) -> Vec<String> {
        vec![self.audit_id.clone(), self.question_id.clone(), self.grade.to_string()]
    }

    fn child_id(&self, held: &Casework) -> Option<String> {
        held.quality_audits.iter().find(|a| a.audit_id == self.audit_id).map(|a| a.child_id.clone())
    }

    fn read(row: &mut Row) -> Option<AuditAnswer> {
        let audit_id = row.req_string("audit_id");
        let question_id = row.req_string("question_id");
        let grade = row.req("grade", AuditGrade::parse);
        Some(AuditAnswer { audit_id: audit_id?, question_id: question_id?, grade: grade? })
    }
}
