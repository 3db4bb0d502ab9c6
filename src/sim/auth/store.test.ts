import { describe, expect, it } from 'vitest';
import { PermissionType } from './authpb';
import { AuthError, isAuthError } from './errors';
import type { AuthErrorName } from './errors';
import type { AuthEvent } from './events';
import { AuthStore } from './store';
import type { AuthInfo } from './store';

function setup(seed = 1) {
  const clock = { t: 0, applied: 100 };
  const events: AuthEvent[] = [];
  let s = seed;
  const random = () => {
    s = (s * 16807) % 2147483647;
    return (s - 1) / 2147483646;
  };
  const auth = new AuthStore({
    now: () => clock.t,
    random,
    appliedIndex: () => clock.applied,
    onEvent: (e) => events.push(e),
  });
  // The API side hashes, the apply side stores (§9.3).
  const addUser = (name: string, password = `${name}-pw`) => auth.userAdd({ name, hashedPassword: auth.hashPassword(password) });
  const login = (name: string, password = `${name}-pw`) => {
    auth.checkPassword(name, password);
    clock.applied++;
    return auth.authenticate(name, auth.genTokenPrefix(), clock.applied - 1).token;
  };
  const who = (token: string): AuthInfo => {
    const r = auth.authInfoFromCtx({ token });
    if (r.kind !== 'user') throw new Error(`no user for ${token}: ${r.kind}`);
    return r.authInfo;
  };
  const enableWithRoot = () => {
    addUser('root');
    auth.userGrantRole({ user: 'root', role: 'root' });
    auth.authEnable();
  };
  return { clock, events, auth, addUser, login, who, enableWithRoot };
}

function errorOf(fn: () => unknown): AuthError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AuthError) return err;
    throw err;
  }
  throw new Error('expected an AuthError');
}

describe('AuthError', () => {
  it.each<[AuthErrorName, string, string, string]>([
    ['ErrRootUserNotExist', 'etcdserver: root user does not exist', 'auth: root user does not exist', 'FailedPrecondition'],
    ['ErrRootRoleNotExist', 'etcdserver: root user does not have root role', 'auth: root user does not have root role', 'FailedPrecondition'],
    ['ErrUserAlreadyExist', 'etcdserver: user name already exists', 'auth: user already exists', 'FailedPrecondition'],
    ['ErrUserEmpty', 'etcdserver: user name is empty', 'auth: user name is empty', 'InvalidArgument'],
    ['ErrUserNotFound', 'etcdserver: user name not found', 'auth: user not found', 'FailedPrecondition'],
    ['ErrRoleAlreadyExist', 'etcdserver: role name already exists', 'auth: role already exists', 'FailedPrecondition'],
    ['ErrRoleNotFound', 'etcdserver: role name not found', 'auth: role not found', 'FailedPrecondition'],
    ['ErrRoleEmpty', 'etcdserver: role name is empty', 'auth: role name is empty', 'InvalidArgument'],
    ['ErrPermissionNotGiven', 'etcdserver: permission not given', 'auth: permission not given', 'InvalidArgument'],
    [
      'ErrAuthFailed',
      'etcdserver: authentication failed, invalid user ID or password',
      'auth: authentication failed, invalid user ID or password',
      'InvalidArgument',
    ],
    [
      'ErrNoPasswordUser',
      'auth: authentication failed, password was given for no password user',
      'auth: authentication failed, password was given for no password user',
      'Unknown',
    ],
    ['ErrPermissionDenied', 'etcdserver: permission denied', 'auth: permission denied', 'PermissionDenied'],
    ['ErrRoleNotGranted', 'etcdserver: role is not granted to the user', 'auth: role is not granted to the user', 'FailedPrecondition'],
    [
      'ErrPermissionNotGranted',
      'etcdserver: permission is not granted to the role',
      'auth: permission is not granted to the role',
      'FailedPrecondition',
    ],
    ['ErrAuthNotEnabled', 'etcdserver: authentication is not enabled', 'auth: authentication is not enabled', 'FailedPrecondition'],
    ['ErrAuthOldRevision', 'etcdserver: revision of auth store is old', 'auth: revision in header is old', 'InvalidArgument'],
    ['ErrInvalidAuthToken', 'etcdserver: invalid auth token', 'auth: invalid auth token', 'Unauthenticated'],
    ['ErrInvalidAuthMgmt', 'etcdserver: invalid auth management', 'auth: invalid auth management', 'InvalidArgument'],
  ])('%s', (name, message, internal, code) => {
    const err = new AuthError(name);
    expect(err).toBeInstanceOf(Error);
    expect([err.name, err.message, err.internalMessage, err.grpcCode]).toEqual([name, message, internal, code]);
    expect(isAuthError(err, name)).toBe(true);
  });
});

