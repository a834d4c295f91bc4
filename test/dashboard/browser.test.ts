// The dashboard in a real browser (Debian's Chromium, driven by playwright-core) against a real
// collector over HTTPS: log in, navigate, filter, open a device, create an enrolment token, download
// and verify an export; keyboard navigation and labelled controls; a hostile hostname stays text.
// Screenshots go to test-output/screenshots/.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyArchive } from '../../collector/verify/verify.js';
import { webhookReceiver } from '../helpers/receivers.js';
import { daysAgo, deliver, enrolTestDevice, fullChecks, startTestCollector, tempDir, type TestDevice } from '../helpers/collector.js';

const XSS = '<img src=x onerror=alert(1)>';
const SHOTS = resolve('test-output', 'screenshots');
type Collector = Awaited<ReturnType<typeof startTestCollector>>;
let c: Collector;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let tmp: Awaited<ReturnType<typeof tempDir>>;
const dialogs: string[] = [];
const cspErrors: string[] = [];
let hostile: TestDevice;
const ward: TestDevice[] = [];

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  tmp = await tempDir('vigil-browser-');
  c = await startTestCollector();
  await c.services.users.create({ username: 'admin', role: 'admin', password: 'browser test password', actor: 'test' });
  for (let i = 0; i < 6; i++) {
    const d = await enrolTestDevice(c, i % 3 ? 'workstation' : 'gateway');
    ward.push(d);
    await deliver(c, d, [
      { collectedAt: daysAgo(6), checks: await fullChecks({}, daysAgo(6)), device: { hostname: `icu-ws-${i}` } },
      { collectedAt: daysAgo(2), checks: await fullChecks(i < 2 ? { firewall: 'fail', patch_level: 'unknown' } : {}, daysAgo(2)), device: { hostname: `icu-ws-${i}` } },
    ]);
  }
  hostile = await enrolTestDevice(c);
  await deliver(c, hostile, [{ collectedAt: daysAgo(1), checks: await fullChecks({ usb_storage: 'fail' }, daysAgo(1)), device: { hostname: XSS } }]);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  // The collector's own CA signs its certificate; the browser is not given it, so certificate errors are
  // ignored here (the agent pins the CA; TLS itself is real).
  context = await browser.newContext({ ignoreHTTPSErrors: true, acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.on('dialog', (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void (d.type() === 'confirm' ? d.accept() : d.dismiss());
  });
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content.Security.Policy|Refused to/i.test(m.text())) cspErrors.push(m.text());
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await c?.cleanup();
  await tmp?.cleanup();
});

