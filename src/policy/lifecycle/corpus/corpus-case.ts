/**
 * One case of a generated decision corpus, and its stable id.
 *
 * @module
 */
import { hashCanonical } from '../../../crypto/hash.ts';
import type { Intent, PolicySignals } from '../../intent.ts';

/**
 * An intent with the signals and instant it is evaluated at. `case_id` is derived from
 * that content only, so the same case has the same id in every run, on every machine,
 * whichever bundles produced it. `origin` says how it was made (a bundle test case, a
 * required fixture, a one-field mutation …), for people reading a diff.
 *
 * @example
 * ```ts
 * const c: CorpusCase = { case_id: 'promotion#3f1c0a9b2e4d5f60', origin: 'base:Writ::Environment + resource.attrs.tier="dev"', intent, signals, now: '2025-01-01T00:00:00Z' };
 * ```
 */
export interface CorpusCase {
  case_id: string;
  origin: string;
  intent: Intent;
  signals: PolicySignals;
  now: string;
}

/**
 * The id of a case: its action scope, `#`, and the first 16 hex digits of the SHA-256
 * of the JCS form of `{ intent, signals, now }`.
 *
 * @example
 * ```ts
 * corpusCaseId(intent, signals, '2025-01-01T00:00:00Z'); // 'promotion#3f1c0a9b2e4d5f60'
 * ```
 */
export function corpusCaseId(intent: Intent, signals: PolicySignals, now: string): string {
  const digest = hashCanonical({ intent, signals, now }).slice('sha256:'.length, 'sha256:'.length + 16);
  return `${intent.action_scope}#${digest}`;
}
