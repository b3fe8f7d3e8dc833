import type { z } from 'zod';
import { getCsrfToken } from './csrf.ts';

export type FieldErrors = Record<string, string>;

/** One entry of a problem's `errors`, with its whole path (`body.rules.rules.0.value`). */
export type FieldIssue = { path: string; message: string };

/** A failed API call, parsed from the server's RFC 9457 problem+json (or made up for network failures). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly fieldErrors: FieldErrors;
  /** Every field error with its whole path, for forms whose fields repeat (lists, trees). */
  readonly issues: readonly FieldIssue[];

  constructor(options: { status: number; code: string; detail: string; fieldErrors?: FieldErrors; issues?: FieldIssue[] }) {
    super(options.detail);
    this.name = 'ApiError';
    this.status = options.status;
    this.code = options.code;
    this.detail = options.detail;
    this.fieldErrors = options.fieldErrors ?? {};
    this.issues = options.issues ?? [];
  }
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

type RequestOptions = {
  method?: Method;
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  signal?: AbortSignal;
  /** Set on calls where a 401 is an expected answer (sign-in, the session probe), not an expired session. */
  expectUnauthorized?: boolean;
};

let onSessionLost: (() => void) | null = null;

/** Registers what happens when the server says the session is gone (the app sends the person to /login). */
export function setSessionLostHandler(handler: (() => void) | null): void {
  onSessionLost = handler;
}

const SESSION_LOST_CODES = new Set(['auth.session_expired', 'auth.required']);

/** Calls the API and validates the JSON answer with `schema`. */
export async function apiRequest<T>(path: string, schema: z.ZodType<T>, options?: RequestOptions): Promise<T>;
/** Calls the API for an answer without a body (204). */
export async function apiRequest(path: string, schema: null, options?: RequestOptions): Promise<void>;
export async function apiRequest<T>(path: string, schema: z.ZodType<T> | null, options: RequestOptions = {}): Promise<T | undefined> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const csrf = getCsrfToken();
  if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf;

  let response: Response;
  try {
    response = await fetch(withQuery(path, options.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError({
      status: 0,
      code: 'network',
      detail: 'Could not reach the Groundswell server. Check your connection and try again.',
    });
  }

  if (!response.ok) {
    const problem = await readProblem(response);
    if (problem.status === 401 && !options.expectUnauthorized && SESSION_LOST_CODES.has(problem.code)) {
      onSessionLost?.();
    }
    throw problem;
  }
  if (schema === null || response.status === 204) return undefined;

  const body: unknown = await response.json().catch((error: unknown) => {
    // A query cancelled while its body was being read (the user navigated away) is an abort, not a bad answer.
    if (options.signal?.aborted) throw error;
    return undefined;
  });
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    console.error(`Unexpected answer from ${method} ${path}`, parsed.error.issues);
    throw new ApiError({
      status: response.status,
      code: 'response.invalid',
      detail: 'The server answered in a shape this dashboard does not understand. Reload the page; if it persists, report it.',
    });
  }
  return parsed.data;
}

function withQuery(path: string, query: RequestOptions['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** The ApiError a failed response stands for (also used by calls made without fetch, e.g. uploads with progress). */
export async function readProblem(response: Response): Promise<ApiError> {
  const body: unknown = await response.json().catch(() => null);
  if (isRecord(body)) {
    const fieldErrors: FieldErrors = {};
    const issues: FieldIssue[] = [];
    if (Array.isArray(body.errors)) {
      for (const item of body.errors) {
        if (!isRecord(item) || typeof item.path !== 'string' || typeof item.message !== 'string') continue;
        issues.push({ path: item.path, message: item.message });
        // `body.email` and `email` both land on the `email` field.
        const field = item.path.split('.').at(-1) ?? item.path;
        fieldErrors[field] ??= item.message;
      }
    }
    const detail = typeof body.detail === 'string' && body.detail ? body.detail : typeof body.title === 'string' ? body.title : '';
    return new ApiError({
      status: response.status,
      code: typeof body.code === 'string' ? body.code : `http.${response.status}`,
      detail: detail || fallbackDetail(response),
      fieldErrors,
      issues,
    });
  }
  return new ApiError({ status: response.status, code: `http.${response.status}`, detail: fallbackDetail(response) });
}

function fallbackDetail(response: Response): string {
  if (response.status >= 500) return `The server failed (${response.status}). Try again in a moment.`;
  return `The request failed (${response.status} ${response.statusText}).`.replace(' )', ')');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
