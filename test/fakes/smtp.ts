import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerError } from 'smtp-server';

// A localhost SMTP server for tests: optional authentication, records what it receives, and refuses recipients,
// refuses credentials, answers slowly or drops the connection after the body on request.

export type FakeSmtpOptions = {
  /** Require these credentials; without them the server takes mail from anyone. */
  auth?: { user: string; pass: string };
};

export type ReceivedMail = {
  from: string;
  to: string[];
  /** The user the session authenticated as, or null. */
  user: string | null;
  raw: string;
  /** Top-level headers, names lower-cased, folded lines joined. */
  headers: Record<string, string>;
  body: string;
};

export type FakeSmtp = {
  readonly host: string;
  readonly port: number;
  readonly messages: ReceivedMail[];
  readonly stats: { connections: number; authFailures: number };
  /** Refuse this recipient at RCPT TO with the code (550 by default). */
  rejectRecipient(address: string, code?: number): void;
  /** Refuse every login. */
  failAuth(fail: boolean): void;
  /** Wait this long before answering the end of DATA. */
  setDelay(ms: number): void;
  /** Record the next message, then drop the connection instead of answering it. */
  dropAfterNextData(): void;
  close(): Promise<void>;
};

function parseMessage(raw: string): { headers: Record<string, string>; body: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = split === -1 ? raw : raw.slice(0, split);
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body: split === -1 ? '' : raw.slice(split + 4) };
}

const smtpError = (message: string, responseCode: number): SMTPServerError => Object.assign(new Error(message), { responseCode });

export async function startFakeSmtp(options: FakeSmtpOptions = {}): Promise<FakeSmtp> {
  const messages: ReceivedMail[] = [];
  const stats = { connections: 0, authFailures: 0 };
  const rejected = new Map<string, number>();
  let authFails = false;
  let delayMs = 0;
  let dropNext = false;
  const users = new Map<string, string>();

  const server: SMTPServer = new SMTPServer({
    logger: false,
    disabledCommands: options.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !options.auth,
    allowInsecureAuth: true,
    closeTimeout: 100,
    onConnect(_session, callback) {
      stats.connections += 1;
      callback();
    },
    onAuth(auth, session, callback) {
      if (authFails || auth.username !== options.auth?.user || auth.password !== options.auth?.pass) {
        stats.authFailures += 1;
        callback(smtpError('Invalid username or password', 535));
        return;
      }
      users.set(session.id, auth.username ?? '');
      callback(null, { user: auth.username });
    },
    onRcptTo(address, _session, callback) {
      const code = rejected.get(address.address.toLowerCase());
      callback(code ? smtpError(code >= 500 ? 'Mailbox unavailable' : 'Try again later', code) : null);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const mailFrom = session.envelope.mailFrom;
        messages.push({
          from: mailFrom ? mailFrom.address : '',
          to: session.envelope.rcptTo.map((recipient) => recipient.address),
          user: users.get(session.id) ?? null,
          raw,
          ...parseMessage(raw),
        });
        if (dropNext) {
          dropNext = false;
          for (const connection of server.connections) if (connection.session.id === session.id) connection._socket.destroy();
          return;
        }
        setTimeout(() => callback(), delayMs);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;

  return {
    host: '127.0.0.1',
    port,
    messages,
    stats,
    rejectRecipient: (address, code = 550) => {
      rejected.set(address.toLowerCase(), code);
    },
    failAuth: (fail) => {
      authFails = fail;
    },
    setDelay: (ms) => {
      delayMs = ms;
    },
    dropAfterNextData: () => {
      dropNext = true;
    },
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const connection of server.connections) connection._socket.destroy();
      await closed;
    },
  };
}
