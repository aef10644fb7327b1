import { test, expect, expected, fixtureText, artifacts } from '../fixtures';
import { randomBytes } from 'node:crypto';

test('provider fields holding HTML and script render as text', async ({ tally, page }) => {
  await tally.open();
  await tally.pickSample('hyperstack');
  const body = fixtureText('hyperstack')
    .replace('"n3-L40x1-0"', '"<img src=x onerror=window.__xss=1>"')
    .replaceAll('"resource_type": "volume"', '"resource_type": "<script>window.__xss=2</script>"');
  await tally.goTo('data');
  await page.getByTestId('paste').fill(body);
  await page.getByTestId('paste-load').click();
  await expect(page.getByTestId('by-resource-type')).toContainText('<script>window.__xss=2</script>');
  expect(await page.evaluate(() => (window as any).__xss)).toBeUndefined();
  expect(await page.locator('main img, main script').count()).toBe(0);
  await tally.goTo('breakdown');
  await expect(page.getByTestId('breakdown-table')).toContainText('<script>window.__xss=2</script>');
  expect(await page.evaluate(() => (window as any).__xss)).toBeUndefined();
  await tally.screenshot('xss-as-text', artifacts);
});

test('a malformed body, a 10 MB random file and a dropped binary leave the app usable with its data', async ({ tally, page }) => {
  await tally.open();
  const total = expected('aether').total;
  await tally.goTo('data');
  await page.getByTestId('paste').fill('{"items": [{"resource_type": "x", "quantity": 1,');
  await page.getByTestId('paste-load').click();
  await expect(tally.error).toContainText('pasted JSON: not valid JSON');
  await page.getByTestId('file-input').setInputFiles({ name: 'random.bin', mimeType: 'application/octet-stream',
    // Starts with a digit, like a JSON number, so "not valid JSON" must come from the whole body.
    buffer: Buffer.concat([Buffer.from('4'), randomBytes(10 * 1024 * 1024)]) });
  await expect(tally.error).toContainText('random.bin: not valid JSON', { timeout: 30_000 });
  const dt = await page.evaluateHandle(() => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0xff])], 'logo.png', { type: 'image/png' }));
    return dt;
  });
  await page.getByTestId('dropzone').dispatchEvent('drop', { dataTransfer: dt });
  await expect(tally.error).toContainText('logo.png: not valid JSON');
  await tally.goTo('summary');
  await expect(tally.total).toHaveAttribute('data-value', total);
  await expect(page.getByTestId('loaded').locator('.chip')).toHaveCount(1);
});

test.describe('with the service worker blocked', () => {
  // Playwright cannot route requests of a page its service worker controls, and the app's worker
  // takes control a moment after the first load: without this the route below races it. (The
  // service worker has its own test: whatif.spec.ts, "works with the network cut".)
  test.use({ serviceWorkers: 'block' });

  test('a network failure in the middle of a fetch keeps the last good data', async ({ tally, page }) => {
    await tally.open();
    await tally.pickSample('elastic');
    await page.route('http://127.0.0.1:8081/elastic/**', async (route) => {
      const url = new URL(route.request().url());
      // The second month's request dies half way.
      if (url.searchParams.get('from')?.startsWith('2026-10')) await route.abort('connectionreset');
      else await route.continue();
    });
    await tally.goTo('data');
    await page.getByTestId('connect-provider').selectOption('elastic');
    await page.getByTestId('connect-org').fill('6513270e-269e-4d37-b2a7-4de452e6b438');
    await page.getByTestId('connect-from').fill('2026-09-01');
    await page.getByTestId('connect-to').fill('2026-10-31');
    await page.getByTestId('connect-credential').fill('k');
    await page.getByTestId('connect-submit').click();
    await expect(tally.error).toContainText('2026-10: could not reach 127.0.0.1:8081');
    await tally.goTo('summary');
    await expect(tally.total).toHaveAttribute('data-value', expected('elastic').total);
    await expect(page.getByTestId('loaded').locator('.chip')).toHaveCount(1);
  });
});

test('the token never reaches the console, the URL, the DOM or storage', async ({ tally, page }) => {
  const logs: string[] = [];
  page.on('console', (m) => logs.push(m.text()));
  await tally.open();
  const token = 'tok-0123456789-secret';
  for (const [provider, t] of [['aether', token], ['cu', `fail-401`]]) {
    await tally.goTo('data');
    await page.getByTestId('connect-provider').selectOption(provider);
    await page.getByTestId('connect-org').fill('6513270e-269e-4d37-b2a7-4de452e6b438');
    await page.getByTestId('connect-credential').fill(t);
    await page.getByTestId('connect-submit').click();
    await expect(page.getByTestId(provider === 'aether' ? 'info' : 'error')).toBeVisible();
  }
  expect(logs.join('\n')).not.toContain(token);
  expect(page.url()).not.toContain(token);
  expect(await page.content()).not.toContain(token);
  expect(await page.evaluate(() => JSON.stringify(localStorage) + document.cookie)).not.toContain(token);
});

test('the page runs under its Content-Security-Policy with no inline script', async ({ tally, page }) => {
  await tally.open();
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(csp).not.toContain('unsafe-inline');
  expect(await page.locator('script:not([src])').count()).toBe(0);
});
