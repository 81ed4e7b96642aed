import t from 'tap';
import { testRouter, TABLE } from './helpers/router';
import { drive, driveOk, transcript } from './helpers/transcript';
import { isSecretHash } from '../src/config/enable-secret';
import { loadConfigText } from '../src/cli/config-loader';

const SECRET = 'Ng7-s3cret';

async function withSecret(secret = SECRET) {
  const r = await testRouter();
  await driveOk(r.session(), 'configure terminal', `enable secret ${secret}`);
  return r;
}

t.test('without a secret, enable goes straight to privileged EXEC', async (t) => {
  const r = await testRouter();
  const s = r.session({ privileged: false });
  const [st] = await drive(s, 'enable');
  t.same([st?.ok, st?.output, st?.after], [true, '', 'Router#']);
  t.notOk(s.awaitingSecret);
});

t.test('password prompt, right answer', async (t) => {
  const r = await withSecret();
  const s = r.session({ privileged: false });
  const [en] = await drive(s, 'enable');
  t.same([en?.ok, en?.output, en?.after], [true, '', 'Password: ']);
  t.ok(s.awaitingSecret, 'the answer is a secret: no echo, no history');
  const [pw] = await drive(s, SECRET);
  t.same([pw?.ok, pw?.output, pw?.after], [true, '', 'Router#']);
  t.notOk(s.awaitingSecret);
  t.same(s.mode, { mode: 'exec' });
});

t.test('wrong, wrong, right: still in', async (t) => {
  const r = await withSecret();
  const s = r.session({ privileged: false });
  const steps = await drive(s, 'enable', 'nope', SECRET.toUpperCase(), SECRET);
  t.same(steps.map((x) => x.after), ['Password: ', 'Password: ', 'Password: ', 'Router#']);
  t.same(steps.map((x) => x.output), ['', '', '', '']);
});

t.test('three wrong answers: "% Bad secrets", back to user EXEC', async (t) => {
  const r = await withSecret();
  const s = r.session({ privileged: false });
  const steps = await drive(s, 'enable', 'a', 'b', 'c');
  t.same(steps.map((x) => x.after), ['Password: ', 'Password: ', 'Password: ', 'Router>']);
  t.equal(steps[3]?.output, '% Bad secrets\n');
  t.equal(steps[3]?.ok, false);
  t.notOk(s.awaitingSecret);
  // The next line is a command again, not a password; and enable may be tried anew.
  const again = await drive(s, 'show version', 'enable', SECRET);
  t.ok(again[0]?.ok);
  t.match(again[0]?.output, /Version/);
  t.equal(again[2]?.after, 'Router#');
  t.notMatch(transcript([...steps, ...again]).replace(/Password: \S+/g, ''), SECRET, 'the secret is never echoed in output');
  // An empty answer counts as a wrong one.
  const e = r.session({ privileged: false });
  const empty = await drive(e, 'enable', '', '', '');
  t.same(empty.map((x) => x.after), ['Password: ', 'Password: ', 'Password: ', 'Router>']);
});

t.test('the secret is stored hashed; running-config shows only the $9$ form', async (t) => {
  const r = await withSecret();
  const stored = r.router.config.enableSecret as string;
  t.ok(isSecretHash(stored), stored);
  t.notMatch(stored, SECRET);
  const [run] = await drive(r.session(), 'show running-config');
  t.notMatch(run?.output, SECRET);
  const line = (run?.output as string).split('\n').find((l) => l.startsWith('enable secret'));
  t.equal(line, `enable secret 9 ${stored}`);
  t.notMatch(JSON.stringify(r.router.config), SECRET);

  // The same secret set twice gets a fresh salt.
  await driveOk(r.session(), 'configure terminal', `enable secret 0 ${SECRET}`);
  t.not(r.router.config.enableSecret, stored);

  // Round trip: the running-config line restores a router that accepts the same password.
  const r2 = await testRouter();
  const problems = await loadConfigText(r2.router, TABLE, (run?.output as string).split('\n').slice(3).join('\n'));
  t.same(problems, []);
  t.equal(r2.router.config.enableSecret, stored, 'the hash is kept as is');
  const s = r2.session({ privileged: false });
  const steps = await drive(s, 'enable', SECRET);
  t.equal(steps[1]?.after, 'Router#');
  // And typed by hand:
  const r3 = await testRouter();
  await driveOk(r3.session(), 'configure terminal', `enable secret 9 ${stored}`);
  t.equal(r3.router.config.enableSecret, stored);
});

t.test('enable secret forms and their errors', async (t) => {
  const r = await testRouter();
  const s = r.session();
  await driveOk(s, 'configure terminal');
  const cases: Array<[string, boolean, RegExp | string]> = [
    ['enable secret 9 notahash', false, '% Invalid secret hash: expected the $9$salt$hash form shown by show running-config\n'],
    ['enable secret 9 $9$salt$tooshort', false, /Invalid secret hash/],
    [`enable secret 0 ${'x'.repeat(26)}`, false, '% Secret is too long: at most 25 characters\n'],
    [`enable secret ${'x'.repeat(25)}`, true, ''],
    ['enable secret', false, '% Incomplete command.\n'],
    ['enable secret 0', true, ''],
    ['enable secret "two words"', true, ''],
  ];
  for (const [line, ok, out] of cases) {
    const before = r.router.config.enableSecret;
    const [st] = await drive(s, line);
    t.equal(st?.ok, ok, line);
    if (typeof out === 'string') t.equal(st?.output, out, line);
    else t.match(st?.output, out, line);
    if (!ok) t.equal(r.router.config.enableSecret, before, `${line}: unchanged`);
  }
  // The last one set "two words" (quoted) as the secret.
  const u = r.session({ privileged: false });
  const steps = await drive(u, 'enable', 'two words');
  t.equal(steps[1]?.after, 'Router#');

  await driveOk(s, 'no enable secret');
  t.equal(r.router.config.enableSecret, undefined);
  const [run] = await drive(s, 'do show running-config');
  t.notMatch(run?.output, /enable secret/);
  const v = r.session({ privileged: false });
  const [en] = await drive(v, 'enable');
  t.equal(en?.after, 'Router#', 'no password after no enable secret');
});

t.test('the control socket (privileged session) is not asked', async (t) => {
  const r = await withSecret();
  const s = r.session({ privileged: true });
  t.equal(s.prompt(), 'Router#');
  const steps = await drive(s, 'disable', 'enable');
  t.same(steps.map((x) => x.after), ['Router>', 'Password: '], 'but after disable, enable asks like everywhere');
});
