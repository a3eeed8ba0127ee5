// Helpers for tests that talk to a listening server over real HTTP.
import type { FastifyInstance } from 'fastify';
import { Agent, request } from 'undici';

export interface HttpResult {
  readonly status: number;
  readonly body: any;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

export function httpClient(baseUrl: string, connections = 128) {
  const agent = new Agent({ connections, pipelining: 1 });
  return {
    async send(
      method: string,
      path: string,
      body?: unknown,
      headers: Record<string, string> = {},
    ): Promise<HttpResult> {
      const response = await request(baseUrl + path, {
        method: method as 'GET',
        dispatcher: agent,
        headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.body.text();
      return {
        status: response.statusCode,
        body: text === '' ? undefined : JSON.parse(text),
        headers: response.headers,
      };
    },
    close: () => agent.close(),
  };
}

export async function listen(app: FastifyInstance): Promise<string> {
  return app.listen({ port: 0, host: '127.0.0.1' });
}
