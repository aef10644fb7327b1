// What a browser downloads for the app (the release build in dist/), raw and gzipped (zlib level 9),
// against the bundle budget.
//   node scripts/bundle-size.mjs          prints the table
//   node scripts/bundle-size.mjs --check  also fails when a budget is exceeded (the test run does this)
//
// The budgets are a ratchet, not the goal: issue 8 asks for a wasm under 300 KB gzipped, which this
// app is not (docs/PERFORMANCE.md, "Bundle", says where the bytes go). They sit a little above the
// sizes of the last measured build, so that a change that grows the bundle is seen and decided on,
// not found later in a benchmark; lower them when the bundle shrinks.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

/** Gzipped bytes allowed: the app's wasm, and everything else it loads (JS, CSS, HTML) together.
 * Raised from 570,000 in session 13, on purpose: reading bodies for the page's `as_of` (an exact
 * forecast on that day) and exact billed-hour sums took the wasm to 570,607 B (docs/PERFORMANCE.md). */
export const BUDGET = { wasm: 573_000, rest: 25_000 };

/** Folders of dist/ the app itself never loads: samples, embedding examples, the benchmark page. */
const NOT_THE_APP = new Set(['fixtures', 'examples', 'bench']);

/** Every file of the app in `dist`, with its size raw and gzipped. */
export function bundleFiles(dist) {
  const files = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        if (dir !== dist || !NOT_THE_APP.has(name)) walk(path);
      } else if (/\.(wasm|js|css|html)$/.test(name)) {
        const bytes = readFileSync(path);
        files.push({ file: relative(dist, path), bytes: bytes.length, gzipped: gzipSync(bytes, { level: 9 }).length });
      }
    }
  };
  walk(dist);
  return files;
}

/** The gzipped totals the budget counts, and what is over it (empty when within). */
export function overBudget(files) {
  const wasm = files.filter((f) => f.file.endsWith('.wasm')).reduce((sum, f) => sum + f.gzipped, 0);
  const rest = files.filter((f) => !f.file.endsWith('.wasm')).reduce((sum, f) => sum + f.gzipped, 0);
  const over = [];
  if (wasm > BUDGET.wasm) over.push(`wasm: ${wasm.toLocaleString('en-US')} B gzipped, budget ${BUDGET.wasm.toLocaleString('en-US')} B`);
  if (rest > BUDGET.rest) over.push(`JS, CSS and HTML: ${rest.toLocaleString('en-US')} B gzipped, budget ${BUDGET.rest.toLocaleString('en-US')} B`);
  return { wasm, rest, over };
}

/** Prints the table and the totals against the budget; the list of what is over it. */
export function reportBundle(dist) {
  const files = bundleFiles(dist);
  console.log(`Bundle (release build in ${dist}/; gzip level 9):`);
  console.table(files.map((f) => ({ file: f.file, bytes: f.bytes.toLocaleString('en-US'), gzipped: f.gzipped.toLocaleString('en-US') })));
  const { wasm, rest, over } = overBudget(files);
  console.log(`wasm ${wasm.toLocaleString('en-US')} B gzipped (budget ${BUDGET.wasm.toLocaleString('en-US')}); JS, CSS and HTML ${rest.toLocaleString('en-US')} B (budget ${BUDGET.rest.toLocaleString('en-US')})`);
  return over;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
  const dist = join(root, 'dist');
  let over;
  try {
    over = reportBundle(dist);
  } catch (e) {
    console.error(`bundle-size: cannot read the release build in ${dist} (${e.message}); build it first with \`trunk build --release\``);
    process.exit(2);
  }
  if (process.argv.includes('--check') && over.length) {
    console.error(`bundle over budget:\n  ${over.join('\n  ')}\n(see scripts/bundle-size.mjs: shrink the change, or raise the budget on purpose and say why)`);
    process.exit(1);
  }
}
