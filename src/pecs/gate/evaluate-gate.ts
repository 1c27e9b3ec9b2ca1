/**
 * The gate's decision on an already-read profile and workflow digest (pure: no I/O, the
 * clock is an argument). For each authorization entry naming the entry point it checks,
 * in order: status (approved or conditional; approved only under `requireApproval`),
 * expiry, digest (the entry binds a `workflow-definition-hash` whose digest equals the
 * recomputed hash, and the entry point's own binding digest, when it has one, does too),
 * pipeline binding (`workflowRef` names the workflow, `jobRef` equals the job and
 * `environmentRef` the environment when those are known). One entry passing every check
 * allows; otherwise the deny reason is that of the entry that got furthest (the first of
 * them in document order).
 *
 * @module
 */
import type { PecsDocument } from '../document.ts';
import { isPastExpiry } from '../assess/entry-point-facts.ts';
import { asArray, asRecord, asString } from '../assess/loose-access.ts';
import type { GateReason } from './gate-reasons.ts';
import { workflowRefMatches } from './workflow-ref.ts';

/** What the gate checks against. */
export interface GateRequest {
  entryPointId: string;
  /** sha256 hex of the workflow file's bytes. */
  workflowDigest: string;
  /** Repo-relative path of the workflow (see `workflow-ref.ts`). */
  workflowPath: string;
  /** Only `approved` entries count (no `conditional`). */
  requireApproval: boolean;
  /** The running job, when known (`--job` or `GITHUB_JOB`): must equal `jobRef` when the entry has one. */
  job?: string | null;
  /** The target environment, when known: must equal `environmentRef`. */
  environment?: string | null;
  now: Date;
}

/** The gate's decision (`--json` prints it). */
export interface GateDecision {
  allowed: boolean;
  reason: GateReason;
  message: string;
  entryPointId: string | null;
  /** The entry that allowed, or the one whose failure is reported. */
  entryId: string | null;
  workflow: { path: string | null; digest: string | null };
  requireApproval: boolean;
  checkedAt: string;
}

type EntryCheck = { passed: true } | { passed: false; stage: number; reason: GateReason; message: string };

/**
 * A decision with a reason; `allowed` is true exactly when the reason is `ALLOWED`, so no
 * code path can allow with a deny reason or the reverse.
 *
 * @example
 * ```ts
 * gateDecision('NO_AUTHORIZATION', 'no entry names deploy', { entryPointId: 'deploy', now }).allowed; // false
 * ```
 */
export function gateDecision(
  reason: GateReason,
  message: string,
  ctx: { entryPointId?: string | null; entryId?: string | null; workflowPath?: string | null; workflowDigest?: string | null; requireApproval?: boolean; now: Date },
): GateDecision {
  return {
    allowed: reason === 'ALLOWED',
    reason,
    message,
    entryPointId: ctx.entryPointId ?? null,
    entryId: ctx.entryId ?? null,
    workflow: { path: ctx.workflowPath ?? null, digest: ctx.workflowDigest ?? null },
    requireApproval: ctx.requireApproval ?? false,
    // Robust to a bad clock: building a deny must never throw.
    checkedAt: ctx.now instanceof Date && !Number.isNaN(ctx.now.getTime()) ? ctx.now.toISOString() : 'invalid-date',
  };
}

const fail = (stage: number, reason: GateReason, message: string): EntryCheck => ({ passed: false, stage, reason, message });

