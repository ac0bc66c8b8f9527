import { describe, expect, it } from 'vitest';
import { loadSettings } from './config';

/** An environment with only these variables. */
const vars = (values: Record<string, string>) => ({ ...values }) as NodeJS.ProcessEnv;

describe('loadSettings', () => {
  it('parses once while the variables stay the same, and again when one changes or is unset', () => {
    const env = vars({ HOOKFLOW_TASK_QUEUE: 'orders', HOOKFLOW_APP_PORT: '3100' });
    const first = loadSettings(env);
    expect(first.HOOKFLOW_APP_PORT).toBe(3100);
    expect(loadSettings({ ...env })).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);

    env.HOOKFLOW_TASK_QUEUE = 'billing';
    const changed = loadSettings(env);
    expect(changed.HOOKFLOW_TASK_QUEUE).toBe('billing');
    expect(changed).not.toBe(first);

    delete env.HOOKFLOW_TASK_QUEUE;
    expect(loadSettings(env).HOOKFLOW_TASK_QUEUE).toBe('hookflow');
  });

  it('tells an empty variable from an unset one', () => {
    expect(loadSettings(vars({})).HOOKFLOW_DATA_DIR).toBe('.data');
    expect(loadSettings(vars({ HOOKFLOW_DATA_DIR: '' })).HOOKFLOW_DATA_DIR).toBe('');
  });

  it('refuses an invalid value every time it is asked, also after a valid parse', () => {
    expect(loadSettings(vars({ HOOKFLOW_APP_PORT: '3000' })).HOOKFLOW_APP_PORT).toBe(3000);
    const invalid = vars({ HOOKFLOW_APP_PORT: 'eighty' });
    expect(() => loadSettings(invalid)).toThrow(/Invalid Hookflow settings in the environment:\n {2}HOOKFLOW_APP_PORT:/);
    expect(() => loadSettings(invalid)).toThrow(/HOOKFLOW_APP_PORT/);
  });
});
