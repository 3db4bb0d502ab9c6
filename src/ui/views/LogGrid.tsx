// Each member's newest log entries, by index: the term in each cell, committed entries
// solid and uncommitted ones outlined, so replication and commit can be followed by eye.
import { useMemo } from 'react';
import { useUIStore } from '../store';
import { LOG_WINDOW } from '../model/frame';

const COLUMNS = 16;

export function LogGrid() {
  const members = useUIStore((s) => s.frame.members);
  const last = useMemo(() => Math.max(0, ...members.map((m) => m.lastIndex)), [members]);
  const first = Math.max(1, last - Math.min(COLUMNS, LOG_WINDOW) + 1);
  const indexes = Array.from({ length: last === 0 ? 0 : last - first + 1 }, (_, i) => first + i);

  if (last === 0) {
    return (
      <p className="empty" data-testid="log-grid">
        No log entries yet: members append entries once Raft runs in the world.
      </p>
    );
  }
  return (
    <table className="log-grid" data-testid="log-grid" aria-label="Raft log per member: term of each entry by index">
      <thead>
        <tr>
          <th scope="col">member</th>
          {indexes.map((i) => (
            <th scope="col" key={i}>
              {i}
            </th>
          ))}
          <th scope="col">commit / applied</th>
        </tr>
      </thead>
      <tbody>
        {members.map((m) => {
          const terms = new Map(m.log.map((e) => [e.index, e.term]));
          return (
            <tr key={m.name} className={m.status}>
              <th scope="row">{m.name}</th>
              {indexes.map((i) => {
                const term = terms.get(i);
                const state = term === undefined ? 'none' : i <= m.commit ? 'committed' : 'pending';
                return (
                  <td key={i} className={`entry ${state}`} title={term === undefined ? undefined : `index ${i}, term ${term}, ${state}`}>
                    {term ?? ''}
                  </td>
                );
              })}
              <td>
                {m.commit} / {m.applied}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
