/** POST /api/events requests as a client sends them, for tests that call the route handler directly. */

/** `body`: an object (sent as JSON) or text as it is; `key`: sent as a Bearer key, or nothing when null. */
export function eventRequest(body: unknown, key: string | null): Request {
  return new Request('http://localhost/api/events', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}
