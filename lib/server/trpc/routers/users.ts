import { randomBytes } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { auditedProcedure, notFound, procedure, publicProcedure, router } from '../init';
import { recordAudit } from '../../audit';
import { ADMINS, EVERYONE, ROLES } from '../../../domain/access/roles';
import { hashPassword, MIN_PASSWORD_LENGTH } from '../../auth/password';
import { sha256 } from '../../auth/session';
import { consumeSetupToken, setupTokenValid } from '../../auth/bootstrap';
import type { Prisma } from '../../../generated/prisma/client';

const INVITE_DAYS = 7;
const password = z.string().min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters`).max(200);
const email = z.string().trim().toLowerCase().email('Enter a valid email address');

export const usersRouter = router({
  me: procedure(EVERYONE).query(({ ctx }) => ctx.user),

  list: procedure(ADMINS).query(async ({ ctx }) => {
    const users = await ctx.prisma.user.findMany({ orderBy: { createdAt: 'asc' } });
    return users.map((u) => ({
      id: u.id,
      email: u.email,
      name: u.name,
      role: u.role,
      disabled: u.disabledAt !== null,
      invitePending: u.passwordHash === null,
      lastLoginAt: u.lastLoginAt,
    }));
  }),

  /** Creates the user and returns a one-time invite link path (no email is sent). */
  invite: auditedProcedure(ADMINS)
    .input(z.object({ email, name: z.string().trim().max(100).default(''), role: z.enum(ROLES) }))
    .mutation(async ({ ctx, input }) => {
      const existing = await ctx.tx.user.findUnique({ where: { email: input.email } });
      if (existing && existing.passwordHash) throw new TRPCError({ code: 'CONFLICT', message: `${input.email} already has an account` });
      const token = randomBytes(24).toString('base64url');
      const data = { name: input.name, role: input.role, inviteTokenHash: sha256(token), inviteExpiresAt: new Date(Date.now() + INVITE_DAYS * 86400_000), invitedById: ctx.user.id };
      const invited = await ctx.tx.user.upsert({ where: { email: input.email }, create: { email: input.email, ...data }, update: data });
      await ctx.audit({ action: 'user.invite', entityType: 'user', entityId: invited.id, entityName: input.email, details: { role: input.role, renewed: existing !== null } });
      return { invitePath: `/invite?token=${token}` };
    }),

  updateRole: auditedProcedure(ADMINS)
    .input(z.object({ id: z.string(), role: z.enum(ROLES) }))
    .mutation(async ({ ctx, input }) => {
      if (input.id === ctx.user.id && input.role !== 'admin') throw new TRPCError({ code: 'BAD_REQUEST', message: 'You cannot remove your own admin role: ask another admin' });
      const before = await ctx.tx.user.findUnique({ where: { id: input.id } });
      if (!before) throw new TRPCError({ code: 'NOT_FOUND', message: 'This user no longer exists' });
      // Checked in the audited transaction, so two demotions at once cannot both pass.
      if (before.role === 'admin' && input.role !== 'admin') await keepAnAdmin(ctx.tx, before);
      await ctx.tx.user.update({ where: { id: input.id }, data: { role: input.role } });
      await ctx.audit({ action: 'user.role', entityType: 'user', entityId: input.id, entityName: before.email, details: { role: { from: before.role, to: input.role } } });
      return { ok: true };
    }),

  setDisabled: auditedProcedure(ADMINS)
    .input(z.object({ id: z.string(), disabled: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      if (input.id === ctx.user.id) throw new TRPCError({ code: 'BAD_REQUEST', message: 'You cannot disable your own account: ask another admin' });
      const before = await ctx.tx.user.findUnique({ where: { id: input.id } });
      if (!before) throw new TRPCError({ code: 'NOT_FOUND', message: 'This user no longer exists' });
      if (input.disabled && before.role === 'admin') await keepAnAdmin(ctx.tx, before);
      const user = await ctx.tx.user.update({ where: { id: input.id }, data: { disabledAt: input.disabled ? new Date() : null } }).catch(notFound('This user no longer exists'));
      const ended = input.disabled ? (await ctx.tx.session.deleteMany({ where: { userId: input.id } })).count : 0;
      await ctx.audit({ action: input.disabled ? 'user.disable' : 'user.enable', entityType: 'user', entityId: input.id, entityName: user.email, details: input.disabled ? { sessionsEnded: ended } : {} });
      return { ok: true };
    }),

  /** Signs the user out everywhere: every session ends at once (their next request asks them to sign in). */
  revokeSessions: auditedProcedure(ADMINS)
    .input(z.object({ id: z.string() }))
    .mutation(async ({ ctx, input }) => {
      const user = await ctx.tx.user.findUnique({ where: { id: input.id }, select: { email: true } });
      if (!user) throw new TRPCError({ code: 'NOT_FOUND', message: 'This user no longer exists' });
      // Your own current session stays, so you are not signed out by your own click.
      const keep = input.id === ctx.user.id && ctx.session ? { NOT: { id: ctx.session.id } } : {};
      const { count } = await ctx.tx.session.deleteMany({ where: { userId: input.id, ...keep } });
      await ctx.audit({ action: 'user.revoke-sessions', entityType: 'user', entityId: input.id, entityName: user.email, details: { sessionsEnded: count } });
      return { sessionsEnded: count };
    }),
});

/** Refuses a change that would leave no admin who can sign in (checked in the change's transaction). */
async function keepAnAdmin(tx: Prisma.TransactionClient, user: { id: string; email: string }): Promise<void> {
  const others = await tx.user.count({ where: { role: 'admin', disabledAt: null, passwordHash: { not: null }, id: { not: user.id } } });
  if (others === 0) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: `${user.email} is the last admin who can sign in: make someone else an admin first` });
  }
}

/** Calls made before signing in. */
export const accountRouter = router({
  /** What the invite page shows: whose account it sets up and who invited them (nothing when the link is bad). */
  invite: publicProcedure.input(z.object({ token: z.string().min(1).max(200) })).query(async ({ ctx, input }) => {
    const user = await ctx.prisma.user.findUnique({ where: { inviteTokenHash: sha256(input.token) } });
    if (!user || !user.inviteExpiresAt || user.inviteExpiresAt < new Date()) return { valid: false as const };
    const inviter = user.invitedById ? await ctx.prisma.user.findUnique({ where: { id: user.invitedById }, select: { name: true, email: true } }) : null;
    return { valid: true as const, email: user.email, name: user.name, role: user.role, invitedBy: inviter ? inviter.name || inviter.email : null };
  }),

  acceptInvite: publicProcedure
    .input(z.object({ token: z.string().min(1), name: z.string().trim().max(100).default(''), password }))
    .mutation(async ({ ctx, input }) => {
      const user = await ctx.prisma.user.findUnique({ where: { inviteTokenHash: sha256(input.token) } });
      if (!user || !user.inviteExpiresAt || user.inviteExpiresAt < new Date()) {
        throw new TRPCError({ code: 'BAD_REQUEST', message: 'This invite link is invalid or has expired; ask an admin for a new one' });
      }
      const passwordHash = await hashPassword(input.password);
      await ctx.prisma.$transaction(async (tx) => {
        await tx.user.update({ where: { id: user.id }, data: { passwordHash, name: input.name || user.name, inviteTokenHash: null, inviteExpiresAt: null } });
        await recordAudit(tx, { id: user.id, label: `user ${user.email}` }, { action: 'user.accept-invite', entityType: 'user', entityId: user.id, entityName: user.email, details: { role: user.role } });
      });
      return { email: user.email };
    }),

  setup: publicProcedure
    .input(z.object({ token: z.string().min(1), email, name: z.string().trim().max(100).default(''), password }))
    .mutation(async ({ ctx, input }) => {
      if ((await ctx.prisma.user.count({ where: { role: 'admin' } })) > 0 || !setupTokenValid(input.token)) {
        throw new TRPCError({ code: 'BAD_REQUEST', message: 'This setup link is no longer valid; an admin already exists' });
      }
      const passwordHash = await hashPassword(input.password);
      await ctx.prisma.$transaction(async (tx) => {
        const admin = await tx.user.create({ data: { email: input.email, name: input.name, role: 'admin', passwordHash } });
        await recordAudit(tx, { id: admin.id, label: `user ${admin.email}` }, { action: 'user.setup', entityType: 'user', entityId: admin.id, entityName: admin.email, details: { role: 'admin' } });
      });
      consumeSetupToken();
      return { email: input.email };
    }),
});
