import { test, expect, expected, fixtureText, artifacts } from '../fixtures';

const sources = ['aether', 'hyperstack', 'elastic', 'cu'] as const;

test('the page opens on the Aether sample with the total computed in the browser', async ({ tally }) => {
  await tally.open();
  const exp = expected('aether');
  await expect(tally.total).toHaveAttribute('data-value', exp.total);
  await expect(tally.currency).toHaveText(exp.currency);
  await expect(tally.reportedTotal).toHaveAttribute('data-value', exp.reported_total);
  await expect(tally.difference).toHaveAttribute('data-value', exp.difference);
  // The instant every figure is for: readable, in UTC, and exact in its attribute.
  const asOf = tally.page.getByTestId('as-of');
  await expect(asOf).toHaveAttribute('datetime', '2026-11-23T12:00:00Z');
  await expect(asOf).toHaveText(/2026.*12:00.*UTC/);
  await tally.screenshot('summary-aether', artifacts);
});

test('the page loads without a console warning', async ({ tally, page }) => {
  const warnings: string[] = [];
  page.on('console', (m) => { if (m.type() === 'warning') warnings.push(m.text()); });
  await tally.open();
  await tally.goTo('breakdown');
  await expect(page.getByTestId('breakdown-table')).toBeVisible();
  expect(warnings).toEqual([]);
});

for (const source of sources) {
  test(`switching to the ${source} sample shows its total, currency and reported total`, async ({ tally, page }) => {
    await tally.open();
    await tally.pickSample(source);
    const exp = expected(source);
    await expect(tally.total).toHaveAttribute('data-value', exp.total);
    await expect(tally.currency).toHaveText(exp.currency);
    await expect(tally.reportedTotal).toHaveAttribute('data-value', exp.reported_total);
    // Each group table adds up to the total, to the minor unit.
    for (const id of ['by-category', 'by-month', 'by-resource-type']) {
      const values = await page.getByTestId(id).locator('td[data-value]').evaluateAll((tds) => tds.map((td) => td.getAttribute('data-value')!));
      const cents = values.reduce((sum, v) => sum + BigInt(v.replace('.', '')), 0n);
      expect(cents, `${id} adds up`).toBe(BigInt(exp.total.replace('.', '')));
    }
    // What the total covers, and the forecast beside its own month's amount so far.
    const months = exp.by_month as { key: string; total: string }[];
    await expect(page.getByTestId('total-period')).toHaveText(months.length > 1 ? /\d{4} to .*\d{4}/ : /^\S+ \d{4}$/);
    // (Every sample has usage in November 2026, the month of the as_of the page is opened at.)
    await expect(page.getByTestId('forecast-so-far')).toHaveAttribute('data-value', months.find((m) => m.key === '2026-11')!.total);
    const basis = { aether: 'Subscriptions in full; usage so far extended to month end.', hyperstack: 'Running resources billed to month end.',
      elastic: 'Usage so far extended to month end.', cu: 'Usage so far extended to month end.' };
    await expect(page.getByTestId('forecast-basis')).toHaveText(basis[source]);
    if (exp.excluded?.count) {
      const count = Number(exp.excluded.count);
      await expect(page.getByTestId('excluded')).toContainText(count === 1 ? '1 resource is excluded by the provider; it reported' : `${count} resources are excluded`);
    }
    await tally.screenshot(`summary-${source}`, artifacts);
    // The chart's axis writes round amounts without zero decimals ("20,000 CU", not "20,000.0000 CU").
    await tally.goTo('breakdown');
    // The chart is drawn once the engine has answered: wait for its axis, then read it.
    const tickTexts = page.getByTestId('chart').locator('.tick text');
    await expect.poll(() => tickTexts.count()).toBeGreaterThan(1);
    const ticks = await tickTexts.allTextContents();
    for (const t of ticks) expect(t, 'an axis label').not.toMatch(/\.0+(\s|$)/);
  });
}

