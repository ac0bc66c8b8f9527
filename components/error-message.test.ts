import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { errorMessage } from './error-message';

describe('errorMessage', () => {
  it('shows the messages of a refused form, not the fields they are keyed by', () => {
    const error = Object.assign(new Error('headers.0.value: Enter a value'), { data: { fieldErrors: { 'headers.0.value': ['Enter a value'], name: ['Enter a name', 'Enter a value'] } } });
    expect(errorMessage(error)).toBe('Enter a value Enter a name');
  });

  it('keeps only the messages of a raw input-validation error, never its paths', () => {
    const parsed = z.object({ data: z.object({ branches: z.array(z.object({ path: z.string().regex(/^\w+(\.\w+)*$/, 'Enter a variable, like Customer.Tier') })) }) }).safeParse({ data: { branches: [{ path: 'a b' }] } });
    const message = errorMessage(new Error(parsed.error!.message));
    expect(message).toBe('Enter a variable, like Customer.Tier');
    expect(message).not.toContain('branches');
  });

  it('leaves any other message as it is', () => {
    expect(errorMessage(new Error('This flow no longer exists'))).toBe('This flow no longer exists');
    expect(errorMessage('[not json')).toBe('[not json');
    expect(errorMessage(new Error('[1, 2]'))).toBe('Something entered is not valid');
    expect(errorMessage(null)).toBe('');
  });
});
