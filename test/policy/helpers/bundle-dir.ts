/**
 * Writes small policy bundles to temporary directories for loader, evaluation and CLI
 * tests. `miniBundle()` is a valid bundle; callers override or delete files by path.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A bundle as file path → content (`null` deletes a file of the base). */
export type BundleFiles = Record<string, string | Uint8Array | null>;

export const MINI_SCHEMA = `namespace Writ {
  entity User, Agent;
  entity Doc = { tier: String, level?: Long, labels?: Set<String> };
  type Scoped = { global: Bool, targets: Set<String>, environments: Set<String> };
  type Ctx = {
    now: datetime,
    resource_id: String,
    parameters: { count?: Long },
    signals: { phase_hold: Scoped, trusted_mcp_servers: Set<String> },
  };
  action "doc.read", "doc.write" appliesTo { principal: [User, Agent], resource: [Doc], context: Ctx };
}
`;

export const MINI_READ = `// reads
@id("doc.read.allow")
@risk("low")
permit (principal, action == Writ::Action::"doc.read", resource is Writ::Doc);

@id("doc.read.forbid.secret")
@risk("high")
forbid (principal, action == Writ::Action::"doc.read", resource is Writ::Doc)
when { resource.tier == "secret" };
`;

export const MINI_WRITE = `// writes
@id("doc.write.approval")
@approvals("1")
@approver_groups("writers")
@risk("medium")
@break_glass("allowed")
permit (principal, action == Writ::Action::"doc.write", resource is Writ::Doc);

@id("doc.write.prod.approval")
@approvals("3")
@approver_groups("owners,writers")
@risk("critical")
permit (principal, action == Writ::Action::"doc.write", resource is Writ::Doc)
when { resource.tier == "prod" };
`;

export const MINI_TESTS = `defaults:
  intent:
    action_scope: doc.read
    principal: { type: user, id: alice }
    resource: { type: doc, id: d1, attrs: { tier: public } }
    execution_identity: { region: local, env_tier: dev }
cases:
  - name: public read is allowed
    expect: { verdict: allow, reasons: [doc.read.allow] }
  - name: secret read is denied
    intent:
      resource: { type: doc, id: d2, attrs: { tier: secret } }
    expect: { verdict: deny, deny_code: POLICY_FORBID, reasons: [doc.read.forbid.secret] }
`;

/** The files of a valid minimal bundle. */
export function miniBundle(): BundleFiles {
  return {
    'bundle.yaml': 'id: mini\nversion: "0.1.0"\ndescription: a minimal bundle for tests\n',
    'schema.cedarschema': MINI_SCHEMA,
    'policies/read.cedar': MINI_READ,
    'policies/write.cedar': MINI_WRITE,
    'tests/read.yaml': MINI_TESTS,
  };
}

/**
 * The mini bundle, plus the `policy.activate` action and a permit for it with approvals:
 * a bundle that, once active, still lets policy change (what `writ policy lint` asks of
 * every bundle).
 */
export function governedMiniBundle(): BundleFiles {
  return {
    ...miniBundle(),
    'schema.cedarschema': MINI_SCHEMA.replace(
      '  action "doc.read"',
      '  entity PolicyBundle = { bundle_id: String, version: String };\n  action "policy.activate" appliesTo { principal: [User, Agent], resource: [PolicyBundle], context: Ctx };\n  action "doc.read"',
    ),
    'policies/governance.cedar': `@id("policy.activate.approval")\n@approvals("2")\n@approver_groups("owners")\npermit (principal, action == Writ::Action::"policy.activate", resource is Writ::PolicyBundle);\n`,
  };
}

const made: string[] = [];

/** Writes `files` (over `base`, default the mini bundle) into a new temp dir, in the given order. */
export function writeBundle(overrides: BundleFiles = {}, base: BundleFiles = miniBundle()): string {
  const dir = mkdtempSync(join(tmpdir(), 'writ-bundle-'));
  made.push(dir);
  const files = { ...base, ...overrides };
  for (const [rel, content] of Object.entries(files)) {
    if (content === null) continue;
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
  mkdirSync(join(dir, 'policies'), { recursive: true });
  return dir;
}

/** Removes every directory written by this process. */
export function cleanupBundles(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}
