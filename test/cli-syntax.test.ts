import t from 'tap';
import { parseSyntax, SyntaxItem } from '../src/cli/syntax';
import { Grammar } from '../src/cli/grammar';

const kw = (text: string, capture?: string) => ({ type: 'token', token: { kind: 'keyword', text }, repeat: 1, ...(capture ? { capture } : {}) });

t.test('parseSyntax: each item of the mini-language', async (t) => {
  const cases: Array<[string, SyntaxItem[]]> = [
    ['show', [kw('show')] as SyntaxItem[]],
    ['crypto isakmp', [kw('crypto'), kw('isakmp')] as SyntaxItem[]],
    ['3des esp-sha-hmac running-config a.b', [kw('3des'), kw('esp-sha-hmac'), kw('running-config'), kw('a.b')] as SyntaxItem[]],
    ['p:<1-10000>', [{ type: 'token', token: { kind: 'range', lo: 1, hi: 10000 }, capture: 'p', repeat: 1 }]],
    ['<0-0>', [{ type: 'token', token: { kind: 'range', lo: 0, hi: 0 }, repeat: 1 }]],
    ['a:A.B.C.D', [{ type: 'token', token: { kind: 'ipv4' }, capture: 'a', repeat: 1 }]],
    ['n:WORD', [{ type: 'token', token: { kind: 'word' }, capture: 'n', repeat: 1 }]],
    ['do c:LINE', [kw('do'), { type: 'token', token: { kind: 'line' }, capture: 'c', repeat: 1 }] as SyntaxItem[]],
    ['addr:A.B.C.D*8', [{ type: 'token', token: { kind: 'ipv4' }, capture: 'addr', repeat: 8 }]],
    ['x-y_z:WORD', [{ type: 'token', token: { kind: 'word' }, capture: 'x-y_z', repeat: 1 }]],
    ['[exportable]', [{ type: 'optional', body: [kw('exportable')] }] as SyntaxItem[]],
    ['[label l:WORD]', [{ type: 'optional', body: [kw('label'), { type: 'token', token: { kind: 'word' }, capture: 'l', repeat: 1 }] }] as SyntaxItem[]],
    ['{a|b c}', [{ type: 'alternatives', options: [[kw('a')], [kw('b'), kw('c')]] }] as SyntaxItem[]],
    ['k:{a|b}', [{ type: 'alternatives', options: [[kw('a')], [kw('b')]], capture: 'k' }] as SyntaxItem[]],
    ['{a|}', [{ type: 'alternatives', options: [[kw('a')], []] }] as SyntaxItem[]],
    [
      'encryption cipher:{des|aes [bits:{128|192}]}',
      [
        kw('encryption'),
        {
          type: 'alternatives',
          capture: 'cipher',
          options: [[kw('des')], [kw('aes'), { type: 'optional', body: [{ type: 'alternatives', capture: 'bits', options: [[kw('128')], [kw('192')]] }] }]],
        },
      ] as SyntaxItem[],
    ],
    // Brackets need no surrounding spaces.
    ['a[b]{c|d}', [kw('a'), { type: 'optional', body: [kw('b')] }, { type: 'alternatives', options: [[kw('c')], [kw('d')]] }] as SyntaxItem[]],
    ['  spaced   out  ', [kw('spaced'), kw('out')] as SyntaxItem[]],
  ];
  for (const [src, expected] of cases) t.same(parseSyntax(src), expected, src);
});

t.test('parseSyntax: malformed syntax strings throw', async (t) => {
  const bad: Array<[string, RegExp]> = [
    ['[a', /unexpected end|missing \]/],
    ['a]', /bad item "\]"/],
    ['{a|b', /unexpected end/],
    ['a|b', /bad item "\|"/],
    ['}', /bad item/],
    ['x:', /unexpected end/],
    ['x:[a]', /capture on \[ \]/],
    ['A.B.C.D*3', /needs a capture/],
    ['x:WORD*0', /at least 1/],
    ['Show', /bad item "Show"/],
    ['<1-10', /bad item/],
    ['<a-b>', /bad item/],
    ['<10-1>', /empty range/],
    ['-foo', /bad item/],
    ['x:y:WORD', /bad item/],
    ['a:{b|c}*2', /needs a capture|bad item/],
  ];
  for (const [src, re] of bad) t.throws(() => parseSyntax(src), re, src);
});

t.test('Grammar.add: syntaxes that can never work are refused', async (t) => {
  const cases: Array<[string, RegExp]> = [
    ['[a]', /may be empty/],
    ['[a] [b]', /may be empty/],
    ['{a|}', /may be empty/],
    ['x:LINE y', /LINE must be the last/],
    ['do x:LINE [more]', /LINE must be the last/],
  ];
  for (const [syntax, re] of cases) {
    const g = new Grammar();
    t.throws(() => g.add({ syntax }), re, syntax);
  }
  const g = new Grammar();
  t.doesNotThrow(() => g.add({ syntax: 'a [b]' }));
  t.doesNotThrow(() => g.add({ syntax: 'do x:LINE' }));
  t.doesNotThrow(() => g.add({ syntax: 'do {x:LINE|y}' }));
});
