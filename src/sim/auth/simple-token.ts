// The simple token provider (etcd server/auth/simple_token.go; spec server.md §9.5).
// A token is 16 random letters, ".", and the index the Authenticate entry was applied at.
// Tokens live only in memory: a restart loses them. Each successful use pushes the
// expiry to now + TTL; a sweeper the host runs every SIMPLE_TOKEN_TTL_RESOLUTION_MS
// deletes the expired ones, so a token may outlive its expiry by up to that long.

import type { AuthEvent, TokenAction } from './events';
import type { AuthInfo } from './store';

export const SIMPLE_TOKEN_TTL_DEFAULT_MS = 300_000;
export const SIMPLE_TOKEN_TTL_RESOLUTION_MS = 1000;
export const DEFAULT_SIMPLE_TOKEN_LENGTH = 16;

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** `n` letters drawn with `random` (uniform in [0, 1)). */
export function randomLetters(n: number, random: () => number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += LETTERS[Math.min(LETTERS.length - 1, Math.floor(random() * LETTERS.length))];
  return s;
}

export type TokenLookup =
  | { kind: 'ok'; authInfo: AuthInfo }
  | { kind: 'invalid' }
  /** Well-formed, but this member has not applied up to the token's index yet: wait, then look again. */
  | { kind: 'wait'; index: number };

export interface TokenSimpleConfig {
  now: () => number;
  random: () => number;
  appliedIndex: () => number;
  ttlMs: number;
  onEvent: (event: AuthEvent) => void;
}

export class TokenSimple {
  /** token -> owner and expiry; undefined while the provider is disabled. */
  private tokens: Map<string, { username: string; expiry: number }> | undefined;

  constructor(private readonly cfg: TokenSimpleConfig) {}

  enable(): void {
    this.tokens ??= new Map();
  }

  /** Drops every token (auth disabled). */
  disable(): void {
    this.invalidate(() => true, 'auth disabled');
    this.tokens = undefined;
  }

  genTokenPrefix(): string {
    return randomLetters(DEFAULT_SIMPLE_TOKEN_LENGTH, this.cfg.random);
  }

  /** Registers `<prefix>.<index>` for the user. The store assigns only while auth is enabled. */
  assign(username: string, prefix: string, index: number, cause: string): string {
    if (this.tokens === undefined) throw new Error('simple token provider is disabled');
    const token = `${prefix}.${index}`;
    // etcd panics here: the same Authenticate entry applied twice.
    if (this.tokens.has(token)) throw new Error(`simple token ${token} is already assigned`);
    const expiry = this.cfg.now() + this.cfg.ttlMs;
    this.tokens.set(token, { username, expiry });
    this.emit('issued', token, username, `${cause}; expires at ${expiry} unless used`);
    return token;
  }

  /** Resolves a token; `revision` is the current auth revision, which a simple token reports. */
  info(token: string, revision: number): TokenLookup {
    const parts = token.split('.');
    if (parts.length !== 2 || !/^[0-9]+$/.test(parts[1])) {
      this.emit('rejected', token, undefined, 'malformed: want <prefix>.<index>');
      return { kind: 'invalid' };
    }
    const index = Number(parts[1]);
    const applied = this.cfg.appliedIndex();
    if (index > applied) {
      this.emit('waiting', token, undefined, `token index ${index} > applied index ${applied}`);
      return { kind: 'wait', index };
    }
    const entry = this.tokens?.get(token);
    if (entry === undefined) {
      this.emit('rejected', token, undefined, 'unknown on this member: never issued, expired or invalidated');
      return { kind: 'invalid' };
    }
    entry.expiry = this.cfg.now() + this.cfg.ttlMs;
    this.emit('accepted', token, entry.username, `used: expiry pushed to ${entry.expiry}`);
    return { kind: 'ok', authInfo: { username: entry.username, revision } };
  }

  invalidateUser(username: string, cause: string): void {
    this.invalidate((owner) => owner === username, cause);
  }

  /** The TTL keeper's sweep: deletes tokens whose expiry has passed. */
  sweep(): void {
    if (this.tokens === undefined) return;
    const now = this.cfg.now();
    for (const [token, { username, expiry }] of this.tokens) {
      if (now <= expiry) continue;
      this.tokens.delete(token);
      this.emit('expired', token, username, `unused since ${expiry - this.cfg.ttlMs} (TTL ${this.cfg.ttlMs} ms)`);
    }
  }

  private invalidate(match: (username: string) => boolean, cause: string): void {
    if (this.tokens === undefined) return;
    for (const [token, { username }] of this.tokens) {
      if (!match(username)) continue;
      this.tokens.delete(token);
      this.emit('invalidated', token, username, cause);
    }
  }

  private emit(action: TokenAction, token: string, username: string | undefined, cause: string): void {
    this.cfg.onEvent({ kind: 'auth-token', action, token, ...(username === undefined ? {} : { username }), cause });
  }
}
