//! GOV.UK Design System components as typed Rust: each takes what the component needs, in
//! the words of the design system, and writes its markup the one way the design system
//! documents, so a page says what it shows, not how a table or a tag is spelled in HTML.

use maud::{Markup, Render, html};

/// A tag's colour (`govuk-tag--<colour>`); `None` is the default dark blue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Colour {
    Grey,
    Green,
    Blue,
    Red,
    Orange,
    Yellow,
}

impl Colour {
    fn class(self) -> &'static str {
        match self {
            Colour::Grey => "govuk-tag govuk-tag--grey",
            Colour::Green => "govuk-tag govuk-tag--green",
            Colour::Blue => "govuk-tag govuk-tag--blue",
            Colour::Red => "govuk-tag govuk-tag--red",
            Colour::Orange => "govuk-tag govuk-tag--orange",
            Colour::Yellow => "govuk-tag govuk-tag--yellow",
        }
    }
}

/// The tag component: a short status.
pub fn tag(text: impl Render, colour: Colour) -> Markup {
    html! { strong class=(colour.class()) { (text) } }
}

/// A link in a summary list row or on a summary card: "Change", with the thing it changes
/// said to screen readers.
pub struct Action<'a> {
    pub href: &'a str,
    pub text: &'a str,
    pub hidden: &'a str,
}

impl Render for Action<'_> {
    fn render(&self) -> Markup {
        html! { a class="govuk-link" href=(self.href) { (self.text) span class="govuk-visually-hidden" { " " (self.hidden) } } }
    }
}

/// One row of a summary list.
pub struct Row<'a> {
    pub key: &'a str,
    pub value: Markup,
    pub action: Option<Action<'a>>,
}

/// A row with a key and a value.
pub fn row<'a>(key: &'a str, value: impl Render) -> Row<'a> {
    Row { key, value: value.render(), action: None }
}

/// The summary list component.
pub fn summary_list(rows: &[Row]) -> Markup {
    html! {
        dl class="govuk-summary-list" {
            @for r in rows {
                div class="govuk-summary-list__row" {
                    dt class="govuk-summary-list__key" { (r.key) }
                    dd class="govuk-summary-list__value" { (r.value) }
                    @if let Some(a) = &r.action { dd class="govuk-summary-list__actions" { (a) } }
                }
            }
        }
    }
}

/// The summary card component: a titled summary list, with its actions.
pub fn summary_card(title: &str, actions: &[Action], rows: &[Row]) -> Markup {
    html! {
        div class="govuk-summary-card" {
            div class="govuk-summary-card__title-wrapper" {
                h3 class="govuk-summary-card__title" { (title) }
                @if !actions.is_empty() {
                    ul class="govuk-summary-card__actions" {
                        @for a in actions { li class="govuk-summary-card__action" { (a) } }
                    }
                }
            }
            div class="govuk-summary-card__content" { (summary_list(rows)) }
        }
    }
}

/// How large a table's caption is.
#[derive(Debug, Clone, Copy)]
pub enum Caption {
    Small,
    Medium,
    /// Said to screen readers only (the heading above says it).
    Hidden,
}

/// A column heading of a table.
pub struct Heading {
    content: Markup,
    numeric: bool,
    sort: Option<&'static str>,
}

/// A heading.
pub fn heading(content: impl Render) -> Heading {
    Heading { content: content.render(), numeric: false, sort: None }
}

/// A heading of a column of numbers (right-aligned).
pub fn numeric_heading(content: impl Render) -> Heading {
    Heading { content: content.render(), numeric: true, sort: None }
}

/// A heading of a column the table can be sorted by: `sort` is `ascending`, `descending` or
/// `none`, as `aria-sort` says it; the content is the link that sorts.
pub fn sortable_heading(content: impl Render, sort: &'static str) -> Heading {
    Heading { content: content.render(), numeric: false, sort: Some(sort) }
}

/// A cell of a table body.
pub enum Cell {
    /// The row's header (`th scope="row"`).
    RowHeader(Markup),
    Data(Markup),
    /// A number (right-aligned).
    Number(Markup),
}

/// The row's header cell.
pub fn row_header(content: impl Render) -> Cell {
    Cell::RowHeader(content.render())
}

/// A data cell.
pub fn cell(content: impl Render) -> Cell {
    Cell::Data(content.render())
}

/// A number cell.
pub fn number(content: impl Render) -> Cell {
    Cell::Number(content.render())
}

impl Render for Cell {
    fn render(&self) -> Markup {
        match self {
            Cell::RowHeader(m) => html! { th scope="row" class="govuk-table__header" { (m) } },
            Cell::Data(m) => html! { td class="govuk-table__cell" { (m) } },
            Cell::Number(m) => html! { td class="govuk-table__cell govuk-table__cell--numeric" { (m) } },
        }
    }
}

