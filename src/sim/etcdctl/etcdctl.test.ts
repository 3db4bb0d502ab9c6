// etcdctl's outputs, usage errors and error lines, checked against texts etcdctl 3.4.23
// printed (the expectations were captured from the real binary).

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { etcdctl } from './ctlv3/ctl';
import { runScript } from './runner';
import { FakeCluster } from './testing/fake-cluster';

async function run(script: string, members = 1, setup: (c: FakeCluster) => void = () => {}) {
  const cluster = new FakeCluster({ members });
  setup(cluster);
  let stdout = '';
  let stderr = '';
  const { codes } = await runScript(script.split('\n'), {
    env: cluster,
    clock: cluster.kernel,
    sink: (c) => {
      if (c.stream === 'stdout') stdout += c.text;
      else stderr += c.text;
    },
    interruptAfterMs: 1000,
  });
  return { stdout, stderr, codes, cluster };
}

describe('kv', () => {
  it('put, get and del in the simple format', async () => {
    const r = await run('put a 1\nput a 2 --prev-kv\nget a\nget a --print-value-only\nget a --keys-only\ndel a --prev-kv\ndel a');
    expect(r.stdout).toBe('OK\nOK\na\n1\na\n2\n2\na\n\n1\na\n2\n0\n');
    expect(r.codes).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });

  it('get with ranges, prefix, from-key, limit, sort and revisions', async () => {
    const r = await run(
      'put a 1\nput b 2\nput c 3\nget a c\nget --prefix ""\nget b --from-key --keys-only\nget --prefix "" --limit 1\n' +
        'get --prefix "" --sort-by=MODIFY --order=DESCEND\nget a --rev=1\nget a --rev=2',
    );
    expect(r.stdout).toBe('OK\nOK\nOK\n' + 'a\n1\nb\n2\n' + 'a\n1\nb\n2\nc\n3\n' + 'b\n\nc\n\n' + 'a\n1\n' + 'c\n3\nb\n2\na\n1\n' + '' + 'a\n1\n');
  });

  it('json output has etcd field names, base64 bytes and omits zero values', async () => {
    const r = await run('put b <&>\nget b -w json\nput b x --prev-kv -w json\ndel zz -w json');
    const lines = r.stdout.trim().split('\n').slice(1);
    expect(lines[0]).toMatch(/^\{"header":\{"cluster_id":\d+,"member_id":\d+,"revision":2,"raft_term":2\},"kvs":\[\{"key":"Yg==","create_revision":2,"mod_revision":2,"version":1,"value":"PCY\+"\}\],"count":1\}$/);
    expect(lines[1]).toMatch(/"revision":3,"raft_term":2\},"prev_kv":\{"key":"Yg==","create_revision":2,"mod_revision":2,"version":1,"value":"PCY\+"\}\}$/);
    expect(lines[2]).toMatch(/^\{"header":\{"cluster_id":\d+,"member_id":\d+,"revision":3,"raft_term":2\}\}$/);
  });

  it('reads a missing value from standard input: the rest of the script', async () => {
    const r = await run('put k\nline 1\nline 2');
    expect(r.stdout).toBe('OK\n');
    const g = await run('put k --ignore-value\nput k');
    expect(g.stderr).toBe('Error: etcdserver: key not found\nError: put command needs 1 argument and input from stdin or 2 arguments\n');
  });

  it('prints --hex bytes as \\xNN', async () => {
    const r = await run('put ab c\nget ab --hex');
    expect(r.stdout).toBe('OK\n\\x61\\x62\n\\x63\n');
  });

  it('reports server errors and argument errors as etcdctl does', async () => {
    const r = await run(
      'put "" x\nget ""\nget\nput\ndel\ndel a b --prefix\nget a b --prefix\nget a --from-key --prefix\nget a --sort-by=foo\nget a --order=foo\nget a --consistency=x\nget a -w table\nget a -w xml\nput a b --lease=zz\nput k v --lease=1234',
    );
    expect(r.stderr).toBe(
      [
        'Error: etcdserver: key is not provided',
        'Error: etcdserver: key is not provided',
        'Error: get command needs one argument as key and an optional argument as range_end',
        'Error: put command needs 1 argument and input from stdin or 2 arguments',
        'Error: del command needs one argument as key and an optional argument as range_end',
        'Error: too many arguments, only accept one argument when `--prefix` or `--from-key` is set',
        'Error: too many arguments, only accept one argument when `--prefix` or `--from-key` is set',
        'Error: `--prefix` and `--from-key` cannot be set at the same time, choose one',
        'Error: bad sort target foo',
        'Error: bad sort order foo',
        'Error: unknown consistency flag "x"',
        'Error: table not supported as output format',
        'Error: unsupported output format',
        'Error: bad lease ID (strconv.ParseInt: parsing "zz": invalid syntax), expecting ID in Hex',
        'Error: etcdserver: requested lease not found',
        '',
      ].join('\n'),
    );
    expect(r.codes).toEqual([1, 1, 128, 128, 128, 128, 128, 128, 4, 4, 4, 4, 4, 128, 1]);
  });
});

