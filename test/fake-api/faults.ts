/**
 * Faults the fake Flux API injects on demand: their type, the prompt-marker syntax, and the book
 * that decides which fault hits which request.
 *
 * Two families:
 * - transport faults (`status`, `slow-headers`, `slow-body`, `reset`, `truncate`, `wrong-type`,
 *   `oversized`, `redirect`, `bad-answer`): at most ONE hits a request;
 * - shaping faults (`aiml-response`, `job`): they change what a successful answer looks like; all
 *   that apply to a request are merged (standing < queued < markers).
 *
 * Where a fault comes from, in order of precedence:
 * 1. markers in the prompt (`[[fault:429]]`): default `times` 1, counted per prompt text for
 *    the submit phase (so a retried submit of the same prompt succeeds), per job for `poll` and
 *    per file for `download`;
 * 2. the queue (`queueFaults`, `POST /__control/faults`): default `times` 1 each; the first queued
 *    fault that matches the request's phase and provider is used;
 * 3. the standing fault (`setFault`, `POST /__control/fault`): default `times` unlimited.
 * `times: 'always'` (or -1) means unlimited anywhere.
 */
import type { ProviderId } from '../../src/core/catalog';

export type FaultPhase = 'submit' | 'poll' | 'download';

export interface FaultTarget {
  /** The request it hits: a generation/job submit, a job poll, or an image download. Default per kind. */
  phase?: FaultPhase | 'any';
  /** Only requests to this provider (downloads belong to the provider that made the image). */
  provider?: ProviderId;
  /** How many matching requests it hits before behaving normally again. */
  times?: number | 'always';
}

/** An HTTP error in the provider's own error shape (CDN-style XML for downloads). */
export interface StatusFault {
  kind: 'status';
  status: number;
  message?: string;
  /** Adds `Retry-After` (seconds, or sent verbatim when a string such as an HTTP date). */
  retryAfter?: number | string;
  /** AIML: `statusCode: "429"` instead of 429. */
  statusCodeAsString?: boolean;
  /** AIML 500 "model is under maintenance". */
  maintenance?: boolean;
  /** apiframe 402 body fields (defaults 4 and 0). */
  creditsRequired?: number;
  creditsAvailable?: number;
  /**
   * The message echoes the key the request carried, as real providers do: AIML
   * `Invalid API key provided: Bearer <key>` (its Authorization header), apiframe
   * `Invalid API key provided: <key>` (its X-API-Key header).
   */
  echoKey?: boolean;
}
/** Wait before answering at all (default 2000 ms), then answer normally. */
export interface SlowHeadersFault {
  kind: 'slow-headers';
  ms?: number;
}
/** Headers at once, then the body in `chunks` pieces (default 10) spread over `ms` (default 2000); chunks 1 = a stall. */
export interface SlowBodyFault {
  kind: 'slow-body';
  ms?: number;
  chunks?: number;
}
/**
 * A body that never ends: headers at once (no Content-Length), then one byte every `everyMs`
 * (default 1000): the answer's own bytes, then spaces, until the client goes away. Never silent
 * long enough for a silence time-out; only an overall deadline ends it.
 */
export interface TrickleFault {
  kind: 'trickle';
  everyMs?: number;
}
/** Headers with the true Content-Length, `afterBytes` (default half) of the body, then a TCP reset. */
export interface ResetFault {
  kind: 'reset';
  afterBytes?: number;
}
/** Headers with the true Content-Length, `sendBytes` (default half) of the body, then a clean close. */
export interface TruncateFault {
  kind: 'truncate';
  sendBytes?: number;
}
/**
 * `html-as-image` (default): an HTML error page with the normal Content-Type (image/png for a PNG);
 * `image-as-html`: the normal body labelled text/html. `contentType` overrides the label.
 */
export interface WrongTypeFault {
  kind: 'wrong-type';
  variant?: 'html-as-image' | 'image-as-html';
  contentType?: string;
}
/**
 * A body too large to accept: declares `declareBytes` (default 2 GiB; null = chunked, no length),
 * then streams the real bytes followed by filler until `streamBytes` (default 256 MiB) or until the
 * client goes away. Memory stays bounded (one 64 KiB filler chunk).
 */
