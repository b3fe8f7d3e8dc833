import type { AddressInfo } from 'node:net';
import type { Pdu, Session } from 'smpp';
import smpp from 'smpp';

// A localhost SMSC for tests, built on the smpp package's server: checks credentials, answers submit_sm with message
// ids, sends delivery receipts, pushes texts from phones, and misbehaves on request (latency, refusals, throttling,
// dropped connections).

export type FakeSmscOptions = {
  systemId?: string;
  password?: string;
  /** Delay before a delivery receipt is sent for an accepted submit_sm with registered_delivery. */
  receiptDelayMs?: number;
  /** Also put receipted_message_id and message_state TLVs in receipts (besides the receipt text). */
  receiptTlvs?: boolean;
};

export type FakeSubmit = {
  sequenceNumber: number;
  /** null when the fake refused or dropped it. */
  messageId: string | null;
  commandStatus: number | 'dropped';
  sourceAddr: string;
  sourceAddrTon: number;
  sourceAddrNpi: number;
  destinationAddr: string;
  destAddrTon: number;
  destAddrNpi: number;
  esmClass: number;
  registeredDelivery: number;
  dataCoding: number;
  /** The body decoded by data_coding, from short_message or message_payload. */
  text: string;
  viaPayload: boolean;
  validityPeriod: Date | null;
};

export type FakeReceipt = { stat: string; err: string };

export type FakeSmsc = {
  readonly host: string;
  readonly port: number;
  readonly submits: FakeSubmit[];
  /** deliver_sm_resp the fake received, in order. */
  readonly deliverResponses: { kind: 'receipt' | 'inbound'; commandStatus: number }[];
  readonly stats: {
    bindAttempts: number;
    binds: number;
    enquireLinks: number;
    unbinds: number;
    outstanding: number;
    maxOutstanding: number;
  };
  setLatency(ms: number): void;
  failDestination(destination: string, commandStatus: number): void;
  throttleNext(count: number): void;
  /** Destroys the socket when the next submit_sm arrives, without answering it. */
  dropOnNextSubmit(): void;
  /** Destroys every open connection now. */
  dropConnections(): void;
  setReceipt(destination: string, receipt: FakeReceipt): void;
  /** A text from a phone; resolves with the command_status of the client's deliver_sm_resp. */
  sendInbound(from: string, to: string, text: string): Promise<number>;
  /** An enquire_link from the SMSC; resolves with the command_status of the client's answer. */
  enquireLink(): Promise<number>;
  close(): Promise<void>;
};

const ESME_RINVBNDSTS = 0x04;
const ESME_RINVPASWD = 0x0e;
const ESME_RINVSYSID = 0x0f;
const ESME_RTHROTTLED = 0x58;
const RECEIPT_STATES: Record<string, number> = {
  ENROUTE: 1,
  DELIVRD: 2,
  EXPIRED: 3,
  DELETED: 4,
  UNDELIV: 5,
  ACCEPTD: 6,
  UNKNOWN: 7,
  REJECTD: 8,
};

const text = (pdu: Pdu): string => {
  const decoded = pdu.message_payload ?? pdu.short_message;
  if (!decoded) return '';
  return typeof decoded.message === 'string' ? decoded.message : decoded.message.toString('latin1');
};

const receiptDate = (date: Date) => date.toISOString().replace(/\D/g, '').slice(2, 12);

