use leptos::prelude::*;
use rust_decimal::Decimal;
use tally_core::chart::{stacked_bars, Margins};

use crate::format;

/// The data of a stacked bar chart: `values[column][series]`.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartSeries {
    /// Column labels (months or days).
    pub columns: Vec<String>,
    /// Series names (groups), bottom of the stack first.
    pub series: Vec<String>,
    /// Amounts.
    pub values: Vec<Vec<Decimal>>,
    /// Currency of the amounts.
    pub currency: String,
}

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 280.0;
const MARGINS: Margins = Margins { left: 72.0, bottom: 36.0, top: 12.0, right: 12.0 };

/// A stacked bar chart in SVG with a legend and a tooltip per bar (`<title>`). The geometry comes
/// from `tally_core::chart`; this only draws it.
#[component]
pub fn BarChart(
    /// What to draw.
    data: Signal<ChartSeries>,
    /// Called with a column index when its bar is activated (drill-down).
    #[prop(optional)]
    on_column: Option<Callback<usize>>,
) -> impl IntoView {
    view! {
        {move || {
            let d = data.get();
            let layout = stacked_bars(&d.values, WIDTH, HEIGHT, MARGINS);
            let currency = d.currency.clone();
            let ticks = layout.ticks.iter().map(|t| {
                let label = format::money(&t.value, &currency);
                view! {
                    <g class="tick">
                        <line x1=MARGINS.left x2=WIDTH - MARGINS.right y1=t.y y2=t.y></line>
                        <text x=MARGINS.left - 6.0 y=t.y + 4.0 text-anchor="end">{label}</text>
                    </g>
                }
            }).collect_view();
            let bars = layout.bars.iter().map(|b| {
                let tip = format!("{} · {}: {}", d.columns.get(b.column).cloned().unwrap_or_default(), d.series.get(b.series).cloned().unwrap_or_default(), format::money(&b.value, &currency));
                let column = b.column;
                view! {
                    <rect
                        class=format!("bar series-{}", b.series % 10)
                        data-testid="chart-bar"
                        data-column=b.column
                        x=b.x y=b.y width=b.width height=b.height
                        on:click=move |_| { if let Some(cb) = on_column { cb.run(column) } }
                    ><title>{tip}</title></rect>
                }
            }).collect_view();
            // With drill-down, each column's label is its keyboard control (Enter or Space).
            let labels = layout.column_centres.iter().enumerate().map(|(i, x)| {
                let label = d.columns.get(i).cloned().unwrap_or_default();
                let activate = move || { if let Some(cb) = on_column { cb.run(i) } };
                view! {
                    <text class="column-label" data-testid="chart-column" x=*x y=HEIGHT - MARGINS.bottom + 18.0 text-anchor="middle"
                        tabindex=on_column.map(|_| "0") role=on_column.map(|_| "button")
                        aria-label=on_column.map(|_| format!("Show the days of {label}"))
                        on:click=move |_| activate()
                        on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                            if ev.key() == "Enter" || ev.key() == " " {
                                ev.prevent_default();
                                activate();
                            }
                        }
                    >{label.clone()}</text>
                }
            }).collect_view();
            let legend = d.series.iter().enumerate().map(|(i, s)| view! {
                <li><span class=format!("swatch series-{}", i % 10) aria-hidden="true"></span>{s.clone()}</li>
            }).collect_view();
            view! {
                <figure class="chart" data-testid="chart">
                    <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role=if on_column.is_some() { "group" } else { "img" }
                        aria-label="Stacked bar chart of costs; the same data is in the table below">
                        {ticks}{bars}{labels}
                    </svg>
                    <ul class="legend" aria-label="Legend">{legend}</ul>
                </figure>
            }
        }}
    }
}
