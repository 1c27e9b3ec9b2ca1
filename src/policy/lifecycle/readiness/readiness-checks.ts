/**
 * Building a readiness result: checks are collected in order, each `pass`, `warn` or
 * `blocker`; the result is contract-ready when no check is a blocker and live-ready when
 * it is also live evidence (CAVRA's rule, which Writ's gate shares).
 *
 * @module
 */
import { LIFECYCLE_SCHEMAS, type ReadinessCheck, type ReadinessResult } from '../artifacts.ts';

/**
 * An ordered list of readiness checks.
 *
 * @example
 * ```ts
 * const checks = new ReadinessChecks();
 * checks.require(packet.lint_report.valid, 'lint_report', 'lint is clean', 'lint has blockers');
 * checks.list; // [{ name: 'lint_report', status: 'pass', message: 'lint is clean' }]
 * ```
 */
export class ReadinessChecks {
  readonly list: ReadinessCheck[] = [];

  /** A passing check. */
  pass(name: string, message: string): void {
    this.list.push({ name, status: 'pass', message });
  }

  /** A warning: the packet is still ready, with warnings. */
  warn(name: string, message: string): void {
    this.list.push({ name, status: 'warn', message });
  }

  /** A blocker: the packet is not ready. */
  block(name: string, message: string): void {
    this.list.push({ name, status: 'blocker', message });
  }

  /** Passes with `ok` when `cond`, else blocks with `failed` (or `ok` when not given). */
  require(cond: boolean, name: string, ok: string, failed: string = ok): void {
    if (cond) this.pass(name, ok);
    else this.block(name, failed);
  }

  /**
   * Passes when `problems` is empty, else blocks with them joined.
   *
   * @example
   * ```ts
   * checks.requireNone([], 'rollback_plan', 'rollback is approval-gated'); // pass
   * ```
   */
  requireNone(problems: readonly string[], name: string, ok: string): void {
    if (problems.length === 0) this.pass(name, ok);
    else this.block(name, problems.join('; '));
  }
}

/**
 * The readiness result of a set of checks.
 *
 * @example
 * ```ts
 * readinessResult({ packet_schema: 'cavra.policy-lifecycle.readiness.v1', product: 'CAVRA', evidence_mode: 'sample' }, checks.list).status;
 * // 'ready_with_warnings'
 * ```
 */
export function readinessResult(packet: { packet_schema: string; product: string; evidence_mode: string }, checks: readonly ReadinessCheck[]): ReadinessResult {
  const blockers = checks.filter((c) => c.status === 'blocker').length;
  const warnings = checks.filter((c) => c.status === 'warn').length;
  const contractReady = blockers === 0;
  return {
    schema_version: LIFECYCLE_SCHEMAS.readiness_result,
    packet_schema: packet.packet_schema,
    product: packet.product,
    evidence_mode: packet.evidence_mode,
    ready_for_policy_lifecycle_contract: contractReady,
    ready_for_live_policy_lifecycle: contractReady && packet.evidence_mode === 'live',
    status: blockers > 0 ? 'blocked' : warnings > 0 ? 'ready_with_warnings' : 'ready',
    blocker_count: blockers,
    warning_count: warnings,
    checks: [...checks],
  };
}

/**
 * The evidence-mode check both packet kinds share: live evidence passes; sample evidence
 * is a warning (it proves the contract's shape, not a real rollout), or a blocker when
 * live evidence is required.
 *
 * @example
 * ```ts
 * checkEvidenceMode(checks, 'sample', true); // adds a blocker
 * ```
 */
export function checkEvidenceMode(checks: ReadinessChecks, evidenceMode: string, requireLive: boolean): void {
  if (evidenceMode === 'live') checks.pass('evidence_mode', 'live policy lifecycle evidence');
  else if (requireLive) checks.block('evidence_mode', `live evidence is required by this gate; the packet is ${JSON.stringify(evidenceMode)} evidence`);
  else checks.warn('evidence_mode', `${JSON.stringify(evidenceMode)} evidence: the packet shows the contract's shape, not a live rollout`);
}
