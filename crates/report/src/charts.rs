//! Server-rendered SVG charts: small, dependency-free and accessible. Every chart is an
//! `<svg role="img">` with a title and a description that state what it shows; the pages that
//! use them put the data table beside the chart as its full text alternative.

use maud::{Markup, html};
use sendtrack_domain::dates::Month;
use sendtrack_domain::measures::Unit;

/// GOV.UK Design System colours: blue, orange, purple, green; black for text.
const COLOURS: [&str; 4] = ["#1d70b8", "#f47738", "#4c2c92", "#00703c"];
const TEXT: &str = "#0b0c0c";
const GRID: &str = "#b1b4b6";

/// A value as a chart labels it.
pub fn label(unit: Unit, v: f64) -> String {
    match unit {
        Unit::Count => format!("{}", v.round() as i64),
        Unit::Percent => format!("{v:.1}%"),
        Unit::Rate | Unit::Weeks | Unit::PerFte | Unit::Days => format!("{v:.1}"),
        Unit::Fte => format!("{v:.2}"),
        Unit::Pounds => format!("£{}", v.round() as i64),
    }
}

fn month_short(m: Month) -> String {
    const NAMES: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    format!("{} {:02}", NAMES[(m.month() - 1) as usize], m.year() % 100)
}

/// A round top for the value axis: 1, 2, 2.5 or 5 times a power of ten, at or above `max`.
fn axis_top(max: f64) -> f64 {
    if max <= 0.0 {
        return 1.0;
    }
    let power = 10f64.powf(max.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|s| s * power).find(|t| *t >= max).unwrap_or(10.0 * power)
}

/// One line of a line chart.
pub struct Series<'a> {
    pub name: &'a str,
    pub values: &'a [Option<f64>],
}

/// A line chart of monthly values, with an optional dashed reference line (a comparator or a
/// target). `id` must be unique on the page.
pub fn line_chart(
    id: &str,
    title: &str,
    months: &[Month],
    series: &[Series],
    unit: Unit,
    reference: Option<(&str, f64)>,
) -> Markup {
    let (width, height, left, right, top, bottom) = (640.0, 260.0, 56.0, 28.0, 16.0, 44.0);
    let plot_w = width - left - right;
    let plot_h = height - top - bottom;
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().flatten())
        .copied()
        .chain(reference.map(|r| r.1))
        .fold(0.0, f64::max);
    let top_value = axis_top(max);
    let x =
        |k: usize| left + if months.len() > 1 { plot_w * k as f64 / (months.len() - 1) as f64 } else { plot_w / 2.0 };
    let y = |v: f64| top + plot_h - plot_h * (v / top_value).clamp(0.0, 1.0);
    let description = describe(months, series, unit, reference);
    // Every other month on a year's chart; on a longer one, about 12 labels, so none overlap.
    let label_step = if months.len() <= 26 { 2 } else { months.len().div_ceil(12) };
    html! {
        svg class="chart" viewBox=(format!("0 0 {width} {height}")) role="img" aria-labelledby=(format!("{id}-title {id}-desc")) xmlns="http://www.w3.org/2000/svg" {
            title id=(format!("{id}-title")) { (title) }
            desc id=(format!("{id}-desc")) { (description) }
            @for step in 0..=4 {
                @let v = top_value * f64::from(step) / 4.0;
                line x1=(left) x2=(width - right) y1=(y(v)) y2=(y(v)) stroke=(GRID) stroke-width="1" {}
                text x=(left - 6.0) y=(y(v) + 4.0) text-anchor="end" font-size="11" fill=(TEXT) { (label(unit, v)) }
            }
            @for (k, m) in months.iter().enumerate() {
                @if k % label_step == 0 {
                    text x=(x(k)) y=(height - bottom + 16.0) text-anchor="middle" font-size="11" fill=(TEXT) { (month_short(*m)) }
                }
            }
            @if let Some((name, v)) = reference {
                line x1=(left) x2=(width - right) y1=(y(v)) y2=(y(v)) stroke=(TEXT) stroke-width="1.5" stroke-dasharray="6 4" {}
                text x=(width - right) y=(y(v) - 5.0) text-anchor="end" font-size="11" fill=(TEXT) { (name) ": " (label(unit, v)) }
            }
            @for (s, line) in series.iter().enumerate() {
                @let colour = COLOURS[s % COLOURS.len()];
                @for segment in segments(line.values).iter().filter(|s| s.len() > 1) {
                    @let points: Vec<String> = segment.iter().map(|&(k, v)| format!("{:.1},{:.1}", x(k), y(v))).collect();
                    polyline points=(points.join(" ")) fill="none" stroke=(colour) stroke-width="2.5" {}
                }
                @for (k, v) in line.values.iter().enumerate() {
                    @if let Some(v) = v {
                        circle cx=(x(k)) cy=(y(*v)) r="3" fill=(colour) {}
                    }
                }
            }
            @if series.len() > 1 {
                @for (s, line) in series.iter().enumerate() {
                    rect x=(left + 150.0 * s as f64) y=(height - 14.0) width="12" height="4" fill=(COLOURS[s % COLOURS.len()]) {}
                    text x=(left + 16.0 + 150.0 * s as f64) y=(height - 9.0) font-size="11" fill=(TEXT) { (line.name) }
                }
            }
        }
    }
}

