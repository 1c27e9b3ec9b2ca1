/**
 * What policy evaluates: an intent (DESIGN §3.1), the live signals around it, and the
 * evaluation instant. These are the policy module's input types; the wire contract of
 * `POST /v1/intents` (TypeBox, `src/contracts/`) must stay assignable to {@link Intent}.
 *
 * @module
 */

/**
 * A JSON value as it arrives on the wire (I-JSON: finite numbers, no `undefined`).
 *
 * @example
 * ```ts
 * const v: JsonValue = { tier: 'prod', replicas: 3, tags: ['a', 'b'] };
 * ```
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * Deployment tier of an execution identity.
 *
 * @example
 * ```ts
 * const tier: EnvTier = 'prod';
 * ```
 */
export type EnvTier = 'prod' | 'stage' | 'dev';

/**
 * The runtime identity an execution will run as; `exec_identity_hash` is computed over it.
 * Fields a workload does not have (a pipeline has no `agent_id`) are omitted or null.
 *
 * @example
 * ```ts
 * const id: ExecutionIdentity = { pipeline_id: 'deploy-main', region: 'eu-west-1', env_tier: 'prod', spiffe_id: 'spiffe://acme.org/ci/deploy' };
 * ```
 */
export interface ExecutionIdentity {
  agent_id?: string | null;
  pipeline_id?: string | null;
  region: string;
  env_tier: EnvTier;
  spiffe_id?: string | null;
}

/**
 * A request for permission (DESIGN §3.1). `principal.type` and `resource.type` are
 * lowercase snake_case names (`user`, `agent`, `role_binding`, …) that map to Cedar
 * entity types of the bundle schema (see `src/policy/README.md`).
 *
 * @example
 * ```ts
 * const intent: Intent = {
 *   action_scope: 'promotion',
 *   principal: { type: 'pipeline', id: 'deploy-main' },
 *   resource: { type: 'environment', id: 'payments/prod', attrs: { tier: 'prod' } },
 *   execution_identity: { pipeline_id: 'deploy-main', region: 'eu-west-1', env_tier: 'prod' },
 *   parameters: {},
 *   context: { artifact_digest: 'sha256:…', change_ref: 'CHG-1234' },
 * };
 * ```
 */
export interface Intent {
  action_scope: string;
  principal: { type: string; id: string };
  resource: { type: string; id: string; attrs?: { [key: string]: JsonValue } };
  execution_identity: ExecutionIdentity;
  parameters?: { [key: string]: JsonValue };
  /** Artifact digest, source ref, change ref, justification, … */
  context?: { [key: string]: JsonValue };
  idempotency_key?: string;
}

/**
 * A live signal scoped to targets (resource ids) and/or environment tiers. With neither
 * `targets` nor `environments` (or both empty) it is global: it applies everywhere.
 *
 * @example
 * ```ts
 * const hold: ScopedSignal = { id: 'HOLD-7', targets: ['payments/prod'] };
 * const freeze: ScopedSignal = { id: 'INC-42' }; // global
 * ```
 */
export interface ScopedSignal {
  id: string;
  targets?: readonly string[];
  environments?: readonly string[];
}

/**
 * Live signals evaluated with an intent. All three are required: a caller that cannot
 * obtain one must not evaluate (fail closed), and evaluation denies when one is missing.
 *
 * @example
 * ```ts
 * const signals: PolicySignals = { phase_holds: [], active_incidents: [{ id: 'INC-42' }], trusted_mcp_servers: ['github'] };
 * ```
 */
export interface PolicySignals {
  /** Phase holds (release freezes) on targets or environments. */
  phase_holds: readonly ScopedSignal[];
  /** Incidents currently open. */
  active_incidents: readonly ScopedSignal[];
  /** MCP server names trusted by configuration. */
  trusted_mcp_servers: readonly string[];
}

/**
 * Everything one evaluation reads. `now` is passed in: policy never reads the clock.
 *
 * @example
 * ```ts
 * const input: EvaluationInput = { intent, signals, now: clock.now() };
 * ```
 */
export interface EvaluationInput {
  intent: Intent;
  signals: PolicySignals;
  now: Date;
}

/**
 * Signals with nothing active and no trusted MCP server.
 *
 * @example
 * ```ts
 * evaluateIntent(bundle, { intent, signals: NO_SIGNALS, now });
 * ```
 */
export const NO_SIGNALS: Readonly<PolicySignals> = Object.freeze({
  phase_holds: Object.freeze([]),
  active_incidents: Object.freeze([]),
  trusted_mcp_servers: Object.freeze([]),
});
