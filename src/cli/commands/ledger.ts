import type { Command } from 'commander';
import { leafHashOfJcs } from '../../ledger/entry.ts';
import { verifyCommitProof } from '../verify-commit.ts';
import { WritError } from '../../errors/writ-error.ts';
import type { CliContext } from '../context.ts';

interface EntryWire {
  seq: number;
  stream_id: string;
  entry_type: string;
  entry_jcs: string;
  leaf_hash: string;
  recorded_at: string;
}
interface CheckpointWire {
  tree_size: number;
  note: string;
}

function entryLine(e: EntryWire): string {
  const payload = (JSON.parse(e.entry_jcs) as { payload: unknown }).payload;
  return `${String(e.seq).padStart(8)}  ${e.recorded_at}  ${e.stream_id.padEnd(20)} ${e.entry_type.padEnd(22)} ${JSON.stringify(payload)}`;
}

function parseSeq(raw: string): number {
  if (!/^\d+$/.test(raw)) throw new WritError('BAD_REQUEST', `SEQ: expected a non-negative integer, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

/**
 * `writ ledger tail | show SEQ | proof SEQ | checkpoint`: reads through the server
 * API. `proof` checks the proof locally against the served checkpoint and the
 * verifier key (pinned with --verifier-key, else the server's published key).
 * Returns the `ledger` command so `verify` can be added to it.
 */
export function registerLedgerCommands(program: Command, ctx: () => CliContext): Command {
  const ledger = program.command('ledger').description('the tamper-evident ledger');

  ledger
    .command('checkpoint')
    .description('print the latest signed checkpoint (C2SP tlog-checkpoint note)')
    .action(async () => {
      const c = ctx();
      const cp = await c.client().get<CheckpointWire>('/v1/ledger/checkpoint');
      c.out.result(cp, () => cp.note.trimEnd());
    });

  ledger
    .command('tail')
    .description('show the newest entries')
    .option('-n, --lines <n>', 'how many', '20')
    .action(async (opts: { lines: string }) => {
      const c = ctx();
      const n = parseSeq(opts.lines);
      const cp = await c.client().get<CheckpointWire>('/v1/ledger/checkpoint');
      const from = Math.max(0, cp.tree_size - n);
      const page = await c.client().get<{ entries: EntryWire[] }>(`/v1/ledger/entries?from=${from}&limit=${Math.max(1, Math.min(n, 5000))}`);
      c.out.result(page, () => (page.entries.length ? page.entries.map(entryLine).join('\n') : 'the ledger is empty'));
    });

  ledger
    .command('show')
    .argument('<seq>', 'sequence number')
    .description('show one entry')
    .action(async (seqRaw: string) => {
      const c = ctx();
      const res = await c.client().get<{ entry: EntryWire }>(`/v1/ledger/entries/${parseSeq(seqRaw)}`);
      c.out.result(res, () => `${entryLine(res.entry)}\nleaf_hash ${res.entry.leaf_hash}`);
    });

  ledger
    .command('proof')
    .argument('<seq>', 'sequence number')
    .option('--verifier-key <key>', 'pinned C2SP verifier key of the ledger (default: the server\'s published key)')
    .description('fetch an inclusion proof with the checkpoint of the same size and verify it locally')
    .action(async (seqRaw: string, opts: { verifierKey?: string }) => {
      const c = ctx();
      const client = c.client();
      const res = await client.get<{ entry: EntryWire; proof: { leaf_index: number; tree_size: number; hashes: string[] }; checkpoint: CheckpointWire }>(
        `/v1/ledger/entries/${parseSeq(seqRaw)}?proof=true`,
      );
      if (res.proof.tree_size !== res.checkpoint.tree_size) throw new WritError('PROOF_INVALID', 'proof and checkpoint sizes differ');
      await verifyCommitProof(client, { seq: res.proof.leaf_index, leafHash: leafHashOfJcs(res.entry.entry_jcs), treeSize: res.proof.tree_size, note: res.checkpoint.note, proof: res.proof.hashes }, opts.verifierKey);
      c.out.result({ ...res, verified: true, pinned_key: Boolean(opts.verifierKey) }, () =>
        [
          `entry ${res.entry.seq} is included in the tree of size ${res.proof.tree_size}: proof verified`,
          `checkpoint signed by ${opts.verifierKey ? 'the pinned key' : "the server's published key (pin one with --verifier-key)"}`,
          ...res.proof.hashes.map((h, i) => `  [${i}] ${Buffer.from(h, 'base64').toString('hex')}`),
        ].join('\n'),
      );
    });

  return ledger;
}
