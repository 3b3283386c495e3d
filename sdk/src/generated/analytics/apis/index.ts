/* tslint:disable */
/* eslint-disable */
export * from './EventsApi.js';
export * from './KPIsApi.js';
