/**
 * CAVRA's merge of a pack over the packs it inherits (`merge_policy` in its policy
 * engine), reproduced because it decides which patterns the resolved pack has:
 *
 * - `metadata`: the child's fields replace the parent's, except null ones; `inherits`
 *   is always the child's;
 * - a section that is a mapping on both sides is merged key by key: lists are
 *   concatenated without duplicates (parent's first), mappings merge recursively, any
 *   other value (a boolean such as `mcp.block_unknown_servers`) is the child's;
 * - anything else is the child's.
 *
 * @module
 */

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/** A key that is equal for equal values whatever their key order (CAVRA: `json.dumps(item, sort_keys=True)`). */
function sameValueKey(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(sameValueKey).join(',')}]`;
  if (isMapping(v)) {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${sameValueKey(v[k])}`)
      .join(',')}}`;
  }
  return v instanceof Date ? `date:${v.toISOString()}` : JSON.stringify(v) ?? 'undefined';
}

/**
 * The values of `items` without repeats, first occurrence kept.
 *
 * @example
 * ```ts
 * dedupe(['.env', 'a', '.env']); // ['.env', 'a']
 * ```
 */
export function dedupe<T>(items: readonly T[]): T[] {
  const seen = new Set<string>();
  return items.filter((x) => {
    const k = sameValueKey(x);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function mergeSection(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const merged = structuredClone(base);
  for (const [k, v] of Object.entries(over)) {
    const b = merged[k];
    if (Array.isArray(v) && Array.isArray(b)) merged[k] = dedupe([...b, ...v]);
    else if (isMapping(v) && isMapping(b)) merged[k] = mergeSection(b, v);
    else merged[k] = structuredClone(v);
  }
  return merged;
}

function mergeMetadata(base: unknown, over: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = isMapping(base) ? structuredClone(base) : {};
  for (const [k, v] of Object.entries(over)) {
    if (k === 'inherits' || (v !== null && v !== undefined)) merged[k] = structuredClone(v);
  }
  return merged;
}

/**
 * `override` merged over `base` (neither is modified).
 *
 * @example
 * ```ts
 * mergeCavraPacks(
 *   { metadata: { id: 'base' }, commands: { block: ['a*'] } },
 *   { metadata: { id: 'child', inherits: 'base' }, commands: { block: ['b*', 'a*'] } },
 * ).commands; // { block: ['a*', 'b*'] }
 * ```
 */
export function mergeCavraPacks(base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
  const merged = structuredClone(base);
  for (const [k, v] of Object.entries(override)) {
    const b = merged[k];
    if (k === 'metadata' && isMapping(v)) merged[k] = mergeMetadata(b, v);
    else if (isMapping(v) && isMapping(b)) merged[k] = mergeSection(b, v);
    else merged[k] = structuredClone(v);
  }
  return merged;
}
