import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt cost: 2^15 iterations of memory-hard work, about 50 ms and 32 MiB per hash here. */
const scryptOptions: ScryptOptions = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const saltBytes = 16;
const hashBytes = 32;

function scryptAsync(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, hashBytes, scryptOptions, (error, derived) => (error ? reject(error) : resolve(derived)));
  });
}

export async function hashPassword(password: string): Promise<{ hash: Buffer; salt: Buffer }> {
  const salt = randomBytes(saltBytes);
  return { hash: await scryptAsync(password, salt), salt };
}

export async function verifyPassword(password: string, hash: Buffer, salt: Buffer): Promise<boolean> {
  const derived = await scryptAsync(password, salt);
  return derived.length === hash.length && timingSafeEqual(derived, hash);
}

/** Hashing against this when a username is unknown makes a miss take as long as a wrong password. */
export const decoyCredentials = { hash: Buffer.alloc(hashBytes), salt: Buffer.alloc(saltBytes) };
