/**
 * The answers an exchange gave, by the request that caused them, so a retransmitted request
 * (the same octets) gets the same octets back without being processed again (RFC 2408 5,
 * RFC 2409 5: a retransmission is answered, never re-evaluated).
 */
export class ResponseCache {
  private readonly entries: Array<{ readonly request: Buffer; readonly responses: readonly Buffer[] }> = [];

  remember(request: Buffer, responses: readonly Buffer[]): void {
    this.entries.push({ request, responses });
    // An exchange has at most three requests; older ones cannot come back usefully.
    if (this.entries.length > 3) this.entries.shift();
  }

  answer(request: Buffer): readonly Buffer[] | undefined {
    return this.entries.find((e) => e.request.equals(request))?.responses;
  }
}
