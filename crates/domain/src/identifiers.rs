//! Checks for the identifiers and free-form values the records carry: record ids, Unique
//! Pupil Numbers (with the DfE check letter), Unique Learner Numbers, postcodes, ethnicity
//! codes, LA numbers and annual costs. Each returns a message a data officer can act on.

/// The 23 letters the DfE uses in UPNs (no I, O or S), in check-letter order.
const UPN_LETTERS: &[u8; 23] = b"ABCDEFGHJKLMNPQRTUVWXYZ";

/// An identifier is 1 to 64 characters, with no commas or control characters.
pub fn check_record_id(id: &str) -> Result<(), String> {
    // Nearly every id is a few ASCII letters, digits, hyphens or underscores, which pass every
    // rule below: said in one pass over its bytes (a large folder holds tens of millions of
    // ids, and the six passes below were a tenth of checking one).
    if !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return Ok(());
    }
    let length = id.chars().count();
    if length == 0 {
        return Err("the id is empty".into());
    }
    if length > 64 {
        return Err(format!("the id is {length} characters long; ids may have at most 64"));
    }
    if id.contains(',') {
        return Err("ids may not contain commas".into());
    }
    if id.chars().any(char::is_control) {
        return Err("ids may not contain control characters (tabs, line breaks)".into());
    }
    // An id goes into the web app's addresses (/children/ID): nothing that would change one.
    if let Some(c) = id.chars().find(|c| matches!(c, '/' | '\\' | '?' | '#' | '%')) {
        return Err(format!("ids may not contain '{c}'"));
    }
    if id.contains("..") || id == "." {
        return Err("ids may not contain '..' or be '.'".into());
    }
    Ok(())
}

/// The most characters a name (of a child, a setting, a provider) may have.
pub const MAX_NAME: usize = 200;

/// A person's or an organisation's name: at most [`MAX_NAME`] characters and no control
/// characters (tabs, line breaks, escape codes), which no name has and which break exports.
pub fn check_name(name: &str) -> Result<(), String> {
    let length = name.chars().count();
    if length > MAX_NAME {
        return Err(format!("the name is {length} characters long; names may have at most {MAX_NAME}"));
    }
    if name.chars().any(char::is_control) {
        return Err("names may not contain control characters (tabs, line breaks)".into());
    }
    Ok(())
}

/// A Unique Pupil Number: 13 characters, a check letter then 11 digits then a digit or (for a
/// temporary UPN) a letter, where the check letter matches the DfE algorithm.
pub fn check_upn(upn: &str) -> Result<(), String> {
    let bytes = upn.as_bytes();
    if bytes.len() != 13 {
        return Err(format!("'{upn}' is not a UPN: a UPN has 13 characters"));
    }
    let letter_value = |b: u8| UPN_LETTERS.iter().position(|&l| l == b);
    if letter_value(bytes[0]).is_none() {
        return Err(format!("'{upn}' is not a UPN: it must start with a capital check letter (not I, O or S)"));
    }
    if !bytes[1..12].iter().all(u8::is_ascii_digit) {
        return Err(format!("'{upn}' is not a UPN: characters 2 to 12 must be digits"));
    }
    let last = if bytes[12].is_ascii_digit() {
        usize::from(bytes[12] - b'0')
    } else {
        letter_value(bytes[12]).ok_or_else(|| {
            format!("'{upn}' is not a UPN: the last character must be a digit or a capital letter (not I, O or S)")
        })?
    };
    let sum: usize =
        bytes[1..12].iter().zip(2..).map(|(&b, weight)| usize::from(b - b'0') * weight).sum::<usize>() + last * 13;
    let expected = UPN_LETTERS[sum % 23];
    if bytes[0] != expected {
        return Err(format!("'{upn}' is not a valid UPN: its check letter should be {}", expected as char));
    }
    Ok(())
}

