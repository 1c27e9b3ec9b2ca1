/**
 * The attestation token claim set, contract "1.0" (DESIGN §3.4; Slice-0
 * `attestation_token_claims.schema.json`): exactly these ten claims.
 *
 * @module
 */

/** Media type in the JWS `typ` header of every attestation token. */
export const ATTESTATION_TOKEN_TYP = 'writ-attestation+jwt';
/** Default token lifetime in seconds. */
export const DEFAULT_TOKEN_TTL_S = 300;

/**
 * Claims of an attestation token.
 *
 * @example
 * ```ts
 * const claims: AttestationClaims = attestationClaims({ decision, jti, kid, issuedAt: 1764000000, ttlSeconds: 300 });
 * ```
 */
export interface AttestationClaims {
  token_schema_version: '1.0';
  decision_hash: string;
  jti: string;
  exp: number;
  issued_at: number;
  action_scope: string;
  policy_bundle_hash: string;
  enforcement_epoch: number;
  exec_identity_hash: string;
  kid: string;
}

/**
 * Builds the claim set for a decision. Times are whole seconds.
 *
 * @example
 * ```ts
 * attestationClaims({ decision, jti: 'k2…', kid: signer.kid, issuedAt: Math.floor(now / 1000), ttlSeconds: 300 }).exp - 300; // issued_at
 * ```
 */
export function attestationClaims(input: {
  decision: { decision_hash: string; action_scope: string; policy_bundle_hash: string; enforcement_epoch: number; exec_identity_hash: string };
  jti: string;
  kid: string;
  issuedAt: number;
  ttlSeconds: number;
}): AttestationClaims {
  const d = input.decision;
  return {
    token_schema_version: '1.0',
    decision_hash: d.decision_hash,
    jti: input.jti,
    exp: input.issuedAt + input.ttlSeconds,
    issued_at: input.issuedAt,
    action_scope: d.action_scope,
    policy_bundle_hash: d.policy_bundle_hash,
    enforcement_epoch: d.enforcement_epoch,
    exec_identity_hash: d.exec_identity_hash,
    kid: input.kid,
  };
}
