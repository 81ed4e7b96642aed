import type { Logger } from 'pino';
import type { AclEntry, Config } from '../../config/model';
import type { IpsecMode, IpsecProto, PolicySpec, PolicyTemplate, SadBackend, Selector } from '../../kernel/sad-backend';
import { SadError } from '../../kernel/sad-error';
import { selectorKey } from '../../kernel/selector';
import type { CapabilityOracle } from '../policy/capabilities';
import { entryAcl } from '../policy/crypto-map-lookup';
import { hostAddresses } from '../policy/host-names';
import { entryProposals } from '../policy/phase2-offer';
import { aclProxy } from '../policy/proxy-id';
import type { IpsecSa } from '../sa/ipsec-sa';
import { flowKey } from './flows';
import type { Reqids } from './reqids';
import { aclSelector, proxySelector, reversed } from './selectors';

/** Where a policy comes from: a line of a crypto map entry's ACL, on an interface. */
export interface PolicyOrigin {
  readonly interfaceName: string;
  /** The interface's address: our tunnel endpoint. */
  readonly local: string;
  readonly tag: string;
  readonly seq: number;
  readonly line: AclEntry;
  readonly peer: string;
}

/** A policy the kernel should hold; `origin` is absent for one standing for a negotiated SA. */
export interface DesiredPolicy {
  readonly spec: PolicySpec;
  readonly origin?: PolicyOrigin;
}

/**
 * Lower is stronger. Policies for SAs whose traffic no crypto map line names exactly (dynamic
 * maps, proxies a peer narrowed) come first: they are the more specific. Then the crypto map
 * lines in map, sequence and ACL order.
 */
const SA_PRIORITY = 1000;
const CONFIG_PRIORITY = 2000;

interface Bundle {
  readonly protocols: readonly IpsecProto[];
  readonly mode: IpsecMode;
  readonly reqid: number;
}

function templates(bundle: Bundle, src: string, dst: string): PolicyTemplate[] {
  // XFRM applies templates innermost first: ESP, then AH around it.
  const order = [...bundle.protocols].sort((a, b) => (a === b ? 0 : a === 'esp' ? -1 : 1));
  return order.map((proto) => ({
    proto, mode: bundle.mode, reqid: bundle.reqid, level: 'required',
    ...(bundle.mode === 'tunnel' ? { src, dst } : {}),
  }));
}

/**
 * Out, in and (tunnel mode) fwd policies for traffic from `selector`'s source to its
 * destination between our `local` endpoint and `peer`. Without a bundle (an ACL deny line)
 * the traffic passes in clear.
 */
function policies(selector: Selector, bundle: Bundle | undefined, local: string, peer: string, priority: number): PolicySpec[] {
  const spec = (s: Selector, dir: PolicySpec['dir'], t: PolicyTemplate[]): PolicySpec => ({ selector: s, dir, action: 'allow', priority, templates: t });
  // In and fwd share their selector and templates: one copy per tunnel, not two.
  const back = reversed(selector);
  const inbound = bundle ? templates(bundle, peer, local) : [];
  const out = [spec(selector, 'out', bundle ? templates(bundle, local, peer) : []), spec(back, 'in', inbound)];
  if (bundle?.mode === 'tunnel') out.push(spec(back, 'fwd', inbound));
  return out;
}

/** Policy keys are joined: kept as Map keys, a template literal's rope would hold its flattened copy besides. */
function policyKey(spec: PolicySpec): string {
  return [spec.dir, selectorKey(spec.selector)].join(' ');
}

/**
 * The policies the configuration and the live SAs call for: every line of the ACL of every
 * static crypto map entry applied to an interface with an address (the first transform set
 * decides protocols and mode), then one set per SA whose traffic no such line names.
 */
