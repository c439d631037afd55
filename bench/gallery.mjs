#!/usr/bin/env node
// Gallery page benchmark: the built page script (dist/ui/gallery.js) in headless Chromium with a fake
// `acquireVsCodeApi`, fed N generated entries in pages of 200 as the extension sends them. Measures
// (median of several runs, each in a fresh page):
//   - first paint: from the first message until a frame has shown the first thumbnails;
//   - search: from typing a word until a frame shows the filtered grid;
//   - scrolling: frame intervals while scrolling through the grid;
// at N = 2,000 and 10,000, each as a ratio against references measured in the same run: the same
// page fed 100 entries, and a plain static list of the first screen's cards (the same CSS, built in
// one go with innerHTML, no virtualization, no messages): the cheapest way to show that screen.
//
//   npm run bench:gallery [-- --runs 5]
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import sharp from 'sharp';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const RUNS = Number(values.runs);
const VIEWPORT = { width: 320, height: 900 }; // a side bar
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

if (!fs.existsSync(path.join(root, 'dist/ui/gallery.js'))) throw new Error('dist/ui/gallery.js is missing: npm run build');

// Eight small real images (PNG, 256x192), served for every thumbnail in turn.
const images = await Promise.all(
  Array.from({ length: 8 }, (_, i) =>
    sharp({ create: { width: 256, height: 192, channels: 3, background: { r: 40 + i * 25, g: 120 - i * 10, b: 200 - i * 20 } } })
      .png()
      .toBuffer(),
  ),
);

const FILES = {
  '/codicon.css': ['dist/ui/codicon.css', 'text/css'],
  '/codicon.ttf': ['dist/ui/codicon.ttf', 'font/ttf'],
  '/common.css': ['media/common.css', 'text/css'],
  '/gallery.css': ['media/gallery.css', 'text/css'],
  '/gallery.js': ['dist/ui/gallery.js', 'text/javascript'],
};

// The dark theme's variables that the styles use, as VS Code sets them on the webview's <html>.
const THEME = `--vscode-foreground:#cccccc;--vscode-sideBar-background:#181818;--vscode-font-family:sans-serif;--vscode-font-size:13px;
--vscode-input-background:#313131;--vscode-input-foreground:#cccccc;--vscode-focusBorder:#0078d4;--vscode-descriptionForeground:#9d9d9d;
--vscode-button-background:#0078d4;--vscode-button-foreground:#fff;--vscode-list-hoverBackground:#2a2d2e;--vscode-editorWidget-background:#202020;`;

const PAGE = (body) => `<!DOCTYPE html><html lang="en" style="${THEME.replace(/\n/g, '')}"><head><meta charset="UTF-8">
<link rel="stylesheet" href="/codicon.css"><link rel="stylesheet" href="/common.css"><link rel="stylesheet" href="/gallery.css"></head>
<body>${body}</body></html>`;

const GALLERY_PAGE = PAGE(`<div id="app" role="application" aria-label="Flux Gallery"></div>
<script>
  window.__posted = [];
  window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => undefined, setState: () => {} });
</script>
<script src="/gallery.js"></script>`);

const STATIC_PAGE = PAGE(`<div id="app" class="gallery"></div>`);

/** A plain local HTTP server for the pages, their scripts and styles, and the thumbnails. */
const pages = new Map();
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  const send = (status, type, body) => {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'max-age=3600' });
    res.end(body);
  };
  if (pages.has(url.pathname)) return send(200, 'text/html', pages.get(url.pathname));
  const img = /^\/img\/(\d+)\.png$/.exec(url.pathname);
  if (img) return process.env.BENCH_NO_IMAGES ? send(404, 'text/plain', '') : send(200, 'image/png', images[Number(img[1]) % images.length]);
  const f = FILES[url.pathname];
  if (f) return send(200, f[1], fs.readFileSync(path.join(root, f[0])));
  send(404, 'text/plain', '');
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const ORIGIN = `http://127.0.0.1:${server.address().port}`;
pages.set('/gallery', GALLERY_PAGE);
pages.set('/static', STATIC_PAGE);

async function newPage(browser, name) {
  const page = await browser.newPage({ viewport: VIEWPORT });
  await page.goto(`${ORIGIN}/${name}`);
  return page;
}

