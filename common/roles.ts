/** Staff roles, from most to least powerful where they are comparable. */
export const ROLES = ['owner', 'admin', 'organizer', 'texter', 'moderator', 'analyst'] as const;
export type Role = (typeof ROLES)[number];

const everyone: readonly Role[] = ROLES;
const managers: readonly Role[] = ['owner', 'admin'];

/** What each role may do. Routes name a permission; the HTTP layer checks it for every request. */
export const PERMISSIONS = {
  'workspace.read': everyone,
  'workspace.manage': managers,
  'users.read': ['owner', 'admin', 'organizer'],
  'users.manage': managers,
  'api_keys.manage': managers,
  'audit.read': managers,
  'jobs.read': managers,
  'jobs.manage': managers,
  'members.read': ['owner', 'admin', 'organizer', 'texter', 'moderator', 'analyst'],
  'members.write': ['owner', 'admin', 'organizer'],
  'members.export': ['owner', 'admin', 'organizer'],
  'members.erase': managers,
  'communities.read': everyone,
  'communities.manage': ['owner', 'admin', 'organizer'],
  'imports.manage': ['owner', 'admin', 'organizer'],
  'messaging.read': ['owner', 'admin', 'organizer', 'texter', 'analyst'],
  'broadcasts.manage': ['owner', 'admin', 'organizer'],
  'channels.manage': managers,
  'compliance.manage': managers,
  'simulator.use': ['owner', 'admin', 'organizer', 'texter'],
  'keywords.manage': ['owner', 'admin', 'organizer'],
  'surveys.read': ['owner', 'admin', 'organizer', 'texter', 'analyst'],
  'surveys.manage': ['owner', 'admin', 'organizer'],
  /** See conversations: texters see their own and unassigned ones; inbox.manage sees all. */
  'inbox.read': ['owner', 'admin', 'organizer', 'texter', 'analyst'],
  'inbox.reply': ['owner', 'admin', 'organizer', 'texter'],
  /** Every conversation, reassignment, canned responses. */
  'inbox.manage': ['owner', 'admin', 'organizer'],
  'p2p.manage': ['owner', 'admin', 'organizer'],
  'p2p.text': ['owner', 'admin', 'organizer', 'texter'],
  'actions.read': everyone,
  'actions.manage': ['owner', 'admin', 'organizer'],
  /** Checking people in at an event (a leader at the door). */
  'events.checkin': ['owner', 'admin', 'organizer', 'moderator'],
  /** Approving or rejecting the stories members submit. */
  'stories.moderate': ['owner', 'admin', 'organizer', 'moderator'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

export const ROLE_LABELS: Record<Role, string> = {
  owner: 'Owner',
  admin: 'Admin',
  organizer: 'Organizer',
  texter: 'Texter',
  moderator: 'Moderator',
  analyst: 'Analyst (read-only)',
};
