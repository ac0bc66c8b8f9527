import { afterEach, describe, expect, it } from 'vitest';
import { blockedRangeOf, checkDestination, isAllowedService } from './destination';

const saved = { allowed: process.env.HOOKFLOW_ALLOWED_NETWORKS, blocked: process.env.HOOKFLOW_BLOCKED_NETWORKS };
afterEach(() => {
  for (const [name, value] of [['HOOKFLOW_ALLOWED_NETWORKS', saved.allowed], ['HOOKFLOW_BLOCKED_NETWORKS', saved.blocked]] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe('outbound network policy, by default', () => {
  delete process.env.HOOKFLOW_ALLOWED_NETWORKS;
  it.each([
    ['127.0.0.1', 'loopback 127.0.0.0/8'],
    ['127.200.1.1', 'loopback'],
    ['10.1.2.3', 'private network 10.0.0.0/8'],
    ['172.16.0.1', 'private network 172.16.0.0/12'],
    ['172.31.255.255', 'private network'],
    ['192.168.1.10', 'private network 192.168.0.0/16'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['169.254.169.254', 'link-local (cloud metadata)'],
    ['0.0.0.0', '"this" network'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::1', 'loopback ::1/128'],
    ['::', 'unspecified'],
    ['fe80::1', 'link-local fe80::/10'],
    ['fd00:ec2::254', 'unique-local (incl. fd00:ec2::254, cloud metadata)'],
    ['fc00::1', 'unique-local'],
    ['ff02::1', 'multicast'],
    // IPv6 forms that carry a blocked IPv4 address
    ['::ffff:127.0.0.1', 'loopback 127.0.0.0/8 (embedded in ::ffff:127.0.0.1)'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::127.0.0.1', 'loopback 127.0.0.0/8 (embedded'],
    ['::a9fe:a9fe', 'link-local (cloud metadata) 169.254.0.0/16 (embedded'],
    ['64:ff9b::a9fe:a9fe', 'link-local (cloud metadata) 169.254.0.0/16 (embedded'],
    ['64:ff9b::10.0.0.1', 'private network 10.0.0.0/8 (embedded'],
    ['2002:a9fe:a9fe::1', 'link-local (cloud metadata) 169.254.0.0/16 (embedded'],
    ['2002:7f00:1::', 'loopback 127.0.0.0/8 (embedded'],
    // Teredo: server 127.0.0.1, or a client address (stored inverted) of 10.0.0.1
    ['2001:0:7f00:1::', 'loopback 127.0.0.0/8 (embedded'],
    ['2001:0:4136:e378:8000:63bf:f5ff:fffe', 'private network 10.0.0.0/8 (embedded'],
  ])('blocks %s (%s)', (address, why) => {
    expect(blockedRangeOf(address)).toContain(why);
  });

  it.each(['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1'])('lets %s through', (address) => {
    expect(blockedRangeOf(address)).toBeNull();
  });

  it('refuses a literal blocked address in a URL and says which setting opens it', async () => {
    await expect(checkDestination('http://169.254.169.254/latest/meta-data')).rejects.toThrow(/Blocked destination: 169\.254\.169\.254 is in the range link-local.*HOOKFLOW_ALLOWED_NETWORKS/);
    await expect(checkDestination('http://[::1]:8080/x')).rejects.toThrow(/HOOKFLOW_ALLOWED_NETWORKS \(a range such as ::1\/128, or \[::1\]:<port>/);
    await expect(checkDestination('https://api.example.com/x')).resolves.toBeUndefined();
  });
});

describe('HOOKFLOW_ALLOWED_NETWORKS and HOOKFLOW_BLOCKED_NETWORKS', () => {
  it('opens exactly the ranges named', () => {
    process.env.HOOKFLOW_ALLOWED_NETWORKS = '10.20.0.0/16, 127.0.0.1/32';
    expect(blockedRangeOf('10.20.3.4')).toBeNull();
    expect(blockedRangeOf('10.21.3.4')).toContain('private network');
    expect(blockedRangeOf('127.0.0.1')).toBeNull();
    expect(blockedRangeOf('127.0.0.2')).toContain('loopback');
    // An IPv6 form of an allowed IPv4 address is allowed too; of another one, not.
    expect(blockedRangeOf('::ffff:127.0.0.1')).toBeNull();
    expect(blockedRangeOf('::ffff:127.0.0.2')).toContain('loopback');
  });

  it('opens one service by host:port, whatever it resolves to, and nothing else on that host', async () => {
    process.env.HOOKFLOW_ALLOWED_NETWORKS = '127.0.0.1:4010,receiver.internal:8080,[::1]:9000';
    expect(isAllowedService('http://127.0.0.1:4010/hook')).toBe(true);
    expect(isAllowedService('http://127.0.0.1:4011/hook')).toBe(false);
    expect(isAllowedService('http://receiver.internal:8080/x')).toBe(true);
    expect(isAllowedService('https://receiver.internal/x')).toBe(false);
    expect(isAllowedService('http://[::1]:9000/x')).toBe(true);
    await expect(checkDestination('http://127.0.0.1:4010/hook')).resolves.toBeUndefined();
    await expect(checkDestination('http://127.0.0.1:4011/hook')).rejects.toThrow(/Blocked destination/);
  });

  it('closes more ranges with HOOKFLOW_BLOCKED_NETWORKS', () => {
    process.env.HOOKFLOW_BLOCKED_NETWORKS = '203.0.114.0/24';
    expect(blockedRangeOf('203.0.114.9')).toContain('HOOKFLOW_BLOCKED_NETWORKS 203.0.114.0/24');
  });
});
