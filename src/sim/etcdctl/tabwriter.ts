// Go's text/tabwriter as etcdctl's help uses it (minwidth 0, tabwidth 8, padding 1,
// padchar '\t'): tab-terminated cells of consecutive lines form a column whose cells are
// padded with tabs to the widest cell plus one, rounded up to a tab stop.

const TAB_WIDTH = 8;
const PADDING = 1;

type Line = { text: string; width: number }[];

function cellWidth(s: string): number {
  return [...s].length;
}

/** Aligns tab-separated text exactly as tabwriter.NewWriter(w, 0, 8, 1, '\t', 0) does. */
export function tabwrite(text: string): string {
  const rawLines = text.split('\n');
  const trailingNewline = rawLines[rawLines.length - 1] === '';
  if (trailingNewline) rawLines.pop();
  const lines: Line[] = rawLines.map((l) => l.split('\t').map((c) => ({ text: c, width: cellWidth(c) })));
  const widths: number[] = [];
  const out: string[] = [];

  const writeLines = (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const line = lines[i];
      let s = '';
      line.forEach((c, j) => {
        s += c.text;
        if (j < widths.length && j < line.length - 1) {
          const cellw = Math.ceil(widths[j] / TAB_WIDTH) * TAB_WIDTH;
          s += '\t'.repeat(Math.ceil((cellw - c.width) / TAB_WIDTH));
        }
      });
      out.push(s);
    }
  };

  // text/tabwriter's format(): a column block is a run of lines that have a cell in it.
  const format = (line0: number, line1: number) => {
    const column = widths.length;
    for (let i = line0; i < line1; i++) {
      if (column >= lines[i].length - 1) continue;
      writeLines(line0, i);
      line0 = i;
      let width = 0;
      for (; i < line1 && column < lines[i].length - 1; i++) {
        width = Math.max(width, lines[i][column].width + PADDING);
      }
      widths.push(width);
      format(line0, i);
      widths.pop();
      line0 = i; // line i has no cell in this column, so it cannot start a block here
    }
    writeLines(line0, line1);
  };

  format(0, lines.length);
  return out.join('\n') + (trailingNewline ? '\n' : '');
}
