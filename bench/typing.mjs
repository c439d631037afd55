#!/usr/bin/env node
// Typing while generations run: in the real workbench (code-server + headless Chromium), the time
// from a key press to the character being on screen in the editor, while 8 generations are under
// way (the fake API holds each answer 15 s, so all 8 are running while the keys are typed), against the same typing with nothing running (the
// reference, same run). Median and p95 of 40 keystrokes each.
//
//   npm run bench:typing
import { startWorkbench } from '../test/e2e/workbench.mjs';

const KEYS = 40;
const q = (xs, f) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * f))];

const wb = await startWorkbench({ settings: { 'fluxStudio.defaultSize': '256x256', 'files.autoSave': 'off' } });
try {
  const { page } = wb;
  await wb.openFile('load.md');
  await wb.focusEditor();

  /** Type KEYS characters at the end of line 1, timing each from keydown to its appearance. */
  const type = async () => {
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('End');
    const times = [];
    for (let i = 0; i < KEYS; i++) {
      const ch = 'abcdefghijklmnopqrstuvwxyz'[i % 26];
      const before = await page.evaluate(() => document.querySelector('.editor-group-container.active .view-lines .view-line')?.textContent ?? '');
      const t0 = Date.now();
      await page.keyboard.type(ch);
      await page.waitForFunction(
        (prev) => (document.querySelector('.editor-group-container.active .view-lines .view-line')?.textContent ?? '') !== prev,
        before,
        { polling: 'raf', timeout: 10_000 },
      );
      times.push(Date.now() - t0);
      await page.waitForTimeout(60);
    }
    return times;
  };

  const idle = await type();
  // Eight generations at once, each held 15 s at the fake API.
  await wb.control('fault', { kind: 'slow-headers', ms: 15000, times: 'always' });
  for (let i = 0; i < 8; i++) {
    await wb.selectText(`item 0${i + 1}`);
    await wb.runCommand('Flux: Generate Image from Selection');
  }
  await wb.focusEditor();
  const busy = await type();
  const running = (await wb.control('requests')).filter((r) => r.method === 'POST').length;
  console.log(`typing in the editor (VS Code 1.96.4 via code-server, ${KEYS} keystrokes each)`);
  console.log(`  nothing running:           median ${q(idle, 0.5)} ms, p95 ${q(idle, 0.95)} ms`);
  console.log(`  ${running} generations running:    median ${q(busy, 0.5)} ms, p95 ${q(busy, 0.95)} ms`);
  console.log(`  ratio (median, busy / idle): ${(q(busy, 0.5) / q(idle, 0.5)).toFixed(2)}x`);
} finally {
  await wb.stop();
}
