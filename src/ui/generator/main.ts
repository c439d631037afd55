/**
 * The generator panel's page: the form built from the model catalog, live checks with the engine's
 * own sentences, and the results with their progress and actions. Talks to the extension only
 * through ../bridge (typed messages), keeps only UI state in getState/setState.
 *
 * Here: the messages from the extension, the keyboard, the start. The state is in ./state, the form
 * in ./formView (building) and ./formSync (keeping it in step), the results in ./resultsView.
 */
// First: the translations, before any text is made.
import { t } from '../bridge';
import type { ToUi } from '../../webview/generator/protocol';
import { byId } from '../dom';
import { focusFirstProblem, generate, notice, postForm, renderCurl, renderKeys, renderProblems, renderTarget, syncSeed, syncSize } from './formSync';
import { build, renderModel, renderModelSelect } from './formView';
import { setReferenceViews } from './references';
import { imageNotice, renderRun, renderRuns, tickElapsed } from './resultsView';
import { host, isMac, persist, saved, state } from './state';

setInterval(tickElapsed, 1000);

// ---- Messages from the extension ---------------------------------------------------------------

function fullRender(): void {
  renderModelSelect();
  state.builtFor = '';
  renderModel();
  renderTarget();
  renderRuns();
  renderCurl();
}

host.onMessage((m: ToUi) => {
  switch (m.type) {
    case 'init': {
      const first = !state.initialised;
      state.initialised = true;
      state.form = m.form;
      state.keys = m.keys;
      state.target = m.target;
      state.runs = m.runs.slice();
      state.lastSeed = m.lastSeed;
      state.hostProblems = [];
      fullRender();
      byId('app').classList.remove('loading');
      persist();
      postForm();
      if (m.notes.length) notice(m.notes.join(' '));
      if (first && !document.activeElement?.closest('#app .generator')) byId('prompt').focus();
      break;
    }
    case 'references':
      state.form = { ...state.form, references: [...m.references], ...m.size };
      setReferenceViews(m.views);
      if (m.size) syncSize();
      persist();
      postForm();
      break;
    case 'setForm':
      state.form = m.form;
      state.submitted = false;
      renderModel();
      persist();
      postForm();
      if (m.notes.length) notice(m.notes.join(' '));
      byId('prompt').focus();
      break;
    case 'validation':
      if (m.seq !== 0 && m.seq < state.seq) break; // an answer about an older form
      state.hostProblems = m.problems;
      if (m.submitted) state.submitted = true;
      renderProblems();
      if (m.seq !== 0) byId('app').dataset.checkedSeq = String(m.seq);
      if (m.submitted && m.problems.length) focusFirstProblem();
      break;
    case 'keys':
      state.keys = m.keys;
      renderKeys();
      break;
    case 'target':
      state.target = m.target;
      renderTarget();
      break;
    case 'run': {
      const i = state.runs.findIndex((r) => r.id === m.run.id);
      if (i >= 0) state.runs[i] = m.run;
      else state.runs.unshift(m.run);
      renderRun(m.run);
      byId('clear-runs').hidden = false;
      if (m.run.status !== 'running') persist();
      break;
    }
    case 'runs':
      state.runs = m.runs.slice();
      renderRuns();
      persist();
      break;
    case 'lastSeed':
      state.lastSeed = m.seed;
      syncSeed();
      renderProblems();
      persist();
      break;
    case 'curl':
      state.curl = { text: m.text, note: m.note };
      persist();
      renderCurl();
      notice(t('The request is on the clipboard.'));
      break;
    case 'notice':
      // Beside the image it is about when that image is on the page, else under Generate.
      if (!m.image || !imageNotice(m.image, m.message, m.level)) notice(m.message, m.level);
      break;
  }
});

// ---- Keyboard ---------------------------------------------------------------------------------

document.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && (isMac ? e.metaKey : e.ctrlKey) && !e.altKey && !e.shiftKey) {
    e.preventDefault();
    generate();
  }
});

// ---- Start ------------------------------------------------------------------------------------

build();
if (saved) {
  // Show what was there at once; the extension's `init` follows.
  fullRender();
} else {
  byId('app').classList.add('loading');
}
host.post({ type: 'ready' });
