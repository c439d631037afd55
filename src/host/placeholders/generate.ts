/**
 * Image placeholders in the host (main bundle): their diagnostics (not generated yet, or why one
 * cannot be) and "Generate All Image Placeholders", which makes every valid placeholder of a
 * document (or one, from its code lens or quick fix) through the commands' pipeline and puts the
 * real link in its place, the prompt kept as alt text. The parser is src/core/placeholders.ts.
 */
import * as vscode from 'vscode';
import { findModel, type ProviderId } from '../../core/catalog';
import { findPlaceholders, placeholderSyntax, type Placeholder } from '../../core/placeholders';
import { validateRequest, type GenerationRequest } from '../../core/request';
import { COMMANDS, DIAGNOSTIC_SOURCE } from '../../ids';
import { requestFrom } from '../agent/request';
import { commandQuestions } from '../generate';
import { run } from '../generation/execute';
import { preflight, type Questions } from '../generation/preflight';
import { describeRefusal } from '../generation/present';
import type { RunningGeneration } from '../generation/registry';
import { Anchor, insertLinks, linkText } from '../links';
import { readSettings, type Settings } from '../settings';
import type { Services } from '../services';

/** Diagnostic codes: the quick fix is offered for PENDING only. */
export const PENDING = 'placeholder';
export const INVALID = 'invalidPlaceholder';
/** How many placeholders generate at once. */
const CONCURRENCY = 2;

type Checked = { readonly ok: true; readonly request: GenerationRequest } | { readonly ok: false; readonly message: string };

/** A placeholder against the catalog and the settings: the request it makes, or why it cannot. */
export function checkPlaceholder(p: Placeholder, settings: Settings): Checked {
  if (p.problems.length) return { ok: false, message: p.problems.join(' ') };
  const built = requestFrom({ prompt: p.prompt, ...p.params }, settings);
  if (!built.ok) return built;
  const v = validateRequest(built.request);
  return v.ok ? { ok: true, request: built.request } : { ok: false, message: v.problems.map((x) => x.message).join(' ') };
}

function placeholdersOf(document: vscode.TextDocument): Placeholder[] {
  const syntax = placeholderSyntax(document.languageId, document.uri.path);
  return syntax ? findPlaceholders(document.getText(), syntax) : [];
}

/** The Problems entries for placeholders: one per placeholder, kept in step with the document. */
export class PlaceholderDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('fluxStudio.placeholders');

  refresh(document: vscode.TextDocument): void {
    const settings = readSettings(document.uri);
    const list = placeholdersOf(document).map((p) => {
      const range = new vscode.Range(document.positionAt(p.start), document.positionAt(p.end));
      const c = checkPlaceholder(p, settings);
      const d = c.ok
        ? new vscode.Diagnostic(
            range,
            vscode.l10n.t(
              'Image placeholder not generated yet: "{0}". Generate it with the quick fix, the code lens or "{1}".',
              p.prompt.slice(0, 80),
              'Flux: Generate All Image Placeholders',
            ),
            vscode.DiagnosticSeverity.Information,
          )
        : new vscode.Diagnostic(
            range,
            vscode.l10n.t('This image placeholder cannot be generated: {0} Nothing is sent for it until it is changed.', c.message),
            vscode.DiagnosticSeverity.Warning,
          );
      d.source = DIAGNOSTIC_SOURCE;
      d.code = c.ok ? PENDING : INVALID;
      return d;
    });
    if (list.length) this.collection.set(document.uri, list);
    else this.collection.delete(document.uri);
  }

  clear(uri: vscode.Uri): void {
    this.collection.delete(uri);
  }

  /** "Generate image" above each placeholder: the command with the document and the placeholder's start. */
  lenses(document: vscode.TextDocument): vscode.CodeLens[] {
    return placeholdersOf(document).map(
      (p) =>
        new vscode.CodeLens(new vscode.Range(document.positionAt(p.start), document.positionAt(p.end)), {
          title: `$(sparkle) ${vscode.l10n.t('Generate image')}`,
          tooltip: vscode.l10n.t('Generate this image placeholder and put the link in its place'),
          command: COMMANDS.generatePlaceholders,
          arguments: [{ uri: document.uri.toString(), at: p.start }],
        }),
    );
  }

  dispose(): void {
    this.collection.dispose();
  }
}

function argsOf(raw: unknown): { uri?: vscode.Uri; at?: number } {
  if (!raw || typeof raw !== 'object') return {};
  const o = raw as Record<string, unknown>;
  const uri = o.uri instanceof vscode.Uri ? o.uri : typeof o.uri === 'string' && o.uri.length < 4000 ? vscode.Uri.parse(o.uri) : undefined;
  const at = typeof o.at === 'number' && Number.isInteger(o.at) && o.at >= 0 ? o.at : undefined;
  return { ...(uri ? { uri } : {}), ...(at !== undefined ? { at } : {}) };
}

/**
 * Generate the placeholders of a document (args `{ uri, at }`: the document, and one placeholder's
 * start offset; without them, every placeholder of the active editor's document). Resolves with
 * the saved files; failures are shown, never thrown.
 */
