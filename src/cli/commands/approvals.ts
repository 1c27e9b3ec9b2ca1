import { createPrivateKey, createPublicKey, randomBytes, type JsonWebKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CompactSign, calculateJwkThumbprint } from 'jose';
import type { ApprovalListWire, ApproverKeyListWire, ApproverKeyWire, RegisterApproverKeyResponse, SubmitApprovalResponse } from '../../contracts/approvals.ts';
import type { DecisionWire } from '../../contracts/decisions.ts';
import { APPROVAL_JWS_TYP, approvalBindingNonce, isApprovalNonce } from '../../engine/approvals/model.ts';
import { ClientError, type WritClient } from '../client.ts';
import type { CliContext } from '../context.ts';
import { humanClient, humanIdToken, type HumanTokenOptions } from '../human-token.ts';

/** Options of `writ approve` / `writ reject`. */
interface DecideOptions extends HumanTokenOptions {
  jwsKey?: string;
  nonce?: string;
  ttl?: number;
  printBinding?: boolean;
}

/** Default lifetime of a locally signed approval JWS (capped by the decision's approval_ttl_s). */
const DEFAULT_JWS_TTL_S = 600;

const usage = (message: string) => new ClientError('BAD_REQUEST', message);
const newNonce = () => randomBytes(24).toString('base64url');

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new ClientError('BAD_REQUEST', `cannot read ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, undefined, { cause: err });
  }
}

/**
 * The approval signing key in a PKCS#8 PEM file and its JWS algorithm and kid (the
 * RFC 7638 thumbprint of its public half, as the server computes it).
 *
 * @throws {ClientError} `BAD_REQUEST` when the file is not an Ed25519 or P-256 private key.
 *
 * @example
 * ```ts
 * const { key, alg, kid } = await loadApprovalKey('alice-approver.pem');
 * ```
 */
export async function loadApprovalKey(file: string): Promise<{ key: KeyObject; alg: 'EdDSA' | 'ES256'; kid: string }> {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: readText(file, 'private key'), format: 'pem' });
  } catch (err) {
    if (err instanceof ClientError) throw err;
    throw usage(`--jws-key ${file}: expected a PKCS#8 PEM private key (Ed25519 or P-256)`);
  }
  let alg: 'EdDSA' | 'ES256';
  if (key.asymmetricKeyType === 'ed25519') alg = 'EdDSA';
  else if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') alg = 'ES256';
  else throw usage(`--jws-key ${file}: only Ed25519 (EdDSA) and P-256 (ES256) keys can sign approvals`);
  const pub = createPublicKey(key).export({ format: 'jwk' });
  const kid = await calculateJwkThumbprint({ kty: pub.kty, crv: pub.crv, x: pub.x, ...(pub.y ? { y: pub.y } : {}) } as never, 'sha256');
  return { key, alg, kid };
}

/**
 * The public JWK in a file: a PEM public key (SPKI) or a JWK (JSON). Private keys are
 * refused: only the public half is ever sent.
 *
 * @throws {ClientError} `BAD_REQUEST` for a private key or an unreadable file.
 *
 * @example
 * ```ts
 * const jwk = readPublicJwk('alice-approver.pub.pem'); // { kty: 'OKP', crv: 'Ed25519', x: '…' }
 * ```
 */
export function readPublicJwk(file: string): JsonWebKey {
  const text = readText(file, 'public key').trim();
  const privateHint = `${file} holds a private key; pass its public half (e.g. \`openssl pkey -in KEY -pubout\`)`;
  if (/PRIVATE KEY-----/.test(text)) throw usage(privateHint);
  try {
    if (text.startsWith('{')) {
      const jwk = JSON.parse(text) as JsonWebKey;
      if (typeof jwk === 'object' && jwk !== null && 'd' in jwk) throw usage(privateHint);
      return createPublicKey({ key: jwk, format: 'jwk' }).export({ format: 'jwk' });
    }
    return createPublicKey({ key: text, format: 'pem' }).export({ format: 'jwk' });
  } catch (err) {
    if (err instanceof ClientError) throw err;
    throw usage(`--public-key ${file}: expected a PEM public key or a public JWK (Ed25519 or P-256)`);
  }
}

/** A client able to read decisions: the human's ID token when one is given, else the admin credential. */
async function readerClient(c: CliContext, opts: HumanTokenOptions): Promise<WritClient> {
  if (opts.devUser || opts.idTokenFile) return humanClient(c, await humanIdToken(c, { ...opts }));
  const fromEnv = c.env.WRIT_ID_TOKEN?.trim();
  return fromEnv ? humanClient(c, fromEnv) : c.client();
}

