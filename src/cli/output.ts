/** How a command prints: human text, or one JSON document on stdout. */
export interface Output {
  readonly json: boolean;
  /** Prints the result: `data` as JSON with --json, else the human text. */
  result(data: unknown, human: () => string): void;
  /** A progress or status line for humans, on stderr (silent with --json). */
  info(line: string): void;
}

/**
 * Creates an {@link Output}.
 *
 * @example
 * ```ts
 * const out = createOutput(opts.json);
 * out.result({ kid }, () => `rotated: ${kid}`);
 * ```
 */
export function createOutput(json: boolean, stdout: NodeJS.WritableStream = process.stdout, stderr: NodeJS.WritableStream = process.stderr): Output {
  return {
    json,
    result(data, human) {
      stdout.write(json ? `${JSON.stringify(data, null, 2)}\n` : `${human()}\n`);
    },
    info(line) {
      if (!json) stderr.write(`${line}\n`);
    },
  };
}
