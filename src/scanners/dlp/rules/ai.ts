// AI and model-hosting providers.
import { hasDigit, hasUpperAndLower } from '../checks.ts';
import type { DlpRule } from '../types.ts';
import { END, near, randomMixed, secret } from './helpers.ts';

function hasHexLetter(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c >= 97 && c <= 102) return true;
  }
  return false;
}

const ROTATE = "Delete the key in the provider's console and create a new one.";

export const AI_RULES: readonly DlpRule[] = [
  secret({
    id: 'dlp/anthropic-api-key',
    name: 'Anthropic API key',
    severity: 'critical',
    keywords: ['sk-ant-api', 'sk-ant-oat', 'sk-ant-ort'],
    pattern: `\\b(sk-ant-(?:api|oat|ort)\\d\\d-[A-Za-z0-9_-]{80,120})${END}`,
    minEntropy: 4.0,
    advice: 'Delete it in the Anthropic Console (Settings → API keys).',
  }),
  secret({
    id: 'dlp/anthropic-admin-key',
    name: 'Anthropic admin API key',
    severity: 'critical',
    keywords: ['sk-ant-admin'],
    pattern: `\\b(sk-ant-admin\\d\\d-[A-Za-z0-9_-]{80,120})${END}`,
    minEntropy: 4.0,
    advice: 'Delete it in the Anthropic Console (Settings → Admin keys).',
  }),
  secret({
    id: 'dlp/openai-api-key',
    name: 'OpenAI API key',
    severity: 'critical',
    keywords: ['sk-proj-', 'sk-svcacct-', 'sk-admin-', 'sk-none-', 't3blbkfj'],
    // Project, service-account and admin keys, and the legacy form with the base64 of "OpenAI" inside.
    pattern: `\\b(sk-(?:proj|svcacct|admin|None)-[A-Za-z0-9_-]{40,250}|sk-[A-Za-z0-9_-]{20,74}T3BlbkFJ[A-Za-z0-9_-]{20,74})${END}`,
    minEntropy: 4.0,
    advice: 'Revoke it at https://platform.openai.com/api-keys.',
  }),
  secret({
    id: 'dlp/huggingface-token',
    name: 'Hugging Face access token',
    keywords: ['hf_', 'api_org_'],
    pattern: '\\b((?:hf_|api_org_)[A-Za-z]{34})\\b',
    minEntropy: 3.5,
    check: (v) => hasUpperAndLower(v.slice(3)),
    advice: 'Invalidate it at https://huggingface.co/settings/tokens.',
  }),
  secret({
    id: 'dlp/replicate-api-token',
    name: 'Replicate API token',
    keywords: ['r8_'],
    pattern: '\\b(r8_[A-Za-z0-9]{37})\\b',
    minEntropy: 3.5,
    advice: ROTATE,
  }),
  secret({
    id: 'dlp/together-api-key',
    name: 'Together AI API key',
    keywords: ['tgp_v1_', 'together'],
    pattern: `\\b(tgp_v1_[A-Za-z0-9_-]{43})${END}|\\b([a-f0-9]{64})\\b`,
    group: -1,
    minEntropy: 3.0,
    check: (v, ctx) => v.startsWith('tgp_') || near(ctx, ['together'], 160),
    advice: ROTATE,
  }),
  secret({
    id: 'dlp/groq-api-key',
    name: 'Groq API key',
    keywords: ['gsk_'],
    pattern: '\\b(gsk_[A-Za-z0-9]{52})\\b',
    minEntropy: 4.0,
    advice: ROTATE,
  }),
  secret({
    id: 'dlp/xai-api-key',
    name: 'xAI API key',
    keywords: ['xai-'],
    pattern: '\\b(xai-[A-Za-z0-9]{70,90})\\b',
    minEntropy: 4.0,
    advice: ROTATE,
  }),
  secret({
    id: 'dlp/fireworks-api-key',
    name: 'Fireworks AI API key',
    keywords: ['fw_'],
    pattern: '\\b(fw_[A-Za-z0-9]{20,40})\\b',
    check: (v) => randomMixed(v.slice(3), 3.5),
    advice: ROTATE,
  }),
  secret({
    id: 'dlp/openrouter-api-key',
    name: 'OpenRouter API key',
    keywords: ['sk-or-v1-'],
    pattern: '\\b(sk-or-v1-[a-f0-9]{64})\\b',
    minEntropy: 3.0,
    advice: ROTATE,
  }),
  secret({
    id: 'dlp/perplexity-api-key',
    name: 'Perplexity API key',
    keywords: ['pplx-'],
    pattern: '\\b(pplx-[A-Za-z0-9]{40,56})\\b',
    minEntropy: 3.5,
    advice: ROTATE,
  }),
  secret({
    id: 'dlp/pinecone-api-key',
    name: 'Pinecone API key',
    keywords: ['pcsk_'],
    pattern: '\\b(pcsk_[A-Za-z0-9]{4,8}_[A-Za-z0-9]{50,80})\\b',
    minEntropy: 4.0,
    advice: ROTATE,
  }),
  secret({
    id: 'dlp/tavily-api-key',
    name: 'Tavily API key',
    keywords: ['tvly-'],
    pattern: '\\b(tvly-(?:dev-|prod-)?[A-Za-z0-9]{32})\\b',
    minEntropy: 3.5,
    advice: ROTATE,
  }),
  secret({
    id: 'dlp/langsmith-api-key',
    name: 'LangSmith API key',
    keywords: ['lsv2_'],
    pattern: '\\b(lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10})\\b',
    minEntropy: 3.0,
    advice: ROTATE,
  }),
  secret({
    id: 'dlp/deepseek-api-key',
    name: 'DeepSeek API key',
    keywords: ['deepseek'],
    pattern: '\\b(sk-[a-f0-9]{32})\\b',
    minEntropy: 3.0,
    context: { words: ['deepseek'], before: 240, after: 80 },
    advice: ROTATE,
  }),
  secret({
    id: 'dlp/sk-hex-api-key',
    name: 'API key of the sk-<32 hex> form (DeepSeek, Alibaba DashScope)',
    keywords: [],
    // No provider name needed: `sk-` then exactly 32 lower-case hex digits, standing alone, is the
    // key format of those providers. Reported as DeepSeek's when its name is nearby.
    pattern: '\\b(sk-[a-f0-9]{32})\\b',
    minEntropy: 3.0,
    check: (v) => hasDigit(v.slice(3)) && hasHexLetter(v.slice(3)),
    yieldsTo: ['dlp/deepseek-api-key'],
    advice: ROTATE,
  }),
  secret({
    id: 'dlp/mistral-api-key',
    name: 'Mistral AI API key',
    keywords: ['mistral'],
    pattern: '\\b([A-Za-z0-9]{32})\\b',
    context: { words: ['mistral'], before: 160 },
    check: (v) => randomMixed(v, 4.0),
    advice: ROTATE,
  }),
  secret({
    id: 'dlp/cohere-api-key',
    name: 'Cohere API key',
    keywords: ['cohere', 'co_api_key'],
    pattern: '\\b([A-Za-z0-9]{40})\\b',
    context: { words: ['cohere', 'co_api_key'], before: 160 },
    check: (v) => randomMixed(v, 4.0),
    advice: ROTATE,
  }),
  secret({
    id: 'dlp/elevenlabs-api-key',
    name: 'ElevenLabs API key',
    keywords: ['elevenlabs', 'eleven_labs', 'xi-api-key'],
    pattern: '\\b(sk_[a-f0-9]{48})\\b',
    minEntropy: 3.0,
    context: { words: ['elevenlabs', 'eleven_labs', 'xi-api-key'], before: 200 },
    check: hasDigit,
    advice: ROTATE,
  }),
  secret({
    id: 'dlp/llama-api-key',
    name: 'Meta Llama or LlamaCloud API key',
    keywords: ['llm|', 'llx-'],
    pattern: `\\b(LLM\\|[0-9]{10,20}\\|[A-Za-z0-9_-]{20,64}|llx-[A-Za-z0-9_-]{40,64})${END}`,
    minEntropy: 3.5,
    advice: ROTATE,
  }),
];
