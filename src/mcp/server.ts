/**
 * Flux Image Studio's tools as an MCP server over stdio (dist/mcp.js): fluxStudio_generateImage and
 * fluxStudio_listModels, from the extension's own core. VS Code (1.101 and later) starts it through
 * the extension's MCP server definition; any other MCP client can start it too:
 *
 *   AIMLAPI_API_KEY=… node dist/mcp.js --workspace /path/to/project
 *
 * Standard output carries only protocol messages; the log goes to standard error, redacted by the
 * engine, never with a key.
 */
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { HttpClient } from '../core/http';
import { bundleTranslator, setTranslator, t } from '../core/l10n';
import type { Logger } from '../core/log';
import { redact } from '../core/redact';
import { readConfig } from './config';
import { INVALID_PARAMS, lineReader, METHOD_NOT_FOUND, PARSE_ERROR, parseLine, type Message, type RpcId } from './rpc';
import { GENERATE_TOOL, generateImage, LIST_TOOL, listModels, toolList, type ToolContext } from './tools';

declare const __VERSION__: string | undefined;

/** Protocol versions this server speaks, newest first; a client asking for another gets the newest. */
const PROTOCOL_VERSIONS = ['2025-06-18', '2025-03-26', '2024-11-05'];
/** Calls running at once; more are refused with a message, not queued without bound. */
const MAX_RUNNING = 4;

export interface ServerIo {
  readonly write: (line: string) => void;
  readonly log: (line: string) => void;
}

/** The server's message handling, apart from process wiring (tests drive it directly too). */
export function createServer(ctx: ToolContext, io: ServerIo): { receive: (line: string) => void; overlong: () => void; running: () => number } {
  const running = new Map<RpcId, AbortController>();
  /** Text from an error, without any key the server holds (Bearer and afk_ tokens too). */
  const clean = (text: string): string => Object.values(ctx.config.keys).reduce((acc: string, key) => redact(acc, key), redact(text));
  const send = (m: object): void => io.write(JSON.stringify({ jsonrpc: '2.0', ...m }));
  const fail = (id: RpcId | null | undefined, code: number, message: string): void => send({ id: id ?? null, error: { code, message } });

  async function call(id: RpcId, params: unknown): Promise<void> {
    const p = params && typeof params === 'object' ? (params as { name?: unknown; arguments?: unknown }) : {};
    if (p.name === LIST_TOOL) {
      const a = listModels(ctx);
      send({ id, result: { content: [{ type: 'text', text: a.text }], isError: a.isError } });
      return;
    }
    if (p.name !== GENERATE_TOOL) {
      fail(id, INVALID_PARAMS, t('Unknown tool {0}: the tools are {1} and {2}.', JSON.stringify(String(p.name).slice(0, 100)), GENERATE_TOOL, LIST_TOOL));
      return;
    }
    if (running.size >= MAX_RUNNING) {
      send({
        id,
        result: {
          content: [{ type: 'text', text: t('{0} generations are already running; try again when one has finished. Nothing was sent.', MAX_RUNNING) }],
          isError: true,
        },
      });
      return;
    }
    const controller = new AbortController();
    running.set(id, controller);
    try {
      const a = await generateImage(p.arguments ?? {}, ctx, controller.signal);
      if (!controller.signal.aborted) send({ id, result: { content: [{ type: 'text', text: a.text }], isError: a.isError } });
    } catch (e) {
      io.log(`[error] ${clean(e instanceof Error ? (e.stack ?? e.message) : String(e))}`);
      send({
        id,
        result: { content: [{ type: 'text', text: t('The generation failed: {0}', clean(e instanceof Error ? e.message : String(e))) }], isError: true },
      });
    } finally {
      running.delete(id);
    }
  }

  function handle(m: Message): void {
    const { id, method } = m;
    if (method === undefined) return; // an answer to something we never ask
    if (id === undefined || id === null) {
      // Notifications: only a cancel means anything to us.
      if (method === 'notifications/cancelled') {
        const target = (m.params as { requestId?: RpcId } | undefined)?.requestId;
        if (target !== undefined) running.get(target)?.abort();
      }
      return;
    }
    switch (method) {
      case 'initialize': {
        const asked = (m.params as { protocolVersion?: unknown } | undefined)?.protocolVersion;
        const protocolVersion = typeof asked === 'string' && PROTOCOL_VERSIONS.includes(asked) ? asked : PROTOCOL_VERSIONS[0];
        send({
          id,
          result: {
            protocolVersion,
            capabilities: { tools: { listChanged: false } },
            serverInfo: { name: 'flux-image-studio', title: 'Flux Image Studio', version: typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0' },
            instructions: t(
              'Make images with FLUX: call {0} to see models and sizes, then {1}; the answer names the saved files and gives a Markdown link to place.',
              LIST_TOOL,
              GENERATE_TOOL,
            ),
          },
        });
        return;
      }
      case 'ping':
        send({ id, result: {} });
        return;
      case 'tools/list':
        send({ id, result: { tools: toolList() } });
        return;
      case 'tools/call':
        void call(id, m.params);
        return;
      default:
        fail(id, METHOD_NOT_FOUND, t('Unknown method {0}.', JSON.stringify(method)));
    }
  }

  return {
    receive: (line) => {
      const incoming = parseLine(line);
      if (incoming.ok) handle(incoming.message);
      else fail(null, incoming.code, incoming.reason);
    },
    overlong: () => fail(null, PARSE_ERROR, t('The message is longer than the server reads (1 MB); it was dropped.')),
    running: () => running.size,
  };
}

/** The answers in VS Code's display language: the extension's own translation bundle, bounded, when there is one. */
function useLanguage(language: string): void {
  if (/^en(-|$)/i.test(language)) return;
  const file = path.join(__dirname, '..', 'l10n', `bundle.l10n.${language.toLowerCase()}.json`);
  try {
    if (statSync(file).size > 4 * 1024 * 1024) return;
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const strings = Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
      setTranslator(bundleTranslator(strings));
    }
  } catch {
    // No bundle for this language: English.
  }
}

function main(): void {
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const read = readConfig(process.argv.slice(2), process.env, process.cwd());
  if (!read.ok) {
    log(`flux-image-studio MCP server: ${read.message}`);
    process.exitCode = 2;
    return;
  }
  useLanguage(read.config.language);
  const keys = Object.values(read.config.keys);
  const clean = (m: string): string => keys.reduce((acc: string, key) => redact(acc, key), redact(m));
  const logger: Logger = {
    trace: () => {},
    debug: () => {},
    info: (m) => log(`[info] ${clean(m)}`),
    warn: (m) => log(`[warn] ${clean(m)}`),
    error: (m) => log(`[error] ${clean(m)}`),
  };
  const http = new HttpClient({ headersTimeoutMs: read.config.requestTimeoutMs, logger });
  const server = createServer({ config: read.config, http, logger }, { write: (line) => void process.stdout.write(`${line}\n`), log });
  process.stdin.on('data', lineReader(server.receive, server.overlong));
  process.stdin.on('end', () => process.exit(0));
  log(`[info] flux-image-studio MCP server ready for ${read.config.workspace}`);
}

if (require.main === module) main();
