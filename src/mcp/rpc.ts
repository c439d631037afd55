/**
 * JSON-RPC 2.0 over stdio as MCP's stdio transport carries it: one message per line, UTF-8. Every
 * line is bounded before it is parsed (a line longer than MAX_LINE_BYTES is dropped whole and
 * answered with a parse error), and every message is checked with zod before it is looked at.
 */
import * as z from 'zod/mini';
import { t } from '../core/l10n';

/** The longest line read; a generate call's arguments are a few kilobytes at most. */
export const MAX_LINE_BYTES = 1024 * 1024;

const Id = z.union([z.string().check(z.maxLength(200)), z.number()]);

export const MessageSchema = z.object({
  jsonrpc: z.literal('2.0'),
  id: z.optional(z.nullable(Id)),
  method: z.optional(z.string().check(z.maxLength(200))),
  params: z.optional(z.unknown()),
});
export type Message = z.infer<typeof MessageSchema>;
export type RpcId = z.infer<typeof Id>;

export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;
export const METHOD_NOT_FOUND = -32601;
export const INVALID_PARAMS = -32602;

export type Incoming = { ok: true; message: Message } | { ok: false; code: number; reason: string };

/** One line as a message, or why it is not one. */
export function parseLine(line: string): Incoming {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return { ok: false, code: PARSE_ERROR, reason: t('The line is not JSON.') };
  }
  const parsed = MessageSchema.safeParse(json);
  if (!parsed.success) return { ok: false, code: INVALID_REQUEST, reason: t('Not a JSON-RPC 2.0 message: expected {0}.', '{"jsonrpc": "2.0", "method": …}') };
  return { ok: true, message: parsed.data };
}

/**
 * Splits a byte stream into lines of at most MAX_LINE_BYTES; `onLine` gets each complete line,
 * `onOverlong` is told once for each line that was too long (its bytes are discarded as they come).
 */
export function lineReader(onLine: (line: string) => void, onOverlong: () => void, max = MAX_LINE_BYTES): (chunk: Buffer) => void {
  let parts: Buffer[] = [];
  let size = 0;
  let skipping = false;
  return (chunk) => {
    let start = 0;
    for (let nl = chunk.indexOf(0x0a, start); ; nl = chunk.indexOf(0x0a, start)) {
      const end = nl < 0 ? chunk.length : nl;
      if (!skipping) {
        size += end - start;
        if (size > max) {
          skipping = true;
          parts = [];
          onOverlong();
        } else parts.push(chunk.subarray(start, end));
      }
      if (nl < 0) return;
      if (!skipping) {
        const line = Buffer.concat(parts).toString('utf8').replace(/\r$/, '');
        if (line.trim()) onLine(line);
      }
      parts = [];
      size = 0;
      skipping = false;
      start = nl + 1;
    }
  };
}
