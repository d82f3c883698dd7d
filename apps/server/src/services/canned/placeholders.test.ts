import { describe, expect, it } from 'vitest';
import { fillPlaceholders, firstNameOf } from './placeholders.ts';

describe('[issue-18] canned response placeholders', () => {
  const values = new Map([
    ['customer.first_name', 'María'],
    ['agent.first_name', 'Anna'],
    ['orderId', 'A-1'],
    ['customer.name', '{{agent.first_name}}'],
  ]);

  it('fills known ones, spaces allowed inside the braces', () => {
    expect(
      fillPlaceholders(
        'Ciao {{customer.first_name}}, sono {{ agent.first_name }} (ordine {{orderId}})',
        values,
      ),
    ).toEqual({
      text: 'Ciao María, sono Anna (ordine A-1)',
      missing: [],
    });
  });

  it('leaves unknown or empty ones empty and lists each once', () => {
    expect(fillPlaceholders('{{tracking}} / {{tracking}} / {{x}}', new Map([['x', '']]))).toEqual({
      text: ' /  / ',
      missing: ['tracking', 'x'],
    });
  });

  it('never reads a filled value as a template', () => {
    expect(fillPlaceholders('Hi {{customer.name}}', values).text).toBe('Hi {{agent.first_name}}');
  });

  it('takes the first word of a name', () => {
    expect(firstNameOf('  María José López ')).toBe('María');
    expect(firstNameOf('Anna')).toBe('Anna');
    expect(firstNameOf('')).toBe('');
  });
});
