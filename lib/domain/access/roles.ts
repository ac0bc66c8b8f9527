/** Roles and what they may do (docs/access.md). Imported by the UI too: no server-only code here. */
export const ROLES = ['admin', 'developer', 'marketer'] as const;
export type Role = (typeof ROLES)[number];

/** Integration access: create and edit integrations, and see secret header values. */
export const INTEGRATION_ACCESS: readonly Role[] = ['admin', 'developer'];
export const EVERYONE: readonly Role[] = [...ROLES];
export const ADMINS: readonly Role[] = ['admin'];

export function hasIntegrationAccess(role: Role | undefined): boolean {
  return role !== undefined && INTEGRATION_ACCESS.includes(role);
}

export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Admin: everything, users included',
  developer: 'Developer: integrations and their secrets, flows and webhooks',
  marketer: 'Marketer: flows and webhooks on existing integrations',
};
