/**
 * `writ break-glass use | review | list`: break-glass through the server's API
 * (DESIGN §3.10). `use` and `review` act as a person (`--dev-user` in dev mode, or
 * `--id-token-file`); `list` uses the local admin credential unless a person is named.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import type { BreakGlassListResponse, BreakGlassUseWire } from '../../contracts/break-glass.ts';
import type { DecisionWire } from '../../contracts/decisions.ts';
import { BREAK_GLASS_CATEGORIES, REVIEW_OUTCOMES } from '../../engine/break-glass/model.ts';
import { ClientError, type WritClient } from '../client.ts';
import type { CliContext } from '../context.ts';
import { humanClient, humanIdToken, type HumanTokenOptions } from '../human-token.ts';

interface UseOptions extends HumanTokenOptions {
  intent: string;
  category: string;
  summary: string;
  incidentRef?: string;
  ttl?: number;
}

interface ListOptions extends HumanTokenOptions {
  overdue?: boolean;
  unreviewed?: boolean;
}

/**
 * Reads an intent file (JSON, or YAML).
 *
 * @throws {ClientError} `BAD_REQUEST` when it cannot be read or is not a mapping with a resource.
 *
 * @example
 * ```ts
 * const intent = readIntentFile('prod-promotion.json');
 * ```
 */
export function readIntentFile(file: string): { action_scope: string; resource: { id: string } } & Record<string, unknown> {
  let value: unknown;
  try {
    value = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ClientError('BAD_REQUEST', `--intent ${file}: cannot read it as JSON or YAML (${err instanceof Error ? err.message : String(err)})`, undefined, { cause: err });
  }
  const v = value as { action_scope?: unknown; resource?: { id?: unknown } } | null;
  if (typeof v !== 'object' || v === null || typeof v.action_scope !== 'string' || typeof v.resource?.id !== 'string') {
    throw new ClientError('BAD_REQUEST', `--intent ${file}: expected an intent with action_scope and resource.id`);
  }
  return v as { action_scope: string; resource: { id: string } } & Record<string, unknown>;
}

async function asPerson(c: CliContext, opts: HumanTokenOptions): Promise<WritClient> {
  return humanClient(c, await humanIdToken(c, opts));
}

const who = (u: BreakGlassUseWire) => u.requested_by.sub;

function useLine(u: BreakGlassUseWire): string {
  const state = u.review ? `reviewed ${u.review.outcome} by ${u.review.reviewed_by.sub}` : u.overdue ? 'REVIEW OVERDUE' : `review due ${u.review_due_at}`;
  return `${u.decision_id}  ${u.level} ${who(u)}  ${u.action_class} ${u.target}  ${u.reason.category}  used ${u.used_at}  ${state}`;
}

const identityOptions = (cmd: Command): Command =>
  cmd
    .option('--dev-user <name>', 'act as this dev identity provider user (dev mode only)')
    .option('--id-token-file <file>', 'a file holding your OIDC ID token (or set WRIT_ID_TOKEN)');

/**
 * Registers `writ break-glass use | review | list`.
 *
 * @example
 * ```ts
 * registerBreakGlassCommands(program, context);
 * // writ break-glass use --intent prod.json --category outage_recovery --summary "payments down" --dev-user dave
 * ```
 */
export function registerBreakGlassCommands(program: Command, ctx: () => CliContext): Command {
  const bg = program.command('break-glass').description('emergency access for L4/L5 officers: approvals skipped, never policy denies, gateway checks or the ledger');

  identityOptions(
    bg
      .command('use')
      .requiredOption('--intent <file>', 'the intent (JSON or YAML), as for POST /v1/intents')
      .addOption(new Option('--category <category>', 'why').choices([...BREAK_GLASS_CATEGORIES]).makeOptionMandatory())
      .requiredOption('--summary <text>', 'what is happening (1–500 characters; recorded in the ledger)')
      .option('--incident-ref <ref>', 'incident reference (e.g. INC-42)')
      .option('--ttl <seconds>', 'how long the decision lives (1–3600; default 900)', (v: string) => Number(v))
      .description('allow an intent without approvals (L4 security officer or L5 executive); the workload then asks for its token as usual'),
  ).action(async (opts: UseOptions) => {
    const c = ctx();
    const intent = readIntentFile(opts.intent);
    const client = await asPerson(c, opts);
    const res = await client.post<{ decision: DecisionWire; break_glass: BreakGlassUseWire; ledger: { seq: number } }>('/v1/break-glass', {
      intent,
      reason: { category: opts.category, summary: opts.summary, ...(opts.incidentRef ? { incident_ref: opts.incidentRef } : {}) },
      ...(opts.ttl !== undefined ? { ttl_seconds: opts.ttl } : {}),
      scope: { target: intent.resource.id, action_class: intent.action_scope },
    });
    c.out.result(res, () =>
      [
        `BREAK-GLASS ${res.break_glass.level} by ${who(res.break_glass)}: ${res.decision.action_scope} ${res.break_glass.target} allowed without approvals`,
        `decision      ${res.decision.decision_id}  ${res.decision.decision_hash}`,
        `expires       ${res.decision.expires_at}`,
        `review due    ${res.break_glass.review_due_at} (mandatory; by an auditor or another security officer)`,
        `ledger seq    ${res.ledger.seq}`,
        `token         POST /v1/decisions/${res.decision.decision_id}/token (by the workload the intent names)`,
      ].join('\n'),
    );
  });

  identityOptions(
    bg
      .command('review')
      .argument('<decision-id>', 'the break-glass decision')
      .addOption(new Option('--outcome <outcome>', 'review outcome').choices([...REVIEW_OUTCOMES]).makeOptionMandatory())
      .requiredOption('--notes <text>', 'review notes (1–500 characters; recorded in the ledger)')
      .description('record the post-incident review (auditor, security officer or admin; not the person who used it)'),
  ).action(async (id: string, opts: HumanTokenOptions & { outcome: string; notes: string }) => {
    const c = ctx();
    const client = await asPerson(c, opts);
    const res = await client.post<{ break_glass: BreakGlassUseWire }>(`/v1/break-glass/${encodeURIComponent(id)}/review`, { outcome: opts.outcome, notes: opts.notes });
    c.out.result(res, () => `reviewed: ${useLine(res.break_glass)}`);
  });

  identityOptions(
    bg
      .command('list')
      .option('--overdue', 'only unreviewed uses past their review due date')
      .option('--unreviewed', 'only uses not yet reviewed')
      .description('list break-glass uses (admin credential, or an auditor / security officer with --dev-user or --id-token-file)'),
  ).action(async (opts: ListOptions) => {
    const c = ctx();
    const status = opts.overdue ? 'overdue' : opts.unreviewed ? 'unreviewed' : 'all';
    const client = opts.devUser || opts.idTokenFile ? await asPerson(c, opts) : c.client();
    const res = await client.get<BreakGlassListResponse>(`/v1/break-glass?status=${status}`);
    c.out.result(res, () => (res.uses.length ? res.uses.map(useLine).join('\n') : `no break-glass uses (${status})`));
  });
  return bg;
}
