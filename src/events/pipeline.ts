/**
 * Builds the event bus and alert dispatcher from configuration (`writ serve` wiring).
 *
 * @module
 */
import type { Writable } from 'node:stream';
import type { Logger } from 'pino';
import type { Clock } from '../common/clock.ts';
import { cryptoIdSource, type IdSource } from '../common/ids.ts';
import type { EventsConfig } from '../config/config.ts';
import { WritError } from '../errors/writ-error.ts';
import type { Store } from '../store/store.ts';
import { AlertDispatcher } from './alerts/alert-dispatcher.ts';
import { pagerDutyTarget, slackTarget, type AlertTarget } from './alerts/targets.ts';
import { EventBus } from './event-bus.ts';
import type { RetryPolicy } from './retry.ts';
import { timerScheduler, type Scheduler } from './scheduler.ts';
import type { EventDestination } from './sinks/destination.ts';
import { LedgerEventSink, type LedgerEnqueuer } from './sinks/ledger-sink.ts';
import { NatsEventSink, type NatsPublisher } from './sinks/nats-sink.ts';
import { StdoutEventSink } from './sinks/stdout-sink.ts';
import { WebhookEventSink } from './sinks/webhook-sink.ts';

/** What {@link createEventPipeline} needs. */
export interface EventPipelineOptions {
  config: EventsConfig;
  /** Where the alert secrets are read (`WRIT_SLACK_WEBHOOK_URL`, `WRIT_PAGERDUTY_ROUTING_KEY`); default process.env. */
  env?: NodeJS.ProcessEnv;
  store: Store;
  ledger: LedgerEnqueuer;
  clock: Clock;
  logger: Logger;
  ids?: IdSource;
  /** Default process.stdout. */
  stdout?: Writable;
  /** Needed when `config.natsSubject` is set. */
  nats?: NatsPublisher;
  scheduler?: Scheduler;
  random?: () => number;
  retry?: RetryPolicy;
  /** PagerDuty `payload.source` (default `writ`). */
  source?: string;
}

/** The event bus, its alert dispatcher, and how to stop both. */
export interface EventPipeline {
  bus: EventBus;
  alerts: AlertDispatcher;
  close(): Promise<void>;
}

/**
 * Builds the pipeline: destinations ledger (always), stdout, webhook and NATS when
 * configured; alert targets Slack and PagerDuty when their secrets are set. Secrets are
 * read from `env` here and live only inside the targets.
 *
 * @throws {WritError} `CONFIG_INVALID` when a configured secret is gone from `env`, or a
 *   NATS subject is set without a connection.
 *
 * @example
 * ```ts
 * const events = createEventPipeline({ config: config.events, store, ledger, clock, logger });
 * await events.alerts.resumePending();
 * ```
 */
export function createEventPipeline(options: EventPipelineOptions): EventPipeline {
  const { config, clock, logger } = options;
  const env = options.env ?? process.env;
  const scheduler = options.scheduler ?? timerScheduler;
  const common = { clock, scheduler, logger, ...(options.random ? { random: options.random } : {}), ...(options.retry ? { policy: options.retry } : {}) };

  const targets: AlertTarget[] = [];
  if (config.slack) {
    const webhookUrl = env.WRIT_SLACK_WEBHOOK_URL;
    if (!webhookUrl) throw new WritError('CONFIG_INVALID', 'WRIT_SLACK_WEBHOOK_URL: expected it in the environment');
    targets.push(slackTarget({ webhookUrl }));
  }
  if (config.pagerduty) {
    const routingKey = env.WRIT_PAGERDUTY_ROUTING_KEY;
    if (!routingKey) throw new WritError('CONFIG_INVALID', 'WRIT_PAGERDUTY_ROUTING_KEY: expected it in the environment');
    targets.push(pagerDutyTarget({ routingKey, url: config.pagerduty.url, source: options.source ?? 'writ' }));
  }
  const alerts = new AlertDispatcher({
    ...common,
    targets,
    store: options.store,
    ids: options.ids ?? cryptoIdSource,
    runbookBaseUrl: config.runbookBaseUrl,
  });

  const destinations: EventDestination[] = [new LedgerEventSink({ ...common, ledger: options.ledger })];
  if (config.stdout) destinations.push(new StdoutEventSink(options.stdout ?? process.stdout));
  if (config.webhookUrl) destinations.push(new WebhookEventSink({ ...common, url: config.webhookUrl }));
  if (config.natsSubject) {
    if (!options.nats) throw new WritError('CONFIG_INVALID', 'WRIT_EVENTS_NATS_SUBJECT: set, but no NATS connection is configured');
    destinations.push(new NatsEventSink({ nats: options.nats, subject: config.natsSubject }));
  }
  const bus = new EventBus({ destinations, alerts, logger });
  logger.info({ destinations: bus.destinations, alert_targets: alerts.targets }, 'enforcement events: destinations and alert targets');

  return {
    bus,
    alerts,
    async close() {
      await bus.close();
      // Attempts in flight finish (bounded by the HTTP timeout); waiting retries resume after a restart.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([alerts.idle(), new Promise<void>((resolve) => (timer = setTimeout(resolve, 5000)))]);
      clearTimeout(timer);
      alerts.close();
    },
  };
}
