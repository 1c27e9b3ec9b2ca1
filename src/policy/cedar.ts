/**
 * The one place Writ binds the Cedar engine (`@cedar-policy/cedar-wasm`, Node entry
 * point). Everything else in `src/policy/` imports Cedar through this module, so the
 * engine version is pinned and swappable in one spot.
 *
 * The Node build loads its WebAssembly synchronously at import; its pre-parse cache
 * (`preparsePolicySet`) is per thread and lives for the process.
 *
 * @module
 */
import * as wasm from '@cedar-policy/cedar-wasm/nodejs';
import type { DetailedError } from '@cedar-policy/cedar-wasm/nodejs';

/**
 * Cedar's own types used across `src/policy/`, re-exported from the Node build.
 *
 * @example
 * ```ts
 * import type { AuthorizationAnswer, EntityJson } from './cedar.ts';
 * ```
 */
export type { AuthorizationAnswer, Context as CedarContext, DetailedError, EntityJson, PolicyJson } from '@cedar-policy/cedar-wasm/nodejs';

/**
 * The Cedar functions Writ uses, re-exported unchanged from the Node build.
 *
 * @example
 * ```ts
 * cedar.checkParseSchema('namespace Writ { entity User; }'); // { type: 'success' }
 * cedar.getCedarVersion(); // '4.x.y'
 * ```
 */
export const cedar = {
  checkParseSchema: wasm.checkParseSchema,
  policySetTextToParts: wasm.policySetTextToParts,
  policyToJson: wasm.policyToJson,
  schemaToJsonWithResolvedTypes: wasm.schemaToJsonWithResolvedTypes,
  validate: wasm.validate,
  preparsePolicySet: wasm.preparsePolicySet,
  statefulIsAuthorized: wasm.statefulIsAuthorized,
  getCedarVersion: wasm.getCedarVersion,
} as const;

/**
 * One line for a Cedar diagnostic: its message, plus its help text when Cedar has one.
 *
 * @example
 * ```ts
 * cedarMessage({ message: 'unexpected token', help: 'expected `;`', code: null, url: null, severity: null });
 * // 'unexpected token (expected `;`)'
 * ```
 */
export function cedarMessage(e: DetailedError): string {
  return e.help ? `${e.message} (${e.help})` : e.message;
}
