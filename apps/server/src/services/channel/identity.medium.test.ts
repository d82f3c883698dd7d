import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sends, until, useGraphEnv } from '../../testing/index.ts';

/**
 * Issue 14, identity: customers who hide their number arrive with a business-scoped user id (BSUID)
 * and no wa_id (https://developers.facebook.com/documentation/business-messaging/whatsapp/business-scoped-user-ids/);
 * a reply to them is addressed by `recipient`; a `system` user_changed_number
 * (webhooks/reference/messages/system/) keeps the customer. The simulator sends Meta's shapes.
 */

const MARIA = { userId: 'US.13491208655302741918', username: 'maria.lopez', name: 'María López' };
const JOAO = { userId: 'BR.1502576394655843', username: 'joao.pereira', name: 'João Pereira' };

const e = useGraphEnv();

/** Every live conversation's details, as the database joins them with their customer. */
async function liveDetails() {
  return e().server.parlo.store.transaction(async (tx) => {
    const ids = Object.keys((await tx.routing.read()).conversations);
    return tx.getConversationDetails(ids);
  });
}

describe('[issue-14] customers keyed by business-scoped user id', () => {
  it('two customers without a phone number stay two customers with two conversations', async () => {
    e().sim.sendFromCustomer(MARIA.userId, { text: 'Hola, una pregunta' });
    e().sim.sendFromCustomer(JOAO.userId, { text: 'Olá, tenho uma dúvida' });
    await e().sim.idle();
    const details = await liveDetails();
    const maria = details.filter((d) => d.customerUserId === MARIA.userId);
    const joao = details.filter((d) => d.customerUserId === JOAO.userId);
    expect(maria).toHaveLength(1);
    expect(joao).toHaveLength(1);
    expect(maria[0]?.customerId).not.toBe(joao[0]?.customerId);
    expect(maria[0]).toMatchObject({
      customerWaId: MARIA.userId,
      customerUsername: MARIA.username,
      customerName: MARIA.name,
    });
    expect(joao[0]).toMatchObject({ customerUsername: JOAO.username, customerName: JOAO.name });
    // Nobody was keyed by an empty number.
    expect(details.filter((d) => d.customerWaId === '')).toEqual([]);
  });

  it("a reply to a customer without a number reaches the simulator addressed by `recipient`, in that customer's chat", async () => {
    expect(
      (await e().marco('/api/agent/state', { method: 'POST', body: { kind: 'available' } })).status,
    ).toBe(200);
    const conversation = (await liveDetails()).find((d) => d.customerUserId === MARIA.userId);
    const offerId = await until(
      () =>
        e().server.parlo.store.transaction(
          async (tx) =>
            Object.values((await tx.routing.read()).offers).find(
              (o) =>
                o.agentId === 'usr_marco' &&
                o.status.kind === 'pending' &&
                o.conversationId === conversation?.id,
            )?.id,
        ),
      'an offer of María to marco',
    );
    // Marco may have been offered João's first: accept María's, whichever came first.
    expect((await e().marco(`/api/offers/${offerId}/accept`, { method: 'POST', body: {} })).status).toBe(200);
    const res = await e().marco(`/api/conversations/${conversation?.id ?? ''}/messages`, {
      method: 'POST',
      body: { text: '¡Hola María! ¿En qué puedo ayudarte?', clientMessageId: `cm-${randomUUID()}` },
    });
    expect(res.status).toBe(200);
    e().server.parlo.outbox.kick();
    const sent = await until(
      () => Promise.resolve(sends(e()).find((c) => c.status === 200)),
      'the send to María',
    );
    expect(sent.body).toMatchObject({ recipient: MARIA.userId, type: 'text' });
    expect(sent.body?.to).toBeUndefined();
    const thread = await until(
      () =>
        Promise.resolve(
          e()
            .sim.thread(MARIA.userId)
            .find((m) => m.direction === 'out'),
        ),
      "the reply in María's chat",
    );
    expect(thread.text).toContain('Hola María');
  });

  it('a customer who changes number stays one customer, under the new number', async () => {
    const phone = '393331234567';
    const newPhone = '393339876543';
    e().sim.addCustomer({ waId: phone, name: 'Giulia Verdi' });
    e().sim.sendFromCustomer(phone, { text: 'Buongiorno' });
    await e().sim.idle();
    const before = (await liveDetails()).find((d) => d.customerWaId === phone);
    expect(before).toBeDefined();
    e().sim.changeNumber(phone, newPhone);
    await e().sim.idle();
    e().sim.sendFromCustomer(newPhone, { text: 'Ho cambiato numero' });
    await e().sim.idle();
    const after = (await liveDetails()).filter((d) => d.customerName === 'Giulia Verdi');
    // One customer, one conversation, now under the new number.
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({
      id: before?.id,
      customerId: before?.customerId,
      customerWaId: newPhone,
    });
    // It holds the note of the change and the message from the new number.
    const texts = await e().server.parlo.store.transaction(async (tx) =>
      (await tx.listMessages(before?.id ?? '')).map((m) => m.text),
    );
    expect(texts[0]).toBe('Buongiorno');
    expect(texts.some((t) => t.includes(newPhone) || /changed/i.test(t))).toBe(true);
    expect(texts.at(-1)).toBe('Ho cambiato numero');
  });
});
