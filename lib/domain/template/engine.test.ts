import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compileTemplate, renderTemplate, TemplateError, validateTemplate } from './engine';

const ctx = {
  Customer: { Id: 'c1', Email: 'ada@example.com', FirstName: 'ada', Tags: ['vip', 'beta'], Count: 3, Nested: { deep: true } },
  Event: { Type: 'order.placed', Data: { items: [{ sku: 'A-1', qty: 2 }, { sku: 'B-2', qty: 1 }], total: 19.5 } },
  Webhooks: { crm: { Ok: true, Status: 200, Fields: { tier: 'gold' } } },
};

describe('rendering', () => {
  it('renders ${Path} and Nunjucks tags, loops and conditionals', () => {
    const out = renderTemplate(
      '{"who": "${Customer.Email}", {% if Customer.Count > 2 %}"big": true, {% endif %}"skus": [{% for i in Event.Data.items %}"{{ i.sku }}"{% if not loop.last %},{% endif %}{% endfor %}]}',
      ctx,
      'json',
    );
    expect(JSON.parse(out)).toEqual({ who: 'ada@example.com', big: true, skus: ['A-1', 'B-2'] });
  });

  it('inserts numbers, booleans, arrays and objects as JSON values outside strings', () => {
    const out = renderTemplate('{"n": ${Customer.Count}, "t": ${Event.Data.total}, "tags": ${Customer.Tags}, "o": ${Customer.Nested}, "none": ${Customer.Missing}}', ctx, 'json');
    expect(JSON.parse(out)).toEqual({ n: 3, t: 19.5, tags: ['vip', 'beta'], o: { deep: true }, none: null });
  });

  it('the seed template methods exist as filters', () => {
    const t = (src: string) => renderTemplate(src, ctx, 'text');
    expect(t('${Customer.FirstName | upper}')).toBe('ADA');
    expect(t('${Customer.Email | lower}')).toBe('ada@example.com');
    expect(t('${Customer.FirstName | capitalize}')).toBe('Ada');
    expect(t('{{ "abcdefghij" | truncate(5, true, "…") }}')).toBe('abcde…');
    expect(t('${Customer.Missing | default("friend")}')).toBe('friend');
    expect(t('{{ "" | ifEmpty("n/a") }}')).toBe('n/a');
    expect(t('${Customer.Tags | length}')).toBe('2');
    expect(t('{{ "2026-03-04T05:06:07Z" | date("DD.MM.YYYY HH:mm") }}')).toBe('04.03.2026 05:06');
    expect(t('{{ "2026-03-04T23:30:00Z" | date("YYYY-MM-DD", "Asia/Tokyo") }}')).toBe('2026-03-05');
    expect(renderTemplate('{"tags": ${Customer.Tags | json}}', ctx, 'json')).toBe('{"tags": ["vip","beta"]}');
    expect(renderTemplate('{"tags": "${Customer.Tags | json}"}', ctx, 'json')).toBe('{"tags": "[\\"vip\\",\\"beta\\"]"}');
  });

  it('percent-encodes in URLs and strips line breaks in headers', () => {
    expect(renderTemplate('/u/${Customer.Email}?q=${Event.Type}', { ...ctx, Customer: { Email: 'a b/c?d&e' } }, 'url')).toBe('/u/a%20b%2Fc%3Fd%26e?q=order.placed');
    expect(renderTemplate('Bearer ${Customer.Email}', { Customer: { Email: 'x\r\nX-Evil: 1' } }, 'header')).toBe('Bearer x X-Evil: 1');
  });

  it('reports syntax errors with their line', () => {
    try {
      compileTemplate('{\n  "a": {% if %}\n}');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(TemplateError);
      expect((error as TemplateError).line).toBe(2);
    }
  });

  it('validation names unknown roots', () => {
    expect(validateTemplate('${Customer.Email} {% for x in Event.Data.items %}{{ x.sku }}{% endfor %} ${Webhooks.crm.Fields.tier}')).toEqual([]);
    expect(validateTemplate('${Custome.Email}')).toEqual([{ message: expect.stringContaining('Unknown variable "Custome"') }]);
  });

  it('records literal paths, for idempotency detection and flow validation', () => {
    const paths = compileTemplate('${WebhookRequest.TransactionalId} ${Webhooks.crm.Fields.tier | upper}').paths;
    expect(paths).toContain('WebhookRequest.TransactionalId');
    expect(paths).toContain('Webhooks.crm.Fields.tier');
    expect(paths).not.toContain('upper');
  });
});

