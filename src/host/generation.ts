/**
 * One generation from a checked request to saved files: the engine, then saving, then the gallery
 * record. Shared by the commands, the generator panel and the gallery; each shows progress and
 * failures its own way. Also the running-generation registry and link insertion.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { PROVIDERS, type ModelEntry, type ProviderId } from '../core/catalog';
import type { GalleryEntry } from '../core/gallery';
import { altText, buildLink, relativeImagePath } from '../core/links';
import type { GenerationRecord } from '../core/metadata';
import { renderBaseName } from '../core/naming';
import type { Progress } from '../core/providers/types';
import type { GenerationRequest } from '../core/request';
import { markGenerated } from './walkthrough';
import type { Anchor } from './anchor';
import { asFluxError, loadCore } from './core';
import { setApiKeyCommand } from './keys';
import { listNames, saveAll } from './save';
import type { InsertPosition, Settings } from './settings';
import type { Services } from './services';

// ---- Running generations ------------------------------------------------------------------------

/** A generation under way, as the notification, the panel and the gallery show it. */
export class RunningGeneration {
  readonly id = Math.random().toString(36).slice(2, 10);
  readonly startedAt = Date.now();
  readonly controller = new AbortController();
  phase: string;
  percent: number | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(readonly prompt: string, readonly model: ModelEntry, private readonly registry: Generations) {
    this.phase = vscode.l10n.t('Sending to {0}…', PROVIDERS[model.provider].label);
  }

  update(phase: string, percent?: number): void {
    this.phase = phase;
    this.percent = percent;
    this.changed.fire();
    this.registry.changed();
  }

  cancel(): void {
    this.controller.abort();
  }

  end(): void {
    this.changed.dispose();
    this.registry.remove(this);
  }
}

/** Every generation under way in this window; the `fluxStudio.generating` context key follows. */
export class Generations implements vscode.Disposable {
  private readonly running = new Map<string, RunningGeneration>();
  private contextValue = false;
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;

  start(prompt: string, model: ModelEntry): RunningGeneration {
    const g = new RunningGeneration(prompt, model, this);
    this.running.set(g.id, g);
    this.changed();
    return g;
  }

  list(): RunningGeneration[] {
    return [...this.running.values()];
  }

  cancel(id: string): boolean {
    const g = this.running.get(id);
    g?.cancel();
    return Boolean(g);
  }

  /** Abort every running generation; returns how many there were. */
  cancelAll(): number {
    for (const g of this.running.values()) g.cancel();
    return this.running.size;
  }

  /** @internal */
  changed(): void {
    // The context key only when it flips: progress updates are frequent and this is a round trip.
    const any = this.running.size > 0;
    if (any !== this.contextValue) {
      this.contextValue = any;
      void vscode.commands.executeCommand('setContext', 'fluxStudio.generating', any);
    }
    this.emitter.fire();
  }

  /** @internal */
  remove(g: RunningGeneration): void {
    if (this.running.delete(g.id)) this.changed();
  }

  dispose(): void {
    this.cancelAll();
    this.emitter.dispose();
  }
}

/**
 * Run `work` under a cancellable progress notification that shows the generation's phase and the
 * elapsed seconds (ticking each second); Cancel aborts the generation.
 */
export function withNotification<T>(title: string, job: RunningGeneration, work: () => Promise<T>): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    const onCancel = token.onCancellationRequested(() => job.cancel());
    const show = () => progress.report({ message: `${job.phase} ${Math.round((Date.now() - job.startedAt) / 1000)} s` });
    const onPhase = job.onDidChange(show);
    show();
    const ticker = setInterval(show, 1000);
    try {
      return await work();
    } finally {
      clearInterval(ticker);
      onPhase.dispose();
      onCancel.dispose();
    }
  });
}

// ---- Executing ------------------------------------------------------------------------------

export interface Plan {
  readonly settings: Settings;
  readonly model: ModelEntry;
  readonly request: GenerationRequest;
  readonly apiKey: string;
  readonly folder: vscode.Uri;
  /** A file name chosen in a save dialog, used instead of the pattern. */
  readonly baseOverride?: string;
}

export interface Executed {
  readonly files: vscode.Uri[];
  readonly records: GenerationRecord[];
  readonly entries: GalleryEntry[];
}

function phaseText(p: Progress, provider: ProviderId, model: ModelEntry): string | undefined {
  switch (p.phase) {
    case 'submitting':
      return vscode.l10n.t('Sending to {0}…', PROVIDERS[provider].label);
    case 'generating':
      return p.percent !== undefined ? vscode.l10n.t('Generating with {0} ({1}%)…', model.label, Math.round(p.percent)) : vscode.l10n.t('Generating with {0}…', model.label);
    case 'downloading':
      return p.total > 1 ? vscode.l10n.t('Downloading {0} of {1}…', Math.min(p.done + 1, p.total), p.total) : vscode.l10n.t('Downloading…');
    case 'done':
      return undefined;
  }
}

