/**
 * The page's only contact with VS Code: typed messages out, messages in, and the saved UI state.
 * Nothing else in the page calls `acquireVsCodeApi()`.
 */
import type { ToHost, ToUi, UiState } from '../../webview/generator/protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

export function post(message: ToHost): void {
  api.postMessage(message);
}

/** Messages from the extension (only from it: the webview's own window posts nothing else). */
export function onMessage(handler: (message: ToUi) => void): void {
  window.addEventListener('message', (e: MessageEvent) => {
    const m = e.data as { type?: unknown } | null;
    if (m && typeof m === 'object' && typeof m.type === 'string') handler(m as ToUi);
  });
}

/** The state saved before a reload, when it has the shape this version writes. */
export function savedState(): UiState | undefined {
  const s = api.getState() as Partial<UiState> | undefined;
  return s && s.v === 1 && s.form && typeof s.form === 'object' && Array.isArray(s.runs) ? (s as UiState) : undefined;
}

export function saveState(state: UiState): void {
  api.setState(state);
}
