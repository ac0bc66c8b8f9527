/** The baseline's one activity: POST a small JSON body with undici, fail on a non-2xx answer. */
import { request } from 'undici';

export async function post(url: string, body: Record<string, string>): Promise<void> {
  const response = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  await response.body.dump();
  if (response.statusCode >= 300) throw new Error(`HTTP ${response.statusCode}`);
}
