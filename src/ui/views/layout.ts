// Geometry shared by the cluster views: pure functions of the member list and the cursor.
import { scaleLinear } from 'd3';
import type { MessageSpan } from '../model/timeline';

/** How long (virtual ms) a lost message stays marked where it was lost. */
export const LOST_SHOW_MS = 250;

/** The spans lost within LOST_SHOW_MS before t (a stalled transmission, a broken or refused send). */
export function recentlyLost(spans: readonly MessageSpan[], t: number): MessageSpan[] {
  return spans.filter((m) => m.lostAt !== undefined && m.lostAt <= t && m.lostAt > t - LOST_SHOW_MS);
}

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
