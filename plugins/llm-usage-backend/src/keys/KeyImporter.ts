import type {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  llmUsageKeyManagePermission,
  type ImportKeysResponse,
  type ImportKeysRowResult,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import type { Request } from 'express';
import Papa from 'papaparse';
import type { AccountService } from '../accounts/AccountService';
import type { TagStore } from '../tags/TagStore';
import type { KeyStore } from './KeyStore';
import type { KeyService } from './KeyService';
import { importRowSchema } from './keySchemas';
import { itemErrorMessage } from '../lib/itemError';
import { hostileJsonError } from '../lib/hostileJson';

const MAX_ROWS = 5000;

function rowsOf(format: 'csv' | 'json', content: string): unknown[] {
  if (format === 'json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(content);
    } catch (error) {
      throw new InputError(
        `Invalid field 'content': not JSON (${(error as Error).message})`,
      );
    }
    if (!Array.isArray(parsed)) {
      throw new InputError(`Invalid field 'content': must be a JSON array`);
    }
    // An escaped NUL (\u0000) passed the body's check as text; not as JSON.
    const hostile = hostileJsonError(parsed);
    if (hostile) {
      throw new InputError(
        `Invalid field 'content': ${hostile.message.replace(
          /^Invalid field /,
          'the value at ',
        )}`,
      );
    }
    return parsed;
  }
  const result = Papa.parse<Record<string, string>>(content.trim(), {
    header: true,
    skipEmptyLines: 'greedy',
    transformHeader: header => header.trim(),
  });
  if (!result.meta.fields?.includes('name')) {
    throw new InputError(
      `Invalid field 'content': the CSV needs a header row with at least accountId and name`,
    );
  }
  // Empty cells mean "not given", as in JSON.
  return result.data.map(row =>
    Object.fromEntries(
      Object.entries(row)
        .map(([column, value]) => [column, value?.trim() ?? ''])
        .filter(([, value]) => value !== ''),
    ),
  );
}

function tagNames(tags: string | string[] | undefined): string[] {
  if (!tags) return [];
  const list = Array.isArray(tags) ? tags : tags.split(/[;|]/);
  return [...new Set(list.map(tag => tag.trim()).filter(Boolean))];
}

/**
 * Imports keys from CSV or JSON. A row whose providerKeyId is already in its
 * account updates that key's owner, component, expiry, notes and tags; any
 * other row registers a key by hand. Every row is reported on its own.
 */
export class KeyImporter {
  constructor(
    private readonly options: {
      keys: KeyStore;
      keyService: KeyService;
      tags: TagStore;
      accounts: AccountService;
      /** Where rows' internal errors go instead of the response. */
      logger?: LoggerService;
    },
  ) {}

  async import(
    credentials: BackstageCredentials,
    input: { format: 'csv' | 'json'; content: string; dryRun?: boolean },
    request?: Request,
  ): Promise<ImportKeysResponse> {
    const rows = rowsOf(input.format, input.content);
    if (rows.length > MAX_ROWS) {
      throw new InputError(
        `Invalid field 'content': at most ${MAX_ROWS} rows per import`,
      );
    }
    const dryRun = input.dryRun ?? false;
    const decisions = this.options.keyService.decisions(credentials);
    const results: ImportKeysRowResult[] = [];
    for (const [index, raw] of rows.entries()) {
      const row = index + 1;
      try {
        const parsed = importRowSchema.safeParse(raw);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          throw new InputError(
            `${issue.path.join('.') || 'row'}: ${issue.message}`,
          );
        }
        const { tags, ...fields } = parsed.data;
        const names = tagNames(tags);
        const known = await this.options.tags.findByNames(names);
        const unknown = names.filter(
          name => !known.has(name.toLocaleLowerCase('en-US')),
        );
        if (unknown.length > 0) {
          throw new InputError(`unknown tag ${unknown.join(', ')}`);
        }
        const tagIds = names.map(
          name => known.get(name.toLocaleLowerCase('en-US'))!.id,
        );
        // Rows land on an account: the dry run refuses what the import would.
        const account = await this.options.accounts.requireUsable(
          credentials,
          fields.accountId,
          permission => decisions.decideAccount(permission),
        );
        const existing = fields.providerKeyId
          ? await this.options.keys.findByProviderKeyId(
              account.id,
              fields.providerKeyId,
            )
          : undefined;
        if (existing && existing.deletedAt === null) {
          if (dryRun) {
            await decisions.assert(llmUsageKeyManagePermission, existing);
          } else {
            await this.options.keyService.update(
              credentials,
              existing.id,
              {
                ownerRef: fields.ownerRef,
                componentRef: fields.componentRef,
                expiresAt: fields.expiresAt,
                notes: fields.notes,
                ...(tags !== undefined ? { tagIds } : {}),
              },
              request,
              decisions,
            );
          }
          results.push({ row, outcome: 'updated', keyId: existing.id });
        } else if (existing) {
          throw new InputError(
            `key ${fields.providerKeyId} was deleted from the inventory`,
          );
        } else if (dryRun) {
          await decisions.assert(llmUsageKeyManagePermission, {
            ownerRef: fields.ownerRef ?? null,
          });
          results.push({ row, outcome: 'created' });
        } else {
          const key = await this.options.keyService.register(
            credentials,
            { ...fields, tagIds },
            request,
            decisions,
          );
          results.push({ row, outcome: 'created', keyId: key.id });
        }
      } catch (error) {
        results.push({
          row,
          outcome: 'failed',
          error: itemErrorMessage(
            error,
            this.options.logger,
            `Key import of row ${row}`,
          ),
        });
      }
    }
    const count = (outcome: ImportKeysRowResult['outcome']) =>
      results.filter(result => result.outcome === outcome).length;
    return {
      rows: results,
      created: count('created'),
      updated: count('updated'),
      failed: count('failed'),
      dryRun,
    };
  }
}
