/** The gallery's generations under way: a row each, with its phase, progress, clock and Cancel. */
import { t } from '../bridge';
import { el, icon, iconButton } from '../dom';
import { elapsedText } from './model';
import { runningList } from './skeleton';
import { host, state } from './state';

export function renderRunning(): void {
  const running = state.running;
  runningList.textContent = '';
  runningList.hidden = running.length === 0;
  for (const g of running) {
    const row = el('div', 'run');
    row.setAttribute('role', 'listitem');
    row.setAttribute('aria-label', t('Generating "{0}" with {1}: {2}', g.prompt, g.modelLabel, g.phase));
    const bar = el('progress');
    bar.max = 100;
    if (g.percent !== undefined) bar.value = g.percent;
    bar.setAttribute('aria-label', g.percent !== undefined ? t('{0} percent', Math.round(g.percent)) : t('In progress'));
    const text = el('div', 'run-text');
    const prompt = el('div', 'prompt', g.prompt);
    prompt.title = g.prompt;
    const phase = el('div', 'line muted');
    phase.dataset.started = String(g.startedAt);
    phase.dataset.phase = g.phase;
    phase.textContent = `${elapsedText(Date.now() - g.startedAt)} · ${g.phase}`;
    text.append(prompt, phase, bar);
    const cancel = iconButton('close', t('Cancel generating "{0}"', g.prompt.slice(0, 60)), () => host.post({ type: 'cancel', generationId: g.id }));
    const spinner = icon('loading');
    spinner.classList.add('codicon-modifier-spin');
    row.append(spinner, text, cancel);
    runningList.append(row);
  }
}

/** Move the rows' clocks on (every second). */
export function tickRunning(): void {
  for (const n of Array.from(runningList.querySelectorAll<HTMLElement>('[data-started]'))) {
    n.textContent = `${elapsedText(Date.now() - Number(n.dataset.started))} · ${n.dataset.phase}`;
  }
}
