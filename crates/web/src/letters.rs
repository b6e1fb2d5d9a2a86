//! Writing a statutory letter from the stored records, templates and settings: shared by the
//! web app and `sendtrack letter`.

use sendtrack_domain::letters::{Asked, Letter, LetterKind, Settings, default_template, write};
use sendtrack_domain::records::Casework;
use sendtrack_domain::timeline::ChildIndex;
use sendtrack_store::{Store, StoreError};

/// The setting holding an admin's template of a letter.
pub fn template_setting(kind: LetterKind) -> String {
    format!("letter_template:{}", kind.code())
}

/// The settings of the services letters name.
pub const MEDIATION_SETTING: &str = "letters_mediation_service";
pub const INFORMATION_SETTING: &str = "letters_information_service";
pub const AUTHORITY_SETTING: &str = "letters_authority";

/// What letters say when the admin has not named the services.
pub const DEFAULT_MEDIATION: &str = "the mediation service named on our Local Offer website";
pub const DEFAULT_INFORMATION: &str =
    "the SEND Information, Advice and Support Service (SENDIASS) named on our Local Offer website";

/// Why a letter could not be written.
#[derive(Debug, thiserror::Error)]
pub enum LetterError {
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The template of `kind`: the admin's, else the default.
pub async fn template(store: &Store, kind: LetterKind) -> Result<String, StoreError> {
    Ok(store.setting(&template_setting(kind)).await?.unwrap_or_else(|| default_template(kind)))
}

/// The settings letters use; `authority` when the admin has not set the letters' own.
pub async fn settings(store: &Store, cw: &Casework, authority: &str) -> Result<Settings, StoreError> {
    let kept = |name: &'static str| async move { store.setting(name).await };
    Ok(Settings {
        authority: kept(AUTHORITY_SETTING).await?.unwrap_or_else(|| authority.to_string()),
        mediation_service: kept(MEDIATION_SETTING).await?.unwrap_or_else(|| DEFAULT_MEDIATION.to_string()),
        information_service: kept(INFORMATION_SETTING).await?.unwrap_or_else(|| DEFAULT_INFORMATION.to_string()),
        staff_names: cw.staff.iter().map(|m| (m.staff_id.to_string(), m.name.clone())).collect(),
    })
}

/// Writes the letter `asked` for, on `date`, from the request's child's records.
pub async fn letter(
    store: &Store,
    cw: &Casework,
    index: &ChildIndex,
    asked: &Asked<'_>,
    authority: &str,
    date: jiff::civil::Date,
) -> Result<(Letter, String), LetterError> {
    let child_id = cw
        .requests
        .iter()
        .find(|r| r.request_id.as_str() == asked.request_id)
        .map(|r| r.child_id.to_string())
        .ok_or_else(|| LetterError::Refused(format!("there is no request {}", asked.request_id)))?;
    let own = index.own(cw, &child_id);
    let template = template(store, asked.kind).await?;
    let settings = settings(store, cw, authority).await?;
    let letter = write(&own, asked, &template, &settings, date).map_err(LetterError::Refused)?;
    Ok((letter, child_id))
}

/// A letter as it is filed: the document (its content `content`, of the type found from it)
/// and the case log entry of a letter sent to its addressee, written by `by_email` (`by_staff`
/// in the case log) at `at` on `today`. `None` when no random id could be drawn or the content
/// is of no known type.
pub fn filing(
    letter: &sendtrack_domain::letters::Letter,
    child_id: &str,
    content: &[u8],
    by_email: &str,
    by_staff: Option<String>,
    today: jiff::civil::Date,
    at: String,
) -> Option<(sendtrack_store::documents::Document, Casework)> {
    use sendtrack_domain::codes::{ContactKind, Direction};
    let (content_type, extension) = crate::pages::casefile::sniff(content)?;
    let document_id = crate::pages::casefile::new_document_id()?;
    let entry_id = crate::pages::records::new_id(sendtrack_domain::validation::RecordFile::CaseLog)?;
    let document = sendtrack_store::documents::Document {
        series_id: document_id.clone(),
        document_id,
        version: 1,
        child_id: child_id.to_string(),
        title: format!("{} ({})", letter.kind.label(), sendtrack_domain::dates::in_words(today)),
        file_name: format!("{}-{}-{today}.{extension}", letter.kind.code().replace('_', "-"), letter.request_id),
        content_type: content_type.to_string(),
        size: content.len() as i64,
        sha256: crate::pages::casefile::sha256(content),
        uploaded_at: at,
        uploaded_by: by_email.to_string(),
        request_id: Some(letter.request_id.clone()),
        advice_id: letter.advice_id.clone(),
        plan_id: letter.plan_id.clone(),
        review_id: letter.review_id.clone(),
        file_path: None,
        shared_with_family: false,
    };
    let entry = sendtrack_domain::records::CaseLogEntry {
        entry_id: entry_id.into(),
        child_id: child_id.into(),
        on: today,
        time: None,
        kind: ContactKind::Letter,
        direction: Some(Direction::Out),
        with_whom: letter.to.first().cloned(),
        contact_id: letter.contact_id.as_deref().map(Into::into),
        summary: format!("{} sent (filed in documents).", letter.kind.label()),
        request_id: Some(letter.request_id.clone().into()),
        plan_id: letter.plan_id.clone().map(Into::into),
        review_id: letter.review_id.clone().map(Into::into),
        by: by_staff.map(Into::into),
    };
    Some((document, Casework { case_log: vec![entry].into(), ..Casework::default() }))
}
