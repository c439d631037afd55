/**
 * "Edit Image with FLUX…": a workspace image (or several) and a prompt go to an edit model, the
 * result is saved beside the other images as `<source>-edit-<seed>` and recorded with the source's
 * path and hash. From the Explorer (the file, or a multi-selection), the gallery (*Edit…*), the
 * palette (asks for the image) and scripts (`{ image, images?, prompt, model, size?, seed?,
 * outputFormat?, link? }`). The same pipeline as generation: pre-flight, run, present.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EDIT_MODELS, findModel, isEditModel, PROVIDERS, type ModelEntry, formatSize } from '../core/catalog';
import { altText } from '../core/links';
import { sizeForSource } from '../core/reference';
import { findImageTargets, linkForms } from '../core/relink';
import type { GalleryEntry } from '../core/gallery';
import type { GenerationRequest } from '../core/request';
import { tCatalog } from '../core/l10n';
import { COMMANDS } from '../ids';
import { commandQuestions } from './generate';
import { run } from './generation/execute';
import { preflight } from './generation/preflight';
import { describeRefusal, notifyFailure } from './generation/present';
import { Anchor, placeAndReport } from './links';
import { pickSize } from './pickers';
import { findReference, readReferences, referencePath } from './references';
import { readSettings } from './settings';
import type { Services } from './services';

const LAST_EDIT_MODEL = 'fluxStudio.lastEditModel';
const IMAGE_EXTENSIONS = /\.(png|jpe?g|webp)$/i;

/** What a script may pass; each field skips its question. */
export interface EditArgs {
  image?: vscode.Uri;
  images?: vscode.Uri[];
  prompt?: string;
  model?: string;
  size?: string;
  seed?: number;
  outputFormat?: string;
  /** When the active document links to the source: replace that link, or insert a new one. */
  link?: 'insert' | 'replace';
}

