import { ReactNode, useState } from 'react';
import {
  Box,
  Button,
  Divider,
  Drawer,
  IconButton,
  List,
  ListItem,
  ListItemText,
  MenuItem,
  TextField,
  Typography,
  makeStyles,
} from '@material-ui/core';
import CloseIcon from '@material-ui/icons/Close';
import Alert from '@material-ui/lab/Alert';
import Skeleton from '@material-ui/lab/Skeleton';
import { useApi } from '@backstage/frontend-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  ApiKey,
  AuditEvent,
  KeyTag,
  llmUsageKeyManagePermission,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { DateTime } from 'luxon';
import { KeyRotationSection } from './KeyRotationSection';
import { providerDisplayName } from '../../lib/providerNames';
import { llmUsageApiRef } from '../../api';
import {
  useKey,
  useKeyAuditEvents,
  useNotifiedRun,
  useLocalization,
} from '../../hooks';
import {
  CostLines,
  ItemsQueryContent,
  OptionalEntityRefLink,
  QueryContent,
} from '../common';
import { KeyExpiry, KeyStatusChip, KeyTags, TagChip } from './KeyChips';
import { KeyUsageChart } from './KeyUsageChart';
import {
  ExpiresOnField,
  OwnerAndComponentPickers,
  ownershipRequest,
  useKeyForm,
} from './KeyFormFields';

const useStyles = makeStyles(theme => ({
  paper: {
    width: 560,
    maxWidth: '100vw',
    padding: theme.spacing(2, 3),
  },
  header: {
    display: 'flex',
    alignItems: 'flex-start',
    justifyContent: 'space-between',
    gap: theme.spacing(1),
  },
  hint: {
    fontFamily: 'monospace',
    color: theme.palette.text.secondary,
  },
  section: {
    marginTop: theme.spacing(2),
  },
  field: {
    display: 'grid',
    gridTemplateColumns: '140px 1fr',
    // On a phone the label sits above its value: ids keep to one line.
    [theme.breakpoints.down('xs')]: {
      gridTemplateColumns: '1fr',
      gap: 0,
    },
    gap: theme.spacing(1),
    alignItems: 'center',
    padding: theme.spacing(0.5, 0),
  },
  change: {
    fontFamily: 'monospace',
    fontSize: theme.typography.caption.fontSize,
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-word',
  },
}));

/** A titled part of the drawer, set off from the one above by a line. */
function DrawerSection(props: {
  title: string;
  /** The top part: no line above it. */
  first?: boolean;
  children: ReactNode;
}) {
  const classes = useStyles();
  return (
    <>
      {!props.first && <Divider className={classes.section} />}
      <Box className={classes.section}>
        <Typography variant="h6">{props.title}</Typography>
        {props.children}
      </Box>
    </>
  );
}

function Field(props: { label: string; children: ReactNode }) {
  const classes = useStyles();
  return (
    <Box className={classes.field}>
      <Typography variant="body2" color="textSecondary">
        {props.label}
      </Typography>
      <Box>{props.children}</Box>
    </Box>
  );
}

/**
 * Field-by-field differences between an audit event's before and after.
 * Ids found in `names` (e.g. tag ids) read as the names they stand for.
 */
export function describeChanges(
  event: AuditEvent,
  names: ReadonlyMap<string, string> = new Map(),
): string[] {
  const before = (event.before ?? {}) as Record<string, unknown>;
  const after = (event.after ?? {}) as Record<string, unknown>;
  if (typeof before !== 'object' || typeof after !== 'object') {
    return [];
  }
  const fields = new Set([...Object.keys(before), ...Object.keys(after)]);
  const named = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(named);
    return typeof value === 'string' ? names.get(value) ?? value : value;
  };
  const show = (value: unknown) =>
    value === undefined || value === null
      ? '—'
      : JSON.stringify(named(value)).replace(/","/g, '", "');
  return [...fields]
    .filter(f => JSON.stringify(before[f]) !== JSON.stringify(after[f]))
    .sort()
    .map(f => `${f}: ${show(before[f])} → ${show(after[f])}`);
}

