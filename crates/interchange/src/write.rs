//! Writes casework as an interchange folder: every file, every column, header first, so the
//! folder reads back as the same records.

use sendtrack_domain::records::Casework;
use sendtrack_domain::validation::RecordFile;
use std::path::Path;

/// Writes `casework` into `dir` (created when missing), one file per record type, replacing
/// files of the same names.
pub fn write_folder(dir: &Path, casework: &Casework) -> Result<(), csv::Error> {
    write(dir, casework, false)
}

/// [`write_folder`] for a person to open (a subject access request): every text cell
/// neutralised against formula injection ([`crate::for_people`]), so it is not for re-import.
pub fn write_folder_for_people(dir: &Path, casework: &Casework) -> Result<(), csv::Error> {
    write(dir, casework, true)
}

fn write(dir: &Path, casework: &Casework, for_people: bool) -> Result<(), csv::Error> {
    std::fs::create_dir_all(dir)?;
    let counts = casework.counts().rows();
    for (k, file) in RecordFile::ALL.into_iter().enumerate() {
        let mut writer = csv::Writer::from_path(dir.join(file.file_name()))?;
        writer.write_record(file.columns().iter().map(|c| c.name))?;
        for i in 0..counts[k].1 {
            if for_people {
                crate::for_people::write_row(&mut writer, casework.cells(file, i))?;
            } else {
                writer.write_record(casework.cells(file, i))?;
            }
        }
        writer.flush()?;
    }
    Ok(())
}
