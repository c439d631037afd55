/**
 * Sizes in words for people, as the pickers and the status bar show them: "Landscape 4:3 · 1024×768"
 * rather than `landscape_4_3`. Light (VS Code's l10n and the catalog's types only): the status bar
 * uses it at activation.
 */
import * as vscode from 'vscode';
import type { ModelEntry } from '../core/catalog';
import { parseSize, pixelsOf } from '../core/catalogTypes';

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * A size's name for people: "Square HD", "Landscape 4:3", "Portrait 9:16" (from the pixels, so a
 * preset named `portrait_4_3` that is 768×1024 reads "Portrait 3:4"), "Square 1:1" for a ratio.
 */
export function sizeName(width: number, height: number, preset?: string): string {
  if (preset === 'square_hd') return vscode.l10n.t('Square HD');
  if (preset === 'square') return vscode.l10n.t('Square');
  const g = gcd(width, height);
  const a = width / g;
  const b = height / g;
  const ratio = a <= 32 && b <= 32 ? `${a}:${b}` : undefined;
  if (width === height) return ratio ? vscode.l10n.t('Square {0}', ratio) : vscode.l10n.t('Square');
  if (!ratio) return preset ?? `${width}×${height}`;
  return width > height ? vscode.l10n.t('Landscape {0}', ratio) : vscode.l10n.t('Portrait {0}', ratio);
}

/** "Landscape 4:3 · 1024×768". */
export function sizeLabel(width: number, height: number, preset?: string): string {
  return `${sizeName(width, height, preset)} · ${width}×${height}`;
}

/**
 * The pixels of a size as written in settings (`1024x768`, a ratio or a preset name) for a model,
 * read the way a generation reads it (`parseSize`, `pixelsOf`); undefined when the model does not
 * have it. A preset keeps its name for the words.
 */
export function settingPixels(model: ModelEntry, text: string): { width: number; height: number; preset?: string } | undefined {
  const choice = parseSize(text);
  const px = choice && pixelsOf(model, choice);
  return px && (choice.kind === 'preset' ? { ...px, preset: choice.name } : px);
}