describe('dashboard in Chromium', () => {
  it('logs in and shows the fleet overview with the trend chart', async () => {
    await page.goto(`${c.url}/`);
    await expect.poll(() => page.url()).toContain('/login?next=%2F');
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill('browser test password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Fleet overview' }).waitFor();
    expect(await page.locator('.cards').innerText()).toMatch(/7\s*active devices/);
    expect(await page.getByRole('img', { name: /Compliance trend/ }).count()).toBe(1);
    const cookies = await context.cookies();
    expect(cookies.find((k) => k.name === 'vigil_session')).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict' });
    await shot('overview');
  });

  it('navigates to devices and filters by check status', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Devices' }).click();
    await page.getByRole('heading', { name: 'Devices' }).waitFor();
    expect(await page.locator('tbody tr').count()).toBe(7);
    await page.getByLabel('Status').selectOption('fail');
    await page.getByLabel('Check').selectOption('firewall');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('2 devices match.').waitFor();
    expect(await page.locator('tbody th a').allInnerTexts()).toEqual(['icu-ws-0', 'icu-ws-1']);
    await shot('devices-filtered');
  });

  it('opens a device: results with reason and remediation, envelopes, history', async () => {
    await page.getByRole('link', { name: 'icu-ws-0' }).click();
    await page.getByRole('heading', { name: 'icu-ws-0' }).waitFor();
    const row = page.locator('table.results tr', { has: page.getByRole('rowheader', { name: 'Host firewall' }) });
    expect(await row.innerText()).toMatch(/fail[\s\S]*Remediation:/);
    expect(await page.getByRole('link', { name: 'envelope 2' }).count()).toBe(1);
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'envelope 2' }).click();
    const envelope = JSON.parse(await (await (await download).createReadStream()).toArray().then((b) => Buffer.concat(b).toString()));
    expect(envelope.payloadType).toBe('application/vnd.in-toto+json');
    await shot('device');
  });

  it('acknowledges an alert', async () => {
    const open = await c.services.alerts.list({ state: 'open', deviceId: ward[0]!.id });
    const alert = open.find((a) => a.kind === 'check_fail');
    expect(alert, JSON.stringify(open)).toBeDefined();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Alerts' }).click();
    await page.getByRole('heading', { name: 'Alerts' }).waitFor();
    await shot('alerts');
    await page.getByRole('button', { name: `Acknowledge alert ${alert!.id}` }).click();
    await expect.poll(() => page.url()).toContain('/alerts?state=acknowledged');
    expect(await page.locator('tbody').innerText()).toContain(alert!.title);
    expect((await c.services.alerts.get(alert!.id)).alert).toMatchObject({ state: 'acknowledged', acked_by: 'user:admin' });
    await page.goto(`${c.url}/devices/${ward[0]!.id}`);
    expect(await page.locator('section, main').first().innerText()).toMatch(/Alerts[\s\S]*acknowledged/);
  });

  it('shows a hostile hostname as text and runs nothing', async () => {
    await page.goto(`${c.url}/alerts?state=all`);
    await page.goto(`${c.url}/devices`);
    const link = page.getByRole('link', { name: XSS, exact: true });
    expect(await link.count()).toBe(1);
    await link.click();
    await page.getByRole('heading', { name: XSS, exact: true }).waitFor();
    expect(await page.locator('img').count()).toBe(0);
    await page.waitForTimeout(300);
    expect(dialogs).toEqual([]);
  });

  it('creates an enrolment token and shows the enrolment string once', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Enrolment' }).click();
    await page.getByLabel('Role given to devices').fill('gateway');
    await page.getByLabel('Site').fill('north wing');
    await page.getByRole('button', { name: 'Create token' }).click();
    const text = await page.getByLabel('Enrolment string').inputValue();
    expect(text).toMatch(/token=tok_[0-9a-f]{16}\./);
    expect(text).toContain(`ca=sha256%3A${c.caSha256}`);
    await page.getByRole('link', { name: 'Back to enrolment' }).click();
    expect(await page.locator('tbody').innerText()).toMatch(/gateway\s+north wing\s+0 \/ 1/);
  });

  it('downloads an export that verifies', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Exports' }).click();
    const download = page.waitForEvent('download', { timeout: 60_000 });
    await page.getByRole('button', { name: 'Download export' }).click();
    const file = join(tmp.path, (await download).suggestedFilename());
    await (await download).saveAs(file);
    expect(file).toMatch(/vigil-evidence-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.tar\.gz$/);
    const report = await verifyArchive(file);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    await page.getByLabel('Archive (.tar.gz)').setInputFiles(file);
    await page.getByRole('button', { name: 'Verify' }).click();
    await expect.poll(() => page.locator('#verify-result').innerText(), { timeout: 20_000 }).toMatch(/^Valid: \d+ files, \d+ envelopes, 0 problem/);
  }, 90_000);

  it('can be used with the keyboard: skip link, then the navigation', async () => {
    await page.goto(`${c.url}/`);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    await page.goto(`${c.url}/`);
    let reached = false;
    for (let i = 0; i < 6 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = (await page.evaluate(() => document.activeElement?.textContent)) === 'Devices';
    }
    expect(reached).toBe(true);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Devices' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/devices');
  });

  it('labels every form control on every page and keeps within the CSP', async () => {
    for (const path of ['/', '/devices', `/devices/${hostile.id}`, '/controls', '/alerts', '/enrolment', '/exports', '/audit', '/settings']) {
      await page.goto(`${c.url}${path}`);
      const unlabelled = await page.evaluate(() =>
        [...document.querySelectorAll('input:not([type=hidden]), select, textarea, button')]
          .filter((el) => {
            const labels = (el as HTMLInputElement).labels;
            const name = el.getAttribute('aria-label') ?? (el.tagName === 'BUTTON' ? el.textContent?.trim() : '');
            return !(labels && labels.length) && !name;
          })
          .map((el) => el.outerHTML),
      );
      expect(unlabelled, path).toEqual([]);
    }
    expect(cspErrors).toEqual([]);
  });

  it('sends a test notification to a channel from the settings page', async () => {
    const secret = 'dashboard-test-secret-0123';
    const hook = await webhookReceiver(secret);
    try {
      await writeFile(join(c.dataDir, 'alerts.yaml'), `channels:\n  oncall:\n    type: webhook\n    url: ${hook.url}\n    secret: ${secret}\n`);
      // The alerts file is re-read when the configuration is next asked for after its poll interval.
      await expect
        .poll(async () => {
          await page.goto(`${c.url}/settings`);
          return page.getByRole('button', { name: 'Send a test notification to oncall' }).count();
        }, { timeout: 15_000, intervals: [500] })
        .toBe(1);
      await page.getByRole('button', { name: 'Send a test notification to oncall' }).click();
      await page.getByText('Test notification sent to oncall.').waitFor();
      const got = await hook.waitFor((r) => r.length > 0);
      expect(got[0]!.signatureValid).toBe(true);
      expect(got[0]!.json).toMatchObject({ event: 'test' });
    } finally {
      await hook.close();
    }
  });

  it('the audit log shows who did what', async () => {
    await page.goto(`${c.url}/audit`);
    const text = await page.locator('tbody').innerText();
    expect(text).toMatch(/user:admin\s+token\.create/);
    expect(text).toMatch(/user:admin\s+login/);
    expect(text).toMatch(/user:admin\s+alert\.channel\.test\s+oncall/);
    expect(text).toMatch(/user:admin\s+alert\.ack/);
  });
});
