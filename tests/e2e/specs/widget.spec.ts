import { test, expect, expected, fixtureText, repo, artifacts } from '../fixtures';
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { AS_OF, aetherPrices, cliSummary, generateAether, withBadLastQuantity } from '../bodies';

const EXAMPLE = '/examples/embed.html';

test('the example page mounts two independent widgets with different data and themes', async ({ page, consoleErrors }) => {
  void consoleErrors;
  await page.goto(EXAMPLE);
  const a = page.getByTestId('widget-a');
  const b = page.getByTestId('widget-b');
  await expect(a.getByTestId('total')).toHaveAttribute('data-value', expected('aether').total, { timeout: 30_000 });
  await expect(b.getByTestId('total')).toHaveAttribute('data-value', expected('hyperstack').total);
  await expect(a).toHaveAttribute('data-theme', 'light');
  await expect(b).toHaveAttribute('data-theme', 'dark');
  // Themes come from custom properties inside each shadow root: different backgrounds.
  const bg = (id: string) => page.evaluate((id) => {
    const root = document.getElementById(id)!.shadowRoot!.querySelector('.tally-widget')!;
    return getComputedStyle(root).backgroundColor;
  }, id);
  expect(await bg('widget-a')).not.toBe(await bg('widget-b'));
  // The cost card sits in its widget with the same room above and below it.
  const room = await page.evaluate(() => {
    const root = document.getElementById('widget-b')!.shadowRoot!.querySelector('.tally-widget')!;
    const outer = root.getBoundingClientRect();
    const card = root.querySelector('.cost-card')!.getBoundingClientRect();
    return { above: Math.round(card.top - outer.top), below: Math.round(outer.bottom - card.bottom) };
  });
  expect(room.above).toBeGreaterThan(0);
  expect(room.above).toBe(room.below);
  await expect(page.getByTestId('summary-output')).toContainText(expected('hyperstack').total);
  await page.screenshot({ path: join(artifacts, 'embed-example.png'), fullPage: true });
});

test("the host page's styles stay untouched and do not reach into the widgets", async ({ page, consoleErrors }) => {
  void consoleErrors;
  await page.goto(EXAMPLE);
  await expect(page.getByTestId('widget-a').getByTestId('total')).toBeVisible({ timeout: 30_000 });
  const host = await page.evaluate(() => ({
    bodyFont: getComputedStyle(document.body).fontFamily,
    h2Color: getComputedStyle(document.querySelector('h2')!).color,
    bodyBg: getComputedStyle(document.body).backgroundColor,
  }));
  expect(host.bodyFont).toContain('Georgia');
  expect(host.h2Color).toBe('rgb(176, 0, 32)');
  expect(host.bodyBg).toBe('rgb(255, 253, 247)');
  const inside = await page.evaluate(() => {
    const shadow = document.getElementById('widget-a')!.shadowRoot!;
    const big = shadow.querySelector('.big')!;
    const td = shadow.querySelector('td')!;
    return { font: getComputedStyle(big).fontFamily, size: getComputedStyle(big).fontSize, tdColor: getComputedStyle(td).color };
  });
  expect(inside.font).not.toContain('Georgia');
  expect(inside.size).not.toBe('40px');
  expect(inside.tdColor).not.toBe('rgb(176, 0, 32)');
});

test('update changes the view and destroy leaves no DOM behind', async ({ page, consoleErrors }) => {
  void consoleErrors;
  await page.goto(EXAMPLE);
  const a = page.getByTestId('widget-a');
  await expect(a.getByTestId('total')).toBeVisible({ timeout: 30_000 });
  await page.locator('#update-a').click();
  await expect(a.getByTestId('breakdown-table')).toBeVisible();
  await page.locator('#destroy-a').click();
  const left = await page.evaluate(() => {
    const el = document.getElementById('widget-a')!;
    return { children: el.shadowRoot?.childNodes.length ?? 0, light: el.childNodes.length, theme: el.getAttribute('data-theme') };
  });
  expect(left).toEqual({ children: 0, light: 0, theme: null });
  // The other widget is unaffected.
  await expect(page.getByTestId('widget-b').getByTestId('total')).toHaveAttribute('data-value', expected('hyperstack').total);
});