/** A Uri, a URI string (`file:///…`), an absolute path or a path relative to the first workspace folder. */
function toUri(v: unknown): vscode.Uri | undefined {
  if (v instanceof vscode.Uri) return v;
  if (v && typeof v === 'object' && typeof (v as { scheme?: unknown }).scheme === 'string' && typeof (v as { path?: unknown }).path === 'string')
    return vscode.Uri.from(v as vscode.Uri);
  if (typeof v !== 'string' || v.trim() === '') return undefined;
  if (/^[a-z][a-z0-9+.-]+:\/\//i.test(v)) return vscode.Uri.parse(v);
  if (path.isAbsolute(v)) return vscode.Uri.file(v);
  const root = vscode.workspace.workspaceFolders?.[0]?.uri;
  return root ? vscode.Uri.joinPath(root, v) : undefined;
}

/** The arguments from any caller: the Explorer passes (uri, selectedUris), scripts an object. */
export function parseEditArgs(raw: unknown, selected?: unknown): EditArgs {
  const out: EditArgs = {};
  if (raw instanceof vscode.Uri) {
    out.image = raw;
    const many = Array.isArray(selected) ? selected.map(toUri).filter((u): u is vscode.Uri => u !== undefined && IMAGE_EXTENSIONS.test(u.path)) : [];
    if (many.length > 1) {
      // The clicked file first, then the rest of the selection in its order.
      out.images = [raw, ...many.filter((u) => u.toString() !== raw.toString())];
    }
    return out;
  }
  if (!raw || typeof raw !== 'object') return out;
  const o = raw as Record<string, unknown>;
  const image = toUri(o.image);
  if (image) out.image = image;
  if (Array.isArray(o.images)) out.images = o.images.map(toUri).filter((u): u is vscode.Uri => u !== undefined);
  if (typeof o.prompt === 'string') out.prompt = o.prompt;
  if (typeof o.model === 'string') out.model = o.model;
  if (typeof o.size === 'string') out.size = o.size;
  if (typeof o.seed === 'number') out.seed = o.seed;
  if (typeof o.outputFormat === 'string') out.outputFormat = o.outputFormat;
  if (o.link === 'insert' || o.link === 'replace') out.link = o.link;
  return out;
}

/** The palette: a quick pick of the workspace's images, or a file dialog. */
async function askImage(s: Services): Promise<vscode.Uri | undefined> {
  interface Item extends vscode.QuickPickItem {
    uri?: vscode.Uri;
    browse?: true;
  }
  const found = await vscode.workspace.findFiles('**/*.{png,jpg,jpeg,webp,PNG,JPG,JPEG,WEBP}', '**/{node_modules,.git}/**', 2000);
  found.sort((a, b) => referencePath(a).localeCompare(referencePath(b)));
  const items: Item[] = [
    { label: `$(folder-opened) ${vscode.l10n.t('Choose a File…')}`, browse: true },
    ...found.map((uri): Item => ({ label: path.posix.basename(uri.path), description: referencePath(uri), uri })),
  ];
  const picked = await s.ui.quickPick(items, {
    title: vscode.l10n.t('Flux: Edit Image with FLUX'),
    placeHolder: vscode.l10n.t('Which image should be edited?'),
    matchOnDescription: true,
  });
  if (!picked) return undefined;
  if (picked.uri) return picked.uri;
  const chosen = await vscode.window.showOpenDialog({
    canSelectMany: false,
    title: vscode.l10n.t('Flux: Choose the image to edit'),
    openLabel: vscode.l10n.t('Edit This Image'),
    filters: { [vscode.l10n.t('Images')]: ['png', 'jpg', 'jpeg', 'webp'] },
    ...(vscode.workspace.workspaceFolders?.[0] ? { defaultUri: vscode.workspace.workspaceFolders[0].uri } : {}),
  });
  return chosen?.[0];
}

async function askEditModel(s: Services, current: ModelEntry): Promise<ModelEntry | undefined> {
  const items = EDIT_MODELS.map((m) => ({
    label: m.label,
    description: `${PROVIDERS[m.provider].label} · ${m.id}${m.key === current.key ? ` · ${vscode.l10n.t('last used')}` : ''}`,
    detail: tCatalog(m.description),
    model: m,
  }));
  items.sort((a, b) => (a.model.key === current.key ? -1 : b.model.key === current.key ? 1 : 0));
  const chosen = await s.ui.quickPick(items, {
    title: vscode.l10n.t('Flux: Edit Image (1/2): model'),
    placeHolder: vscode.l10n.t('Edit model'),
    matchOnDescription: true,
    matchOnDetail: true,
  });
  return chosen?.model;
}

/** The ranges in `document` that link to `source` (see src/core/relink.ts). */
function linksTo(document: vscode.TextDocument, source: vscode.Uri): vscode.Range[] {
  if (document.uri.scheme !== source.scheme || document.isUntitled) return [];
  const forms = linkForms(path.posix.dirname(document.uri.path), source.path);
  return findImageTargets(document.getText(), forms).map((r) => new vscode.Range(document.positionAt(r.start), document.positionAt(r.end)));
}

/** Replace every link to `source` in `document` by the edit's path, in one edit (one undo). */
async function replaceLinks(document: vscode.TextDocument, source: vscode.Uri, edited: vscode.Uri): Promise<number> {
  const ranges = linksTo(document, source);
  if (ranges.length === 0) return 0;
  const forms = linkForms(path.posix.dirname(document.uri.path), edited.path);
  // The encoded form (what the extension writes), with `./` when the old link had it.
  const encoded = forms.find((f) => !f.startsWith('./') && f.includes('%')) ?? forms.filter((f) => !f.startsWith('./')).sort((a, b) => a.length - b.length)[0]!;
  const edit = new vscode.WorkspaceEdit();
  for (const r of ranges) {
    const old = document.getText(r);
    edit.replace(document.uri, r, old.startsWith('./') && !encoded.startsWith('.') ? `./${encoded}` : encoded);
  }
  return (await vscode.workspace.applyEdit(edit)) ? ranges.length : -1;
}

/**
 * Run one edit. Resolves with the saved files (empty when cancelled or refused: refusals and
 * failures are shown, never thrown).
 */
export async function editCommand(s: Services, raw?: unknown, selected?: unknown): Promise<vscode.Uri[]> {
  const editor = vscode.window.activeTextEditor;
  const range = editor?.selection;
  const anchor = editor && range ? new Anchor(editor.document.uri, editor.document, range) : undefined;
  try {
    return await editAt(s, parseEditArgs(raw, selected), editor, anchor);
  } finally {
    anchor?.dispose();
  }
}

async function editAt(s: Services, args: EditArgs, editor: vscode.TextEditor | undefined, anchor: Anchor | undefined): Promise<vscode.Uri[]> {
  const settings = readSettings(editor?.document.uri);

  // 1. The image(s).
  const image = args.image ?? args.images?.[0] ?? (await askImage(s));
  if (!image) return [];
  const images = args.images?.length ? (args.images.some((u) => u.toString() === image.toString()) ? args.images : [image, ...args.images]) : [image];
  const sourceName = path.posix.basename(image.path);

  // 2. The model (an edit model), then the prompt and the size.
  const last = findModel(s.context.globalState.get<string>(LAST_EDIT_MODEL, '')) ?? EDIT_MODELS[0]!;
  let model: ModelEntry | undefined = last;
  if (args.model !== undefined) {
    model = findModel(args.model);
    if (!model || !isEditModel(model)) {
      void s.ui.error(vscode.l10n.t('"{0}" is not an edit model. Edit with one of: {1}.', args.model, EDIT_MODELS.map((m) => m.key).join(', ')));
      return [];
    }
  } else if (settings.askEachTime) {
    model = await askEditModel(s, last);
    if (!model) return [];
  }

  const prompt =
    args.prompt ??
    (await s.ui.inputBox({
      title: vscode.l10n.t('Flux: Edit {0}', sourceName),
      prompt: vscode.l10n.t('What should change? {0} edits {1}.', model.label, images.length > 1 ? vscode.l10n.t('{0} images', images.length) : sourceName),
      placeHolder: vscode.l10n.t('e.g. make it winter, put the logo on the mug'),
      ignoreFocusOut: true,
    }));
  if (!prompt?.trim()) return [];

  // 3. The references: read (bounded) and checked before anything else is asked or sent.
  const refs = await readReferences(images, model);
  if (!refs.ok) {
    void s.ui.error(refs.message);
    return [];
  }
  const first = refs.images[0]!;
  let size = args.size;
  if (size === undefined && args.model === undefined && settings.askEachTime) {
    // The source's shape first; every size the model offers one step further.
    const own = sizeForSource(model, first.width, first.height);
    const title = vscode.l10n.t('Flux: Edit Image (2/2): size');
    const other = vscode.l10n.t('Another Size…');
    const keep = own
      ? await s.ui.quickPick(
          [
            { label: own, description: vscode.l10n.t('the shape of {0} ({1})', sourceName, `${first.width}x${first.height}`), size: own },
            { label: other, size: undefined },
          ],
          { title, placeHolder: vscode.l10n.t('Size for {0}', model.label) },
        )
      : { size: undefined };
    if (!keep) return [];
    if (keep.size) size = keep.size;
    else {
      const choice = await pickSize(s.ui, model, own, title);
      if (!choice) return [];
      size = formatSize(choice);
    }
  }
  size ??= sizeForSource(model, first.width, first.height);
  const format = args.outputFormat ?? (settings.outputFormat !== 'auto' && model.formats.includes(settings.outputFormat) ? settings.outputFormat : undefined);

  // 4. Replace the document's link to the source, or insert one (asked when it links to it).
  const document = editor?.document;
  let link: 'insert' | 'replace' = 'insert';
  const existing = document ? linksTo(document, image).length : 0;
  if (existing > 0) {
    if (args.link) link = args.link;
    else {
      const replace = vscode.l10n.t('Replace Link');
      const insert = vscode.l10n.t('Insert');
      const picked = await s.ui.quickPick(
        [
          {
            label: replace,
            description:
              existing === 1
                ? vscode.l10n.t('the link to {0} becomes a link to the edit', sourceName)
                : vscode.l10n.t('the {0} links to {1} become links to the edit', existing, sourceName),
            value: 'replace' as const,
          },
          { label: insert, description: vscode.l10n.t('a new link to the edit, as for a generated image'), value: 'insert' as const },
        ],
        {
          title: vscode.l10n.t('Flux: Edit {0}', sourceName),
          placeHolder: vscode.l10n.t('{0} links to {1}', path.posix.basename(document!.uri.path), sourceName),
        },
      );
      if (!picked) return [];
      link = picked.value;
    }
  }

  // 5. Pre-flight: the request with its references, destination, link template, key.
  const request: GenerationRequest = {
    model: model.key,
    prompt,
    ...(size ? { size } : {}),
    ...(args.seed !== undefined ? { seed: args.seed } : {}),
    ...(format ? { outputFormat: format } : {}),
    references: refs.images,
  };
  const checked = await preflight({ request, editOf: sourceName, ...(document ? { document, linksInto: document } : {}) }, commandQuestions(s, prompt, model));
  if (!checked.ok) {
    if (checked.refusal.kind !== 'noKey' && checked.refusal.kind !== 'cancelled') void s.ui.error(describeRefusal(checked.refusal).message);
    return [];
  }
  await s.context.globalState.update(LAST_EDIT_MODEL, model.key);
  const plan = checked.plan;
  const retry = () => vscode.commands.executeCommand(COMMANDS.editImage, { image, images, prompt, model: model.key, ...(size ? { size } : {}), link });

  // 6. Edit; the link changes (or goes in) while the gallery records the images.
  const result = await run(s, plan, {
    progress: 'notification',
    title: `Flux: ${sourceName} — "${altText(prompt, 40)}"`,
    alongside: async ({ files, records }) => {
      if (link === 'replace' && document && files[0]) {
        const replaced = await replaceLinks(document, image, files[0]);
        if (replaced > 0) {
          vscode.window.setStatusBarMessage(
            `$(check) ${vscode.l10n.t('Flux: the link to {0} now shows {1}', sourceName, path.posix.basename(files[0].path))}`,
            5000,
          );
          return;
        }
      }
      await placeAndReport(s.ui, { files, records }, document, anchor, plan.settings);
    },
  });
  if (result.ok) return result.executed.files;
  notifyFailure(s, result.failure, retry);
  return [];
}

/** The gallery's *Edit…*: the item's image is the source. */
export async function editGalleryItem(s: Services, entryId: string): Promise<vscode.Uri[]> {
  const store = await s.gallery.load();
  const entry = store.get(entryId);
  if (!entry) {
    void s.ui.warn(vscode.l10n.t('That image is no longer in the gallery.'));
    return [];
  }
  return editCommand(s, vscode.Uri.parse(entry.uri));
}

/** The gallery card's "edited from …": reveal the edit's first source in the Explorer. */
export async function revealSource(s: Services, entry: GalleryEntry | undefined): Promise<void> {
  const recorded = entry?.references?.[0]?.path;
  if (!entry || !recorded) return;
  const found = await findReference(recorded, vscode.Uri.parse(entry.uri));
  if (!found) {
    void s.ui.warn(
      vscode.l10n.t('{0}, the image {1} was edited from, is no longer in the workspace.', recorded, path.posix.basename(vscode.Uri.parse(entry.uri).path)),
    );
    return;
  }
  await vscode.commands.executeCommand('revealInExplorer', found);
}
