//! The statutory letters and notices (issue 18): for each step whose notice the SEND
//! Regulations 2014 prescribe, a default template, the fields a template may use, what the
//! record must hold before the letter can be written, and the letter itself as headed
//! paragraphs. Templates are plain text: a line starting `# ` is a heading, a blank line ends
//! a paragraph, and `{field}` is replaced by the field's value. Rendering is pure: the PDF and
//! DOCX are made elsewhere.

use crate::codes::{AssessmentDecision, AssessmentOutcome, Code, ContactRole, ReviewDecision};
use crate::dates::in_words;
use crate::records::{Advice, Casework, Contact, Plan, Request, Review};
use jiff::ToSpan;
use jiff::civil::Date;
use std::collections::BTreeMap;

crate::codes::codes!(
    /// The letters sendtrack writes.
    LetterKind, "kind of letter" {
        DecisionToAssess = "decision_to_assess" / "Decision to carry out an EHC needs assessment",
        DecisionNotToAssess = "decision_not_to_assess" / "Decision not to carry out an EHC needs assessment",
        AdviceRequest = "advice_request" / "Request for advice and information",
        DraftPlan = "draft_plan" / "Draft EHC plan notice",
        NoPlan = "no_plan" / "Decision not to issue an EHC plan",
        FinalPlan = "final_plan" / "Final EHC plan notice",
        ReviewDecision = "review_decision" / "Decision after an annual review",
        Cease = "cease" / "Decision to cease to maintain an EHC plan",
    }
);

/// The paragraph on the right to appeal, mediation and information and advice: the notices of
/// regs. 5, 10, 14, 22 and 31 must give it (and s. 51-55 of the Children and Families Act 2014).
const APPEAL: &str = "# Your right to appeal

You have the right to appeal against this decision to the First-tier Tribunal (Special Educational Needs and Disability). You must appeal within two months of the date of this letter ({appeal_by}), or within one month of the date of a mediation certificate, whichever is later.

Before you can appeal you must contact a mediation adviser and consider mediation, unless your appeal is only about the school or other institution named in a plan. The mediation adviser will give you a certificate within three working days of being contacted. Our mediation service is {mediation_service}. You may also use our disagreement resolution service, which is separate from your right to appeal.

Free and impartial information, advice and support is available from {information_service}.";

