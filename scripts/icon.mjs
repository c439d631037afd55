#!/usr/bin/env node
// `npm run icon`: renders the extension's 256x256 marketplace icon, media/icon.png, from the
// activity-bar glyph media/flux.svg: the glyph in white on a rounded square with a dusk gradient,
// its spark in amber. Run it again after changing flux.svg; the PNG is committed.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ICON_SIZE = 256;

/** The icon's SVG source, built from the glyph's own shapes (a 24x24 view box). */
export function iconSvg(glyph = fs.readFileSync(path.join(ROOT, 'media', 'flux.svg'), 'utf8')) {
  const open = /<svg\b[^>]*>/.exec(glyph);
  const close = glyph.lastIndexOf('</svg>');
  if (!open || close < 0) throw new Error('media/flux.svg: no <svg> element');
  const viewBox = /viewBox="0 0 (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)"/.exec(open[0]);
  if (!viewBox || viewBox[1] !== viewBox[2]) throw new Error('media/flux.svg: expected a square viewBox starting at 0 0');
  const box = Number(viewBox[1]);
  // The glyph's shapes: strokes in white, the filled spark in amber.
  const shapes = glyph
    .slice(open.index + open[0].length, close)
    .replace(/(<path\b[^>]*)fill="currentColor"/g, '$1fill="#ffc857" stroke="#ffc857"')
    .replaceAll('currentColor', '#ffffff');
  const margin = ICON_SIZE * 0.16;
  const scale = (ICON_SIZE - 2 * margin) / box;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${ICON_SIZE}" height="${ICON_SIZE}" viewBox="0 0 ${ICON_SIZE} ${ICON_SIZE}">
  <defs>
    <linearGradient id="bg" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="#2b2d7c"/>
      <stop offset="0.6" stop-color="#6a2c91"/>
      <stop offset="1" stop-color="#c2457a"/>
    </linearGradient>
  </defs>
  <rect width="${ICON_SIZE}" height="${ICON_SIZE}" rx="${ICON_SIZE * 0.2}" fill="url(#bg)"/>
  <g transform="translate(${margin} ${margin}) scale(${scale})" fill="none" stroke="#ffffff" stroke-width="1.5" stroke-linejoin="round" stroke-linecap="round">
    ${shapes}
  </g>
</svg>
`;
}

/** Renders the icon; returns the PNG bytes. */
export async function renderIcon() {
  return sharp(Buffer.from(iconSvg())).png({ compressionLevel: 9, palette: false }).toBuffer();
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = path.join(ROOT, 'media', 'icon.png');
  const png = await renderIcon();
  fs.writeFileSync(out, png);
  const { width, height } = await sharp(png).metadata();
  console.log(`${path.relative(ROOT, out)}: ${width}x${height}, ${(png.length / 1024).toFixed(1)} KB`);
}