test('summarize() returns the same numbers as the CLI for each fixture, and errors reject', async ({ page, consoleErrors }) => {
  void consoleErrors;
  await page.goto(EXAMPLE);
  await page.waitForFunction(() => (window as any).Tally);
  for (const source of ['aether', 'hyperstack', 'elastic', 'cu']) {
    const args = ['summarize', join(repo, 'fixtures', source, 'usage.json'), '--as-of', AS_OF, '--json'];
    if (source === 'aether') args.push('--prices', join(repo, 'fixtures/aether/prices.json'));
    const cli = JSON.parse(execFileSync(join(repo, 'target/release/tally'), args, { encoding: 'utf8' }));
    const body = fixtureText(source);
    const prices = source === 'aether' ? fixtureText('aether', 'prices.json') : undefined;
    const js = await page.evaluate(([body, prices, asOf]) => (window as any).Tally.summarize(body, { prices, asOf }), [body, prices, AS_OF]);
    expect(js).toEqual(cli);
    const b = await page.evaluate(([body, prices, asOf]) => (window as any).Tally.breakdown(body, { prices, asOf, by: 'month,resource_type' }), [body, prices, AS_OF]);
    expect(b).toEqual(expected(source, 'breakdown-month-resource_type.expected.json'));
    // The same through the engine's worker (what a body of 4 MB or more takes): the answers cross
    // the worker's protocol and come out the same.
    const viaWorker = await page.evaluate(async ([body, prices, asOf]) => {
      const Tally = (window as any).Tally;
      return {
        summary: await Tally.summarize(body, { prices, asOf, engine: 'worker' }),
        breakdown: await Tally.breakdown(body, { prices, asOf, by: 'month,resource_type', engine: 'worker' }),
        day: await Tally.breakdown(body, { prices, asOf, by: 'day', engine: 'worker' }),
      };
    }, [body, prices, AS_OF]);
    expect(viaWorker.summary).toEqual(cli);
    expect(viaWorker.breakdown).toEqual(expected(source, 'breakdown-month-resource_type.expected.json'));
    expect(viaWorker.day).toEqual(expected(source, 'breakdown-day.expected.json'));
  }
  // The Elastic request range crosses too.
  const ranged = await page.evaluate(async (body) => {
    const Tally = (window as any).Tally;
    const options = { asOf: '2026-11-23T12:00:00Z', from: '2026-10-01T00:00:00Z', to: '2026-11-01T00:00:00Z' };
    return [await Tally.summarize(body, options), await Tally.summarize(body, { ...options, engine: 'worker' })];
  }, fixtureText('elastic'));
  expect(ranged[1]).toEqual(ranged[0]);
  const viaWorker = await page.evaluate(() => (window as any).Tally.summarize('{"items": [{"quantity": "x"}]}', { engine: 'worker' }).then(() => null, (e: any) => ({ code: e.code, message: e.message })));
  expect(viaWorker).toEqual({ code: 'field', message: 'items[0].quantity: expected a number, found "x"' });
  const rejected = await page.evaluate(() => (window as any).Tally.summarize('{"items": [{"quantity": "x"}]}').then(() => null, (e: any) => ({ code: e.code, message: e.message })));
  expect(rejected).toEqual({ code: 'field', message: 'items[0].quantity: expected a number, found "x"' });
  const provider = await page.evaluate((b) => (window as any).Tally.summarize(b).catch((e: any) => e.code), fixtureText('aether', 'error-401.json'));
  expect(provider).toBe('provider');
});

/** A generated Aether body of about 38 MB (more than two of the 16 MB chunks bytes are read in),
 * the same body with its last quantity "x", and the CLI's summary of the good one; in `dir`. */
function bigBodies(dir: string) {
  const good = generateAether(dir, 120_000, 5, 'big.json');
  return { good, bad: withBadLastQuantity(good, join(dir, 'bad.json')), want: cliSummary(good), prices: readFileSync(aetherPrices, 'utf8') };
}

