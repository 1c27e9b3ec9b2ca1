/**
 * The stable reason codes of `writ pecs gate`. `ALLOWED` is the only one that lets the
 * job continue; every other code is a deny (exit 1). New codes may be added; existing ones
 * never change meaning.
 *
 * @module
 */

/** Every reason code with its one-line meaning, allow first then denies in check order. */
export const GATE_REASONS = {
  ALLOWED: 'an in-force authorization entry matches the workflow digest and pipeline',
  INVALID_ARGUMENT: 'a gate option is malformed (e.g. --now is not an ISO timestamp)',
  PROFILE_UNREADABLE: 'the profile file cannot be read or parsed',
  PROFILE_INVALID: 'the profile is not a valid PECS document',
  WORKFLOW_UNREADABLE: 'the workflow file cannot be read',
  ENTRY_POINT_UNKNOWN: 'the profile declares no entry point with that id',
  NO_AUTHORIZATION: 'no authorization entry names the entry point',
  NOT_APPROVED: 'the entry is not approved (draft, revoked, or conditional under --require-approval)',
  EXPIRED: 'the entry has expired (approvalStatus expired, or expiresAt not after now)',
  DIGEST_MISMATCH: 'the workflow hash differs from the approved digest (or none is bound)',
  PIPELINE_MISMATCH: "the entry's pipeline binding does not match the workflow, job or environment",
  INTERNAL_ERROR: 'an unexpected error; the gate denies (fail-closed)',
} as const;

/** A gate reason code. */
export type GateReason = keyof typeof GATE_REASONS;
