/**
 * Local composite actions (`.github/actions/NAME/action.yml`): what their steps run and
 * use, so a job's `uses: ./.github/actions/NAME` step is analysed as the commands it hides.
 *
 * @module
 */
import type { YamlSource } from '../yaml-source.ts';
import { asRecord, asText } from '../values.ts';

/**
 * The steps of one composite action.
 *
 * @example
 * ```ts
 * const a: CompositeAction = { file: '.github/actions/deploy/action.yml', scripts: ['helm upgrade …'], uses: ['azure/login@v2'] };
 * ```
 */
export interface CompositeAction {
  file: string;
  scripts: string[];
  uses: string[];
}

/**
 * True for a path that names an action metadata file (`…/action.yml` or `…/action.yaml`).
 *
 * @example
 * ```ts
 * isActionMetadataPath('.github/actions/deploy/action.yml'); // true
 * ```
 */
export function isActionMetadataPath(path: string): boolean {
  return /(?:^|\/)action\.ya?ml$/i.test(path);
}

/**
 * The key a `uses: ./dir` step resolves to: the directory without `./` or a trailing slash.
 *
 * @example
 * ```ts
 * localActionKey('./.github/actions/deploy/'); // '.github/actions/deploy'
 * localActionKey('.github/actions/deploy/action.yml'); // '.github/actions/deploy'
 * ```
 */
export function localActionKey(pathOrUses: string): string {
  return pathOrUses
    .replace(/\\/g, '/')
    .replace(/^\.\//, '')
    .replace(/\/?action\.ya?ml$/i, '')
    .replace(/\/+$/, '');
}

/**
 * The composite action in `src`, or null when it is not one (JavaScript and Docker actions
 * run code discovery cannot see).
 *
 * @example
 * ```ts
 * readCompositeAction(src)?.scripts;
 * ```
 */
export function readCompositeAction(src: YamlSource): CompositeAction | null {
  const runs = asRecord(src.root.runs);
  if (!runs || asText(runs.using) !== 'composite' || !Array.isArray(runs.steps)) return null;
  const scripts: string[] = [];
  const uses: string[] = [];
  for (const step of runs.steps) {
    const s = asRecord(step);
    const run = asText(s?.run);
    const u = asText(s?.uses);
    if (run !== null) scripts.push(run);
    if (u !== null) uses.push(u);
  }
  return { file: src.file, scripts, uses };
}
