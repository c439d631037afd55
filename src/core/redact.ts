/**
 * What a provider (or any server on the way) says is untrusted text: it may echo the API key
 * ("Invalid API key provided: Bearer …"), run to megabytes, or carry newlines that would forge a
 * line of the log. Everything such a text passes through on its way to a message or a log line is
 * here: `redact` takes keys out, `oneLine` makes it one bounded line, `providerText` does both, and
 * `redactingLogger` applies them to every line a logger is given.
 */
import type { Logger } from './log';

/** What a removed secret is replaced with. */
export const REDACTED = '[redacted]';

/** Longest provider text put into a message (characters, the ellipsis included). */
export const PROVIDER_TEXT_MAX = 300;
/** Longest line the engine writes to the log. */
export const LOG_LINE_MAX = 2000;

/** A key shorter than this is not searched for as such (it would blank out ordinary words). */
const MIN_KEY_LENGTH = 4;

/** `Bearer <token>`: the token as RFC 6750 spells it (b64token), at least 8 characters long. */
const BEARER = /\b(Bearer)(\s+|%20|\+)[A-Za-z0-9\-._~+/]{8,}=*/gi;
/** apiframe's keys: `afk_` and the rest of the word. */
const AFK = /\bafk_[A-Za-z0-9_-]+/g;

/** The spellings of `key` that a server could send back: as it is, URL-encoded, JSON-escaped. */
function spellings(key: string): string[] {
  const out = new Set([key]);
  try {
    out.add(encodeURIComponent(key));
  } catch {
    // a lone surrogate: the key as it is is still searched
  }
  out.add(JSON.stringify(key).slice(1, -1));
  return [...out].filter((s) => s.length >= MIN_KEY_LENGTH);
}

/** `text` without the exact `key` (in any of its spellings), Bearer tokens or `afk_` keys. */
export function redact(text: string, key?: string): string {
  let out = text;
  if (key && key.length >= MIN_KEY_LENGTH) for (const s of spellings(key)) out = out.split(s).join(REDACTED);
  return out.replace(BEARER, `$1 ${REDACTED}`).replace(AFK, `afk_${REDACTED}`);
}

/**
 * One line of at most `max` characters: every run of white space, control or format characters
 * (newlines, tabs, escapes, bidirectional overrides, zero-width marks) becomes one space, and a
 * longer text is cut with an ellipsis (never in the middle of a surrogate pair).
 */
export function oneLine(text: string, max = PROVIDER_TEXT_MAX): string {
  // Look at a bounded prefix only: a 5 MB text is cut before the expressions run over it.
  const head = text.length > max * 4 + 64 ? text.slice(0, max * 4 + 64) : text;
  const line = head.replace(/[\s\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+/gu, ' ').trim();
  if (line.length <= max && head.length === text.length) return line;
  const cut = Math.max(0, max - 1);
  return `${line
    .slice(0, cut)
    .replace(/[\ud800-\udbff]$/, '')
    .trimEnd()}…`;
}

/** A provider's text as it may appear in a message or a log line: keys out, one line, bounded. */
export function providerText(text: string, key?: string, max = PROVIDER_TEXT_MAX): string {
  // The key is taken out of the whole text first, so that cutting cannot leave half of it behind.
  return oneLine(redact(text, key), max);
}

/** A function that cleans provider text with `key` in mind (for code that must not hold the key). */
export type TextCleaner = (text: string, max?: number) => string;

export function cleanerFor(key?: string): TextCleaner {
  return (text, max) => providerText(text, key, max);
}

/**
 * A logger that writes every line with the key (and Bearer / `afk_` tokens) taken out, on one line
 * of at most LOG_LINE_MAX characters: no line it is given can carry the key or forge another line.
 */
export function redactingLogger(logger: Logger, key?: string): Logger {
  const clean = (message: string) => providerText(String(message), key, LOG_LINE_MAX);
  return {
    trace: (m) => logger.trace(clean(m)),
    debug: (m) => logger.debug(clean(m)),
    info: (m) => logger.info(clean(m)),
    warn: (m) => logger.warn(clean(m)),
    error: (m) => logger.error(clean(m)),
  };
}
