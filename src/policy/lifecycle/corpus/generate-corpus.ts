/**
 * A deterministic decision corpus for one or more bundles: for every action scope any
 * of them declares, a bounded set of cases that reach the branches of its policies.
 *
 * Per action, in priority order until the budget (`perAction`) is reached:
 *
 * 0. seeds, always kept: the bundles' own test cases for the action, the required-class
 *    fixtures for it, and one synthesized base case per resource type (its read
 *    attributes set to the first literal the policies compare them with);
 * 1. every one-field operation (`corpus-ops.ts`: literal values, principal types and
 *    entity literals, instants, signal variants) applied to the base case;
 * 2. the same operations applied to the other seeds, in a seeded random order;
 * 3. combinations: a random seed with two or three random operations, including
 *    patterns filled with other patterns' text.
 *
 * Generated values come from the schemas (types, required attributes, allowed tiers), so
 * cases fit them; a bundle's own test case is kept even if it does not fit (it is then
 * denied `INVALID_REQUEST`, which is still a decision to compare).
 *
 * @module
 */
import type { CompiledBundle } from '../../compile-bundle.ts';
import type { PolicySignals } from '../../intent.ts';
import { REQUIRED_DECISION_CLASSES, REQUIRED_FIXTURE_NOW } from '../required-classes.ts';
import { allActionFacts, type ActionFacts } from './action-facts.ts';
import { corpusCaseId, type CorpusCase } from './corpus-case.ts';
import { actionOps, cloneJson, completeDraft, firstSlotValue, setSlot, slotIsRead, slotsByResourceType, type CaseDraft } from './corpus-ops.ts';
import type { IntentSlot } from './intent-slots.ts';
import { seededRandom } from './seeded-random.ts';

/**
 * Options of {@link generateDecisionCorpus}.
 *
 * @example
 * ```ts
 * const opts: CorpusOptions = { seed: 7, perAction: 100 };
 * ```
 */
export interface CorpusOptions {
  /** Seed of the random choices (tiers 2 and 3); default {@link DEFAULT_CORPUS_SEED}. */
  seed?: number;
  /** Cases per action scope, seeds excepted; default {@link DEFAULT_CORPUS_PER_ACTION}. */
  perAction?: number;
}

/**
 * The default seed: a fixed value, so the default corpus is the same everywhere.
 *
 * @example
 * ```ts
 * generateDecisionCorpus([bundle], { seed: DEFAULT_CORPUS_SEED });
 * ```
 */
export const DEFAULT_CORPUS_SEED = 1;

/**
 * The default budget per action scope.
 *
 * @example
 * ```ts
 * generateDecisionCorpus([bundle]).length <= DEFAULT_CORPUS_PER_ACTION * bundle.model.actions.size + seeds; // true
 * ```
 */
export const DEFAULT_CORPUS_PER_ACTION = 300;

/** Random combinations in a row that add no new case before the action is taken as exhausted. */
const STALE_COMBINATIONS = 64;

function noSignals(): PolicySignals {
  return { phase_holds: [], active_incidents: [], trusted_mcp_servers: [] };
}

function testSeeds(bundles: readonly CompiledBundle[], action: string): CaseDraft[] {
  const out: CaseDraft[] = [];
  for (const bundle of bundles) {
    for (const { file, cases } of bundle.document.tests) {
      for (const c of cases) {
        if (c.intent.action_scope !== action) continue;
        out.push({ ...cloneJson({ intent: c.intent, signals: c.signals }), now: c.now, origin: `test:${file}#${c.name}` });
      }
    }
  }
  return out;
}

function fixtureSeeds(action: string): CaseDraft[] {
  const out: CaseDraft[] = [];
  for (const c of REQUIRED_DECISION_CLASSES) {
    const f = c.fixtures[action];
    if (f) out.push({ ...cloneJson({ intent: f.intent, signals: f.signals }), now: REQUIRED_FIXTURE_NOW, origin: `required:${c.id}` });
  }
  return out;
}

