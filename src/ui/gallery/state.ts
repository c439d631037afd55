/**
 * The gallery page's state, as one object (the page's modules change its fields; an imported binding
 * could not be assigned), and the page's channel to the extension (the protocol in
 * src/webview/gallery/protocol.ts; only UI state is kept: search, model filter, scroll position).
 */
import { connect } from '../bridge';
import type { ItemAction, PageCommand, RunningView, ToHost, ToPage, UiState } from '../../webview/gallery/protocol';
import { layout, type Layout, type Mode } from './layout';
import { Entries, type Item } from './model';

export const host = connect<ToHost, ToPage, UiState>();

/** The state saved before a reload, each field checked. */
function restore(): UiState {
  const s = host.savedState();
  return {
    search: typeof s?.search === 'string' ? s.search : '',
    model: typeof s?.model === 'string' ? s.model : '',
    scrollTop: typeof s?.scrollTop === 'number' && s.scrollTop >= 0 ? s.scrollTop : 0,
  };
}

export interface PageState {
  /** The search and model filter (and the scroll position the page was reloaded at). */
  readonly ui: { search: string; model: string; scrollTop: number };
  readonly entries: Entries;
  /** The entries the search and filter let through, in order. */
  filtered: Item[];
  missing: Set<string>;
  /** Images that failed to load here (reported once each). */
  readonly broken: Set<string>;
  running: readonly RunningView[];
  /** `init` seen: the page knows how many entries exist. */
  initialised: boolean;
  expected: number;
  persistent: boolean;
  hasFolder: boolean;
  /** The keyboard's place in the grid (an index into `filtered`). */
  active: number;
  /** Grid or list (the extension remembers it per workspace; the view's title bar switches). */
  mode: Mode;
  /** A scroll position to restore once enough entries are here. */
  pendingScroll: number;
  /** Where everything in `filtered` sits, for the current mode and width. */
  layout: Layout;
}

const ui = restore();

export const state: PageState = {
  ui,
  entries: new Entries(),
  filtered: [],
  missing: new Set<string>(),
  broken: new Set<string>(),
  running: [],
  initialised: false,
  expected: 0,
  persistent: true,
  hasFolder: true,
  active: 0,
  mode: 'grid',
  pendingScroll: ui.scrollTop,
  layout: layout([], 'grid', 300),
};

export function act(action: ItemAction, id: string): void {
  host.post({ type: 'action', action, id });
}

export const command = (c: PageCommand) => host.post({ type: 'command', command: c });
