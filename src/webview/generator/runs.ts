/**
 * The generator panel's runs: each generation started from the panel is a card that shows its
 * progress, then its images or its failure with the actions that help (Set API Key, Retry, Show
 * Log, Dismiss). Finished cards are kept (at most MAX_RUNS) and restored after a window reload.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { findModel, PROVIDERS } from '../../core/catalog';
import type { ReferenceImage } from '../../core/reference';
import { folderDialog } from '../../host/gallery/actions';
import { run as runPlan } from '../../host/generation/execute';
import { preflight } from '../../host/generation/preflight';
import { describeRefusal, failureCard, type Failure } from '../../host/generation/present';
import { setApiKeyCommand } from '../../host/keys';
import type { Anchor } from '../../host/links';
import type { Services } from '../../host/services';
import { missingKeyText, sizeText } from './form';
import type { ImageView, RunAction, RunRequest, RunView, ToUi } from './protocol';

const MAX_RUNS = 20;

export type RunState = { -readonly [K in keyof RunView]: RunView[K] } & { job?: { cancel(): void }; references?: readonly ReferenceImage[] };

/** What the runs need from their panel. */
export interface RunHost {
  readonly s: Services;
  post(message: ToUi): void;
  /** Let the page load images from this file's folder. */
  addRoot(file: vscode.Uri): void;
  asWebviewUri(file: vscode.Uri): string;
  /** Where the panel's links go (its settings, destination and link template), if anywhere. */
  target(): Anchor | undefined;
  /** A run used this seed (the form's "last seed"). */
  seedUsed(seed: number): void;
}

export class Runs {
  list: RunState[];

  constructor(
    private readonly host: RunHost,
    restored: readonly RunView[],
  ) {
    // Restored runs get their image URIs anew (the webview's resource origin is not kept across sessions).
    this.list = restored
      .filter((r) => r.status !== 'running')
      .map((r) => ({ ...r, images: r.images.map((i) => ({ ...i, src: host.asWebviewUri(vscode.Uri.parse(i.uri)) })) }));
  }

  views(): RunView[] {
    return this.list.map(view);
  }

  find(id: string): RunState | undefined {
    return this.list.find((r) => r.id === id);
  }

  cancel(id: string): void {
    this.find(id)?.job?.cancel();
  }

  /** Forget the finished runs. */
  clearFinished(): void {
    this.list = this.list.filter((r) => r.status === 'running');
    this.host.post({ type: 'runs', runs: this.views() });
  }

  private postRun(run: RunState): void {
    this.host.post({ type: 'run', run: view(run) });
  }

