// Member references in scenario steps: "@leader" / "@follower" .. "@follower4" name a member
// by its role when the step applies, "$name" a member bound by an earlier step. Resolved
// before an input reaches the world, so the recorded inputs name members and replay exactly.

import type { World } from '../sim/world/world';
import { MemberRef } from './schema';

export type Bindings = ReadonlyMap<string, string>;

/** "$name" inside any string. */
const BOUND = /\$([a-z][a-zA-Z0-9]*)/g;

/** The member a role reference names now, or an error message. */
export function resolveMember(world: World, ref: MemberRef): string | Error {
  const leader = world.leader();
  if (ref === '@leader') return leader?.name ?? new Error('"@leader": no member is leader now');
  const followers = world.mainMembers().filter((m) => m.isRunning && m !== leader);
  const m = followers[ref === '@follower' ? 0 : Number(ref.slice('@follower'.length)) - 1];
  return m?.name ?? new Error(`"${ref}": not enough running followers`);
}

/** Applies `fn` to every string in a JSON value. */
function mapStrings<T>(value: T, fn: (s: string) => string): T {
  const visit = (v: unknown): unknown => {
    if (typeof v === 'string') return fn(v);
    if (Array.isArray(v)) return v.map(visit);
    if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, visit(x)]));
    return v;
  };
  return visit(value) as T;
}

/** Replaces references in every string of a JSON value ("http://$old:2379" too); throws on an unknown one. */
export function resolveRefs<T>(value: T, world: World, bindings: Bindings): T {
  return mapStrings(value, (s) => {
    const ref = MemberRef.safeParse(s);
    if (ref.success) {
      const m = resolveMember(world, ref.data);
      if (m instanceof Error) throw m;
      return m;
    }
    return s.replace(BOUND, (whole, name: string) => {
      const m = bindings.get(name);
      if (m === undefined) throw new Error(`"${whole}" is not bound by an earlier step`);
      return m;
    });
  });
}

/** For expectations, evaluated live: unbound names stay as written. */
export function resolveBound<T>(value: T, bindings: Bindings): T {
  return mapStrings(value, (s) => fillText(s, bindings));
}

/** Narration text with "$name" replaced by the bound member. */
export function fillText(text: string, bindings: Bindings): string {
  return text.replace(BOUND, (whole, name: string) => bindings.get(name) ?? whole);
}
