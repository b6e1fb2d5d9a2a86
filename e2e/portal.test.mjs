// The portal (issue 19) in headless Chromium, with a real SMTP server on 127.0.0.1 (aiosmtpd,
// started here): a caseworker asks the educational psychology service for advice; the
// service's member signs in at /portal with the code e-mailed to them, sees the task and uploads
// the report; the advice shows received and the caseworker's Today moves. The same member
// cannot open the child once the task is closed, nor anything of the staff app. Every portal
// page is checked with axe-core (WCAG 2.2 A and AA) at 1280 and 390 pixels wide.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDemo, startSmtp, exported, launchBrowser, check, signIn as signInAt } from './support.mjs';

let smtp, demo, browser;

before(async () => {
  smtp = await startSmtp();
  demo = await startDemo(600, 'sendtrack-portal-', ['--smtp', smtp.url, '--mail-from', 'send@demo-county.example.org']);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  demo?.server.kill();
  smtp?.process.kill();
});

/** A request of cw001's awaiting the decision whether to assess, and the EP service. */
function aCase() {
  const rows = exported(demo);
  const request = rows('requests.csv').find((r) => r.caseworker === 'cw001' && !r.decision && !r.outcome);
  assert.ok(request, 'the demo has a request of cw001 awaiting a decision');
  const { organisation_id: id, name } = rows('organisations.csv').find((o) => /psycholog/i.test(o.name));
  const child = rows('children.csv').find((c) => c.child_id === request.child_id);
  return { child: request.child_id, request: request.request_id, eps: { id, name }, surname: child.surname };
}

/** The caseworker's Today: advice outstanding, all kinds. */
async function adviceOutstanding(page) {
  await page.goto(`${demo.base}/`);
  return Number(await page.locator('tr:has(th:text-is("All advice")) td').first().innerText());
}

test('a service answers its advice task through the portal and the caseworker sees it received', async () => {
  const theCase = aCase();
  const caseworker = await signInAt(browser, demo.base, demo.caseworker, demo.password);
  const before = await adviceOutstanding(caseworker);

  // The caseworker decides to assess, and asks the educational psychology service for advice.
  await caseworker.goto(`${demo.base}/children/${theCase.child}/requests/${theCase.request}`);
  await caseworker.selectOption('#decision', 'assess');
  await caseworker.fill('#decided_on-day', '30');
  await caseworker.fill('#decided_on-month', '11');
  await caseworker.fill('#decided_on-year', '2026');
  await caseworker.click('button:has-text("Save")');
  await caseworker.waitForURL(/\/children\/[^/]+(\?|#|$)/);
  await caseworker.goto(`${demo.base}/children/${theCase.child}/advice/new`);
  await caseworker.selectOption('#request_id', theCase.request);
  await caseworker.selectOption('#kind', 'educational_psychology');
  await caseworker.selectOption('#organisation_id', theCase.eps.id);
  await caseworker.fill('#requested_on-day', '30');
  await caseworker.fill('#requested_on-month', '11');
  await caseworker.fill('#requested_on-year', '2026');
  await caseworker.click('button:has-text("Save")');
  await caseworker.waitForURL(/\/children\//);
  assert.equal(await adviceOutstanding(caseworker), before + 1, 'the advice is outstanding');

  // The service's member signs in with the code e-mailed to them.
  const context = await browser.newContext({ bypassCSP: true });
  const portal = await context.newPage();
  await portal.goto(`${demo.base}/portal`);
  assert.match(portal.url(), /\/portal\/sign-in$/);
  await check(portal, 'portal-sign-in');
  await portal.fill('#email', demo.eps);
  await portal.click('button:has-text("Send me a code")');
  await portal.waitForSelector('h1:has-text("Enter the code we sent you")');
  await check(portal, 'portal-code');
  const mail = await smtp.message(demo.eps, 'Your sign-in code');
  const code = mail.body.match(/\b(\d{6})\b/)[1];
  assert.ok(!mail.body.includes(theCase.surname), 'the e-mail names no child');
  await portal.fill('#code', code);
  await portal.click('button:has-text("Sign in")');
  await portal.waitForSelector('h1:has-text("Your tasks")');
  await check(portal, 'portal-tasks');

  // The task: the child's details it needs, and the upload.
  const advice = (await portal.locator(`a[href^="/portal/advice/"]`).evaluateAll((links, child) => links.map((a) => a.getAttribute('href')), theCase.child));
  const task = await (async () => {
    for (const href of advice) {
      await portal.goto(demo.base + href);
      if ((await portal.content()).includes(theCase.request)) return href;
    }
    return null;
  })();
  assert.ok(task, 'the new advice is among the service\'s tasks');
  await check(portal, 'portal-advice-task');
  const report = join(demo.dir, 'ep-report.pdf');
  writeFileSync(report, '%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
  await portal.setInputFiles('#file', report);
  await portal.fill('#notes', 'Observed in class; parents seen.');
  await portal.click('button:has-text("Submit the advice")');
  await portal.waitForSelector('text=is with the council');
  await check(portal, 'portal-done');

  // Closed: the child's details are gone; the staff app is not theirs.
  const closed = await portal.goto(demo.base + task);
  assert.equal(closed.status(), 404);
  await portal.goto(`${demo.base}/children/${theCase.child}`);
  assert.match(portal.url(), /\/sign-in$/, 'the staff app asks for a staff sign-in');

  // The caseworker: received, filed, logged, and Today has moved back.
  assert.equal(await adviceOutstanding(caseworker), before, 'Today moves');
  await caseworker.goto(`${demo.base}/children/${theCase.child}`);
  const record = await caseworker.content();
  assert.ok(record.includes('submitted through the portal'), 'the chronology has it');
  assert.ok(record.includes(`Advice ${task.split('/').pop()} from ${theCase.eps.name}`), 'the document is filed');
  const notice = await smtp.message('demo.caseworker@example.org', 'Advice for an EHC needs assessment');
  assert.ok(notice.body.includes(`/children/${theCase.child}`) && !notice.body.includes(theCase.surname));
  await caseworker.context().close();

  // The service's administrator sees its members; the council's admin sees them and the e-mail sent.
  await portal.goto(`${demo.base}/portal/members`);
  await portal.waitForSelector(`text=${demo.eps}`);
  await check(portal, 'portal-members');
  await context.close();
  const admin = await signInAt(browser, demo.base, demo.admin, demo.password);
  await admin.goto(`${demo.base}/admin/organisations/${theCase.eps.id}/members`);
  await admin.waitForSelector(`text=${demo.eps}`);
  await check(admin, 'admin-portal-members');
  await admin.goto(`${demo.base}/admin/mail`);
  await admin.waitForSelector('h1:has-text("E-mail")');
  assert.ok((await admin.content()).includes('answered through the portal'), 'the notice is listed');
  await check(admin, 'admin-mail');
  await admin.context().close();
});
