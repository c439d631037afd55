/**
 * Run a generation from a ready request (the generator panel, the gallery's Regenerate and Vary):
 * every check before spending credits, the key, the destination, then `execute`. The caller
 * chooses how progress shows; failures come back as a sentence (and are shown by the caller).
 */
import * as vscode from 'vscode';
import { findModel } from '../core/catalog';
import { checkFileNamePattern } from '../core/naming';
import type { GenerationRequest } from '../core/request';
import { asFluxError, loadCore, type FluxErrorLike } from './core';
import { checkRealLocation, resolveDestination } from './destination';
import { ensureKey } from './generate';
import { execute, showFailure, withNotification, type Executed, type RunningGeneration } from './generation';
import { readSettings } from './settings';
import type { Services } from './services';

export type RunOutcome =
  | { readonly ok: true; readonly executed: Executed }
  | { readonly ok: false; readonly cancelled: boolean; readonly message?: string; readonly problems?: readonly { field: string; message: string }[]; readonly error?: FluxErrorLike };

export interface RunOptions {
  readonly request: GenerationRequest;
  /** The document the images belong to (destination and link form); else the first workspace folder. */
  readonly documentUri?: vscode.Uri;
  /** Show a cancellable notification as the commands do (default), or nothing (the caller shows progress). */
  readonly progress?: 'notification' | 'none';
  /** Called once the generation has started, so the caller can show it and cancel it. */
  readonly onStart?: (job: RunningGeneration) => void;
  /** Also show failures as notifications with their actions (default true). */
  readonly notifyFailures?: boolean;
  /** Save into this folder (inside a workspace folder) instead of the assets folder: the gallery's Regenerate and Vary, beside the original. */
  readonly folder?: vscode.Uri;
}

export async function runRequest(s: Services, opts: RunOptions): Promise<RunOutcome> {
  const settings = readSettings(opts.documentUri);
  const notify = opts.notifyFailures !== false;
  const fail = (message: string): RunOutcome => {
    if (notify) void s.ui.error(message);
    return { ok: false, cancelled: false, message };
  };

  const checked = loadCore().validateRequest(opts.request);
  if (!checked.ok) {
    if (notify) void s.ui.error(checked.problems.map((p) => p.message).join(' '));
    return { ok: false, cancelled: false, problems: checked.problems, message: checked.problems.map((p) => p.message).join(' ') };
  }
  const model = findModel(opts.request.model)!;
  const patternProblem = checkFileNamePattern(settings.fileNamePattern);
  if (patternProblem) return fail(vscode.l10n.t('{0} Change {1}.', patternProblem, 'fluxStudio.fileNamePattern'));

  const document = opts.documentUri ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === opts.documentUri!.toString()) ?? { uri: opts.documentUri, isUntitled: opts.documentUri.scheme === 'untitled' } : undefined;
  const folderWithoutDocument = document ? undefined : vscode.workspace.workspaceFolders?.[0];
  const beside = opts.folder && vscode.workspace.getWorkspaceFolder(opts.folder);
  const dest = opts.folder && beside ? { kind: 'folder' as const, folder: opts.folder, workspaceFolder: beside } : resolveDestination(document, settings.assetsFolder, folderWithoutDocument);
  let folder: vscode.Uri;
  if (dest.kind === 'refused') return fail(dest.message);
  if (dest.kind === 'ask') {
    const where = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: vscode.l10n.t('Save Images Here'), title: vscode.l10n.t('Flux: Where should the images be saved?') });
    if (!where?.[0]) return { ok: false, cancelled: true };
    folder = where[0];
  } else {
    folder = dest.folder;
    const escape = await checkRealLocation(dest.folder, dest.workspaceFolder, settings.assetsFolder);
    if (escape) return fail(escape);
  }

  const apiKey = await ensureKey(s, model.provider, model);
  if (!apiKey) return { ok: false, cancelled: true };

  const job = s.generations.start(opts.request.prompt, model);
  opts.onStart?.(job);
  const retry = () => runRequest(s, opts);
  try {
    const work = () => execute(s, { settings, model, request: opts.request, apiKey, folder }, job);
    const executed = opts.progress === 'none' ? await work() : await withNotification(`Flux: ${model.label}`, job, work);
    return { ok: true, executed };
  } catch (e) {
    const fe = asFluxError(e);
    const cancelled = e instanceof vscode.CancellationError || fe?.kind === 'cancelled';
    const message = cancelled ? (fe?.message ?? vscode.l10n.t('Generation cancelled.')) : fe?.message ?? (e instanceof Error ? e.message : String(e));
    if (notify) {
      if (!showFailure(s, e, folder, retry)) throw e;
    } else if (!fe && !(e instanceof vscode.CancellationError) && !(e instanceof vscode.FileSystemError)) {
      throw e;
    }
    return { ok: false, cancelled, message, ...(fe ? { error: fe } : {}) };
  } finally {
    job.end();
  }
}