/** In the page: N entries as the extension would send them (newest first), varied prompts and models. */
const MAKE_ENTRIES = `(n) => {
  const words = ['lighthouse', 'fox', 'harbour', 'lantern', 'teapot', 'mountain', 'cabin', 'forest', 'river', 'city', 'robot', 'garden', 'storm', 'desert', 'whale', 'castle'];
  const adjectives = ['red', 'quiet', 'misty', 'golden', 'tiny', 'ancient', 'neon', 'snowy', 'paper', 'glass'];
  const models = [['aimlapi:flux-pro/v1.1', 'FLUX1.1 [pro]'], ['aimlapi:flux/schnell', 'FLUX.1 [schnell]'], ['apiframe:flux-2-pro', 'FLUX.2 [pro]'], ['aimlapi:flux-pro/v1.1-ultra', 'FLUX1.1 [pro] ultra']];
  const t0 = Date.parse('2026-11-01T00:00:00Z');
  const out = [];
  for (let i = 0; i < n; i++) {
    const m = models[i % models.length];
    const prompt = 'A ' + adjectives[(i * 7) % adjectives.length] + ' ' + words[(i * 13) % words.length] + ' at dawn, watercolor, number ' + i;
    out.push({ id: 'e' + i, uri: 'file:///ws/assets/img-' + i + '.png', src: '/img/' + i + '.png', name: 'img-' + i + '.png', prompt,
      modelKey: m[0], modelLabel: m[1], width: 1024, height: 768, seed: 1000 + i, createdAt: t0 - i * 60000, creditsUsed: 0.05 });
  }
  return out;
}`;

/** Resolves as soon as `ready()` holds after a DOM change, with style and layout done (no frame wait). */
const DOM_READY = `(ready) => new Promise((resolve) => {
  const done = () => { document.body.getBoundingClientRect(); resolve(performance.now()); };
  if (ready()) return done();
  const mo = new MutationObserver(() => { if (ready()) { mo.disconnect(); done(); } });
  mo.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
})`;

/** Resolves at the first frame after `ready()` holds (the frame that presents it has been produced). */
const FRAME_AFTER = `(ready) => new Promise((resolve) => {
  const tick = () => ready() ? requestAnimationFrame(() => resolve(performance.now())) : requestAnimationFrame(tick);
  tick();
})`;

async function galleryRun(browser, n) {
  const page = await newPage(browser, 'gallery');
  await page.waitForFunction(() => window.__posted.some((m) => m.type === 'ready'));
  const r = await page.evaluate(
    async ({ n, make, frameAfter, domReady }) => {
      const entries = eval(make)(n);
      const afterFrame = eval(frameAfter);
      const inDom = eval(domReady);
      // What the extension posts after `ready`: init, then pages of 200. The messages are queued here
      // (serialised: the extension host does that in its own process) and delivered from t0 on.
      window.postMessage({ type: 'init', total: n, hasFolder: true, persistent: true, mode: 'grid' }, '*');
      for (let i = 0; i < n; i += 200) window.postMessage({ type: 'page', entries: entries.slice(i, i + 200) }, '*');
      window.postMessage({ type: 'missing', ids: [] }, '*');
      window.postMessage({ type: 'running', generations: [] }, '*');
      const t0 = performance.now();
      const first = await inDom(() => document.querySelector('.card img'));
      const firstFrame = await afterFrame(() => true);
      const all = await afterFrame(() => /^[\d,]+ images?$/.test(document.querySelector('.status')?.textContent ?? ''));
      const cards = document.querySelectorAll('.card').length;

      // Search: a word in about a tenth of the prompts.
      const input = document.querySelector('.search input');
      const s0 = performance.now();
      input.value = 'lantern';
      input.dispatchEvent(new Event('input', { bubbles: true }));
      const searched = await inDom(
        () =>
          / of /.test(document.querySelector('.status')?.textContent ?? '') &&
          [...document.querySelectorAll('.card .title')].every((p) => p.textContent.includes('lantern')),
      );
      const matches = document.querySelector('.status').textContent;
      input.value = '';
      input.dispatchEvent(new Event('input', { bubbles: true }));
      await afterFrame(() => !/ of /.test(document.querySelector('.status')?.textContent ?? ''));

      // Scrolling: 120 frames, 240 px a frame (a fast flick through the grid).
      const scroller = document.querySelector('.scroller');
      const frames = [];
      let last = performance.now();
      let maxCards = 0;
      for (let f = 0; f < 120; f++) {
        scroller.scrollTop += 240;
        const now = await new Promise((res) => requestAnimationFrame(res));
        frames.push(now - last);
        last = now;
        maxCards = Math.max(maxCards, document.querySelectorAll('.card').length);
      }
      return { first: first - t0, firstFrame: firstFrame - t0, all: all - t0, cards, search: searched - s0, matches, frames, maxCards };
    },
    { n, make: MAKE_ENTRIES, frameAfter: FRAME_AFTER, domReady: DOM_READY },
  );
  await page.close();
  return r;
}

/**
 * The reference: the same N entries already in the page, the first screen's cards built at once with
 * innerHTML (same CSS, same images, no virtual grid, no messages); its search filters the N entries
 * and rebuilds the first screen of matches the same way. The least work that shows the same screen.
 */
