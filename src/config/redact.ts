/** A configuration line fit for a log or an error report: secrets replaced. */
export function redactConfigLine(line: string): string {
  return line
    .replace(/^(\s*(?:no\s+)?crypto\s+isakmp\s+key\s+)\S+/i, '$1<redacted>')
    .replace(/^(\s*enable\s+secret\s+(?:[09]\s+)?)\S+/i, '$1<redacted>');
}
