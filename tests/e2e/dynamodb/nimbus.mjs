// nimbus.mjs — the DynamoDB tests' start helper is the shared one (tests/e2e/nimbus.mjs).
export { startNimbus } from '../nimbus.mjs';
