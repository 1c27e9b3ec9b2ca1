import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { WritError } from '../../errors/writ-error.ts';
import { entryTypes, type EntryTypeSpec } from './entry-types.ts';
import { findSecrets } from './secret-scanner.ts';

/** What a caller asks the ledger to record. */
export interface EntryInput {
  stream_id: string;
  entry_type: string;
  payload: Record<string, unknown>;
}

const STREAM_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

const ajv = new Ajv2020({ allErrors: false, strict: true, allowUnionTypes: true });
const compiled = new Map<string, { validate: ValidateFunction; opaque: ReadonlySet<string> }>();

function validatorFor(type: string, spec: EntryTypeSpec) {
  let v = compiled.get(type);
  if (!v) {
    v = { validate: ajv.compile(spec.schema), opaque: new Set(spec.opaqueIdPaths ?? []) };
    compiled.set(type, v);
  }
  return v;
}

/**
 * Checks an entry before it is enqueued: known type, payload valid against its
 * allowlist schema (unknown fields rejected), no value that looks like a secret.
 * Errors are `LEDGER_PAYLOAD_REJECTED` and name the path, never the value.
 *
 * @example
 * ```ts
 * validateEntry({ stream_id: 'system', entry_type: 'system.note', payload: { message: 'hi' } });
 * ```
 */
export function validateEntry(input: EntryInput, types: Readonly<Record<string, EntryTypeSpec>> = entryTypes()): void {
  if (typeof input.stream_id !== 'string' || !STREAM_ID.test(input.stream_id)) {
    throw new WritError('LEDGER_PAYLOAD_REJECTED', 'stream_id: expected 1-128 characters of [A-Za-z0-9._:-]');
  }
  const spec = Object.hasOwn(types, input.entry_type) ? types[input.entry_type] : undefined;
  if (!spec) throw new WritError('LEDGER_PAYLOAD_REJECTED', `entry_type: unknown type "${String(input.entry_type).slice(0, 64)}"`);
  const { validate, opaque } = validatorFor(input.entry_type, spec);
  if (!validate(input.payload)) {
    const e = validate.errors?.[0];
    const where = `payload${e?.instancePath ?? ''}`;
    const extra = e?.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})` : '';
    throw new WritError('LEDGER_PAYLOAD_REJECTED', `${where}: ${e?.message ?? 'invalid'}${extra}`);
  }
  const secrets = findSecrets(input.payload, opaque);
  if (secrets.length > 0) {
    const f = secrets[0]!;
    throw new WritError(
      'LEDGER_PAYLOAD_REJECTED',
      `payload${f.path.slice(1)}: looks like a secret (${f.kind}); store a sha256: hash or a reference instead`,
    );
  }
}
