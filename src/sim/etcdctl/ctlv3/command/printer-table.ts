// The "table" output format (ctlv3/command/printer_table.go): only member list and the
// endpoint commands; everything else exits "table not supported as output format".
// Tables are drawn as olekukonko/tablewriter draws them with etcdctl's settings:
// upper-case centred headers, right-aligned cells, borders of + - |.

import type { MemberListResponse } from '../../backend';
import type { Io } from '../../io';
import type { EpHashKV, EpHealth, EpStatus, Table } from './printer';
import {
  UnsupportedPrinter,
  makeEndpointHashKVTable,
  makeEndpointHealthTable,
  makeEndpointStatusTable,
  makeMemberListTable,
} from './printer';

const width = (s: string) => [...s].length;

/** tablewriter's Pad: centred, the odd space on the right. */
function center(s: string, w: number): string {
  const gap = w - width(s);
  const left = Math.floor(gap / 2);
  return ' '.repeat(left) + s + ' '.repeat(gap - left);
}

export function renderTable({ hdr, rows }: Table): string {
  const heads = hdr.map((h) => h.replace(/_/g, ' ').toUpperCase());
  const widths = heads.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i]))));
  const border = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+\n`;
  const line = (cells: string[], pad: (s: string, w: number) => string) =>
    `|${cells.map((c, i) => ` ${pad(c, widths[i])} `).join('|')}|\n`;
  return (
    border +
    line(heads, center) +
    border +
    rows.map((r) => line(r, (c, w) => c.padStart(w + c.length - width(c)))).join('') +
    border
  );
}

export class TablePrinter extends UnsupportedPrinter {
  constructor(io: Io) {
    super(io, 'table');
  }

  override memberList(r: MemberListResponse): void {
    this.io.out(renderTable(makeMemberListTable(r)));
  }
  override endpointHealth(hs: EpHealth[]): void {
    this.io.out(renderTable(makeEndpointHealthTable(hs)));
  }
  override endpointStatus(ss: EpStatus[]): void {
    this.io.out(renderTable(makeEndpointStatusTable(ss)));
  }
  override endpointHashKV(hs: EpHashKV[]): void {
    this.io.out(renderTable(makeEndpointHashKVTable(hs)));
  }
}
