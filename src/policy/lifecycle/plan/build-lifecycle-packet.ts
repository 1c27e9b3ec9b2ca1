/**
 * Assembling a lifecycle packet: every artifact inline, the capabilities they provide,
 * and the digest (`sha256:` of the JCS bytes) of each, so the readiness gate can tell a
 * tampered artifact.
 *
 * @module
 */
import { hashCanonical, type Sha256Ref } from '../../../crypto/hash.ts';
import type { LifecyclePacket, OperatingEvidence } from '../artifacts.ts';
import { LIFECYCLE_SCHEMAS } from '../artifacts.ts';

/** The artifacts of a packet. */
export type PacketArtifacts = Pick<LifecyclePacket, 'lint_report' | 'version_manifest' | 'semantic_diff' | 'dry_run_report' | 'shadow_summary' | 'rollback_plan' | 'approval_workflow'>;

/**
 * Builds the packet. `evidence_mode` is `live` only when the caller says the shadow
 * summary and rollback plan came from a server and real operating evidence is given.
 *
 * @example
 * ```ts
 * const packet = buildLifecyclePacket(artifacts, { evidenceMode: 'sample', operatingEvidence, now: new Date() });
 * packet.artifact_digests.lint_report; // 'sha256:…'
 * ```
 */
export function buildLifecyclePacket(
  artifacts: PacketArtifacts,
  options: { evidenceMode: 'sample' | 'live'; operatingEvidence: OperatingEvidence; now: Date },
): LifecyclePacket {
  const m = artifacts.version_manifest;
  const digests: Record<string, Sha256Ref> = {};
  for (const [key, value] of Object.entries(artifacts)) if (value !== null) digests[key] = hashCanonical(value);
  return {
    schema_version: LIFECYCLE_SCHEMAS.packet,
    product: 'Writ',
    evidence_mode: options.evidenceMode,
    generated_at: options.now.toISOString(),
    bundle: { bundle_id: m.bundle_id, version: m.version, policy_bundle_hash: m.policy_bundle_hash },
    lifecycle_capabilities: Object.keys(artifacts).sort(),
    ...artifacts,
    operating_evidence: options.operatingEvidence,
    artifact_digests: digests,
  };
}
