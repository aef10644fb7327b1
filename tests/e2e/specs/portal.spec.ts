import { test, expect, expected, fixtureText, artifacts, repo } from '../fixtures';
import { join } from 'node:path';

test('a file dropped on the drop zone takes the place of the sample, and the next one is added beside it', async ({ tally, page }) => {
  await tally.open();
  await expect(page.getByTestId('book')).toContainText('sample prices');
  await tally.goTo('data');
  const drop = async (name: string, text: string) => {
    const dt = await page.evaluateHandle(([name, body]) => {
      const dt = new DataTransfer();
      dt.items.add(new File([body], name, { type: 'application/json' }));
      return dt;
    }, [name, text]);
    await page.getByTestId('dropzone').dispatchEvent('dragover', { dataTransfer: dt });
    await page.getByTestId('dropzone').dispatchEvent('drop', { dataTransfer: dt });
  };
  // The opening Aether sample (and its price book) leave: summed with the user's own bill, it
  // would make a total of nobody's bill.
  await drop('hyperstack-usage.json', fixtureText('hyperstack'));
  await expect(page.getByTestId('info')).toContainText('Loaded hyperstack-usage.json, in place of the sample');
  await expect(page.getByTestId('loaded').locator('.chip')).toHaveCount(1);
  await expect(page.getByTestId('book')).toHaveCount(0);
  await tally.goTo('summary');
  await expect(tally.total).toHaveAttribute('data-value', expected('hyperstack').total);
  // The user's own data adds up.
  await tally.goTo('data');
  await drop('hyperstack-again.json', fixtureText('hyperstack'));
  await expect(page.getByTestId('info')).toContainText('Loaded hyperstack-again.json.');
  await expect(page.getByTestId('info')).not.toContainText('in place of');
  await expect(page.getByTestId('loaded').locator('.chip')).toHaveCount(2);
  await tally.goTo('summary');
  await expect(tally.total).toHaveAttribute('data-value', '63795.25');
});

test('files chosen with the picker are loaded, and a broken one names the file and field', async ({ tally, page }) => {
  await tally.open();
  await tally.pickSample('cu');
  await tally.goTo('data');
  await page.getByTestId('file-input').setInputFiles(join(repo, 'fixtures', 'cu', 'error-404.json'));
  await expect(tally.error).toHaveText(/error-404\.json: CU usage API error 404: organization not found/);
  await page.getByTestId('file-input').setInputFiles({ name: 'binary.json', mimeType: 'application/octet-stream', buffer: Buffer.from([0, 159, 146, 150, 255]) });
  await expect(tally.error).toContainText('binary.json: not valid JSON');
  // A bad file among good ones is still reported once the good one has loaded after it.
  await page.getByTestId('file-input').setInputFiles([
    { name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"items": [') },
    { name: 'usage.json', mimeType: 'application/json', buffer: Buffer.from(fixtureText('cu')) },
  ]);
  await expect(tally.error).toContainText('Loaded 1 of 2 files.');
  await expect(tally.error).toContainText('broken.json: ');
  await expect(page.getByTestId('loaded').locator('.chip')).toHaveCount(1);
  await tally.goTo('summary');
  await expect(tally.total).toHaveAttribute('data-value', expected('cu').total);
});

test('a pasted body is added and the summary sums both sources', async ({ tally, page }) => {
  await tally.open();
  await tally.goTo('data');
  // Two Hyperstack bodies (same currency) add up; the first takes the sample's place.
  await page.getByTestId('paste').fill(fixtureText('hyperstack'));
  await page.getByTestId('paste-load').click();
  await expect(page.getByTestId('loaded').locator('.chip')).toHaveCount(1);
  await tally.goTo('data');
  await page.getByTestId('paste').fill(fixtureText('hyperstack'));
  await page.getByTestId('paste-load').click();
  await expect(page.getByTestId('loaded').locator('.chip')).toHaveCount(2);
  // 2 x 31897.6236694... = 63795.2473...: summed exactly, rounded once (not 2 x 31897.62).
  await expect(tally.total).toHaveAttribute('data-value', '63795.25');
});

test('the app is usable from the keyboard', async ({ tally, page }) => {
  await tally.open();
  await page.keyboard.press('Tab');
  await expect(page.locator('.skip')).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('nav-summary')).toBeFocused();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('nav-breakdown')).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('breakdown-table')).toBeVisible();
  // The chart's months are keyboard controls too: Enter shows a month's days.
  const month = page.getByRole('button', { name: /^Show the days of / }).first();
  await month.focus();
  await expect(month).toBeFocused();
  const label = (await month.getAttribute('aria-label'))!.replace('Show the days of ', '');
  await page.keyboard.press('Enter');
  // The focus follows: to the way back, then to the month the user came from.
  await expect(page.getByTestId('back-to-months')).toBeFocused();
  // A month's days lead nowhere: their labels are text, not controls.
  await expect(page.getByTestId('chart-column').first()).toBeVisible();
  await expect(page.locator('[data-testid=chart-column][role=button]')).toHaveCount(0);
  await expect(page.locator('[data-testid=chart-column][tabindex]')).toHaveCount(0);
  await page.keyboard.press('Enter');
  // (Every row of the month leads to its days; the first takes the focus.)
  await expect(page.locator(`[data-testid=breakdown-row] button[data-month="${label}"]`).first()).toBeFocused();
});

