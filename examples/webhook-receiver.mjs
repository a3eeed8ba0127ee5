#!/usr/bin/env node
// A webhook receiver for boxoffice, with nothing but Node.js: it verifies each request's Standard Webhooks
// signature, refuses stale or replayed ones, and prints each event as one JSON line. Run it with
//   WEBHOOK_SECRET=whsec_... PORT=4000 node examples/webhook-receiver.mjs
// During a secret rotation give both secrets, separated by a space: a request is genuine when any
// signature verifies with any of them. The reference library (npm `standardwebhooks`) does the same check:
//   new Webhook(secret).verify(body, headers)
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';

const secrets = (process.env.WEBHOOK_SECRET ?? '').split(/\s+/).filter(Boolean);
if (secrets.length === 0 || !secrets.every((s) => s.startsWith('whsec_'))) {
  console.error('Set WEBHOOK_SECRET to the whsec_... secret that POST /v1/webhooks answered.');
  process.exit(2);
}
const keys = secrets.map((secret) => Buffer.from(secret.slice('whsec_'.length), 'base64'));
const TOLERANCE_SECONDS = 5 * 60;
const BODY_BYTES_MAX = 1024 * 1024;
/** Webhook ids already handled: a redelivery (same webhook-id) is acknowledged and not handled twice. */
const seen = new Set();

function verify(headers, body) {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (!id || !timestamp || !signatures) return 'missing webhook headers';
  const age = Math.abs(Date.now() / 1000 - Number(timestamp));
  if (!(age <= TOLERANCE_SECONDS)) return 'timestamp too old or too new';
  const signed = `${id}.${timestamp}.${body}`;
  for (const key of keys) {
    const expected = Buffer.from(createHmac('sha256', key).update(signed).digest('base64'));
    for (const signature of signatures.split(' ')) {
      const [version, value] = signature.split(',');
      const given = Buffer.from(value ?? '');
      if (version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected))
        return undefined;
    }
  }
  return 'no signature verifies';
}

const server = createServer((request, response) => {
  const chunks = [];
  let size = 0;
  request.on('data', (chunk) => {
    size += chunk.length;
    if (size > BODY_BYTES_MAX) request.destroy();
    else chunks.push(chunk);
  });
  request.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const problem = verify(request.headers, body);
    if (problem !== undefined) {
      console.error(`refused: ${problem}`);
      response.writeHead(401).end();
      return;
    }
    const id = request.headers['webhook-id'];
    if (!seen.has(id)) {
      seen.add(id);
      const event = JSON.parse(body);
      // Your handling goes here: deliver tickets on order.confirmed, refund on order.cancelled, ...
      console.log(JSON.stringify({ id, type: event.type, data: event.data }));
    }
    // Answer 2xx fast: boxoffice retries anything else, and treats 410 as "stop sending here".
    response.writeHead(204).end();
  });
});

server.listen(Number(process.env.PORT ?? 4000), process.env.HOST ?? '127.0.0.1', () => {
  const { address, port } = server.address();
  console.error(`listening on http://${address}:${port}/`);
});
