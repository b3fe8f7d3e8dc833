import { ROLE_LABELS, ROLES, type Role } from '../../common/roles.ts';

export type { Role };

/** Options for a role Select; only owners may hand out the owner role. */
export function roleOptions(actorRole: Role): { value: Role; label: string }[] {
  return ROLES.filter((role) => role !== 'owner' || actorRole === 'owner').map((role) => ({
    value: role,
    label: ROLE_LABELS[role],
  }));
}

export function isRole(value: string | null): value is Role {
  return value !== null && (ROLES as readonly string[]).includes(value);
}
