/**
 * Reading a lifecycle packet file for the readiness gate: JSON or YAML (`read-data-file.ts`).
 *
 * @module
 */
import { readDataFile } from '../dry-run/read-data-file.ts';

/**
 * `reason` of the {@link WritError} thrown for a packet file that cannot be read or parsed.
 *
 * @example
 * ```ts
 * isWritError(err, 'BAD_REQUEST') && err.reason === LIFECYCLE_PACKET_UNREADABLE;
 * ```
 */
export const LIFECYCLE_PACKET_UNREADABLE = 'LIFECYCLE_PACKET_UNREADABLE';

/**
 * Reads and parses a packet file; what the packet contains is the gate's business.
 *
 * @throws {WritError} `BAD_REQUEST` (reason `LIFECYCLE_PACKET_UNREADABLE`) when the file
 * cannot be read or is not JSON or YAML.
 *
 * @example
 * ```ts
 * checkLifecycleReadiness(readLifecyclePacketFile('packet.json'), { requireLive: false });
 * ```
 */
export function readLifecyclePacketFile(file: string): unknown {
  return readDataFile(file, LIFECYCLE_PACKET_UNREADABLE);
}
