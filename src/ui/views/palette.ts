// Okabe-Ito colours (safe for the common colour-vision deficiencies). Roles are also
// told apart by a letter badge and text, never by colour alone.
import { scaleOrdinal } from 'd3';
import type { MemberFrame } from '../model/frame';
import { roleLetter } from '../model/frame';

export const OKABE_ITO = {
  orange: '#E69F00',
  sky: '#56B4E9',
  green: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  purple: '#CC79A7',
  grey: '#999999',
  black: '#000000',
} as const;

const ROLE_FILL: Record<string, string> = {
  L: OKABE_ITO.orange,
  C: OKABE_ITO.green,
  P: OKABE_ITO.yellow,
  F: OKABE_ITO.sky,
  E: OKABE_ITO.purple,
};

/** The badge of a member that is down: not a colour alone (crashed, stopped cleanly, removed). */
const DOWN_LETTER = { crashed: '✕', stopped: '■', removed: '−' } as const;

/** The role's badge letter, a learner's "E" first (Raft reports a learner as a follower). */
export function memberLetter(m: MemberFrame): string {
  if (m.status !== 'running') return DOWN_LETTER[m.status];
  return m.learner && m.role !== '' ? 'E' : roleLetter(m.role);
}

export function memberFill(m: MemberFrame): string {
  if (m.status !== 'running') return '#e5e5e5';
  return ROLE_FILL[memberLetter(m)] ?? OKABE_ITO.sky;
}

/** Words for a member's state, for labels and screen readers. */
export function memberLabel(m: MemberFrame): string {
  if (m.status === 'removed') return `${m.name}: removed from the cluster`;
  if (m.status !== 'running') return `${m.name}: ${m.status}`;
  if (m.role === '') return `${m.name}: running`;
  const lead = m.lead !== '' && m.lead !== m.name ? `, leader ${m.lead}` : '';
  return `${m.name}: ${m.learner ? 'learner (non-voting) ' : ''}${m.role}, term ${m.term}${lead}`;
}

/** Message types keep their colour across the views. */
export const messageColour = scaleOrdinal<string, string>().range([
  OKABE_ITO.blue,
  OKABE_ITO.vermillion,
  OKABE_ITO.green,
  OKABE_ITO.purple,
  OKABE_ITO.orange,
  OKABE_ITO.black,
  OKABE_ITO.sky,
]);
