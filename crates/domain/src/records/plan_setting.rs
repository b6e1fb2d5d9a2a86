//! plan_settings.csv (issue 24): the settings named in a plan (section I) over time, which a
//! child may attend, or be waiting to start at, or not attend at all.

use super::{Casework, Form, Placement, Record, RecordFile, RecordType};
use crate::codes::*;
use crate::dates::parse_date;
use crate::identifiers::{PlanId, PlanSettingId};
use crate::rows::{Column, Row, code, date, text};
use jiff::civil::Date;

/// A setting named in a plan, from the day the plan (or its amendment) named it until the day
/// another replaced it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanSetting {
    pub plan_setting_id: PlanSettingId,
    pub plan_id: PlanId,
    /// The school's or setting's URN...
    pub urn: Option<String>,
    /// ...or, with neither a URN nor a UKPRN, the kind of setting named (SEN2's `sensetting`).
    pub setting: Option<Setting>,
    pub named_on: Date,
    pub ended_on: Option<Date>,
    /// A college's or training provider's UKPRN.
    pub ukprn: Option<String>,
    pub rank: Option<PlacementRank>,
}

impl PlanSetting {
    /// Named on `date`: named on or before it, and not replaced before it.
    pub fn is_named_at(&self, date: Date) -> bool {
        self.named_on <= date && self.ended_on.is_none_or(|e| e >= date)
    }

    /// Whether the plan names something a placement can be compared with: an establishment, or
    /// a type of setting other than `none` (SEN2's `OTH`, a type named but not which: it says
    /// nothing sendtrack can check).
    pub fn is_comparable(&self) -> bool {
        self.urn.is_some() || self.ukprn.is_some() || self.setting.is_some_and(|s| s != Setting::None)
    }

    /// The main setting named (rank 1, or rank left empty) rather than a dual one.
    pub fn is_main(&self) -> bool {
        self.rank != Some(PlacementRank::Dual)
    }

    /// Whether `placement` is at this setting: the same URN or UKPRN where the plan names one,
    /// else the same kind of setting.
    pub fn is_at(&self, placement: &Placement) -> bool {
        match (&self.urn, &self.ukprn) {
            (Some(urn), _) => placement.urn.as_deref() == Some(urn.as_str()),
            (None, Some(ukprn)) => placement.ukprn.as_deref() == Some(ukprn.as_str()),
            (None, None) => self.setting == Some(placement.setting),
        }
    }

    /// How the named setting reads to a person: its URN, UKPRN or kind of setting.
    pub fn describe(&self) -> String {
        match (&self.urn, &self.ukprn, self.setting) {
            (Some(urn), _, _) => format!("URN {urn}"),
            (None, Some(ukprn), _) => format!("UKPRN {ukprn}"),
            (None, None, Some(s)) => s.label().to_string(),
            (None, None, None) => String::new(),
        }
    }
}

impl Record for PlanSetting {
    type Key = PlanSettingId;

    const TYPE: RecordType = RecordType {
        file: RecordFile::PlanSettings,
        name: "named setting",
        file_name: "plan_settings.csv",
        table: "plan_settings",
        key: &["plan_setting_id"],
        versioned: true,
        form: Some(Form { slug: "plan-settings", noun: "setting named in a plan", id_prefix: "N" }),
        columns: &[
            Column::required("plan_setting_id"),
            Column::required("plan_id").refers_to(RecordFile::Plans).label("Plan naming the setting"),
            Column::optional("urn").label("School URN").hint("Leave empty when the plan names a kind of setting"),
            Column::optional("setting")
                .code::<Setting>()
                .label("Type of setting")
                .hint("Needed when there is no URN or UKPRN"),
            Column::required("named_on").date().label("Date the plan named it"),
            Column::optional("ended_on")
                .date()
                .label("Date it stopped being named")
                .hint("Leave empty while the plan names it"),
            Column::optional("ukprn").label("UKPRN").hint("8 digits, for colleges and training providers"),
            Column::optional("rank")
                .code::<PlacementRank>()
                .label("Rank")
                .hint("1 for the main setting, 2 for a dual placement"),
        ],
    };

    fn key(&self) -> PlanSettingId {
        self.plan_setting_id.clone()
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.plan_setting_id.to_string(),
            self.plan_id.to_string(),
            text(&self.urn).into(),
            code(self.setting),
            self.named_on.to_string(),
            date(self.ended_on),
            text(&self.ukprn).into(),
            code(self.rank),
        ]
    }

    fn child_id(&self, held: &Casework) -> Option<String> {
        held.plans.iter().find(|p| p.plan_id == self.plan_id).map(|p| p.child_id.to_string())
    }

    fn read(row: &mut Row) -> Option<PlanSetting> {
        let plan_setting_id = row.required("plan_setting_id").map(PlanSettingId::from);
        let plan_id = row.required("plan_id").map(PlanId::from);
        let urn = row.opt_string("urn");
        let setting = row.opt("setting", Setting::parse);
        let named_on = row.req("named_on", parse_date);
        let ended_on = row.opt("ended_on", parse_date);
        let ukprn = row.opt_string("ukprn");
        let rank = row.opt("rank", PlacementRank::parse);
        Some(PlanSetting {
            plan_setting_id: plan_setting_id?,
            plan_id: plan_id?,
            urn,
            setting,
            named_on: named_on?,
            ended_on,
            ukprn,
            rank,
        })
    }
}
