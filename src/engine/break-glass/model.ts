/**
 * Break-glass (DESIGN §3.10): who may use it, its bounds, and a use as the engine
 * keeps it. Pure: no clock, no store.
 *
 * @module
 */
import type { HumanIdentity, HumanRole } from '../../identity/human-identity.ts';

/**
 * Why break-glass was used (the structured reason's category).
 *
 * @example
 * ```ts
 * const c: BreakGlassCategory = 'incident_response';
 * ```
 */
export type BreakGlassCategory = 'incident_response' | 'security_fix' | 'outage_recovery' | 'data_recovery';

/** Every {@link BreakGlassCategory}. */
export const BREAK_GLASS_CATEGORIES: readonly BreakGlassCategory[] = ['incident_response', 'security_fix', 'outage_recovery', 'data_recovery'];

/**
 * Outcome of the mandatory post-incident review.
 *
 * @example
 * ```ts
 * const o: ReviewOutcome = 'needs_follow_up';
 * ```
 */
export type ReviewOutcome = 'justified' | 'unjustified' | 'needs_follow_up';

/** Every {@link ReviewOutcome}. */
export const REVIEW_OUTCOMES: readonly ReviewOutcome[] = ['justified', 'unjustified', 'needs_follow_up'];

/** Longest break-glass lifetime (1 hour). */
export const MAX_BREAK_GLASS_TTL_S = 3600;
/** Lifetime when none is asked for (15 minutes). */
export const DEFAULT_BREAK_GLASS_TTL_S = 900;
/** The review is due this long after the use (72 hours). */
export const REVIEW_WINDOW_MS = 72 * 3600 * 1000;

/** Roles that may review a break-glass use (never the person who used it). */
export const REVIEWER_ROLES: readonly HumanRole[] = ['auditor', 'security_officer', 'admin'];

/**
 * Why a break-glass request or review was refused (stable codes, in the problem's `reason`).
 *
 * @example
 * ```ts
 * const r: BreakGlassRefusal = 'BREAK_GLASS_NOT_ALLOWED';
 * ```
 */
export type BreakGlassRefusal =
  | 'NOT_PRIVILEGED'
  | 'SCOPE_MISMATCH'
  | 'TTL_OUT_OF_RANGE'
  | 'POLICY_DENIES'
  | 'BREAK_GLASS_NOT_ALLOWED'
  | 'SELF_REVIEW'
  | 'ALREADY_REVIEWED';

/**
 * A human named by issuer and subject (how break-glass records people).
 *
 * @example
 * ```ts
 * const who: HumanRef = { iss: 'https://idp.example.com', sub: 'dave' };
 * ```
 */
export interface HumanRef {
  iss: string;
  sub: string;
}

/**
 * The structured reason of a use.
 *
 * @example
 * ```ts
 * const r: BreakGlassReason = { category: 'outage_recovery', summary: 'payments down, hotfix v1.4.3', incident_ref: 'INC-42' };
 * ```
 */
export interface BreakGlassReason {
  category: BreakGlassCategory;
  summary: string;
  incident_ref?: string | null;
}

/**
 * What the use is limited to: the intent's target (resource id) and action class (action scope).
 *
 * @example
 * ```ts
 * const s: BreakGlassScope = { target: 'payments/prod', action_class: 'promotion' };
 * ```
 */
export interface BreakGlassScope {
  target: string;
  action_class: string;
}

/**
 * One break-glass use with its review state.
 *
 * @example
 * ```ts
 * use.review === null && use.overdue; // an overdue review
 * ```
 */
export interface BreakGlassUse {
  decision_id: string;
  decision_hash: string;
  level: 'L4' | 'L5';
  requested_by: HumanRef;
  reason: { category: string; summary: string; incident_ref: string | null };
  ttl_seconds: number;
  target: string;
  action_class: string;
  /** ISO 8601 UTC. */
  used_at: string;
  expires_at: string;
  review_due_at: string;
  /** Unreviewed and `review_due_at` ≤ now. */
  overdue: boolean;
  review: { reviewed_at: string; reviewed_by: HumanRef; outcome: string; notes: string } | null;
}

/**
 * The text form a human takes in the store and in `submitted_by`: `iss#sub` (an OIDC
 * issuer identifier never contains `#`).
 *
 * @example
 * ```ts
 * humanKey({ iss: 'https://idp.example.com', sub: 'dave' }); // 'https://idp.example.com#dave'
 * ```
 */
export function humanKey(h: Pick<HumanIdentity, 'iss' | 'sub'>): string {
  return `${h.iss}#${h.sub}`;
}

/**
 * Parses {@link humanKey} back (split at the first `#`).
 *
 * @example
 * ```ts
 * parseHumanKey('https://idp.example.com#dave'); // { iss: 'https://idp.example.com', sub: 'dave' }
 * ```
 */
export function parseHumanKey(key: string): HumanRef {
  const at = key.indexOf('#');
  return at < 0 ? { iss: '', sub: key } : { iss: key.slice(0, at), sub: key.slice(at + 1) };
}

/**
 * Whether a review due at `reviewDueAt` and not yet done is overdue at `now`.
 *
 * @example
 * ```ts
 * isOverdue(new Date('2026-06-04T00:00:00Z'), null, new Date('2026-06-04T00:00:00Z')); // true
 * ```
 */
export function isOverdue(reviewDueAt: Date, reviewedAt: Date | null, now: Date): boolean {
  return reviewedAt === null && reviewDueAt.getTime() <= now.getTime();
}