/// The table component: a caption, column headings and rows of cells.
pub fn table(caption: (Caption, impl Render), head: &[Heading], rows: impl IntoIterator<Item = Vec<Cell>>) -> Markup {
    let (size, words) = caption;
    let caption_class = match size {
        Caption::Small => "govuk-table__caption govuk-table__caption--s",
        Caption::Medium => "govuk-table__caption govuk-table__caption--m",
        Caption::Hidden => "govuk-table__caption govuk-table__caption--s govuk-visually-hidden",
    };
    html! {
        table class="govuk-table" {
            caption class=(caption_class) { (words) }
            thead class="govuk-table__head" {
                tr class="govuk-table__row" {
                    @for h in head {
                        th scope="col" class=(if h.numeric { "govuk-table__header govuk-table__header--numeric" } else { "govuk-table__header" }) aria-sort=[h.sort] { (h.content) }
                    }
                }
            }
            tbody class="govuk-table__body" {
                @for r in rows { tr class="govuk-table__row" { @for c in &r { (c) } } }
            }
        }
    }
}

/// A hint and an error message under a label, with the ids `aria-describedby` names.
struct Messages<'a> {
    id: &'a str,
    hint: Option<&'a str>,
    error: Option<&'a str>,
}

impl Messages<'_> {
    fn described_by(&self) -> Option<String> {
        let ids: Vec<String> =
            [self.hint.map(|_| format!("{}-hint", self.id)), self.error.map(|_| format!("{}-error", self.id))]
                .into_iter()
                .flatten()
                .collect();
        (!ids.is_empty()).then(|| ids.join(" "))
    }

    fn group_class(&self) -> &'static str {
        if self.error.is_some() { "govuk-form-group govuk-form-group--error" } else { "govuk-form-group" }
    }
}

impl Render for Messages<'_> {
    fn render(&self) -> Markup {
        html! {
            @if let Some(h) = self.hint { div id=(format!("{}-hint", self.id)) class="govuk-hint" { (h) } }
            @if let Some(e) = self.error { p id=(format!("{}-error", self.id)) class="govuk-error-message" { span class="govuk-visually-hidden" { "Error:" } " " (e) } }
        }
    }
}

/// A select, with its label, hint and error message.
pub struct Select<'a> {
    /// The id and the field's name.
    pub id: &'a str,
    pub label: &'a str,
    /// A form's question (bold label, " (optional)" when it may be left empty) rather than a filter's.
    pub question: Option<Required>,
    pub hint: Option<&'a str>,
    pub error: Option<&'a str>,
    /// Each option's value and words.
    pub options: Vec<(String, String)>,
    pub selected: &'a str,
}

/// The select component.
pub fn select(s: &Select) -> Markup {
    let messages = Messages { id: s.id, hint: s.hint, error: s.error };
    html! {
        div class=(messages.group_class()) {
            label class=(if s.question.is_some() { "govuk-label govuk-label--s" } else { "govuk-label" }) for=(s.id) { (s.label) (optional(s.question)) }
            (messages)
            select class=(if s.error.is_some() { "govuk-select govuk-select--error" } else { "govuk-select" }) id=(s.id) name=(s.id) aria-describedby=[messages.described_by()] {
                @for (value, words) in &s.options {
                    option value=(value) selected[value == s.selected] { (words) }
                }
            }
        }
    }
}

/// Whether a form's field must be filled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Required {
    Yes,
    No,
}

/// " (optional)" after the label of a field that may be left empty.
fn optional(question: Option<Required>) -> &'static str {
    if question == Some(Required::No) { " (optional)" } else { "" }
}

/// Radios, in a fieldset with its legend, hint and error message.
pub struct Radios<'a> {
    /// The field's name, and the id of the radios (the error summary's link); each radio's id
    /// is `<name>-<value>` (`<name>-none` for the empty value).
    pub name: &'a str,
    pub legend: &'a str,
    pub required: Required,
    pub hint: Option<&'a str>,
    pub error: Option<&'a str>,
    /// Each radio's value and words.
    pub options: Vec<(String, String)>,
    pub checked: &'a str,
    /// Small, side-by-side radios (for a yes-or-no).
    pub inline: bool,
}

