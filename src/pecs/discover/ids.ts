/**
 * Stable PECS identifiers (`^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$`) derived from repository,
 * file and job names, so re-running discovery on the same files yields the same ids and
 * approvals bound to them keep pointing at the right entry point.
 *
 * @module
 */
import { createHash } from 'node:crypto';

const MAX = 128;

/**
 * One id segment: characters outside the identifier alphabet become `-`, runs collapse,
 * leading and trailing punctuation goes.
 *
 * @example
 * ```ts
 * idSegment('.github/workflows/Deploy Prod.yml'); // 'github-workflows-Deploy-Prod.yml'
 * ```
 */
export function idSegment(text: string): string {
  return text
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-._]+|[-._]+$/g, '');
}

/**
 * The segments joined with `:`; ids longer than 128 characters keep a prefix and a hash of
 * the whole, so distinct long names stay distinct.
 *
 * @example
 * ```ts
 * stableId(['acme/app', 'deploy.yml', 'prod']); // 'acme-app:deploy.yml:prod'
 * ```
 */
export function stableId(segments: string[]): string {
  const id = segments.map(idSegment).filter((s) => s !== '').join(':') || 'x';
  if (id.length <= MAX) return id;
  const digest = createHash('sha256').update(id).digest('hex').slice(0, 12);
  return `${id.slice(0, MAX - digest.length - 1)}-${digest}`;
}

/**
 * A function that hands out ids, suffixing `-2`, `-3` … on a repeat (in call order).
 *
 * @example
 * ```ts
 * const unique = uniqueIds();
 * unique('a'); // 'a'
 * unique('a'); // 'a-2'
 * ```
 */
export function uniqueIds(): (id: string) => string {
  const seen = new Set<string>();
  return (id) => {
    let candidate = id;
    for (let n = 2; seen.has(candidate); n++) candidate = stableId([`${id.slice(0, MAX - 8)}-${n}`]);
    seen.add(candidate);
    return candidate;
  };
}

/**
 * The short form of a CI file path used in ids: without the `.github/workflows/` prefix and
 * a leading dot.
 *
 * @example
 * ```ts
 * fileIdPart('.github/workflows/deploy.yml'); // 'deploy.yml'
 * fileIdPart('.gitlab-ci.yml'); // 'gitlab-ci.yml'
 * ```
 */
export function fileIdPart(path: string): string {
  return path.replace(/\\/g, '/').replace(/^(?:.*\/)?\.github\/workflows\//, '').replace(/^\.+/, '');
}
