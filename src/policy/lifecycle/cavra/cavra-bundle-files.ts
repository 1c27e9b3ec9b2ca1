/**
 * The files of an imported bundle, as text: `bundle.yaml`, `schema.cedarschema`,
 * `policies/*.cedar`, `tests/*.yaml`. A pure function of the resolved pack and its
 * sources' digests (no paths, no clock), so the same pack gives byte-identical files
 * and the same `policy_bundle_hash` on every machine.
 *
 * @module
 */
import { Document, isMap, isPair, isScalar, visit } from 'yaml';
import type { CavraImportWarning, CavraPack, CavraPackSource } from './cavra-pack.ts';
import { cavraPolicyFiles } from './cavra-policies.ts';
import { GOVERNANCE_POLICY_FILE, GOVERNANCE_TEST_FILE } from './cavra-governance.ts';
import { CAVRA_BUNDLE_SCHEMA } from './cavra-schema.ts';
import { singleLineText } from './cedar-text.ts';
import { cavraTestFiles, type CavraTestFile } from './cavra-test-cases.ts';

/**
 * An imported bundle before it is written.
 *
 * @example
 * ```ts
 * const b = cavraBundleFiles({ pack, source, ancestors: [], warnings: [] });
 * Object.keys(b.files); // ['bundle.yaml', 'policies/commands.cedar', …, 'schema.cedarschema', 'tests/classes.yaml', …]
 * ```
 */
export interface CavraBundleFiles {
  /** Relative path → content, keys sorted. */
  files: Record<string, string>;
  bundle_id: string;
  version: string;
  policies: number;
  test_cases: number;
  /** The warnings given in, plus the importer's own (id adjusted, classes not demonstrated). */
  warnings: CavraImportWarning[];
}

const MANIFEST_ID_CHARS = /[^a-z0-9._-]+/g;
const VERSION_CHARS = /[^A-Za-z0-9.+_-]+/g;

function manifestId(packId: string, warnings: CavraImportWarning[]): string {
  const id = packId.toLowerCase().replace(MANIFEST_ID_CHARS, '-').replace(/^[^a-z0-9]+/, '').slice(0, 128) || 'cavra-pack';
  if (id !== packId) warnings.push({ code: 'CAVRA_ID_ADJUSTED', field: 'metadata.id', message: `${JSON.stringify(packId)} is not a valid Writ bundle id; the bundle id is ${id}` });
  return id;
}

function manifestVersion(version: string | null, warnings: CavraImportWarning[]): string {
  if (version === null) return '0.0.0';
  const v = version.replace(VERSION_CHARS, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 64) || '0.0.0';
  if (v !== version) warnings.push({ code: 'CAVRA_VERSION_ADJUSTED', field: 'metadata.version', message: `${JSON.stringify(version)} is not a valid Writ bundle version; the bundle version is ${v}` });
  return v;
}

function description(pack: CavraPack, source: CavraPackSource, ancestors: readonly CavraPackSource[], warnings: readonly CavraImportWarning[]): string {
  const lines = [
    `Imported by writ policy import-cavra from CAVRA policy pack ${pack.id} ${pack.version ?? '(no version)'}${pack.title ? ` (${pack.title})` : ''}, policy.yaml ${source.digest}.`,
    ...(pack.description ? [pack.description] : []),
    ancestors.length === 0 ? 'Inherits: nothing.' : `Inherits (resolved, in merge order): ${ancestors.map((a) => `${a.id} ${a.digest}`).join(', ')}.`,
    `Mode: ${pack.mode ?? 'not set'} (CAVRA decides the same in every mode; the bundle enforces its decisions).`,
    'Decisions as CAVRA\'s: block => deny; require_approval => 1 approval (platform-security for a path, repository-owners for a command); allow.',
    'Unmatched commands need approval; a push to a branch ending in main or master is denied (CAVRA built-in); an MCP server not allowed is denied when block_unknown_servers (default true).',
  ];
  if (warnings.length > 0) lines.push('Warnings (not carried into policy, or carried differently):', ...warnings.map((w) => `- ${w.field}: ${w.message}`));
  return lines.join('\n');
}

/** Mappings written on one line (`{ type: file, id: …, attrs: { path: … } }`): short, and a case reads at a glance. */
const FLOW_KEYS = new Set(['principal', 'resource', 'execution_identity', 'obligations', 'signals']);

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function yamlText(value: unknown, comment: readonly string[]): string {
  const doc = new Document(value);
  visit(doc, {
    Pair(_, pair) {
      if (isPair(pair) && isScalar(pair.key) && FLOW_KEYS.has(String(pair.key.value)) && isMap(pair.value)) pair.value.flow = true;
    },
  });
  doc.commentBefore = comment.map((l) => ` ${singleLineText(l)}`).join('\n');
  return doc.toString({ lineWidth: 0 });
}

function testFileText(f: CavraTestFile, pack: CavraPack): string {
  return yamlText(
    { ...(f.defaults ? { defaults: { intent: f.defaults } } : {}), cases: f.cases },
    [`${f.title} of CAVRA pack ${pack.id}.`, "Expected decisions come from CAVRA's semantics (a reference evaluator), not from the generated Cedar."],
  );
}

/**
 * The bundle files of a resolved pack.
 *
 * @example
 * ```ts
 * cavraBundleFiles({ pack, source, ancestors, warnings }).files['schema.cedarschema'] === CAVRA_BUNDLE_SCHEMA; // true
 * ```
 */
export function cavraBundleFiles(input: {
  pack: CavraPack;
  source: CavraPackSource;
  ancestors: readonly CavraPackSource[];
  warnings: readonly CavraImportWarning[];
}): CavraBundleFiles {
  const { pack, source, ancestors } = input;
  const found = [...input.warnings];
  const id = manifestId(pack.id, found);
  const version = manifestVersion(pack.version, found);
  const policies = cavraPolicyFiles(pack);
  const tests = cavraTestFiles(pack);
  found.push(...tests.warnings);
  const warnings = found.sort((a, b) => compare(a.field, b.field) || compare(a.code, b.code) || compare(a.message, b.message));
  const files: Record<string, string> = {
    'bundle.yaml': yamlText({ id, version, description: description(pack, source, ancestors, warnings) }, [
      `Generated by writ policy import-cavra from CAVRA pack ${pack.id}. Re-import the pack rather than editing:`,
      'the same pack gives the same files and the same policy_bundle_hash.',
    ]),
    'schema.cedarschema': CAVRA_BUNDLE_SCHEMA,
  };
  for (const p of policies) files[`policies/${p.file}`] = p.text;
  for (const t of tests.files) files[`tests/${t.file}`] = testFileText(t, pack);
  files[`policies/${GOVERNANCE_POLICY_FILE.file}`] = GOVERNANCE_POLICY_FILE.text;
  files[`tests/${GOVERNANCE_TEST_FILE.file}`] = GOVERNANCE_TEST_FILE.text;
  const sorted = Object.fromEntries(Object.keys(files).sort().map((k) => [k, files[k]!]));
  return {
    files: sorted,
    bundle_id: id,
    version,
    policies: policies.reduce((n: number, p) => n + p.policies, GOVERNANCE_POLICY_FILE.policies),
    test_cases: tests.files.reduce((n: number, f) => n + f.cases.length, GOVERNANCE_TEST_FILE.cases),
    warnings,
  };
}
