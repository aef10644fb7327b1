// Where a warm widget mount spends its time: a CPU profile (Chromium's sampling profiler, 0.1 ms)
// of one mount of a generated Aether body, self time per function, wasm functions by name
// (TALLY_PROFILE_FIRST=1: the page's first mount instead; TALLY_PROFILE_ENGINE=worker: the widget's
// engine in a Web Worker, so the profile is of the host page's main thread only).
// Run through scripts/profile-browser, which builds the named wasm this serves (dist-profile/).
// Prints figures; asserts nothing.
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const items = process.env.TALLY_PROFILE_ITEMS ?? '100000';
const served = join(repo, 'target', 'dist-profile');
const server = spawn('node', [join(repo, 'tests/e2e/serve-dist.mjs'), served, '4181'], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 500));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--js-flags=--max-old-space-size=4096'] });
try {
  const page = await browser.newPage();
  await page.goto('http://127.0.0.1:4181/bench/bench.html');
  await page.waitForFunction(() => window.benchReady);
  await page.evaluate(async (url) => {
    window.tally = await import('../tally-widget.js');
    await window.tally.load();
    window.body = new Uint8Array(await (await fetch(url)).arrayBuffer());
  }, `./aether-${items}.json`);
  const mount = () => page.evaluate(async ([prices, engine]) => {
    const target = document.getElementById('target');
    const start = performance.now();
    const handle = await window.tally.mount(target, { view: 'card', body: window.body, prices, asOf: '2026-11-30T00:00:00Z', engine });
    while (!target.shadowRoot.querySelector('[data-testid=total]')) await new Promise((r) => setTimeout(r, 1));
    const ms = performance.now() - start;
    handle.destroy();
    return ms;
  }, [readFileSync(join(repo, 'fixtures/aether/prices.json'), 'utf8'), process.env.TALLY_PROFILE_ENGINE ?? 'page']);
  // The first mount compiles the wasm functions it calls; the profile is of a later one, or of
  // the first with TALLY_PROFILE_FIRST=1.
  const first = process.env.TALLY_PROFILE_FIRST === '1';
  if (!first) console.log(`${items} items: first mount ${Math.round(await mount())} ms, second ${Math.round(await mount())} ms`);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  const ms = await mount();
  const { profile } = await cdp.send('Profiler.stop');
  const nodes = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const self = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const frame = nodes.get(id);
    const name = (frame.functionName || `(${frame.url.split('/').pop()}:${frame.lineNumber})`).replace(/::h[0-9a-f]{16}$/, '');
    const us = profile.timeDeltas[i] ?? 0;
    self.set(name, (self.get(name) ?? 0) + us);
    total += us;
  });
  console.log(`profiled mount ${Math.round(ms)} ms; self time by function (sampled ${Math.round(total / 1000)} ms):`);
  for (const [name, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TALLY_PROFILE_TOP ?? 30))) {
    console.log(`${(us / 1000).toFixed(1).padStart(8)} ms  ${name.slice(0, 140)}`);
  }
} finally {
  await browser.close();
  server.kill();
}