describe('compaction', () => {
  it('compacts, then rejects compacted and future revisions', async () => {
    const r = await run('put a 1\nput a 2\ncompaction 2\ncompaction 2\ncompaction 100\ncompaction abc\ncompaction\nget a --rev=1\nget a --rev=2');
    expect(r.stdout).toBe('OK\nOK\ncompacted revision 2\na\n1\n');
    expect(r.stderr).toBe(
      'Error: etcdserver: mvcc: required revision has been compacted\n' +
        'Error: etcdserver: mvcc: required revision is a future revision\n' +
        'Error: strconv.ParseInt: parsing "abc": invalid syntax\n' +
        'Error: compaction command needs 1 argument\n' +
        'Error: etcdserver: mvcc: required revision has been compacted\n',
    );
    expect(r.codes).toEqual([0, 0, 0, 1, 1, 1, 128, 1, 0]);
  });
});

describe('txn', () => {
  it('reads compares, success and failure requests from the following lines', async () => {
    const r = await run('put a 1\ntxn\nvalue("a") = "1"\n\nget a\nput c 3\ndel zz\n\nput d 4\n\ntxn -w json\nmod("a") > "5"\n\nput x y\n\nget a\n\n');
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, 9).join('\n')).toBe('OK\nSUCCESS\n\na\n1\n\nOK\n\n0');
    expect(lines[9].replace(/^\{"header":\{[^}]*\}/, '')).toBe(
      ',"responses":[{"Response":{"ResponseRange":{"header":{"revision":3},"kvs":[{"key":"YQ==","create_revision":2,"mod_revision":2,"version":1,"value":"MQ=="}],"count":1}}}]}',
    );
  });

  it('reports malformed input with the input-error exit code', async () => {
    const r = await run('txn\nbad compare\ntxn\nmod("a") > 0\ntxn\nver("a") = "x"\ntxn\n\nfoo x\ntxn\n\ntxn\n\ntxn\nval("a") ~ "1"\n');
    expect(r.stderr).toBe(
      [
        'Error: malformed comparison: bad compare',
        'Error: malformed comparison: mod("a") > 0; got mod("a") > ""',
        'Error: invalid txn compare request: ver("a") = "x"',
        'Error: invalid txn request: foo x',
        'Error: invalid txn compare request: txn',
        'panic: Unknown result op',
        '',
      ].join('\n'),
    );
    expect(r.codes).toEqual([3, 3, 3, 3, 3, 2]);
  });

  it('prompts in interactive mode and fails at end of input', async () => {
    const r = await run('txn -i\nvalue("a") = "1"\n\nput a 2\n');
    expect(r.stdout).toBe('compares:\nsuccess requests (get, put, del):\nfailure requests (get, put, del):\n');
    expect(r.stderr).toBe('Error: EOF\n');
  });
});

