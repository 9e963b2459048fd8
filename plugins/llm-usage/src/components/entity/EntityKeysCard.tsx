import { useState } from 'react';
import { Typography } from '@material-ui/core';
import { Link } from '@backstage/core-components';
import type { KeyListQuery } from '@llm-usage/backstage-plugin-llm-usage-common';
import { useKeyList, useTags, useLocalization } from '../../hooks';
import { QueryErrorPanel, SectionCard } from '../common';
import { KeyDetailDrawer } from '../keys/KeyDetailDrawer';
import { KeysTable, KeysTableProps } from '../keys/KeysTable';

const PAGE_SIZE = 10;

/** The keys linked to an entity, with their details one click away. */
export function EntityKeysCard(props: {
  title: string;
  query: KeyListQuery;
  hide?: KeysTableProps['hide'];
  /** A link to the API Keys page with the same filter. */
  moreLink?: string;
}) {
  const { title, query, hide, moreLink } = props;
  const { t } = useLocalization();
  const [page, setPage] = useState(0);
  const [openKeyId, setOpenKeyId] = useState<string>();
  const [reloadToken, setReloadToken] = useState(0);
  const keys = useKeyList(
    { ...query, sort: 'name', offset: page * PAGE_SIZE, limit: PAGE_SIZE },
    reloadToken,
  );
  const tags = useTags();

  let body;
  if (keys.error) {
    body = <QueryErrorPanel error={keys.error} onRetry={keys.retry} />;
  } else if (keys.value && keys.value.total === 0) {
    body = (
      <Typography color="textSecondary">
        {t('keyWorkspace.entity.noKeys')}
      </Typography>
    );
  } else if (keys.value) {
    body = (
      <KeysTable
        keys={keys.value.items}
        total={keys.value.total}
        hide={hide}
        page={page}
        pageSize={PAGE_SIZE}
        onPageChange={setPage}
        onOpen={key => setOpenKeyId(key.id)}
      />
    );
  }

  return (
    <SectionCard
      title={title}
      busy={keys.loading}
      testId="entity-keys"
      toolbar={
        moreLink && (
          <Link to={moreLink}>{t('keyWorkspace.entity.openKeys')}</Link>
        )
      }
    >
      {body}
      <KeyDetailDrawer
        keyId={openKeyId}
        tags={tags.value?.items ?? []}
        onClose={() => setOpenKeyId(undefined)}
        onChanged={() => setReloadToken(n => n + 1)}
      />
    </SectionCard>
  );
}
