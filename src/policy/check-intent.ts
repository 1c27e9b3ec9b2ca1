/**
 * Runtime shape checks of the evaluation input. Evaluation must never throw and must
 * deny anything it cannot read exactly, so every field is checked before it is mapped
 * to Cedar, and each problem is reported with its location (`intent.resource.id: …`).
 * A well-formed input (the common case) is recognised first by the same checks without
 * diagnostics ({@link isWellFormedInput}), which build no paths or messages.
 *
 * @module
 */
import type { EvaluationInput } from './intent.ts';

/**
 * Lowercase snake_case: how intents name principal and resource types.
 *
 * @example
 * ```ts
 * TYPE_NAME.test('role_binding'); // true
 * TYPE_NAME.test('RoleBinding');  // false
 * ```
 */
export const TYPE_NAME = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;
/**
 * Dotted lowercase segments: `promotion`, `terraform.apply`, `mcp.tool_call`.
 *
 * @example
 * ```ts
 * ACTION_SCOPE.test('k8s.rbac.bind'); // true
 * ACTION_SCOPE.test('Promote');       // false
 * ```
 */
export const ACTION_SCOPE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;
/** Object keys that Cedar's JSON format reads as escapes; never accepted from an intent. */
const CEDAR_ESCAPES = new Set(['__entity', '__extn', '__expr']);
const ENV_TIERS = new Set(['prod', 'stage', 'dev']);
const MAX_DEPTH = 32;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

class Checker {
  readonly errors: string[] = [];

  fail(path: string, what: string): void {
    this.errors.push(`${path}: ${what}`);
  }

  object(v: unknown, path: string, allowed: readonly string[] | null): v is Record<string, unknown> {
    if (!isPlainObject(v)) {
      this.fail(path, 'expected an object');
      return false;
    }
    if (allowed) {
      for (const k of Object.keys(v)) if (!allowed.includes(k)) this.fail(`${path}.${k}`, 'unknown field');
    }
    return true;
  }

  string(v: unknown, path: string, pattern?: RegExp): void {
    if (typeof v !== 'string' || v.length === 0) this.fail(path, 'expected a non-empty string');
    else if (pattern && !pattern.test(v)) this.fail(path, `does not match ${String(pattern)}`);
  }

  optionalString(v: unknown, path: string): void {
    if (v !== undefined && v !== null) this.string(v, path);
  }

  stringList(v: unknown, path: string): void {
    if (!Array.isArray(v)) {
      this.fail(path, 'expected an array of strings');
      return;
    }
    v.forEach((s, i) => this.string(s, `${path}[${i}]`));
  }

  json(v: unknown, path: string, depth = 0): void {
    if (depth > MAX_DEPTH) {
      this.fail(path, `nested deeper than ${MAX_DEPTH}`);
      return;
    }
    if (typeof v === 'string' || typeof v === 'boolean' || v === null) return;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) this.fail(path, 'number is not finite');
      return;
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        if (!(i in v)) this.fail(`${path}[${i}]`, 'array hole');
        else this.json(v[i], `${path}[${i}]`, depth + 1);
      }
      return;
    }
    if (isPlainObject(v)) {
      for (const [k, x] of Object.entries(v)) {
        if (CEDAR_ESCAPES.has(k)) this.fail(`${path}.${k}`, 'reserved key');
        else if (x === undefined) this.fail(`${path}.${k}`, 'undefined is not JSON');
        else this.json(x, `${path}.${k}`, depth + 1);
      }
      return;
    }
    this.fail(path, `not a JSON value (${typeof v})`);
  }

  jsonObject(v: unknown, path: string): void {
    if (v === undefined) return;
    if (this.object(v, path, null)) this.json(v, path);
  }

  scoped(v: unknown, path: string): void {
    if (!Array.isArray(v)) {
      this.fail(path, 'expected an array');
      return;
    }
    v.forEach((s, i) => {
      const p = `${path}[${i}]`;
      if (!this.object(s, p, SCOPED_FIELDS)) return;
      this.string(s.id, `${p}.id`);
      if (s.targets !== undefined) this.stringList(s.targets, `${p}.targets`);
      if (s.environments !== undefined) this.stringList(s.environments, `${p}.environments`);
    });
  }
}