describe('watch', () => {
  it('replays history from a past revision, then follows new events', async () => {
    const r = await run('put a 1\ndel a\nwatch --rev=1 a --prev-kv &\nput a 2\n');
    // The watch is created 1 ms after it starts, as the put that follows is applied.
    expect(r.stdout).toBe('OK\n1\nOK\nPUT\na\n1\nDELETE\na\n1\na\n\nPUT\na\n2\n');
    expect(r.codes).toEqual([0, 0, 0]);
  });

  it('reports a compacted start revision and exits 5', async () => {
    const r = await run('put a 1\nput a 2\ncompaction 3\nwatch --rev=1 a');
    expect(r.stderr).toBe('watch was canceled (etcdserver: mvcc: required revision has been compacted)\nError: watch is canceled by the server\n');
    expect(r.codes).toEqual([0, 0, 0, 5]);
  });

  it('prints one JSON object per watch response', async () => {
    const r = await run('put a 1\nwatch --rev=1 a -w json');
    expect(r.stdout.split('\n')[1]).toMatch(/^\{"Header":\{.*"revision":2,"raft_term":2\},"Events":\[\{"kv":\{"key":"YQ==","create_revision":2,"mod_revision":2,"version":1,"value":"MQ=="\}\}\],"CompactRevision":0,"Canceled":false,"Created":false\}$/);
  });
});

describe('lease', () => {
  it('grants, lists, attaches keys, and revokes', async () => {
    const r = await run('lease grant 60\nlease list\nput k v --lease=00042c8000000001\nlease timetolive 00042c8000000001 --keys\nlease revoke 00042c8000000001\nget k\nlease timetolive 00042c8000000001');
    expect(r.stdout).toBe(
      'lease 00042c8000000001 granted with TTL(60s)\nfound 1 leases\n00042c8000000001\nOK\n' +
        'lease 00042c8000000001 granted with TTL(60s), remaining(59s), attached keys([k])\n' +
        'lease 00042c8000000001 revoked\nlease 00042c8000000001 already expired\n',
    );
  });

  it('keeps a lease alive until interrupted, and reports an expired one', async () => {
    const r = await run('lease grant 3\nlease keep-alive 00042c8000000001 &\nsleep 2500ms\nlease keep-alive --once 00042c8000000001\nlease keep-alive 1234');
    expect(r.stdout).toBe(
      'lease 00042c8000000001 granted with TTL(3s)\n' +
        'lease 00042c8000000001 keepalived with TTL(3)\n'.repeat(3) +
        'lease 00042c8000000001 keepalived with TTL(3)\n' +
        'lease 0000000000001234 expired or revoked.\n' +
        'lease 00042c8000000001 keepalived with TTL(3)\n',
    );
  });

  it('lets a lease expire and deletes its keys', async () => {
    const r = await run('lease grant 2\nput k v --lease=00042c8000000001\nsleep 3s\nget k\nlease list');
    expect(r.stdout).toBe('lease 00042c8000000001 granted with TTL(2s)\nOK\nfound 0 leases\n');
  });

  it('reports bad arguments', async () => {
    const r = await run('lease grant abc\nlease grant\nlease timetolive zz\nlease revoke 1234\nlease keep-alive --once 1234');
    expect(r.stderr).toBe(
      [
        'Error: bad TTL (strconv.ParseInt: parsing "abc": invalid syntax)',
        'Error: lease grant command needs TTL argument',
        'Error: bad lease ID arg (strconv.ParseInt: parsing "zz": invalid syntax), expecting ID in Hex',
        'Error: failed to revoke lease (etcdserver: requested lease not found)',
        'Error: etcdserver: requested lease not found',
        '',
      ].join('\n'),
    );
    expect(r.codes).toEqual([128, 128, 128, 1, 2]);
  });
});

