// The forecast page (issue 21) in headless Chromium: a manager reads the forecast, adds a
// scenario and sees it beside the current staffing, and a wrong number is refused.
// Every page is checked with axe-core (WCAG 2.2 A and AA), at 1280 and at 390 pixels wide.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, launchBrowser, check, signIn as signInAt } from './support.mjs';

let demo, browser;

before(async () => {
  demo = await startDemo(900, 'sendtrack-forecast-');
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  demo?.server.kill();
});

const signIn = (who) => signInAt(browser, demo.base, who, demo.password);

test('a manager adds a scenario and sees it side by side with the current staffing', async () => {
  const page = await signIn(demo.email);
  await page.click('nav a:has-text("Forecast")');
  assert.equal(await page.textContent('h1'), 'Forecast');
  await check(page, 'forecast');
  assert.ok(await page.locator('svg.chart').count() >= 10, 'a chart per measure');

  await page.click('summary:has-text("Add a scenario")');
  await page.fill('#name', 'Two more caseworkers');
  await page.fill('#fte', '2');
  await page.click('button:has-text("Add the scenario")');
  await page.waitForSelector('.govuk-notification-banner');
  const row = page.locator('table tr', { hasText: 'Two more caseworkers' });
  assert.match(await row.textContent(), /2 FTE more caseworkers from/);
  await check(page, 'forecast-with-scenario');

  // A wrong number is refused on a page that says why, and nothing is kept.
  await page.goto(demo.base + '/forecast');
  await page.click('summary:has-text("Add a scenario")');
  await page.fill('#name', 'Lots');
  await page.fill('#fte', 'lots');
  await page.click('button:has-text("Add the scenario")');
  assert.match(await page.textContent('.govuk-error-summary'), /is not a number/);
  await check(page, 'forecast-refused');
});
