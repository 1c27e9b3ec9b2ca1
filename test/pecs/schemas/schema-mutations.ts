/**
 * Test helper: derives negative cases from a schema and a valid document, by walking the
 * document alongside the schema (following `$ref`, across schema resources by `$id`, and
 * `allOf`). For every field present in the document it yields:
 * - `required`: each required property the document has → delete it;
 * - `enum`: each value constrained by an enum → replace it with a value outside the enum;
 * - `pattern`: each string constrained by a pattern → replace it with one that fails it.
 * Conditional branches (`if`/`then`) are not followed: they do not always apply.
 */
import { PECS_SCHEMAS } from '../../../src/pecs/schemas/load-schemas.ts';

type Json = unknown;
type SchemaNode = Record<string, unknown>;

export interface SchemaMutation {
  kind: 'required' | 'enum' | 'pattern';
  /** Pointer of the field the validator must blame. */
  pointer: string;
  /** Returns a mutated deep copy of the document. */
  apply(doc: Json): Json;
}

const resources = new Map<string, SchemaNode>(PECS_SCHEMAS.map((s) => [s.id, s.schema as SchemaNode]));

function escape(segment: string | number): string {
  return String(segment).replaceAll('~', '~0').replaceAll('/', '~1');
}

function pointerOf(path: ReadonlyArray<string | number>): string {
  return path.length === 0 ? '/' : path.map((s) => `/${escape(s)}`).join('');
}

function resolve(ref: string, root: SchemaNode): { node: SchemaNode; root: SchemaNode } {
  const [base, fragment = ''] = ref.split('#');
  const resource = base ? resources.get(base) : root;
  if (!resource) throw new Error(`unknown schema resource ${base}`);
  let node: unknown = resource;
  for (const seg of fragment.split('/').filter((s) => s !== '')) node = (node as SchemaNode)[seg.replaceAll('~1', '/').replaceAll('~0', '~')];
  if (typeof node !== 'object' || node === null) throw new Error(`unresolvable $ref ${ref}`);
  return { node: node as SchemaNode, root: resource };
}

function setAt(doc: Json, path: ReadonlyArray<string | number>, value: Json | undefined): Json {
  const copy = structuredClone(doc);
  let parent = copy as Record<string | number, unknown>;
  for (const seg of path.slice(0, -1)) parent = parent[seg] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (value === undefined) delete parent[last];
  else parent[last] = value;
  return copy;
}

/** A string the pattern rejects (the candidates cover every pattern of the shipped schemas). */
function failingString(pattern: string): string {
  const re = new RegExp(pattern, 'u');
  const candidate = ['!! not valid !!', '', 'Z', 'relative/path'].find((c) => !re.test(c));
  if (candidate === undefined) throw new Error(`no failing candidate for pattern ${pattern}`);
  return candidate;
}

function walk(node: SchemaNode, root: SchemaNode, value: Json, path: Array<string | number>, out: SchemaMutation[]): void {
  if (typeof node['$ref'] === 'string') {
    const target = resolve(node['$ref'], root);
    walk(target.node, target.root, value, path, out);
  }
  if (Array.isArray(node['allOf'])) for (const branch of node['allOf'] as SchemaNode[]) walk(branch, root, value, path, out);
  if (Array.isArray(node['enum'])) {
    const bad = 'not-a-listed-value';
    out.push({ kind: 'enum', pointer: pointerOf(path), apply: (d) => setAt(d, path, bad) });
  }
  if (typeof node['pattern'] === 'string' && typeof value === 'string') {
    const bad = failingString(node['pattern']);
    out.push({ kind: 'pattern', pointer: pointerOf(path), apply: (d) => setAt(d, path, bad) });
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    for (const key of (node['required'] as string[] | undefined) ?? []) {
      if (key in obj) out.push({ kind: 'required', pointer: pointerOf([...path, key]), apply: (d) => setAt(d, [...path, key], undefined) });
    }
    const properties = (node['properties'] as Record<string, SchemaNode> | undefined) ?? {};
    for (const [key, sub] of Object.entries(properties)) if (key in obj) walk(sub, root, obj[key], [...path, key], out);
  }
  if (Array.isArray(value) && typeof node['items'] === 'object' && node['items'] !== null) {
    value.forEach((item, i) => walk(node['items'] as SchemaNode, root, item, [...path, i], out));
  }
}

/**
 * Every mutation of `doc` under the schema with `$id` `schemaId`, one per kind and pointer.
 */
export function schemaMutations(schemaId: string, doc: Json): SchemaMutation[] {
  const root = resources.get(schemaId);
  if (!root) throw new Error(`unknown schema ${schemaId}`);
  const all: SchemaMutation[] = [];
  walk(root, root, doc, [], all);
  const seen = new Set<string>();
  return all.filter((m) => {
    const key = `${m.kind} ${m.pointer}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
