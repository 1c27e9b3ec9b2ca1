/**
 * A private PostgreSQL cluster for fault tests: `initdb` into a temp dir, `pg_ctl`
 * on a free loopback port (Unix socket in the same temp dir, trust auth), so a test
 * can stop, crash and restart *its own* server without touching the machine's shared
 * one. Run as root, PostgreSQL refuses to start: the cluster then runs as a non-root
 * user (`WRIT_TEST_PG_USER`, default `postgres`) through `runuser`. Binaries come from
 * `WRIT_TEST_PG_BIN` (a dir) when set, else PATH, else /usr/lib/postgresql/<v>/bin.
 * `fsync=off`: a stop or crash of the server process loses nothing the kernel has
 * (commits still wait for their WAL write), only an OS crash would.
 *
 * Every control call is asynchronous (a child process), so HTTP load in the same
 * process keeps running while the server stops. `destroy()` (call it in `after`)
 * stops the cluster and removes the dir; an exit and signal hook does the same when a
 * test process dies before its `after` ran.
 *
 * @example
 * ```ts
 * const pg = await startPgInstance();
 * after(() => pg.destroy());
 * const store = await openPostgresStore(pg.url());
 * await pg.crash();   // pg_ctl stop -m immediate
 * await pg.start();   // same data dir, same port
 * ```
 */
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, chownSync, constants, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** A free TCP port on 127.0.0.1 (the kernel's pick; closed again before it is returned). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/** The first executable `name` on PATH (unless `usePath` is false), then in `extraDirs`; undefined when none. */
export function findExecutable(name: string, extraDirs: readonly string[] = [], usePath = true): string | undefined {
  for (const dir of [...(usePath ? (process.env.PATH ?? '').split(delimiter) : []), ...extraDirs]) {
    if (!dir) continue;
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

const cleanups = new Set<() => void>();
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
function onSignal(signal: NodeJS.Signals): void {
  // `exit` runs every cleanup; the exit code is the conventional 128 + signal number.
  process.exit(128 + ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as Record<string, number>)[signal]!);
}
function runAll(): void {
  for (const fn of [...cleanups]) fn();
}

/**
 * Runs `fn` (synchronous) when the process ends before the returned unregister is
 * called: on `exit` (also after an uncaught exception) and on SIGINT / SIGTERM /
 * SIGHUP, so a test process that dies leaves no server behind. The signal handlers are
 * installed only while something is registered.
 */
export function onProcessEnd(fn: () => void): () => void {
  if (cleanups.size === 0) {
    process.on('exit', runAll);
    for (const s of SIGNALS) process.on(s, onSignal);
  }
  cleanups.add(fn);
  return () => {
    if (!cleanups.delete(fn) || cleanups.size > 0) return;
    process.off('exit', runAll);
    for (const s of SIGNALS) process.off(s, onSignal);
  };
}

/** Runs a command to completion without blocking the event loop. */
function run(argv: readonly string[], timeoutMs: number): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(argv[0] as string, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: -1, out: `${out}${err.message}` });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, out });
    });
  });
}

interface PgBinaries {
  initdb: string;
  pgCtl: string;
  /** Prefix that runs a command as the cluster's OS user (empty when not root). */
  asUser: string[];
  uid: number | undefined;
  gid: number | undefined;
}

/** The PostgreSQL binaries and how to run them here, or why they cannot run. */
function locate(): PgBinaries | string {
  // WRIT_TEST_PG_BIN (a dir) pins the binaries; else PATH, then Debian's versioned dirs, newest first.
  const pinned = process.env.WRIT_TEST_PG_BIN;
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)) : [];
  const find = (name: string) => (pinned ? findExecutable(name, [pinned], false) : findExecutable(name, versions.map((v) => `/usr/lib/postgresql/${v}/bin`)));
  const initdb = find('initdb');
  const pgCtl = find('pg_ctl');
  if (!initdb || !pgCtl) return `PostgreSQL server binaries (initdb, pg_ctl) not found ${pinned ? `in WRIT_TEST_PG_BIN=${pinned}` : 'on PATH'}`;
  if (process.getuid?.() !== 0) return { initdb, pgCtl, asUser: [], uid: undefined, gid: undefined };
  const user = process.env.WRIT_TEST_PG_USER ?? 'postgres';
  const runuser = findExecutable('runuser', ['/usr/sbin', '/sbin']);
  const id = (flag: string) => {
    const r = spawnSync('id', [flag, user], { encoding: 'utf8' });
    return r.status === 0 ? Number(r.stdout.trim()) : undefined;
  };
  const uid = id('-u');
  const gid = id('-g');
  if (!runuser || uid === undefined || gid === undefined || uid === 0) return `running as root and no non-root user '${user}' (WRIT_TEST_PG_USER) to run PostgreSQL as`;
  return { initdb, pgCtl, asUser: [runuser, '-u', user, '--'], uid, gid };
}

