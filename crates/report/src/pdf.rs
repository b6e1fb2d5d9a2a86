//! The board pack as PDF: the pack's HTML printed by headless Chromium (Debian's `chromium`
//! package, or the program `SENDTRACK_CHROMIUM` names).

use std::path::{Path, PathBuf};
use std::process::Command;

/// Why a PDF could not be printed.
#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    #[error("cannot prepare the page to print: {0}")]
    Io(#[from] std::io::Error),
    #[error(
        "cannot run Chromium to print the PDF ({0}); install Debian's chromium package, or set SENDTRACK_CHROMIUM, or use --format html"
    )]
    NoChromium(std::io::Error),
    #[error("Chromium could not print the PDF: {0}")]
    Failed(String),
}

/// The Chromium to print with: `SENDTRACK_CHROMIUM`, else `chromium` on the PATH.
fn chromium() -> PathBuf {
    std::env::var_os("SENDTRACK_CHROMIUM").map_or_else(|| PathBuf::from("chromium"), PathBuf::from)
}

/// Prints `html` to a PDF at `out` with headless Chromium.
pub fn print_to_pdf(html: &str, out: &Path) -> Result<(), PrintError> {
    // A directory of its own: a web server prints several at once.
    let dir = tempfile::Builder::new().prefix("sendtrack-print-").tempdir()?;
    let work = dir.path().to_path_buf();
    let page = work.join("board.html");
    std::fs::write(&page, html)?;
    let out_abs = std::path::absolute(out)?;
    let printed = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", work.join("profile").display()))
        .arg(format!("--print-to-pdf={}", out_abs.display()))
        .arg(format!("file://{}", page.display()))
        .output();
    drop(dir);
    match printed {
        Err(e) => Err(PrintError::NoChromium(e)),
        Ok(o) if !o.status.success() || !out_abs.exists() => {
            Err(PrintError::Failed(String::from_utf8_lossy(&o.stderr).lines().last().unwrap_or("").to_string()))
        }
        Ok(_) => Ok(()),
    }
}
