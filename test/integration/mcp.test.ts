/**
 * The MCP server definition, in the real host. Where VS Code offers MCP server definitions from
 * extensions (the newest version the tests run on), the definition VS Code would start is started
 * here exactly as given (command, arguments, environment with the key) and spoken to over stdio:
 * the same two tools, an image saved in this workspace against the fake API. On the oldest version
 * the extension runs without it.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as vscode from 'vscode';
import { TEST_KEY, api, fake, imageAt, useFakeApi, workspaceUri } from './util';

/** VS Code 1.101 finalized MCP server definitions from extensions. */
const hasMcpApi = typeof (vscode.lm as unknown as { registerMcpServerDefinitionProvider?: unknown }).registerMcpServerDefinitionProvider === 'function';

suite('MCP server', () => {
  suiteSetup(useFakeApi);

  test('offered exactly where VS Code has MCP server definitions', async () => {
    const server = await (await api()).mcpServer();
    const [major = 0, minor = 0] = vscode.version.split('.').map(Number);
    assert.equal(hasMcpApi, major > 1 || minor >= 101, `VS Code ${vscode.version}`);
    assert.equal(server !== undefined, hasMcpApi);
  });

  // Defined only where there is a definition to start (the test above proves which versions those are).
  if (hasMcpApi)
    test('the definition VS Code starts answers tools/list and saves a generated image in the workspace', async () => {
      const server = (await (await api()).mcpServer())!;
      assert.equal(server.env.AIMLAPI_API_KEY, TEST_KEY, 'the key the user set, added when VS Code starts the server');
      const env: NodeJS.ProcessEnv = { PATH: process.env.PATH };
      for (const [k, v] of Object.entries(server.env)) if (v !== null) env[k] = String(v);
      const child = spawn(server.command, [...server.args], { env, cwd: server.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      type Answer = { id: number; result?: { content?: Array<{ text: string }>; isError?: boolean; tools?: Array<{ name: string }> } };
      const answers = new Map<number, (m: Answer) => void>();
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        let nl;
        while ((nl = out.indexOf('\n')) >= 0) {
          const m = JSON.parse(out.slice(0, nl)) as Answer;
          out = out.slice(nl + 1);
          answers.get(m.id)?.(m);
        }
      });
      let id = 0;
      const request = (method: string, params: unknown) =>
        new Promise<Answer>((resolve) => {
          answers.set(++id, resolve);
          child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
        });
      try {
        await request('initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'integration', version: '1' } });
        const list = await request('tools/list', {});
        assert.deepEqual(
          list.result?.tools?.map((t) => t.name),
          ['fluxStudio_generateImage', 'fluxStudio_listModels'],
        );
        await fake.reset();
        const r = await request('tools/call', {
          name: 'fluxStudio_generateImage',
          arguments: { prompt: 'an mcp heron', model: 'aimlapi:flux-pro', size: '512x512', seed: 11, outputFormat: 'png' },
        });
        const text = r.result?.content?.map((c) => c.text).join('\n') ?? '';
        assert.equal(r.result?.isError, false, text);
        const rel = /Saved (\S+)/.exec(text)?.[1];
        assert.ok(rel, text);
        const img = await imageAt(workspaceUri(rel));
        assert.equal(img.record?.prompt, 'an mcp heron');
        assert.equal(img.record?.seed, 11);
        const sent = (await fake.requests()).find((q) => q.method === 'POST');
        assert.equal(sent?.headers.authorization, `Bearer ${TEST_KEY}`);
        await vscode.workspace.fs.delete(workspaceUri(rel));
      } finally {
        child.stdin.end();
        child.kill();
      }
    });
});