/**
 * Generate, save and record; `alongside` (inserting the links) runs while the gallery records the
 * images. Throws what the engine throws (a FluxError), a FileSystemError, or a
 * CancellationError; on any failure nothing is left in the folder.
 */
export async function execute(s: Services, plan: Plan, job: RunningGeneration, alongside?: (saved: { files: vscode.Uri[]; records: GenerationRecord[] }) => Promise<void>): Promise<Executed> {
  const { settings, model, request } = plan;
  const core = loadCore();
  s.log.info(`Generate: ${model.key}, size ${request.size ?? 'default'}, ${request.numImages ?? 1} image(s)`);
  // List the destination while the provider works; nothing is created before there is something to save.
  const listing = listNames(plan.folder);
  const result = await core.generate(request, {
    http: s.http(),
    logger: s.logger,
    baseUrl: s.baseUrl(model.provider),
    apiKey: plan.apiKey,
    signal: job.controller.signal,
    maxImageBytes: settings.maxImageBytes,
    pollTimeoutMs: settings.pollTimeoutMs,
    onProgress: (p) => {
      const text = phaseText(p, model.provider, model);
      if (text) job.update(text, p.phase === 'generating' ? p.percent : undefined);
    },
  });
  job.update(vscode.l10n.t('Saving…'));
  const date = new Date();
  const files = await saveAll(
    plan.folder,
    result.images.map((img, i) => ({
      base: plan.baseOverride ?? renderBaseName(settings.fileNamePattern, { prompt: result.request.prompt, model: model.id, seed: result.seed, date, index: i + 1 }),
      ext: img.info.ext,
      parts: img.parts,
    })),
    () => job.controller.signal.aborted,
    listing,
  );
  s.log.info(`Saved ${files.map((f) => vscode.workspace.asRelativePath(f)).join(', ')} in ${Date.now() - job.startedAt} ms`);
  markGenerated();
  const records = result.images.map((i) => i.record);
  const entries = files.map((f, i): GalleryEntry => {
    const r = records[i]!;
    return {
      id: `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`,
      uri: f.toString(),
      prompt: r.prompt,
      provider: r.provider,
      model: r.model,
      modelKey: r.modelKey,
      width: r.width,
      height: r.height,
      ...(r.seed !== undefined ? { seed: r.seed } : {}),
      ...(request.size ? { size: request.size } : {}),
      params: { ...r.params },
      outputFormat: r.outputFormat,
      createdAt: r.createdAt,
      ...(r.creditsUsed !== undefined ? { creditsUsed: r.creditsUsed } : {}),
      ...(r.requestId ? { requestId: r.requestId } : {}),
      bytes: result.images[i]!.size,
    };
  });
  // The gallery is told while the link goes in (`alongside`), not before: both are round trips.
  await Promise.all([s.gallery.add(entries), alongside?.({ files, records })]);
  if (result.moderated.length) {
    void s.ui.warn(
      vscode.l10n.t("The {0}'s safety checker blacked out {1} of {2} images; only the others were saved.", PROVIDERS[model.provider].label, result.moderated.length, result.moderated.length + files.length),
    );
  }
  return { files, records, entries };
}

/**
 * Show a failure the way every entry point does: the engine's sentence with the action that helps
 * ("Set API Key", "Retry", "Show Log"). Returns false for a programming error (to be rethrown).
 */
export function showFailure(s: Services, e: unknown, folder: vscode.Uri, retry: () => Thenable<unknown>): boolean {
  if (e instanceof vscode.CancellationError) {
    void s.ui.info(vscode.l10n.t('Generation cancelled. Nothing was saved.'));
    return true;
  }
  const fe = asFluxError(e);
  if (fe) {
    if (fe.kind === 'cancelled') {
      void s.ui.info(vscode.l10n.t('{0} Nothing was saved.', fe.message));
    } else if (fe.kind === 'auth') {
      const setKey = vscode.l10n.t('Set API Key');
      const showLog = vscode.l10n.t('Show Log');
      void s.ui.error(fe.message, setKey, showLog).then(async (c) => {
        if (c === showLog) s.log.show();
        if (c === setKey && fe.provider && (await setApiKeyCommand(s.keys, s.ui, fe.provider))) await retry();
      });
    } else {
      const retryLabel = vscode.l10n.t('Retry');
      const showLog = vscode.l10n.t('Show Log');
      const actions = fe.retryable ? [retryLabel, showLog] : [showLog];
      void s.ui.error(fe.requestId ? vscode.l10n.t('{0} (request {1})', fe.message, fe.requestId) : fe.message, ...actions).then((c) => {
        if (c === showLog) s.log.show();
        if (c === retryLabel) void retry();
      });
    }
    return true;
  }
  if (e instanceof vscode.FileSystemError) {
    void s.ui.error(vscode.l10n.t('The image could not be saved in {0}: {1}. Nothing was left behind.', folder.fsPath || folder.path, e.message), vscode.l10n.t('Show Log'));
    return true;
  }
  return false;
}

// ---- Inserting ------------------------------------------------------------------------------

