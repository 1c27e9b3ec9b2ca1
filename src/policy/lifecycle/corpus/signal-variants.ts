/**
 * The signal variants a corpus tries for an intent: phase holds and incidents that are
 * global, on the intent's own target, on another target, or on an environment tier, and
 * trusted-MCP lists with and without the intent's server. Only the signals an action's
 * policies read are varied (the others cannot change its decisions).
 *
 * @module
 */
import type { Intent, PolicySignals, ScopedSignal } from '../../intent.ts';

/**
 * Which signal lists an action's policies read.
 *
 * @example
 * ```ts
 * const r: SignalReads = { phase_holds: true, active_incidents: true, trusted_mcp_servers: false };
 * ```
 */
export type SignalReads = Record<keyof PolicySignals, boolean>;

/**
 * One way to change the signals of a case: a label and the replaced list.
 *
 * @example
 * ```ts
 * const v: SignalVariant = { label: 'phase_holds=target', apply: (intent, signals) => ({ ...signals, phase_holds: [{ id: 'CORPUS-HOLD', targets: [intent.resource.id] }] }) };
 * ```
 */
export interface SignalVariant {
  label: string;
  apply(intent: Intent, signals: PolicySignals): PolicySignals;
}

const TIERS = ['prod', 'stage', 'dev'];

function scopedVariants(list: 'phase_holds' | 'active_incidents', id: string): SignalVariant[] {
  const set = (label: string, make: (intent: Intent) => ScopedSignal[]): SignalVariant => ({
    label: `${list}=${label}`,
    apply: (intent, signals) => ({ ...signals, [list]: make(intent) }),
  });
  return [
    set('none', () => []),
    set('global', () => [{ id }]),
    set('target', (intent) => [{ id, targets: [intent.resource.id] }]),
    set('other-target', () => [{ id, targets: ['corpus-other-target'] }]),
    ...TIERS.map((tier) => set(`environment:${tier}`, () => [{ id, environments: [tier] }])),
    set('resource-tier', (intent) => {
      const tier = intent.resource.attrs?.tier;
      return [{ id, environments: [typeof tier === 'string' && tier !== '' ? tier : 'corpus-tier'] }];
    }),
  ];
}

/**
 * The variants for an action, given which lists its policies read and the server
 * names its policies compare `trusted_mcp_servers` with.
 *
 * @example
 * ```ts
 * signalVariants({ phase_holds: true, active_incidents: false, trusted_mcp_servers: false }, []).map((v) => v.label);
 * // ['phase_holds=none', 'phase_holds=global', 'phase_holds=target', …]
 * ```
 */
export function signalVariants(reads: SignalReads, trustedLiterals: readonly string[]): SignalVariant[] {
  const out: SignalVariant[] = [];
  if (reads.phase_holds) out.push(...scopedVariants('phase_holds', 'CORPUS-HOLD'));
  if (reads.active_incidents) out.push(...scopedVariants('active_incidents', 'CORPUS-INC'));
  if (reads.trusted_mcp_servers) {
    const trusted = (label: string, make: (intent: Intent) => string[]): SignalVariant => ({
      label: `trusted_mcp_servers=${label}`,
      apply: (intent, signals) => ({ ...signals, trusted_mcp_servers: make(intent) }),
    });
    const serverOf = (intent: Intent): string[] => {
      const s = intent.resource.attrs?.server;
      return typeof s === 'string' && s !== '' ? [s] : [];
    };
    out.push(
      trusted('none', () => []),
      trusted('resource-server', serverOf),
      trusted('other-server', () => ['corpus-other-server']),
      ...trustedLiterals.filter((s) => s !== '').map((s) => trusted(JSON.stringify(s), () => [s])),
    );
  }
  return out;
}
