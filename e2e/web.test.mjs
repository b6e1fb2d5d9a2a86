// The web app in headless Chromium: sign in with the demo's sign-in, see Today, the scorecard
// and a measure page, and check every page type with axe-core (WCAG 2.2 A and AA). Set
// SCREENSHOTS=dir to keep a screenshot of each page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDemo, launchBrowser, axeViolations } from './support.mjs';

const here = dirname(fileURLToPath(import.meta.url));
let demo, browser, context, base, email, password, caseworker, admin;

before(async () => {
  demo = await startDemo(600, 'sendtrack-web-');
  ({ base, email, password, caseworker, admin } = demo);
  browser = await launchBrowser();
  // The pages' Content-Security-Policy forbids inline script; the test injects axe-core, so
  // its browser alone ignores the policy.
  context = await browser.newContext({ bypassCSP: true });
});

after(async () => {
  await browser?.close();
  demo?.server.kill();
});

async function checkAccessibility(page, name) {
  if (process.env.SCREENSHOTS) await page.screenshot({ path: join(process.env.SCREENSHOTS, `${name}.png`), fullPage: true });
  const summary = await axeViolations(page);
  assert.deepEqual(summary, [], `${name}: accessibility violations:\n` + summary.join('\n'));
}

test('every page but sign-in needs a signed-in user', async () => {
  const page = await context.newPage();
  await page.goto(base + '/scorecard');
  assert.match(page.url(), /\/sign-in$/);
  await checkAccessibility(page, 'sign-in');
  await page.close();
});

test('a wrong password gets the GOV.UK error summary', async () => {
  const page = await context.newPage();
  await page.goto(base + '/sign-in');
  await page.fill('#email', email);
  await page.fill('#password', 'not the password');
  await page.click('button:has-text("Sign in")');
  assert.equal(await page.textContent('.govuk-error-summary__title'), 'There is a problem');
  assert.match(await page.title(), /^Error: Sign in/);
  await checkAccessibility(page, 'sign-in-error');
  await page.close();
});

test('a manager signs in and reads Today, the scorecard and a measure down to its records', async () => {
  const page = await context.newPage();
  await page.goto(base + '/sign-in');
  await page.fill('#email', email);
  await page.fill('#password', password);
  await page.click('button:has-text("Sign in")');
  assert.equal(new URL(page.url()).pathname, '/');
  assert.match(await page.textContent('h1'), /Today, 30 November 2026/);
  await checkAccessibility(page, 'today');

  await page.click('nav >> text=Scorecard');
  assert.match(await page.textContent('h1'), /Scorecard/);
  assert.ok(await page.isVisible('text=New plans within 20 weeks, excluding exceptions (%)'));
  assert.ok(await page.isVisible('text=46.4% (2024)'), 'England beside the scorecard');
  await checkAccessibility(page, 'scorecard');

  await page.click('text=Board report for');
  assert.match(await page.textContent('h1'), /SEND statutory performance: board report/);
  await checkAccessibility(page, 'board-report');
  await page.goBack();

  await page.goto(base + '/measures/advice_overdue');
  assert.match(await page.textContent('h1'), /Advice overdue/);
  assert.ok(await page.isVisible('svg[role="img"]'));
  assert.ok(await page.isVisible('text=The records behind'));
  await checkAccessibility(page, 'measure');

  // Find a child from a record in the drill-down, and read the timeline.
  const childId = (await page.textContent('[aria-label="The records behind the value"] tbody tr:last-child td:nth-child(3)')).trim();
  await page.click('nav >> text=Find a child');
  await checkAccessibility(page, 'find-a-child');
  await page.fill('#q', childId);
  await page.click('button:has-text("Search")');
  assert.equal(new URL(page.url()).pathname, '/children', 'the search is a POST: no name in the URL');
  await page.click(`a[href="/children/${childId}"]`);
  assert.match(await page.textContent('.govuk-caption-l'), new RegExp(childId));
  assert.ok(await page.isVisible('text=Timeline'));
  assert.ok((await page.locator('.govuk-tag').count()) > 0, 'status tags on the steps');
  await checkAccessibility(page, 'child');

  await page.click('nav >> text=SEN2 return');
  await page.selectOption('#year', '2026');
  await page.click('button:has-text("Check this year")');
  assert.ok(await page.isVisible('text=Results: the 2026 return'));
  await checkAccessibility(page, 'sen2');
  // Upload a COLLECT export through the browser's own multipart form (with its CSRF token).
  const fixtures = join(here, '..', 'crates', 'interchange', 'tests', 'fixtures', 'sen2', 'broken');
  await page.setInputFiles('#files', readdirSync(fixtures).map((f) => join(fixtures, f)));
  await page.click('button:has-text("Check the export")');
  assert.ok(await page.isVisible('text=Results: the uploaded export'));
  assert.ok(await page.isVisible('text=10 failures, by rule'));
  await checkAccessibility(page, 'sen2-upload');

  const missing = await page.goto(base + '/measures/no_such_measure');
  assert.equal(missing.status(), 404);
  await checkAccessibility(page, 'not-found');

  await page.goto(base + '/');
  await page.click('button:has-text("Sign out")');
  assert.match(page.url(), /\/sign-in$/);
  await page.goto(base + '/');
  assert.match(page.url(), /\/sign-in$/, 'signed out for good');
  await page.close();
});