/// The default template of each letter.
pub fn default_template(kind: LetterKind) -> String {
    let body = match kind {
        LetterKind::DecisionToAssess => {
            "# Decision to carry out an education, health and care needs assessment

We received a request for an education, health and care (EHC) needs assessment for {child_name} (date of birth {child_date_of_birth}) on {received_on}. Under section 36 of the Children and Families Act 2014 and regulation 5 of the Special Educational Needs and Disability Regulations 2014, we have decided to carry out an EHC needs assessment. We made this decision on {decision_on}.

We will now ask for advice and information about {child_name}'s needs from their school or setting, an educational psychologist, health and social care, and anyone else whose advice is needed. We must tell you within 16 weeks of the request whether we will issue an EHC plan, and if we do, issue the final plan within 20 weeks of the request, by {final_due}.

Your views, interests and aspirations, and those of {child_name}, are central to the assessment. Please tell {caseworker} what you would like us to know, and about anyone you would like us to ask for advice.

Free and impartial information, advice and support is available from {information_service}."
        }
        LetterKind::DecisionNotToAssess => {
            "# Decision not to carry out an education, health and care needs assessment

We received a request for an education, health and care (EHC) needs assessment for {child_name} (date of birth {child_date_of_birth}) on {received_on}. Under section 36 of the Children and Families Act 2014 and regulation 5 of the Special Educational Needs and Disability Regulations 2014, we have decided not to carry out an EHC needs assessment. We made this decision on {decision_on}.

{caseworker} will explain our reasons and how we think {child_name}'s needs can be met from the support available to their school or setting. Please contact us if you would like to meet to talk about this decision.

"
        }
        LetterKind::AdviceRequest => {
            "# Request for advice and information for an EHC needs assessment

We are carrying out an education, health and care needs assessment for {child_name} (date of birth {child_date_of_birth}). Under regulation 6 of the Special Educational Needs and Disability Regulations 2014 we are asking you for {advice_kind} advice and information about their needs, the provision they may require to meet them, and the outcomes it should help them achieve.

We asked for this advice on {advice_requested_on}. Regulation 8 requires advice to be given within six weeks of our request, by {advice_due}, unless one of its exceptions applies. Please send your advice to {caseworker} by that date, and tell us at once if you cannot.

Please consult {child_name} and their parent, or the young person, in preparing your advice, and take account of their views."
        }
        LetterKind::DraftPlan => {
            "# Your draft education, health and care plan

We enclose the draft education, health and care (EHC) plan for {child_name}, issued on {draft_issued_on}, under regulation 13 of the Special Educational Needs and Disability Regulations 2014. The draft plan does not name a school or other institution, or the type of school or institution, in section I.

You have 15 days, counting the day we sent the draft plan, until {comments_by}, to:

- tell us your views on its contents, and ask for changes;
- ask us to name a particular school or other institution in the final plan: a maintained school, a maintained nursery school, an academy, an institution within the further education sector, a non-maintained special school or an independent special school approved under section 41 of the Children and Families Act 2014;
- ask to meet one of our officers to discuss the draft plan;
- ask for a personal budget for some of the provision in the plan.

If you do not agree with the final plan when it is issued you will be able to appeal to the First-tier Tribunal (Special Educational Needs and Disability). We must issue the final plan within 20 weeks of the request, by {final_due}.

Free and impartial information, advice and support is available from {information_service}."
        }
        LetterKind::NoPlan => {
            "# Decision not to issue an education, health and care plan

We have completed the education, health and care (EHC) needs assessment of {child_name} (date of birth {child_date_of_birth}) that followed the request we received on {received_on}. Under section 36(9) of the Children and Families Act 2014 and regulation 10 of the Special Educational Needs and Disability Regulations 2014, we have decided that it is not necessary to issue an EHC plan. We made this decision on {outcome_on}.

We enclose the advice and information gathered during the assessment. {caseworker} will explain our reasons, and how {child_name}'s needs can be met from the support available to their school or setting. Please contact us if you would like to meet to talk about this decision.

"
        }
        LetterKind::FinalPlan => {
            "# Your final education, health and care plan

We enclose the final education, health and care (EHC) plan for {child_name}, issued on {plan_issued_on} under regulation 14 of the Special Educational Needs and Disability Regulations 2014. We will review the plan at least every 12 months; the first review must be held by {first_review_due}.

You may appeal to the First-tier Tribunal (Special Educational Needs and Disability) about the special educational needs described in section B, the special educational provision in section F, and the school or other institution named in section I, or that none is named.

"
        }
        LetterKind::ReviewDecision => {
            "# Decision after the annual review of the education, health and care plan

The annual review meeting of the education, health and care (EHC) plan for {child_name} (date of birth {child_date_of_birth}) was held on {review_meeting_on}. Under regulation 20 of the Special Educational Needs and Disability Regulations 2014, we have decided to {review_decision_words}. We made this decision on {review_decision_on}.

{review_decision_detail}

"
        }
        LetterKind::Cease => {
            "# Decision to cease to maintain the education, health and care plan

Under section 45 of the Children and Families Act 2014 and regulations 29 to 31 of the Special Educational Needs and Disability Regulations 2014, we have decided to cease to maintain the education, health and care (EHC) plan for {child_name} (date of birth {child_date_of_birth}), issued on {plan_issued_on}. The plan ceases on {ceased_on}: {cease_reason}.

We consulted you, and the head teacher or principal of {child_name}'s school or other institution, before making this decision. The plan will continue to be maintained until the time has passed for bringing an appeal, and, if you appeal, until the appeal is concluded.

"
        }
    };
    let appeal = matches!(
        kind,
        LetterKind::DecisionNotToAssess
            | LetterKind::NoPlan
            | LetterKind::FinalPlan
            | LetterKind::ReviewDecision
            | LetterKind::Cease
    );
    if appeal { format!("{body}{APPEAL}") } else { body.to_string() }
}

