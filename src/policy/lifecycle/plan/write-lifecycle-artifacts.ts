/**
 * Writing a lifecycle packet's artifacts as JSON files, one per artifact plus the packet
 * itself, and an export index naming them (CAVRA's file layout, Writ's schema ids).
 *
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { LifecyclePacket } from '../artifacts.ts';
import { LIFECYCLE_SCHEMAS } from '../artifacts.ts';

/** File names of the artifacts, by packet key. */
export const ARTIFACT_FILES: Readonly<Record<string, string>> = {
  lint_report: 'policy-lint-report.json',
  version_manifest: 'policy-version-manifest.json',
  semantic_diff: 'policy-semantic-diff.json',
  dry_run_report: 'policy-dry-run-report.json',
  shadow_summary: 'policy-shadow-summary.json',
  rollback_plan: 'policy-rollback-plan.json',
  approval_workflow: 'policy-approval-workflow.json',
};

/** The packet's own file. */
export const PACKET_FILE = 'policy-lifecycle-packet.json';

/**
 * What {@link writeLifecycleArtifacts} wrote (`writ.policy-lifecycle.export.v1`).
 *
 * @example
 * ```ts
 * const e: LifecycleExport = { schema_version: 'writ.policy-lifecycle.export.v1', output_dir: '/tmp/out', packet: '/tmp/out/policy-lifecycle-packet.json', artifacts: {} };
 * ```
 */
export interface LifecycleExport {
  schema_version: typeof LIFECYCLE_SCHEMAS.export;
  output_dir: string;
  packet: string;
  artifacts: Record<string, string>;
}

/**
 * Writes every artifact of `packet` (a null semantic diff is not written) and the packet.
 *
 * @example
 * ```ts
 * writeLifecycleArtifacts(packet, 'out/lifecycle').packet; // '/abs/out/lifecycle/policy-lifecycle-packet.json'
 * ```
 */
export function writeLifecycleArtifacts(packet: LifecyclePacket, outputDir: string): LifecycleExport {
  const dir = resolve(outputDir);
  mkdirSync(dir, { recursive: true });
  const artifacts: Record<string, string> = {};
  const write = (name: string, value: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
    return path;
  };
  for (const [key, file] of Object.entries(ARTIFACT_FILES)) {
    const value = (packet as unknown as Record<string, unknown>)[key];
    if (value !== null && value !== undefined) artifacts[key] = write(file, value);
  }
  const packetPath = write(PACKET_FILE, packet);
  const index: LifecycleExport = { schema_version: LIFECYCLE_SCHEMAS.export, output_dir: dir, packet: packetPath, artifacts };
  write('policy-lifecycle-export.json', index);
  return index;
}
