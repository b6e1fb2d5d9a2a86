// Every page type, for every role, at 390 and 1280 pixels wide, in headless Chromium with the
// service's own Content-Security-Policy in force: no page is wider than the window, the header's
// parts never overlap, the header and the body are set in Arial (or Liberation Sans, its
// metric twin on Linux), GOV.UK Frontend's JavaScript runs (govuk-frontend-supported on the
// body), the navigation marks the current section, and axe-core finds no WCAG 2.2 A or AA
// violation. Then: a failed save puts the focus on the error summary, and the month to date is
// labelled and equals Today's count. Set SCREENSHOTS=dir to keep a screenshot of each page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const binary = process.env.SENDTRACK_BIN ?? join(here, '..', 'target', 'debug', 'sendtrack');
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const TODAY = '2026-11-30';
const PASSWORD = 'Layout test password, long and unguessable';
let server, browser, base, child;
const accounts = {};

function cli(args, input) {
  const run = spawnSync(binary, ['--today', TODAY, ...args], { input, encoding: 'utf8' });
  assert.equal(run.status, 0, `sendtrack ${args.join(' ')}:\n${run.stdout}\n${run.stderr}`);
  return run.stdout;
}

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sendtrack-layout-'));
  const db = join(dir, 'demo.db');
  cli(['demo', '--db', db, '--children', '600', '--no-serve']);
  for (const role of ['manager', 'caseworker', 'analyst', 'viewer', 'admin']) {
    accounts[role] = `layout.${role}@example.org`;
    const staff = role === 'caseworker' ? ['--staff-id', 'cw001'] : [];
    cli(['user', 'add', '--db', db, '--email', accounts[role], '--role', role, ...staff], `${PASSWORD}\n${PASSWORD}\n`);
  }
  server = spawn(binary, ['--today', TODAY, 'serve', '--db', db, '--addr', '127.0.0.1:0', '--authority', 'Demo County Council']);
  let output = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('serve did not start:\n' + output)), 60000);
    server.stdout.on('data', (chunk) => {
      output += chunk;
      const serving = output.match(/on (http:\/\/\S+?)\/ /);
      if (serving) {
        base = serving[1];
        clearTimeout(timer);
        resolve();
      }
    });
    server.on('exit', (code) => reject(new Error(`serve stopped (${code}):\n${output}`)));
  });
  browser = await chromium.launch({
    executablePath: process.env.SENDTRACK_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  server?.kill();
});

/// A signed-in page at `width` pixels, with (strict) or without (for axe) the service's CSP.
async function signedIn(role, width, { strict }) {
  const context = await browser.newContext({ viewport: { width, height: 900 }, bypassCSP: !strict });
  const page = await context.newPage();
  await page.goto(base + '/sign-in');
  await page.fill('#email', accounts[role]);
  await page.fill('#password', PASSWORD);
  await page.click('button:has-text("Sign in")');
  assert.doesNotMatch(new URL(page.url()).pathname, /sign-in/, `${role} signs in`);
  return page;
}

const pages = {
  manager: ['/', '/worklists/assessing', '/worklists/advice-overdue', '/worklists/named-setting-not-started', 'CHILD/plan-settings/new', '/children', 'CHILD', 'CHILD/requests/new', '/scorecard', '/measures/advice_overdue', '/reports/board', '/sen2', '/forecast', '/team', '/board', '/board/commentary', '/indicators', '/indicators/new', '/improvement', '/improvement/timeliness', '/improvement/milestones/timeliness-m3', '/plan-quality', '/plan-quality/new', '/account'],
  caseworker: ['/', '/worklists/awaiting-decision', '/children', 'CHILD', '/scorecard', '/scorecard/periods', '/forecast', '/board', '/improvement/quality', '/account'],
  analyst: ['/scorecard', '/scorecard/periods', '/measures/plans_issued_within_20_weeks_pct', '/reports/board', '/sen2', '/forecast', '/board/commentary', '/indicators', '/account'],
  viewer: ['/scorecard', '/scorecard/periods', '/measures/plans_active', '/board', '/indicators', '/improvement', '/plan-quality', '/account'],
  admin: ['/admin/users', '/admin/audit', '/scorecard', '/scorecard/periods', '/forecast', '/improvement', '/account'],
};

async function layoutProblems(page) {
  return page.evaluate(() => {
    const problems = [];
    const doc = document.documentElement;
    if (doc.scrollWidth > window.innerWidth) problems.push(`the page is ${doc.scrollWidth}px wide in a ${window.innerWidth}px window`);
    if (!document.body.classList.contains('govuk-frontend-supported')) problems.push('govuk-frontend-supported is not set');
    const parts = ['.st-header__name', '.st-header__email', '.st-header__sign-out']
      .map((s) => document.querySelector(s)).filter(Boolean).map((e) => e.getBoundingClientRect());
    for (let i = 0; i < parts.length; i++) {
      for (let j = i + 1; j < parts.length; j++) {
        const [a, b] = [parts[i], parts[j]];
        if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) problems.push(`header parts ${i} and ${j} overlap`);
      }
    }
    for (const selector of ['.st-header__name', '.govuk-service-navigation__link', 'h1', '.govuk-body, .govuk-table']) {
      const element = document.querySelector(selector);
      if (element && !/arial|liberation sans/i.test(getComputedStyle(element).fontFamily)) {
        problems.push(`${selector} is set in ${getComputedStyle(element).fontFamily}`);
      }
    }
    const current = document.querySelectorAll('.govuk-service-navigation__item--active [aria-current="page"]');
    if (current.length > 1) problems.push('more than one current section');
    return problems;
  });
}

