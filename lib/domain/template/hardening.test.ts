/**
 * Nunjucks is not a sandbox. Each hostile payload here is first rendered by plain Nunjucks (a fresh,
 * unhardened copy of the same package) and must misbehave there: run code, reach a function or a host
 * object, change customer data or pollute Object.prototype. Only then is the hardened engine's answer worth
 * checking: the specific error it refuses the payload with, customer data unchanged. So each test fails if
 * the hardening it relies on is removed.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { compileTemplate, renderTemplate } from './engine';

/** A copy of Nunjucks loaded on its own: the engine's hardening patched the shared copy's runtime. */
function plainNunjucks(): { Environment: new (loader: null, options: object) => { renderString(source: string, context: object): string } } {
  const require = createRequire(import.meta.url);
  const shared = Object.keys(require.cache).filter((key) => /[\\/]node_modules[\\/]nunjucks[\\/]/.test(key));
  const saved = shared.map((key) => [key, require.cache[key]] as const);
  for (const key of shared) delete require.cache[key];
  try {
    return require('nunjucks');
  } finally {
    for (const [key, module] of saved) require.cache[key] = module;
  }
}
const plain = new (plainNunjucks().Environment)(null, { autoescape: false });

const fixture = () => ({ Customer: { Email: 'ada@example.com', Name: 'Ada' }, Event: { Data: { items: [1, 2] } } });

/** How plain Nunjucks misbehaved on a payload, or null when it did no harm. */
function plainMisbehaviour(payload: string): string | null {
  const context = fixture();
  let output: string;
  try {
    output = plain.renderString(payload.replace(/\$\{([^{}]*)\}/g, (_m, expr: string) => `{{ ${expr.trim()} }}`), context);
  } catch {
    output = '';
  }
  // Undone at once: a polluted prototype would break the test runner itself.
  const polluted = Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted');
  delete (Object.prototype as Record<string, unknown>).polluted;
  if (polluted) return 'polluted Object.prototype';
  if (JSON.stringify(context) !== JSON.stringify(fixture())) return 'changed customer data';
  if (output.includes('PWNED')) return 'ran code';
  if (/\[object (process|global)\]/.test(output)) return 'reached a host object';
  if (/function|\[native code\]/.test(output)) return 'reached a function';
  return null;
}

/** The hardened engine's error for a payload, with customer data checked unchanged; null if it rendered. */
function hardenedError(payload: string): string | null {
  const context = fixture();
  try {
    renderTemplate(payload, context, 'text');
    return null;
  } catch (error) {
    return (error as Error).message;
  } finally {
    expect(context).toEqual(fixture());
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  }
}

const calling = (name: string) => `Calling functions such as "${name}()" is not allowed in templates; use a filter instead, e.g. {{ value | upper }}`;
const forbidden = (name: string) => `"${name}" is not allowed in templates`;

/** A call the runtime refuses; its name is whatever Nunjucks made of the dynamic lookup. */
const CALL_REFUSED = /^Calling functions such as ".+\(\)" is not allowed in templates; use a filter instead/;

/** [payload, how plain Nunjucks misbehaves, the hardened engine's error] */
const PAYLOADS: [string, string, string | RegExp][] = [
  // Constructor chains to Function: the compile-time check of literal names refuses them.
  ['{{ cycler.constructor("return \'PWNED\'")() }}', 'ran code', forbidden('constructor')],
  ['{{ joiner.constructor("return \'PWNED\'")() }}', 'ran code', forbidden('constructor')],
  ['{{ cycler.constructor("return process")() }}', 'reached a host object', forbidden('constructor')],
  ['{{ "".constructor.constructor("return \'PWNED\'")() }}', 'ran code', forbidden('constructor')],
  ['{{ ""["constructor"]["constructor"]("return \'PWNED\'")() }}', 'ran code', forbidden('constructor')],
  ['{{ [].map.constructor("return \'PWNED\'")() }}', 'ran code', forbidden('constructor')],
  ['${Customer.Email.length.constructor.constructor("return \'PWNED\'")()}', 'ran code', forbidden('constructor')],
  ['{{ Event.Data.items.concat.constructor("return \'PWNED\'")() }}', 'ran code', forbidden('constructor')],
  ['{{ constructor }}', 'reached a function', forbidden('constructor')],
  ['{{ (Customer | dictsort)[0].constructor }}', 'reached a function', forbidden('constructor')],
  ['{% for k, v in Customer %}{{ v.constructor }}{% endfor %}', 'reached a function', forbidden('constructor')],
  ['{% set x = range %}{{ x.constructor }}', 'reached a function', forbidden('constructor')],
  ['{{ Customer.__defineGetter__("Name", range) }}', 'changed customer data', forbidden('__defineGetter__')],
  // Names built at render time get past the compile-time check: the runtime lookups stop them.
  ['{% set c = "constructor" %}{{ Customer[c][c]("return \'PWNED\'")() }}', 'ran code', CALL_REFUSED],
  ['{{ Customer["constr" + "uctor"]["constr" + "uctor"]("return \'PWNED\'")() }}', 'ran code', CALL_REFUSED],
  ['{% set p = "__pro" + "to__" %}{% set g = "__define" + "Getter__" %}{{ Customer[p][g]("polluted", range) }}', 'polluted Object.prototype', CALL_REFUSED],
  ['{% set m = "po" + "p" %}{{ Event.Data.items[m]() }}', 'changed customer data', CALL_REFUSED],
  // Tags that make callable values.
  ['{% macro m() %}{{ caller }}{% endmacro %}{{ m.constructor }}', 'reached a function', 'The "macro" tag is not allowed in Hookflow templates'],
];

