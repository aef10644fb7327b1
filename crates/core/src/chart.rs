//! Geometry of a stacked bar chart, as pure data: scales, ticks and bar rectangles. The app only
//! draws SVG from it, so the arithmetic is tested natively. Pixels are `f64`; amounts stay `Decimal`.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

/// One rectangle of a stacked bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// Column (e.g. month) index.
    pub column: usize,
    /// Series (e.g. resource type) index.
    pub series: usize,
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
    /// The amount drawn.
    pub value: Decimal,
}

/// A horizontal grid line with its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Tick {
    /// Vertical position.
    pub y: f64,
    /// Value at that position.
    pub value: Decimal,
}

/// Everything needed to draw the chart.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartLayout {
    /// Rectangles, column by column, series in order (bottom first).
    pub bars: Vec<Bar>,
    /// Grid lines, bottom first.
    pub ticks: Vec<Tick>,
    /// Centre x of each column, for labels.
    pub column_centres: Vec<f64>,
    /// Top of the scale.
    pub max: Decimal,
}

/// Space reserved around the plot area.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Margins {
    /// Left (for tick labels).
    pub left: f64,
    /// Bottom (for column labels).
    pub bottom: f64,
    /// Top.
    pub top: f64,
    /// Right.
    pub right: f64,
}

/// A "nice" step (1, 2 or 5 x 10^k) that divides `max` into about `target` intervals.
pub fn nice_step(max: Decimal, target: u32) -> Decimal {
    if max <= Decimal::ZERO || target == 0 {
        return Decimal::ONE;
    }
    let rough = max / Decimal::from(target);
    // Decimal::MAX / 5 is still far above any 1-2-5 step we can represent: cap the search.
    let mut magnitude = Decimal::ONE;
    while magnitude * Decimal::TEN <= rough && magnitude < Decimal::from(1_000_000_000_000_000u64) {
        magnitude *= Decimal::TEN;
    }
    while magnitude > rough && magnitude > Decimal::new(1, 8) {
        magnitude /= Decimal::TEN;
    }
    for m in [1, 2, 5, 10] {
        let step = magnitude * Decimal::from(m);
        if step >= rough {
            return step;
        }
    }
    magnitude * Decimal::TEN
}

/// Lays out stacked bars: `values[column][series]`. Negative amounts (discounts) are not stacked.
pub fn stacked_bars(values: &[Vec<Decimal>], width: f64, height: f64, m: Margins) -> ChartLayout {
    let totals: Vec<Decimal> =
        values.iter().map(|col| col.iter().filter(|v| **v > Decimal::ZERO).fold(Decimal::ZERO, |a, v| a.saturating_add(*v))).collect();
    let top = totals.iter().copied().max().unwrap_or(Decimal::ZERO);
    let step = nice_step(top, 5);
    let max = if top <= Decimal::ZERO { step } else { (top / step).ceil().checked_mul(step).unwrap_or(top) };
    let plot_w = (width - m.left - m.right).max(1.0);
    let plot_h = (height - m.top - m.bottom).max(1.0);
    let max_f = max.to_f64().unwrap_or(1.0).max(f64::MIN_POSITIVE);
    let scale = |v: Decimal| v.to_f64().unwrap_or(0.0) / max_f * plot_h;
    let n = values.len().max(1) as f64;
    let slot = plot_w / n;
    let bar_w = (slot * 0.7).max(1.0);
    let mut bars = Vec::new();
    let mut column_centres = Vec::with_capacity(values.len());
    for (c, col) in values.iter().enumerate() {
        let x = m.left + slot * c as f64 + (slot - bar_w) / 2.0;
        column_centres.push(x + bar_w / 2.0);
        let axis = m.top + plot_h;
        let mut base = axis;
        for (s, v) in col.iter().enumerate() {
            if *v <= Decimal::ZERO {
                continue;
            }
            let h = scale(*v);
            base -= h;
            bars.push(Bar { column: c, series: s, x, y: base, width: bar_w, height: h, value: *v });
        }
        // A reduction (a discount, a credit) hangs down from the top of the stack, over what it
        // takes away, so the bar ends at the column's net total (never below the axis).
        for (s, v) in col.iter().enumerate() {
            if *v >= Decimal::ZERO {
                continue;
            }
            let h = scale(v.abs()).min(axis - base);
            bars.push(Bar { column: c, series: s, x, y: base, width: bar_w, height: h, value: *v });
            base += h;
        }
    }
    let mut ticks = Vec::new();
    let mut v = Decimal::ZERO;
    while v <= max && ticks.len() < 50 {
        ticks.push(Tick { y: m.top + plot_h - scale(v), value: v });
        match v.checked_add(step) {
            Some(next) => v = next,
            None => break,
        }
    }
    ChartLayout { bars, ticks, column_centres, max }
}