/// Runs of consecutive defined values: a gap where a value is undefined.
fn segments(values: &[Option<f64>]) -> Vec<Vec<(usize, f64)>> {
    let mut out = vec![Vec::new()];
    for (k, v) in values.iter().enumerate() {
        match v {
            Some(v) => out.last_mut().into_iter().for_each(|s| s.push((k, *v))),
            None => out.push(Vec::new()),
        }
    }
    out.into_iter().filter(|s| !s.is_empty()).collect()
}

/// The chart in words: for each line, its first and last values and its range.
fn describe(months: &[Month], series: &[Series], unit: Unit, reference: Option<(&str, f64)>) -> String {
    let mut parts = Vec::new();
    for s in series {
        let defined: Vec<(usize, f64)> = s.values.iter().enumerate().filter_map(|(k, v)| v.map(|v| (k, v))).collect();
        let (Some(first), Some(last)) = (defined.first(), defined.last()) else {
            parts.push(format!("{}: no values.", s.name));
            continue;
        };
        let low = defined.iter().map(|d| d.1).fold(f64::INFINITY, f64::min);
        let high = defined.iter().map(|d| d.1).fold(f64::NEG_INFINITY, f64::max);
        parts.push(format!(
            "{}: {} in {}, {} in {}; lowest {}, highest {}.",
            s.name,
            label(unit, first.1),
            month_short(months[first.0]),
            label(unit, last.1),
            month_short(months[last.0]),
            label(unit, low),
            label(unit, high)
        ));
    }
    if let Some((name, v)) = reference {
        parts.push(format!("{name}: {}.", label(unit, v)));
    }
    parts.join(" ")
}

/// `text` cut to `max` characters with an ellipsis (the full text is in the description).
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max { text.to_string() } else { text.chars().take(max - 1).collect::<String>() + "…" }
}

/// A horizontal bar chart of one month's breakdown: (key, value) pairs.
pub fn bar_chart(id: &str, title: &str, bars: &[(String, f64)], unit: Unit) -> Markup {
    let row = 24.0;
    let (width, left) = (640.0, 290.0);
    let height = 16.0 + row * bars.len() as f64;
    let top_value = axis_top(bars.iter().map(|b| b.1).fold(0.0, f64::max));
    let bar_w = |v: f64| (width - left - 70.0) * (v / top_value).clamp(0.0, 1.0);
    let description: Vec<String> = bars.iter().map(|(k, v)| format!("{k}: {}", label(unit, *v))).collect();
    html! {
        svg class="chart" viewBox=(format!("0 0 {width} {height}")) role="img" aria-labelledby=(format!("{id}-title {id}-desc")) xmlns="http://www.w3.org/2000/svg" {
            title id=(format!("{id}-title")) { (title) }
            desc id=(format!("{id}-desc")) { (description.join("; ")) "." }
            @for (k, (key, v)) in bars.iter().enumerate() {
                @let y = 8.0 + row * k as f64;
                text x=(left - 8.0) y=(y + 15.0) text-anchor="end" font-size="12" fill=(TEXT) { (shorten(key, 44)) }
                rect x=(left) y=(y + 3.0) width=(format!("{:.1}", bar_w(*v).max(1.0))) height=(row - 8.0) fill=(COLOURS[0]) {}
                text x=(left + bar_w(*v) + 6.0) y=(y + 15.0) font-size="12" fill=(TEXT) { (label(unit, *v)) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_tops_are_round() {
        assert_eq!(axis_top(0.0), 1.0);
        assert_eq!(axis_top(7.0), 10.0);
        assert_eq!(axis_top(46.4), 50.0);
        assert_eq!(axis_top(180.0), 200.0);
        assert_eq!(axis_top(220.0), 250.0);
    }

    #[test]
    fn undefined_values_break_the_line() {
        let v = [Some(1.0), Some(2.0), None, Some(3.0)];
        assert_eq!(segments(&v), vec![vec![(0, 1.0), (1, 2.0)], vec![(3, 3.0)]]);
    }

    #[test]
    fn a_chart_says_what_it_shows() {
        let months: Vec<Month> = Month::containing(jiff::civil::date(2025, 1, 1))
            .through(Month::containing(jiff::civil::date(2025, 4, 1)))
            .collect();
        let values = [Some(40.0), Some(42.0), None, Some(45.5)];
        let svg = line_chart(
            "c1",
            "Plans within 20 weeks",
            &months,
            &[Series { name: "Devon", values: &values }],
            Unit::Percent,
            Some(("England 2024", 46.4)),
        )
        .into_string();
        assert!(svg.contains(r#"role="img""#) && svg.contains(r#"aria-labelledby="c1-title c1-desc""#));
        assert!(svg.contains("<title id=\"c1-title\">Plans within 20 weeks</title>"));
        assert!(
            svg.contains("Devon: 40.0% in Jan 25, 45.5% in Apr 25; lowest 40.0%, highest 45.5%. England 2024: 46.4%."),
            "{svg}"
        );
        assert_eq!(svg.matches("<polyline").count(), 1, "the gap leaves one line of two points and a single dot");
        assert_eq!(svg.matches("<circle").count(), 3);
        let bars = bar_chart("b1", "Overdue advice", &[("Health".into(), 12.0), ("EP".into(), 30.0)], Unit::Count)
            .into_string();
        assert!(bars.contains("Health: 12; EP: 30."), "{bars}");
    }
}
