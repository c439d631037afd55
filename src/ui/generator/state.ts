/**
 * The generator page's state, as one object (the page's modules change its fields; an imported
 * binding could not be assigned), what was saved before a reload, and the page's channel to the
 * extension (typed messages; only UI state is kept in getState/setState).
 */
import { connect } from '../bridge';
import { CATALOG, findModel, type ModelEntry } from '../../core/catalog';
import { initialForm } from '../../webview/generator/form';
import type { FieldProblem, FormState, KeyState, RunView, TargetView, ToHost, ToUi, UiState } from '../../webview/generator/protocol';

export const host = connect<ToHost, ToUi, UiState>();

/** The state saved before a reload, when it has the shape this version writes. */
function restore(): UiState | undefined {
  const s = host.savedState();
  return s && s.v === 1 && s.form && typeof s.form === 'object' && Array.isArray(s.runs) ? (s as UiState) : undefined;
}

export const saved = restore();

export interface PageState {
  form: FormState;
  keys: KeyState;
  target: TargetView | null;
  runs: RunView[];
  lastSeed: number | null;
  advancedOpen: boolean;
  curl: UiState['curl'];
  hostProblems: readonly FieldProblem[];
  /** Generate or Copy as cURL was pressed: the empty prompt is now worth a word. */
  submitted: boolean;
  seq: number;
  initialised: boolean;
  /** The model whose controls are on the page (they are rebuilt when it changes). */
  builtFor: string;
}

export const state: PageState = {
  form: saved?.form ?? initialForm(),
  keys: { aimlapi: true, apiframe: true },
  target: null,
  runs: saved?.runs.slice() ?? [],
  lastSeed: saved?.lastSeed ?? null,
  advancedOpen: saved?.advancedOpen ?? false,
  curl: saved?.curl ?? null,
  hostProblems: [],
  submitted: false,
  seq: 0,
  initialised: false,
  builtFor: '',
};

export const isMac = navigator.platform.toUpperCase().includes('MAC');

export function model(): ModelEntry {
  return findModel(state.form.model) ?? CATALOG[0]!;
}

export function persist(): void {
  host.saveState({
    v: 1,
    form: state.form,
    advancedOpen: state.advancedOpen,
    curl: state.curl,
    runs: state.runs.filter((r) => r.status !== 'running'),
    lastSeed: state.lastSeed,
  });
}
