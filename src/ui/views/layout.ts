// Geometry shared by the cluster views: pure functions of the member list and the cursor.
import { scaleLinear } from 'd3';

export interface Point {
  x: number;
  y: number;
}

/** Members evenly around a circle, the first at the top, clockwise. */
export function ringPositions(names: readonly string[], cx: number, cy: number, r: number): Map<string, Point> {
  const angle = scaleLinear().domain([0, names.length]).range([-Math.PI / 2, (3 * Math.PI) / 2]);
  return new Map(names.map((n, i) => [n, { x: cx + r * Math.cos(angle(i)), y: cy + r * Math.sin(angle(i)) }]));
}

/** Where a message sent at `sent` and due at `due` is drawn at time t. */
export function messagePoint(from: Point, to: Point, sent: number, due: number, t: number): Point {
  const f = due > sent ? Math.max(0, Math.min(1, (t - sent) / (due - sent))) : 1;
  return { x: from.x + (to.x - from.x) * f, y: from.y + (to.y - from.y) * f };
}

/** Whether host a can send to host b under partition groups and one-way blocks. */
export function reachable(groups: readonly string[][], blocked: readonly string[], a: string, b: string): boolean {
  if (a === b) return true;
  const groupOf = (h: string) => groups.findIndex((g) => g.includes(h));
  if (groups.length > 0 && groupOf(a) !== groupOf(b)) return false;
  return !blocked.includes(`${a}>${b}`);
}
