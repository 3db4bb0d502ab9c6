// The alarm store (etcd api/v3alarm/alarms.go, spec server.md §10.1): active alarms per
// member and type, applied through raft and kept in the backend's alarm bucket. NOSPACE
// installs the capped applier (writes refused with ErrNoSpace) until it is deactivated.

export type AlarmType = 'NONE' | 'NOSPACE' | 'CORRUPT';

export interface AlarmMember {
  memberID: number;
  alarm: AlarmType;
}

export interface AlarmRequest {
  action: 'GET' | 'ACTIVATE' | 'DEACTIVATE';
  memberID: number;
  alarm: AlarmType;
}

export class AlarmStore {
  private alarms: AlarmMember[] = [];

  /** Alarms of a type (NONE = all), sorted by member then type. */
  get(type: AlarmType): AlarmMember[] {
    return this.alarms.filter((a) => type === 'NONE' || a.alarm === type).map((a) => ({ ...a }));
  }

  has(type: AlarmType): boolean {
    return this.alarms.some((a) => a.alarm === type);
  }

  /** Idempotent; ACTIVATE of NONE does nothing. Returns the alarm, or undefined for NONE. */
  activate(memberID: number, alarm: AlarmType): AlarmMember | undefined {
    if (alarm === 'NONE') return undefined;
    if (!this.alarms.some((a) => a.memberID === memberID && a.alarm === alarm)) {
      this.alarms.push({ memberID, alarm });
      this.alarms.sort((a, b) => a.memberID - b.memberID || (a.alarm < b.alarm ? -1 : a.alarm > b.alarm ? 1 : 0));
    }
    return { memberID, alarm };
  }

  /** Returns the removed alarm, or undefined when it was not active. */
  deactivate(memberID: number, alarm: AlarmType): AlarmMember | undefined {
    const i = this.alarms.findIndex((a) => a.memberID === memberID && a.alarm === alarm);
    if (i < 0) return undefined;
    return this.alarms.splice(i, 1)[0];
  }

  snapshot(): AlarmMember[] {
    return this.get('NONE');
  }

  restore(alarms: readonly AlarmMember[] | undefined): void {
    this.alarms = (alarms ?? []).map((a) => ({ ...a }));
  }
}
