/**
 * The fake Flux API: a real HTTP server on loopback that speaks the AIML API's and apiframe's
 * contracts (see ../shared/design/flux-api.md beside the repository) and injects every fault on demand. Request
 * bodies are validated from the model catalog; images are real and deterministic.
 *
 * Endpoints
 *   POST /v1/images/generations        AIML (Authorization: Bearer <any non-empty key>)
 *   POST /v2/images/generate           apiframe submit (X-API-Key, optional Idempotency-Key)
 *   GET  /v2/jobs/:id                  apiframe poll
 *   GET  /files/:name                  the generated images (the "CDN")
 *   /__control/...                     driving the fake from another process (below)
 *
 * Faults (type FaultSpec in ./faults.ts) come from three places, most specific first:
 *   1. markers in the prompt: [[fault:NAME(:ARG)*(:key=value)*]], e.g.
 *        [[fault:429]]  [[fault:429:retry-after=3]]  [[fault:500:maintenance]]  [[fault:429:status-string]]  [[fault:401:echo-key]]
 *        [[fault:slow-headers:3000]]  [[fault:slow-body:2000:chunks=1]]  [[fault:trickle:1000]]  [[fault:reset]]  [[fault:truncate]]
 *        [[fault:html-as-image]]  [[fault:image-as-html]]  [[fault:oversized]]  [[fault:oversized:stream]]
 *        [[fault:redirect:3]]  [[fault:redirect:to=http]]  [[fault:redirect:to=file]]  [[fault:redirect:to=data]]
 *        [[fault:shape-b]]  [[fault:b64]]  [[fault:201]]  [[fault:tokens-used]]  [[fault:nsfw]]  [[fault:empty]]
 *        [[fault:invalid-json]]  [[fault:error-200]]  [[fault:html-200]]
 *        [[fault:progress:0,20,40,60,80]]  [[fault:failed:Content moderated]]  [[fault:cancelled]]
 *        [[fault:expired]]  [[fault:result:images]]  [[fault:result:array]]  [[fault:duration:300]]  [[fault:job-id:..]]
 *      options on any marker: phase=submit|poll|download|any, provider=aimlapi|apiframe, times=N|always.
 *      A marker hits `times` (default 1) requests per prompt text (submit phase), per job (poll)
 *      or per file (download), so the client's retry then succeeds. An unknown marker is a 400.
 *   2. the queue: queueFaults(...) / POST /__control/faults; each hits `times` (default 1) requests;
 *      the first queued fault matching the request's phase and provider is used.
 *   3. the standing fault: setFault(...) / POST /__control/fault; `times` default unlimited.
 *   Default phases: status, slow-headers, bad-answer, aiml-response and job hit the submit;
 *   slow-body, trickle, reset, truncate, wrong-type, oversized and redirect hit the image download.
 *   One transport fault per request; shaping faults (aiml-response, job) merge.
 *
 * Control API (JSON; never faulted, delayed or recorded)
 *   POST /__control/fault         FaultSpec | marker string ("429:retry-after=2") | null
 *   POST /__control/faults        [FaultSpec | marker string, ...] appended to the queue
 *   GET  /__control/faults        the standing fault and the queue
 *   POST /__control/reset         forget faults, requests, jobs, files, idempotency keys; duration back to 1500 ms
 *   GET  /__control/requests      RecordedRequest[] (?since=SEQ for the newer ones)
 *   GET  /__control/jobs          JobInfo[]
 *   POST /__control/job-duration  { "ms": 300 }
 */
