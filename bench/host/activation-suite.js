// Runs inside the VS Code extension host: activates the extension named by BENCH_EXT_ID (declared
// with no activation events, so nothing activated it before) and prints how long activate() took.
exports.run = async function run() {
  const vscode = require('vscode');
  const ext = vscode.extensions.getExtension(process.env.BENCH_EXT_ID);
  if (!ext) throw new Error(`extension ${process.env.BENCH_EXT_ID} not found`);
  if (ext.isActive) throw new Error('already active: the copy must have no activation events');
  const t0 = performance.now();
  await ext.activate();
  console.log(`BENCH_ACTIVATION_MS ${(performance.now() - t0).toFixed(3)}`);
};