/// Computes the check letter for the 12 characters after it (used by the demo generator and tests).
pub fn upn_check_letter(body: &str) -> Option<char> {
    let bytes = body.as_bytes();
    if bytes.len() != 12 || !bytes[..11].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let last = if bytes[11].is_ascii_digit() {
        usize::from(bytes[11] - b'0')
    } else {
        UPN_LETTERS.iter().position(|&l| l == bytes[11])?
    };
    let sum: usize = bytes[..11].iter().zip(2..).map(|(&b, w)| usize::from(b - b'0') * w).sum::<usize>() + last * 13;
    Some(UPN_LETTERS[sum % 23] as char)
}

/// A Unique Learner Number: exactly 10 digits.
pub fn check_uln(uln: &str) -> Result<(), String> {
    if uln.len() == 10 && uln.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(format!("'{uln}' is not a ULN: a ULN is exactly 10 digits"))
    }
}

/// A UK postcode such as `EX2 4QD` or `SW1A 1AA` (the space may be left out; letters in
/// either case).
pub fn check_postcode(postcode: &str) -> Result<(), String> {
    let compact: Vec<u8> = postcode.bytes().filter(|&b| b != b' ').map(|b| b.to_ascii_uppercase()).collect();
    let spaces = postcode.bytes().filter(|&b| b == b' ').count();
    let bad = || format!("'{postcode}' is not a UK postcode (for example EX2 4QD)");
    if spaces > 1 || !(5..=7).contains(&compact.len()) {
        return Err(bad());
    }
    let (outward, inward) = compact.split_at(compact.len() - 3);
    let inward_ok = inward[0].is_ascii_digit() && inward[1].is_ascii_alphabetic() && inward[2].is_ascii_alphabetic();
    // Outward codes: A9, A99, AA9, AA99, A9A, AA9A.
    let shape: String = outward
        .iter()
        .map(|b| {
            if b.is_ascii_digit() {
                '9'
            } else if b.is_ascii_alphabetic() {
                'A'
            } else {
                '?'
            }
        })
        .collect();
    let outward_ok = matches!(shape.as_str(), "A9" | "A99" | "AA9" | "AA99" | "A9A" | "AA9A");
    let space_ok =
        spaces == 0 || postcode.trim().len() == postcode.len() && postcode.as_bytes()[postcode.len() - 4] == b' ';
    if inward_ok && outward_ok && space_ok { Ok(()) } else { Err(bad()) }
}

/// A DfE ethnicity code as used in the school census: four lower-case letters (e.g. `wbri`).
pub fn check_ethnicity(code: &str) -> Result<(), String> {
    if code.len() == 4 && code.bytes().all(|b| b.is_ascii_lowercase()) {
        Ok(())
    } else {
        Err(format!("'{code}' is not a DfE ethnicity code: four lower-case letters, for example wbri"))
    }
}

/// An LA number: three digits (e.g. 878 for Devon).
pub fn check_la_number(text: &str) -> Result<(), String> {
    if text.len() == 3 && text.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(format!("'{text}' is not an LA number: three digits, for example 878"))
    }
}

/// An amount in pounds as the interchange writes it: digits with an optional decimal fraction,
/// no sign, no £, no thousands separators. Keeps the text as written so an export reproduces
/// it exactly.
#[derive(Debug, Clone, PartialEq)]
pub struct Pounds {
    text: String,
    value: f64,
}

impl Pounds {
    pub fn parse(text: &str) -> Result<Pounds, String> {
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        let fraction_ok = !text.contains('.') || (!fraction.is_empty() && digits(fraction));
        if whole.is_empty() || !digits(whole) || !fraction_ok || whole.len() > 12 {
            return Err(format!(
                "'{text}' is not an amount in pounds: write digits with an optional decimal part, for example 23500 or 23500.50 (no £ sign or commas)"
            ));
        }
        let value = text.parse::<f64>().map_err(|_| format!("'{text}' is not an amount in pounds"))?;
        Ok(Pounds { text: text.to_string(), value })
    }

