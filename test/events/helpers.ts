/**
 * Test helpers of the events tests: real HTTP receivers on loopback, the Slice-0
 * event schema (read from ../shared/reference, never copied), and events.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type { EnforcementEvent } from '../../src/events/enforcement-event.ts';

const ajv = new Ajv({ strict: false });
(addFormats as unknown as (a: Ajv) => void)(ajv);

/** The Slice-0 enforcement event schema, as published. */
export const SLICE0_EVENT_SCHEMA = JSON.parse(
  readFileSync(new URL('../../../shared/reference/slice0/enforcement_event.schema.json', import.meta.url), 'utf8'),
) as { required: string[]; properties: Record<string, { enum?: string[] }> };

const validate = ajv.compile(SLICE0_EVENT_SCHEMA);

/** Validates against the Slice-0 schema (ajv, draft-07, with formats); returns the errors or null. */
export function slice0Errors(event: unknown): string | null {
  return validate(event) ? null : ajv.errorsText(validate.errors);
}

/** One request a receiver got. */
export interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  /** The status the receiver answered. */
  status: number;
}

/** A loopback HTTP server that records requests; `statuses` are answered in order, then 2xx. */
export interface Receiver {
  url: string;
  requests: Received[];
  /** Statuses still to answer before the default. */
  statuses: number[];
  close(): Promise<void>;
}

/**
 * Starts a receiver. `fail: [503, 503]` answers the first two requests 503, then `okStatus`.
 */
export async function startReceiver(options: { fail?: number[]; okStatus?: number; path?: string } = {}): Promise<Receiver> {
  const requests: Received[] = [];
  const statuses = [...(options.fail ?? [])];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // kept as text
      }
      const status = statuses.shift() ?? options.okStatus ?? 200;
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, status });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(status < 300 ? '{"status":"success","message":"Event processed"}' : '{"status":"error"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${options.path ?? '/'}`,
    requests,
    statuses,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port on loopback nobody listens on (a server was there and is gone). */
export async function deadUrl(): Promise<string> {
  const r = await startReceiver();
  await r.close();
  return r.url;
}

export const HASH = `sha256:${'ab'.repeat(32)}`;

let n = 0;

/** A complete promotion event; fields may be overridden. */
export function sampleEvent(overrides: Partial<EnforcementEvent> = {}): EnforcementEvent {
  n += 1;
  return {
    event_id: `evt_${String(n).padStart(32, '0')}`,
    event_type: 'authorization_requested',
    occurred_at: '2026-06-01T00:00:00.000Z',
    decision_hash: HASH,
    token_jti: 'Q2xhdWRlIGp0aSAxMjM0NTY',
    authorization_id: `authz_${String(n).padStart(32, '0')}`,
    action_scope: 'promotion',
    region: 'eu-west-1',
    agent_id: 'release-bot',
    ...overrides,
  };
}