describe('enable / disable', () => {
  it('a fresh store is disabled at revision 1', () => {
    const { auth } = setup();
    expect(auth.isAuthEnabled()).toBe(false);
    expect(auth.revision()).toBe(1);
  });

  it('enable needs user root, holding role root', () => {
    const { auth, addUser, events } = setup();
    expect(errorOf(() => auth.authEnable()).message).toBe('etcdserver: root user does not exist');
    addUser('root');
    expect(errorOf(() => auth.authEnable()).message).toBe('etcdserver: root user does not have root role');
    expect(events.at(-1)).toMatchObject({ kind: 'auth-rejected', op: 'AuthEnable', error: 'ErrRootRoleNotExist' });
    // Role root can be granted although no role object named root exists.
    auth.userGrantRole({ user: 'root', role: 'root' });
    const rev = auth.revision();
    auth.authEnable();
    expect(auth.isAuthEnabled()).toBe(true);
    expect(auth.revision()).toBe(rev); // enable does not bump the revision
    auth.authEnable(); // no-op
    expect(auth.revision()).toBe(rev);
  });

  it('disable bumps the revision and invalidates every token', () => {
    const { auth, enableWithRoot, login } = setup();
    enableWithRoot();
    const token = login('root');
    const rev = auth.revision();
    auth.authDisable();
    expect(auth.revision()).toBe(rev + 1);
    auth.authDisable(); // no-op
    expect(auth.revision()).toBe(rev + 1);
    auth.authEnable();
    expect(errorOf(() => auth.authInfoFromCtx({ token })).name).toBe('ErrInvalidAuthToken');
  });
});

