/**
 * Connector for the output of `aws iam get-account-authorization-details`: users and roles become
 * identities, the resources of their Allow statements become destinations, and CAN_ACCESS edges carry
 * the granted actions (one edge per identity, destination and statement, so every edge cites the
 * statement that grants it). Groups are not identities: their policies expand to their users.
 *
 * Choices: Deny statements subtract actions that match a granted action on the same destination
 * exactly; any other Deny that overlaps a grant (wildcards, conditions, NotAction/NotResource) is
 * flagged `deny-not-applied`. Allow statements with NotAction/NotResource produce no edge and are
 * flagged. `RoleLastUsed.LastUsedDate` becomes one inferred evidence record (grade B) for every
 * destination the role can still access, with action `*` (the output does not say which action) and
 * time = LastUsedDate. This output carries no access keys, so no credentials are produced.
 *
 * @module
 */
import { emptyInventory, type Destination, type Identity, type InventoryEdge, type SourceRef } from '../../model/inventory.ts';
import { accountOfArn, awsIdentityId, destinationForArn, iamPatternMatches, serviceOfAction, serviceOfArn, wildcardDestination } from './aws-ids.ts';
import type { ConnectorResult, ConnectorWarning } from './connector-warning.ts';
import { arrayOf, objectOf, sortedUnique, stringOf, type JsonRecord } from './loose-json.ts';
import { decodePolicyDocument, policyStatements, type PolicyStatement } from './policy-document.ts';
import { crossAccountPrincipals, trustedPrincipals } from './trust-policy.ts';

/** Connector name in every {@link SourceRef} this module produces. @example `AWS_IAM_CONNECTOR === 'aws-iam'` */
export const AWS_IAM_CONNECTOR = 'aws-iam';

/**
 * An AWS identity: an {@link Identity} plus, for roles, the principals its trust policy allows.
 *
 * @example
 * ```ts
 * const role: AwsIamIdentity = { id: 'aws:iam:role/arn:aws:iam::1:role/r', name: 'r', kind: 'cloud-role',
 *   account: '1', trusted_principals: ['service:ec2.amazonaws.com'], source: { connector: 'aws-iam', file: 'a.json' } };
 * ```
 */
export interface AwsIamIdentity extends Identity {
  trusted_principals?: string[];
}

/** A decoded policy document with the pointer where it sits in the input. */
interface LocatedDocument {
  document: JsonRecord;
  pointer: string;
}

/** One (destination, action) pair a statement names. */
interface DestinationActions {
  destination: Destination;
  actions: string[];
}

/**
 * Parses `get-account-authorization-details` output into an inventory and warnings.
 *
 * @example
 * ```ts
 * const json = JSON.parse(readFileSync('auth.json', 'utf8'));
 * const { inventory, warnings } = parseAccountAuthorizationDetails(json, { file: 'auth.json' });
 * inventory.edges.filter((e) => e.kind === 'CAN_ACCESS');
 * ```
 */