function checkEntry(entry: Record<string, unknown>, ownDigest: string | null, req: GateRequest): EntryCheck {
  const id = asString(entry.entryId) ?? '(no entryId)';
  const status = asString(entry.approvalStatus);
  if (status === 'expired') return fail(1, 'EXPIRED', `entry ${id} has approvalStatus expired`);
  const allowedStatuses = req.requireApproval ? ['approved'] : ['approved', 'conditional'];
  if (status === null || !allowedStatuses.includes(status)) return fail(0, 'NOT_APPROVED', `entry ${id} has approvalStatus ${status ?? '(none)'}; needs ${allowedStatuses.join(' or ')}`);
  const expiresAt = asString(entry.expiresAt);
  if (isPastExpiry(expiresAt, req.now)) return fail(1, 'EXPIRED', `entry ${id} expired at ${expiresAt ?? '?'} (now ${req.now.toISOString()})`);

  const binding = asRecord(entry.integrityBinding);
  const digest = asString(binding.digest);
  if (binding.type !== 'workflow-definition-hash') return fail(2, 'DIGEST_MISMATCH', `entry ${id} binds ${asString(binding.type) ?? 'no integrity binding'}, not a workflow-definition-hash`);
  if (binding.algorithm !== undefined && binding.algorithm !== 'sha256') return fail(2, 'DIGEST_MISMATCH', `entry ${id} binds a ${String(binding.algorithm)} digest; the workflow hash is sha256`);
  if (digest === null) return fail(2, 'DIGEST_MISMATCH', `entry ${id} binds no digest`);
  if (digest.toLowerCase() !== req.workflowDigest) return fail(2, 'DIGEST_MISMATCH', `workflow ${req.workflowPath} hashes to ${req.workflowDigest}, entry ${id} approves ${digest.toLowerCase()}`);
  if (ownDigest !== null && ownDigest.toLowerCase() !== req.workflowDigest) {
    return fail(2, 'DIGEST_MISMATCH', `workflow ${req.workflowPath} hashes to ${req.workflowDigest}, entry point ${req.entryPointId} is bound to ${ownDigest.toLowerCase()}`);
  }

  const pipeline = entry.pipelineBinding === undefined ? null : asRecord(entry.pipelineBinding);
  if (pipeline === null) return fail(3, 'PIPELINE_MISMATCH', `entry ${id} has no pipelineBinding`);
  const workflowRef = asString(pipeline.workflowRef);
  if (workflowRef === null || !workflowRefMatches(workflowRef, req.workflowPath)) return fail(3, 'PIPELINE_MISMATCH', `entry ${id} is bound to workflow ${workflowRef ?? '(none)'}, not ${req.workflowPath}`);
  const jobRef = asString(pipeline.jobRef);
  if (req.job && jobRef !== null && jobRef !== req.job) return fail(3, 'PIPELINE_MISMATCH', `entry ${id} is bound to job ${jobRef}, not ${req.job}`);
  const environmentRef = asString(pipeline.environmentRef);
  if (req.environment && environmentRef !== req.environment) return fail(3, 'PIPELINE_MISMATCH', `entry ${id} is bound to environment ${environmentRef ?? '(none)'}, not ${req.environment}`);
  return { passed: true };
}

/**
 * Decides whether the workflow may run as the entry point.
 *
 * @example
 * ```ts
 * const d = evaluateGate(profile, { entryPointId: 'deploy', workflowDigest: workflowFileHash(p), workflowPath: '.github/workflows/deploy.yml', requireApproval: true, now: new Date() });
 * d.allowed; // true only with a matching approved entry
 * ```
 */
export function evaluateGate(doc: PecsDocument, req: GateRequest): GateDecision {
  const base = { entryPointId: req.entryPointId, workflowPath: req.workflowPath, workflowDigest: req.workflowDigest, requireApproval: req.requireApproval, now: req.now };
  const entryPoint = asArray(doc.privilegedExecutionSurface).map(asRecord).find((ep) => ep.id === req.entryPointId);
  if (entryPoint === undefined) return gateDecision('ENTRY_POINT_UNKNOWN', `the profile declares no entry point ${req.entryPointId}`, base);
  const ownDigest = asString(asRecord(entryPoint.integrityBinding).digest);

  const entries = asArray(doc.authorizationArtifacts)
    .flatMap((a) => asArray(asRecord(a).entries).map(asRecord))
    .filter((e) => e.privilegedEntryPointId === req.entryPointId);
  if (entries.length === 0) return gateDecision('NO_AUTHORIZATION', `no authorization entry names entry point ${req.entryPointId}`, base);

  let furthest: { entryId: string | null; check: Extract<EntryCheck, { passed: false }> } | null = null;
  for (const entry of entries) {
    const check = checkEntry(entry, ownDigest, req);
    const entryId = asString(entry.entryId);
    if (check.passed) {
      return gateDecision('ALLOWED', `entry ${entryId ?? '?'} approves ${req.workflowPath} at ${req.workflowDigest}`, { ...base, entryId });
    }
    if (furthest === null || check.stage > furthest.check.stage) furthest = { entryId, check };
  }
  // entries is non-empty and none passed, so furthest is set; the fallback keeps the gate closed regardless.
  if (furthest === null) return gateDecision('INTERNAL_ERROR', 'no entry was checked', base);
  return gateDecision(furthest.check.reason, furthest.check.message, { ...base, entryId: furthest.entryId });
}
