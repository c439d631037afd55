/**
 * The gallery's cards: one per image on screen (thumbnail, its buttons, prompt, model, size, seed,
 * date and credits), with the words a screen reader says for it, and the cards now in the grid.
 */
import { LANGUAGE, t } from '../bridge';
import { button, el, icon, iconButton } from '../dom';
import { lineageBadge, lineageText } from './lineage';
import { creditsText, sizeText, type Item } from './model';
import { act, host, state } from './state';

// ---- Formatting ---------------------------------------------------------------------------------------

const dateFormat = new Intl.DateTimeFormat(LANGUAGE, { dateStyle: 'medium', timeStyle: 'short' });
const shortDate = new Intl.DateTimeFormat(LANGUAGE, { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });
const thisYear = new Date().getFullYear();
const formatDate = (ms: number) => (ms ? dateFormat.format(new Date(ms)) : t('unknown date'));
/** On a card: without the year when it is this year's. */
const cardDate = (ms: number) => (!ms ? t('unknown date') : new Date(ms).getFullYear() === thisYear ? shortDate.format(new Date(ms)) : dateFormat.format(new Date(ms)));
const seedText = (e: Item) => (e.seed !== undefined ? t('seed {0}', e.seed) : t('random seed'));

function describe(e: Item, isMissing: boolean): string {
  const parts = [`${e.modelLabel}`, sizeText(e), seedText(e), formatDate(e.createdAt)];
  const credits = creditsText(e.creditsUsed);
  if (credits) parts.push(credits);
  const from = lineageText(e);
  if (from) parts.push(t('edited from {0}', from));
  const prompt = e.prompt || t('No prompt');
  return isMissing ? t('File missing. {0}. {1}.', prompt, parts.join(', ')) : `${prompt}. ${parts.join(', ')}.`;
}

// ---- Cards ---------------------------------------------------------------------------------------------

/** The cards in the grid, by entry id. */
export const nodes = new Map<string, HTMLElement>();

/** What a card shows that can change under the same id: a card with another signature is made anew. */
export function cardSignature(e: Item): string {
  return `${e.src}|${state.missing.has(e.id) ? 'm' : state.broken.has(e.id) ? 'b' : ''}`;
}

export function makeCard(e: Item): HTMLElement {
  const { broken } = state;
  const isMissing = state.missing.has(e.id);
  const card = el('div', `card${isMissing ? ' missing' : ''}`);
  card.setAttribute('role', 'listitem');
  card.tabIndex = -1;
  card.dataset.id = e.id;
  card.dataset.sig = cardSignature(e);
  card.setAttribute('aria-label', describe(e, isMissing));
  card.dataset.vscodeContext = JSON.stringify({ webviewSection: isMissing ? 'missingImage' : 'image', entryId: e.id, preventDefaultContextMenuItems: true });

  const thumb = el('div', 'thumb');
  if (isMissing || broken.has(e.id)) {
    const ph = el('div', 'placeholder');
    ph.append(icon(isMissing ? 'warning' : 'file-media'), el('span', undefined, isMissing ? t('File missing') : t('Image unavailable')));
    if (isMissing) ph.append(button(t('Remove'), 'secondary small', () => act('remove', e.id)));
    thumb.append(ph);
  } else {
    const img = el('img');
    img.alt = '';
    img.loading = 'lazy';
    img.decoding = 'async';
    img.draggable = false;
    img.src = e.src;
    img.addEventListener('error', () => {
      if (broken.has(e.id)) return;
      broken.add(e.id);
      host.post({ type: 'imageError', id: e.id });
      refreshCard(e.id);
    });
    thumb.append(img);
    card.draggable = true;
  }

  const actions = el('div', 'actions');
  if (!isMissing) {
    actions.append(
      iconButton('insert', t('Insert link at cursor'), () => act('insert', e.id)),
      iconButton('go-to-file', t('Open image'), () => act('open', e.id)),
    );
  }
  actions.append(iconButton('ellipsis', t('More actions…'), () => host.post({ type: 'more', id: e.id })));
  thumb.append(actions);
  const lineage = isMissing ? undefined : lineageBadge(e);
  if (lineage) thumb.append(lineage);

  const meta = el('div', 'meta');
  const prompt = el('div', 'prompt', e.prompt || t('No prompt'));
  prompt.title = e.prompt;
  const model = el('div', 'line', e.modelLabel);
  model.title = `${e.modelLabel} (${e.modelKey})`;
  const size = el('div', 'line', `${sizeText(e)} · ${seedText(e)}`);
  size.title = size.textContent ?? '';
  const credits = creditsText(e.creditsUsed);
  const when = el('div', 'line', [cardDate(e.createdAt), credits].filter(Boolean).join(' · '));
  when.title = [formatDate(e.createdAt), credits].filter(Boolean).join(' · ');
  meta.append(prompt, model, size, when);
  card.append(thumb, meta);
  return card;
}

/** Make an entry's card anew in its place (its file went missing or came back, its image broke). */
export function refreshCard(id: string): void {
  const old = nodes.get(id);
  const e = state.entries.get(id);
  if (!old || !e) return;
  const card = makeCard(e);
  card.style.transform = old.style.transform;
  card.style.width = old.style.width;
  card.tabIndex = old.tabIndex;
  card.setAttribute('aria-posinset', old.getAttribute('aria-posinset') ?? '');
  card.setAttribute('aria-setsize', old.getAttribute('aria-setsize') ?? '');
  const hadFocus = old.contains(document.activeElement);
  old.replaceWith(card);
  nodes.set(id, card);
  setButtonsTabbable(card, card.tabIndex === 0);
  if (hadFocus) card.focus();
}

export function setButtonsTabbable(card: HTMLElement, on: boolean): void {
  for (const b of Array.from(card.querySelectorAll('button'))) b.tabIndex = on ? 0 : -1;
}
