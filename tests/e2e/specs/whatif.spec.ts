import { test, expect, repo, artifacts } from '../fixtures';
import { AS_OF } from '../bodies';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';


async function openWhatIf(tally: any, page: Page) {
  await tally.open();
  await page.evaluate(() => localStorage.clear());
  await tally.goTo('whatif');
  await expect(page.getByTestId('whatif-base')).toHaveAttribute('data-value', '3473.39');
}

async function addNodes(page: Page, runs: string, nodes = '1') {
  await page.getByTestId('nodes-count').fill(nodes);
  await page.getByTestId('nodes-runs').fill(runs);
  await page.getByTestId('nodes-add').click();
}

async function saveDownload(page: Page, testid: string) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()]);
  return { name: download.suggestedFilename(), text: readFileSync((await download.path())!, 'utf8') };
}

test('a run under 15 minutes is free and every started hour counts from 15 minutes on', async ({ tally, page }) => {
  await openWhatIf(tally, page);
  await expect(page.getByTestId('no-adjustments')).toBeVisible();
  await page.getByTestId('nodes-runs').fill('10');
  await expect(page.getByTestId('billed-hours')).toContainText('0 = 0 hours per node');
  await addNodes(page, '10');
  await expect(page.getByTestId('whatif-difference')).toHaveAttribute('data-value', '0.00');
  await page.getByTestId('nodes-runs').fill('10, 15, 70');
  await expect(page.getByTestId('billed-hours')).toContainText('0 + 1 + 2 = 3 hours per node');
  await addNodes(page, '15');
  // One more GPU hour: the month's GPU hours are past the volume tier's 500, so 1.29 each.
  await expect(page.getByTestId('whatif-difference')).toHaveAttribute('data-value', '1.29');
  await expect(page.getByTestId('adjustments')).toContainText('Add node.gpu-l40s-1 × 1 node, runs of 10 min = 0 billed hours each');
  await expect(page.getByTestId('adjustments')).toContainText('runs of 15 min = 1 billed hour each');
  await page.getByTestId('nodes-runs').fill('60');
  await expect(page.getByTestId('billed-hours')).toContainText('1 = 1 hour per node');
  await expect(page.getByTestId('no-adjustments')).toHaveCount(0);
  await tally.screenshot('whatif', artifacts);
  // Each change's Remove button says which change it removes.
  await page.getByRole('button', { name: 'Remove: Add node.gpu-l40s-1 × 1 node, runs of 10 min = 0 billed hours each' }).click();
  await expect(page.getByTestId('adjustments')).not.toContainText('runs of 10 min');
  await expect(page.getByTestId('whatif-difference')).toHaveAttribute('data-value', '1.29');
});

test('the browser and `tally estimate` give the same numbers for the same scenario', async ({ tally, page, scratch }) => {
  await openWhatIf(tally, page);
  await addNodes(page, '10, 15, 70, 480', '2');
  await page.getByTestId('scale-type').fill('network.egress');
  await page.getByTestId('scale-factor').fill('1.5');
  await page.getByTestId('form-scale').getByRole('button').click();
  await page.getByTestId('override-tax').fill('19');
  await page.getByTestId('override-tax').blur();
  const scenario = await saveDownload(page, 'download-scenario');
  writeFileSync(join(scratch, 'scenario.json'), scenario.text);
  const cli = JSON.parse(execFileSync(join(repo, 'target', 'release', 'tally'), [
    'estimate', join(repo, 'fixtures/aether/usage.json'), '--prices', join(repo, 'fixtures/aether/prices.json'),
    '--scenario', join(scratch, 'scenario.json'), '--as-of', AS_OF, '--json',
  ], { encoding: 'utf8' }));
  await expect(page.getByTestId('whatif-base')).toHaveAttribute('data-value', cli.base);
  await expect(page.getByTestId('whatif-scenario')).toHaveAttribute('data-value', cli.scenario);
  await expect(page.getByTestId('whatif-difference')).toHaveAttribute('data-value', cli.difference);
  expect(cli.difference).not.toBe('0.00');
  const rows = await page.getByTestId('whatif-by-type').locator('td[data-value]').evaluateAll((tds) => tds.map((td) => td.getAttribute('data-value')));
  expect(rows).toEqual(cli.by_resource_type.map((d: any) => d.difference));
});

