//! Get Information About Schools (GIAS) extracts: the DfE's register of schools and settings,
//! read for the URN, name, type, phase, status, local authority, town and postcode of each
//! establishment. Real extracts are Windows-1252; a file that is not UTF-8 is read as that.

pub use sendtrack_domain::establishment::Establishment;
use std::path::Path;

/// Why an extract could not be read: the file, line and what is wrong.
#[derive(Debug, thiserror::Error)]
pub enum GiasError {
    #[error("cannot read {file}: {source}")]
    Io { file: String, source: std::io::Error },
    #[error("{file}:{line}: {message}")]
    Bad { file: String, line: u64, message: String },
}

/// The characters Windows-1252 puts at 0x80 to 0x9F (the rest of its upper half is Latin-1).
const CP1252_HIGH: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}', '\u{90}', '‘', '’',
    '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
];

/// The text of a file as UTF-8 when it is, else as Windows-1252; without a byte order mark.
pub fn decode(bytes: &[u8]) -> String {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => bytes
            .iter()
            .map(|&b| match b {
                0x80..=0x9f => CP1252_HIGH[usize::from(b - 0x80)],
                _ => char::from(b),
            })
            .collect(),
    };
    text.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(text)
}

/// Reads an extract. `URN` is required; `needed` names further
/// columns the caller cannot do without (case-insensitive), for example
/// `TypeOfEstablishment (name)`. Rows without a URN are skipped.
pub fn read_gias(path: &Path, needed: &[&str]) -> Result<Vec<Establishment>, GiasError> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| GiasError::Io { file: file.clone(), source })?;
    let bad = |line: u64, message: String| GiasError::Bad { file: file.clone(), line, message };
    let text = decode(&bytes);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let headers: Vec<String> =
        reader.headers().map_err(|e| bad(1, e.to_string()))?.iter().map(|h| h.trim().to_lowercase()).collect();
    let find = |names: &[&str]| names.iter().find_map(|n| headers.iter().position(|h| h == &n.to_lowercase()));
    let urn = find(&["URN"]).ok_or_else(|| bad(1, "there is no URN column".into()))?;
    for name in needed {
        if find(&[name]).is_none() {
            return Err(bad(1, format!("there is no {name} column")));
        }
    }
    let name = find(&["EstablishmentName"]);
    let kind = find(&["TypeOfEstablishment (name)", "TypeOfEstablishment", "Type of establishment"]);
    let phase = find(&["PhaseOfEducation (name)"]);
    let status = find(&["EstablishmentStatus (name)"]);
    let la = find(&["LA (name)"]);
    let town = find(&["Town"]);
    let postcode = find(&["Postcode"]);
    let mut found = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| bad(e.position().map_or(0, |p| p.line()), e.to_string()))?;
        let line = record.position().map_or(0, |p| p.line());
        let cell = |k: Option<usize>| k.and_then(|k| record.get(k)).unwrap_or("").trim().to_string();
        let u = cell(Some(urn));
        if u.is_empty() {
            continue;
        }
        if !u.bytes().all(|b| b.is_ascii_digit()) || u.len() > 7 {
            return Err(bad(line, format!("URN: '{u}' is not a URN (digits)")));
        }
        found.push(Establishment {
            urn: u,
            name: cell(name),
            kind: cell(kind),
            phase: cell(phase),
            status: cell(status),
            local_authority: cell(la),
            town: cell(town),
            postcode: cell(postcode),
        });
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_windows_1252_extract_reads_with_its_accents_and_dashes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("edubase.csv");
        let mut bytes = b"URN,EstablishmentName,TypeOfEstablishment (name),Town\n100000,St Ren".to_vec();
        bytes.extend([0xe9, b' ', 0x96, b' ', b'S', b'c', b'h', b'o', b'o', b'l']);
        bytes.extend(b",Community school,Exeter\n,No URN,x,y\n");
        std::fs::write(&path, bytes).unwrap();
        let read = read_gias(&path, &["TypeOfEstablishment (name)"]).unwrap();
        assert_eq!(read.len(), 1);
        assert_eq!(read[0].name, "St René – School");
        assert_eq!(read[0].kind, "Community school");
        assert_eq!(read[0].town, "Exeter");
        assert_eq!(read[0].phase, "");
        let missing = read_gias(&path, &["PhaseOfEducation (name)"]).unwrap_err().to_string();
        assert!(missing.ends_with("edubase.csv:1: there is no PhaseOfEducation (name) column"), "{missing}");
        std::fs::write(&path, "URN,EstablishmentName\n12A,X\n").unwrap();
        let bad = read_gias(&path, &[]).unwrap_err().to_string();
        assert!(bad.ends_with("edubase.csv:2: URN: '12A' is not a URN (digits)"), "{bad}");
    }
}
