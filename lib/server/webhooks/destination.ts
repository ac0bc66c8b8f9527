/**
 * Blocked destinations. Hookflow is self-hosted and usually calls services on its own network, so private
 * ranges are allowed by default; link-local addresses (cloud metadata endpoints such as 169.254.169.254)
 * are always blocked. `HOOKFLOW_BLOCKED_NETWORKS` adds CIDR ranges (comma-separated). The check runs on
 * the resolved address at connect time, so a DNS name cannot point past it.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

const ALWAYS_BLOCKED = ['169.254.0.0/16', 'fe80::/10', '0.0.0.0/8', '::/128'];

export class BlockedDestinationError extends Error {
  readonly code = 'HOOKFLOW_BLOCKED';
  constructor(host: string, address: string, range: string) {
    super(`Blocked destination: ${host} resolves to ${address}, which is in the blocked range ${range}`);
    this.name = 'BlockedDestinationError';
  }
}

let cachedSpec: string | undefined;
let cachedRanges: [ipaddr.IPv4 | ipaddr.IPv6, number, string][] = [];

function blockedRanges(): [ipaddr.IPv4 | ipaddr.IPv6, number, string][] {
  const spec = process.env.HOOKFLOW_BLOCKED_NETWORKS ?? '';
  if (spec !== cachedSpec || cachedRanges.length === 0) {
    cachedSpec = spec;
    cachedRanges = [...ALWAYS_BLOCKED, ...spec.split(',').map((s) => s.trim()).filter(Boolean)].map((cidr) => {
      const [address, bits] = ipaddr.parseCIDR(cidr);
      return [address, bits, cidr];
    });
  }
  return cachedRanges;
}

/** The blocked range an address falls in, or null. IPv4-mapped IPv6 addresses are checked as IPv4. */
export function blockedRangeOf(address: string): string | null {
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  for (const [range, bits, cidr] of blockedRanges()) {
    if (parsed.kind() === range.kind() && parsed.match(range, bits)) return cidr;
  }
  return null;
}

/** Rejects a URL whose host is a literal blocked address (names are checked at connect time). */
export async function checkDestination(url: string): Promise<void> {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) {
    const range = blockedRangeOf(host);
    if (range) throw new BlockedDestinationError(host, host, range);
  }
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A `dns.lookup` for undici's connector that refuses blocked addresses. */
export function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const list = addresses as LookupAddress[];
    for (const entry of list) {
      const range = blockedRangeOf(entry.address);
      if (range) return callback(new BlockedDestinationError(hostname, entry.address, range) as unknown as NodeJS.ErrnoException, []);
    }
    if (options.all) return callback(null, list);
    const first = list[0]!;
    callback(null, first.address, first.family);
  });
}
