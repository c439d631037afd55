/**
 * One failure, one sentence and the actions that help, for every place that shows a generation's
 * end: the notification (commands, gallery) and the panel's card (`failureCard`). This is the one
 * place that turns a failure into words and buttons.
 */
import * as vscode from 'vscode';
import { findModel, PROVIDERS, type ModelEntry, type ProviderId } from '../../core/catalog';
import { isFluxError } from '../../core/errors';
import { COMMANDS } from '../../ids';
import { setApiKeyCommand } from '../keys';
import type { Services } from '../services';
import { BACK, Steps } from '../steps';
import type { Refusal } from './preflight';

/**
 * - `setKey`: Set API Key, then the same request again;
 * - `retry`: the same request again;
 * - `editPrompt`: the prompt in a box, then the request again with the new prompt;
 * - `openGenerator`: the generator panel filled with the request, to change anything;
 * - `safetyTolerance`: the model's safety tolerance, then the request again with it;
 * - `billing`: the provider's account page, to add credits;
 * - `openSetting`: the setting that decided it (a time limit, the base URL);
 * - `showLog`: the log.
 */
export type FailureAction = 'setKey' | 'retry' | 'editPrompt' | 'openGenerator' | 'safetyTolerance' | 'billing' | 'openSetting' | 'showLog';

export interface Failure {
  readonly status: 'failed' | 'cancelled';
  readonly message: string;
  /** The first one is the notification's primary button. */
  readonly actions: readonly FailureAction[];
  /** The provider whose key "Set API Key" sets, whose account page "billing" opens. */
  readonly provider?: ProviderId;
  /** The setting `openSetting` opens. */
  readonly setting?: string;
  /** Checks that failed before anything was sent, by field (the panel marks its fields). */
  readonly problems?: readonly { field: string; message: string }[];
  /** The user cancelled it (Cancel clicked): they know, so no notification pops up for it. */
  readonly byUser?: boolean;
}

/** The model's safety tolerance parameter, when it has one. */
function safetyParam(model: ModelEntry | undefined) {
  const p = model?.params.find((x) => x.name === 'safetyTolerance');
  return p?.type === 'enum' ? p : undefined;
}