describe('JSON bodies stay valid for any customer data', () => {
  const body = '{"email": "${Customer.Email}", "name": "{{ Customer.Name }}", "note": "x ${Customer.Note} y"}';
  it.each([
    ['quotes', 'say "hi"'],
    ['backslashes', 'C:\\path\\'],
    ['newlines and tabs', 'a\nb\r\nc\td'],
    ['unicode', 'Zoë 🚀 \u2028 \u0000'],
    ['template syntax in data', '{{ 7*7 }} ${Customer.Email} {% raw %}'],
  ])('%s', (_label, value) => {
    const out = renderTemplate(body, { Customer: { Email: value, Name: value, Note: value } }, 'json');
    expect(JSON.parse(out)).toEqual({ email: value, name: value, note: `x ${value} y` });
  });

  it('property: any string, number or nested value round-trips exactly', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.jsonValue(), (text, value) => {
        const out = renderTemplate('{"s": "${Customer.S}", "v": ${Customer.V}}', { Customer: { S: text, V: value } }, 'json');
        const parsed = JSON.parse(out);
        expect(parsed.s).toBe(text);
        expect(parsed.v).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 300 },
    );
  });
});

describe('where template errors are', () => {
  it('an unclosed tag is reported on its own line, not line 1', () => {
    expect(validateTemplate('{\n  "a": 1,\n  {% if Customer.Email %}\n  "b": 2 {% endif\n}')).toEqual([
      { message: expect.stringContaining('expected block end in endif statement'), line: 4, column: 10 },
    ]);
    expect(validateTemplate('{\n  "a": 1,\n  {% if Customer.Email %}\n  "b": 2\n}')).toEqual([
      { message: expect.stringContaining('the {% if %} here is never closed'), line: 3, column: 3 },
    ]);
    expect(validateTemplate('line 1\n{% for x in Customer.Tags %}\n{% if x %}\n{% endif %}\n')[0]).toMatchObject({ line: 2, message: expect.stringContaining('{% for %}') });
  });

  it('columns are those of the template as written, after any ${…} on the line', () => {
    const [problem] = validateTemplate('{\n  "a": ${Customer.A}, "b": ${Customer.Email +}\n}');
    expect(problem).toMatchObject({ line: 2, column: 46 });
    // A ${…} spanning lines keeps the lines below it where they are.
    expect(validateTemplate('${Customer.\nEmail}\n{% if %}')[0]).toMatchObject({ line: 3 });
  });

  it('maps a rendered-body JSON error back to the template line that produced it', () => {
    const template = compileTemplate('{\n  "email": "${Customer.Email}",\n  "tier": ${Customer.Tier}\n  "x": 1\n}');
    const text = template.render(ctx, 'json');
    const offset = text.indexOf('"x"');
    expect(template.lineAt(ctx, 'json', offset)).toBe(4);
    // A value stays on the line of its ${…}; text after a loop is on its own line.
    const loop = compileTemplate('{\n"s": [\n{% for i in Event.Data.items %}"${i.sku}",{% endfor %}\n]\n}');
    const rendered = loop.render(ctx, 'json');
    expect(loop.lineAt(ctx, 'json', rendered.indexOf('B-2'))).toBe(3);
    expect(loop.lineAt(ctx, 'json', rendered.lastIndexOf(']'))).toBe(4);
  });

  it('templates cannot carry the characters the engine marks output with', () => {
    expect(() => compileTemplate('a\u0001b')).toThrow(TemplateError);
  });
});
