import { createHash } from 'node:crypto';
import type { Pdu, PduOptions, Session } from 'smpp';
import smpp from 'smpp';
import { z } from 'zod';
import { loggable } from '../../lib/logger.ts';
import {
  type AdapterContext,
  type InboundSms,
  type OutboundSms,
  ProviderError,
  type SendResult,
  type SmsAdapter,
  type StatusUpdate,
} from './contract.ts';

// A direct SMPP 3.4 bind (transceiver) to a carrier or aggregator. Delivery receipts and inbound texts arrive over the
// same connection and are handed to context.sink before they are acknowledged, so the SMSC redelivers anything we
// did not record.
//
// Long messages go out as ONE submit_sm carrying the whole body in the message_payload TLV (the SMSC splits it),
// rather than as UDH-concatenated parts: one submit_sm means one message_id, one providerId and one delivery receipt
// per message, which is what the dispatcher tracks.

const printable = /^[\x20-\x7e]*$/;

// SMPP 3.4 §5.2: system_id is a C-Octet String of at most 16 octets with its NUL (15 characters), password 9 (8),
// system_type 13 (12). Printable ASCII only, so characters are octets.
export const smppCredentials = z.object({
  host: z.string().min(1),
  port: z.coerce.number().int().min(1).max(65535),
  systemId: z.string().min(1).max(15).regex(printable),
  password: z.string().min(1).max(8).regex(printable),
  systemType: z.string().max(12).regex(printable).optional(),
});
export type SmppCredentials = z.infer<typeof smppCredentials>;

export const smppSettings = z.object({
  /** submit_sm sent and not yet answered, at most. */
  windowSize: z.coerce.number().int().min(1).max(1000).default(10),
  enquireLinkMs: z.coerce.number().int().min(100).default(30_000),
  /** How long to wait for a bind, a submit_sm_resp or an enquire_link_resp. */
  responseTimeoutMs: z.coerce.number().int().min(100).default(10_000),
  /** First reconnect delay, doubled after each failed attempt up to reconnectMaxMs. */
  reconnectMs: z.coerce.number().int().min(10).default(1_000),
  reconnectMaxMs: z.coerce.number().int().min(10).default(30_000),
});

const ESME = {
  RINVBNDSTS: 0x04,
  RSYSERR: 0x08,
  RBINDFAIL: 0x0d,
  RINVPASWD: 0x0e,
  RINVSYSID: 0x0f,
  RMSGQFUL: 0x14,
  RINVSYSTYP: 0x53,
  RTHROTTLED: 0x58,
  RX_T_APPN: 0x64,
} as const;
/** Refusals a person has to fix (credentials, system type). */
const AUTH_STATUSES = new Set<number>([ESME.RINVPASWD, ESME.RINVSYSID, ESME.RINVSYSTYP]);
/** The SMSC could not take the message right now: the same message can be sent again. */
const RETRYABLE_STATUSES = new Set<number>([ESME.RINVBNDSTS, ESME.RSYSERR, ESME.RBINDFAIL, ESME.RMSGQFUL, ESME.RX_T_APPN]);
const THROTTLE_BACKOFF_MS = 1_000;

export const commandStatusCode = (status: number) => `0x${status.toString(16).toUpperCase().padStart(8, '0')}`;

function bindError(status: number): ProviderError {
  const code = commandStatusCode(status);
  if (AUTH_STATUSES.has(status)) return new ProviderError('auth', `SMSC refused the bind (${code})`, { code });
  return new ProviderError('retryable', `SMSC refused the bind (${code})`, { code });
}

function submitError(status: number): ProviderError {
  const code = commandStatusCode(status);
  if (status === ESME.RTHROTTLED) {
    return new ProviderError('rate_limited', `SMSC throttled the message (${code})`, { code, retryAfterMs: THROTTLE_BACKOFF_MS });
  }
  if (RETRYABLE_STATUSES.has(status)) return new ProviderError('retryable', `SMSC could not take the message now (${code})`, { code });
  if (AUTH_STATUSES.has(status)) return new ProviderError('auth', `SMSC refused the credentials (${code})`, { code });
  return new ProviderError('permanent', `SMSC refused the message (${code})`, { code });
}

// ── Encoding ────────────────────────────────────────────────────────────────

