/**
 * The generation flow behind "Generate Image…" and "Generate Image from Selection": prompt, model
 * and size, key, destination, then a cancellable progress notification while the engine works,
 * then saving and inserting the links where the user asked.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { findModel, formatSize, PROVIDERS, type ModelEntry, type ProviderId } from '../core/catalog';
import { altText, buildLink, checkLinkTemplate, languageForId, relativeImagePath } from '../core/links';
import { checkFileNamePattern, renderBaseName } from '../core/naming';
import type { Progress } from '../core/providers/types';
import type { GenerationRequest } from '../core/request';
import { Anchor } from './anchor';
import { asFluxError, loadCore } from './core';
import { resolveDestination } from './destination';
import { setApiKeyCommand } from './keys';
import { pickModel, pickSize } from './pickers';
import { saveAll } from './save';
import { readSettings, type InsertPosition, type Settings } from './settings';
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
  qp.title = 'Flux: Generate Image';
  qp.placeholder = recent.length ? 'Describe the image, or pick a recent prompt' : 'Describe the image to generate';
  qp.items = recent.map((p) => ({ label: p, description: 'recent' }));
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
async function ensureKey(s: Services, provider: ProviderId, model: ModelEntry): Promise<string | undefined> {
  const found = await s.keys.get(provider);
  if (found) return found.key;
  const label = PROVIDERS[provider].label;
  const choice = await s.ui.warn(`No ${label} API key is set, so ${model.label} cannot generate yet. Set the key to carry on.`, 'Set API Key');
  if (choice !== 'Set API Key') return undefined;
  const set = await setApiKeyCommand(s.keys, s.ui, provider);
  return set ? (await s.keys.get(provider))?.key : undefined;
}

function phaseText(p: Progress, provider: ProviderId, model: ModelEntry): string | undefined {
  switch (p.phase) {
    case 'submitting':
      return `Sending to ${PROVIDERS[provider].label}…`;
    case 'generating':
      return `Generating with ${model.label}${p.percent !== undefined ? ` (${Math.round(p.percent)}%)` : ''}…`;
    case 'downloading':
      return p.total > 1 ? `Downloading ${Math.min(p.done + 1, p.total)} of ${p.total}…` : 'Downloading…';
    case 'done':
      return undefined;
  }
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

interface Target {
  readonly document: vscode.TextDocument;
  readonly anchor: Anchor;
}

/**
 * Run one generation. Resolves with the saved files (empty when cancelled or failed: failures are
 * shown to the user, never thrown); rejects only on a programming error.
 */