describe('users', () => {
  it('add: empty name, duplicate, undecodable hash; each success bumps the revision', () => {
    const { auth, addUser } = setup();
    expect(errorOf(() => auth.userAdd({ name: '' })).message).toBe('etcdserver: user name is empty');
    addUser('alice');
    expect(auth.revision()).toBe(2);
    expect(errorOf(() => addUser('alice')).message).toBe('etcdserver: user name already exists');
    expect(errorOf(() => auth.userAdd({ name: 'bob', hashedPassword: 'plain' })).name).toBe('ErrNoPasswordUser');
    auth.userAdd({ name: 'carol', options: { noPassword: true } });
    expect(auth.userList()).toEqual(['alice', 'carol']);
  });

  it('delete: root is protected while enabled; unknown user; tokens dropped', () => {
    const { auth, addUser, enableWithRoot, login, who } = setup();
    addUser('alice');
    enableWithRoot();
    expect(errorOf(() => auth.userDelete({ name: 'root' })).message).toBe('etcdserver: invalid auth management');
    expect(errorOf(() => auth.userDelete({ name: 'nobody' })).message).toBe('etcdserver: user name not found');
    const token = login('alice');
    expect(who(token).username).toBe('alice');
    auth.userDelete({ name: 'alice' });
    expect(errorOf(() => who(token)).name).toBe('ErrInvalidAuthToken');
    auth.authDisable();
    auth.userDelete({ name: 'root' }); // allowed once auth is off
  });

  it('change password: unknown user; old password and old tokens stop working', () => {
    const { auth, addUser, enableWithRoot, login, who } = setup();
    addUser('alice');
    enableWithRoot();
    const token = login('alice');
    expect(errorOf(() => auth.userChangePassword({ name: 'nobody' })).name).toBe('ErrUserNotFound');
    auth.userChangePassword({ name: 'alice', hashedPassword: auth.hashPassword('new') });
    expect(errorOf(() => who(token)).name).toBe('ErrInvalidAuthToken');
    expect(errorOf(() => auth.checkPassword('alice', 'alice-pw')).name).toBe('ErrAuthFailed');
    expect(auth.checkPassword('alice', 'new')).toBe(auth.revision());
    auth.userChangePassword({ name: 'alice', hashedPassword: '' }); // empty password: nobody can log in
    expect(errorOf(() => auth.checkPassword('alice', '')).name).toBe('ErrAuthFailed');
  });

  it('grant role: unknown user or role; a repeat grant changes nothing; roles stay sorted', () => {
    const { auth, addUser } = setup();
    addUser('alice');
    auth.roleAdd({ name: 'b' });
    auth.roleAdd({ name: 'a' });
    expect(errorOf(() => auth.userGrantRole({ user: 'nobody', role: 'a' })).name).toBe('ErrUserNotFound');
    expect(errorOf(() => auth.userGrantRole({ user: 'alice', role: 'zz' })).message).toBe('etcdserver: role name not found');
    auth.userGrantRole({ user: 'alice', role: 'b' });
    auth.userGrantRole({ user: 'alice', role: 'a' });
    const rev = auth.revision();
    auth.userGrantRole({ user: 'alice', role: 'a' });
    expect(auth.revision()).toBe(rev);
    expect(auth.userGet({ name: 'alice' })).toEqual({ roles: ['a', 'b'] });
    expect(auth.hasRole('alice', 'a')).toBe(true);
    expect(auth.hasRole('nobody', 'a')).toBe(false);
  });

  it('revoke role: root keeps root while enabled; unknown user; role not held', () => {
    const { auth, addUser, enableWithRoot } = setup();
    addUser('alice');
    enableWithRoot();
    expect(errorOf(() => auth.userRevokeRole({ name: 'root', role: 'root' })).name).toBe('ErrInvalidAuthMgmt');
    expect(errorOf(() => auth.userRevokeRole({ name: 'nobody', role: 'x' })).name).toBe('ErrUserNotFound');
    expect(errorOf(() => auth.userRevokeRole({ name: 'alice', role: 'x' })).message).toBe(
      'etcdserver: role is not granted to the user',
    );
    auth.roleAdd({ name: 'x' });
    auth.userGrantRole({ user: 'alice', role: 'x' });
    auth.userRevokeRole({ name: 'alice', role: 'x' });
    expect(auth.userGet({ name: 'alice' }).roles).toEqual([]);
    expect(errorOf(() => auth.userGet({ name: 'nobody' })).name).toBe('ErrUserNotFound');
  });
});