describe('cluster and maintenance', () => {
  it('lists members as CSV lines and as a table', async () => {
    const r = await run('member list\nmember list -w table', 2);
    expect(r.stdout).toBe(
      '8e9e05c52164, started, m1, http://m1:2380, http://m1:2379, false\n' +
        '8e9e05c53164, started, m2, http://m2:2380, http://m2:2379, false\n' +
        '+--------------+---------+------+----------------+----------------+------------+\n' +
        '|      ID      | STATUS  | NAME |   PEER ADDRS   |  CLIENT ADDRS  | IS LEARNER |\n' +
        '+--------------+---------+------+----------------+----------------+------------+\n' +
        '| 8e9e05c52164 | started |   m1 | http://m1:2380 | http://m1:2379 |      false |\n' +
        '| 8e9e05c53164 | started |   m2 | http://m2:2380 | http://m2:2379 |      false |\n' +
        '+--------------+---------+------+----------------+----------------+------------+\n',
    );
  });

  it('adds a member and prints its configuration', async () => {
    const r = await run('member add x --peer-urls=http://m9:2380\nmember list\nmember add\nmember add x\nmember add x http://a\nmember remove zz\nmember remove 1');
    expect(r.stdout).toBe(
      'Member     8e9e05c53164 added to cluster   1c4b0e2a3f5d6e\n\nETCD_NAME="x"\n' +
        'ETCD_INITIAL_CLUSTER="m1=http://m1:2380,x=http://m9:2380"\nETCD_INITIAL_ADVERTISE_PEER_URLS="http://m9:2380"\n' +
        'ETCD_INITIAL_CLUSTER_STATE="existing"\n' +
        '8e9e05c52164, started, m1, http://m1:2380, http://m1:2379, false\n8e9e05c53164, unstarted, , http://m9:2380, , false\n',
    );
    expect(r.stderr).toBe(
      [
        'Error: member name not provided',
        'Error: member peer urls not provided',
        'Error: too many arguments, did you mean --peer-urls=http://a',
        'Error: bad member ID arg (strconv.ParseUint: parsing "zz": invalid syntax), expecting ID in Hex',
        'Error: etcdserver: member not found',
        '',
      ].join('\n'),
    );
  });

  it('shows endpoint status, health, hashkv; defragments; moves the leader', async () => {
    const r = await run('endpoint status\nendpoint health\nendpoint health -w json\ndefrag\nmove-leader 8e9e05c53164\nmove-leader 1\nendpoint hashkv -w table', 2);
    expect(r.stdout).toMatch(
      new RegExp(
        '^' +
          [
            'm1:2379, 8e9e05c52164, 3.4.23, 20 kB, true, false, 2, 6, 6, \n',
            'm2:2379, 8e9e05c53164, 3.4.23, 20 kB, false, false, 2, 6, 6, \n',
            '[{"endpoint":"m1:2379","health":true,"took":"1ms"},{"endpoint":"m2:2379","health":true,"took":"1ms"}]\n',
            'Finished defragmenting etcd member[m1:2379]\nFinished defragmenting etcd member[m2:2379]\n',
            'Leadership transferred from 8e9e05c52164 to 8e9e05c53164\n',
            '+----------+------------+\n|',
          ]
            .map((s) => s.replace(/[[\]{}()+|.]/g, '\\$&'))
            .join(''),
      ),
    );
    expect(r.stderr).toBe('m1:2379 is healthy: successfully committed proposal: took = 1ms\nm2:2379 is healthy: successfully committed proposal: took = 1ms\nError: etcdserver: bad leader transferee\n');
  });

  it('lists and disarms alarms; an alarm makes the endpoint unhealthy', async () => {
    const r = await run('alarm list\nendpoint health\nendpoint status\nalarm disarm\nalarm list\nalarm list x', 1, (c) =>
      c.raiseAlarm({ memberID: c.members[0].ID, alarm: 'NOSPACE' }),
    );
    const alarm = `memberID:${0x8e9e05c52164} alarm:NOSPACE `;
    expect(r.stdout).toBe(`${alarm}\nm1:2379, 8e9e05c52164, 3.4.23, 20 kB, true, false, 2, 4, 4, ${alarm}\n${alarm}\n`);
    expect(r.stderr).toBe(
      'm1:2379 is unhealthy: failed to commit proposal: Active Alarm(s): NOSPACE \nError: unhealthy cluster\nError: alarm list command accepts no arguments\n',
    );
    expect(r.codes).toEqual([0, 1, 0, 0, 0, 128]);
  });
});

