export type { CarrierApi } from './port';
