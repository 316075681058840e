/**
 * Express transport: a router that hands every request under its mount point to a service's
 * dispatcher. Works whether or not the host app already parsed the body.
 */
import { Router, type Request, type Response } from 'express';
import { parseBody, type RequestBody } from '../../core/http.js';
import { dispatch, type Service } from '../../core/router.js';
import {
  DEFAULT_BODY_LIMIT,
  readBody,
  toMockRequest,
  writeResponse,
} from '../node-server/index.js';

function bodyFromExpress(req: Request): RequestBody | undefined {
  const parsed: unknown = req.body;
  if (parsed === undefined || !req.readableEnded) return undefined;
  if (typeof parsed === 'string') return { kind: 'text', text: parsed };
  if (Buffer.isBuffer(parsed)) return parseBody(parsed, req.headers['content-type']);
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim();
  if (
    type === 'application/x-www-form-urlencoded' &&
    typeof parsed === 'object' &&
    parsed !== null
  ) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
      for (const item of Array.isArray(value) ? value : [value]) params.append(key, String(item));
    }
    return { kind: 'form', params };
  }
  return { kind: 'json', value: parsed };
}

/** Creates an Express router serving one service at the router's mount path. */
export function createServiceRouter(
  service: Service,
  options: { bodyLimit?: number } = {},
): Router {
  const router = Router();
  const limit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  router.use((req: Request, res: Response) => {
    const controller = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    void (async () => {
      let body = bodyFromExpress(req);
      if (body === undefined) {
        const raw = await readBody(req, limit);
        if (raw === null) return;
        if (raw === undefined) {
          const mock = toMockRequest(req, { kind: 'none' }, controller.signal, baseOf(req));
          writeResponse(res, service.renderRouterError('payload-too-large', mock));
          return;
        }
        body = parseBody(raw, req.headers['content-type']);
      }
      const mock = toMockRequest(req, body, controller.signal, baseOf(req));
      writeResponse(res, await dispatch(service, mock), req.method === 'HEAD');
    })().catch((error: unknown) => {
      service.logError?.(error, toMockRequest(req, { kind: 'none' }, controller.signal));
      if (!res.headersSent) res.status(500).type('text/plain').send('internal error');
    });
  });
  return router;
}

function baseOf(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}