function baseDraft(facts: ActionFacts, resourceType: { qualified: string; name: string }, slots: readonly IntentSlot[]): CaseDraft {
  const draft: CaseDraft = {
    intent: {
      action_scope: facts.action,
      principal: { type: facts.principalTypes[0]?.name ?? 'user', id: 'corpus-principal' },
      resource: { type: resourceType.name, id: 'corpus-resource', attrs: {} },
      execution_identity: { region: 'corpus-region', env_tier: 'dev' },
      parameters: {},
      context: {},
    },
    signals: noSignals(),
    now: REQUIRED_FIXTURE_NOW,
    origin: `base:${resourceType.qualified}`,
  };
  for (const slot of slots) {
    if (!slotIsRead(facts, slot)) continue;
    const v = firstSlotValue(facts, slot);
    if (v !== undefined) setSlot(draft.intent, slot, v);
  }
  return completeDraft(facts, draft);
}

function actionCorpus(facts: ActionFacts, bundles: readonly CompiledBundle[], seed: number, budget: number): CorpusCase[] {
  const slots = slotsByResourceType(facts);
  const bases = facts.principalTypes.length === 0 ? [] : facts.resourceTypes.map((rt) => baseDraft(facts, rt, slots.get(rt.name) ?? []));
  const others = [...testSeeds(bundles, facts.action), ...fixtureSeeds(facts.action)];
  const seeds = [...bases, ...others];
  const cases = new Map<string, CorpusCase>();
  const add = (d: CaseDraft): void => {
    const case_id = corpusCaseId(d.intent, d.signals, d.now);
    if (!cases.has(case_id)) cases.set(case_id, { case_id, origin: d.origin, intent: d.intent, signals: d.signals, now: d.now });
  };
  for (const s of seeds) add(s);
  const limit = Math.max(budget, cases.size);
  const full = () => cases.size >= limit;
  const ops = actionOps(facts, slots);
  const primary = ops.filter((o) => o.primary);
  for (const op of primary) {
    if (full()) break;
    for (const base of bases) {
      const d = op.apply(base);
      if (d) {
        add(d);
        break;
      }
    }
  }
  const random = seededRandom(seed, facts.action);
  const pairs = others.flatMap((s) => primary.map((op) => [s, op] as const));
  for (const [s, op] of random.shuffled(pairs)) {
    if (full()) break;
    const d = op.apply(s);
    if (d) add(d);
  }
  if (ops.length > 0 && seeds.length > 0) {
    for (let stale = 0; !full() && stale < STALE_COMBINATIONS; ) {
      let d = random.pick(seeds);
      const steps = 2 + random.int(2);
      for (let i = 0; i < steps; i++) d = random.pick(ops).apply(d) ?? d;
      const before = cases.size;
      add(d);
      stale = cases.size > before ? 0 : stale + 1;
    }
  }
  return [...cases.values()].sort((a, b) => (a.case_id < b.case_id ? -1 : a.case_id > b.case_id ? 1 : 0));
}

/**
 * Generates the decision corpus of `bundles` (see the module comment): deterministic for
 * a given seed and budget, sorted by action scope then case id.
 *
 * @example
 * ```ts
 * const corpus = generateDecisionCorpus([before, after], { seed: 1, perAction: 200 });
 * corpus.filter((c) => c.intent.action_scope === 'promotion').length; // ≤ 200 + the seeds
 * ```
 */
export function generateDecisionCorpus(bundles: readonly CompiledBundle[], opts: CorpusOptions = {}): CorpusCase[] {
  const seed = opts.seed ?? DEFAULT_CORPUS_SEED;
  const perAction = Math.max(0, Math.floor(opts.perAction ?? DEFAULT_CORPUS_PER_ACTION));
  const out: CorpusCase[] = [];
  for (const facts of allActionFacts(bundles).values()) out.push(...actionCorpus(facts, bundles, seed, perAction));
  return out;
}