describe('roles and permissions', () => {
  it('add and delete roles with the root rules', () => {
    const { auth, addUser, enableWithRoot } = setup();
    expect(errorOf(() => auth.roleAdd({ name: '' })).message).toBe('etcdserver: role name is empty');
    auth.roleAdd({ name: 'root' });
    expect(errorOf(() => auth.roleAdd({ name: 'root' })).message).toBe('etcdserver: role name already exists');
    auth.roleAdd({ name: 'ops' });
    addUser('alice');
    auth.userGrantRole({ user: 'alice', role: 'ops' });
    enableWithRoot();
    expect(errorOf(() => auth.roleDelete({ role: 'root' })).name).toBe('ErrInvalidAuthMgmt');
    expect(errorOf(() => auth.roleDelete({ role: 'nope' })).name).toBe('ErrRoleNotFound');
    auth.roleDelete({ role: 'ops' });
    expect(auth.userGet({ name: 'alice' }).roles).toEqual([]);
    expect(auth.roleList()).toEqual(['root']);
  });

  it('role root reports READWRITE on every key', () => {
    const { auth } = setup();
    expect(errorOf(() => auth.roleGet({ role: 'root' })).name).toBe('ErrRoleNotFound');
    auth.roleAdd({ name: 'root' });
    expect(auth.roleGet({ role: 'root' })).toEqual({ perm: [{ permType: PermissionType.READWRITE, key: '', rangeEnd: '\x00' }] });
  });

  it('grant permission: missing, invalid range, unknown role; equal range replaces the type', () => {
    const { auth } = setup();
    auth.roleAdd({ name: 'r' });
    expect(errorOf(() => auth.roleGrantPermission({ name: 'r' })).message).toBe('etcdserver: permission not given');
    const p = (permType: PermissionType, key: string, rangeEnd = '') => ({ permType, key, rangeEnd });
    expect(errorOf(() => auth.roleGrantPermission({ name: 'r', perm: p(0, '') })).name).toBe('ErrInvalidAuthMgmt');
    expect(errorOf(() => auth.roleGrantPermission({ name: 'r', perm: p(0, 'b', 'a') })).name).toBe('ErrInvalidAuthMgmt');
    expect(errorOf(() => auth.roleGrantPermission({ name: 'x', perm: p(0, 'a') })).name).toBe('ErrRoleNotFound');
    expect(() => auth.roleGrantPermission({ name: 'r', perm: p(7 as PermissionType, 'a') })).toThrow(/unknown permission type 7/);
    auth.roleGrantPermission({ name: 'r', perm: p(PermissionType.READ, 'm') });
    auth.roleGrantPermission({ name: 'r', perm: p(PermissionType.READ, 'a', 'c') });
    auth.roleGrantPermission({ name: 'r', perm: p(PermissionType.WRITE, 'a', 'c') });
    expect(auth.roleGet({ role: 'r' }).perm).toEqual([p(PermissionType.WRITE, 'a', 'c'), p(PermissionType.READ, 'm')]);
  });

  it('revoke permission: unknown role, or no such permission', () => {
    const { auth } = setup();
    auth.roleAdd({ name: 'r' });
    auth.roleGrantPermission({ name: 'r', perm: { permType: PermissionType.READ, key: 'a', rangeEnd: '' } });
    expect(errorOf(() => auth.roleRevokePermission({ role: 'x', key: 'a', rangeEnd: '' })).name).toBe('ErrRoleNotFound');
    expect(errorOf(() => auth.roleRevokePermission({ role: 'r', key: 'a', rangeEnd: 'b' })).message).toBe(
      'etcdserver: permission is not granted to the role',
    );
    auth.roleRevokePermission({ role: 'r', key: 'a', rangeEnd: '' });
    expect(auth.roleGet({ role: 'r' }).perm).toEqual([]);
  });
});

