/* tslint:disable */
/* eslint-disable */
export * from './Cart.js';
export * from './CartItem.js';
export * from './CartItemInput.js';
export * from './CartItemUpdate.js';
export * from './ErrorCode.js';
export * from './FieldError.js';
export * from './Money.js';
export * from './PriceChange.js';
export * from './Problem.js';
export * from './PromoCode.js';
export * from './PromoCodeInput.js';
export * from './PromoCodeKind.js';
export * from './PromoCodePage.js';
export * from './Quote.js';
export * from './QuoteAcceptance.js';
export * from './QuoteInput.js';
export * from './QuoteItem.js';
export * from './QuoteStatus.js';
export * from './ShippingAddress.js';
export * from './StockShortage.js';
