/**
 * The gallery page's data and layout rules, without the DOM (unit-tested under node): the entries in
 * order, the search and model filter, and the virtual grid's geometry (which rows are on screen).
 */
import { t } from '../../core/l10n';
import type { ViewEntry } from '../../webview/gallery/protocol';

/** An entry with what the search compares against, computed once. */
export interface Item extends ViewEntry {
  readonly haystack: string;
}

export const toItem = (e: ViewEntry): Item => ({ ...e, haystack: e.prompt.toLocaleLowerCase() });

/** Newest first, then by id (the extension's order). */
export const before = (a: ViewEntry, b: ViewEntry): boolean => a.createdAt > b.createdAt || (a.createdAt === b.createdAt && a.id < b.id);

/** The entries, newest first, by id. */
export class Entries {
  private list: Item[] = [];
  private readonly byId = new Map<string, Item>();

  get all(): readonly Item[] {
    return this.list;
  }

  get size(): number {
    return this.list.length;
  }

  get(id: string): Item | undefined {
    return this.byId.get(id);
  }

  clear(): void {
    this.list = [];
    this.byId.clear();
  }

  /** The next page of an `init` (already in order; anything out of order is placed). */
  append(page: readonly ViewEntry[]): void {
    for (const e of page) {
      const last = this.list[this.list.length - 1];
      if (this.byId.has(e.id) || (last && !before(last, e))) this.upsert([e]);
      else {
        const item = toItem(e);
        this.list.push(item);
        this.byId.set(e.id, item);
      }
    }
  }

  /** New or changed entries, each put in its place. */
  upsert(entries: readonly ViewEntry[]): void {
    for (const e of entries) {
      if (this.byId.has(e.id)) this.list = this.list.filter((x) => x.id !== e.id);
      const item = toItem(e);
      this.byId.set(e.id, item);
      // Binary search for the first entry that comes after this one.
      let lo = 0;
      let hi = this.list.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (before(this.list[mid]!, item)) lo = mid + 1;
        else hi = mid;
      }
      this.list.splice(lo, 0, item);
    }
  }

  remove(ids: readonly string[]): void {
    const gone = new Set(ids.filter((id) => this.byId.delete(id)));
    if (gone.size) this.list = this.list.filter((x) => !gone.has(x.id));
  }

  /** The models present, by label, with how many images each has. */
  models(): { key: string; label: string; count: number }[] {
    const m = new Map<string, { key: string; label: string; count: number }>();
    for (const e of this.list) {
      const had = m.get(e.modelKey);
      if (had) had.count++;
      else m.set(e.modelKey, { key: e.modelKey, label: e.modelLabel, count: 1 });
    }
    return [...m.values()].sort((a, b) => a.label.localeCompare(b.label) || a.key.localeCompare(b.key));
  }
}

/** The words of a search; an entry matches when its prompt holds every one (any case, any order). */
export function searchWords(text: string): string[] {
  return text.toLocaleLowerCase().split(/\s+/).filter(Boolean);
}

export function filterItems(items: readonly Item[], search: string, model: string): Item[] {
  const words = searchWords(search);
  if (!words.length && !model) return items.slice();
  const out: Item[] = [];
  for (const e of items) {
    if (model && e.modelKey !== model) continue;
    let ok = true;
    for (const w of words) {
      if (!e.haystack.includes(w)) {
        ok = false;
        break;
      }
    }
    if (ok) out.push(e);
  }
  return out;
}

// ---- The virtual grid --------------------------------------------------------------------------

export interface GridMetrics {
  readonly cols: number;
  readonly cardWidth: number;
  readonly thumbHeight: number;
  /** One row: card plus the gap below it. */
  readonly rowHeight: number;
  readonly pad: number;
  readonly gap: number;
}

/** `meta`: the text under a thumbnail (two lines of prompt, three of details, padding). */
export const GRID = { pad: 8, gap: 8, minCard: 132, maxCols: 8, meta: 90 } as const;

