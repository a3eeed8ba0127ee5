// The page at `/` without ?event= opens an event by itself: the only one, or the soonest that has not started
// (an event that started already, or starts later, is not the one a visitor wants). The favicon is served,
// so the browser logs no 404. The browser part runs in Debian's Chromium.
import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, eventBody, startEmbedded, type TestEmbedded, uniqueEventId } from '../support/embedded.js';
import { httpClient, listen } from '../support/http.js';

const CHROMIUM = '/usr/bin/chromium';
const DAY_MS = 24 * 60 * 60 * 1000;

function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI === 'true') throw new Error(`${CHROMIUM} is missing (required under CI=true).`);
  process.stderr.write(`\n!!! SKIPPING the start-page browser test: no Chromium at ${CHROMIUM}\n\n`);
  return false;
}

describe('start page', () => {
  let bo: TestEmbedded;
  let baseUrl: string;
  let browser: Browser | undefined;

  beforeAll(async () => {
    bo = await startEmbedded();
    baseUrl = await listen(bo.app);
  });
  afterAll(async () => {
    await browser?.close();
    await bo?.dispose();
  });

  async function create(id: string, startsAt: number): Promise<void> {
    const body = { ...eventBody(id, { pools: [{ id: 'ga', capacity: 10, price: 100 }] }) };
    body.startsAt = new Date(startsAt).toISOString();
    const created = await httpClient(baseUrl, 1).send('POST', '/v1/events', body, admin);
    expect(created.status).toBe(201);
  }

  async function open(): Promise<{ page: Page; notFound: string[] }> {
    browser ??= await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
      ],
    });
    const page = await browser.newPage();
    const notFound: string[] = [];
    page.on('response', (response) => {
      if (response.status() === 404) notFound.push(response.url());
    });
    await page.goto(`${baseUrl}/`);
    return { page, notFound };
  }

  it('serves the favicon at /favicon.ico and /favicon.svg', async () => {
    for (const url of ['/favicon.ico', '/favicon.svg']) {
      const response = await bo.app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type']).toBe('image/svg+xml');
      expect(response.body).toContain('<svg');
    }
  });

  it.runIf(chromiumAvailable())(
    'opens the only event without a click, and asks for nothing that is missing',
    async () => {
      const only = uniqueEventId('only');
      await create(only, Date.now() + 30 * DAY_MS);
      const { page, notFound } = await open();
      await page.waitForFunction(() => document.body.dataset.connection === 'live');
      expect(await page.locator('#event-select').inputValue()).toBe(only);
      expect(await page.textContent('#event-name')).toBe(`Event ${only}`);
      expect(new URL(page.url()).searchParams.get('event')).toBe(only);
      expect(notFound).toEqual([]);
      await page.close();
    },
  );

  it.runIf(chromiumAvailable())(
    'opens the soonest event that has not started when there are several',
    async () => {
      const soon = uniqueEventId('soon');
      await create(uniqueEventId('started'), Date.now() - DAY_MS);
      await create(soon, Date.now() + DAY_MS);
      await create(uniqueEventId('later'), Date.now() + 365 * DAY_MS);
      const { page } = await open();
      await page.waitForFunction(() => document.body.dataset.connection === 'live');
      expect(await page.locator('#event-select').inputValue()).toBe(soon);
      await page.close();
    },
  );
});
