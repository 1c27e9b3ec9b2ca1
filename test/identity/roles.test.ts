import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HUMAN_ROLES } from '../../src/identity/human-identity.ts';
import { privilegeLevel, rolesFromGroups } from '../../src/identity/roles.ts';

test('a group named like a role gives that role; other groups give none', () => {
  assert.deepEqual(rolesFromGroups(['platform-security', 'release-management']), []);
  assert.deepEqual(rolesFromGroups(['approver', 'platform-security']), ['approver']);
  for (const role of HUMAN_ROLES) assert.deepEqual(rolesFromGroups([role]), [role]);
});

test('security-officer and security_officer both give security_officer; order and duplicates are normalised', () => {
  assert.deepEqual(rolesFromGroups(['security-officer']), ['security_officer']);
  assert.deepEqual(rolesFromGroups(['security_officer']), ['security_officer']);
  assert.deepEqual(rolesFromGroups(['executive', 'security-officer', 'security_officer', 'viewer']), ['viewer', 'security_officer', 'executive']);
});

test('matching is exact otherwise: case and look-alikes give nothing', () => {
  assert.deepEqual(rolesFromGroups(['Admin', 'ADMIN', 'admins', ' admin', 'admin ', 'executive-assistant', 'not-approver']), []);
});

test('privilege levels: executive L5, security officer L4, everyone else none', () => {
  assert.equal(privilegeLevel({ roles: ['executive'] }), 'L5');
  assert.equal(privilegeLevel({ roles: ['security_officer', 'executive'] }), 'L5');
  assert.equal(privilegeLevel({ roles: ['security_officer'] }), 'L4');
  assert.equal(privilegeLevel({ roles: ['admin', 'approver', 'operator', 'auditor', 'viewer'] }), null);
});
