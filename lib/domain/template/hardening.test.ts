/**
 * Nunjucks is not a sandbox. These are known server-side template injection payloads for Nunjucks/Jinja
 * and the constructor chains behind them; every one must be rejected or render inert.
 */
import { describe, expect, it } from 'vitest';
import { renderTemplate } from './engine';

const PAYLOADS = [
  '{{ range.constructor("return global.process.mainModule.require(\'child_process\').execSync(\'id\')")() }}',
  '{{ cycler.constructor("return process")() }}',
  '{{ joiner.constructor("return this")() }}',
  '{{ "".constructor.constructor("return process")() }}',
  '{{ ""["constructor"]["constructor"]("return process")() }}',
  '{{ x["constr" + "uctor"]["constr" + "uctor"]("return process")() }}',
  '{% set c = "constructor" %}{{ Customer[c][c]("return process")() }}',
  '{{ Customer.__proto__ }}',
  '{{ Customer["__pro" + "to__"].polluted }}',
  '{{ Customer.Email.toString.call(1) }}',
  '{{ [].map.constructor("return process")() }}',
  '{{ ({}).valueOf() }}',
  '{{ range.apply(null, [1]) }}',
  '{{ lipsum.__globals__.os.popen("id").read() }}',
  '{{ self.__init__.__globals__.__builtins__ }}',
  '{{ config.items() }}',
  '{{ request.application.__globals__ }}',
  '{% macro m() %}{{ caller }}{% endmacro %}{{ m.constructor }}',
  '{% include "/etc/passwd" %}',
  '{% import "x" as y %}',
  '{% extends "/etc/passwd" %}',
  '{{ process.env }}',
  '{{ global.process }}',
  '{{ this }}',
  '{{ constructor }}',
  '{{ Customer.Email.length.constructor("return 1")() }}',
  '{{ Customer | attr("constructor") }}',
  '{{ (Customer | dictsort)[0].constructor }}',
  '{{ Event.Data.items.pop() }}',
  '{% for k, v in Customer %}{{ v.constructor }}{% endfor %}',
  '{% set x = range %}{{ x.constructor }}',
  '{{ range(3).constructor.prototype }}',
];

describe('server-side template injection payloads are inert', () => {
  const context = { Customer: { Email: 'ada@example.com', Name: 'Ada' }, Event: { Data: { items: [1, 2] } } };
  it.each(PAYLOADS)('%s', (payload) => {
    let output: string | null = null;
    try {
      output = renderTemplate(payload, context, 'text');
    } catch (error) {
      // Rejected: fine, as long as it is our clear error and not a side effect.
      expect((error as Error).message.length).toBeGreaterThan(0);
    }
    if (output !== null) {
      expect(output).not.toMatch(/uid=|function|\[native code\]|process|Object|\[object/i);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('bounds loop iterations', () => {
    const big = { Event: { Data: { items: Array.from({ length: 400 }, (_, i) => i) } } };
    expect(() => renderTemplate('{% for a in Event.Data.items %}{% for b in Event.Data.items %}{% endfor %}{% endfor %}', big, 'text')).toThrow(/iterations|longer than/);
  });

  it('bounds output size', () => {
    const big = { Event: { Data: { s: 'x'.repeat(200_000) } } };
    expect(() => renderTemplate('{% for i in range(10) %}${Event.Data.s}{% endfor %}', big, 'text')).toThrow(/larger than/);
  });
});