export async function startFakeSmsc(options: FakeSmscOptions = {}): Promise<FakeSmsc> {
  const systemId = options.systemId ?? 'groundswell';
  const password = options.password ?? 'secret';
  const submits: FakeSubmit[] = [];
  const deliverResponses: FakeSmsc['deliverResponses'] = [];
  const stats = { bindAttempts: 0, binds: 0, enquireLinks: 0, unbinds: 0, outstanding: 0, maxOutstanding: 0 };
  const failures = new Map<string, number>();
  const receipts = new Map<string, FakeReceipt>();
  const boundSessions = new Set<Session>();
  const timers = new Set<NodeJS.Timeout>();
  let latencyMs = 0;
  let throttle = 0;
  let dropNext = false;
  let nextId = 0x1000;

  const later = (ms: number, run: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  };
  const anyBound = (preferred: Session) => (boundSessions.has(preferred) ? preferred : [...boundSessions].at(-1));

  function sendReceipt(session: Session, submit: FakeSubmit) {
    const target = anyBound(session);
    if (!target || !submit.messageId) return;
    const receipt = receipts.get(submit.destinationAddr) ?? { stat: 'DELIVRD', err: '000' };
    const now = receiptDate(new Date());
    const excerpt = submit.text.replace(/[^A-Za-z0-9 ]/g, '').slice(0, 20);
    const body = `id:${submit.messageId} sub:001 dlvrd:${receipt.stat === 'DELIVRD' ? '001' : '000'} submit date:${now} done date:${now} stat:${receipt.stat} err:${receipt.err} text:${excerpt}`;
    target.deliver_sm(
      {
        source_addr_ton: submit.destAddrTon,
        source_addr_npi: submit.destAddrNpi,
        source_addr: submit.destinationAddr,
        dest_addr_ton: submit.sourceAddrTon,
        dest_addr_npi: submit.sourceAddrNpi,
        destination_addr: submit.sourceAddr,
        esm_class: 0x04,
        data_coding: 0,
        short_message: Buffer.from(body, 'ascii'),
        ...(options.receiptTlvs ? { receipted_message_id: submit.messageId, message_state: RECEIPT_STATES[receipt.stat] ?? 7 } : {}),
      },
      (response) => deliverResponses.push({ kind: 'receipt', commandStatus: response.command_status }),
    );
  }

  function onSubmit(session: Session, pdu: Pdu) {
    const submit: FakeSubmit = {
      sequenceNumber: pdu.sequence_number,
      messageId: null,
      commandStatus: 0,
      sourceAddr: pdu.source_addr ?? '',
      sourceAddrTon: pdu.source_addr_ton ?? 0,
      sourceAddrNpi: pdu.source_addr_npi ?? 0,
      destinationAddr: pdu.destination_addr ?? '',
      destAddrTon: pdu.dest_addr_ton ?? 0,
      destAddrNpi: pdu.dest_addr_npi ?? 0,
      esmClass: pdu.esm_class ?? 0,
      registeredDelivery: pdu.registered_delivery ?? 0,
      dataCoding: pdu.data_coding ?? 0,
      text: text(pdu),
      viaPayload: pdu.message_payload !== undefined,
      validityPeriod: pdu.validity_period instanceof Date ? pdu.validity_period : null,
    };
    submits.push(submit);
    if (!boundSessions.has(session)) {
      submit.commandStatus = ESME_RINVBNDSTS;
      session.send(pdu.response({ command_status: ESME_RINVBNDSTS }));
      return;
    }
    if (dropNext) {
      dropNext = false;
      submit.commandStatus = 'dropped';
      session.destroy();
      return;
    }
    stats.outstanding += 1;
    stats.maxOutstanding = Math.max(stats.maxOutstanding, stats.outstanding);
    later(latencyMs, () => {
      stats.outstanding -= 1;
      const status = throttle > 0 ? ESME_RTHROTTLED : (failures.get(submit.destinationAddr) ?? 0);
      if (throttle > 0) throttle -= 1;
      submit.commandStatus = status;
      if (status !== 0) {
        session.send(pdu.response({ command_status: status }));
        return;
      }
      nextId += 1;
      submit.messageId = nextId.toString(16).toUpperCase();
      session.send(pdu.response({ message_id: submit.messageId }));
      if (submit.registeredDelivery & 0x01) later(options.receiptDelayMs ?? 0, () => sendReceipt(session, submit));
    });
  }

  const server = smpp.createServer((session) => {
    session.on('error', () => undefined);
    session.on('close', () => boundSessions.delete(session));
    session.on('bind_transceiver', (pdu: Pdu) => {
      stats.bindAttempts += 1;
      const status = pdu.system_id !== systemId ? ESME_RINVSYSID : pdu.password !== password ? ESME_RINVPASWD : 0;
      session.send(pdu.response(status === 0 ? { system_id: 'fake-smsc' } : { command_status: status }));
      if (status !== 0) {
        session.close();
        return;
      }
      stats.binds += 1;
      boundSessions.add(session);
    });
    session.on('submit_sm', (pdu: Pdu) => onSubmit(session, pdu));
    session.on('enquire_link', (pdu: Pdu) => {
      stats.enquireLinks += 1;
      session.send(pdu.response());
    });
    session.on('unbind', (pdu: Pdu) => {
      stats.unbinds += 1;
      boundSessions.delete(session);
      session.send(pdu.response());
      session.close();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const bound = () => {
    const session = [...boundSessions].at(-1);
    if (!session) throw new Error('fake SMSC: no bound session');
    return session;
  };

  return {
    host: '127.0.0.1',
    port,
    submits,
    deliverResponses,
    stats,
    setLatency: (ms) => {
      latencyMs = ms;
    },
    failDestination: (destination, commandStatus) => {
      failures.set(destination.replace(/^\+/, ''), commandStatus);
    },
    throttleNext: (count) => {
      throttle = count;
    },
    dropOnNextSubmit: () => {
      dropNext = true;
    },
    dropConnections: () => {
      for (const session of [...server.sessions]) session.destroy();
    },
    setReceipt: (destination, receipt) => {
      receipts.set(destination.replace(/^\+/, ''), receipt);
    },
    sendInbound: (from, to, body) =>
      new Promise((resolve) => {
        const digits = (address: string) => address.replace(/^\+/, '');
        const gsmSafe = /^[A-Za-z0-9 .,!?'"():;\n-]*$/.test(body);
        bound().deliver_sm(
          {
            source_addr_ton: 1,
            source_addr_npi: 1,
            source_addr: digits(from),
            dest_addr_ton: to.startsWith('+') ? 1 : 3,
            dest_addr_npi: to.startsWith('+') ? 1 : 0,
            destination_addr: digits(to),
            esm_class: 0,
            data_coding: gsmSafe ? 0 : 8,
            short_message: gsmSafe ? Buffer.from(body, 'ascii') : Buffer.from(body, 'utf16le').swap16(),
          },
          (response) => {
            deliverResponses.push({ kind: 'inbound', commandStatus: response.command_status });
            resolve(response.command_status);
          },
        );
      }),
    enquireLink: () => new Promise((resolve) => bound().enquire_link({}, (response) => resolve(response.command_status))),
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const session of [...server.sessions]) session.destroy();
      await closed;
    },
  };
}
