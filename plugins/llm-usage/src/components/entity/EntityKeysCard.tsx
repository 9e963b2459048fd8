import { useState } from 'react';
import { Typography } from '@material-ui/core';
import { Link } from '@backstage/core-components';
import type { KeyListQuery } from '@llm-usage/backstage-plugin-llm-usage-common';
import { useKeyList, useTags, useLocalization } from '../../hooks';
import { QuerySectionCard } from '../common';
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

  return (
    <>
      <QuerySectionCard
        title={title}
        testId="entity-keys"
        toolbar={
          moreLink && (
            <Link to={moreLink}>{t('keyWorkspace.entity.openKeys')}</Link>
          )
        }
        query={keys}
        isEmpty={value => value.total === 0}
        empty={
          <Typography color="textSecondary">
            {t('keyWorkspace.entity.noKeys')}
          </Typography>
        }
      >
        {value => (
          <KeysTable
            keys={value.items}
            total={value.total}
            hide={hide}
            page={page}
            pageSize={PAGE_SIZE}
            onPageChange={setPage}
            onOpen={key => setOpenKeyId(key.id)}
          />
        )}
      </QuerySectionCard>
      <KeyDetailDrawer
        keyId={openKeyId}
        tags={tags.value?.items ?? []}
        onClose={() => setOpenKeyId(undefined)}
        onChanged={() => setReloadToken(n => n + 1)}
      />
    </>
  );
}
