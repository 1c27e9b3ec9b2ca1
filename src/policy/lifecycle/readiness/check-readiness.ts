/**
 * `writ policy lifecycle-readiness`: the gate a policy lifecycle packet must pass before
 * a rollout. It reads Writ packets (`writ.policy-lifecycle.packet.v1`, checked by
 * `writ-readiness.ts`) and CAVRA packets (`cavra.policy-lifecycle.readiness.v1`, checked
 * as CAVRA checks them, `cavra-readiness.ts`); anything else is one `schema_version`
 * blocker.
 *
 * @module
 */
import { LIFECYCLE_SCHEMAS, type ReadinessResult } from '../artifacts.ts';
import { CAVRA_READINESS_PACKET_SCHEMA, checkCavraPacket } from './cavra-readiness.ts';
import { readinessResult, ReadinessChecks } from './readiness-checks.ts';
import { checkWritPacket } from './writ-readiness.ts';

/**
 * Options of {@link checkLifecycleReadiness}.
 *
 * @example
 * ```ts
 * const opts: ReadinessOptions = { requireLive: true };
 * ```
 */
export interface ReadinessOptions {
  /** Sample evidence is a blocker, not a warning. */
  requireLive: boolean;
}

/**
 * Checks a parsed packet. Never throws: whatever is wrong is a check.
 *
 * @example
 * ```ts
 * const r = checkLifecycleReadiness(JSON.parse(text), { requireLive: false });
 * if (r.status === 'blocked') process.exitCode = 1;
 * ```
 */
export function checkLifecycleReadiness(packet: unknown, opts: ReadinessOptions): ReadinessResult {
  const obj = typeof packet === 'object' && packet !== null && !Array.isArray(packet) ? (packet as Record<string, unknown>) : null;
  if (obj?.schema_version === CAVRA_READINESS_PACKET_SCHEMA) return checkCavraPacket(obj, opts);
  if (obj?.schema_version === LIFECYCLE_SCHEMAS.packet) return checkWritPacket(obj, opts);
  const checks = new ReadinessChecks();
  const expected = `expected schema_version ${LIFECYCLE_SCHEMAS.packet} or ${CAVRA_READINESS_PACKET_SCHEMA}`;
  const kind = packet === null ? 'null' : Array.isArray(packet) ? 'an array' : typeof packet;
  checks.block('schema_version', obj ? `not a policy lifecycle packet: schema_version ${JSON.stringify(obj.schema_version ?? null)}; ${expected}` : `not a policy lifecycle packet: the document is ${kind}, not an object; ${expected}`);
  return readinessResult(
    {
      packet_schema: typeof obj?.schema_version === 'string' ? obj.schema_version : '',
      product: typeof obj?.product === 'string' ? obj.product : '',
      evidence_mode: typeof obj?.evidence_mode === 'string' ? obj.evidence_mode : 'sample',
    },
    checks.list,
  );
}