/// The radios component.
pub fn radios(r: &Radios) -> Markup {
    let messages = Messages { id: r.name, hint: r.hint, error: r.error };
    let class = if r.inline { "govuk-radios govuk-radios--small govuk-radios--inline" } else { "govuk-radios" };
    html! {
        div class=(messages.group_class()) {
            fieldset class="govuk-fieldset" aria-describedby=[messages.described_by()] {
                legend class="govuk-fieldset__legend govuk-fieldset__legend--s" { (r.legend) (optional(Some(r.required))) }
                (messages)
                div class=(class) data-module="govuk-radios" id=(r.name) {
                    @for (value, words) in &r.options {
                        @let id = format!("{}-{}", r.name, if value.is_empty() { "none" } else { value });
                        div class="govuk-radios__item" {
                            input class="govuk-radios__input" id=(id) name=(r.name) type="radio" value=(value) checked[value == r.checked];
                            label class="govuk-label govuk-radios__label" for=(id) { (words) }
                        }
                    }
                }
            }
        }
    }
}

/// A date input: day, month and year, each its own field (`<id>-day`, ...).
pub struct DateInput<'a> {
    pub id: &'a str,
    pub legend: &'a str,
    pub required: Required,
    pub hint: Option<&'a str>,
    pub error: Option<&'a str>,
    /// The day, month and year entered.
    pub value: [&'a str; 3],
}

