/**
 * Where webhooks may connect (docs/security.md, "Outbound calls"). Anyone who may create a webhook can make
 * Hookflow call an address and read its answer through a test send, so private, loopback, link-local,
 * CGNAT, multicast and reserved networks (and the IPv6 forms that embed such an IPv4 address: mapped,
 * IPv4-compatible, NAT64, 6to4, Teredo) are closed by default. `HOOKFLOW_ALLOWED_NETWORKS` opens exactly what
 * a deployment needs: CIDR ranges, or `host:port` for one service. `HOOKFLOW_BLOCKED_NETWORKS` closes more.
 *
 * The check runs on every address a name resolves to, at connect time, so DNS cannot point past it; redirects
 * are never followed.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;
type Cidr = [Address, number, string];

const BLOCKED_BY_DEFAULT: [string, string][] = [
  ['0.0.0.0/8', '"this" network'],
  ['10.0.0.0/8', 'private network'],
  ['100.64.0.0/10', 'carrier-grade NAT'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local (cloud metadata)'],
  ['172.16.0.0/12', 'private network'],
  ['192.0.0.0/24', 'IETF protocol assignments'],
  ['192.0.2.0/24', 'documentation'],
  ['192.168.0.0/16', 'private network'],
  ['198.18.0.0/15', 'benchmarking'],
  ['198.51.100.0/24', 'documentation'],
  ['203.0.113.0/24', 'documentation'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved'],
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['100::/64', 'discard'],
  ['fc00::/7', 'unique-local (incl. fd00:ec2::254, cloud metadata)'],
  ['fe80::/10', 'link-local'],
  ['ff00::/8', 'multicast'],
  ['2001:db8::/32', 'documentation'],
];

export class BlockedDestinationError extends Error {
  readonly code = 'HOOKFLOW_BLOCKED';
  constructor(host: string, address: string, why: string) {
    super(
      `Blocked destination: ${host === address ? address : `${host} resolves to ${address}, which`} is in the range ${why}, closed to webhooks by default. ` +
        `To let webhooks call it, add it to HOOKFLOW_ALLOWED_NETWORKS (a range such as ${suggestion(address)}, or ${host.includes(':') ? `[${host}]` : host}:<port> for one service).`,
    );
    this.name = 'BlockedDestinationError';
  }
}

function suggestion(address: string): string {
  return ipaddr.parse(address).kind() === 'ipv4' ? `${address}/32` : `${address}/128`;
}

interface Policy {
  blocked: Cidr[];
  allowed: Cidr[];
  /** `host:port` entries, lower-case */
  allowedServices: Set<string>;
}

let cached: { key: string; policy: Policy } | null = null;

function cidrs(list: [string, string][]): Cidr[] {
  return list.map(([cidr, why]) => {
    const [address, bits] = ipaddr.parseCIDR(cidr);
    return [address, bits, `${why} ${cidr}`];
  });
}

/** The policy from the environment (re-read when it changes, so tests and long-running processes agree). */
function policy(): Policy {
  const allowedSpec = process.env.HOOKFLOW_ALLOWED_NETWORKS ?? '';
  const blockedSpec = process.env.HOOKFLOW_BLOCKED_NETWORKS ?? '';
  const key = `${allowedSpec}|${blockedSpec}`;
  if (cached?.key === key) return cached.policy;
  const entries = (spec: string) => spec.split(',').map((s) => s.trim()).filter(Boolean);
  const isCidr = (entry: string) => entry.includes('/');
  const allowedEntries = entries(allowedSpec);
  const result: Policy = {
    blocked: [...cidrs(BLOCKED_BY_DEFAULT), ...cidrs(entries(blockedSpec).map((cidr) => [cidr, 'HOOKFLOW_BLOCKED_NETWORKS']))],
    allowed: cidrs(allowedEntries.filter(isCidr).map((cidr) => [cidr, 'allowed'])),
    allowedServices: new Set(allowedEntries.filter((e) => !isCidr(e)).map((e) => e.toLowerCase().replace(/^\[|\](?=:)/g, ''))),
  };
  cached = { key, policy: result };
  return result;
}

/** The IPv4 address an IPv6 address carries (mapped, IPv4-compatible, NAT64, 6to4, Teredo), if any. */
function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4[] {
  const parts = address.parts;
  const v4 = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  switch (address.range()) {
    case 'ipv4Mapped':
    case 'rfc6052':
    case 'rfc6145':
      return [v4(parts[6]!, parts[7]!)];
    case '6to4':
      return [v4(parts[1]!, parts[2]!)];
    case 'teredo':
      // The Teredo server, and the client's address, stored inverted.
      return [v4(parts[2]!, parts[3]!), v4(~parts[6]! & 0xffff, ~parts[7]! & 0xffff)];
    default:
      // IPv4-compatible (::a.b.c.d, deprecated): the first 96 bits are zero.
      return parts.slice(0, 6).every((p) => p === 0) && (parts[6]! !== 0 || parts[7]! > 1) ? [v4(parts[6]!, parts[7]!)] : [];
  }
}

function rangeOf(address: Address, ranges: Cidr[]): string | null {
  for (const [range, bits, why] of ranges) if (address.kind() === range.kind() && address.match(range, bits)) return why;
  return null;
}

/** Why an address is blocked (the range it is in), or null when webhooks may connect to it. */
export function blockedRangeOf(address: string): string | null {
  const { blocked, allowed } = policy();
  const parsed = ipaddr.parse(address);
  const candidates: Address[] = [parsed, ...(parsed.kind() === 'ipv6' ? embeddedIPv4(parsed as ipaddr.IPv6) : [])];
  if (candidates.every((candidate) => rangeOf(candidate, allowed) !== null)) return null;
  for (const candidate of candidates) {
    if (rangeOf(candidate, allowed) !== null) continue;
    const why = rangeOf(candidate, blocked);
    if (why) return candidate === parsed ? why : `${why} (embedded in ${address})`;
  }
  return null;
}

/** Whether `HOOKFLOW_ALLOWED_NETWORKS` names this URL's host and port: then it is reachable, whatever it resolves to. */
export function isAllowedService(url: string): boolean {
  const { hostname, port, protocol } = new URL(url);
  const effectivePort = port || (protocol === 'https:' ? '443' : '80');
  return policy().allowedServices.has(`${hostname.replace(/^\[|\]$/g, '').toLowerCase()}:${effectivePort}`);
}

/** Rejects a URL whose host is a literal blocked address (names are checked at connect time). */
export async function checkDestination(url: string): Promise<void> {
  if (isAllowedService(url)) return;
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) {
    const why = blockedRangeOf(host);
    if (why) throw new BlockedDestinationError(host, host, why);
  }
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A `dns.lookup` for undici's connector that refuses a name if any address it resolves to is blocked. */
export function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const list = addresses as LookupAddress[];
    for (const entry of list) {
      const why = blockedRangeOf(entry.address);
      if (why) return callback(new BlockedDestinationError(hostname, entry.address, why) as unknown as NodeJS.ErrnoException, []);
    }
    if (options.all) return callback(null, list);
    const first = list[0]!;
    callback(null, first.address, first.family);
  });
}
