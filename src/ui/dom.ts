/**
 * Building elements without HTML strings, for both pages: text goes in as text (never parsed as
 * markup), handlers are attached with addEventListener (the CSP allows no inline handlers), and there
 * is no `style` attribute (the CSP allows no inline styles; classes and `hidden` do the work).
 * The generator builds with `h()`; the gallery, which makes many cards, with `el()` and the buttons.
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
  const s = document.createElement('span');
  s.className = `codicon codicon-${name}`;
  s.setAttribute('aria-hidden', 'true');
  return s;
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

/** An element with its class and text (the gallery's cards and toolbar). */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const n = document.createElement(tag);
  if (cls) n.className = cls;
  if (text !== undefined) n.textContent = text;
  return n;
}

/** A button with its text, after an optional codicon. */
export function button(text: string, cls: string, onClick: () => void, iconName?: string): HTMLButtonElement {
  const b = el('button', cls);
  b.type = 'button';
  if (iconName) b.append(icon(iconName));
  b.append(document.createTextNode(text));
  b.addEventListener('click', onClick);
  return b;
}

/** A codicon button named by its label (for screen readers and as its tooltip); its click stays its own. */
export function iconButton(name: string, label: string, onClick: (ev: MouseEvent) => void): HTMLButtonElement {
  const b = el('button', 'icon');
  b.type = 'button';
  b.setAttribute('aria-label', label);
  b.title = label;
  b.append(icon(name));
  b.addEventListener('click', (ev) => {
    ev.stopPropagation();
    onClick(ev);
  });
  return b;
}

/** The line under a field where its problem shows (`<id>-error`), hidden until there is one. */
export function errorLine(id: string): HTMLParagraphElement {
  return h('p', { id: `${id}-error`, class: 'error-text field-error', hidden: true });
}