describe('auth', () => {
  it('enables auth (creating the root role), checks users, and disables it', async () => {
    const r = await run(
      'user add root:pw\nauth enable\nget foo\n--user=root:pw put foo bar\n--user=root:bad get foo\nuser add bob --new-user-password=x\n' +
        '--user=root:pw user add bob --new-user-password=x\n--user=root:pw role add r1\n' +
        '--user=root:pw role grant-permission r1 readwrite /a --prefix\n--user=root:pw role grant-permission r1 read /b /c\n' +
        '--user=root:pw role grant-permission r1 write /z\n--user=root:pw role grant-permission r1 read /q --from-key\n' +
        '--user=root:pw role grant-permission r1 foo /z\n--user=root:pw role get r1\n--user=root:pw user grant-role bob r1\n' +
        '--user=bob:x put /a/1 v\n--user=bob:x put /b v\n--user=root:pw user get bob --detail\n' +
        '--user=root:pw role revoke-permission r1 /z\n--user=root:pw role revoke-permission r1 /nope\n--user=root:pw auth disable\nauth status',
    );
    expect(r.stdout).toBe(
      [
        'User root created',
        'Authentication Enabled',
        'OK',
        'User bob created',
        'Role r1 created',
        'Role r1 updated',
        'Role r1 updated',
        'Role r1 updated',
        'Role r1 updated',
        'Role r1',
        'KV Read:',
        '\t[/a, /b) (prefix /a)',
        '\t[/b, /c) (prefix /b)',
        '\t[/q, <open ended>',
        'KV Write:',
        '\t[/a, /b) (prefix /a)',
        '\t/z',
        'Role r1 is granted to user bob',
        'OK',
        'User: bob',
        '',
        'Role r1',
        'KV Read:',
        '\t[/a, /b) (prefix /a)',
        '\t[/b, /c) (prefix /b)',
        '\t[/q, <open ended>',
        'KV Write:',
        '\t[/a, /b) (prefix /a)',
        '\t/z',
        'Permission of key /z is revoked from role r1',
        'Authentication Disabled',
        'Authentication Status: false',
        'AuthRevision: 13',
        '',
      ].join('\n'),
    );
    expect(r.stderr).toBe(
      [
        'Error: etcdserver: user name is empty',
        'Error: etcdserver: authentication failed, invalid user ID or password',
        'Error: etcdserver: user name is empty',
        'Error: invalid permission type: foo',
        'Error: etcdserver: permission denied',
        'Error: etcdserver: permission is not granted to the role',
        '',
      ].join('\n'),
    );
  });
});

describe('usage', () => {
  const dir = join(__dirname, 'testdata/help-3.4');
  for (const file of readdirSync(dir)) {
    const words = file.replace(/\.txt$/, '').split('_');
    it(`${words.join(' ')} --help prints etcdctl 3.4's usage`, async () => {
      const r = await run(`${words.join(' ')} --help`);
      // 3.4 vs 3.5+: `get --count-only` came with etcdctl 3.5; the simulator has it.
      const newer = words.join(' ') === 'get' ? /^ {6}--count-only\[=false\]\t+Get only the count\n/m : undefined;
      expect(newer === undefined || newer.test(r.stdout)).toBe(true);
      expect(newer === undefined ? r.stdout : r.stdout.replace(newer, '')).toBe(readFileSync(join(dir, file), 'utf8'));
    });
  }

  it('reports unknown commands and flags as cobra does', async () => {
    const r = await run('foo\ngte a\nput --foo a b');
    expect(r.stderr).toBe(
      'Error: unknown command "foo" for "etcdctl"\nRun \'etcdctl --help\' for usage.\nError: unknown command "foo" for "etcdctl"\n' +
        'Error: unknown command "gte" for "etcdctl"\n\nDid you mean this?\n\tget\n\nRun \'etcdctl --help\' for usage.\n' +
        'Error: unknown command "gte" for "etcdctl"\n\nDid you mean this?\n\tget\n\n' +
        'Error: unknown flag: --foo\n\nError: unknown flag: --foo\n',
    );
    expect(r.stdout).toBe(readFileSync(join(dir, 'put.txt'), 'utf8'));
    expect(r.codes).toEqual([1, 1, 1]);
  });

  it('reports bad flag values with pflag texts', async () => {
    const r = await run('get a --rev=abc\nget a --limit\nget a -x\nget a --prefix=maybe');
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('Error:'));
    expect(errors.filter((_, i) => i % 2 === 0)).toEqual([
      'Error: invalid argument "abc" for "--rev" flag: strconv.ParseInt: parsing "abc": invalid syntax',
      'Error: flag needs an argument: --limit',
      "Error: unknown shorthand flag: 'x' in -x",
      'Error: invalid argument "maybe" for "--prefix" flag: strconv.ParseBool: parsing "maybe": invalid syntax',
    ]);
  });

  it('help names a command, or says the topic is unknown', async () => {
    const r = await run('help lease foo\nhelp foo bar');
    expect(r.stdout.split('\n').filter((l) => l.startsWith('\tlease -') || l.startsWith('Unknown') || l.startsWith('\tetcdctl -'))).toEqual([
      '\tlease - Lease related commands',
      'Unknown help topic [`foo` `bar`]',
      '\tetcdctl - A simple command line client for etcd3.',
    ]);
  });

  it('prints the version', async () => {
    expect((await run('version')).stdout).toBe('etcdctl version: 3.4.23\nAPI version: 3.4\n');
  });
});

