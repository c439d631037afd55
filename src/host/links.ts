/**
 * Links to images in documents, in one place for every way a link goes in (a generation from a
 * command or the panel, the gallery's Insert, a drop): the link's text in the document's own form,
 * a place that follows the user's edits while a generation runs (`Anchor`), and one queue per
 * document, so our edits to a document go in one after the other whoever makes them. A drop is
 * applied by the workbench itself, so it shares the link text only.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { altText, buildLink, relativeImagePath } from '../core/links';
import { placeLink } from '../core/placement';
import { readSettings, type InsertPosition, type Settings } from './settings';
import type { Ui } from './ui';

// ---- A place that follows edits -----------------------------------------------------------------

/**
 * A place in a document that follows the user's edits while a generation runs, so the link lands
 * where it was asked for even if they typed elsewhere, switched editors or closed the document.
 */
export class Anchor implements vscode.Disposable {
  private start: number;
  private end: number;
  private readonly sub: vscode.Disposable;
  /** The text the range held when the anchor was made (for "replace selection"). */
  readonly originalText: string;
  private touched = false;

  constructor(
    readonly uri: vscode.Uri,
    document: vscode.TextDocument,
    range: vscode.Range,
  ) {
    this.start = document.offsetAt(range.start);
    this.end = document.offsetAt(range.end);
    this.originalText = document.getText(range);
    this.sub = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document.uri.toString() !== this.uri.toString()) return;
      for (const c of e.contentChanges) this.shift(c.rangeOffset, c.rangeLength, c.text.length);
    });
  }

  /** Apply one change (offsets in the text before it) to both ends. */
  private shift(offset: number, removed: number, inserted: number): void {
    const delta = inserted - removed;
    const changeEnd = offset + removed;
    const move = (pos: number, isStart: boolean): number => {
      if (offset >= pos) return pos; // at or after the position
      if (changeEnd <= pos) return pos + delta; // wholly before it
      return isStart ? offset : offset + inserted; // across it: to the edge of the new text
    };
    const overlaps = offset < this.end && changeEnd > this.start;
    if (overlaps || (removed === 0 && offset > this.start && offset < this.end)) this.touched = true;
    this.start = move(this.start, true);
    this.end = Math.max(this.start, move(this.end, false));
  }

  /** The current range in a (re)opened document, clamped to its length. */
  range(document: vscode.TextDocument): vscode.Range {
    const max = document.getText().length;
    return new vscode.Range(document.positionAt(Math.min(this.start, max)), document.positionAt(Math.min(this.end, max)));
  }

  /** Whether the user edited inside the range since it was made. */
  get editedInside(): boolean {
    return this.touched;
  }

  dispose(): void {
    this.sub.dispose();
  }
}

// ---- The link's text ------------------------------------------------------------------------------

/** What a link is built from: the image's record (or gallery entry). */
export interface LinkSource {
  readonly prompt: string;
  readonly seed?: number;
  readonly model: string;
  readonly width: number;
  readonly height: number;
}

/**
 * The link to an image in a document's form (the document's language, the user's template for it,
 * a path relative to the document); without a document, Markdown relative to the workspace folder.
 */
export function linkText(
  file: vscode.Uri,
  r: LinkSource,
  document: vscode.TextDocument | undefined,
  settings: Settings = readSettings(document?.uri ?? file),
): string {
  const languageId = document ? languageOf(document) : 'markdown';
  // A document on another file system (another scheme or remote) cannot reach the image by a
  // relative path: it gets the image's full URI.
  const sameRoot = document !== undefined && document.uri.scheme === file.scheme && document.uri.authority === file.authority;
  const relative = document && !document.isUntitled && sameRoot;
  const baseDir = relative ? path.posix.dirname(document.uri.path) : (vscode.workspace.getWorkspaceFolder(file)?.uri.path ?? path.posix.dirname(file.path));
  const target = document && !document.isUntitled && !sameRoot ? file.toString() : relativeImagePath(baseDir, file.path);
  return buildLink(
    languageId,
    {
      path: target,
      alt: altText(r.prompt),
      width: r.width,
      height: r.height,
      prompt: r.prompt,
      model: r.model,
      ...(r.seed !== undefined ? { seed: r.seed } : {}),
    },
    settings.linkTemplates[languageId],
  );
}

// ---- Putting links in -------------------------------------------------------------------------------

/**
 * Our own edits to one document, one after the other: an edit is placed from the extension host's
 * view of the document, so it must not be placed while another of ours is still on its way to it.
 */
