/**
 * `writ pecs validate FILE…`: validates PECS documents (JSON or YAML) offline against
 * the shipped schemas — the profile picked per file (docs/pecs.md) — plus the
 * referential checks. Prints one block per file: the verdict, then one line per error
 * (`POINTER  KEYWORD  message`). `--json` prints an array of {@link PecsFileValidation}.
 *
 * Exit codes: 0 when every file is valid, 1 when any file is invalid, 2 when any file
 * cannot be read or parsed (2 wins over 1).
 *
 * @module
 */
import type { Command } from 'commander';
import { isWritError } from '../../errors/writ-error.ts';
import { readPecsFile } from '../../pecs/validate/read-document.ts';
import { validatePecsDocument, type PecsValidation } from '../../pecs/validate/validate-document.ts';
import type { CliContext } from '../context.ts';
import { EXIT } from '../exit-codes.ts';

/**
 * The result for one file: its validation, or why it could not be read.
 *
 * @example
 * ```ts
 * const r: PecsFileValidation = { file: 'a.yaml', readError: null, valid: true, profile: 'cicd', errors: [] };
 * ```
 */
export interface PecsFileValidation extends PecsValidation {
  file: string;
  /** Set when the file could not be read or parsed (then `valid` is false, `profile` null). */
  readError: string | null;
}

/**
 * Validates one file; never throws for a bad file.
 *
 * @example
 * ```ts
 * validatePecsFile('profiles/deploy.yaml').valid; // true or false
 * ```
 */
export function validatePecsFile(file: string): PecsFileValidation {
  let doc: unknown;
  try {
    doc = readPecsFile(file);
  } catch (err) {
    if (!isWritError(err)) throw err;
    return { file, readError: err.message, valid: false, profile: null, errors: [] };
  }
  return { file, readError: null, ...validatePecsDocument(doc) };
}

/**
 * The human form: per file a verdict line, then its errors indented.
 *
 * @example
 * ```ts
 * pecsValidateText([{ file: 'a.json', readError: null, valid: true, profile: 'base', errors: [] }]); // 'a.json: valid (base schema)'
 * ```
 */
export function pecsValidateText(results: readonly PecsFileValidation[]): string {
  const lines: string[] = [];
  for (const r of results) {
    if (r.readError !== null) {
      lines.push(`${r.file}: UNREADABLE: ${r.readError}`);
      continue;
    }
    const against = r.profile === 'base' || r.profile === null ? 'base schema' : `${r.profile} profile`;
    if (r.valid) {
      lines.push(`${r.file}: valid (${against})`);
      continue;
    }
    lines.push(`${r.file}: INVALID (${against}): ${r.errors.length} error${r.errors.length === 1 ? '' : 's'}`);
    for (const e of r.errors) lines.push(`  ${e.pointer}  ${e.keyword}  ${e.message}`);
  }
  return lines.join('\n');
}

/**
 * Runs `writ pecs validate FILE…`: prints the results and returns the exit code.
 *
 * @example
 * ```ts
 * const code = pecsValidate(['a.json', 'b.yaml'], ctx()); // 0, 1 or 2
 * ```
 */
export function pecsValidate(files: readonly string[], c: CliContext): number {
  const results = files.map(validatePecsFile);
  c.out.result(results, () => pecsValidateText(results));
  if (results.some((r) => r.readError !== null)) return EXIT.USAGE;
  return results.every((r) => r.valid) ? EXIT.OK : EXIT.ERROR;
}

/**
 * Registers `writ pecs validate FILE…` under the `pecs` command.
 *
 * @example
 * ```ts
 * registerPecsValidateCommand(program.command('pecs'), context);
 * ```
 */
export function registerPecsValidateCommand(pecs: Command, ctx: () => CliContext): Command {
  return pecs
    .command('validate')
    .argument('<files...>', 'PECS documents (JSON or YAML)')
    .description('validate PECS documents against the shipped schemas (profile picked from $schema, the system profile block or environmentTypes) plus referential checks (exit 1 if any is invalid, 2 if any cannot be read)')
    .action((files: string[]) => {
      const code = pecsValidate(files, ctx());
      if (code !== EXIT.OK) process.exitCode = code;
    });
}
