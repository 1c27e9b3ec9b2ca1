/**
 * A real OpenID Provider for tests: `oidc-provider` running in-process on
 * 127.0.0.1 (ephemeral port). ID tokens come out of a genuine authorization-code
 * flow driven over HTTP (authorization request with a nonce, a login interaction,
 * code exchange with PKCE at the token endpoint), so the verifier is tested against
 * tokens it did not help make.
 *
 * @example
 * ```ts
 * const idp = await startTestIdp({ users: { alice: { groups: ['approver'] } } });
 * const token = await idp.idTokenFor('alice', { nonce: 'n-1' });
 * const verifier = new OidcVerifier({ issuers: [idp.issuerConfig()], clock });
 * await idp.close();
 * ```
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
// @ts-expect-error -- oidc-provider ships no type declarations; the small surface used here is typed below.
import { Provider as UntypedProvider } from 'oidc-provider';
import type { OidcIssuerConfig } from '../../src/identity/oidc/issuer-config.ts';

/** A user the test IdP can log in. */
export interface TestIdpUser {
  groups: string[];
  name?: string;
}

/** Options of {@link startTestIdp}. */
export interface TestIdpOptions {
  users: Record<string, TestIdpUser>;
  /** The registered client (and so the ID token audience); default `writ-test`. */
  clientId?: string;
}

/** A running test IdP. */
export interface TestIdp {
  /** The issuer identifier, `http://127.0.0.1:<port>`. */
  issuer: string;
  clientId: string;
  /** Runs a full authorization-code flow for `user` and returns the provider-signed ID token. */
  idTokenFor(user: string, options: { nonce: string }): Promise<string>;
  /** Replaces the signing key (same issuer and port); the old key leaves the JWKS. Returns the new kid. */
  rotateKeys(): Promise<string>;
  /** The current signing kid. */
  currentKid(): string;
  /** How many times the JWKS and the discovery document were requested from this IdP. */
  keyRequests(): { jwks: number; discovery: number };
  /** What Writ would be configured with to trust this IdP (keys discovered over HTTP). */
  issuerConfig(): OidcIssuerConfig;
  close(): Promise<void>;
}

interface InteractionDetails {
  params: { client_id: string; scope: string };
}
interface GrantInstance {
  addOIDCScope(scope: string): void;
  save(): Promise<string>;
}
interface ProviderInstance {
  Grant: new (init: { accountId: string; clientId: string }) => GrantInstance;
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
  interactionFinished(req: IncomingMessage, res: ServerResponse, result: unknown, options: { mergeWithLastSubmission: boolean }): Promise<void>;
}
const Provider = UntypedProvider as new (issuer: string, configuration: Record<string, unknown>) => ProviderInstance;

const REDIRECT_URI = 'http://127.0.0.1/writ-test/callback';

async function newSigningKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: `test-${randomBytes(6).toString('hex')}`, alg: 'RS256', use: 'sig' };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** A minimal cookie jar: name → value, carried by hand between requests of one flow. */
class CookieJar {
  readonly #cookies = new Map<string, string>();

  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = (pair ?? '').indexOf('=');
      if (eq <= 0) continue;
      const name = (pair as string).slice(0, eq).trim();
      const value = (pair as string).slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (expired || value === '') this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/**
 * oidc-provider's storage contract, in memory and private to one test IdP (the
 * library's own memory adapter is process-wide and warns on every start).
 */
function memoryAdapterFactory(): (name: string) => Record<string, (...args: never[]) => Promise<unknown>> {
  const rows = new Map<string, Record<string, unknown>>();
  return (name: string) => {
    const key = (id: string) => `${name}:${id}`;
    return {
      async upsert(id: string, payload: Record<string, unknown>) {
        rows.set(key(id), { ...payload });
        if (typeof payload.uid === 'string') rows.set(`${name}:uid:${payload.uid}`, { ref: id });
        if (typeof payload.userCode === 'string') rows.set(`${name}:userCode:${payload.userCode}`, { ref: id });
        if (typeof payload.grantId === 'string') {
          const grant = `grant:${payload.grantId}`;
          rows.set(grant, { ids: [...(((rows.get(grant)?.ids) as string[] | undefined) ?? []), key(id)] });
        }
      },
      async find(id: string) {
        return rows.get(key(id));
      },
      async findByUid(uid: string) {
        const ref = rows.get(`${name}:uid:${uid}`)?.ref;
        return typeof ref === 'string' ? rows.get(key(ref)) : undefined;
      },
      async findByUserCode(userCode: string) {
        const ref = rows.get(`${name}:userCode:${userCode}`)?.ref;
        return typeof ref === 'string' ? rows.get(key(ref)) : undefined;
      },
      async consume(id: string) {
        const row = rows.get(key(id));
        if (row) row.consumed = Math.floor(Date.now() / 1000);
      },
      async destroy(id: string) {
        rows.delete(key(id));
      },
      async revokeByGrantId(grantId: string) {
        const grant = `grant:${grantId}`;
        for (const id of ((rows.get(grant)?.ids as string[] | undefined) ?? [])) rows.delete(id);
        rows.delete(grant);
      },
    };
  };
}

/**
 * Starts an in-process OpenID Provider with the given users and one confidential
 * client. One per test file is plenty; remember to `close()` it.
 *
 * @example
 * ```ts
 * const idp = await startTestIdp({ users: { bob: { groups: ['release-management'] } }, clientId: 'writ-test' });
 * ```
 */
export async function startTestIdp(options: TestIdpOptions): Promise<TestIdp> {
  const clientId = options.clientId ?? 'writ-test';
  const clientSecret = randomBytes(24).toString('base64url');
  const users = new Map(Object.entries(options.users));

  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const keyRequests = { jwks: 0, discovery: 0 };
  const server: Server = createServer((req, res) => {
    if (req.url === '/jwks') keyRequests.jwks += 1;
    if (req.url === '/.well-known/openid-configuration') keyRequests.discovery += 1;
    if (handler) handler(req, res);
    else res.writeHead(503).end();
  });
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const adapter = memoryAdapterFactory();
  const makeProvider = (signingKey: JWK): ProviderInstance => new Provider(issuer, {
    adapter,
    clients: [{
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [REDIRECT_URI],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      id_token_signed_response_alg: 'RS256',
    }],
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    claims: { openid: ['sub'], profile: ['name', 'email'], groups: ['groups'] },
    // Put scope claims in the ID token itself (Writ reads groups from the ID token).
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    ttl: { IdToken: 600, AccessToken: 600, AuthorizationCode: 60, Interaction: 600, Session: 600, Grant: 600 },
    findAccount: async (_ctx: unknown, sub: string) => {
      const user = users.get(sub);
      if (!user) return undefined;
      return {
        accountId: sub,
        claims: async () => ({ sub, name: user.name ?? sub, email: `${sub}@idp.test`, groups: user.groups }),
      };
    },
  });

  let signingKey = await newSigningKey();
  let provider = makeProvider(signingKey);

  // The login interaction: the "user agent" posts `login=<user>`; we log them in and
  // grant exactly the requested scopes, then the provider resumes the authorization.
  const interaction = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const current = provider;
    const form = new URLSearchParams(await readBody(req));
    const accountId = form.get('login') ?? '';
    const details = await current.interactionDetails(req, res);
    if (!users.has(accountId)) {
      await current.interactionFinished(req, res, { error: 'access_denied', error_description: 'unknown user' }, { mergeWithLastSubmission: false });
      return;
    }
    const grant = new current.Grant({ accountId, clientId: details.params.client_id });
    grant.addOIDCScope(details.params.scope);
    const grantId = await grant.save();
    await current.interactionFinished(req, res, { login: { accountId }, consent: { grantId } }, { mergeWithLastSubmission: false });
  };

