//! Reads an interchange folder. Every problem is collected, none stops the reading: the shape
//! of each file and cell first (columns, UTF-8, dates, codes, required cells), then the
//! cross-record rules of the domain. Each is reported as `file:line:column: message`, where
//! line 1 is the header.

use sendtrack_domain::Date;
use sendtrack_domain::measures;
use sendtrack_domain::records::Casework;
use sendtrack_domain::rows::Row;
use sendtrack_domain::validation::{RecordFile, validate};
use std::collections::HashSet;
use std::path::Path;

/// Where a problem is: a line of a file in the folder, or a record already in the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    Line(u64),
    /// A record that was already stored (identified by its position among stored records).
    Stored,
}

/// One problem with a folder, at one cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderProblem {
    pub file: &'static str,
    pub place: Place,
    pub column: String,
    pub message: String,
}

impl std::fmt::Display for FolderProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.place {
            Place::Line(line) => write!(f, "{}:{}:{}: {}", self.file, line, self.column, self.message),
            Place::Stored => {
                write!(f, "{}:(record already in the database):{}: {}", self.file, self.column, self.message)
            }
        }
    }
}

/// A folder that was read: its records and the line each came from.
#[derive(Debug)]
pub struct FolderRead {
    pub casework: Casework,
    /// For each file (in [`RecordFile::ALL`] order), the line of each record.
    pub lines: [Vec<u64>; RecordFile::ALL.len()],
    /// Problems with the shape of files and cells.
    pub problems: Vec<FolderProblem>,
    /// Ids of rows that could not be read, so that references to them are not reported twice.
    unreadable_ids: HashSet<(RecordFile, String)>,
}

impl Default for FolderRead {
    fn default() -> FolderRead {
        FolderRead {
            casework: Casework::default(),
            // More record types than `Default` is derived for on arrays (32).
            lines: std::array::from_fn(|_| Vec::new()),
            problems: Vec::new(),
            unreadable_ids: HashSet::new(),
        }
    }
}

impl FolderRead {
    /// Records that did not come from a folder (generated, or entered in a form): problems
    /// found in them have no line and are reported as stored records.
    pub fn from_records(casework: Casework) -> FolderRead {
        FolderRead { casework, ..FolderRead::default() }
    }
}

