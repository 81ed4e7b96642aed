/**
 * planNetChanges: what the kernel must do between two configurations. Only what the
 * configuration names is touched, and routes Linux may have dropped are reinstalled when
 * links or addresses change.
 */
import t from 'tap';
import { emptyConfig, type Config } from '../src/config/model';
import { isEmptyPlan, planNetChanges } from '../src/net/net-plan';

function config(edit: (c: Config) => void): Config {
  const c = emptyConfig();
  edit(c);
  return c;
}

const route = { prefix: '10.9.0.0', mask: '255.255.0.0', nextHop: '10.1.0.9' };
const other = { prefix: '0.0.0.0', mask: '0.0.0.0', nextHop: '10.1.0.1' };

t.test('nothing configured, nothing changed: nothing to do', async (t) => {
  t.ok(isEmptyPlan(planNetChanges(emptyConfig(), emptyConfig())));
  const c = config((x) => x.interfaces.push({ name: 'eth1', address: { address: '10.1.0.2', mask: '255.255.255.0' } }));
  t.ok(isEmptyPlan(planNetChanges(c, structuredClone(c))), 'equal configurations');
  const withMap = config((x) => x.interfaces.push({ name: 'eth1', address: { address: '10.1.0.2', mask: '255.255.255.0' }, cryptoMap: 'M' }));
  const p = planNetChanges(c, withMap);
  t.same(p.links, [{ name: 'eth1', up: true }], 'a changed interface is asserted again (idempotent in the kernel)');
  t.same(p.removeAddresses, [], 'its unchanged address is not removed');
});

t.test('a new interface: brought up, its address added', async (t) => {
  const after = config((x) => x.interfaces.push({ name: 'GigabitEthernet0/1', address: { address: '10.1.0.2', mask: '255.255.255.0' } }));
  const p = planNetChanges(emptyConfig(), after);
  t.same(p.links, [{ name: 'GigabitEthernet0/1', up: true }]);
  t.same(p.addAddresses, [{ name: 'GigabitEthernet0/1', address: '10.1.0.2', prefixLength: 24 }]);
  t.same(p.removeAddresses, []);
});

t.test('address replaced, shut down, removed with the interface', async (t) => {
  const before = config((x) => {
    x.interfaces.push({ name: 'eth1', address: { address: '10.1.0.2', mask: '255.255.255.0' } });
    x.routes.push(route);
  });
  const replaced = config((x) => {
    x.interfaces.push({ name: 'eth1', address: { address: '10.2.0.2', mask: '255.255.0.0' } });
    x.routes.push(route);
  });
  let p = planNetChanges(before, replaced);
  t.same(p.removeAddresses, [{ name: 'eth1', address: '10.1.0.2', prefixLength: 24 }]);
  t.same(p.addAddresses, [{ name: 'eth1', address: '10.2.0.2', prefixLength: 16 }]);
  t.same(p.resyncRoutes, [route], 'routes are checked again after an address change');
  t.same(p.addRoutes, []);

  const shut = config((x) => {
    x.interfaces.push({ name: 'eth1', address: { address: '10.1.0.2', mask: '255.255.255.0' }, shutdown: true });
  });
  p = planNetChanges(before, shut);
  t.same(p.links, [{ name: 'eth1', up: false }]);
  t.same(p.removeAddresses, [], 'the address stays');
  t.same(p.removeRoutes, [route]);

  p = planNetChanges(before, emptyConfig());
  t.same(p.removeAddresses, [{ name: 'eth1', address: '10.1.0.2', prefixLength: 24 }]);
  t.same(p.links, [], 'an interface no longer configured keeps its admin state');
});

t.test('routes: added and removed by difference, no resync without link changes', async (t) => {
  const before = config((x) => x.routes.push(route));
  const after = config((x) => x.routes.push(route, other));
  let p = planNetChanges(before, after);
  t.same(p.addRoutes, [other]);
  t.same(p.removeRoutes, []);
  t.same(p.resyncRoutes, []);
  p = planNetChanges(after, before);
  t.same(p.removeRoutes, [other]);
  t.same(p.addRoutes, []);
});
