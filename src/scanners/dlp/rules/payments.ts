// Payment providers and commerce platforms.
import type { DlpRule } from '../types.ts';
import { END, secret } from './helpers.ts';

export const PAYMENT_RULES: readonly DlpRule[] = [
  secret({
    id: 'dlp/stripe-secret-key',
    name: 'Stripe live secret key',
    severity: 'critical',
    keywords: ['sk_live_'],
    pattern: '\\b(sk_live_[A-Za-z0-9]{24,247})\\b',
    minEntropy: 3.5,
    advice: 'Roll the key in the Stripe dashboard (Developers → API keys).',
  }),
  secret({
    id: 'dlp/stripe-restricted-key',
    name: 'Stripe live restricted key',
    severity: 'critical',
    keywords: ['rk_live_'],
    pattern: '\\b(rk_live_[A-Za-z0-9]{24,247})\\b',
    minEntropy: 3.5,
    advice: 'Roll the key in the Stripe dashboard (Developers → API keys).',
  }),
  secret({
    id: 'dlp/stripe-test-key',
    name: 'Stripe test-mode secret key',
    // High (blocked at balanced): a test-mode secret key is a full API credential for the account's
    // test mode (its customers, payment methods, webhook endpoints and settings there). Sent to
    // api.stripe.com it is normal use and is logged at info (builtin destinations); sent anywhere
    // else it is a leak, like the live key, just with less at stake.
    severity: 'high',
    keywords: ['sk_test_', 'rk_test_'],
    pattern: '\\b([sr]k_test_[A-Za-z0-9]{24,247})\\b',
    minEntropy: 3.5,
    advice: 'Roll the test key in the Stripe dashboard (Developers → API keys, test mode).',
  }),
  secret({
    id: 'dlp/stripe-webhook-secret',
    name: 'Stripe webhook signing secret',
    keywords: ['whsec_'],
    pattern: '\\b(whsec_[A-Za-z0-9+/]{32,88}={0,2})(?:[^A-Za-z0-9+/=]|$)',
    minEntropy: 3.5,
    advice: 'Roll the endpoint secret in the Stripe dashboard (Developers → Webhooks).',
  }),
  secret({
    id: 'dlp/square-token',
    name: 'Square access token or OAuth secret',
    keywords: ['sq0atp-', 'sq0csp-', 'eaaa'],
    pattern: `\\b(sq0atp-[0-9A-Za-z_-]{22}|sq0csp-[0-9A-Za-z_-]{43}|EAAA[A-Za-z0-9_-]{60})${END}`,
    minEntropy: 3.5,
  }),
  secret({
    id: 'dlp/braintree-access-token',
    name: 'PayPal Braintree access token',
    severity: 'critical',
    keywords: ['access_token$'],
    pattern: '\\b(access_token\\$(?:production|sandbox)\\$[0-9a-z]{16}\\$[0-9a-f]{32})\\b',
    minEntropy: 3.0,
  }),
  secret({
    id: 'dlp/shopify-token',
    name: 'Shopify access token or shared secret',
    keywords: ['shpat_', 'shpca_', 'shppa_', 'shpss_'],
    pattern: '\\b(shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32})\\b',
    minEntropy: 3.0,
  }),
];
