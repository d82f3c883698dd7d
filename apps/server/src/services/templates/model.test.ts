import { MAX_TEMPLATE_BODY_LENGTH, renderTemplateText, templateParameterIssues } from '@parlo/protocol';
import type { MessageTemplate } from '@parlo/whatsapp';
import { describe, expect, it } from 'vitest';
import { fillTemplate, isSendable, templateRow, templateView } from './model.ts';

const orderUpdate: MessageTemplate = {
  name: 'order_update',
  language: 'en',
  status: 'APPROVED',
  category: 'UTILITY',
  components: [
    { type: 'HEADER', format: 'TEXT', text: 'Order {{1}}' },
    { type: 'BODY', text: 'Hi {{1}}, your order {{2}} is {{3}}. Thanks, {{1}}!' },
    { type: 'FOOTER', text: 'Acme Support' },
    { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Talk to us' }] },
  ],
};

function view(template: MessageTemplate = orderUpdate) {
  const v = templateView(templateRow('bn1', template, 0));
  if (!v) throw new Error('unreadable');
  return v;
}

const values = { 'header:1': 'A-17', 'body:1': 'Ann', 'body:2': 'A-17', 'body:3': 'shipped' };

describe('template model', () => {
  it('[issue 4] one parameter per distinct {{n}} of the header and the body, in order', () => {
    const v = view();
    expect(v.parameters.map((p) => p.id)).toEqual(['header:1', 'body:1', 'body:2', 'body:3']);
    expect(v).toMatchObject({ header: 'Order {{1}}', footer: 'Acme Support', buttons: ['Talk to us'] });
  });

  it('[issue 4] max lengths: what the fixed text leaves of WhatsApp limits (header 60, body 1024)', () => {
    const v = view();
    expect(v.parameters[0]).toMatchObject({ maxLength: 60 - 'Order '.length });
    const fixedBody = 'Hi , your order  is . Thanks, !'.length;
    expect(v.parameters[1]).toMatchObject({ maxLength: MAX_TEMPLATE_BODY_LENGTH - fixedBody });
  });

  it('[issue 4] renders what the customer reads: every placeholder filled, footer kept', () => {
    expect(renderTemplateText(view(), values)).toBe(
      'Order A-17\nHi Ann, your order A-17 is shipped. Thanks, Ann!\nAcme Support',
    );
  });

  it('[issue 4] fills the send components: header then body parameters as text, by position', () => {
    const result = fillTemplate(view(), values);
    expect(result).toEqual({
      ok: true,
      filled: {
        name: 'order_update',
        language: 'en',
        text: 'Order A-17\nHi Ann, your order A-17 is shipped. Thanks, Ann!\nAcme Support',
        components: [
          { type: 'header', parameters: [{ type: 'text', text: 'A-17' }] },
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Ann' },
              { type: 'text', text: 'A-17' },
              { type: 'text', text: 'shipped' },
            ],
          },
        ],
      },
    });
  });

  it('[issue 4] named parameters are sent with their name', () => {
    const named = view({
      ...orderUpdate,
      components: [{ type: 'BODY', text: 'Hi {{first_name}}' }],
    });
    const result = fillTemplate(named, { 'body:first_name': 'Ann' });
    expect(result.ok && result.filled.components).toEqual([
      { type: 'body', parameters: [{ type: 'text', text: 'Ann', parameter_name: 'first_name' }] },
    ]);
  });

  it('[issue 4] every parameter must be filled: empty and blank ones are named', () => {
    const result = fillTemplate(view(), { ...values, 'body:2': '   ', 'body:3': '' });
    expect(result).toEqual({ ok: false, issues: { 'body:2': 'required', 'body:3': 'required' } });
  });

  it('[issue 4] a value over its max length, or with new lines / tabs / 5 spaces, is refused', () => {
    const v = view();
    expect(templateParameterIssues(v, { ...values, 'header:1': 'x'.repeat(55) })).toEqual({
      'header:1': 'tooLong',
    });
    expect(templateParameterIssues(v, { ...values, 'body:1': 'A\nB' })).toEqual({
      'body:1': 'invalidWhitespace',
    });
    expect(templateParameterIssues(v, { ...values, 'body:1': 'A\tB' })).toEqual({
      'body:1': 'invalidWhitespace',
    });
    expect(templateParameterIssues(v, { ...values, 'body:1': 'A     B' })).toEqual({
      'body:1': 'invalidWhitespace',
    });
    expect(templateParameterIssues(v, { ...values, 'body:1': 'A    B' })).toEqual({});
  });

  it('[issue 4] values that fit alone but not together: the rendered body stays within 1024', () => {
    const v = view();
    const long = 'y'.repeat(400);
    const result = fillTemplate(v, { ...values, 'body:1': long, 'body:2': long });
    // {{1}} appears twice: 800 + 400 + fixed text > 1024.
    expect(result).toEqual({ ok: false, issues: { 'body:3': 'tooLong' } });
  });

  it('[issue 4] a value for a parameter the template does not have is refused', () => {
    expect(fillTemplate(view(), { ...values, 'body:9': 'x' })).toEqual({
      ok: false,
      issues: { 'body:9': 'unknown' },
    });
  });

  it('[issue 4] only approved templates with a text header (or none) are offered', () => {
    expect(isSendable(orderUpdate)).toBe(true);
    expect(isSendable({ ...orderUpdate, status: 'PENDING' })).toBe(false);
    expect(isSendable({ ...orderUpdate, components: [{ type: 'HEADER', format: 'IMAGE' }] })).toBe(false);
  });

  it('a stored row whose components are not JSON is skipped, not thrown', () => {
    expect(templateView({ ...templateRow('bn1', orderUpdate, 0), components: '{' })).toBeUndefined();
  });
});
