// The browser benchmark (issue "Performance"): generated Aether bodies of 10k, 100k and 1M items,
// measured in headless Chromium side by side with the same core natively and a plain JavaScript
// baseline. Prints a table; asserts nothing. Run through scripts/bench-browser.
import { chromium } from 'playwright-core';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync, cpSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..', '..');
const dist = join(repo, 'dist');
const tally = join(repo, 'target', 'native', 'tally');
const sizes = (process.env.TALLY_BENCH_SIZES ?? '10000,100000,1000000').split(',').map(Number);
const prices = join(repo, 'fixtures/aether/prices.json');

mkdirSync(join(dist, 'bench'), { recursive: true });
for (const f of ['bench.html', 'bench.js']) cpSync(join(here, f), join(dist, 'bench', f));
for (const n of sizes) {
  const out = join(dist, 'bench', `aether-${n}.json`);
  if (!existsSync(out)) execFileSync(tally, ['generate', '--source', 'aether', '--records', String(n), '--seed', '42', '--as-of', '2026-11-23T12:00:00Z', '--out', out]);
}
const server = spawn('node', [join(repo, 'tests/e2e/serve-dist.mjs'), dist, '4180'], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 500));

function native(file) {
  const runs = [];
  for (let i = 0; i < 3; i++) {
    const start = process.hrtime.bigint();
    execFileSync(tally, ['summarize', file, '--prices', prices, '--as-of', '2026-11-30T00:00:00Z', '--json'], { maxBuffer: 1 << 26 });
    runs.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return Math.min(...runs);
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--enable-precise-memory-info', '--js-flags=--max-old-space-size=4096'],
});
const rows = [];
try {
  for (const n of sizes) {
    const page = await browser.newPage();
    await page.goto('http://127.0.0.1:4180/bench/bench.html');
    await page.waitForFunction(() => window.benchReady);
    const r = await page.evaluate(([url, p]) => window.runBench(url, p), [`./aether-${n}.json`, readFileSync(prices, 'utf8')]);
    const nativeMs = native(join(dist, 'bench', `aether-${n}.json`));
    rows.push({ items: n, MB: (r.bytes / 1e6).toFixed(1), 'tally wasm ms': r.tallyMs.toFixed(0), 'native CLI ms': nativeMs.toFixed(0), 'JS baseline ms': r.jsMs.toFixed(0),
      'wasm/native': (r.tallyMs / nativeMs).toFixed(2), 'JS/wasm': (r.jsMs / r.tallyMs).toFixed(2), 'longest task ms': r.longestTaskMs.toFixed(0),
      'wasm memory MB': (r.wasmBytes / 1e6).toFixed(0), 'JS heap MB': (Math.max(r.heapAfterTally, r.heapAfterJs) / 1e6).toFixed(0), total: r.tallyTotal, 'JS total': r.jsTotal });
    await page.close();
  }
} finally {
  await browser.close();
  server.kill();
}
console.table(rows);