/// Every field a template may use, with what it holds.
pub const FIELDS: &[(&str, &str)] = &[
    ("authority", "the authority's name"),
    ("letter_date", "the date of the letter"),
    ("addressee", "who the letter is to"),
    ("child_name", "the child's or young person's name"),
    ("child_date_of_birth", "their date of birth"),
    ("caseworker", "the caseworker's name, or 'your caseworker'"),
    ("request_id", "the request's id"),
    ("received_on", "the day the request was received"),
    ("decision_on", "the day the decision whether to assess was sent"),
    ("final_due", "20 weeks from the request"),
    ("advice_kind", "the kind of advice asked for"),
    ("advice_requested_on", "the day advice was asked for"),
    ("advice_due", "6 weeks from that day"),
    ("draft_issued_on", "the day the draft plan was issued"),
    ("comments_by", "the 15th day counting that day (the family portal shows the same date)"),
    ("outcome_on", "the day the outcome of the assessment was sent"),
    ("plan_issued_on", "the day the final plan was issued"),
    ("first_review_due", "12 months from that day"),
    ("review_meeting_on", "the day of the review meeting"),
    ("review_decision_on", "the day the review decision was sent"),
    ("review_decision_words", "what was decided, in words"),
    ("review_decision_detail", "what follows from that decision"),
    ("ceased_on", "the day the plan ceases"),
    ("cease_reason", "why it ceases"),
    ("appeal_by", "two months from the date of the letter"),
    ("mediation_service", "the mediation service (a setting)"),
    ("information_service", "the information, advice and support service (a setting)"),
];

/// A template's problem: a field it names that does not exist, or a brace left open.
pub fn check_template(template: &str) -> Result<(), String> {
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { return Err("a '{' is not closed by '}'".into()) };
        let name = &after[..close];
        if !FIELDS.iter().any(|(f, _)| *f == name) {
            return Err(format!("{{{name}}} is not a field a letter can use"));
        }
        rest = &after[close + 1..];
    }
    if template.trim().is_empty() {
        return Err("the template is empty".into());
    }
    if template.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err("the template has a control character (not a line break or tab) that a letter cannot print".into());
    }
    Ok(())
}

/// A part of a letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    Heading(String),
    Paragraph(String),
    /// A bulleted line.
    Bullet(String),
}

/// A letter, ready to be printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    pub kind: LetterKind,
    pub authority: String,
    pub date: Date,
    /// The addressee's name and postal address lines.
    pub to: Vec<String>,
    /// "Dear ...".
    pub salutation: String,
    pub parts: Vec<Part>,
    pub sign_off: String,
    /// Who the letter went to, when they are a contact of the child (for the case log).
    pub contact_id: Option<String>,
    /// The records it is about.
    pub request_id: String,
    pub advice_id: Option<String>,
    pub plan_id: Option<String>,
    pub review_id: Option<String>,
}

/// What a letter is asked for: its kind, the request, and (optionally) the advice or review.
#[derive(Debug, Clone)]
pub struct Asked<'a> {
    pub kind: LetterKind,
    pub request_id: &'a str,
    pub advice_id: Option<&'a str>,
    pub review_id: Option<&'a str>,
}

/// The settings a letter uses: the authority's name, its services, and staff names.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub authority: String,
    pub mediation_service: String,
    pub information_service: String,
    /// Staff names by staff id.
    pub staff_names: BTreeMap<String, String>,
}