const INTENT_FIELDS = ['action_scope', 'principal', 'resource', 'execution_identity', 'parameters', 'context', 'idempotency_key'];
const EXEC_FIELDS = ['agent_id', 'pipeline_id', 'region', 'env_tier', 'spiffe_id'];
const PRINCIPAL_FIELDS = ['type', 'id'];
const RESOURCE_FIELDS = ['type', 'id', 'attrs'];
const SCOPED_FIELDS = ['id', 'targets', 'environments'];
const SIGNAL_FIELDS = ['phase_holds', 'active_incidents', 'trusted_mcp_servers'];
const INPUT_FIELDS = ['intent', 'signals', 'now'];

function checkIntentInto(c: Checker, intent: unknown, path: string): void {
  if (!c.object(intent, path, INTENT_FIELDS)) return;
  c.string(intent.action_scope, `${path}.action_scope`, ACTION_SCOPE);
  if (c.object(intent.principal, `${path}.principal`, PRINCIPAL_FIELDS)) {
    c.string(intent.principal.type, `${path}.principal.type`, TYPE_NAME);
    c.string(intent.principal.id, `${path}.principal.id`);
  }
  if (c.object(intent.resource, `${path}.resource`, RESOURCE_FIELDS)) {
    c.string(intent.resource.type, `${path}.resource.type`, TYPE_NAME);
    c.string(intent.resource.id, `${path}.resource.id`);
    c.jsonObject(intent.resource.attrs, `${path}.resource.attrs`);
  }
  const x = intent.execution_identity;
  if (c.object(x, `${path}.execution_identity`, EXEC_FIELDS)) {
    c.optionalString(x.agent_id, `${path}.execution_identity.agent_id`);
    c.optionalString(x.pipeline_id, `${path}.execution_identity.pipeline_id`);
    c.string(x.region, `${path}.execution_identity.region`);
    if (typeof x.env_tier !== 'string' || !ENV_TIERS.has(x.env_tier)) {
      c.fail(`${path}.execution_identity.env_tier`, 'expected prod, stage or dev');
    }
    c.optionalString(x.spiffe_id, `${path}.execution_identity.spiffe_id`);
  }
  c.jsonObject(intent.parameters, `${path}.parameters`);
  c.jsonObject(intent.context, `${path}.context`);
  if (intent.idempotency_key !== undefined) c.string(intent.idempotency_key, `${path}.idempotency_key`);
}

function checkSignalsInto(c: Checker, signals: unknown, path: string): void {
  if (!c.object(signals, path, SIGNAL_FIELDS)) return;
  c.scoped(signals.phase_holds, `${path}.phase_holds`);
  c.scoped(signals.active_incidents, `${path}.active_incidents`);
  c.stringList(signals.trusted_mcp_servers, `${path}.trusted_mcp_servers`);
}

/**
 * Problems with an intent's shape (DESIGN §3.1); empty when it is well-formed.
 *
 * @example
 * ```ts
 * checkIntent({ action_scope: 'promotion' });
 * // ['intent.principal: expected an object', 'intent.resource: expected an object', …]
 * ```
 */
export function checkIntent(intent: unknown, path = 'intent'): string[] {
  const c = new Checker();
  checkIntentInto(c, intent, path);
  return c.errors;
}

/**
 * Problems with a signals object; empty when it is complete and well-formed.
 *
 * @example
 * ```ts
 * checkSignals({ phase_holds: [] }); // ['signals.active_incidents: expected an array', …]
 * ```
 */
export function checkSignals(signals: unknown, path = 'signals'): string[] {
  const c = new Checker();
  checkSignalsInto(c, signals, path);
  return c.errors;
}

/**
 * Problems with a whole evaluation input; empty when it can be evaluated. A type guard,
 * so callers holding `unknown` (e.g. a decoded test case) get a typed input back.
 *
 * @example
 * ```ts
 * const errors: string[] = [];
 * if (isEvaluationInput(input, errors)) evaluateIntent(bundle, input);
 * ```
 */
export function isEvaluationInput(input: unknown, errors: string[]): input is EvaluationInput {
  if (isWellFormedInput(input)) return true;
  const c = new Checker();
  if (c.object(input, 'input', INPUT_FIELDS)) {
    checkIntentInto(c, input.intent, 'intent');
    checkSignalsInto(c, input.signals, 'signals');
    if (!(input.now instanceof Date) || Number.isNaN(input.now.getTime())) c.fail('now', 'expected a valid Date');
  }
  errors.push(...c.errors);
  return c.errors.length === 0;
}

