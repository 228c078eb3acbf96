// The DLP rule table: every detector, in reporting order (specific formats first, generic last).
import type { DlpRule } from '../types.ts';
import { AI_RULES } from './ai.ts';
import { CLOUD_RULES } from './cloud.ts';
import { CODE_HOST_RULES } from './code-hosts.ts';
import { GENERIC_RULES } from './generic.ts';
import { HTTP_AUTH_RULES } from './http-auth.ts';
import { INFRA_RULES } from './infra.ts';
import { KEY_RULES } from './keys.ts';
import { MESSAGING_RULES } from './messaging.ts';
import { PAYMENT_RULES } from './payments.ts';
import { PII_RULES } from './pii.ts';

export const ALL_RULES: readonly DlpRule[] = [
  ...KEY_RULES,
  ...CLOUD_RULES,
  ...CODE_HOST_RULES,
  ...AI_RULES,
  ...PAYMENT_RULES,
  ...MESSAGING_RULES,
  ...INFRA_RULES,
  ...PII_RULES,
  ...HTTP_AUTH_RULES,
  ...GENERIC_RULES,
];
