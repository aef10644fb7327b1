// Tally as a widget: `import * as Tally from '<tally>/tally-widget.js'`. Every function returns a
// promise; errors are rejected promises carrying {code, message}. Types: tally-widget.d.ts.
globalThis.__tallyWidget = true;
import init, * as wasm from './tally-web.js';

const assetBase = new URL('./', import.meta.url).href;
let ready;
let exports;

/** Loads the wasm module once (about 520 KB gzipped); later calls reuse it. */
export function load() {
  ready ??= init({ module_or_path: new URL('./tally-web_bg.wasm', import.meta.url) }).then((e) => { exports = e; return wasm; });
  return ready;
}

let currencyDataAsked = false;

// The first amount a page formats as money makes the browser load its currency data (63 ms in
// headless Chromium; 0.2 ms for every formatter after it), which a first mount waits for. Asked
// for while the wasm is still being fetched and compiled (off the main thread), it costs nothing.
function askForCurrencyData() {
  if (currencyDataAsked) return;
  currencyDataAsked = true;
  try {
    new Intl.NumberFormat(undefined, { style: 'currency', currency: 'EUR' }).format(0);
  } catch {
    // No Intl: the widget formats amounts without it.
  }
}

/** Bytes of wasm linear memory in use (it only grows), for measuring. */
export function wasmMemoryBytes() {
  return exports?.memory?.buffer?.byteLength ?? 0;
}

function rethrow(e) {
  if (e && typeof e === 'object' && 'code' in e) throw Object.assign(new Error(e.message), { code: e.code });
  throw Object.assign(new Error(String(e)), { code: 'internal' });
}

/**
 * The SPEC section 7 summary of a provider body (a JSON string keeps every digit exact). A body of
 * 4 MB or more is read in a Web Worker (`options.engine`: "auto", "worker" or "page").
 */
export async function summarize(body, options = {}) {
  const t = await load();
  try { return await t.summarize(body, { assetBase, ...options }); } catch (e) { rethrow(e); }
}

/** A breakdown of a body by `options.by` ("month,resource_type"); big bodies as `summarize`. */
export async function breakdown(body, options = {}) {
  const t = await load();
  try { return await t.breakdown(body, { assetBase, ...options }); } catch (e) { rethrow(e); }
}

/**
 * Renders a view into `element` (in a shadow root) once its body is read, and returns
 * {update(options), destroy(), engine}. A big body is read in a Web Worker (`engine`: "worker").
 */
export async function mount(element, options = {}) {
  const loading = load();
  askForCurrencyData();
  const t = await loading;
  let handle;
  try { handle = await t.mount(element, { assetBase, ...options }); } catch (e) { rethrow(e); }
  return {
    async update(next) { try { await handle.update({ assetBase, ...next }); } catch (e) { rethrow(e); } },
    destroy() { handle.destroy(); },
    get engine() { return handle.engine; },
  };
}
