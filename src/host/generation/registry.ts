/**
 * The generations under way in this window: what the notification, the panel's cards and the
 * gallery show, and what "Cancel" reaches.
 */
import * as vscode from 'vscode';
import { PROVIDERS, type ModelEntry } from '../../core/catalog';
import { CONTEXT } from '../../ids';

/** A generation under way, as the notification, the panel and the gallery show it. */
export class RunningGeneration {
  readonly id = Math.random().toString(36).slice(2, 10);
  readonly startedAt = Date.now();
  readonly controller = new AbortController();
  phase: string;
  percent: number | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(
    readonly prompt: string,
    readonly model: ModelEntry,
    private readonly registry: Generations,
  ) {
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
      void vscode.commands.executeCommand('setContext', CONTEXT.generating, any);
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
