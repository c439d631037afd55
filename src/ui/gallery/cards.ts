/**
 * The gallery's cards (one per image on screen: thumbnail, two lines of text, the mouse's action
 * strip), the group headers, and the words a screen reader says for a card.
 *
 * A card is an `option` of the listbox and holds nothing focusable (axe: nested-interactive): its
 * action strip is for the mouse (aria-hidden); the keyboard has the same actions on the focused card
 * (Enter, Control+Enter, Delete, Shift+F10). What a card says about its image is `details()`: the
 * hover, the card's accessible name and its text all read it, so a new line is added there once.
 */
import { LANGUAGE, t } from '../bridge';
import { el, icon } from '../dom';
import { lineageBadge, lineageText } from './lineage';
import { creditsText, relativeDate, sizeText, type Item } from './model';
import { state } from './state';

// ---- What is known about an image -------------------------------------------------------------

const dateFormat = new Intl.DateTimeFormat(LANGUAGE, { dateStyle: 'medium', timeStyle: 'short' });
export const formatDate = (ms: number) => (ms ? dateFormat.format(new Date(ms)) : t('unknown date'));
export const seedText = (e: Item) => (e.seed !== undefined ? t('seed {0}', e.seed) : t('random seed'));
export const whenText = (ms: number) => relativeDate(ms, Date.now(), LANGUAGE);

export interface Detail {
  /** The label in the hover ("Model"). */
  readonly label: string;
  readonly value: string;
  /** Said by a screen reader as part of the card's name (the file name is not). */
  readonly spoken?: boolean;
}

/** Everything the hover shows under the prompt, in order. */
export function details(e: Item): Detail[] {
  const out: Detail[] = [
    { label: t('Model'), value: `${e.modelLabel} (${e.modelKey})`, spoken: true },
    { label: t('Size'), value: sizeText(e), spoken: true },
    { label: t('Seed'), value: e.seed !== undefined ? String(e.seed) : t('random seed'), spoken: true },
    { label: t('Created'), value: e.createdAt ? `${formatDate(e.createdAt)} (${whenText(e.createdAt)})` : t('unknown date'), spoken: true },
  ];
  const credits = creditsText(e.creditsUsed);
  if (credits) out.push({ label: t('Cost'), value: credits, spoken: true });
  if (e.editedFrom?.length) out.push({ label: t('Edited from'), value: e.editedFrom.join(', ') });
  out.push({ label: t('File'), value: e.name });
  return out;
}

/**
 * The card's accessible name: what it shows (its two lines, word for word: axe's
 * label-content-name-mismatch), after the prompt when a group's header says it, then what else is
 * known and its place in the group. Set again when "5 min. ago" moves on.
 */
export function labelCard(card: HTMLElement, e: Item, i: number): void {
  const shown = `${card.querySelector('.title')?.textContent ?? ''} ${card.querySelector('.sub')?.textContent ?? ''}`;
  const parts = [e.modelLabel, sizeText(e), seedText(e), formatDate(e.createdAt)];
  const credits = creditsText(e.creditsUsed);
  if (credits) parts.push(credits);
  const from = lineageText(e);
  if (from) parts.push(t('edited from {0}', from));
  let text = `${shown}. ${parts.join(', ')}.`;
  const l = state.layout;
  if (l.grouped[i]) {
    const g = l.groups[l.groupOf[i]!]!;
    text = `${e.prompt || t('No prompt')}. ${text} ${t('Image {0} of {1} with this prompt.', i - g.start + 1, g.count)}`;
  }
  card.setAttribute('aria-label', text);
}

// ---- Cards ---------------------------------------------------------------------------------------

/** The cards in the DOM, by entry id. */
export const nodes = new Map<string, HTMLElement>();

/** What decides a card's content: a card with another signature is made anew. */
export function cardSignature(e: Item, i: number): string {
  const status = state.missing.has(e.id) ? 'm' : state.broken.has(e.id) ? 'b' : '';
  const l = state.layout;
  const grouped = l.grouped[i] ? `g${l.groups[l.groupOf[i]!]!.count}:${i - l.groups[l.groupOf[i]!]!.start}` : '';
  return `${e.src}|${status}|${l.mode}|${grouped}`;
}

