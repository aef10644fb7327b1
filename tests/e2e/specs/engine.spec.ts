import { test, expect, artifacts, expected, fixtureText, repo } from '../fixtures';
import { join } from 'node:path';
import { generateAether, cliSummary, withBadLastQuantity } from '../bodies';

test('a big body is read and priced in the engine worker, with progress, and matches the CLI', async ({ tally, page, scratch }) => {
  test.setTimeout(180_000);
  await tally.open();
  // The engine runs in its own worker, which loads the app's wasm.
  await expect.poll(() => page.workers().some((w) => w.url().endsWith('/engine-worker.js'))).toBe(true);
  const file = generateAether(scratch, 400_000, 7);
  const want = cliSummary(file);
  await tally.goTo('data');
  // Every text the progress banner shows, however briefly.
  await page.evaluate(() => {
    const seen: string[] = ((window as any).__workTexts = []);
    new MutationObserver(() => {
      const work = document.querySelector('[data-testid=work]');
      if (work?.textContent) seen.push(work.textContent);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await page.getByTestId('file-input').setInputFiles(file);
  // The body takes the opening sample's place.
  await expect(page.getByTestId('info')).toContainText('Loaded aether-400000.json, in place of the sample', { timeout: 120_000 });
  await expect(page.getByTestId('loaded').locator('.chip')).toHaveCount(1);
  // Progress counted the items as the worker read them.
  const texts: string[] = await page.evaluate(() => (window as any).__workTexts);
  expect(texts.some((t) => /Reading aether-400000\.json… [\d,.\s]+ items read/.test(t)), texts.join(' | ')).toBe(true);
  // Priced with the sample price book, as the CLI was (the sample's own book left with it).
  await page.getByTestId('book-input').setInputFiles(join(repo, 'fixtures', 'aether', 'prices.json'));
  await tally.goTo('summary');
  await expect(tally.total).toHaveAttribute('data-value', want.total, { timeout: 60_000 });
});

test('a big body with a fault near its end is read again whole, and the error names the field', async ({ tally, page, scratch }) => {
  test.setTimeout(180_000);
  await tally.open();
  const before = await tally.value(tally.total);
  // About 38 MB: the worker holds it a 16 MB chunk at a time and has dropped the items it read
  // when it meets the bad quantity, so it reads the file again for the general reader.
  const bad = withBadLastQuantity(generateAether(scratch, 120_000, 11), join(scratch, 'aether-bad.json'));
  await tally.goTo('data');
  await page.getByTestId('file-input').setInputFiles(bad);
  await expect(tally.error).toContainText('aether-bad.json: items[119999].quantity: expected a number, found "x"', { timeout: 60_000 });
  await expect(page.getByTestId('loaded').locator('.chip')).toHaveCount(1);
  await tally.goTo('summary');
  await expect(tally.total).toHaveAttribute('data-value', before!);
});

test('cancelling a long read stops it and the body waiting behind it, keeps what was loaded, and the engine keeps working', async ({ tally, page, scratch }) => {
  test.setTimeout(180_000);
  await tally.open();
  const before = await tally.value(tally.total);
  // Big enough (about 640 MB) that the read is still going when Cancel is pressed: the worker
  // reads 1.2M items in about 1.5 s here, and Cancel is pressed as soon as progress shows.
  const file = generateAether(scratch, 2_000_000, 3);
  await tally.goTo('data');
  // The text is typed in first: filling the box takes longer than some reads of the big body, and
  // only the click must land while the read is going (CI caught a read that ended first).
  await page.getByTestId('paste').fill(fixtureText('hyperstack'));
  await page.getByTestId('file-input').setInputFiles(file);
  await expect(page.getByTestId('work')).toContainText('items read', { timeout: 60_000 });
  // A body pasted meanwhile waits its turn, and the banner still follows the big read.
  await page.getByTestId('paste-load').click();
  await expect(page.getByTestId('work')).toContainText(/Reading aether-2000000\.json… [\d,.\s]+ items read · 1 more waiting/);
  // Cancel stops both.
  await page.getByTestId('cancel-work').click();
  await expect(page.getByTestId('work')).toHaveCount(0);
  await expect(page.getByTestId('info')).toContainText('Cancelled');
  await tally.screenshot('engine-cancelled', artifacts);
  await expect(page.getByTestId('loaded').locator('.chip')).toHaveCount(1);
  // The pasted text is still there to add again.
  await expect(page.getByTestId('paste')).toHaveValue(fixtureText('hyperstack'));
  await tally.goTo('summary');
  await expect(tally.total).toHaveAttribute('data-value', before!);
  // The replaced worker was refilled: a new question about the loaded data is answered.
  await tally.goTo('breakdown');
  await expect(page.getByTestId('breakdown-table')).toContainText('node.', { timeout: 30_000 });
  await tally.goTo('whatif');
  await tally.goTo('summary');
  await expect(tally.total).toHaveAttribute('data-value', before!);
});

test('when the engine worker cannot start, the page computes itself and nothing is lost', async ({ tally, page }) => {
  // A browser without module workers, or a deployment that blocks the script: it loads, then fails.
  await page.route('**/engine-worker.js', (route) => route.fulfill({ status: 200, contentType: 'text/javascript', body: 'throw new TypeError("module workers are not supported here");' }));
  await tally.open();
  await expect(tally.total).toHaveAttribute('data-value', expected('aether').total);
  // Everything still works in the page: another sample, a breakdown, a what-if.
  await tally.pickSample('hyperstack');
  await expect(tally.total).toHaveAttribute('data-value', expected('hyperstack').total);
  await tally.goTo('breakdown');
  await expect(page.getByTestId('breakdown-table')).toBeVisible();
  // No Cancel is offered for work that runs in the page.
  expect(await page.getByTestId('cancel-work').count()).toBe(0);
});

test('when the engine worker fails before it starts, work already on its way moves to the page and Cancel goes', async ({ tally, page }) => {
  // A worker that loads but never starts, then fails: the bundled sample's read is sent to it
  // (and shows Cancel), then runs in the page, which cannot interrupt it.
  await page.route('**/engine-worker.js', (route) => route.fulfill({ status: 200, contentType: 'text/javascript',
    body: 'setTimeout(() => { throw new TypeError("no engine in this worker"); }, 1500);' }));
  // What the progress banner showed, at every change of the page.
  await page.addInitScript(() => {
    const seen: { work: boolean; cancel: boolean }[] = ((window as any).__banner = []);
    new MutationObserver(() => {
      const work = document.querySelector('[data-testid=work]');
      seen.push({ work: !!work, cancel: !!work?.querySelector('[data-testid=cancel-work]') });
    }).observe(document, { subtree: true, childList: true });
  });
  await tally.open();
  await expect(tally.total).toHaveAttribute('data-value', expected('aether').total);
  const seen: { work: boolean; cancel: boolean }[] = await page.evaluate(() => (window as any).__banner);
  const shown = seen.filter((s) => s.work);
  // Offered while the worker had the work, gone once the page had it.
  expect(shown.some((s) => s.cancel), JSON.stringify(shown)).toBe(true);
  expect(shown[shown.length - 1], JSON.stringify(shown)).toEqual({ work: true, cancel: false });
  expect(await page.getByTestId('cancel-work').count()).toBe(0);
});

test('without a worker the page reads a big body a chunk at a time, and a fault near its end names its field', async ({ tally, page, scratch }) => {
  test.setTimeout(180_000);
  await page.route('**/engine-worker.js', (route) => route.fulfill({ status: 200, contentType: 'text/javascript', body: 'throw new TypeError("module workers are not supported here");' }));
  await tally.open();
  const file = generateAether(scratch, 120_000, 12);
  const want = cliSummary(file);
  await tally.goTo('data');
  await page.getByTestId('file-input').setInputFiles(withBadLastQuantity(file, join(scratch, 'aether-bad.json')));
  await expect(tally.error).toContainText('aether-bad.json: items[119999].quantity: expected a number, found "x"', { timeout: 60_000 });
  await page.getByTestId('file-input').setInputFiles(file);
  await expect(page.getByTestId('info')).toContainText('in place of the sample', { timeout: 60_000 });
  await expect(page.getByTestId('loaded').locator('.chip')).toHaveCount(1);
  await page.getByTestId('book-input').setInputFiles(join(repo, 'fixtures', 'aether', 'prices.json'));
  await tally.goTo('summary');
  await expect(tally.total).toHaveAttribute('data-value', want.total, { timeout: 60_000 });
});
