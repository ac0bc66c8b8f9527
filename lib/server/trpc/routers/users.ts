import { randomBytes } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { procedure, publicProcedure, router } from '../init';
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
  invite: procedure(ADMINS)
    .input(z.object({ email, name: z.string().trim().max(100).default(''), role: z.enum(ROLES) }))
    .mutation(async ({ ctx, input }) => {
      const existing = await ctx.prisma.user.findUnique({ where: { email: input.email } });
      if (existing && existing.passwordHash) throw new TRPCError({ code: 'CONFLICT', message: `${input.email} already has an account` });
      const token = randomBytes(24).toString('base64url');
      const data = { name: input.name, role: input.role, inviteTokenHash: sha256(token), inviteExpiresAt: new Date(Date.now() + INVITE_DAYS * 86400_000), invitedById: ctx.user.id };
      await ctx.prisma.user.upsert({ where: { email: input.email }, create: { email: input.email, ...data }, update: data });
      return { invitePath: `/invite?token=${token}` };
    }),

  updateRole: procedure(ADMINS)
    .input(z.object({ id: z.string(), role: z.enum(ROLES) }))
    .mutation(async ({ ctx, input }) => {
      if (input.id === ctx.user.id && input.role !== 'admin') throw new TRPCError({ code: 'BAD_REQUEST', message: 'You cannot remove your own admin role: ask another admin' });
      await ctx.prisma.$transaction(async (tx) => {
        const user = await tx.user.findUnique({ where: { id: input.id } });
        if (!user) throw new TRPCError({ code: 'NOT_FOUND', message: 'This user no longer exists' });
        if (user.role === 'admin' && input.role !== 'admin') await keepAnAdmin(tx, user);
        await tx.user.update({ where: { id: input.id }, data: { role: input.role } });
      });
      return { ok: true };
    }),

  setDisabled: procedure(ADMINS)
    .input(z.object({ id: z.string(), disabled: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      if (input.id === ctx.user.id) throw new TRPCError({ code: 'BAD_REQUEST', message: 'You cannot disable your own account: ask another admin' });
      await ctx.prisma.$transaction(async (tx) => {
        const user = await tx.user.findUnique({ where: { id: input.id } });
        if (!user) throw new TRPCError({ code: 'NOT_FOUND', message: 'This user no longer exists' });
        if (input.disabled && user.role === 'admin') await keepAnAdmin(tx, user);
        await tx.user.update({ where: { id: input.id }, data: { disabledAt: input.disabled ? new Date() : null } });
        if (input.disabled) await tx.session.deleteMany({ where: { userId: input.id } });
      });
      return { ok: true };
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
      await ctx.prisma.user.update({
        where: { id: user.id },
        data: { passwordHash: await hashPassword(input.password), name: input.name || user.name, inviteTokenHash: null, inviteExpiresAt: null },
      });
      return { email: user.email };
    }),

  setup: publicProcedure
    .input(z.object({ token: z.string().min(1), email, name: z.string().trim().max(100).default(''), password }))
    .mutation(async ({ ctx, input }) => {
      if ((await ctx.prisma.user.count({ where: { role: 'admin' } })) > 0 || !setupTokenValid(input.token)) {
        throw new TRPCError({ code: 'BAD_REQUEST', message: 'This setup link is no longer valid; an admin already exists' });
      }
      await ctx.prisma.user.create({ data: { email: input.email, name: input.name, role: 'admin', passwordHash: await hashPassword(input.password) } });
      consumeSetupToken();
      return { email: input.email };
    }),
});