/** Where a link goes: a document and a place in it that follows the user's edits. */
export interface Target {
  readonly document: vscode.TextDocument;
  readonly anchor: Anchor;
}

/**
 * Our own edits to one document, one after the other: an edit is placed from the extension host's
 * view of the document, so it must not be placed while another of ours is still on its way to it.
 */
const editQueues = new Map<string, Promise<unknown>>();
async function oneEditAtATime<T>(uri: vscode.Uri, work: () => Promise<T>): Promise<T> {
  const key = uri.toString();
  const previous = editQueues.get(key) ?? Promise.resolve();
  const mine = previous.then(work, work);
  const tail = mine.then(() => undefined, () => undefined);
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
  for (const deadline = Date.now() + 5000; Date.now() < deadline; ) {
    const edit = new vscode.WorkspaceEdit();
    edit.set(document.uri, [placeLinks(document, anchor, position, links)]);
    if (await vscode.workspace.applyEdit(edit)) return true;
    await new Promise((r) => setTimeout(r, 10 + Math.random() * 40));
  }
  return false;
}

/** Where the link goes and with what text around it. */
function placeLinks(document: vscode.TextDocument, anchor: Anchor, position: InsertPosition, links: string[]): vscode.TextEdit {
  const eol = document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
  const text = links.join(eol);
  const r = anchor.range(document);
  if (position === 'replaceSelection' && !r.isEmpty && !anchor.editedInside) return vscode.TextEdit.replace(r, text);
  if (position === 'atCursor') return vscode.TextEdit.insert(r.end, text);
  // After the selection, on a line of its own.
  const lastLine = r.end.character === 0 && r.end.line > r.start.line ? r.end.line - 1 : r.end.line;
  return vscode.TextEdit.insert(document.lineAt(lastLine).range.end, eol + text);
}

/** The document's language id; for plain text, what its file extension says (MDX, AsciiDoc, reST, LaTeX). */
export function languageOf(document: vscode.TextDocument): string {
  if (document.languageId !== 'plaintext') return document.languageId;
  const ext = path.posix.extname(document.uri.path).toLowerCase();
  return ({ '.mdx': 'mdx', '.adoc': 'asciidoc', '.asciidoc': 'asciidoc', '.rst': 'restructuredtext', '.tex': 'latex' } as Record<string, string>)[ext] ?? 'plaintext';
}

/** Insert the links (or copy them when there is no editor) and say where the files went. */
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
export function linkText(settings: Settings, file: vscode.Uri, r: LinkSource, document: vscode.TextDocument | undefined): string {
  const languageId = document ? languageOf(document) : 'markdown';
  // A document on another file system (another scheme or remote) cannot reach the image by a
  // relative path: it gets the image's full URI.
  const sameRoot = document !== undefined && document.uri.scheme === file.scheme && document.uri.authority === file.authority;
  const relative = document && !document.isUntitled && sameRoot;
  const baseDir = relative ? path.posix.dirname(document.uri.path) : (vscode.workspace.getWorkspaceFolder(file)?.uri.path ?? path.posix.dirname(file.path));
  const target = document && !document.isUntitled && !sameRoot ? file.toString() : relativeImagePath(baseDir, file.path);
  return buildLink(
    languageId,
    { path: target, alt: altText(r.prompt), width: r.width, height: r.height, prompt: r.prompt, model: r.model, ...(r.seed !== undefined ? { seed: r.seed } : {}) },
    settings.linkTemplates[languageId],
  );
}

export async function insertLinks(s: Services, settings: Settings, files: vscode.Uri[], records: readonly LinkSource[], target: Target | undefined): Promise<void> {
  const links = files.map((f, i) => linkText(settings, f, records[i]!, target?.document));
  const names = files.map((f) => path.posix.basename(f.path)).join(', ');
  if (!target) {
    await vscode.env.clipboard.writeText(links.join('\n'));
    void s.ui.info(vscode.l10n.t('Saved {0}. No text editor was open, so the link is on the clipboard.', names), vscode.l10n.t('Open Image')).then((c) => {
      if (c) void vscode.commands.executeCommand('vscode.open', files[0]);
    });
    return;
  }
  const wasOpen = vscode.workspace.textDocuments.some((d) => d.uri.toString() === target.anchor.uri.toString() && !d.isClosed);
  const document = await vscode.workspace.openTextDocument(target.anchor.uri);
  const applied = await oneEditAtATime(document.uri, () => applyAtAnchor(document, target.anchor, settings.insertPosition, links));
  if (!applied) {
    await vscode.env.clipboard.writeText(links.join('\n'));
    void s.ui.warn(vscode.l10n.t('Saved {0}, but the document could not be changed; the link is on the clipboard.', names));
    return;
  }
  if (!wasOpen) await vscode.window.showTextDocument(document, { preview: false, preserveFocus: true });
  vscode.window.setStatusBarMessage(`$(check) ${vscode.l10n.t('Flux: saved {0}', names)}`, 5000);
}
