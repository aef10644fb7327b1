import { expect, type Page, type Locator } from '@playwright/test';
import { join } from 'node:path';

/** The Tally app, as a user sees it. */
export class TallyPage {
  constructor(readonly page: Page) {}

  /** Opens the app with "now" fixed to the fixtures' as_of, so numbers match the CLI's. */
  async open(path = '/?as_of=2026-11-23T12:00:00Z') {
    await this.page.goto(path);
    await expect(this.total).toBeVisible({ timeout: 30_000 });
  }

  get total(): Locator { return this.page.getByTestId('total'); }
  get currency(): Locator { return this.page.getByTestId('currency'); }
  get reportedTotal(): Locator { return this.page.getByTestId('reported-total'); }
  get difference(): Locator { return this.page.getByTestId('difference'); }
  get error(): Locator { return this.page.getByTestId('error'); }

  async value(l: Locator) { return l.getAttribute('data-value'); }

  async goTo(view: 'summary' | 'breakdown' | 'whatif' | 'data') {
    await this.page.getByTestId(`nav-${view}`).click();
  }

  async pickSample(id: string) {
    await this.page.getByTestId('sample-picker').selectOption(id);
    await expect(this.page.getByTestId('loaded').locator('.chip')).toHaveCount(1);
  }

  /** How far the page scrolls sideways (0 when everything fits the viewport's width). */
  async pageOverflow(): Promise<number> {
    return this.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  }

  /**
   * The pieces of names (text between the `<wbr>`s of a BreakableName) in `cells` that the layout
   * broke over two lines: a name may wrap after its separators, never inside a word.
   */
  async namesBrokenInsideWords(cells: Locator): Promise<string[]> {
    return cells.evaluateAll((all) => all.flatMap((cell) =>
      [...cell.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE && n.textContent).filter((n) => {
        const range = document.createRange();
        range.selectNodeContents(n);
        return range.getClientRects().length > 1;
      }).map((n) => n.textContent!)));
  }

  /**
   * The one-line fields in view under `scope` whose hint (the placeholder an empty field shows) is
   * wider than their text box, so the user reads only its start ("as in the price b").
   */
  async cutHints(scope = '#main'): Promise<string[]> {
    return this.page.evaluate((scope) => {
      const ruler = document.createElement('canvas').getContext('2d')!;
      return [...document.querySelectorAll<HTMLInputElement>(`${scope} input[placeholder]`)]
        .filter((input) => input.offsetParent !== null && input.placeholder !== '' && input.value === '')
        .filter((input) => {
          const style = getComputedStyle(input);
          ruler.font = style.font;
          const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
          return ruler.measureText(input.placeholder).width > room + 0.5;
        })
        .map((input) => `${input.dataset.testid ?? input.id}: "${input.placeholder}"`);
    }, scope);
  }

  async screenshot(name: string, dir: string) {
    await this.page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
  }
}
