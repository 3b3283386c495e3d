/*
 * Quote pricing: pure integer arithmetic in minor units (cents), no I/O, no clock.
 *
 * The rules a quote must keep, whatever the cart:
 * - the discount is spread over the lines in proportion to their subtotals, and the line
 *   discounts add up to exactly the total discount (largest-remainder apportionment);
 * - tax is charged per line, at the shipping state's rate, on the discounted line amount,
 *   rounded half-up per line, so the tax total is the sum of what each line shows;
 * - shipping is flat, and free once the discounted merchandise reaches a threshold;
 * - subtotal - discount_total + shipping_total + tax_total = total, always.
 *
 * Products may be expensive and carts long, so the products of amounts and ratios go through
 * BigInt: a Number would silently lose cents above 2^53.
 */

/** Tax rates in basis points (1/100 of a percent): 725 = 7.25%. */
export type TaxRateTable = Readonly<Record<string, number>>;

export interface PricingRules {
  /** Rate by two-letter state code; a state that is not listed is not taxed. */
  taxRates: TaxRateTable;
  /** Shipping charged on every non-empty order below the threshold. */
  flatShipping: number;
  /** Discounted merchandise at or above this ships free. */
  freeShippingThreshold: number;
}

/** A small default table (basis points), meant to be overridden by configuration. */
export const DEFAULT_TAX_RATES: TaxRateTable = Object.freeze({
  CA: 725,
  CO: 290,
  FL: 600,
  IL: 625,
  MA: 625,
  NJ: 663,
  NY: 400,
  PA: 600,
  TX: 625,
  WA: 650,
  AK: 0,
  DE: 0,
  MT: 0,
  NH: 0,
  OR: 0,
});

export const DEFAULT_PRICING_RULES: PricingRules = Object.freeze({
  taxRates: DEFAULT_TAX_RATES,
  flatShipping: 599,
  freeShippingThreshold: 5000,
});

export type Discount = { kind: "percent"; percentOff: number } | { kind: "amount"; amountOff: number };

export interface PricingLine {
  unitPrice: number;
  quantity: number;
}

export interface PricedLine {
  unitPrice: number;
  quantity: number;
  subtotal: number;
  discount: number;
  tax: number;
  total: number;
}

export interface PricedQuote {
  lines: PricedLine[];
  subtotal: number;
  discountTotal: number;
  shippingTotal: number;
  taxTotal: number;
  total: number;
  /** The rate applied, in basis points (0 when the state is unknown or absent). */
  taxRate: number;
}

function assertAmount(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${what} must be a non-negative integer number of minor units, got ${value}`);
}

/** Rounds numerator/denominator half-up; both non-negative. */
function divideHalfUp(numerator: bigint, denominator: bigint): bigint {
  return (numerator * 2n + denominator) / (denominator * 2n);
}

/** The discount a code grants on a subtotal: never more than the subtotal. */
export function discountFor(subtotal: number, discount: Discount | null | undefined): number {
  assertAmount(subtotal, "subtotal");
  if (!discount) return 0;
  if (discount.kind === "percent") {
    if (!Number.isInteger(discount.percentOff) || discount.percentOff < 0 || discount.percentOff > 100) throw new RangeError(`percentOff must be 0..100, got ${discount.percentOff}`);
    return Number(divideHalfUp(BigInt(subtotal) * BigInt(discount.percentOff), 100n));
  }
  assertAmount(discount.amountOff, "amountOff");
  return Math.min(discount.amountOff, subtotal);
}

/**
 * Splits `total` over `weights` in proportion, in whole units, so the parts sum to exactly
 * `total`: everyone gets the floor of their exact share, and the units left over go to the
 * largest fractional remainders (earlier lines win ties, so the result is deterministic).
 * A part never exceeds its weight when total <= sum(weights).
 */
export function apportion(total: number, weights: number[]): number[] {
  assertAmount(total, "total");
  weights.forEach((w, i) => assertAmount(w, `weights[${i}]`));
  const sum = weights.reduce((a, b) => a + BigInt(b), 0n);
  if (total === 0 || weights.length === 0) return weights.map(() => 0);
  if (sum === 0n) throw new RangeError("cannot apportion a non-zero total over zero weights");
  const big = BigInt(total);
  const parts = weights.map((w) => (big * BigInt(w)) / sum);
  const remainders = weights.map((w, i) => ({ i, r: (big * BigInt(w)) % sum }));
  let left = big - parts.reduce((a, b) => a + b, 0n);
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of remainders) {
    if (left === 0n) break;
    parts[i] += 1n;
    left -= 1n;
  }
  return parts.map(Number);
}

/** Tax on an amount at a rate in basis points, rounded half-up. */
export function taxOn(amount: number, rateBps: number): number {
  assertAmount(amount, "amount");
  if (!Number.isInteger(rateBps) || rateBps < 0) throw new RangeError(`tax rate must be a non-negative integer of basis points, got ${rateBps}`);
  return Number(divideHalfUp(BigInt(amount) * BigInt(rateBps), 10_000n));
}

export function taxRateFor(state: string | null | undefined, rates: TaxRateTable): number {
  if (!state) return 0;
  return Object.prototype.hasOwnProperty.call(rates, state) ? rates[state] : 0;
}

export function shippingFor(lineCount: number, discountedMerchandise: number, rules: PricingRules): number {
  if (lineCount === 0) return 0;
  return discountedMerchandise >= rules.freeShippingThreshold ? 0 : rules.flatShipping;
}

/** Prices a cart: see the rules at the top of this file. */
export function priceQuote(
  lines: PricingLine[],
  options: { discount?: Discount | null; state?: string | null; rules?: PricingRules } = {},
): PricedQuote {
  const rules = options.rules ?? DEFAULT_PRICING_RULES;
  const subtotals = lines.map((line, i) => {
    assertAmount(line.unitPrice, `lines[${i}].unitPrice`);
    if (!Number.isSafeInteger(line.quantity) || line.quantity < 1) throw new RangeError(`lines[${i}].quantity must be a positive integer, got ${line.quantity}`);
    const subtotal = line.unitPrice * line.quantity;
    assertAmount(subtotal, `lines[${i}] subtotal`);
    return subtotal;
  });
  const subtotal = subtotals.reduce((a, b) => a + b, 0);
  assertAmount(subtotal, "subtotal");
  const discountTotal = discountFor(subtotal, options.discount);
  const discounts = apportion(discountTotal, subtotals);
  const taxRate = taxRateFor(options.state, rules.taxRates);
  const priced: PricedLine[] = lines.map((line, i) => {
    const taxable = subtotals[i] - discounts[i];
    const tax = taxOn(taxable, taxRate);
    return { unitPrice: line.unitPrice, quantity: line.quantity, subtotal: subtotals[i], discount: discounts[i], tax, total: taxable + tax };
  });
  const taxTotal = priced.reduce((a, l) => a + l.tax, 0);
  const shippingTotal = shippingFor(lines.length, subtotal - discountTotal, rules);
  return {
    lines: priced,
    subtotal,
    discountTotal,
    shippingTotal,
    taxTotal,
    total: subtotal - discountTotal + shippingTotal + taxTotal,
    taxRate,
  };
}
