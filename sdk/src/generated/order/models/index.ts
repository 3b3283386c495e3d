/* tslint:disable */
/* eslint-disable */
export * from './CancelInput.js';
export * from './CheckoutInput.js';
export * from './CheckoutResult.js';
export * from './ErrorCode.js';
export * from './FieldError.js';
export * from './Money.js';
export * from './Order.js';
export * from './OrderItem.js';
export * from './OrderPage.js';
export * from './OrderStatus.js';
export * from './PaymentMethod.js';
export * from './PaymentProblem.js';
export * from './Problem.js';
export * from './Receipt.js';
export * from './ReceiptItem.js';
export * from './ReceiptKind.js';
export * from './ReceiptPage.js';
export * from './Shipment.js';
export * from './ShipmentInput.js';
export * from './ShipmentResult.js';
export * from './ShippingAddress.js';
export * from './StockShortage.js';
export * from './Transaction.js';
export * from './TransactionPage.js';
export * from './TransactionStatus.js';
export * from './TransactionType.js';
