import { describe, expect, it } from 'vitest';
import type { InboundSms, OutboundSms, StatusUpdate } from './contract.ts';
import { createSimulatorAdapter } from './simulator.ts';

// The simulator plays the members' side: it answers some texts sent to many, never a text inside a conversation (the
// person texting in through Messages → Simulator writes those answers themselves).

function simulator() {
  const inbound: InboundSms[] = [];
  const statuses: StatusUpdate[] = [];
  const adapter = createSimulatorAdapter(
    { settings: { replyRate: 1, optOutRate: 0, failureRate: 0, clickRate: 0, minDelayMs: 0, maxDelayMs: 0 } },
    {
      accountId: 1,
      sink: {
        status: async (_accountId, updates) => {
          statuses.push(...updates);
        },
        inbound: async (_accountId, texts) => {
          inbound.push(...texts);
        },
      },
      logger: { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} },
      now: () => Date.now(),
    },
  );
  return { adapter, inbound, statuses };
}

const text = (messageId: number, bulk: boolean): OutboundSms => ({
  messageId,
  from: '+15125550100',
  senderKind: 'long_code',
  to: `+1512555018${messageId}`,
  body: 'How safe do the streets near you feel? (reply 1-5)',
  mediaUrls: [],
  validUntil: null,
  statusCallbackUrl: 'http://localhost/webhooks/sms/x',
  bulk,
});

const settle = async (until: () => boolean) => {
  for (let i = 0; i < 100 && !until(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
};

describe('simulator replies', () => {
  it('answers texts sent to many, as a member would', async () => {
    const { adapter, inbound } = simulator();
    await adapter.send(text(1, true));
    await settle(() => inbound.length > 0);
    expect(inbound).toHaveLength(1);
    expect(inbound[0]?.from).toBe('+15125550181');
    await adapter.close();
  });

  it('never makes up an answer to a text inside a conversation', async () => {
    const { adapter, inbound, statuses } = simulator();
    await adapter.send(text(2, false));
    await settle(() => statuses.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(statuses.map((s) => s.status)).toEqual(['delivered']);
    expect(inbound).toEqual([]);
    await adapter.close();
  });
});
