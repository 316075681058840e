/**
 * Reads the parts of a Pact V4 file the harness needs: the parties, each interaction's description
 * and provider states, and the response the consumer expects (example body and body pattern), so
 * that a failure can be explained against what the contract asked for.
 */
import { readFile } from 'node:fs/promises';
import { IDMOCK_INVALID_ARGUMENT, IdmockError } from '../core/errors.js';

/** A provider state as written in a contract. */
export interface ContractState {
  readonly name: string;
  readonly params: Readonly<Record<string, unknown>>;
}

/** One HTTP interaction of a contract. */
export interface ContractInteraction {
  readonly description: string;
  readonly states: readonly ContractState[];
  readonly request: { readonly method: string; readonly path: string };
  /** The response the consumer was given in its test (the contract's example). */
  readonly response: {
    readonly status: number;
    readonly body: string | undefined;
    /** The regex pinning the whole body (`matchingRules.body.$`), when there is one. */
    readonly bodyPattern: string | undefined;
  };
}

/** A parsed contract file. */
export interface ContractFile {
  readonly path: string;
  readonly consumer: string;
  readonly provider: string;
  readonly specification: string;
  readonly interactions: readonly ContractInteraction[];
}

function record(value: unknown): Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function list(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : [];
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function decodeBody(body: unknown): string | undefined {
  const entry = record(body);
  const content = entry['content'];
  if (content === undefined) return undefined;
  if (typeof content !== 'string') return JSON.stringify(content);
  return entry['encoded'] === 'base64' ? Buffer.from(content, 'base64').toString('utf8') : content;
}

function bodyPatternOf(response: Readonly<Record<string, unknown>>): string | undefined {
  const root = record(record(record(response['matchingRules'])['body'])['$']);
  for (const matcher of list(root['matchers'])) {
    const entry = record(matcher);
    if (entry['match'] === 'regex' && typeof entry['regex'] === 'string') return entry['regex'];
  }
  return undefined;
}

/** Parses a contract's JSON; throws an `[idmock]` error naming the file when it is not a pact. */
export function parseContract(path: string, json: string): ContractFile {
  let document: Readonly<Record<string, unknown>>;
  try {
    document = record(JSON.parse(json));
  } catch (error) {
    throw new IdmockError(IDMOCK_INVALID_ARGUMENT, `${path} is not JSON`, { cause: error });
  }
  const consumer = text(record(document['consumer'])['name']);
  const provider = text(record(document['provider'])['name']);
  const interactions = document['interactions'];
  if (consumer === '' || provider === '' || !Array.isArray(interactions)) {
    throw new IdmockError(
      IDMOCK_INVALID_ARGUMENT,
      `${path} is not a Pact file (it needs consumer.name, provider.name and interactions)`,
    );
  }
  const specification = text(record(record(document['metadata'])['pactSpecification'])['version']);
  return {
    path,
    consumer,
    provider,
    specification,
    interactions: (interactions as unknown[]).map((entry) => {
      const interaction = record(entry);
      const request = record(interaction['request']);
      const response = record(interaction['response']);
      return {
        description: text(interaction['description']),
        states: list(interaction['providerStates']).map((state) => ({
          name: text(record(state)['name']),
          params: record(record(state)['params']),
        })),
        request: { method: text(request['method']), path: text(request['path']) },
        response: {
          status: typeof response['status'] === 'number' ? response['status'] : 200,
          body: decodeBody(response['body']),
          bodyPattern: bodyPatternOf(response),
        },
      };
    }),
  };
}

/** Reads and parses a contract file. */
export async function readContract(path: string): Promise<ContractFile> {
  let json: string;
  try {
    json = await readFile(path, 'utf8');
  } catch (error) {
    throw new IdmockError(IDMOCK_INVALID_ARGUMENT, `cannot read contract ${path}`, {
      cause: error,
    });
  }
  return parseContract(path, json);
}

/** A state's name with its parameters filled in: `WeChat user zhang-wei has authorised …`. */
export function describeState(state: ContractState): string {
  return state.name.replace(/\{(\w+)\}/g, (whole, key: string) => {
    const value = state.params[key];
    return value === undefined ? whole : typeof value === 'string' ? value : JSON.stringify(value);
  });
}
