// Runs the AWS connectors over real public sample data kept OUT of the project, in the directory
// named by WRIT_GRAPH_SAMPLES (skipped when unset): no crash, counts reported. Files ending in
// `.json` that carry `Records` go to the CloudTrail connector, the others to the IAM connector.
//
// Samples used (copied to a scratch directory, not shipped):
// - salesforce/cloudsplaining `test/files/example_authz_v2.json` (get-account-authorization-details
//   output with a group, roles, managed policies and an unresolvable AWS managed policy).
// - awsdocs/aws-cloudtrail-user-guide `doc_source/cloudtrail-log-file-examples.md`: the records of its
//   example log files (EC2, IAM and an error record) gathered into one `{ "Records": [...] }` file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAccountAuthorizationDetails } from '../../../src/graph/connectors/aws-iam/parse-account-authorization-details.ts';
import { parseCloudTrailRecords } from '../../../src/graph/connectors/cloudtrail/parse-cloudtrail-records.ts';

const dir = process.env.WRIT_GRAPH_SAMPLES;

test('AWS connectors on public sample data', { skip: dir === undefined ? 'WRIT_GRAPH_SAMPLES not set' : false }, () => {
  const files = readdirSync(dir as string).filter((f) => f.endsWith('.json')).sort();
  assert.ok(files.length > 0, 'no sample files');
  for (const file of files) {
    const json: unknown = JSON.parse(readFileSync(join(dir as string, file), 'utf8'));
    const isTrail = typeof json === 'object' && json !== null && 'Records' in json;
    const { inventory, warnings } = isTrail ? parseCloudTrailRecords(json, { file }) : parseAccountAuthorizationDetails(json, { file });
    const counts = {
      identities: inventory.identities.length,
      destinations: inventory.destinations.length,
      edges: inventory.edges.length,
      evidence: inventory.evidence.length,
      warnings: warnings.length,
    };
    console.log(`${isTrail ? 'cloudtrail' : 'aws-iam'} ${file}: ${JSON.stringify(counts)} warnings by code ${JSON.stringify(countBy(warnings.map((w) => w.code)))}`);
    assert.ok(counts.identities > 0, `${file}: no identity parsed`);
  }
});

function countBy(values: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const value of values) out[value] = (out[value] ?? 0) + 1;
  return out;
}
