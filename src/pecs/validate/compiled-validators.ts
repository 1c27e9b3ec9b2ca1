/**
 * One Ajv (JSON Schema 2020-12, all errors, formats) holding the four shipped schemas,
 * and the compiled validator of each profile, built once on first use.
 *
 * A document that uses no profile is checked against a closed copy of the base schema:
 * the shipped base must leave its environment-neutral objects open because every profile
 * document also passes through it (the profiles `$ref` it inside `allOf`), but a plain
 * base document has no profile to catch its typos, so here every object that lists
 * `properties` also gets `additionalProperties: false`.
 *
 * @module
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { PECS_SCHEMAS, pecsSchemaOf, type PecsProfileName } from '../schemas/load-schemas.ts';

/** `$id` of the closed base copy (internal; never served). */
export const CLOSED_BASE_SCHEMA_ID = 'https://writ.dev/schemas/pecs/internal/pecs-closed-base.schema.json';

// ajv-formats is CommonJS: under NodeNext its default export is the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

function closeObjects(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closeObjects);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = closeObjects(v);
  if ('properties' in out && !('additionalProperties' in out) && !('unevaluatedProperties' in out)) out['additionalProperties'] = false;
  return out;
}

/**
 * The base schema with every open object closed, under {@link CLOSED_BASE_SCHEMA_ID}.
 *
 * @example
 * ```ts
 * closedBaseSchema()['$id']; // CLOSED_BASE_SCHEMA_ID
 * ```
 */
export function closedBaseSchema(): Record<string, unknown> {
  const closed = closeObjects(pecsSchemaOf('base').schema) as Record<string, unknown>;
  return { ...closed, $id: CLOSED_BASE_SCHEMA_ID };
}

let validators: Map<PecsProfileName, ValidateFunction> | null = null;

function build(): Map<PecsProfileName, ValidateFunction> {
  // verbose: errors carry their schema, so messages can name the expected contains value.
  // strictRequired off: a profile's allOf branch restates the base's required list (as the
  // published profiles do) without redeclaring each property — valid JSON Schema.
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, verbose: true });
  addFormats(ajv);
  for (const s of PECS_SCHEMAS) ajv.addSchema(s.schema, s.id);
  ajv.addSchema(closedBaseSchema(), CLOSED_BASE_SCHEMA_ID);
  const map = new Map<PecsProfileName, ValidateFunction>();
  for (const s of PECS_SCHEMAS) {
    const id = s.profile === 'base' ? CLOSED_BASE_SCHEMA_ID : s.id;
    map.set(s.profile, ajv.getSchema(id)!);
  }
  return map;
}

/**
 * The compiled validator of a profile (`base` = the closed base copy).
 *
 * @example
 * ```ts
 * const v = pecsValidatorOf('cicd');
 * v(doc); // boolean; v.errors holds every error
 * ```
 */
export function pecsValidatorOf(profile: PecsProfileName): ValidateFunction {
  validators ??= build();
  return validators.get(profile)!;
}