    pub fn value(&self) -> f64 {
        self.value
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// A time of day as a case log writes it: `HH:MM`, 24-hour.
pub fn check_time(text: &str) -> Result<(), String> {
    let ok = text.len() == 5
        && text.as_bytes()[2] == b':'
        && text[..2].parse::<u8>().is_ok_and(|h| h < 24 && text[..2].bytes().all(|b| b.is_ascii_digit()))
        && text[3..].parse::<u8>().is_ok_and(|m| m < 60 && text[3..].bytes().all(|b| b.is_ascii_digit()));
    if ok { Ok(()) } else { Err(format!("'{text}' is not a time: write HH:MM, for example 09:30 or 14:05")) }
}

/// A phone number as people write it: digits, spaces, brackets, hyphens and a leading plus;
/// from 7 to 16 digits.
pub fn check_phone(text: &str) -> Result<(), String> {
    let digits = text.bytes().filter(u8::is_ascii_digit).count();
    let allowed =
        text.chars().enumerate().all(|(k, c)| c.is_ascii_digit() || " ()-".contains(c) || (c == '+' && k == 0));
    if allowed && (7..=16).contains(&digits) {
        Ok(())
    } else {
        Err(format!("'{text}' is not a phone number: write its digits, for example 01632 960 001 or +44 1632 960001"))
    }
}

/// Free text a person writes about a child (a case log's summary): at most 4,000 characters,
/// and no control characters but line breaks.
pub fn check_text(text: &str) -> Result<(), String> {
    // Printable ASCII and line breaks, at most 4,000 bytes (so as many characters), pass both
    // rules below: said in one pass over the bytes.
    if text.len() <= 4000 && text.bytes().all(|b| (b' '..=b'~').contains(&b) || b == b'\n' || b == b'\r') {
        return Ok(());
    }
    let length = text.chars().count();
    if length > 4000 {
        return Err(format!("the text is {length} characters long; it may have at most 4,000"));
    }
    if text.chars().any(|c| c.is_control() && c != '\n' && c != '\r') {
        return Err("the text may not contain control characters (tabs, escape codes)".into());
    }
    Ok(())
}

/// A full-time equivalent from 0.01 to 1.00, with at most two decimals: held in hundredths, so
/// that sums are exact, and as written, so that an export reproduces it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fte {
    text: String,
    hundredths: u32,
}

impl Fte {
    pub fn parse(text: &str) -> Result<Fte, String> {
        let wrong = || format!("'{text}' is not a full-time equivalent: a number from 0.01 to 1.00, for example 0.6");
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || whole.len() > 3 || !digits(whole) || !digits(fraction) || fraction.len() > 2 {
            return Err(wrong());
        }
        if text.contains('.') && fraction.is_empty() {
            return Err(wrong());
        }
        let whole: u32 = whole.parse().map_err(|_| wrong())?;
        let fraction: u32 = format!("{fraction:0<2}").parse().map_err(|_| wrong())?;
        let hundredths = whole * 100 + fraction;
        if !(1..=100).contains(&hundredths) {
            return Err(format!("full-time equivalent {text} is outside 0.01 to 1.00"));
        }
        Ok(Fte { text: text.to_string(), hundredths })
    }

    /// In hundredths of a full-time post (1 to 100).
    pub fn hundredths(&self) -> u32 {
        self.hundredths
    }

