// Runs in headless Chromium (driven by browser-bench.mjs). For one body: Tally from bytes to a
// rendered summary (the widget's engine in the page, and in a Web Worker), and a plain JavaScript
// baseline (JSON.parse + a Number loop).
import * as Tally from '../tally-widget.js';

const AS_OF = '2026-11-30T00:00:00Z';

// What a portal would otherwise ship: the summary Tally computes (SPEC 7: the total, by category,
// by resource type and by month, and the difference to the provider's total), with JSON.parse and
// Number arithmetic. Tiers see a month's quantity of a resource type, as SPEC 3 says; the price
// book is matched by resource type alone, which is all the sample book needs.
function jsBaseline(bytes, prices) {
  const body = JSON.parse(new TextDecoder().decode(bytes));
  const entries = new Map(prices.prices.map((p) => [p.resource_type, p]));
  const quantities = new Map(); // month -> resource type -> quantity
  for (const item of body.items) {
    const month = item.recorded_at.slice(0, 7);
    let types = quantities.get(month);
    if (!types) quantities.set(month, (types = new Map()));
    types.set(item.resource_type, (types.get(item.resource_type) ?? 0) + Number(item.quantity));
  }
  const byCategory = new Map();
  const byType = new Map();
  const byMonth = new Map();
  const add = (category, type, month, amount) => {
    for (const [map, key] of [[byCategory, category], [byType, type], [byMonth, month]]) map.set(key, (map.get(key) ?? 0) + amount);
  };
  for (const [month, types] of quantities) {
    for (const [type, q] of types) {
      const cost = priceOf(entries.get(type), q);
      if (cost !== undefined) add('usage', type, month, cost);
    }
  }
  const subscriptionMonth = body.period_start.slice(0, 7);
  for (const s of body.subscriptions) add('subscription', s.kind, subscriptionMonth, Number(s.amount_eur));
  let total = 0;
  for (const amount of byCategory.values()) total += amount;
  const difference = body.total_eur == null ? null : Number(body.total_eur) - total;
  return { total: total.toFixed(2), byCategory, byType, byMonth, difference };
}

// The baseline of earlier runs, kept to compare with them: only the total, tiers over the whole body.
function jsTotalOnly(bytes, prices) {
  const body = JSON.parse(new TextDecoder().decode(bytes));
  const entries = new Map(prices.prices.map((p) => [p.resource_type, p]));
  const quantities = new Map();
  for (const item of body.items) quantities.set(item.resource_type, (quantities.get(item.resource_type) ?? 0) + Number(item.quantity));
  let total = 0;
  for (const [type, q] of quantities) total += priceOf(entries.get(type), q) ?? 0;
  for (const s of body.subscriptions) total += Number(s.amount_eur);
  return total.toFixed(2);
}

function priceOf(entry, q) {
  if (!entry) return undefined;
  if (entry.model === 'per_unit') return q * Number(entry.unit_price);
  if (entry.model === 'volume') return q * Number(entry.tiers.find((t) => t.up_to === null || q <= Number(t.up_to)).unit_price);
  if (entry.model === 'graduated') {
    let cost = 0;
    let lower = 0;
    for (const t of entry.tiers) {
      const upper = t.up_to === null ? q : Math.min(q, Number(t.up_to));
      if (upper > lower) cost += (upper - lower) * Number(t.unit_price);
      if (t.up_to === null || q <= Number(t.up_to)) break;
      lower = Number(t.up_to);
    }
    return cost;
  }
  return undefined;
}

async function tallyRendered(bytes, prices, engine = 'page') {
  const target = document.getElementById('target');
  const start = performance.now();
  const handle = await Tally.mount(target, { view: 'card', body: bytes, prices, asOf: AS_OF, engine });
  const shadow = target.shadowRoot;
  while (!shadow.querySelector('[data-testid=total]')) await new Promise((r) => setTimeout(r, 5));
  const ms = performance.now() - start;
  const total = shadow.querySelector('[data-testid=total]').getAttribute('data-value');
  handle.destroy();
  return { ms, total };
}

window.runBench = async (url, pricesText) => {
  await Tally.load();
  const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
  const prices = JSON.parse(pricesText);
  // Long tasks on the main thread while Tally works.
  let longest = 0;
  const observer = new PerformanceObserver((list) => { for (const e of list.getEntries()) longest = Math.max(longest, e.duration); });
  observer.observe({ type: 'longtask', buffered: false });
  // The first mount also pays for compiling the wasm functions it calls for the first time (V8
  // compiles lazily); the second is what every later mount or update costs.
  const first = await tallyRendered(bytes, pricesText);
  observer.disconnect();
  // The widget with its engine in a Web Worker (what it does from 4 MB up): each mount starts a
  // worker (destroy stops it), which loads the wasm again; the host's bytes go over a chunk at a
  // time. Measured before the JS baseline, whose garbage (about 1 GB at 1M items) is collected on
  // the main thread in long tasks of seconds, during whatever runs next.
  // (From a task of its own: the task that ended the first mount also destroyed it, and dropping
  // an in-page engine's million charges takes about 50 ms, which is not the worker's doing.)
  await new Promise((r) => setTimeout(r, 50));
  let workerLongest = 0;
  const workerObserver = new PerformanceObserver((list) => { for (const e of list.getEntries()) workerLongest = Math.max(workerLongest, e.duration); });
  workerObserver.observe({ type: 'longtask', buffered: false });
  const inWorker1 = await tallyRendered(bytes, pricesText, 'worker');
  const inWorker2 = await tallyRendered(bytes, pricesText, 'worker');
  workerObserver.disconnect();
  const inWorker = inWorker1.ms <= inWorker2.ms ? inWorker1 : inWorker2;
  const heapAfterTally = performance.memory?.usedJSHeapSize ?? 0;
  const wasmBytes = Tally.wasmMemoryBytes();
  const js = () => {
    const s = performance.now();
    const summary = jsBaseline(bytes, prices);
    return { ms: performance.now() - s, total: summary.total };
  };
  const totalOnly = () => {
    const s = performance.now();
    jsTotalOnly(bytes, prices);
    return performance.now() - s;
  };
  const js1 = js();
  const heapAfterJs = performance.memory?.usedJSHeapSize ?? 0;
  // Best of two, as the JS baseline is.
  const warm1 = await tallyRendered(bytes, pricesText);
  const js2 = js();
  const warm2 = await tallyRendered(bytes, pricesText);
  const warm = warm1.ms <= warm2.ms ? warm1 : warm2;
  const jsTotalOnlyMs = Math.min(totalOnly(), totalOnly());
  const totals = new Set([first.total, warm1.total, warm2.total, inWorker1.total, inWorker2.total]);
  return { bytes: bytes.length, tallyMs: first.ms, tallyWarmMs: warm.ms, tallyWorkerMs: inWorker.ms, workerLongestTaskMs: workerLongest,
    tallyTotal: totals.size === 1 ? first.total : [...totals].join('/'),
    longestTaskMs: longest, jsMs: Math.min(js1.ms, js2.ms), jsTotalOnlyMs, jsTotal: js1.total, wasmBytes, heapAfterTally, heapAfterJs };
};
window.benchReady = true;
