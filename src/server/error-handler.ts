import type { FastifyError } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, ERROR_STATUS, type ErrorCode } from '../errors.ts';
import type { App } from './types.ts';

function fastifyCode(err: FastifyError): ErrorCode | undefined {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'payload_too_large';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'unsupported_media_type';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'invalid_json';
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return 'validation_failed';
    default:
      return undefined;
  }
}

/** Maps every error to the contract's shape once; a 500 hides its details behind the request id. */
export function installErrorHandler(app: App): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    let code: ErrorCode;
    let message: string;
    if (err instanceof AppError) {
      code = err.code;
      message = err.message;
    } else if (hasZodFastifySchemaValidationErrors(err)) {
      code = 'validation_failed';
      const issue = err.validation[0];
      const path = (issue?.instancePath ?? '').split('/').filter(Boolean).join('.');
      const where = `${err.validationContext ?? 'request'}${path ? `.${path}` : ''}`;
      message = `invalid ${where}: ${issue?.message ?? 'does not match the schema'}`;
    } else if (err instanceof SyntaxError || fastifyCode(err)) {
      code = fastifyCode(err) ?? 'invalid_json';
      message = code === 'payload_too_large' ? 'request body is too large' : code === 'invalid_json' ? 'request body is not valid JSON' : err.message;
    } else if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      code = err.statusCode === 404 ? 'not_found' : err.statusCode === 429 ? 'rate_limited' : 'validation_failed';
      message = err.message;
    } else {
      // never the message: a database error can quote the values it was given
      req.log.error({ err: { type: err.name, code: err.code, stack: err.stack?.split('\n').slice(1).join('\n') } }, 'request failed');
      code = 'internal';
      message = `internal error (request ${req.id})`;
    }
    void reply.status(ERROR_STATUS[code]).send({ error: { code, message } });
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.status(404).send({ error: { code: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]}` } });
  });
}
