/**
 * A failed state set-up fails the interaction it was for, and only that one, even when many
 * interactions share the same state with the same parameters (as the auth server's `player P0`
 * does). Pact itself ignores state handler failures and says nothing about which interaction a
 * set-up served, so `verifyTarget` lines its own record of set-ups up with the order Pact reports.
 * Here a stand-in for Pact's verifier runs the handlers as Pact does, one interaction at a time.
 */
import './support/pact-env.js';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTRACT_PARTIES, contractFileName, contractPath } from '../../src/contract/contracts.js';
import type { PactModule } from '../../src/contract/pact-module.js';
import type { PactStateHandlers } from '../../src/contract/state-handlers.js';
import { verifyTarget } from '../../src/contract/verify.js';
import { WECHAT_STATES } from '../../src/contract/wechat-target.js';

const CONTRACT = contractPath(
  contractFileName(CONTRACT_PARTIES.authServer, CONTRACT_PARTIES.wechat),
);

interface Interaction {
  description: string;
  providerStates?: { name: string; params?: Record<string, unknown> }[];
}

/** Runs each interaction's set-ups in order, ignores their failures (as Pact does), passes all. */
class FakeVerifier {
  private readonly handlers: PactStateHandlers;
  private readonly files: string[];

  constructor(options: { stateHandlers: PactStateHandlers; pactUrls: string[] }) {
    this.handlers = options.stateHandlers;
    this.files = options.pactUrls;
  }

  async verifyProvider(): Promise<string> {
    const results: { description: string; result: string }[] = [];
    for (const file of this.files) {
      const pact = JSON.parse(readFileSync(file, 'utf8')) as { interactions: Interaction[] };
      for (const interaction of pact.interactions) {
        const states = interaction.providerStates ?? [];
        for (const state of states) {
          await this.handlers[state.name]?.setup(state.params).catch(() => undefined);
        }
        for (const state of states) {
          await this.handlers[state.name]?.teardown(state.params).catch(() => undefined);
        }
        results.push({ description: interaction.description, result: 'OK' });
      }
    }
    return JSON.stringify({ result: true, errors: [], interactionResults: results });
  }
}

describe('verifyTarget: state set-up failures', () => {
  let stateChange: Server;
  let url: string;
  let authorisedCalls = 0;

  beforeAll(async () => {
    // Answers every set-up, except the second of the (shared) authorised-app state.
    stateChange = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      req.on('end', () => {
        const body = JSON.parse(text) as { state: string; action: string };
        if (body.action === 'setup' && body.state === WECHAT_STATES.authorised) {
          authorisedCalls += 1;
          if (authorisedCalls === 2) {
            res.writeHead(500).end('the second one breaks');
            return;
          }
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((done) => stateChange.listen(0, '127.0.0.1', done));
    url = `http://127.0.0.1:${(stateChange.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((done) => {
      stateChange.close(() => {
        done();
      });
    });
  });

  it('fail only the interaction whose set-up failed', async () => {
    const contract = JSON.parse(readFileSync(CONTRACT, 'utf8')) as { interactions: Interaction[] };
    const sharing = contract.interactions.filter((interaction) =>
      (interaction.providerStates ?? []).some((state) => state.name === WECHAT_STATES.authorised),
    );
    expect(sharing.length).toBeGreaterThan(2);
    const result = await verifyTarget({
      target: 'wechat',
      baseUrl: url,
      stateChangeUrl: url,
      pactFiles: [CONTRACT],
      print: () => undefined,
      loadPact: () => Promise.resolve({ Verifier: FakeVerifier } as unknown as PactModule),
    });
    expect(result.failures.map((failure) => failure.description)).toEqual([
      sharing[1]?.description,
    ]);
    expect(result.failures[0]?.problems.join('\n')).toContain('the second one breaks');
  });
});