test('editing a graduated tier changes the scenario, and a bad value is flagged at its field', async ({ tally, page }) => {
  await openWhatIf(tally, page);
  const egress = page.getByTestId('book-entry').filter({ has: page.locator('input[data-path="prices[4].resource_type"]') });
  const price = egress.locator('input[data-path="prices[4].tiers[1].unit_price"]');
  await expect(price).toHaveValue('0.01');
  await price.fill('0.02');
  // The engine (a worker) answers asynchronously.
  await expect.poll(async () => Number(await page.getByTestId('whatif-difference').getAttribute('data-value'))).toBeGreaterThan(0);
  const upTo = egress.locator('input[data-path="prices[4].tiers[1].up_to"]');
  await upTo.fill('50');
  await expect(upTo).toHaveAttribute('aria-invalid', 'true');
  await expect(egress.getByTestId('field-error')).toHaveText("tiers must be in increasing order: 50 is not above the previous tier's 100");
  await upTo.fill('abc');
  await expect(egress.getByTestId('field-error')).toHaveText('expected a number, found "abc"');
  await tally.screenshot('whatif-book-error', artifacts);
  await upTo.fill('1000');
  await expect(page.getByTestId('field-error')).toHaveCount(0);
});

test('a discount is drawn as what it takes off the bar, colours stay put, and a saving is not a warning', async ({ tally, page }) => {
  await openWhatIf(tally, page);
  const legend = () => page.getByTestId('chart').locator('.legend li').evaluateAll((items) =>
    Object.fromEntries(items.map((li) => [li.textContent, li.querySelector('.swatch')!.getAttribute('class')])));
  await expect(page.getByTestId('chart').locator('.legend li').first()).toBeVisible();
  const before = await legend();
  await page.getByTestId('override-discount').fill('50');
  await page.getByTestId('override-discount').press('Tab');
  await expect.poll(async () => Number(await page.getByTestId('whatif-scenario').getAttribute('data-value'))).toBeCloseTo(3473.39 / 2, 1);
  const after = await legend();
  for (const [group, swatch] of Object.entries(before)) expect(after[group], group).toBe(swatch);
  expect(after.discount).toContain('reduction');
  // The discount hangs from the top of the Scenario column; the solid part left is half the bar.
  const scenario = await page.locator('[data-testid=chart-bar][data-column="1"]').evaluateAll((bars) => bars.map((b) => ({
    y: Number(b.getAttribute('y')), h: Number(b.getAttribute('height')), reduction: b.classList.contains('reduction') })));
  const solid = scenario.filter((b) => !b.reduction);
  const cut = scenario.filter((b) => b.reduction);
  expect(cut).toHaveLength(1);
  const top = Math.min(...solid.map((b) => b.y));
  const bottom = Math.max(...solid.map((b) => b.y + b.h));
  expect(cut[0].y).toBeCloseTo(top, 3);
  expect(cut[0].h / (bottom - top)).toBeCloseTo(0.5, 2);
  await expect(page.getByTestId('whatif-difference-card')).toHaveClass(/saving/);
  await page.getByTestId('chart').screenshot({ path: join(artifacts, 'whatif-discount-chart.png') });
});

test('"Use as current prices" says what it did beside the button', async ({ tally, page }) => {
  await openWhatIf(tally, page);
  const upTo = page.locator('input[data-path="prices[4].tiers[1].up_to"]');
  await upTo.fill('abc');
  await page.getByTestId('apply-book').click();
  await expect(page.getByTestId('apply-status')).toHaveText('Not used: prices[4].tiers[1].up_to: expected a number, found "abc"');
  await expect(page.getByTestId('book')).toContainText('Aether sample prices');
  await upTo.fill('1000');
  // Editing again clears what the button said about the earlier prices.
  await expect(page.getByTestId('apply-status')).toHaveText('');
  await page.getByTestId('apply-book').click();
  await expect(page.getByTestId('apply-status')).toHaveText('These prices are now the current price book, on every view.');
  await expect(page.getByTestId('book')).toContainText('edited prices');
  await expect(page.getByTestId('apply-status')).toBeInViewport();
});

