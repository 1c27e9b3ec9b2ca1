import { Type, type TSchema } from 'typebox';

/** How one ledger entry type is allowed to look. */
export interface EntryTypeSpec {
  /** JSON Schema of the payload; `additionalProperties: false` everywhere (allowlisted payloads). */
  schema: TSchema;
  /** Payload paths (`$.kid`) holding public ids that are random by design. */
  opaqueIdPaths?: readonly string[];
  /** One line for docs. */
  description: string;
}

const Sha256Ref = Type.String({ pattern: '^sha256:[0-9a-f]{64}$' });
const Kid = Type.String({ pattern: '^[A-Za-z0-9_-]{1,128}$' });
const ShortText = Type.String({ minLength: 1, maxLength: 500 });

/**
 * The entry types of the ledger and their payload allowlists. Later modules add
 * theirs here (decision_recorded, approval_recorded, token_issued, …); an entry of
 * a type not listed is refused.
 *
 * @example
 * ```ts
 * ENTRY_TYPES['key.rotated'].schema; // JSON Schema of that payload
 * ```
 */
export const ENTRY_TYPES: Readonly<Record<string, EntryTypeSpec>> = {
  'key.rotated': {
    description: 'a signing key became active; the previous one (if any) was retired',
    schema: Type.Object(
      {
        kid: Kid,
        purpose: Type.Union([Type.Literal('token'), Type.Literal('ledger')]),
        alg: Type.Union([Type.Literal('EdDSA'), Type.Literal('ES256')]),
        retired_kid: Type.Union([Kid, Type.Null()]),
        actor: ShortText,
      },
      { additionalProperties: false },
    ),
    opaqueIdPaths: ['$.kid', '$.retired_kid'],
  },
  'key.revoked': {
    description: 'a signing key was revoked',
    schema: Type.Object(
      { kid: Kid, purpose: Type.Union([Type.Literal('token'), Type.Literal('ledger')]), reason: ShortText, actor: ShortText },
      { additionalProperties: false },
    ),
    opaqueIdPaths: ['$.kid'],
  },
  'ledger.payload_read': {
    description: 'an auditor read raw payloads (reads are themselves ledgered)',
    schema: Type.Object(
      {
        actor: ShortText,
        from_seq: Type.Integer({ minimum: 0 }),
        count: Type.Integer({ minimum: 1 }),
        reason: Type.Optional(ShortText),
      },
      { additionalProperties: false },
    ),
  },
  'system.note': {
    description: 'an operator or system note (also used by tests and benchmarks)',
    schema: Type.Object(
      {
        message: ShortText,
        ref: Type.Optional(Sha256Ref),
        n: Type.Optional(Type.Integer({ minimum: 0 })),
      },
      { additionalProperties: false },
    ),
  },
};

const registry: Record<string, EntryTypeSpec> = { ...ENTRY_TYPES };

/**
 * Adds the entry types of an outer module (engine, gateway, …) so the ledger
 * accepts them, without the ledger importing that module. Registering the same
 * name with a different spec is refused.
 *
 * @example
 * ```ts
 * registerEntryTypes({ 'signal.hold_set': { description: '…', schema } });
 * ```
 */
export function registerEntryTypes(specs: Readonly<Record<string, EntryTypeSpec>>): void {
  for (const [name, spec] of Object.entries(specs)) {
    const existing = Object.hasOwn(registry, name) ? registry[name] : undefined;
    if (existing && existing !== spec) throw new Error(`ledger entry type ${name} is already registered differently`);
    registry[name] = spec;
  }
}

/** Every entry type the ledger accepts now: the core ones plus registered ones. */
export function entryTypes(): Readonly<Record<string, EntryTypeSpec>> {
  return registry;
}