test('every view is reachable from the navigation', async ({ tally, page }) => {
  await tally.open();
  await tally.goTo('whatif');
  await expect(page.getByRole('heading', { name: 'What-if', exact: true })).toBeVisible();
  await tally.goTo('data');
  await expect(page.getByRole('heading', { name: 'Data', exact: true })).toBeVisible();
  await tally.screenshot('data', artifacts);
  await tally.goTo('summary');
  await expect(tally.total).toBeVisible();
});

test('each view has its own address: reload keeps it, Back and Forward move between views', async ({ tally, page, context }) => {
  await tally.open();
  await expect(page).toHaveTitle('Summary · Tally');
  await tally.goTo('breakdown');
  await expect(page).toHaveURL(/\?as_of=2026-11-23T12(:|%3A)00(:|%3A)00Z&view=breakdown$/);
  await expect(page).toHaveTitle('Breakdown · Tally');
  await tally.goTo('whatif');
  await expect(page).toHaveURL(/view=whatif$/);
  // The focus is in the What-if's form when Back takes the form away: the new view gets it, not
  // the page's body (keyboard and screen-reader users would start again from the top).
  await page.locator('#main input').first().focus();
  await page.goBack();
  await expect(page.getByTestId('nav-breakdown')).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('breakdown-table')).toBeVisible();
  await expect(page.locator('#main')).toBeFocused();
  await page.goBack();
  await expect(page.getByTestId('nav-summary')).toHaveAttribute('aria-current', 'page');
  await expect(page).toHaveURL(/\?as_of=2026-11-23T12(:|%3A)00(:|%3A)00Z$/);
  await page.goForward();
  await expect(page.getByTestId('nav-breakdown')).toHaveAttribute('aria-current', 'page');
  await expect(page.locator('#main')).toBeFocused();
  // A reload, or the address opened anew, shows the same view (with the as_of it carries).
  await page.reload();
  await expect(page.getByTestId('breakdown-table')).toBeVisible();
  await expect(page.getByTestId('nav-breakdown')).toHaveAttribute('aria-current', 'page');
  // The tabs are links: one opens in a new tab on that view.
  const href = await page.getByTestId('nav-data').getAttribute('href');
  const other = await context.newPage();
  await other.goto(href!);
  await expect(other.getByRole('heading', { name: 'Data', exact: true })).toBeVisible();
  await expect(other.getByTestId('nav-data')).toHaveAttribute('aria-current', 'page');
  await other.close();
});