test('the sample picker says when the data is the user\'s own, so the sample can be picked again', async ({ tally, page }) => {
  await tally.open();
  const picker = page.getByTestId('sample-picker');
  await expect(picker).toHaveValue('aether');
  await tally.goTo('data');
  await page.getByTestId('paste').fill(fixtureText('hyperstack'));
  await page.getByTestId('paste-load').click();
  await expect(page.getByTestId('loaded').locator('.chip')).toHaveCount(1);
  await expect(picker).toHaveValue('');
  await expect(picker.locator('option:checked')).toHaveText('Your data');
  await picker.selectOption('aether');
  await expect(tally.total).toHaveAttribute('data-value', expected('aether').total);
  await expect(picker).toHaveValue('aether');
  await page.getByTestId('loaded').locator('.chip-remove').click();
  await expect(picker.locator('option:checked')).toHaveText('Choose a sample…');
});

test('USD usage beside EUR usage is summed once the user gives an exchange rate in the price editor', async ({ tally, page }) => {
  await tally.open();
  await tally.goTo('data');
  await page.getByTestId('file-input').setInputFiles([join(repo, 'fixtures', 'aether', 'usage.json'), join(repo, 'fixtures', 'hyperstack', 'usage.json')]);
  await expect(page.getByTestId('loaded').locator('.chip')).toHaveCount(2);
  await tally.goTo('summary');
  await expect(page.getByTestId('summary-error')).toContainText('cannot add USD amounts to EUR amounts without an exchange rate');
  await tally.goTo('whatif');
  await page.locator('input[data-path="currency"]').fill('EUR');
  await page.getByTestId('add-fx').click();
  await expect(page.getByTestId('fx-currency')).toHaveValue('USD');
  const rate = page.locator('input[data-path="fx.USD"]');
  await rate.fill('-1');
  await expect(rate).toHaveAttribute('aria-invalid', 'true');
  await rate.fill('0.5');
  await page.getByTestId('apply-book').click();
  await expect(page.getByTestId('apply-status')).toHaveText('These prices are now the current price book, on every view.');
  await tally.goTo('summary');
  // Aether's subscriptions in EUR (its usage has no price without the sample's book) plus
  // Hyperstack's USD at 0.5.
  await expect(tally.currency).toHaveText('EUR');
  const subscriptions = Number(expected('aether').by_category.find((c: { key: string }) => c.key === 'subscription').total);
  const total = Number(await tally.total.getAttribute('data-value'));
  expect(total).toBeCloseTo(subscriptions + Number(expected('hyperstack').total) / 2, 1);
});