/// The date input component.
pub fn date_input(d: &DateInput) -> Markup {
    let messages = Messages { id: d.id, hint: d.hint, error: d.error };
    let input_class = |width: &str| {
        let error = if d.error.is_some() { " govuk-input--error" } else { "" };
        format!("govuk-input govuk-date-input__input govuk-input--width-{width}{error}")
    };
    html! {
        div class=(messages.group_class()) {
            fieldset class="govuk-fieldset" role="group" aria-describedby=[messages.described_by()] {
                legend class="govuk-fieldset__legend govuk-fieldset__legend--s" { (d.legend) (optional(Some(d.required))) }
                (messages)
                div class="govuk-date-input" id=(d.id) {
                    @for ((part, words, width), value) in [("day", "Day", "2"), ("month", "Month", "2"), ("year", "Year", "4")].into_iter().zip(d.value) {
                        div class="govuk-date-input__item" {
                            div class="govuk-form-group" {
                                label class="govuk-label govuk-date-input__label" for=(format!("{}-{part}", d.id)) { (words) }
                                input class=(input_class(width)) id=(format!("{}-{part}", d.id)) name=(format!("{}-{part}", d.id)) type="text" inputmode="numeric" value=(value);
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The pagination component: previous and next links, and the numbers of the pages near
/// this one (with the first and last), `href(n)` being page `n`'s address.
pub fn pagination(label: &str, page: usize, pages: usize, href: impl Fn(usize) -> String) -> Markup {
    html! {
        @if pages > 1 {
            nav class="govuk-pagination" aria-label=(label) {
                @if page > 1 {
                    div class="govuk-pagination__prev" { a class="govuk-link govuk-pagination__link" href=(href(page - 1)) rel="prev" { span class="govuk-pagination__link-title" { "Previous" span class="govuk-visually-hidden" { " page" } } } }
                }
                ul class="govuk-pagination__list" {
                    @for n in 1..=pages {
                        @if n == 1 || n == pages || n.abs_diff(page) <= 2 {
                            li class=(if n == page { "govuk-pagination__item govuk-pagination__item--current" } else { "govuk-pagination__item" }) {
                                a class="govuk-link govuk-pagination__link" href=(href(n)) aria-label=(format!("Page {n}")) aria-current=[(n == page).then_some("page")] { (n) }
                            }
                        } @else if n.abs_diff(page) == 3 {
                            li class="govuk-pagination__item govuk-pagination__item--ellipses" { "⋯" }
                        }
                    }
                }
                @if page < pages {
                    div class="govuk-pagination__next" { a class="govuk-link govuk-pagination__link" href=(href(page + 1)) rel="next" { span class="govuk-pagination__link-title" { "Next" span class="govuk-visually-hidden" { " page" } } } }
                }
            }
        }
    }
}

/// A link of the service navigation: where, its words, and whether it is the current section.
pub struct NavLink<'a> {
    pub href: &'a str,
    pub words: &'a str,
    pub current: bool,
}

/// The service navigation component: the service's name and, for a signed-in person, the
/// sections of the service.
pub fn service_navigation(service: &str, links: &[NavLink]) -> Markup {
    html! {
        section aria-label="Service information" class="govuk-service-navigation" data-module="govuk-service-navigation" {
            div class="govuk-width-container" {
                div class="govuk-service-navigation__container" {
                    span class="govuk-service-navigation__service-name" {
                        a href="/" class="govuk-service-navigation__link" { (service) }
                    }
                    @if !links.is_empty() {
                        nav aria-label="Menu" class="govuk-service-navigation__wrapper" {
                            button type="button" class="govuk-service-navigation__toggle govuk-js-service-navigation-toggle" aria-controls="navigation" hidden { "Menu" }
                            ul class="govuk-service-navigation__list" id="navigation" {
                                @for l in links {
                                    @if l.current {
                                        li class="govuk-service-navigation__item govuk-service-navigation__item--active" {
                                            a class="govuk-service-navigation__link" href=(l.href) aria-current="page" {
                                                strong class="govuk-service-navigation__active-fallback" { (l.words) }
                                            }
                                        }
                                    } @else {
                                        li class="govuk-service-navigation__item" { a class="govuk-service-navigation__link" href=(l.href) { (l.words) } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The phase banner component.
pub fn phase_banner(phase: &str, text: &str) -> Markup {
    html! {
        div class="govuk-phase-banner" {
            p class="govuk-phase-banner__content" {
                strong class="govuk-tag govuk-phase-banner__content__tag" { (phase) }
                span class="govuk-phase-banner__text" { (text) }
            }
        }
    }
}

/// The error summary component: a list of problems, each linking to its field.
pub fn error_summary(errors: &[(&str, &str)]) -> Markup {
    html! {
        @if !errors.is_empty() {
            div class="govuk-error-summary" data-module="govuk-error-summary" {
                div role="alert" {
                    h2 class="govuk-error-summary__title" { "There is a problem" }
                    div class="govuk-error-summary__body" {
                        ul class="govuk-list govuk-error-summary__list" {
                            @for (field, message) in errors { li { a href=(format!("#{field}")) { (message) } } }
                        }
                    }
                }
            }
        }
    }
}

/// The notification banner component, as a success: announcing that something was done.
pub fn success_banner(text: &str) -> Markup {
    html! {
        div class="govuk-notification-banner govuk-notification-banner--success" role="alert" aria-labelledby="success-title" data-module="govuk-notification-banner" {
            div class="govuk-notification-banner__header" { h2 class="govuk-notification-banner__title" id="success-title" { "Success" } }
            div class="govuk-notification-banner__content" { p class="govuk-notification-banner__heading" { (text) } }
        }
    }
}

/// A text input, with its label, hint and error message.
#[derive(Default)]
pub struct TextInput<'a> {
    pub id: &'a str,
    pub label: &'a str,
    /// The input's type: `text` when empty.
    pub kind: &'a str,
    pub autocomplete: Option<&'a str>,
    pub value: &'a str,
    pub hint: Option<&'a str>,
    pub error: Option<&'a str>,
    /// A GOV.UK fixed width (`20`, `10`, ...), if any.
    pub width: Option<&'a str>,
}

/// The text input component.
pub fn text_input(f: TextInput) -> Markup {
    let messages = Messages { id: f.id, hint: f.hint, error: f.error };
    let mut class = String::from("govuk-input");
    if let Some(w) = f.width {
        class.push_str(&format!(" govuk-input--width-{w}"));
    }
    if f.error.is_some() {
        class.push_str(" govuk-input--error");
    }
    html! {
        div class=(messages.group_class()) {
            label class="govuk-label" for=(f.id) { (f.label) }
            (messages)
            input class=(class) id=(f.id) name=(f.id) type=(if f.kind.is_empty() { "text" } else { f.kind }) autocomplete=[f.autocomplete] spellcheck="false" value=(f.value) aria-describedby=[messages.described_by()];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_write_the_design_systems_markup() {
        let t = table(
            (Caption::Medium, "Open work"),
            &[heading("Kind"), numeric_heading("Cases")],
            [vec![row_header("Health"), number(3)]],
        )
        .into_string();
        assert!(
            t.contains(r#"<caption class="govuk-table__caption govuk-table__caption--m">Open work</caption>"#),
            "{t}"
        );
        assert!(t.contains(r#"<th scope="col" class="govuk-table__header govuk-table__header--numeric">Cases</th>"#));
        assert!(t.contains(r#"<th scope="row" class="govuk-table__header">Health</th><td class="govuk-table__cell govuk-table__cell--numeric">3</td>"#));
        assert_eq!(tag("Late", Colour::Red).into_string(), r#"<strong class="govuk-tag govuk-tag--red">Late</strong>"#);
        let s = select(&Select {
            id: "role",
            label: "Role",
            question: None,
            hint: None,
            error: Some("Choose a role"),
            options: vec![("manager".into(), "Manager".into()), ("analyst".into(), "Analyst".into())],
            selected: "analyst",
        })
        .into_string();
        assert!(
            s.contains(r#"aria-describedby="role-error""#) && s.contains(r#"<option value="analyst" selected>"#),
            "{s}"
        );
        let p = pagination("Pages", 5, 20, |n| format!("?page={n}")).into_string();
        assert!(
            p.contains(r#"aria-current="page">5<"#) && p.contains("⋯") && p.contains(r#"href="?page=4" rel="prev""#),
            "{p}"
        );
        assert!(pagination("Pages", 1, 1, |n| n.to_string()).into_string().is_empty(), "one page needs no pagination");
    }
}
