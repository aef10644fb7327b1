import { test, expect, artifacts } from '../fixtures';
import type { Page, Request } from '@playwright/test';

const MOCK = 'http://127.0.0.1:8081';
const ORG = '6513270e-269e-4d37-b2a7-4de452e6b438';

async function connect(page: Page, opts: { provider: string; token: string; org?: string; from?: string; to?: string; base?: string }) {
  await page.getByTestId('nav-data').click();
  await page.getByTestId('connect-provider').selectOption(opts.provider);
  await page.getByTestId('connect-base').fill(opts.base ?? `${MOCK}/${opts.provider}`);
  if (opts.provider !== 'hyperstack') await page.getByTestId('connect-org').fill(opts.org ?? ORG);
  if (opts.from) await page.getByTestId('connect-from').fill(opts.from);
  if (opts.to) await page.getByTestId('connect-to').fill(opts.to);
  await page.getByTestId('connect-credential').fill(opts.token);
  await page.getByTestId('connect-submit').click();
}

/** Every request to the mock, for checking headers and URLs. */
function record(page: Page) {
  const seen: Request[] = [];
  page.on('request', (r) => { if (r.url().startsWith(MOCK) && r.method() === 'GET') seen.push(r); });
  return seen;
}

const headers: Record<string, [string, string]> = {
  aether: ['authorization', 'Bearer secret-aether'],
  hyperstack: ['api_key', 'secret-hyperstack'],
  elastic: ['authorization', 'ApiKey secret-elastic'],
  cu: ['authorization', 'Bearer secret-cu'],
};

for (const provider of Object.keys(headers)) {
  test(`fetching ${provider} from the mock sends its own credential header and shows the result`, async ({ tally, page }) => {
    await tally.open();
    const seen = record(page);
    const token = headers[provider][1].replace(/^(Bearer|ApiKey) /, '');
    await connect(page, { provider, token });
    await expect(page.getByTestId('info')).toContainText('Fetched');
    // The fetched usage takes the opening sample's place (and its price book goes with it).
    await expect(page.getByTestId('loaded').locator('.chip')).toHaveCount(1);
    await expect(page.getByTestId('book')).toHaveCount(0);
    expect(seen.length).toBeGreaterThan(0);
    for (const r of seen) {
      const [name, value] = headers[provider];
      expect((await r.allHeaders())[name]).toBe(value);
      expect(r.url()).not.toContain(token);
    }
    // Alone, it is summed in its own currency (beside the sample, a second currency had no rate).
    await expect(tally.total).toHaveAttribute('data-value', /^\d+\.\d+$/);
    await expect(page.getByTestId('summary-error')).toHaveCount(0);
    await tally.screenshot(`connect-${provider}`, artifacts);
  });
}

test('a multi-month Elastic period is fetched one calendar month per request', async ({ tally, page }) => {
  await tally.open();
  await tally.pickSample('elastic');
  const seen = record(page);
  await connect(page, { provider: 'elastic', token: 'k', from: '2026-08-15', to: '2026-10-10' });
  await expect(page.getByTestId('info')).toContainText('Fetched Elastic Cloud 2026-08 to 2026-10');
  expect(seen.map((r) => new URL(r.url()).searchParams.get('from'))).toEqual([
    '2026-08-15T00:00:00Z', '2026-09-01T00:00:00Z', '2026-10-01T00:00:00Z',
  ]);
  await tally.goTo('breakdown');
  // The fetched August, September and October, in place of the sample (November).
  await expect(page.getByTestId('loaded').locator('.chip')).toHaveCount(1);
  await expect(page.getByTestId('chart-column')).toHaveCount(3);
  await tally.screenshot('connect-elastic-months', artifacts);
});

const failures: [string, string, string, string][] = [
  ['aether', 'fail-401', 'refused the credentials (HTTP 401)', 'unauthenticated'],
  ['elastic', 'fail-403', 'denied access (HTTP 403)', 'organization.invalid_access'],
  ['cu', 'fail-404', 'does not know this organization', 'CU usage API error 404'],
  ['elastic', 'fail-400', 'rejected the request (HTTP 400)', 'costs.invalid_date_range'],
  ['hyperstack', 'fail-500', 'server error (HTTP 500) and still did after retrying', '(empty body)'],
  ['aether', 'not-json', 'not valid JSON', 'Aether (month to date)'],
];

for (const [provider, token, message, detail] of failures) {
  test(`${provider} ${token} is shown as a specific message and the loaded data stays`, async ({ tally, page }) => {
    await tally.open();
    const before = await tally.total.getAttribute('data-value');
    await connect(page, { provider, token });
    await expect(tally.error).toContainText(message, { timeout: 20_000 });
    await expect(tally.error).toContainText(detail);
    await expect(tally.error).not.toContainText(token === 'not-json' ? 'secret' : token);
    await tally.goTo('summary');
    await expect(tally.total).toHaveAttribute('data-value', before!);
    await tally.screenshot(`connect-error-${provider}-${token}`, artifacts);
  });
}