/// Writes the letter `asked` for from the child's own records (`own`, as the child index
/// gives them) with `template`, dated `date`; refused, with the reason, when the record does
/// not yet hold what the letter needs.
pub fn write(own: &Casework, asked: &Asked, template: &str, settings: &Settings, date: Date) -> Result<Letter, String> {
    check_template(template)?;
    let child = own.children.front().ok_or("the child is not in the records")?;
    let request = own
        .requests
        .iter()
        .find(|r| r.request_id.as_str() == asked.request_id)
        .ok_or_else(|| format!("there is no request {} of this child", asked.request_id))?;
    let mut f: BTreeMap<&str, String> = BTreeMap::new();
    f.insert("authority", settings.authority.clone());
    f.insert("letter_date", in_words(date));
    f.insert("child_name", format!("{} {}", child.forename, child.surname));
    f.insert("child_date_of_birth", in_words(child.date_of_birth));
    let caseworker = request.caseworker.as_deref().and_then(|id| settings.staff_names.get(id));
    f.insert("caseworker", caseworker.map_or("your caseworker".to_string(), |n| n.clone()));
    f.insert("request_id", request.request_id.to_string());
    f.insert("received_on", in_words(request.received_on));
    f.insert("final_due", add(request.received_on, 20.weeks()));
    f.insert("appeal_by", add(date, 2.months()));
    f.insert("mediation_service", settings.mediation_service.clone());
    f.insert("information_service", settings.information_service.clone());
    let plan =
        own.plans.iter().filter(|p| p.request_id.as_deref() == Some(asked.request_id)).max_by_key(|p| p.issued_on);
    let mut letter = Letter {
        kind: asked.kind,
        authority: settings.authority.clone(),
        date,
        to: Vec::new(),
        salutation: String::new(),
        parts: Vec::new(),
        sign_off: format!(
            "{}\nFor {}",
            f["caseworker"].replace("your caseworker", "SEND casework team"),
            settings.authority
        ),
        contact_id: None,
        request_id: request.request_id.to_string(),
        advice_id: None,
        plan_id: None,
        review_id: None,
    };
    let decided = |d: AssessmentDecision| request.decision.filter(|x| x.value == d);
    match asked.kind {
        LetterKind::DecisionToAssess | LetterKind::DecisionNotToAssess => {
            let wanted = if asked.kind == LetterKind::DecisionToAssess {
                AssessmentDecision::Assess
            } else {
                AssessmentDecision::Refuse
            };
            let d = decided(wanted).ok_or_else(|| {
                format!(
                    "request {} has no decision '{}' recorded yet",
                    request.request_id,
                    wanted.label().to_lowercase()
                )
            })?;
            f.insert("decision_on", in_words(d.on));
        }
        LetterKind::AdviceRequest => {
            let advice = advice_of(own, request, asked.advice_id)?;
            f.insert("advice_kind", advice.kind.label().to_lowercase());
            f.insert("advice_requested_on", in_words(advice.requested_on));
            f.insert("advice_due", add(advice.requested_on, 6.weeks()));
            letter.advice_id = Some(advice.advice_id.to_string());
            letter.to = vec![advice.provider.clone().unwrap_or_else(|| format!("{} adviser", advice.kind.label()))];
            letter.salutation = "Dear colleague".into();
        }
        LetterKind::DraftPlan => {
            let draft = request
                .draft_issued_on
                .ok_or_else(|| format!("request {} has no draft plan issue date recorded yet", request.request_id))?;
            f.insert("draft_issued_on", in_words(draft));
            // The same last day the family sees in the portal (issue 20): reg. 13(1)(b)'s 15
            // days "beginning with the day on which the draft plan was served".
            f.insert("comments_by", in_words(crate::family::comments_end(draft)));
        }
        LetterKind::NoPlan => {
            let o = request.outcome.filter(|o| o.value == AssessmentOutcome::NoPlan).ok_or_else(|| {
                format!("request {} has no decision not to issue a plan recorded yet", request.request_id)
            })?;
            f.insert("outcome_on", in_words(o.on));
        }
        LetterKind::FinalPlan => {
            let p =
                plan.ok_or_else(|| format!("no EHC plan issued from request {} is recorded yet", request.request_id))?;
            f.insert("plan_issued_on", in_words(p.issued_on));
            f.insert("first_review_due", add(p.issued_on, 12.months()));
            letter.plan_id = Some(p.plan_id.to_string());
        }
        LetterKind::ReviewDecision => {
            let p =
                plan.ok_or_else(|| format!("no EHC plan issued from request {} is recorded yet", request.request_id))?;
            let review = review_of(own, p, asked.review_id)?;
            let d = review.decision.ok_or("the review has no decision recorded yet")?;
            f.insert("review_meeting_on", review.meeting_on.map_or("(not recorded)".into(), in_words));
            f.insert("review_decision_on", in_words(d.on));
            let (words, detail) = match d.value {
                ReviewDecision::Maintain => (
                    "maintain the plan without changing it",
                    "The plan stays as it is. We will review it again within 12 months.".to_string(),
                ),
                ReviewDecision::Amend => (
                    "amend the plan",
                    format!(
                        "We enclose the proposed amendments to the plan, with the evidence for them, under regulation 22. You have 15 days, counting the day we sent them, until {}, to tell us your views on them, to ask us to name a particular school or other institution, and to ask to meet one of our officers. We will then issue the amended plan, with your right to appeal, within 8 weeks of sending you the proposed amendments.",
                        in_words(crate::family::comments_end(d.on))
                    ),
                ),
                ReviewDecision::Cease => (
                    "cease to maintain the plan",
                    "We will write to you separately with the date the plan ceases and our reasons, under regulation 31.".into(),
                ),
            };
            f.insert("review_decision_words", words.into());
            f.insert("review_decision_detail", detail);
            letter.plan_id = Some(p.plan_id.to_string());
            letter.review_id = Some(review.review_id.to_string());
        }
        LetterKind::Cease => {
            let p =
                plan.ok_or_else(|| format!("no EHC plan issued from request {} is recorded yet", request.request_id))?;
            let c = p.ceased.ok_or_else(|| format!("plan {} has no date it ceases recorded yet", p.plan_id))?;
            f.insert("plan_issued_on", in_words(p.issued_on));
            f.insert("ceased_on", in_words(c.on));
            f.insert("cease_reason", c.value.label().to_lowercase());
            letter.plan_id = Some(p.plan_id.to_string());
        }
    }
    if letter.to.is_empty() {
        match family_addressee(own) {
            Some(c) => {
                letter.to = std::iter::once(c.name.clone())
                    .chain(
                        c.address
                            .iter()
                            .flat_map(|a| a.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string)),
                    )
                    .collect();
                letter.salutation = format!("Dear {}", c.name);
                letter.contact_id = Some(c.contact_id.to_string());
            }
            None => {
                letter.to = vec![format!("The parent or carer of {}", f["child_name"])];
                letter.salutation = "Dear parent or carer".into();
            }
        }
    }
    f.insert("addressee", letter.to[0].clone());
    letter.parts = parts(&fill(template, &f, asked.kind)?);
    Ok(letter)
}