test('the missing exchange rate is asked for under the message that needs it, and the sum follows', async ({ tally, page }) => {
  await tally.open();
  await tally.goTo('data');
  await page.getByTestId('file-input').setInputFiles([join(repo, 'fixtures', 'aether', 'usage.json'), join(repo, 'fixtures', 'hyperstack', 'usage.json')]);
  await expect(page.getByTestId('loaded').locator('.chip')).toHaveCount(2);
  // Both files are named by provider: their names alone are the same.
  await expect(page.getByTestId('info')).toHaveText(/Loaded 2 files: Aether usage\.json, Hyperstack usage\.json\./);
  await tally.goTo('breakdown');
  await expect(page.getByTestId('breakdown-error')).toContainText('cannot add USD amounts to EUR amounts without an exchange rate');
  await expect(page.getByTestId('rate-form')).toBeVisible();
  await tally.goTo('summary');
  const form = page.getByTestId('rate-form');
  await expect(form.locator('label')).toHaveText('1 USD = how many EUR');
  await expect(form.locator('label span.sr-only')).toHaveCSS('position', 'absolute');
  const input = page.getByTestId('rate-input');
  await page.getByTestId('rate-submit').click();
  await expect(page.getByTestId('rate-error')).toHaveText('Enter how many EUR one USD is worth.');
  await expect(input).toBeFocused();
  await expect(input).toHaveAttribute('aria-describedby', 'missing-rate-error');
  await input.fill('abc');
  await expect(page.getByTestId('rate-error')).toHaveCount(0);
  await input.press('Enter');
  await expect(page.getByTestId('rate-error')).toHaveText('Expected a number, found "abc".');
  await expect(page.getByTestId('rate-error')).toHaveAttribute('role', 'alert');
  await expect(input).toHaveValue('abc');
  await input.fill('0.5');
  await tally.screenshot('missing-rate', artifacts);
  await input.press('Enter');
  await expect(page.getByTestId('info')).toContainText('Saved 1 USD = 0.5 EUR with the current prices.');
  // The form is gone with the failure: the focus is on the view, not lost to the page.
  await expect(page.locator('#main')).toBeFocused();
  await expect(tally.currency).toHaveText('EUR');
  const subscriptions = Number(expected('aether').by_category.find((c: { key: string }) => c.key === 'subscription').total);
  const total = Number(await tally.total.getAttribute('data-value'));
  expect(total).toBeCloseTo(subscriptions + Number(expected('hyperstack').total) / 2, 1);
  // The rate is where prices are edited, to change later.
  await tally.goTo('whatif');
  await expect(page.getByTestId('fx-currency')).toHaveValue('USD');
  await expect(page.locator('input[data-path="fx.USD"]')).toHaveValue('0.5');
});

