import type { Command } from '../command';
import { ipsecFlows, isakmpSaRows } from '../../ike/key-manager/operator-views';
import type { IpsecSelection } from '../../ike/key-manager/ipsec-selection';
import { renderIsakmpSa, renderIsakmpSaDetail } from '../../show/isakmp-sa';
import { renderIpsecSa } from '../../show/ipsec-sa';

const SHOW_HELP = {
  sa: 'Security Associations',
  detail: 'Show detailed information',
  peer: 'Show SAs for a peer',
  addr: 'Peer IP address',
  map: 'Show SAs for a crypto map',
  tag: 'Crypto Map tag',
};

const CLEAR_HELP = {
  clear: 'Reset functions',
  crypto: 'Clear crypto state',
  sa: 'Clear all IPSEC security associations',
  peer: 'Clear all IPSEC SAs for a given crypto peer',
  addr: 'Peer IP address',
  map: 'Clear all IPSEC SAs for a given crypto map',
  tag: 'Crypto Map tag',
  entry: 'Clear IPSEC SA for a given SPI',
  dest: 'IPSEC SA destination address',
  esp: 'Encapsulating Security Payload',
  ah: 'Authentication Header',
  spi: 'SPI (decimal)',
  isakmp: 'Clear ISAKMP security associations',
  id: 'Connection ID of the ISAKMP SA',
};

/** `show crypto isakmp sa`, `show crypto ipsec sa`, `clear crypto sa`, `clear crypto isakmp`. */
export const ikeSaCommands: Command[] = [
  {
    modes: ['user', 'exec'],
    syntax: 'show crypto isakmp sa [detail]',
    help: SHOW_HELP,
    run(ctx, args) {
      const rows = isakmpSaRows(ctx.services.ike);
      ctx.print((args.has('detail') ? renderIsakmpSaDetail(rows) : renderIsakmpSa(rows)).join('\n'));
    },
  },
  {
    modes: ['user', 'exec'],
    syntax: 'show crypto ipsec sa [filter:{peer addr:A.B.C.D|map tag:WORD}]',
    help: SHOW_HELP,
    async run(ctx, args) {
      const filter = args.get('filter');
      const flows = (await ipsecFlows(ctx.services.ike)).filter((f) =>
        filter === 'peer' ? f.peer === args.str('addr') : filter === 'map' ? f.mapTag === args.str('tag') : true);
      // IOS prints nothing when no crypto map is in use.
      if (flows.length > 0) ctx.print(renderIpsecSa(flows).join('\n'));
    },
  },
  {
    modes: ['exec'],
    syntax: 'clear crypto sa [which:{peer addr:A.B.C.D|map tag:WORD|entry dest:A.B.C.D proto:{esp|ah} spi:<256-4294967295>}]',
    help: CLEAR_HELP,
    async run(ctx, args) {
      const which = args.get('which');
      let selection: IpsecSelection;
      if (which === 'peer') selection = { kind: 'peer', address: args.str('addr') };
      else if (which === 'map') selection = { kind: 'map', tag: args.str('tag') };
      else if (which === 'entry') selection = { kind: 'entry', destination: args.str('dest'), protocol: args.str('proto') as 'esp' | 'ah', spi: args.num('spi') };
      else selection = { kind: 'all' };
      await ctx.services.ike.clearIpsec(selection);
    },
  },
  {
    modes: ['exec'],
    syntax: 'clear crypto isakmp [id:<1-2147483647>]',
    help: CLEAR_HELP,
    async run(ctx, args) {
      await ctx.services.ike.clearIsakmp(args.get('id') === undefined ? undefined : args.num('id'));
    },
  },
];
