//! SEN2's `requestsource` codes (newer files) are integers whose meanings the DfE has not
//! published with the layout, so sendtrack does not guess them: an authority that knows its
//! codes says what each one means (`1=parent,2=school`), and the import and the return use
//! that. Without it a request's source is left empty.

use sendtrack_domain::codes::RequestSource;
use std::collections::BTreeMap;

/// The name of the setting that keeps an authority's codes once an import has been given them,
/// so later returns (from the command line or the web app) write them back.
pub const REQUEST_SOURCES_SETTING: &str = "sen2_request_sources";

/// The name of the setting that keeps the authority's LA number (a return's `lea`), from the
/// last return imported or written with `--la`, for the header of later returns.
pub const LA_NUMBER_SETTING: &str = "la_number";

/// What each `requestsource` code means, as the authority said.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestSources(BTreeMap<String, RequestSource>);

impl RequestSources {
    /// Reads `CODE=source` pairs, separated by commas (`1=parent, 2=school`).
    pub fn parse(text: &str) -> Result<RequestSources, String> {
        let mut map = BTreeMap::new();
        for pair in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let Some((code, source)) = pair.split_once('=') else {
                return Err(format!("'{pair}' is not CODE=source (for example 1=parent)"));
            };
            let code = code.trim();
            if code.is_empty() {
                return Err(format!("'{pair}' has no code before the ="));
            }
            let source = RequestSource::parse(source.trim())?;
            if map.insert(code.to_string(), source).is_some() {
                return Err(format!("the code {code} is given twice"));
            }
        }
        Ok(RequestSources(map))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The source a code means, if the authority said.
    pub fn source(&self, code: &str) -> Option<RequestSource> {
        self.0.get(code.trim()).copied()
    }

    /// The code written for a source: the first (in code order) that means it.
    pub fn code(&self, source: RequestSource) -> Option<&str> {
        self.0.iter().find(|(_, s)| **s == source).map(|(c, _)| c.as_str())
    }
}

impl std::fmt::Display for RequestSources {
    /// The same `CODE=source` form `parse` reads.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let pairs: Vec<String> = self.0.iter().map(|(c, s)| format!("{c}={}", s.code())).collect();
        f.write_str(&pairs.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_read_written_and_never_guessed() {
        let sources = RequestSources::parse(" 1=parent, 2=school,3=parent ").unwrap();
        assert_eq!(sources.source("2"), Some(RequestSource::School));
        assert_eq!(sources.source("9"), None, "a code nobody explained is not guessed");
        assert_eq!(sources.code(RequestSource::Parent), Some("1"));
        assert_eq!(sources.code(RequestSource::Health), None);
        assert_eq!(RequestSources::parse(&sources.to_string()).unwrap(), sources);
        assert!(RequestSources::parse("").unwrap().is_empty());
        assert!(RequestSources::parse("1=gp").unwrap_err().contains("gp"));
        assert!(RequestSources::parse("1").unwrap_err().contains("CODE=source"));
        assert!(RequestSources::parse("1=parent,1=school").unwrap_err().contains("twice"));
        assert!(RequestSources::parse("=parent").is_err());
    }
}
