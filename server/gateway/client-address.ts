import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';
import { forwardedForHopsMax, trustedProxiesMax } from '../../shared/limits.ts';

/** IPv4-mapped IPv6 (`::ffff:10.0.0.1`) written as IPv4, so one client counts once. */
function plainAddress(address: string): string {
  return address.toLowerCase().startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

const familyOf = (address: string): 'ipv4' | 'ipv6' | null => {
  const version = isIP(address);
  return version === 4 ? 'ipv4' : version === 6 ? 'ipv6' : null;
};

/**
 * The proxies (load balancers) whose `X-Forwarded-For` Tally believes, by address or CIDR range
 * (`10.0.0.5`, `10.0.0.0/8`, `fd00::/8`). Every other peer's header is ignored: anyone can send one.
 */
export class TrustedProxies {
  readonly #list = new BlockList();
  readonly size: number;

  /** Throws a RangeError naming the first entry that is neither an address nor a CIDR range. */
  constructor(entries: readonly string[]) {
    if (entries.length > trustedProxiesMax) throw new RangeError(`at most ${trustedProxiesMax} trusted proxies, got ${entries.length}`);
    for (const entry of entries) {
      const [address = '', prefix, ...rest] = entry.trim().split('/');
      const family = familyOf(plainAddress(address));
      const bits = prefix === undefined ? null : /^\d{1,3}$/.test(prefix) ? Number(prefix) : Number.NaN;
      const bitsMax = family === 'ipv4' ? 32 : 128;
      if (family === null || rest.length > 0 || (bits !== null && !(bits >= 0 && bits <= bitsMax))) {
        throw new RangeError(`a trusted proxy must be an IP address or a CIDR range such as 10.0.0.0/8, got "${entry}"`);
      }
      if (bits === null) this.#list.addAddress(plainAddress(address), family);
      else this.#list.addSubnet(plainAddress(address), bits, family);
    }
    this.size = entries.length;
  }

  trusts(address: string): boolean {
    const plain = plainAddress(address);
    const family = familyOf(plain);
    return family !== null && this.#list.check(plain, family);
  }
}

/**
 * The client's IP address. Normally the socket's peer; when that peer is a trusted proxy, the
 * address its `X-Forwarded-For` names: read from the right (each proxy appends the peer it saw),
 * past further trusted proxies, to the first that is not one. An entry that is not an address
 * stops the walk at the last good one, and so does forwardedForHopsMax: what lies left of a trusted
 * proxy's entry came from the client and proves nothing.
 */
export function clientAddress(request: IncomingMessage, trustedProxies?: TrustedProxies): string {
  let address = plainAddress(request.socket.remoteAddress ?? 'unknown');
  if (trustedProxies === undefined || trustedProxies.size === 0 || !trustedProxies.trusts(address)) return address;
  const header = request.headers['x-forwarded-for'];
  if (typeof header !== 'string') return address;
  const hops = header.split(',').map((hop) => hop.trim()).reverse().slice(0, forwardedForHopsMax);
  for (const hop of hops) {
    const hopAddress = plainAddress(hop);
    if (familyOf(hopAddress) === null) break;
    address = hopAddress;
    if (!trustedProxies.trusts(address)) break;
  }
  return address;
}
