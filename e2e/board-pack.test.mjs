// The printable board pack passes an automated accessibility check (axe-core, WCAG 2.2 A and
// AA rules) in headless Chromium. Needs the sendtrack binary built (scripts/test-all builds it),
// Debian's chromium, and `npm ci` here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const binary = process.env.SENDTRACK_BIN ?? join(here, '..', 'target', 'debug', 'sendtrack');
const browserPath = process.env.SENDTRACK_CHROMIUM ?? '/usr/bin/chromium';
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

function sendtrack(...args) {
  return execFileSync(binary, ['--today', '2026-11-30', ...args], { encoding: 'utf8' });
}

test('the HTML board pack has no accessibility violations', async () => {
  assert.ok(existsSync(binary), `build sendtrack first (cargo build): ${binary}`);
  const dir = mkdtempSync(join(tmpdir(), 'sendtrack-a11y-'));
  sendtrack('demo-data', '--out', join(dir, 'data'), '--children', '400', '--seed', '21');
  sendtrack('import', '--db', join(dir, 'st.db'), join(dir, 'data'));
  sendtrack('report', '--db', join(dir, 'st.db'), '--format', 'html', '--month', '2026-10', '--authority', 'Demo County Council', '--out', join(dir, 'pack.html'));

  const browser = await chromium.launch({
    executablePath: browserPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    await page.goto('file://' + join(dir, 'pack.html'));
    await page.addScriptTag({ path: axePath });
    const results = await page.evaluate(async () =>
      // eslint-disable-next-line no-undef
      await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } }));
    const summary = results.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.length} element(s), e.g. ${v.nodes[0]?.html}`);
    assert.deepEqual(summary, [], 'accessibility violations:\n' + summary.join('\n'));
    assert.ok(results.passes.length > 10, 'axe ran its checks');
  } finally {
    await browser.close();
  }
});
