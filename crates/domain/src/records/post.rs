//! posts.csv: the funded establishment, one row per post.

use super::{Record, RecordFile, RecordType};
use crate::codes::*;
use crate::dates::parse_date;
use crate::identifiers::{Fte, PostId};
use crate::rows::{Column, Row, code, date, text};
use jiff::civil::Date;

/// A funded post.
#[derive(Debug, Clone, PartialEq)]
pub struct Post {
    pub post_id: PostId,
    pub role: StaffRole,
    pub team: Option<String>,
    pub fte: Fte,
    pub funded_from: Date,
    pub funded_to: Option<Date>,
}

impl Post {
    /// Funded at `date`: from `funded_from`, to `funded_to` if any (inclusive).
    pub fn is_funded_at(&self, date: Date) -> bool {
        self.funded_from <= date && self.funded_to.is_none_or(|to| to >= date)
    }
}

impl Record for Post {
    type Key = PostId;

    const TYPE: RecordType = RecordType {
        file: RecordFile::Posts,
        name: "post",
        file_name: "posts.csv",
        table: "posts",
        key: &["post_id"],
        versioned: true,
        form: None,
        columns: &[
            Column::required("post_id"),
            Column::required("role").code::<StaffRole>().label("Role"),
            Column::optional("team").label("Team"),
            Column::required("fte").label("Full-time equivalent").hint("From 0.01 to 1.00, for example 0.6"),
            Column::required("funded_from").date().label("Funded from"),
            Column::optional("funded_to").date().label("Funded to").hint("Leave empty while the post is funded"),
        ],
    };

    fn key(&self) -> PostId {
        self.post_id.clone()
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.post_id.to_string(),
            code(Some(self.role)),
            text(&self.team).into(),
            self.fte.as_str().to_string(),
            self.funded_from.to_string(),
            date(self.funded_to),
        ]
    }

    fn read(row: &mut Row) -> Option<Post> {
        let post_id = row.required("post_id").map(PostId::from);
        let role = row.req("role", StaffRole::parse);
        let team = row.opt_string("team");
        let fte = row.req("fte", Fte::parse);
        let funded_from = row.req("funded_from", parse_date);
        let funded_to = row.opt("funded_to", parse_date);
        Some(Post { post_id: post_id?, role: role?, team, fte: fte?, funded_from: funded_from?, funded_to })
    }
}
