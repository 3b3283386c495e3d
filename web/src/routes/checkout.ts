/**
 * Checkout: the cart re-priced as a quote (promo code, discount, tax by the shipping address,
 * shipping, price changes), then payment against that quote. The pay form carries an
 * idempotency key made when the page was rendered, so submitting it twice replays the first
 * answer instead of charging twice.
 */
import { Router, type Response } from "express";
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { Quote, ShippingAddress } from "@disqo-commerce/sdk";
import type { RouteContext } from "../app.js";
import { apiCode, apiMessage, apiStatus, fieldErrors } from "../errors.js";
import { text } from "../forms.js";
import { locals, requireLogin } from "../session.js";

/** The test gateway's card tokens, offered as a choice instead of a card number field. */
export const TEST_CARDS = [
  { token: "tok_visa", label: "Visa test card (approved)" },
  { token: "tok_chargeDeclined", label: "Test card that is declined" },
  { token: "tok_insufficientFunds", label: "Test card with insufficient funds" },
] as const;

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_-]{8,200}$/;
const QUOTE_ID = /^[A-Za-z0-9_-]{1,100}$/;
/** How long a second submit waits for the first one (still running) before giving up. */
const IN_FLIGHT_RETRIES = 40;
const IN_FLIGHT_DELAY_MS = 250;

const ADDRESS_FIELDS = ["name", "address_1", "address_2", "city", "state", "zip_code"] as const;
type AddressForm = Record<(typeof ADDRESS_FIELDS)[number], string>;

function readAddress(body: unknown): { address: AddressForm; errors: Record<string, string> } {
  const address: AddressForm = {
    name: text(body, "name", 200),
    address_1: text(body, "address_1", 200),
    address_2: text(body, "address_2", 200),
    city: text(body, "city", 100),
    state: text(body, "state", 20).toUpperCase(),
    zip_code: text(body, "zip_code", 10),
  };
  const errors: Record<string, string> = {};
  if (!address.address_1) errors.address_1 = "Enter the street address";
  if (!address.city) errors.city = "Enter the city";
  if (!/^[A-Z]{2}$/.test(address.state)) errors.state = "Use the two-letter state code, like CA";
  if (!/^[0-9]{5}(-[0-9]{4})?$/.test(address.zip_code)) errors.zip_code = "Use a ZIP code like 90001";
  return { address, errors };
}

function toShippingAddress(address: AddressForm): ShippingAddress {
  return {
    name: address.name || null,
    address_1: address.address_1,
    address_2: address.address_2 || null,
    city: address.city,
    state: address.state,
    zip_code: address.zip_code,
  };
}

