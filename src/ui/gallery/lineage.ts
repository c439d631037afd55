/**
 * An edit's lineage on its card: a small pencil and "hero.png" over the bottom of the thumbnail (so
 * the card keeps its height); a click reveals the source in the Explorer (the extension finds it by
 * its workspace path). Nothing for a generated image. Not a button: a card holds nothing focusable
 * (axe: nested-interactive); the card's accessible name and its hover say where it was edited from.
 */
import { t } from '../bridge';
import { el, icon } from '../dom';
import type { Item } from './model';
import { host } from './state';

const fileName = (p: string): string => p.slice(p.lastIndexOf('/') + 1);

/** "hero.png", or "hero.png and 2 more" for several sources. */
export function lineageText(e: Pick<Item, 'editedFrom'>): string | undefined {
  const from = e.editedFrom;
  if (!from?.length) return undefined;
  const names = from.map(fileName);
  return names.length > 1 ? t('{0} and {1} more', names[0]!, names.length - 1) : names[0]!;
}

export function lineageBadge(e: Item): HTMLElement | undefined {
  const shown = lineageText(e);
  if (!shown) return undefined;
  const badge = el('div', 'lineage');
  const link = el('span', 'lineage-source', shown);
  link.title = t('Reveal {0} in the Explorer', e.editedFrom![0]!);
  link.addEventListener('click', (ev) => {
    ev.stopPropagation();
    host.post({ type: 'revealSource', id: e.id });
  });
  badge.setAttribute('aria-hidden', 'true');
  // The words are in the title and the label; on the card an icon says it, leaving room for the name.
  badge.append(icon('edit'), link);
  badge.title = t('Edited from {0}', e.editedFrom!.join(', '));
  return badge;
}
