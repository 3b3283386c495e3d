/* tslint:disable */
/* eslint-disable */
export * from './InventoryApi.js';
export * from './LegacyApi.js';
export * from './ProductsApi.js';
