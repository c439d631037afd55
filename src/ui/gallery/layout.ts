/**
 * The gallery's layout without the DOM (unit-tested under node): consecutive images of one prompt
 * make a group (one header, then its images), and the two modes place them in rows.
 *
 * - `list`: one compact row per image (small thumbnail, two lines of text); a group of two or more
 *   gets a header row with its prompt, and its rows are indented under it.
 * - `grid`: tiles (4:3 thumbnail, two lines of text) as many across as fit; a group of two or more
 *   gets a header over its tiles, and runs of single images share rows.
 *
 * Only the rows in view are put in the DOM (see ./grid.ts): rows are found by their `y`.
 */

export type Mode = 'grid' | 'list';
export const MODES: readonly Mode[] = ['grid', 'list'];

export interface Group {
  /** Index of its first image in the filtered list. */
  readonly start: number;
  readonly count: number;
  readonly prompt: string;
}

export type Row =
  /** A group's header: its prompt and how many images. */
  | { readonly kind: 'header'; readonly y: number; readonly h: number; readonly group: number }
  /** Images `first`..`first + count - 1`, side by side (one in list mode). */
  | { readonly kind: 'items'; readonly y: number; readonly h: number; readonly first: number; readonly count: number };

export interface Layout {
  readonly mode: Mode;
  readonly cols: number;
  /** An image's box: width (list: the row's), height, and the thumbnail's size. */
  readonly cellWidth: number;
  readonly cellHeight: number;
  readonly thumbWidth: number;
  readonly thumbHeight: number;
  readonly height: number;
  readonly rows: readonly Row[];
  readonly groups: readonly Group[];
  /** Per image: the row it is in. */
  readonly rowOf: Int32Array;
  /** Per image: its group (index into `groups`), and whether that group has a header. */
  readonly groupOf: Int32Array;
  readonly grouped: Uint8Array;
}

/** Sizes in CSS pixels (the stylesheet's classes follow them). */
export const GEOMETRY = {
  pad: 8,
  gap: 8,
  /** Grid: the narrowest tile, the most columns, the two lines under a thumbnail. */
  minTile: 120,
  maxCols: 8,
  caption: 44,
  gridHeader: 40,
  /** List: a row, the gap between rows, a header, the indent of a group's rows. */
  listRow: 52,
  listGap: 2,
  listHeader: 26,
  indent: 14,
  listThumb: { w: 56, h: 42 },
} as const;

/** Consecutive images with the same prompt, in order. */
export function groupItems(items: readonly { readonly prompt: string }[]): Group[] {
  const groups: Group[] = [];
  let start = 0;
  for (let i = 1; i <= items.length; i++) {
    if (i === items.length || items[i]!.prompt !== items[start]!.prompt) {
      groups.push({ start, count: i - start, prompt: items[start]!.prompt });
      start = i;
    }
  }
  return groups;
}

/** Lay out `items` (the filtered images, in order) for a mode and a width. */
export function layout(items: readonly { readonly prompt: string }[], mode: Mode, width: number, g = GEOMETRY): Layout {
  const n = items.length;
  const groups = groupItems(items);
  const inner = Math.max(40, width - 2 * g.pad);
  const rows: Row[] = [];
  const rowOf = new Int32Array(n);
  const groupOf = new Int32Array(n);
  const grouped = new Uint8Array(n);
  let y = g.pad;

  if (mode === 'list') {
    const h = g.listRow;
    for (let gi = 0; gi < groups.length; gi++) {
      const gr = groups[gi]!;
      if (gr.count > 1) {
        rows.push({ kind: 'header', y, h: g.listHeader, group: gi });
        y += g.listHeader + g.listGap;
      }
      for (let i = gr.start; i < gr.start + gr.count; i++) {
        rowOf[i] = rows.length;
        groupOf[i] = gi;
        grouped[i] = gr.count > 1 ? 1 : 0;
        rows.push({ kind: 'items', y, h, first: i, count: 1 });
        y += h + g.listGap;
      }
    }
    const height = rows.length ? y - g.listGap + g.pad : 0;
    return {
      mode,
      cols: 1,
      cellWidth: inner,
      cellHeight: h,
      thumbWidth: g.listThumb.w,
      thumbHeight: g.listThumb.h,
      height,
      rows,
      groups,
      rowOf,
      groupOf,
      grouped,
    };
  }

  const cols = Math.max(1, Math.min(g.maxCols, Math.floor((inner + g.gap) / (g.minTile + g.gap))));
  const cellWidth = Math.max(40, Math.floor((inner - (cols - 1) * g.gap) / cols));
  const thumbHeight = Math.round((cellWidth * 3) / 4);
  const cellHeight = thumbHeight + g.caption;
  /** Images [from, to) in rows of `cols`. */
  const tiles = (from: number, to: number) => {
    for (let i = from; i < to; i += cols) {
      const count = Math.min(cols, to - i);
      for (let k = i; k < i + count; k++) rowOf[k] = rows.length;
      rows.push({ kind: 'items', y, h: cellHeight, first: i, count });
      y += cellHeight + g.gap;
    }
  };
  let gi = 0;
  while (gi < groups.length) {
    const gr = groups[gi]!;
    if (gr.count > 1) {
      rows.push({ kind: 'header', y, h: g.gridHeader, group: gi });
      y += g.gridHeader;
      for (let i = gr.start; i < gr.start + gr.count; i++) {
        groupOf[i] = gi;
        grouped[i] = 1;
      }
      tiles(gr.start, gr.start + gr.count);
      gi++;
      continue;
    }
    // A run of single images shares rows.
    const from = gr.start;
    while (gi < groups.length && groups[gi]!.count === 1) {
      groupOf[groups[gi]!.start] = gi;
      gi++;
    }
    tiles(from, gi < groups.length ? groups[gi]!.start : n);
  }
  const height = rows.length ? y - g.gap + g.pad : 0;
  return { mode, cols, cellWidth, cellHeight, thumbWidth: cellWidth, thumbHeight, height, rows, groups, rowOf, groupOf, grouped };
}

