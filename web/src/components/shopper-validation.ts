import { shopperAddressLengthMax, shopperNameLengthMax } from '../../../shared/limits.ts';

export type ShopperField = 'name' | 'address';
export type ShopperFieldErrors = Partial<Record<ShopperField, string>>;

function checkText(value: string, lengthMax: number, missing: string, label: string): string | undefined {
  const trimmed = value.trim();
  if (trimmed === '') return missing;
  if (trimmed.length > lengthMax) return `${label} must be at most ${lengthMax} characters.`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/.test(trimmed)) return `${label} must not contain control characters.`;
  return undefined;
}

/** The same rules the server applies to `session.start`, checked before sending; empty when valid. */
export function validateShopper(name: string, address: string): ShopperFieldErrors {
  const errors: ShopperFieldErrors = {};
  const nameError = checkText(name, shopperNameLengthMax, 'Please enter your name.', 'Name');
  const addressError = checkText(address, shopperAddressLengthMax, 'Please enter your address.', 'Address');
  if (nameError !== undefined) errors.name = nameError;
  if (addressError !== undefined) errors.address = addressError;
  return errors;
}
