/**
 * The evidence a `policy.activate` request carries: lint report, version manifest,
 * semantic diff from the active bundle, dry-run report, shadow summary and rollback
 * plan. The server computes all of them from the stored bundles (so approvers see what
 * the server will enforce, not what a client claims) except the version manifest, whose
 * provenance (git commit, path) only the requester knows: a manifest the client sends
 * is kept when it names the candidate's hash, else the server writes a store-only one.
 *
 * Each document is stored once by the SHA-256 of its JCS bytes (`policy_evidence`),
 * bound to the decision by kind (`policy_activation_evidence`), and the digests are
 * ledgered as `policy.activation_evidence` in the decision's stream — all in the
 * decision's own transaction.
 *
 * @module
 */
import type { Kysely } from 'kysely';
import { hashCanonical } from '../../../crypto/hash.ts';
import { canonicalize } from '../../../crypto/jcs.ts';
import { WritError } from '../../../errors/writ-error.ts';
import type { CompiledBundle } from '../../../policy/compile-bundle.ts';
import type { RollbackPlan, ShadowSummary, VersionManifest } from '../../../policy/lifecycle/artifacts.ts';
import { LIFECYCLE_SCHEMAS } from '../../../policy/lifecycle/artifacts.ts';
import type { Database } from '../../../store/schema.ts';
import type { RecordDecisionOptions } from '../../decisions/record-decision.ts';
import { ensureLifecycleEntryTypes } from '../entry-types.ts';
import { lifecycleDb } from '../tables.ts';
import type { EvidenceAnalyzers } from './analyzers.ts';
import { EVIDENCE_KINDS, type EvidenceKind } from './evidence-kinds.ts';

/** The evidence documents of one activation request, by kind. */
export type ActivationEvidence = Record<EvidenceKind, unknown>;

/** What {@link assembleActivationEvidence} needs. */
export interface EvidenceInputs {
  candidate: CompiledBundle;
  active: CompiledBundle;
  shadow: ShadowSummary;
  rollback: RollbackPlan;
  /** A version manifest the requester sent, if any. */
  clientManifest?: unknown;
  now: Date;
}

function serverManifest(candidate: CompiledBundle, active: CompiledBundle, now: Date, diff: VersionManifest['diff']): VersionManifest {
  const m = candidate.document.manifest;
  return {
    schema_version: LIFECYCLE_SCHEMAS.version_manifest,
    bundle_id: m.id,
    version: m.version,
    policy_bundle_hash: candidate.policy_bundle_hash,
    previous_policy_bundle_hash: active.policy_bundle_hash,
    source_ref: `writ-store:${candidate.policy_bundle_hash}`,
    git_versioned: false,
    git: null,
    generated_at: now.toISOString(),
    diff,
  };
}

function checkClientManifest(value: unknown, candidate: CompiledBundle): VersionManifest {
  const m = value as Partial<VersionManifest> | null;
  if (typeof m !== 'object' || m === null || Array.isArray(m) || m.schema_version !== LIFECYCLE_SCHEMAS.version_manifest) {
    throw new WritError('BAD_REQUEST', `version_manifest: expected a ${LIFECYCLE_SCHEMAS.version_manifest} document`);
  }
  if (m.policy_bundle_hash !== candidate.policy_bundle_hash) {
    throw new WritError('BAD_REQUEST', 'version_manifest: its policy_bundle_hash is not the bundle being activated');
  }
  if (typeof m.source_ref !== 'string' || typeof m.git_versioned !== 'boolean') throw new WritError('BAD_REQUEST', 'version_manifest: source_ref and git_versioned are required');
  return m as VersionManifest;
}

/**
 * Computes every evidence document of an activation request.
 *
 * @throws {WritError} `BAD_REQUEST` when a client manifest is malformed or names another bundle.
 *
 * @example
 * ```ts
 * const evidence = assembleActivationEvidence(analyzers, { candidate, active, shadow, rollback, now });
 * evidence.dry_run_report; // the candidate's dry run
 * ```
 */
export function assembleActivationEvidence(analyzers: EvidenceAnalyzers, inputs: EvidenceInputs): ActivationEvidence {
  const diff = analyzers.diff(inputs.active, inputs.candidate);
  const manifest = inputs.clientManifest === undefined ? serverManifest(inputs.candidate, inputs.active, inputs.now, diff) : checkClientManifest(inputs.clientManifest, inputs.candidate);
  return {
    lint_report: analyzers.lint(inputs.candidate),
    version_manifest: manifest,
    semantic_diff: diff,
    dry_run_report: analyzers.dryRun(inputs.candidate),
    shadow_summary: inputs.shadow,
    rollback_plan: inputs.rollback,
  };
}

/**
 * The decision-transaction writer that stores the evidence and ledgers its digests.
 *
 * @example
 * ```ts
 * await submitIntent(engine, intent, actor, { extra: evidenceWriter(evidence, hash, now) });
 * ```
 */
export function evidenceWriter(evidence: ActivationEvidence, policyBundleHash: string, now: Date): NonNullable<RecordDecisionOptions['extra']> {
  return async (trx, decision) => {
    ensureLifecycleEntryTypes();
    const ldb = lifecycleDb(trx);
    const digests: Record<string, string> = {};
    for (const kind of EVIDENCE_KINDS) {
      const doc = evidence[kind];
      const evidence_hash = hashCanonical(doc);
      digests[kind] = evidence_hash;
      await ldb.insertInto('policy_evidence').values({ evidence_hash, kind, document_jcs: canonicalize(doc), stored_at: now }).onConflict((oc) => oc.column('evidence_hash').doNothing()).execute();
      await ldb.insertInto('policy_activation_evidence').values({ decision_id: decision.decision_id, kind, evidence_hash }).execute();
    }
    return [{ stream_id: decision.decision_id, entry_type: 'policy.activation_evidence', payload: { decision_id: decision.decision_id, policy_bundle_hash: policyBundleHash, evidence: digests } }];
  };
}

/**
 * One stored evidence document with its digest (re-verified on read).
 *
 * @example
 * ```ts
 * const e: StoredEvidence = { kind: 'lint_report', evidence_hash: 'sha256:…', document: { … } };
 * ```
 */
export interface StoredEvidence {
  kind: string;
  evidence_hash: string;
  document: unknown;
}

/**
 * The evidence bound to a decision, in review order; empty when it has none.
 *
 * @throws {WritError} `INTERNAL` when a stored document no longer matches its digest.
 *
 * @example
 * ```ts
 * const docs = await activationEvidence(store.db, 'dec_…');
 * docs.map((d) => d.kind); // ['lint_report', 'version_manifest', …]
 * ```
 */
export async function activationEvidence(db: Kysely<Database>, decisionId: string): Promise<StoredEvidence[]> {
  const rows = await lifecycleDb(db)
    .selectFrom('policy_activation_evidence as b')
    .innerJoin('policy_evidence as e', 'e.evidence_hash', 'b.evidence_hash')
    .select(['b.kind', 'e.evidence_hash', 'e.document_jcs'])
    .where('b.decision_id', '=', decisionId)
    .execute();
  const order = (k: string) => EVIDENCE_KINDS.indexOf(k as EvidenceKind);
  return rows
    .map((r) => {
      const document: unknown = JSON.parse(r.document_jcs);
      if (hashCanonical(document) !== r.evidence_hash) throw new WritError('INTERNAL', `stored evidence ${r.evidence_hash} does not match its digest`);
      return { kind: r.kind, evidence_hash: r.evidence_hash, document };
    })
    .sort((a, b) => order(a.kind) - order(b.kind));
}