/// Reads every file of the interchange folder at `dir`. Fails only when the folder itself
/// cannot be read; problems with its content are in [`FolderRead::problems`].
pub fn read_folder(dir: &Path) -> std::io::Result<FolderRead> {
    if !dir.is_dir() {
        return Err(std::io::Error::new(std::io::ErrorKind::NotFound, format!("{} is not a folder", dir.display())));
    }
    let mut read = FolderRead::default();
    for entry in std::fs::read_dir(dir)? {
        let name = entry?.file_name();
        let name = name.to_string_lossy();
        if name.ends_with(".csv") && !RecordFile::ALL.iter().any(|f| f.file_name() == name) {
            read.problems.push(FolderProblem {
                file: "(folder)",
                place: Place::Line(0),
                column: name.to_string(),
                message: format!(
                    "{name} is not a file of the interchange format; rename it or take it out of the folder"
                ),
            });
        }
    }
    // The files are read on two threads (each file is read and parsed whole by one, its bytes
    // let go as soon as it is parsed, so the records reuse their memory), the larger files
    // shared out first, then put together in file order, so the result is as if read in turn.
    let mut files: Vec<(RecordFile, std::path::PathBuf, u64)> = Vec::new();
    for file in RecordFile::ALL {
        let path = dir.join(file.file_name());
        match std::fs::metadata(&path) {
            Ok(meta) => files.push((file, path, meta.len())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(std::io::Error::new(e.kind(), format!("cannot read {}: {e}", path.display())));
            }
        }
    }
    files.sort_by_key(|(_, _, size)| std::cmp::Reverse(*size));
    // Each thread's share: its bytes so far and its files.
    type Share<'f> = (u64, Vec<&'f (RecordFile, std::path::PathBuf, u64)>);
    let mut shares: [Share; 2] = [(0, Vec::new()), (0, Vec::new())];
    for f in &files {
        let lighter = if shares[0].0 <= shares[1].0 { 0 } else { 1 };
        shares[lighter].0 += f.2;
        shares[lighter].1.push(f);
    }
    let parts: Vec<std::io::Result<(RecordFile, FolderRead)>> = std::thread::scope(|scope| {
        let workers: Vec<_> = shares
            .iter()
            .map(|(_, share)| {
                scope.spawn(move || {
                    share
                        .iter()
                        .map(|(file, path, _)| {
                            let bytes = std::fs::read(path).map_err(|e| {
                                std::io::Error::new(e.kind(), format!("cannot read {}: {e}", path.display()))
                            })?;
                            let mut part = FolderRead::default();
                            read_file(*file, &bytes, &mut part);
                            Ok((*file, part))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        // A reading thread only panics on a bug; its panic is passed on, not hidden.
        workers.into_iter().flat_map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
    });
    let parts: Vec<(RecordFile, FolderRead)> = parts.into_iter().collect::<std::io::Result<_>>()?;
    let mut parts = parts;
    parts.sort_by_key(|(file, _)| *file);
    for (file, mut part) in parts {
        read.casework.take_records(file, &mut part.casework);
        read.lines[file as usize] = std::mem::take(&mut part.lines[file as usize]);
        read.problems.append(&mut part.problems);
        read.unreadable_ids.extend(part.unreadable_ids);
    }
    Ok(read)
}

/// Applies the cross-record rules to `folder` over the records already `stored` and returns
/// every problem (shape problems first). `today` bounds dates of birth.
pub fn check_casework(folder: &FolderRead, stored: &Casework, today: Date) -> Vec<FolderProblem> {
    let merged;
    let casework = if stored == &Casework::default() {
        &folder.casework
    } else {
        merged = stored.updated_with(&folder.casework);
        &merged
    };
    let mut problems = folder.problems.clone();
    for p in validate(casework, today, &measures::ids()) {
        if p.refers_to.as_ref().is_some_and(|r| folder.unreadable_ids.contains(r)) {
            continue;
        }
        let lines = &folder.lines[p.file as usize];
        let place = lines.get(p.index).map_or(Place::Stored, |&l| Place::Line(l));
        let message = match p.clashes_with.map(|other| lines.get(other)) {
            Some(Some(line)) => format!("{} (see line {line})", p.message),
            Some(None) => format!("{} (see the record already in the database)", p.message),
            None => p.message,
        };
        problems.push(FolderProblem { file: p.file.file_name(), place, column: p.column.to_string(), message });
    }
    let file_order = |name: &str| RecordFile::ALL.iter().position(|f| f.file_name() == name).unwrap_or(0);
    problems.sort_by_key(|p| {
        (
            file_order(p.file),
            match p.place {
                Place::Line(l) => l,
                Place::Stored => u64::MAX,
            },
        )
    });
    problems
}

/// Reads one file of the interchange format from its bytes (an upload in the web app): its
/// records with their lines, and the problems with its shape. [`check_casework`] then applies
/// the cross-record rules over the records already held.
pub fn read_one_file(file: RecordFile, bytes: &[u8]) -> FolderRead {
    let mut read = FolderRead::default();
    read_file(file, bytes, &mut read);
    read
}

fn read_file(file: RecordFile, bytes: &[u8], read: &mut FolderRead) {
    let mut shape_problems = Vec::new();
    read_rows(file, bytes, read, &mut shape_problems);
    read.problems.append(&mut shape_problems);
}

/// Reads the rows of one file into `read`; problems with the file's shape go to `shape`.
/// Unknown header columns reported one by one, at most; more are reported in one problem.
const MAX_UNKNOWN_COLUMNS: usize = 5;

/// The line on which a quoted cell opens that the file never closes, if any (a doubled quote
/// inside a quoted cell counts twice, so it never changes the state).
fn unterminated_quote(bytes: &[u8], quotes: usize) -> Option<u64> {
    // Each quote turns quoting on or off, so an even number of them closes every one opened:
    // the file is walked only when one is open.
    if quotes.is_multiple_of(2) {
        return None;
    }
    let (mut inside, mut line, mut opened) = (false, 1u64, 0u64);
    for &b in bytes {
        match b {
            b'"' => {
                inside = !inside;
                if inside {
                    opened = line;
                }
            }
            b'\n' => line += 1,
            _ => {}
        }
    }
    inside.then_some(opened)
}

fn read_rows(file: RecordFile, bytes: &[u8], read: &mut FolderRead, shape: &mut Vec<FolderProblem>) {
    let name = file.file_name();
    let spec = file.columns();
    let mut problem = |line: u64, column: &str, message: String| {
        shape.push(FolderProblem { file: name, place: Place::Line(line), column: column.to_string(), message })
    };
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes);
    let mut records = reader.byte_records();

    let header = match records.next() {
        None => {
            problem(1, "(header)", "the file is empty; it needs at least a header row naming its columns".into());
            return;
        }
        Some(Err(e)) => {
            problem(1, "(header)", format!("the header row is not valid CSV: {e}"));
            return;
        }
        Some(Ok(h)) => h,
    };
    let mut names = Vec::with_capacity(header.len());
    for (k, cell) in header.iter().enumerate() {
        match std::str::from_utf8(cell) {
            Ok(text) => names.push(text.to_string()),
            Err(_) => {
                problem(
                    1,
                    &format!("(column {})", k + 1),
                    "the header is not UTF-8 text; is this a CSV file saved as UTF-8?".into(),
                );
                return;
            }
        }
    }
    let mut seen = HashSet::new();
    let known: Vec<&str> = spec.iter().map(|c| c.name).collect();
    let unknown: Vec<&String> = names.iter().filter(|n| !known.contains(&n.as_str())).collect();
    if unknown.len() > MAX_UNKNOWN_COLUMNS {
        // A header that is not this file's (or a runaway one): said once, not once a column.
        let some: Vec<&str> = unknown.iter().take(MAX_UNKNOWN_COLUMNS).map(|n| n.as_str()).collect();
        problem(
            1,
            "(header)",
            format!(
                "{} of the header's {} columns are not columns of {name} ({}, ...); the columns are: {}",
                unknown.len(),
                names.len(),
                some.join(", "),
                known.join(", ")
            ),
        );
    }
    for n in &names {
        if !known.contains(&n.as_str()) {
            if unknown.len() <= MAX_UNKNOWN_COLUMNS {
                problem(1, n, format!("'{n}' is not a column of {name}; the columns are: {}", known.join(", ")));
            }
        } else if !seen.insert(n.as_str()) {
            problem(1, n, format!("column '{n}' appears twice"));
        }
    }
    // A quote opened and never closed makes the rest of the file one cell: said where it opens.
    let (rows, quotes) = count_lines_and_quotes(bytes);
    let open_quote = unterminated_quote(bytes, quotes);
    if let Some(line) = open_quote {
        problem(
            line,
            "(row)",
            "a quote (\") opened on this line is never closed, so everything after it would be one cell; close the quote".into(),
        );
    }
    for c in spec.iter().filter(|c| c.required) {
        if !names.iter().any(|n| n == c.name) {
            problem(1, c.name, format!("the required column '{}' is missing", c.name));
        }
    }
    let positions: Vec<Option<usize>> = spec.iter().map(|c| names.iter().position(|n| n == c.name)).collect();
    let index = file as usize;
    // Duplicate ids where either row could not be read are found here (the domain's rules
    // only see the rows that were read, and find the duplicates among them themselves). Only
    // a file with a row that could not be read has any, so the readable rows' ids are kept as
    // hashes, in order (eight bytes a row, written in turn), and compared with the unreadable
    // rows' ids after the last row. A map of every id, looked up at random for each row, was
    // a seventh of reading a large folder.
    let mut readable_hashes: Vec<u64> = Vec::new();
    // Each row that could not be read (a few, if any).
    let mut unreadable_rows: Vec<Unreadable> = Vec::new();
    let id_column = spec[0].name;
    let has_id = id_column.ends_with("_id");
    if has_id {
        readable_hashes.reserve(rows);
    }
    // One record's buffer for every row, and its cells by the spec's columns on the stack.
    let mut record = csv::ByteRecord::new();
    loop {
        match records.reader_mut().read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                problem(line, "(row)", format!("the row is not valid CSV: {e}"));
                // csv moves on past a malformed row; stop only if it cannot.
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    break;
                }
                continue;
            }
        }
        let line = record.position().map_or(0, |p| p.line());
        if open_quote.is_some_and(|q| line >= q) {
            break;
        }
        if record.len() != names.len() {
            problem(
                line,
                "(row)",
                format!("the row has {} cells but the header has {} columns", record.len(), names.len()),
            );
            continue;
        }
        // A row whose bytes are UTF-8 has UTF-8 cells (they are cut at ASCII commas and
        // quotes); only a row that is not is looked at cell by cell, to say which.
        let Ok(whole) = std::str::from_utf8(record.as_slice()) else {
            for (k, cell) in record.iter().enumerate() {
                if std::str::from_utf8(cell).is_err() {
                    problem(line, &names[k], "the cell is not UTF-8 text; save the file as UTF-8".into());
                }
            }
            continue;
        };
        let columns = positions.len().min(MAX_COLUMNS);
        let mut by_spec: [Option<&str>; MAX_COLUMNS] = [None; MAX_COLUMNS];
        // Each cell a slice of the row's text, not checked as UTF-8 a second time.
        for (slot, p) in by_spec.iter_mut().zip(&positions) {
            *slot = p.and_then(|p| record.range(p)).and_then(|range| whole.get(range));
        }
        let mut row = Row::new(file, &by_spec[..columns]);
        let parsed = read.casework.read_row(&mut row);
        let readable = parsed && row.problems.is_empty();
        let id = row.text(id_column);
        if has_id {
            if readable {
                // Kept for every readable row (its id is required), in step with the records.
                readable_hashes.push(id_hash(id.unwrap_or_default()));
            } else if let Some(id) = id {
                unreadable_rows.push(Unreadable {
                    line,
                    id: id.to_string(),
                    readable_before: readable_hashes.len(),
                    problems_before: read.problems.len(),
                });
            }
        }
        if readable {
            read.lines[index].push(line);
        } else {
            if parsed {
                // The record was pushed before a later cell failed: take it back out.
                read.casework.pop_last(file);
            }
            if let Some(id) = id {
                read.unreadable_ids.insert((file, id.to_string()));
            }
            read.problems.extend(row.problems.drain(..).map(|(column, message)| FolderProblem {
                file: name,
                place: Place::Line(line),
                column: column.to_string(),
                message,
            }));
        }
    }
    if !unreadable_rows.is_empty() {
        let duplicates = unreadable_duplicates(file, read, &readable_hashes, &unreadable_rows);
        // Each put where it would have been found as its row was read: before the row's own
        // problems (by place in the list, not by line: a file ended by lone carriage returns
        // has every row on line 1).
        let mut duplicates = duplicates.into_iter().peekable();
        let mut problems = Vec::with_capacity(read.problems.len() + duplicates.len());
        let said = |(_, line, message): (usize, u64, String)| FolderProblem {
            file: name,
            place: Place::Line(line),
            column: id_column.to_string(),
            message,
        };
        for (k, p) in read.problems.drain(..).enumerate() {
            while let Some(duplicate) = duplicates.next_if(|(slot, ..)| *slot <= k) {
                problems.push(said(duplicate));
            }
            problems.push(p);
        }
        problems.extend(duplicates.map(said));
        read.problems = problems;
    }
}

/// The hash an id is kept by while a file is read.
fn id_hash(id: &str) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault};
    BuildHasherDefault::<rustc_hash::FxHasher>::default().hash_one(id)
}

