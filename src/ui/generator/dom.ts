/**
 * Building elements without HTML strings: text goes in as text (never parsed as markup), handlers
 * are attached with addEventListener (the CSP allows no inline handlers), and there is no `style`
 * attribute (the CSP allows no inline styles; classes and `hidden` do the work).
 */
type Child = Node | string | number | null | undefined | false;
type Attr = string | number | boolean | null | undefined;
export type Attrs = { [name: string]: Attr | ((e: Event) => void) };

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (typeof value === 'function') {
      el.addEventListener(name.replace(/^on/, '').toLowerCase(), value);
    } else if (name === 'style') {
      throw new Error('no inline styles: use a class');
    } else if (value === true) {
      el.setAttribute(name, '');
    } else if (value !== false && value !== null && value !== undefined) {
      el.setAttribute(name, String(value));
    }
  }
  append(el, ...children);
  return el;
}

export function append(el: Element, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'number' ? String(c) : c);
  }
}

/** A codicon, hidden from screen readers (the control around it carries the name). */
export function icon(name: string): HTMLSpanElement {
  return h('span', { class: `codicon codicon-${name}`, 'aria-hidden': 'true' });
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing`);
  return el as T;
}

/** Set aria-describedby to the ids given (skipping empty ones). */
export function describedBy(el: Element, ...ids: (string | undefined | false)[]): void {
  const list = ids.filter((x): x is string => Boolean(x));
  if (list.length) el.setAttribute('aria-describedby', list.join(' '));
  else el.removeAttribute('aria-describedby');
}