// GSM 03.38 default alphabet, sent unpacked (one septet per octet) as data_coding 0, the SMSC default alphabet.
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_CODES = new Map([...GSM_BASIC].map((char, index) => [char, index]));
GSM_CODES.delete('\x1b');
const GSM_EXTENSION = new Map([
  ['\f', 0x0a],
  ['^', 0x14],
  ['{', 0x28],
  ['}', 0x29],
  ['\\', 0x2f],
  ['[', 0x3c],
  ['~', 0x3d],
  [']', 0x3e],
  ['|', 0x40],
  ['€', 0x65],
]);
/** One SMS: 160 GSM septets or 140 octets of UCS-2; longer bodies go in message_payload. */
const SINGLE_SMS_OCTETS = { 0: 160, 8: 140 } as const;

function encodeGsm(text: string): Buffer | null {
  const octets: number[] = [];
  for (const char of text) {
    const basic = GSM_CODES.get(char);
    if (basic !== undefined) {
      octets.push(basic);
      continue;
    }
    const extended = GSM_EXTENSION.get(char);
    if (extended === undefined) return null;
    octets.push(0x1b, extended);
  }
  return Buffer.from(octets);
}

export function encodeBody(text: string): { dataCoding: 0 | 8; octets: Buffer } {
  const gsm = encodeGsm(text);
  if (gsm) return { dataCoding: 0, octets: gsm };
  return { dataCoding: 8, octets: Buffer.from(text, 'utf16le').swap16() };
}

/** SMPP absolute time "YYMMDDhhmmsstnnp" in UTC. */
export function smppAbsoluteTime(ms: number): string {
  const date = new Date(ms);
  const two = (value: number) => String(value).padStart(2, '0');
  const tenths = Math.floor(date.getUTCMilliseconds() / 100);
  return `${two(date.getUTCFullYear() % 100)}${two(date.getUTCMonth() + 1)}${two(date.getUTCDate())}${two(date.getUTCHours())}${two(date.getUTCMinutes())}${two(date.getUTCSeconds())}${tenths}00+`;
}

function sourceAddress(message: OutboundSms): { ton: number; npi: number; addr: string } {
  if (message.senderKind === 'alphanumeric') return { ton: 5, npi: 0, addr: message.from };
  if (message.senderKind === 'short_code') return { ton: 3, npi: 0, addr: message.from };
  if (/^\+?\d+$/.test(message.from)) return { ton: 1, npi: 1, addr: message.from.replace(/^\+/, '') };
  return { ton: 5, npi: 0, addr: message.from };
}

function submitOptions(message: OutboundSms): PduOptions {
  if (message.mediaUrls.length > 0) throw new ProviderError('permanent', 'SMPP cannot send media', { code: 'media_unsupported' });
  const destination = message.to.replace(/^\+/, '');
  if (!/^\d{1,20}$/.test(destination))
    throw new ProviderError('permanent', 'destination is not an E.164 number', { code: 'invalid_destination' });
  const source = sourceAddress(message);
  const { dataCoding, octets } = encodeBody(message.body);
  const single = octets.length <= SINGLE_SMS_OCTETS[dataCoding];
  return {
    source_addr_ton: source.ton,
    source_addr_npi: source.npi,
    source_addr: source.addr,
    dest_addr_ton: 1,
    dest_addr_npi: 1,
    destination_addr: destination,
    esm_class: 0,
    registered_delivery: 1,
    data_coding: dataCoding,
    validity_period: message.validUntil === null ? '' : smppAbsoluteTime(message.validUntil),
    short_message: single ? octets : Buffer.alloc(0),
    ...(single ? {} : { message_payload: octets }),
  };
}

// ── Delivery receipts and inbound texts ─────────────────────────────────────

/** message_state TLV values (SMPP 3.4 §5.2.28, 5.0 adds 0 and 9) as the receipt text spells them. */
const MESSAGE_STATES = ['SCHEDULED', 'ENROUTE', 'DELIVRD', 'EXPIRED', 'DELETED', 'UNDELIV', 'ACCEPTD', 'UNKNOWN', 'REJECTD', 'SKIPPED'];
const RECEIPT_STATUS: Record<string, StatusUpdate['status']> = {
  DELIVRD: 'delivered',
  ACCEPTD: 'sent',
  ENROUTE: 'sent',
  SCHEDULED: 'sent',
  UNDELIV: 'failed',
  EXPIRED: 'failed',
  REJECTD: 'failed',
  DELETED: 'failed',
  UNKNOWN: 'failed',
  SKIPPED: 'failed',
};
/** esm_class bits 2–5 say what kind of deliver_sm this is; 0 is a text from a phone. */
const ESM_MESSAGE_TYPE = 0x3c;

