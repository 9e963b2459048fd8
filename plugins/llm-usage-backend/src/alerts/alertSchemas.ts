import { InputError } from '@backstage/errors';
import {
  ALERT_RULE_SCOPES,
  ALERT_SEVERITIES,
  ALERT_STATES,
  ALERT_TYPES,
  type AlertRuleInput,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { z } from 'zod/v3';
import {
  parseBody,
  parsePathParam,
  parseQuery,
  wholeNumberParam,
} from '../lib/parseInput';
import type { AlertCursor, AlertListFilter } from './AlertStore';
import { alertRuleInputSchema } from './ruleSchemas';
import {
  cursorNumber,
  cursorText,
  decodeCursorParts,
  encodeCursorParts,
} from '../lib/cursorParts';

const cursorSchema = z.tuple([cursorNumber(), cursorText(64)]);

export function encodeAlertCursor(cursor: AlertCursor): string {
  return encodeCursorParts([cursor.firstSeenAt, cursor.id]);
}

function decodeAlertCursor(text: string): AlertCursor {
  const [firstSeenAt, id] = decodeCursorParts(text, cursorSchema);
  return { firstSeenAt, id };
}

const listSchema = z
  .object({
    severity: z.enum(ALERT_SEVERITIES).optional(),
    type: z.enum(ALERT_TYPES).optional(),
    state: z.enum(ALERT_STATES).default('open'),
    unread: z
      .enum(['true', 'false'], { message: "must be 'true' or 'false'" })
      .optional()
      .transform(value => value === 'true'),
    limit: wholeNumberParam(1, 200).default('50'),
    cursor: z.string().max(500).optional(),
  })
  .strict();

export function parseAlertListQuery(query: unknown): AlertListFilter {
  const { cursor, ...filter } = parseQuery(listSchema, query);
  return {
    ...filter,
    after: cursor ? decodeAlertCursor(cursor) : undefined,
  };
}

const alertId = z.string().trim().min(1).max(64);

export function parseAlertId(value: unknown): string {
  return parsePathParam(alertId, 'id', value);
}

const markReadSchema = z
  .object({ ids: z.array(alertId).min(1).max(500) })
  .strict();

export function parseMarkRead(body: unknown): string[] {
  return parseBody(markReadSchema, body).ids;
}

export function parseAlertRuleInput(body: unknown): AlertRuleInput {
  return parseBody(alertRuleInputSchema, body);
}

const ruleListSchema = z
  .object({
    scope: z.enum(ALERT_RULE_SCOPES).optional(),
    scopeId: z.string().trim().min(1).max(255).optional(),
  })
  .strict();

export function parseAlertRuleListQuery(query: unknown) {
  return parseQuery(ruleListSchema, query);
}

/**
 * Routes that take no body accept none or `{}`: anything else is a mistake
 * worth a 400 rather than a silent success.
 */
export function parseNoBody(body: unknown, contentType: string | undefined) {
  if (contentType && !/^application\/json\b/i.test(contentType)) {
    throw new InputError('The request body must be JSON, or empty');
  }
  parseBody(z.object({}).strict(), body);
}
