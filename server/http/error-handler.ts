import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { loggable } from '../lib/logger.ts';
import { AppError, type FieldError } from './errors.ts';

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload too large',
  415: 'Unsupported media type',
  429: 'Too many requests',
  500: 'Internal server error',
  503: 'Service unavailable',
};

type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance: string;
  errors?: FieldError[];
};

function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: Omit<Problem, 'type' | 'title' | 'instance'>) {
  const body: Problem = {
    type: `https://groundswell.dev/problems/${problem.code}`,
    title: TITLES[problem.status] ?? 'Error',
    instance: request.id,
    ...problem,
  };
  return reply.status(problem.status).type('application/problem+json').send(body);
}

/** Turns every error into RFC 9457 problem+json. Operational errors log as warn, bugs as error; no stack is ever returned. */
export function registerErrorHandler(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError | AppError | Error, request, reply) => {
    if (error instanceof AppError) {
      if (error.status >= 500) request.log.error({ err: loggable(error) }, error.message);
      // The message may quote what the caller sent (a phone number, an email): log the code only.
      else request.log.info({ code: error.code, status: error.status }, 'request refused');
      if (error.headers) reply.headers(error.headers);
      return sendProblem(request, reply, {
        status: error.status,
        code: error.code,
        detail: error.expose ? error.message : 'Something went wrong on our side; it has been logged.',
        ...(error.fields ? { errors: error.fields } : {}),
      });
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const where = error.validationContext ?? 'body';
      const errors = error.validation.map((issue) => {
        const path = String(issue.instancePath ?? '')
          .split('/')
          .filter(Boolean)
          .join('.');
        return { path: path ? `${where}.${path}` : where, message: issue.message ?? 'is invalid' };
      });
      return sendProblem(request, reply, {
        status: 400,
        code: 'request.invalid',
        detail: `The request ${where} is invalid: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
        errors,
      });
    }
    if (isResponseSerializationError(error)) {
      request.log.error({ err: error }, 'response did not match its schema');
      return sendProblem(request, reply, {
        status: 500,
        code: 'internal',
        detail: 'Something went wrong on our side; it has been logged.',
      });
    }
    const status = 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status === 429) {
      return sendProblem(request, reply, {
        status,
        code: 'request.rate_limited',
        detail: error.message || 'Too many requests; slow down and try again shortly.',
      });
    }
    if (status >= 400 && status < 500) {
      request.log.info({ status, code: 'code' in error ? error.code : undefined }, 'request refused');
      const code = status === 413 ? 'request.too_large' : status === 404 ? 'request.not_found' : 'request.invalid';
      return sendProblem(request, reply, { status, code, detail: error.message });
    }
    request.log.error({ err: loggable(error) }, error.message);
    return sendProblem(request, reply, { status: 500, code: 'internal', detail: 'Something went wrong on our side; it has been logged.' });
  });
}

export function problemNotFound(request: FastifyRequest, reply: FastifyReply) {
  return sendProblem(request, reply, {
    status: 404,
    code: 'request.not_found',
    detail: `There is no ${request.method} ${request.url.split('?')[0]}. The API reference is at /api/docs.`,
  });
}
