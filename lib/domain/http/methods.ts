/** The HTTP methods a webhook may use. Its own module, so the editor can list them without the template engine. */
export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type Method = (typeof METHODS)[number];