  const install = (p: ProviderInstance): void => {
    const providerHandler = p.callback();
    handler = (req, res) => {
      if (req.method === 'POST' && req.url?.startsWith('/interaction/')) {
        interaction(req, res).catch(() => {
          if (!res.headersSent) res.writeHead(500);
          res.end();
        });
        return;
      }
      providerHandler(req, res);
    };
  };
  install(provider);

  const idTokenFor = async (user: string, flow: { nonce: string }): Promise<string> => {
    const jar = new CookieJar();
    const go = async (url: string, init: RequestInit = {}): Promise<Response> => {
      const res = await fetch(new URL(url, issuer), {
        ...init,
        redirect: 'manual',
        headers: { ...(init.headers as Record<string, string> | undefined), cookie: jar.header() },
      });
      jar.store(res);
      return res;
    };
    const verifier = randomBytes(32).toString('base64url');
    const state = randomBytes(12).toString('base64url');
    const auth = new URL('/auth', issuer);
    auth.search = new URLSearchParams({
      client_id: clientId,
      response_type: 'code',
      scope: 'openid profile groups',
      redirect_uri: REDIRECT_URI,
      state,
      nonce: flow.nonce,
      prompt: 'login',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();

    let res = await go(auth.href);
    let code: string | undefined;
    for (let hop = 0; hop < 8 && code === undefined; hop++) {
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location) {
        throw new Error(`test IdP: unexpected ${res.status} during the flow: ${(await res.text()).slice(0, 200)}`);
      }
      await res.arrayBuffer();
      const next = new URL(location, issuer);
      if (next.href.startsWith(REDIRECT_URI)) {
        if (next.searchParams.get('state') !== state) throw new Error('test IdP: state mismatch');
        const error = next.searchParams.get('error');
        if (error) throw new Error(`test IdP: authorization failed: ${error}`);
        code = next.searchParams.get('code') ?? undefined;
        break;
      }
      res = next.pathname.startsWith('/interaction/')
        ? await go(next.href, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ login: user }).toString() })
        : await go(next.href);
    }
    if (!code) throw new Error('test IdP: no authorization code');

    const tokenRes = await fetch(new URL('/token', issuer), {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier }).toString(),
    });
    const body = (await tokenRes.json()) as { id_token?: string; error?: string };
    if (!tokenRes.ok || typeof body.id_token !== 'string') {
      throw new Error(`test IdP: token exchange failed: ${tokenRes.status} ${body.error ?? ''}`);
    }
    return body.id_token;
  };

  return {
    issuer,
    clientId,
    idTokenFor,
    async rotateKeys() {
      signingKey = await newSigningKey();
      provider = makeProvider(signingKey);
      install(provider);
      return signingKey.kid as string;
    },
    currentKid: () => signingKey.kid as string,
    keyRequests: () => ({ ...keyRequests }),
    issuerConfig: () => ({ issuer, audience: [clientId], groupsClaim: 'groups' }),
    async close() {
      handler = undefined;
      await new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        server.closeAllConnections();
      });
    },
  };
}
