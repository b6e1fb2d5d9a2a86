// The rest of the board paper (issue 22) in headless Chromium: a manager loads a partner's
// values, updates a milestone, writes and signs off the month's commentary, and prints the
// pack, which shows the partner's figure, the slipped milestone and who signed off. Every
// page is checked with axe-core (WCAG 2.2 A and AA), at 1280 and at 390 pixels wide.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDemo, launchBrowser, check, signIn as signInAt } from './support.mjs';

let demo, browser;

before(async () => {
  demo = await startDemo(900, 'sendtrack-board-');
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  demo?.server.kill();
});

const signIn = (who) => signInAt(browser, demo.base, who, demo.password);

test('a manager loads a partner\'s values, updates a milestone, signs off the commentary and prints the pack', async () => {
  const page = await signIn(demo.email);
  await page.click('nav a:has-text("Board paper")');
  assert.equal(await page.textContent('h1'), 'Board paper');
  await check(page, 'board');

  // CAMHS's figures stopped arriving: flagged, until the partner's file is loaded.
  await page.click('a:has-text("Supplied indicators")');
  const camhs = page.locator('tr', { hasText: 'seen by CAMHS' });
  assert.match(await camhs.textContent(), /CAMHS data not received since/);
  await check(page, 'indicators');
  const file = join(demo.dir, 'camhs.csv');
  writeFileSync(file, 'indicator_id,period,value,numerator,denominator,received_on,note\n' +
    'camhs_seen_18_weeks_pct,2026-07,61.5,123,200,2026-08-12,\n' +
    'camhs_seen_18_weeks_pct,2026-08,63.0,126,200,2026-09-10,\n' +
    'camhs_seen_18_weeks_pct,2026-09,64.5,129,200,2026-10-09,\n' +
    'camhs_seen_18_weeks_pct,2026-10,66.0,132,200,2026-11-10,late: the new system\n');
  await page.setInputFiles('#values-file', file);
  await page.click('button:has-text("Load the values")');
  await page.waitForSelector('.govuk-notification-banner');
  assert.match(await page.textContent('.govuk-notification-banner'), /Loaded 4 values/);
  const loaded = await page.locator('tr', { hasText: 'seen by CAMHS' }).textContent();
  assert.match(loaded, /66\.0%/);
  assert.doesNotMatch(loaded, /not received since/);

  // A file with a problem is refused whole, with the line and column.
  writeFileSync(file, 'indicator_id,period,value,received_on\nno_such_indicator,2026-10,5,2026-11-01\n');
  await page.setInputFiles('#values-file', file);
  await page.click('button:has-text("Load the values")');
  assert.match(await page.textContent('.govuk-error-summary'), /indicator_values\.csv:2:indicator_id/);
  await check(page, 'indicators-refused');

  // The timeliness strand: its slipped milestone is done now.
  await page.goto(demo.base + '/improvement');
  await check(page, 'improvement');
  await page.click('a:has-text("Timely assessments and plans")');
  await check(page, 'strand');
  await page.click('a:has-text("Recruit four permanent caseworkers")');
  await page.fill('#done_on-day', '25');
  await page.fill('#done_on-month', '11');
  await page.fill('#done_on-year', '2026');
  await page.click('button:has-text("Save")');
  await page.waitForSelector('.govuk-notification-banner');
  const milestone = page.locator('tr', { hasText: 'Recruit four permanent caseworkers' });
  assert.match(await milestone.textContent(), /25 November 2026/);
  // And the board's rating, with its reason.
  await page.check('input[name="rag"][value="amber"]');
  await page.fill('#reason', 'Moved to amber because milestones slipped');
  await page.click('button:has-text("Save the rating")');
  await page.waitForSelector('.govuk-notification-banner');
  assert.match(await page.locator('tr', { hasText: 'Moved to amber because milestones slipped' }).first().textContent(), /Amber/);

  // The month's commentary on the requests section, saved and signed off.
  await page.goto(demo.base + '/board/commentary?month=2026-10');
  await check(page, 'commentary');
  await page.fill('#text-requests', 'Requests fell in October after the summer peak.');
  await page.click('#section-requests button:has-text("Save as draft")');
  await page.waitForSelector('.govuk-notification-banner');
  assert.match(await page.locator('#section-requests').textContent(), /Draft/);
  await page.click('#section-requests button:has-text("Sign off")');
  await page.waitForSelector('.govuk-notification-banner');
  assert.match(await page.locator('#section-requests').textContent(), new RegExp('Signed off by ' + demo.email.replace('.', '\\.')));

  // The pack for the month: the partner's figure, the tracker and who signed off.
  await page.goto(demo.base + '/reports/board?month=2026-10');
  const pack = await page.textContent('body');
  assert.match(pack, /Supplied indicators/);
  assert.match(pack, /Supplied by CAMHS, received on 10 November 2026/);
  assert.match(pack, /Improvement plan tracker/);
  assert.match(pack, /Requests fell in October after the summer peak\./);
  assert.match(pack, new RegExp('Signed off: Requests by ' + demo.email.replace('.', '\\.')));
  const pdf = await page.pdf({ format: 'A4', landscape: true });
  assert.ok(pdf.length > 20000, 'the pack prints');
  await check(page, 'board-pack');
});

test('a caseworker reads the board paper but is refused its changes', async () => {
  const page = await signIn(demo.caseworker);
  await page.goto(demo.base + '/improvement');
  assert.equal(await page.textContent('h1'), 'Improvement plan');
  assert.equal(await page.locator('a:has-text("Add a strand")').count(), 0);
  const refused = await page.goto(demo.base + '/board/commentary');
  assert.equal(refused.status(), 403);
  await page.goto(demo.base + '/plan-quality');
  assert.match(await page.textContent('h1'), /Quality audits/);
  await check(page, 'audits');
});
