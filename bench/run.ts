/**
 * `npm run bench`: runs every suite, writes bench/results/latest.json (an array of
 * {name, store, value, unit, floor_name, floor_value, ratio}) and prints a table.
 * PostgreSQL figures run when WRIT_BENCH_DATABASE_URL (default the local writ_bench
 * database) is reachable. WRIT_BENCH_QUICK=1 makes every suite short.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import pg from 'pg';
import type { BenchContext, BenchResult, BenchSuite } from './result.ts';
import { keyringSuite } from './suites/keyring.ts';
import { ledgerSuite } from './suites/ledger.ts';
import { policySuite } from './suites/policy.ts';
import { storeSuite } from './suites/store.ts';
import { engineSuite } from './suites/engine.ts';
import { gatewaySuite } from './suites/gateway.ts';
import { gatewayHttpSuite } from './suites/gateway-http.ts';
import { revocationSuite } from './suites/revocation.ts';
import { pecsSuite } from './suites/pecs.ts';

const SUITES: BenchSuite[] = [keyringSuite, storeSuite, ledgerSuite, policySuite, engineSuite, gatewaySuite, gatewayHttpSuite, revocationSuite, pecsSuite];

async function postgresReachable(url: string): Promise<boolean> {
  const admin = new URL(url);
  const db = admin.pathname.slice(1);
  admin.pathname = '/postgres';
  const c = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    const exists = await c.query('select 1 from pg_database where datname = $1', [db]);
    if (exists.rowCount === 0) await c.query(`create database ${db.replace(/[^a-z0-9_]/g, '')}`);
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

const postgresUrl = process.env.WRIT_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/writ_bench';
const only = process.argv.slice(2);
const ctx: BenchContext = {
  stores: ['pglite'],
  postgresUrl,
  quick: process.env.WRIT_BENCH_QUICK === '1',
  log: (line) => process.stderr.write(`${line}\n`),
};
if (await postgresReachable(postgresUrl)) ctx.stores.push('postgres');
else ctx.log(`PostgreSQL at ${postgresUrl} unreachable: PostgreSQL figures skipped`);

const results: BenchResult[] = [];
for (const suite of SUITES) {
  if (only.length > 0 && !only.includes(suite.name)) continue;
  ctx.log(`running ${suite.name}…`);
  results.push(...(await suite.run(ctx)));
}

mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/latest.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);

const rows = results.map((r) => [r.name, r.store, `${r.value} ${r.unit}`, r.floor_name ?? '', r.floor_value !== undefined ? `${r.floor_value} ${r.unit}` : '', r.ratio !== undefined ? String(r.ratio) : '']);
const header = ['figure', 'store', 'value', 'floor', 'floor value', 'ratio'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
const fmt = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
console.log(fmt(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of rows) console.log(fmt(r));
console.log(`\nwrote bench/results/latest.json (${results.length} figures)`);