/** Columns and sizes for a width: as many cards of at least `minCard` px as fit, 4:3 thumbnails. */
export function gridMetrics(width: number, g: { pad: number; gap: number; minCard: number; maxCols: number; meta: number } = GRID): GridMetrics {
  const inner = Math.max(0, width - 2 * g.pad);
  const cols = Math.max(1, Math.min(g.maxCols, Math.floor((inner + g.gap) / (g.minCard + g.gap))));
  const cardWidth = Math.max(40, Math.floor((inner - (cols - 1) * g.gap) / cols));
  const thumbHeight = Math.round((cardWidth * 3) / 4);
  return { cols, cardWidth, thumbHeight, rowHeight: thumbHeight + g.meta + g.gap, pad: g.pad, gap: g.gap };
}

export function gridHeight(m: GridMetrics, count: number): number {
  const rows = Math.ceil(count / m.cols);
  return rows ? 2 * m.pad + rows * m.rowHeight - m.gap : 0;
}

/** The items to have in the DOM for a scroll position: the visible rows plus `overscan` rows each side. */
export function visibleRange(m: GridMetrics, count: number, scrollTop: number, viewHeight: number, overscan = 2): { start: number; end: number } {
  if (!count) return { start: 0, end: 0 };
  const rows = Math.ceil(count / m.cols);
  const first = Math.max(0, Math.floor((scrollTop - m.pad) / m.rowHeight) - overscan);
  const last = Math.min(rows - 1, Math.floor((scrollTop + viewHeight - m.pad) / m.rowHeight) + overscan);
  return { start: first * m.cols, end: Math.min(count, (last + 1) * m.cols) };
}

/** Where item `i` sits. */
export function position(m: GridMetrics, i: number): { x: number; y: number } {
  return { x: m.pad + (i % m.cols) * (m.cardWidth + m.gap), y: m.pad + Math.floor(i / m.cols) * m.rowHeight };
}

/** The scroll position that shows item `i` whole, moving as little as possible. */
export function scrollToShow(m: GridMetrics, i: number, scrollTop: number, viewHeight: number): number {
  const { y } = position(m, i);
  const bottom = y + m.rowHeight - m.gap;
  if (y - m.pad < scrollTop) return Math.max(0, y - m.pad);
  if (bottom + m.pad > scrollTop + viewHeight) return bottom + m.pad - viewHeight;
  return scrollTop;
}

/** The item a navigation key moves to from `i` (undefined: the key is not a move). */
export function moveIndex(key: string, i: number, count: number, cols: number, rowsPerPage: number, ctrl = false): number | undefined {
  if (!count) return undefined;
  const clamp = (n: number) => Math.max(0, Math.min(count - 1, n));
  switch (key) {
    case 'ArrowRight':
      return clamp(i + 1);
    case 'ArrowLeft':
      return clamp(i - 1);
    case 'ArrowDown':
      return clamp(i + cols);
    case 'ArrowUp':
      return clamp(i - cols);
    case 'Home':
      return ctrl ? 0 : clamp(i - (i % cols));
    case 'End':
      return ctrl ? count - 1 : clamp(i - (i % cols) + cols - 1);
    case 'PageDown':
      return clamp(i + Math.max(1, rowsPerPage) * cols);
    case 'PageUp':
      return clamp(i - Math.max(1, rowsPerPage) * cols);
    default:
      return undefined;
  }
}

// ---- Text -----------------------------------------------------------------------------------------

/** `1024×768`, with the asked size when it says more (`16:9 · 1344×768`). */
export function sizeText(e: Pick<ViewEntry, 'width' | 'height' | 'size'>): string {
  const px = `${e.width}×${e.height}`;
  return e.size && !/^\d+x\d+$/.test(e.size) ? `${e.size} · ${px}` : px;
}

export function creditsText(credits: number | undefined): string | undefined {
  if (credits === undefined) return undefined;
  const n = Number.isInteger(credits) ? String(credits) : credits.toFixed(credits < 0.01 ? 4 : 2).replace(/0+$/, '');
  return credits === 1 ? t('1 credit') : t('{0} credits', n);
}

export function elapsedText(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s} s` : t('{0} min {1} s', Math.floor(s / 60), s % 60);
}