test('an unknown organization is a 404 in the provider\'s words', async ({ tally, page }) => {
  await tally.open();
  await connect(page, { provider: 'aether', token: 't', org: '00000000-0000-0000-0000-000000000000' });
  await expect(tally.error).toContainText('HTTP 404');
  await expect(tally.error).toContainText('Organization not found.');
});

test('429 is retried honouring Retry-After, then succeeds', async ({ tally, page }) => {
  await tally.open();
  const seen = record(page);
  await connect(page, { provider: 'hyperstack', token: 'flaky-429' });
  await expect(page.getByTestId('busy')).toContainText('HTTP 429, retrying in 1.0 s');
  await expect(page.getByTestId('info')).toContainText('Fetched Hyperstack');
  expect(seen.length).toBe(2);
});

test('a network failure names the host and the likely causes', async ({ tally, page }) => {
  await tally.open();
  await connect(page, { provider: 'cu', token: 't', base: 'http://127.0.0.1:59999/cu' });
  await expect(tally.error).toContainText('could not reach 127.0.0.1:59999');
  await expect(tally.error).toContainText('CORS');
});

test('after a fetch the focus goes to what it showed: the view on success, the button on failure', async ({ tally, page }) => {
  await tally.open();
  await connect(page, { provider: 'aether', token: 'ok' });
  await expect(page.getByTestId('info')).toContainText('Fetched');
  await expect(page.locator('#main')).toBeFocused();
  await connect(page, { provider: 'elastic', token: 'fail-403' });
  await expect(tally.error).toBeVisible();
  await expect(page.getByTestId('connect-submit')).toBeFocused();
});

test('a slow fetch shows progress and can be cancelled, keeping the last good data', async ({ tally, page }) => {
  await tally.open();
  await connect(page, { provider: 'aether', token: 'slow-10000' });
  await expect(page.getByTestId('busy')).toContainText('Fetching Aether');
  await expect(page.getByTestId('connect-submit')).toBeDisabled();
  await tally.screenshot('connect-loading', artifacts);
  await page.getByTestId('connect-cancel').click();
  await expect(tally.error).toHaveText(/Fetch cancelled\./);
  await expect(page.getByTestId('loaded').locator('.chip')).toHaveCount(1);
});

test('form mistakes are shown at the form before anything is sent', async ({ tally, page }) => {
  await tally.open();
  const seen = record(page);
  await connect(page, { provider: 'aether', token: 't', org: 'acme' });
  const org = page.getByTestId('connect-org');
  await expect(page.getByTestId('connect-org-error')).toHaveText('Aether organization IDs are UUIDs (8-4-4-4-12 hex digits).');
  await expect(org).toHaveAttribute('aria-invalid', 'true');
  await expect(org).toHaveAttribute('aria-describedby', 'connect-org-error');
  await expect(org).toBeFocused();
  await connect(page, { provider: 'elastic', token: 't', from: '2026-10-01', to: '2026-09-01' });
  await expect(page.getByTestId('connect-to-error')).toHaveText('The end is before the start.');
  await expect(page.getByTestId('connect-to')).toBeFocused();
  expect(seen).toHaveLength(0);
});

test('every mistake is marked at once, in the words of the labels, and editing a field clears its mark', async ({ tally, page }) => {
  await tally.open();
  const seen = record(page);
  await page.getByTestId('nav-data').click();
  await page.getByTestId('connect-provider').selectOption('elastic');
  await page.getByTestId('connect-base').fill('api.elastic-cloud.com');
  await page.getByTestId('connect-from').fill('2026-10-01');
  await page.getByTestId('connect-to').fill('2026-09-01');
  await page.getByTestId('connect-submit').click();
  await expect(page.getByTestId('connect-field-error')).toHaveText('4 fields need attention.');
  await expect(page.getByTestId('connect-base-error')).toHaveText('Enter an address that starts with https:// or http://.');
  await expect(page.getByTestId('connect-org-error')).toHaveText('Enter the organization ID.');
  await expect(page.getByTestId('connect-credential-error')).toHaveText('Enter the API key.');
  await expect(page.getByTestId('connect-to-error')).toHaveText('The end is before the start.');
  await expect(page.getByTestId('connect-base')).toBeFocused();
  await tally.screenshot('connect-form-mistakes', artifacts);
  await page.getByTestId('connect-base').fill('https://api.elastic-cloud.com');
  await expect(page.getByTestId('connect-base-error')).toHaveCount(0);
  await expect(page.getByTestId('connect-base')).not.toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('connect-field-error')).toHaveText('3 fields need attention.');
  // What the user typed is all still there.
  await expect(page.getByTestId('connect-from')).toHaveValue('2026-10-01');
  await expect(page.getByTestId('connect-to')).toHaveValue('2026-09-01');
  expect(seen).toHaveLength(0);
});