// ── the same checks without diagnostics, for the common case of a well-formed input ──
// Each function below accepts exactly what the Checker method of the same name accepts
// without a problem (test/policy/quick-checks.test.ts checks that they agree).

function hasOnly(v: Record<string, unknown>, allowed: readonly string[]): boolean {
  for (const k of Object.keys(v)) if (!allowed.includes(k)) return false;
  return true;
}

function quickString(v: unknown, pattern?: RegExp): boolean {
  return typeof v === 'string' && v.length > 0 && (!pattern || pattern.test(v));
}

function quickOptionalString(v: unknown): boolean {
  return v === undefined || v === null || quickString(v);
}

function quickStringList(v: unknown): boolean {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) if (i in v && !quickString(v[i])) return false; // forEach skips holes
  return true;
}

function quickJson(v: unknown, depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  if (typeof v === 'string' || typeof v === 'boolean' || v === null) return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) if (!(i in v) || !quickJson(v[i], depth + 1)) return false;
    return true;
  }
  if (isPlainObject(v)) {
    for (const k of Object.keys(v)) {
      const x = v[k];
      if (CEDAR_ESCAPES.has(k) || x === undefined || !quickJson(x, depth + 1)) return false;
    }
    return true;
  }
  return false;
}

function quickJsonObject(v: unknown): boolean {
  return v === undefined || (isPlainObject(v) && quickJson(v, 0));
}

function quickScoped(v: unknown): boolean {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) {
    if (!(i in v)) continue; // forEach skips holes
    const s: unknown = v[i];
    if (!isPlainObject(s) || !hasOnly(s, SCOPED_FIELDS) || !quickString(s.id)) return false;
    if (s.targets !== undefined && !quickStringList(s.targets)) return false;
    if (s.environments !== undefined && !quickStringList(s.environments)) return false;
  }
  return true;
}

function quickIntent(intent: unknown): boolean {
  if (!isPlainObject(intent) || !hasOnly(intent, INTENT_FIELDS) || !quickString(intent.action_scope, ACTION_SCOPE)) return false;
  const p = intent.principal;
  if (!isPlainObject(p) || !hasOnly(p, PRINCIPAL_FIELDS) || !quickString(p.type, TYPE_NAME) || !quickString(p.id)) return false;
  const r = intent.resource;
  if (!isPlainObject(r) || !hasOnly(r, RESOURCE_FIELDS) || !quickString(r.type, TYPE_NAME) || !quickString(r.id) || !quickJsonObject(r.attrs)) return false;
  const x = intent.execution_identity;
  if (!isPlainObject(x) || !hasOnly(x, EXEC_FIELDS)) return false;
  if (!quickOptionalString(x.agent_id) || !quickOptionalString(x.pipeline_id) || !quickString(x.region) || !quickOptionalString(x.spiffe_id)) return false;
  if (typeof x.env_tier !== 'string' || !ENV_TIERS.has(x.env_tier)) return false;
  if (!quickJsonObject(intent.parameters) || !quickJsonObject(intent.context)) return false;
  return intent.idempotency_key === undefined || quickString(intent.idempotency_key);
}

function quickSignals(signals: unknown): boolean {
  return (
    isPlainObject(signals) &&
    hasOnly(signals, SIGNAL_FIELDS) &&
    quickScoped(signals.phase_holds) &&
    quickScoped(signals.active_incidents) &&
    quickStringList(signals.trusted_mcp_servers)
  );
}

/**
 * True exactly when {@link isEvaluationInput} finds no problem, without building any
 * message: the fast path of a well-formed input.
 *
 * @example
 * ```ts
 * isWellFormedInput({ intent, signals: NO_SIGNALS, now: new Date() }); // true
 * ```
 */
export function isWellFormedInput(input: unknown): input is EvaluationInput {
  if (!isPlainObject(input) || !hasOnly(input, INPUT_FIELDS)) return false;
  if (!quickIntent(input.intent) || !quickSignals(input.signals)) return false;
  return input.now instanceof Date && !Number.isNaN(input.now.getTime());
}
