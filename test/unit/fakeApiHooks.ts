/**
 * The fake Flux API on loopback for one unit test file: started before its tests with one shared
 * HttpClient, reset before each test, closed after them, and no proxy from the environment in
 * between (a proxy there would route every request of the file; the proxy tests set their own).
 */
import { after, before, beforeEach } from 'node:test';
import { startFakeApi, type FakeApi } from '../fake-api/server';
import { HttpClient } from '../../src/core/http';

export const PROXY_VARS = ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'no_proxy', 'NO_PROXY'] as const;

/**
 * Keep the environment's proxy out of this file's requests (a proxy there would carry them
 * elsewhere): cleared before its tests, put back after them. Call it at the top level of the file.
 */
export function withoutProxyEnv(): void {
  const saved = new Map<string, string | undefined>();
  before(() => {
    for (const v of PROXY_VARS) {
      saved.set(v, process.env[v]);
      delete process.env[v];
    }
  });
  after(() => {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
}

/**
 * Register the hooks. `started` receives the fake and the shared client once they are up (the
 * file keeps them in its own variables); the returned `keep` closes another client after the tests.
 */
export function useFakeApi(jobDurationMs: number, started: (fake: FakeApi, client: HttpClient) => void): { keep<C extends HttpClient>(client: C): C } {
  withoutProxyEnv();
  const clients: HttpClient[] = [];
  let fake: FakeApi | undefined;
  before(async () => {
    fake = await startFakeApi();
    const client = new HttpClient();
    clients.push(client);
    started(fake, client);
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await fake?.close();
  });
  beforeEach(() => {
    fake!.reset();
    fake!.setJobDuration(jobDurationMs);
  });
  return {
    keep(client) {
      clients.push(client);
      return client;
    },
  };
}
