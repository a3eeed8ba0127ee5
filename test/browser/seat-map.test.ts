// The live seat map in a real browser (Debian's Chromium through playwright-core): the page opens an
// event from `?event=`, draws its seats from the snapshot and recolours them as holds and orders are taken
// over HTTP. A screenshot of the result goes to test-artifacts/seat-map.png.
import { existsSync, mkdirSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, eventBody, startEmbedded, type TestEmbedded, uniqueEventId } from '../support/embedded.js';
import { httpClient, listen } from '../support/http.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS_DIR = 'test-artifacts';

function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI === 'true') throw new Error(`${CHROMIUM} is missing (required under CI=true).`);
  process.stderr.write(`\n!!! SKIPPING the browser test: no Chromium at ${CHROMIUM}\n\n`);
  return false;
}

describe.skipIf(!chromiumAvailable())('live seat map in Chromium', () => {
  let bo: TestEmbedded;
  let baseUrl: string;
  let browser: Browser;

  beforeAll(async () => {
    bo = await startEmbedded();
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

  it('shows holds and sales as they happen', async () => {
    const eventId = uniqueEventId('map');
    const http = httpClient(baseUrl, 4);
    const created = await http.send(
      'POST',
      '/v1/events',
      eventBody(eventId, {
        pools: [{ id: 'ga', capacity: 200, price: 4500 }],
        sections: [
          { id: 'A', price: 9900, rows: [1, 2, 3, 4].map((n) => ({ id: String(n), seats: 20 })) },
          { id: 'B', price: 7500, rows: [1, 2].map((n) => ({ id: String(n), seats: 16 })) },
        ],
      }),
      admin,
    );
    expect(created.status).toBe(201);

    const page = await browser.newPage({ viewport: { width: 1000, height: 760 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${baseUrl}/?event=${eventId}`);
    await page.waitForFunction(() => document.body.dataset.connection === 'live');
    expect(await page.locator('[data-seat]').count()).toBe(4 * 20 + 2 * 16);
    expect(await page.locator('#event-select').inputValue()).toBe(eventId);
    expect(await page.getAttribute('[data-seat="A-1-7"]', 'data-status')).toBe('available');

    const held = await http.send('POST', `/v1/events/${eventId}/holds`, {
      userId: 'u-1',
      seats: ['A-1-7', 'A-1-8'],
    });
    expect(held.status).toBe(201);
    const sold = await http.send('POST', `/v1/events/${eventId}/orders`, { userId: 'u-2', seats: ['B-2-1'] });
    expect(sold.status).toBe(201);
    for (let i = 0; i < 6; i++)
      expect(
        (
          await http.send('POST', `/v1/events/${eventId}/holds`, {
            userId: `p-${i}`,
            quantity: 4,
            poolId: 'ga',
          })
        ).status,
      ).toBe(201);
    const best = await http.send('POST', `/v1/events/${eventId}/holds`, {
      userId: 'u-3',
      quantity: 4,
      sectionId: 'A',
    });
    expect(best.status).toBe(201);

    await page.waitForFunction(
      () =>
        document.querySelector('[data-seat="A-1-7"]')?.getAttribute('data-status') === 'held' &&
        document.querySelector('[data-seat="A-1-8"]')?.getAttribute('data-status') === 'held' &&
        document.querySelector('[data-seat="B-2-1"]')?.getAttribute('data-status') === 'sold',
    );
    await page.waitForFunction(
      () => document.getElementById('count-held')?.textContent === String(2 + 24 + 4),
    );
    expect(await page.textContent('#count-sold')).toBe('1');
    expect(await page.getAttribute('[data-pool="ga"] .bar', 'aria-label')).toContain('24 held');
    expect(await page.locator('[data-status="held"][data-seat]').count()).toBe(2 + 4);

    // Releasing gives the seats back on the page too.
    const released = await http.send('DELETE', `/v1/holds/${held.body.id}`);
    expect(released.status).toBe(200);
    await page.waitForFunction(
      () => document.querySelector('[data-seat="A-1-7"]')?.getAttribute('data-status') === 'available',
    );

    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS_DIR}/seat-map.png`, fullPage: true });
    expect(pageErrors).toEqual([]);
    await page.close();
    await http.close();
  });
});
