/**
 * Helpers for the configuration command tests (test/config-*.test.ts): drive a testRouter
 * through one session, check that rejected lines change nothing, and round-trip
 * `show running-config` through a fresh router.
 */
import { rmSync } from 'node:fs';
import type { Test } from 'tap';
import { loadConfigText } from '../../src/cli/config-loader';
import type { CliSession } from '../../src/cli/session';
import { TABLE, testRouter, type TestRouter } from './router';

/** A test router whose directory is removed when the test ends. */
export async function freshRouter(t: Test, opts: { card?: string } = {}): Promise<TestRouter> {
  const r = await testRouter(opts);
  t.teardown(() => rmSync(r.dir, { recursive: true, force: true }));
  return r;
}

/** The live configuration as JSON: what "nothing changed" compares. */
export function snapshot(r: TestRouter): string {
  return JSON.stringify(r.router.config);
}

export interface LineResult {
  line: string;
  output: string;
  ok: boolean;
  /** Lines shown while the command ran (ctx.progress), then its output: what the operator saw. */
  seen: string;
}

/** One session kept open across calls, so sub-modes persist between lines. */
export class Console {
  readonly session: CliSession;
  private readonly progress: string[] = [];

  constructor(readonly r: TestRouter) {
    this.session = r.session();
    this.session.onMessage((text) => this.progress.push(`${text}\n`));
  }

  async exec(line: string): Promise<LineResult> {
    this.progress.length = 0;
    const res = await this.session.execute(line);
    return { line, output: res.output, ok: res.ok, seen: this.progress.join('') + res.output };
  }

  /** Run lines that must all succeed; returns their results. */
  async ok(t: Test, ...lines: string[]): Promise<LineResult[]> {
    const out: LineResult[] = [];
    for (const line of lines) {
      const res = await this.exec(line);
      if (!res.ok) t.fail(`"${line}" was rejected`, { output: res.output, prompt: this.prompt() });
      out.push(res);
    }
    return out;
  }

  /**
   * Run a line that must be rejected with `message`, leaving the configuration, the mode
   * and the key store exactly as they were. `prompt`: the prompt expected afterwards when
   * the failure does end the mode (a bad key-string at `quit`).
   */
  async rejects(t: Test, line: string, message: RegExp | string, opts: { prompt?: string } = {}): Promise<LineResult> {
    const before = snapshot(this.r);
    const prompt = this.prompt();
    const keys = JSON.stringify(this.r.router.services.keys.list());
    const res = await this.exec(line);
    t.notOk(res.ok, `"${line}" rejected`);
    if (typeof message === 'string') t.ok(res.output.includes(message), `"${line}": message contains ${JSON.stringify(message)}`, { found: res.output });
    else t.match(res.output, message, `"${line}": message`);
    t.ok(/^% /m.test(res.output), `"${line}": the error is an IOS "% " line`, { found: res.output });
    t.equal(snapshot(this.r), before, `"${line}": configuration unchanged`);
    t.equal(this.prompt(), opts.prompt ?? prompt, opts.prompt ? `"${line}": left for ${opts.prompt}` : `"${line}": mode unchanged`);
    t.equal(JSON.stringify(this.r.router.services.keys.list()), keys, `"${line}": key store unchanged`);
    return res;
  }

  prompt(): string {
    return this.session.prompt();
  }

  close(): void {
    this.session.close();
  }
}

/** A console in global configuration mode, closed when the test ends. */
export async function configMode(t: Test, r: TestRouter): Promise<Console> {
  const c = new Console(r);
  t.teardown(() => c.close());
  await c.ok(t, 'configure terminal');
  return c;
}

/** Configure `lines` in a fresh session (configure terminal ... end); all must succeed. */
export async function configure(t: Test, r: TestRouter, ...lines: string[]): Promise<LineResult[]> {
  const c = new Console(r);
  try {
    await c.ok(t, 'configure terminal');
    const out = await c.ok(t, ...lines);
    await c.ok(t, 'end');
    return out;
  } finally {
    c.close();
  }
}

/** Output of an EXEC command run in a fresh privileged session (it must succeed). */
export async function show(t: Test, r: TestRouter, command: string): Promise<string> {
  const res = await r.run(command);
  if (!res.ok) t.fail(`"${command}" failed`, { output: res.output });
  return res.output;
}

const HEADER = /^Building configuration\.\.\.\n\nCurrent configuration : (\d+) bytes\n/;

/** `show running-config` without its header, checking the byte count it announces. */
export async function runningConfig(t: Test, r: TestRouter): Promise<string> {
  const out = await show(t, r, 'show running-config');
  const m = HEADER.exec(out);
  if (!m) {
    t.fail('show running-config header', { found: out.slice(0, 120) });
    return out;
  }
  const text = out.slice(m[0].length);
  t.equal(Number(m[1]), Buffer.byteLength(text), 'announced size matches the configuration text');
  return text;
}

/**
 * Render `r`'s running-config, load it into a fresh router, and check that every line
 * loads, the configurations are deep-equal and both render the same text.
 */
export async function roundTrip(t: Test, r: TestRouter, opts: { card?: string } = {}): Promise<{ text: string; copy: TestRouter }> {
  const text = await runningConfig(t, r);
  const copy = await freshRouter(t, opts);
  const problems = await loadConfigText(copy.router, TABLE, text);
  t.same(problems, [], 'every running-config line loads');
  t.strictSame(copy.router.config, r.router.config, 'reloaded configuration is deep-equal');
  t.equal(await runningConfig(t, copy), text, 'reloaded configuration renders identically');
  return { text, copy };
}

/** The lines of a rendered configuration between `!` separators, without the header. */
export function configLines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '' && l !== '!');
}