export async function generatePlaceholdersCommand(s: Services, diagnostics: PlaceholderDiagnostics, rawArgs: unknown): Promise<vscode.Uri[]> {
  const args = argsOf(rawArgs);
  const document = args.uri ? await vscode.workspace.openTextDocument(args.uri) : vscode.window.activeTextEditor?.document;
  if (!document) {
    void s.ui.warn(
      vscode.l10n.t(
        'Open a document with image placeholders such as {0}, then run "{1}" again.',
        '![a lighthouse at dawn](flux:)',
        'Flux: Generate All Image Placeholders',
      ),
    );
    return [];
  }
  if (!placeholderSyntax(document.languageId, document.uri.path)) {
    void s.ui.info(vscode.l10n.t('Image placeholders are written in Markdown, MDX, AsciiDoc and HTML documents; this one is {0}.', document.languageId));
    return [];
  }
  let found = placeholdersOf(document);
  if (args.at !== undefined) {
    const at = args.at;
    const one = found.find((p) => p.start === at) ?? found.find((p) => p.start <= at && at < p.end);
    found = one ? [one] : [];
  }
  if (!found.length) {
    void s.ui.info(
      vscode.l10n.t(
        'No image placeholder to generate in {0}. Write one as {1}.',
        vscode.workspace.asRelativePath(document.uri),
        '![a lighthouse at dawn](flux:)',
      ),
    );
    return [];
  }
  // Each placeholder's place is taken now and follows the user's edits while the images are made.
  const anchors = found.map((p) => new Anchor(document.uri, document, new vscode.Range(document.positionAt(p.start), document.positionAt(p.end))));
  try {
    return await generateAll(s, diagnostics, document, found, anchors);
  } finally {
    for (const a of anchors) a.dispose();
    if (!document.isClosed) diagnostics.refresh(document);
  }
}

async function generateAll(
  s: Services,
  diagnostics: PlaceholderDiagnostics,
  document: vscode.TextDocument,
  found: readonly Placeholder[],
  anchors: readonly Anchor[],
): Promise<vscode.Uri[]> {
  const settings = readSettings(document.uri);
  const work: { index: number; request: GenerationRequest }[] = [];
  let invalid = 0;
  found.forEach((p, index) => {
    const c = checkPlaceholder(p, settings);
    if (c.ok) work.push({ index, request: c.request });
    else invalid++;
  });
  diagnostics.refresh(document);
  if (!work.length) {
    void s.ui.warn(
      found.length === 1
        ? vscode.l10n.t('The image placeholder cannot be generated; nothing was sent. See the Problems view for why.')
        : vscode.l10n.t('None of the {0} image placeholders can be generated; nothing was sent. See the Problems view for why.', found.length),
    );
    return [];
  }

  // One key question per provider and one save dialog for the whole batch, however many run.
  const keys = new Map<ProviderId, Promise<string | undefined>>();
  let folder: Thenable<{ folder: vscode.Uri } | undefined> | undefined;
  const questions = (q: Questions): Questions => ({
    workspaceFolder: (folders) => q.workspaceFolder(folders),
    saveLocation: (ext) => (folder ??= Promise.resolve(q.saveLocation(ext)).then((w) => w && { folder: w.folder })),
    key: (provider, model) => {
      let k = keys.get(provider);
      if (!k) keys.set(provider, (k = q.key(provider, model)));
      return k;
    },
  });

  const saved: vscode.Uri[] = [];
  const failures: string[] = [];
  let cancelled = false;
  let generated = 0;
  const running = new Set<RunningGeneration>();
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Flux: generating image placeholders'), cancellable: true },
    async (progress, token) => {
      let done = 0;
      const report = () => progress.report({ message: vscode.l10n.t('{0} of {1} done', done, work.length) });
      report();
      const stop = token.onCancellationRequested(() => {
        cancelled = true;
        for (const j of running) j.cancel();
      });
      let next = 0;
      const worker = async () => {
        while (!cancelled && next < work.length) {
          const item = work[next++]!;
          const p = found[item.index]!;
          const model = findModel(item.request.model)!;
          const checked = await preflight({ request: item.request, document, linksInto: document }, questions(commandQuestions(s, p.prompt, model)));
          if (!checked.ok) {
            if (checked.refusal.kind !== 'cancelled') failures.push(describeRefusal(checked.refusal).message);
            else cancelled = true;
          } else if (!cancelled) {
            const plan = checked.plan;
            const result = await run(s, plan, {
              progress: 'none',
              onStart: (job) => running.add(job),
              alongside: async ({ files, records }) => {
                const links = files.map((f, i) => linkText(f, records[i]!, document, plan.settings));
                const outcome = await insertLinks(links, { kind: 'anchor', anchor: anchors[item.index]!, position: 'replaceSelection' });
                if (!outcome.ok) failures.push(vscode.l10n.t('The link for "{0}" could not be put in; it is on the clipboard.', p.prompt.slice(0, 60)));
              },
            });
            if (result.ok) {
              saved.push(...result.executed.files);
              generated++;
            } else if (result.failure.status === 'cancelled') cancelled = true;
            else failures.push(result.failure.message);
          }
          done++;
          report();
        }
      };
      try {
        await Promise.all(Array.from({ length: Math.min(CONCURRENCY, work.length) }, worker));
      } finally {
        stop.dispose();
      }
    },
  );

  if (failures.length) void s.ui.error(vscode.l10n.t('{0} of {1} image placeholders failed: {2}', failures.length, work.length, failures[0]!));
  else if (cancelled)
    void s.ui.info(vscode.l10n.t('Cancelled: {0} of {1} image placeholders were generated; the others are left as they were.', generated, work.length));
  else if (invalid)
    void s.ui.warn(
      vscode.l10n.t('Generated {0} image(s); {1} placeholder(s) cannot be generated and were left in place (see the Problems view).', saved.length, invalid),
    );
  else vscode.window.setStatusBarMessage(`$(check) ${vscode.l10n.t('Flux: generated {0} image(s) from placeholders', saved.length)}`, 5000);
  return saved;
}
