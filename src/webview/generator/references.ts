/**
 * The generator panel's reference images, extension side: files come from "Choose Files…" (an open
 * dialog) or are dropped on the area (from the Explorer or the gallery, holding Shift). Each is
 * read and checked when it is added (bounded, as Generate reads it), so a file the model cannot take
 * is refused at once with the reason; the first one added sets the size to its shape, as Edit Image
 * does. Generate reads them all again (the files may have changed since).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { findModel, type ModelEntry } from '../../core/catalog';
import { sizeForSource } from '../../core/reference';
import { readReference } from '../../host/references';
import { sizeFields } from './form';
import type { FormState, NoticeLevel } from './protocol';

/** At most this many dropped URIs are looked at (a model takes at most 4). */
const MAX_DROPPED = 16;

/** The open dialog for reference images; the chosen files' URIs. */
export async function chooseReferenceFiles(model: ModelEntry, room: number): Promise<string[]> {
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: room > 1,
    title: vscode.l10n.t('Flux: Reference images for {0}', model.label),
    openLabel: vscode.l10n.t('Use as Reference'),
    filters: { [vscode.l10n.t('Images')]: ['png', 'jpg', 'jpeg', 'webp'] },
    ...(vscode.workspace.workspaceFolders?.[0] ? { defaultUri: vscode.workspace.workspaceFolders[0].uri } : {}),
  });
  return (picked ?? []).map(String);
}

/** Dropped URIs (the page's uri-list): the parseable ones, each once, at most MAX_DROPPED; the rest are ignored. */
export function droppedUris(uris: readonly string[]): string[] {
  const out: string[] = [];
  for (const text of uris.slice(0, MAX_DROPPED)) {
    try {
      const uri = vscode.Uri.parse(text, true);
      if (!out.includes(uri.toString())) out.push(uri.toString());
    } catch {
      // not a URI: ignored, as an editor ignores a drop it cannot read
    }
  }
  return out;
}

export interface Added {
  /** The form's references after the addition. */
  readonly references: string[];
  /** The size fields, when the first reference set them. */
  readonly size?: Pick<FormState, 'size' | 'width' | 'height'>;
  /** Sentences for the page: refusals, files left out, the size set. */
  readonly notes: string[];
  /** `error` when a file was refused, `warning` when files were only left out (too many), else `info`. */
  readonly level: NoticeLevel;
}

/**
 * Add files to the form's references for `model`: each read and checked now (refused with its
 * reason), duplicates skipped, the count kept within the model's maximum; with none before, the
 * first one's shape becomes the size.
 */
export async function addReferences(model: ModelEntry, have: readonly string[], candidates: readonly string[]): Promise<Added> {
  const rule = model.reference;
  if (!rule) return { references: [...have], notes: [vscode.l10n.t('{0} does not take reference images.', model.id)], level: 'error' };
  const references = [...have];
  const notes: string[] = [];
  let first: { name: string; width: number; height: number } | undefined;
  let left = 0;
  for (const text of candidates) {
    if (references.includes(text)) continue;
    if (references.length >= rule.max) {
      left++;
      continue;
    }
    const uri = vscode.Uri.parse(text, true);
    const read = await readReference(uri, model);
    if (!read.ok) {
      notes.push(read.message);
      continue;
    }
    references.push(text);
    if (!have.length && !first) first = { name: path.posix.basename(uri.path), width: read.image.width, height: read.image.height };
  }
  const refused = notes.length > 0;
  if (left) notes.push(vscode.l10n.t('{0} takes at most {1} reference images; {2} of the chosen files were left out.', model.id, rule.max, left));
  const own = first && sizeForSource(model, first.width, first.height);
  const size = own ? sizeFields(model, own) : undefined;
  if (first && size) notes.push(vscode.l10n.t('The size follows the shape of {0}: {1}.', first.name, own!));
  return { references, ...(size ? { size } : {}), notes, level: refused ? 'error' : left > 0 ? 'warning' : 'info' };
}

/**
 * Where a copied command reads a reference: relative to the workspace folder in a single-folder
 * workspace, else (several folders, or a file outside them) its absolute path.
 */
export function shellPath(uri: vscode.Uri): { path: string; relative: boolean } {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const own = vscode.workspace.getWorkspaceFolder(uri);
  if (own && folders.length === 1) return { path: path.posix.relative(own.uri.path, uri.path), relative: true };
  return { path: uri.scheme === 'file' ? uri.fsPath : uri.path, relative: false };
}

type SizeFields = Pick<FormState, 'size' | 'width' | 'height'>;

/**
 * The panel's intake of reference images: one addition at a time (two drops, or a drop and Choose
 * Files…, never read the same form), each applied to the form as it is when the files have been
 * read: a model changed meanwhile drops the addition, a reference removed meanwhile stays removed.
 */
export class ReferenceIntake {
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly form: () => FormState,
    private readonly apply: (references: string[], size: SizeFields | undefined, notes: string[], level: NoticeLevel) => void,
  ) {}

  take(how: { kind: 'choose' } | { kind: 'drop'; uris: readonly string[] }): Promise<void> {
    const next = this.queue.then(() => this.takeNow(how));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async takeNow(how: { kind: 'choose' } | { kind: 'drop'; uris: readonly string[] }): Promise<void> {
    const model = findModel(this.form().model);
    if (!model?.reference) return;
    const have = this.form().references ?? [];
    const candidates = how.kind === 'choose' ? await chooseReferenceFiles(model, model.reference.max - have.length) : droppedUris(how.uris);
    if (!candidates.length) return;
    const added = await addReferences(model, have, candidates);
    const now = this.form();
    if (now.model !== model.key) return;
    const current = now.references ?? [];
    const fresh = added.references.filter((u) => !have.includes(u) && !current.includes(u));
    const references = [...current, ...fresh].slice(0, model.reference.max);
    this.apply(references, current.length ? undefined : added.size, added.notes, added.level);
  }
}
