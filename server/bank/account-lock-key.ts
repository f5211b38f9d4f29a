/**
 * Money operations lock the accounts they touch, in ascending key order (as the bank seed does), so
 * no mix of operations can deadlock. The system cash account is not locked: nothing is checked
 * against its balance, and its updates are plain increments inside the serialized transaction.
 *
 * A storage engine may read the accounts a batch's keys name ahead of its operations, in one look.
 */
const accountLockKeyPrefix = 'account:';

export const accountLockKey = (number: string): string => `${accountLockKeyPrefix}${number}`;

/** The account number an account lock key names; undefined for any other key. */
export function accountNumberOfLockKey(key: string): string | undefined {
  return key.startsWith(accountLockKeyPrefix) ? key.slice(accountLockKeyPrefix.length) : undefined;
}
