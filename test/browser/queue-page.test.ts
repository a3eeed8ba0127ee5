// The waiting room page in a real browser (Debian's Chromium through playwright-core): it joins from
// `?event=&userId=` (open mode), shows the position pushed over the live queue channel, and once the buyer
// is admitted sends it on to the seat map with the pass in the URL fragment. A screenshot of the waiting
// page goes to test-artifacts/queue.png.
import { existsSync, mkdirSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  admin,
  eventBody,
  manualClock,
  startEmbedded,
  type TestEmbedded,
  uniqueEventId,
} from '../support/embedded.js';
import { httpClient, listen } from '../support/http.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS_DIR = 'test-artifacts';

function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI === 'true') throw new Error(`${CHROMIUM} is missing (required under CI=true).`);
  process.stderr.write(`\n!!! SKIPPING the browser test: no Chromium at ${CHROMIUM}\n\n`);
  return false;
}

describe.skipIf(!chromiumAvailable())('waiting room page in Chromium', () => {
  let bo: TestEmbedded;
  let baseUrl: string;
  let browser: Browser;
  const clock = manualClock(Date.parse('2030-01-01T10:00:00Z'));

  beforeAll(async () => {
    bo = await startEmbedded({ clock: clock.now, queue: { manualSteps: true, abandonAfterSeconds: 3_600 } });
    baseUrl = await listen(bo.app);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await bo?.dispose();
  });

  it('shows the place live and sends the admitted buyer to the seat map', async () => {
    const eventId = uniqueEventId('page');
    const http = httpClient(baseUrl, 4);
    const at = new Date(clock.now()).toISOString();
    const created = await http.send(
      'POST',
      '/v1/events',
      {
        ...eventBody(eventId, { pools: [{ id: 'ga', capacity: 10, price: 100 }] }),
        queue: { opensAt: at, salesStartAt: at, admitPerMinute: 60, passMinutes: 5, maxActive: 1 },
      },
      admin,
    );
    expect(created.status).toBe(201);
    // Someone is ahead: the page's buyer waits second in line.
    expect((await http.send('POST', `/v1/events/${eventId}/queue`, { userId: 'ahead' })).status).toBe(201);

    const page = await browser.newPage({ viewport: { width: 900, height: 600 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${baseUrl}/queue.html?event=${eventId}&userId=page-buyer`);
    await page.waitForFunction(() => document.getElementById('queue-position')?.textContent === '2');
    expect(await page.evaluate(() => document.body.dataset.queueState)).toBe('waiting');
    expect(await page.textContent('#queue-ahead')).toBe('1');
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS_DIR}/queue.png`, fullPage: true });

    // The one ahead is admitted and its pass lapses; then the page's buyer is admitted, pushed, and sent on.
    clock.advance(1_000);
    await bo.queue.step();
    await page.waitForFunction(() => document.getElementById('queue-position')?.textContent === '1');
    clock.advance(6 * 60_000);
    await bo.queue.step();
    await page.waitForURL((url) => url.pathname === '/' && url.hash.startsWith('#pass='));
    expect(new URL(page.url()).searchParams.get('event')).toBe(eventId);
    expect(pageErrors).toEqual([]);
    await page.close();
    await http.close();
  }, 60_000);
});