const editQueues = new Map<string, Promise<unknown>>();
async function oneEditAtATime<T>(uri: vscode.Uri, work: () => Promise<T>): Promise<T> {
  const key = uri.toString();
  const previous = editQueues.get(key) ?? Promise.resolve();
  const mine = previous.then(work, work);
  const tail = mine.then(
    () => undefined,
    () => undefined,
  );
  editQueues.set(key, tail);
  try {
    return await mine;
  } finally {
    if (editQueues.get(key) === tail) editQueues.delete(key);
  }
}

/**
 * Apply the links at the anchor. An edit is refused when the document changed between placing it
 * and applying it (the user kept typing): it is placed again from the anchor, which has followed
 * the typing, for a few seconds.
 */
async function applyAtAnchor(document: vscode.TextDocument, anchor: Anchor, position: InsertPosition, links: string[]): Promise<boolean> {
  for (const deadline = Date.now() + 5000; Date.now() < deadline;) {
    const edit = new vscode.WorkspaceEdit();
    const placed = placeLinks(document, anchor, position, links);
    const start = document.offsetAt(placed.range.start);
    edit.set(document.uri, [placed]);
    if (await vscode.workspace.applyEdit(edit)) {
      settleCursor(document, document.positionAt(start + placed.newText.length), document.positionAt(start + linkEndIn(placed.newText, links)));
      return true;
    }
    await new Promise((r) => setTimeout(r, 10 + Math.random() * 40));
  }
  return false;
}

/**
 * Where the last link ends in the inserted text (before the blank line or `..` that closes the
 * block); the text's end when it cannot be found.
 */
function linkEndIn(text: string, links: readonly string[]): number {
  const lastLine = links[links.length - 1]?.split(/\r\n|\n|\r/).pop() ?? '';
  const at = lastLine ? text.lastIndexOf(lastLine) : -1;
  return at < 0 ? text.length : at + lastLine.length;
}

/**
 * An edit at the end of a selection stretches the selection over it: the prompt and the new link
 * would then both be selected, and one keystroke would delete both. An editor whose selection now
 * ends at the inserted text's end (`insertedEnd`) gets an empty cursor at the end of the link
 * (`linkEnd`) instead: on the link's line, not after the blank line that separates it from the
 * next block, so typing goes on from the link.
 */
function settleCursor(document: vscode.TextDocument, insertedEnd: vscode.Position, linkEnd: vscode.Position): void {
  for (const editor of vscode.window.visibleTextEditors) {
    if (editor.document !== document) continue;
    if (editor.selections.length === 1 && !editor.selection.isEmpty && editor.selection.end.isEqual(insertedEnd))
      editor.selection = new vscode.Selection(linkEnd, linkEnd);
  }
}

/**
 * Where the link goes and with what text around it (src/core/placement.ts): in Markdown, MDX,
 * AsciiDoc and reST a block of its own after the selection's block, so the renderer shows an image;
 * in HTML, JSX and LaTeX on a line of its own after the selection, or at the cursor.
 */
function placeLinks(document: vscode.TextDocument, anchor: Anchor, position: InsertPosition, links: string[]): vscode.TextEdit {
  const eol = document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
  const r = anchor.range(document);
  if (position === 'replaceSelection' && !r.isEmpty && !anchor.editedInside) return vscode.TextEdit.replace(r, links.join(eol));
  // The end of the selection's last line (a selection ending at a line's start ends on the line before).
  const lastLine = r.end.character === 0 && r.end.line > r.start.line ? r.end.line - 1 : r.end.line;
  const at = position === 'atCursor' ? r.end : document.lineAt(lastLine).range.end;
  const placed = placeLink(document.getText(), document.offsetAt(at), languageOf(document), links, { atCursor: position === 'atCursor' });
  return vscode.TextEdit.insert(document.positionAt(placed.offset), placed.text);
}

/** The document's language id; for plain text, what its file extension says (MDX, AsciiDoc, reST, LaTeX). */
export function languageOf(document: vscode.TextDocument): string {
  if (document.languageId !== 'plaintext') return document.languageId;
  const ext = path.posix.extname(document.uri.path).toLowerCase();
  return (
    ({ '.mdx': 'mdx', '.adoc': 'asciidoc', '.asciidoc': 'asciidoc', '.rst': 'restructuredtext', '.tex': 'latex' } as Record<string, string>)[ext] ?? 'plaintext'
  );
}

/** Where links go: at an anchor (a generation), or over every selection of an editor (the gallery's Insert). */
export type Place =
  { readonly kind: 'anchor'; readonly anchor: Anchor; readonly position: InsertPosition } | { readonly kind: 'selections'; readonly editor: vscode.TextEditor };

/** How it went: put in (and where), no place to put it, or the document refused the edit. Links not put in are on the clipboard. */
export type Inserted = { readonly ok: true; readonly document: vscode.TextDocument } | { readonly ok: false; readonly why: 'noPlace' | 'refused' | 'gone' };

