/**
 * Everything checked before credits are spent, once, for every way a generation starts (the
 * commands, the generator panel, the gallery's Regenerate and Vary): the request against the
 * catalog, the file-name pattern, the link template of the document the links go into, the
 * destination folder (and its real location), the key. No message is shown here: the questions
 * (a folder pick, a save dialog, the key) come from the caller, and a refusal comes back for the
 * caller to show in its own place (a notification, the panel's card).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ModelEntry, ProviderId } from '../../core/catalog';
import { keyName } from '../../core/catalog';
import { checkLinkTemplate, linkProblem, rawRelativePath } from '../../core/links';
import { checkFileNamePattern, renderBaseName } from '../../core/naming';
import { validateRequest, type GenerationRequest, type Problem, type ValidRequest } from '../../core/request';
import { checkRealLocation, resolveDestination } from '../destination';
import { languageOf } from '../links';
import { readSettings, type Settings } from '../settings';

/** The questions a caller answers in its own way. */
export interface Questions {
  /** No document and several workspace folders: which one (undefined: the user cancelled). */
  workspaceFolder(folders: readonly vscode.WorkspaceFolder[]): Thenable<vscode.WorkspaceFolder | undefined>;
  /** The document is outside the workspace (or there is none): where to save images of type `ext`. */
  saveLocation(ext: string): Thenable<{ folder: vscode.Uri; baseName?: string } | undefined>;
  /** The provider's key (undefined: none, and none was set). */
  key(provider: ProviderId, model: ModelEntry): Promise<string | undefined>;
}

export interface PreflightInput {
  readonly request: GenerationRequest;
  /** The document the images belong to: its settings and its assets folder. */
  readonly document?: { readonly uri: vscode.Uri; readonly isUntitled: boolean };
  /** The document the links go into, whose link template must be usable. */
  readonly linksInto?: vscode.TextDocument;
  /** Save into this folder (inside a workspace folder) instead of the assets folder: beside an original. */
  readonly beside?: vscode.Uri;
  /** An edit: the source image's file name, for `<source>-edit-<seed>` names. */
  readonly editOf?: string;
}

export type Refusal =
  | { readonly kind: 'invalid'; readonly problems: readonly Problem[] }
  | { readonly kind: 'refused'; readonly message: string }
  | { readonly kind: 'noKey'; readonly provider: ProviderId; readonly message: string }
  | { readonly kind: 'cancelled' };

export interface Plan {
  readonly settings: Settings;
  readonly model: ModelEntry;
  /** Checked once, here; the engine does not check it again. */
  readonly request: ValidRequest;
  readonly apiKey: string;
  readonly folder: vscode.Uri;
  /** A file name chosen in a save dialog, used instead of the pattern. */
  readonly baseName?: string;
  /** The size as asked (`1024x768`, a preset, `W:H`), kept in the gallery for Regenerate. */
  readonly askedSize?: string;
  /** The workspace folder `folder` must stay inside (checked again when saving). */
  readonly within?: vscode.Uri;
  /** An edit: the source image's file name (the saved files are named after it). */
  readonly editOf?: string;
}

export type Preflight = { readonly ok: true; readonly plan: Plan } | { readonly ok: false; readonly refusal: Refusal; readonly settings: Settings };

export async function preflight(input: PreflightInput, ask: Questions): Promise<Preflight> {
  const settings = readSettings(input.document?.uri);
  const refuse = (refusal: Refusal): Preflight => ({ ok: false, refusal, settings });

  const checked = validateRequest(input.request);
  if (!checked.ok) return refuse({ kind: 'invalid', problems: checked.problems });
  const request = checked.value;
  const model = request.model;

  const patternProblem = checkFileNamePattern(settings.fileNamePattern);
  if (patternProblem) return refuse({ kind: 'refused', message: vscode.l10n.t('{0} Change {1}.', patternProblem, 'fluxStudio.fileNamePattern') });
  if (input.linksInto) {
    const languageId = languageOf(input.linksInto);
    const template = settings.linkTemplates[languageId];
    const templateProblem = template !== undefined ? checkLinkTemplate(template) : undefined;
    if (templateProblem)
      return refuse({ kind: 'refused', message: vscode.l10n.t('{0} Change the "{1}" entry of {2}.', templateProblem, languageId, 'fluxStudio.linkTemplates') });
  }

  // Where the images go (asked now, before anything is paid for).
  let folder: vscode.Uri;
  let baseName: string | undefined;
  let within: vscode.Uri | undefined;
  const besideFolder = input.beside && vscode.workspace.getWorkspaceFolder(input.beside);
  let withoutDocument: vscode.WorkspaceFolder | undefined;
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (!input.document && !besideFolder && folders.length) {
    withoutDocument = folders.length === 1 ? folders[0] : await ask.workspaceFolder(folders);
    if (!withoutDocument) return refuse({ kind: 'cancelled' });
  }
  const dest =
    input.beside && besideFolder
      ? { kind: 'folder' as const, folder: input.beside, workspaceFolder: besideFolder }
      : resolveDestination(input.document, settings.assetsFolder, withoutDocument);
  if (dest.kind === 'refused') return refuse({ kind: 'refused', message: dest.message });
  if (dest.kind === 'ask') {
    const ext = request.outputFormat === 'jpeg' ? 'jpg' : request.outputFormat;
    const where = await ask.saveLocation(ext);
    if (!where) return refuse({ kind: 'cancelled' });
    folder = where.folder;
    baseName = where.baseName;
  } else {
    folder = dest.folder;
    within = dest.workspaceFolder.uri;
    const escape = await checkRealLocation(dest.folder, dest.workspaceFolder, settings.assetsFolder);
    if (escape) return refuse({ kind: 'refused', message: escape });
  }

  // The link the document will get must be able to carry this image: its format and its path.
  if (input.linksInto && !input.linksInto.isUntitled && input.linksInto.uri.scheme === folder.scheme) {
    const ext = request.outputFormat === 'jpeg' ? 'jpg' : request.outputFormat;
    const name = `${baseName ?? renderBaseName(settings.fileNamePattern, { prompt: request.prompt, model: model.id, ...(request.seed !== undefined ? { seed: request.seed } : {}), date: new Date(), index: 1 })}.${ext}`;
    const relative = rawRelativePath(path.posix.dirname(input.linksInto.uri.path), path.posix.join(folder.path, name));
    const problem = linkProblem(languageOf(input.linksInto), ext, relative);
    if (problem) return refuse({ kind: 'refused', message: problem });
  }

  const apiKey = await ask.key(model.provider, model);
  if (!apiKey) {
    return refuse({
      kind: 'noKey',
      provider: model.provider,
      message: vscode.l10n.t('No {0} is set, so {1} cannot generate yet. Set the key to carry on.', keyName(model.provider), model.label),
    });
  }
  const plan: Plan = {
    settings,
    model,
    request,
    apiKey,
    folder,
    ...(baseName !== undefined ? { baseName } : {}),
    ...(input.request.size ? { askedSize: input.request.size } : {}),
    ...(within ? { within } : {}),
    ...(input.editOf !== undefined ? { editOf: input.editOf } : {}),
  };
  return { ok: true, plan };
}
