/**
 * The shared test server (its humans authenticate with ID tokens of the built-in dev
 * identity provider), with the break-glass and policy routes added when build-server
 * does not register them yet.
 */
import { loadConfig } from '../../../src/config/load-config.ts';
import { createLogger } from '../../../src/server/logger.ts';
import { breakGlassRoutes } from '../../../src/server/routes/break-glass.ts';
import { policyRoutes } from '../../../src/server/routes/policy.ts';
import type { ServerDeps } from '../../../src/server/server-deps.ts';
import { startTestServer, type TestServer } from '../../harness/test-server.ts';

/** A {@link TestServer} with the break-glass and policy routes, and shortcuts for credentials. */
export interface HumanTestServer extends TestServer {
  /** The dev IdP (same as `devIdp`). */
  idp: TestServer['devIdp'];
  /** What the added routes were given (config for CLI tests). */
  deps: ServerDeps;
  admin: Record<string, string>;
  /** Headers carrying a fresh ID token of a dev user (alice, bob, carol, dave, erin, frank, grace, mallory). */
  as(user: string): Promise<Record<string, string>>;
}

/** Starts a {@link HumanTestServer}; `close()` it in `after`. */
export async function startHumanServer(): Promise<HumanTestServer> {
  const base = await startTestServer();
  const deps: ServerDeps = {
    config: loadConfig({ env: { WRIT_HOME: base.home }, cwd: base.home }),
    store: base.store,
    keyring: base.keyring,
    clock: base.clock,
    logger: createLogger('trace', base.logs),
    ledger: base.ledger,
    version: 'test',
    oidc: base.oidc,
  };
  if (!base.app.hasRoute({ method: 'POST', url: '/v1/break-glass' })) await base.app.register(async (scope) => breakGlassRoutes(scope, deps));
  if (!base.app.hasRoute({ method: 'POST', url: '/v1/policy/bundles' })) await base.app.register(async (scope) => policyRoutes(scope, deps));
  return {
    ...base,
    idp: base.devIdp,
    deps,
    admin: { authorization: `Bearer ${base.adminToken}` },
    as: async (user) => ({ authorization: `Bearer ${await base.devIdp.issueIdToken(user)}` }),
  };
}