/**
 * The document behind `uri` is gone: its file was deleted, or it was untitled and closed without
 * saving. A link put there would land in a buffer nobody sees (VS Code reopens it empty, or keeps
 * the deleted file's text without a tab).
 */
async function isGone(uri: vscode.Uri): Promise<boolean> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString() && !d.isClosed);
  if (uri.scheme === 'untitled') return !open;
  try {
    await vscode.workspace.fs.stat(uri);
    return false;
  } catch {
    // Deleted on disk: only a document still shown in a tab (its unsaved text) may take the link.
    return (
      !open || !vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === uri.toString()))
    );
  }
}

/**
 * Put `links` in at `place`, through the document's queue; when there is no place or the edit is
 * refused, the links go to the clipboard. The caller says what happened in its own words.
 */
export async function insertLinks(links: readonly string[], place: Place | undefined): Promise<Inserted> {
  const toClipboard = async (why: 'noPlace' | 'refused' | 'gone'): Promise<Inserted> => {
    await vscode.env.clipboard.writeText(links.join('\n'));
    return { ok: false, why };
  };
  if (!place) return toClipboard('noPlace');
  if (place.kind === 'selections') {
    const { editor } = place;
    const text = links.join(editor.document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n');
    const ok = await oneEditAtATime(editor.document.uri, async () =>
      editor.edit((b) => {
        for (const sel of editor.selections) b.replace(sel, text);
      }),
    );
    return ok ? { ok: true, document: editor.document } : toClipboard('refused');
  }
  if (await isGone(place.anchor.uri)) return toClipboard('gone');
  const document = await vscode.workspace.openTextDocument(place.anchor.uri);
  const applied = await oneEditAtATime(document.uri, () => applyAtAnchor(document, place.anchor, place.position, [...links]));
  return applied ? { ok: true, document } : toClipboard('refused');
}

/** The short notice after a generation's links went in (or why they are on the clipboard). */
export async function reportInserted(ui: Pick<Ui, 'info' | 'warn'>, files: readonly vscode.Uri[], outcome: Inserted, wasOpen: boolean): Promise<void> {
  const names = files.map((f) => path.posix.basename(f.path)).join(', ');
  if (!outcome.ok && outcome.why === 'gone') {
    void ui
      .warn(
        vscode.l10n.t(
          'Saved {0}, but the document it was for is gone (deleted, or closed without saving), so the link is on the clipboard. The image is in the gallery.',
          names,
        ),
        vscode.l10n.t('Open Image'),
      )
      .then((c) => {
        if (c) void vscode.commands.executeCommand('vscode.open', files[0]);
      });
    return;
  }
  if (!outcome.ok && outcome.why === 'noPlace') {
    void ui.info(vscode.l10n.t('Saved {0}. No text editor was open, so the link is on the clipboard.', names), vscode.l10n.t('Open Image')).then((c) => {
      if (c) void vscode.commands.executeCommand('vscode.open', files[0]);
    });
    return;
  }
  if (!outcome.ok) {
    void ui.warn(vscode.l10n.t('Saved {0}, but the document could not be changed; the link is on the clipboard.', names));
    return;
  }
  if (!wasOpen) await vscode.window.showTextDocument(outcome.document, { preview: false, preserveFocus: true });
  vscode.window.setStatusBarMessage(`$(check) ${vscode.l10n.t('Flux: saved {0}', names)}`, 5000);
}

/**
 * A command's images into its document: the links at the anchor the command took (which followed
 * the edits meanwhile), as one edit, then the notice. Without an anchor, the clipboard.
 */
export async function placeAndReport(
  ui: Pick<Ui, 'info' | 'warn'>,
  saved: { readonly files: readonly vscode.Uri[]; readonly records: readonly LinkSource[] },
  document: vscode.TextDocument | undefined,
  anchor: Anchor | undefined,
  settings: Settings,
): Promise<void> {
  const target = document && anchor ? anchor : undefined;
  const wasOpen = target ? isOpen(target.uri) : false;
  const links = saved.files.map((f, i) => linkText(f, saved.records[i]!, document, settings));
  const outcome = await insertLinks(links, target && { kind: 'anchor', anchor: target, position: settings.insertPosition });
  await reportInserted(ui, saved.files, outcome, wasOpen);
}

/** Whether a document is open in the workbench now (a link into a closed one reopens it). */
export function isOpen(uri: vscode.Uri): boolean {
  return vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString() && !d.isClosed);
}

/** The links for a drop of images into `document`, one per line in the document's line ends. */
export function dropText(document: vscode.TextDocument, images: readonly { file: vscode.Uri; source: LinkSource }[]): string {
  const eol = document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
  return images.map((i) => linkText(i.file, i.source, document)).join(eol);
}
