// The scenario library, by name, in the order a course would teach them.

import type { Scenario } from '../schema';
import { leaderCrash } from './leader-crash';

export const library: readonly Scenario[] = [leaderCrash];
