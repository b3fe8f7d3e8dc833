import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import nodemailer from 'nodemailer';
import { z } from 'zod';
import { ProviderError } from '../sms/contract.ts';
import type { AdapterContext, EmailAdapter, OutboundEmail } from './contract.ts';

// Email over any SMTP server or relay, through a pool of nodemailer connections.

export const smtpCredentials = z.object({
  host: z.string().min(1),
  port: z.coerce.number().int().min(1).max(65535),
  /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
  secure: z.union([z.boolean(), z.stringbool()]).default(false),
  user: z.string().optional(),
  pass: z.string().optional(),
});
export type SmtpCredentials = z.infer<typeof smtpCredentials>;

/** The fields nodemailer puts on the errors it raises. */
type SmtpError = Error & { code?: string; responseCode?: number; permanent?: boolean };

/**
 * `bodyStarted`: the server had answered DATA and the body was being written. A connection lost after that may
 * have delivered the message, so it is never sent again blindly.
 */
export function smtpProviderError(error: unknown, bodyStarted: boolean): ProviderError {
  const { code, responseCode, permanent, message } = error instanceof Error ? (error as SmtpError) : { message: String(error) };
  if (code === 'EAUTH' || code === 'ENOAUTH') {
    return new ProviderError('auth', `SMTP server refused the credentials: ${message}`, {
      code: responseCode ? String(responseCode) : code,
      cause: error,
    });
  }
  if (responseCode) {
    const kind = (permanent ?? (responseCode >= 500 && responseCode !== 503)) ? 'permanent' : 'retryable';
    return new ProviderError(kind, `SMTP server answered ${responseCode}`, { code: String(responseCode), cause: error });
  }
  if (bodyStarted) return new ProviderError('unknown', `SMTP connection lost after DATA: ${message}`, { code: code ?? null, cause: error });
  if (code === 'EENVELOPE' || code === 'EMESSAGE') return new ProviderError('permanent', message, { code, cause: error });
  return new ProviderError('retryable', `SMTP server not reachable: ${message}`, { code: code ?? null, cause: error });
}

const domainOf = (from: string) => /@([^\s>@]+)>?\s*$/.exec(from)?.[1] ?? 'groundswell.invalid';

export function createSmtpAdapter(options: { credentials: SmtpCredentials }, context: AdapterContext): EmailAdapter {
  const { credentials } = options;
  const transport = nodemailer.createTransport({
    pool: true,
    host: credentials.host,
    port: credentials.port,
    secure: credentials.secure,
    auth: credentials.user ? { user: credentials.user, pass: credentials.pass ?? '' } : undefined,
    maxConnections: 3,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 60_000,
  });

  // The message body stream of each send in progress, by Message-ID. nodemailer reads it only once the server has
  // answered DATA, so whether it was read tells a failure before DATA from one after.
  const bodies = new Map<string, Readable>();
  transport.use('stream', (mail, done) => {
    const messageId = mail.data.messageId;
    if (messageId) {
      mail.message.processFunc((input) => {
        bodies.set(messageId, input);
        return input;
      });
    }
    done();
  });

  return {
    provider: 'smtp',
    async send(message: OutboundEmail) {
      const messageId = `<${randomUUID()}@${domainOf(message.from)}>`;
      const headers: Record<string, string> = message.unsubscribeUrl
        ? { 'List-Unsubscribe': `<${message.unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' }
        : {};
      try {
        const info = await transport.sendMail({
          messageId,
          from: message.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          headers,
          signal: message.signal,
        });
        return { providerId: info.messageId || messageId };
      } catch (error) {
        const failure = smtpProviderError(error, bodies.get(messageId)?.readableDidRead === true);
        context.logger.warn({ accountId: context.accountId, kind: failure.kind, code: failure.code }, 'smtp: send failed');
        throw failure;
      } finally {
        bodies.delete(messageId);
      }
    },
    async close() {
      transport.close();
    },
  };
}
