/**
 * Validates a PECS document: picks its profile ({@link pickPecsProfile}), runs the
 * profile's JSON Schema with every error collected, then the referential checks. The
 * one entry point for `writ pecs validate`, assessment and discovery.
 *
 * @module
 */
import type { PecsProfileName } from '../schemas/load-schemas.ts';
import { pecsValidatorOf } from './compiled-validators.ts';
import { pickPecsProfile } from './pick-profile.ts';
import { referentialErrorsOf } from './referential-checks.ts';
import { schemaErrorsOf } from './schema-errors.ts';
import type { PecsValidationError } from './validation-error.ts';

export type { PecsValidationError } from './validation-error.ts';

/**
 * The outcome: valid when there is no error at all; `profile` is null only when the
 * input is not a JSON object (no profile can be picked).
 *
 * @example
 * ```ts
 * const r: PecsValidation = { valid: false, profile: 'cicd', errors: [{ pointer: '/system/cicdProfile', message: "missing required property 'cicdProfile'", keyword: 'required' }] };
 * ```
 */
export interface PecsValidation {
  valid: boolean;
  profile: PecsProfileName | null;
  errors: PecsValidationError[];
}

/**
 * Options of {@link validatePecsDocument}.
 *
 * @example
 * ```ts
 * const o: ValidatePecsOptions = { profile: 'base' };
 * ```
 */
export interface ValidatePecsOptions {
  /** Validate against this profile instead of picking one from the document. */
  profile?: PecsProfileName;
}

/**
 * Validates `doc` (already parsed from JSON or YAML).
 *
 * @example
 * ```ts
 * const r = validatePecsDocument(JSON.parse(readFileSync('profile.json', 'utf8')));
 * if (!r.valid) for (const e of r.errors) console.log(`${e.pointer}: ${e.message}`);
 * ```
 */
export function validatePecsDocument(doc: unknown, opts: ValidatePecsOptions = {}): PecsValidation {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    return { valid: false, profile: null, errors: [{ pointer: '/', keyword: 'type', message: 'a PECS document must be a JSON object' }] };
  }
  const record = doc as Record<string, unknown>;
  const profile = opts.profile ?? pickPecsProfile(record).profile;
  const validate = pecsValidatorOf(profile);
  const schemaErrors = validate(record) ? [] : schemaErrorsOf(validate.errors ?? []);
  const errors = [...schemaErrors, ...referentialErrorsOf(record)];
  return { valid: errors.length === 0, profile, errors };
}