  /** Start a generation from a checked request; its card shows progress, then the images or the failure. */
  async start(request: RunRequest, references?: readonly ReferenceImage[]): Promise<void> {
    const model = findModel(request.model);
    if (!model) return;
    const run: RunState = {
      ...(references?.length ? { references } : {}),
      id: `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`,
      status: 'running',
      request,
      modelLabel: `${model.label} (${PROVIDERS[model.provider].label})`,
      sizeText: sizeText(model, request.size),
      startedAt: Date.now(),
      phase: vscode.l10n.t('Preparing…'),
      images: [],
    };
    this.list.unshift(run);
    this.trim();
    this.postRun(run);

    const end = (status: RunState['status'], phase: string, error?: RunState['error']) => {
      run.status = status;
      run.phase = phase;
      run.endedAt = Date.now();
      delete run.job;
      delete run.percent;
      if (error) run.error = error;
      this.postRun(run);
    };

    // A missing key is said here, with its button, not in a notification.
    if (!(await this.host.s.keys.get(model.provider))) {
      end('failed', vscode.l10n.t('No key'), { message: vscode.l10n.t('{0} Set the key to carry on.', missingKeyText(model)), actions: ['setKey', 'dismiss'] });
      return;
    }

    const failed = (f: Failure) => {
      if (f.problems?.length) this.host.post({ type: 'validation', seq: 0, problems: f.problems, submitted: true });
      // The words and buttons are present.ts's (one place for every surface).
      const card = failureCard(f, run.job !== undefined);
      end(card.status, card.phase, card.error);
    };
    let sub: vscode.Disposable | undefined;
    try {
      const anchor = this.host.target();
      const linksInto = anchor && vscode.workspace.textDocuments.find((d) => d.uri.toString() === anchor.uri.toString());
      const checked = await preflight(
        {
          request: run.references ? { ...request, references: [...run.references] } : request,
          ...(run.references?.[0] ? { editOf: run.references[0].path.slice(run.references[0].path.lastIndexOf('/') + 1) } : {}),
          ...(anchor ? { document: { uri: anchor.uri, isUntitled: anchor.uri.scheme === 'untitled' } } : {}),
          ...(linksInto ? { linksInto } : {}),
        },
        {
          workspaceFolder: (folders) => Promise.resolve(folders[0]),
          saveLocation: () => folderDialog(),
          key: async (provider) => (await this.host.s.keys.get(provider))?.key,
        },
      );
      if (!checked.ok) {
        failed(describeRefusal(checked.refusal));
        return;
      }
      const outcome = await runPlan(this.host.s, checked.plan, {
        progress: 'none',
        onStart: (job) => {
          run.job = job;
          run.startedAt = job.startedAt;
          run.phase = job.phase;
          this.postRun(run);
          sub = job.onDidChange(() => {
            run.phase = job.phase;
            run.percent = job.percent;
            this.postRun(run);
          });
        },
      });
      if (outcome.ok) {
        const { files, records } = outcome.executed;
        for (const f of files) this.host.addRoot(f);
        run.images = files.map((f, i): ImageView => {
          const r = records[i]!;
          return {
            index: i,
            uri: f.toString(),
            name: path.posix.basename(f.path),
            src: this.host.asWebviewUri(f),
            width: r.width,
            height: r.height,
            model: r.model,
            ...(r.seed !== undefined ? { seed: r.seed } : {}),
          };
        });
        const seed = records[0]?.seed;
        if (seed !== undefined) this.host.seedUsed(seed);
        end('done', files.length === 1 ? vscode.l10n.t('Saved {0}', run.images[0]!.name) : vscode.l10n.t('Saved {0} images', files.length));
        return;
      }
      failed(outcome.failure);
    } catch (e) {
      this.host.s.log.error(`Generator panel: generation failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      end('failed', vscode.l10n.t('Failed'), {
        message: vscode.l10n.t('The generation failed: {0}', e instanceof Error ? e.message : String(e)),
        actions: ['showLog', 'dismiss'],
      });
    } finally {
      sub?.dispose();
    }
  }

  private trim(): void {
    let finished = 0;
    this.list = this.list.filter((r) => r.status === 'running' || ++finished <= MAX_RUNS);
  }

  remove(id: string): RunState | undefined {
    const run = this.list.find((r) => r.id === id);
    if (!run || run.status === 'running') return undefined;
    this.list = this.list.filter((r) => r !== run);
    this.host.post({ type: 'runs', runs: this.list.map(view) });
    return run;
  }

  async action(action: RunAction, id: string): Promise<void> {
    const run = this.list.find((r) => r.id === id);
    if (!run) return;
    switch (action) {
      case 'showLog':
        this.host.s.log.show();
        return;
      case 'dismiss':
        this.remove(id);
        return;
      case 'retry':
        this.remove(id);
        await this.start(run.request, run.references);
        return;
      case 'setKey': {
        const provider = findModel(run.request.model)?.provider;
        if (!provider) return;
        // Once the key is set, carry on with the same request.
        if (await setApiKeyCommand(this.host.s.keys, this.host.s.ui, provider)) {
          this.remove(id);
          await this.start(run.request, run.references);
        }
        return;
      }
    }
  }
}

function view(r: RunState): RunView {
  // The reference images' bytes stay here: the page gets the request as asked.
  const { job: _job, references: _references, ...rest } = r;
  return { ...rest, images: [...r.images] };
}
