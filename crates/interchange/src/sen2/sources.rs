//! Two SEN2 code lists are marked unverified in the layout: `requestsource` (newer files; integer
//! codes whose meanings the DfE has not published with the layout) and `reviewoutcome`. sendtrack
//! does not guess them: an authority that knows its codes says what each one means
//! (`--request-sources 1=parent,2=school`, `--review-outcomes 1=maintain,2=amend,3=cease`), and
//! the import and the return use that. Without it a request's source is left empty, and a review
//! outcome is read only as the words `maintain`, `amend` or `cease`.

use sendtrack_domain::codes::{Code, RequestSource, ReviewDecision, Setting};
use std::collections::BTreeMap;

/// The name of the setting that keeps an authority's request-source codes once an import has
/// been given them, so later returns (from the command line or the web app) write them back.
pub const REQUEST_SOURCES_SETTING: &str = "sen2_request_sources";

/// The same for review-outcome codes.
pub const REVIEW_OUTCOMES_SETTING: &str = "sen2_review_outcomes";

/// The same for what the authority's Get Information About Schools establishment types are
/// (issue 24): `Type name=setting` pairs.
pub const ESTABLISHMENT_TYPES_SETTING: &str = "sen2_establishment_types";

/// The name of the setting that keeps the authority's LA number (a return's `lea`), from the
/// last return imported or written with `--la`, for the header of later returns.
pub const LA_NUMBER_SETTING: &str = "la_number";

/// What each code of a SEN2 list means, as the authority said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeMeanings<T>(BTreeMap<String, T>);

impl<T> Default for CodeMeanings<T> {
    fn default() -> Self {
        CodeMeanings(BTreeMap::new())
    }
}

/// What the authority's `requestsource` codes mean.
pub type RequestSources = CodeMeanings<RequestSource>;
/// What the authority's `reviewoutcome` codes mean.
pub type ReviewOutcomes = CodeMeanings<ReviewDecision>;

impl<T: Code> CodeMeanings<T> {
    /// Reads `CODE=meaning` pairs, separated by commas (`1=parent, 2=school`); each meaning is
    /// an interchange code.
    pub fn parse(text: &str) -> Result<CodeMeanings<T>, String> {
        let mut map = BTreeMap::new();
        for pair in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let Some((code, meaning)) = pair.split_once('=') else {
                return Err(format!("'{pair}' is not CODE=meaning (for example 1=parent)"));
            };
            let code = code.trim();
            if code.is_empty() {
                return Err(format!("'{pair}' has no code before the ="));
            }
            let meaning = T::parse(meaning.trim())?;
            if map.insert(code.to_string(), meaning).is_some() {
                return Err(format!("the code {code} is given twice"));
            }
        }
        Ok(CodeMeanings(map))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// What a code means, if the authority said.
    pub fn meaning(&self, code: &str) -> Option<T> {
        self.0.get(code.trim()).copied()
    }

    /// The code written for a meaning: the first (in code order) that means it.
    pub fn code(&self, meaning: T) -> Option<&str> {
        self.0.iter().find(|(_, m)| **m == meaning).map(|(c, _)| c.as_str())
    }
}

impl<T: Code> std::fmt::Display for CodeMeanings<T> {
    /// The same `CODE=meaning` form `parse` reads.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let pairs: Vec<String> = self.0.iter().map(|(c, m)| format!("{c}={}", m.code())).collect();
        f.write_str(&pairs.join(","))
    }
}

/// What an authority says a Get Information About Schools establishment type is, for the types
/// sendtrack cannot classify on its own (or to override how it does): `Type name=setting`
/// pairs, the names as GIAS writes them in any case, separated by commas (`Welsh
/// establishment=mainstream, Secure units=none`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EstablishmentTypes(BTreeMap<String, (String, Setting)>);

