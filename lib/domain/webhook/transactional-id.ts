/** The idempotency key's variable. Its own module, so the editor can offer it without the template engine. */
export const TRANSACTIONAL_ID_PATH = 'WebhookRequest.TransactionalId';
export const TRANSACTIONAL_ID_VARIABLE = '${WebhookRequest.TransactionalId}';
