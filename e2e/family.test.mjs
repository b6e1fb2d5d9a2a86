// Families in the portal (issue 20) in headless Chromium, with a real SMTP server on 127.0.0.1
// (aiosmtpd): a caseworker adds a parent, decides to assess, files the decision letter and
// shares it, sends the draft plan and invites the parent; the parent signs in with the code
// from the e-mail, sees the stage and the dates, downloads the letter, comments on the draft
// within its 15 days and asks for a school, uploads a report and sends a message; the
// caseworker sees all of it in the chronology. The parent reaches no other child by changing
// the id, and no staff page. Every family page is checked with axe (WCAG 2.2 A and AA) at 1280
// and 390 pixels wide.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDemo, startSmtp, exported, launchBrowser, check, signIn as signInAt } from './support.mjs';

let smtp, demo, browser;

before(async () => {
  smtp = await startSmtp();
  demo = await startDemo(600, 'sendtrack-family-', ['--smtp', smtp.url, '--mail-from', 'send@demo-county.example.org']);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  demo?.server.kill();
  smtp?.process.kill();
});

const parent = 'sam.family@example.org';

test('a parent follows the case online and sends what they have; the caseworker sees it all', async () => {
  const rows = exported(demo);
  const request = rows('requests.csv').find((r) => r.caseworker === 'cw001' && !r.decision && !r.outcome);
  assert.ok(request, 'the demo has a request of cw001 awaiting a decision');
  const child = request.child_id;
  const other = rows('children.csv').find((c) => c.child_id !== child).child_id;
  const surname = rows('children.csv').find((c) => c.child_id === child).surname;

  // The caseworker: the parent as a contact, the decision to assess and its letter, shared.
  const staff = await signInAt(browser, demo.base, demo.caseworker, demo.password);
  await staff.goto(`${demo.base}/children/${child}/contacts/new`);
  await staff.selectOption('#role', 'parent');
  await staff.fill('#name', 'Sam Family');
  await staff.fill('#email', parent);
  await staff.selectOption('#preferred', 'email');
  await staff.check('#parental_responsibility-true');
  await staff.click('button:has-text("Save")');
  await staff.goto(`${demo.base}/children/${child}/requests/${request.request_id}`);
  await staff.selectOption('#decision', 'assess');
  for (const [part, value] of [['day', '16'], ['month', '11'], ['year', '2026']]) await staff.fill(`#decided_on-${part}`, value);
  await staff.click('button:has-text("Save")');
  await staff.waitForURL(/\/children\/[^/]+(\?|#|$)/);
  await staff.click(`a[href*="kind=decision_to_assess&request=${request.request_id}"]`);
  await staff.check('#format-docx');
  await staff.click('button:has-text("File and log the letter")');
  const letter = 'Decision to carry out an EHC needs assessment';
  await staff.click(`button:has-text("Share with the family"):has(span:has-text("${letter}"))`);
  assert.ok(await staff.isVisible('text=Shared with the family'));
  // The draft plan, sent today: the 15 days run to 14 December.
  await staff.goto(`${demo.base}/children/${child}/requests/${request.request_id}`);
  for (const [part, value] of [['day', '30'], ['month', '11'], ['year', '2026']]) await staff.fill(`#draft_issued_on-${part}`, value);
  await staff.click('button:has-text("Save")');
  await staff.waitForURL(/\/children\/[^/]+(\?|#|$)/);
  // The invitation.
  await staff.click('button:has-text("Invite Sam Family to the portal")');
  assert.ok(await staff.isVisible('text=Has access since'));
  await check(staff, 'child-family-access');
  const invitation = await smtp.message(parent, 'You can now see your child');
  assert.ok(!invitation.body.includes(surname), 'the invitation names no child');

  // The parent signs in with the code from the e-mail.
  const context = await browser.newContext({ bypassCSP: true, acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(`${demo.base}/portal/sign-in`);
  await page.fill('#email', parent);
  await page.click('button:has-text("Send me a code")');
  const code = (await smtp.message(parent, 'Your sign-in code')).body.match(/\b(\d{6})\b/)[1];
  await page.fill('#code', code);
  await page.click('button:has-text("Sign in")');
  await page.waitForSelector('h1:has-text("Your children")');
  await check(page, 'family-home');
  await page.click(`a[href="/portal/children/${child}"]`);
  // Where things stand: the stage and the dates.
  const standing = await page.textContent('main');
  assert.match(standing, /The draft EHC plan is with you\. Tell us what you think by 14 December 2026\./);
  assert.match(standing, /We issue the final EHC plan, or tell you we will not issue one\. By \d+ \w+ 20\d\d\./);
  await check(page, 'family-child');

  // The shared decision letter.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(`a:has-text("${letter}")`)]);
  assert.match(download.suggestedFilename(), /\.docx$/);

  // Comments on the draft, with a school asked for.
  await page.fill('#comment', 'Section F should include speech and language therapy.');
  await page.fill('#school', 'Riverside Academy');
  await page.check('#meeting');
  await page.click('button:has-text("Send your comments")');
  await page.waitForSelector('text=Your comments on the draft plan were sent');
  // A report, and a message.
  await page.click('summary:has-text("Send us a document")');
  await page.fill('#title', 'Speech therapy report');
  await page.setInputFiles('#file', { name: 'report.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%%EOF\n') });
  await page.click('button:has-text("Send the document")');
  await page.waitForSelector('text=Your document was sent');
  await page.fill('#message', 'Could we meet before the end of term?');
  await page.click('button:has-text("Send the message")');
  await page.waitForSelector('text=Your message was sent');
  await check(page, 'family-sent');

  // No other child by changing the id; no staff page.
  assert.equal((await page.goto(`${demo.base}/portal/children/${other}`)).status(), 404);
  await page.goto(`${demo.base}/children/${child}`);
  assert.match(page.url(), /\/sign-in$/);
  await context.close();

  // The caseworker sees all of it in the chronology, and was told.
  await staff.goto(`${demo.base}/children/${child}?show=log`);
  const log = await staff.textContent('main');
  assert.match(log, /Comments on the draft plan through the portal: Section F should include speech and language therapy\. Asked for this school or college to be named: Riverside Academy\. Asked for a meeting/);
  assert.match(log, /Document sent through the portal: Speech therapy report/);
  assert.match(log, /Message through the portal: Could we meet before the end of term\?/);
  assert.match(log, /E-mail sent to [^:]+: You can now see your child's EHC case online/, 'the e-mails to the family are recorded');
  await smtp.message('demo.caseworker@example.org', 'A message from a family');
  await staff.goto(`${demo.base}/children/${child}#documents`);
  assert.ok(await staff.isVisible('text=Speech therapy report'));
  await staff.context().close();
});