import http from 'node:http';
import type { Socket } from 'node:net';
import type { ProviderId } from '../../src/core/catalog';
import { aimlError, aimlFaultReply, aimlGenerate, AIML_PATH, newRequestId } from './aiml';
import { apiframeError, apiframeFaultReply, apiframePoll, apiframeSubmit, APIFRAME_JOB_PATH, APIFRAME_SUBMIT_PATH } from './apiframe';
import {
  FaultBook,
  markersIn,
  parseFaultInput,
  type BadAnswerFault,
  type FaultContext,
  type FaultPhase,
  type FaultSpec,
  type RedirectFault,
  type StatusFault,
} from './faults';
import { deliver, HTML_ERROR_PAGE, jsonReply, readBody, sleep, textReply, type Reply } from './http';
import { contentTypeOf, renderImage, TINY_PNG_BASE64 } from './images';
import type { ReceivedReference } from './validate';
import { DEFAULT_JOB_DURATION_MS, jobInfo, now, Store, type JobInfo, type StoredFile } from './store';

export type { FaultSpec, FaultPhase } from './faults';
export type { JobInfo } from './store';
export { MARKER_HELP, parseMarker } from './faults';

export interface FakeApiOptions {
  /** Default 0: any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Added before every API answer (not the control API). */
  latencyMs?: number;
}

export interface RecordedRequest {
  /** 1, 2, 3... in arrival order (`GET /__control/requests?since=SEQ`). */
  readonly seq: number;
  readonly method: string;
  /** Path and query. */
  readonly path: string;
  /** Lowercased names. */
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed JSON, the raw text when not JSON, or null when empty. */
  body: unknown;
  /** Arrival, epoch ms (sub-ms precision). */
  readonly time: number;
  /** Which fault phase the request is, `redirect` for a redirect hop, `other` for the rest. */
  phase: FaultPhase | 'redirect' | 'other';
  provider: ProviderId | null;
  /** The status sent, once sent. */
  status: number | null;
  /** The transport fault applied, if any. */
  fault: string | null;
  /** Bytes of the reply (headers included) handed to the socket, once the reply is done or dropped. */
  bytesSent: number | null;
  /** True once the client closed the connection before the reply was complete. */
  closedEarly: boolean;
  /** An edit request's reference images as the fake decoded them (type, size, sha256), once its body passed. */
  references?: readonly ReceivedReference[];
}

export interface FakeApi {
  /** `http://127.0.0.1:PORT` */
  readonly baseUrl: string;
  close(): Promise<void>;
  /** The standing fault (default times: unlimited); null clears it. */
  setFault(fault: FaultSpec | null): void;
  /** Faults used one request each (default times: 1), first matching first. */
  queueFaults(...faults: FaultSpec[]): void;
  /** Every request so far (live array, not control calls). */
  readonly requests: RecordedRequest[];
  /** A snapshot of every apiframe job. */
  readonly jobs: JobInfo[];
  /** Forget faults, requests, jobs, files and idempotency keys; job duration back to the default. */
  reset(): void;
  /** How long an apiframe job takes (default 1500 ms); a function gets the prompt. */
  setJobDuration(duration: number | ((prompt: string) => number)): void;
}

const MAX_RECORDED = 10_000;
/** Room for an edit request: three 10 MB reference images inline, in base64. */
const MAX_BODY = 48 * 1024 * 1024;
const EXTERNAL_HTTP = 'http://cdn.fake-flux.example';

interface Exchange {
  readonly req: http.IncomingMessage;
  readonly res: http.ServerResponse;
  readonly rec: RecordedRequest;
  /** Path (and query) the client asked for, after any redirect-hop prefix. */
  readonly target: string;
  readonly body: unknown;
  readonly badJson: boolean;
  /** A redirect chain ended here: serve without faults. */
  readonly faultsOff: boolean;
}

/** Where a redirect chain's last hop points, carried in the hop URLs as one opaque segment. */
interface HopPlan {
  to: NonNullable<RedirectFault['to']>;
  url?: string;
  status: number;
}

const encodePlan = (p: HopPlan): string => Buffer.from(JSON.stringify(p)).toString('base64url');
function decodePlan(token: string): HopPlan | undefined {
  try {
    const p = JSON.parse(Buffer.from(token, 'base64url').toString()) as HopPlan;
    return typeof p.status === 'number' && typeof p.to === 'string' ? p : undefined;
  } catch {
    return undefined;
  }
}

