//! indicators.csv and indicator_values.csv (issue 22): figures that partners supply rather than
//! records sendtrack holds (health pathways, CAMHS, the school census, surveys), defined by the
//! authority and loaded as they arrive.

use super::{Form, Record, RecordFile, RecordType};
use crate::codes::*;
use crate::dates::{Month, parse_date};
use crate::rows::{Column, Row, code, parse_text_number, parse_whole, text};
use jiff::civil::Date;

/// An indicator another service supplies.
#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    pub indicator_id: String,
    pub title: String,
    pub unit: IndicatorUnit,
    /// `None`: neither direction is better.
    pub better: Option<BetterWay>,
    /// Who sends it ("CAMHS", "Parent carer survey").
    pub supplier: String,
    pub frequency: Frequency,
    /// For a survey: the fewest responses a value is reported on (sendtrack's addition).
    pub minimum_responses: Option<u32>,
}

impl Record for Indicator {
    type Key = String;

    const TYPE: RecordType = RecordType {
        file: RecordFile::Indicators,
        name: "indicator",
        file_name: "indicators.csv",
        table: "indicators",
        key: &["indicator_id"],
        versioned: true,
        form: Some(Form { slug: "indicators", noun: "supplied indicator", id_prefix: "I" }),
        columns: &[
            Column::required("indicator_id").label("Indicator id").hint("Short, without spaces: camhs_wait_18wk_pct"),
            Column::required("title").label("Title"),
            Column::required("unit").code::<IndicatorUnit>().label("Unit"),
            Column::optional("better").code::<BetterWay>().label("Which way is better"),
            Column::required("supplier").label("Supplied by"),
            Column::required("frequency").code::<Frequency>().label("How often it is supplied"),
            Column::optional("minimum_responses")
                .label("Fewest responses to report (surveys)")
                .hint("Leave empty unless the indicator is a survey result"),
        ],
    };

    fn key(&self) -> String {
        self.indicator_id.clone()
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.indicator_id.clone(),
            self.title.clone(),
            self.unit.to_string(),
            code(self.better),
            self.supplier.clone(),
            self.frequency.to_string(),
            self.minimum_responses.map(|n| n.to_string()).unwrap_or_default(),
        ]
    }

    fn read(row: &mut Row) -> Option<Indicator> {
        let indicator_id = row.req_string("indicator_id");
        let title = row.req_string("title");
        let unit = row.req("unit", IndicatorUnit::parse);
        let better = row.opt("better", BetterWay::parse);
        let supplier = row.req_string("supplier");
        let frequency = row.req("frequency", Frequency::parse);
        let minimum_responses = row.opt("minimum_responses", parse_whole("a whole number of responses"));
        Some(Indicator {
            indicator_id: indicator_id?,
            title: title?,
            unit: unit?,
            better,
            supplier: supplier?,
            frequency: frequency?,
            minimum_responses,
        })
    }
}

/// One period's value of a supplied indicator, as received.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorValue {
    pub indicator_id: String,
    /// The period's last month.
    pub period: Month,
    pub value: f64,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    pub received_on: Date,
    pub note: Option<String>,
    /// For a survey: how many answered (sendtrack's addition).
    pub responses: Option<u32>,
}

impl Record for IndicatorValue {
    type Key = (String, Month);

    const TYPE: RecordType = RecordType {
        file: RecordFile::IndicatorValues,
        name: "indicator value",
        file_name: "indicator_values.csv",
        table: "indicator_values",
        key: &["indicator_id", "period"],
        versioned: false,
        form: None,
        columns: &[
            Column::required("indicator_id").refers_to(RecordFile::Indicators),
            Column::required("period"),
            Column::decimal("value"),
            Column::optional("numerator"),
            Column::optional("denominator"),
            Column::required("received_on").date(),
            Column::optional("note"),
            Column::optional("responses"),
        ],
    };

    fn key(&self) -> (String, Month) {
        (self.indicator_id.clone(), self.period)
    }

    fn cells(&self) -> Vec<String> {
        let number = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
        vec![
            self.indicator_id.clone(),
            self.period.to_string(),
            self.value.to_string(),
            number(self.numerator),
            number(self.denominator),
            self.received_on.to_string(),
            text(&self.note).to_string(),
            self.responses.map(|n| n.to_string()).unwrap_or_default(),
        ]
    }

    fn read(row: &mut Row) -> Option<IndicatorValue> {
        let indicator_id = row.req_string("indicator_id");
        let period = row.req("period", |t| t.parse::<Month>());
        let value = row.req("value", parse_text_number);
        let numerator = row.opt("numerator", parse_text_number);
        let denominator = row.opt("denominator", parse_text_number);
        let received_on = row.req("received_on", parse_date);
        let note = row.opt_string("note");
        let responses = row.opt("responses", parse_whole("a whole number of responses"));
        Some(IndicatorValue {
            indicator_id: indicator_id?,
            period: period?,
            value: value?,
            numerator,
            denominator,
            received_on: received_on?,
            note,
            responses,
        })
    }
}
