/**
 * Alert targets: Slack incoming webhooks and the PagerDuty Events API v2. A target
 * keeps its URL and key in a closure: they are never a property, never logged, never
 * recorded (targets are recorded by name).
 *
 * @module
 */
import { postJson } from '../http-post.ts';
import type { AttemptResult } from '../retry.ts';
import type { Alert } from './alert.ts';

/** Somewhere an alert is delivered. */
export interface AlertTarget {
  /** Recorded with every attempt: `slack`, `pagerduty`. Never a URL. */
  readonly name: string;
  send(alert: Alert): Promise<AttemptResult>;
}

/** Slack mrkdwn escaping: `&`, `<` and `>` (no link or mention can be injected). */
function esc(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

const cut = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

/** Slack Block Kit section fields (≤ 10 a section, ≤ 2000 characters each). */
function fields(values: Record<string, unknown>): Array<{ type: 'mrkdwn'; text: string }> {
  return Object.entries(values)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .slice(0, 10)
    .map(([k, v]) => ({ type: 'mrkdwn' as const, text: cut(`*${esc(k)}*\n\`${esc(String(v)).replaceAll('`', "'")}\``, 2000) }));
}

/**
 * The Slack incoming-webhook message of an alert: `text` (the notification line) and
 * `blocks` (header, summary, the correlation keys as fields, details, runbook link).
 *
 * @example
 * ```ts
 * const body = slackMessage(alert); // { text: '[CRITICAL] Token replay denied …', blocks: [...] }
 * ```
 */
export function slackMessage(alert: Alert): { text: string; blocks: Array<Record<string, unknown>> } {
  const level = alert.severity.toUpperCase();
  const blocks: Array<Record<string, unknown>> = [
    { type: 'header', text: { type: 'plain_text', text: cut(`Writ alert: ${alert.kind.replaceAll('_', ' ')}`, 150), emoji: false } },
    { type: 'section', text: { type: 'mrkdwn', text: cut(`*${level}*: ${esc(alert.summary)}`, 3000) } },
    { type: 'section', fields: fields({ ...alert.correlation }) },
  ];
  const detailFields = fields(alert.details);
  if (detailFields.length > 0) blocks.push({ type: 'section', fields: detailFields });
  if (alert.runbook_url) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `Runbook: <${encodeURI(alert.runbook_url)}|${esc(alert.kind)}>` } });
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: esc(`alert ${alert.alert_id} · dedup ${alert.dedup_key} · raised ${alert.raised_at}`) }],
  });
  return { text: cut(`[${level}] ${esc(alert.summary)}`, 3000), blocks };
}

/**
 * A Slack incoming-webhook target.
 *
 * @example
 * ```ts
 * const slack = slackTarget({ webhookUrl: process.env.WRIT_SLACK_WEBHOOK_URL! });
 * ```
 */
export function slackTarget(options: { webhookUrl: string; timeoutMs?: number }): AlertTarget {
  const { webhookUrl } = options;
  const timeoutMs = options.timeoutMs ?? 10_000;
  return { name: 'slack', send: (alert) => postJson(webhookUrl, slackMessage(alert), { timeoutMs }) };
}

/** The PagerDuty Events API v2 endpoint. */
export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

/** A PagerDuty Events API v2 `trigger` event. */
export interface PagerDutyTrigger {
  routing_key: string;
  event_action: 'trigger';
  dedup_key: string;
  payload: {
    summary: string;
    source: string;
    severity: Alert['severity'];
    timestamp: string;
    component: string;
    group: string;
    class: string;
    custom_details: Record<string, unknown>;
  };
  links: Array<{ href: string; text: string }>;
  client: string;
}

/**
 * The PagerDuty `trigger` of an alert: `dedup_key` = authorization id or decision
 * hash, `custom_details` = the correlation keys (and details), `links` = the runbook.
 *
 * @example
 * ```ts
 * pagerDutyTrigger(alert, { routingKey, source: 'writ' }).event_action; // 'trigger'
 * ```
 */
export function pagerDutyTrigger(alert: Alert, options: { routingKey: string; source?: string }): PagerDutyTrigger {
  return {
    routing_key: options.routingKey,
    event_action: 'trigger',
    dedup_key: cut(alert.dedup_key, 255),
    payload: {
      summary: cut(alert.summary, 1024),
      source: options.source ?? 'writ',
      severity: alert.severity,
      timestamp: alert.raised_at,
      component: alert.kind === 'break_glass_used' ? 'writ-engine' : 'writ-gateway',
      group: alert.correlation.action_scope ?? 'writ',
      class: alert.kind,
      custom_details: { alert_id: alert.alert_id, alert_kind: alert.kind, ...alert.correlation, ...alert.details },
    },
    links: alert.runbook_url ? [{ href: alert.runbook_url, text: `Runbook: ${alert.kind}` }] : [],
    client: 'Writ',
  };
}

/**
 * A PagerDuty Events API v2 target (`WRIT_PAGERDUTY_ROUTING_KEY`, `WRIT_PAGERDUTY_URL`).
 *
 * @example
 * ```ts
 * const pd = pagerDutyTarget({ routingKey: process.env.WRIT_PAGERDUTY_ROUTING_KEY! });
 * ```
 */
export function pagerDutyTarget(options: { routingKey: string; url?: string; source?: string; timeoutMs?: number }): AlertTarget {
  const { routingKey } = options;
  const url = options.url ?? PAGERDUTY_EVENTS_URL;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const source = options.source ?? 'writ';
  return { name: 'pagerduty', send: (alert) => postJson(url, pagerDutyTrigger(alert, { routingKey, source }), { timeoutMs }) };
}
