/**
 * `writ ledger verify`: offline verification of the ledger straight from the
 * store (see `src/ledger/verify/verify-ledger.ts`). It opens the configured
 * database itself — for the embedded store that takes the `$WRIT_HOME` lock, so
 * the server must be stopped first.
 *
 * Exit codes: 0 when the ledger verifies; 8 (`EXIT.VERIFY_FAILED`) when it
 * does not, after printing the report and the first problem as one line — the
 * command prints a full report and still fails, so it sets `process.exitCode`
 * (see `runCli`).
 *
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import cliProgress from 'cli-progress';
import { parseVerifierKey, type NoteVerifier } from '../../crypto/signed-note.ts';
import type { PublicJwk } from '../../crypto/keyring/key-provider.ts';
import { WritError, isWritError } from '../../errors/writ-error.ts';
import { ledgerNoteVerifier } from '../../ledger/checkpoint-signing.ts';
import { StoreLedgerSource } from '../../ledger/verify/store-ledger-source.ts';
import { formatVerifyOutcome, verifyLedger, type VerifyProblem, type VerifyReport } from '../../ledger/verify/verify-ledger.ts';
import { openStore } from '../../store/open-store.ts';
import type { Store } from '../../store/store.ts';
import type { CliContext } from '../context.ts';
import { EXIT } from '../exit-codes.ts';

/**
 * Options of `writ ledger verify`, as commander parses them.
 *
 * @example
 * ```ts
 * const opts: LedgerVerifyOptions = { from: 1000, trustedCheckpoint: 'cp.txt', verifierKey: ['writ/abc+1234abcd+AQ…'], json: true };
 * ```
 */
export interface LedgerVerifyOptions {
  from?: number;
  trustedCheckpoint?: string;
  verifierKey?: string[];
  json?: boolean;
}

/**
 * Where the command writes; the process streams by default.
 *
 * @example
 * ```ts
 * const io: LedgerVerifyIo = { stdout: process.stdout, stderr: process.stderr, progress: false };
 * ```
 */
export interface LedgerVerifyIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Show a progress bar (default: stderr is a TTY and not --json). */
  progress?: boolean;
}