export function desiredPolicies(
  config: Readonly<Config>,
  engine: CapabilityOracle,
  reqids: Reqids,
  sas: readonly IpsecSa[],
): Map<string, DesiredPolicy> {
  const desired = new Map<string, DesiredPolicy>();
  // The first occurrence of a selector wins, as the first matching crypto map entry does.
  const add = (spec: PolicySpec, origin?: PolicyOrigin): void => {
    const key = policyKey(spec);
    if (!desired.has(key)) desired.set(key, origin ? { spec, origin } : { spec });
  };
  let n = 0;
  for (const iface of config.interfaces) {
    if (!iface.address || iface.cryptoMap === undefined) continue;
    const map = config.cryptoMaps.find((m) => m.tag === iface.cryptoMap);
    for (const entry of map?.entries ?? []) {
      if (!map || entry.dynamicMap !== undefined) continue;
      const peer = entry.peers.flatMap((p) => hostAddresses(config, p))[0];
      const acl = entryAcl(config, entry);
      const set = entryProposals(config, entry, engine)[0];
      if (peer === undefined || !acl || !set) continue;
      for (const line of acl) {
        const selector = aclSelector(line);
        const local = aclProxy(line.source);
        const remote = aclProxy(line.destination);
        if (!selector || !local || !remote) continue;
        const origin: PolicyOrigin = { interfaceName: iface.name, local: iface.address.address, tag: map.tag, seq: entry.seq, line, peer };
        const bundle: Bundle = { protocols: set.suites.map((s) => s.protocol), mode: set.mode, reqid: reqids.of(flowKey(peer, local, remote)) };
        const specs = policies(selector, line.action === 'permit' ? bundle : undefined, origin.local, peer, CONFIG_PRIORITY + n++);
        for (const spec of specs) add(spec, origin);
      }
    }
  }
  for (const sa of sas) {
    const specs = saPolicies(reqids, sa, (key) => desired.has(key));
    for (const spec of specs) add(spec);
  }
  return desired;
}

/**
 * The policies an SA calls for when no policy (`present`, by key) covers its traffic yet:
 * those a peer's proxy brought (dynamic maps, narrowed proxies). Empty otherwise.
 */
function saPolicies(reqids: Reqids, sa: IpsecSa, present: (key: string) => boolean): PolicySpec[] {
  const selector = proxySelector(sa.localProxy, sa.remoteProxy);
  if (!selector || present(outKey(selector))) return [];
  const reqid = reqids.of(flowKey(sa.remote.address, sa.localProxy, sa.remoteProxy));
  const bundle: Bundle = { protocols: sa.protocols.map((p) => p.protocol), mode: sa.mode, reqid };
  return policies(selector, bundle, sa.local.address, sa.remote.address, SA_PRIORITY);
}

function outKey(selector: Selector): string {
  return ['out', selectorKey(selector)].join(' ');
}

/** The keys of every policy `policies` may make for a selector's traffic. */
function selectorPolicyKeys(selector: Selector): string[] {
  const back = selectorKey(reversed(selector));
  return [outKey(selector), ['in', back].join(' '), ['fwd', back].join(' ')];
}

function sameTemplates(a: readonly PolicyTemplate[], b: readonly PolicyTemplate[]): boolean {
  return a.length === b.length && a.every((x, i) => {
    const y = b[i] as PolicyTemplate;
    return x.proto === y.proto && x.mode === y.mode && x.reqid === y.reqid && x.level === y.level && x.src === y.src && x.dst === y.dst;
  });
}

/** Equal specs of one key (so with equal selectors and directions). */
function sameSpec(a: PolicySpec, b: PolicySpec): boolean {
  return a.action === b.action && a.priority === b.priority && sameTemplates(a.templates, b.templates)
    && JSON.stringify(a.lifetimes) === JSON.stringify(b.lifetimes);
}

/**
 * Keeps the kernel's policies equal to the desired set, changing only what differs. Between
 * full passes (apply, on configuration changes) SAs come and go one at a time (addSa,
 * removeSa), each changing only the policies of its own traffic: with thousands of
 * dynamic-map tunnels, a full pass per SA made setting them up, and clearing them, quadratic.
 */
