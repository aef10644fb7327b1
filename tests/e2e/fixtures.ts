import { test as base, expect } from '@playwright/test';
import { readFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TallyPage } from './pages/tally';

const here = dirname(fileURLToPath(import.meta.url));
export const repo = join(here, '..', '..');
export const artifacts = join(here, 'artifacts');
mkdirSync(artifacts, { recursive: true });

/** The expected output of a fixture, read from the project's copy (the same files the core's golden tests use). */
export function expected(source: string, name = 'summary.expected.json') {
  return JSON.parse(readFileSync(join(repo, 'fixtures', source, name), 'utf8'));
}

export function fixtureText(source: string, name = 'usage.json') {
  return readFileSync(join(repo, 'fixtures', source, name), 'utf8');
}

/** Every test fails on any console error or uncaught page error. */
export const test = base.extend<{ tally: TallyPage; consoleErrors: string[]; scratch: string }>({
  /** A directory of the test's own for files it writes, removed after the test whatever happened. */
  scratch: async ({}, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'tally-test-'));
    try {
      await use(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
  consoleErrors: async ({ page }, use) => {
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      // Chromium logs every failed request itself; failures a test provokes on purpose (the mock's
      // error answers, a closed port) are not the app's errors. The app's own origin still counts.
      const url = m.location().url ?? '';
      if (m.text().startsWith('Failed to load resource') && !url.startsWith('http://127.0.0.1:4173')) return;
      errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    await use(errors);
    expect(errors, 'console errors').toEqual([]);
  },
  tally: async ({ page, consoleErrors }, use) => {
    void consoleErrors;
    await use(new TallyPage(page));
  },
});

export { expect };
