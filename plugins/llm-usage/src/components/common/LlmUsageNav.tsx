import { Tab, Tabs, makeStyles } from '@material-ui/core';
import { Link, useLocation } from 'react-router-dom';
import { useLlmUsagePaths } from './BasePath';
import { useLocalization } from '../../hooks';

const useStyles = makeStyles(theme => ({
  root: {
    // The slot Page keeps for header tabs, between header and content.
    gridArea: 'pageSubheader',
    backgroundColor: theme.palette.background.paper,
    borderBottom: `1px solid ${theme.palette.divider}`,
    paddingLeft: theme.spacing(3),
    paddingRight: theme.spacing(3),
  },
}));

type Section =
  | 'dashboard'
  | 'keys'
  | 'reconciliation'
  | 'alerts'
  | 'activity'
  | 'settings';
const SECTIONS: Section[] = [
  'dashboard',
  'keys',
  'reconciliation',
  'alerts',
  'activity',
  'settings',
];

/**
 * Links between the plugin's pages, under every page header, so an app
 * whose sidebar lists only the dashboard still reaches keys, alerts,
 * activity and settings. Project pages belong to the dashboard.
 *
 * @internal
 */
export function LlmUsageNav() {
  const classes = useStyles();
  const { t } = useLocalization();
  const paths = useLlmUsagePaths();
  const { pathname } = useLocation();
  const current =
    SECTIONS.find(
      s =>
        s !== 'dashboard' &&
        (pathname === paths[s]() || pathname.startsWith(`${paths[s]()}/`)),
    ) ?? 'dashboard';
  return (
    <nav aria-label={t('nav.sections')} className={classes.root}>
      <Tabs
        value={current}
        indicatorColor="primary"
        textColor="primary"
        variant="scrollable"
        scrollButtons="auto"
      >
        {SECTIONS.map(section => (
          <Tab
            key={section}
            value={section}
            label={t(`nav.${section}`)}
            component={Link}
            to={paths[section]()}
            aria-current={section === current ? 'page' : undefined}
          />
        ))}
      </Tabs>
    </nav>
  );
}
