/**
 * Decoding IAM policy documents as `get-account-authorization-details` prints them: either a JSON
 * object (AWS CLI v2 decodes them) or a URL-encoded JSON string (the raw API), with `Statement`
 * either one object or a list, and `Action`/`Resource`/… either one string or a list.
 *
 * @module
 */
import { arrayOf, objectOf, stringListOf, type JsonRecord } from './loose-json.ts';

/**
 * One statement, normalized: lists everywhere, `effect` lower-cased, `index` = position in the
 * document's `Statement` list (for JSON pointers; 0 when `Statement` was a single object).
 *
 * @example
 * ```ts
 * const s: PolicyStatement = { index: 0, effect: 'allow', actions: ['s3:GetObject'], notActions: [],
 *   resources: ['*'], notResources: [], principal: undefined, condition: undefined, pointerSuffix: '/Statement/0' };
 * ```
 */
export interface PolicyStatement {
  index: number;
  effect: 'allow' | 'deny';
  actions: string[];
  notActions: string[];
  resources: string[];
  notResources: string[];
  principal: unknown;
  condition: JsonRecord | undefined;
  /** Pointer of the statement relative to the document (`/Statement/2` or `/Statement`). */
  pointerSuffix: string;
}

/**
 * The document as an object: objects pass through, strings are URL-decoded (when encoded) and
 * parsed. Returns null when it cannot be read.
 *
 * @example
 * ```ts
 * decodePolicyDocument('%7B%22Version%22%3A%222012-10-17%22%7D'); // { Version: '2012-10-17' }
 * decodePolicyDocument({ Version: '2012-10-17' });                 // { Version: '2012-10-17' }
 * decodePolicyDocument('%7Bnot json');                             // null
 * ```
 */
export function decodePolicyDocument(document: unknown): JsonRecord | null {
  if (typeof document === 'object' && document !== null && !Array.isArray(document)) return document as JsonRecord;
  if (typeof document !== 'string') return null;
  let text = document.trim();
  if (!text.startsWith('{')) {
    try {
      text = decodeURIComponent(text.replace(/\+/g, '%20'));
    } catch {
      return null;
    }
  }
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as JsonRecord) : null;
  } catch {
    return null;
  }
}

/**
 * The statements of a decoded policy document, normalized; statements whose `Effect` is neither
 * Allow nor Deny are dropped.
 *
 * @example
 * ```ts
 * const [s] = policyStatements({ Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' } });
 * s.actions; // ['s3:GetObject']
 * s.pointerSuffix; // '/Statement'
 * ```
 */
export function policyStatements(document: JsonRecord): PolicyStatement[] {
  const raw = document.Statement;
  const single = !Array.isArray(raw);
  const list = single ? (raw === undefined ? [] : [raw]) : arrayOf(raw);
  return list.flatMap((entry, index): PolicyStatement[] => {
    const statement = objectOf(entry);
    const condition = statement.Condition;
    const effect = String(statement.Effect ?? '').toLowerCase();
    if (effect !== 'allow' && effect !== 'deny') return [];
    return [{
      index,
      effect,
      actions: stringListOf(statement.Action),
      notActions: stringListOf(statement.NotAction),
      resources: stringListOf(statement.Resource),
      notResources: stringListOf(statement.NotResource),
      principal: statement.Principal,
      condition: condition === undefined ? undefined : objectOf(condition),
      pointerSuffix: single ? '/Statement' : `/Statement/${index}`,
    }];
  });
}