/** A failure in words; undefined for a programming error (the caller rethrows it). */
export function describeFailure(e: unknown, folder: vscode.Uri | undefined, model?: ModelEntry): Failure | undefined {
  if (e instanceof vscode.CancellationError) return { status: 'cancelled', message: vscode.l10n.t('Generation cancelled. Nothing was saved.'), actions: [] };
  if (isFluxError(e)) {
    const provider = e.provider ? { provider: e.provider } : {};
    const setting = e.setting ? { setting: e.setting } : {};
    const message = e.requestId ? vscode.l10n.t('{0} (request {1})', e.message, e.requestId) : e.message;
    switch (e.kind) {
      case 'cancelled':
        return { status: 'cancelled', message: vscode.l10n.t('{0} Nothing was saved.', e.message), actions: [] };
      case 'auth':
        return { status: 'failed', message: e.message, actions: ['setKey', 'showLog'], ...provider };
      case 'credits':
        // Adding credits is what helps; the log has nothing more to say first.
        return { status: 'failed', message, actions: e.provider ? ['billing', 'showLog'] : ['showLog'], ...provider };
      case 'moderation':
        // The prompt (or the model's tolerance) has to change: the log would not help.
        return {
          status: 'failed',
          message,
          actions: ['editPrompt', 'openGenerator', ...(safetyParam(model) ? (['safetyTolerance'] as const) : [])],
          ...provider,
        };
      default:
        return {
          status: 'failed',
          message,
          actions: [...(e.retryable ? (['retry'] as const) : []), ...(e.setting ? (['openSetting'] as const) : []), 'showLog'],
          ...provider,
          ...setting,
        };
    }
  }
  if (e instanceof vscode.FileSystemError) {
    const where = folder ? folder.fsPath || folder.path : '';
    return {
      status: 'failed',
      message: vscode.l10n.t('The image could not be saved in {0}: {1}. Nothing was left behind.', where, e.message),
      actions: ['showLog'],
    };
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

// ---- The panel's card ---------------------------------------------------------------------------

/** The actions a panel card offers (it is the generator already, so no Edit Prompt or Open in Generator). */
export type CardAction = 'setKey' | 'retry' | 'showLog' | 'dismiss';

export interface FailureCard {
  readonly status: 'failed' | 'cancelled';
  /** The card's short state: "Not sent", "Failed", or the cancellation. */
  readonly phase: string;
  readonly error?: { readonly message: string; readonly actions: readonly CardAction[] };
}

/**
 * A failure as the generator panel's card says it. `sent`: the request had started (a job was
 * running) when it ended. Checks that failed before sending read "Not sent"; a failure after
 * sending reads "Failed", with the actions the card has (Show Log when none of them helps).
 */
export function failureCard(f: Failure, sent: boolean): FailureCard {
  if (f.status === 'cancelled') return { status: 'cancelled', phase: sent ? f.message : vscode.l10n.t('Cancelled before anything was sent.') };
  if (f.problems?.length) return { status: 'failed', phase: vscode.l10n.t('Not sent'), error: { message: f.message, actions: ['dismiss'] } };
  const onCard = f.actions.filter((a): a is 'setKey' | 'retry' | 'showLog' => a === 'setKey' || a === 'retry' || a === 'showLog');
  return {
    status: 'failed',
    phase: vscode.l10n.t('Failed'),
    error: { message: f.message, actions: onCard.length ? [...onCard, 'dismiss'] : ['showLog', 'dismiss'] },
  };
}

// ---- The notification -----------------------------------------------------------------------------

/** The request that failed, as the generate commands take it again. */
export interface AgainRequest {
  readonly prompt: string;
  readonly model: string;
  readonly size?: string;
  readonly params?: Readonly<Record<string, string | number | boolean>>;
}

/** What the actions need: how to run it again, and (for the prompt and model actions) what it was. */
export interface Again {
  /** The same request again. */
  readonly retry: () => Thenable<unknown>;
  /** The request as it was: Edit Prompt, Open in Generator and Safety Tolerance start from it. */
  readonly request?: AgainRequest;
  /** The request again with changes (a new prompt, another parameter). */
  readonly retryWith?: (changed: AgainRequest) => Thenable<unknown>;
}

const SETTING_LABELS: Readonly<Record<string, () => string>> = {
  'fluxStudio.requestTimeoutSeconds': () => vscode.l10n.t('Change Time Limit'),
  'fluxStudio.pollTimeoutSeconds': () => vscode.l10n.t('Change Time Limit'),
};

function label(a: FailureAction, f: Failure): string {
  switch (a) {
    case 'setKey':
      return vscode.l10n.t('Set API Key');
    case 'retry':
      return vscode.l10n.t('Retry');
    case 'editPrompt':
      return vscode.l10n.t('Edit Prompt');
    case 'openGenerator':
      return vscode.l10n.t('Open in Generator');
    case 'safetyTolerance':
      return vscode.l10n.t('Safety Tolerance…');
    case 'billing':
      return vscode.l10n.t('Add Credits at {0}', f.provider ? PROVIDERS[f.provider].label : '');
    case 'openSetting':
      return SETTING_LABELS[f.setting ?? '']?.() ?? vscode.l10n.t('Check Base URL');
    case 'showLog':
      return vscode.l10n.t('Show Log');
  }
}

/** The actions this failure can offer here: those that need the request only when it is known. */
function offered(f: Failure, again: Again): FailureAction[] {
  const out = f.actions.filter((a) => {
    if (a === 'editPrompt' || a === 'safetyTolerance') return again.request !== undefined && again.retryWith !== undefined;
    if (a === 'openGenerator') return again.request !== undefined;
    if (a === 'openSetting') return f.setting !== undefined;
    if (a === 'billing') return f.provider !== undefined;
    return true;
  });
  // A content refusal from a place that cannot say its request (none of its actions left): the log.
  return out.length || !f.actions.length ? out : ['showLog'];
}

/** One question in the quick input (recorded like the pickers' questions); undefined when dismissed. */
async function ask<T>(s: Services, question: (steps: Steps) => Promise<T | typeof BACK | undefined>): Promise<T | undefined> {
  const steps = new Steps(s.ui);
  try {
    const answer = await question(steps);
    return answer === BACK ? undefined : answer;
  } finally {
    steps.dispose();
  }
}

/** "Edit Prompt": the prompt in a box; the request again with what was typed. */
async function editPrompt(s: Services, again: Again): Promise<void> {
  const request = again.request!;
  const prompt = await ask(s, (steps) =>
    steps.input({
      title: vscode.l10n.t('Flux: Edit Prompt'),
      prompt: vscode.l10n.t('Change the prompt, then press Enter to generate again with {0}.', findModel(request.model)?.label ?? request.model),
      value: request.prompt,
      validate: (v) => (v.trim() ? undefined : vscode.l10n.t('The prompt is empty; describe the image to generate.')),
    }),
  );
  if (prompt?.trim()) await again.retryWith!({ ...request, prompt: prompt.trim() });
}

/** "Safety Tolerance…": the model's levels, the one used focused; the request again at the one chosen. */
async function chooseSafetyTolerance(s: Services, again: Again): Promise<void> {
  const request = again.request!;
  const model = findModel(request.model);
  const param = safetyParam(model);
  if (!model || !param) return;
  const used = String(request.params?.safetyTolerance ?? param.default ?? '');
  const first = param.values[0];
  const last = param.values[param.values.length - 1];
  const items = param.values.map((v) => ({
    label: v,
    description: [
      v === first ? vscode.l10n.t('strictest') : v === last ? vscode.l10n.t('most permissive') : '',
      v === used ? vscode.l10n.t('used for this image') : '',
    ]
      .filter(Boolean)
      .join(' · '),
  }));
  const chosen = await ask(s, (steps) =>
    steps.pick({
      title: vscode.l10n.t('Flux: Safety tolerance of {0}', model.label),
      placeholder: vscode.l10n.t('{0} is the strictest, {1} the most permissive; generate again with…', first ?? '', last ?? ''),
      items,
      active: items.find((i) => i.label === used),
    }),
  );
  if (chosen) await again.retryWith!({ ...request, params: { ...request.params, safetyTolerance: chosen.label } });
}

/**
 * Show a failure as a notification with its actions, each of them wired: Set API Key sets it and
 * carries on with the same request, Retry runs it again, Edit Prompt and Safety Tolerance run it
 * again changed, Open in Generator opens the panel with it, the billing and setting buttons open
 * their page, Show Log opens the log. A cancel the user clicked shows in the status bar only.
 */
export function notifyFailure(s: Services, f: Failure, againOrRetry: Again | (() => Thenable<unknown>)): void {
  const again: Again = typeof againOrRetry === 'function' ? { retry: againOrRetry } : againOrRetry;
  if (f.status === 'cancelled' && f.byUser) {
    s.log.info(f.message);
    vscode.window.setStatusBarMessage(`$(circle-slash) ${f.message}`, 5000);
    return;
  }
  if (f.status === 'cancelled') {
    void s.ui.info(f.message);
    return;
  }
  const actions = offered(f, again);
  const labels = actions.map((a) => label(a, f));
  void s.ui.error(f.message, ...labels).then(async (choice) => {
    const action = actions[labels.indexOf(choice ?? '')];
    switch (action) {
      case 'showLog':
        s.log.show();
        return;
      case 'retry':
        await again.retry();
        return;
      case 'setKey':
        if (f.provider && (await setApiKeyCommand(s.keys, s.ui, f.provider))) await again.retry();
        return;
      case 'editPrompt':
        await editPrompt(s, again);
        return;
      case 'safetyTolerance':
        await chooseSafetyTolerance(s, again);
        return;
      case 'openGenerator': {
        const r = again.request!;
        await vscode.commands.executeCommand(COMMANDS.openGenerator, {
          prompt: r.prompt,
          model: r.model,
          ...(r.size ? { size: r.size } : {}),
          ...(r.params ? { params: r.params } : {}),
        });
        return;
      }
      case 'billing':
        if (f.provider) await vscode.env.openExternal(vscode.Uri.parse(PROVIDERS[f.provider].billingPage));
        return;
      case 'openSetting':
        await vscode.commands.executeCommand('workbench.action.openSettings', f.setting);
        return;
      case undefined:
        return;
    }
  });
}