describe('hostile payloads that plain Nunjucks falls for are refused', () => {
  it.each(PAYLOADS)('%s', (payload, misbehaviour, error) => {
    expect(plainMisbehaviour(payload)).toBe(misbehaviour);
    if (typeof error === 'string') expect(hardenedError(payload)).toBe(error);
    else expect(hardenedError(payload)).toMatch(error);
  });
});

describe('method calls on customer data', () => {
  /** [payload, the hardened engine's error]: plain Nunjucks calls every one of these. */
  const CALLS: [string, string][] = [
    ['{{ Event.Data.items.pop() }}', calling('pop')],
    ['{{ Event.Data.items.push(3) }}', calling('push')],
    ['{{ Event.Data.items.splice(0, 2) }}', calling('splice')],
    ['{{ Event.Data.items.reverse() }}', calling('reverse')],
    ['{{ Event.Data.items.shift() }}', calling('shift')],
    ['{{ Event.Data.items.fill(0) }}', calling('fill')],
    ['{{ Event.Data.items.sort() }}', calling('sort')],
    ['{{ Customer.Email.toUpperCase() }}', calling('toUpperCase')],
    ['{{ Customer.Email.toString.call(1) }}', forbidden('call')],
    ['{{ Event.Data.items.toString.call(1) }}', forbidden('call')],
    ['{{ Customer.hasOwnProperty("Email") }}', forbidden('hasOwnProperty')],
    ['{{ Customer.__proto__ }}', forbidden('__proto__')],
    ['{{ Event.Data.items.constructor }}', forbidden('constructor')],
  ];

  it.each(CALLS)('%s is refused with its own error and the data is unchanged', (payload, error) => {
    // Plain Nunjucks calls the method: it renders something instead of refusing.
    expect(() => plain.renderString(payload, fixture())).not.toThrow();
    expect(hardenedError(payload)).toBe(error);
  });

  it('the mutating ones really change data in plain Nunjucks', () => {
    for (const method of ['pop()', 'push(3)', 'splice(0, 2)', 'reverse()', 'shift()', 'fill(0)']) {
      expect(plainMisbehaviour(`{{ Event.Data.items.${method} }}`), method).toBe('changed customer data');
    }
  });
});

describe('tags that read other templates or files', () => {
  it.each(['include', 'import', 'extends'])('%s is refused by name', (tag) => {
    const payload = tag === 'import' ? '{% import "x" as y %}' : `{% ${tag} "/etc/passwd" %}`;
    // Plain Nunjucks without a loader fails too, but with "template not found", not with the rule.
    expect(() => plain.renderString(payload, {})).toThrow(/template not found/);
    expect(hardenedError(payload)).toBe(`The "${tag}" tag is not allowed in Hookflow templates`);
  });
});

describe('render limits, each with its own error', () => {
  const items = (n: number) => ({ Event: { Data: { items: Array.from({ length: n }, (_, i) => i) } } });
  const nested = '{% for a in Event.Data.items %}{% for b in Event.Data.items %}{% endfor %}{% endfor %}';
  // A generous time budget, so that only the limit under test can stop these renders.
  const noClock = { maxMillis: 60_000 };

  it('loop iterations: 90,300 pass, 160,400 stop at the iteration limit', () => {
    expect(compileTemplate(nested).render(items(300), 'text', noClock)).toBe('');
    expect(() => compileTemplate(nested).render(items(400), 'text', noClock)).toThrow(/^Template loops ran more than 100000 iterations$/);
    expect(() => compileTemplate(nested).render(items(50), 'text', { ...noClock, maxIterations: 2_000 })).toThrow(/^Template loops ran more than 2000 iterations$/);
  });

  it('output size: 800 KB pass, 2 MB stop at the output limit', () => {
    const big = { Event: { Data: { s: 'x'.repeat(200_000) } } };
    expect(compileTemplate('{% for i in range(4) %}${Event.Data.s}{% endfor %}').render(big, 'text', noClock)).toHaveLength(800_000);
    expect(() => compileTemplate('{% for i in range(10) %}${Event.Data.s}{% endfor %}').render(big, 'text', noClock)).toThrow(/^Rendered output is larger than 1000000 bytes$/);
  });

  it('render time: a render over its time budget stops with the time error', () => {
    const loop = '{% for a in Event.Data.items %}{% for b in Event.Data.items %}${b}{% endfor %}{% endfor %}';
    expect(() => compileTemplate(loop).render(items(300), 'text', { maxMillis: 1 })).toThrow(/^Template took longer than 1 ms to render$/);
  });
});
