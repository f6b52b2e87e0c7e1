import { readFileSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import { rootCertificates } from 'node:tls';
import type { NetworkConfig } from '../config/types.js';
import { PipeError } from '../errors.js';
import { redactor } from '../log/redactor.js';

/*
 * How requests reach the network as NetworkConfig says: HTTPS_PROXY, NO_PROXY and the extra CAs.
 */

/** An HTTP(S) proxy that HTTPS requests tunnel through with CONNECT. */
export interface ProxySettings {
  protocol: 'http' | 'https';
  host: string;
  port: number;
  auth?: { username: string; password: string };
}

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

function bareHost(host: string): string {
  return host.replace(/^\[|\]$/g, '').toLowerCase();
}

/**
 * Returns the proxy named by an `HTTPS_PROXY` value (`http://user:pass@proxy:3128`; a missing
 * scheme means `http://`). The password is registered with the redactor.
 * @throws PipeError ERR_CONFIG_INVALID when the value is not an http(s) URL
 */
export function parseProxyUrl(value: string): ProxySettings {
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`);
  } catch {
    throw new PipeError('ERR_CONFIG_INVALID', 'HTTPS_PROXY is not a URL', {
      hint: 'set HTTPS_PROXY to http://host:port (optionally http://user:password@host:port)',
    });
  }
  const port = DEFAULT_PORTS[url.protocol];
  if (port === undefined) {
    throw new PipeError(
      'ERR_CONFIG_INVALID',
      `HTTPS_PROXY uses ${url.protocol}, not http: or https:`,
      {
        hint: 'set HTTPS_PROXY to http://host:port',
      },
    );
  }
  const settings: ProxySettings = {
    protocol: url.protocol === 'https:' ? 'https' : 'http',
    host: bareHost(url.hostname),
    port: url.port === '' ? port : Number(url.port),
  };
  if (url.username !== '' || url.password !== '') {
    const password = redactor.register(decodeURIComponent(url.password));
    settings.auth = { username: decodeURIComponent(url.username), password };
  }
  return settings;
}

function ipv4ToNumber(ip: string): number {
  return ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

function matchesCidr(host: string, entry: string): boolean {
  const [network, bitsText] = entry.split('/');
  const bits = Number(bitsText);
  if (!network || !isIPv4(network) || !isIPv4(host) || !(bits >= 0 && bits <= 32)) return false;
  const size = 2 ** (32 - bits);
  return Math.floor(ipv4ToNumber(host) / size) === Math.floor(ipv4ToNumber(network) / size);
}

// `host:port`, `[v6]:port`, `host` or `[v6]`; a bare IPv6 address has no port.
function splitEntry(entry: string): { host: string; port: number | undefined } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed?.[1]) {
    return { host: bracketed[1], port: bracketed[2] ? Number(bracketed[2]) : undefined };
  }
  const hostPort = /^([^:]+):(\d+)$/.exec(entry);
  if (hostPort?.[1] && hostPort[2]) return { host: hostPort[1], port: Number(hostPort[2]) };
  return { host: entry, port: undefined };
}

function matchesEntry(host: string, port: number, rawEntry: string): boolean {
  if (rawEntry === '*') return true;
  if (rawEntry.includes('/')) return matchesCidr(host, rawEntry);
  const entry = splitEntry(rawEntry);
  if (entry.port !== undefined && entry.port !== port) return false;
  // `.example.com` and `*.example.com` mean the domain and its subdomains, like `example.com`.
  const domain = entry.host.replace(/^\*?\./, '');
  return host === domain || host.endsWith(`.${domain}`);
}

/** Returns true when `NO_PROXY` says `target` is reached directly (curl's matching rules). */
export function isProxyBypassed(target: URL, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  const host = bareHost(target.hostname);
  const port = target.port === '' ? (DEFAULT_PORTS[target.protocol] ?? 0) : Number(target.port);
  return noProxy
    .toLowerCase()
    .split(/[\s,]+/)
    .filter((entry) => entry !== '')
    .some((entry) => matchesEntry(host, port, entry));
}

/**
 * Returns the proxy an HTTPS request to `target` goes through, or undefined for a direct
 * connection. Only `https:` targets use `HTTPS_PROXY`; plain `http:` (loopback only) is direct.
 */
export function proxyFor(
  target: URL,
  proxy: ProxySettings | undefined,
  noProxy: string | undefined,
): ProxySettings | undefined {
  if (!proxy || target.protocol !== 'https:') return undefined;
  return isProxyBypassed(target, noProxy) ? undefined : proxy;
}

/**
 * Returns the CAs a custom agent must trust: Node's bundled roots plus the configured extra
 * file, or undefined (Node's defaults, NODE_EXTRA_CA_CERTS included) when none is configured.
 * @throws PipeError ERR_CONFIG_INVALID when the file cannot be read
 */
export function trustedCas(network: NetworkConfig): string[] | undefined {
  // Passing `ca` replaces Node's store, so keep the bundled roots next to the extra file.
  if (!network.extraCaCertsFile) return undefined;
  try {
    return [...rootCertificates, readFileSync(network.extraCaCertsFile, 'utf8')];
  } catch {
    throw new PipeError(
      'ERR_CONFIG_INVALID',
      `NODE_EXTRA_CA_CERTS file ${network.extraCaCertsFile} cannot be read`,
      {
        hint: 'point NODE_EXTRA_CA_CERTS at a readable PEM file, relative to the clone directory or absolute',
      },
    );
  }
}
