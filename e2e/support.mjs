// What the browser tests share: the demo server started on a free port, Chromium, axe-core's
// WCAG 2.2 A and AA checks, and signing in.
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const binary = process.env.SENDTRACK_BIN ?? join(here, '..', 'target', 'debug', 'sendtrack');
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/**
 * Starts `sendtrack demo` with `children` children as at 30 November 2026 in a new folder (and
 * `extra` arguments, such as --smtp); resolves with the server, its base URL, the folder, and
 * the demo's accounts (with the portal member of the educational psychology service).
 */
export async function startDemo(children, prefix, extra = []) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const server = spawn(binary, ['--today', '2026-11-30', 'demo', '--db', join(dir, 'demo.db'), '--children', String(children), '--addr', '127.0.0.1:0', ...extra]);
  let output = '';
  return await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the demo did not start:\n' + output)), 60000);
    server.stdout.on('data', (chunk) => {
      output += chunk;
      const signIn = output.match(/Sign in as (\S+) with the password (\S+)/);
      const others = output.match(/as the caseworker (\S+), staff id cw001, or the administrator (\S+),/);
      const serving = output.match(/serving the demo authority on (http:\/\/\S+?)\/ /);
      if (signIn && others && serving) {
        clearTimeout(timer);
        const eps = output.match(/(\S+@\S+) \(.*\) signs in at \/portal/);
        resolve({ server, dir, base: serving[1], email: signIn[1], password: signIn[2], caseworker: others[1], admin: others[2], eps: eps?.[1] });
      }
    });
    server.on('exit', (code) => reject(new Error(`the demo stopped (${code}):\n${output}`)));
  });
}

/** Headless Chromium (Debian's, or the one SENDTRACK_CHROMIUM names). */
export async function launchBrowser() {
  return await chromium.launch({
    executablePath: process.env.SENDTRACK_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** axe-core's WCAG 2.2 A and AA violations on the page, one line each. */
export async function axeViolations(page) {
  await page.addScriptTag({ path: axePath });
  const results = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } }));
  return results.violations.map((v) => `${v.id} (${v.impact}): ${v.help}; e.g. ${v.nodes[0]?.html}`);
}

/** The page has no violations and nothing wider than the window, at 1280 and 390 pixels. */
export async function check(page, name) {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    if (process.env.SCREENSHOTS) await page.screenshot({ path: join(process.env.SCREENSHOTS, `${name}-${width}.png`), fullPage: true });
    const summary = await axeViolations(page);
    assert.deepEqual(summary, [], `${name} at ${width}px: accessibility violations:\n` + summary.join('\n'));
    // Nothing wider than the window but the tables that scroll in their own box.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${name} at ${width}px is ${overflow}px wider than the window`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

/**
 * A page signed in as `who`, in a context of its own. The pages' Content-Security-Policy
 * forbids inline script; the test injects axe-core, so its browser alone ignores the policy.
 */
export async function signIn(browser, base, who, password) {
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  await page.goto(base + '/sign-in');
  await page.fill('#email', who);
  await page.fill('#password', password);
  await page.click('button:has-text("Sign in")');
  return page;
}

/**
 * A real SMTP server on 127.0.0.1 (aiosmtpd, e2e/smtp_sink.py) keeping what it receives in a
 * file of its own; resolves once it listens with its port, the process, and `message(to,
 * subject)`, which waits for the newest e-mail to `to` whose subject starts with `subject`.
 */
export async function startSmtp() {
  const mailbox = join(mkdtempSync(join(tmpdir(), 'sendtrack-smtp-')), 'mailbox.jsonl');
  const process = spawn('python3', [join(here, 'smtp_sink.py'), mailbox]);
  let output = '';
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the SMTP server did not start:\n' + output)), 20000);
    process.stdout.on('data', (chunk) => {
      output += chunk;
      const ready = output.match(/ready (\d+)/);
      if (ready) { clearTimeout(timer); resolve(Number(ready[1])); }
    });
    process.stderr.on('data', (chunk) => { output += chunk; });
    process.on('exit', (code) => reject(new Error(`the SMTP server stopped (${code}):\n${output}`)));
  });
  const received = () => existsSync(mailbox)
    ? readFileSync(mailbox, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l))
    : [];
  const message = async (to, subject) => {
    for (let i = 0; i < 100; i++) {
      const found = received().filter((m) => m.to.includes(to) && m.subject.startsWith(subject));
      if (found.length) return found[found.length - 1];
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no e-mail to ${to} about "${subject}"`);
  };
  return { process, port, url: `smtp://127.0.0.1:${port}`, received, message };
}

/**
 * Exports the demo's records now; returns a reader of one file's rows as objects (no quoted
 * commas in the columns the tests read).
 */
export function exported(demo) {
  const out = join(demo.dir, `export-${Date.now()}`);
  execFileSync(binary, ['--today', '2026-11-30', 'export', '--db', join(demo.dir, 'demo.db'), out]);
  return (file) => {
    const [head, ...lines] = readFileSync(join(out, file), 'utf8').trim().split('\n');
    const names = head.split(',');
    return lines.map((l) => Object.fromEntries(l.split(',').map((c, k) => [names[k], c])));
  };
}
