/* tslint:disable */
/* eslint-disable */
export * from './AdminApi.js';
export * from './CheckoutApi.js';
export * from './OrdersApi.js';
export * from './PaymentsApi.js';
export * from './ReceiptsApi.js';
