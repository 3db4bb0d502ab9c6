// One member's key-value store at the cursor: its revisions, keys, watchers and leases.
// Members apply at their own pace, so the view can show any member (the leader first).
import { memo, useMemo, useState } from 'react';
import { useUIStore } from '../store';
import { remainingTTL, type KvFrame, type LeaseView } from '../model/kv-frame';
import type { MemberFrame } from '../model/frame';
import './panels.css';
import { TableHead } from './TableHead';

const LEADER = '(leader)';

function hexLease(id: number): string {
  return id.toString(16);
}

/** The member the view follows: the chosen one, else the leader, else the first with a store. */
function shownMember(choice: string, members: readonly MemberFrame[], kv: Record<string, KvFrame>): string | undefined {
  if (choice !== LEADER) return choice;
  return members.find((m) => m.role === 'leader')?.name ?? members.find((m) => m.name in kv)?.name;
}

const KeyTable = memo(function KeyTable({ kv }: { kv: KvFrame }) {
  const keys = useMemo(() => Object.entries(kv.keys).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)), [kv.keys]);
  if (keys.length === 0) return <p className="empty">No keys written yet.</p>;
  return (
    <table className="kv-keys" data-testid="kv-keys" aria-label="Keys with their create and mod revisions, version and lease">
      <TableHead columns={['key', 'create rev', 'mod rev', 'version', 'lease']} />
      <tbody>
        {keys.map(([key, k]) => (
          <tr key={key} className={k.deleted ? 'deleted' : undefined} data-testid={`kv-key-${key}`}>
            <th scope="row">
              {key}
              {k.deleted && <span className="tag"> (deleted)</span>}
            </th>
            <td>{k.deleted ? '—' : k.createRevision}</td>
            <td>{k.modRevision}</td>
            <td>{k.deleted ? '—' : k.version}</td>
            <td>{k.lease === 0 ? '' : hexLease(k.lease)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
});

function leaseTTL(l: LeaseView, t: number): string {
  const left = remainingTTL(l, t);
  if (left !== undefined) return `${left.toFixed(1)} s of ${l.ttl} s`;
  if (l.expiry === 'forever') return `${l.ttl} s (not counting: this member is not the primary lessor)`;
  return `${l.ttl} s (expiry spread over the revoke rate)`;
}

function LeaseTable({ leases }: { leases: LeaseView[] }) {
  // The countdown moves with the cursor: only this small table follows it.
  const t = useUIStore((s) => s.cursor.t);
  if (leases.length === 0) return <p className="empty">No leases.</p>;
  return (
    <table className="kv-leases" data-testid="kv-leases" aria-label="Leases with their remaining TTL and keys">
      <TableHead columns={['lease', 'remaining TTL', 'keys']} />
      <tbody>
        {leases.map((l) => {
          const left = remainingTTL(l, t);
          return (
            <tr key={l.id} data-testid={`kv-lease-${hexLease(l.id)}`}>
              <th scope="row">{hexLease(l.id)}</th>
              <td>
                {left !== undefined && (
                  <meter min={0} max={l.ttl} value={left} aria-hidden="true">
                    {left.toFixed(1)}
                  </meter>
                )}{' '}
                {leaseTTL(l, t)}
              </td>
              <td>{l.keys.join(', ')}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** Every member's watchers: a watch lives on the member its client's stream reached. */
const WatcherList = memo(function WatcherList({ kvs }: { kvs: Record<string, KvFrame> }) {
  const all = Object.keys(kvs)
    .sort()
    .flatMap((member) => kvs[member].watchers.map((w) => ({ member, ...w })));
  if (all.length === 0) return <p className="empty">No watchers.</p>;
  return (
    <ul className="kv-watchers" data-testid="kv-watchers" aria-label="Watchers on every member">
      {all.map((w) => (
        <li key={`${w.member}/${w.id}`}>
          {w.member}: watch {w.id} on <code>{w.key}</code>
          {w.end === undefined ? '' : w.end === '' ? ' and every key after it' : <> up to <code>{w.end}</code></>}
          {w.startRevision > 0 ? ` from revision ${w.startRevision}` : ' from now'}
          {w.compactedAt !== undefined && <strong> — canceled: revision compacted at {w.compactedAt}</strong>}
        </li>
      ))}
    </ul>
  );
});

export function KeyValue() {
  const members = useUIStore((s) => s.frame.members);
  const kvs = useUIStore((s) => s.frame.kv);
  const [choice, setChoice] = useState(LEADER);
  const name = shownMember(choice, members, kvs);
  const kv = name === undefined ? undefined : kvs[name];
  return (
    <div className="key-value" data-testid="key-value">
      <label>
        Store of{' '}
        <select value={choice} onChange={(e) => setChoice(e.target.value)} data-testid="kv-member">
          <option value={LEADER}>the leader{choice === LEADER && name !== undefined ? ` (${name})` : ''}</option>
          {members.map((m) => (
            <option key={m.name} value={m.name}>
              {m.name}
            </option>
          ))}
        </select>
      </label>
      {kv === undefined ? (
        <p className="empty">No key-value activity on this member yet.</p>
      ) : (
        <>
          <p className="kv-revisions" data-testid="kv-revisions">
            Revision <output data-testid="kv-revision">{kv.revision}</output> · compacted{' '}
            <output data-testid="kv-compacted">{kv.compacted < 0 ? 'never' : kv.compacted}</output>
            {kv.hidden > 0 && ` · ${kv.hidden} writes to further keys not shown`}
          </p>
          {kv.restoredAt !== undefined && (
            <p className="note">Restored from a snapshot at revision {kv.restoredAt}: keys not written since may be missing here.</p>
          )}
          <KeyTable kv={kv} />
          <h3>Watchers (all members)</h3>
          <WatcherList kvs={kvs} />
          <h3>Leases</h3>
          <LeaseTable leases={kv.leases} />
        </>
      )}
    </div>
  );
}