function textOf(pdu: Pdu): string {
  const decoded = pdu.message_payload ?? pdu.short_message;
  if (!decoded) return '';
  return typeof decoded.message === 'string' ? decoded.message : decoded.message.toString('latin1');
}

function receiptField(text: string, name: string): string | null {
  return new RegExp(`(?:^|\\s)${name}:(\\S+)`, 'i').exec(text)?.[1] ?? null;
}

export function parseReceipt(pdu: Pdu, occurredAt: number): StatusUpdate | null {
  const text = textOf(pdu);
  const providerId = pdu.receipted_message_id || receiptField(text, 'id');
  const stateWord = pdu.message_state === undefined ? undefined : MESSAGE_STATES[pdu.message_state];
  const providerStatus = (stateWord ?? receiptField(text, 'stat') ?? '').toUpperCase();
  const status = RECEIPT_STATUS[providerStatus];
  if (!providerId || !status) return null;
  const err = receiptField(text, 'err');
  const errorCode = status !== 'delivered' && err && !/^0+$/.test(err) ? err : null;
  return { providerId, messageId: null, status, providerStatus, errorCode, optedOut: false, occurredAt };
}

const international = (address: string, ton: number | undefined) => (ton === 1 && /^\d+$/.test(address) ? `+${address}` : address);

/**
 * deliver_sm carries no id of its own, so the inbound id is a hash of what the SMSC sent: addresses, sequence_number,
 * data_coding and the text. A redelivery of the same PDU (same sequence number) maps to the same id; an SMSC that
 * renumbers a redelivery produces a new id, so the inbound path must tolerate that rare duplicate.
 */
export function inboundOf(pdu: Pdu, receivedAt: number): InboundSms {
  const source = pdu.source_addr ?? '';
  const destination = pdu.destination_addr ?? '';
  const body = textOf(pdu);
  const hash = createHash('sha256')
    .update([source, destination, pdu.sequence_number, pdu.data_coding ?? 0, pdu.receipted_message_id ?? '', body].join('\u0000'))
    .digest('hex');
  return {
    providerId: `smpp-mo-${hash.slice(0, 32)}`,
    from: /^\d+$/.test(source) ? `+${source}` : source,
    to: international(destination, pdu.dest_addr_ton),
    body,
    mediaUrls: [],
    receivedAt,
  };
}

// ── The adapter ─────────────────────────────────────────────────────────────

type Waiter = { resolve: () => void; reject: (error: ProviderError) => void };

/** Waits in `waiters` until resolved, rejected, timed out or aborted; the caller wakes it. */
function waitIn(
  waiters: Set<Waiter>,
  options: { signal?: AbortSignal; timeoutMs?: number; onTimeout?: () => ProviderError },
): Promise<void> {
  const { promise, resolve, reject } = Promise.withResolvers<void>();
  const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => settle(options.onTimeout?.()), options.timeoutMs);
  const onAbort = () => settle(new ProviderError('retryable', 'send aborted before it was submitted'));
  const waiter: Waiter = { resolve: () => settle(), reject: (error) => settle(error) };
  function settle(error?: ProviderError) {
    if (!waiters.delete(waiter)) return;
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    if (error) reject(error);
    else resolve();
  }
  waiters.add(waiter);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  return promise;
}

type InFlight = { session: Session; fail: (error: ProviderError) => void; done: Promise<unknown> };

