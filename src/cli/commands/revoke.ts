import { Argument, InvalidArgumentError, type Command } from 'commander';
import type { EpochAdvanceWire, EpochListWire, EpochWire } from '../../gateway/epochs/contracts.ts';
import type { RevocationListWire, RevocationWire, RevokeResponse } from '../../gateway/revocation/contracts.ts';
import type { CliContext } from '../context.ts';

const revocationLine = (r: RevocationWire) =>
  `${r.id === null ? '-' : String(r.id)}  ${r.kind.padEnd(5)} ${r.value}  ${r.source === 'keyring' ? '(keyring) ' : ''}${r.reason ?? ''}${r.actor ? `  (by ${r.actor})` : ''}${r.created_at ? `  ${r.created_at}` : ''}`;

const graceText = (e: EpochWire) =>
  e.state === 'drain' ? `  grace left ${Math.ceil(e.grace_remaining_ms / 1000)} s (until ${e.drain_until})` : e.deprecated_reason ? `  (${e.deprecated_reason})` : '';
const epochLine = (e: EpochWire) => `${String(e.value).padStart(4)}  ${e.state.padEnd(9)}${graceText(e)}`;

/**
 * `writ revoke jti|kid|agent VALUE --reason R`, `writ revocations list`, `writ epoch
 * status` and `writ epoch advance`, through the server's admin API.
 *
 * @example
 * ```ts
 * registerRevocationCommands(program, context);
 * // writ revoke jti 3q2…Zg --reason "token leaked in a CI log"
 * ```
 */
export function registerRevocationCommands(program: Command, ctx: () => CliContext): void {
  program
    .command('revoke')
    .addArgument(new Argument('<kind>', 'what to revoke').choices(['jti', 'kid', 'agent']))
    .argument('<value>', 'the token jti, the key id, or the agent_id / spiffe_id')
    .requiredOption('--reason <text>', 'why (recorded in the ledger)')
    .description('revoke a token (jti), a signing key (kid) or an agent on every gateway replica')
    .action(async (kind: string, value: string, opts: { reason: string }) => {
      const c = ctx();
      const res = await c.client().post<RevokeResponse>('/v1/revocations', { kind, value, reason: opts.reason });
      c.out.result(res, () =>
        `${res.created ? 'revoked' : 'already revoked'}: ${revocationLine(res.revocation)}${res.key_revoked ? '\nthe key is revoked in the keyring too' : ''}`,
      );
    });

  const revocations = program.command('revocations').description('revocations of tokens, keys and agents');
  revocations
    .command('list')
    .option('--kind <kind>', 'jti | kid | agent')
    .option('--after <id>', 'only ids after this one (paging)')
    .option('--limit <n>', 'at most this many (1-1000)')
    .description('list revocations (and keys the keyring revoked) and the answering replica\'s view')
    .action(async (opts: { kind?: string; after?: string; limit?: string }) => {
      const c = ctx();
      const q = new URLSearchParams();
      if (opts.kind) q.set('kind', opts.kind);
      if (opts.after) q.set('after_id', opts.after);
      if (opts.limit) q.set('limit', opts.limit);
      const qs = q.toString();
      const res = await c.client().get<RevocationListWire>(`/v1/revocations${qs ? `?${qs}` : ''}`);
      c.out.result(res, () => {
        const lines = res.revocations.length ? res.revocations.map(revocationLine) : ['no revocations'];
        if (res.view) {
          const v = res.view;
          lines.push(`view: ${v.stale ? 'STALE' : 'fresh'} (age ${v.loaded ? `${v.age_ms} ms` : 'never loaded'}, bound ${v.staleness_ms} ms; listen ${v.listen}, nats ${v.nats})`);
        }
        return lines.join('\n');
      });
    });

  const epoch = program.command('epoch').description('enforcement epochs');
  epoch
    .command('status')
    .description('the active epoch and every epoch with its state and grace left')
    .action(async () => {
      const c = ctx();
      const res = await c.client().get<EpochListWire>('/v1/epochs');
      c.out.result(res, () => [`active epoch ${res.current.value} (grace window ${res.current.grace_window_seconds} s)`, ...res.epochs.map(epochLine)].join('\n'));
    });
  epoch
    .command('advance')
    .option('--grace <seconds>', 'grace window of the epoch that starts draining (default: the server\'s, 60 s)', (v: string) => {
      if (!/^\d+$/.test(v)) throw new InvalidArgumentError('a whole number of seconds');
      return v;
    })
    .description('advance the epoch: N+1 active, N draining for the grace window, older draining ones deprecated')
    .action(async (opts: { grace?: string }) => {
      const c = ctx();
      const body = opts.grace !== undefined ? { grace_seconds: Number(opts.grace) } : {};
      const res = await c.client().post<EpochAdvanceWire>('/v1/epochs/advance', body);
      c.out.result(res, () =>
        `epoch ${res.epoch} active; epoch ${res.previous} draining until ${res.drain_until} (${res.grace_seconds} s)${res.deprecated.length ? `; deprecated ${res.deprecated.join(', ')}` : ''}`,
      );
    });
}