describe('authenticate and tokens', () => {
  it('checkPassword: disabled, unknown user, wrong password, no-password user', () => {
    const { auth, addUser, enableWithRoot } = setup();
    addUser('alice');
    auth.userAdd({ name: 'cert', options: { noPassword: true } });
    expect(errorOf(() => auth.checkPassword('alice', 'alice-pw')).message).toBe('etcdserver: authentication is not enabled');
    enableWithRoot();
    expect(errorOf(() => auth.checkPassword('nobody', 'x')).message).toBe(
      'etcdserver: authentication failed, invalid user ID or password',
    );
    expect(errorOf(() => auth.checkPassword('alice', 'wrong')).name).toBe('ErrAuthFailed');
    expect(errorOf(() => auth.checkPassword('cert', '')).message).toBe(
      'auth: authentication failed, password was given for no password user',
    );
    expect(auth.checkPassword('alice', 'alice-pw')).toBe(auth.revision());
  });

  it('authenticate (apply) issues <16 letters>.<index>; rejects disabled, unknown and no-password users', () => {
    const { auth, addUser, enableWithRoot, who } = setup();
    addUser('alice');
    auth.userAdd({ name: 'cert', options: { noPassword: true } });
    expect(errorOf(() => auth.authenticate('alice', 'p', 1)).name).toBe('ErrAuthNotEnabled');
    enableWithRoot();
    expect(errorOf(() => auth.authenticate('nobody', 'p', 1)).name).toBe('ErrAuthFailed');
    expect(errorOf(() => auth.authenticate('cert', 'p', 1)).name).toBe('ErrAuthFailed');
    const { token } = auth.authenticate('alice', auth.genTokenPrefix(), 42);
    expect(token).toMatch(/^[a-zA-Z]{16}\.42$/);
    expect(who(token)).toEqual({ username: 'alice', revision: auth.revision() });
  });

  it('reads the token from "token" or "authorization" (Bearer optional); ignores tokens while disabled', () => {
    const { auth, enableWithRoot, login } = setup();
    expect(auth.authInfoFromCtx({ token: 'garbage' })).toEqual({ kind: 'none' });
    enableWithRoot();
    const token = login('root');
    expect(auth.authInfoFromCtx({})).toEqual({ kind: 'none' });
    expect(auth.authInfoFromCtx({ authorization: `Bearer ${token}` })).toMatchObject({ kind: 'user' });
    expect(auth.authInfoFromCtx({ authorization: token })).toMatchObject({ kind: 'user' });
    const err = errorOf(() => auth.authInfoFromCtx({ token: 'garbage' }));
    expect([err.message, err.grpcCode]).toEqual(['etcdserver: invalid auth token', 'Unauthenticated']);
    expect(auth.authInfoFromCtx({ token: 'abc.999' })).toEqual({ kind: 'wait', index: 999 });
  });

  it('tokens expire 300 s after their last use, when the sweep runs', () => {
    const { auth, clock, enableWithRoot, login, who } = setup();
    enableWithRoot();
    const token = login('root');
    clock.t = 299_000;
    who(token);
    clock.t = 599_000;
    auth.sweepTokens();
    who(token);
    clock.t = 899_001;
    auth.sweepTokens();
    expect(errorOf(() => who(token)).name).toBe('ErrInvalidAuthToken');
  });

  it('withRoot gives a root token only while enabled', () => {
    const { auth, enableWithRoot, who } = setup();
    expect(auth.withRoot()).toBeUndefined();
    enableWithRoot();
    const token = auth.withRoot() ?? '';
    expect(token).toMatch(/^[a-zA-Z]{16}\.0$/);
    expect(who(token).username).toBe('root');
  });

  it('the same seed gives the same tokens and hashes', () => {
    const run = () => {
      const { enableWithRoot, login, auth } = setup(7);
      enableWithRoot();
      return [login('root'), auth.hashPassword('x')];
    };
    expect(run()).toEqual(run());
  });
});

