import type { ColumnType, Generated } from 'kysely';

/** Timestamps are written as Date and read as Date on both stores. */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** `writ_meta`: small key/value facts about this store (created_at, store id). */
export interface WritMetaTable {
  key: string;
  value: string;
}

/** `keyring_keys`: signing keys; private material only as an encrypted envelope. */
export interface KeyringKeysTable {
  kid: string;
  alg: 'EdDSA' | 'ES256';
  purpose: 'token' | 'ledger';
  status: 'active' | 'retired' | 'revoked';
  provider: string;
  public_jwk: ColumnType<Record<string, unknown>, string, string>;
  /** Provider-specific reference; for the local provider an AES-256-GCM envelope. Never plaintext. */
  private_ref: string;
  created_at: Timestamp;
  retired_at: Timestamp | null;
  revoked_at: Timestamp | null;
  revocation_reason: string | null;
}

/** `admin_credentials`: hashes of local admin bearer credentials (dev mode). */
export interface AdminCredentialsTable {
  id: string;
  token_sha256: string;
  created_at: Timestamp;
  revoked_at: Timestamp | null;
}

/** `writ_test_probe`: used only by the store's own tests. */
export interface WritTestProbeTable {
  id: Generated<number>;
  note: string;
}

/** `ledger_entries`: one row per leaf; `entry_jcs` is exactly what the leaf hash covers. */
export interface LedgerEntriesTable {
  seq: number;
  stream_id: string;
  entry_type: string;
  entry_jcs: string;
  leaf_hash: Uint8Array;
  outbox_id: number | null;
  recorded_at: Timestamp;
}

/** `ledger_nodes`: hashes of complete subtrees at level ≥ 1. */
export interface LedgerNodesTable {
  level: number;
  idx: number;
  hash: Uint8Array;
}

/** `ledger_checkpoints`: signed tree heads (C2SP tlog-checkpoint notes). */
export interface LedgerCheckpointsTable {
  tree_size: number;
  root_hash: Uint8Array;
  note: string;
  kid: string;
  created_at: Timestamp;
}

/** `ledger_outbox`: entries enqueued atomically with other writes, drained by the sequencer. */
export interface LedgerOutboxTable {
  id: Generated<number>;
  stream_id: string;
  entry_type: string;
  payload: ColumnType<Record<string, unknown>, string, string>;
  enqueued_at: Generated<Timestamp>;
}

/** `policy_bundles`: immutable, hash-addressed policy bundle documents (append-only). */
export interface PolicyBundlesTable {
  policy_bundle_hash: string;
  bundle_id: string;
  version: string;
  /** RFC 8785 text hashed by policy_bundle_hash. */
  document_jcs: string;
  stored_at: Timestamp;
}

/** `policy_active`: the singleton row naming the active policy bundle. */
export interface PolicyActiveTable {
  singleton: Generated<boolean>;
  policy_bundle_hash: string;
  activated_at: Timestamp;
}

/** `policy_activation_history`: one row per change of the active bundle (append-only, migration 010). */
export interface PolicyActivationHistoryTable {
  seq: Generated<number>;
  policy_bundle_hash: string;
  previous_policy_bundle_hash: string | null;
  /** The approved `policy.activate` decision; null for the bootstrap default. */
  decision_id: string | null;
  activated_at: Timestamp;
}

/** Every table Writ owns, for Kysely's typing. */
export interface Database {
  writ_meta: WritMetaTable;
  keyring_keys: KeyringKeysTable;
  admin_credentials: AdminCredentialsTable;
  writ_test_probe: WritTestProbeTable;
  ledger_entries: LedgerEntriesTable;
  ledger_nodes: LedgerNodesTable;
  ledger_checkpoints: LedgerCheckpointsTable;
  ledger_outbox: LedgerOutboxTable;
  policy_bundles: PolicyBundlesTable;
  policy_active: PolicyActiveTable;
  policy_activation_history: PolicyActivationHistoryTable;
}
