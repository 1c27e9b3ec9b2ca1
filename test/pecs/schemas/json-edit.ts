/** Test helper: edits a parsed JSON document in place by JSON pointer (RFC 6901). */

type Container = Record<string, unknown> | unknown[];

function segments(pointer: string): string[] {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function parentOf(doc: unknown, pointer: string): { parent: Container; key: string } {
  const segs = segments(pointer);
  let node = doc;
  for (const seg of segs.slice(0, -1)) {
    node = (node as Record<string, unknown>)[seg];
    if (typeof node !== 'object' || node === null) throw new Error(`no container at ${seg} of ${pointer}`);
  }
  return { parent: node as Container, key: segs.at(-1)! };
}

/** The value at `pointer`. */
export function getAt(doc: unknown, pointer: string): unknown {
  const { parent, key } = parentOf(doc, pointer);
  return (parent as Record<string, unknown>)[key];
}

/** Sets the value at `pointer` (`-` appends to an array); returns `doc`. */
export function setAt<T>(doc: T, pointer: string, value: unknown): T {
  const { parent, key } = parentOf(doc, pointer);
  if (Array.isArray(parent) && key === '-') parent.push(value);
  else (parent as Record<string, unknown>)[key] = value;
  return doc;
}

/** Deletes the property at `pointer`; returns `doc`. */
export function deleteAt<T>(doc: T, pointer: string): T {
  const { parent, key } = parentOf(doc, pointer);
  delete (parent as Record<string, unknown>)[key];
  return doc;
}
