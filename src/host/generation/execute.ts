/**
 * One generation from a plan (see ./preflight.ts) to saved files: the engine, then saving, then the
 * gallery record, with the links going in alongside. `run` adds what every entry point needs
 * around it: the job in the registry, progress (a notification or the caller's own), and the
 * failure in words (./present.ts).
 */
import * as vscode from 'vscode';
import { PROVIDERS, type ModelEntry, type ProviderId } from '../../core/catalog';
import { generateValid } from '../../core/engine';
import { entryFromRecord, type GalleryEntry } from '../../core/gallery';
import type { GenerationRecord } from '../../core/metadata';
import { editBaseName, renderBaseName } from '../../core/naming';
import type { Progress } from '../../core/providers/types';
import { listNames, saveAll } from '../save';
import type { Services } from '../services';
import { markGenerated } from '../walkthrough';
import type { Plan } from './preflight';
import { describeFailure, type Failure } from './present';
import { withNotification, type RunningGeneration } from './registry';

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
      return p.percent !== undefined
        ? vscode.l10n.t('Generating with {0} ({1}%)…', model.label, Math.round(p.percent))
        : vscode.l10n.t('Generating with {0}…', model.label);
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
export async function execute(
  s: Services,
  plan: Plan,
  job: RunningGeneration,
  alongside?: (saved: { files: vscode.Uri[]; records: GenerationRecord[] }) => Promise<void>,
): Promise<Executed> {
  const { settings, model, request } = plan;
  s.log.info(`Generate: ${model.key}, size ${plan.askedSize ?? 'default'}, ${request.numImages} image(s)`);
  // List the destination while the provider works; nothing is created before there is something to save.
  const listing = listNames(plan.folder);
  const result = await generateValid(request, {
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
      base:
        plan.baseName ??
        (plan.editOf !== undefined
          ? editBaseName(settings.fileNamePattern, plan.editOf, { prompt: result.request.prompt, model: model.id, seed: result.seed, date, index: i + 1 })
          : renderBaseName(settings.fileNamePattern, { prompt: result.request.prompt, model: model.id, seed: result.seed, date, index: i + 1 })),
      ext: img.info.ext,
      parts: img.parts,
    })),
    () => job.controller.signal.aborted,
    listing,
    plan.within,
  );
  s.log.info(`Saved ${files.map((f) => vscode.workspace.asRelativePath(f)).join(', ')} in ${Date.now() - job.startedAt} ms`);
  markGenerated();
  const records = result.images.map((i) => i.record);
  // A new id (the record's own id is for an image found on disk), and the size as it was asked.
  const entries = files.map((f, i): GalleryEntry => ({
    ...entryFromRecord(records[i]!, f.toString(), result.images[i]!.size),
    id: `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`,
    ...(plan.askedSize ? { size: plan.askedSize } : {}),
  }));
  // The gallery is told while the link goes in (`alongside`), not before: both are round trips.
  await Promise.all([s.gallery.add(entries), alongside?.({ files, records })]);
  if (result.moderated.length) {
    void s.ui.warn(
      vscode.l10n.t(
        "The {0}'s safety checker blacked out {1} of {2} images; only the others were saved.",
        PROVIDERS[model.provider].label,
        result.moderated.length,
        result.moderated.length + files.length,
      ),
    );
  }
  return { files, records, entries };
}

export type RunResult = { readonly ok: true; readonly executed: Executed } | { readonly ok: false; readonly failure: Failure };

export interface RunOptions {
  /** A cancellable notification (the commands, the gallery) or nothing (the panel shows its card). */
  readonly progress: 'notification' | 'none';
  /** The notification's title. */
  readonly title?: string;
  /** Called once the generation has started, so the caller can show it and cancel it. */
  readonly onStart?: (job: RunningGeneration) => void;
  readonly alongside?: (saved: { files: vscode.Uri[]; records: GenerationRecord[] }) => Promise<void>;
}

/** Run a plan; a failure comes back in words. Rejects only on a programming error. */
export async function run(s: Services, plan: Plan, opts: RunOptions): Promise<RunResult> {
  const job = s.generations.start(plan.request.prompt, plan.model);
  opts.onStart?.(job);
  try {
    const work = () => execute(s, plan, job, opts.alongside);
    const executed = opts.progress === 'none' ? await work() : await withNotification(opts.title ?? `Flux: ${plan.model.label}`, job, work);
    return { ok: true, executed };
  } catch (e) {
    const described = describeFailure(e, plan.folder, plan.model);
    if (!described) throw e;
    const failure: Failure = described.status === 'cancelled' && job.controller.signal.aborted ? { ...described, byUser: true } : described;
    s.log.info(`Generation ${failure.status}: ${failure.message}`);
    return { ok: false, failure };
  } finally {
    job.end();
  }
}
