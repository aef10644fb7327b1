use leptos::prelude::*;
use rust_decimal::Decimal;
use tally_core::chart::{label_step, stacked_bars, Margins};

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
    /// Each series' place in the palette, so a group keeps its colour between charts; a series
    /// without one takes its position.
    pub colours: Vec<usize>,
}

impl ChartSeries {
    /// The palette class of series `index` (the palette has ten colours).
    fn colour_class(&self, index: usize) -> usize {
        self.colours.get(index).copied().unwrap_or(index) % 10
    }
}

/// The drawing's width until its frame has been measured (and where it cannot be).
const WIDTH: f64 = 720.0;
/// Narrower than this, the bars would have no room beside the axis labels: the drawing scales down.
const MIN_WIDTH: f64 = 200.0;
const HEIGHT: f64 = 280.0;
/// A column label's width per character at the labels' 11 px (digits and dashes), and the room
/// kept between two labels.
const LABEL_CHAR_WIDTH: f64 = 6.5;
const LABEL_GAP: f64 = 8.0;
const MARGINS: Margins = Margins { left: 72.0, bottom: 36.0, top: 12.0, right: 12.0 };

/// A stacked bar chart in SVG with a legend and a tooltip per bar (`<title>`). The geometry comes
/// from `tally_core::chart`; this only draws it, as wide as its frame is (measured with a
/// `ResizeObserver`), so its labels keep their size in a phone's width or a narrow column instead
/// of shrinking with a drawing scaled to fit.
#[component]
pub fn BarChart(
    /// What to draw.
    data: Signal<ChartSeries>,
    /// Called with a column index when its bar is activated (drill-down); `None` for columns that
    /// lead nowhere, whose labels are then plain text.
    #[prop(default = None)]
    on_column: Option<Callback<usize>>,
) -> impl IntoView {
    let frame = NodeRef::<leptos::html::Figure>::new();
    let width = RwSignal::new(WIDTH);
    follow_width(frame, width);
    view! {
        <figure class="chart" data-testid="chart" node_ref=frame>
        {move || {
            let d = data.get();
            let width = width.get();
            let layout = stacked_bars(&d.values, width, HEIGHT, MARGINS);
            let currency = d.currency.clone();
            let ticks = layout.ticks.iter().map(|t| {
                let label = format::axis_money(&t.value, &currency);
                view! {
                    <g class="tick">
                        <line x1=MARGINS.left x2=width - MARGINS.right y1=t.y y2=t.y></line>
                        <text x=MARGINS.left - 6.0 y=t.y + 4.0 text-anchor="end">{label}</text>
                    </g>
                }
            }).collect_view();
            let bars = layout.bars.iter().map(|b| {
                let tip = format!("{} · {}: {}", d.columns.get(b.column).cloned().unwrap_or_default(), d.series.get(b.series).cloned().unwrap_or_default(), format::money(&b.value, &currency));
                let column = b.column;
                view! {
                    <rect
                        class=format!("bar series-{}{}", d.colour_class(b.series), if b.value.is_sign_negative() { " reduction" } else { "" })
                        data-testid="chart-bar"
                        data-column=b.column
                        x=b.x y=b.y width=b.width height=b.height
                        on:click=move |_| { if let Some(cb) = on_column { cb.run(column) } }
                    ><title>{tip}</title></rect>
                }
            }).collect_view();
            // With drill-down, each column's label is its keyboard control (Enter or Space; the
            // table's rows drill down too). Where labels would run into each other (a month's
            // days on a phone), every n-th is shown.
            let widest = d.columns.iter().map(|c| c.chars().count()).max().unwrap_or(0) as f64;
            let step = label_step(d.columns.len(), widest * LABEL_CHAR_WIDTH + LABEL_GAP, width - MARGINS.left - MARGINS.right);
            let labels = layout.column_centres.iter().enumerate().step_by(step.max(1)).map(|(i, x)| {
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
            // A series that only takes away (a discount) is drawn as the part of the bar it removes.
            let reduces = |i: usize| {
                let mut values = d.values.iter().filter_map(|col| col.get(i)).filter(|v| !v.is_zero());
                values.clone().next().is_some() && values.all(|v| v.is_sign_negative())
            };
            let legend = d.series.iter().enumerate().map(|(i, s)| view! {
                <li><span class=format!("swatch series-{}{}", d.colour_class(i), if reduces(i) { " reduction" } else { "" }) aria-hidden="true"></span>{s.clone()}</li>
            }).collect_view();
            view! {
                <svg viewBox=format!("0 0 {width} {HEIGHT}") role=if on_column.is_some() { "group" } else { "img" }
                    aria-label="Stacked bar chart of costs; the same data is in the table below">
                    {ticks}{bars}{labels}
                </svg>
                <ul class="legend" aria-label="Legend">{legend}</ul>
            }
        }}
        </figure>
    }
}

/// Keeps `width` at the content width of `frame` (whole pixels, at least [`MIN_WIDTH`]) while the
/// chart is shown.
fn follow_width(frame: NodeRef<leptos::html::Figure>, width: RwSignal<f64>) {
    use wasm_bindgen::{closure::Closure, JsCast};
    // Dropped with the chart, which disconnects the observer before its callback goes.
    let observer = StoredValue::new_local(None::<WidthObserver>);
    frame.on_load(move |figure| {
        let on_resize = Closure::<dyn Fn(js_sys::Array)>::new(move |entries: js_sys::Array| {
            let Ok(entry) = entries.get(0).dyn_into::<web_sys::ResizeObserverEntry>() else { return };
            let measured = entry.content_rect().width().floor();
            // A hidden chart measures 0: keep the last width.
            if measured > 0.0 {
                width.try_set(measured.max(MIN_WIDTH));
            }
        });
        if let Ok(resize) = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()) {
            resize.observe(&figure);
            // (A chart already gone drops it here.)
            let _ = observer.try_set_value(Some(WidthObserver { resize, _on_resize: on_resize }));
        }
    });
}

/// A `ResizeObserver` and its callback, disconnected when dropped.
struct WidthObserver {
    resize: web_sys::ResizeObserver,
    _on_resize: wasm_bindgen::closure::Closure<dyn Fn(js_sys::Array)>,
}

impl Drop for WidthObserver {
    fn drop(&mut self) {
        self.resize.disconnect();
    }
}
