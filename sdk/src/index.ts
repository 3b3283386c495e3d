/**
 * @disqo-commerce/sdk: the TypeScript client of the DISQO Commerce API.
 *
 * The facade (`DisqoCommerce`) sits on clients generated from the OpenAPI contracts
 * (`@disqo-commerce/sdk/generated/<service>`); its request and response types are the
 * generated models, re-exported here.
 */
export { DisqoCommerce } from "./client.js";
export { VERSION } from "./version.js";
export { ApiPromise } from "./api-promise.js";
export type { WithResponse } from "./api-promise.js";
export type { AllowUndefined, ClientOptions, RequestOptions } from "./core.js";
export {
  DisqoCommerceError,
  ApiError,
  BadRequestError,
  AuthenticationError,
  PaymentRequiredError,
  PermissionDeniedError,
  NotFoundError,
  ConflictError,
  UnprocessableEntityError,
  RateLimitError,
  InternalServerError,
  ConnectionError,
  TimeoutError,
  AbortError,
} from "./errors.js";
export type { ApiErrorInit } from "./errors.js";
export { Page, PagePromise } from "./pagination.js";
export type { PageBody, PageFetcher, PageOf } from "./pagination.js";
export type { FetchLike, RetryPolicy } from "./transport.js";
export { RETRY_COUNT_HEADER } from "./transport.js";
export type { AuthResource } from "./resources/auth.js";
export type { UsersResource } from "./resources/users.js";
export type { ProductsResource } from "./resources/products.js";
export type { CartResource, QuotesResource } from "./resources/cart.js";
export type { PromoCodesResource } from "./resources/promo-codes.js";
export type { AnalyticsResource, KpisResource, TrackedEvent } from "./resources/analytics.js";
export type { CheckoutResource, OrdersResource, ReceiptsResource, ShipmentBody, TransactionsResource } from "./resources/orders.js";

// The shared vocabulary (identical in every spec; taken from the auth client).
export { ErrorCode } from "./generated/auth/models/ErrorCode.js";
export type { FieldError, Problem, StockShortage } from "./generated/auth/index.js";
export type { Money } from "./generated/product/index.js";

// auth: accounts and tokens
export type {
  AuthResult,
  Jwk,
  JwkSet,
  ListUsersRequest,
  LoginRequest,
  PasswordChange,
  ProfileUpdate,
  RefreshRequest,
  RegisterRequest,
  Role,
  TokenPair,
  User,
  UserAdminUpdate,
  UserPage,
} from "./generated/auth/index.js";

// product: the catalog
// a value too: the categories are a closed set, so a client can list them without a call
export { ProductCategory } from "./generated/product/index.js";
export type {
  CategoryCount,
  ImageRendition,
  Price,
  PriceBandCount,
  Product,
  ProductCreate,
  ProductFacets,
  ProductImage,
  ProductPage,
  ProductSort,
  ProductUpdate,
  Reservation,
  ReservationInput,
  ReservationItem,
  ReservationStatus,
  SearchProductsRequest,
} from "./generated/product/index.js";

// cart: carts, quotes, promo codes
export type {
  Cart,
  CartItem,
  CartItemInput,
  CartItemUpdate,
  ListPromoCodesRequest,
  PriceChange,
  PromoCode,
  PromoCodeInput,
  PromoCodeKind,
  PromoCodePage,
  Quote,
  QuoteAcceptance,
  QuoteInput,
  QuoteItem,
  QuoteStatus,
  ShippingAddress,
} from "./generated/cart/index.js";

// order: checkout, orders, receipts, payments
export type {
  CancelInput,
  CheckoutInput,
  CheckoutResult,
  ListAdminOrdersRequest,
  ListOrdersRequest,
  ListReceiptsRequest,
  ListTransactionsRequest,
  Order,
  OrderItem,
  OrderPage,
  OrderStatus,
  PaymentMethod,
  PaymentProblem,
  Receipt,
  ReceiptItem,
  ReceiptKind,
  ReceiptPage,
  Shipment,
  ShipmentInput,
  ShipmentResult,
  Transaction,
  TransactionPage,
  TransactionStatus,
  TransactionType,
} from "./generated/order/index.js";

// analytics: events and the funnel's KPIs
export type {
  ClientEvent,
  ClientEventBatch,
  ClientEventType,
  EventProperties,
  Funnel,
  FunnelStep,
  GetFunnelRequest,
  GetKpiSummaryRequest,
  IngestResult,
  KpiSummary,
  SummaryInterval,
  ZeroResultSearch,
} from "./generated/analytics/index.js";