test('the breakdown keeps its grouping and drilled-in month in the address: reload shows the same days, Back leaves the month', async ({ tally, page }) => {
  await tally.open();
  const exp = expected('aether');
  const first = exp.by_month[0];
  await tally.goTo('breakdown');
  await page.getByTestId('breakdown-dimension').selectOption('category');
  // Choosing a grouping keeps the address current without a step for Back.
  await expect(page).toHaveURL(/view=breakdown&by=category$/);
  await page.getByTestId('chart-bar').first().click();
  await expect(page).toHaveURL(new RegExp(`view=breakdown&by=category&month=${first.key}$`));
  await expect(page.getByTestId('breakdown-total')).toHaveAttribute('data-value', first.total);
  await page.reload();
  await expect(page.getByTestId('back-to-months')).toBeVisible();
  await expect(page.getByTestId('breakdown-dimension')).toHaveValue('category');
  await expect(page.getByTestId('breakdown-total')).toHaveAttribute('data-value', first.total);
  await page.goBack();
  await expect(page.getByTestId('back-to-months')).toHaveCount(0);
  await expect(page).toHaveURL(/view=breakdown&by=category$/);
  await expect(page.getByTestId('breakdown-total')).toHaveAttribute('data-value', exp.total);
  await page.goForward();
  await expect(page.getByTestId('back-to-months')).toBeVisible();
  // Another view's address drops the Breakdown's own parameters.
  await tally.goTo('summary');
  await expect(page).toHaveURL(/\?as_of=2026-11-23T12(:|%3A)00(:|%3A)00Z$/);
  // A month with no charges says so, with the way back.
  await page.goto('/?as_of=2026-11-23T12:00:00Z&view=breakdown&month=1999-01');
  const months = exp.by_month.map((m: { key: string }) => m.key);
  const label = (key: string) => new Date(`${key}-15T00:00:00Z`).toLocaleDateString('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });
  const covers = months.length === 1 ? label(months[0]) : `${label(months[0])} to ${label(months[months.length - 1])}`;
  await expect(page.getByTestId('empty-month')).toHaveText(`Nothing was charged in January 1999. The data loaded covers ${covers}.`);
  await page.getByTestId('back-to-months').click();
  await expect(page.getByTestId('breakdown-total')).toHaveAttribute('data-value', exp.total);
  await expect(page).toHaveURL(/view=breakdown$/);
  // "Back to months" after drilling in goes back: the browser's Back then leaves the Breakdown
  // instead of returning into the month just left.
  await tally.goTo('summary');
  await tally.goTo('breakdown');
  await page.getByTestId('chart-bar').first().click();
  await expect(page).toHaveURL(new RegExp(`month=${first.key}$`));
  await page.getByTestId('back-to-months').click();
  await expect(page).toHaveURL(/view=breakdown$/);
  await expect(page.getByTestId('back-to-months')).toHaveCount(0);
  await page.goBack();
  await expect(page.getByTestId('nav-summary')).toHaveAttribute('aria-current', 'page');
});

test('pasting a body adds it; a broken body names the field and keeps the text', async ({ tally, page }) => {
  await tally.open();
  await tally.goTo('data');
  const broken = fixtureText('cu').replace('"cu": 6.63', '"cu": "abc"');
  await page.getByTestId('paste').fill(broken);
  await page.getByTestId('paste-load').click();
  await expect(tally.error).toContainText('pasted JSON: data.daily[');
  await expect(tally.error).toContainText('expected a number, found "abc"');
  await expect(page.getByTestId('paste')).toHaveValue(broken);
  await expect(page.getByTestId('loaded').locator('.chip')).toHaveCount(1);
  // Said under the box too, where the user is looking, and tied to it for screen readers.
  await expect(page.getByTestId('paste-error')).toContainText('expected a number, found "abc"');
  await expect(page.getByTestId('paste-error')).toBeInViewport();
  await expect(page.getByTestId('paste')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('paste')).toHaveAttribute('aria-describedby', 'paste-error');
  await tally.screenshot('paste-error', artifacts);
  // Typing again clears it.
  await page.getByTestId('paste').press('End');
  await page.getByTestId('paste').pressSequentially(' ');
  await expect(page.getByTestId('paste-error')).toHaveCount(0);
  await expect(page.getByTestId('paste')).not.toHaveAttribute('aria-invalid', 'true');
});

test('the breakdown table adds up to the summary total and the chart has one bar column per month', async ({ tally, page }) => {
  await tally.open();
  await tally.pickSample('hyperstack');
  const exp = expected('hyperstack');
  await tally.goTo('breakdown');
  await expect(page.getByTestId('breakdown-total')).toHaveAttribute('data-value', exp.total);
  const values = await page.getByTestId('breakdown-row').locator('td[data-value]').evaluateAll((tds) => tds.map((td) => td.getAttribute('data-value')!));
  const cents = values.reduce((sum, v) => sum + BigInt(v.replace('.', '')), 0n);
  expect(cents).toBe(BigInt(exp.total.replace('.', '')));
  await expect(page.getByTestId('chart-column')).toHaveCount(exp.by_month.length);
  await tally.screenshot('breakdown-hyperstack', artifacts);
  // Drill into a month: its days add up to that month's amount.
  await page.getByTestId('chart-bar').first().click();
  await expect(page.getByTestId('back-to-months')).toBeVisible();
  await expect(page.getByTestId('breakdown-total')).toHaveAttribute('data-value', exp.by_month[0].total);
  await tally.screenshot('breakdown-days', artifacts);
});
