// Staff, caseloads and the week's work (issue 17) in headless Chromium: a manager adds a
// person, ends a colleague's time in post, moves the leaver's cases to the newcomer and sees
// the caseload page and the newcomer's week follow; a caseworker reads their own week. Every
// page is checked with axe-core (WCAG 2.2 A and AA), at 1280 and at 390 pixels wide.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, launchBrowser, check, signIn as signInAt } from './support.mjs';

let demo, browser;

before(async () => {
  demo = await startDemo(900, 'sendtrack-workforce-');
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  demo?.server.kill();
});

const signIn = (who) => signInAt(browser, demo.base, who, demo.password);

test('a manager adds a person, moves a leaver\'s cases to them, and the caseloads and their week follow', async () => {
  const page = await signIn(demo.email);
  await page.click('nav >> text=Caseloads and staff');
  assert.match(await page.textContent('h1'), /Caseloads/);
  await check(page, 'caseloads');

  // A new caseworker.
  await page.goto(demo.base + '/staff');
  await check(page, 'staff');
  await page.click('text=Add a member of staff');
  await check(page, 'staff-new');
  await page.fill('#staff_id', 'cw900');
  await page.fill('#name', 'Ada Newcomer');
  await page.selectOption('#role', 'caseworker');
  await page.fill('#team', 'Secondary');
  await page.fill('#fte', '1');
  await page.selectOption('#contract', 'fixed_term');
  await page.fill('#started_on-day', '2');
  await page.fill('#started_on-month', '11');
  await page.fill('#started_on-year', '2026');
  await page.click('button:has-text("Save")');
  assert.ok(await page.isVisible('text=Saved Ada Newcomer (cw900).'));

  // cw002 leaves on 27 November.
  await page.goto(demo.base + '/staff/cw002');
  await page.fill('#ended_on-day', '27');
  await page.fill('#ended_on-month', '11');
  await page.fill('#ended_on-year', '2026');
  await page.click('button:has-text("Save")');
  assert.match(page.url(), /\/staff\?saved=cw002$/);

  // The leaver's cases are held by nobody in post; move them to the newcomer.
  await page.goto(demo.base + '/caseloads');
  assert.ok(await page.isVisible('text=(cw002), not in post'));
  await page.selectOption('#from', 'cw002');
  await page.selectOption('#to', 'cw900');
  await page.click('button:has-text("Move the cases")');
  const banner = await page.textContent('.govuk-notification-banner');
  assert.match(banner, /Moved \d+ cases? to Ada Newcomer\./);
  const moved = Number(banner.match(/Moved (\d+)/)[1]);
  assert.ok(moved > 0);
  const row = await page.textContent('tr:has-text("Ada Newcomer")');
  assert.ok(!/\(cw002\), not in post/.test(await page.textContent('main')), 'the leaver holds nothing now');
  assert.ok(row.includes('cw900'));
  await check(page, 'caseloads-after');

  // The cases no one in post holds, as a worklist to tick and move.
  await page.click('text=Every case not held by a caseworker in post');
  assert.match(await page.textContent('h1'), /Cases not held by a caseworker in post \(\d+\)/);
  await check(page, 'cases-unallocated');

  // The newcomer's week now lists the steps on their cases.
  await page.goto(demo.base + '/week?caseworker=cw900');
  assert.match(await page.textContent('h1'), /The week for Ada Newcomer/);
  const every = await page.textContent('#steps');
  assert.ok(Number(every.match(/\((\d+)\)/)[1]) > 0, every);
  await check(page, 'week-manager');
  await page.context().close();
});

test('a caseworker reads the steps due on their cases this week', async () => {
  const page = await signIn(demo.caseworker);
  await page.click('text=My week');
  assert.equal(new URL(page.url()).pathname, '/week');
  assert.equal(await page.textContent('h1'), 'My week');
  const every = await page.textContent('#steps');
  assert.ok(Number(every.match(/\((\d+)\)/)[1]) > 0, every);
  // A count links to its rows.
  const link = page.locator('table:has(caption:has-text("Steps by when they fall due")) a').first();
  await link.click();
  assert.match(page.url(), /[?&]when=/);
  await check(page, 'week');
  await page.context().close();
});
