import { Counter, Gauge, type Registry } from 'prom-client';
import type { AlertDispatcher } from './alerts/alert-dispatcher.ts';
import type { EventBus } from './event-bus.ts';

/**
 * Exports the event bus and alert counters on a server's Prometheus registry, read at
 * scrape time: `writ_events_emitted_total`, `writ_events_rejected_total`,
 * `writ_events_dropped_total{destination}` (queue full, oldest dropped; `intake` = before checking),
 * `writ_events_delivered_total{destination}`, `writ_events_failed_total{destination}`,
 * `writ_events_queued{destination}`, `writ_event_deliveries_total{destination,outcome}` and
 * `writ_event_delivery_retries_total{destination}` (webhook, ledger), `writ_alerts_raised_total{kind}`,
 * `writ_alert_deliveries_total{outcome}` and `writ_alerts_dropped_total`.
 *
 * @example
 * ```ts
 * const metrics = installMetrics(app);
 * installEventMetrics(metrics.registry, { bus, alerts });
 * ```
 */
export function installEventMetrics(registry: Registry, source: { bus: EventBus; alerts?: AlertDispatcher }): void {
  const { bus, alerts } = source;
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[], read: (set: (labels: Partial<Record<L, string>>, v: number) => void) => void) =>
    new Counter<L>({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        read((labels, v) => {
          if (v > 0) this.inc(labels as never, v);
        });
      },
    });
  counter('writ_events_emitted_total', 'Enforcement events accepted by the bus', [], (set) => set({}, bus.stats().emitted));
  counter('writ_events_rejected_total', 'Enforcement events refused (invalid, or holding what looks like a secret)', [], (set) => set({}, bus.stats().rejected));
  for (const [name, field, help] of [
    ['writ_events_dropped_total', 'dropped', 'Events dropped because a destination queue was full (oldest first)'],
    ['writ_events_delivered_total', 'delivered', 'Events handed to a destination'],
    ['writ_events_failed_total', 'failed', 'Events in batches a destination failed'],
  ] as const) {
    counter(name, help, ['destination'], (set) => {
      const stats = bus.stats();
      if (field === 'dropped') set({ destination: 'intake' }, stats.dropped);
      for (const [destination, s] of Object.entries(stats.destinations)) set({ destination }, s[field]);
    });
  }
  counter('writ_event_deliveries_total', 'Deliveries of retrying destinations (webhook, ledger) that ended, by outcome', ['destination', 'outcome'], (set) => {
    for (const [destination, s] of Object.entries(bus.retryStats())) {
      set({ destination, outcome: 'delivered' }, s.delivered);
      set({ destination, outcome: 'failed' }, s.failed);
      set({ destination, outcome: 'dropped' }, s.dropped);
    }
  });
  counter('writ_event_delivery_retries_total', 'Retries scheduled by retrying destinations', ['destination'], (set) => {
    for (const [destination, s] of Object.entries(bus.retryStats())) set({ destination }, s.retries);
  });
  new Gauge({
    name: 'writ_events_queued',
    help: 'Events waiting for a destination',
    labelNames: ['destination'],
    registers: [registry],
    collect() {
      for (const [destination, s] of Object.entries(bus.stats().destinations)) this.set({ destination }, s.queued);
    },
  });
  if (!alerts) return;
  counter('writ_alerts_raised_total', 'Alerts raised, by kind', ['kind'], (set) => {
    for (const [kind, n] of Object.entries(alerts.stats().raised)) set({ kind }, n ?? 0);
  });
  counter('writ_alert_deliveries_total', 'Alert deliveries that ended, by outcome', ['outcome'], (set) => {
    const d = alerts.stats().deliveries;
    set({ outcome: 'delivered' }, d.delivered);
    set({ outcome: 'failed' }, d.failed);
  });
  counter('writ_alerts_dropped_total', 'Alert deliveries dropped because too many were pending', [], (set) => set({}, alerts.stats().deliveries.dropped));
}
