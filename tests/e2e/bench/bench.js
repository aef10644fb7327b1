// Runs in headless Chromium (driven by browser-bench.mjs). For one body: Tally from bytes to a
// rendered summary, and a plain JavaScript baseline (JSON.parse + a Number loop).
import * as Tally from '../tally-widget.js';

const AS_OF = '2026-11-30T00:00:00Z';

function jsBaseline(bytes, prices) {
  const body = JSON.parse(new TextDecoder().decode(bytes));
  const perUnit = new Map();
  for (const p of prices.prices) if (p.model === 'per_unit') perUnit.set(p.resource_type, Number(p.unit_price));
  const volume = prices.prices.find((p) => p.model === 'volume');
  const graduated = prices.prices.find((p) => p.model === 'graduated');
  const qty = new Map();
  for (const item of body.items) qty.set(item.resource_type, (qty.get(item.resource_type) ?? 0) + Number(item.quantity));
  let total = 0;
  for (const [type, q] of qty) {
    if (perUnit.has(type)) total += q * perUnit.get(type);
    else if (volume && type === volume.resource_type) total += q * Number((volume.tiers.find((t) => t.up_to === null || q <= Number(t.up_to))).unit_price);
    else if (graduated && type === graduated.resource_type) {
      let lower = 0;
      for (const t of graduated.tiers) {
        const upper = t.up_to === null ? q : Math.min(q, Number(t.up_to));
        if (upper > lower) total += (upper - lower) * Number(t.unit_price);
        if (t.up_to === null || q <= Number(t.up_to)) break;
        lower = Number(t.up_to);
      }
    }
  }
  for (const s of body.subscriptions) total += Number(s.amount_eur);
  return total.toFixed(2);
}

async function tallyRendered(bytes, prices) {
  const target = document.getElementById('target');
  const start = performance.now();
  const handle = await Tally.mount(target, { view: 'card', body: bytes, prices, asOf: AS_OF });
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
  const heapAfterTally = performance.memory?.usedJSHeapSize ?? 0;
  const wasmBytes = Tally.wasmMemoryBytes();
  const js = () => {
    const s = performance.now();
    const total = jsBaseline(bytes, prices);
    return { ms: performance.now() - s, total };
  };
  const js1 = js();
  const heapAfterJs = performance.memory?.usedJSHeapSize ?? 0;
  const warm = await tallyRendered(bytes, pricesText);
  const js2 = js();
  return { bytes: bytes.length, tallyMs: first.ms, tallyWarmMs: warm.ms, tallyTotal: warm.total === first.total ? warm.total : `${first.total}/${warm.total}`,
    longestTaskMs: longest, jsMs: Math.min(js1.ms, js2.ms), jsTotal: js1.total, wasmBytes, heapAfterTally, heapAfterJs };
};
window.benchReady = true;
