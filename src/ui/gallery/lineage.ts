/**
 * An edit's lineage on its card: "edited from hero.png", a link-like button that reveals the source
 * in the Explorer (the extension finds it by its workspace path). Nothing for a generated image.
 */
import { t } from '../bridge';
import { el } from '../dom';
import type { Item } from './model';
import { host } from './state';

const fileName = (p: string): string => p.slice(p.lastIndexOf('/') + 1);

export function lineageLine(e: Item): HTMLElement | undefined {
  const from = e.editedFrom;
  if (!from?.length) return undefined;
  const line = el('div', 'line lineage');
  const names = from.map(fileName);
  const shown = names.length > 1 ? t('{0} and {1} more', names[0]!, names.length - 1) : names[0]!;
  const link = el('a', undefined, shown);
  link.href = '#';
  link.title = t('Reveal {0} in the Explorer', from[0]!);
  link.addEventListener('click', (ev) => {
    ev.preventDefault();
    ev.stopPropagation();
    host.post({ type: 'revealSource', id: e.id });
  });
  line.append(`${t('edited from')} `, link);
  line.title = t('Edited from {0}', from.join(', '));
  return line;
}
