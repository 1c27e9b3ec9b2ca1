/**
 * Alerts (DESIGN §3.6): what is critical, and the alert each critical thing raises,
 * with its correlation keys, PagerDuty dedup key and runbook link.
 *
 * @module
 */
import { findSecrets } from '../../ledger/entries/secret-scanner.ts';
import { isNoCorrelation } from '../build-event.ts';
import type { EnforcementEvent } from '../enforcement-event.ts';

/** What an alert is about. */
export type AlertKind =
  | 'token_replay'
  | 'revocation_hit'
  | 'oob_detected'
  | 'phase_hold_attempt'
  | 'compensation_triggered'
  | 'break_glass_used';

/** Every alert kind. */
export const ALERT_KINDS: readonly AlertKind[] = ['token_replay', 'revocation_hit', 'oob_detected', 'phase_hold_attempt', 'compensation_triggered', 'break_glass_used'];

/** PagerDuty Events API v2 severities. */
export type AlertSeverity = 'critical' | 'error' | 'warning' | 'info';

/** Severity of each kind. */
export const ALERT_SEVERITY: Readonly<Record<AlertKind, AlertSeverity>> = {
  token_replay: 'critical',
  oob_detected: 'critical',
  compensation_triggered: 'critical',
  revocation_hit: 'error',
  phase_hold_attempt: 'warning',
  break_glass_used: 'warning',
};

/** The correlation keys an alert carries (invariant 8): what links it to the decision, token and authorization. */
export interface AlertCorrelation {
  decision_hash: string;
  token_jti?: string;
  authorization_id?: string;
  event_id?: string;
  event_type?: string;
  decision_id?: string;
  action_scope?: string;
  region?: string;
  agent_id?: string;
  denial_code?: string;
}

/** Flat extra facts (target system, break-glass reason, …). */
export type AlertDetails = Record<string, string | number | boolean | null>;

/** One alert. Holds no secret: values that look like one are withheld. */
export interface Alert {
  alert_id: string;
  kind: AlertKind;
  severity: AlertSeverity;
  /** One line, ≤ 1024 characters (PagerDuty's limit). */
  summary: string;
  /** PagerDuty `dedup_key`: the authorization id, else the decision hash (else the event id). */
  dedup_key: string;
  /** ISO 8601 UTC. */
  raised_at: string;
  correlation: AlertCorrelation;
  details: AlertDetails;
  /** `<WRIT_RUNBOOK_BASE_URL>/<kind>`, or null when no base is configured. */
  runbook_url: string | null;
}

/**
 * The alert kind an event calls for, or null when it is not critical: a replay or an
 * attempt under a phase hold (denials with those codes), a revocation hit, an
 * out-of-band execution, a compensation.
 *
 * @example
 * ```ts
 * alertKindOf({ ...event, event_type: 'authorization_denied', denial_code: 'TOKEN_REPLAY' }); // 'token_replay'
 * ```
 */
export function alertKindOf(event: Pick<EnforcementEvent, 'event_type' | 'denial_code'>): AlertKind | null {
  switch (event.event_type) {
    case 'authorization_denied':
      if (event.denial_code === 'TOKEN_REPLAY') return 'token_replay';
      if (event.denial_code === 'PHASE_HOLD_ACTIVE') return 'phase_hold_attempt';
      return null;
    case 'revocation_hit':
      return 'revocation_hit';
    case 'oob_detected':
      return 'oob_detected';
    case 'compensation_triggered':
      return 'compensation_triggered';
    default:
      return null;
  }
}

/** What an alert is built with besides its subject. */
export interface AlertContext {
  alert_id: string;
  raised_at: Date;
  runbookBaseUrl?: string | undefined;
}

const truncate = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

function runbook(base: string | undefined, kind: AlertKind): string | null {
  return base ? `${base.replace(/\/+$/, '')}/${kind}` : null;
}

