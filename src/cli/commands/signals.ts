import type { Command } from 'commander';
import type { HoldWire, IncidentWire, OverrideWire, SignalsStateWire } from '../../engine/signals/contracts.ts';
import type { CliContext } from '../context.ts';

/**
 * Parses a `--scope` list: comma-separated names; `env:NAME` is an environment,
 * anything else a target (resource id).
 *
 * @example
 * ```ts
 * parseScope('payments/prod,env:stage'); // { targets: ['payments/prod'], environments: ['stage'] }
 * ```
 */
export function parseScope(list: string): { targets: string[]; environments: string[] } {
  const targets: string[] = [];
  const environments: string[] = [];
  for (const raw of list.split(',')) {
    const item = raw.trim();
    if (!item) continue;
    if (item.startsWith('env:')) environments.push(item.slice(4));
    else targets.push(item);
  }
  return { targets, environments };
}

const scopeText = (s: { targets: string[]; environments: string[] }) =>
  [...s.targets, ...s.environments.map((e) => `env:${e}`)].join(',') || '(global)';
const holdLine = (h: HoldWire) => `${h.id}  ${h.status.padEnd(7)} ${h.scope_kind === 'environment' ? `env:${h.target}` : h.target}  ${h.reason}  (by ${h.author})`;
const incidentLine = (i: IncidentWire) => `${i.id}  ${i.status.padEnd(8)} ${scopeText(i)}  ${i.reason}  (by ${i.author})`;
const overrideLine = (o: OverrideWire) => `${o.id}  until ${o.expires_at}  ${scopeText(o)}  ${o.reason}  (by ${o.author})`;

/**
 * `writ hold set|clear`, `writ incident open|resolve`, `writ override grant` and
 * `writ signals` (what is in force now): live signals through the server's admin API.
 *
 * @example
 * ```ts
 * registerSignalCommands(program, context);
 * // writ hold set payments/prod --reason "release freeze" --json
 * ```
 */
export function registerSignalCommands(program: Command, ctx: () => CliContext): void {
  program
    .command('signals')
    .description('show holds, incidents and overrides in force now')
    .action(async () => {
      const c = ctx();
      const res = await c.client().get<SignalsStateWire>('/v1/signals');
      c.out.result(res, () =>
        [
          `as of ${res.as_of}`,
          `holds (${res.holds.length})`, ...res.holds.map((h) => `  ${holdLine(h)}`),
          `incidents (${res.incidents.length})`, ...res.incidents.map((i) => `  ${incidentLine(i)}`),
          `overrides (${res.overrides.length})`, ...res.overrides.map((o) => `  ${overrideLine(o)}`),
        ].join('\n'),
      );
    });

  const hold = program.command('hold').description('phase holds (release freezes) on a target or environment');
  hold
    .command('set')
    .argument('<target>', 'resource id, or an environment with --environment')
    .requiredOption('--reason <text>', 'why (recorded in the ledger)')
    .option('--environment', 'TARGET names an environment')
    .option('--author <name>', 'who asks (recorded)')
    .description('set a phase hold')
    .action(async (target: string, opts: { reason: string; environment?: boolean; author?: string }) => {
      const c = ctx();
      const res = await c.client().post<HoldWire>('/v1/signals/holds', {
        target, scope_kind: opts.environment ? 'environment' : 'target', reason: opts.reason, ...(opts.author ? { author: opts.author } : {}),
      });
      c.out.result(res, () => `hold set: ${holdLine(res)}`);
    });
  hold
    .command('clear')
    .argument('<id>', 'hold id')
    .option('--reason <text>', 'why (recorded)')
    .option('--author <name>', 'who asks (recorded)')
    .description('clear a phase hold (clearing a cleared hold changes nothing)')
    .action(async (id: string, opts: { reason?: string; author?: string }) => {
      const c = ctx();
      const res = await c.client().post<HoldWire>(`/v1/signals/holds/${encodeURIComponent(id)}/clear`, {
        ...(opts.reason ? { reason: opts.reason } : {}), ...(opts.author ? { author: opts.author } : {}),
      });
      c.out.result(res, () => `hold cleared: ${holdLine(res)}`);
    });

  const incident = program.command('incident').description('incidents (open ones apply to their scope)');
  incident
    .command('open')
    .option('--scope <list>', 'comma-separated targets; env:NAME for an environment (omit: global)')
    .requiredOption('--reason <text>', 'what is happening (recorded)')
    .option('--author <name>', 'who asks (recorded)')
    .description('open an incident')
    .action(async (opts: { scope?: string; reason: string; author?: string }) => {
      const c = ctx();
      const res = await c.client().post<IncidentWire>('/v1/signals/incidents', {
        ...parseScope(opts.scope ?? ''), reason: opts.reason, ...(opts.author ? { author: opts.author } : {}),
      });
      c.out.result(res, () => `incident opened: ${incidentLine(res)}`);
    });
  incident
    .command('resolve')
    .argument('<id>', 'incident id')
    .option('--reason <text>', 'resolution (recorded)')
    .option('--author <name>', 'who asks (recorded)')
    .description('resolve an incident (resolving a resolved incident changes nothing)')
    .action(async (id: string, opts: { reason?: string; author?: string }) => {
      const c = ctx();
      const res = await c.client().post<IncidentWire>(`/v1/signals/incidents/${encodeURIComponent(id)}/resolve`, {
        ...(opts.reason ? { reason: opts.reason } : {}), ...(opts.author ? { author: opts.author } : {}),
      });
      c.out.result(res, () => `incident resolved: ${incidentLine(res)}`);
    });

  const override = program.command('override').description('approved exceptions with a TTL');
  override
    .command('grant')
    .requiredOption('--scope <list>', 'comma-separated targets; env:NAME for an environment')
    .requiredOption('--ttl <seconds>', 'lifetime in seconds', (v: string) => Number(v))
    .requiredOption('--reason <text>', 'why (recorded)')
    .option('--author <name>', 'who asks (recorded)')
    .description('grant an override that expires after --ttl seconds')
    .action(async (opts: { scope: string; ttl: number; reason: string; author?: string }) => {
      const c = ctx();
      const res = await c.client().post<OverrideWire>('/v1/signals/overrides', {
        ...parseScope(opts.scope), ttl_seconds: opts.ttl, reason: opts.reason, ...(opts.author ? { author: opts.author } : {}),
      });
      c.out.result(res, () => `override granted: ${overrideLine(res)}`);
    });
}
