/** The dev server's command line: what npm start, the tests and the benches run Temporal with. */
import { describe, expect, it } from 'vitest';
import { devServerArgs } from '../../scripts/temporal';

const base = { cli: 'temporal', dbFile: '/tmp/t.db', port: 7233, uiPort: 8233 };
const valueOf = (args: string[], flag: string) => args.flatMap((arg, i) => (arg === flag ? [args[i + 1]] : []));

describe('devServerArgs', () => {
  it('registers Hookflow\'s search attributes at start and lets the server cache them', () => {
    const args = devServerArgs(base);
    expect(valueOf(args, '--search-attribute')).toContain('HookflowFlowId=Keyword');
    expect(valueOf(args, '--dynamic-config-value')).toEqual(['system.forceSearchAttributesCacheRefreshOnRead=false']);
  });

  it('keeps start-dev\'s read-through default on a server started without them, where they are added later', () => {
    const args = devServerArgs({ ...base, searchAttributes: false });
    expect(valueOf(args, '--search-attribute')).toEqual([]);
    expect(valueOf(args, '--dynamic-config-value')).toEqual([]);
  });
});
