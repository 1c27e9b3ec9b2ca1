/**
 * Compiling a bundle document: checking every part of it and indexing what evaluation
 * needs. A document is accepted from anywhere (a directory, the store, the wire), so
 * everything is checked here, not where it was read:
 *
 * - the document's shape (format, manifest, sorted unique file names);
 * - the schema parses, and declares namespace `Writ`;
 * - every policy parses, is static (no templates), has a unique well-formed `@id`,
 *   and its obligation annotations are well-formed (see `annotations.ts`);
 * - the policy set validates against the schema in Cedar's strict mode;
 * - every test case is well-formed and names known policy ids (a case naming an
 *   undeclared action scope is a warning: it can only test that such intents are denied).
 *
 * @module
 */
import { isWritError } from '../errors/writ-error.ts';
import type { Sha256Ref } from '../crypto/hash.ts';
import { POLICY_ID, readObligations, type PolicyObligations } from './annotations.ts';
import { BUNDLE_FORMAT, hashBundleDocument, type BundleDocument } from './bundle-document.ts';
import { cedar, cedarMessage, type DetailedError } from './cedar.ts';
import { checkIntent, checkSignals } from './check-intent.ts';
import { policyReads, type PolicyReads } from './policy-reads.ts';
import { RISKS } from './decision.ts';
import { PolicyBundleInvalidError, type BundleProblem } from './problems.ts';
import { buildSchemaModel, WRIT_NAMESPACE, type SchemaModel } from './schema-model.ts';
import { byteOffsetToIndex, positionAt } from './source-position.ts';

/**
 * One policy of a compiled bundle.
 *
 * @example
 * ```ts
 * bundle.policies.get('promotion.prod.approval')?.obligations.approvals; // 2
 * ```
 */
export interface CompiledPolicy {
  id: string;
  effect: 'permit' | 'forbid';
  /** Path relative to the bundle root, e.g. `policies/promotion.cedar`. */
  file: string;
  /** 1-based line of the policy's first annotation. */
  line: number;
  text: string;
  obligations: PolicyObligations;
  /**
   * The policy's action scope: any action (`All`), one action (`==`), or actions and
   * action groups (`in`), as uid keys `Type::"id"` (see {@link uidKey}).
   */
  action: { op: 'All' } | { op: '==' | 'in'; uids: readonly string[] };
  /** The attributes its conditions read (see `policy-reads.ts`). */
  reads: PolicyReads;
}

/**
 * The key of an entity uid, as Cedar prints it: `Type::"id"`.
 *
 * @example
 * ```ts
 * uidKey({ type: 'Writ::Action', id: 'promotion' }); // 'Writ::Action::"promotion"'
 * ```
 */
export function uidKey(uid: { type: string; id: string } | { __entity: { type: string; id: string } }): string {
  const u = '__entity' in uid ? uid.__entity : uid;
  return `${u.type}::${JSON.stringify(u.id)}`;
}

/**
 * A valid bundle, ready to evaluate. Only {@link compileBundleDocument} (and the
 * functions built on it) make one; its document is deeply frozen.
 *
 * @example
 * ```ts
 * const bundle = loadBundleDir('policies/default');
 * bundle.policy_bundle_hash; // 'sha256:…'
 * ```
 */
export interface CompiledBundle {
  readonly policy_bundle_hash: Sha256Ref;
  readonly document: BundleDocument;
  readonly policies: ReadonlyMap<string, CompiledPolicy>;
  readonly model: SchemaModel;
  readonly warnings: readonly BundleProblem[];
}

/**
 * Everything a check found. `policy_bundle_hash` is set whenever the document is
 * well-shaped, even if Cedar rejects it; `bundle` only when there is no problem.
 *
 * @example
 * ```ts
 * const r = checkBundleDocument(doc);
 * if (r.bundle) evaluateIntent(r.bundle, input); else r.problems.forEach((p) => console.log(formatProblem(p)));
 * ```
 */
export interface BundleCheck {
  document: BundleDocument | null;
  policy_bundle_hash: Sha256Ref | null;
  problems: BundleProblem[];
  warnings: BundleProblem[];
  bundle: CompiledBundle | null;
}

