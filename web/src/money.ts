/** Money as the API sends it: integer minor units and an ISO 4217 currency. */
export interface MoneyValue {
  amount: number;
  currency: string;
}

const formatters = new Map<string, Intl.NumberFormat>();

function formatterFor(currency: string, locale: string): Intl.NumberFormat {
  const key = `${locale}:${currency}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.NumberFormat(locale, { style: "currency", currency });
    formatters.set(key, formatter);
  }
  return formatter;
}

/** The number of minor-unit digits of a currency (2 for USD, 0 for JPY, 3 for BHD). */
export function minorDigits(currency: string): number {
  return formatterFor(currency, "en-US").resolvedOptions().maximumFractionDigits ?? 2;
}

/** "$19.99" for { amount: 1999, currency: "USD" }; never goes through a float sum. */
export function formatMoney(money: MoneyValue | null | undefined, locale = "en-US"): string {
  if (!money || !Number.isInteger(money.amount) || !/^[A-Z]{3}$/.test(money.currency)) return "";
  const digits = minorDigits(money.currency);
  return formatterFor(money.currency, locale).format(money.amount / 10 ** digits);
}

/**
 * A price typed by a person ("19.99", "19", "1,299.5") in minor units, or null when it is
 * not a plain non-negative amount with at most the currency's decimals. Parsed from the
 * digits, so "0.29" is 29 and not 28.999...
 */
export function parseMajorUnits(input: string, currency = "USD"): number | null {
  const digits = minorDigits(currency);
  const text = input.trim().replace(/,/g, "");
  const match = /^(\d{1,9})(?:\.(\d*))?$/.exec(text);
  if (!match) return null;
  const fraction = match[2] ?? "";
  if (fraction.length > digits) return null;
  return Number(match[1]) * 10 ** digits + Number(fraction.padEnd(digits, "0") || "0");
}

/** Minor units back to the text a price field shows ("19.99"). */
export function toMajorUnits(amount: number, currency = "USD"): string {
  const digits = minorDigits(currency);
  if (digits === 0) return String(amount);
  const sign = amount < 0 ? "-" : "";
  const abs = Math.abs(amount);
  return `${sign}${Math.floor(abs / 10 ** digits)}.${String(abs % 10 ** digits).padStart(digits, "0")}`;
}
