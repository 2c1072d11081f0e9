/**
 * The headless server the end-to-end tests drive (playwright.config.ts starts it): its port and
 * the token it is given with --token, so the fixture can open the page as a user opens the
 * printed address. Fixed, not random: the config is loaded again in every worker process, and
 * a server left running from an earlier run (reuseExistingServer) must still let the tests in.
 */
// DESCENT_E2E_PORT: another port where several checkouts share a machine (and 4173).
export const E2E_PORT = Number(process.env['DESCENT_E2E_PORT']) || 4173;
export const E2E_TOKEN = 'descent-e2e-token';
