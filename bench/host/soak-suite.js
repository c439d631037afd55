// Runs inside the VS Code extension host: 300 generations in a row (from a selection, small images,
// the fake API), with the host's memory (after a full GC) sampled every 50. Prints JSON lines.
exports.run = async function run() {
  const vscode = require('vscode');
  const v8 = require('node:v8');
  const vm = require('node:vm');
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc');
  const total = Number(process.env.BENCH_SOAK || '300');
  const c = vscode.workspace.getConfiguration('fluxStudio');
  await c.update('aimlapi.baseUrl', process.env.FLUX_FAKE_API, vscode.ConfigurationTarget.Global);
  await vscode.commands.executeCommand('fluxStudio.setApiKey', 'aimlapi', 'bench-key');
  const folder = vscode.workspace.workspaceFolders[0].uri;
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, 'scratch.md'));
  const editor = await vscode.window.showTextDocument(doc);
  const sample = async (i) => {
    await new Promise((r) => setTimeout(r, 50));
    gc();
    gc();
    const m = process.memoryUsage();
    console.log(`BENCH_SOAK ${JSON.stringify({ i, heapUsed: m.heapUsed, rss: m.rss, external: m.external, arrayBuffers: m.arrayBuffers })}`);
  };
  // Warm up (loads the engine, the first connections), then measure.
  for (let i = 0; i < 5; i++) await one(i);
  await sample(0);
  for (let i = 1; i <= total; i++) {
    await one(i);
    if (i % 50 === 0) await sample(i);
  }

  async function one(i) {
    editor.selection = new vscode.Selection(2, 0, 2, 8);
    const files = await vscode.commands.executeCommand('fluxStudio.generateFromSelection', {
      prompt: `soak ${i}`,
      model: 'aimlapi:flux-pro/v1.1',
      size: '256x256',
    });
    if (!files || files.length !== 1) throw new Error(`generation ${i} failed`);
    await vscode.workspace.fs.delete(files[0]);
    // Keep the document from growing without end: undo the link.
    await vscode.commands.executeCommand('undo');
  }
};
