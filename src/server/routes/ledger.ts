import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { CheckpointWire, ConsistencyWire, LedgerEntriesPage, LedgerEntryWithProof, LedgerKeysWire } from '../../contracts/ledger.ts';
import { WritError } from '../../errors/writ-error.ts';
import { ledgerVerifierKey } from '../../ledger/checkpoint-signing.ts';
import { hashRef } from '../../ledger/entry.ts';
import { consistencyProof } from '../../ledger/merkle/consistency.ts';
import { inclusionProof } from '../../ledger/merkle/inclusion.ts';
import { StoreSubtreeReader } from '../../ledger/store-subtree-reader.ts';
import { requireAdmin } from '../auth/require-admin.ts';
import type { ServerDeps } from '../server-deps.ts';

const b64 = (h: Uint8Array) => Buffer.from(h).toString('base64');

/**
 * Ledger read API. Checkpoints, consistency proofs and verifier keys are public
 * (they reveal no payload). Entries carry raw payloads: they need the admin
 * credential (the auditor role once roles exist) and every read is itself
 * ledgered as `ledger.payload_read`.
 */
export async function ledgerRoutes(app: FastifyInstance, deps: ServerDeps): Promise<void> {
  const admin = requireAdmin(deps.store);
  const db = deps.store.db;

  const checkpointAt = async (size: number) =>
    db.selectFrom('ledger_checkpoints').select(['tree_size', 'note']).where('tree_size', '=', size).executeTakeFirst();
  const latestCheckpoint = async () =>
    db.selectFrom('ledger_checkpoints').select(['tree_size', 'note']).orderBy('tree_size', 'desc').limit(1).executeTakeFirst();

  const recordRead = async (fromSeq: number, count: number) => {
    if (count === 0) return;
    await deps.ledger.enqueue([{ stream_id: 'system.audit', entry_type: 'ledger.payload_read', payload: { actor: 'admin', from_seq: fromSeq, count } }]);
  };

  app.get(
    '/v1/ledger/checkpoint',
    { schema: { response: { 200: CheckpointWire } }, config: { openapi: { summary: 'Latest signed checkpoint', tags: ['ledger'] } } },
    async () => {
      const cp = await latestCheckpoint();
      if (!cp) throw new WritError('NOT_FOUND', 'the ledger has no checkpoint yet');
      return cp;
    },
  );

  app.get(
    '/v1/ledger/checkpoints/:size',
    {
      schema: { params: Type.Object({ size: Type.Integer({ minimum: 0 }) }), response: { 200: CheckpointWire } },
      config: { openapi: { summary: 'Signed checkpoint of one tree size', tags: ['ledger'] } },
    },
    async (request) => {
      const { size } = request.params as { size: number };
      const cp = await checkpointAt(size);
      if (!cp) throw new WritError('NOT_FOUND', `no checkpoint of size ${size}`);
      return cp;
    },
  );

  app.get(
    '/v1/ledger/checkpoints',
    {
      schema: {
        querystring: Type.Object({ from_size: Type.Optional(Type.Integer({ minimum: 0 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }),
        response: { 200: Type.Object({ checkpoints: Type.Array(CheckpointWire) }, { additionalProperties: false }) },
      },
      config: { openapi: { summary: 'Signed checkpoints, ascending by size', tags: ['ledger'] } },
    },
    async (request) => {
      const q = request.query as { from_size?: number; limit?: number };
      const checkpoints = await db
        .selectFrom('ledger_checkpoints')
        .select(['tree_size', 'note'])
        .where('tree_size', '>=', q.from_size ?? 0)
        .orderBy('tree_size')
        .limit(q.limit ?? 100)
        .execute();
      return { checkpoints };
    },
  );

  app.get(
    '/v1/ledger/keys',
    { schema: { response: { 200: LedgerKeysWire } }, config: { openapi: { summary: 'Log origin and C2SP verifier keys of the ledger signing keys', tags: ['ledger'] } } },
    async () => {
      const keys = await deps.keyring.list('ledger');
      return {
        origin: deps.ledger.origin,
        verifier_keys: keys
          .filter((k) => k.status !== 'revoked' && k.alg === 'EdDSA')
          .map((k) => ({ kid: k.kid, status: k.status, verifier_key: ledgerVerifierKey(deps.ledger.origin, k.publicJwk) })),
      };
    },
  );

  app.get(
    '/v1/ledger/consistency',
    {
      schema: {
        querystring: Type.Object({ from_size: Type.Integer({ minimum: 1 }), to_size: Type.Optional(Type.Integer({ minimum: 1 })) }),
        response: { 200: ConsistencyWire },
      },
      config: { openapi: { summary: 'Consistency proof between two checkpoints, served with both', tags: ['ledger'] } },
    },
    async (request) => {
      const q = request.query as { from_size: number; to_size?: number };
      const to = q.to_size !== undefined ? await checkpointAt(q.to_size) : await latestCheckpoint();
      const from = await checkpointAt(q.from_size);
      if (!from || !to) throw new WritError('NOT_FOUND', 'both sizes must be checkpointed sizes');
      if (from.tree_size > to.tree_size) throw new WritError('BAD_REQUEST', 'from_size must not exceed to_size');
      const hashes = from.tree_size === to.tree_size ? [] : await consistencyProof(new StoreSubtreeReader(db), from.tree_size, to.tree_size);
      return { from, to, hashes: hashes.map(b64) };
    },
  );

  app.get(
    '/v1/ledger/entries',
    {
      onRequest: admin,
      schema: {
        querystring: Type.Object({ from: Type.Optional(Type.Integer({ minimum: 0 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000 })) }),
        response: { 200: LedgerEntriesPage },
      },
      config: { openapi: { summary: 'Entries from a sequence number (raw payloads; the read is ledgered)', tags: ['ledger'], admin: true } },
    },
    async (request) => {
      const q = request.query as { from?: number; limit?: number };
      const from = q.from ?? 0;
      const limit = q.limit ?? 100;
      const rows = await db
        .selectFrom('ledger_entries')
        .select(['seq', 'stream_id', 'entry_type', 'entry_jcs', 'leaf_hash', 'recorded_at'])
        .where('seq', '>=', from)
        .orderBy('seq')
        .limit(limit + 1)
        .execute();
      const cp = await latestCheckpoint();
      const page = rows.slice(0, limit);
      await recordRead(from, page.length);
      return {
        entries: page.map((r) => ({ ...r, leaf_hash: hashRef(new Uint8Array(r.leaf_hash)), recorded_at: new Date(r.recorded_at).toISOString() })),
        next_from: rows.length > limit ? (rows[limit]?.seq ?? null) : null,
        tree_size: cp?.tree_size ?? 0,
      };
    },
  );

  app.get(
    '/v1/ledger/entries/:seq',
    {
      onRequest: admin,
      schema: {
        params: Type.Object({ seq: Type.Integer({ minimum: 0 }) }),
        querystring: Type.Object({ proof: Type.Optional(Type.Boolean()) }),
        response: { 200: LedgerEntryWithProof },
      },
      config: { openapi: { summary: 'One entry; with ?proof=true its inclusion proof and the checkpoint of the same size', tags: ['ledger'], admin: true } },
    },
    async (request) => {
      const { seq } = request.params as { seq: number };
      const { proof } = request.query as { proof?: boolean };
      const row = await db
        .selectFrom('ledger_entries')
        .select(['seq', 'stream_id', 'entry_type', 'entry_jcs', 'leaf_hash', 'recorded_at'])
        .where('seq', '=', seq)
        .executeTakeFirst();
      if (!row) throw new WritError('NOT_FOUND', `no ledger entry ${seq}`);
      const entry = { ...row, leaf_hash: hashRef(new Uint8Array(row.leaf_hash)), recorded_at: new Date(row.recorded_at).toISOString() };
      await recordRead(seq, 1);
      if (!proof) return { entry };
      // The proof is computed for exactly the size of the checkpoint served with it.
      const cp = await latestCheckpoint();
      if (!cp || cp.tree_size <= seq) throw new WritError('NOT_FOUND', `entry ${seq} is not yet covered by a checkpoint`);
      const hashes = await inclusionProof(new StoreSubtreeReader(db), seq, cp.tree_size);
      return { entry, proof: { leaf_index: seq, tree_size: cp.tree_size, hashes: hashes.map(b64) }, checkpoint: cp };
    },
  );
}