/** Where image `i` sits. */
export function itemBox(l: Layout, i: number, g = GEOMETRY): { x: number; y: number; w: number; h: number } {
  const row = l.rows[l.rowOf[i]!]!;
  if (row.kind !== 'items') throw new Error('not an image row');
  if (l.mode === 'list') {
    const indent = l.grouped[i] ? g.indent : 0;
    return { x: g.pad + indent, y: row.y, w: l.cellWidth - indent, h: row.h };
  }
  return { x: g.pad + (i - row.first) * (l.cellWidth + g.gap), y: row.y, w: l.cellWidth, h: row.h };
}

/** The rows to have in the DOM for a scroll position: those in view plus `overscan` px each side. */
export function rowsInView(l: Layout, scrollTop: number, viewHeight: number, overscan = 300): { first: number; end: number } {
  const top = scrollTop - overscan;
  const bottom = scrollTop + viewHeight + overscan;
  let lo = 0;
  let hi = l.rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const r = l.rows[mid]!;
    if (r.y + r.h < top) lo = mid + 1;
    else hi = mid;
  }
  let end = lo;
  while (end < l.rows.length && l.rows[end]!.y <= bottom) end++;
  return { first: lo, end };
}

/** The scroll position that shows image `i` whole (and its group's header, for a group's first row). */
export function scrollToShowItem(l: Layout, i: number, scrollTop: number, viewHeight: number, g = GEOMETRY): number {
  if (i < 0 || i >= l.rowOf.length) return scrollTop;
  const r = l.rowOf[i]!;
  const row = l.rows[r]!;
  const above = l.rows[r - 1];
  const top = above?.kind === 'header' ? above.y : row.y;
  const bottom = row.y + row.h;
  if (top - g.pad < scrollTop) return Math.max(0, top - g.pad);
  if (bottom + g.pad > scrollTop + viewHeight) return Math.max(0, bottom + g.pad - viewHeight);
  return scrollTop;
}

/** The image a navigation key moves to from `i` (undefined: the key is not a move). */
export function moveInLayout(l: Layout, key: string, i: number, viewHeight: number): number | undefined {
  const n = l.rowOf.length;
  if (!n) return undefined;
  const clamp = (k: number) => Math.max(0, Math.min(n - 1, k));
  const r = l.rowOf[clamp(i)]!;
  const row = l.rows[r] as Extract<Row, { kind: 'items' }>;
  const col = clamp(i) - row.first;
  /** The same column in the image row `dir` rows of images away (stopping at the ends). */
  const step = (from: number, dir: 1 | -1): number => {
    for (let k = from + dir; k >= 0 && k < l.rows.length; k += dir) {
      const x = l.rows[k]!;
      if (x.kind === 'items') return k;
    }
    return from;
  };
  const at = (rowIndex: number) => {
    const x = l.rows[rowIndex] as Extract<Row, { kind: 'items' }>;
    return x.first + Math.min(col, x.count - 1);
  };
  switch (key) {
    case 'ArrowRight':
      return clamp(i + 1);
    case 'ArrowLeft':
      return clamp(i - 1);
    case 'ArrowDown':
      return at(step(r, 1));
    case 'ArrowUp':
      return at(step(r, -1));
    case 'Home':
      return 0;
    case 'End':
      return n - 1;
    case 'PageDown':
    case 'PageUp': {
      const dir = key === 'PageDown' ? 1 : -1;
      const target = row.y + dir * Math.max(row.h, viewHeight - row.h);
      let k = r;
      for (;;) {
        const next = step(k, dir);
        if (next === k) break;
        k = next;
        if (dir === 1 ? l.rows[k]!.y >= target : l.rows[k]!.y <= target) break;
      }
      return at(k);
    }
    default:
      return undefined;
  }
}