/// A row of a file that could not be read, and where it stood: after how many readable rows,
/// and after how many of the file's problems (those of the rows before it).
struct Unreadable {
    line: u64,
    id: String,
    readable_before: usize,
    problems_before: usize,
}

/// A row with an id some unreadable row has.
struct Occurrence {
    /// Its place in the file: an unreadable row after `readable_before` readable ones comes
    /// before the readable row of that index.
    place: (usize, bool),
    /// Where its problem would go among the file's problems.
    slot: usize,
    line: u64,
    readable: bool,
    id: String,
}

/// The rows of `file` whose id an earlier row has, where either that row or the first with the
/// id could not be read, in the order of the file: where each goes among the file's problems,
/// its line, and what to say. `readable_hashes` holds the hash of each record read (in `read`,
/// in order); `unreadable` the rows that could not be, in order.
fn unreadable_duplicates(
    file: RecordFile,
    read: &FolderRead,
    readable_hashes: &[u64],
    unreadable: &[Unreadable],
) -> Vec<(usize, u64, String)> {
    let id_column = file.columns()[0].name;
    let wanted: HashSet<&str> = unreadable.iter().map(|u| u.id.as_str()).collect();
    let wanted_hashes: HashSet<u64> = wanted.iter().map(|id| id_hash(id)).collect();
    // Every row with one of those ids.
    let mut rows: Vec<Occurrence> = unreadable
        .iter()
        .map(|u| Occurrence {
            place: (u.readable_before, false),
            slot: u.problems_before,
            line: u.line,
            readable: false,
            id: u.id.clone(),
        })
        .collect();
    let lines = &read.lines[file as usize];
    for (i, hash) in readable_hashes.iter().enumerate() {
        if !wanted_hashes.contains(hash) {
            continue;
        }
        // The hash may be another id's: the record's own id decides.
        if let (Some(id), Some(&line)) = (read.casework.cells(file, i).into_iter().next(), lines.get(i))
            && wanted.contains(id.as_str())
        {
            // A readable row adds no problems: its problem goes after those of the unreadable
            // rows before it.
            let next = unreadable.partition_point(|u| u.readable_before <= i);
            let slot = unreadable.get(next).map_or(read.problems.len(), |u| u.problems_before);
            rows.push(Occurrence { place: (i, true), slot, line, readable: true, id });
        }
    }
    // Stable: unreadable rows between the same two readable ones keep their order.
    rows.sort_by_key(|row| row.place);
    let mut firsts: std::collections::HashMap<&str, (u64, bool)> = std::collections::HashMap::new();
    let mut said = Vec::new();
    for Occurrence { slot, line, readable, id, .. } in &rows {
        match firsts.get(id.as_str()) {
            Some(&(first_line, first_readable)) => {
                if !(*readable && first_readable) {
                    let message = format!("{id_column} '{id}' is used more than once (see line {first_line})");
                    said.push((*slot, *line, message));
                }
            }
            None => {
                firsts.insert(id, (*line, *readable));
            }
        }
    }
    said
}