test('removing a loaded chip moves the focus to the next chip, and with none left to "Load other data"', async ({ tally, page }) => {
  await tally.open();
  await tally.goTo('data');
  await page.getByTestId('paste').fill(fixtureText('hyperstack'));
  await page.getByTestId('paste-load').click();
  await tally.goTo('data');
  await page.getByTestId('paste').fill(fixtureText('hyperstack'));
  await page.getByTestId('paste-load').click();
  const chips = page.getByTestId('loaded').locator('.chip');
  await expect(chips).toHaveCount(2);
  await chips.first().locator('.chip-remove').click();
  await expect(chips).toHaveCount(1);
  await expect(chips.first().locator('.chip-remove')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(chips).toHaveCount(0);
  await expect(page.getByTestId('load-other')).toBeFocused();
});

test("a group keeps its colour from the months to a month's days", async ({ tally, page }) => {
  await tally.open();
  await tally.pickSample('hyperstack');
  await tally.goTo('breakdown');
  // By resource: August's order (338, 311, ...) is not the whole period's.
  await page.getByTestId('breakdown-dimension').selectOption('resource');
  const colours = () => page.getByTestId('chart').locator('.legend li').evaluateAll((items) =>
    Object.fromEntries(items.map((li) => [li.textContent, li.querySelector('.swatch')!.getAttribute('class')])));
  await expect(page.getByTestId('chart-bar').first()).toBeVisible();
  const months = await colours();
  expect(Object.keys(months).length).toBeGreaterThan(1);
  const count = await page.getByTestId('chart-column').count();
  for (let i = 0; i < count; i++) {
    await page.getByTestId('chart-column').nth(i).click();
    await expect(page.getByTestId('back-to-months')).toBeVisible();
    await expect(page.getByTestId('chart-bar').first()).toBeVisible();
    for (const [group, swatch] of Object.entries(await colours())) expect(swatch, `${group} in month ${i + 1}`).toBe(months[group]);
    await page.getByTestId('back-to-months').click();
    await expect(page.getByTestId('chart-column')).toHaveCount(count);
  }
});

test('the theme follows the system until the user picks one, which is kept for the next visit', async ({ tally, page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await tally.open();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(page.getByTestId('theme-toggle')).toHaveAttribute('aria-pressed', 'true');
  await page.getByTestId('theme-toggle').click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  // One name; the state is in aria-pressed.
  await expect(page.getByTestId('theme-toggle')).toHaveText('Dark theme');
  await expect(page.getByTestId('theme-toggle')).toHaveAttribute('aria-pressed', 'false');
  // Chosen light on a dark system: the next visit opens light.
  await tally.open();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await page.emulateMedia({ colorScheme: 'light' });
  await page.getByTestId('theme-toggle').click();
  await tally.open();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
});

test('dark theme and a phone-width layout', async ({ tally, page }) => {
  await tally.open();
  await page.getByTestId('theme-toggle').click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await tally.screenshot('summary-dark', artifacts);
  await page.setViewportSize({ width: 375, height: 800 });
  await tally.goTo('breakdown');
  expect(await tally.pageOverflow(), 'no horizontal scrolling at phone width').toBeLessThanOrEqual(0);
  // The chart is drawn as wide as the phone's screen (not a wide drawing scaled down), so its
  // labels keep their size.
  const svg = page.getByTestId('chart').locator('svg');
  await expect.poll(() => svg.evaluate((el: SVGSVGElement) => el.getBoundingClientRect().width / el.viewBox.baseVal.width)).toBeCloseTo(1, 1);
  expect((await svg.locator('.tick text').first().boundingBox())!.height).toBeGreaterThanOrEqual(10);
  // The header is two rows: brand and theme, then the four views side by side.
  const box = async (id: string) => (await page.getByTestId(id).boundingBox())!;
  const tabs = await Promise.all(['nav-summary', 'nav-breakdown', 'nav-whatif', 'nav-data'].map(box));
  expect(new Set(tabs.map((t) => Math.round(t.y))).size, 'the views share one row').toBe(1);
  expect((await box('theme-toggle')).y + (await box('theme-toggle')).height).toBeLessThanOrEqual(tabs[0].y);
  // Long resource names wrap after their separators ("control_" / "plane"), never inside a word:
  // each piece of a name stays on one line.
  expect(await tally.namesBrokenInsideWords(page.locator('[data-testid=breakdown-row] td:nth-child(2)'))).toEqual([]);
  await tally.screenshot('breakdown-phone', artifacts);
  // A month's days on a phone: the day labels shown do not run into each other.
  await page.getByTestId('chart-bar').first().click();
  await expect(page.getByTestId('back-to-months')).toBeVisible();
  // The days' chart is drawn once the engine answers, then again at the measured width: measured
  // until it settles (a label caught between two drawings has no box).
  const touching = async () => {
    const days = await page.getByTestId('chart-column').evaluateAll((els) => els.map((el) => {
      const r = el.getBoundingClientRect();
      return { left: r.left, right: r.right, text: el.textContent };
    }));
    const columns = new Set(await page.getByTestId('chart-bar').evaluateAll((bars) => bars.map((b) => b.getAttribute('data-column')))).size;
    if (days.length < 2) return ['fewer than two day labels'];
    if (days.length >= columns) return ['no day label left out'];
    return days.slice(1).flatMap((d, i) => (d.left <= days[i].right ? [`${days[i].text} and ${d.text}`] : []));
  };
  await expect(page.getByRole('columnheader', { name: 'Day' })).toBeVisible();
  await expect.poll(touching).toEqual([]);
  await page.getByTestId('chart').screenshot({ path: join(artifacts, 'breakdown-phone-days.png') });
});

test('sorting the breakdown table keeps every row and the total', async ({ tally, page }) => {
  await tally.open();
  await tally.goTo('breakdown');
  // The default view (months by resource type) is the CLI's month/resource_type breakdown. Waiting on
  // that count also waits for the engine's answer: counting at once could catch the table unbuilt.
  const want = expected('aether', 'breakdown-month-resource_type.expected.json');
  const rows = page.getByTestId('breakdown-row');
  await expect(rows).toHaveCount(want.rows.length);
  const amounts = () => rows.locator('td[data-value]').evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-value'))));
  await page.getByRole('button', { name: 'Amount' }).click();
  await expect(page.getByRole('columnheader', { name: 'Amount' })).toHaveAttribute('aria-sort', 'descending');
  const values = await amounts();
  expect(values).toEqual([...values].sort((a, b) => b - a));
  expect(values).toEqual(want.rows.map((r: { total: string }) => Number(r.total)).sort((a: number, b: number) => b - a));
  await expect(rows).toHaveCount(want.rows.length);
  await expect(page.getByTestId('breakdown-total')).toHaveAttribute('data-value', want.total);
});
