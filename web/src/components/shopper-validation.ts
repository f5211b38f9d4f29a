import type { z } from 'zod';
import { shopperAddress, shopperName } from '../../../shared/protocol.ts';
import { fieldProblem } from './field-problem.ts';

export type ShopperField = 'name' | 'address';
export type ShopperFieldErrors = Partial<Record<ShopperField, string>>;

function checkText(value: string, schema: z.ZodType, missing: string): string | undefined {
  if (value.trim() === '') return missing;
  return fieldProblem(schema, value);
}

/** The server's own `session.start` schemas, checked before sending; empty when valid. */
export function validateShopper(name: string, address: string): ShopperFieldErrors {
  const errors: ShopperFieldErrors = {};
  const nameError = checkText(name, shopperName, 'Please enter your name.');
  const addressError = checkText(address, shopperAddress, 'Please enter your address.');
  if (nameError !== undefined) errors.name = nameError;
  if (addressError !== undefined) errors.address = addressError;
  return errors;
}
