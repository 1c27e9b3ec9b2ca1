import { Type } from 'typebox';

/** A signed checkpoint: C2SP tlog-checkpoint note text and its size. */
export const CheckpointWire = Type.Object(
  { tree_size: Type.Integer({ minimum: 0 }), note: Type.String() },
  { additionalProperties: false },
);

/** One ledger entry as served: `entry_jcs` is exactly what the leaf hash covers. */
export const LedgerEntryWire = Type.Object(
  {
    seq: Type.Integer({ minimum: 0 }),
    stream_id: Type.String(),
    entry_type: Type.String(),
    entry_jcs: Type.String(),
    leaf_hash: Type.String({ pattern: '^sha256:[0-9a-f]{64}$' }),
    recorded_at: Type.String(),
  },
  { additionalProperties: false },
);

/** `GET /v1/ledger/entries` response. */
export const LedgerEntriesPage = Type.Object(
  {
    entries: Type.Array(LedgerEntryWire),
    next_from: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
    tree_size: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);

/** An inclusion proof (RFC 9162 §2.1.3) with the checkpoint of the same size. */
export const InclusionProofWire = Type.Object(
  {
    leaf_index: Type.Integer({ minimum: 0 }),
    tree_size: Type.Integer({ minimum: 1 }),
    hashes: Type.Array(Type.String({ description: 'base64' })),
  },
  { additionalProperties: false },
);

/** `GET /v1/ledger/entries/{seq}` response. */
export const LedgerEntryWithProof = Type.Object(
  {
    entry: LedgerEntryWire,
    proof: Type.Optional(InclusionProofWire),
    checkpoint: Type.Optional(CheckpointWire),
  },
  { additionalProperties: false },
);

/** `GET /v1/ledger/consistency` response: RFC 9162 §2.1.4 proof between two checkpoints. */
export const ConsistencyWire = Type.Object(
  {
    from: CheckpointWire,
    to: CheckpointWire,
    hashes: Type.Array(Type.String({ description: 'base64' })),
  },
  { additionalProperties: false },
);

/** `GET /v1/ledger/keys`: the log's origin and the C2SP verifier keys to pin. */
export const LedgerKeysWire = Type.Object(
  {
    origin: Type.String(),
    verifier_keys: Type.Array(Type.Object({ kid: Type.String(), status: Type.String(), verifier_key: Type.String() }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);