// The number in the Today row whose header is `words`.
async function todayCount(page, words) {
  await page.goto(base + '/');
  const row = page.locator('tr', { has: page.locator(`th:text-is("${words}")`) });
  return Number((await row.locator('td a').first().innerText()).match(/^\d+/)[0]);
}

// The headline value of a measure for November 2026.
async function measureValue(page, id) {
  await page.goto(`${base}/measures/${id}?month=2026-11`);
  return Number((await page.textContent('.govuk-body-l strong')).replace(/[^0-9.]/g, ''));
}

async function fillDate(page, field, day, month, year) {
  await page.fill(`#${field}-day`, String(day));
  await page.fill(`#${field}-month`, String(month));
  await page.fill(`#${field}-year`, String(year));
}

test("a caseworker's day: a new child, a request, the decision, advice and the final plan", async () => {
  const page = await context.newPage();
  await page.goto(base + '/sign-in');
  await page.fill('#email', caseworker);
  await page.fill('#password', password);
  await page.click('button:has-text("Sign in")');
  assert.equal(new URL(page.url()).pathname, '/week', 'a caseworker starts at their week');
  assert.equal(await page.textContent('h1'), 'My week');
  await page.click('nav >> text=Today');
  assert.match(await page.textContent('.govuk-caption-l'), /^caseworker \S+ \S+$/, 'Today shows their own cases, by name');

  const awaiting = await todayCount(page, 'Awaiting a decision whether to assess');
  const assessing = await todayCount(page, 'Assessments in progress');
  const requests = await measureValue(page, 'requests_received');
  const plans = await measureValue(page, 'plans_issued');

  // A child who is not in sendtrack yet.
  await page.goto(base + '/children');
  await page.click('text=Record a child who is not in sendtrack yet');
  await page.click('button:has-text("Save")');
  assert.equal(await page.textContent('.govuk-error-summary__title'), 'There is a problem', 'an empty form is refused');
  await checkAccessibility(page, 'form-errors');
  await page.fill('#forename', 'Ada');
  await page.fill('#surname', 'Testchild');
  await fillDate(page, 'date_of_birth', 14, 3, 2016);
  await page.selectOption('#primary_need', 'asd');
  await page.click('button:has-text("Save")');
  assert.match(await page.textContent('.govuk-notification-banner'), /Saved child's details/);
  assert.match(await page.textContent('h1'), /Ada Testchild/);
  const childUrl = new URL(page.url()).pathname;

  // The request, received two weeks ago.
  await page.click('text=Record a new request');
  await checkAccessibility(page, 'record-form');
  await fillDate(page, 'received_on', 16, 11, 2026);
  await page.selectOption('#source', 'parent');
  await page.click('button:has-text("Save")');
  assert.match(await page.textContent('.govuk-notification-banner'), /Saved request/);
  assert.ok(await page.isVisible('.govuk-summary-card:has-text("16 November 2026")'));
  await checkAccessibility(page, 'child-with-records');
  assert.equal(await todayCount(page, 'Awaiting a decision whether to assess'), awaiting + 1);
  assert.equal(await measureValue(page, 'requests_received'), requests + 1, 'the scorecard counts the request');

  // The worklist behind Today's count has the child, due 6 weeks after the request.
  await page.goto(base + '/');
  await page.locator('tr', { has: page.locator('th:text-is("Awaiting a decision whether to assess")') }).locator('td a').click();
  assert.match(await page.textContent('h1'), /Requests awaiting a decision/);
  const item = page.locator('tr', { has: page.locator('text=Ada Testchild') });
  assert.match(await item.innerText(), /28 December 2026/);
  await checkAccessibility(page, 'worklist');

  // The decision to assess.
  const changeRequest = () =>
    page.locator('.govuk-summary-card', { hasText: 'Made by' }).filter({ hasText: '16 November 2026' }).locator('a:has-text("Change")').click();
  await page.goto(base + childUrl);
  await changeRequest();
  await page.selectOption('#decision', 'assess');
  await fillDate(page, 'decided_on', 25, 11, 2026);
  await page.click('button:has-text("Save")');
  assert.match(await page.textContent('.govuk-notification-banner'), /Saved request/);
  assert.equal(await todayCount(page, 'Awaiting a decision whether to assess'), awaiting);
  assert.equal(await todayCount(page, 'Assessments in progress'), assessing + 1);

  // Advice requested, then received.
  await page.goto(base + childUrl);
  await page.click('text=Record advice requested');
  await page.selectOption('#kind', 'educational_psychology');
  await page.fill('#provider', 'County Educational Psychology Service');
  await fillDate(page, 'requested_on', 26, 11, 2026);
  await page.click('button:has-text("Save")');
  const advice = page.locator('.govuk-summary-card', { hasText: 'County Educational Psychology Service' });
  assert.match(await advice.innerText(), /26 November 2026[\s\S]*Not yet/);
  await advice.locator('a:has-text("Change")').click();
  await fillDate(page, 'received_on', 30, 11, 2026);
  await page.click('button:has-text("Save")');
  assert.match(await advice.innerText(), /Received\s+30 November 2026/);

  // The final plan: the assessment's outcome, and the plan itself.
  await changeRequest();
  await page.selectOption('#outcome', 'plan');
  await fillDate(page, 'outcome_on', 30, 11, 2026);
  await page.click('button:has-text("Save")');
  await page.click('text=Record a plan');
  const requestId = await page.locator('#request_id option').nth(1).getAttribute('value');
  await page.selectOption('#request_id', requestId);
  await fillDate(page, 'issued_on', 30, 11, 2026);
  await page.click('button:has-text("Save")');
  assert.match(await page.textContent('.govuk-notification-banner'), /Saved EHC plan/);
  assert.equal(await todayCount(page, 'Assessments in progress'), assessing);
  assert.equal(await measureValue(page, 'plans_issued'), plans + 1, 'the scorecard counts the plan');
  await page.goto(base + '/scorecard');
  await checkAccessibility(page, 'scorecard-after');
  await page.close();
});

test('an admin manages people, settings and the audit trail; everyone has an account page', async () => {
  const page = await context.newPage();
  await page.goto(base + '/sign-in');
  await page.fill('#email', admin);
  await page.fill('#password', password);
  await page.click('button:has-text("Sign in")');
  assert.equal(new URL(page.url()).pathname, '/admin/users');
  assert.ok(await page.isVisible(`text=${caseworker}`));
  await checkAccessibility(page, 'admin-users');
  await page.click('nav >> text=Audit trail');
  await page.fill('#email', caseworker);
  await page.click('button:has-text("Search")');
  assert.ok((await page.locator('tbody tr').count()) > 0, "the caseworker's day is in the audit trail");
  assert.ok(await page.isVisible('text=sign in'));
  await checkAccessibility(page, 'admin-audit');
  const refused = await page.goto(base + '/children');
  assert.equal(refused.status(), 403, "an admin does not read children's records");
  await checkAccessibility(page, 'forbidden');
  // The analyst who submits the SEN2 return: added, then let download it (which other
  // analysts may not: it holds names, dates of birth and UPNs).
  await page.goto(base + '/admin/users');
  await page.fill('#email', 'sen2.analyst@example.org');
  await page.selectOption('#role', 'analyst');
  await page.click('button:has-text("Add and show their password")');
  const analystPassword = (await page.textContent('.st-secret')).trim();
  await page.goto(base + '/admin/users');
  const analystRow = page.locator('tr', { hasText: 'sen2.analyst@example.org' });
  await analystRow.locator('button:has-text("Let download")').click();
  assert.ok(await page.locator('tr', { hasText: 'sen2.analyst@example.org' }).locator('text=Downloads it').isVisible());
  await checkAccessibility(page, 'admin-users-sen2-grant');
  const analyst = await browser.newContext();
  const analystPage = await analyst.newPage();
  await analystPage.goto(base + '/sign-in');
  await analystPage.fill('#email', 'sen2.analyst@example.org');
  await analystPage.fill('#password', analystPassword);
  await analystPage.click('button:has-text("Sign in")');
  await analystPage.goto(base + '/sen2');
  const [download] = await Promise.all([
    analystPage.waitForEvent('download'),
    analystPage.click('a[href^="/sen2/return.zip"]'),
  ]);
  assert.match(download.suggestedFilename(), /\.zip$/);
  await analyst.close();
  await page.goto(base + '/account');
  await checkAccessibility(page, 'account');
  await page.click('a[href="/account/two-factor"]');
  assert.match(await page.textContent('h1'), /Set up a second factor/);
  await checkAccessibility(page, 'two-factor');
  await page.close();
});
