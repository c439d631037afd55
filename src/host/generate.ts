/**
 * The generation flow behind "Generate Image…" and "Generate Image from Selection": prompt, model
 * and size, key, destination, then a cancellable progress notification while the engine works,
 * then saving and inserting the links where the user asked.
 */
import { homedir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { findModel, keyName, type ModelEntry, type ProviderId, formatSize } from '../core/catalog';
import { altText, promptFromSelection } from '../core/links';
import { renderBaseName } from '../core/naming';
import { sizeFits, type GenerationRequest } from '../core/request';
import { COMMANDS } from '../ids';
import { run } from './generation/execute';
import { preflight, type Questions } from './generation/preflight';
import { describeRefusal, notifyFailure } from './generation/present';
import { setApiKeyCommand } from './keys';
import { Anchor, languageOf, placeAndReport } from './links';
import { modelAndSizeSteps, pickModel } from './pickers';
import { BACK, Steps, type Answer } from './steps';
import { readSettings } from './settings';
import type { Services } from './services';
import { firstTimeActions, openWalkthrough } from './walkthrough';

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

/** The prompt step: typed, or one of the recent prompts (remembered once the prompt is used). */
function askPrompt(s: Services, steps: Steps, value: string | undefined, back = false): Promise<Answer<string>> {
  const recent = s.context.globalState.get<string[]>(RECENT_KEY, []);
  const recentMark = vscode.l10n.t('recent');
  return steps.typeOrPick({
    title: vscode.l10n.t('Flux: Generate Image'),
    placeholder: recent.length ? vscode.l10n.t('Describe the image, or pick a recent prompt') : vscode.l10n.t('Describe the image to generate'),
    items: recent.map((p) => ({ label: p, description: recentMark })),
    ...(value ? { value } : {}),
    back,
  });
}

async function rememberPrompt(s: Services, prompt: string): Promise<void> {
  const recent = s.context.globalState.get<string[]>(RECENT_KEY, []);
  await s.context.globalState.update(RECENT_KEY, [prompt, ...recent.filter((p) => p !== prompt)].slice(0, 20));
}

/** The key for a provider; when missing, offers "Set API Key" and carries on once it is set. */
export async function ensureKey(s: Services, provider: ProviderId, model: ModelEntry): Promise<string | undefined> {
  const found = await s.keys.get(provider);
  if (found) return found.key;
  const setKey = vscode.l10n.t('Set API Key');
  // The first time, the message also leads to the Get Started walkthrough.
  const more = firstTimeActions(s.context.globalState);
  const choice = await s.ui.warn(
    vscode.l10n.t('No {0} is set, so {1} cannot generate yet. Set the key to carry on.', keyName(provider), model.label),
    setKey,
    ...more,
  );
  if (choice !== undefined && more.includes(choice)) void openWalkthrough();
  if (choice !== setKey) return undefined;
  const set = await setApiKeyCommand(s.keys, s.ui, provider);
  return set ? (await s.keys.get(provider))?.key : undefined;
}

/**
 * The questions the commands ask during pre-flight: which workspace folder (with several and no
 * document), where to save (a save dialog, its file name used for the image), and the key (a
 * warning with "Set API Key" that carries on once it is set).
 */
export function commandQuestions(s: Services, prompt: string, model: ModelEntry): Questions {
  return {
    workspaceFolder: () =>
      vscode.window.showWorkspaceFolderPick({ placeHolder: vscode.l10n.t('Which workspace folder should the image be saved in?'), ignoreFocusOut: true }),
    saveLocation: async (ext) => {
      const pattern = readSettings().fileNamePattern;
      const where = await vscode.window.showSaveDialog({
        title: vscode.l10n.t('Flux: Save the generated image'),
        saveLabel: vscode.l10n.t('Save Image'),
        defaultUri: vscode.Uri.joinPath(
          vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(homedir()),
          `${renderBaseName(pattern, { prompt, model: model.id, date: new Date(), index: 1 })}.${ext}`,
        ),
        filters: { [vscode.l10n.t('Images')]: ['png', 'jpg', 'jpeg', 'webp'] },
      });
      return where && { folder: vscode.Uri.joinPath(where, '..'), baseName: path.posix.basename(where.path).replace(/\.(png|jpe?g|webp)$/i, '') };
    },
    key: (provider, m) => ensureKey(s, provider, m),
  };
}

const OWN_DEFAULT_KEY = 'fluxStudio.ownDefaultSizeAccepted';

/**
 * The default size is one this model cannot make: nothing is paid for at another size before the
 * user says so, once per model and default size (remembered); "Choose Default Model and Size…"
 * leads to the setting instead.
 */
async function acceptOwnDefault(s: Services, model: ModelEntry, defaultSize: string): Promise<boolean> {
  const seen = s.context.globalState.get<string[]>(OWN_DEFAULT_KEY, []);
  const key = `${model.key}|${defaultSize}`;
  if (seen.includes(key)) return true;
  const own = formatSize(model.size.default);
  const use = vscode.l10n.t('Generate at {0}', own);
  const choose = vscode.l10n.t('Choose Default Model and Size…');
  const c = await s.ui.warn(
    vscode.l10n.t('{0} cannot make your default size {1}. Generate at its own default, {2}?', model.label, defaultSize, own),
    use,
    choose,
  );
  if (c === choose) void vscode.commands.executeCommand(COMMANDS.chooseDefaults);
  if (c !== use) return false;
  await s.context.globalState.update(OWN_DEFAULT_KEY, [key, ...seen].slice(0, 50));
  return true;
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

async function generateAt(
  s: Services,
  mode: 'ask' | 'selection',
  rawArgs: unknown,
  editor: vscode.TextEditor | undefined,
  anchor: Anchor | undefined,
): Promise<vscode.Uri[]> {
  const args = parseArgs(rawArgs);
  // The selected text as it was when the command ran (in HTML, its character references decoded).
  const selection = (anchor?.originalText && editor ? promptFromSelection(anchor.originalText, languageOf(editor.document)) : undefined) || undefined;
  const settings = readSettings(editor?.document.uri);

  // 1. The prompt.
  let prompt = args.prompt ?? selection;
  if (mode === 'selection' && !prompt?.trim()) {
    void s.ui.warn(vscode.l10n.t('Select the text to use as the prompt, then run "{0}" again.', vscode.l10n.t('Flux: Generate Image from Selection')));
    return [];
  }
  // 2. Model and size. A prompt asked for here and the pickers are one sequence: Back from the
  // model returns to the prompt as typed.
  if (settings.defaultModelProblem) void s.ui.warn(settings.defaultModelProblem);
  let model = settings.defaultModel;
  let size: string | undefined;
  const askedPrompt = !prompt?.trim();
  const steps = new Steps(s.ui);
  try {
    for (;;) {
      if (askedPrompt) {
        const typed = await askPrompt(s, steps, prompt);
        if (typed === undefined || typed === BACK) return [];
        prompt = typed;
      }
      if (args.model !== undefined) {
        const m = findModel(args.model);
        if (!m) {
          void s.ui.error(vscode.l10n.t('"{0}" is not a model Flux Image Studio knows. Use a key such as {1}.', args.model, 'aimlapi:flux-pro/v1.1'));
          return [];
        }
        model = m;
        size = args.size;
      } else if (mode === 'ask' && settings.askEachTime) {
        // The prompt in the titles, so the user sees what they are choosing for.
        const short = altText(prompt!, 40);
        if (args.size === undefined) {
          const picked = await modelAndSizeSteps(
            steps,
            {
              model: settings.defaultModel,
              preferredSize: settings.defaultSize || undefined,
              modelTitle: vscode.l10n.t('Flux: "{0}" · model (1/2)', short),
              sizeTitle: (m) => vscode.l10n.t('Flux: "{0}" · size for {1} (2/2)', short, m.label),
              back: askedPrompt,
            },
            model,
          );
          if (picked === BACK) continue;
          if (!picked) return [];
          model = picked.model;
          size = formatSize(picked.size);
        } else {
          const m = await pickModel(s.ui, model, vscode.l10n.t('Flux: "{0}" · model', short));
          if (!m) return [];
          model = m;
          size = args.size;
        }
      } else {
        size = args.size;
      }
      break;
    }
  } finally {
    steps.dispose();
  }
  if (!prompt?.trim()) return [];
  if (askedPrompt) await rememberPrompt(s, prompt);
  if (size === undefined && settings.defaultSize) {
    if (sizeFits(model, settings.defaultSize)) size = settings.defaultSize;
    else if (!(await acceptOwnDefault(s, model, settings.defaultSize))) return [];
  }
  const format = args.outputFormat ?? (settings.outputFormat !== 'auto' && model.formats.includes(settings.outputFormat) ? settings.outputFormat : undefined);

  // 3. Everything that can be checked before spending credits, and the questions it needs.
  const request: GenerationRequest = {
    model: model.key,
    prompt,
    ...(size ? { size } : {}),
    ...(args.numImages !== undefined ? { numImages: args.numImages } : {}),
    ...(args.seed !== undefined ? { seed: args.seed } : {}),
    ...(format ? { outputFormat: format } : {}),
    ...(args.params ? { params: args.params } : {}),
  };
  const document = editor?.document;
  const checked = await preflight({ request, ...(document ? { document, linksInto: document } : {}) }, commandQuestions(s, prompt, model));
  if (!checked.ok) {
    // A missing key and a cancelled question were already answered by the user.
    if (checked.refusal.kind !== 'noKey' && checked.refusal.kind !== 'cancelled') void s.ui.error(describeRefusal(checked.refusal).message);
    return [];
  }
  const plan = checked.plan;

  // 4. Generate; the links go in while the gallery records the images.
  const again = { ...(typeof rawArgs === 'object' && rawArgs ? rawArgs : {}), prompt, model: model.key, ...(size ? { size } : {}) };
  const command = mode === 'selection' ? COMMANDS.generateFromSelection : COMMANDS.generate;
  const retry = () => vscode.commands.executeCommand(command, again);
  const result = await run(s, plan, {
    progress: 'notification',
    title: `Flux: "${altText(prompt, 40)}"`,
    alongside: (saved) => placeAndReport(s.ui, saved, document, anchor, plan.settings),
  });
  if (result.ok) return result.executed.files;
  notifyFailure(s, result.failure, {
    retry,
    request: { prompt, model: model.key, ...(size ? { size } : {}), ...(args.params ? { params: args.params } : {}) },
    retryWith: (changed) => vscode.commands.executeCommand(command, { ...again, ...changed }),
  });
  return [];
}
