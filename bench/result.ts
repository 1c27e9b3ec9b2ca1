/** One benchmark figure, compared with its physical floor measured in the same run. */
export interface BenchResult {
  name: string;
  store: 'pglite' | 'postgres' | 'none';
  value: number;
  unit: string;
  floor_name?: string;
  floor_value?: number;
  /** value / floor_value for throughputs; floor / value for latencies: ≤ 1 means slower than the floor. */
  ratio?: number;
}

/** A bench suite: runs and returns its figures. */
export interface BenchSuite {
  name: string;
  run(ctx: BenchContext): Promise<BenchResult[]>;
}

/** What a suite may use. */
export interface BenchContext {
  /** Stores to run on: pglite always, postgres when reachable. */
  stores: Array<'pglite' | 'postgres'>;
  postgresUrl: string;
  /** Smaller runs (CI smoke): WRIT_BENCH_QUICK=1. */
  quick: boolean;
  log(line: string): void;
}

/** Operations per second of `fn` run for at least `minMs` (after a warm-up). */
export async function opsPerSecond(fn: () => Promise<unknown> | unknown, minMs: number): Promise<number> {
  for (let i = 0; i < 50; i++) await fn();
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < minMs) {
    for (let i = 0; i < 100; i++) await fn();
    n += 100;
    elapsed = performance.now() - start;
  }
  return (n / elapsed) * 1000;
}

/** Builds a throughput result with its floor and ratio. */
export function throughput(name: string, store: BenchResult['store'], value: number, unit: string, floorName: string, floorValue: number): BenchResult {
  return { name, store, value: round(value), unit, floor_name: floorName, floor_value: round(floorValue), ratio: round(value / floorValue, 3) };
}

/** Rounds to `digits` significant decimals. */
export function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