async function staticRun(browser, n, cards) {
  const page = await newPage(browser, 'static');
  const r = await page.evaluate(
    async ({ n, cards, make, frameAfter, domReady }) => {
      const entries = eval(make)(n);
      const afterFrame = eval(frameAfter);
      const inDom = eval(domReady);
      const esc = (s) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
      const w = Math.floor((document.body.clientWidth - 24) / 2);
      const card = (e) =>
        `<div class="card static-card"><div class="thumb"><img loading="lazy" alt="" src="${e.src}"></div><div class="meta"><div class="prompt">${esc(e.prompt)}</div><div class="line">${esc(e.modelLabel)} · 1024×768</div><div class="line">seed ${e.seed}</div></div></div>`;
      const style = document.createElement('style');
      style.textContent = `.static-card{position:relative;display:inline-block;width:${w}px;margin:4px}.static-card .thumb{height:${Math.round((w * 3) / 4)}px}`;
      document.head.append(style);
      const t0 = performance.now();
      document.getElementById('app').innerHTML = '<div class="scroller"><div class="static">' + entries.slice(0, cards).map(card).join('') + '</div></div>';
      const first = await inDom(() => document.querySelector('.card img'));
      const firstFrame = await afterFrame(() => true);
      const s0 = performance.now();
      const words = 'lantern'.split(' ');
      const hits = entries.filter((e) => words.every((w) => e.prompt.toLowerCase().includes(w)));
      document.querySelector('.static').innerHTML = hits.slice(0, cards).map(card).join('');
      const searched = await inDom(() => true);
      // Scrolling the full list: every entry's card in the DOM (what the virtual grid avoids), up to 2,000.
      document.querySelector('.static').innerHTML = entries.slice(0, Math.min(n, 2000)).map(card).join('');
      document.body.getBoundingClientRect();
      const scroller = document.querySelector('.scroller');
      const frames = [];
      let last = performance.now();
      for (let f = 0; f < 120; f++) {
        scroller.scrollTop += 240;
        const now = await new Promise((res) => requestAnimationFrame(res));
        frames.push(now - last);
        last = now;
      }
      return { first: first - t0, firstFrame: firstFrame - t0, search: searched - s0, frames };
    },
    { n, cards, make: MAKE_ENTRIES, frameAfter: FRAME_AFTER, domReady: DOM_READY },
  );
  await page.close();
  return r;
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--headless=new'] });
try {
  const sizes = [100, 2000, 10000];
  const results = {};
  const refs = {};
  // Warm up (the first page load compiles the script and loads the font).
  await galleryRun(browser, 100);
  let firstScreen = 0;
  for (let run = 0; run < RUNS; run++) {
    for (const n of sizes) {
      const r = await galleryRun(browser, n);
      (results[n] ??= []).push(r);
      firstScreen = Math.max(firstScreen, r.cards);
      (refs[n] ??= []).push(await staticRun(browser, n, firstScreen));
    }
  }
  const machine = `${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}, ${os.platform()}; Chromium ${browser.version()} headless (--disable-gpu), viewport ${VIEWPORT.width}x${VIEWPORT.height}`;
  console.log(`Gallery page benchmark, median of ${RUNS} runs (${machine})`);
  console.log(`First screen: ${firstScreen} cards in the DOM. Times in ms; "ref" is the static list of the same screen (see the header).`);
  const b100 = { first: median(results[100].map((r) => r.first)), search: median(results[100].map((r) => r.search)) };
  console.log(
    '| Entries | First screen in DOM | ref | ratio | vs 100 entries | First frame | All pages in | Search "lantern" | ref | ratio | vs 100 | Scroll frames p95 / max | ref p95 (all cards in DOM) | Cards in DOM |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const n of sizes) {
    const rs = results[n];
    const ref = refs[n];
    const m = (xs, k) => median(xs.map((r) => r[k]));
    const first = m(rs, 'first');
    const search = m(rs, 'search');
    const frames = rs.flatMap((r) => r.frames);
    console.log(
      `| ${n.toLocaleString('en-US')} | ${first.toFixed(1)} | ${m(ref, 'first').toFixed(1)} | ${(first / m(ref, 'first')).toFixed(2)}x | ${(first / b100.first).toFixed(2)}x | ${m(rs, 'firstFrame').toFixed(1)} | ${m(rs, 'all').toFixed(0)} | ${search.toFixed(1)} (${rs[0].matches}) | ${m(ref, 'search').toFixed(1)} | ${(search / m(ref, 'search')).toFixed(2)}x | ${(search / b100.search).toFixed(2)}x | ${pct(frames, 95).toFixed(1)} / ${Math.max(...frames).toFixed(1)} | ${pct(
        ref.flatMap((r) => r.frames),
        95,
      ).toFixed(1)} | ${Math.max(...rs.map((r) => r.maxCards))} |`,
    );
  }
} finally {
  await browser.close();
  server.close();
}
