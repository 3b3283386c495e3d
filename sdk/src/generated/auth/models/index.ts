/* tslint:disable */
/* eslint-disable */
export * from './AuthResult.js';
export * from './ErrorCode.js';
export * from './FieldError.js';
export * from './Jwk.js';
export * from './JwkSet.js';
export * from './LegacyError.js';
export * from './LegacyLoginForm.js';
export * from './LegacyLoginResult.js';
export * from './LoginRequest.js';
export * from './PasswordChange.js';
export * from './Problem.js';
export * from './ProfileUpdate.js';
export * from './RefreshRequest.js';
export * from './RegisterRequest.js';
export * from './Role.js';
export * from './StockShortage.js';
export * from './TokenPair.js';
export * from './User.js';
export * from './UserAdminUpdate.js';
export * from './UserPage.js';
