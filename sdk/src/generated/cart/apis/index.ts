/* tslint:disable */
/* eslint-disable */
export * from './CartApi.js';
export * from './PromoCodesApi.js';
export * from './QuotesApi.js';
