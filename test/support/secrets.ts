/** Looking for a secret value in anything: as written, URL-encoded and base64, and its credential after a scheme. */
export function secretForms(secret: string): string[] {
  const pieces = [secret, ...secret.split(/\s+/).filter((p) => p.length >= 6 && p !== secret)];
  return [
    ...new Set(
      pieces.flatMap((piece) => [piece, encodeURIComponent(piece), encodeURIComponent(piece).replace(/%20/g, '+'), Buffer.from(piece).toString('base64').replace(/=+$/, ''), Buffer.from(piece).toString('base64url')]),
    ),
  ];
}

/** The forms of `secret` that occur in `haystack` (serialised as JSON when not a string). */
export function leaks(haystack: unknown, secret: string): string[] {
  const text = typeof haystack === 'string' ? haystack : JSON.stringify(haystack);
  return secretForms(secret).filter((form) => text.includes(form));
}
