//! placements.csv: where a child is educated, over a span of dates.

use super::{Casework, Form, Record, RecordFile, RecordType};
use crate::codes::*;
use crate::dates::parse_date;
use crate::identifiers::Pounds;
use crate::identifiers::{ChildId, PlacementId};
use crate::rows::{Column, Row, code, date, text};
use jiff::civil::Date;

/// Where a child is educated, over a span of dates.
#[derive(Debug, Clone, PartialEq)]
pub struct Placement {
    pub placement_id: PlacementId,
    pub child_id: ChildId,
    pub setting: Setting,
    pub urn: Option<String>,
    pub establishment: Option<String>,
    pub started_on: Date,
    pub ended_on: Option<Date>,
    pub annual_cost: Option<Pounds>,
    pub ukprn: Option<String>,
    pub rank: Option<PlacementRank>,
    pub sen_unit: Option<bool>,
    pub resourced_provision: Option<bool>,
}

impl Placement {
    /// Active on `date`: started on or before it, and not ended before it.
    pub fn is_active_at(&self, date: Date) -> bool {
        self.started_on <= date && self.ended_on.is_none_or(|e| e >= date)
    }

    /// The main placement (rank 1, or rank left empty) rather than a dual one.
    pub fn is_main(&self) -> bool {
        self.rank != Some(PlacementRank::Dual)
    }
}

impl Record for Placement {
    type Key = PlacementId;

    const TYPE: RecordType = RecordType {
        file: RecordFile::Placements,
        name: "placement",
        file_name: "placements.csv",
        table: "placements",
        key: &["placement_id"],
        versioned: true,
        form: Some(Form { slug: "placements", noun: "placement", id_prefix: "L" }),
        columns: &[
            Column::required("placement_id"),
            Column::required("child_id").refers_to(RecordFile::Children),
            Column::required("setting").code::<Setting>().label("Type of setting"),
            Column::optional("urn").label("School URN"),
            Column::optional("establishment").label("Name of the setting"),
            Column::required("started_on").date().label("Date the placement started"),
            Column::optional("ended_on")
                .date()
                .label("Date the placement ended")
                .hint("Leave empty while it continues"),
            Column::optional("annual_cost").label("Annual cost in pounds").hint("For example, 24000.00"),
            Column::optional("ukprn").label("UKPRN").hint("8 digits, for colleges and training providers"),
            Column::optional("rank")
                .code::<PlacementRank>()
                .label("Placement rank")
                .hint("1 for the main placement, 2 for a dual placement"),
            Column::optional("sen_unit").flag().label("In a SEN unit"),
            Column::optional("resourced_provision").flag().label("In resourced provision"),
        ],
    };

    fn key(&self) -> PlacementId {
        self.placement_id.clone()
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.placement_id.to_string(),
            self.child_id.to_string(),
            self.setting.to_string(),
            text(&self.urn).into(),
            text(&self.establishment).into(),
            self.started_on.to_string(),
            date(self.ended_on),
            self.annual_cost.as_ref().map(|c| c.as_str().to_string()).unwrap_or_default(),
            text(&self.ukprn).into(),
            code(self.rank),
            code(self.sen_unit),
            code(self.resourced_provision),
        ]
    }

    fn child_id(&self, _held: &Casework) -> Option<String> {
        Some(self.child_id.to_string())
    }

    fn read(row: &mut Row) -> Option<Placement> {
        let placement_id = row.required("placement_id").map(PlacementId::from);
        let child_id = row.required("child_id").map(ChildId::from);
        let setting = row.req("setting", Setting::parse);
        let urn = row.opt_string("urn");
        let establishment = row.opt_string("establishment");
        let started_on = row.req("started_on", parse_date);
        let ended_on = row.opt("ended_on", parse_date);
        let annual_cost = row.opt("annual_cost", Pounds::parse);
        let ukprn = row.opt_string("ukprn");
        let rank = row.opt("rank", PlacementRank::parse);
        let sen_unit = row.opt("sen_unit", parse_flag);
        let resourced_provision = row.opt("resourced_provision", parse_flag);
        Some(Placement {
            placement_id: placement_id?,
            child_id: child_id?,
            setting: setting?,
            urn,
            establishment,
            started_on: started_on?,
            ended_on,
            annual_cost,
            ukprn,
            rank,
            sen_unit,
            resourced_provision,
        })
    }
}