export interface OversizedFault {
  kind: 'oversized';
  declareBytes?: number | null;
  streamBytes?: number;
}
/**
 * `count` (default 1) redirects before the real answer. `to` picks where the last one points:
 * `self` (default, the real resource), `http` (plain http, non-loopback host), `file` (file:///etc/passwd),
 * `data` (a data: URL). `url` overrides the last target. Status 302 for GET, 307 for POST by default.
 */
export interface RedirectFault {
  kind: 'redirect';
  count?: number;
  to?: 'self' | 'http' | 'file' | 'data';
  url?: string;
  status?: 301 | 302 | 303 | 307 | 308;
}
/** A broken success: invalid JSON, a JSON error body, or an HTML page — with status 200 by default. */
export interface BadAnswerFault {
  kind: 'bad-answer';
  variant?: 'invalid-json' | 'json-error' | 'html';
  status?: number;
}
/**
 * How an AIML success looks. Shape A (default) `{data, meta}`; shape B is fal's `{images, seed, ...}`.
 * `b64` answers `data[].b64_json` with `url: null` (shape A). `nsfw` sets `has_nsfw_concepts: [true]`
 * with a black picture (implies shape B unless shape A is asked for). `empty`: no images at all.
 */
export interface AimlResponseFault {
  kind: 'aiml-response';
  shape?: 'A' | 'B';
  b64?: boolean;
  status?: number;
  usageField?: 'credits_used' | 'tokens_used';
  nsfw?: boolean;
  empty?: boolean;
}
/** How an apiframe job runs: duration, progress steps, final status, `expired`, the `result` form. */
export interface JobFault {
  kind: 'job';
  durationMs?: number;
  /** Progress values reported during PROCESSING, evenly spread over its time. */
  progress?: (number | null)[];
  outcome?: 'COMPLETED' | 'FAILED' | 'CANCELLED';
  /** The job's `error` when FAILED (default "Generation failed") or CANCELLED. */
  error?: string;
  expired?: boolean;
  result?: 'url' | 'images' | 'array';
  /** The job id the submit answers with instead of the real one (`..`, `a/b`, an overlong one…). */
  jobId?: string;
}

export type TransportFault =
  StatusFault | SlowHeadersFault | SlowBodyFault | TrickleFault | ResetFault | TruncateFault | WrongTypeFault | OversizedFault | RedirectFault | BadAnswerFault;
export type ShapingFault = AimlResponseFault | JobFault;
export type FaultKind = (TransportFault | ShapingFault)['kind'];
export type FaultSpec = FaultTarget & (TransportFault | ShapingFault);

const DEFAULT_PHASE: Readonly<Record<FaultKind, FaultPhase>> = {
  status: 'submit',
  'slow-headers': 'submit',
  'bad-answer': 'submit',
  'slow-body': 'download',
  trickle: 'download',
  reset: 'download',
  truncate: 'download',
  'wrong-type': 'download',
  oversized: 'download',
  redirect: 'download',
  'aiml-response': 'submit',
  job: 'submit',
};
const IMPLIED_PROVIDER: Partial<Record<FaultKind, ProviderId>> = { 'aiml-response': 'aimlapi', job: 'apiframe' };
const SHAPING_KINDS: ReadonlySet<FaultKind> = new Set<FaultKind>(['aiml-response', 'job']);

export function isShaping(spec: FaultSpec): spec is FaultTarget & ShapingFault {
  return SHAPING_KINDS.has(spec.kind);
}

export function phaseOf(spec: FaultSpec): FaultPhase | 'any' {
  if (isShaping(spec)) return 'submit';
  return spec.phase ?? DEFAULT_PHASE[spec.kind];
}

function providerOf(spec: FaultSpec): ProviderId | undefined {
  return IMPLIED_PROVIDER[spec.kind] ?? spec.provider;
}

// ---- Checking a FaultSpec that arrived as JSON ----------------------------------------------

type Check = (v: unknown) => boolean;
const isNum: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const isNonNeg: Check = (v) => isNum(v) && (v as number) >= 0;
const isBool: Check = (v) => typeof v === 'boolean';
const isStr: Check = (v) => typeof v === 'string';
const oneOf =
  (...xs: unknown[]): Check =>
  (v) =>
    xs.includes(v);

