/**
 * Secret header values out of everything recorded or shown: a service may echo a request's headers in its
 * answer (many do, and so do many error pages), URL-encoded or base64-encoded. Every form of every secret
 * value of the integration is replaced before an attempt is stored or a test send is answered, so no later
 * reader depends on a check of its own.
 */
import { SECRET_MASK } from '../../domain/http/headers';
import type { SendOutcome } from './send';

/** Shorter pieces are left alone: masking every "ab" of a body would destroy it for nothing. */
const MIN_SECRET_LENGTH = 6;

/** The value and the credential after a scheme ("Bearer x", "Basic y"), each plain, URL-encoded and base64. */
function variants(secret: string): string[] {
  const pieces = [secret, ...secret.split(/\s+/).filter((piece) => piece !== secret)].filter((piece) => piece.length >= MIN_SECRET_LENGTH);
  const forms = pieces.flatMap((piece) => {
    const base64 = Buffer.from(piece, 'utf8').toString('base64');
    return [piece, encodeURIComponent(piece), encodeURIComponent(piece).replace(/%20/g, '+'), base64, base64.replace(/=+$/, ''), Buffer.from(piece, 'utf8').toString('base64url')];
  });
  // Longest first, so that a value is replaced whole before any of its pieces.
  return [...new Set(forms)].sort((a, b) => b.length - a.length);
}

export type Redactor = (text: string) => string;

/** A function that masks every form of these secret values; the identity when there are none. */
export function secretRedactor(secrets: readonly string[]): Redactor {
  const forms = [...new Set(secrets.flatMap(variants))];
  if (forms.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    for (const form of forms) if (out.includes(form)) out = out.split(form).join(SECRET_MASK);
    return out;
  };
}

/** Masks secrets in every string of a JSON-like value (response headers). */
function redactValues<T>(value: T, redact: Redactor): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactValues(v, redact)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValues(v, redact)])) as T;
  return value;
}

/** A send's outcome with every secret value masked: what is stored, returned to the workflow or shown. */
export function redactOutcome(outcome: SendOutcome, redact: Redactor): SendOutcome {
  return {
    ...outcome,
    headers: redactValues(outcome.headers, redact),
    body: outcome.body === null ? null : redact(outcome.body),
    errorMessage: outcome.errorMessage === null ? null : redact(outcome.errorMessage),
  };
}