/// Every how many columns a label can be shown, so that labels `label_width` wide under `columns`
/// columns spread over `plot_width` do not run into each other: 1 shows every label; 7 shows the
/// 1st, 8th, 15th... (a month's days on a phone).
pub fn label_step(columns: usize, label_width: f64, plot_width: f64) -> usize {
    if columns == 0 || plot_width.is_nan() || plot_width <= 0.0 {
        return 1;
    }
    let step = (label_width / (plot_width / columns as f64)).ceil();
    if step.is_finite() && step >= 1.0 {
        (step as usize).min(columns)
    } else {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    const M: Margins = Margins { left: 50.0, bottom: 30.0, top: 10.0, right: 10.0 };

    #[test]
    fn nice_steps_are_one_two_or_five_times_a_power_of_ten() {
        assert_eq!(nice_step(d("3473.39"), 5), d("1000"));
        assert_eq!(nice_step(d("12"), 5), d("5"));
        assert_eq!(nice_step(d("0.9"), 5), d("0.2"));
    }

    #[test]
    fn stacked_bars_sit_on_each_other_and_reach_their_total() {
        let layout = stacked_bars(&[vec![d("100"), d("50")], vec![d("25")]], 400.0, 240.0, M);
        assert_eq!(layout.bars.len(), 3);
        let plot_bottom = 240.0 - M.bottom;
        let (a, b) = (&layout.bars[0], &layout.bars[1]);
        assert!((a.y + a.height - plot_bottom).abs() < 1e-9, "first series starts at the axis");
        assert!((b.y + b.height - a.y).abs() < 1e-9, "second series sits on the first");
        assert!((a.height - 2.0 * b.height).abs() < 1e-9, "heights are proportional to values");
        assert_eq!(layout.max, d("150"));
        assert_eq!(layout.column_centres.len(), 2);
        assert!(layout.column_centres[0] < layout.column_centres[1]);
    }

    #[test]
    fn labels_are_thinned_only_when_they_would_touch() {
        // A year of months on a desktop: every label.
        assert_eq!(label_step(12, 52.0, 956.0), 1);
        // 23 days on a phone (240 px for the plot, 10.4 px a column): every 7th.
        assert_eq!(label_step(23, 69.0, 240.0), 7);
        // Exactly as wide as a column still fits.
        assert_eq!(label_step(10, 50.0, 500.0), 1);
        assert_eq!(label_step(10, 50.1, 500.0), 2);
        // Never more than one label, never a step of 0, whatever the input.
        assert_eq!(label_step(3, 10_000.0, 100.0), 3);
        assert_eq!(label_step(0, 50.0, 500.0), 1);
        assert_eq!(label_step(5, 50.0, 0.0), 1);
        assert_eq!(label_step(5, 50.0, f64::NAN), 1);
        assert_eq!(label_step(5, f64::NAN, 500.0), 1);
        assert_eq!(label_step(5, 0.0, 500.0), 1);
    }

    #[test]
    fn a_reduction_hangs_from_the_top_of_its_column_down_to_the_net_total() {
        // 100 + 50 with a discount of -30: the stack reaches 150, the discount covers 150 to 120.
        let layout = stacked_bars(&[vec![d("100"), d("-30"), d("50")]], 400.0, 240.0, M);
        assert_eq!(layout.bars.iter().map(|b| b.series).collect::<Vec<_>>(), [0, 2, 1]);
        let (top, discount) = (&layout.bars[1], &layout.bars[2]);
        assert_eq!(discount.value, d("-30"));
        assert!((discount.y - top.y).abs() < 1e-9, "it starts at the top of the stack");
        assert!((discount.height - top.height * 30.0 / 50.0).abs() < 1e-9, "and is as tall as its amount");
        assert_eq!(layout.max, d("150"), "the scale still fits the stack");
    }

    #[test]
    fn empty_and_negative_values_do_not_break_the_layout() {
        let layout = stacked_bars(&[vec![d("-5")], vec![]], 400.0, 240.0, M);
        assert!(layout.bars.iter().all(|b| b.height == 0.0), "a column with only a reduction stays at the axis");
        assert!(!layout.ticks.is_empty());
        assert!(layout.ticks.iter().all(|t| t.y.is_finite()));
    }

    #[test]
    fn amounts_near_the_decimal_limit_do_not_overflow() {
        let layout = stacked_bars(&[vec![Decimal::MAX, Decimal::MAX]], 400.0, 240.0, M);
        assert!(!layout.ticks.is_empty());
        assert!(layout.bars.iter().all(|b| b.height.is_finite()));
    }
}