async function signApprovalJws(file: string, decision: DecisionWire, verdict: 'approve' | 'reject', ttl: number | undefined): Promise<string> {
  const { key, alg, kid } = await loadApprovalKey(file);
  const lifetime = Math.min(ttl ?? DEFAULT_JWS_TTL_S, decision.obligations.approval_ttl_s);
  if (!Number.isInteger(lifetime) || lifetime < 1) throw usage('--ttl: expected a whole number of seconds ≥ 1');
  const issuedAt = Math.floor(Date.now() / 1000);
  const claims = {
    decision_id: decision.decision_id,
    decision_hash: decision.decision_hash,
    intent_digest: decision.intent_digest,
    verdict,
    nonce: newNonce(),
    issued_at: issuedAt,
    expires_at: issuedAt + lifetime,
  };
  return new CompactSign(new TextEncoder().encode(JSON.stringify(claims))).setProtectedHeader({ alg, kid, typ: APPROVAL_JWS_TYP }).sign(key);
}

async function decide(c: CliContext, id: string, verdict: 'approve' | 'reject', opts: DecideOptions): Promise<void> {
  const chosen = [opts.devUser, opts.idTokenFile, opts.jwsKey].filter((x) => x !== undefined);
  if (chosen.length > 1) throw usage('use one of --dev-user, --id-token-file and --jws-key');
  if (opts.nonce !== undefined && !isApprovalNonce(opts.nonce)) throw usage('--nonce: expected 22 to 128 base64url characters');
  const withToken = opts.idTokenFile !== undefined || (opts.devUser === undefined && opts.jwsKey === undefined && Boolean(c.env.WRIT_ID_TOKEN?.trim()));
  if (chosen.length === 0 && !withToken && !opts.printBinding) {
    throw new ClientError('IDENTITY_REQUIRED', `${verdict === 'approve' ? 'approving' : 'rejecting'} acts as a person: pass --dev-user NAME (dev mode), --id-token-file FILE with --nonce, or --jws-key FILE`);
  }
  const { decision } = await (await readerClient(c, opts.jwsKey ? {} : opts)).get<{ decision: DecisionWire }>(`/v1/decisions/${encodeURIComponent(id)}`);

  if (opts.printBinding) {
    const nonce = opts.nonce ?? newNonce();
    const binding = { decision_id: decision.decision_id, decision_hash: decision.decision_hash, nonce, id_token_nonce: approvalBindingNonce(decision.decision_hash, nonce) };
    c.out.result(binding, () =>
      [
        `decision        ${binding.decision_id} (${decision.status})`,
        `decision_hash   ${binding.decision_hash}`,
        `approval nonce  ${binding.nonce}`,
        `ID token nonce  ${binding.id_token_nonce}`,
        `Sign in to your IdP with that ID token nonce, then: writ ${verdict} ${id} --id-token-file FILE --nonce ${nonce}`,
      ].join('\n'),
    );
    return;
  }

  let body: Record<string, unknown>;
  if (opts.jwsKey) {
    body = { method: 'jws', jws: await signApprovalJws(opts.jwsKey, decision, verdict, opts.ttl) };
  } else if (opts.devUser) {
    const nonce = newNonce();
    const idToken = await humanIdToken(c, { devUser: opts.devUser }, approvalBindingNonce(decision.decision_hash, nonce));
    body = { method: 'oidc', id_token: idToken, nonce, verdict, decision_hash: decision.decision_hash };
  } else {
    if (opts.nonce === undefined) throw usage('an ID token from a file or WRIT_ID_TOKEN needs --nonce NONCE: the approval nonce its nonce claim binds (see --print-binding)');
    const idToken = await humanIdToken(c, opts.idTokenFile ? { idTokenFile: opts.idTokenFile } : {});
    body = { method: 'oidc', id_token: idToken, nonce: opts.nonce, verdict, decision_hash: decision.decision_hash };
  }
  const res = await c.client().post<SubmitApprovalResponse>(`/v1/decisions/${encodeURIComponent(id)}/approvals`, body);
  const a = res.approval;
  c.out.result(res, () =>
    `${a.verdict === 'approve' ? 'approved' : 'rejected'} ${a.decision_id} as ${a.approver.sub} (${a.approver_groups.join(', ')}; ${a.method}): ` +
    `${res.approvals_counted}/${res.approvals_required} approvals, decision ${res.decision_status}`,
  );
}

