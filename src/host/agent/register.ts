/**
 * The language model tools, registered at activation as thin objects: their work (and zod, the
 * engine) is in the main bundle, loaded on the first invocation (src/host/agent/tools.ts).
 */
import * as vscode from 'vscode';
import { TOOLS } from '../../ids';
import { main } from '../lazy';
import type { Shell } from '../shell';

export function registerTools(shell: Shell): vscode.Disposable[] {
  // VS Code before 1.95 has no tools API; the manifest asks for 1.96, this guards a fork that lacks it.
  if (typeof vscode.lm?.registerTool !== 'function') return [];
  return [
    vscode.lm.registerTool<unknown>(TOOLS.generateImage, {
      prepareInvocation: (options) => main(shell).agent.prepareGenerate(options.input),
      invoke: (options, token) => main(shell).agent.generate(options.input, token),
    }),
    vscode.lm.registerTool<unknown>(TOOLS.listModels, {
      invoke: () => main(shell).agent.listModels(),
    }),
  ];
}