/** A private PostgreSQL cluster. */
export interface PgInstance {
  readonly port: number;
  /** The temp dir (data dir, socket, log). */
  readonly dir: string;
  /** `postgres://postgres@127.0.0.1:<port>/<database>`. */
  url(database?: string): string;
  /** True while the postmaster runs (its pid file exists). */
  readonly running: boolean;
  /** Starts (or restarts) the cluster on the same data dir and port; waits until it accepts connections. */
  start(): Promise<void>;
  /** `pg_ctl stop -m <mode>` (default fast); waits until the server is gone. */
  stop(mode?: 'smart' | 'fast' | 'immediate'): Promise<void>;
  /** Crash-like stop: `pg_ctl stop -m immediate` (no checkpoint; the restart runs crash recovery). */
  crash(): Promise<void>;
  /** The server log so far (for failure messages). */
  log(): string;
  /** Stops the cluster (immediate) and removes its dir. Idempotent. */
  destroy(): Promise<void>;
}

/** Options of {@link startPgInstance}. */
export interface PgInstanceOptions {
  /** Extra `-c name=value` server settings. */
  settings?: Record<string, string | number>;
}

/**
 * Why a private cluster cannot run here (binaries or user missing), or false when it
 * can. Tests use it as their `skip` reason.
 */
export function pgInstanceUnavailable(): string | false {
  const b = locate();
  return typeof b === 'string' ? b : false;
}

/**
 * Creates and starts a private cluster. Throws (with the server log) when it cannot.
 *
 * @example
 * ```ts
 * const pg = await startPgInstance({ settings: { max_connections: 50 } });
 * ```
 */
export async function startPgInstance(options: PgInstanceOptions = {}): Promise<PgInstance> {
  const bin = locate();
  if (typeof bin === 'string') throw new Error(bin);
  const dir = mkdtempSync(join(tmpdir(), 'writ-pg-'));
  const data = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  const own = (path: string) => {
    if (bin.uid !== undefined && bin.gid !== undefined) chownSync(path, bin.uid, bin.gid);
  };
  own(dir);
  mkdirSync(data, { mode: 0o700 });
  own(data);
  let port = 0;
  let destroyed = false;
  const pidFile = join(data, 'postmaster.pid');
  const settings = { listen_addresses: '127.0.0.1', fsync: 'off', ...options.settings };
  const ctl = (args: string[], timeoutMs = 60_000) => run([...bin.asUser, bin.pgCtl, '-D', data, ...args], timeoutMs);
  const readLog = () => {
    try {
      return readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };
  // Synchronous last resort: a test process that dies before `after` leaves no server behind.
  const onExit = () => {
    const argv = [...bin.asUser, bin.pgCtl, '-D', data, '-m', 'immediate', '-w', 'stop'];
    if (existsSync(pidFile)) spawnSync(argv[0] as string, argv.slice(1), { stdio: 'ignore', timeout: 10_000 });
    rmSync(dir, { recursive: true, force: true });
  };
  const unregister = onProcessEnd(onExit);

  const startOnce = async () => {
    const opts = [`-k ${dir}`, `-p ${port}`, ...Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`)].join(' ');
    const r = await ctl(['-l', logFile, '-w', '-t', '30', '-o', opts, 'start']);
    if (r.code !== 0) throw new Error(`pg_ctl start failed (${r.code}): ${r.out}\n${readLog().slice(-2000)}`);
  };

  const instance: PgInstance = {
    get port() {
      return port;
    },
    dir,
    url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`,
    get running() {
      return existsSync(pidFile);
    },
    async start() {
      if (destroyed) throw new Error('this PostgreSQL instance was destroyed');
      if (existsSync(pidFile)) return;
      await startOnce();
    },
    async stop(mode = 'fast') {
      if (!existsSync(pidFile)) return;
      const r = await ctl(['-m', mode, '-w', '-t', '30', 'stop']);
      if (r.code !== 0 && existsSync(pidFile)) throw new Error(`pg_ctl stop -m ${mode} failed (${r.code}): ${r.out}`);
    },
    crash() {
      return instance.stop('immediate');
    },
    log: readLog,
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      try {
        await instance.stop('immediate');
      } finally {
        unregister();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };

  try {
    const init = await run([...bin.asUser, bin.initdb, '-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions'], 120_000);
    if (init.code !== 0) throw new Error(`initdb failed (${init.code}): ${init.out}`);
    // The kernel's free port can be taken before the postmaster binds it: try a few.
    for (let attempt = 1; ; attempt++) {
      port = await freeLoopbackPort();
      try {
        await startOnce();
        break;
      } catch (err) {
        if (attempt >= 3) throw err;
      }
    }
  } catch (err) {
    await instance.destroy();
    throw err;
  }
  return instance;
}
