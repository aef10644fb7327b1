import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repo } from './fixtures';

/** Generated usage bodies for the tests that need big ones. They are written into the test's
 * `scratch` directory, which is removed after the test: a 2M-item body is 640 MB, and bodies left
 * behind by every run once filled CI's disk. */

const cli = join(repo, 'target', 'release', 'tally');
export const AS_OF = '2026-11-23T12:00:00Z';
export const aetherPrices = join(repo, 'fixtures', 'aether', 'prices.json');

/** Writes a generated Aether body of `records` hourly items into `dir`; returns its path. */
export function generateAether(dir: string, records: number, seed: number, name = `aether-${records}.json`) {
  const file = join(dir, name);
  execFileSync(cli, ['generate', '--source', 'aether', '--records', String(records), '--seed', String(seed), '--out', file]);
  return file;
}

/** The CLI's `summarize --json` of `file`, priced with the Aether sample's price book. */
export function cliSummary(file: string) {
  return JSON.parse(execFileSync(cli, ['summarize', file, '--prices', aetherPrices, '--as-of', AS_OF, '--json'], { encoding: 'utf8', maxBuffer: 1 << 26 }));
}

/** Writes a copy of `file` whose last quantity is `"x"` to `out`; returns `out`. */
export function withBadLastQuantity(file: string, out: string) {
  const text = readFileSync(file, 'utf8');
  const at = text.lastIndexOf('"quantity": ') + '"quantity": '.length;
  writeFileSync(out, text.slice(0, at) + '"x"' + text.slice(text.indexOf(',', at)));
  return out;
}
