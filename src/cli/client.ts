import { WritError } from '../errors/writ-error.ts';
import { readAdminCredential } from '../server/auth/admin-credential.ts';

/** An error answered by the server (problem+json) or by the network. */
export class ClientError extends Error {
  readonly code: string;
  readonly status: number | undefined;
  /** The problem's finer `reason` code, when the server gave one. */
  readonly reason: string | undefined;

  constructor(code: string, message: string, status?: number, options?: { cause?: unknown; reason?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ClientError';
    this.code = code;
    this.status = status;
    this.reason = options?.reason;
  }
}

/**
 * The CLI's HTTP client of a Writ server (`WRIT_ADDR`), like `vault` or `kubectl`.
 * It picks up the local admin credential from `$WRIT_HOME/admin.token` (or
 * `WRIT_ADMIN_TOKEN`) by itself.
 *
 * @example
 * ```ts
 * const client = new WritClient({ addr: 'http://127.0.0.1:8787', home: '.writ' });
 * const jwks = await client.get('/.well-known/jwks.json');
 * ```
 */
export class WritClient {
  readonly addr: string;
  readonly #token: string | undefined;

  constructor(options: { addr: string; home: string; token?: string; env?: NodeJS.ProcessEnv }) {
    this.addr = options.addr.replace(/\/+$/, '');
    this.#token = options.token ?? (options.env ?? process.env).WRIT_ADMIN_TOKEN ?? readAdminCredential(options.home);
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T>(path: string, body: unknown = {}): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.#token) headers.authorization = `Bearer ${this.#token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(`${this.addr}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (err) {
      throw new ClientError('SERVER_UNREACHABLE', `cannot reach Writ at ${this.addr} (is \`writ serve\` running? set WRIT_ADDR)`, undefined, { cause: err });
    }
    const text = await res.text();
    let data: unknown;
    try {
      data = text ? JSON.parse(text) : undefined;
    } catch {
      data = undefined;
    }
    if (!res.ok) {
      const problem = (data ?? {}) as { code?: string; detail?: string; title?: string; reason?: string };
      const message = problem.detail ?? problem.title ?? `HTTP ${res.status}`;
      throw new ClientError(problem.code ?? `HTTP_${res.status}`, problem.reason ? `${message} (${problem.reason})` : message, res.status, problem.reason ? { reason: problem.reason } : {});
    }
    if (data === undefined && text) throw new WritError('INTERNAL', `server answered ${path} with non-JSON`);
    return data as T;
  }
}
