import {
  API_KEY_STATUSES,
  KEY_BATCH_ACTIONS,
  KEY_EXPIRY_STATES,
  KEY_SORT_FIELDS,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { z } from 'zod/v3';
import { wholeNumberParam } from '../lib/parseInput';
import { entityRef } from '../accounts/accountSchemas';
import { parseDecimalToNanos } from '../lib/money';
import { isoDateTimeMs } from '../lib/isoTime';

const isoDateTime = isoDateTimeMs(
  'must be an ISO 8601 date-time such as 2026-12-31T00:00:00Z',
);

/** A day (`2026-12-31`, taken as UTC midnight) or an ISO 8601 date-time. */
export const dateOrDateTime = z.union([
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .transform(value => Date.parse(`${value}T00:00:00Z`))
    .refine(value => !Number.isNaN(value), 'must be a valid date'),
  isoDateTime,
]);

const tagIds = z.array(z.string().min(1).max(64)).max(50);
const notes = z.string().max(4000).nullable();

const limitSchema = z
  .object({
    amount: z.string().regex(/^\d+(\.\d+)?$/, 'must be a decimal amount'),
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code'),
  })
  .strict();

export const keyUpdateSchema = z
  .object({
    limit: limitSchema.nullable().optional(),
    name: z.string().trim().min(1).max(255).optional(),
    ownerRef: entityRef.nullable().optional(),
    componentRef: entityRef.nullable().optional(),
    tagIds: tagIds.optional(),
    expiresAt: dateOrDateTime.nullable().optional(),
    notes: notes.optional(),
  })
  .strict();
export type KeyUpdateInput = z.output<typeof keyUpdateSchema>;

/** What a new key is given, however it comes: its account, name and details. */
const newKey = {
  accountId: z.string().min(1).max(64),
  name: z.string().trim().min(1).max(255),
};
const newKeyDetails = {
  ownerRef: entityRef.nullable().optional(),
  componentRef: entityRef.nullable().optional(),
  expiresAt: dateOrDateTime.nullable().optional(),
  notes: notes.optional(),
  tagIds: tagIds.optional(),
};

export const keyRegisterSchema = z
  .object({
    ...newKey,
    secret: z.string().min(8).max(4096).optional(),
    maskedHint: z.string().max(64).optional(),
    providerKeyId: z.string().min(1).max(255).optional(),
    ...newKeyDetails,
  })
  .strict();
export type KeyRegisterInput = z.output<typeof keyRegisterSchema>;

export const providerKeyCreateSchema = z
  .object({
    ...newKey,
    limit: limitSchema.optional(),
    ...newKeyDetails,
    storeSecret: z.boolean().optional(),
  })
  .strict();
export type ProviderKeyCreateInput = z.output<typeof providerKeyCreateSchema>;

export const keyBatchSchema = z
  .object({
    action: z.enum(KEY_BATCH_ACTIONS),
    keyIds: z.array(z.string().min(1).max(64)).min(1).max(500),
    ownerRef: entityRef.nullable().optional(),
    componentRef: entityRef.nullable().optional(),
    tagIds: tagIds.optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.action === 'assignOwner' && value.ownerRef === undefined) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['ownerRef'],
        message: 'required for assignOwner (null clears the owner)',
      });
    }
    if (
      value.action === 'assignComponent' &&
      value.componentRef === undefined
    ) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['componentRef'],
        message: 'required for assignComponent (null clears it)',
      });
    }
    if (
      (value.action === 'addTags' || value.action === 'removeTags') &&
      !value.tagIds?.length
    ) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['tagIds'],
        message: `required for ${value.action}`,
      });
    }
  });
export type KeyBatchInput = z.output<typeof keyBatchSchema>;

export const keyImportSchema = z
  .object({
    format: z.enum(['csv', 'json']),
    content: z.string().min(1).max(5_000_000),
    dryRun: z.boolean().optional(),
  })
  .strict();

/** One imported row: a registration plus tag names instead of ids. */
export const importRowSchema = keyRegisterSchema.omit({ tagIds: true }).extend({
  tags: z.union([z.string().max(1000), z.array(z.string().max(64))]).optional(),
});

const listParam = <T extends z.ZodTypeAny>(item: T) =>
  z
    .union([z.string(), z.array(z.string())])
    .transform(value =>
      (Array.isArray(value) ? value : [value])
        .flatMap(part => part.split(','))
        .map(part => part.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item).max(100));

/** A non-negative decimal amount (`12.5`) as nano-units. */
const nanosParam = z
  .string()
  .trim()
  .regex(/^\d{1,9}(\.\d{1,9})?$/, 'must be a decimal amount such as 12.50')
  .transform(value => parseDecimalToNanos(value) as bigint);

export const keyListQuerySchema = z
  .object({
    provider: listParam(z.string().max(64)).optional(),
    accountId: listParam(z.string().max(64)).optional(),
    ownerRef: listParam(z.string().max(255)).optional(),
    componentRef: z.string().max(255).optional(),
    status: listParam(z.enum(API_KEY_STATUSES)).optional(),
    expiry: listParam(z.enum(KEY_EXPIRY_STATES)).optional(),
    expiringWithinDays: wholeNumberParam(1, 365).default('7'),
    tag: listParam(z.string().max(64)).optional(),
    orphaned: z
      .enum(['true', 'false'])
      .transform(value => value === 'true')
      .optional(),
    q: z.string().trim().max(200).optional(),
    createdFrom: isoDateTime.optional(),
    createdTo: isoDateTime.optional(),
    // Month-to-date usage bounds, both inclusive.
    minMonthTokens: wholeNumberParam(0, Number.MAX_SAFE_INTEGER).optional(),
    maxMonthTokens: wholeNumberParam(0, Number.MAX_SAFE_INTEGER).optional(),
    minMonthCost: nanosParam.optional(),
    maxMonthCost: nanosParam.optional(),
    sort: z.enum(KEY_SORT_FIELDS).default('name'),
    order: z.enum(['asc', 'desc']).default('asc'),
    limit: wholeNumberParam(1, 500).default('50'),
    offset: wholeNumberParam(0, 1_000_000).default('0'),
  })
  .strict();
export type KeyListInput = z.output<typeof keyListQuerySchema>;
