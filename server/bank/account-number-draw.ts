import { randomInt } from 'node:crypto';
import { accountNumberFromDraw, accountNumberRandomDigits } from '../../shared/account-number.ts';

/** Draws a new account number; the caller checks that nobody holds it yet. */
export type AccountNumberDraw = () => string;

/**
 * From the operating system's CSPRNG, uniformly over every number: the numbers a customer holds or
 * has seen say nothing about which others exist.
 */
export const drawAccountNumber: AccountNumberDraw = () => accountNumberFromDraw(randomInt(10 ** accountNumberRandomDigits));