const MANIFEST_ID = /^[a-z0-9][a-z0-9._-]{0,127}$/;
const VERSION = /^[A-Za-z0-9][A-Za-z0-9.+_-]{0,63}$/;
const POLICY_FILE = /^[A-Za-z0-9][A-Za-z0-9._-]*\.cedar$/;
const TEST_FILE = /^[A-Za-z0-9][A-Za-z0-9._-]*\.ya?ml$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
const VERDICTS = ['allow', 'deny', 'require_approval'];
const DENY_CODES = ['POLICY_FORBID', 'NO_PERMIT', 'INVALID_REQUEST', 'EVALUATION_ERROR'];

/** Where the pieces of a document came from, relative to the bundle root. */
const SCHEMA_FILE = 'schema.cedarschema';
const MANIFEST_FILE = 'bundle.yaml';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function unknownKeys(v: Record<string, unknown>, allowed: readonly string[]): string[] {
  return Object.keys(v).filter((k) => !allowed.includes(k));
}

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

/** Problems located in `text` (given to Cedar as is) from Cedar diagnostics. */
function located(file: string, text: string, errors: readonly DetailedError[], base = 0, policyId?: string): BundleProblem[] {
  return errors.map((e) => {
    const loc = e.sourceLocations?.[0];
    const at = loc ? base + byteOffsetToIndex(text.slice(base), loc.start) : base;
    const { line, column } = positionAt(text, at);
    return { file, line, column, ...(policyId ? { policy_id: policyId } : {}), message: cedarMessage(e) };
  });
}

function checkShape(doc: unknown, problems: BundleProblem[]): doc is BundleDocument {
  const before = problems.length;
  const p = (file: string, message: string) => problems.push({ file, message });
  if (!isPlainObject(doc)) {
    p('(document)', 'expected an object');
    return false;
  }
  for (const k of unknownKeys(doc, ['format', 'manifest', 'schema', 'policies', 'tests'])) p('(document)', `unknown field ${k}`);
  if (doc.format !== BUNDLE_FORMAT) p('(document)', `format must be ${JSON.stringify(BUNDLE_FORMAT)}`);
  const m = doc.manifest;
  if (!isPlainObject(m)) {
    p(MANIFEST_FILE, 'expected a mapping with id, version, description');
  } else {
    for (const k of unknownKeys(m, ['id', 'version', 'description'])) p(MANIFEST_FILE, `unknown field ${k}`);
    if (typeof m.id !== 'string' || !MANIFEST_ID.test(m.id)) p(MANIFEST_FILE, `id must be a string matching ${String(MANIFEST_ID)}`);
    if (typeof m.version !== 'string' || !VERSION.test(m.version)) {
      p(MANIFEST_FILE, `version must be a string matching ${String(VERSION)} (quote numbers: version: "1.0")`);
    }
    if (typeof m.description !== 'string') p(MANIFEST_FILE, 'description must be a string');
  }
  if (typeof doc.schema !== 'string') p(SCHEMA_FILE, 'schema must be the text of the Cedar schema');
  const files = (list: unknown, dir: string, pattern: RegExp, keys: readonly string[]): void => {
    if (!Array.isArray(list)) {
      p(dir, 'expected a list of files');
      return;
    }
    let prev: string | undefined;
    for (const f of list) {
      if (!isPlainObject(f) || typeof f.file !== 'string') {
        p(dir, 'expected entries with a file name');
        continue;
      }
      for (const k of unknownKeys(f, keys)) p(`${dir}/${f.file}`, `unknown field ${k}`);
      if (!pattern.test(f.file)) p(`${dir}/${f.file}`, `file name must match ${String(pattern)}`);
      if (prev !== undefined && !(prev < f.file)) p(`${dir}/${f.file}`, 'files must be sorted by name and unique');
      prev = f.file;
    }
  };
  files(doc.policies, 'policies', POLICY_FILE, ['file', 'text']);
  if (Array.isArray(doc.policies)) {
    for (const f of doc.policies) {
      if (isPlainObject(f) && typeof f.text !== 'string') p(`policies/${String(f.file)}`, 'text must be a string');
    }
    if (doc.policies.length === 0) p('policies', 'a bundle needs at least one policy file');
  }
  files(doc.tests, 'tests', TEST_FILE, ['file', 'cases']);
  if (Array.isArray(doc.tests)) {
    for (const f of doc.tests) {
      if (isPlainObject(f) && !Array.isArray(f.cases)) p(`tests/${String(f.file)}`, 'cases must be a list');
    }
  }
  return problems.length === before;
}

