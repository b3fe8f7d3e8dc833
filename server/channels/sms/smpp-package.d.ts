// Type declarations for the untyped `smpp` package (v0.5), limited to what the SMPP adapter and its fake SMSC use.

declare module 'smpp' {
  import type { EventEmitter } from 'node:events';
  import type { Server as NetServer, Socket } from 'node:net';

  /** A short_message or message_payload after the package decoded it by data_coding. */
  export type DecodedMessage = { message: string | Buffer; udh?: Buffer[] };

  export type PduValue = string | number | Buffer | Date | null | undefined;
  export type PduOptions = Record<string, PduValue>;

  export type Pdu = {
    command: string;
    command_id: number;
    command_status: number;
    sequence_number: number;
    system_id?: string;
    password?: string;
    system_type?: string;
    message_id?: string;
    source_addr_ton?: number;
    source_addr_npi?: number;
    source_addr?: string;
    dest_addr_ton?: number;
    dest_addr_npi?: number;
    destination_addr?: string;
    esm_class?: number;
    registered_delivery?: number;
    data_coding?: number;
    /** Decoded into a Date for absolute and relative times; '' when absent. */
    validity_period?: Date | string;
    short_message?: DecodedMessage;
    message_payload?: DecodedMessage;
    receipted_message_id?: string;
    message_state?: number;
    isResponse(): boolean;
    response(options?: PduOptions): Pdu;
  };

  export type ResponseCallback = (pdu: Pdu) => void;

  export type Session = EventEmitter & {
    socket: Socket;
    /** False (and nothing written) when the socket is no longer writable. */
    send(pdu: Pdu, responseCallback?: ResponseCallback): boolean;
    bind_transceiver(options: PduOptions, responseCallback?: ResponseCallback): boolean;
    submit_sm(options: PduOptions, responseCallback?: ResponseCallback): boolean;
    deliver_sm(options: PduOptions, responseCallback?: ResponseCallback): boolean;
    enquire_link(options: PduOptions, responseCallback?: ResponseCallback): boolean;
    unbind(options: PduOptions, responseCallback?: ResponseCallback): boolean;
    /** Ends the socket; the callback runs on 'close'. */
    close(callback?: () => void): void;
    destroy(callback?: () => void): void;
  };

  export type Server = NetServer & { sessions: Session[] };

  type Smpp = {
    connect(options: { host: string; port: number }): Session;
    createServer(listener: (session: Session) => void): Server;
  };

  const smpp: Smpp;
  export default smpp;
}
