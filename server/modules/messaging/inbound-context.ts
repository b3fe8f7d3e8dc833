import type { ConsentState } from '../../db/schema.ts';
import type { Executor } from '../members/members.repo.ts';
import type { ComplianceTexts } from './compliance-texts.ts';

/** What a step of the inbound pipeline (inbound.job.ts) knows about the text it is given, inside its transaction. */
export type InboundContext = {
  trx: Executor;
  appSecret: string;
  workspaceId: number;
  memberId: number;
  /** The member's number (E.164), the text came from it. */
  phone: string;
  message: { id: number; body: string; senderId: number | null; receivedAt: number };
  member: { language: string; smsConsent: ConsentState };
  workspace: { name: string; timezone: string };
  /** PUBLIC_URL: links to our own pages (an action's page answering its keyword) are built on it. */
  publicUrl: string;
  /** HELP / opt-out / opt-in wording and the first-message footer, in the member's language. */
  texts: ComplianceTexts;
  now: number;
  /** Queues an automatic answer from the number the member texted, at reply priority. Returns the message id. */
  reply: (body: string) => Promise<number | null>;
};

/** What happened to an inbound text; stored nowhere, returned for tests and logs. */
export type InboundOutcome =
  | 'opted_out'
  | 'opted_in'
  | 'help'
  | 'joined'
  | 'keyword'
  | 'confirmation_sent'
  | 'survey_answer'
  | 'workflow_keyword'
  | 'workflow_reply'
  | 'inbox'
  | 'flagged'
  | 'ignored';

/** A step that may take the text: returns its outcome, or null to let the next step have it. */
export type InboundStep = (ctx: InboundContext) => Promise<InboundOutcome | null>;