const FIELDS: Readonly<Record<FaultKind, Readonly<Record<string, Check>>>> = {
  status: {
    status: (v) => Number.isInteger(v) && (v as number) >= 100 && (v as number) <= 599,
    message: isStr,
    retryAfter: (v) => isNonNeg(v) || isStr(v),
    statusCodeAsString: isBool,
    maintenance: isBool,
    creditsRequired: isNum,
    creditsAvailable: isNum,
    echoKey: isBool,
  },
  'slow-headers': { ms: isNonNeg },
  'slow-body': { ms: isNonNeg, chunks: (v) => Number.isInteger(v) && (v as number) >= 1 },
  trickle: { everyMs: isNonNeg },
  reset: { afterBytes: isNonNeg },
  truncate: { sendBytes: isNonNeg },
  'wrong-type': { variant: oneOf('html-as-image', 'image-as-html'), contentType: isStr },
  oversized: { declareBytes: (v) => v === null || isNonNeg(v), streamBytes: isNonNeg },
  redirect: {
    count: (v) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 50,
    to: oneOf('self', 'http', 'file', 'data'),
    url: isStr,
    status: oneOf(301, 302, 303, 307, 308),
  },
  'bad-answer': { variant: oneOf('invalid-json', 'json-error', 'html'), status: (v) => Number.isInteger(v) },
  'aiml-response': {
    shape: oneOf('A', 'B'),
    b64: isBool,
    status: (v) => Number.isInteger(v) && (v as number) >= 200 && (v as number) <= 299,
    usageField: oneOf('credits_used', 'tokens_used'),
    nsfw: isBool,
    empty: isBool,
  },
  job: {
    durationMs: isNonNeg,
    progress: (v) => Array.isArray(v) && v.length > 0 && v.every((x) => x === null || isNum(x)),
    outcome: oneOf('COMPLETED', 'FAILED', 'CANCELLED'),
    error: isStr,
    expired: isBool,
    result: oneOf('url', 'images', 'array'),
    jobId: isStr,
  },
};
const REQUIRED: Partial<Record<FaultKind, string[]>> = { status: ['status'] };
const TARGET_FIELDS: Readonly<Record<string, Check>> = {
  kind: isStr,
  phase: oneOf('submit', 'poll', 'download', 'any'),
  provider: oneOf('aimlapi', 'apiframe'),
  times: (v) => v === 'always' || (Number.isInteger(v) && ((v as number) >= 1 || v === -1)),
};

/** A FaultSpec from untrusted JSON, a marker string (`"429:retry-after=2"`) or null. Throws with a readable message. */
export function parseFaultInput(input: unknown): FaultSpec | null {
  if (input === null) return null;
  if (typeof input === 'string') return parseMarker(input.replace(/^\[\[fault:/, '').replace(/\]\]$/, ''));
  if (typeof input !== 'object' || Array.isArray(input)) throw new Error('A fault is an object with a "kind", a marker string or null.');
  const rec = input as Record<string, unknown>;
  const kind = rec.kind;
  if (typeof kind !== 'string' || !(kind in FIELDS)) {
    throw new Error(`Unknown fault kind ${JSON.stringify(kind)}; kinds: ${Object.keys(FIELDS).join(', ')}.`);
  }
  const fields = FIELDS[kind as FaultKind];
  for (const [key, value] of Object.entries(rec)) {
    const check = TARGET_FIELDS[key] ?? fields[key];
    if (!check) throw new Error(`Fault "${kind}" has no field "${key}"; fields: ${Object.keys(fields).join(', ')}, phase, provider, times.`);
    if (value !== undefined && !check(value)) throw new Error(`Fault "${kind}": bad value for "${key}": ${JSON.stringify(value)}.`);
  }
  for (const key of REQUIRED[kind as FaultKind] ?? []) {
    if (rec[key] === undefined) throw new Error(`Fault "${kind}" needs "${key}".`);
  }
  return rec as unknown as FaultSpec;
}

// ---- Prompt markers --------------------------------------------------------------------------

