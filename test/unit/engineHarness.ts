/**
 * The engine against the fake Flux API for a unit test file: its options (the shared client, a
 * quick retry policy, the canary key), `run` and `failure`, the recorded submits, and a tiny
 * loopback stand-in for provider answers the fake never gives.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeApi, RecordedRequest } from '../fake-api/server';
import { generate, type EngineOptions, type GenerationResult } from '../../src/core/engine';
import { FluxError } from '../../src/core/errors';
import type { HttpClient, RetryPolicy } from '../../src/core/http';
import { testLogger } from './testLogger';
import { useFakeApi } from './fakeApiHooks';

export const FAST: RetryPolicy = { attempts: 4, baseDelayMs: 10, maxDelayMs: 50, maxRetryAfterS: 5 };
// The canary from test/host/canary.mjs when run by `npm run test:unit`: it must never be printed.
export const KEY = process.env.FLUX_TEST_KEY ?? 'test-key-123';

export interface Input {
  model: string;
  prompt: string;
  size?: string;
  seed?: number;
  numImages?: number;
  outputFormat?: string;
  params?: Record<string, string | number | boolean>;
}

export interface Engine {
  /** The fake API and the shared client (set once the file's `before` hook has run). */
  readonly fake: FakeApi;
  readonly client: HttpClient;
  /** Close this client too after the file's tests. */
  keep<C extends HttpClient>(client: C): C;
  opts(extra?: Partial<EngineOptions>): EngineOptions;
  run(input: Input, extra?: Partial<EngineOptions>): Promise<GenerationResult>;
  /** The FluxError `generate` rejects with (and proof that it did, without the key in its message). */
  failure(input: Input, extra?: Partial<EngineOptions>): Promise<FluxError>;
  /** Submit-phase requests (AIML generations or apiframe submits) for one prompt. */
  submitsOf(prompt: string): RecordedRequest[];
}

/** Register the fake API's hooks for this file (jobs take `jobDurationMs`) and return the engine over it. */
export function useEngine(jobDurationMs: number): Engine {
  let fake: FakeApi | undefined;
  let client: HttpClient | undefined;
  const api = useFakeApi(jobDurationMs, (f, c) => {
    fake = f;
    client = c;
  });
  const engine: Engine = {
    get fake() {
      return fake!;
    },
    get client() {
      return client!;
    },
    keep: (c) => api.keep(c),
    opts: (extra = {}) => ({ http: client!, logger: testLogger().logger, baseUrl: fake!.baseUrl, apiKey: KEY, retry: FAST, ...extra }),
    run: (input, extra = {}) => generate(input, engine.opts(extra)),
    async failure(input, extra = {}) {
      let result: GenerationResult | undefined;
      try {
        result = await engine.run(input, extra);
      } catch (e) {
        assert.ok(e instanceof FluxError, `expected a FluxError, got ${String(e)}`);
        assert.ok(!e.message.includes(KEY), 'the key never appears in a message');
        return e;
      }
      assert.fail(`expected a failure, got ${result.images.length} image(s)`);
    },
    submitsOf: (prompt) => fake!.requests.filter((r) => r.phase === 'submit' && (r.body as { prompt?: unknown } | null)?.prompt === prompt),
  };
  return engine;
}

export interface Stub {
  readonly baseUrl: string;
  /** `METHOD /path` of every request, in order. */
  readonly hits: string[];
  /** TCP connections accepted, whatever was said on them. */
  connections: number;
  close(): Promise<void>;
}

/** A tiny provider stand-in on loopback for answers the fake never gives. */
export async function startStub(handler: (req: http.IncomingMessage, res: http.ServerResponse, baseUrl: string) => void | Promise<void>): Promise<Stub> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    req.resume();
    req.on('end', () => void handler(req, res, stub.baseUrl));
  });
  server.on('connection', () => stub.connections++);
  server.on('clientError', (_e, socket) => socket.destroy());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const stub: Stub = {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    connections: 0,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
  return stub;
}

/** Answer `value` as JSON. */
export function json(res: http.ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(value));
}
