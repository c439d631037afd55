// Runs inside the VS Code extension host: from running the command to the link being in the
// document, with the fake API answering at once, for 1 and 4 images of 2752x1536 PNG. Also the
// extension host's peak memory growth (RSS) during the 4-image runs. Prints JSON lines.
exports.run = async function run() {
  const vscode = require('vscode');
  const fake = process.env.FLUX_FAKE_API;
  const runs = Number(process.env.BENCH_RUNS || '5');
  const c = vscode.workspace.getConfiguration('fluxStudio');
  await c.update('aimlapi.baseUrl', fake, vscode.ConfigurationTarget.Global);
  await vscode.commands.executeCommand('fluxStudio.setApiKey', 'aimlapi', 'bench-key');
  const folder = vscode.workspace.workspaceFolders[0].uri;
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, 'scratch.md'));
  const editor = await vscode.window.showTextDocument(doc);

  const once = async (n, label) => {
    editor.selection = new vscode.Selection(2, 0, 2, 8);
    const before = doc.getText().length;
    const m0 = process.memoryUsage();
    const base = m0.rss;
    const baseBuffers = m0.arrayBuffers;
    let peak = base;
    let peakBuffers = baseBuffers;
    const sample = () => {
      const m = process.memoryUsage();
      peak = Math.max(peak, m.rss);
      peakBuffers = Math.max(peakBuffers, m.arrayBuffers);
    };
    const sampler = setInterval(sample, 2);
    const t0 = performance.now();
    const files = await vscode.commands.executeCommand('fluxStudio.generateFromSelection', {
      prompt: 'a lighthouse at dawn, bench',
      model: 'aimlapi:flux-pro/v1.1-ultra',
      size: '16:9',
      outputFormat: 'png',
      numImages: n,
      seed: 42,
    });
    const ms = performance.now() - t0;
    clearInterval(sampler);
    sample();
    if (!files || files.length !== n || doc.getText().length <= before) throw new Error(`generation of ${n} failed`);
    let bytes = 0;
    for (const f of files) bytes += (await vscode.workspace.fs.stat(f)).size;
    console.log(`BENCH_ANSWER ${JSON.stringify({ label, n, ms, bytes, rssGrowth: peak - base, buffersGrowth: peakBuffers - baseBuffers })}`);
    for (const f of files) await vscode.workspace.fs.delete(f);
  };
  // The host's own floor for the last step: one workspace.applyEdit inserting a line (then undone),
  // with nothing else going on.
  for (let i = 0; i < runs + 2; i++) {
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, new vscode.Position(3, 0), '![x](assets/x.png)\n');
    const t0 = performance.now();
    if (!(await vscode.workspace.applyEdit(edit))) throw new Error('the edit was refused');
    const ms = performance.now() - t0;
    if (i >= 2) console.log(`BENCH_EDIT ${JSON.stringify({ ms })}`);
    const undo = new vscode.WorkspaceEdit();
    undo.delete(doc.uri, new vscode.Range(3, 0, 4, 0));
    await vscode.workspace.applyEdit(undo);
  }
  await once(1, 'warmup');
  await once(4, 'warmup');
  for (let i = 0; i < runs; i++) {
    await once(1, 'run');
    await once(4, 'run');
  }
};
