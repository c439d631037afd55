/**
 * Low-level HTTP for the fake Flux API: replies as values, and delivering a reply with a body
 * fault (slow body, reset, truncation, wrong type, oversized) applied.
 */
import type http from 'node:http';
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import type { TransportFault } from './faults';

/** A complete answer, before any body fault is applied. */
export interface Reply {
  readonly status: number;
  readonly contentType: string;
  readonly body: Buffer;
  readonly headers?: Readonly<Record<string, string>>;
}

export function jsonReply(status: number, value: unknown, headers?: Record<string, string>): Reply {
  return { status, contentType: 'application/json; charset=utf-8', body: Buffer.from(JSON.stringify(value)), ...(headers ? { headers } : {}) };
}

export function textReply(status: number, contentType: string, text: string, headers?: Record<string, string>): Reply {
  return { status, contentType, body: Buffer.from(text), ...(headers ? { headers } : {}) };
}

/** Resolves after ms, or rejects when the server is closing. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return ms > 0 ? delay(ms, undefined, { signal }) : Promise.resolve();
}

/** The request body, up to `limit` bytes (a longer one rejects). */
export async function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new Error(`request body over ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export const HTML_ERROR_PAGE =
  '<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n<body><center><h1>502 Bad Gateway</h1></center>\n<hr><center>cloudflare</center></body></html>\n';

const FILLER = Buffer.alloc(64 * 1024, 0x5a);
const SPACE = Buffer.from(' ');

/** Write the status line and headers; `flush` sends them at once, ahead of any body. */
function writeHead(res: http.ServerResponse, reply: Reply, contentLength: number | null, flush = true): void {
  const headers: Record<string, string | number> = { ...reply.headers, 'content-type': reply.contentType };
  if (contentLength !== null) headers['content-length'] = contentLength;
  res.writeHead(reply.status, headers);
  if (flush) res.flushHeaders();
}

function write(res: http.ServerResponse, chunk: Buffer): Promise<void> {
  return new Promise((resolve) => {
    if (res.destroyed) return resolve();
    res.write(chunk, () => resolve());
  });
}

/** Wait until the response can take more, or is gone. */
async function drained(res: http.ServerResponse, signal: AbortSignal): Promise<void> {
  if (res.destroyed) return;
  const ac = new AbortController();
  const stop = () => ac.abort();
  signal.addEventListener('abort', stop, { once: true });
  try {
    await Promise.race([once(res, 'drain', { signal: ac.signal }), once(res, 'close', { signal: ac.signal })]);
  } catch {
    // aborted: the server is closing
  } finally {
    ac.abort();
    signal.removeEventListener('abort', stop);
  }
}

/** Send a reply, applying a body fault when given one. */
export async function deliver(res: http.ServerResponse, reply: Reply, fault: TransportFault | undefined, signal: AbortSignal): Promise<void> {
  const body = reply.body;
  switch (fault?.kind) {
    case 'wrong-type': {
      const variant = fault.variant ?? 'html-as-image';
      const changed: Reply =
        variant === 'html-as-image'
          ? { ...reply, body: Buffer.from(HTML_ERROR_PAGE), contentType: fault.contentType ?? reply.contentType }
          : { ...reply, contentType: fault.contentType ?? 'text/html; charset=utf-8' };
      writeHead(res, changed, changed.body.length, false);
      res.end(changed.body);
      return;
    }
    case 'slow-body': {
      const chunks = Math.max(1, fault.chunks ?? 10);
      const gap = (fault.ms ?? 2000) / chunks;
      writeHead(res, reply, body.length);
      const size = Math.ceil(body.length / chunks);
      for (let i = 0; i < chunks && !res.destroyed; i++) {
        await sleep(gap, signal);
        await write(res, body.subarray(i * size, (i + 1) * size));
      }
      res.end();
      return;
    }
    case 'trickle': {
      // No length: the body never has to end. Its own bytes first, then spaces (harmless after JSON).
      writeHead(res, reply, null);
      const every = fault.everyMs ?? 1000;
      for (let i = 0; !res.destroyed && !signal.aborted; i++) {
        await sleep(every, signal);
        await write(res, i < body.length ? body.subarray(i, i + 1) : SPACE);
      }
      return;
    }
    case 'reset': {
      writeHead(res, reply, body.length);
      await write(res, body.subarray(0, Math.min(body.length - 1, fault.afterBytes ?? Math.floor(body.length / 2))));
      await sleep(20, signal);
      res.socket?.resetAndDestroy();
      return;
    }
    case 'truncate': {
      writeHead(res, reply, body.length);
      await write(res, body.subarray(0, Math.min(body.length - 1, fault.sendBytes ?? Math.floor(body.length / 2))));
      res.socket?.end();
      return;
    }
    case 'oversized': {
      const declared = fault.declareBytes === undefined ? 2 * 1024 ** 3 : fault.declareBytes;
      const limit = fault.streamBytes ?? 256 * 1024 ** 2;
      writeHead(res, reply, declared);
      let sent = 0;
      const first = body.subarray(0, Math.min(body.length, limit));
      if (!res.write(first)) await drained(res, signal);
      sent += first.length;
      while (sent < limit && !res.destroyed && !signal.aborted) {
        const chunk = FILLER.subarray(0, Math.min(FILLER.length, limit - sent));
        sent += chunk.length;
        if (!res.write(chunk)) await drained(res, signal);
      }
      // A declared length that was not reached cannot end cleanly: drop the connection.
      if (declared === null) res.end();
      else res.socket?.destroy();
      return;
    }
    default:
      writeHead(res, reply, body.length, false);
      res.end(body);
  }
}
