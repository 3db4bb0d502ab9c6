import { describe, expect, it } from 'vitest';
import { parseConsoleLine } from './console-commands';

describe('console commands', () => {
  it('turns etcdctl command lines into requests', () => {
    expect(parseConsoleLine('put foo bar')).toEqual({ ok: true, op: { op: 'put', key: 'foo', value: 'bar' } });
    expect(parseConsoleLine('etcdctl put foo "hello world" --lease=1f')).toEqual({ ok: true, op: { op: 'put', key: 'foo', value: 'hello world', lease: 31 } });
    expect(parseConsoleLine('get foo --consistency=s')).toEqual({ ok: true, op: { op: 'get', key: 'foo', serializable: true } });
    expect(parseConsoleLine('del foo')).toEqual({ ok: true, op: { op: 'delete', key: 'foo' } });
    expect(parseConsoleLine('lease grant 60')).toEqual({ ok: true, op: { op: 'lease-grant', ttl: 60, id: 0 } });
    expect(parseConsoleLine('member list')).toEqual({ ok: true, op: { op: 'member-list' } });
    expect(parseConsoleLine('member add m6 --peer-urls=http://m6:2380 --learner')).toEqual({
      ok: true,
      op: { op: 'member-add', peerURLs: ['http://m6:2380'], learner: true },
    });
  });

  it("reports bad commands in etcdctl's words", () => {
    expect(parseConsoleLine('put foo')).toEqual({ ok: false, error: 'Error: put command needs 1 argument and input from stdin or 2 arguments' });
    expect(parseConsoleLine('frobnicate')).toEqual({ ok: false, error: 'Error: unknown command "frobnicate" for "etcdctl"' });
    expect(parseConsoleLine('get')).toMatchObject({ ok: false, error: expect.stringContaining('get command needs one argument') });
    expect(parseConsoleLine('put "foo')).toMatchObject({ ok: false });
  });
});
