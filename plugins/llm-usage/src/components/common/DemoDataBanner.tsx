import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { Box } from '@material-ui/core';
import { useLlmUsageInfo, useLocalization } from '../../hooks';

/**
 * Says plainly that the numbers are generated when the backend serves demo
 * data, so nobody takes them for real spend. Renders nothing otherwise, and
 * nothing while loading or when /info fails (the page itself still works).
 */
export function DemoDataBanner() {
  const { t } = useLocalization();
  const { value } = useLlmUsageInfo();
  if (!value?.demoDataEnabled) {
    return null;
  }
  return (
    <Box mb={2}>
      <Alert severity="warning" data-testid="demo-data-banner">
        <AlertTitle>{t('usageViews.demoData.title')}</AlertTitle>
        {t('usageViews.demoData.description')}
      </Alert>
    </Box>
  );
}
