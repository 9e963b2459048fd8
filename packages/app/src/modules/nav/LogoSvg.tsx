import { makeStyles } from '@material-ui/core';

const useStyles = makeStyles({
  svg: {
    width: 'auto',
    height: (props: { height: number }) => props.height,
  },
  path: {
    fill: '#7df3e1',
  },
});

/** The app's mark in the sidebar: one path at a fixed height, width to scale. */
export const LogoSvg = (props: {
  height: number;
  viewBox: string;
  path: string;
}) => {
  const classes = useStyles({ height: props.height });

  return (
    <svg
      className={classes.svg}
      xmlns="http://www.w3.org/2000/svg"
      viewBox={props.viewBox}
    >
      <path className={classes.path} d={props.path} />
    </svg>
  );
};
