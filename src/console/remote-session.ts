import type { ControlClient } from './control-client';
import type { ControlResponse } from './control-protocol';
import type { LineSession } from './line-session';
import type { ExecResult } from './session-api';

/** A CLI session living in ikegated, driven over the control socket. */
export class RemoteSession implements LineSession {
  private currentPrompt = '';
  private secret = false;
  private over = false;
  private closedHere = false;

  private constructor(private readonly client: ControlClient) {}

  /** Opens the daemon-side session; `interactive` enables its confirmation questions. */
  static async open(client: ControlClient, interactive: boolean): Promise<RemoteSession> {
    const session = new RemoteSession(client);
    session.take(await client.request({ op: 'hello', interactive }));
    return session;
  }

  get awaitingSecret(): boolean {
    return this.secret;
  }

  /** True once the session is over on purpose: `exit` in the daemon or closed here. */
  get finished(): boolean {
    return this.over || this.closedHere;
  }

  prompt(): string {
    return this.currentPrompt;
  }

  async execute(line: string): Promise<ExecResult> {
    const reply = this.take(await this.client.request({ op: 'exec', line }));
    this.over = reply.ended === true;
    return { output: reply.output ?? '', ok: reply.ok, ended: this.over };
  }

  async complete(line: string): Promise<string[]> {
    return this.take(await this.client.request({ op: 'complete', line })).completions ?? [];
  }

  async help(line: string): Promise<string> {
    return this.take(await this.client.request({ op: 'help', line })).output ?? '';
  }

  onMessage(listener: (text: string) => void): () => void {
    return this.client.onMessage(listener);
  }

  close(): void {
    this.closedHere = true;
    this.client.close();
  }

  /** Every answer carries the prompt and secret state after the request. */
  private take(reply: ControlResponse): ControlResponse {
    if (reply.error !== undefined) throw new Error(reply.error);
    if (reply.prompt !== undefined) this.currentPrompt = reply.prompt;
    this.secret = reply.secret === true;
    return reply;
  }
}
