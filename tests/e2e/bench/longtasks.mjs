// The host page's long tasks (over 50 ms), with their times, while widgets mount a generated Aether
// body: each mount's start, when it resolved, when the total showed, when it was destroyed. Finds
// which step a long task in the browser benchmark belongs to. Prints figures; asserts nothing.
//   TALLY_LONGTASK_ITEMS=10000 TALLY_LONGTASK_ENGINES=page,worker,worker node tests/e2e/bench/longtasks.mjs
// Serves dist/ (a release build); the body is generated into dist/bench/ when missing.
import { chromium } from 'playwright-core';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, cpSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..', '..');
const items = process.env.TALLY_LONGTASK_ITEMS ?? '1000000';
const engines = (process.env.TALLY_LONGTASK_ENGINES ?? 'worker,worker').split(',');
const dist = join(repo, 'dist');
mkdirSync(join(dist, 'bench'), { recursive: true });
for (const f of ['bench.html', 'bench.js']) cpSync(join(here, f), join(dist, 'bench', f));
const body = join(dist, 'bench', `aether-${items}.json`);
if (!existsSync(body)) {
  execFileSync(join(repo, 'target', 'native', 'tally'), ['generate', '--source', 'aether', '--records', items, '--seed', '42', '--as-of', '2026-11-23T12:00:00Z', '--out', body]);
}
const server = spawn('node', [join(repo, 'tests/e2e/serve-dist.mjs'), dist, '4182'], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 500));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--js-flags=--max-old-space-size=4096'] });
try {
  const page = await browser.newPage();
  await page.goto('http://127.0.0.1:4182/bench/bench.html');
  const events = await page.evaluate(async ([url, prices, engines]) => {
    const Tally = await import('/tally-widget.js');
    await Tally.load();
    const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
    const events = [];
    const t0 = performance.now();
    const at = (ms) => String(Math.round(ms)).padStart(6);
    const mark = (what) => events.push(`${at(performance.now() - t0)} ms  ${what}`);
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) events.push(`${at(e.startTime - t0)} ms  long task of ${Math.round(e.duration)} ms`);
    }).observe({ type: 'longtask' });
    for (const engine of engines) {
      const target = document.getElementById('target');
      mark(`mount, engine: ${engine}`);
      const handle = await Tally.mount(target, { view: 'card', body: bytes, prices, asOf: '2026-11-30T00:00:00Z', engine });
      mark('mount resolved');
      while (!target.shadowRoot.querySelector('[data-testid=total]')) await new Promise((r) => setTimeout(r, 5));
      mark('total shown');
      handle.destroy();
      mark('destroyed');
      await new Promise((r) => setTimeout(r, 300));
    }
    return events;
  }, [`/bench/aether-${items}.json`, readFileSync(join(repo, 'fixtures/aether/prices.json'), 'utf8'), engines]);
  // Entries arrive after their task ends: sort by time.
  console.log(`${items} items, mounts: ${engines.join(', ')}`);
  console.log(events.sort((a, b) => parseInt(a) - parseInt(b)).join('\n'));
} finally {
  await browser.close();
  server.kill();
}