/** A blank host page on the app's origin (the example page's iframe starts a worker of its own). */
async function blankHost(page: import('@playwright/test').Page) {
  await page.route('**/blank-host.html', (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><html><head><title>Host</title></head><body></body></html>' }));
  await page.goto('/blank-host.html');
  await page.evaluate(async () => { (window as any).Tally = await import('/tally-widget.js'); });
}

/** A blank host page serving the big bodies at /big.json and /bad.json; the list of the workers
 * it starts fills as they start. */
async function hostServing(page: import('@playwright/test').Page, big: ReturnType<typeof bigBodies>) {
  await page.route('**/big.json', (route) => route.fulfill({ path: big.good, contentType: 'application/json' }));
  await page.route('**/bad.json', (route) => route.fulfill({ path: big.bad, contentType: 'application/json' }));
  const workers: string[] = [];
  page.on('worker', (w) => workers.push(w.url()));
  await blankHost(page);
  return workers;
}

const BAD_LAST_QUANTITY = { code: 'field', message: 'items[119999].quantity: expected a number, found "x"' };

test('a big body given as bytes gives the CLI\'s summary, and a fault near its end names its field', async ({ page, consoleErrors, scratch }) => {
  void consoleErrors;
  test.setTimeout(120_000);
  const big = bigBodies(scratch);
  const workers = await hostServing(page, big);
  const summarize = (url: string, prices: string) => page.evaluate(async ([url, prices, asOf]) => {
    const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
    return (window as any).Tally.summarize(bytes, { prices, asOf }).catch((e: any) => ({ code: e.code, message: e.message }));
  }, [url, prices, AS_OF]);
  // 38 MB: read in an engine worker of its own, stopped once it has answered.
  expect(await summarize('/big.json', big.prices)).toEqual(big.want);
  expect(await summarize('/bad.json', big.prices)).toEqual(BAD_LAST_QUANTITY);
  expect(workers).toEqual(['http://127.0.0.1:4173/engine-worker.js', 'http://127.0.0.1:4173/engine-worker.js']);
  await expect.poll(() => page.workers().length).toBe(0);
  // And in the page, when asked to.
  const inPage = await page.evaluate(async ([url, prices, asOf]) => {
    const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
    return (window as any).Tally.summarize(bytes, { prices, asOf, engine: 'page' });
  }, ['/big.json', big.prices, AS_OF]);
  expect(inPage).toEqual(big.want);
});

/** Mounts a card widget on a big body fetched from `url`, in a fresh element; says where its
 * engine ran, what it shows, and whether the host's bytes are as they were. */
function mountBig(page: import('@playwright/test').Page, url: string, prices: string, engine?: string, widget = '/tally-widget.js') {
  return page.evaluate(async ([url, prices, asOf, engine, widget]) => {
    const Tally = (window as any).Tally ?? await import(widget!);
    const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
    const copy = bytes.slice();
    const element = document.createElement('div');
    document.body.append(element);
    const options: any = { view: 'card', body: bytes, prices, asOf };
    if (engine) options.engine = engine;
    try {
      const handle = await Tally.mount(element, options);
      const shadow = element.shadowRoot!;
      while (!shadow.querySelector('[data-testid=total]')) await new Promise((r) => setTimeout(r, 10));
      const unchanged = bytes.length === copy.length && bytes.every((b: number, i: number) => b === copy[i]);
      const result = { engine: handle.engine, total: shadow.querySelector('[data-testid=total]')!.getAttribute('data-value'), unchanged };
      handle.destroy();
      return result;
    } catch (e: any) {
      return { code: e.code, message: e.message, left: element.shadowRoot?.childNodes.length ?? 0 };
    } finally {
      element.remove();
    }
  }, [url, prices, AS_OF, engine, widget]);
}

test('a mounted widget reads a big body in a Web Worker, leaves the host\'s bytes as they were, and rejects a faulty one with its code', async ({ page, consoleErrors, scratch }) => {
  void consoleErrors;
  test.setTimeout(120_000);
  const big = bigBodies(scratch);
  const workers = await hostServing(page, big);
  // A small body is read in the page.
  const small = await page.evaluate(async ([body, asOf]) => {
    const element = document.createElement('div');
    document.body.append(element);
    const handle = await (window as any).Tally.mount(element, { view: 'card', body, asOf });
    const engine = handle.engine;
    handle.destroy();
    return engine;
  }, [fixtureText('hyperstack'), AS_OF]);
  expect(small).toBe('page');
  expect(workers).toEqual([]);

  expect(await mountBig(page, '/big.json', big.prices)).toEqual({ engine: 'worker', total: big.want.total, unchanged: true });
  expect(workers).toEqual(['http://127.0.0.1:4173/engine-worker.js']);
  // What the user sees while it reads: in every frame, the reading notice (never the portal's
  // "Nothing loaded yet", which a widget has no way to act on), until the summary shows.
  const frames = await page.evaluate(async ([url, prices, asOf]) => {
    const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
    const element = document.createElement('div');
    document.body.append(element);
    const seen = new Set<string>();
    let done = false;
    const look = () => {
      const shadow = element.shadowRoot;
      if (shadow?.querySelector('[data-testid=empty]')) seen.add('empty');
      if (shadow?.querySelector('[data-testid=reading]')) seen.add('reading');
      if (shadow?.querySelector('[role=progressbar], progress')) seen.add('progress');
      if (shadow?.querySelector('[data-testid=total]')) seen.add('total');
      if (!done) requestAnimationFrame(look);
    };
    requestAnimationFrame(look);
    const handle = await (window as any).Tally.mount(element, { view: 'summary', body: bytes, prices, asOf });
    while (!element.shadowRoot!.querySelector('[data-testid=total]')) await new Promise((r) => requestAnimationFrame(r));
    done = true;
    handle.destroy();
    return [...seen].sort();
  }, ['/big.json', big.prices, AS_OF]);
  expect(frames).toEqual(['progress', 'reading', 'total']);
  // The fast reader steps aside at the last item after dropping the body's start: the worker asks
  // the page for the bytes again and the general reader names the field. The widget is removed.
  expect(await mountBig(page, '/bad.json', big.prices)).toEqual({ ...BAD_LAST_QUANTITY, left: 0 });
  // Asked to, the same body is read in the page, with the same total.
  expect(await mountBig(page, '/big.json', big.prices, 'page')).toEqual({ engine: 'page', total: big.want.total, unchanged: true });
  // A big body (read in a worker) overtaken by a small one (read in the page, at once): the later
  // body is shown, and the earlier update says it was replaced.
  const overtaken = await page.evaluate(async ([url, asOf, small]) => {
    const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
    const element = document.createElement('div');
    document.body.append(element);
    const handle = await (window as any).Tally.mount(element, { view: 'card', body: small, asOf });
    const first = handle.update({ body: bytes }).then(() => 'shown', (e: any) => e.code);
    await handle.update({ body: small });
    const outcome = await first;
    await new Promise((r) => setTimeout(r, 200));
    const shadow = element.shadowRoot!;
    const result = { outcome, engine: handle.engine, total: shadow.querySelector('[data-testid=total]')?.getAttribute('data-value'), error: shadow.querySelector('[role=alert]')?.textContent ?? null };
    handle.destroy();
    return result;
  }, ['/big.json', AS_OF, fixtureText('hyperstack')]);
  expect(overtaken).toEqual({ outcome: 'cancelled', engine: 'page', total: expected('hyperstack').total, error: null });
  expect(await mountBig(page, '/big.json', big.prices, 'somewhere')).toEqual({ code: 'usage', message: 'engine: expected auto, worker or page, found "somewhere"', left: 0 });
});

test('Cancel in a widget stops a big read: the widget stays, showing nothing, and mount resolves', async ({ page, consoleErrors }) => {
  void consoleErrors;
  test.setTimeout(120_000);
  await blankHost(page);
  // About 130 MB (the fixture's items repeated), so the read lasts long enough to be cancelled;
  // built in the page, as a host would hold it.
  await page.evaluate(async (fixture) => {
    const body = JSON.parse(fixture);
    const items = [];
    for (let i = 0; i < 350; i++) items.push(...body.items);
    body.items = items;
    body.total_eur = null;
    const bytes = new TextEncoder().encode(JSON.stringify(body));
    const element = document.createElement('div');
    element.id = 'costs';
    document.body.append(element);
    (window as any).mounting = (window as any).Tally.mount(element, { view: 'summary', body: bytes }).then((h: any) => ({ engine: h.engine }), (e: any) => ({ code: e.code }));
  }, fixtureText('aether'));
  const widget = page.locator('#costs');
  await widget.getByRole('button', { name: 'Cancel' }).click();
  expect(await page.evaluate(() => (window as any).mounting)).toEqual({ engine: 'worker' });
  await expect(widget.getByTestId('empty')).toHaveText('No usage loaded.');
  await expect(widget.getByRole('button', { name: 'Cancel' })).toHaveCount(0);
  await expect(widget.getByRole('button', { name: 'Load data' })).toHaveCount(0);
});

test('a widget served from another site reads a big body in a Web Worker of the host page\'s own', async ({ page, consoleErrors, scratch }) => {
  void consoleErrors;
  test.setTimeout(120_000);
  const big = bigBodies(scratch);
  // The host is another origin (another port: a second server); the widget's files come from the
  // test server, with CORS. A worker's script must come from the page's origin: the widget starts
  // one from a `blob:` module that imports the engine's script from its own site.
  const site = join(scratch, 'site');
  mkdirSync(site);
  writeFileSync(join(site, 'host.html'), '<!doctype html><html><head><title>Another site</title></head><body></body></html>');
  const server = spawn('node', [join(repo, 'tests/e2e/serve-dist.mjs'), site, '4174'], { stdio: 'ignore' });
  await page.route('http://127.0.0.1:4174/big.json', (route) => route.fulfill({ path: big.good, contentType: 'application/json' }));
  for (let tries = 0; ; tries++) {
    try { await page.goto('http://127.0.0.1:4174/host.html'); break; } catch (e) { if (tries > 50) throw e; await new Promise((r) => setTimeout(r, 100)); }
  }
  const workers: string[] = [];
  page.on('worker', (w) => workers.push(w.url()));
  try {
    const result = await mountBig(page, '/big.json', big.prices, undefined, 'http://127.0.0.1:4173/tally-widget.js');
    expect(result).toEqual({ engine: 'worker', total: big.want.total, unchanged: true });
    expect(workers).toHaveLength(1);
    expect(workers[0]).toMatch(/^blob:http:\/\/127\.0\.0\.1:4174\//);
  } finally {
    server.kill();
  }
});

test('a widget whose host page refuses workers reads a big body in the page', async ({ page, scratch }) => {
  test.setTimeout(120_000);
  const big = bigBodies(scratch);
  await page.route('**/big.json', (route) => route.fulfill({ path: big.good, contentType: 'application/json' }));
  // A host page whose Content-Security-Policy allows scripts from its own origin and no worker.
  await page.route('**/no-workers.html', (route) => route.fulfill({
    contentType: 'text/html',
    headers: { 'Content-Security-Policy': "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'none'" },
    body: '<!doctype html><html><head><title>No workers here</title></head><body></body></html>',
  }));
  await page.goto('/no-workers.html');
  expect(await mountBig(page, '/big.json', big.prices, 'worker')).toEqual({ engine: 'page', total: big.want.total, unchanged: true });
});

test('iframe mode sizes its frame and ignores data from origins it does not allow', async ({ page, consoleErrors }) => {
  void consoleErrors;
  await page.goto(EXAMPLE);
  const frame = page.frameLocator('[data-testid=frame]');
  await expect(frame.getByTestId('total')).toHaveAttribute('data-value', expected('cu').total, { timeout: 30_000 });
  await expect.poll(async () => Number(await page.getByTestId('frame').getAttribute('height'))).toBeGreaterThan(300);
  // The example's frame allows no origin: a message from the host is ignored.
  await page.evaluate((body) => (document.querySelector('iframe') as HTMLIFrameElement).contentWindow!.postMessage({ type: 'tally:load', body }, '*'), fixtureText('elastic'));
  await page.waitForTimeout(500);
  await expect(frame.getByTestId('total')).toHaveAttribute('data-value', expected('cu').total);
  await expect(frame.locator('.header')).toHaveCount(0);
});

test('iframe mode accepts data from an allowed origin', async ({ page, consoleErrors }) => {
  void consoleErrors;
  const origin = 'http://127.0.0.1:4173';
  await page.goto(EXAMPLE);
  await page.evaluate((src) => { (document.querySelector('iframe') as HTMLIFrameElement).src = src; }, `../index.html?embed=summary&as_of=${AS_OF}&origins=${origin}`);
  const frame = page.frameLocator('[data-testid=frame]');
  await expect(frame.getByTestId('empty')).toBeVisible({ timeout: 30_000 });
  await page.evaluate((body) => (document.querySelector('iframe') as HTMLIFrameElement).contentWindow!.postMessage({ type: 'tally:load', body }, '*'), fixtureText('elastic'));
  await expect(frame.getByTestId('total')).toHaveAttribute('data-value', expected('elastic').total);
});
