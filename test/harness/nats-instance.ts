/**
 * A private `nats-server` for fault tests: a child process on a free loopback port
 * (JetStream on, store in a temp dir), which a test can stop (SIGTERM), kill
 * (SIGKILL) and start again on the same port, without touching the machine's shared
 * NATS. `destroy()` (call it in `after`) kills it and removes the dir; an exit and
 * signal hook does the same when a test process dies before its `after` ran.
 *
 * @example
 * ```ts
 * const nats = await startNatsInstance();
 * after(() => nats.destroy());
 * await nats.kill();   // SIGKILL: clients see the connection drop
 * await nats.start();  // same port, same store dir
 * ```
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findExecutable, freeLoopbackPort, onProcessEnd } from './pg-instance.ts';

/** A private nats-server. */
export interface NatsInstance {
  readonly port: number;
  /** `nats://127.0.0.1:<port>`. */
  readonly url: string;
  readonly dir: string;
  /** True while the server process runs. */
  readonly running: boolean;
  /** Starts (or restarts) the server on the same port; waits until it accepts TCP connections. */
  start(): Promise<void>;
  /** Graceful stop (SIGTERM; SIGKILL after 5 s). */
  stop(): Promise<void>;
  /** Hard kill (SIGKILL). */
  kill(): Promise<void>;
  /** What the server printed so far (for failure messages). */
  log(): string;
  /** Kills the server and removes its dir. Idempotent. */
  destroy(): Promise<void>;
}

/** The nats-server binary: `WRIT_TEST_NATS_BIN` (a file) when set, else PATH and the usual sbin dirs. */
function binary(): string | undefined {
  const pinned = process.env.WRIT_TEST_NATS_BIN;
  if (pinned) return existsSync(pinned) ? pinned : undefined;
  return findExecutable('nats-server', ['/usr/sbin', '/usr/local/sbin', '/usr/local/bin']);
}

/** Why a private nats-server cannot run here, or false when it can. */
export function natsInstanceUnavailable(): string | false {
  if (binary()) return false;
  return process.env.WRIT_TEST_NATS_BIN ? `nats-server not found at WRIT_TEST_NATS_BIN=${process.env.WRIT_TEST_NATS_BIN}` : 'nats-server binary not found on PATH';
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/**
 * Starts a private nats-server. Throws (with its output) when it cannot.
 *
 * @example
 * ```ts
 * const nats = await startNatsInstance();
 * const mesh = new RevocationMesh({ store, clock, natsUrl: nats.url });
 * ```
 */
export async function startNatsInstance(): Promise<NatsInstance> {
  const bin = binary();
  if (!bin) throw new Error(natsInstanceUnavailable() || 'nats-server binary not found');
  const dir = mkdtempSync(join(tmpdir(), 'writ-nats-'));
  let port = 0;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let output = '';
  let destroyed = false;
  const onExit = () => {
    child?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  const unregister = onProcessEnd(onExit);

  const startOnce = async () => {
    const proc = spawn(bin, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', join(dir, 'jetstream')], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    const keep = (d: Buffer) => {
      output = (output + d.toString('utf8')).slice(-64_000);
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    let gone = false;
    exited = new Promise<void>((resolve) => {
      proc.once('exit', () => {
        gone = true;
        if (child === proc) child = undefined;
        resolve();
      });
      proc.once('error', (err) => {
        output += `\n${err.message}`;
        gone = true;
        if (child === proc) child = undefined;
        resolve();
      });
    });
    const from = output.length;
    const deadline = Date.now() + 10_000;
    // Ready = it said so and the port answers (the port alone could be someone else's).
    while (!(output.slice(from).includes('Server is ready') && (await accepts(port)))) {
      if (gone) throw new Error(`nats-server exited at start: ${output.slice(-2000)}`);
      if (Date.now() > deadline) {
        proc.kill('SIGKILL');
        await exited;
        throw new Error(`nats-server did not accept connections within 10 s: ${output.slice(-2000)}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  const signal = async (sig: NodeJS.Signals, graceMs: number) => {
    const proc = child;
    if (!proc) return;
    proc.kill(sig);
    const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };

  const instance: NatsInstance = {
    get port() {
      return port;
    },
    get url() {
      return `nats://127.0.0.1:${port}`;
    },
    dir,
    get running() {
      return child !== undefined;
    },
    async start() {
      if (destroyed) throw new Error('this NATS instance was destroyed');
      if (child) return;
      await startOnce();
    },
    stop: () => signal('SIGTERM', 5000),
    kill: () => signal('SIGKILL', 0),
    log: () => output,
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      try {
        await signal('SIGKILL', 0);
      } finally {
        unregister();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };

  try {
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
