import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { WritError } from '../errors/writ-error.ts';

/** A held exclusive lock on a Writ home directory. */
export interface HomeLock {
  readonly path: string;
  release(): void;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the exclusive lock of `$WRIT_HOME` so that only one process opens the
 * embedded store. The lock is a file created with O_EXCL holding the owner's pid;
 * a lock left by a process that has died (e.g. kill -9) is taken over.
 *
 * @example
 * ```ts
 * const lock = acquireHomeLock('/var/lib/writ');
 * try { ... } finally { lock.release(); }
 * ```
 */
export function acquireHomeLock(home: string): HomeLock {
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const path = join(home, 'writ.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), started_at: new Date().toISOString() }));
      closeSync(fd);
      let released = false;
      return {
        path,
        release() {
          if (released) return;
          released = true;
          try {
            const owner = JSON.parse(readFileSync(path, 'utf8')) as { pid?: number };
            if (owner.pid === process.pid) unlinkSync(path);
          } catch {
            // Already gone: nothing to release.
          }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new WritError('STORE_UNAVAILABLE', `cannot create lock file ${path}: ${(err as Error).message}`, { cause: err });
      }
    }
    let owner: { pid?: number; host?: string } = {};
    try {
      owner = JSON.parse(readFileSync(path, 'utf8')) as typeof owner;
    } catch {
      // A half-written lock file: its writer is starting right now or died mid-write.
    }
    if (typeof owner.pid === 'number' && owner.host === hostname() && !pidAlive(owner.pid)) {
      try {
        unlinkSync(path);
      } catch {
        // Someone else took it over first; retry.
      }
      continue;
    }
    throw new WritError(
      'STORE_LOCKED',
      `WRIT_HOME ${home} is in use by another writ process (pid ${owner.pid ?? 'unknown'}); ` +
        'stop it first, or use the CLI as a client of that server (WRIT_ADDR)',
    );
  }
  throw new WritError('STORE_LOCKED', `WRIT_HOME ${home} lock could not be taken`);
}
