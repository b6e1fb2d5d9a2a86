// The child's case file (issue 18) in headless Chromium: a caseworker logs a call, adds a parent
// contact, uploads an advice report (which marks the advice received), writes the decision
// letter and, once the draft plan is recorded, the draft-plan notice, and sees them in the
// chronology and the documents; an analyst reaches none of it. Every page is checked with
// axe-core (WCAG 2.2 A and AA) at 1280 and 390 pixels wide.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, exported, launchBrowser, check, signIn as signInAt } from './support.mjs';

let demo, browser;

before(async () => {
  demo = await startDemo(900, 'sendtrack-casefile-');
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  demo?.server.kill();
});

const signIn = (who, secret = demo.password) => signInAt(browser, demo.base, who, secret);

/** A case of cw001's: a request being assessed, no draft yet, with advice not yet received. */
function aCase() {
  const rows = exported(demo);
  const advice = rows('advice.csv');
  const request = rows('requests.csv').find((r) =>
    r.caseworker === 'cw001' && r.decision === 'assess' && !r.draft_issued_on && !r.outcome &&
    advice.some((a) => a.request_id === r.request_id && !a.received_on));
  assert.ok(request, 'the demo has an assessment of cw001 with advice outstanding');
  const outstanding = advice.find((a) => a.request_id === request.request_id && !a.received_on);
  return { child: request.child_id, request: request.request_id, advice: outstanding.advice_id };
}

let theCase, firstDocument;

test('a caseworker logs a call, adds a parent, files the advice and writes the decision letter and the draft-plan notice', async () => {
  theCase = aCase();
  const { child, request, advice } = theCase;
  const page = await signIn(demo.caseworker);
  await page.goto(`${demo.base}/children/${child}`);
  await check(page, 'child-casefile');

  // A parent with parental responsibility.
  await page.click('text=Add a contact');
  await check(page, 'contact-new');
  await page.selectOption('#role', 'parent');
  await page.fill('#name', 'Alex Testparent');
  await page.fill('#email', 'alex.testparent@example.org');
  await page.fill('#phone', '01632 960 123');
  await page.selectOption('#preferred', 'email');
  await page.check('#parental_responsibility-true');
  await page.click('button:has-text("Save")');
  assert.ok(await page.isVisible('text=Alex Testparent'));

  // A call with them, in the case log.
  await page.click('text=Log a call, email, letter, meeting, visit or note');
  await check(page, 'log-new');
  await page.fill('#on-day', '30');
  await page.fill('#on-month', '11');
  await page.fill('#on-year', '2026');
  await page.fill('#time', '10:15');
  await page.selectOption('#kind', 'call');
  await page.selectOption('#direction', 'out');
  await page.fill('#with_whom', 'Parent');
  await page.selectOption('#contact_id', { label: 'Alex Testparent (parent)' });
  await page.fill('#summary', 'Explained the assessment and when the advice is due');
  await page.selectOption('#request_id', request);
  await page.click('button:has-text("Save")');
  assert.ok(await page.isVisible('text=Phone call (sent or made) with Parent at 10:15'));

  // The educational psychologist's report, uploaded against the advice: marks it received.
  await page.click('summary:has-text("Upload a document")');
  await page.fill('#title', 'Advice report');
  await page.selectOption('#attach', `advice:${advice}`);
  await page.setInputFiles('#file', { name: 'advice.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%%EOF\n') });
  await page.click('button:has-text("Upload")');
  assert.ok(await page.isVisible('text=The document was filed in the child\'s documents.'));
  assert.ok(await page.isVisible('a:has-text("Advice report (download)")'));
  const adviceCard = await page.textContent(`.govuk-summary-card:has-text("Advice ${advice}")`);
  assert.match(adviceCard, /Received\s*30 November 2026/);
  firstDocument = await page.getAttribute('a:has-text("Advice report (download)")', 'href');

  // The decision to assess: previewed, then filed as a PDF and logged as sent.
  await page.click(`a[href*="kind=decision_to_assess&request=${request}"]`);
  assert.match(await page.textContent('h1'), /Decision to carry out an EHC needs assessment/);
  assert.ok(await page.isVisible('text=Dear Alex Testparent'));
  await check(page, 'letter-preview');
  await page.click('button:has-text("File and log the letter")');
  assert.ok(await page.isVisible('a:has-text("Decision to carry out an EHC needs assessment (30 November 2026) (download)")'));

  // The draft plan is issued: recorded on the request, then its notice filed as a Word file.
  await page.goto(`${demo.base}/children/${child}/requests/${request}`);
  await page.fill('#draft_issued_on-day', '30');
  await page.fill('#draft_issued_on-month', '11');
  await page.fill('#draft_issued_on-year', '2026');
  await page.click('button:has-text("Save")');
  await page.click(`a[href*="kind=draft_plan&request=${request}"]`);
  assert.ok(await page.isVisible('text=until 14 December 2026'));
  await page.check('#format-docx');
  await page.click('button:has-text("File and log the letter")');
  assert.ok(await page.isVisible('a:has-text("Draft EHC plan notice (30 November 2026) (download)")'));

  // The chronology holds the call and both letters; the documents all three files.
  await page.goto(`${demo.base}/children/${child}?show=log`);
  const log = await page.textContent('main');
  assert.match(log, /Phone call \(sent or made\) with Parent at 10:15/);
  assert.match(log, /Letter \(sent or made\) with Alex Testparent: Decision to carry out an EHC needs assessment sent/);
  assert.match(log, /Letter \(sent or made\) with Alex Testparent: Draft EHC plan notice sent/);
  await check(page, 'child-after');
  const download = await page.request.get(demo.base + firstDocument);
  assert.equal(download.status(), 200);
  assert.equal((await download.body()).toString(), '%PDF-1.4\n%%EOF\n');
  await page.context().close();
});

test('an analyst reaches none of the case file', async () => {
  assert.ok(theCase && firstDocument, 'the case file was made first');
  // An admin adds an analyst (and sees the letter templates).
  const adminPage = await signIn(demo.admin);
  await adminPage.goto(demo.base + '/admin/letters');
  await check(adminPage, 'admin-letters');
  await adminPage.click('text=Draft EHC plan notice');
  await check(adminPage, 'admin-letter-template');
  await adminPage.goto(demo.base + '/admin/organisations');
  assert.ok(await adminPage.isVisible('text=County Educational Psychology Service'), 'the demo\'s advice givers are listed');
  await check(adminPage, 'admin-organisations');
  await adminPage.click('text=Add an organisation');
  await check(adminPage, 'admin-organisation-new');
  await adminPage.goto(demo.base + '/admin/users');
  await adminPage.fill('#email', 'ana.lyst@example.org');
  await adminPage.selectOption('#role', 'analyst');
  await adminPage.click('button:has-text("Add and show their password")');
  const secret = (await adminPage.textContent('.st-secret')).trim();
  await adminPage.context().close();

  const page = await signIn('ana.lyst@example.org', secret);
  const { child, request } = theCase;
  for (const path of [
    `/children/${child}`,
    firstDocument,
    `/children/${child}/letters?kind=decision_to_assess&request=${request}`,
    `/children/${child}/contacts/new`,
    '/establishments',
  ]) {
    const response = await page.request.get(demo.base + path);
    assert.equal(response.status(), 403, path);
    assert.ok(!(await response.text()).includes('Alex Testparent'), path);
  }
  await page.context().close();
});