async function axeViolations(page) {
  await page.addScriptTag({ path: axePath });
  const results = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } }));
  return results.violations.map((v) => `${v.id} (${v.impact}): ${v.help}; e.g. ${v.nodes[0]?.html}`);
}

for (const role of Object.keys(pages)) {
  test(`every page a ${role} uses, at 390 and 1280 pixels`, async () => {
    for (const width of [390, 1280]) {
      const strict = await signedIn(role, width, { strict: true });
      const relaxed = await signedIn(role, width, { strict: false });
      if (!child) {
        // A child allocated to the demo caseworker, from their own worklist.
        const cw = role === 'caseworker' ? strict : await signedIn('caseworker', 1280, { strict: true });
        await cw.goto(base + '/worklists/assessing');
        child = new URL(await cw.locator('a[href^="/children/C"]').first().getAttribute('href'), base).pathname;
        if (cw !== strict) await cw.context().close();
      }
      const problems = [];
      for (const path of pages[role]) {
        const url = base + path.replace('CHILD', child);
        await strict.goto(url);
        await strict.waitForFunction(() => document.body.classList.contains('govuk-frontend-supported'), null, { timeout: 5000 }).catch(() => {});
        const paper = path === '/reports/board'; // the printable board pack: its own template
        for (const p of await layoutProblems(strict)) {
          if (!paper || p.includes('wide')) problems.push(`${path} at ${width}px: ${p}`);
        }
        if (width === 390 || role === 'manager' || role === 'admin') {
          await relaxed.goto(url);
          for (const v of await axeViolations(relaxed)) problems.push(`${path} at ${width}px: ${v}`);
        }
        if (process.env.SCREENSHOTS) {
          const name = `${role}-${width}-${path.replace('CHILD', 'child').replace(/[^a-z0-9]+/gi, '_') || 'today'}.png`;
          await strict.screenshot({ path: join(process.env.SCREENSHOTS, name), fullPage: true });
        }
      }
      // The navigation marks where the person is.
      await strict.goto(base + '/scorecard');
      assert.equal(await strict.textContent('[aria-current="page"]'), 'Scorecard');
      await strict.context().close();
      await relaxed.context().close();
      assert.deepEqual(problems, [], problems.join('\n'));
    }
  });
}

test('a failed save puts the focus on the error summary', async () => {
  const page = await signedIn('caseworker', 390, { strict: true });
  await page.goto(base + child + '/requests/new');
  await page.fill('#received_on-day', '31');
  await page.fill('#received_on-month', '2');
  await page.fill('#received_on-year', '2026');
  await page.click('button:has-text("Save")');
  await page.waitForSelector('.govuk-error-summary');
  await page.waitForFunction(() => document.activeElement?.classList.contains('govuk-error-summary'), null, { timeout: 5000 });
  await page.context().close();
});

test('the month to date is labelled and equals Today', async () => {
  const page = await signedIn('manager', 1280, { strict: true });
  await page.goto(base + '/');
  // The "All advice" row: outstanding, then overdue.
  const overdue = page.locator('tr:has(th:text-is("All advice")) a').nth(1);
  const today = Number(await overdue.evaluate((a) => a.firstChild.textContent.trim()));
  await page.goto(base + '/measures/advice_overdue?month=2026-11');
  const headline = await page.textContent('.govuk-body-l');
  assert.match(headline, /Nov 2026 \(to date\)/);
  assert.equal(Number(await page.textContent('.govuk-body-l strong')), today, 'the month to date equals Today');
  await page.context().close();
});

test('two minutes before the session ends a warning says so, and staying signed in keeps it', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 900 } });
  const page = await context.newPage();
  await page.clock.install();
  await page.goto(base + '/sign-in');
  await page.fill('#email', accounts.caseworker);
  await page.fill('#password', PASSWORD);
  await page.click('button:has-text("Sign in")');
  assert.equal(await page.locator('#st-timeout').count(), 0);
  await page.clock.fastForward('28:05');
  await page.waitForSelector('#st-timeout');
  assert.match(await page.textContent('#st-timeout'), /signed out in 2 minutes/);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'st-timeout', 'the warning takes the focus');
  await page.click('#st-stay');
  await page.waitForSelector('#st-timeout', { state: 'detached' });
  await context.close();
});
