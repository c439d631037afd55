/**
 * The generation flow behind "Generate Image…" and "Generate Image from Selection": prompt, model
 * and size, key, destination, then a cancellable progress notification while the engine works,
 * then saving and inserting the links where the user asked.
 */
import { homedir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { findModel, formatSize, keyName, type ModelEntry, type ProviderId } from '../core/catalog';
import { altText, checkLinkTemplate } from '../core/links';
import { checkFileNamePattern, renderBaseName } from '../core/naming';
import type { GenerationRequest } from '../core/request';
import { firstTimeActions, openWalkthrough } from './walkthrough';
import { Anchor } from './anchor';
import { loadCore } from './core';
import { checkRealLocation, resolveDestination } from './destination';
import { execute, insertLinks, languageOf, showFailure, withNotification, type Target } from './generation';
import { setApiKeyCommand } from './keys';
import { pickModel, pickSize } from './pickers';
import { readSettings, type Settings } from './settings';
import type { Services } from './services';

/** What a script or keybinding may pass to the generate commands; each field skips its question. */
export interface GenerateArgs {
  prompt?: string;
  model?: string;
  size?: string;
  numImages?: number;
  seed?: number;
  outputFormat?: string;
  params?: Record<string, string | number | boolean>;
}

function parseArgs(raw: unknown): GenerateArgs {
  if (!raw || typeof raw !== 'object' || raw instanceof vscode.Uri) return {};
  const o = raw as Record<string, unknown>;
  const out: GenerateArgs = {};
  if (typeof o.prompt === 'string') out.prompt = o.prompt;
  if (typeof o.model === 'string') out.model = o.model;
  if (typeof o.size === 'string') out.size = o.size;
  if (typeof o.numImages === 'number') out.numImages = o.numImages;
  if (typeof o.seed === 'number') out.seed = o.seed;
  if (typeof o.outputFormat === 'string') out.outputFormat = o.outputFormat;
  if (o.params && typeof o.params === 'object') out.params = o.params as GenerateArgs['params'];
  return out;
}

const RECENT_KEY = 'fluxStudio.recentPrompts';

async function askPrompt(s: Services): Promise<string | undefined> {
  const recent = s.context.globalState.get<string[]>(RECENT_KEY, []);
  const qp = vscode.window.createQuickPick();
  qp.title = vscode.l10n.t('Flux: Generate Image');
  qp.placeholder = recent.length ? vscode.l10n.t('Describe the image, or pick a recent prompt') : vscode.l10n.t('Describe the image to generate');
  const recentMark = vscode.l10n.t('recent');
  qp.items = recent.map((p) => ({ label: p, description: recentMark }));
  qp.ignoreFocusOut = true;
  qp.matchOnDescription = false;
  const chosen = await new Promise<string | undefined>((resolve) => {
    qp.onDidAccept(() => {
      const picked = qp.selectedItems[0]?.label;
      const typed = qp.value.trim();
      resolve(picked && (!typed || picked.includes(typed)) ? picked : typed || undefined);
      qp.hide();
    });
    qp.onDidHide(() => resolve(undefined));
    qp.show();
  });
  qp.dispose();
  if (chosen) {
    await s.context.globalState.update(RECENT_KEY, [chosen, ...recent.filter((p) => p !== chosen)].slice(0, 20));
  }
  return chosen;
}

/** The key for a provider; when missing, offers "Set API Key" and carries on once it is set. */
export async function ensureKey(s: Services, provider: ProviderId, model: ModelEntry): Promise<string | undefined> {
  const found = await s.keys.get(provider);
  if (found) return found.key;
  const setKey = vscode.l10n.t('Set API Key');
  // The first time, the message also leads to the Get Started walkthrough.
  const more = firstTimeActions(s.context.globalState);
  const choice = await s.ui.warn(vscode.l10n.t('No {0} is set, so {1} cannot generate yet. Set the key to carry on.', keyName(provider), model.label), setKey, ...more);
  if (choice !== undefined && more.includes(choice)) void openWalkthrough();
  if (choice !== setKey) return undefined;
  const set = await setApiKeyCommand(s.keys, s.ui, provider);
  return set ? (await s.keys.get(provider))?.key : undefined;
}

/**
 * Run one generation. Resolves with the saved files (empty when cancelled or failed: failures are
 * shown to the user, never thrown); rejects only on a programming error.
 */
export async function generateCommand(s: Services, mode: 'ask' | 'selection', rawArgs?: unknown): Promise<vscode.Uri[]> {
  const editor = vscode.window.activeTextEditor;
  // The place the link belongs to is taken now and follows the user's edits from here on, through
  // every question below and the generation itself.
  const range = editor?.selection;
  const anchor = editor && range ? new Anchor(editor.document.uri, editor.document, range) : undefined;
  try {
    return await generateAt(s, mode, rawArgs, editor, anchor);
  } finally {
    anchor?.dispose();
  }
}

async function generateAt(s: Services, mode: 'ask' | 'selection', rawArgs: unknown, editor: vscode.TextEditor | undefined, anchor: Anchor | undefined): Promise<vscode.Uri[]> {
  const args = parseArgs(rawArgs);
  // The selected text as it was when the command ran.
  const selection = anchor?.originalText || undefined;
  const settings = readSettings(editor?.document.uri);

  // 1. The prompt.
  let prompt = args.prompt ?? selection;
  if (mode === 'selection' && !prompt?.trim()) {
    void s.ui.warn(vscode.l10n.t('Select the text to use as the prompt, then run "{0}" again.', vscode.l10n.t('Flux: Generate Image from Selection')));
    return [];
  }
  if (!prompt?.trim()) prompt = await askPrompt(s);
  if (!prompt?.trim()) return [];

  // 2. Model and size.
  if (settings.defaultModelProblem) void s.ui.warn(settings.defaultModelProblem);
  let model = settings.defaultModel;
  let size: string | undefined;
  if (args.model !== undefined) {
    const m = findModel(args.model);
    if (!m) {
      void s.ui.error(vscode.l10n.t('"{0}" is not a model Flux Image Studio knows. Use a key such as {1}.', args.model, 'aimlapi:flux-pro/v1.1'));
      return [];
    }
    model = m;
    size = args.size;
  } else if (mode === 'ask' && settings.askEachTime) {
    const m = await pickModel(s.ui, model, vscode.l10n.t('Flux: Generate Image (1/2): model'));
    if (!m) return [];
    model = m;
    const choice = args.size === undefined ? await pickSize(s.ui, model, settings.defaultSize || undefined, vscode.l10n.t('Flux: Generate Image (2/2): size')) : undefined;
    if (args.size === undefined && !choice) return [];
    size = args.size ?? (choice && formatSize(choice));
  } else {
    size = args.size;
  }
  const core = loadCore();
  if (size === undefined && settings.defaultSize) {
    const fits = core.validateRequest({ model: model.key, prompt: 'x', size: settings.defaultSize }).ok;
    if (fits) size = settings.defaultSize;
    else void s.ui.info(vscode.l10n.t('{0} cannot make the default size {1}; using its own default, {2}.', model.label, settings.defaultSize, formatSize(model.size.default)));
  }
  const format = args.outputFormat ?? (settings.outputFormat !== 'auto' && model.formats.includes(settings.outputFormat) ? settings.outputFormat : undefined);

  // 3. Everything that can be checked before spending credits.
  const request: GenerationRequest = {
    model: model.key,
    prompt,
    ...(size ? { size } : {}),
    ...(args.numImages !== undefined ? { numImages: args.numImages } : {}),
    ...(args.seed !== undefined ? { seed: args.seed } : {}),
    ...(format ? { outputFormat: format } : {}),
    ...(args.params ? { params: args.params } : {}),
  };
  const checked = core.validateRequest(request);
  if (!checked.ok) {
    void s.ui.error(checked.problems.map((p) => p.message).join(' '));
    return [];
  }
  const patternProblem = checkFileNamePattern(settings.fileNamePattern);
  if (patternProblem) {
    void s.ui.error(vscode.l10n.t('{0} Change {1}.', patternProblem, 'fluxStudio.fileNamePattern'));
    return [];
  }
  const document = editor?.document;
  const languageId = document ? languageOf(document) : 'markdown';
  const userTemplate = settings.linkTemplates[languageId];
  const templateProblem = userTemplate !== undefined ? checkLinkTemplate(userTemplate) : undefined;
  if (templateProblem) {
    void s.ui.error(vscode.l10n.t('{0} Change the "{1}" entry of {2}.', templateProblem, languageId, 'fluxStudio.linkTemplates'));
    return [];
  }

  // 4. Where the images go (asked now, before anything is paid for).
  let folderWithoutDocument: vscode.WorkspaceFolder | undefined;
  if (!document && vscode.workspace.workspaceFolders?.length) {
    folderWithoutDocument =
      vscode.workspace.workspaceFolders.length === 1
        ? vscode.workspace.workspaceFolders[0]
        : await vscode.window.showWorkspaceFolderPick({ placeHolder: vscode.l10n.t('Which workspace folder should the image be saved in?'), ignoreFocusOut: true });
    if (!folderWithoutDocument) return [];
  }
  const dest = resolveDestination(document, settings.assetsFolder, folderWithoutDocument);
  let folder: vscode.Uri;
  let baseOverride: string | undefined;
  if (dest.kind === 'refused') {
    void s.ui.error(dest.message);
    return [];
  } else if (dest.kind === 'ask') {
    const where = await vscode.window.showSaveDialog({
      title: vscode.l10n.t('Flux: Save the generated image'),
      saveLabel: vscode.l10n.t('Save Image'),
      defaultUri: vscode.Uri.joinPath(vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(homedir()), `${renderBaseName(settings.fileNamePattern, { prompt, model: model.id, date: new Date(), index: 1 })}.${checked.value.outputFormat === 'jpeg' ? 'jpg' : checked.value.outputFormat}`),
      filters: { [vscode.l10n.t('Images')]: ['png', 'jpg', 'jpeg', 'webp'] },
    });
    if (!where) return [];
    folder = vscode.Uri.joinPath(where, '..');
    baseOverride = path.posix.basename(where.path).replace(/\.(png|jpe?g|webp)$/i, '');
  } else {
    folder = dest.folder;
    const escape = await checkRealLocation(dest.folder, dest.workspaceFolder, settings.assetsFolder);
    if (escape) {
      void s.ui.error(escape);
      return [];
    }
  }

  // 5. The key.
  const apiKey = await ensureKey(s, model.provider, model);
  if (!apiKey) return [];

  const target: Target | undefined = document && anchor ? { document, anchor } : undefined;
  return run(s, settings, checked.value.model, request, apiKey, folder, baseOverride, target, rawArgs, mode);
}

async function run(
  s: Services,
  settings: Settings,
  model: ModelEntry,
  request: GenerationRequest,
  apiKey: string,
  folder: vscode.Uri,
  baseOverride: string | undefined,
  target: Target | undefined,
  rawArgs: unknown,
  mode: 'ask' | 'selection',
): Promise<vscode.Uri[]> {
  const again = { ...(typeof rawArgs === 'object' && rawArgs ? rawArgs : {}), prompt: request.prompt, model: model.key, ...(request.size ? { size: request.size } : {}) };
  const retry = () => vscode.commands.executeCommand(mode === 'selection' ? 'fluxStudio.generateFromSelection' : 'fluxStudio.generate', again);
  const job = s.generations.start(request.prompt, model);
  try {
    return await withNotification(`Flux: "${altText(request.prompt, 40)}"`, job, async () => {
      const done = await execute(s, { settings, model, request, apiKey, folder, baseOverride }, job, (saved) => insertLinks(s, settings, saved.files, saved.records, target));
      return done.files;
    });
  } catch (e) {
    if (showFailure(s, e, folder, retry)) return [];
    throw e;
  } finally {
    job.end();
  }
}

