import type { Quote } from "@disqo-commerce/sdk/generated/cart";

/** The parts of a cart quote that an order is made of, in plain numbers (minor units). */
export interface QuoteSnapshot {
  id: string;
  userId: number;
  status: string;
  expiresAt: string;
  currency: string;
  subtotal: number;
  discountTotal: number;
  shippingTotal: number;
  taxTotal: number;
  total: number;
  promoCode: string | null;
  shippingAddress: Record<string, unknown> | null;
  items: QuoteLine[];
}

export interface QuoteLine {
  productId: number;
  name: string;
  quantity: number;
  unitPrice: number;
  subtotal: number;
  discount: number;
  tax: number;
  total: number;
}

const iso = (value: Date | string) => new Date(value).toISOString();

export function snapshotOf(quote: Quote): QuoteSnapshot {
  return {
    id: quote.id,
    userId: quote.user_id,
    status: quote.status,
    expiresAt: iso(quote.expires_at),
    currency: quote.total.currency,
    subtotal: quote.subtotal.amount,
    discountTotal: quote.discount_total.amount,
    shippingTotal: quote.shipping_total.amount,
    taxTotal: quote.tax_total.amount,
    total: quote.total.amount,
    promoCode: quote.promo_code ?? null,
    shippingAddress: quote.shipping_address ? { ...quote.shipping_address } : null,
    items: quote.items.map((i) => ({
      productId: i.product_id,
      name: i.name,
      quantity: i.quantity,
      unitPrice: i.unit_price.amount,
      subtotal: i.subtotal.amount,
      discount: i.discount.amount,
      tax: i.tax.amount,
      total: i.total.amount,
    })),
  };
}

/** The quantities the quote holds, per product, as the product service's reservation wants them. */
export function reservationItems(snapshot: QuoteSnapshot): { product_id: number; quantity: number }[] {
  const byProduct = new Map<number, number>();
  for (const line of snapshot.items) byProduct.set(line.productId, (byProduct.get(line.productId) ?? 0) + line.quantity);
  return [...byProduct].map(([product_id, quantity]) => ({ product_id, quantity }));
}