    pub fn value(&self) -> f64 {
        f64::from(self.hundredths) / 100.0
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// Declares the typed ids of the record types: a string underneath, read as `&str` anywhere
/// (`Deref`, `Borrow`, `AsRef`), compared with strings, but never mistaken for another type's
/// id: a plan's `request_id` is a [`RequestId`], not a child's id. The string is a
/// `CompactString`: the size of a `String`, holding an id of up to 24 bytes (every id a
/// management system issues, in practice) in place instead of in an allocation of its own. A
/// large authority's records hold millions of ids; held in place they cost no allocation to
/// read and no memory beyond the record itself (issue 16, goals 2 and 4).
macro_rules! ids {
    ($($(#[$meta:meta])* $name:ident;)+) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(compact_str::CompactString);

        impl $name {
            pub fn new(id: impl AsRef<str>) -> $name {
                $name(compact_str::CompactString::new(id))
            }

            pub fn as_str(&self) -> &str {
                self.0.as_str()
            }

            pub fn into_string(self) -> String {
                self.0.into_string()
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                self.0.as_str()
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                self.0.as_str()
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.0.as_str()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.0.as_str())
            }
        }

        impl From<String> for $name {
            /// Copied in place when short (the `String`'s allocation is not kept).
            fn from(id: String) -> $name {
                $name::new(id)
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> $name {
                $name::new(id)
            }
        }

        impl From<&String> for $name {
            fn from(id: &String) -> $name {
                $name::new(id)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.into_string()
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0.as_str() == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0.as_str() == *other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                self.0.as_str() == other.as_str()
            }
        }

        impl PartialEq<$name> for str {
            fn eq(&self, other: &$name) -> bool {
                self == other.0.as_str()
            }
        }

        impl PartialEq<$name> for &str {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0.as_str()
            }
        }

        impl PartialEq<$name> for String {
            fn eq(&self, other: &$name) -> bool {
                self.as_str() == other.0.as_str()
            }
        }
    )+};
}

ids! {
    /// A child's id (`child_id`).
    ChildId;
    /// A request's id (`request_id`).
    RequestId;
    /// A request for advice's id (`advice_id`).
    AdviceId;
    /// A plan's id (`plan_id`).
    PlanId;
    /// A placement's id (`placement_id`).
    PlacementId;
    /// An annual review's id (`review_id`).
    ReviewId;
    /// A mediation's or appeal's id (`dispute_id`).
    DisputeId;
    /// A complaint's or compliment's id (`feedback_id`).
    FeedbackId;
    /// A member of staff's id (`staff_id`: what the `caseworker` columns hold).
    StaffId;
    /// A funded post's id (`post_id`).
    PostId;
    /// A task's id (`task_id`).
    TaskId;
    /// A case log entry's id (`entry_id`).
    EntryId;
    /// A contact's id (`contact_id`).
    ContactId;
    /// A communication promise's id (`promise_id`).
    PromiseId;
    /// An organisation's id (`organisation_id`).
    OrganisationId;
    /// A consultation's id (`consultation_id`).
    ConsultationId;
    /// A setting named in a plan's id (`plan_setting_id`).
    PlanSettingId;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_ids_read_as_strings_and_look_up_by_str() {
        let child = ChildId::from("C1");
        assert_eq!(child, "C1");
        assert_eq!("C1", child);
        assert_eq!(child.len(), 2, "reads as a str");
        let mut plans: std::collections::HashMap<ChildId, usize> = std::collections::HashMap::new();
        plans.insert(child.clone(), 3);
        assert_eq!(plans.get("C1"), Some(&3), "a map keyed by ids is looked up by &str");
        assert_eq!(String::from(child), "C1");
        // Ids longer than fit in place (up to 64 characters are allowed) behave the same.
        let long = "R".repeat(64);
        let request = RequestId::from(long.clone());
        assert_eq!(request, long);
        let mut sorted = [RequestId::from(long.as_str()), RequestId::from("R1"), RequestId::from("R0")];
        sorted.sort();
        assert_eq!(sorted.iter().map(|r| r.as_str()).collect::<Vec<_>>(), ["R0", "R1", long.as_str()]);
        let mut requests: std::collections::HashMap<RequestId, usize> = std::collections::HashMap::new();
        requests.insert(request.clone(), 1);
        assert_eq!(requests.get(long.as_str()), Some(&1));
        assert_eq!(request.into_string(), long);
    }

    #[test]
    fn record_ids() {
        assert!(check_record_id("C000123").is_ok());
        assert!(check_record_id(&"x".repeat(64)).is_ok());
        assert!(check_record_id(&"x".repeat(65)).is_err());
        assert!(check_record_id("").is_err());
        assert!(check_record_id("a,b").is_err());
        assert!(check_record_id("a\tb").is_err());
    }

    /// The one-pass path for plain ids and texts gives the answers of the full rules at their
    /// edges: lengths counted in characters, not bytes, and every control character refused.
    #[test]
    fn plain_ids_and_texts_are_judged_as_the_full_rules_judge_them() {
        for good in ["C000123", "a-b_c", "é", &"é".repeat(64), "Ω1", &"x".repeat(64)] {
            assert!(check_record_id(good).is_ok(), "{good}");
        }
        for bad in [&"é".repeat(65) as &str, "a\u{85}b", "a\u{7f}", ".", "a..b", "a/b", "a%b", "a b,"] {
            assert!(check_record_id(bad).is_err(), "{bad:?}");
        }
        assert!(check_record_id("a b").is_ok(), "a space is not ruled out");
        for good in ["", "line one\r\nline two", &"x".repeat(4000), &"é".repeat(4000), "£5 ~ ok"] {
            assert!(check_text(good).is_ok(), "{good}");
        }
        for bad in [&"x".repeat(4001) as &str, &"é".repeat(4001), "a\tb", "a\u{7f}", "a\u{1b}[0m", "a\u{9f}"] {
            assert!(check_text(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn upn_check_letters_follow_the_dfe_algorithm() {
        // Worked example: body 820200101002 → weights 2..13.
        let body = "820200101002";
        let letter = upn_check_letter(body).unwrap();
        let upn = format!("{letter}{body}");
        assert!(check_upn(&upn).is_ok(), "{upn}");
        // Any other check letter is wrong.
        let wrong = if letter == 'A' { 'B' } else { 'A' };
        let message = check_upn(&format!("{wrong}{body}")).unwrap_err();
        assert!(message.contains(&format!("should be {letter}")), "{message}");
        // Temporary UPNs end in a letter.
        let temp = "82020010100A";
        let upn = format!("{}{temp}", upn_check_letter(temp).unwrap());
        assert!(check_upn(&upn).is_ok());
        assert!(check_upn("A12345").is_err());
        assert!(check_upn("I820200101002").is_err());
        assert!(check_upn("A8202001010O2").is_err());
    }

    #[test]
    fn upn_check_letter_matches_a_hand_computed_value() {
        // 8*2+2*3+0*4+2*5+0*6+0*7+1*8+0*9+1*10+0*11+0*12+2*13 = 16+6+10+8+10+26 = 76; 76 mod 23 = 7 → H.
        assert_eq!(upn_check_letter("820200101002"), Some('H'));
    }

    #[test]
    fn ulns_postcodes_ethnicity_la_numbers() {
        assert!(check_uln("1234567890").is_ok());
        assert!(check_uln("123456789").is_err());
        assert!(check_uln("12345678a0").is_err());
        for good in ["EX2 4QD", "SW1A 1AA", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "ex24qd", "W1A 0AX"] {
            assert!(check_postcode(good).is_ok(), "{good}");
        }
        for bad in ["EX2  4QD", "12345", "EX2 QQD", "EXETER", "", "EX2 4Q"] {
            assert!(check_postcode(bad).is_err(), "{bad}");
        }
        assert!(check_ethnicity("wbri").is_ok());
        assert!(check_ethnicity("WBRI").is_err());
        assert!(check_la_number("878").is_ok());
        assert!(check_la_number("87").is_err());
    }

    #[test]
    fn pounds_keep_their_text() {
        let p = Pounds::parse("23500.50").unwrap();
        assert_eq!(p.as_str(), "23500.50");
        assert!((p.value() - 23500.5).abs() < 1e-9);
        assert!(Pounds::parse("0").is_ok());
        for bad in ["£100", "1,000", "-5", "1.", ".5", "", "1e5", "12.5.1"] {
            assert!(Pounds::parse(bad).is_err(), "{bad}");
        }
    }
}