function headerValue(req: http.IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

function cdnError(status: number, retryAfter?: number | string): Reply {
  const code = status === 404 ? 'NoSuchKey' : (http.STATUS_CODES[status] ?? 'Error').replace(/\s+/g, '');
  const message = status === 404 ? 'The specified key does not exist.' : (http.STATUS_CODES[status] ?? 'Error');
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>\n`;
  return textReply(status, 'application/xml', xml, retryAfter !== undefined ? { 'retry-after': String(retryAfter) } : undefined);
}

function badAnswerReply(fault: BadAnswerFault, jsonError: Reply): Reply {
  const status = fault.status ?? 200;
  switch (fault.variant ?? 'invalid-json') {
    case 'invalid-json':
      return { status, contentType: 'application/json; charset=utf-8', body: Buffer.from('{"data":[{"url":"https://cdn.') };
    case 'json-error':
      return { ...jsonError, status };
    case 'html':
      return textReply(status, 'text/html; charset=utf-8', HTML_ERROR_PAGE);
  }
}

export async function startFakeApi(opts: FakeApiOptions = {}): Promise<FakeApi> {
  const host = opts.host ?? '127.0.0.1';
  const latencyMs = opts.latencyMs ?? 0;
  const faults = new FaultBook();
  const store = new Store();
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const closing = new AbortController();
  let seq = 0;
  let jobDuration: (prompt: string) => number = () => DEFAULT_JOB_DURATION_MS;
  let baseUrl = '';

  const fileUrl = (file: StoredFile) => `${baseUrl}/files/${file.name}`;

  // ---- sending ----

  async function send(ex: Exchange, reply: Reply, fault?: FaultSpec): Promise<void> {
    ex.rec.status = reply.status;
    if (fault) ex.rec.fault = fault.kind;
    const bodyFault =
      fault &&
      (fault.kind === 'slow-body' ||
        fault.kind === 'trickle' ||
        fault.kind === 'reset' ||
        fault.kind === 'truncate' ||
        fault.kind === 'wrong-type' ||
        fault.kind === 'oversized')
        ? fault
        : undefined;
    const socket = ex.res.socket;
    const before = socket?.bytesWritten ?? 0;
    await deliver(ex.res, reply, bodyFault, closing.signal);
    ex.rec.bytesSent = socket ? socket.bytesWritten - before : 0;
  }

  function hopUrl(remaining: number, plan: HopPlan, rest: string): string {
    // `url` overrides the last target whatever `to` says (as documented on RedirectFault).
    if (remaining > 0 || (plan.to === 'self' && !plan.url)) return `${baseUrl}/__r/${remaining}/${encodePlan(plan)}${rest}`;
    if (plan.url) return plan.url;
    switch (plan.to) {
      case 'http':
        return `${EXTERNAL_HTTP}${rest}`;
      case 'file':
        return 'file:///etc/passwd';
      case 'data':
        return `data:image/png;base64,${TINY_PNG_BASE64}`;
      case 'self':
        return `${baseUrl}/__r/0/${encodePlan(plan)}${rest}`;
    }
  }

  function redirectReply(location: string, status: number): Reply {
    return textReply(status, 'text/plain; charset=utf-8', `Redirecting to ${location}`, { location });
  }

  /**
   * Answer one API request: pick its transport fault, then either answer with the fault (status,
   * redirect, broken 200) or produce the normal reply and deliver it with the fault applied.
   */
  async function withFaults(
    ex: Exchange,
    ctx: FaultContext,
    onStatus: (f: StatusFault) => Reply,
    jsonError: () => Reply,
    produce: () => Promise<Reply> | Reply,
  ): Promise<void> {
    const fault = ex.faultsOff ? undefined : faults.takeTransport(ctx);
    if (fault?.kind === 'slow-headers') await sleep(fault.ms ?? 2000, closing.signal);
    if (fault?.kind === 'status') return send(ex, onStatus(fault), fault);
    if (fault?.kind === 'bad-answer') return send(ex, badAnswerReply(fault, jsonError()), fault);
    if (fault?.kind === 'redirect') {
      const method = ex.req.method ?? 'GET';
      const plan: HopPlan = {
        to: fault.to ?? 'self',
        status: fault.status ?? (method === 'GET' || method === 'HEAD' ? 302 : 307),
        ...(fault.url ? { url: fault.url } : {}),
      };
      return send(ex, redirectReply(hopUrl((fault.count ?? 1) - 1, plan, ex.target), plan.status), fault);
    }
    return send(ex, await produce(), fault);
  }

  // ---- routes ----

  /** A submission's body, its prompt's fault markers and its fault context, or what is wrong with the markers. */
  function submitted(
    ex: Exchange,
    provider: 'aimlapi' | 'apiframe',
  ): { body: Record<string, unknown> | null; markers: FaultSpec[]; ctx: FaultContext } | { problem: string } {
    const body = ex.body as Record<string, unknown> | null;
    const prompt = typeof body?.prompt === 'string' ? body.prompt : '';
    let markers: FaultSpec[];
    try {
      markers = markersIn(prompt);
    } catch (e) {
      return { problem: (e as Error).message };
    }
    return { body, markers, ctx: { phase: 'submit', provider, markers, scope: `prompt:${provider}:${prompt}` } };
  }

  async function aiml(ex: Exchange): Promise<void> {
    const requestId = newRequestId();
    const path = AIML_PATH;
    ex.rec.phase = 'submit';
    ex.rec.provider = 'aimlapi';
    const auth = /^Bearer\s+(\S+)/i.exec(headerValue(ex.req, 'authorization') ?? '');
    if (!auth) return send(ex, aimlError(401, undefined, { path, requestId }));
    const submit = submitted(ex, 'aimlapi');
    if ('problem' in submit) return send(ex, aimlError(400, `Body validation error!\nprompt: ${submit.problem}`, { path, requestId }));
    const { body, markers, ctx } = submit;
    await withFaults(
      ex,
      ctx,
      (f) => aimlFaultReply(f, path, requestId, body?.model, headerValue(ex.req, 'authorization')),
      () => aimlError(500, undefined, { path, requestId }),
      () =>
        aimlGenerate({
          store,
          fileUrl,
          path,
          requestId,
          body: ex.body,
          badJson: ex.badJson,
          markers,
          shaping: () => faults.takeShaping('aiml-response', ctx),
          onChecked: (refs) => {
            ex.rec.references = refs;
          },
        }),
    );
  }

  function apiframeKey(ex: Exchange): boolean {
    return (headerValue(ex.req, 'x-api-key') ?? '').trim() !== '';
  }

  async function apiframeSubmitRoute(ex: Exchange): Promise<void> {
    ex.rec.phase = 'submit';
    ex.rec.provider = 'apiframe';
    if (!apiframeKey(ex)) return send(ex, apiframeError(401, 'Missing or invalid API key'));
    const submit = submitted(ex, 'apiframe');
    if ('problem' in submit) return send(ex, apiframeError(400, 'Validation failed', { details: { prompt: [submit.problem] } }));
    const { markers, ctx } = submit;
    const key = headerValue(ex.req, 'idempotency-key');
    await withFaults(
      ex,
      ctx,
      (f) => apiframeFaultReply(f, headerValue(ex.req, 'x-api-key')),
      () => apiframeError(500),
      () =>
        apiframeSubmit({
          store,
          body: ex.body,
          badJson: ex.badJson,
          idempotencyKey: key === undefined || key === '' ? null : key,
          markers,
          jobDuration,
          shaping: () => faults.takeShaping('job', ctx),
        }),
    );
  }

  async function apiframePollRoute(ex: Exchange, id: string): Promise<void> {
    ex.rec.phase = 'poll';
    ex.rec.provider = 'apiframe';
    if (!apiframeKey(ex)) return send(ex, apiframeError(401, 'Missing or invalid API key'));
    const job = store.job(id);
    if (!job) return send(ex, apiframeError(404, 'Job not found'));
    job.polls++;
    const ctx: FaultContext = { phase: 'poll', provider: 'apiframe', markers: job.markers, scope: `job:${id}` };
    await withFaults(
      ex,
      ctx,
      (f) => apiframeFaultReply(f, headerValue(ex.req, 'x-api-key')),
      () => apiframeError(500),
      () => apiframePoll(job, now(), fileUrl),
    );
  }

  async function download(ex: Exchange, name: string): Promise<void> {
    ex.rec.phase = 'download';
    const file = store.file(name);
    if (!file) return send(ex, cdnError(404));
    ex.rec.provider = file.provider;
    file.downloads.push(ex.rec.time);
    const job = file.jobId === null ? undefined : store.job(file.jobId);
    if (job?.expired) return send(ex, cdnError(404));
    const ctx: FaultContext = { phase: 'download', provider: file.provider, markers: file.markers, scope: `file:${name}` };
    await withFaults(
      ex,
      ctx,
      (f) => cdnError(f.status, f.retryAfter),
      () => cdnError(500),
      async () => ({
        status: 200,
        contentType: contentTypeOf(file.image.format),
        body: await renderImage(file.image),
        headers: { 'cache-control': 'public, max-age=86400' },
      }),
    );
  }

  // ---- control API ----

  async function control(req: http.IncomingMessage, res: http.ServerResponse, path: string, query: URLSearchParams): Promise<void> {
    const reply = (status: number, value: unknown) => deliver(res, jsonReply(status, value), undefined, closing.signal);
    const method = req.method ?? 'GET';
    let input: unknown = null;
    if (method === 'POST') {
      const raw = (await readBody(req, MAX_BODY)).toString('utf8').trim();
      try {
        input = raw === '' ? null : JSON.parse(raw);
      } catch {
        return reply(400, { error: 'The body is not JSON.' });
      }
    }
    try {
      switch (`${method} ${path}`) {
        case 'POST /__control/fault':
          api.setFault(parseFaultInput(input));
          return reply(200, { ok: true, faults: faults.snapshot() });
        case 'POST /__control/faults': {
          const list = Array.isArray(input) ? input : [input];
          const specs = list.map(parseFaultInput).filter((f): f is FaultSpec => f !== null);
          api.queueFaults(...specs);
          return reply(200, { ok: true, faults: faults.snapshot() });
        }
        case 'GET /__control/faults':
          return reply(200, faults.snapshot());
        case 'POST /__control/reset':
          api.reset();
          return reply(200, { ok: true });
        case 'GET /__control/requests': {
          const since = Number(query.get('since') ?? 0);
          return reply(
            200,
            requests.filter((r) => r.seq > since),
          );
        }
        case 'GET /__control/jobs':
          return reply(200, api.jobs);
        case 'POST /__control/job-duration': {
          const ms = (input as { ms?: unknown } | null)?.ms;
          if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) return reply(400, { error: 'Send { "ms": <non-negative number> }.' });
          api.setJobDuration(ms);
          return reply(200, { ok: true, ms });
        }
        default:
          return reply(404, { error: `No control endpoint ${method} ${path}.` });
      }
    } catch (e) {
      return reply(400, { error: (e as Error).message });
    }
  }

  // ---- dispatch ----

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const time = now();
    const url = new URL(req.url ?? '/', 'http://fake');
    if (url.pathname.startsWith('/__control/')) return control(req, res, url.pathname, url.searchParams);

    const method = req.method ?? 'GET';
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    const rec: RecordedRequest = {
      seq: ++seq,
      method,
      path: url.pathname + url.search,
      headers,
      body: null,
      time,
      phase: 'other',
      provider: null,
      status: null,
      fault: null,
      bytesSent: null,
      closedEarly: false,
    };
    requests.push(rec);
    res.once('close', () => {
      if (!res.writableFinished) rec.closedEarly = true;
    });
    if (requests.length > MAX_RECORDED) requests.splice(0, requests.length - MAX_RECORDED);

    const raw = method === 'POST' || method === 'PUT' || method === 'PATCH' ? await readBody(req, MAX_BODY) : Buffer.alloc(0);
    let body: unknown = null;
    let badJson = false;
    if (raw.length) {
      const text = raw.toString('utf8');
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
        badJson = true;
      }
    }
    rec.body = body;

    let path = url.pathname;
    let faultsOff = false;
    const hop = /^\/__r\/(\d+)\/([A-Za-z0-9_-]+)(\/.*)$/.exec(path);
    if (hop) {
      const remaining = Number(hop[1]);
      const plan = decodePlan(hop[2] ?? '');
      const rest = (hop[3] ?? '/') + url.search;
      const ex: Exchange = { req, res, rec, target: rest, body, badJson, faultsOff: true };
      if (!plan) return send(ex, textReply(400, 'text/plain', 'bad redirect token'));
      if (remaining > 0) {
        rec.phase = 'redirect';
        await sleep(latencyMs, closing.signal);
        return send(ex, redirectReply(hopUrl(remaining - 1, plan, rest), plan.status));
      }
      path = hop[3] ?? '/';
      faultsOff = true;
    }
    const ex: Exchange = { req, res, rec, target: path + url.search, body, badJson, faultsOff };
    await sleep(latencyMs, closing.signal);

    if (path === AIML_PATH && method === 'POST') return aiml(ex);
    if (path === APIFRAME_SUBMIT_PATH && method === 'POST') return apiframeSubmitRoute(ex);
    const jobMatch = APIFRAME_JOB_PATH.exec(path);
    if (jobMatch && method === 'GET') return apiframePollRoute(ex, decodeURIComponent(jobMatch[1] ?? ''));
    const fileMatch = /^\/files\/([^/]+)$/.exec(path);
    if (fileMatch && (method === 'GET' || method === 'HEAD')) return download(ex, decodeURIComponent(fileMatch[1] ?? ''));
    if (path.startsWith('/v1/')) return send(ex, aimlError(404, `Cannot ${method} ${path}`, { path, requestId: newRequestId() }));
    if (path.startsWith('/v2/')) return send(ex, apiframeError(404, 'Not found'));
    return send(ex, textReply(404, 'text/plain; charset=utf-8', 'Not found'));
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (closing.signal.aborted || res.destroyed) {
        res.destroy();
        return;
      }
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`fake API error: ${(err as Error)?.message ?? String(err)}`);
      } else {
        res.destroy();
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (opts.port ?? 0);
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  baseUrl = `http://${shownHost}:${port}`;

  let closed: Promise<void> | undefined;
  const api: FakeApi = {
    baseUrl,
    requests,
    get jobs() {
      const at = now();
      return store.jobs().map((j) => jobInfo(j, at));
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        closing.abort();
        server.close(() => resolve());
        server.closeAllConnections();
        for (const s of sockets) s.destroy();
      });
      return closed;
    },
    setFault(fault) {
      faults.set(fault);
    },
    queueFaults(...list) {
      faults.enqueue(list);
    },
    reset() {
      faults.reset();
      store.clear();
      requests.length = 0;
      jobDuration = () => DEFAULT_JOB_DURATION_MS;
    },
    setJobDuration(duration) {
      jobDuration = typeof duration === 'number' ? () => duration : duration;
    },
  };
  return api;
}
