/**
 * One failure, one sentence and the actions that help ("Set API Key", "Retry", "Show Log"), for
 * every place that shows a generation's end: the notification (commands, gallery), the panel's card.
 */
import * as vscode from 'vscode';
import type { ProviderId } from '../../core/catalog';
import { isFluxError } from '../../core/errors';
import { setApiKeyCommand } from '../keys';
import type { Services } from '../services';
import type { Refusal } from './preflight';

export type FailureAction = 'setKey' | 'retry' | 'showLog';

export interface Failure {
  readonly status: 'failed' | 'cancelled';
  readonly message: string;
  readonly actions: readonly FailureAction[];
  /** The provider whose key "Set API Key" sets. */
  readonly provider?: ProviderId;
  /** Checks that failed before anything was sent, by field (the panel marks its fields). */
  readonly problems?: readonly { field: string; message: string }[];
  /** The user cancelled it (Cancel clicked): they know, so no notification pops up for it. */
  readonly byUser?: boolean;
}

/** A failure in words; undefined for a programming error (the caller rethrows it). */
export function describeFailure(e: unknown, folder: vscode.Uri | undefined): Failure | undefined {
  if (e instanceof vscode.CancellationError) return { status: 'cancelled', message: vscode.l10n.t('Generation cancelled. Nothing was saved.'), actions: [] };
  if (isFluxError(e)) {
    if (e.kind === 'cancelled') return { status: 'cancelled', message: vscode.l10n.t('{0} Nothing was saved.', e.message), actions: [] };
    if (e.kind === 'auth') return { status: 'failed', message: e.message, actions: ['setKey', 'showLog'], ...(e.provider ? { provider: e.provider } : {}) };
    return {
      status: 'failed',
      message: e.requestId ? vscode.l10n.t('{0} (request {1})', e.message, e.requestId) : e.message,
      actions: e.retryable ? ['retry', 'showLog'] : ['showLog'],
      ...(e.provider ? { provider: e.provider } : {}),
    };
  }
  if (e instanceof vscode.FileSystemError) {
    const where = folder ? folder.fsPath || folder.path : '';
    return { status: 'failed', message: vscode.l10n.t('The image could not be saved in {0}: {1}. Nothing was left behind.', where, e.message), actions: ['showLog'] };
  }
  return undefined;
}

/** A refusal before anything was sent, as a failure (nothing to retry: the input must change). */
export function describeRefusal(r: Refusal): Failure {
  switch (r.kind) {
    case 'invalid':
      return { status: 'failed', message: r.problems.map((p) => p.message).join(' '), actions: [], problems: r.problems };
    case 'refused':
      return { status: 'failed', message: r.message, actions: [] };
    case 'noKey':
      return { status: 'failed', message: r.message, actions: ['setKey'], provider: r.provider };
    case 'cancelled':
      return { status: 'cancelled', message: vscode.l10n.t('Cancelled before anything was sent.'), actions: [] };
  }
}

const LABELS: Readonly<Record<FailureAction, () => string>> = {
  setKey: () => vscode.l10n.t('Set API Key'),
  retry: () => vscode.l10n.t('Retry'),
  showLog: () => vscode.l10n.t('Show Log'),
};

/**
 * Show a failure as a notification with its actions, each of them wired: Set API Key sets it and
 * carries on with `retry`, Retry runs `retry`, Show Log opens the log.
 */
export function notifyFailure(s: Services, f: Failure, retry: () => Thenable<unknown>): void {
  if (f.status === 'cancelled' && f.byUser) {
    s.log.info(f.message);
    vscode.window.setStatusBarMessage(`$(circle-slash) ${f.message}`, 5000);
    return;
  }
  if (f.status === 'cancelled') {
    void s.ui.info(f.message);
    return;
  }
  const labels = f.actions.map((a) => LABELS[a]());
  void s.ui.error(f.message, ...labels).then(async (choice) => {
    const action = f.actions[labels.indexOf(choice ?? '')];
    if (action === 'showLog') s.log.show();
    if (action === 'retry') await retry();
    if (action === 'setKey' && f.provider && (await setApiKeyCommand(s.keys, s.ui, f.provider))) await retry();
  });
}
