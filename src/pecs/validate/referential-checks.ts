/**
 * What JSON Schema cannot say about a PECS document: identifiers are unique within
 * their kind, and references resolve. Each check has its own keyword:
 *
 * - `x-unique-id`: entry point ids, authorization artifact ids, authorization entry ids
 *   (across all artifacts), evidence ids, gap finding ids and gap task ids;
 * - `x-ref-entry-point`: authorization entries' `privilegedEntryPointId`, maturity
 *   `entryPoints[].entryPointId`, gap findings' `entryPointId` and tasks' `entryPointIds`;
 * - `x-ref-evidence`: entry points' `evidenceRefs`;
 * - `x-ref-authorization`: entry points' `authorizationReference` (an artifact id or an
 *   authorization entry id);
 * - `x-ref-finding`: gap tasks' `findingIds`.
 *
 * The checks read the document defensively: a part that has the wrong shape is the
 * schema's to report, and is skipped here.
 *
 * @module
 */
import { pointerOf, type PecsValidationError } from './validation-error.ts';

type Path = Array<string | number>;

/** An identifier found in the document, with where it was found. */
interface Located {
  value: string;
  path: Path;
}

function objectsAt(parent: unknown, key: string): Array<{ obj: Record<string, unknown>; index: number }> {
  if (typeof parent !== 'object' || parent === null) return [];
  const list = (parent as Record<string, unknown>)[key];
  if (!Array.isArray(list)) return [];
  const out: Array<{ obj: Record<string, unknown>; index: number }> = [];
  list.forEach((item, index) => {
    if (typeof item === 'object' && item !== null && !Array.isArray(item)) out.push({ obj: item as Record<string, unknown>, index });
  });
  return out;
}

function stringAt(obj: Record<string, unknown>, key: string, path: Path): Located[] {
  const v = obj[key];
  return typeof v === 'string' ? [{ value: v, path: [...path, key] }] : [];
}

function stringsAt(obj: Record<string, unknown>, key: string, path: Path): Located[] {
  const v = obj[key];
  if (!Array.isArray(v)) return [];
  return v.flatMap((s, i) => (typeof s === 'string' ? [{ value: s, path: [...path, key, i] }] : []));
}

function duplicates(kind: string, ids: Located[]): PecsValidationError[] {
  const first = new Map<string, Path>();
  const out: PecsValidationError[] = [];
  for (const id of ids) {
    const earlier = first.get(id.value);
    if (earlier) out.push({ pointer: pointerOf(id.path), keyword: 'x-unique-id', message: `duplicate ${kind} id "${id.value}" (first at ${pointerOf(earlier)})` });
    else first.set(id.value, id.path);
  }
  return out;
}

function unresolved(keyword: string, what: string, refs: Located[], known: ReadonlySet<string>): PecsValidationError[] {
  return refs.filter((r) => !known.has(r.value)).map((r) => ({ pointer: pointerOf(r.path), keyword, message: `no ${what} with id "${r.value}"` }));
}

/**
 * The referential errors of a document (see the module comment), in document order.
 *
 * @example
 * ```ts
 * referentialErrorsOf({ privilegedExecutionSurface: [], authorizationArtifacts: [{ id: 'a', entries: [{ entryId: 'e', privilegedEntryPointId: 'ghost' }] }] });
 * // [{ pointer: '/authorizationArtifacts/0/entries/0/privilegedEntryPointId', keyword: 'x-ref-entry-point', message: 'no entry point with id "ghost"' }]
 * ```
 */
export function referentialErrorsOf(doc: Record<string, unknown>): PecsValidationError[] {
  const entryPoints = objectsAt(doc, 'privilegedExecutionSurface').map(({ obj, index }) => ({ obj, path: ['privilegedExecutionSurface', index] as Path }));
  const artifacts = objectsAt(doc, 'authorizationArtifacts').map(({ obj, index }) => ({ obj, path: ['authorizationArtifacts', index] as Path }));
  const entries = artifacts.flatMap((a) => objectsAt(a.obj, 'entries').map(({ obj, index }) => ({ obj, path: [...a.path, 'entries', index] })));
  const evidence = objectsAt(doc, 'evidence').map(({ obj, index }) => ({ obj, path: ['evidence', index] as Path }));
  const gap = doc['gapAnalysis'];
  const findings = objectsAt(gap, 'findings').map(({ obj, index }) => ({ obj, path: ['gapAnalysis', 'findings', index] as Path }));
  const tasks = objectsAt(gap, 'tasks').map(({ obj, index }) => ({ obj, path: ['gapAnalysis', 'tasks', index] as Path }));
  const assessed = objectsAt(doc['maturityProfile'], 'entryPoints').map(({ obj, index }) => ({ obj, path: ['maturityProfile', 'entryPoints', index] as Path }));

  const entryPointIds = entryPoints.flatMap((e) => stringAt(e.obj, 'id', e.path));
  const artifactIds = artifacts.flatMap((a) => stringAt(a.obj, 'id', a.path));
  const entryIds = entries.flatMap((e) => stringAt(e.obj, 'entryId', e.path));
  const evidenceIds = evidence.flatMap((e) => stringAt(e.obj, 'id', e.path));
  const findingIds = findings.flatMap((f) => stringAt(f.obj, 'id', f.path));
  const taskIds = tasks.flatMap((t) => stringAt(t.obj, 'id', t.path));
  const idSet = (ids: Located[]) => new Set(ids.map((i) => i.value));

  return [
    ...duplicates('entry point', entryPointIds),
    ...duplicates('authorization artifact', artifactIds),
    ...duplicates('authorization entry', entryIds),
    ...duplicates('evidence', evidenceIds),
    ...duplicates('finding', findingIds),
    ...duplicates('task', taskIds),
    ...unresolved('x-ref-evidence', 'evidence', entryPoints.flatMap((e) => stringsAt(e.obj, 'evidenceRefs', e.path)), idSet(evidenceIds)),
    ...unresolved(
      'x-ref-authorization',
      'authorization artifact or entry',
      entryPoints.flatMap((e) => stringAt(e.obj, 'authorizationReference', e.path)),
      new Set([...idSet(artifactIds), ...idSet(entryIds)]),
    ),
    ...unresolved('x-ref-entry-point', 'entry point', entries.flatMap((e) => stringAt(e.obj, 'privilegedEntryPointId', e.path)), idSet(entryPointIds)),
    ...unresolved('x-ref-entry-point', 'entry point', assessed.flatMap((a) => stringAt(a.obj, 'entryPointId', a.path)), idSet(entryPointIds)),
    ...unresolved('x-ref-entry-point', 'entry point', findings.flatMap((f) => stringAt(f.obj, 'entryPointId', f.path)), idSet(entryPointIds)),
    ...unresolved('x-ref-entry-point', 'entry point', tasks.flatMap((t) => stringsAt(t.obj, 'entryPointIds', t.path)), idSet(entryPointIds)),
    ...unresolved('x-ref-finding', 'finding', tasks.flatMap((t) => stringsAt(t.obj, 'findingIds', t.path)), idSet(findingIds)),
  ];
}
