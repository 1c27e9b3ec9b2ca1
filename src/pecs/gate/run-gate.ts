/**
 * `writ pecs gate` without the CLI: reads and validates the profile, hashes the workflow
 * file, and asks {@link evaluateGate}. Fail-closed: every failure, including an exception
 * nobody foresaw, becomes a deny decision with a reason code; this function never throws
 * and never allows unless {@link evaluateGate} found a matching entry.
 *
 * @module
 */
import type { PecsDocument } from '../document.ts';
import { readDocumentFile } from '../assess/read-document-file.ts';
import { validatePecsDocument } from '../validate/validate-document.ts';
import { workflowFileHash } from '../workflow-hash.ts';
import { evaluateGate, gateDecision, type GateDecision } from './evaluate-gate.ts';
import { repoRelativeWorkflowPath } from './workflow-ref.ts';

/** Inputs of {@link runGate}. */
export interface RunGateOptions {
  profilePath: string;
  entryPointId: string;
  workflowPath: string;
  requireApproval: boolean;
  job?: string | null;
  environment?: string | null;
  /** The clock (expiry). */
  now: Date;
  /** Directory the workflow path is relative to when there is no repository root. Default: process.cwd(). */
  cwd?: string;
}

/** How many validation errors a PROFILE_INVALID message lists (the rest are counted). */
const LISTED_VALIDATION_ERRORS = 5;

function gate(opts: RunGateOptions): GateDecision {
  const ctx = { entryPointId: opts.entryPointId, workflowPath: opts.workflowPath, requireApproval: opts.requireApproval, now: opts.now };
  if (Number.isNaN(opts.now.getTime())) return gateDecision('INVALID_ARGUMENT', 'the clock (--now) is not a valid ISO timestamp', ctx);

  const read = readDocumentFile(opts.profilePath);
  if (!read.ok) return gateDecision('PROFILE_UNREADABLE', read.message, ctx);
  const validation = validatePecsDocument(read.value);
  if (!validation.valid) {
    const listed = validation.errors.slice(0, LISTED_VALIDATION_ERRORS).map((e) => `${e.pointer || '/'}: ${e.message}`);
    const more = validation.errors.length - listed.length;
    return gateDecision('PROFILE_INVALID', `${opts.profilePath} is not a valid PECS document: ${listed.join('; ')}${more > 0 ? `; and ${more} more` : ''}`, ctx);
  }

  let digest: string;
  try {
    digest = workflowFileHash(opts.workflowPath);
  } catch (e) {
    return gateDecision('WORKFLOW_UNREADABLE', `${opts.workflowPath}: ${(e as NodeJS.ErrnoException).code ?? 'error'}: cannot read the workflow`, ctx);
  }
  return evaluateGate(read.value as PecsDocument, {
    entryPointId: opts.entryPointId,
    workflowDigest: digest,
    workflowPath: repoRelativeWorkflowPath(opts.workflowPath, opts.cwd),
    requireApproval: opts.requireApproval,
    job: opts.job ?? null,
    environment: opts.environment ?? null,
    now: opts.now,
  });
}

/**
 * Runs the gate; an unexpected exception is an `INTERNAL_ERROR` deny.
 *
 * @example
 * ```ts
 * const d = runGate({ profilePath: 'pecs/profile.json', entryPointId: 'deploy', workflowPath: '.github/workflows/deploy.yml', requireApproval: true, now: new Date() });
 * if (!d.allowed) process.exit(1);
 * ```
 */
export function runGate(opts: RunGateOptions): GateDecision {
  try {
    return gate(opts);
  } catch (e) {
    return gateDecision('INTERNAL_ERROR', `unexpected error, denying: ${e instanceof Error ? e.message : String(e)}`, {
      entryPointId: opts.entryPointId,
      workflowPath: opts.workflowPath,
      requireApproval: opts.requireApproval,
      now: opts.now,
    });
  }
}
