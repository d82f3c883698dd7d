import { describe, expect, it } from 'vitest';
import { en } from '../../i18n/en.ts';
import { it as italian } from '../../i18n/it.ts';

describe('transfer and conference labels', () => {
  it('[S-14][S-19][S-21][S-22] use the Italian labels of the source guide', () => {
    expect(italian.collaboration.transfer).toBe('Trasferisci');
    expect(italian.collaboration.transferTitle).toBe('Trasferisci richiesta');
    expect(italian.collaboration.submitTransfer).toBe('Trasferisci');
    expect(italian.collaboration.conference).toBe('Conferenza');
    expect(italian.collaboration.conferenceTitle).toBe('Richiesta conferenza');
    expect(italian.collaboration.submitConference).toBe('Conferenza');
    expect(italian.collaboration.endConference).toBe('Termina conferenza');
    expect(italian.collaboration.exitConference).toBe('Esci dalla conferenza');
  });

  it('[S-14][S-19][S-20][S-21][S-22] use the English labels of the rules', () => {
    expect(en.collaboration.transfer).toBe('Transfer');
    expect(en.collaboration.transferTitle).toBe('Transfer request');
    expect(en.collaboration.conferenceTitle).toBe('Conference request');
    expect(en.collaboration.conferenceRequested).toMatch(/^Conference requested/);
    expect(en.collaboration.conferenceJoined).toMatch(/^Conference/);
    expect(en.collaboration.endConference).toBe('End conference');
    expect(en.collaboration.exitConference).toBe('Exit conference');
  });
});
