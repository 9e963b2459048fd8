import { Box, Chip, makeStyles } from '@material-ui/core';
import type {
  ApiKey,
  ApiKeyStatus,
  KeyTag,
} from '@llm-usage/backstage-plugin-llm-usage-common';
import { DateTime } from 'luxon';
import { useLocalization } from '../../hooks';

const useStyles = makeStyles(theme => ({
  chip: {
    height: 22,
    fontSize: theme.typography.caption.fontSize,
  },
  error: {
    backgroundColor: theme.palette.error.main,
    color: theme.palette.error.contrastText,
  },
  warning: {
    backgroundColor: theme.palette.warning.main,
    color: theme.palette.warning.contrastText,
  },
  info: {
    backgroundColor: theme.palette.info.light,
    color: theme.palette.info.contrastText,
  },
  success: {
    backgroundColor: theme.palette.success.main,
    color: theme.palette.success.contrastText,
  },
  neutral: {},
  // Chips and the text beside them, wrapping onto more lines when narrow.
  chipRow: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(0.5),
  },
}));

/** The warning steps before a key expires, in days. */
export const EXPIRY_WARNING_DAYS = [1, 3, 7] as const;

/**
 * How close a key is to its expiry: `expired`, or the smallest warning step
 * (1, 3 or 7 days) it is within, or undefined when there is no warning.
 */
export function expiryWarning(
  expiresAt: string | null,
  now: DateTime = DateTime.now(),
): { kind: 'expired' } | { kind: 'within'; days: number } | undefined {
  if (!expiresAt) {
    return undefined;
  }
  const left = DateTime.fromISO(expiresAt).diff(now).as('days');
  if (left <= 0) {
    return { kind: 'expired' };
  }
  const days = EXPIRY_WARNING_DAYS.find(step => left <= step);
  return days === undefined ? undefined : { kind: 'within', days };
}

/** A chip when a key has expired or expires within 7, 3 or 1 days. */
export function ExpiryChip(props: { expiresAt: string | null }) {
  const classes = useStyles();
  const { t } = useLocalization();
  const warning = expiryWarning(props.expiresAt);
  if (!warning) {
    return null;
  }
  if (warning.kind === 'expired') {
    return (
      <Chip
        size="small"
        label={t('keyWorkspace.expiry.expired')}
        className={`${classes.chip} ${classes.error}`}
        data-testid="expiry-chip"
      />
    );
  }
  return (
    <Chip
      size="small"
      label={t('keyWorkspace.expiry.withinDays', {
        days: String(warning.days),
      })}
      className={`${classes.chip} ${
        warning.days <= 3 ? classes.error : classes.warning
      }`}
      data-testid="expiry-chip"
    />
  );
}

/**
 * When a key expires (or that it never does) with its warning chip; `short`
 * gives the date and time in the short form tables use.
 */
export function KeyExpiry(props: {
  expiresAt: string | null;
  short?: boolean;
  className?: string;
}) {
  const { expiresAt, short, className } = props;
  const classes = useStyles();
  const { t, format } = useLocalization();
  let when: string = t('keyWorkspace.expiry.never');
  if (expiresAt) {
    when = short ? format.shortDateTime(expiresAt) : format.dateTime(expiresAt);
  }
  return (
    <Box className={`${classes.chipRow} ${className ?? ''}`}>
      {when}
      <ExpiryChip expiresAt={expiresAt} />
    </Box>
  );
}

const STATUS_TONES: Record<ApiKeyStatus, keyof ReturnType<typeof useStyles>> = {
  active: 'success',
  disabled: 'neutral',
  archived: 'neutral',
  expired: 'error',
  error: 'error',
};

export function KeyStatusChip(props: { status: ApiKeyStatus }) {
  const classes = useStyles();
  const { t } = useLocalization();
  return (
    <Chip
      size="small"
      label={t(`keyWorkspace.status.${props.status}`)}
      className={`${classes.chip} ${classes[STATUS_TONES[props.status]]}`}
    />
  );
}

/** Readable text on a tag's colour: dark on light colours, white on dark. */
export function textColorOn(background: string): string {
  const hex = /^#?([0-9a-f]{6})$/i.exec(background.trim())?.[1];
  if (!hex) {
    return 'inherit';
  }
  const [r, g, b] = [0, 2, 4].map(i => parseInt(hex.slice(i, i + 2), 16));
  // Relative luminance as the WCAG contrast formula weighs the channels.
  const luminance = (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
  return luminance > 0.6 ? '#000000' : '#ffffff';
}

export function TagChip(props: { tag: KeyTag; onDelete?: () => void }) {
  const classes = useStyles();
  const { tag, onDelete } = props;
  const style = tag.color
    ? { backgroundColor: tag.color, color: textColorOn(tag.color) }
    : undefined;
  return (
    <Chip
      size="small"
      label={tag.name}
      className={classes.chip}
      style={style}
      onDelete={onDelete}
      data-testid={`tag-chip-${tag.name}`}
    />
  );
}

/** A key's tags as chips; `emptyText` is said when it has none. */
export function KeyTags(props: {
  tags: KeyTag[];
  emptyText?: string;
  className?: string;
}) {
  const { tags, emptyText, className } = props;
  const classes = useStyles();
  return (
    <Box className={`${classes.chipRow} ${className ?? ''}`}>
      {tags.length === 0 && emptyText}
      {tags.map(tag => (
        <TagChip key={tag.id} tag={tag} />
      ))}
    </Box>
  );
}

/** Keys without an owner are "orphaned": nobody is responsible for them. */
export function isOrphaned(key: ApiKey): boolean {
  return !key.ownerRef;
}
