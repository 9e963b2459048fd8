import type { Theme } from '@material-ui/core';

/**
 * Series colours taken from the app theme, so charts follow light/dark and
 * custom themes; a few fixed hues extend it for splits with many series.
 */
export function chartPalette(theme: Theme): string[] {
  const { palette } = theme;
  return [
    palette.primary.main,
    palette.secondary.main,
    palette.success.main,
    palette.warning.main,
    palette.info.main,
    palette.error.light,
    palette.primary.light,
    palette.secondary.light,
    palette.grey[500],
  ];
}