export function parseAccountAuthorizationDetails(json: unknown, source: { file: string }): ConnectorResult {
  const root = objectOf(json);
  const warnings: ConnectorWarning[] = [];
  const ref = (pointer: string): SourceRef => ({ connector: AWS_IAM_CONNECTOR, file: source.file, pointer });
  const readDocument = (raw: unknown, pointer: string, identity?: string): LocatedDocument | null => {
    const document = decodePolicyDocument(raw);
    if (document === null) {
      warnings.push({ code: 'unreadable-policy-document', message: `policy document at ${pointer} cannot be decoded`, identity, source: ref(pointer) });
      return null;
    }
    return { document, pointer };
  };

  const managed = new Map<string, unknown>();
  const managedPointer = new Map<string, string>();
  arrayOf(root.Policies).forEach((entry, p) => {
    const policy = objectOf(entry);
    const arn = stringOf(policy.Arn);
    if (arn === undefined) return;
    arrayOf(policy.PolicyVersionList).forEach((versionEntry, v) => {
      const version = objectOf(versionEntry);
      if (version.IsDefaultVersion !== true) return;
      managed.set(arn, version.Document);
      managedPointer.set(arn, `/Policies/${p}/PolicyVersionList/${v}/Document`);
    });
  });

  const attachedDocuments = (attached: unknown, pointer: string, identity: string): LocatedDocument[] =>
    arrayOf(attached).flatMap((entry, a) => {
      const arn = stringOf(objectOf(entry).PolicyArn);
      if (arn === undefined) return [];
      const docPointer = managedPointer.get(arn);
      if (docPointer === undefined) {
        warnings.push({ code: 'unresolved-managed-policy', message: `managed policy ${arn} is not in Policies`, identity, source: ref(`${pointer}/${a}`) });
        return [];
      }
      const located = readDocument(managed.get(arn), docPointer, identity);
      return located ? [located] : [];
    });
  const inlineDocuments = (list: unknown, pointer: string, identity: string): LocatedDocument[] =>
    arrayOf(list).flatMap((entry, i) => {
      const located = readDocument(objectOf(entry).PolicyDocument, `${pointer}/${i}/PolicyDocument`, identity);
      return located ? [located] : [];
    });

  const groups = new Map<string, number>();
  arrayOf(root.GroupDetailList).forEach((entry, g) => {
    const name = stringOf(objectOf(entry).GroupName);
    if (name !== undefined) groups.set(name, g);
  });
  const groupDocuments = (name: string, identity: string): LocatedDocument[] => {
    const g = groups.get(name);
    if (g === undefined) return [];
    const group = objectOf(arrayOf(root.GroupDetailList)[g]);
    return [
      ...inlineDocuments(group.GroupPolicyList, `/GroupDetailList/${g}/GroupPolicyList`, identity),
      ...attachedDocuments(group.AttachedManagedPolicies, `/GroupDetailList/${g}/AttachedManagedPolicies`, identity),
    ];
  };

  const inventory = emptyInventory();
  const identities: AwsIamIdentity[] = [];
  const destinations = new Map<string, Destination>();
  const edges: InventoryEdge[] = [];

  const addIdentity = (identity: AwsIamIdentity, documents: LocatedDocument[]): InventoryEdge[] => {
    identities.push(identity);
    // A managed policy attached twice (or via two groups) is one grant, not two.
    const unique = [...new Map(documents.map((d) => [d.pointer, d])).values()];
    const mine = grantEdges(identity.id, unique, ref, destinations, warnings);
    edges.push(...mine);
    return mine;
  };

  arrayOf(root.UserDetailList).forEach((entry, u) => {
    const user = objectOf(entry);
    const arn = stringOf(user.Arn);
    if (arn === undefined) return;
    const id = awsIdentityId('user', arn);
    const documents = [
      ...inlineDocuments(user.UserPolicyList, `/UserDetailList/${u}/UserPolicyList`, id),
      ...attachedDocuments(user.AttachedManagedPolicies, `/UserDetailList/${u}/AttachedManagedPolicies`, id),
      ...arrayOf(user.GroupList).flatMap((name) => (typeof name === 'string' ? groupDocuments(name, id) : [])),
    ];
    addIdentity({ id, name: stringOf(user.UserName) ?? arn, kind: 'cloud-user', account: accountOfArn(arn), source: ref(`/UserDetailList/${u}`) }, documents);
  });

  arrayOf(root.RoleDetailList).forEach((entry, r) => {
    const role = objectOf(entry);
    const arn = stringOf(role.Arn);
    if (arn === undefined) return;
    const id = awsIdentityId('role', arn);
    const account = accountOfArn(arn);
    const trust = role.AssumeRolePolicyDocument === undefined ? null : readDocument(role.AssumeRolePolicyDocument, `/RoleDetailList/${r}/AssumeRolePolicyDocument`, id);
    const trusted = trust ? trustedPrincipals(trust.document) : [];
    for (const principal of crossAccountPrincipals(trusted, account)) {
      warnings.push({ code: 'cross-account-trust', message: `role ${arn} trusts ${principal}`, identity: id, source: ref(`/RoleDetailList/${r}/AssumeRolePolicyDocument`) });
    }
    const documents = [
      ...inlineDocuments(role.RolePolicyList, `/RoleDetailList/${r}/RolePolicyList`, id),
      ...attachedDocuments(role.AttachedManagedPolicies, `/RoleDetailList/${r}/AttachedManagedPolicies`, id),
    ];
    const identity: AwsIamIdentity = { id, name: stringOf(role.RoleName) ?? arn, kind: 'cloud-role', account, trusted_principals: trusted, source: ref(`/RoleDetailList/${r}`) };
    const roleEdges = addIdentity(identity, documents);
    const lastUsed = stringOf(objectOf(role.RoleLastUsed).LastUsedDate);
    const time = lastUsed === undefined ? undefined : isoTime(lastUsed);
    if (time === undefined) return;
    for (const destination of sortedUnique(roleEdges.map((e) => e.to))) {
      inventory.evidence.push({ identity: id, destination, action: '*', time, kind: 'inferred', source: ref(`/RoleDetailList/${r}/RoleLastUsed`) });
    }
  });

  inventory.identities = identities.sort((a, b) => compare(a.id, b.id));
  inventory.destinations = [...destinations.values()].sort((a, b) => compare(a.id, b.id));
  inventory.edges = edges.sort((a, b) => compare(a.from, b.from) || compare(a.to, b.to) || compare(a.source.pointer ?? '', b.source.pointer ?? ''));
  inventory.evidence.sort((a, b) => compare(a.identity, b.identity) || compare(a.destination, b.destination));
  return { inventory, warnings };
}

