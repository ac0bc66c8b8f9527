/**
 * Signed requests, by the Standard Webhooks spec (https://www.standardwebhooks.com, docs/signing.md): every
 * request of an integration with signing on carries `webhook-id`, `webhook-timestamp` and
 * `webhook-signature`. After a rotation, requests are signed with both the new and the previous secret for
 * 24 hours, so receivers can switch over without losing a request.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { BuiltRequest } from '../../domain/webhook/request';

/** How long the previous secret still signs after a rotation. */
export const SIGNING_OVERLAP_MS = 24 * 60 * 60 * 1000;

export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** An integration's signing secrets, decrypted. */
export interface SigningKeys {
  current: string;
  previous: string | null;
  rotatedAt: Date | null;
}

/** The secrets a request is signed with now: the current one, and the previous one within the overlap. */
function activeSecrets(keys: SigningKeys, now: Date): string[] {
  const stillPrevious = keys.previous && keys.rotatedAt && now.getTime() - keys.rotatedAt.getTime() < SIGNING_OVERLAP_MS;
  return stillPrevious ? [keys.current, keys.previous!] : [keys.current];
}

/**
 * The request with its signature headers. The id is the TransactionalId when the webhook carries one, so
 * every attempt of one call has the same id, as the spec asks; otherwise a new id per request.
 */
export function signRequest(built: BuiltRequest, keys: SigningKeys | null, transactionalId: string | null, now = new Date()): BuiltRequest {
  if (!keys) return built;
  const id = transactionalId ?? `msg_${randomUUID()}`;
  const body = built.body ?? '';
  const signature = activeSecrets(keys, now)
    .map((secret) => new Webhook(secret).sign(id, now, body))
    .join(' ');
  const headers = [
    ...built.headers.filter((h) => !/^webhook-(id|timestamp|signature)$/i.test(h.name)),
    { name: 'webhook-id', value: id, secret: false },
    { name: 'webhook-timestamp', value: String(Math.floor(now.getTime() / 1000)), secret: false },
    { name: 'webhook-signature', value: signature, secret: false },
  ];
  return { ...built, headers };
}
