import { ProviderError } from './contract.ts';

// What the HTTP providers (Twilio, Telnyx) share: one POST with a timeout whose network failures become the right
// ProviderError kind, and small readers of their answers and callbacks.

export type Answer = { status: number; headers: Headers; text: string };

/** Socket errors that mean the request never left this machine: safe to send again. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_HAS_EXPIRED',
]);

/**
 * POSTs and reads the answer, turning network failures into ProviderErrors: a failure before the request left
 * (refused, DNS, TLS) is retryable; a timeout or a connection lost after it left is unknown, since the provider may
 * have accepted the message. Redirects are not followed (a redirect means a wrong base URL).
 */
export async function postToProvider(
  provider: string,
  request: { url: string; headers: Record<string, string>; body: string; signal: AbortSignal | undefined; timeoutMs: number },
): Promise<Answer> {
  const { url, headers, body, timeoutMs } = request;
  if (request.signal?.aborted)
    throw new ProviderError('retryable', `${provider}: cancelled before sending`, { cause: request.signal.reason });
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
  const networkError = (error: unknown) => {
    if (timeout.aborted) return new ProviderError('unknown', `${provider}: no answer within ${timeoutMs} ms`, { cause: error });
    if (signal.aborted) return new ProviderError('unknown', `${provider}: cancelled while waiting for the answer`, { cause: error });
    const codes = errorCodes(error);
    if (codes.some((code) => NOT_SENT_CODES.has(code))) {
      return new ProviderError('retryable', `${provider}: could not connect (${codes.join(', ')})`, { cause: error });
    }
    return new ProviderError('unknown', `${provider}: connection lost (${codes.join(', ') || 'no code'})`, { cause: error });
  };
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers, body, signal, redirect: 'manual' });
  } catch (error) {
    throw networkError(error);
  }
  try {
    return { status: response.status, headers: response.headers, text: await response.text() };
  } catch (error) {
    if (response.status >= 200 && response.status < 300) throw networkError(error);
    return { status: response.status, headers: response.headers, text: '' };
  }
}

/** The `code`s along an error's cause chain (fetch wraps the socket error in TypeError("fetch failed")). */
function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    const code = (current as Error & { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    current = current.cause;
  }
  return codes;
}

/** Retry-After in seconds or as an HTTP date, in milliseconds from now. */
export function retryAfterMs(header: string | null, now: number): number | null {
  const value = header?.trim();
  if (!value) return null;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** Provider error texts may quote the recipient's number; ours end up in logs and the message history. */
export function withoutNumbers(text: string): string {
  return text.replace(/\+?\d[\d ().-]{5,}\d/g, '…');
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Our message id from the `m` query parameter of the callback URL. */
export function messageIdOf(url: string): number | null {
  const match = /[?&]m=(\d{1,15})(?:&|#|$)/.exec(url);
  return match?.[1] ? Number(match[1]) : null;
}
