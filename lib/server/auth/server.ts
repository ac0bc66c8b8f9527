/** The signed-in user for server components and route handlers. */
import { cookies } from 'next/headers';
import { db } from '../db';
import { readSession, SESSION_COOKIE, type Session } from './session';

export async function currentSession(): Promise<Session | null> {
  const store = await cookies();
  return readSession(db(), store.get(SESSION_COOKIE)?.value);
}