describe('watch -i', () => {
  it('starts a watch per input line, reports bad lines, and exits at the end of its input', async () => {
    const cluster = new FakeCluster();
    const k = cluster.kernel;
    // Standard input typed by a person: a line every 10 ms of virtual time, then end of input.
    const typed = ['watch a', 'bogus', 'watch', 'watch --prev-kv b c', 'watch --prefix x y'];
    let next = 0;
    const stdin = {
      readLine: () => new Promise<string | undefined>((resolve) => k.schedule(10, () => resolve(typed[next++]))),
    };
    let out = '';
    let err = '';
    const client = await cluster.connect({ endpoints: ['m1:2379'], dialTimeoutMs: 0, commandTimeoutMs: 0, keepAliveTimeMs: 0, keepAliveTimeoutMs: 0 });
    k.schedule(45, () => void client.put({ key: 'a', value: '1' }));
    k.schedule(55, () => void client.put({ key: 'b', value: '2' }));
    const done = etcdctl(['watch', '-i'], { env: cluster, sink: (c) => (c.stream === 'stdout' ? (out += c.text) : (err += c.text)), stdin });
    let code: number | undefined;
    void done.then((c) => (code = c));
    do await new Promise((r) => setImmediate(r));
    while (code === undefined && k.step());
    expect(out).toBe('PUT\na\n1\nPUT\nb\n2\n');
    expect(err).toBe(
      'Invalid command bogus (only support watch)\nInvalid command watch (command type or key is not provided)\n' +
        'Invalid command watch --prefix x y (`range_end` and `--prefix` are mutually exclusive)\n' +
        'Error: Error reading watch request line: EOF\n',
    );
    expect(code).toBe(3);
  });
});

describe('check', () => {
  it('check perf runs a simulated minute of writes and passes on an idle cluster', { timeout: 30_000 }, async () => {
    const r = await run('put /etcdctl-check-perf/x 1\ncheck perf\ndel /etcdctl-check-perf/x\ncheck perf --load=foo\ncheck perf --auto-compact');
    const lines = r.stdout.split(/[\r\n]/).filter((l) => l !== '');
    expect(lines.slice(2, 4)).toEqual([' 0 / 60    0.00%', ' 1 / 60    1.67% 00m59s']);
    expect(lines.slice(-7)).toEqual([
      ' 60 / 60  100.00% 1m0s',
      'Compacting with revision 9005',
      'Compacted with revision 9005',
      'PASS: Throughput is 151 writes/s',
      'PASS: Slowest request took 0.001000s',
      'PASS: Stddev is 0.000000s',
      'PASS',
    ]);
    expect(r.stderr).toBe(
      'Error: prefix "/etcdctl-check-perf/" has keys. Delete with etcdctl del --prefix /etcdctl-check-perf/ first\nError: unknown load option foo\n',
    );
    expect(r.codes).toEqual([0, 3, 0, 4, 0]);
  });
});
