/**
 * A page's only contact with VS Code, shared by both pages (each is its own bundle, so each acquires
 * the API once, here; nothing else in a page calls `acquireVsCodeApi()`):
 * - its words in VS Code's display language. The extension puts its translations (English message →
 *   translation; none in English) into `#app`'s `data-l10n` attribute (src/webview/html.ts); this
 *   module reads them and gives them to the translator hook every `t()` uses, the page's own and the
 *   shared form and engine code's. Imported first by each page, so it runs before anything is built;
 * - typed messages out, messages in, and the UI state saved across reloads (`connect()`, which each
 *   page calls once with its own protocol's types).
 */
import { bundleTranslator, setTranslator } from '../core/l10n';

export { t, tCatalog } from '../core/l10n';

// ---- The translations ----------------------------------------------------------------------------

function readBundle(): Record<string, string> {
  try {
    const raw = document.getElementById('app')?.dataset.l10n;
    const parsed: unknown = raw ? JSON.parse(raw) : {};
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    return Object.fromEntries(Object.entries(parsed as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return {};
  }
}

setTranslator(bundleTranslator(readBundle()));

/** The display language (the page's `lang`), for numbers and dates. */
export const LANGUAGE = document.documentElement.lang || 'en';

// ---- The extension --------------------------------------------------------------------------------

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

/** A page's side of its protocol: `Out` the messages it sends, `In` those it receives, `State` what it saves. */
export interface Host<Out, In, State> {
  post(message: Out): void;
  /** Messages from the extension (only from it: the webview's own window posts nothing else). */
  onMessage(handler: (message: In) => void): void;
  /** The state saved before a reload, unchecked: the page checks the shape of what it reads. */
  savedState(): Partial<State> | undefined;
  saveState(state: State): void;
}

export function connect<Out extends { type: string }, In extends { type: string }, State>(): Host<Out, In, State> {
  return {
    post: (message) => api.postMessage(message),
    onMessage: (handler) =>
      window.addEventListener('message', (e: MessageEvent) => {
        const m = e.data as { type?: unknown } | null;
        if (m && typeof m === 'object' && typeof m.type === 'string') handler(m as In);
      }),
    savedState: () => api.getState() as Partial<State> | undefined,
    saveState: (state) => api.setState(state),
  };
}
