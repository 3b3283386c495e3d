import { AdminApi, CheckoutApi, Configuration, OrdersApi, PaymentsApi, ReceiptsApi } from "../generated/order/index.js";
import type {
  CancelInput,
  CheckoutInput,
  CheckoutResult,
  ListAdminOrdersRequest,
  ListOrdersRequest,
  ListReceiptsRequest,
  ListTransactionsRequest,
  Order,
  OrderPage,
  Receipt,
  ReceiptPage,
  ShipmentInput,
  ShipmentResult,
  Transaction,
  TransactionPage,
} from "../generated/order/index.js";
import type { ApiPromise } from "../api-promise.js";
import type { AllowUndefined, Core, RequestOptions } from "../core.js";
import { PagePromise } from "../pagination.js";

/** A shipment to record; like the generated ShipmentInput, with `item_ids` as any iterable. */
export type ShipmentBody = Omit<ShipmentInput, "item_ids"> & { item_ids?: Iterable<string> };

function config(core: Core): Configuration {
  return new Configuration({ basePath: core.basePath, fetchApi: core.fetchApi, accessToken: core.tokenProvider });
}

/** Paying for a quote. */
export class CheckoutResource {
  private readonly api: CheckoutApi;

  constructor(private readonly core: Core) {
    this.api = new CheckoutApi(config(core));
  }

  /**
   * Charges the card for an open quote and places the order: `{ order, receipt, transaction }`.
   * A decline is a PaymentRequiredError (402, `payment_declined`); the quote stays open.
   * The Idempotency-Key is made here unless `options.idempotencyKey` is given, and every retry
   * of this call repeats it, so the card is never charged twice. Pass your own key to make a
   * resubmitted form (a new call) replay the first answer too.
   */
  create(body: AllowUndefined<CheckoutInput>, options?: RequestOptions): ApiPromise<CheckoutResult> {
    return this.core.callIdempotent(options, (o, key) => this.api.createCheckout({ CheckoutInput: body, Idempotency_Key: key }, o));
  }
}

/** The caller's orders; fulfilment for admins. */
export class OrdersResource {
  private readonly orders: OrdersApi;
  private readonly admin: AdminApi;

  constructor(private readonly core: Core) {
    this.orders = new OrdersApi(config(core));
    this.admin = new AdminApi(config(core));
  }

  /** The caller's orders, newest first. */
  list(params: AllowUndefined<ListOrdersRequest> = {}, options?: RequestOptions): PagePromise<Order, OrderPage> {
    return new PagePromise((cursor) =>
      this.core.call(options, (o) => this.orders.listOrders({ ...params, cursor: cursor ?? params.cursor }, o)),
    );
  }

  /** One order with its items, shipments, receipts and transactions. */
  get(id: string, options?: RequestOptions): ApiPromise<Order> {
    return this.core.call(options, (o) => this.orders.getOrder({ id: String(id) }, o));
  }

  /**
   * Cancels an order that has not shipped: refund transaction, refund receipt, stock returned.
   * 409 `illegal_transition` once shipped. The Idempotency-Key is made here unless given.
   */
  cancel(id: string, body: AllowUndefined<CancelInput> = {}, options?: RequestOptions): ApiPromise<Order> {
    return this.core.callIdempotent(options, (o, key) => this.orders.cancelOrder({ id: String(id), CancelInput: body, Idempotency_Key: key }, o));
  }

  /** Every order, newest first, filtered by `status` and `user_id` (admin). */
  adminList(params: AllowUndefined<ListAdminOrdersRequest> = {}, options?: RequestOptions): PagePromise<Order, OrderPage> {
    return new PagePromise((cursor) =>
      this.core.call(options, (o) => this.admin.listAdminOrders({ ...params, cursor: cursor ?? params.cursor }, o)),
    );
  }

  /**
   * Ships some or all unshipped items (admin): `{ shipment, order }`. `item_ids` may be any
   * iterable (an array is fine); omitted, every unshipped item ships.
   */
  ship(id: string, body: ShipmentBody, options?: RequestOptions): ApiPromise<ShipmentResult> {
    const input: ShipmentInput = { ...body, item_ids: body.item_ids === undefined ? undefined : new Set(body.item_ids) };
    return this.core.call(options, (o) => this.admin.createShipment({ id: String(id), ShipmentInput: input }, o));
  }

  /** Marks a shipped order delivered (admin). */
  deliver(id: string, options?: RequestOptions): ApiPromise<Order> {
    return this.core.call(options, (o) => this.admin.deliverOrder({ id: String(id) }, o));
  }
}

/** Immutable receipts of sales and refunds. */
export class ReceiptsResource {
  private readonly api: ReceiptsApi;

  constructor(private readonly core: Core) {
    this.api = new ReceiptsApi(config(core));
  }

  /** The caller's receipts, newest first; `order_id` for one order's. */
  list(params: AllowUndefined<ListReceiptsRequest> = {}, options?: RequestOptions): PagePromise<Receipt, ReceiptPage> {
    return new PagePromise((cursor) =>
      this.core.call(options, (o) => this.api.listReceipts({ ...params, cursor: cursor ?? params.cursor }, o)),
    );
  }

  /** One receipt with its items. */
  get(id: string, options?: RequestOptions): ApiPromise<Receipt> {
    return this.core.call(options, (o) => this.api.getReceipt({ id: String(id) }, o));
  }
}

/** Payment transactions (charges and refunds, declined ones included). */
export class TransactionsResource {
  private readonly api: PaymentsApi;

  constructor(private readonly core: Core) {
    this.api = new PaymentsApi(config(core));
  }

  /** The caller's transactions, newest first; `quote_id` or `order_id` to narrow. */
  list(params: AllowUndefined<ListTransactionsRequest> = {}, options?: RequestOptions): PagePromise<Transaction, TransactionPage> {
    return new PagePromise((cursor) =>
      this.core.call(options, (o) => this.api.listTransactions({ ...params, cursor: cursor ?? params.cursor }, o)),
    );
  }
}
