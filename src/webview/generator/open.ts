/**
 * Opening (or revealing and filling) the one generator panel, and bringing it back after a window
 * reload. Activation registers only the command and the serializer (./provider.ts); this is in the
 * main bundle.
 */
import * as vscode from 'vscode';
import type { Services } from '../../host/services';
import { readSettings } from '../../host/settings';
import { applyArgs, initialForm, normalizeForm } from './form';
import { GeneratorPanel, LAST_KEY, title, VIEW_TYPE } from './panel';
import { generatorSchemas } from './schema';
import type { FormState, OpenArgs, RunView } from './protocol';

/** The one panel the command opens and fills (a restored panel becomes it too). */
let current: GeneratorPanel | undefined;

function track(p: GeneratorPanel): GeneratorPanel {
  current = p;
  p.onDidDispose(() => {
    if (current === p) current = undefined;
  });
  return p;
}

/** The command's argument, parsed; anything malformed is dropped and logged. */
function parseArgs(s: Services, raw: unknown): OpenArgs {
  if (raw === undefined || raw === null || typeof raw !== 'object' || raw instanceof vscode.Uri || Array.isArray(raw)) return {};
  const parsed = generatorSchemas.openArgs.safeParse(raw);
  if (parsed.success) return parsed.data;
  s.log.warn(
    `Open Image Generator: ignored a malformed argument: ${parsed.error.issues
      .map((i) => `${i.path.join('.')}: ${i.message}`)
      .join('; ')
      .slice(0, 300)}`,
  );
  return {};
}

/** What a new panel starts from: the last-used settings in this workspace, else the user's defaults. */
function startingForm(s: Services): { form: FormState; lastSeed: number | null } {
  const last = s.context.workspaceState.get<unknown>(LAST_KEY);
  if (last && typeof last === 'object') {
    const { form, lastSeed } = last as { form?: unknown; lastSeed?: unknown };
    const parsed = generatorSchemas.form.safeParse(form);
    if (parsed.success) return { form: normalizeForm(parsed.data), lastSeed: typeof lastSeed === 'number' ? lastSeed : null };
  }
  const settings = readSettings(vscode.window.activeTextEditor?.document.uri);
  return { form: initialForm({ model: settings.defaultModel.key, size: settings.defaultSize, outputFormat: settings.outputFormat }), lastSeed: null };
}

/** Finished runs from a restored page whose images are still on disk. */
async function existingRuns(runs: readonly RunView[]): Promise<RunView[]> {
  const out: RunView[] = [];
  for (const r of runs) {
    if (r.status === 'running') continue;
    const images = [];
    for (const i of r.images) {
      try {
        await vscode.workspace.fs.stat(vscode.Uri.parse(i.uri));
        images.push(i);
      } catch {
        /* deleted since */
      }
    }
    if (r.status !== 'done' || images.length) out.push({ ...r, images });
  }
  return out;
}

/** `fluxStudio.openGenerator`: open (or reveal and fill) the panel; resolves true once its page is ready. */
export async function openGenerator(s: Services, raw?: unknown): Promise<boolean> {
  const args = parseArgs(s, raw);
  const editor = vscode.window.activeTextEditor;
  const selection = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection).trim() : '';
  const fill: OpenArgs = { ...(selection && args.prompt === undefined ? { prompt: selection } : {}), ...args };

  if (current) {
    if (editor) current.setTarget(editor);
    if (Object.keys(fill).length) {
      const { form, notes } = applyArgs(current.currentForm, fill);
      current.fill(normalizeForm(form), notes);
    }
    current.reveal();
    return current.whenReady();
  }

  const start = startingForm(s);
  const { form, notes } = applyArgs(start.form, fill);
  const panel = vscode.window.createWebviewPanel(VIEW_TYPE, title(), { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, { enableScripts: true });
  const p = track(new GeneratorPanel(s, panel, { form: normalizeForm(form), lastSeed: start.lastSeed, notes }));
  if (editor) p.setTarget(editor);
  p.show();
  return p.whenReady();
}

/** The serializer's half: a panel VS Code restored after a reload, with the page's saved state. */
export async function restoreGenerator(s: Services, panel: vscode.WebviewPanel, state: unknown): Promise<void> {
  const parsed = generatorSchemas.uiState.safeParse(state);
  if (!parsed.success && state !== undefined && state !== null)
    s.log.warn('Generator panel: the saved page state was not readable; starting from the last settings.');
  const start = startingForm(s);
  const p = new GeneratorPanel(
    s,
    panel,
    parsed.success
      ? { form: normalizeForm(parsed.data.form), lastSeed: parsed.data.lastSeed ?? start.lastSeed, runs: await existingRuns(parsed.data.runs) }
      : start,
  );
  await p.restoreTarget();
  p.show();
  if (!current) track(p);
}
