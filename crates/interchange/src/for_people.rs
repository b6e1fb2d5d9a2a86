//! CSV meant to be opened by people in a spreadsheet (downloads, the audit trail, subject
//! access, `scorecard --format csv`, `drill`), neutralised against formula injection (OWASP's
//! "CSV injection"): a text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return
//! is written with a leading `'`, so LibreOffice and Excel show it as text instead of running
//! it. Numbers (a negative change, say) are written as they are. The interchange folder that
//! `export` writes is a data format for re-import and stays byte-faithful.

use std::borrow::Cow;

/// `cell` as it is safe to open in a spreadsheet.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && cell.parse::<f64>().is_err() { Cow::Owned(format!("'{cell}")) } else { Cow::Borrowed(cell) }
}

/// Writes one row of a people's CSV, each cell neutralised.
pub fn write_row<W: std::io::Write, I, S>(writer: &mut csv::Writer<W>, row: I) -> csv::Result<()>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    writer.write_record(row.into_iter().map(|c| neutralise(c.as_ref()).into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_text_and_numbers_stay_numbers() {
        for risky in ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=1", "\r=1", "=HYPERLINK(\"http://x\")"] {
            assert_eq!(neutralise(risky), format!("'{risky}"), "{risky:?}");
        }
        for safe in ["-12.5", "+3", "-0.0417", "Ada Lovelace", "", "2026-11-30", "a=b"] {
            assert_eq!(neutralise(safe), safe, "{safe:?}");
        }
    }

    #[test]
    fn a_written_row_is_neutralised() {
        let mut writer = csv::Writer::from_writer(Vec::new());
        write_row(&mut writer, ["=cmd|' /C calc'!A0", "ok", "-1"]).unwrap();
        let text = String::from_utf8(writer.into_inner().unwrap()).unwrap();
        assert_eq!(text, "'=cmd|' /C calc'!A0,ok,-1\n");
    }
}
