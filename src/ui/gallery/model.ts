/**
 * The gallery page's data and layout rules, without the DOM (unit-tested under node): the entries in
 * order, the search and model filter, and the texts (sizes, credits, relative dates). The layout is in
 * ./layout.ts.
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

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const relative = new Map<string, Intl.RelativeTimeFormat>();
const absolute = new Map<string, Intl.DateTimeFormat>();

/**
 * When an image was made, as people say it: "now", "5 min. ago", "3 hr. ago", "yesterday", in the
 * given language (VS Code's display language); older than a week, the date ("Mar 4", "Mar 4, 2025").
 */
export function relativeDate(ms: number, now: number, language: string): string {
  if (!ms) return t('unknown date');
  let rtf = relative.get(language);
  if (!rtf) relative.set(language, (rtf = new Intl.RelativeTimeFormat(language, { numeric: 'auto', style: 'short' })));
  const d = ms - now;
  const a = Math.abs(d);
  if (a < 45_000) return rtf.format(0, 'second');
  if (a < 45 * MINUTE) return rtf.format(Math.round(d / MINUTE), 'minute');
  if (a < 22 * HOUR) return rtf.format(Math.round(d / HOUR), 'hour');
  if (a < 7 * DAY) return rtf.format(Math.round(d / DAY), 'day');
  const sameYear = new Date(ms).getFullYear() === new Date(now).getFullYear();
  const key = `${language}|${sameYear}`;
  let f = absolute.get(key);
  if (!f) absolute.set(key, (f = new Intl.DateTimeFormat(language, { month: 'short', day: 'numeric', ...(sameYear ? {} : { year: 'numeric' }) })));
  return f.format(new Date(ms));
}
