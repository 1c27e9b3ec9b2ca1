/**
 * Groups items by a key, keeping first-seen key order and item order.
 *
 * @example
 * ```ts
 * groupBy(paths, (p) => p.workload); // Map<workload id, AuthorityPath[]>
 * ```
 */
export function groupBy<T>(items: Iterable<T>, keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const list = groups.get(key);
    if (list) list.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

/**
 * Sorted unique strings (byte order).
 *
 * @example `sortedUnique(['b', 'a', 'b']); // ['a', 'b']`
 */
export function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Unique strings in first-seen order (cheaper than sorting when the input order is already
 * deterministic, e.g. path ids in materialization order).
 *
 * @example `uniqueInOrder(['b', 'a', 'b']); // ['b', 'a']`
 */
export function uniqueInOrder(values: Iterable<string>): string[] {
  return [...new Set(values)];
}