describe('permission checks', () => {
  function world() {
    const env = setup();
    const { auth, addUser, enableWithRoot, login, who } = env;
    addUser('alice');
    auth.roleAdd({ name: 'reader' });
    auth.roleGrantPermission({ name: 'reader', perm: { permType: PermissionType.READ, key: 'k', rangeEnd: '' } });
    auth.roleGrantPermission({ name: 'reader', perm: { permType: PermissionType.READWRITE, key: 'app/', rangeEnd: 'app0' } });
    auth.userGrantRole({ user: 'alice', role: 'reader' });
    enableWithRoot();
    return { ...env, alice: who(login('alice')), root: who(login('root')) };
  }

  it('allows everything while auth is disabled', () => {
    const { auth } = setup();
    const nobody = { username: '', revision: 0 };
    auth.isPutPermitted(nobody, 'x');
    auth.isRangePermitted(nobody, 'a', '\x00');
    auth.isDeleteRangePermitted(nobody, 'a', 'b');
    auth.isAdminPermitted(undefined);
  });

  it('checks keys, ranges and prefixes by kind, with etcd errors', () => {
    const { auth, alice, events } = world();
    auth.isRangePermitted(alice, 'k', '');
    expect(errorOf(() => auth.isPutPermitted(alice, 'k')).message).toBe('etcdserver: permission denied');
    auth.isPutPermitted(alice, 'app/x');
    auth.isDeleteRangePermitted(alice, 'app/', 'app0');
    expect(errorOf(() => auth.isRangePermitted(alice, 'app', 'app0')).name).toBe('ErrPermissionDenied');
    expect(errorOf(() => auth.isRangePermitted(alice, 'a', '\x00')).name).toBe('ErrPermissionDenied');
    expect(events.at(-1)).toMatchObject({ kind: 'auth-permission', check: 'read', allowed: false, error: 'ErrPermissionDenied' });
  });

  it('root role passes every key check', () => {
    const { auth, root } = world();
    auth.isPutPermitted(root, 'anything');
    auth.isRangePermitted(root, '\x00', '\x00');
  });

  it('no user → ErrUserEmpty; stale revision → ErrAuthOldRevision; deleted user → ErrPermissionDenied', () => {
    const { auth, alice } = world();
    expect(errorOf(() => auth.isRangePermitted({ username: '', revision: 0 }, 'k', '')).name).toBe('ErrUserEmpty');
    auth.roleAdd({ name: 'other' }); // any auth change makes alice's checked revision old
    const err = errorOf(() => auth.isRangePermitted(alice, 'k', ''));
    expect(err.message).toBe('etcdserver: revision of auth store is old');
    auth.userDelete({ name: 'alice' });
    expect(errorOf(() => auth.isRangePermitted({ username: 'alice', revision: auth.revision() }, 'k', '')).name).toBe(
      'ErrPermissionDenied',
    );
  });

  it('a simple token reports the current revision, so a fresh lookup passes after a change', () => {
    const { auth, clock, login, who } = world();
    clock.t = 1;
    const token = login('alice');
    auth.roleAdd({ name: 'other' });
    auth.isRangePermitted(who(token), 'k', '');
  });

  it('admin: no user, unknown user, no root role', () => {
    const { auth, alice, root } = world();
    expect(errorOf(() => auth.isAdminPermitted(undefined)).message).toBe('etcdserver: user name is empty');
    expect(errorOf(() => auth.isAdminPermitted({ username: 'ghost', revision: 1 })).name).toBe('ErrUserNotFound');
    expect(errorOf(() => auth.isAdminPermitted(alice)).name).toBe('ErrPermissionDenied');
    auth.isAdminPermitted(root);
  });
});

describe('snapshot and restore', () => {
  it('round-trips users, roles, flag and revision through JSON; tokens are not persisted', () => {
    const a = setup();
    a.addUser('alice');
    a.auth.roleAdd({ name: 'r' });
    a.auth.roleGrantPermission({ name: 'r', perm: { permType: PermissionType.WRITE, key: 'a', rangeEnd: '\x00' } });
    a.auth.userGrantRole({ user: 'alice', role: 'r' });
    a.enableWithRoot();
    const token = a.login('alice');
    const snap = JSON.parse(JSON.stringify(a.auth.snapshot()));
    expect(JSON.stringify(snap)).not.toContain(token);

    const b = setup(2);
    b.auth.restore(snap);
    expect(b.auth.snapshot()).toEqual(a.auth.snapshot());
    expect(b.auth.isAuthEnabled()).toBe(true);
    expect(errorOf(() => b.who(token)).name).toBe('ErrInvalidAuthToken');
    b.auth.isPutPermitted({ username: 'alice', revision: b.auth.revision() }, 'b');
    expect(b.auth.checkPassword('alice', 'alice-pw')).toBe(b.auth.revision());
  });

  it('restoring a disabled state drops tokens; a malformed snapshot is a clear error', () => {
    const a = setup();
    a.enableWithRoot();
    const token = a.login('root');
    const disabled = { ...a.auth.snapshot(), enabled: false };
    a.auth.restore(disabled);
    a.auth.restore({ ...disabled, enabled: true });
    expect(errorOf(() => a.who(token)).name).toBe('ErrInvalidAuthToken');
    const before = a.auth.snapshot();
    expect(() => a.auth.restore({ enabled: 'yes' })).toThrow(/auth: invalid snapshot/);
    expect(() => a.auth.restore({ ...before, users: [...before.users, ...before.users] })).toThrow(/appears twice/);
    expect(a.auth.snapshot()).toEqual(before);
    expect(() =>
      a.auth.restore({ ...disabled, roles: [{ name: 'r', keyPermission: [{ permType: 9, key: 'a', rangeEnd: '' }] }] }),
    ).toThrow(/auth: invalid snapshot/);
  });
});
