//! Writes casework as an interchange folder: every file, every column, header first, so the
//! folder reads back as the same records.

use crate::columns::columns;
use sendtrack_domain::records::*;
use sendtrack_domain::validation::RecordFile;
use std::path::Path;

fn date(d: Option<sendtrack_domain::Date>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

fn text(t: &Option<String>) -> &str {
    t.as_deref().unwrap_or("")
}

fn code<T: std::fmt::Display>(c: Option<T>) -> String {
    c.map(|c| c.to_string()).unwrap_or_default()
}

/// Writes the cells of one record in the order of [`columns`].
fn cells(file: RecordFile, cw: &Casework, i: usize) -> Vec<String> {
    match file {
        RecordFile::Children => {
            let c = &cw.children[i];
            vec![
                c.child_id.clone(),
                text(&c.upn).into(),
                c.forename.clone(),
                c.surname.clone(),
                c.date_of_birth.to_string(),
                code(c.sex),
                text(&c.postcode).into(),
                code(c.primary_need),
                code(c.secondary_need),
                text(&c.uln).into(),
                code(c.upn_unknown),
                text(&c.ethnicity).into(),
            ]
        }
        RecordFile::Requests => {
            let r = &cw.requests[i];
            vec![
                r.request_id.clone(),
                r.child_id.clone(),
                r.received_on.to_string(),
                r.source.to_string(),
                text(&r.caseworker).into(),
                code(r.decision.map(|d| d.value)),
                date(r.decision.map(|d| d.on)),
                date(r.draft_issued_on),
                code(r.outcome.map(|o| o.value)),
                date(r.outcome.map(|o| o.on)),
                code(r.exception),
                code(r.in_youth_accommodation),
            ]
        }
        RecordFile::Advice => {
            let a = &cw.advice[i];
            vec![
                a.advice_id.clone(),
                a.request_id.clone(),
                a.kind.to_string(),
                text(&a.provider).into(),
                a.requested_on.to_string(),
                date(a.received_on),
            ]
        }
        RecordFile::Plans => {
            let p = &cw.plans[i];
            vec![
                p.plan_id.clone(),
                p.child_id.clone(),
                text(&p.request_id).into(),
                p.issued_on.to_string(),
                date(p.ceased.map(|c| c.on)),
                code(p.ceased.map(|c| c.value)),
                text(&p.transferred_from).into(),
                code(p.personal_budget),
            ]
        }
        RecordFile::Placements => {
            let p = &cw.placements[i];
            vec![
                p.placement_id.clone(),
                p.child_id.clone(),
                p.setting.to_string(),
                text(&p.urn).into(),
                text(&p.establishment).into(),
                p.started_on.to_string(),
                date(p.ended_on),
                p.annual_cost
                    .as_ref()
                    .map(|c| c.as_str().to_string())
                    .unwrap_or_default(),
                text(&p.ukprn).into(),
                code(p.rank),
                code(p.sen_unit),
                code(p.resourced_provision),
            ]
        }
        RecordFile::Reviews => {
            let r = &cw.reviews[i];
            vec![
                r.review_id.clone(),
                r.plan_id.clone(),
                date(r.meeting_on),
                code(r.decision.map(|d| d.value)),
                date(r.decision.map(|d| d.on)),
                date(r.amended_on),
                code(r.phase_transfer),
            ]
        }
        RecordFile::Disputes => {
            let d = &cw.disputes[i];
            vec![
                d.dispute_id.clone(),
                d.child_id.clone(),
                d.kind.to_string(),
                text(&d.request_id).into(),
                d.opened_on.to_string(),
                code(d.outcome.map(|o| o.value)),
                date(d.outcome.map(|o| o.on)),
            ]
        }
        RecordFile::Feedback => {
            let f = &cw.feedback[i];
            vec![
                f.feedback_id.clone(),
                f.kind.to_string(),
                f.received_on.to_string(),
                text(&f.child_id).into(),
            ]
        }
        RecordFile::Population => {
            let p = &cw.population[i];
            vec![p.year.to_string(), p.age.to_string(), p.count.to_string()]
        }
        RecordFile::Benchmarks => {
            let b = &cw.benchmarks[i];
            vec![
                b.measure.clone(),
                b.period.to_string(),
                b.comparator.to_string(),
                b.value.to_string(),
            ]
        }
        RecordFile::Targets => {
            let t = &cw.targets[i];
            vec![t.measure.clone(), t.target.to_string(), date(t.due_on)]
        }
    }
}

/// Writes `casework` into `dir` (created when missing), one file per record type, replacing
/// files of the same names.
pub fn write_folder(dir: &Path, casework: &Casework) -> Result<(), csv::Error> {
    std::fs::create_dir_all(dir)?;
    let counts = casework.counts().rows();
    for (k, file) in RecordFile::ALL.into_iter().enumerate() {
        let mut writer = csv::Writer::from_path(dir.join(file.file_name()))?;
        writer.write_record(columns(file).iter().map(|c| c.name))?;
        for i in 0..counts[k].1 {
            writer.write_record(cells(file, casework, i))?;
        }
        writer.flush()?;
    }
    Ok(())
}
