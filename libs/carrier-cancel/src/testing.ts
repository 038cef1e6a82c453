// Test doubles for code that depends on @oms/carrier-cancel; never imported by production code.
export { FakeCarrierClient, type ScriptedCancel } from './testing/fake-carrier.client';
export { VirtualClock } from './retry/clock';