export function createSmppAdapter(
  options: { credentials: SmppCredentials; settings: Record<string, unknown> },
  context: AdapterContext,
): SmsAdapter {
  const { credentials } = options;
  const settings = smppSettings.parse(options.settings);
  const log = context.logger;
  const where = { host: credentials.host, port: credentials.port, accountId: context.accountId };

  let session: Session | null = null;
  let bound = false;
  let closed = false;
  /** Why the last bind was refused, until a bind succeeds. */
  let bindFailure: ProviderError | null = null;
  let reconnectDelay = settings.reconnectMs;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let bindTimer: NodeJS.Timeout | undefined;
  let enquireTimer: NodeJS.Timeout | undefined;
  const bindWaiters = new Set<Waiter>();
  const windowWaiters = new Set<Waiter>();
  let outstanding = 0;
  const inFlight = new Set<InFlight>();

  const wakeAll = (waiters: Set<Waiter>, error?: ProviderError) => {
    for (const waiter of [...waiters]) error ? waiter.reject(error) : waiter.resolve();
  };

  function connect() {
    reconnectTimer = undefined;
    if (closed) return;
    const current = smpp.connect({ host: credentials.host, port: credentials.port });
    session = current;
    // Covers the TCP connect and the bind: a host that never answers is retried like a refused one.
    bindTimer = setTimeout(() => {
      log.warn(where, 'smpp: no bind within the response timeout');
      current.destroy();
    }, settings.responseTimeoutMs);
    current.on('connect', () => {
      current.bind_transceiver(
        {
          system_id: credentials.systemId,
          password: credentials.password,
          system_type: credentials.systemType ?? '',
          interface_version: 0x34,
        },
        (pdu) => onBindResponse(current, pdu),
      );
    });
    // A socket error is followed by 'close'; a PDU the package cannot parse leaves the session stuck, so drop it.
    current.on('error', (error: Error) => {
      log.warn({ ...where, err: error.message }, 'smpp: connection error');
      current.destroy();
    });
    current.on('close', () => onClose(current));
    current.on('enquire_link', (pdu: Pdu) => current.send(pdu.response()));
    current.on('unbind', (pdu: Pdu) => {
      log.info(where, 'smpp: SMSC unbound');
      current.send(pdu.response());
      current.close();
    });
    current.on('deliver_sm', (pdu: Pdu) => void onDeliver(current, pdu));
    current.on('pdu', (pdu: Pdu) => {
      if (pdu.command === 'unknown' || pdu.command === 'data_sm') current.send(pdu.response({ command_status: 0x03 }));
    });
  }

  function onBindResponse(current: Session, pdu: Pdu) {
    if (current !== session) return;
    clearTimeout(bindTimer);
    if (pdu.command_status !== 0) {
      bindFailure = bindError(pdu.command_status);
      log.warn({ ...where, code: bindFailure.code }, 'smpp: bind refused');
      wakeAll(bindWaiters, bindFailure);
      current.destroy();
      return;
    }
    bound = true;
    bindFailure = null;
    reconnectDelay = settings.reconnectMs;
    log.info(where, 'smpp: bound as transceiver');
    enquireTimer = setInterval(() => enquireLink(current), settings.enquireLinkMs);
    enquireTimer.unref();
    wakeAll(bindWaiters);
  }

  function enquireLink(current: Session) {
    const timer = setTimeout(() => {
      log.warn(where, 'smpp: no enquire_link_resp; reconnecting');
      current.destroy();
    }, settings.responseTimeoutMs);
    if (!current.enquire_link({}, () => clearTimeout(timer))) clearTimeout(timer);
  }

  function onClose(current: Session) {
    if (current !== session) return;
    session = null;
    bound = false;
    clearTimeout(bindTimer);
    clearInterval(enquireTimer);
    for (const entry of inFlight) {
      if (entry.session === current)
        entry.fail(new ProviderError('unknown', 'SMPP connection lost before the SMSC answered the submit_sm'));
    }
    if (closed) return;
    log.warn({ ...where, retryInMs: reconnectDelay }, 'smpp: connection closed; reconnecting');
    reconnectTimer = setTimeout(connect, reconnectDelay);
    reconnectTimer.unref();
    reconnectDelay = Math.min(reconnectDelay * 2, settings.reconnectMaxMs);
  }

  async function onDeliver(current: Session, pdu: Pdu) {
    let commandStatus = 0;
    try {
      if ((pdu.esm_class ?? 0) & ESM_MESSAGE_TYPE) {
        const update = parseReceipt(pdu, context.now());
        if (update) await context.sink.status(context.accountId, [update]);
        else log.warn({ ...where, esmClass: pdu.esm_class }, 'smpp: deliver_sm receipt without an id or a known status; acknowledged');
      } else {
        await context.sink.inbound(context.accountId, [inboundOf(pdu, context.now())]);
      }
    } catch (error) {
      // A temporary error makes the SMSC deliver the PDU again later.
      log.error({ ...where, err: loggable(error) }, 'smpp: could not record a deliver_sm; asking the SMSC to redeliver');
      commandStatus = ESME.RX_T_APPN;
    }
    current.send(pdu.response(commandStatus === 0 ? {} : { command_status: commandStatus }));
  }

  async function waitForBind(signal: AbortSignal | undefined): Promise<void> {
    if (closed) throw new ProviderError('retryable', 'SMPP adapter is closed');
    if (bound) return;
    if (bindFailure?.kind === 'auth') throw bindFailure;
    await waitIn(bindWaiters, {
      signal,
      timeoutMs: settings.responseTimeoutMs,
      onTimeout: () => new ProviderError('retryable', 'not bound to the SMSC', { code: bindFailure?.code ?? null }),
    });
  }

  async function acquireWindow(signal: AbortSignal | undefined): Promise<void> {
    while (outstanding >= settings.windowSize) await waitIn(windowWaiters, { signal });
    outstanding += 1;
  }

  function releaseWindow() {
    outstanding -= 1;
    const [next] = windowWaiters;
    next?.resolve();
  }

  function submit(current: Session, pduOptions: PduOptions, signal: AbortSignal | undefined): Promise<SendResult> {
    const { promise, resolve, reject } = Promise.withResolvers<SendResult>();
    let settled = false;
    const entry: InFlight = { session: current, fail: (error) => settle(error), done: promise.catch(() => undefined) };
    const onAbort = () => settle(new ProviderError('unknown', 'send aborted after the submit_sm was written'));
    const timer = setTimeout(
      () => settle(new ProviderError('unknown', 'no submit_sm_resp within the response timeout')),
      settings.responseTimeoutMs,
    );
    function settle(result: SendResult | ProviderError) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      inFlight.delete(entry);
      signal?.removeEventListener('abort', onAbort);
      if (result instanceof ProviderError) reject(result);
      else resolve(result);
    }
    const written = current.submit_sm(pduOptions, (response) => {
      if (response.command_status !== 0) settle(submitError(response.command_status));
      else if (response.message_id) settle({ providerId: response.message_id });
      else settle(new ProviderError('unknown', 'SMSC accepted the message without a message_id'));
    });
    if (!written) {
      settle(new ProviderError('retryable', 'SMPP connection is not writable'));
      return promise;
    }
    inFlight.add(entry);
    signal?.addEventListener('abort', onAbort, { once: true });
    return promise;
  }

  connect();

  return {
    provider: 'smpp',
    async send(message) {
      if (closed) throw new ProviderError('retryable', 'SMPP adapter is closed');
      if (message.signal?.aborted) throw new ProviderError('retryable', 'send aborted before it was submitted');
      const pduOptions = submitOptions(message);
      let current: Session | null = null;
      while (!current) {
        await waitForBind(message.signal);
        await acquireWindow(message.signal);
        current = bound ? session : null;
        // The bind was lost while this send waited for a window slot.
        if (!current) releaseWindow();
      }
      try {
        return await submit(current, pduOptions, message.signal);
      } finally {
        releaseWindow();
      }
    },
    verifyWebhook: () => false,
    parseStatus: () => [],
    parseInbound: () => [],
    async close() {
      if (closed) return;
      closed = true;
      clearTimeout(reconnectTimer);
      const closing = new ProviderError('retryable', 'SMPP adapter is closed');
      wakeAll(bindWaiters, closing);
      wakeAll(windowWaiters, closing);
      // Submissions already written get their answers (or time out) before the unbind.
      await Promise.all([...inFlight].map((entry) => entry.done));
      const current = session;
      if (!current) return;
      const wasBound = bound;
      clearInterval(enquireTimer);
      const { promise, resolve } = Promise.withResolvers<void>();
      const timer = setTimeout(() => current.destroy(), settings.responseTimeoutMs);
      current.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      if (!wasBound || !current.unbind({}, () => current.close())) current.destroy();
      await promise;
      log.info(where, 'smpp: unbound');
    },
  };
}
