/**
 * Response bodies of the connect API (`auth-server.md` §1, §3). Keys are written in the order the
 * documented examples show them (alphabetical), so a recorded response and ours diff cleanly.
 */
import { GS_REQUESTS, GS_RESPONSES, type ErrorMap, type SocialSystem } from './constants.js';

/** A requestId as the client sent it (the JS SDK sends strings; some clients numbers). */
export type RequestId = string | number | undefined;

/** A response body, ready for `JSON.stringify`. */
export type GsBody = Readonly<Record<string, unknown>>;

/** The response class of a request class (`.RegistrationResponse` for registrations). */
export function responseClassOf(requestClass: string | undefined): string {
  return requestClass === GS_REQUESTS.registration
    ? GS_RESPONSES.registration
    : GS_RESPONSES.authentication;
}

/** The switch summary (`Player` type) of §3's ERR_SWITCH. */
export interface SwitchSummary {
  readonly id: string;
  readonly displayName: string;
  readonly externalIds: Readonly<Partial<Record<SocialSystem, string>>>;
  readonly achievements: readonly string[];
  readonly virtualGoods: readonly string[];
  readonly online: boolean;
  readonly scriptData: Readonly<Record<string, unknown>>;
}

/** A success: a fresh authToken for the resulting player. */
export function authSuccess(
  responseClass: string,
  result: { authToken: string; displayName: string; newPlayer: boolean; userId: string },
  requestId: RequestId,
): GsBody {
  return {
    '@class': responseClass,
    authToken: result.authToken,
    displayName: result.displayName,
    newPlayer: result.newPlayer,
    ...(requestId === undefined ? {} : { requestId }),
    scriptData: null,
    userId: result.userId,
  };
}

/** A failure: an `error` map, `newPlayer:false`, no authToken or userId. */
export function authError(
  responseClass: string,
  error: ErrorMap,
  requestId: RequestId,
  switchSummary?: SwitchSummary,
): GsBody {
  return {
    '@class': responseClass,
    error,
    newPlayer: false,
    ...(requestId === undefined ? {} : { requestId }),
    ...(switchSummary === undefined ? {} : { switchSummary }),
  };
}
