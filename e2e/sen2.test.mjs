// Named settings and the SEN2 reconciliation (issue 24) in headless Chromium: a manager finds a
// child waiting for the setting their plan names on Today, records that the child started
// there, and sees them leave the list; the SEN2 page sets the counts Devon published by age and
// need beside sendtrack's. Every page is checked with axe-core (WCAG 2.2 A and AA), at 1280 and
// at 390 pixels wide.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, launchBrowser, check, signIn as signInAt } from './support.mjs';

let demo, browser;

before(async () => {
  demo = await startDemo(900, 'sendtrack-sen2-');
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  demo?.server.kill();
});

const signIn = (who) => signInAt(browser, demo.base, who, demo.password);

/** The number in the Today row labelled `row`. */
async function countOf(page, row) {
  const text = await page.locator('tr', { hasText: row }).locator('a').first().textContent();
  return Number.parseInt(text, 10);
}

test('a child waiting for the setting their plan names starts there and leaves the list', async () => {
  const page = await signIn(demo.email);
  const waiting = await countOf(page, 'Named at a setting not yet started');
  assert.ok(waiting > 0, 'the demo has children waiting for a place');

  await page.locator('tr', { hasText: 'Named at a setting not yet started' }).locator('a').first().click();
  assert.match(await page.textContent('h1'), /not yet started/);
  await check(page, 'named-setting-not-started');
  const stage = await page.locator('tbody tr').first().textContent();
  const urn = stage.match(/named URN (\d{6})/)[1];
  await page.locator('tbody tr').first().locator('a').first().click();
  assert.match(await page.content(), new RegExp(`URN ${urn}`), 'the card shows the setting named');
  await check(page, 'child-with-named-setting');

  // The child starts at the named school.
  await page.click('text=Record a placement');
  await page.selectOption('#setting', 'special_maintained');
  await page.fill('#urn', urn);
  await page.fill('#started_on-day', '23');
  await page.fill('#started_on-month', '11');
  await page.fill('#started_on-year', '2026');
  await page.selectOption('#rank', '1');
  await page.click('button:has-text("Save")');
  const problems = await page.locator('.govuk-error-summary').count();
  if (problems > 0) {
    // The placement they attend overlaps the new one: end it the day before, then save again.
    const message = await page.locator('.govuk-error-summary').textContent();
    assert.match(message, /overlaps placement/, message);
    const other = message.match(/placement '([^']+)'/)[1];
    const child = new URL(page.url()).pathname.split('/')[2];
    const editor = await page.context().newPage();
    await editor.goto(`${demo.base}/children/${child}/placements/${other}`);
    await editor.fill('#ended_on-day', '22');
    await editor.fill('#ended_on-month', '11');
    await editor.fill('#ended_on-year', '2026');
    await editor.click('button:has-text("Save")');
    assert.equal(await editor.locator('.govuk-error-summary').count(), 0, await editor.content());
    await editor.close();
    await page.click('button:has-text("Save")');
    assert.equal(await page.locator('.govuk-error-summary').count(), 0, await page.content());
  }
  await page.goto(demo.base + '/');
  assert.equal(await countOf(page, 'Named at a setting not yet started'), waiting - 1);
});

test('the SEN2 page sets the counts Devon published by age and need beside sendtrack\'s', async () => {
  const page = await signIn(demo.email);
  await page.goto(demo.base + '/sen2');
  const table = page.locator('table', { hasText: 'Active EHC plans: Autism' });
  assert.equal(await table.count(), 1, 'the counts by need are shown');
  const row = await table.locator('tr', { hasText: 'Active EHC plans: Autism' }).textContent();
  assert.match(row, /2025-01-16/);
  assert.match(row, /2696/, "Devon's 2,696 plans for autism on the January 2025 census day");
  await check(page, 'sen2-reconciliation');
});