/**
 * The CAN_ACCESS edges one identity gets from its documents, after exact Deny subtraction.
 * Registers every destination used in `destinations` (first source wins).
 */
function grantEdges(
  identity: string,
  documents: LocatedDocument[],
  ref: (pointer: string) => SourceRef,
  destinations: Map<string, Destination>,
  warnings: ConnectorWarning[],
): InventoryEdge[] {
  const edges: InventoryEdge[] = [];
  const denies: { statement: PolicyStatement; pointer: string }[] = [];
  for (const { document, pointer } of documents) {
    for (const statement of policyStatements(document)) {
      const statementPointer = `${pointer}${statement.pointerSuffix}`;
      if (statement.effect === 'deny') {
        denies.push({ statement, pointer: statementPointer });
        continue;
      }
      if (statement.notActions.length > 0 || statement.notResources.length > 0) {
        const code = statement.notActions.length > 0 ? 'not-action' : 'not-resource';
        warnings.push({ code, message: `Allow statement with ${code === 'not-action' ? 'NotAction' : 'NotResource'} grants everything not listed; no edge produced`, identity, source: ref(statementPointer) });
        continue;
      }
      for (const { destination, actions } of destinationActions(statement, ref(statementPointer))) {
        if (!destinations.has(destination.id)) destinations.set(destination.id, destination);
        const edge: InventoryEdge = { kind: 'CAN_ACCESS', from: identity, to: destination.id, actions, effect: 'allow', source: ref(statementPointer) };
        if (statement.condition !== undefined) edge.conditions = statement.condition;
        edges.push(edge);
      }
    }
  }
  for (const { statement, pointer } of denies) {
    if (!applyDeny(statement, edges, ref(pointer))) {
      warnings.push({ code: 'deny-not-applied', message: 'Deny statement overlaps granted actions but does not match them exactly (wildcard, condition or NotAction/NotResource); not subtracted', identity, source: ref(pointer) });
    }
  }
  return edges.filter((edge) => (edge.actions ?? []).length > 0);
}

/**
 * Subtracts a Deny's exact matches from `edges`. Returns false when the Deny overlaps a grant it
 * could not subtract exactly (so it must be flagged), true otherwise.
 */
function applyDeny(statement: PolicyStatement, edges: InventoryEdge[], source: SourceRef): boolean {
  const overlaps = (destinationId: string, action: string): boolean =>
    edges.some((edge) => {
      const sameScope = edge.to === destinationId || destinationId.endsWith(':*') || destinationId.includes('*') || edge.to.endsWith(':*');
      return sameScope && (edge.actions ?? []).some((granted) => iamPatternMatches(granted, action) || iamPatternMatches(action, granted));
    });
  if (statement.notActions.length > 0 || statement.notResources.length > 0 || statement.condition !== undefined) {
    const probe = statement.actions.length > 0 ? statement.actions : ['*'];
    return !probe.some((action) => overlaps(`aws:${serviceOfAction(action)}:*`, action));
  }
  let clean = true;
  for (const { destination, actions } of destinationActions(statement, source)) {
    for (const action of actions) {
      let removed = false;
      for (const edge of edges) {
        if (edge.to !== destination.id) continue;
        const before = edge.actions ?? [];
        edge.actions = before.filter((granted) => granted.toLowerCase() !== action.toLowerCase());
        removed ||= edge.actions.length !== before.length;
      }
      if (!removed && overlaps(destination.id, action)) clean = false;
    }
  }
  return clean;
}

/** The destinations a statement's resources name, each with the statement's actions that apply to it. */
function destinationActions(statement: PolicyStatement, source: SourceRef): DestinationActions[] {
  const out: DestinationActions[] = [];
  for (const resource of statement.resources) {
    if (resource === '*') {
      const byService = new Map<string, string[]>();
      for (const action of statement.actions) {
        const service = serviceOfAction(action);
        byService.set(service, [...(byService.get(service) ?? []), action]);
      }
      for (const [service, actions] of byService) out.push({ destination: wildcardDestination(service, source), actions });
      continue;
    }
    const arnService = serviceOfArn(resource);
    const actions = statement.actions.filter((action) => iamPatternMatches(serviceOfAction(action), arnService));
    if (actions.length > 0) out.push({ destination: destinationForArn(resource, source), actions });
  }
  // Several resources may name one destination (`arn:aws:s3:::b` and `arn:aws:s3:::b/*`): merge them.
  const byId = new Map<string, DestinationActions>();
  for (const entry of out) {
    const seen = byId.get(entry.destination.id);
    byId.set(entry.destination.id, seen ? { destination: seen.destination, actions: [...seen.actions, ...entry.actions] } : entry);
  }
  return [...byId.values()].map((entry) => ({ destination: entry.destination, actions: sortedUnique(entry.actions) }));
}

/** The value as an ISO time, or undefined when it is not a date. */
function isoTime(value: string): string | undefined {
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
