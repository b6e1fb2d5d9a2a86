// Staff, caseloads and the week's work (issue 17) in headless Chromium: a manager adds a
// person, ends a colleague's time in post, moves the leaver's cases to the newcomer and sees
// the caseload page and the newcomer's week follow; a caseworker reads their own week. Every
// page is checked with axe-core (WCAG 2.2 A and AA), at 1280 and at 390 pixels wide.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const binary = process.env.SENDTRACK_BIN ?? join(here, '..', 'target', 'debug', 'sendtrack');
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
let server, browser, base, email, password, caseworker;

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sendtrack-workforce-'));
  server = spawn(binary, ['--today', '2026-11-30', 'demo', '--db', join(dir, 'demo.db'), '--children', '900', '--addr', '127.0.0.1:0']);
  let output = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the demo did not start:\n' + output)), 60000);
    server.stdout.on('data', (chunk) => {
      output += chunk;
      const signIn = output.match(/Sign in as (\S+) with the password (\S+)/);
      const asCaseworker = output.match(/as the caseworker (\S+),/);
      if (asCaseworker) caseworker = asCaseworker[1];
      const serving = output.match(/serving the demo authority on (http:\/\/\S+?)\/ /);
      if (signIn && serving) {
        [, email, password] = signIn;
        base = serving[1];
        clearTimeout(timer);
        resolve();
      }
    });
    server.on('exit', (code) => reject(new Error(`the demo stopped (${code}):\n${output}`)));
  });
  browser = await chromium.launch({
    executablePath: process.env.SENDTRACK_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
});

after(async () => {
  await browser?.close();
  server?.kill();
});

async function check(page, name) {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    if (process.env.SCREENSHOTS) await page.screenshot({ path: join(process.env.SCREENSHOTS, `${name}-${width}.png`), fullPage: true });
    await page.addScriptTag({ path: axePath });
    const results = await page.evaluate(async () =>
      // eslint-disable-next-line no-undef
      await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } }));
    const summary = results.violations.map((v) => `${v.id} (${v.impact}): ${v.help}; e.g. ${v.nodes[0]?.html}`);
    assert.deepEqual(summary, [], `${name} at ${width}px: accessibility violations:\n` + summary.join('\n'));
    // Nothing wider than the window but the tables that scroll in their own box.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${name} at ${width}px is ${overflow}px wider than the window`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

async function signIn(who) {
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  await page.goto(base + '/sign-in');
  await page.fill('#email', who);
  await page.fill('#password', password);
  await page.click('button:has-text("Sign in")');
  return page;
}

test('a manager adds a person, moves a leaver\'s cases to them, and the caseloads and their week follow', async () => {
  const page = await signIn(email);
  await page.click('nav >> text=Caseloads and staff');
  assert.match(await page.textContent('h1'), /Caseloads/);
  await check(page, 'caseloads');

  // A new caseworker.
  await page.goto(base + '/staff');
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
  await page.goto(base + '/staff/cw002');
  await page.fill('#ended_on-day', '27');
  await page.fill('#ended_on-month', '11');
  await page.fill('#ended_on-year', '2026');
  await page.click('button:has-text("Save")');
  assert.match(page.url(), /\/staff\?saved=cw002$/);

  // The leaver's cases are held by nobody in post; move them to the newcomer.
  await page.goto(base + '/caseloads');
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
  await page.goto(base + '/week?caseworker=cw900');
  assert.match(await page.textContent('h1'), /The week for Ada Newcomer/);
  const every = await page.textContent('#steps');
  assert.ok(Number(every.match(/\((\d+)\)/)[1]) > 0, every);
  await check(page, 'week-manager');
  await page.context().close();
});

test('a caseworker reads the steps due on their cases this week', async () => {
  const page = await signIn(caseworker);
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