/// The line breaks and the quotes in `bytes`, in one pass: counted a block of 255 bytes at a
/// time into byte-wide sums, a loop the compiler turns into vector instructions (two passes
/// with a count each were a twentieth of reading a folder).
fn count_lines_and_quotes(bytes: &[u8]) -> (usize, usize) {
    let (mut lines, mut quotes) = (0usize, 0usize);
    for block in bytes.chunks(255) {
        let (l, q) = block.iter().fold((0u8, 0u8), |(l, q), &b| (l + u8::from(b == b'\n'), q + u8::from(b == b'"')));
        lines += usize::from(l);
        quotes += usize::from(q);
    }
    (lines, quotes)
}

/// The most columns a record type has (the spec's widest file has far fewer).
const MAX_COLUMNS: usize = 32;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breaks_and_quotes_are_counted_across_blocks() {
        let mut bytes = Vec::new();
        for k in 0..1000 {
            bytes.extend_from_slice(if k % 3 == 0 { b"a,\"b\"\n" } else { b"x\n" });
        }
        assert_eq!(count_lines_and_quotes(&bytes), (1000, 2 * 334));
        assert_eq!(count_lines_and_quotes(&[b'\n'; 600]), (600, 0), "a block of 255 line breaks fits a byte");
        assert_eq!(count_lines_and_quotes(b""), (0, 0));
    }

    #[test]
    fn every_record_type_fits_the_cells_read_on_the_stack() {
        for file in RecordFile::ALL {
            assert!(file.columns().len() <= MAX_COLUMNS, "{} has more than {MAX_COLUMNS} columns", file.file_name());
        }
    }
}
