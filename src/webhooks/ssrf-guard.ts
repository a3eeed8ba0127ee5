// Webhook URLs must not reach the inside of the network: an admin key would otherwise probe it (or the
// metadata service of a cloud host) through boxoffice. A URL is refused at creation when it is not http(s)
// or when its host is, or resolves to, a loopback, link-local, private, unique-local, shared, multicast or
// unspecified address; and at send time the connection itself resolves through the same check, so a name
// that later resolves inward (DNS rebinding) is refused before any byte is sent.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

const INWARD = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3], // multicast, reserved and broadcast
] as const)
  INWARD.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fe80::', 10],
  ['fc00::', 7],
  ['ff00::', 8],
] as const)
  INWARD.addSubnet(net, prefix, 'ipv6');

/** Whether the address is one a webhook must not reach (IPv4-mapped IPv6 addresses are checked as IPv4). */
export function isInwardAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped !== null) return INWARD.check(mapped[1] as string, 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return INWARD.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export type UrlRefusal = { code: 'webhook_url_invalid' | 'webhook_url_forbidden'; message: string };

export interface UrlGuard {
  /** true: private addresses are allowed (tests, or receivers on the same private network). */
  readonly allowPrivate: boolean;
  readonly resolve?: (host: string) => Promise<readonly string[]>;
}

/** The URL's form alone: http(s), a host, no credentials in it. */
export function urlShapeRefusal(raw: string): UrlRefusal | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { code: 'webhook_url_invalid', message: 'url is not a valid absolute URL.' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return { code: 'webhook_url_invalid', message: 'url must be http or https.' };
  if (url.username !== '' || url.password !== '')
    return { code: 'webhook_url_invalid', message: 'url must not carry credentials.' };
  if (url.hostname === '') return { code: 'webhook_url_invalid', message: 'url has no host.' };
  return undefined;
}

/** At creation: the form, then every address the host resolves to now. */
export async function urlRefusal(raw: string, guard: UrlGuard): Promise<UrlRefusal | undefined> {
  const shape = urlShapeRefusal(raw);
  if (shape !== undefined || guard.allowPrivate) return shape;
  const host = hostOf(new URL(raw));
  let addresses: readonly string[];
  try {
    addresses = isIP(host) !== 0 ? [host] : await (guard.resolve ?? resolveAll)(host);
  } catch {
    return { code: 'webhook_url_invalid', message: `The host ${host} does not resolve.` };
  }
  if (addresses.length === 0 || addresses.some(isInwardAddress))
    return {
      code: 'webhook_url_forbidden',
      message: `The host ${host} is, or resolves to, a private, loopback or link-local address.`,
    };
  return undefined;
}

/** The hostname without the brackets of an IPv6 literal. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

async function resolveAll(host: string): Promise<string[]> {
  return new Promise((resolve, reject) =>
    dnsLookup(host, { all: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses.map((a) => a.address)),
    ),
  );
}

export class InwardAddressError extends Error {
  readonly code = 'EWEBHOOKINWARD';
}

/**
 * A `lookup` for the sender's connections: resolves as usual and fails when any address is inward, so the
 * address checked is the address connected to.
 */
export const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 0);
    const inward = addresses.find((a) => isInwardAddress(a.address));
    if (inward !== undefined || addresses.length === 0) {
      return callback(
        new InwardAddressError(
          `${hostname} resolves to ${inward?.address ?? 'nothing'}, which webhooks may not reach.`,
        ),
        '',
        0,
      );
    }
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    const first = addresses[0] as LookupAddress;
    callback(null, first.address, first.family);
  });
};