/** Documentation of the marker syntax, printed by the CLI. */
export const MARKER_HELP = `Prompt markers: put [[fault:NAME(:ARG)*(:key=value)*]] anywhere in a prompt.
  HTTP errors   [[fault:401]] 402 403 404 409 429 500 502 503 504 ...   options: retry-after=S, status-string,
                [[fault:500:maintenance]], [[fault:429:retry-after=3]], [[fault:429:status-string]],
                [[fault:401:echo-key]] (the message repeats the key the request carried)
  AIML answers  [[fault:shape-b]] [[fault:b64]] [[fault:201]] [[fault:tokens-used]] [[fault:nsfw]] [[fault:empty]]
  broken 200    [[fault:invalid-json]] [[fault:error-200]] [[fault:html-200]]
  timing        [[fault:slow-headers:MS]] [[fault:slow-body:MS]] (option chunks=N; chunks=1 is a stall)
                [[fault:trickle(:MS)]] (a body that never ends: one byte every MS, default 1000)
  bodies        [[fault:reset(:BYTES)]] [[fault:truncate(:BYTES)]] [[fault:html-as-image]] [[fault:image-as-html]]
                [[fault:oversized]] (declares 2 GiB) [[fault:oversized:stream]] (no length, streams 256 MiB)
  redirects     [[fault:redirect:N]] [[fault:redirect:to=http|file|data]] (N 302s, last one to that target)
  apiframe jobs [[fault:progress:0,20,40,60,80]] [[fault:failed(:MESSAGE)]] [[fault:cancelled]] [[fault:expired]]
                [[fault:result:images|array|url]] [[fault:duration:MS]] [[fault:job-id:ID]] (the submit answers ID)
  any marker    phase=submit|poll|download|any  provider=aimlapi|apiframe  times=N|always
  Default phases: HTTP errors, slow-headers, broken 200s, AIML answers and jobs hit the submit;
  bodies, slow-body, trickle and redirects hit the image download. A marker hits once (times=1) per prompt
  text (submit), per job (poll) or per file (download); the retry then behaves normally.`;

const MARKER_RE = /\[\[fault:([^\]]*)\]\]/g;

/** The faults named by the markers in a prompt; throws on an unknown marker. */
export function markersIn(prompt: string): FaultSpec[] {
  return [...prompt.matchAll(MARKER_RE)].map((m) => parseMarker(m[1] ?? ''));
}

function num(text: string, what: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw new Error(`${what} must be a number, not "${text}".`);
  return n;
}