function parseSeq(value: string): number {
  if (!/^(0|[1-9][0-9]*)$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError('expected a non-negative integer');
  }
  return Number(value);
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** The log origin: `writ_meta.ledger_origin`, else the first checkpoint's first line (with a warning). */
async function readOrigin(store: Store, warn: (line: string) => void): Promise<string | undefined> {
  const meta = await store.db.selectFrom('writ_meta').select('value').where('key', '=', 'ledger_origin').executeTakeFirst();
  if (meta) return meta.value;
  const first = await store.db.selectFrom('ledger_checkpoints').select('note').orderBy('tree_size').limit(1).executeTakeFirst();
  if (!first) return undefined;
  const origin = first.note.slice(0, Math.max(0, first.note.indexOf('\n')));
  warn(`warning: writ_meta has no ledger_origin; using "${origin}", the origin line of the first checkpoint in the audited database`);
  return origin;
}

/** The non-revoked Ed25519 ledger keys of the keyring, as note verifiers for `origin`. */
async function keyringVerifiers(store: Store, origin: string): Promise<NoteVerifier[]> {
  const rows = await store.db.selectFrom('keyring_keys').select(['kid', 'public_jwk']).where('purpose', '=', 'ledger').where('status', '!=', 'revoked').execute();
  const out: NoteVerifier[] = [];
  for (const r of rows) {
    const jwk = (typeof r.public_jwk === 'string' ? JSON.parse(r.public_jwk) : r.public_jwk) as PublicJwk;
    try {
      out.push(ledgerNoteVerifier(origin, jwk));
    } catch {
      // Not an Ed25519 key: it cannot have signed a checkpoint.
    }
  }
  return out;
}

function problemLine(p: VerifyProblem): string {
  const where = p.seq !== undefined && p.kind !== 'checkpoint_beyond_log' ? `seq ${p.seq}` : p.tree_size !== undefined ? `checkpoint ${p.tree_size}` : 'start';
  return `  ${where.padEnd(18)} ${p.kind.padEnd(24)} ${p.message}`;
}

function humanReport(r: VerifyReport): string {
  const lines = [
    `origin ${r.origin}; verified from seq ${r.started_at_seq}${r.from_seq !== r.started_at_seq ? ` (asked: ${r.from_seq})` : ''}`,
    `${r.entries_checked} entries, ${r.checkpoints_checked} checkpoints, ${r.nodes_checked} subtree hashes checked`,
    `tree size ${r.tree_size}, root ${r.root_hash ?? '(empty)'}`,
  ];
  if (r.trusted_checkpoint) lines.push(`trusted checkpoint: tree size ${r.trusted_checkpoint.tree_size}, root ${r.trusted_checkpoint.root_hash}`);
  if (!r.ok) {
    lines.push(`${r.problem_count} problem(s)${r.problem_count > r.problems.length ? `, first ${r.problems.length}` : ''}:`);
    for (const p of r.problems.slice(0, 20)) lines.push(problemLine(p));
    if (r.problems.length > 20) lines.push(`  … (--json lists ${r.problems.length})`);
  } else {
    lines.push('ledger verified: no problems');
  }
  return lines.join('\n');
}

/**
 * Runs `writ ledger verify` and returns the report (the registered command
 * then sets exit status 8 when it is not ok).
 *
 * @throws WritError `STORE_LOCKED` when the embedded store's home is in use (stop the server);
 *   `BAD_REQUEST` for an unreadable trusted checkpoint file or a malformed verifier key.
 *
 * @example
 * ```ts
 * const report = await runLedgerVerify(ctx, { json: true }, { stdout: process.stdout, stderr: process.stderr });
 * ```
 */
export async function runLedgerVerify(c: CliContext, opts: LedgerVerifyOptions, io: LedgerVerifyIo): Promise<VerifyReport> {
  const json = Boolean(opts.json || c.out.json);
  const warn = (line: string) => io.stderr.write(`${line}\n`);
  const config = c.config();

  let trustedCheckpoint: string | undefined;
  if (opts.trustedCheckpoint !== undefined) {
    try {
      trustedCheckpoint = readFileSync(opts.trustedCheckpoint, 'utf8');
    } catch (err) {
      throw new WritError('BAD_REQUEST', `cannot read the trusted checkpoint ${opts.trustedCheckpoint}: ${(err as Error).message}`, { cause: err });
    }
  }
  let pinned: NoteVerifier[] | undefined;
  if (opts.verifierKey && opts.verifierKey.length > 0) {
    pinned = opts.verifierKey.map((k) => {
      try {
        return parseVerifierKey(k.trim());
      } catch (err) {
        throw new WritError('BAD_REQUEST', `--verifier-key ${k}: not a verifier key (expected <origin>+<hex key id>+<base64 key>)`, { cause: err });
      }
    });
  }

  if (!config.databaseUrl && !existsSync(join(config.home, 'data', 'PG_VERSION'))) {
    throw new WritError('STORE_UNAVAILABLE', `no embedded store under ${config.home}/data to verify (wrong WRIT_HOME, or run writ init first)`);
  }
  let store: Store;
  try {
    store = await openStore(config);
  } catch (err) {
    if (isWritError(err, 'STORE_LOCKED')) {
      throw new WritError(
        'STORE_LOCKED',
        `writ ledger verify opens the embedded store directly, and ${config.home} is in use by a running writ process: stop the server first, then run it again`,
        { cause: err },
      );
    }
    throw err;
  }

  let bar: cliProgress.SingleBar | undefined;
  try {
    const origin = (await readOrigin(store, warn)) ?? 'unknown';
    let verifiers = pinned;
    if (!verifiers) {
      verifiers = await keyringVerifiers(store, origin);
      warn(
        'warning: no --verifier-key given: checkpoint signatures are checked against the ledger keys stored in the audited database itself, ' +
          'which proves less than keys pinned outside it (pass --verifier-key <origin+keyid+key>)',
      );
    } else {
      for (const v of verifiers) if (v.name !== origin) warn(`warning: verifier key "${v.name}" is not named after the log origin "${origin}"; it verifies no checkpoint`);
    }

    const showProgress = io.progress ?? (!json && (io.stderr as NodeJS.WriteStream).isTTY === true);
    if (showProgress) {
      bar = new cliProgress.SingleBar(
        { stream: io.stderr as NodeJS.WriteStream, format: 'verifying ledger [{bar}] {percentage}% | {value}/{total} entries | {eta_formatted}', hideCursor: true, clearOnComplete: true },
        cliProgress.Presets.shades_classic,
      );
    }
    let started = false;
    const report = await verifyLedger(new StoreLedgerSource(store.db), {
      origin,
      verifiers,
      trustedCheckpoint,
      fromSeq: opts.from,
      onProgress: bar
        ? (done, total) => {
            if (!started) {
              bar?.start(total ?? done, 0);
              started = true;
            }
            if (total !== undefined && total < done) bar?.setTotal(done);
            bar?.update(done);
          }
        : undefined,
    });
    bar?.stop();
    bar = undefined;

    if (json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else io.stdout.write(`${humanReport(report)}\n`);
    if (!report.ok) io.stderr.write(`${formatVerifyOutcome(report)}\n`);
    return report;
  } finally {
    bar?.stop();
    await store.close();
  }
}

/**
 * Adds `verify [--from SEQ] [--trusted-checkpoint FILE] [--verifier-key KEY ...] [--json]`
 * to the `ledger` command group. Exit status 0 when the ledger verifies, 8
 * (`EXIT.VERIFY_FAILED`, through `process.exitCode`) when it does not.
 *
 * @example
 * ```ts
 * const ledger = program.command('ledger').description('the audit ledger');
 * registerLedgerVerifyCommand(ledger, context);
 * // writ ledger verify --trusted-checkpoint cp.txt --verifier-key 'writ/abc+1234abcd+AQ…'
 * ```
 */
export function registerLedgerVerifyCommand(ledgerCommand: Command, ctx: () => CliContext, io?: LedgerVerifyIo): void {
  ledgerCommand
    .command('verify')
    .description(
      'verify the ledger offline: recompute every entry hash, stream chain, subtree and checkpoint root, and check checkpoint signatures ' +
        '(opens the store directly: stop the server first when it uses the embedded store)',
    )
    .option('--from <seq>', 'verify from this seq on (starts at the latest signed checkpoint at or below it)', parseSeq)
    .option('--trusted-checkpoint <file>', 'a signed checkpoint kept outside the database: the log must extend it')
    .option('--verifier-key <key>', 'a pinned ledger verifier key (origin+keyid+base64); repeatable. Default: the keyring in the database', collect)
    .option('--json', 'print the report as JSON')
    .action(async (opts: LedgerVerifyOptions) => {
      const report = await runLedgerVerify(ctx(), opts, io ?? { stdout: process.stdout, stderr: process.stderr });
      if (!report.ok) process.exitCode = EXIT.VERIFY_FAILED;
    });
}
