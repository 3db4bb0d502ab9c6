// Each client's calls as its application saw them (after the client's retries).
import { useUIStore } from '../store';
import { TableHead } from './TableHead';

export function ClientTable() {
  const clients = useUIStore((s) => s.frame.clients);
  const names = Object.keys(clients).sort();
  if (names.length === 0) return <p className="empty">No clients in this run.</p>;
  return (
    <table className="client-table" data-testid="clients" aria-label="Client calls up to the cursor">
      <TableHead columns={['client', 'connection', 'calls', 'ok', 'failed', 'last failure']} />
      <tbody>
        {names.map((n) => {
          const c = clients[n];
          return (
            <tr key={n} data-testid={`client-${n}`}>
              <th scope="row">{n}</th>
              <td>{c.status || '…'}</td>
              <td>{c.calls}</td>
              <td>{c.ok}</td>
              <td>{c.errors}</td>
              <td>{c.lastError}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