interface PolicyScan {
  policies: Map<string, CompiledPolicy>;
  /** True when every policy parsed and has a usable unique id, so the set can be validated. */
  complete: boolean;
}

function scanPolicies(doc: BundleDocument, problems: BundleProblem[]): PolicyScan {
  const policies = new Map<string, CompiledPolicy>();
  let complete = true;
  for (const { file: name, text } of doc.policies) {
    const file = `policies/${name}`;
    const parts = cedar.policySetTextToParts(text);
    if (parts.type !== 'success') {
      problems.push(...located(file, text, parts.errors));
      complete = false;
      continue;
    }
    for (const t of parts.policy_templates) {
      const { line, column } = positionAt(text, text.indexOf(t));
      problems.push({ file, line, column, message: 'policy templates (slots such as ?principal) are not supported in bundles' });
      complete = false;
    }
    const seenAt = new Map<string, number>();
    const ordered = parts.policies
      .map((part) => {
        const from = seenAt.has(part) ? seenAt.get(part)! + 1 : 0;
        const index = text.indexOf(part, from);
        seenAt.set(part, index);
        return { part, index };
      })
      .sort((a, b) => a.index - b.index);
    for (const { part, index } of ordered) {
      const { line, column } = positionAt(text, index);
      const json = cedar.policyToJson(part);
      if (json.type !== 'success') {
        problems.push(...located(file, text, json.errors, index));
        complete = false;
        continue;
      }
      const annotations = json.json.annotations ?? {};
      const id = annotations.id;
      if (typeof id !== 'string' || id === '') {
        problems.push({ file, line, column, message: 'policy has no @id("…"); every policy needs a unique id' });
        complete = false;
        continue;
      }
      if (!POLICY_ID.test(id)) {
        problems.push({ file, line, column, policy_id: id, message: `@id must match ${String(POLICY_ID)}` });
        complete = false;
        continue;
      }
      const first = policies.get(id);
      if (first) {
        problems.push({ file, line, column, policy_id: id, message: `duplicate @id: also used at ${first.file}:${first.line}` });
        complete = false;
        continue;
      }
      const effect = json.json.effect;
      const { obligations, problems: annotationProblems } = readObligations(effect, annotations as Record<string, string | null>);
      for (const message of annotationProblems) problems.push({ file, line, column, policy_id: id, message });
      const a = json.json.action;
      const action: CompiledPolicy['action'] =
        a.op === 'All' ? { op: 'All' } : { op: a.op, uids: 'entities' in a ? a.entities.map(uidKey) : 'entity' in a ? [uidKey(a.entity)] : [] };
      policies.set(id, { id, effect, file, line, text: part, obligations, action, reads: policyReads(json.json.conditions) });
    }
  }
  return { policies, complete };
}

function validatePolicySet(doc: BundleDocument, scan: PolicyScan, problems: BundleProblem[], warnings: BundleProblem[]): void {
  const staticPolicies: Record<string, string> = {};
  for (const [id, p] of scan.policies) staticPolicies[id] = p.text;
  const answer = cedar.validate({ schema: doc.schema, policies: { staticPolicies }, validationSettings: { mode: 'strict' } });
  if (answer.type !== 'success') {
    for (const e of answer.errors) problems.push({ file: SCHEMA_FILE, message: `validation failed: ${cedarMessage(e)}` });
    return;
  }
  const locate = (list: typeof answer.validationErrors, into: BundleProblem[]) => {
    for (const { policyId, error } of list) {
      const p = scan.policies.get(policyId);
      if (!p) {
        into.push({ file: 'policies', policy_id: policyId, message: cedarMessage(error) });
        continue;
      }
      const fileText = doc.policies.find((f) => `policies/${f.file}` === p.file)?.text ?? p.text;
      const start = fileText.indexOf(p.text);
      into.push(...located(p.file, fileText, [error], Math.max(start, 0), policyId));
    }
  };
  locate(answer.validationErrors, problems);
  locate(answer.validationWarnings, warnings);
  for (const e of answer.otherWarnings) warnings.push({ file: SCHEMA_FILE, message: cedarMessage(e) });
}

