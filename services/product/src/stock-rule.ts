import { conflict } from "@disqo-commerce/kit";

/**
 * The stock rule (openapi/product.yaml, updateProduct): stock may never go below the units
 * already promised, those held by unexpired reservations plus those sold. Callers check it
 * under the product's row lock, the lock every reservation write takes too, so the numbers
 * cannot move between the check and the write.
 */
export function assertStockCoversPromised(stock: number, promised: { held: number; committed: number }): void {
  const minimum = promised.held + promised.committed;
  if (stock >= minimum) return;
  throw conflict("stock_below_reserved", `Stock cannot go below ${minimum} units: ${promised.held} are held by reservations and ${promised.committed} are sold.`, {
    held: promised.held,
    committed: promised.committed,
    minimum_stock: minimum,
  });
}
