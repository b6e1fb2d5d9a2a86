//! Reading a DfE COLLECT "Blade" export of the SEN2 return: nine CSV files, one per module,
//! named `Blade-Export_<DD-MM-YYYY>_<module>.csv`, into a [`Blade`] of rows by lower-case
//! column name, so both the older and the newer column sets read the same way.

use sendtrack_domain::sen2::{Blade, BladeRow, Module};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Why a Blade export could not be read.
#[derive(Debug, thiserror::Error)]
pub enum Sen2ReadError {
    #[error("cannot read the folder {path}: {source}")]
    Folder { path: String, source: std::io::Error },
    #[error("{folder} has no file for the {module} module (a name ending _{module}.csv)")]
    Missing { folder: String, module: &'static str },
    #[error("{folder} has two files for the {module} module: {first} and {second}")]
    Twice { folder: String, module: &'static str, first: String, second: String },
    #[error("{file}:{line}: {message}")]
    Bad { file: String, line: u64, message: String },
}

/// The file of each module in `dir`.
fn module_files(dir: &Path) -> Result<HashMap<Module, PathBuf>, Sen2ReadError> {
    let folder = dir.display().to_string();
    let entries = std::fs::read_dir(dir).map_err(|source| Sen2ReadError::Folder { path: folder.clone(), source })?;
    let mut files: HashMap<Module, PathBuf> = HashMap::new();
    for entry in entries {
        let path = entry.map_err(|source| Sen2ReadError::Folder { path: folder.clone(), source })?.path();
        let name = path.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
        let Some(module) = Module::ALL.into_iter().find(|m| name.ends_with(&format!("_{}.csv", m.name()))) else {
            continue;
        };
        if let Some(first) = files.get(&module) {
            return Err(Sen2ReadError::Twice {
                folder,
                module: module.name(),
                first: first.display().to_string(),
                second: path.display().to_string(),
            });
        }
        files.insert(module, path);
    }
    for module in Module::ALL {
        if !files.contains_key(&module) {
            return Err(Sen2ReadError::Missing { folder, module: module.name() });
        }
    }
    Ok(files)
}

fn read_module(path: &Path) -> Result<Vec<BladeRow>, Sen2ReadError> {
    let file = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let bad = |line: u64, message: String| Sen2ReadError::Bad { file: file.clone(), line, message };
    let bytes = std::fs::read(path).map_err(|e| bad(0, e.to_string()))?;
    let text = std::str::from_utf8(&bytes).map_err(|e| bad(1, format!("the file is not UTF-8 text: {e}")))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(text.as_bytes());
    let headers: Vec<String> =
        reader.headers().map_err(|e| bad(1, e.to_string()))?.iter().map(|h| h.trim().to_lowercase()).collect();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| bad(e.position().map_or(0, |p| p.line()), e.to_string()))?;
        let line = record.position().map_or(0, |p| p.line()) as usize;
        let cells = headers.iter().cloned().zip(record.iter().map(str::to_string)).collect();
        rows.push(BladeRow { line, cells });
    }
    Ok(rows)
}

/// Reads every module of the Blade export in `dir`.
pub fn read_blade(dir: &Path) -> Result<(Blade, HashMap<Module, String>), Sen2ReadError> {
    let files = module_files(dir)?;
    let mut rows = HashMap::new();
    let mut names = HashMap::new();
    for (module, path) in files {
        rows.insert(module, read_module(&path)?);
        names.insert(module, path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
    }
    Ok((Blade::new(rows), names))
}

mod import;
pub mod matching;
mod returns;
mod sources;

pub use import::{
    DEFAULT_ESTABLISHMENT_TYPES, Establishments, GIAS_ESTABLISHMENT_TYPES, Imported, Sen2Problem, import_blade,
    read_establishments,
};
pub use matching::{Matched, match_to_held};
pub use returns::{ReturnError, write_return};
pub use sources::{
    CodeMeanings, ESTABLISHMENT_TYPES_SETTING, EstablishmentTypes, LA_NUMBER_SETTING, REQUEST_SOURCES_SETTING,
    REVIEW_OUTCOMES_SETTING, RequestSources, ReviewOutcomes, Sen2Codes, type_key,
};
