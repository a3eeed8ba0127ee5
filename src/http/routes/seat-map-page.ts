// The live seat map at `/`: its static files from public/, read once at start and served from memory.
// public/ sits at the package root, three levels above this file both in src/http/routes and in
// dist/http/routes.
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';

const PUBLIC_DIR = new URL('../../../public/', import.meta.url);

const PAGE_FILES = [
  { url: '/', file: 'index.html', type: 'text/html; charset=utf-8' },
  { url: '/app.js', file: 'app.js', type: 'text/javascript; charset=utf-8' },
  { url: '/style.css', file: 'style.css', type: 'text/css; charset=utf-8' },
  { url: '/favicon.svg', file: 'favicon.svg', type: 'image/svg+xml' },
  // Browsers ask for /favicon.ico whatever the page links; the same picture answers, so there is no 404.
  { url: '/favicon.ico', file: 'favicon.svg', type: 'image/svg+xml' },
] as const;

/** The page loads nothing but its own files and talks only to this origin (HTTP and WebSocket). */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The waiting room page (docs/queue.md), served where the app has a waiting room. */
const QUEUE_PAGE_FILES = [
  { url: '/queue.html', file: 'queue.html', type: 'text/html; charset=utf-8' },
  { url: '/queue.js', file: 'queue.js', type: 'text/javascript; charset=utf-8' },
] as const;

export function registerSeatMapPage(app: FastifyInstance): void {
  servePages(app, PAGE_FILES);
}

export function registerQueuePage(app: FastifyInstance): void {
  servePages(app, QUEUE_PAGE_FILES);
}

function servePages(
  app: FastifyInstance,
  files: readonly { readonly url: string; readonly file: string; readonly type: string }[],
): void {
  for (const { url, file, type } of files) {
    const body = readFileSync(new URL(file, PUBLIC_DIR));
    app.get(url, { schema: { hide: true } }, async (_request, reply) =>
      reply
        .type(type)
        .header('cache-control', 'no-cache')
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', CONTENT_SECURITY_POLICY)
        .send(body),
    );
  }
}
