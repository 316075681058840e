import { afterAll, describe, expect, it } from 'vitest';
import { startIdmock, type RunningIdmock } from '../../../src/runtime/start.js';
import { openQrSession } from './support.js';

describe('QR session uuids', () => {
  let idmock: RunningIdmock | undefined;
  afterAll(async () => {
    await idmock?.stop();
  });

  it('never start with "-", which a command line would read as an option', async () => {
    // 0xf8 bytes start every base64url group of four with "-" (62): "-Pj4-Pj4-Pj4-Pj4".
    idmock = await startIdmock({ services: ['wechat'], random: (n) => Buffer.alloc(n, 0xf8) });
    const uuid = await openQrSession(idmock.urls.wechat ?? '');
    expect(uuid).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{15}$/);
    expect(uuid).toBe('0Pj4-Pj4-Pj4-Pj4');
  });
});
