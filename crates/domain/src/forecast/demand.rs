//! Monthly flows (requests, decisions, plans issued): a level, a yearly growth and the
//! school year's seasonality, estimated from the months up to the forecast's origin.

use crate::dates::Month;

/// The most recent months a flow's model reads: five years.
const WINDOW: usize = 60;
/// The yearly growth is held within these bounds: a year of upheaval (a pandemic, a change of
/// recording) must not be carried forward unchecked.
const GROWTH_BOUNDS: (f64, f64) = (0.75, 1.35);

/// A flow's seasonal profile: for each calendar month (January first), its usual level as a
/// multiple of the yearly mean; all 1 when there are fewer than two years of history.
pub fn seasonal_profile(values: &[f64], last: Month) -> [f64; 12] {
    let values = &values[values.len().saturating_sub(WINDOW)..];
    let n = values.len();
    let mut profile = [1.0; 12];
    if n < 24 {
        return profile;
    }
    // The ratio of each month to the centred 12-month mean around it (a 2x12 moving average),
    // averaged over the years for each calendar month.
    let mut sums = [0.0; 12];
    let mut counts = [0usize; 12];
    for i in 6..n - 6 {
        let window = &values[i - 6..=i + 6];
        let centred = (window[1..12].iter().sum::<f64>() + (window[0] + window[12]) / 2.0) / 12.0;
        if centred > 0.0 {
            let month = calendar(last, n, i);
            sums[month] += values[i] / centred;
            counts[month] += 1;
        }
    }
    for c in 0..12 {
        if counts[c] > 0 {
            // Shrunk towards 1 by one year's weight: with two or three years a month's noise
            // is not taken for a season.
            let years = counts[c] as f64;
            profile[c] = (sums[c] + 1.0) / (years + 1.0);
        }
    }
    let mean = profile.iter().sum::<f64>() / 12.0;
    if mean > 0.0 {
        profile.iter_mut().for_each(|p| *p /= mean);
    }
    profile
}

/// The calendar month (0 = January) of `values[i]`, the last of `n` values being `last`.
fn calendar(last: Month, n: usize, i: usize) -> usize {
    let month = last.plus(i as i32 - (n as i32 - 1));
    (month.month() - 1) as usize
}

/// The forecast of a monthly flow for the `horizon` months after `last` (the month of the last
/// value): the seasonally adjusted mean of the last 12 months, grown at the rate of the last 12
/// months against the 12 before (when there are 24), times the month's seasonal factor.
pub fn forecast_flow(values: &[f64], last: Month, horizon: usize) -> Vec<f64> {
    let values = &values[values.len().saturating_sub(WINDOW)..];
    let n = values.len();
    if n == 0 {
        return vec![0.0; horizon];
    }
    let profile = seasonal_profile(values, last);
    let recent = n.min(12);
    // The mean month of the last `recent`, with the season taken out: over a whole year the
    // forecast then totals what the year did (before growth).
    let seasons: f64 = (n - recent..n).map(|i| profile[calendar(last, n, i)]).sum();
    let level = values[n - recent..].iter().sum::<f64>() / seasons.max(0.05);
    let growth = if n >= 24 {
        let this: f64 = values[n - 12..].iter().sum();
        let before: f64 = values[n - 24..n - 12].iter().sum();
        if before > 0.0 { (this / before).clamp(GROWTH_BOUNDS.0, GROWTH_BOUNDS.1) } else { 1.0 }
    } else {
        1.0
    };
    let monthly = growth.powf(1.0 / 12.0);
    // The level is the mean of the last `recent` months: it stands at their middle.
    let centre = (recent as f64 - 1.0) / 2.0;
    (1..=horizon)
        .map(|h| {
            let month = last.plus(h as i32);
            level * monthly.powf(h as f64 + centre) * profile[(month.month() - 1) as usize]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn month(y: i16, m: i8) -> Month {
        Month::new(y, m).expect("a month")
    }

    #[test]
    fn a_flat_flow_is_forecast_flat() {
        let values = vec![100.0; 36];
        let forecast = forecast_flow(&values, month(2026, 6), 12);
        assert!(forecast.iter().all(|f| (f - 100.0).abs() < 1e-9), "{forecast:?}");
    }

    #[test]
    fn a_flow_growing_ten_percent_a_year_keeps_growing() {
        // Monthly growth of 10% a year, smooth: the next 12 months total 10% more than the last.
        let g = 1.1f64.powf(1.0 / 12.0);
        let values: Vec<f64> = (0..36).map(|i| 100.0 * g.powi(i)).collect();
        let forecast = forecast_flow(&values, month(2026, 12), 12);
        let last: f64 = values[24..].iter().sum();
        let next: f64 = forecast.iter().sum();
        assert!((next / last - 1.1).abs() < 0.002, "{}", next / last);
    }

    #[test]
    fn an_autumn_peak_is_forecast_in_the_autumn() {
        // Twice as many requests in October as in any other month, every year.
        let last = month(2026, 8);
        let values: Vec<f64> = (0..48).map(|i| if last.plus(i - 47).month() == 10 { 200.0 } else { 100.0 }).collect();
        let profile = seasonal_profile(&values, last);
        assert!(profile[9] > 1.6 && profile[0] < 1.0, "{profile:?}");
        let forecast = forecast_flow(&values, last, 12);
        // September is h = 1, October h = 2.
        assert!(forecast[1] > 1.6 * forecast[0], "{forecast:?}");
        let total: f64 = forecast.iter().sum();
        assert!((total - 1300.0).abs() < 1.0, "{total}");
    }

    #[test]
    fn a_short_history_has_no_season_and_no_growth() {
        let values = vec![10.0, 20.0, 30.0];
        let forecast = forecast_flow(&values, month(2026, 3), 2);
        assert_eq!(forecast, vec![20.0, 20.0]);
    }
}
