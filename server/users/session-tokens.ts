import { createHash, randomBytes } from 'node:crypto';

const sessionTokenBytes = 32;

/** 32 random bytes, base64url: 43 characters. Only its hash is stored. */
export function newSessionToken(): string {
  return randomBytes(sessionTokenBytes).toString('base64url');
}

export function hashSessionToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
