import type { Config } from '../../config/model';

/** Names compare without case, as DNS names do. */
function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** The addresses `ip host` gives a name (a literal address stands for itself). */
export function hostAddresses(config: Readonly<Config>, name: string): string[] {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return [name];
  return config.hosts.filter((h) => sameName(h.name, name)).flatMap((h) => h.addresses);
}

/** The `ip host` names that map to an address, in entry order. */
export function hostNames(config: Readonly<Config>, address: string): string[] {
  return config.hosts.filter((h) => h.addresses.includes(address)).map((h) => h.name);
}

export function namesEqual(a: string, b: string): boolean {
  return sameName(a, b);
}
