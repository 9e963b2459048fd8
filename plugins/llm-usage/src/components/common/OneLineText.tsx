import { makeStyles } from '@material-ui/core';
import type { ReactNode } from 'react';

const useStyles = makeStyles({
  // Identifiers (key names, ids) read as one word in every language: they
  // never break at their hyphens; a very long one is cut, whole in the title.
  oneLine: {
    display: 'inline-block',
    maxWidth: 240,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
    verticalAlign: 'bottom',
  },
});

/** An identifier kept on one line, cut with its full text in the title. */
export function OneLineText(props: { text: string; children?: ReactNode }) {
  const classes = useStyles();
  return (
    <span className={classes.oneLine} title={props.text}>
      {props.children ?? props.text}
    </span>
  );
}
