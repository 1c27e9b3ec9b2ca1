/**
 * Turns Ajv errors into {@link PecsValidationError}s: one line each, pointing at the
 * offending field itself — for a missing or unknown property that is the property's
 * own pointer, not its parent's — deduplicated (a profile document passes through the
 * base schema and the profile, which often report the same problem) and in a stable
 * order.
 *
 * @module
 */
import type { ErrorObject } from 'ajv';
import { pointerSegment, type PecsValidationError } from './validation-error.ts';

/** Keywords whose error only repeats a more precise one reported beside it. */
const NOISE_KEYWORDS = new Set(['if', 'allOf', 'anyOf', 'oneOf']);

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function quote(v: unknown): string {
  return JSON.stringify(v) ?? String(v);
}

function childPointer(parent: string, key: unknown): string {
  return `${parent}/${pointerSegment(String(key))}`;
}

function convert(e: ErrorObject): PecsValidationError {
  const at = e.instancePath;
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { pointer: childPointer(at, params['missingProperty']), keyword: e.keyword, message: `missing required property '${String(params['missingProperty'])}'` };
    case 'additionalProperties':
      return { pointer: childPointer(at, params['additionalProperty']), keyword: e.keyword, message: `unknown property '${String(params['additionalProperty'])}' (not allowed here)` };
    case 'unevaluatedProperties':
      return { pointer: childPointer(at, params['unevaluatedProperty']), keyword: e.keyword, message: `unknown property '${String(params['unevaluatedProperty'])}' (not allowed here)` };
    case 'enum':
      return { pointer: at, keyword: e.keyword, message: `must be one of: ${(params['allowedValues'] as unknown[]).map((v) => String(v)).join(', ')}` };
    case 'const':
      return { pointer: at, keyword: e.keyword, message: `must be ${quote(params['allowedValue'])}` };
    case 'contains':
      return { pointer: at, keyword: e.keyword, message: `must contain an item matching ${quote(e.schema)}` };
    case 'pattern':
      return { pointer: at, keyword: e.keyword, message: `must match the pattern ${String(params['pattern'])}` };
    default:
      return { pointer: at, keyword: e.keyword, message: oneLine(e.message ?? `fails ${e.keyword}`) };
  }
}

/**
 * The document-level errors of an Ajv run (see the module comment).
 *
 * @example
 * ```ts
 * const v = pecsValidatorOf('cicd');
 * if (!v(doc)) schemaErrorsOf(v.errors ?? []); // [{ pointer: '/metadata/id', … }]
 * ```
 */
export function schemaErrorsOf(errors: readonly ErrorObject[]): PecsValidationError[] {
  const seen = new Set<string>();
  const out: PecsValidationError[] = [];
  for (const e of errors) {
    if (NOISE_KEYWORDS.has(e.keyword)) continue;
    const converted = convert(e);
    const pointer = converted.pointer === '' ? '/' : converted.pointer;
    const key = `${pointer}\u0000${converted.keyword}\u0000${converted.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ ...converted, pointer });
  }
  return out;
}
