/**
 * Joins an integration's root URL and a webhook's path: exactly one slash between them, never `//`, a blank
 * path keeps the root as it is, and a path that starts with `?` or `#` attaches to the root directly.
 */
export function joinUrl(rootUrl: string, path: string): string {
  const root = rootUrl.trim();
  const tail = path.trim();
  if (tail === '') return root;
  if (tail.startsWith('?') || tail.startsWith('#')) {
    if (tail.startsWith('?') && root.includes('?')) return `${root}&${tail.slice(1)}`;
    return root + tail;
  }
  const [rootBase, rootQuery] = splitQuery(root);
  const joined = `${rootBase.replace(/\/+$/, '')}/${tail.replace(/^\/+/, '')}`;
  if (!rootQuery) return joined;
  // A root with its own query keeps it, merged with the path's.
  const [pathBase, pathQuery] = splitQuery(joined);
  return `${pathBase}?${rootQuery}${pathQuery ? `&${pathQuery}` : ''}`;
}

function splitQuery(url: string): [string, string] {
  const index = url.indexOf('?');
  return index === -1 ? [url, ''] : [url.slice(0, index), url.slice(index + 1)];
}

export type RootUrlCheck = { ok: true; url: string } | { ok: false; message: string };

/** A root URL must be absolute http(s) with a host. */
export function checkRootUrl(value: string): RootUrlCheck {
  const trimmed = value.trim();
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return { ok: false, message: 'Enter an absolute URL starting with http:// or https://, for example https://api.example.com' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, message: `The root URL must use http or https, not "${url.protocol.replace(':', '')}"` };
  }
  if (!url.hostname) return { ok: false, message: 'The root URL needs a host name' };
  if (url.username || url.password) {
    return { ok: false, message: 'Put credentials in a secret header (e.g. Authorization), not in the URL' };
  }
  return { ok: true, url: trimmed };
}

/** Appends `name=value` with `?` or `&` as the URL needs. */
export function appendQueryParam(path: string, name: string, value: string): string {
  const hashIndex = path.indexOf('#');
  const base = hashIndex === -1 ? path : path.slice(0, hashIndex);
  const hash = hashIndex === -1 ? '' : path.slice(hashIndex);
  const separator = base.includes('?') ? (base.endsWith('?') || base.endsWith('&') ? '' : '&') : '?';
  return `${base}${separator}${name}=${value}${hash}`;
}
