/**
 * What an error banner says: the message a person can act on, never a data path. A refused form carries
 * `fieldErrors` (messages written for people, keyed by field); a raw input-validation message is a JSON list
 * of issues with their paths, of which only the messages are kept.
 */
export function errorMessage(error: unknown): string {
  if (!error) return '';
  const fieldErrors = (error as { data?: { fieldErrors?: Record<string, string[] | undefined> | null } }).data?.fieldErrors;
  const messages = [...new Set(Object.values(fieldErrors ?? {}).flatMap((list) => list ?? []))];
  if (messages.length > 0) return messages.join(' ');
  const message = error instanceof Error ? error.message : String(error);
  if (!message.trimStart().startsWith('[')) return message;
  try {
    const issues: unknown = JSON.parse(message);
    if (!Array.isArray(issues)) return message;
    const texts = [...new Set(issues.map((issue) => (issue as { message?: unknown }).message).filter((m): m is string => typeof m === 'string'))];
    return texts.length > 0 ? texts.join(' ') : 'Something entered is not valid';
  } catch {
    return message;
  }
}
