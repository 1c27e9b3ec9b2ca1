/**
 * The two checks only Writ packets have, which bind a packet together:
 *
 * - `artifact_digests`: every lifecycle artifact in the packet has a digest, and each
 *   listed digest is `hashCanonical` (sha256 over JCS) of the packet's value under that
 *   key, so an artifact edited after export is caught;
 * - `bundle_binding`: every artifact that names a policy bundle names the packet's
 *   `bundle` (a lint report of one bundle and a dry run of another prove nothing
 *   together).
 *
 * @module
 */
import { hashCanonical } from '../../../crypto/hash.ts';
import { section } from './packet-values.ts';
import type { ReadinessChecks } from './readiness-checks.ts';

/**
 * The artifacts a Writ packet carries inline, each of which must have a digest in
 * `artifact_digests` (`semantic_diff` only when it is not null).
 *
 * @example
 * ```ts
 * WRIT_PACKET_ARTIFACTS.includes('dry_run_report'); // true
 * ```
 */
export const WRIT_PACKET_ARTIFACTS: readonly string[] = [
  'approval_workflow',
  'dry_run_report',
  'lint_report',
  'rollback_plan',
  'semantic_diff',
  'shadow_summary',
  'version_manifest',
];

function digestOf(value: unknown): string | null {
  try {
    return hashCanonical(value);
  } catch {
    // Not I-JSON (cannot come from JSON text, but a packet built in code might): no digest matches.
    return null;
  }
}

/**
 * Adds the `artifact_digests` check.
 *
 * @example
 * ```ts
 * checkArtifactDigests(checks, packet); // blocker "lint_report: digest mismatch …" after an edit
 * ```
 */
export function checkArtifactDigests(checks: ReadinessChecks, packet: Record<string, unknown>): void {
  const digests = section(packet, 'artifact_digests');
  const problems: string[] = [];
  for (const key of WRIT_PACKET_ARTIFACTS) {
    const value = packet[key];
    if (value !== undefined && value !== null && digests[key] === undefined) problems.push(`${key}: no digest`);
  }
  for (const key of Object.keys(digests).sort()) {
    if (key === 'artifact_digests' || !(key in packet)) {
      problems.push(`${key}: a digest for something the packet does not carry`);
      continue;
    }
    const actual = digestOf(packet[key]);
    if (actual !== digests[key]) problems.push(`${key}: digest mismatch (listed ${JSON.stringify(digests[key])}, content ${actual ?? 'not canonical JSON'})`);
  }
  const n = Object.keys(digests).length;
  checks.requireNone(problems, 'artifact_digests', `${n} artifact digest${n === 1 ? '' : 's'} match the packet's content`);
}

/**
 * Where each artifact names its bundle: packet key, then the path to the hash. A null
 * at the end of the path (no semantic diff, no shadow run yet, no current bundle) is no
 * claim, so it is not a mismatch.
 */
const BINDINGS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['lint_report', ['policy_bundle_hash']],
  ['version_manifest', ['policy_bundle_hash']],
  ['version_manifest', ['diff', 'to', 'policy_bundle_hash']],
  ['semantic_diff', ['to', 'policy_bundle_hash']],
  ['dry_run_report', ['bundle', 'policy_bundle_hash']],
  ['shadow_summary', ['candidate_policy_bundle_hash']],
  ['rollback_plan', ['current_policy_bundle_hash']],
];

function at(value: unknown, path: readonly string[]): unknown {
  let v = value;
  for (const k of path) {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
    v = (v as Record<string, unknown>)[k];
  }
  return v ?? null;
}

/**
 * Adds the `bundle_binding` check. The lint report's hash must be present (a lint
 * report without one is of a bundle that could not be read, never of this one).
 *
 * @example
 * ```ts
 * checkBundleBinding(checks, packet); // blocker "dry_run_report.bundle.policy_bundle_hash is sha256:…, not the packet's bundle sha256:…"
 * ```
 */
export function checkBundleBinding(checks: ReadinessChecks, packet: Record<string, unknown>): void {
  const hash = section(packet, 'bundle').policy_bundle_hash;
  if (typeof hash !== 'string' || hash === '') {
    checks.block('bundle_binding', 'the packet names no bundle (bundle.policy_bundle_hash)');
    return;
  }
  const problems: string[] = [];
  for (const [key, path] of BINDINGS) {
    const named = at(packet[key], path);
    const where = `${key}.${path.join('.')}`;
    if (named === null) {
      if (key === 'lint_report') problems.push(`${where} is null: the lint report is not of this bundle`);
      continue;
    }
    if (named !== hash) problems.push(`${where} is ${JSON.stringify(named)}, not the packet's bundle ${hash}`);
  }
  checks.requireNone(problems, 'bundle_binding', `every artifact is of bundle ${hash}`);
}
