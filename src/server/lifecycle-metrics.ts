import { Gauge, type Registry } from 'prom-client';
import type { Kysely } from 'kysely';
import { runningShadow } from '../engine/lifecycle/shadow/shadow-runs.ts';
import { summarizeShadow } from '../engine/lifecycle/shadow/shadow-summary.ts';
import type { Clock } from '../common/clock.ts';
import type { Database } from '../store/schema.ts';

/**
 * Exports the running shadow run on a server's Prometheus registry, read from the store
 * at scrape time: `writ_policy_shadow_running` (0 or 1), `writ_policy_shadow_intents_observed`,
 * `writ_policy_shadow_divergences{severity}` and `writ_policy_shadow_unexplained_high`.
 *
 * @example
 * ```ts
 * installLifecycleMetrics(metrics.registry, store.db, clock);
 * ```
 */
export function installLifecycleMetrics(registry: Registry, db: Kysely<Database>, clock: Clock): void {
  let last: { at: number; value: Promise<Awaited<ReturnType<typeof summarizeShadow>> | null> } | null = null;
  // One store read serves the four gauges of one scrape.
  const summary = () => {
    const now = clock.now().getTime();
    if (!last || now - last.at > 1000) {
      last = { at: now, value: runningShadow(db).then((run) => (run ? summarizeShadow(db, run, clock.now()) : null)) };
    }
    return last.value;
  };
  const gauge = (name: string, help: string, labelNames: readonly string[], read: (g: Gauge, s: Awaited<ReturnType<typeof summary>>) => void) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        this.reset();
        read(this, await summary());
      },
    });
  gauge('writ_policy_shadow_running', 'Whether a policy shadow run is running', [], (g, s) => g.set(s ? 1 : 0));
  gauge('writ_policy_shadow_intents_observed', 'Live intents the running shadow candidate decided too', [], (g, s) => g.set(s?.intents_observed ?? 0));
  gauge('writ_policy_shadow_divergences', 'Divergences of the running shadow run, by severity', ['severity'], (g, s) => {
    for (const [severity, n] of Object.entries(s?.divergences.by_severity ?? {})) g.set({ severity }, n);
  });
  gauge('writ_policy_shadow_unexplained_high', 'High or critical divergences of the running shadow run not yet explained', [], (g, s) => g.set(s?.divergences.unexplained_high ?? 0));
}
