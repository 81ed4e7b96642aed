/**
 * A configuration line fit for the console and the log: the secret word of `crypto isakmp
 * key` and `enable secret` replaced, also when keywords are abbreviated (`cry isa key S`):
 * a line that failed to parse may still carry a secret, and over-redacting costs nothing.
 */
export function redactConfigLine(line: string): string {
  const words = line.trim().split(/\s+/);
  const is = (i: number, keyword: string): boolean => {
    const w = words[i]?.toLowerCase();
    return w !== undefined && w !== '' && keyword.startsWith(w);
  };
  const i = words[0]?.toLowerCase() === 'no' ? 1 : 0;
  let secret = -1;
  if (is(i, 'crypto') && is(i + 1, 'isakmp') && is(i + 2, 'key')) secret = i + 3;
  else if (is(i, 'enable') && is(i + 1, 'secret')) secret = /^[09]$/.test(words[i + 2] ?? '') && words.length > i + 3 ? i + 3 : i + 2;
  if (secret >= 0 && words[secret] !== undefined) words[secret] = '<redacted>';
  return words.join(' ');
}