/** The mouse's buttons on a card: `data-action` is an item action, or `more` (every action). */
function actionStrip(isMissing: boolean): HTMLElement {
  const strip = el('div', 'actions');
  strip.setAttribute('aria-hidden', 'true');
  const add = (action: string, name: string, label: string) => {
    const a = el('span', `act codicon codicon-${name}`);
    a.dataset.action = action;
    a.title = label;
    strip.append(a);
  };
  if (isMissing) add('remove', 'trash', t('Remove from Gallery'));
  else {
    add('insert', 'insert', t('Insert link at cursor'));
    add('open', 'go-to-file', t('Open image'));
  }
  add('more', 'ellipsis', t('More actions…'));
  return strip;
}

/** The card for the image at `i` of the filtered list. */
export function makeCard(e: Item, i: number): HTMLElement {
  const isMissing = state.missing.has(e.id);
  const isBroken = state.broken.has(e.id);
  const grouped = state.layout.grouped[i] === 1;
  const card = el('div', `card ${state.layout.mode}${grouped ? ' grouped' : ''}${isMissing ? ' missing' : ''}`);
  card.setAttribute('role', 'option');
  card.tabIndex = -1;
  card.id = `item-${e.id}`;
  card.dataset.id = e.id;
  card.dataset.sig = cardSignature(e, i);
  card.setAttribute('aria-selected', 'false');
  card.dataset.vscodeContext = JSON.stringify({ webviewSection: isMissing ? 'missingImage' : 'image', entryId: e.id, preventDefaultContextMenuItems: true });

  const thumb = el('div', 'thumb');
  if (isMissing || isBroken) {
    const ph = el('div', 'placeholder');
    ph.append(icon(isMissing ? 'warning' : 'file-media'));
    thumb.append(ph);
  } else {
    const img = el('img');
    img.alt = '';
    img.loading = 'lazy';
    img.decoding = 'async';
    img.draggable = false;
    img.src = e.src;
    img.addEventListener('error', () => imageFailed?.(e.id));
    thumb.append(img);
    card.draggable = true;
  }

  const text = el('div', 'text');
  // In a group the header says the prompt: the card says what differs.
  const title = el('div', 'title', grouped ? `${seedText(e)} · ${sizeText(e)}` : e.prompt || t('No prompt'));
  const sub = el('div', 'sub');
  const when = el('span', 'when', whenText(e.createdAt));
  when.dataset.time = String(e.createdAt);
  if (isMissing || isBroken) sub.append(`${isMissing ? t('File missing') : t('Image unavailable')} · `);
  sub.append(when, grouped ? ` · ${e.modelLabel}` : ` · ${e.modelLabel} · ${sizeText(e)}`);
  // (the space: the two lines read as two phrases in the accessible name, as on screen)
  text.append(title, ' ', sub);
  const lineage = isMissing ? undefined : lineageBadge(e);
  if (lineage) thumb.append(lineage);
  card.append(thumb, text, actionStrip(isMissing));
  labelCard(card, e, i);
  return card;
}

/** Set by the grid: an image that failed to load (reported once, then its card is made anew). */
let imageFailed: ((id: string) => void) | undefined;
export function onImageFailed(fn: (id: string) => void): void {
  imageFailed = fn;
}

/** A group's header (its prompt and how many images); the cards say the same to a screen reader. */
export function makeHeader(prompt: string, count: number, mode: string): HTMLElement {
  const h = el('div', `group-header ${mode}`);
  h.setAttribute('aria-hidden', 'true');
  const p = el('span', 'prompt', prompt || t('No prompt'));
  p.title = prompt;
  const c = el('span', 'count', t('{0} images', count));
  h.append(icon('layers'), p, c);
  return h;
}

/** Move every card's "5 min. ago" on (and its accessible name with it). */
export function tickDates(root: ParentNode): void {
  const now = Date.now();
  for (const n of Array.from(root.querySelectorAll<HTMLElement>('.when[data-time]'))) {
    const text = relativeDate(Number(n.dataset.time), now, LANGUAGE);
    if (n.textContent === text) continue;
    n.textContent = text;
    const card = n.closest<HTMLElement>('.card');
    const e = card?.dataset.id ? state.entries.get(card.dataset.id) : undefined;
    const i = Number(card?.getAttribute('aria-posinset')) - 1;
    if (card && e && state.filtered[i]?.id === e.id) labelCard(card, e, i);
  }
}
