import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { jsonErrorOffset } from './json';

describe('jsonErrorOffset', () => {
  it('finds the first offending character', () => {
    expect(jsonErrorOffset('{"a":1,}')).toBe(7);
    expect(jsonErrorOffset('{"a": tru}')).toBe(9);
    expect(jsonErrorOffset('[1 2]')).toBe(3);
    expect(jsonErrorOffset('{"a": "x\ny"}')).toBe(8);
    expect(jsonErrorOffset('1 2')).toBe(2);
    expect(jsonErrorOffset('{"a": 01}')).toBe(7);
  });

  it('a text that ends too early points at its end', () => {
    expect(jsonErrorOffset('')).toBe(0);
    expect(jsonErrorOffset('{"a": 1,')).toBe(8);
    expect(jsonErrorOffset('"abc')).toBe(4);
  });

  it('agrees with JSON.parse on whether any text is valid', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.string()), (text) => {
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        expect(jsonErrorOffset(text) === null).toBe(valid);
      }),
    );
  });
});