export class PolicySync {
  private readonly installed = new Map<string, DesiredPolicy>();
  /** Keys of the policies crypto map lines call for (as of the last apply): no SA replaces them. */
  private readonly lineKeys = new Set<string>();
  /**
   * The SAs with a selector, by its outbound policy key, in the order they came (the SA
   * table's): the first one's policies stand for that traffic, as in desiredPolicies.
   */
  private readonly saGroups = new Map<string, Set<IpsecSa>>();

  constructor(
    private readonly backend: SadBackend,
    private readonly log: Logger,
  ) {}

  async apply(desired: ReadonlyMap<string, DesiredPolicy>): Promise<void> {
    this.lineKeys.clear();
    for (const [key, p] of desired) if (p.origin) this.lineKeys.add(key);
    for (const [key, p] of [...this.installed]) {
      if (!desired.has(key)) await this.remove(key, p);
    }
    for (const [key, p] of desired) await this.install(key, p);
  }

  /** A new SA (now in the SA table): its policies, as desiredPolicies would list them. */
  async addSa(reqids: Reqids, sa: IpsecSa): Promise<void> {
    const selector = proxySelector(sa.localProxy, sa.remoteProxy);
    if (!selector) return;
    const key = outKey(selector);
    const group = this.saGroups.get(key) ?? new Set<IpsecSa>();
    group.add(sa);
    this.saGroups.set(key, group);
    await this.syncSelector(reqids, selector);
  }

  /** An SA gone from the SA table: its policies go, or pass to the next SA with its traffic. */
  async removeSa(reqids: Reqids, sa: IpsecSa): Promise<void> {
    const selector = proxySelector(sa.localProxy, sa.remoteProxy);
    if (!selector) return;
    const key = outKey(selector);
    const group = this.saGroups.get(key);
    if (!group?.delete(sa)) return;
    if (group.size === 0) this.saGroups.delete(key);
    await this.syncSelector(reqids, selector);
  }

  /** The policies of one selector's traffic brought to what a full pass would make them. */
  private async syncSelector(reqids: Reqids, selector: Selector): Promise<void> {
    const first = this.saGroups.get(outKey(selector))?.values().next().value;
    const wanted = new Map<string, PolicySpec>();
    if (first) for (const spec of saPolicies(reqids, first, (key) => this.lineKeys.has(key))) wanted.set(policyKey(spec), spec);
    for (const key of selectorPolicyKeys(selector)) {
      if (this.lineKeys.has(key)) continue;
      const spec = wanted.get(key);
      const current = this.installed.get(key);
      if (spec) await this.install(key, { spec });
      else if (current) await this.remove(key, current);
    }
  }

  private async install(key: string, p: DesiredPolicy): Promise<void> {
    const current = this.installed.get(key);
    if (!current || !sameSpec(current.spec, p.spec)) {
      try {
        await this.backend.updatePolicy(p.spec);
      } catch (err) {
        this.log.error({ policy: key, err: (err as Error).message }, 'cannot install an IPsec policy');
        return;
      }
    }
    this.installed.set(key, p);
  }

  private async remove(key: string, p: DesiredPolicy): Promise<void> {
    try {
      await this.backend.deletePolicy(p.spec.selector, p.spec.dir);
    } catch (err) {
      if (!(err instanceof SadError && err.code === 'ENOENT')) this.log.error({ policy: key, err: (err as Error).message }, 'cannot remove an IPsec policy');
    }
    this.installed.delete(key);
  }

  /** The crypto map line behind the outbound policy of a selector (an ACQUIRE quotes it). */
  originOf(selector: Selector): PolicyOrigin | undefined {
    return this.installed.get(outKey(selector))?.origin;
  }

  /** Every crypto map line with an outbound policy, in priority order. */
  origins(): PolicyOrigin[] {
    return [...this.installed.values()]
      .filter((p) => p.spec.dir === 'out' && p.origin && p.spec.templates.length > 0)
      .sort((a, b) => a.spec.priority - b.spec.priority)
      .map((p) => p.origin as PolicyOrigin);
  }
}
