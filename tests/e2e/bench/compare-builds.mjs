// Two builds of the app, side by side: warm widget mounts of one generated Aether body, taken in
// turns (A, B, A, B...) in one browser, so this VM's slow and fast phases fall on both alike.
// A single run of the browser benchmark cannot tell apart changes under about 25 %; this can.
//   node tests/e2e/bench/compare-builds.mjs DIST_A DIST_B [ITEMS=1000000] [ROUNDS=6]
// Each DIST is a copy of dist/ (with bench/ and the generated body in it, as browser-bench.mjs
// leaves it) holding one build's tally-web.js and tally-web_bg.wasm. Prints figures only.
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const [distA, distB, items = '1000000', rounds = '6'] = process.argv.slice(2);
if (!distA || !distB) {
  console.error('usage: node tests/e2e/bench/compare-builds.mjs DIST_A DIST_B [ITEMS] [ROUNDS]');
  process.exit(2);
}
const ports = [4191, 4192];
const servers = [distA, distB].map((dir, i) => spawn('node', [join(repo, 'tests/e2e/serve-dist.mjs'), dir, String(ports[i])], { stdio: 'ignore' }));
await new Promise((r) => setTimeout(r, 500));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--js-flags=--max-old-space-size=4096'] });
try {
  const pages = [];
  for (const port of ports) {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/bench/bench.html`);
    await page.evaluate(async (n) => {
      window.body = new Uint8Array(await (await fetch(`aether-${n}.json`)).arrayBuffer());
      window.prices = await (await fetch('../fixtures/aether/prices.json')).json();
      window.tally = await import('../tally-widget.js');
    }, items);
    pages.push(page);
  }
  const mount = (page) => page.evaluate(async () => {
    const target = document.getElementById('target');
    const start = performance.now();
    const handle = await window.tally.mount(target, { view: 'card', body: window.body, prices: window.prices, asOf: '2026-11-30T00:00:00Z', engine: 'page' });
    while (!target.shadowRoot.querySelector('[data-testid=total]')) await new Promise((r) => setTimeout(r, 5));
    const ms = performance.now() - start;
    handle.destroy();
    return ms;
  });
  // The first mount of each compiles the wasm; it is not counted.
  for (const page of pages) await mount(page);
  const times = [[], []];
  for (let round = 0; round < Number(rounds); round++) for (const i of [0, 1]) times[i].push(await mount(pages[i]));
  const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
  console.log(`${Number(items).toLocaleString('en-US')} items, warm widget mounts in ms, ${rounds} each, taken in turns:`);
  for (const i of [0, 1]) {
    console.log(`${'AB'[i]} ${[distA, distB][i]}: best ${Math.min(...times[i]).toFixed(0)}, median ${median(times[i]).toFixed(0)} (${times[i].map((t) => t.toFixed(0)).join(', ')})`);
  }
} finally {
  await browser.close();
  servers.forEach((s) => s.kill());
}