function AuditHistory(props: {
  keyId: string;
  reloadToken: number;
  tags: KeyTag[];
}) {
  const classes = useStyles();
  const { t, format } = useLocalization();
  const events = useKeyAuditEvents(props.keyId, props.reloadToken);
  const tagNames = new Map(props.tags.map(tag => [tag.id, tag.name]));
  return (
    <ItemsQueryContent
      query={events}
      loading={<Skeleton variant="rect" height={80} />}
      empty={
        <Typography variant="body2" color="textSecondary">
          {t('keyWorkspace.detail.noHistory')}
        </Typography>
      }
    >
      {value => (
        <List dense disablePadding data-testid="key-audit">
          {value.items.map(event => (
            <ListItem key={event.id} disableGutters divider>
              <ListItemText
                primary={
                  <span>
                    <strong>{event.action}</strong> ·{' '}
                    <EntityRefLink
                      entityRef={event.actorRef}
                      defaultKind="user"
                    />
                  </span>
                }
                secondary={
                  <>
                    {format.dateTime(event.occurredAt)}
                    {describeChanges(event, tagNames).map(line => (
                      <span key={line} className={classes.change}>
                        <br />
                        {line}
                      </span>
                    ))}
                  </>
                }
              />
            </ListItem>
          ))}
        </List>
      )}
    </ItemsQueryContent>
  );
}

function EditableDetails(props: {
  apiKey: ApiKey;
  tags: KeyTag[];
  canManage: boolean;
  onSaved: () => void;
}) {
  const { apiKey, tags, canManage, onSaved } = props;
  const { t } = useLocalization();
  const api = useApi(llmUsageApiRef);
  const [editing, setEditing] = useState(false);
  const [form, change] = useKeyForm({
    ownerRef: apiKey.ownerRef,
    componentRef: apiKey.componentRef,
    expiresOn: apiKey.expiresAt
      ? DateTime.fromISO(apiKey.expiresAt).toLocal().toISODate() ?? ''
      : '',
  });
  const [tagIds, setTagIds] = useState(apiKey.tags.map(tag => tag.id));
  const { run, busy: saving } = useNotifiedRun(
    error => t('keyWorkspace.detail.saveFailed', { error }),
    () => {
      setEditing(false);
      onSaved();
    },
  );
  const save = () =>
    run(
      () => api.updateKey(apiKey.id, { ...ownershipRequest(form), tagIds }),
      t('keyWorkspace.detail.saved'),
    );

  if (!editing) {
    return (
      <>
        <Field label={t('keyWorkspace.columns.owner')}>
          <OptionalEntityRefLink
            entityRef={apiKey.ownerRef}
            defaultKind="group"
            fallback={t('keyWorkspace.orphan.noOwner')}
          />
        </Field>
        <Field label={t('keyWorkspace.columns.component')}>
          <OptionalEntityRefLink
            entityRef={apiKey.componentRef}
            defaultKind="component"
          />
        </Field>
        <Field label={t('keyWorkspace.columns.tags')}>
          <KeyTags tags={apiKey.tags} emptyText={t('common.none')} />
        </Field>
        <Field label={t('keyWorkspace.columns.expires')}>
          <KeyExpiry expiresAt={apiKey.expiresAt} />
        </Field>
        {canManage && (
          <Box mt={1}>
            <Button
              size="small"
              variant="outlined"
              color="primary"
              onClick={() => setEditing(true)}
            >
              {t('keyWorkspace.detail.edit')}
            </Button>
          </Box>
        )}
      </>
    );
  }

  return (
    <Box display="flex" flexDirection="column" style={{ gap: 12 }}>
      <OwnerAndComponentPickers name="key" form={form} onChange={change} />
      <TextField
        select
        size="small"
        variant="outlined"
        label={t('keyWorkspace.columns.tags')}
        value={tagIds}
        SelectProps={{
          multiple: true,
          renderValue: selected =>
            tags
              .filter(tag => (selected as string[]).includes(tag.id))
              .map(tag => tag.name)
              .join(', '),
        }}
        onChange={e => setTagIds(e.target.value as unknown as string[])}
      >
        {tags.map(tag => (
          <MenuItem key={tag.id} value={tag.id}>
            <TagChip tag={tag} />
          </MenuItem>
        ))}
      </TextField>
      <ExpiresOnField
        id="key-expires"
        value={form.expiresOn}
        onChange={expiresOn => change({ expiresOn })}
      />
      <Box display="flex" style={{ gap: 8 }}>
        <Button
          variant="contained"
          color="primary"
          size="small"
          disabled={saving}
          onClick={save}
        >
          {t('keyWorkspace.detail.save')}
        </Button>
        <Button size="small" onClick={() => setEditing(false)}>
          {t('keyWorkspace.dialog.cancel')}
        </Button>
      </Box>
    </Box>
  );
}

