/* tslint:disable */
/* eslint-disable */
export * from './ErrorCode.js';
export * from './FieldError.js';
export * from './LegacyProduct.js';
export * from './LegacySearchForm.js';
export * from './LegacySearchResult.js';
export * from './Money.js';
export * from './Price.js';
export * from './Problem.js';
export * from './Product.js';
export * from './ProductCreate.js';
export * from './ProductPage.js';
export * from './ProductSort.js';
export * from './ProductUpdate.js';
export * from './Reservation.js';
export * from './ReservationInput.js';
export * from './ReservationItem.js';
export * from './ReservationLine.js';
export * from './ReservationStatus.js';
export * from './StockBelowReservedProblem.js';
export * from './StockShortage.js';