const keyLine = (k: ApproverKeyWire) => `${k.kid}  ${k.alg.padEnd(5)} ${k.approver.sub} (${k.approver.iss})  groups: ${k.approver_groups.join(',') || '-'}${k.revoked_at ? '  REVOKED' : ''}`;

/**
 * `writ approve|reject DECISION_ID` (OIDC via `--dev-user` / `--id-token-file` +
 * `--nonce`, or a local approval JWS via `--jws-key`), `writ approvals DECISION_ID`,
 * and `writ approver-key register|list`.
 *
 * @example
 * ```ts
 * registerApprovalCommands(program, context);
 * // writ approve dec_… --dev-user alice --json
 * ```
 */
export function registerApprovalCommands(program: Command, ctx: () => CliContext): void {
  for (const verdict of ['approve', 'reject'] as const) {
    program
      .command(verdict)
      .argument('<decision-id>', 'the pending decision')
      .description(verdict === 'approve' ? 'approve a pending decision (signed, bound to its decision hash)' : 'reject a pending decision (ends it)')
      .option('--dev-user <name>', 'act as a user of the built-in dev IdP (dev mode only)')
      .option('--id-token-file <file>', 'an OIDC ID token whose nonce binds the decision hash and --nonce (or set WRIT_ID_TOKEN)')
      .option('--nonce <nonce>', 'with --id-token-file: the approval nonce the ID token binds')
      .option('--jws-key <file>', 'sign locally with a registered approver key (PKCS#8 PEM, Ed25519 or P-256)')
      .option('--ttl <seconds>', `with --jws-key: approval lifetime (default ${DEFAULT_JWS_TTL_S}, at most the decision's approval_ttl_s)`, (v: string) => Number(v))
      .option('--print-binding', 'print a fresh approval nonce and the ID token nonce to request from your IdP, then exit')
      .action(async (id: string, opts: DecideOptions) => decide(ctx(), id, verdict, opts));
  }

  program
    .command('approvals')
    .argument('<decision-id>', 'the decision')
    .description("list a decision's approvals and its quorum state")
    .option('--dev-user <name>', 'read as a user of the built-in dev IdP (dev mode only)')
    .option('--id-token-file <file>', 'read as the human holding this ID token')
    .action(async (id: string, opts: HumanTokenOptions) => {
      const c = ctx();
      const res = await (await readerClient(c, opts)).get<ApprovalListWire>(`/v1/decisions/${encodeURIComponent(id)}/approvals`);
      c.out.result(res, () =>
        [
          `${res.decision_id}  ${res.decision_status}  ${res.approvals_counted}/${res.approvals_required} approvals from ${res.approver_groups.join(', ') || '(no group)'}`,
          ...res.approvals.map((a) => `  ${a.approval_id}  ${a.verdict.padEnd(7)} ${a.approver.sub} (${a.approver_groups.join(', ')}; ${a.method})  until ${a.expires_at}`),
        ].join('\n'),
      );
    });

  const keys = program.command('approver-key').description('public keys approvers sign approval JWS with');
  keys
    .command('register')
    .requiredOption('--public-key <file>', 'the public key: PEM (SPKI) or JWK, Ed25519 or P-256')
    .option('--dev-user <name>', 'register as a user of the built-in dev IdP (dev mode only)')
    .option('--id-token-file <file>', 'register as the human holding this ID token (or set WRIT_ID_TOKEN)')
    .description('register your approver key (bound to your OIDC identity and groups)')
    .action(async (opts: HumanTokenOptions & { publicKey: string }) => {
      const c = ctx();
      const jwk = readPublicJwk(opts.publicKey);
      const idToken = await humanIdToken(c, opts);
      const res = await humanClient(c, idToken).post<RegisterApproverKeyResponse>('/v1/approver-keys', { public_jwk: jwk });
      c.out.result(res, () => `${res.created ? 'registered' : 'already registered'}: ${keyLine(res.key)}`);
    });
  keys
    .command('list')
    .option('--dev-user <name>', 'read as a user of the built-in dev IdP (dev mode only)')
    .option('--id-token-file <file>', 'read as the human holding this ID token')
    .description('list registered approver keys')
    .action(async (opts: HumanTokenOptions) => {
      const c = ctx();
      const res = await (await readerClient(c, opts)).get<ApproverKeyListWire>('/v1/approver-keys');
      c.out.result(res, () => (res.keys.length === 0 ? 'no approver keys' : res.keys.map(keyLine).join('\n')));
    });
}
