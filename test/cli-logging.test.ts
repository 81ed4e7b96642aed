import t from 'tap';
import { createRootLogger } from '../src/log';
import { loadConfigText } from '../src/cli/config-loader';
import { TABLE, testRouter } from './helpers/router';
import { drive, driveOk } from './helpers/transcript';

/** A pino destination kept in memory. */
function memoryLog() {
  const chunks: string[] = [];
  const dest = { write: (s: string) => void chunks.push(s) };
  return {
    logger: createRootLogger('info', dest),
    text: () => chunks.join(''),
    records: () => chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>),
    commands: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { msg: string; command?: string })
        .filter((r) => r.msg === 'command')
        .map((r) => r.command),
  };
}

t.test('commands are logged with pre-shared keys and secrets redacted', async (t) => {
  const log = memoryLog();
  const r = await testRouter({ log: log.logger });
  const s = r.session();
  await driveOk(s, 'configure terminal');
  const cases: Array<[line: string, logged: string, secret: string]> = [
    ['crypto isakmp key Sup3rS3cret address 10.0.0.1', 'crypto isakmp key <redacted> address 10.0.0.1', 'Sup3rS3cret'],
    ['crypto isakmp key k3y-two address 10.0.0.0 255.0.0.0 no-xauth', 'crypto isakmp key <redacted> address 10.0.0.0 255.0.0.0 no-xauth', 'k3y-two'],
    ['crypto isakmp key HostK3y hostname peer.example', 'crypto isakmp key <redacted> hostname peer.example', 'HostK3y'],
    ['cry isa key Abbr3v add 10.0.0.2', 'cry isa key <redacted> add 10.0.0.2', 'Abbr3v'],
    // Refused by the command (keys are one word), but logged first: redacted, quotes and all.
    ['crypto isakmp key "with space" address 10.0.0.3', 'crypto isakmp key <redacted> address 10.0.0.3', 'with space'],
    // Only the secret word goes, even when the secret looks like other words of the line.
    ['crypto isakmp key address address 10.0.0.4', 'crypto isakmp key <redacted> address 10.0.0.4', ''],
    ['crypto isakmp key 10 address 10.0.0.10', 'crypto isakmp key <redacted> address 10.0.0.10', ''],
    ['no crypto isakmp key Sup3rS3cret address 10.0.0.1', 'no crypto isakmp key <redacted> address 10.0.0.1', 'Sup3rS3cret'],
    ['no crypto isakmp key HostK3y hostname peer.example', 'no crypto isakmp key <redacted> hostname peer.example', 'HostK3y'],
    ['enable secret En4bleMe', 'enable secret <redacted>', 'En4bleMe'],
    ['enable secret 0 Zer0Form', 'enable secret 0 <redacted>', 'Zer0Form'],
    ['  enable   secret   Spaced1  ', 'enable   secret   <redacted>', 'Spaced1'],
    ['hostname Gw1', 'hostname Gw1', ''],
    ['ip host peer.example 10.0.0.1', 'ip host peer.example 10.0.0.1', ''],
  ];
  for (const [line, logged, secret] of cases) {
    const [st] = await drive(s, line);
    t.equal(st?.ok, !line.includes('"'), `${line}: accepted`);
    t.equal(log.commands().at(-1), logged, line);
    if (secret) t.notMatch(log.text(), secret, `${line}: secret nowhere in the log`);
  }
  // A type-9 hash is a secret too.
  const hash = r.router.config.enableSecret as string;
  await driveOk(s, `enable secret 9 ${hash}`);
  t.equal(log.commands().at(-1), 'enable secret 9 <redacted>');
  t.notMatch(log.text(), hash);
  // Every record says where the command came from.
  const rec = log.records().filter((x) => x.msg === 'command').at(-1);
  t.same(rec?.source, { kind: 'stdio' });
});

t.test('failing commands and fallbacks are redacted as well; unparsed lines are not logged', async (t) => {
  const log = memoryLog();
  const r = await testRouter({ log: log.logger });
  const s = r.session();
  await driveOk(s, 'configure terminal', 'crypto isakmp policy 1');
  // From a sub-mode, through the fallback to global configuration.
  await driveOk(s, 'crypto isakmp key Fallb4ck address 10.0.0.1');
  t.equal(log.commands().at(-1), 'crypto isakmp key <redacted> address 10.0.0.1');
  // Rejected by the command itself.
  const [bad] = await drive(s, `enable secret 0 T00long${'x'.repeat(30)}`);
  t.equal(bad?.ok, false);
  // Rejected by the parser: the line never reaches the log at all.
  const [typo] = await drive(s, 'crypto isakmp key Typ0Secret adress 10.0.0.1');
  t.equal(typo?.ok, false);
  for (const secret of ['Fallb4ck', 'T00long', 'Typ0Secret']) t.notMatch(log.text(), secret, secret);
});

t.test('the enable password answer is never logged', async (t) => {
  const log = memoryLog();
  const r = await testRouter({ log: log.logger });
  await driveOk(r.session(), 'configure terminal', 'enable secret Answ3r');
  const u = r.session({ privileged: false });
  await drive(u, 'enable', 'Wr0ngAnswer', 'Answ3r');
  t.equal(u.prompt(), 'Router#');
  t.notMatch(log.text(), 'Answ3r');
  t.notMatch(log.text(), 'Wr0ngAnswer');
  t.same(log.commands().slice(-1), ['enable']);
});

t.test('startup-config lines are logged redacted with their source', async (t) => {
  const log = memoryLog();
  const r = await testRouter({ log: log.logger });
  const problems = await loadConfigText(r.router, TABLE, 'hostname Boot\ncrypto isakmp key B00tKey address 10.0.0.1\nenable secret B00tSecret\n');
  t.same(problems, []);
  t.notMatch(log.text(), /B00tKey|B00tSecret/);
  const recs = log.records().filter((x) => x.msg === 'command');
  t.same(recs.map((x) => x.command), ['hostname Boot', 'crypto isakmp key <redacted> address 10.0.0.1', 'enable secret <redacted>']);
  t.same(recs[0]?.source, { kind: 'startup-config' });
});

t.test('secret properties are censored at the top level and one level down, without touching the logged object', async (t) => {
  const log = memoryLog();
  const sa = { peer: '10.0.0.1', skeyidE: Buffer.from('00112233', 'hex'), encryptionKey: 'c0ffee', nested: { psk: 'deep' } };
  const fields = { key: 'TopK3y', sa, count: 3 };
  log.logger.info(fields, 'an SA by mistake');
  log.logger.child({ component: 'ike' }).warn({ err: { message: 'x', password: 'Pa55' } }, 'child record');
  const [first, second] = log.records();
  t.equal(first?.key, '<redacted>');
  t.same(first?.sa, { peer: '10.0.0.1', skeyidE: '<redacted>', encryptionKey: '<redacted>', nested: { psk: 'deep' } },
    "one level down only, as pino's '*.key' paths");
  t.equal(first?.count, 3);
  t.match(second?.err, { message: 'x', password: '<redacted>' });
  t.notMatch(log.text(), /TopK3y|c0ffee|Pa55/);
  t.equal(fields.key, 'TopK3y', 'the caller\'s object is unchanged');
  t.equal(sa.encryptionKey, 'c0ffee');
});