function checkExpectation(expect: unknown, policies: ReadonlyMap<string, CompiledPolicy> | null, say: (m: string) => void): void {
  if (!isPlainObject(expect)) {
    say('expect: expected a mapping with at least verdict');
    return;
  }
  for (const k of unknownKeys(expect, ['verdict', 'reasons', 'deny_code', 'obligations'])) say(`expect.${k}: unknown field`);
  if (typeof expect.verdict !== 'string' || !VERDICTS.includes(expect.verdict)) say(`expect.verdict: expected one of ${VERDICTS.join(', ')}`);
  if (expect.reasons !== undefined) {
    if (!Array.isArray(expect.reasons) || !expect.reasons.every((r) => typeof r === 'string')) say('expect.reasons: expected a list of policy ids');
    else if (policies) for (const r of expect.reasons as string[]) if (!policies.has(r)) say(`expect.reasons: no policy has @id(${JSON.stringify(r)})`);
  }
  if (expect.deny_code !== undefined && (typeof expect.deny_code !== 'string' || !DENY_CODES.includes(expect.deny_code))) {
    say(`expect.deny_code: expected one of ${DENY_CODES.join(', ')}`);
  }
  const o = expect.obligations;
  if (o === undefined) return;
  if (!isPlainObject(o)) {
    say('expect.obligations: expected a mapping');
    return;
  }
  for (const k of unknownKeys(o, ['approvals_required', 'approver_groups', 'risk', 'break_glass_allowed'])) say(`expect.obligations.${k}: unknown field`);
  if (o.approvals_required !== undefined && !(Number.isSafeInteger(o.approvals_required) && (o.approvals_required as number) >= 0)) {
    say('expect.obligations.approvals_required: expected a non-negative integer');
  }
  if (o.approver_groups !== undefined && !(Array.isArray(o.approver_groups) && o.approver_groups.every((g) => typeof g === 'string'))) {
    say('expect.obligations.approver_groups: expected a list of group names');
  }
  if (o.risk !== undefined && o.risk !== null && !(RISKS as readonly unknown[]).includes(o.risk)) say(`expect.obligations.risk: expected one of ${RISKS.join(', ')} or null`);
  if (o.break_glass_allowed !== undefined && typeof o.break_glass_allowed !== 'boolean') say('expect.obligations.break_glass_allowed: expected true or false');
}

/** A test case's optional decision class (`src/policy/lifecycle/required-classes.ts`). */
const CASE_CLASS = /^[a-z][a-z0-9_]{0,63}$/;

