/**
 * One-field changes of a case ("operations"), the building blocks of a generated corpus:
 * set one declared value to a literal the policies compare it with (or remove it when
 * optional), change the principal, the instant, or one signal list. Every operation
 * keeps the case fitting the schemas: required attributes a change leaves missing are
 * filled again ({@link completeDraft}).
 *
 * @module
 */
import { entityTypeName } from '../../cedar-request.ts';
import type { Intent, JsonValue, PolicySignals } from '../../intent.ts';
import type { SchemaType } from '../../schema-model.ts';
import { intentTypeName, readsPath, type ActionFacts } from './action-facts.ts';
import { actionSlots, completeRequired, type IntentSlot } from './intent-slots.ts';
import type { PathCandidates, Scalar } from './policy-literals.ts';
import { signalVariants, type SignalReads } from './signal-variants.ts';

/**
 * A case being built: intent, signals, instant, and how it was made.
 *
 * @example
 * ```ts
 * const d: CaseDraft = { intent, signals: NO_SIGNALS, now: '2025-01-01T00:00:00Z', origin: 'base:Writ::Environment' };
 * ```
 */
export interface CaseDraft {
  intent: Intent;
  signals: PolicySignals;
  now: string;
  origin: string;
}

/**
 * One change. `primary` operations use the literals the policies compare with; the
 * others (patterns filled with other patterns' text) are only used in combinations.
 * `apply` returns a new draft, or null when the change does not apply to this one.
 *
 * @example
 * ```ts
 * const next = op.apply(draft); // a new draft, or null
 * ```
 */
export interface CorpusOp {
  label: string;
  primary: boolean;
  apply(d: CaseDraft): CaseDraft | null;
}

/**
 * A deep copy of a JSON value (intents and signals are plain JSON; this is several
 * times faster than `structuredClone` for them, and a corpus makes thousands).
 *
 * @example
 * ```ts
 * const copy = cloneJson({ intent, signals });
 * ```
 */
export function cloneJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

const ABSENT = Symbol('absent');
type SlotValue = JsonValue | typeof ABSENT;

function show(v: SlotValue): string {
  return v === ABSENT ? '(absent)' : JSON.stringify(v);
}