test('a negative scale factor is refused at its form, and nothing is added', async ({ tally, page }) => {
  await openWhatIf(tally, page);
  await page.getByTestId('scale-factor').fill('-1');
  await page.getByTestId('form-scale').getByRole('button', { name: 'Add' }).click();
  await expect(page.getByText('Scale: the factor cannot be negative (0 removes the usage).')).toBeVisible();
  await expect(page.getByTestId('whatif-difference')).toHaveAttribute('data-value', '0.00');
  await expect(page.getByTestId('whatif-error')).toHaveCount(0);
});

test('on a phone the comparison fits: names wrap at their separators and a wide table scrolls in its frame', async ({ tally, page }) => {
  await page.setViewportSize({ width: 375, height: 800 });
  await openWhatIf(tally, page);
  await addNodes(page, '10, 15, 75');
  await expect(page.getByTestId('whatif-difference')).not.toHaveAttribute('data-value', '0.00');
  expect(await tally.pageOverflow(), 'the page does not scroll sideways').toBeLessThanOrEqual(0);
  const byType = page.getByTestId('whatif-by-type');
  expect(await tally.namesBrokenInsideWords(byType.locator('tbody th'))).toEqual([]);
  // The table's frame, not the page, takes any width the table needs beyond the screen's.
  await expect(byType.locator('xpath=..')).toHaveCSS('overflow-x', 'auto');
  await byType.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(artifacts, 'whatif-phone-table.png') });
});

test('on a phone a bar at the foot of the screen keeps the scenario in sight and leads to the comparison', async ({ tally, page }) => {
  await page.setViewportSize({ width: 375, height: 700 });
  await openWhatIf(tally, page);
  // Nothing to compare yet: no bar.
  await expect(page.getByTestId('whatif-base')).toBeVisible();
  await expect(page.getByTestId('comparison-bar')).toHaveCount(0);
  await addNodes(page, '10, 15, 75');
  const difference = page.getByTestId('whatif-difference');
  await expect(difference).not.toHaveAttribute('data-value', '0.00');
  const bar = page.getByTestId('comparison-bar');
  await expect(bar).toBeVisible();
  await expect(bar).toBeInViewport();
  // The bar says what the comparison says.
  await expect(page.getByTestId('bar-scenario')).toHaveText((await page.getByTestId('whatif-scenario').innerText()).trim());
  await expect(page.getByTestId('bar-difference')).toHaveText((await difference.innerText()).trim());
  await page.screenshot({ path: join(artifacts, 'whatif-phone-bar.png') });
  await page.getByTestId('bar-jump').click();
  await expect(page.locator('#whatif-results')).toBeFocused();
  await expect(page.getByTestId('whatif-scenario')).toBeInViewport();
  // A field focused near the foot of the screen is scrolled clear of the bar, not left under it.
  const field = page.locator('input[data-path="minimum_monthly"]');
  await page.evaluate(() => window.scrollTo(0, 0));
  await expect(field).not.toBeInViewport();
  await field.focus();
  const [fieldBox, barBox] = [await field.boundingBox(), await bar.boundingBox()];
  expect(fieldBox!.y + fieldBox!.height).toBeLessThanOrEqual(barBox!.y);
  // Wide enough for two columns, the comparison is beside the forms and the bar is not shown.
  await page.setViewportSize({ width: 1280, height: 800 });
  await expect(bar).toBeHidden();
});

test('a share link opened in a fresh browser restores the scenario exactly', async ({ tally, page, browser }) => {
  await openWhatIf(tally, page);
  const shown = page.getByTestId('whatif-difference');
  await addNodes(page, '15, 70', '3');
  await expect(shown).not.toHaveAttribute('data-value', '0.00');
  const withNodes = await shown.getAttribute('data-value');
  await page.locator('input[data-path="prices[0].unit_price"]').fill('0.1');
  // The engine answers each edit asynchronously: wait for the answer to the price edit too.
  await expect(shown).not.toHaveAttribute('data-value', withNodes!);
  const difference = await shown.getAttribute('data-value');
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByTestId('share').click();
  const link = await page.getByTestId('share-link').inputValue();
  expect(link).toContain('#s=');
  // The user is told the link was copied, and it was.
  await expect(page.getByTestId('share-status')).toHaveText('Copied to the clipboard.');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
  const adjustments = await page.getByTestId('adjustments').innerText();
  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  // Every comparison the fresh tab shows is the restored one: none is made before the usage is in.
  await other.addInitScript(() => {
    const seen: string[] = ((window as any).__differences = []);
    new MutationObserver(() => {
      const v = document.querySelector('[data-testid=whatif-difference]')?.getAttribute('data-value');
      if (v && seen[seen.length - 1] !== v) seen.push(v);
    }).observe(document, { subtree: true, childList: true, attributes: true });
  });
  await other.goto(link);
  await expect(other.getByTestId('whatif-difference')).toHaveAttribute('data-value', difference!, { timeout: 30_000 });
  expect(await other.evaluate(() => (window as any).__differences)).toEqual([difference]);
  expect(await other.getByTestId('adjustments').innerText()).toBe(adjustments);
  await expect(other.locator('input[data-path="prices[0].unit_price"]')).toHaveValue('0.1');
  await fresh.close();
});

