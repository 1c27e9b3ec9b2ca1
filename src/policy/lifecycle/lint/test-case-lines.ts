/**
 * Where each test case of a bundle directory starts in its YAML file, so a lint issue
 * about a case points at it. Best effort: a file that cannot be read or parsed gives no
 * position (the issue then names the file only).
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isSeq, LineCounter, parseDocument } from 'yaml';
import type { IssueLocation } from './lint-issue.ts';

/**
 * The location of case number `index` (0-based, file order) of `tests/<file>`.
 *
 * @example
 * ```ts
 * const at: TestCaseLines = (file, index) => ({ file: `tests/${file}`, line: 3 + index * 5, column: 5 });
 * ```
 */
export type TestCaseLines = (file: string, index: number) => IssueLocation;

/**
 * Reads the test files of a bundle directory and indexes where their cases start.
 *
 * @example
 * ```ts
 * const at = readTestCaseLines('policies/default', ['promotion.yaml']);
 * at('promotion.yaml', 0); // { file: 'tests/promotion.yaml', line: 18, column: 5 }
 * ```
 */
export function readTestCaseLines(dir: string, files: readonly string[]): TestCaseLines {
  const starts = new Map<string, Array<{ line: number; column: number }>>();
  for (const file of files) {
    try {
      const lineCounter = new LineCounter();
      const doc = parseDocument(readFileSync(join(dir, 'tests', file), 'utf8'), { lineCounter });
      const cases = doc.get('cases', true);
      if (!isSeq(cases)) continue;
      starts.set(
        file,
        cases.items.map((item) => {
          const offset = (item as { range?: [number, number, number] }).range?.[0] ?? 0;
          const { line, col } = lineCounter.linePos(offset);
          return { line, column: col };
        }),
      );
    } catch {
      // No position for this file; issues name the file only.
    }
  }
  return (file, index) => {
    const at = starts.get(file)?.[index];
    return { file: `tests/${file}`, line: at?.line ?? null, column: at?.column ?? null };
  };
}

/**
 * The fallback when no directory is at hand (a bundle from the store): file only.
 *
 * @example
 * ```ts
 * fileOnlyTestCaseLines('promotion.yaml', 0); // { file: 'tests/promotion.yaml', line: null, column: null }
 * ```
 */
export const fileOnlyTestCaseLines: TestCaseLines = (file) => ({ file: `tests/${file}`, line: null, column: null });
