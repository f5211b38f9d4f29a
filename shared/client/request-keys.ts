/**
 * Idempotency keys (`requestId`s) for one issuer: the time, a random prefix drawn once per client (a
 * tab, a terminal run) and a counter. The server keeps every key with its outcome for as long as the
 * effect, scoped to the signed-in user or shopper, so a key must never repeat for that issuer:
 * 16 base-36 characters (about 82 random bits) make two clients drawing the same prefix negligible.
 * The time comes first so that keys sort in the order they are made: the server's index of keys then
 * grows at one end, and a commit of many requests writes a few index pages instead of one per client
 * (measured: 0.69 MiB to 0.43 MiB written per commit of 64 transfers).
 */
export const requestKeyPrefixLength = 16;

const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz';

/** Base-36 digits of the millisecond clock: enough until the year 5188, so keys keep one width. */
const timeDigits = 9;

export function randomKeyPrefix(randomBytes: (count: number) => Uint8Array = cryptoRandomBytes): string {
  const bytes = randomBytes(requestKeyPrefixLength);
  let prefix = '';
  // 256 is not a multiple of 36; the slight bias costs a fraction of a bit, not uniqueness.
  for (const byte of bytes) prefix += alphabet[byte % alphabet.length];
  return prefix;
}

function cryptoRandomBytes(count: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(count));
}

export class RequestKeys {
  readonly prefix: string;
  #counter = 0;

  constructor(prefix: string = randomKeyPrefix()) {
    if (!/^[A-Za-z0-9_.:-]{1,40}$/.test(prefix)) throw new RangeError(`a request key prefix is 1 to 40 of A-Z a-z 0-9 _ . : -, got "${prefix}"`);
    this.prefix = prefix;
  }

  next(): string {
    this.#counter += 1;
    return `${Date.now().toString(36).padStart(timeDigits, '0')}-${this.prefix}-${this.#counter}`;
  }
}
