import { describe, expect, it } from 'vitest';
import { appendQueryParam, checkRootUrl, joinUrl } from './url';

describe('joinUrl', () => {
  it.each([
    ['https://api.x.com', '', 'https://api.x.com'],
    ['https://api.x.com/', '   ', 'https://api.x.com/'],
    ['https://api.x.com', 'users', 'https://api.x.com/users'],
    ['https://api.x.com/', '/users', 'https://api.x.com/users'],
    ['https://api.x.com//', '//users', 'https://api.x.com/users'],
    ['https://api.x.com/v1', 'users/1', 'https://api.x.com/v1/users/1'],
    ['https://api.x.com/v1/', '?a=1', 'https://api.x.com/v1/?a=1'],
    ['https://api.x.com/v1?key=k', 'users?a=1', 'https://api.x.com/v1/users?key=k&a=1'],
    ['https://api.x.com/v1?key=k', '?a=1', 'https://api.x.com/v1?key=k&a=1'],
    ['https://api.x.com', 'users?next=http://a//b', 'https://api.x.com/users?next=http://a//b'],
  ])('%s + %s', (root, path, expected) => {
    expect(joinUrl(root, path)).toBe(expected);
  });
});

describe('appendQueryParam', () => {
  it('chooses ? or & for the URL as it is', () => {
    expect(appendQueryParam('/orders', 'id', 'X')).toBe('/orders?id=X');
    expect(appendQueryParam('/orders?a=1', 'id', 'X')).toBe('/orders?a=1&id=X');
    expect(appendQueryParam('/orders?', 'id', 'X')).toBe('/orders?id=X');
    expect(appendQueryParam('', 'id', 'X')).toBe('?id=X');
    expect(appendQueryParam('/o#frag', 'id', 'X')).toBe('/o?id=X#frag');
  });
});

describe('checkRootUrl', () => {
  it('accepts absolute http(s) URLs', () => {
    expect(checkRootUrl(' https://api.example.com/v1 ')).toEqual({ ok: true, url: 'https://api.example.com/v1' });
  });
  it.each(['api.example.com', 'ftp://x.com', '/relative', 'https://user:pw@x.com', ''])('rejects %s with a clear message', (value) => {
    const result = checkRootUrl(value);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message.length).toBeGreaterThan(10);
  });
});
