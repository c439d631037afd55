/**
 * The panel's "Reference images" area, for the edit models only: the chosen workspace images as
 * thumbnails (the extension gives their webview URIs), a remove button on each, and "Choose Files…"
 * (the extension's open dialog), disabled once the model's maximum is reached. The form holds the
 * files' URIs (`form.references`); the extension reads, checks and sends them on Generate.
 * Also the model select's group of edit models.
 */
import { t, tCatalog } from '../bridge';
import { EDIT_MODELS, PROVIDERS } from '../../core/catalog';
import type { ReferenceView } from '../../webview/generator/protocol';
import { byId, h, icon } from '../dom';
import { droppedUriList, isFileDrag } from './dropped';
import { changed, notice } from './formSync';
import { host, model, state } from './state';

/** The thumbnails the extension sent for `form.references` (by URI). */
let views: readonly ReferenceView[] = [];

/** The model select's last group: the edit models (they need reference images). */
export function editModelGroup(): HTMLOptGroupElement {
  const label = state.keys.aimlapi ? t('Edit images ({0})', PROVIDERS.aimlapi.label) : t('Edit images ({0}, no API key)', PROVIDERS.aimlapi.label);
  return h('optgroup', { label }, ...EDIT_MODELS.map((m) => h('option', { value: m.key, title: tCatalog(m.description) }, m.label)));
}

export function setReferenceViews(next: readonly ReferenceView[]): void {
  views = next;
  renderReferences();
}

/** Show or hide the area for the current model and fill it from `form.references`. */
export function renderReferences(): void {
  let area = document.getElementById('references');
  if (!area) {
    area = h('section', { id: 'references', class: 'references', 'aria-labelledby': 'references-heading' });
    acceptDrops(area);
    byId('model-desc').after(area);
  }
  const rule = model().reference;
  area.hidden = !rule;
  if (!rule) {
    area.replaceChildren();
    return;
  }
  const uris = state.form.references ?? [];
  const full = uris.length >= rule.max;
  const list = h('ul', { class: 'reference-list' });
  for (const uri of uris) {
    const v = views.find((x) => x.uri === uri);
    const name = v?.name ?? decodeURIComponent(uri.slice(uri.lastIndexOf('/') + 1));
    list.append(
      h(
        'li',
        { class: 'reference', 'data-uri': uri },
        v ? h('img', { src: v.src, alt: '', class: 'reference-thumb' }) : icon('file-media'),
        h('span', { class: 'reference-name', title: v?.path ?? name }, name),
        h(
          'button',
          { type: 'button', class: 'icon', title: t('Remove {0}', name), 'aria-label': t('Remove {0}', name), onClick: () => remove(uri) },
          icon('close'),
        ),
      ),
    );
  }
  area.replaceChildren(
    h('h3', { id: 'references-heading' }, t('Reference images')),
    h('p', { class: 'muted hint' }, t('{0} to {1} images (PNG, JPEG or WebP); their bytes are sent to the provider inline.', rule.min, rule.max)),
    h('p', { class: 'muted hint drop-hint' }, t('Or drop them here from the Explorer or the gallery, holding Shift.')),
    list,
    h(
      'button',
      { type: 'button', id: 'choose-references', class: 'secondary', disabled: full, onClick: () => host.post({ type: 'chooseReferences' }) },
      icon('folder-opened'),
      full ? t('{0} of {1} chosen', uris.length, rule.max) : t('Choose Files…'),
    ),
  );
}

function remove(uri: string): void {
  state.form = { ...state.form, references: (state.form.references ?? []).filter((u) => u !== uri) };
  renderReferences();
  changed();
}

// ---- Dropping files on the area ----------------------------------------------------------------

function acceptDrops(area: HTMLElement): void {
  area.addEventListener('dragover', (ev) => {
    if (area.hidden || !isFileDrag([...(ev.dataTransfer?.types ?? [])])) return;
    ev.preventDefault();
    if (ev.dataTransfer) ev.dataTransfer.dropEffect = 'copy';
    area.classList.add('drop-target');
  });
  area.addEventListener('dragleave', (ev) => {
    if (!(ev.relatedTarget instanceof Node && area.contains(ev.relatedTarget))) area.classList.remove('drop-target');
  });
  area.addEventListener('drop', (ev) => {
    area.classList.remove('drop-target');
    if (area.hidden || !ev.dataTransfer) return;
    ev.preventDefault();
    const uris = droppedUriList(ev.dataTransfer);
    if (uris.length) host.post({ type: 'dropReferences', uris });
    else notice(t('Only image files can be dropped here: drag them from the Explorer or the gallery, holding Shift.'), 'error');
  });
}
