//! A statutory letter (issue 18) as a printable page (HTML, printed to PDF by Chromium) and as
//! a Word document (DOCX: WordprocessingML written with the zip crate, Arial 11pt), from the
//! same parts, so the two say the same.

use maud::{DOCTYPE, html};
use sendtrack_domain::dates::in_words;
use sendtrack_domain::letters::{Letter, Part};
use std::io::Write as _;

/// The style of a printed letter: A4, Arial, the authority's name at the top.
const STYLE: &str = "@page{size:A4;margin:20mm 22mm}body{font-family:Arial,'Liberation Sans',sans-serif;font-size:11pt;line-height:1.4;color:#0b0c0c}\
.from{font-weight:bold;font-size:14pt;border-bottom:2px solid #0b0c0c;padding-bottom:4pt;margin-bottom:18pt}\
.to p,.date{margin:0}.date{margin:12pt 0}h2{font-size:12pt;margin:16pt 0 6pt}p{margin:0 0 8pt}ul{margin:0 0 8pt 18pt;padding:0}\
.sign{white-space:pre-line;margin-top:18pt}";

/// The letter as an HTML page, for printing and for showing before it is sent.
pub fn letter_html(letter: &Letter) -> String {
    html! {
        (DOCTYPE)
        html lang="en-GB" {
            head { meta charset="utf-8"; title { (letter.kind.label()) } style { (maud::PreEscaped(STYLE)) } }
            body { (letter_body(letter)) }
        }
    }
    .into_string()
}

/// The letter's content without the page around it (for a preview inside a page).
pub fn letter_body(letter: &Letter) -> maud::Markup {
    let mut blocks: Vec<maud::Markup> = Vec::new();
    let mut bullets: Vec<&str> = Vec::new();
    let flush = |bullets: &mut Vec<&str>, blocks: &mut Vec<maud::Markup>| {
        if !bullets.is_empty() {
            blocks.push(html! { ul { @for b in bullets.iter() { li { (b) } } } });
            bullets.clear();
        }
    };
    for part in &letter.parts {
        match part {
            Part::Bullet(b) => bullets.push(b),
            Part::Heading(h) => {
                flush(&mut bullets, &mut blocks);
                blocks.push(html! { h2 { (h) } });
            }
            Part::Paragraph(p) => {
                flush(&mut bullets, &mut blocks);
                blocks.push(html! { p { (p) } });
            }
        }
    }
    flush(&mut bullets, &mut blocks);
    html! {
        p class="from" { (letter.authority) }
        div class="to" { @for line in &letter.to { p { (line) } } }
        p class="date" { (in_words(letter.date)) }
        p { (letter.salutation) "," }
        @for b in &blocks { (b) }
        p { "Yours sincerely," }
        p class="sign" { (letter.sign_off) }
    }
}

/// Text escaped for XML.
fn xml(text: &str) -> String {
    // XML 1.0 allows no control characters but tab and line breaks: any other is dropped.
    let allowed: String = text
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
        .filter(|c| !matches!(c, '\u{fffe}' | '\u{ffff}'))
        .collect();
    allowed.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// One paragraph of WordprocessingML: bold and size (half-points) optional.
fn paragraph(text: &str, bold: bool, half_points: u8, bullet: bool) -> String {
    let indent = if bullet { "<w:ind w:left=\"360\" w:hanging=\"360\"/>" } else { "" };
    let shown = if bullet { format!("\u{2022}\t{text}") } else { text.to_string() };
    let runs: Vec<String> = shown
        .split('\n')
        .map(|line| {
            format!(
                "<w:r><w:rPr><w:rFonts w:ascii=\"Arial\" w:hAnsi=\"Arial\" w:cs=\"Arial\"/>{}<w:sz w:val=\"{half_points}\"/></w:rPr><w:t xml:space=\"preserve\">{}</w:t></w:r>",
                if bold { "<w:b/>" } else { "" },
                xml(line)
            )
        })
        .collect();
    format!("<w:p><w:pPr><w:spacing w:after=\"160\"/>{indent}</w:pPr>{}</w:p>", runs.join("<w:r><w:br/></w:r>"))
}

/// Why a DOCX could not be written.
#[derive(Debug, thiserror::Error)]
pub enum DocxError {
    #[error("cannot write the document: {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("cannot write the document: {0}")]
    Io(#[from] std::io::Error),
}

/// The letter as a Word document.
pub fn letter_docx(letter: &Letter) -> Result<Vec<u8>, DocxError> {
    let mut body = String::new();
    body.push_str(&paragraph(&letter.authority, true, 28, false));
    for line in &letter.to {
        body.push_str(&paragraph(line, false, 22, false));
    }
    body.push_str(&paragraph(&in_words(letter.date), false, 22, false));
    body.push_str(&paragraph(&format!("{},", letter.salutation), false, 22, false));
    for part in &letter.parts {
        body.push_str(&match part {
            Part::Heading(h) => paragraph(h, true, 24, false),
            Part::Paragraph(p) => paragraph(p, false, 22, false),
            Part::Bullet(b) => paragraph(b, false, 22, true),
        });
    }
    body.push_str(&paragraph("Yours sincerely,", false, 22, false));
    body.push_str(&paragraph(&letter.sign_off, false, 22, false));
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}\
<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"1134\" w:right=\"1247\" w:bottom=\"1134\" w:left=\"1247\" w:header=\"709\" w:footer=\"709\" w:gutter=\"0\"/></w:sectPr></w:body></w:document>"
    );
    let content_types = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>";
    let rels = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>";
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in
        [("[Content_Types].xml", content_types), ("_rels/.rels", rels), ("word/document.xml", &document)]
    {
        zip.start_file(name, options)?;
        zip.write_all(text.as_bytes())?;
    }
    Ok(zip.finish()?.into_inner())
}

/// The letter as a PDF, printed by headless Chromium.
pub fn letter_pdf(letter: &Letter) -> Result<Vec<u8>, crate::pdf::PrintError> {
    let dir = tempfile::tempdir()?;
    let out = dir.path().join("letter.pdf");
    crate::pdf::print_to_pdf(&letter_html(letter), &out)?;
    Ok(std::fs::read(&out)?)
}
