/**
 * Reading a bundle directory into its canonical document.
 *
 * ```
 * bundle.yaml              id, version, description
 * schema.cedarschema       Cedar schema (human-readable syntax), namespace Writ
 * policies/*.cedar         Cedar policies, each with @id("…")
 * tests/*.yaml|yml         decision test cases (optional directory)
 * ```
 *
 * Files are read as strict UTF-8 (a byte-order mark is kept, so it changes the hash);
 * names are sorted by UTF-16 code units, never in directory order. Dot files are
 * ignored; other files in `policies/` or `tests/` with the wrong extension, and
 * subdirectories there, are problems, and so are Cedar or YAML files at the top level
 * other than the two expected (they would look loaded and not be). Other top-level
 * files (a README) are ignored.
 *
 * @module
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BUNDLE_FORMAT, compareFileNames, type BundleDocument, type BundleTestFile } from './bundle-document.ts';
import { parseBundleYaml } from './bundle-yaml.ts';
import { expandTestFile } from './expand-test-file.ts';
import type { BundleProblem } from './problems.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function readText(dir: string, rel: string, problems: BundleProblem[]): string | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(join(dir, rel));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    problems.push({ file: rel, message: code === 'ENOENT' ? 'file is missing' : `cannot read: ${(err as Error).message}` });
    return undefined;
  }
  try {
    return utf8.decode(bytes);
  } catch {
    problems.push({ file: rel, message: 'not valid UTF-8' });
    return undefined;
  }
}

function listDir(dir: string, rel: string, ext: RegExp, required: boolean, problems: BundleProblem[]): string[] {
  let names: string[];
  try {
    names = readdirSync(join(dir, rel));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !required) return [];
    problems.push({ file: rel, message: (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'directory is missing' : `cannot list: ${(err as Error).message}` });
    return [];
  }
  const files: string[] = [];
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const st = statSync(join(dir, rel, name));
    if (st.isDirectory()) problems.push({ file: `${rel}/${name}`, message: 'subdirectories are not allowed here' });
    else if (!ext.test(name)) problems.push({ file: `${rel}/${name}`, message: `unexpected file (expected ${String(ext)})` });
    else files.push(name);
  }
  return files.sort(compareFileNames);
}

/**
 * Reads a bundle directory. `document` is set only when every file could be read and
 * parsed; its content is not yet checked (see `checkBundleDocument`).
 *
 * @example
 * ```ts
 * const { document, problems } = readBundleDir('policies/default');
 * ```
 */
export function readBundleDir(dir: string): { document: BundleDocument | null; problems: BundleProblem[] } {
  const problems: BundleProblem[] = [];
  try {
    if (!statSync(dir).isDirectory()) return { document: null, problems: [{ file: dir, message: 'not a directory' }] };
  } catch {
    return { document: null, problems: [{ file: dir, message: 'no such directory' }] };
  }
  for (const name of readdirSync(dir)) {
    if (name === 'bundle.yaml' || name === 'schema.cedarschema' || name.startsWith('.')) continue;
    if (/\.(cedar|cedarschema|ya?ml)$/.test(name)) {
      problems.push({ file: name, message: 'not part of the bundle: policies go in policies/, decision tests in tests/' });
    }
  }
  let manifest: unknown;
  const manifestText = readText(dir, 'bundle.yaml', problems);
  if (manifestText !== undefined) {
    const parsed = parseBundleYaml('bundle.yaml', manifestText);
    problems.push(...parsed.problems);
    if (parsed.value !== undefined) {
      manifest = typeof parsed.value === 'object' && parsed.value !== null && !Array.isArray(parsed.value)
        ? { description: '', ...(parsed.value as Record<string, unknown>) }
        : parsed.value;
    }
  }
  const schema = readText(dir, 'schema.cedarschema', problems);
  const policies: BundleDocument['policies'] = [];
  for (const file of listDir(dir, 'policies', /\.cedar$/, true, problems)) {
    const text = readText(dir, `policies/${file}`, problems);
    if (text !== undefined) policies.push({ file, text });
  }
  const tests: BundleTestFile[] = [];
  for (const file of listDir(dir, 'tests', /\.ya?ml$/, false, problems)) {
    const text = readText(dir, `tests/${file}`, problems);
    if (text === undefined) continue;
    const parsed = parseBundleYaml(`tests/${file}`, text);
    problems.push(...parsed.problems);
    if (parsed.value === undefined) continue;
    const expanded = expandTestFile(`tests/${file}`, parsed.value);
    problems.push(...expanded.problems);
    tests.push({ file, cases: expanded.cases as BundleTestFile['cases'] });
  }
  if (problems.length > 0 || schema === undefined) return { document: null, problems };
  return { document: { format: BUNDLE_FORMAT, manifest: manifest as BundleDocument['manifest'], schema, policies, tests }, problems };
}