/// Who a family's letter goes to: the young person when they are a contact, else a parent
/// or carer with parental responsibility, else any parent or carer (the first by contact id).
fn family_addressee(own: &Casework) -> Option<&Contact> {
    // The lowest contact id among equals, so that the choice does not depend on record order.
    let with = |roles: &[ContactRole], pr: bool| {
        own.contacts
            .iter()
            .filter(|c| roles.contains(&c.role) && (!pr || c.parental_responsibility))
            .min_by(|a, b| a.contact_id.cmp(&b.contact_id))
    };
    with(&[ContactRole::YoungPerson], false)
        .or_else(|| with(&[ContactRole::Parent, ContactRole::Carer], true))
        .or_else(|| with(&[ContactRole::Parent, ContactRole::Carer], false))
}

fn advice_of<'a>(own: &'a Casework, request: &Request, id: Option<&str>) -> Result<&'a Advice, String> {
    let mut of_request = own.advice.iter().filter(|a| a.request_id == request.request_id);
    match id {
        Some(id) => of_request
            .find(|a| a.advice_id.as_str() == id)
            .ok_or_else(|| format!("request {} has no advice {id}", request.request_id)),
        None => of_request
            .max_by_key(|a| a.requested_on)
            .ok_or_else(|| format!("request {} has no advice requested yet", request.request_id)),
    }
}