test('an address the page\'s Content-Security-Policy refuses is named under the field, with what is allowed, and nothing is sent', async ({ tally, page }) => {
  await tally.open();
  const sent: string[] = [];
  page.on('request', (r) => { if (r.url().includes('corp.example')) sent.push(r.url()); });
  await connect(page, { provider: 'elastic', token: 'secret-elastic', base: 'https://billing.corp.example:8443/elastic' });
  const message = page.getByTestId('connect-base-error');
  await expect(message).toContainText('This page may not connect to https://billing.corp.example:8443; the site hosting Tally allows only ');
  // The page's own origin is covered by the loopback source (not listed twice), and the
  // providers' hosts are listed.
  await expect(message).toContainText('allows only http://127.0.0.1:*, http://localhost:*, https://api.aetherplatform.cloud');
  await expect(message).not.toContainText(new URL(page.url()).origin);
  await expect(message).toContainText('https://api.elastic-cloud.com.');
  await expect(page.getByTestId('connect-base')).toBeFocused();
  await expect(page.getByTestId('connect-field-error')).toHaveText('One field needs attention.');
  expect(sent).toHaveLength(0);
  // An allowed address is fetched as before.
  await page.getByTestId('connect-base').fill(`${MOCK}/elastic`);
  await page.getByTestId('connect-submit').click();
  await expect(page.getByTestId('info')).toContainText('Fetched');
});

test('empty dates ask for the month of the page\'s as_of so far, as the Summary reads it', async ({ tally, page }) => {
  await tally.open();
  const seen = record(page);
  await connect(page, { provider: 'elastic', token: 'k' });
  await expect(page.getByTestId('info')).toContainText('Fetched Elastic Cloud 2026-11');
  expect(seen).toHaveLength(1);
  const query = new URL(seen[0].url()).searchParams;
  expect([query.get('from'), query.get('to')]).toEqual(['2026-11-01T00:00:00Z', '2026-11-24T00:00:00Z']);
});

test('the credential stays out of the URL, the DOM text and storage unless the user opts in', async ({ tally, page }) => {
  await tally.open();
  const token = 'super-secret-token-123';
  await connect(page, { provider: 'aether', token });
  await expect(page.getByTestId('info')).toContainText('Fetched');
  expect(page.url()).not.toContain(token);
  expect(await page.locator('body').innerText()).not.toContain(token);
  expect(await page.evaluate(() => JSON.stringify(localStorage))).not.toContain(token);
  await page.getByTestId('nav-data').click();
  await page.getByTestId('connect-remember').check();
  await page.getByTestId('connect-submit').click();
  await expect(page.getByTestId('info')).toContainText('Fetched');
  expect(await page.evaluate(() => localStorage.getItem('tally.credential.aether'))).toBe(token);
  await page.getByTestId('nav-data').click();
  await page.getByTestId('connect-remember').uncheck();
  expect(await page.evaluate(() => localStorage.getItem('tally.credential.aether'))).toBeNull();
});

test('a provider that does not answer within 30 s is a timeout with the host named', async ({ tally, page }) => {
  test.setTimeout(90_000);
  await tally.open();
  await connect(page, { provider: 'hyperstack', token: 'slow-40000' });
  await expect(tally.error).toContainText('no answer from 127.0.0.1:8081 within 30 s', { timeout: 45_000 });
  await expect(page.getByTestId('loaded').locator('.chip')).toHaveCount(1);
});

test('the connect form shows each provider\'s hints whole, on a laptop and on a phone', async ({ tally, page }) => {
  await tally.open();
  await page.getByTestId('nav-data').click();
  for (const size of [{ width: 1280, height: 900 }, { width: 390, height: 844 }]) {
    await page.setViewportSize(size);
    for (const provider of ['aether', 'hyperstack', 'elastic', 'cu']) {
      await page.getByTestId('connect-provider').selectOption(provider);
      expect(await tally.cutHints('[data-testid=connect-form]'), `${provider} at ${size.width}px`).toEqual([]);
    }
  }
});

test('the connect form\'s boxes on one row are level, whichever label wraps', async ({ tally, page }) => {
  await tally.open();
  await page.getByTestId('nav-data').click();
  await page.setViewportSize({ width: 1100, height: 900 });
  for (const provider of ['aether', 'hyperstack', 'elastic', 'cu']) {
    await page.getByTestId('connect-provider').selectOption(provider);
    // Fields whose tops are level share a row of the grid: their boxes must be level too.
    const rows = await page.locator('[data-testid=connect-form] .form-grid > .field').evaluateAll((fields) => {
      const byRow = new Map<number, number[]>();
      for (const field of fields) {
        const box = field.querySelector('input, select')!.getBoundingClientRect().top;
        const top = Math.round(field.getBoundingClientRect().top);
        byRow.set(top, [...(byRow.get(top) ?? []), Math.round(box)]);
      }
      return [...byRow.values()];
    });
    expect(rows.some((row) => row.length > 1), `${provider}: a row of several fields`).toBe(true);
    for (const row of rows) expect(new Set(row).size, `${provider}: box tops ${row}`).toBe(1);
  }
});
