import { CliError } from '../cli/cli-error';

/** IOS hostnames: a letter first, then letters, digits and hyphens, at most 63 characters. */
export function checkHostname(name: string): string {
  if (!/^[A-Za-z]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(name)) {
    throw new CliError(`Invalid hostname "${name}": use a letter first, then letters, digits or hyphens (at most 63), not ending in a hyphen`);
  }
  return name;
}

/** DNS names (ip host, ip domain name, peer hostnames): dot-separated labels. */
export function checkDnsName(name: string, what: string): string {
  const label = '[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
  if (name.length > 253 || !new RegExp(`^${label}(\\.${label})*\\.?$`).test(name) || /^[0-9.]+$/.test(name)) {
    throw new CliError(`Invalid ${what} "${name}"`);
  }
  return name.replace(/\.$/, '');
}

/** Names of transform sets, crypto maps, pools: printable, no spaces (the grammar splits words). */
export function checkTag(name: string, what: string, max = 63): string {
  if (name.length > max || !/^[\x21-\x7e]+$/.test(name) || name.includes('"')) {
    throw new CliError(`Invalid ${what} "${name}": at most ${max} printable characters`);
  }
  return name;
}