fn review_of<'a>(own: &'a Casework, plan: &Plan, id: Option<&str>) -> Result<&'a Review, String> {
    let mut of_plan = own.reviews.iter().filter(|v| v.plan_id == plan.plan_id);
    match id {
        Some(id) => of_plan
            .find(|v| v.review_id.as_str() == id)
            .ok_or_else(|| format!("plan {} has no review {id}", plan.plan_id)),
        None => of_plan
            .filter(|v| v.decision.is_some())
            .max_by_key(|v| v.decision.map(|d| d.on))
            .ok_or_else(|| format!("plan {} has no review with a decision recorded yet", plan.plan_id)),
    }
}

/// A date some span after `date`, in words.
fn add(date: Date, span: jiff::Span) -> String {
    date.checked_add(span).map_or_else(|_| "(out of range)".to_string(), in_words)
}

/// The template with each `{field}` replaced; refused when it names a field this letter has
/// no value for (a draft-plan notice has no `{advice_due}`), so that no notice goes out with a
/// blank where a date should be.
fn fill(template: &str, fields: &BTreeMap<&str, String>, kind: LetterKind) -> Result<String, String> {
    let mut out = String::with_capacity(template.len() + 256);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after.find('}').unwrap_or(after.len());
        let name = &after[..close];
        let value = fields.get(name).ok_or_else(|| {
            format!("the template uses {{{name}}}, which a letter of the kind '{}' does not have", kind.label())
        })?;
        out.push_str(value);
        rest = after.get(close + 1..).unwrap_or("");
    }
    out.push_str(rest);
    Ok(out)
}