function uniqueValues(list: readonly SlotValue[]): SlotValue[] {
  const seen = new Set<string>();
  return list.filter((v) => {
    const k = v === ABSENT ? '\u0000absent' : JSON.stringify(v);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function scalarsOfType(list: readonly Scalar[], type: SchemaType): Scalar[] {
  switch (type.type) {
    case 'String':
    case 'Extension':
      return list.filter((v) => typeof v === 'string' && v !== '');
    case 'Long':
      return list.filter((v) => typeof v === 'number');
    case 'Boolean':
    case 'Bool':
      return list.filter((v) => typeof v === 'boolean');
    default:
      return [];
  }
}

/** The values a slot takes: primary ones, and extras for combinations. */
function slotValues(slot: IntentSlot, c: PathCandidates): { primary: SlotValue[]; extras: SlotValue[] } {
  const t = slot.type;
  let primary: SlotValue[] = [];
  let extras: SlotValue[] = [];
  const name = slot.intentPath.at(-1) ?? 'value';
  switch (t.type) {
    case 'String':
      if (slot.allowed) primary = [...slot.allowed];
      else {
        primary = [...scalarsOfType(c.values, t), `corpus-other-${name}`];
        extras = scalarsOfType(c.extras, t);
      }
      break;
    case 'Long':
      primary = [...scalarsOfType(c.values, t), 0];
      break;
    case 'Boolean':
    case 'Bool':
      primary = [true, false];
      break;
    case 'Extension':
      primary = scalarsOfType(c.values, t);
      break;
    case 'Set': {
      const elem = t.element ?? { type: 'String' };
      const members = scalarsOfType(c.members, elem);
      primary = [[], ...members.map((m) => [m]), ...c.sets.map((s) => scalarsOfType(s, elem)).filter((s) => s.length > 0)];
      if (members.length > 1) primary.push(members);
      break;
    }
    default:
      break;
  }
  if (!slot.required) primary.push(ABSENT);
  return { primary: uniqueValues(primary), extras: uniqueValues(extras) };
}

function setAt(intent: Intent, path: readonly string[], value: SlotValue): void {
  let node = intent as unknown as Record<string, unknown>;
  for (const key of path.slice(0, -1)) {
    let next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) {
      if (value === ABSENT) return;
      next = {};
      node[key] = next;
    }
    node = next as Record<string, unknown>;
  }
  const last = path.at(-1)!;
  if (value === ABSENT) delete node[last];
  else node[last] = value;
}

function contextType(facts: ActionFacts, modelIndex: number, name: string): SchemaType | null {
  const model = facts.models[modelIndex]!;
  const ctx = model.actions.get(facts.action)?.context;
  if (!ctx) return null;
  const resolved = model.resolve(ctx);
  const attr = resolved.type === 'Record' ? resolved.attributes?.[name] : undefined;
  return attr ? model.resolve(attr) : null;
}

/**
 * Fills what the schemas of the action require and the draft lacks (after a change
 * removed or replaced something), in place; returns the draft.
 *
 * @example
 * ```ts
 * completeDraft(facts, draft).intent.resource.attrs; // with every required attribute
 * ```
 */
export function completeDraft(facts: ActionFacts, d: CaseDraft): CaseDraft {
  const intent = d.intent;
  facts.models.forEach((model, i) => {
    const shape = model.entityShape(entityTypeName(intent.resource.type));
    if (shape) intent.resource.attrs = completeRequired(model, { ...(intent.resource.attrs ?? {}) }, shape);
    const execution = contextType(facts, i, 'execution');
    if (execution) {
      const x = completeRequired(model, { ...intent.execution_identity } as Record<string, JsonValue>, execution);
      intent.execution_identity = x as unknown as Intent['execution_identity'];
    }
    const request = contextType(facts, i, 'request');
    if (request) intent.context = completeRequired(model, { ...(intent.context ?? {}) }, request);
    const parameters = contextType(facts, i, 'parameters');
    if (parameters) intent.parameters = completeRequired(model, { ...(intent.parameters ?? {}) }, parameters);
  });
  return d;
}

function change(facts: ActionFacts, label: string, primary: boolean, edit: (d: CaseDraft) => boolean): CorpusOp {
  return {
    label,
    primary,
    apply(d) {
      const next: CaseDraft = { ...cloneJson({ intent: d.intent, signals: d.signals }), now: d.now, origin: `${d.origin} + ${label}` };
      return edit(next) ? completeDraft(facts, next) : null;
    },
  };
}

/**
 * The slots of the action for each resource type (by intent type name), merged over the
 * schemas that declare it (the first schema's slot wins for a path).
 *
 * @example
 * ```ts
 * slotsByResourceType(facts).get('environment')?.map((s) => s.intentPath.join('.'));
 * ```
 */
export function slotsByResourceType(facts: ActionFacts): Map<string, IntentSlot[]> {
  const out = new Map<string, IntentSlot[]>();
  for (const rt of facts.resourceTypes) {
    const byPath = new Map<string, IntentSlot>();
    for (const model of facts.models) {
      for (const slot of actionSlots(model, facts.action, rt.qualified)) {
        const k = JSON.stringify(slot.intentPath);
        if (!byPath.has(k)) byPath.set(k, slot);
      }
    }
    out.set(rt.name, [...byPath.values()]);
  }
  return out;
}

/**
 * True when some policy of the action reads the slot (or something in it).
 *
 * @example
 * ```ts
 * slotIsRead(facts, slot); // true for resource.attrs.tier under promotion
 * ```
 */
export function slotIsRead(facts: ActionFacts, slot: IntentSlot): boolean {
  return readsPath(slot.root === 'resource' ? facts.reads.resource : facts.reads.context, slot.cedarPath);
}

/**
 * The first value a base case gives a slot: the first literal the policies compare it
 * with, when there is one and it is not "absent".
 *
 * @example
 * ```ts
 * firstSlotValue(facts, tierSlot); // 'prod'
 * ```
 */
export function firstSlotValue(facts: ActionFacts, slot: IntentSlot): JsonValue | undefined {
  const v = slotValues(slot, facts.literals.candidates(slot.root, slot.cedarPath)).primary[0];
  return v === undefined || v === ABSENT ? undefined : v;
}

/**
 * Writes a value at a slot of an intent (creating the records above it).
 *
 * @example
 * ```ts
 * setSlot(intent, slot, 'prod');
 * ```
 */
export function setSlot(intent: Intent, slot: IntentSlot, value: JsonValue): void {
  setAt(intent, slot.intentPath, value);
}

function signalReads(facts: ActionFacts): SignalReads {
  const ctx = facts.reads.context;
  return {
    phase_holds: readsPath(ctx, ['signals', 'phase_hold']),
    active_incidents: readsPath(ctx, ['signals', 'incident']),
    trusted_mcp_servers: readsPath(ctx, ['signals', 'trusted_mcp_servers']),
  };
}

function nowValues(facts: ActionFacts): string[] {
  if (!readsPath(facts.reads.context, ['now'])) return [];
  const out = new Set<string>();
  const day = 24 * 3600 * 1000;
  for (const v of facts.literals.candidates('context', ['now']).values) {
    const t = typeof v === 'string' ? Date.parse(v) : NaN;
    if (Number.isNaN(t)) continue;
    for (const at of [t - day, t, t + day]) out.add(new Date(at).toISOString());
  }
  return [...out];
}

/**
 * Every operation of an action: slot values (for the slots its policies read), principal
 * types and principal / resource entity literals, instants its policies compare
 * `context.now` with, and signal variants. Deterministic order.
 *
 * @example
 * ```ts
 * actionOps(facts, slotsByResourceType(facts)).filter((o) => o.primary).map((o) => o.label);
 * // ['resource.attrs.tier="prod"', 'resource.attrs.tier="stage"', …]
 * ```
 */
export function actionOps(facts: ActionFacts, slots: ReadonlyMap<string, readonly IntentSlot[]>): CorpusOp[] {
  const ops: CorpusOp[] = [];
  const seen = new Set<string>();
  for (const [typeName, list] of slots) {
    for (const slot of list) {
      if (!slotIsRead(facts, slot)) continue;
      const { primary, extras } = slotValues(slot, facts.literals.candidates(slot.root, slot.cedarPath));
      for (const [values, isPrimary] of [
        [primary, true],
        [extras, false],
      ] as const) {
        for (const v of values) {
          const label = `${slot.root === 'resource' ? `${typeName}:` : ''}${slot.intentPath.join('.')}=${show(v)}`;
          if (seen.has(label)) continue;
          seen.add(label);
          ops.push(
            change(facts, label, isPrimary, (d) => {
              if (slot.root === 'resource' && d.intent.resource.type !== typeName) return false;
              setAt(d.intent, slot.intentPath, v);
              return true;
            }),
          );
        }
      }
    }
  }
  for (const p of facts.principalTypes) {
    ops.push(
      change(facts, `principal.type=${p.name}`, true, (d) => {
        d.intent.principal = { ...d.intent.principal, type: p.name };
        return true;
      }),
    );
  }
  for (const e of facts.literals.entities('principal')) {
    const name = intentTypeName(e.type);
    if (!name || e.id === '') continue;
    ops.push(
      change(facts, `principal=${name}:${JSON.stringify(e.id)}`, true, (d) => {
        d.intent.principal = { type: name, id: e.id };
        return true;
      }),
    );
  }
  for (const e of facts.literals.entities('resource')) {
    const name = intentTypeName(e.type);
    if (!name || e.id === '') continue;
    ops.push(
      change(facts, `resource.id=${name}:${JSON.stringify(e.id)}`, true, (d) => {
        if (d.intent.resource.type !== name) return false;
        d.intent.resource.id = e.id;
        return true;
      }),
    );
  }
  for (const now of nowValues(facts)) {
    ops.push(
      change(facts, `now=${now}`, true, (d) => {
        d.now = now;
        return true;
      }),
    );
  }
  const trusted = facts.literals.candidates('context', ['signals', 'trusted_mcp_servers']).members.filter((m): m is string => typeof m === 'string');
  for (const v of signalVariants(signalReads(facts), trusted)) {
    ops.push(
      change(facts, v.label, true, (d) => {
        d.signals = v.apply(d.intent, d.signals);
        return true;
      }),
    );
  }
  return ops;
}
