// Two breakdowns at once (issue 23) in headless Chromium: a manager chooses setting down the
// rows and phase across on the active plans page and reads the cross-table, whose totals are
// the one-way values. Checked with axe-core (WCAG 2.2 A and AA), at 1280 and 390 pixels wide.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, launchBrowser, check, signIn as signInAt } from './support.mjs';

let demo, browser;

before(async () => {
  demo = await startDemo(900, 'sendtrack-analysis-');
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  demo?.server.kill();
});

test('a manager crosses setting with phase on the active plans page', async () => {
  const page = await signInAt(browser, demo.base, demo.email, demo.password);
  await page.goto(demo.base + '/measures/plans_active?month=2026-10');
  await page.selectOption('#by', 'setting');
  await page.selectOption('#across', 'phase');
  await page.click('button:has-text("Show the table")');
  const caption = await page.textContent('caption:has-text("(rows)")');
  assert.match(caption, /by setting \(rows\) and phase \(columns\)/);
  // The All row's last cell is the headline.
  const headline = (await page.textContent('.govuk-body-l strong')).trim();
  const table = page.locator('table', { has: page.locator('caption:has-text("(rows)")') });
  const corner = (await table.locator('tr:last-child td:last-child').textContent()).trim();
  assert.equal(corner, headline);
  await check(page, 'measure-two-way');
});