function checkTests(
  doc: BundleDocument,
  model: SchemaModel | null,
  policies: ReadonlyMap<string, CompiledPolicy> | null,
  problems: BundleProblem[],
  warnings: BundleProblem[],
): void {
  for (const { file: name, cases } of doc.tests) {
    const file = `tests/${name}`;
    const names = new Set<string>();
    cases.forEach((c: unknown, i) => {
      const label = isPlainObject(c) && typeof c.name === 'string' ? `case ${JSON.stringify(c.name)}` : `case #${i + 1}`;
      const say = (message: string) => problems.push({ file, message: `${label}: ${message}` });
      if (!isPlainObject(c)) {
        say('expected a mapping with name, intent, signals, now, expect');
        return;
      }
      for (const k of unknownKeys(c, ['name', 'class', 'intent', 'signals', 'now', 'expect'])) say(`${k}: unknown field`);
      if (typeof c.name !== 'string' || c.name.trim() === '') say('name: expected a non-empty string');
      else if (names.has(c.name)) say('name is used twice in this file');
      else names.add(c.name);
      if (c.class !== undefined && (typeof c.class !== 'string' || !CASE_CLASS.test(c.class))) say('class: expected a decision class id in snake_case, e.g. production_promotion');
      for (const e of checkIntent(c.intent)) say(e);
      const scope = isPlainObject(c.intent) ? c.intent.action_scope : undefined;
      if (model && typeof scope === 'string' && !model.actions.has(scope)) {
        // A warning, not a problem: a case may check that undeclared scopes are denied.
        warnings.push({ file, message: `${label}: intent.action_scope ${JSON.stringify(scope)} is not an action of the schema (always denied)` });
      }
      for (const e of checkSignals(c.signals)) say(e);
      if (typeof c.now !== 'string' || !ISO_UTC.test(c.now) || Number.isNaN(Date.parse(c.now))) say('now: expected an ISO 8601 UTC instant, e.g. "2025-01-01T00:00:00Z"');
      checkExpectation(c.expect, policies, say);
    });
  }
}

/**
 * Checks a bundle document completely and, when it has no problem, compiles it.
 * Never throws for a bad document: everything wrong is in `problems`.
 *
 * @example
 * ```ts
 * const r = checkBundleDocument(JSON.parse(body));
 * r.problems.length === 0; // the bundle may be stored
 * ```
 */
export function checkBundleDocument(doc: unknown): BundleCheck {
  const problems: BundleProblem[] = [];
  const warnings: BundleProblem[] = [];
  if (!checkShape(doc, problems)) return { document: null, policy_bundle_hash: null, problems, warnings, bundle: null };
  let hash: Sha256Ref;
  try {
    hash = hashBundleDocument(doc);
  } catch (err) {
    if (!isWritError(err)) throw err;
    problems.push({ file: '(document)', message: err.message });
    return { document: null, policy_bundle_hash: null, problems, warnings, bundle: null };
  }
  const schemaParse = cedar.checkParseSchema(doc.schema);
  let model: SchemaModel | null = null;
  if (schemaParse.type !== 'success') {
    problems.push(...located(SCHEMA_FILE, doc.schema, schemaParse.errors));
  } else {
    const built = buildSchemaModel(doc.schema);
    if (built.model) model = built.model;
    else for (const message of built.errors) problems.push({ file: SCHEMA_FILE, message });
    if (model && !model.hasNamespace(WRIT_NAMESPACE)) {
      problems.push({ file: SCHEMA_FILE, message: `the schema must declare namespace ${WRIT_NAMESPACE} (intents map to ${WRIT_NAMESPACE}:: entity types and actions)` });
      model = null;
    } else if (model && model.actions.size === 0) {
      warnings.push({ file: SCHEMA_FILE, message: `namespace ${WRIT_NAMESPACE} declares no action: every intent will be denied` });
    }
  }
  const scan = scanPolicies(doc, problems);
  if (model && scan.complete && problems.length === 0) validatePolicySet(doc, scan, problems, warnings);
  checkTests(doc, model, scan.complete ? scan.policies : null, problems, warnings);
  const bundle: CompiledBundle | null =
    problems.length === 0 && model
      ? Object.freeze({ policy_bundle_hash: hash, document: deepFreeze(doc), policies: scan.policies, model, warnings: Object.freeze(warnings) })
      : null;
  return { document: doc, policy_bundle_hash: hash, problems, warnings, bundle };
}

/**
 * Compiles a bundle document, or throws {@link PolicyBundleInvalidError} listing every problem.
 *
 * @example
 * ```ts
 * const bundle = compileBundleDocument(JSON.parse(storedJcs));
 * evaluateIntent(bundle, { intent, signals, now });
 * ```
 */
export function compileBundleDocument(doc: unknown): CompiledBundle {
  const r = checkBundleDocument(doc);
  if (!r.bundle) throw new PolicyBundleInvalidError(r.problems);
  return r.bundle;
}
