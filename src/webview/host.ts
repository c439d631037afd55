/**
 * What both webviews (the generator panel, the gallery view) do with their page: every message
 * from the page is parsed with its zod schema (the page is untrusted) and a malformed one is
 * refused and logged, named by its `type`; nothing is posted before the page has said `ready` (and
 * the owner has answered it); a hidden page is gone until it says `ready` again.
 */
import type * as vscode from 'vscode';

interface Schema<T> {
  safeParse(raw: unknown): { success: true; data: T } | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
}

export class PageChannel<ToHost extends { type: string }, ToPage> {
  private isReady = false;
  private closed = false;
  private waiters: Array<(ok: boolean) => void> = [];

  /**
   * @param label  how the log names this page ("Generator panel", "Gallery")
   * @param handle acts on one parsed message; what it throws goes to `failed` (default: the log)
   */
  constructor(
    private readonly webview: () => vscode.Webview | undefined,
    private readonly schema: Schema<ToHost>,
    private readonly log: vscode.LogOutputChannel,
    private readonly label: string,
    private readonly handle: (message: ToHost) => void | Promise<void>,
    private readonly failed?: (message: ToHost, error: unknown) => void,
    /** How a refused message is named in the log: `(form)`, or `from the page (type "form")` (the gallery's lines). */
    private readonly naming: 'type' | 'fromPage' = 'type',
    /** Takes every key this window knows out of a text: applied to every string posted to the page. */
    private readonly clean: (text: string) => string = (text) => text,
  ) {}

  get ready(): boolean {
    return this.isReady;
  }

  /** The page said `ready` and has been answered: posting may start; `whenReady` resolves. */
  markReady(): void {
    this.isReady = true;
    for (const w of this.waiters.splice(0)) w(true);
  }

  /** The page is gone (hidden without a retained context, or reloading). */
  markGone(): void {
    this.isReady = false;
  }

  post(message: ToPage): void {
    const webview = this.webview();
    if (this.isReady && !this.closed && webview) void webview.postMessage(cleanStrings(message, this.clean));
  }

  /** Parse and act on one message from the page. */
  async receive(raw: unknown): Promise<void> {
    const parsed = this.schema.safeParse(raw);
    if (!parsed.success) {
      const issues = parsed.error.issues
        .map((i) => `${i.path.map(String).join('.') || 'message'}: ${i.message}`)
        .join('; ')
        .slice(0, 300);
      this.log.warn(
        this.naming === 'type'
          ? `${this.label}: refused a malformed message (${typeName(raw)}): ${issues}`
          : `${this.label}: refused a malformed message from the page (type ${JSON.stringify(stringType(raw))}): ${issues}`,
      );
      return;
    }
    try {
      await this.handle(parsed.data);
    } catch (e) {
      this.log.error(`${this.label}: ${parsed.data.type} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      this.failed?.(parsed.data, e);
    }
  }

  /** Resolves true once the page is ready (false if it closes or never answers within `timeoutMs`). */
  whenReady(timeoutMs = 30_000): Promise<boolean> {
    if (this.isReady) return Promise.resolve(true);
    if (this.closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.log.warn(`${this.label}: the page did not answer within ${timeoutMs / 1000} s.`);
        done(false);
      }, timeoutMs);
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve(ok);
      };
      this.waiters.push(done);
    });
  }

  close(): void {
    this.closed = true;
    this.isReady = false;
    for (const w of this.waiters.splice(0)) w(false);
  }
}

/** A message's `type` for the log, at most 40 characters; a forged `type` may not even turn into text. */
export function typeName(raw: unknown): string {
  try {
    return raw && typeof raw === 'object' && 'type' in raw ? String(raw.type).slice(0, 40) : typeof raw;
  } catch {
    return 'object';
  }
}

/** A message's `type` when it is a string (at most 40 characters), else what the message is. */
function stringType(raw: unknown): string {
  return raw && typeof raw === 'object' && typeof (raw as { type?: unknown }).type === 'string' ? (raw as { type: string }).type.slice(0, 40) : typeof raw;
}

/** `value` with `clean` applied to every string in it (a copy; arrays and plain objects only). */
function cleanStrings<T>(value: T, clean: (text: string) => string): T {
  if (typeof value === 'string') return clean(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => cleanStrings(v, clean)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cleanStrings(v as unknown, clean)])) as T;
  return value;
}
