import { Type, type Static } from 'typebox';

/**
 * RFC 9457 problem details, with Writ's stable `code` (and `denial_code` on the
 * gateway path).
 *
 * @example
 * ```json
 * { "type": "about:blank", "title": "Unauthorized", "status": 401, "code": "UNAUTHENTICATED", "detail": "authentication required" }
 * ```
 */
export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    request_id: Type.Optional(Type.String()),
    /** A finer stable reason within `code` (approval refusals, identity failures). */
    reason: Type.Optional(Type.String()),
  },
  { $id: 'Problem', additionalProperties: true },
);
export type Problem = Static<typeof Problem>;
