import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { AuthorizeRequest } from '../../contracts/authorize.ts';

const ajv = new Ajv2020({ allErrors: false, strict: false });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
const validate = ajv.compile(AuthorizeRequest);

/**
 * Step 1: the request body against the schema. A body without a usable
 * `decision_hash` is `MISSING_DECISION_HASH`; any other misfit `MALFORMED_REQUEST`.
 *
 * @example
 * ```ts
 * const r = checkAuthorizeRequest(body);
 * if (!r.ok) reply.code(400);
 * ```
 */
export function checkAuthorizeRequest(body: unknown): { ok: true; request: AuthorizeRequest } | { ok: false; code: 'MISSING_DECISION_HASH' | 'MALFORMED_REQUEST'; detail: string } {
  if (validate(body)) return { ok: true, request: body as AuthorizeRequest };
  const missing = typeof body !== 'object' || body === null || typeof (body as { decision_hash?: unknown }).decision_hash !== 'string' || ((body as { decision_hash: string }).decision_hash.length === 0);
  const first = validate.errors?.[0];
  return { ok: false, code: missing ? 'MISSING_DECISION_HASH' : 'MALFORMED_REQUEST', detail: `${first?.instancePath || 'body'} ${first?.message ?? 'is invalid'}` };
}