/// Text to parts: `# ` headings, `- ` bullets, and paragraphs of the other lines, a line that
/// is empty (or only spaces) ending a paragraph.
fn parts(text: &str) -> Vec<Part> {
    let mut parts = Vec::new();
    let mut open_paragraph = false;
    for line in text.lines().map(str::trim) {
        if line.is_empty() {
            open_paragraph = false;
        } else if let Some(h) = line.strip_prefix("# ") {
            parts.push(Part::Heading(h.to_string()));
            open_paragraph = false;
        } else if let Some(b) = line.strip_prefix("- ") {
            parts.push(Part::Bullet(b.to_string()));
            open_paragraph = false;
        } else if open_paragraph && let Some(Part::Paragraph(p)) = parts.last_mut() {
            p.push(' ');
            p.push_str(line);
        } else {
            parts.push(Part::Paragraph(line.to_string()));
            open_paragraph = true;
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::*;

    #[test]
    fn every_default_template_uses_only_known_fields() {
        for kind in LetterKind::ALL {
            check_template(&default_template(*kind)).unwrap();
        }
        assert_eq!(check_template("Dear {nobody}"), Err("{nobody} is not a field a letter can use".into()));
        assert!(check_template("Dear {child_name").is_err());
        assert!(check_template("Dear\u{b}{child_name}").is_err(), "a vertical tab breaks a DOCX");
        let lines = parts("# Title\nOne\nline\n  \nTwo\n\n\n- a\n- b\nThree");
        assert_eq!(
            lines,
            [
                Part::Heading("Title".into()),
                Part::Paragraph("One line".into()),
                Part::Paragraph("Two".into()),
                Part::Bullet("a".into()),
                Part::Bullet("b".into()),
                Part::Paragraph("Three".into()),
            ]
        );
    }

    fn day(y: i16, m: i8, d: i8) -> Date {
        jiff::civil::date(y, m, d)
    }

    fn settings() -> Settings {
        Settings {
            authority: "Exampleshire County Council".into(),
            mediation_service: "Example Mediation".into(),
            information_service: "Exampleshire SENDIASS".into(),
            staff_names: BTreeMap::from([("cw1".to_string(), "Sam Jones".to_string())]),
        }
    }

    #[test]
    fn a_letter_is_refused_until_the_record_holds_what_it_needs_then_written_in_words() {
        let mut own = Casework::default();
        own.children.push_back(child("C1", day(2015, 3, 9)));
        own.requests.push_back(crate::records::Request {
            caseworker: Some("cw1".into()),
            ..request("R1", "C1", day(2026, 1, 5))
        });
        let asked = |kind| Asked { kind, request_id: "R1", advice_id: None, review_id: None };
        let template = |kind| default_template(kind);
        let refused = write(
            &own,
            &asked(LetterKind::DecisionToAssess),
            &template(LetterKind::DecisionToAssess),
            &settings(),
            day(2026, 2, 1),
        );
        assert_eq!(refused.unwrap_err(), "request R1 has no decision 'assess' recorded yet");
        let draft =
            write(&own, &asked(LetterKind::DraftPlan), &template(LetterKind::DraftPlan), &settings(), day(2026, 2, 1));
        assert_eq!(draft.unwrap_err(), "request R1 has no draft plan issue date recorded yet");
        own.requests[0].draft_issued_on = Some(day(2026, 4, 20));
        own.requests[0].decision = Some(crate::records::Dated::new(AssessmentDecision::Refuse, day(2026, 2, 10)));
        own.contacts.push_back(Contact {
            contact_id: "K1".into(),
            child_id: "C1".into(),
            role: ContactRole::Parent,
            name: "Jo Smith".into(),
            email: None,
            phone: None,
            address: Some("1 High Street\nExeter EX1 1AA".into()),
            preferred: None,
            parental_responsibility: true,
            organisation: None,
            urn: None,
        });
        let kind = LetterKind::DecisionNotToAssess;
        let letter = write(&own, &asked(kind), &template(kind), &settings(), day(2026, 2, 12)).unwrap();
        assert_eq!(letter.to, ["Jo Smith", "1 High Street", "Exeter EX1 1AA"]);
        assert_eq!(letter.contact_id.as_deref(), Some("K1"));
        let text: String = letter.parts.iter().map(|p| format!("{p:?}\n")).collect();
        assert!(text.contains("Alex Smith (date of birth 9 March 2015) on 5 January 2026"), "{text}");
        assert!(text.contains("We made this decision on 10 February 2026"), "{text}");
        assert!(text.contains("within two months of the date of this letter (12 April 2026)"), "{text}");
        assert!(text.contains("Sam Jones will explain"), "{text}");
        assert!(text.contains("Heading(\"Your right to appeal\")"), "{text}");
        let kind = LetterKind::DraftPlan;
        let notice = write(&own, &asked(kind), &template(kind), &settings(), day(2026, 4, 20)).unwrap();
        let text: String = notice.parts.iter().map(|p| format!("{p:?}\n")).collect();
        // 20 April is day 1 of the 15: the last day is 4 May, as the family portal says.
        assert!(text.contains("until 4 May 2026"), "{text}");
        assert!(text.contains("Bullet(\"ask to meet one of our officers to discuss the draft plan;\")"), "{text}");
        // A field of another kind of letter is refused, not left blank.
        let wrong = write(&own, &asked(kind), "Reply by {advice_due}.", &settings(), day(2026, 4, 20));
        assert_eq!(
            wrong.unwrap_err(),
            "the template uses {advice_due}, which a letter of the kind 'Draft EHC plan notice' does not have"
        );
    }
}
