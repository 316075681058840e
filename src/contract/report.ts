/**
 * Turns the Pact verifier's JSON result into one entry per interaction, and failures into text a
 * person can act on: the interaction's name and state, then each mismatch as "expected …, got …",
 * with the body's defects named (`body-diff.ts` for pinned text bodies, `json-mismatch.ts` for
 * JSON bodies).
 */
import { explainBody } from './body-diff.js';
import { explainJsonMismatch } from './json-mismatch.js';
import { describeState, type ContractInteraction } from './pact-file.js';

/** The outcome of one interaction. */
export interface InteractionOutcome {
  /** The interaction's description, as written in the contract. */
  readonly description: string;
  /** Its provider states with their parameters filled in. */
  readonly states: readonly string[];
  readonly passed: boolean;
  /** One line per problem (empty when passed). */
  readonly problems: readonly string[];
}

/** The parts of the verifier's JSON result used here. */
interface VerifierJson {
  readonly result?: boolean;
  readonly errors?: readonly { readonly interaction?: string; readonly mismatch?: unknown }[];
  readonly interactionResults?: readonly {
    readonly description?: string;
    readonly result?: string;
  }[];
}

/** Parses the verifier's result (a JSON string, also carried by its failure's message). */
export function parseVerifierResult(text: string): VerifierJson | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}

function record(value: unknown): Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function show(value: unknown): string {
  return value === undefined || value === null ? 'nothing' : JSON.stringify(value);
}

function labelled(label: string, text: string): string {
  const max = 400;
  const clipped = text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
  return `${label}${JSON.stringify(clipped)}`;
}

/** Describes one mismatch of the verifier, with the body's defects named. */
function describeMismatch(
  mismatch: unknown,
  interaction: ContractInteraction | undefined,
): string[] {
  const entry = record(mismatch);
  const type = entry['type'];
  switch (type) {
    case 'StatusMismatch':
      return [`status: expected ${show(entry['expected'])}, got ${show(entry['actual'])}`];
    case 'HeaderMismatch':
      return [
        `header ${String(entry['key'])}: expected ${show(entry['expected'])}, got ${show(entry['actual'])}`,
      ];
    case 'BodyTypeMismatch':
      return [
        `body content type: expected ${show(entry['expected'])}, got ${show(entry['actual'])}`,
      ];
    case 'BodyMismatch': {
      // A JSON body (no whole-body pattern): Pact names the path; say what is wrong there.
      if (interaction?.response.bodyPattern === undefined) {
        const line = explainJsonMismatch(entry);
        if (line !== undefined) return [`body ${line}`];
      }
      const actual = typeof entry['actual'] === 'string' ? entry['actual'] : '';
      const example = interaction?.response.body;
      const pattern = interaction?.response.bodyPattern;
      const defects = explainBody(example, actual, pattern);
      const lines =
        defects.length > 0
          ? defects.map((defect) => `body: ${defect}`)
          : [
              `body${entry['path'] === '$' ? '' : ` at ${String(entry['path'])}`}: ${String(entry['mismatch'])}`,
            ];
      if (example !== undefined) lines.push(labelled('  expected (example): ', example));
      lines.push(labelled('  actual:             ', actual));
      if (pattern !== undefined) lines.push(`  pattern:            ${pattern}`);
      return lines;
    }
    default: {
      const text = entry['mismatch'] ?? entry['message'] ?? JSON.stringify(mismatch);
      return [typeof text === 'string' ? text : JSON.stringify(text)];
    }
  }
}

const MISMATCH_ORDER = ['StatusMismatch', 'HeaderMismatch', 'BodyTypeMismatch', 'BodyMismatch'];

/** Status first, then headers, then the body: the order a reader checks a response in. */
function mismatchRank(mismatch: unknown): number {
  const rank = MISMATCH_ORDER.indexOf(String(record(mismatch)['type']));
  return rank === -1 ? MISMATCH_ORDER.length : rank;
}

/** Lines for one failed interaction's verifier error. */
function describeError(mismatch: unknown, interaction: ContractInteraction | undefined): string[] {
  const entry = record(mismatch);
  if (entry['type'] === 'mismatches' && Array.isArray(entry['mismatches'])) {
    const ordered = [...(entry['mismatches'] as unknown[])].sort(
      (a, b) => mismatchRank(a) - mismatchRank(b),
    );
    return ordered.flatMap((m) => describeMismatch(m, interaction));
  }
  const message = entry['message'];
  return [typeof message === 'string' ? message : JSON.stringify(mismatch)];
}

/** Finds the interaction the verifier names as `Verifying a pact between … - <description>`. */
function matchInteraction(
  name: string,
  interactions: readonly ContractInteraction[],
): ContractInteraction | undefined {
  let best: ContractInteraction | undefined;
  for (const interaction of interactions) {
    if (name === interaction.description || name.endsWith(` - ${interaction.description}`)) {
      if (!best || interaction.description.length > best.description.length) best = interaction;
    }
  }
  return best;
}

/** Builds per-interaction outcomes from the verifier's result and the contracts. */
export function outcomes(
  result: VerifierJson,
  interactions: readonly ContractInteraction[],
  stateProblems: (interaction: ContractInteraction) => readonly string[],
): InteractionOutcome[] {
  const problems = new Map<ContractInteraction, string[]>();
  const unmatched: string[] = [];
  for (const error of result.errors ?? []) {
    const interaction = matchInteraction(error.interaction ?? '', interactions);
    const lines = describeError(error.mismatch, interaction);
    if (!interaction) {
      unmatched.push(`${error.interaction ?? 'an interaction'}: ${lines.join('; ')}`);
      continue;
    }
    problems.set(interaction, [...(problems.get(interaction) ?? []), ...lines]);
  }
  const failedByResult = new Set(
    (result.interactionResults ?? [])
      .filter((entry) => entry.result !== 'OK')
      .map((entry) => entry.description),
  );
  const list = interactions.map((interaction): InteractionOutcome => {
    const lines = problems.get(interaction) ?? [];
    // A state that could not be set up fails its interaction even when the request, sent with the
    // contract's example values, happened to pass: the interaction was not really verified.
    const setup = [...new Set(stateProblems(interaction))].map(
      (p) => `state set-up failed (the request used the contract's example values): ${p}`,
    );
    const failed =
      setup.length > 0 || lines.length > 0 || failedByResult.has(interaction.description);
    // Pact can report one body twice (its type sniffing and the pattern); say each thing once.
    const details = [...new Set([...setup, ...lines])];
    return {
      description: interaction.description,
      states: interaction.states.map(describeState),
      passed: !failed,
      problems:
        failed && details.length === 0 ? ['failed (the verifier gave no details)'] : details,
    };
  });
  for (const line of unmatched) {
    list.push({ description: line, states: [], passed: false, problems: [line] });
  }
  return list;
}

/** The failures as text: the interaction by name, its state, then its problems indented. */
export function renderFailures(failures: readonly InteractionOutcome[]): string {
  return failures
    .map((failure) =>
      [
        `  ✗ ${failure.description}`,
        ...failure.states.map((state) => `      given ${state}`),
        ...failure.problems.map((problem) => `      ${problem}`),
      ].join('\n'),
    )
    .join('\n\n');
}
