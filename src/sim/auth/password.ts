// Stand-in for bcrypt. etcd stores bcrypt(password) with a random salt and cost 10, and the
// API layer ships the hash, base64-encoded, in the Raft request (spec server.md §9.3). Here a
// hash is "$sha256$<16-letter salt>$<hex SHA-256 of salt, "$", password>": salted like bcrypt
// so equal passwords store differently, without bcrypt's cost factor. Not for real secrets.

import { sha256Hex } from './sha256';

const HASH = /^\$sha256\$([A-Za-z]{16})\$[0-9a-f]{64}$/;

/** Hashes a password with the given 16-letter salt. */
export function hashPassword(password: string, salt: string): string {
  if (!/^[A-Za-z]{16}$/.test(salt)) throw new RangeError('password: salt must be 16 letters');
  return `$sha256$${salt}$${sha256Hex(`${salt}$${password}`)}`;
}

/** Whether a stored hash decodes: "" (no password) or the format above. */
export function isPasswordHash(hash: string): boolean {
  return hash === '' || HASH.test(hash);
}

/** bcrypt.CompareHashAndPassword: true only if the hash decodes and matches. */
export function comparePassword(hash: string, password: string): boolean {
  const m = HASH.exec(hash);
  return m !== null && hashPassword(password, m[1]) === hash;
}
