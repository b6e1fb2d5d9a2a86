// Analysis the way boards ask (issue 23) in headless Chromium: a manager chooses setting down
// the rows and phase across on the active plans page and reads the cross-table, whose totals
// are the one-way values; then reads every measure over the term beside the same term a year
// before. Checked with axe-core (WCAG 2.2 A and AA), at 1280 and 390 pixels wide.
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

test('a manager reads the scorecard over the term beside the year before', async () => {
  const page = await signInAt(browser, demo.base, demo.email, demo.password);
  await page.goto(demo.base + '/scorecard');
  await page.click('a:has-text("Every measure over a period")');
  await page.check('#period-term');
  await page.fill('#to', '2026-10');
  await page.check('#compare');
  await page.click('button:has-text("Show the period")');
  assert.match(await page.textContent('h2.govuk-heading-m'), /Autumn term to date \(September 2026 to October 2026\)/);
  const row = page.locator('tr', { hasText: 'New EHC plans issued' }).first();
  assert.match(await row.textContent(), /[+-]\d+\.\d%/);
  await check(page, 'scorecard-periods');
});