/** Parse the inside of one marker, e.g. `429:retry-after=3:phase=poll`. */
export function parseMarker(body: string): FaultSpec {
  const [rawName = '', ...tokens] = body.split(':').map((t) => t.trim());
  const name = rawName.toLowerCase();
  const args: string[] = [];
  const opts = new Map<string, string>();
  for (const t of tokens) {
    const m = /^([a-z][a-z-]*)=(.*)$/i.exec(t);
    if (m) opts.set((m[1] ?? '').toLowerCase(), m[2] ?? '');
    else if (t !== '') args.push(t);
  }
  const take = (key: string): string | undefined => {
    const v = opts.get(key);
    opts.delete(key);
    return v;
  };
  const arg0 = args[0];
  let spec: FaultSpec;
  if (/^\d{3}$/.test(name)) {
    const status = Number(name);
    if (status < 300) {
      spec = { kind: 'aiml-response', status };
    } else {
      const s: StatusFault = { kind: 'status', status };
      for (const a of args) {
        if (a === 'maintenance') s.maintenance = true;
        else if (a === 'status-string') s.statusCodeAsString = true;
        else if (a === 'echo-key') s.echoKey = true;
        else throw new Error(`Unknown argument "${a}" for [[fault:${name}]].`);
      }
      const ra = take('retry-after');
      if (ra !== undefined) s.retryAfter = /^\d+(\.\d+)?$/.test(ra) ? Number(ra) : ra;
      const msg = take('message');
      if (msg !== undefined) s.message = msg;
      spec = s;
    }
    args.length = 0;
  } else {
    switch (name) {
      case 'slow-headers':
        spec = { kind: 'slow-headers', ms: arg0 !== undefined ? num(arg0, 'slow-headers MS') : 2000 };
        break;
      case 'slow-body': {
        const chunks = take('chunks');
        spec = { kind: 'slow-body', ms: arg0 !== undefined ? num(arg0, 'slow-body MS') : 2000, ...(chunks ? { chunks: num(chunks, 'chunks') } : {}) };
        break;
      }
      case 'trickle':
        spec = arg0 !== undefined ? { kind: 'trickle', everyMs: num(arg0, 'trickle MS') } : { kind: 'trickle' };
        break;
      case 'reset':
        spec = arg0 !== undefined ? { kind: 'reset', afterBytes: num(arg0, 'reset BYTES') } : { kind: 'reset' };
        break;
      case 'truncate':
        spec = arg0 !== undefined ? { kind: 'truncate', sendBytes: num(arg0, 'truncate BYTES') } : { kind: 'truncate' };
        break;
      case 'html-as-image':
      case 'image-as-html':
        spec = { kind: 'wrong-type', variant: name };
        break;
      case 'oversized':
        if (arg0 !== undefined && arg0 !== 'stream') throw new Error(`Unknown argument "${arg0}" for [[fault:oversized]] (use :stream).`);
        spec = arg0 === 'stream' ? { kind: 'oversized', declareBytes: null } : { kind: 'oversized' };
        break;
      case 'redirect': {
        const to = take('to');
        if (to !== undefined && !['self', 'http', 'file', 'data'].includes(to)) throw new Error(`redirect to=${to}: use self, http, file or data.`);
        spec = { kind: 'redirect', count: arg0 !== undefined ? num(arg0, 'redirect N') : 1, ...(to ? { to: to as RedirectFault['to'] } : {}) };
        break;
      }
      case 'invalid-json':
        spec = { kind: 'bad-answer', variant: 'invalid-json' };
        break;
      case 'error-200':
        spec = { kind: 'bad-answer', variant: 'json-error' };
        break;
      case 'html-200':
        spec = { kind: 'bad-answer', variant: 'html' };
        break;
      case 'shape-a':
      case 'shape-b':
        spec = { kind: 'aiml-response', shape: name === 'shape-a' ? 'A' : 'B' };
        break;
      case 'b64':
        spec = { kind: 'aiml-response', b64: true };
        break;
      case 'tokens-used':
        spec = { kind: 'aiml-response', usageField: 'tokens_used' };
        break;
      case 'nsfw':
        spec = { kind: 'aiml-response', nsfw: true };
        break;
      case 'empty':
        spec = { kind: 'aiml-response', empty: true };
        break;
      case 'progress':
        if (arg0 === undefined) throw new Error('[[fault:progress:...]] needs a list such as 0,25,50,75.');
        spec = { kind: 'job', progress: arg0.split(',').map((x) => (x.trim() === 'null' ? null : num(x, 'progress step'))) };
        break;
      case 'failed':
        spec = { kind: 'job', outcome: 'FAILED', ...(args.length ? { error: args.join(':') } : {}) };
        break;
      case 'cancelled':
        spec = { kind: 'job', outcome: 'CANCELLED' };
        break;
      case 'expired':
        spec = { kind: 'job', expired: true };
        break;
      case 'result':
        if (arg0 !== 'url' && arg0 !== 'images' && arg0 !== 'array') throw new Error('[[fault:result:...]] takes url, images or array.');
        spec = { kind: 'job', result: arg0 };
        break;
      case 'job-id':
        if (arg0 === undefined) throw new Error('[[fault:job-id:ID]] needs the id to answer with.');
        spec = { kind: 'job', jobId: arg0 };
        break;
      case 'duration':
        if (arg0 === undefined) throw new Error('[[fault:duration:MS]] needs a number of milliseconds.');
        spec = { kind: 'job', durationMs: num(arg0, 'duration MS') };
        break;
      default:
        throw new Error(`Unknown fault marker [[fault:${body}]].`);
    }
    if (args.length > 1 && name !== 'failed') throw new Error(`Too many arguments in [[fault:${body}]].`);
  }
  const phase = take('phase');
  if (phase !== undefined) {
    if (!['submit', 'poll', 'download', 'any'].includes(phase)) throw new Error(`phase=${phase}: use submit, poll, download or any.`);
    spec.phase = phase as FaultPhase | 'any';
  }
  const provider = take('provider');
  if (provider !== undefined) {
    if (provider !== 'aimlapi' && provider !== 'apiframe') throw new Error(`provider=${provider}: use aimlapi or apiframe.`);
    spec.provider = provider;
  }
  const times = take('times');
  if (times !== undefined) spec.times = times === 'always' ? 'always' : num(times, 'times');
  const ms = take('ms');
  if (ms !== undefined && (spec.kind === 'slow-headers' || spec.kind === 'slow-body')) spec.ms = num(ms, 'ms');
  else if (ms !== undefined) opts.set('ms', ms);
  if (opts.size) throw new Error(`Unknown option(s) ${[...opts.keys()].join(', ')} in [[fault:${body}]].`);
  return spec;
}

