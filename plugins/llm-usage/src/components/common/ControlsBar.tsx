import { ReactNode } from 'react';
import { Box } from '@material-ui/core';

/**
 * The controls above a view's cards (range, source, export, ...): one row
 * spread to both ends that wraps on a narrow screen.
 *
 * @internal
 */
export function ControlsBar(props: { children: ReactNode }) {
  return (
    <Box
      display="flex"
      flexWrap="wrap"
      alignItems="center"
      justifyContent="space-between"
      style={{ gap: 16 }}
    >
      {props.children}
    </Box>
  );
}