/** Replaces every value that looks like a secret with a marker (alerts leave Writ: invariant 4). */
function withholdSecrets<T extends object>(values: T, opaque: readonly string[] = []): T {
  const out: Record<string, unknown> = { ...(values as Record<string, unknown>) };
  for (const f of findSecrets(values, new Set(opaque.map((k) => `$.${k}`)))) {
    const key = f.path.slice(2).split(/[.[]/)[0];
    if (key) out[key] = '[withheld: looks like a secret]';
  }
  return out as T;
}

const OPAQUE_CORRELATION = ['token_jti', 'authorization_id', 'event_id', 'decision_id', 'decision_hash'];

function describeEvent(kind: AlertKind, e: EnforcementEvent): string {
  const who = `agent ${e.agent_id}, ${e.action_scope} in ${e.region}`;
  const target = typeof e.details?.target_system === 'string' ? e.details.target_system : 'a target system';
  switch (kind) {
    case 'token_replay':
      return `Token replay denied (${who}): a one-time token was presented again`;
    case 'phase_hold_attempt':
      return `Execution attempted under a phase hold and denied (${who})`;
    case 'revocation_hit':
      return `Revoked credential presented (${who})${e.denial_code ? `, denied ${e.denial_code}` : ''}`;
    case 'oob_detected':
      return `Out-of-band execution: ${target} reported an execution with no committed authorization (${who})`;
    case 'compensation_triggered':
      return `Compensation triggered: authorization ${e.authorization_id} was revoked and its execution aborted (${who})`;
    default:
      return `${kind} (${who})`;
  }
}

/**
 * The alert for a critical event, or null.
 *
 * @example
 * ```ts
 * const alert = alertFromEvent(event, { alert_id: 'alr_1', raised_at: clock.now(), runbookBaseUrl: 'https://runbooks.example.com/writ' });
 * alert?.dedup_key; // event.authorization_id
 * ```
 */
export function alertFromEvent(event: EnforcementEvent, ctx: AlertContext): Alert | null {
  const kind = alertKindOf(event);
  if (!kind) return null;
  const correlation: AlertCorrelation = {
    decision_hash: event.decision_hash,
    token_jti: event.token_jti,
    authorization_id: event.authorization_id,
    event_id: event.event_id,
    event_type: event.event_type,
    action_scope: event.action_scope,
    region: event.region,
    agent_id: event.agent_id,
    ...(event.denial_code ? { denial_code: event.denial_code } : {}),
  };
  const details: AlertDetails = { occurred_at: event.occurred_at };
  for (const [k, v] of Object.entries(event.details ?? {})) {
    if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') details[k] = v;
  }
  const dedup = !isNoCorrelation(event.authorization_id) ? event.authorization_id : !isNoCorrelation(event.decision_hash) ? event.decision_hash : event.event_id;
  return {
    alert_id: ctx.alert_id,
    kind,
    severity: ALERT_SEVERITY[kind],
    summary: truncate(describeEvent(kind, event), 1024),
    dedup_key: dedup,
    raised_at: ctx.raised_at.toISOString(),
    correlation: withholdSecrets(correlation, OPAQUE_CORRELATION),
    details: withholdSecrets(details),
    runbook_url: runbook(ctx.runbookBaseUrl, kind),
  };
}

/**
 * What a break-glass alert needs (a {@link BreakGlassUse} of the engine fits as is).
 */
export interface BreakGlassAlertInput {
  decision_id: string;
  decision_hash: string;
  level: 'L4' | 'L5';
  requested_by: { iss: string; sub: string };
  reason: { category: string; summary: string; incident_ref?: string | null };
  target: string;
  action_class: string;
  ttl_seconds: number;
  used_at: string;
  expires_at?: string;
  review_due_at?: string;
}

/**
 * The alert of a break-glass use (every use alerts, DESIGN §3.10). Dedup key: the
 * decision hash.
 *
 * @example
 * ```ts
 * const alert = alertFromBreakGlass(use, { alert_id: 'alr_2', raised_at: clock.now() });
 * ```
 */
export function alertFromBreakGlass(use: BreakGlassAlertInput, ctx: AlertContext): Alert {
  const kind: AlertKind = 'break_glass_used';
  const details: AlertDetails = {
    level: use.level,
    requested_by_iss: use.requested_by.iss,
    requested_by_sub: use.requested_by.sub,
    reason_category: use.reason.category,
    reason_summary: truncate(use.reason.summary, 500),
    incident_ref: use.reason.incident_ref ?? null,
    target: use.target,
    action_class: use.action_class,
    ttl_seconds: use.ttl_seconds,
    used_at: use.used_at,
    ...(use.expires_at ? { expires_at: use.expires_at } : {}),
    ...(use.review_due_at ? { review_due_at: use.review_due_at } : {}),
  };
  const summary = `Break-glass used (${use.level}) by ${use.requested_by.sub}: ${use.action_class} on ${use.target} for ${use.ttl_seconds} s (${use.reason.category})`;
  return {
    alert_id: ctx.alert_id,
    kind,
    severity: ALERT_SEVERITY[kind],
    summary: truncate(summary, 1024),
    dedup_key: use.decision_hash,
    raised_at: ctx.raised_at.toISOString(),
    correlation: withholdSecrets({ decision_hash: use.decision_hash, decision_id: use.decision_id, action_scope: use.action_class }, OPAQUE_CORRELATION),
    details: withholdSecrets(details),
    runbook_url: runbook(ctx.runbookBaseUrl, kind),
  };
}
