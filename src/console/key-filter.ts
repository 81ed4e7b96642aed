import { Transform, type TransformCallback } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

/** What the console does with the keys readline must not see. */
export interface KeyFilterHooks {
  /** True while typed text is hidden (a password, "Press RETURN"): it is captured here. */
  hidden(): boolean;
  /** A hidden line was entered (Enter pressed). */
  hiddenLine(text: string): void;
  /** "?" was typed; readline has already taken every key before it. */
  help(): Promise<void>;
  /** Ctrl-Z was typed; readline has already taken every key before it. */
  endKey(): void;
  /** Resolves once the console has finished running the line just entered. */
  idle(): Promise<void>;
}

export interface KeyFilterOptions {
  /** When false (serial console), Ctrl-D never reaches readline as end-of-input: it deletes. */
  ctrlDEnds: boolean;
}

const CTRL_C = '\x03';
const CTRL_D = '\x04';
const BACKSPACE = '\x08';
const CTRL_U = '\x15';
const CTRL_Z = '\x1a';
const DEL = '\x7f';
const DELETE_KEY = '\x1b[3~';

/** Lets readline (which emitted 'line' synchronously or on the next tick) catch up. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Sits between the raw terminal and readline. IOS acts on "?" and Ctrl-Z the moment they are
 * typed, and readline has no hook for that, so those keys are taken out of the stream here.
 * Hidden input never reaches readline, so it is neither echoed nor kept in history. Input is
 * released one line at a time, after the previous line has run, so type-ahead keeps its order.
 */
export class KeyFilter extends Transform {
  private readonly decoder = new StringDecoder('utf8');
  private hiddenText = '';
  /** "\r\n" counts as one Enter even when the "\n" arrives in a later chunk. */
  private skipLineFeed = false;

  constructor(private readonly hooks: KeyFilterHooks, private readonly options: KeyFilterOptions) {
    super();
  }

  override _transform(chunk: Buffer | string, _encoding: BufferEncoding, callback: TransformCallback): void {
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    this.feed(text).then(() => callback(), callback);
  }

  override _flush(callback: TransformCallback): void {
    this.feed(this.decoder.end()).then(() => callback(), callback);
  }

  private async feed(text: string): Promise<void> {
    let pending = '';
    for (const ch of text) {
      const afterReturn = this.skipLineFeed;
      this.skipLineFeed = false;
      if (afterReturn && ch === '\n') continue;
      if (this.hooks.hidden()) {
        this.pushText(pending);
        pending = '';
        await this.hiddenKey(ch);
        continue;
      }
      switch (ch) {
        case '?':
          await this.release(pending);
          pending = '';
          await this.hooks.help();
          break;
        case CTRL_Z:
          await this.release(pending);
          pending = '';
          this.hooks.endKey();
          await this.hooks.idle();
          break;
        case '\r':
        case '\n':
          // Readline may take a late "\n" as a second Enter, so every Enter becomes one "\r".
          this.skipLineFeed = ch === '\r';
          await this.release(`${pending}\r`);
          pending = '';
          await this.hooks.idle();
          break;
        case CTRL_D:
          pending += this.options.ctrlDEnds ? ch : DELETE_KEY;
          break;
        default:
          pending += ch;
      }
    }
    this.pushText(pending);
  }

  private pushText(text: string): void {
    // An empty push would tell the stream that reading is done for now; skip it.
    if (text !== '') this.push(text);
  }

  private async release(text: string): Promise<void> {
    this.pushText(text);
    await settle();
  }

  private async hiddenKey(ch: string): Promise<void> {
    switch (ch) {
      case '\r':
      case '\n': {
        this.skipLineFeed = ch === '\r';
        const line = this.hiddenText;
        this.hiddenText = '';
        this.hooks.hiddenLine(line);
        await this.hooks.idle();
        return;
      }
      case DEL:
      case BACKSPACE:
        this.hiddenText = Array.from(this.hiddenText).slice(0, -1).join('');
        return;
      case CTRL_C:
      case CTRL_U:
        this.hiddenText = '';
        return;
      default:
        if (ch >= ' ') this.hiddenText += ch;
    }
  }
}