export function checkoutRoutes({ sessions }: RouteContext): Router {
  const router = Router();

  interface RenderOptions {
    quoteId?: string;
    promoCode?: string;
    address?: AddressForm;
    errors?: Record<string, string>;
    promoError?: string | null;
    payError?: string | null;
    status?: number;
  }

  async function renderCheckout(res: Response, options: RenderOptions) {
    const { shop } = locals(res);
    let quote: Quote | null = null;
    if (options.quoteId !== undefined) quote = await shop.quotes.get(options.quoteId);

    const [cart, user] = await Promise.all([quote ? Promise.resolve(null) : shop.cart.get(), options.address || quote?.shipping_address ? Promise.resolve(null) : shop.users.me()]);
    if (cart && (!cart.items || cart.items.length === 0)) {
      sessions.flash(res, "info", "Your cart is empty. Add something before checking out.");
      return res.redirect(303, "/cart");
    }
    const saved = quote?.shipping_address;
    const address: AddressForm = options.address ?? {
      name: saved?.name ?? (user ? `${user.first_name} ${user.last_name}` : ""),
      address_1: saved?.address_1 ?? user?.address_1 ?? "",
      address_2: saved?.address_2 ?? user?.address_2 ?? "",
      city: saved?.city ?? user?.city ?? "",
      state: saved?.state ?? user?.state ?? "",
      zip_code: saved?.zip_code ?? user?.zip_code ?? "",
    };
    const expired = quote !== null && (quote.status !== "open" || new Date(quote.expires_at).getTime() <= Date.now());
    res.status(options.status ?? 200).render("checkout.njk", {
      title: quote ? "Review and pay" : "Checkout",
      cart,
      quote,
      expired,
      address,
      errors: options.errors ?? {},
      promoCode: options.promoCode ?? quote?.promo_code ?? "",
      promoError: options.promoError ?? null,
      payError: options.payError ?? null,
      cards: TEST_CARDS,
      // A new key for every rendering: paying again after a decline is a new payment attempt.
      idempotencyKey: randomUUID(),
    });
  }

  router.get("/checkout", requireLogin, async (req, res) => {
    const quoteId = text(req.query, "quote", 100);
    await renderCheckout(res, { quoteId: QUOTE_ID.test(quoteId) ? quoteId : undefined });
  });

  router.post("/checkout/quote", requireLogin, async (req, res) => {
    const promoCode = text(req.body, "promo_code", 50).toUpperCase();
    const { address, errors } = readAddress(req.body);
    if (promoCode && !/^[A-Z0-9_-]{3,32}$/.test(promoCode)) errors.promo_code = "Promo codes are letters and digits, like WELCOME10";
    if (Object.keys(errors).length > 0) {
      return renderCheckout(res, { promoCode, address, errors, promoError: errors.promo_code, status: 422 });
    }
    try {
      const quote = await locals(res).shop.quotes.create({ promo_code: promoCode || undefined, shipping_address: toShippingAddress(address) });
      res.redirect(303, `/checkout?quote=${encodeURIComponent(quote.id)}`);
    } catch (error) {
      const code = apiCode(error);
      if (code === "cart_empty") {
        sessions.flash(res, "info", "Your cart is empty. Add something before checking out.");
        return res.redirect(303, "/cart");
      }
      if (code === "invalid_promo_code") {
        return renderCheckout(res, { promoCode, address, promoError: apiMessage(error, "That promo code is not valid."), status: 422 });
      }
      if (code === "insufficient_stock" || code === "product_unavailable") {
        sessions.flash(res, "error", `${apiMessage(error, "Some items are no longer available in that quantity.")} Please update your cart.`);
        return res.redirect(303, "/cart");
      }
      if (apiStatus(error) === 422 || apiStatus(error) === 400) {
        return renderCheckout(res, { promoCode, address, errors: fieldErrors(error), promoError: apiMessage(error), status: 422 });
      }
      throw error;
    }
  });

  router.post("/checkout/pay", requireLogin, async (req, res) => {
    const quoteId = text(req.body, "quote_id", 100);
    const token = text(req.body, "card_token", 50);
    const idempotencyKey = text(req.body, "idempotency_key", 200);
    if (!QUOTE_ID.test(quoteId)) {
      sessions.flash(res, "error", "Get a quote before paying.");
      return res.redirect(303, "/checkout");
    }
    if (!TEST_CARDS.some((c) => c.token === token)) {
      return renderCheckout(res, { quoteId, payError: "Choose a card to pay with.", status: 422 });
    }
    if (!IDEMPOTENCY_KEY.test(idempotencyKey)) {
      return renderCheckout(res, { quoteId, payError: "This payment form is out of date. Please review your order and pay again.", status: 422 });
    }

    const { shop } = locals(res);
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await shop.checkout.create({ quote_id: quoteId, payment_method: { type: "card", token } }, { idempotencyKey });
        return res.redirect(303, `/orders/${encodeURIComponent(result.order.id)}/confirmation`);
      } catch (error) {
        const status = apiStatus(error);
        const code = apiCode(error);
        // The same form submitted twice: wait for the first submit, whose answer is then replayed.
        if (code === "idempotency_key_in_flight" && attempt < IN_FLIGHT_RETRIES) {
          await sleep(IN_FLIGHT_DELAY_MS);
          continue;
        }
        if (status === 402) {
          return renderCheckout(res, {
            quoteId,
            status: 402,
            payError: `Payment declined: ${apiMessage(error, "the card was declined.")} Your cart is unchanged; you can try another card.`,
          });
        }
        if (code === "quote_expired" || code === "quote_not_open") {
          sessions.flash(res, "info", "Your quote has expired or was already used. Get a new quote to see the current prices.");
          return res.redirect(303, "/checkout");
        }
        if (code === "insufficient_stock" || code === "product_unavailable") {
          sessions.flash(res, "error", `${apiMessage(error, "Some items are no longer available.")} Please update your cart.`);
          return res.redirect(303, "/cart");
        }
        if (code === "idempotency_key_reused") {
          return renderCheckout(res, { quoteId, status: 422, payError: "This payment form was already used with other details. Please check the order and pay again." });
        }
        if (status === 404) {
          sessions.flash(res, "error", "That quote could not be found. Get a new quote to continue.");
          return res.redirect(303, "/checkout");
        }
        throw error;
      }
    }
  });

  return router;
}
