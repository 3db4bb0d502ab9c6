// ID generation after etcd's pkg/idutil (spec server.md §2.9), which the server uses for
// request IDs and for lease IDs a client leaves at 0 (§8.1).
//
// etcd packs 64 bits: [16 bits: low bits of the member ID][40 bits: unix ms at start]
// [8 bits: counter], and Next() increments the low 48 bits (the counter may carry into
// the time). JavaScript numbers are exact only to 53 bits, so the simulator keeps the
// layout and narrows the time field to 29 bits: [16 member][29 ms][8 counter]. IDs stay
// positive safe integers.

import type { LeaseID } from './lease';

const MEMBER_BITS = 16;
const SUFFIX_BITS = 37; // 29 bits of time + 8 bits of counter
const COUNT_BITS = 8;

export class IDGenerator {
  private readonly prefix: number;
  private suffix: number;

  /** `startMs`: the virtual time the member started, as etcd reads the clock once at start. */
  constructor(memberID: number, startMs: number) {
    if (!Number.isSafeInteger(memberID) || memberID < 0) throw new RangeError(`idutil: bad member ID ${memberID}`);
    if (!Number.isFinite(startMs) || startMs < 0) throw new RangeError(`idutil: bad start time ${startMs}`);
    this.prefix = (memberID % 2 ** MEMBER_BITS) * 2 ** SUFFIX_BITS;
    this.suffix = (Math.floor(startMs) % 2 ** (SUFFIX_BITS - COUNT_BITS)) * 2 ** COUNT_BITS;
  }

  next(): number {
    this.suffix = (this.suffix + 1) % 2 ** SUFFIX_BITS;
    return this.prefix + this.suffix;
  }
}

/** The ID for a LeaseGrant with ID 0: draw from the generator until non-zero (v3_server LeaseGrant). */
export function newLeaseID(next: () => number): LeaseID {
  let id = next();
  while (id === 0) id = next();
  return id;
}
