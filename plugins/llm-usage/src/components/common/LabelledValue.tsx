import { ReactNode } from 'react';
import { Box, Typography } from '@material-ui/core';

/**
 * A value under its small, quiet label: a fact on a card or a field of a
 * record's details.
 *
 * @internal
 */
export function LabelledValue(props: {
  label: string;
  children: ReactNode;
  /** `h6` for a headline figure; body text by default. */
  variant?: 'h6' | 'body2';
}) {
  const { label, children, variant = 'body2' } = props;
  return (
    <Box>
      <Typography variant="caption" color="textSecondary" component="div">
        {label}
      </Typography>
      <Typography variant={variant} component="div">
        {children}
      </Typography>
    </Box>
  );
}