// ---- Which fault hits which request ---------------------------------------------------------

export interface FaultContext {
  readonly phase: FaultPhase;
  readonly provider: ProviderId;
  /** Faults named by markers in the prompt behind this request. */
  readonly markers: readonly FaultSpec[];
  /** What marker uses are counted against: `prompt:<text>`, `job:<id>` or `file:<name>`. */
  readonly scope: string;
}

interface Armed {
  readonly spec: FaultSpec;
  left: number;
}

const timesOf = (spec: FaultSpec, fallback: number): number =>
  spec.times === undefined ? fallback : spec.times === 'always' || spec.times < 0 ? Infinity : spec.times;

function matches(spec: FaultSpec, ctx: FaultContext): boolean {
  const phase = phaseOf(spec);
  const provider = providerOf(spec);
  return (phase === 'any' || phase === ctx.phase) && (provider === undefined || provider === ctx.provider);
}

export class FaultBook {
  private standing: Armed | null = null;
  private queue: Armed[] = [];
  private readonly markerUses = new Map<string, number>();

  set(spec: FaultSpec | null): void {
    this.standing = spec ? { spec, left: timesOf(spec, Infinity) } : null;
  }

  enqueue(specs: readonly FaultSpec[]): void {
    for (const spec of specs) this.queue.push({ spec, left: timesOf(spec, 1) });
  }

  reset(): void {
    this.standing = null;
    this.queue = [];
    this.markerUses.clear();
  }

  /** The standing fault and the queue, for the control API. */
  snapshot(): { standing: { spec: FaultSpec; left: number | 'always' } | null; queue: { spec: FaultSpec; left: number | 'always' }[] } {
    const show = (a: Armed) => ({ spec: a.spec, left: a.left === Infinity ? ('always' as const) : a.left });
    return { standing: this.standing && show(this.standing), queue: this.queue.map(show) };
  }

  /** The transport fault for this request (consumed), if any. */
  takeTransport(ctx: FaultContext): (FaultTarget & TransportFault) | undefined {
    const pick = (s: FaultSpec) => !isShaping(s) && matches(s, ctx);
    const hit = this.fromMarkers(ctx, pick, 1)[0] ?? this.fromQueue(pick) ?? this.fromStanding(pick);
    return hit as (FaultTarget & TransportFault) | undefined;
  }

  /** Every shaping fault of one kind for this request (consumed), merged: standing < queued < markers. */
  takeShaping<K extends ShapingFault['kind']>(kind: K, ctx: FaultContext): Extract<ShapingFault, { kind: K }> | undefined {
    const pick = (s: FaultSpec) => s.kind === kind && matches(s, ctx);
    const found = [this.fromStanding(pick), this.fromQueue(pick), ...this.fromMarkers(ctx, pick, Infinity)].filter((s) => s !== undefined);
    if (!found.length) return undefined;
    return Object.assign({}, ...found) as Extract<ShapingFault, { kind: K }>;
  }

  private fromMarkers(ctx: FaultContext, pick: (s: FaultSpec) => boolean, limit: number): FaultSpec[] {
    const out: FaultSpec[] = [];
    ctx.markers.forEach((spec, i) => {
      if (out.length >= limit || !pick(spec)) return;
      const key = `${ctx.scope}#${i}`;
      const used = this.markerUses.get(key) ?? 0;
      if (used >= timesOf(spec, 1)) return;
      this.markerUses.set(key, used + 1);
      out.push(spec);
    });
    return out;
  }

  private fromQueue(pick: (s: FaultSpec) => boolean): FaultSpec | undefined {
    const i = this.queue.findIndex((a) => pick(a.spec));
    const armed = this.queue[i];
    if (!armed) return undefined;
    if (--armed.left <= 0) this.queue.splice(i, 1);
    return armed.spec;
  }

  private fromStanding(pick: (s: FaultSpec) => boolean): FaultSpec | undefined {
    const armed = this.standing;
    if (!armed || !pick(armed.spec)) return undefined;
    if (--armed.left <= 0) this.standing = null;
    return armed.spec;
  }
}
