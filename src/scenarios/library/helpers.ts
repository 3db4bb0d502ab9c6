// Typed helpers to author scenarios in TypeScript; what they build is plain JSON-able data.

import { parseScenario } from '../parse';
import type { Scenario, ScenarioInput } from '../schema';
import type { InputRequest } from '../../sim/world/inputs';
import type { RequestOpInput } from '../../sim/world/requests';
import type { z } from 'zod';
import type { StepSchema, TraceMatch } from '../schema';

type StepInput = z.input<typeof StepSchema>;
type Action = InputRequest;
type Extra = Pick<StepInput, 'bind' | 'withinMs' | 'afterMs' | 'etcdctl'>;

/** Validates a library scenario when its module loads (a mistake fails every test at once). */
export function defineScenario(s: ScenarioInput): Scenario {
  return parseScenario(s, `scenario ${s.name}`);
}

export function at(t: number, narration: string, actions: Action[] = [], extra: Extra = {}): StepInput {
  return { at: t, narration, actions, ...extra };
}

export function when(condition: StepInput['when'], narration: string, actions: Action[] = [], extra: Extra = {}): StepInput {
  return { when: condition, narration, actions, ...extra };
}

export function request(client: string, label: string, req: RequestOpInput, timeoutMs?: number): Action {
  return { type: 'request', client, label, request: req, timeoutMs };
}

export const put = (client: string, label: string, key: string, value: string, timeoutMs?: number): Action => request(client, label, { op: 'put', key, value }, timeoutMs);

export const get = (client: string, label: string, key: string, serializable = false, timeoutMs?: number): Action => request(client, label, { op: 'get', key, serializable }, timeoutMs);

/** A raft logger line containing `text`, optionally from one member. */
export function raftLog(text: string, source?: string): TraceMatch {
  return { kind: 'raft.log', text, source };
}

/** A member taking a role (leader, follower, candidate, pre-candidate). */
export function role(r: string, source?: string): TraceMatch {
  return { kind: 'server.role', fields: { role: r }, source };
}