export async function generateCommand(s: Services, mode: 'ask' | 'selection', rawArgs?: unknown): Promise<vscode.Uri[]> {
  const args = parseArgs(rawArgs);
  const editor = vscode.window.activeTextEditor;
  const selection = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection) : undefined;
  const settings = readSettings(editor?.document.uri);

  // 1. The prompt.
  let prompt = args.prompt ?? selection;
  if (mode === 'selection' && !prompt?.trim()) {
    void s.ui.warn('Select the text to use as the prompt, then run "Flux: Generate Image from Selection" again.');
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
      void s.ui.error(`"${args.model}" is not a model Flux Image Studio knows. Use a key such as aimlapi:flux-pro/v1.1.`);
      return [];
    }
    model = m;
    size = args.size;
  } else if (mode === 'ask' && settings.askEachTime) {
    const m = await pickModel(s.ui, model, 'Flux: Generate Image (1/2): model');
    if (!m) return [];
    model = m;
    const choice = args.size === undefined ? await pickSize(s.ui, model, settings.defaultSize || undefined, 'Flux: Generate Image (2/2): size') : undefined;
    if (args.size === undefined && !choice) return [];
    size = args.size ?? (choice && formatSize(choice));
  } else {
    size = args.size;
  }
  const core = loadCore();
  if (size === undefined && settings.defaultSize) {
    const fits = core.validateRequest({ model: model.key, prompt: 'x', size: settings.defaultSize }).ok;
    if (fits) size = settings.defaultSize;
    else void s.ui.info(`${model.label} cannot make the default size ${settings.defaultSize}; using its own default, ${formatSize(model.size.default)}.`);
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
    void s.ui.error(`${patternProblem} Change fluxStudio.fileNamePattern.`);
    return [];
  }
  const document = editor?.document;
  const languageId = document ? languageOf(document) : 'markdown';
  const userTemplate = settings.linkTemplates[languageId];
  const templateProblem = userTemplate !== undefined ? checkLinkTemplate(userTemplate) : undefined;
  if (templateProblem) {
    void s.ui.error(`${templateProblem} Change the "${languageId}" entry of fluxStudio.linkTemplates.`);
    return [];
  }

  // 4. Where the images go (asked now, before anything is paid for).
  let folderWithoutDocument: vscode.WorkspaceFolder | undefined;
  if (!document && vscode.workspace.workspaceFolders?.length) {
    folderWithoutDocument =
      vscode.workspace.workspaceFolders.length === 1
        ? vscode.workspace.workspaceFolders[0]
        : await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Which workspace folder should the image be saved in?', ignoreFocusOut: true });
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
      title: 'Flux: Save the generated image',
      saveLabel: 'Save Image',
      defaultUri: vscode.Uri.joinPath(vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(require('node:os').homedir()), `${renderBaseName(settings.fileNamePattern, { prompt, model: model.id, date: new Date(), index: 1 })}.${checked.value.outputFormat === 'jpeg' ? 'jpg' : checked.value.outputFormat}`),
      filters: { Images: ['png', 'jpg', 'jpeg', 'webp'] },
    });
    if (!where) return [];
    folder = vscode.Uri.joinPath(where, '..');
    baseOverride = path.posix.basename(where.path).replace(/\.(png|jpe?g|webp)$/i, '');
  } else {
    folder = dest.folder;
  }

  // 5. The key.
  const apiKey = await ensureKey(s, model.provider, model);
  if (!apiKey) return [];

  const target: Target | undefined = editor && document ? { document, anchor: new Anchor(document.uri, document, editor.selection) } : undefined;
  try {
    return await run(s, settings, checked.value.model, request, apiKey, folder, baseOverride, target, rawArgs, mode);
  } finally {
    target?.anchor.dispose();
  }
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
  const core = loadCore();
  const controller = new AbortController();
  const tracking = s.track(controller);
  const started = Date.now();
  const short = altText(request.prompt, 40);
  s.log.info(`Generate: ${model.key}, size ${request.size ?? 'default'}, ${request.numImages ?? 1} image(s)`);

  const again = { ...(typeof rawArgs === 'object' && rawArgs ? rawArgs : {}), prompt: request.prompt, model: model.key, ...(request.size ? { size: request.size } : {}) };
  const retry = () => vscode.commands.executeCommand(mode === 'selection' ? 'fluxStudio.generateFromSelection' : 'fluxStudio.generate', again);

  try {
    return await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Flux: "${short}"`, cancellable: true },
      async (progress, token) => {
        const onCancel = token.onCancellationRequested(() => controller.abort());
        let phase = `Sending to ${PROVIDERS[model.provider].label}…`;
        const show = () => progress.report({ message: `${phase} ${Math.round((Date.now() - started) / 1000)} s` });
        show();
        const ticker = setInterval(show, 1000);
        try {
          const result = await core.generate(request, {
            http: s.http(),
            logger: s.logger,
            baseUrl: s.baseUrl(model.provider),
            apiKey,
            signal: controller.signal,
            maxImageBytes: settings.maxImageBytes,
            pollTimeoutMs: settings.pollTimeoutMs,
            onProgress: (p) => {
              const text = phaseText(p, model.provider, model);
              if (text) {
                phase = text;
                show();
              }
            },
          });
          phase = 'Saving…';
          show();
          const date = new Date();
          const files = await saveAll(
            folder,
            result.images.map((img, i) => ({
              base: baseOverride ?? renderBaseName(settings.fileNamePattern, { prompt: request.prompt, model: model.id, seed: result.seed, date, index: i + 1 }),
              ext: img.info.ext,
              bytes: img.bytes,
            })),
            () => controller.signal.aborted,
          );
          s.log.info(`Saved ${files.map((f) => vscode.workspace.asRelativePath(f)).join(', ')} in ${Date.now() - started} ms`);
          await deliver(s, settings, files, result.images.map((i) => i.record), target);
          if (result.moderated.length) {
            void s.ui.warn(`The ${PROVIDERS[model.provider].label}'s safety checker blacked out ${result.moderated.length} of ${result.moderated.length + files.length} images; only the others were saved.`);
          }
          return files;
        } finally {
          clearInterval(ticker);
          onCancel.dispose();
        }
      },
    );
  } catch (e) {
    if (e instanceof vscode.CancellationError) {
      void s.ui.info('Generation cancelled. Nothing was saved.');
      return [];
    }
    const fe = asFluxError(e);
    if (fe) {
      if (fe.kind === 'cancelled') {
        void s.ui.info(`${fe.message} Nothing was saved.`);
      } else if (fe.kind === 'auth') {
        void s.ui.error(fe.message, 'Set API Key', 'Show Log').then(async (c) => {
          if (c === 'Show Log') s.log.show();
          if (c === 'Set API Key' && fe.provider && (await setApiKeyCommand(s.keys, s.ui, fe.provider))) await retry();
        });
      } else {
        const actions = fe.retryable ? (['Retry', 'Show Log'] as const) : (['Show Log'] as const);
        void s.ui.error(`${fe.message}${fe.requestId ? ` (request ${fe.requestId})` : ''}`, ...actions).then((c) => {
          if (c === 'Show Log') s.log.show();
          if (c === 'Retry') void retry();
        });
      }
      return [];
    }
    if (e instanceof vscode.FileSystemError) {
      void s.ui.error(`The image could not be saved in ${folder.fsPath || folder.path}: ${e.message}. Nothing was left behind.`, 'Show Log');
      return [];
    }
    throw e;
  } finally {
    tracking.dispose();
  }
}

