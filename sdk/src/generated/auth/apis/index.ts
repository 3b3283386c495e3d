/* tslint:disable */
/* eslint-disable */
export * from './AuthApi.js';
export * from './KeysApi.js';
export * from './LegacyApi.js';
export * from './UsersApi.js';