function KeyDetails(props: {
  apiKey: ApiKey;
  tags: KeyTag[];
  onChanged: () => void;
  reloadToken: number;
}) {
  const { apiKey, tags, onChanged, reloadToken } = props;
  const { t, format } = useLocalization();
  const { allowed: canManage } = usePermission({
    permission: llmUsageKeyManagePermission,
    resourceRef: apiKey.id,
  });

  return (
    <>
      <DrawerSection first title={t('keyWorkspace.detail.usage')}>
        <KeyUsageChart apiKey={apiKey} />
        <Field label={t('keyWorkspace.columns.monthTokens')}>
          {format.integer(apiKey.month.inputTokens + apiKey.month.outputTokens)}
        </Field>
        <Field label={t('keyWorkspace.columns.monthCost')}>
          <CostLines costs={apiKey.month.cost} />
        </Field>
      </DrawerSection>
      <DrawerSection title={t('keyWorkspace.detail.ownership')}>
        {/* Remounted after a save, so the form starts from the new values. */}
        <EditableDetails
          key={apiKey.updatedAt}
          apiKey={apiKey}
          tags={tags}
          canManage={canManage}
          onSaved={onChanged}
        />
      </DrawerSection>
      <DrawerSection title={t('keyWorkspace.detail.provider')}>
        <Field label={t('keyWorkspace.columns.status')}>
          <KeyStatusChip status={apiKey.status} />
        </Field>
        <Field label={t('keyWorkspace.detail.source')}>
          {t(`keyWorkspace.detail.sources.${apiKey.source}`)}
        </Field>
        <Field label={t('keyWorkspace.detail.providerKeyId')}>
          {apiKey.providerKeyId ?? t('common.none')}
        </Field>
        <Field label={t('keyWorkspace.columns.created')}>
          {format.dateTime(apiKey.createdAt)}
        </Field>
        <Field label={t('keyWorkspace.columns.lastUsed')}>
          {format.dateTime(apiKey.lastUsedAt)}
        </Field>
        <Field label={t('keyWorkspace.detail.lastSync')}>
          {format.dateTime(apiKey.syncedAt)}
        </Field>
        <Field label={t('keyWorkspace.detail.capabilities')}>
          {apiKey.capabilities.setEnabledAtProvider
            ? t('keyWorkspace.detail.canToggleAtProvider')
            : t('keyWorkspace.detail.localToggleOnly')}
        </Field>
        {apiKey.removedAtProviderAt && (
          <Alert severity="warning">
            {t('keyWorkspace.detail.removedAtProvider', {
              time: format.dateTime(apiKey.removedAtProviderAt),
            })}
          </Alert>
        )}
        {apiKey.lastError && <Alert severity="error">{apiKey.lastError}</Alert>}
      </DrawerSection>
      <DrawerSection title={t('keyRotation.title')}>
        <KeyRotationSection
          apiKey={apiKey}
          canManage={canManage}
          onChanged={onChanged}
        />
      </DrawerSection>
      <DrawerSection title={t('keyWorkspace.detail.history')}>
        <AuditHistory keyId={apiKey.id} reloadToken={reloadToken} tags={tags} />
      </DrawerSection>
    </>
  );
}

/** @internal */
export interface KeyDetailDrawerProps {
  keyId?: string;
  tags: KeyTag[];
  onClose: () => void;
  /** Something about the key changed; lists showing it should reload. */
  onChanged: () => void;
}

/** Everything about one key, next to the list. */
export function KeyDetailDrawer(props: KeyDetailDrawerProps) {
  const { keyId, onClose } = props;
  const classes = useStyles();
  return (
    <Drawer
      anchor="right"
      open={!!keyId}
      onClose={onClose}
      classes={{ paper: classes.paper }}
    >
      {keyId && <DrawerBody {...props} keyId={keyId} />}
    </Drawer>
  );
}

function DrawerBody(props: KeyDetailDrawerProps & { keyId: string }) {
  const { keyId, tags, onClose, onChanged } = props;
  const classes = useStyles();
  const { t } = useLocalization();
  const [reloadToken, setReloadToken] = useState(0);
  const key = useKey(keyId, reloadToken);
  const changed = () => {
    setReloadToken(n => n + 1);
    onChanged();
  };
  return (
    <Box data-testid="key-detail">
      <Box className={classes.header}>
        <Box>
          <Typography variant="h5">
            {key.value?.name ?? <Skeleton width={200} />}
          </Typography>
          {key.value && (
            <Typography variant="body2" className={classes.hint}>
              {[
                providerDisplayName(key.value.provider),
                key.value.accountName,
                key.value.maskedHint,
              ]
                .filter(Boolean)
                .join(' · ')}
            </Typography>
          )}
        </Box>
        <IconButton
          aria-label={t('keyWorkspace.dialog.close')}
          onClick={onClose}
          size="small"
        >
          <CloseIcon />
        </IconButton>
      </Box>
      <QueryContent
        query={key}
        loading={<Skeleton variant="rect" height={240} />}
      >
        {value => (
          <KeyDetails
            apiKey={value}
            tags={tags}
            onChanged={changed}
            reloadToken={reloadToken}
          />
        )}
      </QueryContent>
    </Box>
  );
}