/** The document's language id; for plain text, what its file extension says (MDX, AsciiDoc, reST, LaTeX). */
function languageOf(document: vscode.TextDocument): string {
  if (document.languageId !== 'plaintext') return document.languageId;
  const ext = path.posix.extname(document.uri.path).toLowerCase();
  return ({ '.mdx': 'mdx', '.adoc': 'asciidoc', '.asciidoc': 'asciidoc', '.rst': 'restructuredtext', '.tex': 'latex' } as Record<string, string>)[ext] ?? 'plaintext';
}

/** Insert the links (or copy them when there is no editor) and say where the files went. */
async function deliver(s: Services, settings: Settings, files: vscode.Uri[], records: readonly { prompt: string; seed?: number; model: string; width: number; height: number }[], target: Target | undefined): Promise<void> {
  const languageId = target ? languageOf(target.document) : 'markdown';
  const baseDir = target && !target.document.isUntitled ? path.posix.dirname(target.document.uri.path) : (vscode.workspace.getWorkspaceFolder(files[0]!)?.uri.path ?? path.posix.dirname(files[0]!.path));
  const links = files.map((f, i) => {
    const r = records[i]!;
    return buildLink(
      languageId,
      { path: relativeImagePath(baseDir, f.path), alt: altText(r.prompt), width: r.width, height: r.height, prompt: r.prompt, model: r.model, ...(r.seed !== undefined ? { seed: r.seed } : {}) },
      settings.linkTemplates[languageId],
    );
  });
  const names = files.map((f) => path.posix.basename(f.path)).join(', ');
  if (!target) {
    await vscode.env.clipboard.writeText(links.join('\n'));
    void s.ui.info(`Saved ${names}. No text editor was open, so the link is on the clipboard.`, 'Open Image').then((c) => {
      if (c) void vscode.commands.executeCommand('vscode.open', files[0]);
    });
    return;
  }
  const wasOpen = vscode.workspace.textDocuments.some((d) => d.uri.toString() === target.anchor.uri.toString() && !d.isClosed);
  const document = await vscode.workspace.openTextDocument(target.anchor.uri);
  const edit = new vscode.WorkspaceEdit();
  edit.set(document.uri, [placeLinks(document, target.anchor, settings.insertPosition, links)]);
  const applied = await vscode.workspace.applyEdit(edit);
  if (!applied) {
    await vscode.env.clipboard.writeText(links.join('\n'));
    void s.ui.warn(`Saved ${names}, but the document could not be changed; the link is on the clipboard.`);
    return;
  }
  if (!wasOpen || !vscode.window.visibleTextEditors.some((e) => e.document.uri.toString() === document.uri.toString())) {
    if (!wasOpen) await vscode.window.showTextDocument(document, { preview: false, preserveFocus: true });
  }
  vscode.window.setStatusBarMessage(`$(check) Flux: saved ${names}`, 5000);
}