test('the scenario survives a reload (saved on this device)', async ({ tally, page }) => {
  await openWhatIf(tally, page);
  await addNodes(page, '120');
  await expect(page.getByTestId('whatif-difference')).not.toHaveAttribute('data-value', '0.00');
  const difference = await page.getByTestId('whatif-difference').getAttribute('data-value');
  await page.reload();
  await tally.goTo('whatif');
  await expect(page.getByTestId('whatif-difference')).toHaveAttribute('data-value', difference!);
});

test('after the first load the app works with the network cut', async ({ tally, page, context }) => {
  await tally.open();
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });
  // Let the worker finish precaching and take control.
  await page.reload();
  await expect(tally.total).toBeVisible();
  await context.setOffline(true);
  await page.reload();
  await expect(tally.total).toHaveAttribute('data-value', '3473.39', { timeout: 30_000 });
  await tally.goTo('whatif');
  await addNodes(page, '15');
  await expect(page.getByTestId('whatif-difference')).toHaveAttribute('data-value', '1.29');
  await tally.screenshot('whatif-offline', artifacts);
  await context.setOffline(false);
});

test('each download holds what it says', async ({ tally, page }) => {
  await openWhatIf(tally, page);
  await addNodes(page, '15');
  const comparison = await saveDownload(page, 'download-comparison');
  expect(comparison.name).toBe('tally-scenario-comparison.csv');
  expect(comparison.text.split('\n')[0]).toBe('dimension,key,base,scenario,difference');
  expect(comparison.text).toContain('total,,3473.39,3474.68,1.29');
  expect(comparison.text).toContain('resource_type,node.gpu-l40s-1,979.11,980.40,1.29');
  const summary = await saveDownload(page, 'download-summary');
  expect(summary.text).toContain('total,EUR,3473.39');
  expect(summary.text).toContain('category,subscription,2205.26');
  const breakdown = await saveDownload(page, 'download-breakdown');
  expect(breakdown.text.split('\n')[0]).toBe('month,resource_type,total');
  expect(breakdown.text).toContain('2026-11,node_pool,2036.26');
  const focus = await saveDownload(page, 'download-focus');
  const lines = focus.text.trim().split('\n');
  expect(lines[0].startsWith('BilledCost,BillingCurrency')).toBe(true);
  const sum = lines.slice(1).reduce((s, l) => s + Number(l.split(',')[0]), 0);
  expect(sum.toFixed(2)).toBe('3473.39');
  const scenario = JSON.parse((await saveDownload(page, 'download-scenario')).text);
  expect(scenario.adjustments[0]).toMatchObject({ action: 'add', charge: { run_minutes: [15], resource_type: 'node.gpu-l40s-1' } });
  const book = JSON.parse((await saveDownload(page, 'download-book')).text);
  expect(book.currency).toBe('EUR');
  expect(book.prices).toHaveLength(5);
  expect(book.prices[2]).toMatchObject({ model: 'volume', tiers: [{ up_to: '500', unit_price: '1.45' }, { up_to: null, unit_price: '1.29' }] });
});

test('every empty field of the What-if shows its hint whole, on a laptop and on a phone', async ({ tally, page }) => {
  await openWhatIf(tally, page);
  expect(await tally.cutHints()).toEqual([]);
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await tally.cutHints()).toEqual([]);
});