impl EstablishmentTypes {
    pub fn parse(text: &str) -> Result<EstablishmentTypes, String> {
        let mut map = BTreeMap::new();
        for pair in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let Some((name, setting)) = pair.rsplit_once('=') else {
                return Err(format!("'{pair}' is not TYPE=setting (for example Welsh establishment=mainstream)"));
            };
            let name = name.trim();
            if name.is_empty() {
                return Err(format!("'{pair}' has no establishment type before the ="));
            }
            let setting = Setting::parse(setting.trim())?;
            if map.insert(type_key(name), (name.to_string(), setting)).is_some() {
                return Err(format!("the type '{name}' is given twice"));
            }
        }
        Ok(EstablishmentTypes(map))
    }

    /// The setting the authority gave a type, if it gave one.
    pub fn setting(&self, kind: &str) -> Option<Setting> {
        self.0.get(&type_key(kind)).map(|(_, s)| *s)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Display for EstablishmentTypes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let pairs: Vec<String> = self.0.values().map(|(name, s)| format!("{name}={}", s.code())).collect();
        f.write_str(&pairs.join(","))
    }
}

/// A type's name as compared: in lower case, its spaces closed up, "16-19" as "16 to 19" (GIAS
/// has written both).
pub fn type_key(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase().replace("16-19", "16 to 19")
}

/// The meanings of the unverified code lists, and the authority's establishment types, as the
/// import and the return use them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sen2Codes {
    pub request_sources: RequestSources,
    pub review_outcomes: ReviewOutcomes,
    pub establishment_types: EstablishmentTypes,
}

impl Sen2Codes {
    /// Reads both lists' `CODE=meaning` pairs (as kept in their settings, or given by a person);
    /// the error names the list that is wrong (`request_sources` or `review_outcomes`).
    pub fn parse(request_sources: &str, review_outcomes: &str) -> Result<Sen2Codes, (&'static str, String)> {
        Ok(Sen2Codes {
            request_sources: RequestSources::parse(request_sources).map_err(|e| ("request_sources", e))?,
            review_outcomes: ReviewOutcomes::parse(review_outcomes).map_err(|e| ("review_outcomes", e))?,
            establishment_types: EstablishmentTypes::default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_read_written_and_never_guessed() {
        let sources = RequestSources::parse(" 1=parent, 2=school,3=parent ").unwrap();
        assert_eq!(sources.meaning("2"), Some(RequestSource::School));
        assert_eq!(sources.meaning("9"), None, "a code nobody explained is not guessed");
        assert_eq!(sources.code(RequestSource::Parent), Some("1"));
        assert_eq!(sources.code(RequestSource::Health), None);
        assert_eq!(RequestSources::parse(&sources.to_string()).unwrap(), sources);
        assert!(RequestSources::parse("").unwrap().is_empty());
        assert!(RequestSources::parse("1=gp").unwrap_err().contains("gp"));
        assert!(RequestSources::parse("1").unwrap_err().contains("CODE=meaning"));
        assert!(RequestSources::parse("1=parent,1=school").unwrap_err().contains("twice"));
        assert!(RequestSources::parse("=parent").is_err());
        let outcomes = ReviewOutcomes::parse("M=maintain,A=amend,C=cease").unwrap();
        assert_eq!(
            (outcomes.meaning("A"), outcomes.code(ReviewDecision::Cease)),
            (Some(ReviewDecision::Amend), Some("C"))
        );
        assert!(ReviewOutcomes::parse("1=parent").is_err(), "a review outcome is maintain, amend or cease");
    }

    #[test]
    fn establishment_types_are_read_in_any_case_and_written_back() {
        let types = EstablishmentTypes::parse("Welsh establishment=mainstream, Secure units=none").unwrap();
        assert_eq!(types.setting("WELSH  establishment"), Some(Setting::Mainstream));
        assert_eq!(types.setting("Secure units"), Some(Setting::None));
        assert_eq!(types.setting("Offshore schools"), None);
        assert_eq!(EstablishmentTypes::parse(&types.to_string()).unwrap(), types);
        assert!(EstablishmentTypes::parse("Secure units=prison").unwrap_err().contains("prison"));
        assert!(EstablishmentTypes::parse("Secure units").unwrap_err().contains("TYPE=setting"));
        assert!(EstablishmentTypes::parse("a=none,A=mainstream").unwrap_err().contains("twice"));
        assert_eq!(type_key("Academy 16-19 converter"), type_key("Academy 16 to 19 converter"));
    }
}
