/**
 * Checking a Writ packet against {@link WRIT_PACKET_JSON_SCHEMA} with Ajv (draft
 * 2020-12), every violation reported, each with the JSON pointer of the value at fault.
 *
 * @module
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { WRIT_PACKET_JSON_SCHEMA } from './packet-schema.ts';

const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
let compiled: ValidateFunction | undefined;

/**
 * One schema violation: where (a JSON pointer, `/` for the packet itself) and what.
 *
 * @example
 * ```ts
 * const v: PacketSchemaViolation = { pointer: '/dry_run_report/failed_count', message: 'must be integer' };
 * ```
 */
export interface PacketSchemaViolation {
  pointer: string;
  message: string;
}

function violation(e: ErrorObject): PacketSchemaViolation {
  const params = e.params as { missingProperty?: string; allowedValue?: unknown; allowedValues?: unknown[] };
  // A missing property is reported at the property's own pointer, not at its parent.
  if (e.keyword === 'required' && params.missingProperty !== undefined) return { pointer: `${e.instancePath}/${params.missingProperty}`, message: 'is required' };
  const detail = e.keyword === 'const' ? ` ${JSON.stringify(params.allowedValue)}` : e.keyword === 'enum' ? `: ${JSON.stringify(params.allowedValues)}` : '';
  return { pointer: e.instancePath || '/', message: `${e.message ?? 'is invalid'}${detail}` };
}

/**
 * The packet's schema violations, in Ajv's order with duplicates removed; empty when it
 * matches. `anyOf` summaries are left out: the branch errors say what is wrong.
 *
 * @example
 * ```ts
 * packetSchemaViolations({ schema_version: 'writ.policy-lifecycle.packet.v1' })[0];
 * // { pointer: '/product', message: 'is required' }
 * ```
 */
export function packetSchemaViolations(packet: unknown): PacketSchemaViolation[] {
  compiled ??= ajv.compile(WRIT_PACKET_JSON_SCHEMA);
  if (compiled(packet)) return [];
  const seen = new Set<string>();
  const out: PacketSchemaViolation[] = [];
  for (const e of compiled.errors ?? []) {
    if (e.keyword === 'anyOf') continue;
    const v = violation(e);
    const key = `${v.pointer} ${v.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(v);
  }
  return out;
}
