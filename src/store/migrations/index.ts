import type { Migration } from '../migration.ts';
import { foundation } from './001-foundation.ts';
import { ledger } from './002-ledger.ts';
import { policy } from './003-policy.ts';
import { signalsMigration } from './004-signals.ts';
import { engineMigration } from './005-engine.ts';
import { gatewayMigration } from './006-gateway.ts';
import { revocationsMigration } from './007-revocations.ts';
import { spiffeMigration } from './009-spiffe.ts';
import { eventsMigration } from './008-events.ts';
import { policyLifecycleMigration } from './010-policy-lifecycle.ts';

/** Every migration, in the order it runs. Append only; never edit a released one. */
export const MIGRATIONS: readonly Migration[] = [foundation, ledger, policy, signalsMigration, engineMigration, gatewayMigration, revocationsMigration, spiffeMigration, eventsMigration, policyLifecycleMigration];
